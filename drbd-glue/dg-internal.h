/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file dg-internal.h
 * @brief libdrbdglue internals shared by its sources and its tests.
 */
#pragma once

#include "dg.h"

G_BEGIN_DECLS

/* ---- DRBD state names ------------------------------------------------------ */

/** dg_volume_state_find: (transfer none) volume @volume of @res, or NULL. */
const DgVolumeState *dg_volume_state_find(const DgResourceState *res, int volume);

/* ---- events2 ------------------------------------------------------------------ */

/** A line longer than this is cut (and counted as a warning). */
#define DG_EVENTS_LINE_MAX 8192

/**
 * dg_events_set_program:
 * Runs @path instead of "drbdsetup" (looked up in PATH) for the snapshot,
 * the watch and dg_sync_wait(). NULL restores the default. For tests, which
 * play transcripts through a fake drbdsetup; not thread-safe.
 */
void dg_events_set_program(const char *path);

/**
 * dg_events_watch_set_restart_delays:
 * The watch restarts drbdsetup at once after a run of at least @stable_ms;
 * after shorter runs it waits @min_ms, doubling up to @max_ms. Defaults
 * 30000, 1000, 30000. For tests.
 */
void dg_events_watch_set_restart_delays(guint stable_ms, guint min_ms, guint max_ms);

/** dg_events_watch_starts: how many times the watch started drbdsetup. */
guint dg_events_watch_starts(const DgEventsWatch *watch);

G_END_DECLS
