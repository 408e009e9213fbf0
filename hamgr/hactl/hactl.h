/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file hactl.h
 * @brief hactl's private header: exit codes, the reporting helpers every
 * command file uses, and the commands' entry points hactl.c dispatches to;
 * the command line is common's (pk-cli.h), its table in hactl.c.
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "pk-cli.h"

G_BEGIN_DECLS

/* Exit codes, documented in hactl(8). */
enum {
        EXIT_OK = 0,
        EXIT_FAIL = 1,
        EXIT_USAGE = 2,
        EXIT_INVALID = 3,
        EXIT_CONFLICT = 4,
        EXIT_PCMK = 5,
        EXIT_TIMEOUT = 6,
        EXIT_NOT_FOUND = 7,
        /* 8 and 9 are status's and verify's (HAM_EXIT_DEGRADED, HAM_EXIT_ERRORS). */
        EXIT_UNSAFE = 10,
        /* hactl drill's refusals (10: no fencing, 7: no such guest) */
        EXIT_DRILL_WRONG_NODE = 11,  /**< run on the node that would be powered off */
        EXIT_DRILL_DEGRADED = 12,    /**< the node running the guest is offline */
        EXIT_DRILL_DRBD = 13,        /**< a volume is not UpToDate on both nodes */
        EXIT_DRILL_NOT_RUNNING = 14, /**< the guest runs nowhere (or in two places) */
};

/** hactl_usage_error: prints "hactl: MESSAGE" and the hint; returns EXIT_USAGE. */
int hactl_usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/** hactl_report: prints @error and returns its exit code (HAM_ERROR, HAM_API_ERROR). */
int hactl_report(GError *error);

/** hactl_print_json: @obj pretty on stdout (transfer none). */
void hactl_print_json(json_object *obj);

/** hactl_guest: runs `hactl guest …` (hactl-guest.c). */
/* ---- hactl status and verify (hactl-status.c) ---- */

/**
 * ham_hactl_status / ham_hactl_verify: ask hamgrd at @socket (NULL: the
 * default) and print the table (or the JSON model with @json). Return the
 * exit code: 0, HAM_EXIT_DEGRADED, HAM_EXIT_ERRORS, or 1 when hamgrd did
 * not answer (the reason is on stderr).
 */
int ham_hactl_status(const char *socket, gboolean json);
int ham_hactl_verify(const char *socket, gboolean json);

int hactl_guest(PkCliCmd *a);

/** hactl_fence: `hactl fence add|list|remove|test|NODE …` (hactl-fence.c). */
int hactl_fence(PkCliCmd *a);

/** hactl_history, hactl_drill: `hactl history`, `hactl drill` (hactl-history.c). */
int hactl_history(PkCliCmd *a);
int hactl_drill(PkCliCmd *a);

G_END_DECLS
