/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-health.h
 * @brief The pure rules that turn what hamgrd observes into health values:
 * QMP events -> a guest's view, a guest's view or a DRBD resource -> the
 * value of its transient node attribute (see hamgrd(8)). Golden-tested in
 * tests/golden/ham-health.
 */
#pragma once

#include <json-c/json.h>

#include "dg.h"
#include "hv.h"

G_BEGIN_DECLS

/** What hamgrd knows of one local guest. */
typedef struct {
        char *name;
        HvState state;
        char *reason;       /**< QEMU's run state or the event that set it */
        pid_t pid;          /**< 0 when shut off or not known */
        char *last_event;   /**< name of the last QMP event, NULL before any */
        gint64 last_event_at; /**< its wall-clock time (s since the epoch), 0 before any */
} HamGuestView;

void ham_guest_view_clear(HamGuestView *g);

/** ham_guest_state_from_runstate: QEMU's query-status "status" → HvState. */
HvState ham_guest_state_from_runstate(const char *runstate);

/**
 * ham_guest_view_apply_event:
 * Applies one QMP event to @g: STOP pauses a running guest, RESUME runs it,
 * SHUTDOWN shuts it off, GUEST_PANICKED crashes it, WATCHDOG and
 * BLOCK_IO_ERROR pause it when their action does (the STOP that follows
 * keeps their reason). Returns TRUE when the health value may have changed.
 */
gboolean ham_guest_view_apply_event(HamGuestView *g, const HvQmpMessage *event);

/**
 * ham_health_guest: the value of the guest's attribute: "ok" (running),
 * "paused", "io-error", "watchdog", "crashed", "shutoff", "unknown". Static.
 */
const char *ham_health_guest(const HamGuestView *g);

/**
 * ham_health_drbd: the value of a DRBD resource's attribute, judged on its
 * volume 0: "ok" (UpToDate and connected to an UpToDate peer), "degraded"
 * (UpToDate, peer not: disconnected, outdated...), "sync-source",
 * "sync-target", "outdated", "inconsistent", "diskless", "failed",
 * "unknown". Static.
 */
const char *ham_health_drbd(const DgResourceState *res);

/**
 * ham_health_attr_guest / _drbd: the attribute names, HAM_ATTR_GUEST_PREFIX
 * or HAM_ATTR_DRBD_PREFIX and the name. The only place they are spelled:
 * hamgrd writes them, hactl status and hactl guest list read them back.
 * (transfer full).
 */
char *ham_health_attr_guest(const char *guest);
char *ham_health_attr_drbd(const char *resource);

/** The prefix of every attribute hamgrd owns (the CIB view keeps only these). */
#define HAM_ATTR_PREFIX "plastik-"
/** The prefixes of a guest's and of a DRBD resource's health attribute. */
#define HAM_ATTR_GUEST_PREFIX HAM_ATTR_PREFIX "guest-"
#define HAM_ATTR_DRBD_PREFIX HAM_ATTR_PREFIX "health-drbd-"

json_object *ham_guest_view_to_json(const HamGuestView *g);

G_END_DECLS
