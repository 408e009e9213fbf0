/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-status.h
 * @brief What `hactl status` and `hactl verify` report: a node's facts, the
 * `state` CPG message that carries them to the peer, the status model and
 * the verify findings.
 *
 * Each hamgrd gathers its node's facts (DRBD state, the digests and key
 * settings of its `.res` files, its LVs, the versions it runs) and sends
 * them to the peer in a `state` message over the CPG group "plastik" when
 * they change (debounced) and when the membership changes. So one request
 * to the local hamgrd answers for both nodes, and what is known of a node
 * that went away is kept with the time it was received.
 *
 * Everything here is pure: the message is parsed and built without I/O,
 * status, verify and drill are functions from typed inputs (hamgrd's
 * answers, see hamgrd(8), read once by their codecs) to JSON models and text (golden-tested in
 * tests/golden/ham-status/ and tests/golden/ham-verify/).
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "dg.h"
#include "ham.h"
#include "ham-cib.h"

G_BEGIN_DECLS

/** The `state` message's own version; a peer speaking another is ignored. */
#define HAM_STATE_VERSION 1
/** Most DRBD resources, .res files or LVs one message may list. */
#define HAM_STATE_MAX_ITEMS 256

/**
 * One DRBD resource of a node (volume 0: plastik uses no other), in
 * drbd-glue's types: status, verify and drill compare states, never words.
 * The `state` message carries them as DRBD's words (dg_role_name()...).
 */
typedef struct {
        char *name;
        DgRole role, peer_role;
        DgConnState conn;
        DgDiskState disk, peer_disk;
        DgReplState repl;
        double done;             /**< resync done in %, -1 when not syncing */
        DgSplitBrain *split_brain; /**< NULL: none recorded on that node */
        gint64 frozen_since;     /**< ms: the fence-peer handler that left I/O frozen started; 0: not frozen */
} HamFactsDrbd;

/** One `.res` file of a node: its digest and what verify checks in it. */
typedef struct {
        char *name;              /**< resource name (file NAME.res) */
        char *sha256;            /**< of the file's bytes */
        char *protocol;          /**< "A", "B", "C", or NULL when not set */
        char *fencing;           /**< the fencing policy, or NULL */
        gboolean fence_peer;     /**< a fence-peer handler is set */
        gboolean unfence_peer;   /**< after-resync-target (8.4) or unfence-peer */
        int split_brain_handler; /**< a split-brain handler is set: 1, 0, -1 unknown (a peer from before) */
} HamFactsRes;

typedef struct {
        char *name;
        guint64 size;            /**< bytes */
} HamFactsLv;

/** A node's facts, as gathered there. */
typedef struct {
        char *node;
        guint64 seq;             /**< grows with every message a hamgrd sends */
        gint64 at;               /**< wall clock (s since the epoch) of gathering */
        char *v_plastik, *v_drbd, *v_pacemaker, *v_corosync; /**< NULL: unknown */
        int two_node;            /**< corosync quorum.two_node: 1, 0, -1 unknown */
        guint64 mem_total_mib;   /**< the node's memory (MemTotal); 0: not known */
        GPtrArray *drbd;         /**< HamFactsDrbd*, by name */
        GPtrArray *res;          /**< HamFactsRes*, by name */
        GPtrArray *lvs;          /**< HamFactsLv*, by name */
} HamFacts;

HamFacts *ham_facts_new(const char *node);

/**
 * ham_capacity_mib:
 * Pure: what guests cost a node (ham.h, "Capacity"): for each guest of
 * @cib that runs on @node (NULL: every guest, as a node runs them when the
 * other fails), its memory plus HAM_GUEST_OVERHEAD_MIB; the host's reserve
 * is not included. A guest whose memory is not known counts for its
 * overhead. @ret_guests, @ret_unknown (optional): how many guests were
 * counted, and how many of them without a known memory.
 */
guint64 ham_capacity_mib(const HamCibView *cib, const char *node, guint *ret_guests, guint *ret_unknown);

/**
 * ham_meminfo_total_mib:
 * Pure: MemTotal of /proc/meminfo's text, in MiB (rounded down); 0 when
 * the text has no such line in kB.
 */
guint64 ham_meminfo_total_mib(const char *text);
void ham_facts_free(HamFacts *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamFacts, ham_facts_free)

/** ham_facts_sort: orders the lists by name, as the message wants them. */
void ham_facts_sort(HamFacts *f);

/**
 * ham_facts_from_json:
 * Validates a node's facts (the `state` message without "v" and "type"):
 * node a node name, seq ≥ 0, at ≥ 0, versions strings of 1-64 printable
 * characters or null, two_node a boolean or null, each list of at most
 * HAM_STATE_MAX_ITEMS objects with names of [A-Za-z0-9_.+-]{1,128}, each
 * name once, DRBD states of letters only, done -1 or 0..100, sha256 64 hex
 * digits (a state word drbd-glue's table does not know, say from a newer
 * DRBD, reads as its *_UNKNOWN value, so it is written back as
 * drbd-glue's name for that: "Unknown", "DUnknown"), a DRBD entry's split_brain null, missing (a hamgrd from before
 * it) or dg_split_brain_from_json()'s record for that entry's resource.
 * Unknown keys are ignored. Errors name the field. (transfer full).
 */
HamFacts *ham_facts_from_json(json_object *obj, GError **error);
/** ham_facts_to_json: (transfer full) the form ham_facts_from_json() reads. */
json_object *ham_facts_to_json(const HamFacts *f);

/**
 * ham_facts_drbd_from_state:
 * A DRBD fact as drbd-glue's state model has it (volume 0; a resource
 * without volumes: disks unknown, replication Off, not syncing), without
 * the split-brain and frozen-I/O records, which hamgrd reads from files.
 * (transfer full): free with ham_facts_drbd_free().
 */
HamFactsDrbd *ham_facts_drbd_from_state(const DgResourceState *r);
void ham_facts_drbd_free(HamFactsDrbd *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamFactsDrbd, ham_facts_drbd_free)

/** ham_facts_res_free / ham_facts_lv_free: the free functions of HamFacts'
 * lists, for whoever gathers such lists (hamgrd) before they become facts. */
void ham_facts_res_free(HamFactsRes *r);
void ham_facts_lv_free(HamFactsLv *l);

/**
 * ham_facts_drbd_states_to_json:
 * Adds @d's state to @obj as ham_facts_to_json() writes it in a "drbd"
 * entry: "role", "peer_role", "conn", "disk", "peer_disk", "repl" (DRBD's
 * words) and "done". hamgrd's `volume` and `volumes` replies use it too,
 * so the same state has the same keys everywhere in hamgrd's API.
 */
void ham_facts_drbd_states_to_json(const HamFactsDrbd *d, json_object *obj);

/**
 * ham_version_valid:
 * A program's version as a peer reports it (plastik's, DRBD's, Pacemaker's,
 * corosync's, and plastik's in the CPG hello): 1 to 64 printable characters
 * without blanks. Distributions add '+', '~' and ':' ("2.1.5-1+deb12u1"),
 * so nothing narrower.
 */
gboolean ham_version_valid(const char *s);

/**
 * ham_state_msg_parse:
 * A `state` message from a peer: at most HAM_CPG_MAX_MESSAGE bytes, no NUL,
 * a JSON object with "v" == HAM_STATE_VERSION, "type" == "state" and the
 * facts (ham_facts_from_json()). (transfer full).
 */
HamFacts *ham_state_msg_parse(const char *data, gsize len, GError **error);
/** ham_state_msg_build: (transfer full) the message text for @f. */
char *ham_state_msg_build(const HamFacts *f);
/** ham_state_msg_is: TRUE when @data is a JSON object whose "type" is "state". */
gboolean ham_state_msg_is(const char *data, gsize len);

/**
 * ham_res_facts_scan:
 * Pure: what verify keeps of a `.res` file's text, as dg_res_file_parse()
 * reads it: the protocol, the fencing policy and whether fence-peer,
 * after-resync-target/unfence-peer and split-brain handlers are set.
 * Fills those fields of @res.
 */
void ham_res_facts_scan(const char *text, HamFactsRes *res);

/**
 * ham_res_taken_scan:
 * Pure: the DRBD minors and ports a `.res` file's text uses, for every
 * resource in it (plastik's or not: drbdadm refuses a minor or port two
 * files claim), as dg_res_file_parse() reads them. One HamVolume per
 * number: guest NULL, volume the resource name, the other number
 * HAM_NUMBER_NONE. (transfer full).
 */
GPtrArray *ham_res_taken_scan(const char *text);

/* ---- status ---------------------------------------------------------------- */

/** A node as hamgrd's cluster-status answer lists it. */
typedef struct {
        char *name;
        gboolean member;         /**< in corosync's membership */
        gboolean hamgrd;         /**< its hamgrd is in the CPG group */
        gboolean online;         /**< online for Pacemaker (or member while the CIB is not connected) */
        gboolean standby, maintenance; /**< optional: hamgrd leaves them to the CIB's view */
        gint64 lost_at, back_at; /**< s since the epoch; 0: null */
        GPtrArray *attributes;   /**< char*: name, value (NULL: null), name, value... */
} HamStatusNode;

/**
 * HamClusterStatus: hamgrd's cache in one answer (`cluster-status`, see
 * ham_status_build() for its JSON form), typed. One node's facts per node
 * name, with the time this hamgrd received them.
 */
typedef struct {
        gint64 now;
        char *local;             /**< NULL: corosync not connected yet */
        gboolean quorate;
        char *dc;                /**< NULL: none */
        GPtrArray *nodes;        /**< HamStatusNode* */
        HamCibView *cib;         /**< NULL: the CIB not read yet */
        GPtrArray *facts;        /**< HamFacts*, each node once */
        GArray *facts_at;        /**< gint64, the receipt time of facts[i] (0: unknown) */
} HamClusterStatus;

HamClusterStatus *ham_cluster_status_new(void);
void ham_cluster_status_free(HamClusterStatus *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamClusterStatus, ham_cluster_status_free)

/**
 * ham_cluster_status_from_json:
 * Reads a cluster-status answer: "now", "local", "quorate", "dc", "nodes",
 * "cib" (null or ham_cib_view_from_json()'s form), "facts" (each
 * ham_facts_from_json()'s, and its key the node it names) and "facts_at"
 * must be there with their types; a node's "standby" and "maintenance"
 * may be missing (false). Unknown keys are ignored. Errors name the field
 * ("nodes[1].online: missing", "facts.node2.drbd[0].disk: ...").
 * (transfer full).
 */
HamClusterStatus *ham_cluster_status_from_json(json_object *obj, GError **error);

/** ham_cluster_status_node: (transfer none) the node @name, or NULL. */
const HamStatusNode *ham_cluster_status_node(const HamClusterStatus *st, const char *name);
/** ham_facts_find: (transfer none) @node's facts in @facts (HamFacts*), or NULL. */
const HamFacts *ham_facts_find(const GPtrArray *facts, const char *node);
/** ham_facts_received: @at's entry for @node's facts in @facts: when they came; 0 when unknown. */
gint64 ham_facts_received(const GPtrArray *facts, const GArray *at, const char *node);
/** ham_facts_drbd: (transfer none) the DRBD resource @name of @f, or NULL. */
const HamFactsDrbd *ham_facts_drbd(const HamFacts *f, const char *name);

/** Exit codes of `hactl status` and `hactl verify` beyond 0 (hactl(8)). */
#define HAM_EXIT_DEGRADED 8 /**< status: degraded; verify: warnings only */
#define HAM_EXIT_ERRORS 9   /**< status: a problem that needs action; verify: errors */

/**
 * ham_status_build:
 * Pure: hamgrd's cache (the "cluster-status" answer, see hamgrd(8), read
 * with ham_cluster_status_from_json()):
 *
 *     {"now": T, "local": NODE, "quorate": BOOL, "dc": NODE|null,
 *      "nodes": [{"name", "member", "hamgrd", "online", "standby"?,
 *                 "maintenance"?, "lost_at": T|null, "back_at": T|null,
 *                 "attributes": {...}}],
 *      "cib": ham_cib_view_to_json() | null,
 *      "facts": {NODE: ham_facts_to_json()}, "facts_at": {NODE: T}}
 *
 * → the status model hactl prints (hactl(8), "STATUS JSON"): health "ok",
 * "degraded" or "error", problems (most severe first), nodes, fencing
 * devices, guests with their volumes' DRBD state on each node. A volume
 * whose facts carry a split-brain record on either node is an error (one
 * per volume, both nodes' records combined); it takes the place of its
 * guest's "blocked" (ham_status_guest_blocked()) and of the volume's
 * connection problems.
 * Times are rendered in the local time zone. (transfer full).
 */
json_object *ham_status_build(const HamClusterStatus *status);

/**
 * ham_status_guest_blocked:
 * Pure, the one test of a blocked failover (status and the history use it):
 * guest @guest (of the CIB's view) runs nowhere, has not failed, is not
 * stopped on purpose, and one of its volumes carries the DRBD fence
 * handler's constraint allowing promotion only on a node that is not
 * online in @nodes (HamStatusNode*: name, online and lost_at count; a node
 * missing there counts as offline). Pacemaker
 * then rightly promotes no other copy: they are outdated. Returns (transfer
 * full) {"volume", "resource", "current_on", "current_offline_since": T|null,
 * "outdated_on": NODE|null, "constraint": ID} for the first such volume,
 * or NULL when the guest is not blocked.
 */
json_object *ham_status_guest_blocked(const HamCibGuest *guest, const GPtrArray *nodes);

/** ham_status_render: (transfer full) the admin's table, problems first. */
char *ham_status_render(json_object *model);

/** ham_status_exit_code: 0, HAM_EXIT_DEGRADED or HAM_EXIT_ERRORS. */
int ham_status_exit_code(json_object *model);

/* ---- verify ---------------------------------------------------------------- */

/**
 * HamVerifyFacts: hamgrd's `verify-facts` answer, typed: this node's and
 * the peer's names and corosync's token timeout (from plastik.conf; NULL
 * and 0 when not known or not set), both nodes' facts with when they came,
 * and the CIB's view (NULL: not read).
 */
typedef struct {
        char *local, *peer;
        guint corosync_token;    /**< ms, plastik.conf's [cluster] corosync-token; 0: corosync's default */
        HamCibView *cib;
        GPtrArray *facts;        /**< HamFacts*, each node once */
        GArray *facts_at;        /**< gint64, the receipt time of facts[i] (0: unknown) */
} HamVerifyFacts;

HamVerifyFacts *ham_verify_facts_new(void);
void ham_verify_facts_free(HamVerifyFacts *vf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamVerifyFacts, ham_verify_facts_free)

/**
 * ham_verify_facts_from_json:
 * Reads a verify-facts answer: "local", "peer" (strings or null), "cib"
 * (null or ham_cib_view_from_json()'s form), "facts" as in
 * ham_cluster_status_from_json(), and "facts_at" and "corosync_token"
 * (milliseconds or null: not set), which a hamgrd from before them did not
 * send (the times are then unknown, the token corosync's default). Unknown
 * keys are ignored. Errors name the field. (transfer full).
 */
HamVerifyFacts *ham_verify_facts_from_json(json_object *obj, GError **error);

/**
 * ham_verify:
 * Pure: both nodes' facts and the CIB ("verify-facts", hamgrd(8), read
 * with ham_verify_facts_from_json()):
 *
 *     {"local": NODE, "peer": NODE|null, "corosync_token": MS|null,
 *      "facts": {NODE: ham_facts_to_json()}, "facts_at": {NODE: T},
 *      "cib": ham_cib_view_to_json() | null}
 *
 * → {"findings": [{"code", "name", "severity": "error"|"warning", "object",
 *    "message"}], "errors": N, "warnings": N}, findings ordered by code then
 * object. Every message names the object and the fix. (transfer full).
 */
json_object *ham_verify(const HamVerifyFacts *input);

/** ham_verify_render: (transfer full) one line per finding and a summary. */
char *ham_verify_render(json_object *result);

/** ham_verify_exit_code: 0 clean, HAM_EXIT_DEGRADED warnings only, HAM_EXIT_ERRORS. */
int ham_verify_exit_code(json_object *result);

/* ---- hactl drill's preconditions (drill.c) --------------------------------- */

/** What drill's preconditions say; hactl maps each to an exit code. */
typedef enum {
        HAM_DRILL_GO,          /**< power @ret_node off */
        HAM_DRILL_NOT_READY,   /**< hamgrd does not know this node's name yet */
        HAM_DRILL_NO_CIB,      /**< hamgrd has not read the CIB */
        HAM_DRILL_NO_GUEST,    /**< no such guest */
        HAM_DRILL_NOT_RUNNING, /**< the guest runs on no node, or on two */
        HAM_DRILL_WRONG_NODE,  /**< run on the node that would be powered off */
        HAM_DRILL_DEGRADED,    /**< the guest's node is offline already */
        HAM_DRILL_NO_FENCING,  /**< nothing would power the node off */
        HAM_DRILL_DRBD,        /**< a volume is not UpToDate on both nodes */
} HamDrillVerdict;

/**
 * ham_drill_check:
 * Every reason not to power a node off for a drill of @guest, from one
 * cluster-status answer @status (ham_cluster_status_from_json()): the
 * guest must run on the other node,
 * which must be online, with every volume UpToDate on both sides and a
 * fencing device for it. HAM_DRILL_GO with @ret_node (transfer full) the
 * node to power off, or the first refusal with @ret_reason (transfer full)
 * saying why and what to do.
 */
HamDrillVerdict ham_drill_check(const HamClusterStatus *status, const char *guest, char **ret_node,
                                char **ret_reason);

/** ham_drill_verdict_name: "go", "not-running", "no-fencing"... Static. */
const char *ham_drill_verdict_name(HamDrillVerdict verdict);

G_END_DECLS
