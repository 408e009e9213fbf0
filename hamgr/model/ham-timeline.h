/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-timeline.h
 * @brief The failover timeline: what hamgrd saw of each failover, step by
 * step, with wall-clock times in milliseconds (see hamgrd(8), "HISTORY").
 *
 * A failover is the path of one guest from a node that was lost to the node
 * that runs it again:
 *
 *     node lost → fence requested → fence confirmed → DRBD promoted
 *       → guest started → service answering (when a probe is configured)
 *
 * Each hamgrd feeds what it observes (corosync membership, the fencer, DRBD,
 * QMP, the TCP probe) into the assembler as events; the survivor sees every
 * step. The assembler is pure: events in, records out, no clock of its own
 * (HAM_TL_TICK brings the time for the time limits). Its whole state is
 * JSON so a restarted hamgrd continues an open failover (golden-tested in
 * tests/golden/ham-timeline/, the file parser fuzzed).
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

G_BEGIN_DECLS

/** Closed records kept (the oldest go first). */
#define HAM_TL_MAX_RECORDS 100
/** Open records at most; more failovers at once are not recorded. */
#define HAM_TL_MAX_OPEN 64
/** Nodes, guests per event, guest placements the state holds at most. */
#define HAM_TL_MAX_NODES 16
#define HAM_TL_MAX_GUESTS 256
/** Largest history file read back. */
#define HAM_TL_MAX_FILE (4 * 1024 * 1024)
/** The history file's own version. */
#define HAM_TL_VERSION 1

/** Default time limits (ms): a service probe, a guest that never starts. */
#define HAM_TL_PROBE_TIMEOUT_MS (300 * 1000)
#define HAM_TL_START_TIMEOUT_MS (900 * 1000)
/** How long before its record a DRBD promotion may come and still be its. */
#define HAM_TL_PROMOTE_EARLY_MS (60 * 1000)

typedef enum {
        HAM_TL_NODE_LOST,          /**< node left the membership; guests: what ran there */
        HAM_TL_NODE_BACK,          /**< node rejoined */
        HAM_TL_FENCE_REQUESTED,    /**< the fencer was asked to fence node (guests optional) */
        HAM_TL_FENCE_CONFIRMED,    /**< the fencer confirmed node is off */
        HAM_TL_FENCE_FAILED,       /**< a fencing attempt of node failed */
        HAM_TL_DRBD_PROMOTED,      /**< guest's volumes became Primary on node */
        HAM_TL_GUEST_STARTED,      /**< guest's QEMU runs on node (probe: a probe is set) */
        HAM_TL_GUEST_AT,           /**< guest is known to run on node (no start seen) */
        HAM_TL_SERVICE_ANSWERING,  /**< guest's probe connected */
        HAM_TL_TICK,               /**< the time is now at_ms (closes what timed out) */
        HAM_TL_GUEST_BLOCKED,      /**< guest cannot start: resource's only current copy is on node, offline */
        HAM_TL_EVENT_COUNT_,
} HamTlEventKind;

/** ham_tl_event_kind_name: "node-lost"...; static. */
const char *ham_tl_event_kind_name(HamTlEventKind kind);
/** ham_tl_event_kind_from_name: FALSE for an unknown name. */
gboolean ham_tl_event_kind_from_name(const char *name, HamTlEventKind *ret_kind);

/** One observation. Strings are borrowed. */
typedef struct {
        HamTlEventKind kind;
        gint64 at_ms;              /**< wall clock, ms since the epoch */
        const char *node;          /**< node events, drbd-promoted, guest-started/-at */
        const char *guest;         /**< guest events */
        const char *const *guests; /**< node-lost, fence-*: NULL-terminated, may be NULL */
        gboolean probe;            /**< guest-started: a service probe will follow */
        const char *resource;      /**< guest-blocked: the DRBD resource whose copy is outdated here */
} HamTlEvent;

typedef struct HamTimeline HamTimeline;

/** ham_timeline_new: empty; @probe_timeout_ms, @start_timeout_ms 0: the defaults. */
HamTimeline *ham_timeline_new(gint64 probe_timeout_ms, gint64 start_timeout_ms);
void ham_timeline_free(HamTimeline *tl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamTimeline, ham_timeline_free)

/**
 * ham_timeline_feed:
 * Applies @ev. Events may come late, twice or out of order: each step keeps
 * the earliest time seen. Returns TRUE when the records changed (the caller
 * saves them); FALSE with @error (HAM_ERROR_INVALID naming the field) for an
 * event that is not valid, FALSE without error when it changed nothing.
 */
gboolean ham_timeline_feed(HamTimeline *tl, const HamTlEvent *ev, GError **error);

/**
 * ham_timeline_to_json:
 * (transfer full) {"v", "failovers": [closed, oldest first], "open": [...],
 * "nodes": {...}, "placement": {...}, "promoted": {...}}: everything needed to
 * continue after a restart.
 */
json_object *ham_timeline_to_json(const HamTimeline *tl);

/**
 * ham_timeline_from_json:
 * The inverse, validating every field (types, names, times 0..2^53, at most
 * the limits above); HAM_ERROR_PARSE naming the field. (transfer full).
 */
HamTimeline *ham_timeline_from_json(json_object *obj, gint64 probe_timeout_ms,
                                    gint64 start_timeout_ms, GError **error);

/** ham_timeline_parse: ham_timeline_from_json() of @len bytes of text. */
HamTimeline *ham_timeline_parse(const char *text, gsize len, gint64 probe_timeout_ms,
                                gint64 start_timeout_ms, GError **error);

/**
 * ham_timeline_history:
 * (transfer full) the `history` API's answer: {"failovers": [...], "open":
 * [...]}, only @guest's when not NULL, the last @limit closed records (0: all).
 */
json_object *ham_timeline_history(const HamTimeline *tl, const char *guest, guint limit);

/** ham_timeline_has_open: a failover is under way (the fencer is worth polling). */
gboolean ham_timeline_has_open(const HamTimeline *tl);

/** ham_timeline_awaiting_fence: (transfer full) lost nodes not yet confirmed fenced. */
GPtrArray *ham_timeline_awaiting_fence(const HamTimeline *tl);

/**
 * ham_timeline_load:
 * Reads @path (absent: an empty timeline). A file that cannot be read back
 * is renamed to PATH.corrupt-TIME, with a warning in @ret_warning (transfer
 * full), and an empty timeline is returned: history is never a reason not
 * to start. (transfer full).
 */
HamTimeline *ham_timeline_load(const char *path, gint64 probe_timeout_ms,
                               gint64 start_timeout_ms, char **ret_warning);

/** ham_timeline_save: writes @path atomically (temp, fsync, rename). */
gboolean ham_timeline_save(const HamTimeline *tl, const char *path, GError **error);

/**
 * ham_timeline_format:
 * (transfer full) `hactl history`'s table of @history (as
 * ham_timeline_history() returns it): guest, from → to, when (local time),
 * total, then each step as +seconds from the first.
 */
char *ham_timeline_format(json_object *history);

/** ham_timeline_format_record: (transfer full) one record's steps, one a line. */
char *ham_timeline_format_record(json_object *record);

/**
 * ham_probe_target_parse:
 * A service probe's target "ADDRESS:PORT" (IPv6 in brackets: "[::1]:80"):
 * an IP literal, so probing never waits for a name server, and a port
 * 1..65535. HAM_ERROR_INVALID naming the rule. @ret_host: (transfer full).
 */
gboolean ham_probe_target_parse(const char *target, char **ret_host, guint16 *ret_port,
                                GError **error);

/**
 * ham_timeline_fence_is_news:
 * Whether a finished fence operation the fencer's history shows belongs in
 * the timeline of a hamgrd that started at @started_ms. Operations finished
 * up to HAM_TL_FENCE_MARGIN_MS before the start count (hamgrd restarted
 * during a failover), unless @target_member: the target is a member of the
 * cluster again, so that failover is over. Counting it would open a record
 * that waits for a loss which already ended, and the next real failover
 * would be merged into it.
 */
gboolean ham_timeline_fence_is_news(gint64 completed_ms, gint64 started_ms, gboolean target_member);
#define HAM_TL_FENCE_MARGIN_MS (10 * 60 * 1000)

/** The step names of a record, in their order; NULL-terminated, static. */
extern const char *const ham_tl_steps[];

G_END_DECLS
