/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-txn.h
 * @brief Peer agreement over CPG before a guest's resources enter the CIB.
 *
 * A guest's replicated volumes must exist on both nodes (LV, .res file,
 * metadata, resource up) before its DRBD clone and guest primitive are added
 * to the CIB; otherwise pacemaker would try to start DRBD where it cannot.
 * The hamgrd asked to add a guest coordinates a two-phase exchange over the
 * CPG group "plastik" (agreed order, so every member sees the same sequence):
 *
 *     coordinator → all:  prepare  {txn, guest, volumes[]}
 *     each member → all:  prepared {txn, node, ok, error?}   (after realizing)
 *     (the client is told the volumes are ready; it may sync them, then it
 *     asks to commit or to abort)
 *     coordinator → all:  commit {txn}  after writing the CIB; or
 *                         abort {txn, reason} when one failed, a member
 *                         left, the client aborted or time ran out
 *
 * On abort each member undoes only what it created for this transaction,
 * so nothing half-made stays behind. A member that loses the coordinator
 * (it left the group) before commit or abort decides from the CIB: the
 * guest's resources are there → keep, else undo. Messages are versioned JSON objects
 * (`"v": 1`); see hamgrd(8), "Peers".
 *
 * Removing a guest's volumes (once its resources left the CIB) is a
 * simpler exchange: remove {txn, guest} to all, removed {txn, node, ok,
 * error?, removed[]} back.
 *
 * Everything here is pure: messages are parsed and built without I/O, and
 * the coordinator is a state machine fed with events that returns the
 * actions to take (golden-tested in tests/golden/ham-txn/).
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "dg.h"

G_BEGIN_DECLS

#define HAM_CPG_VERSION 1
/** Largest CPG message accepted. */
#define HAM_CPG_MAX_MESSAGE (64 * 1024)
/** Most volumes one guest may have. */
#define HAM_TXN_MAX_VOLUMES 16

typedef enum {
        HAM_CPG_HELLO,
        HAM_CPG_PREPARE,
        HAM_CPG_PREPARED,
        HAM_CPG_COMMIT,
        HAM_CPG_ABORT,
        HAM_CPG_REMOVE,
        HAM_CPG_REMOVED,
} HamCpgType;

/** One volume of a prepare message (the cluster-wide definition). */
typedef struct {
        char *volume;
        guint64 size;
        guint minor;
        guint port;
} HamCpgVolume;

/** A parsed CPG message. Fields not of its type are NULL/0. */
typedef struct {
        HamCpgType type;
        char *txn;           /**< PREPARE…ABORT: "NODE-SEQ", unique per coordinator */
        char *version;       /**< HELLO: the sender's plastik version */
        char *guest;         /**< PREPARE, REMOVE */
        HamCpgVolume *volumes; /**< PREPARE */
        guint n_volumes;
        char *node;          /**< PREPARED, REMOVED: who answers */
        gboolean ok;         /**< PREPARED, REMOVED */
        char *error;         /**< PREPARED, REMOVED when !ok, ABORT: the reason */
        char **removed;      /**< REMOVED: resources removed (NULL-terminated) */
} HamCpgMsg;

void ham_cpg_msg_free(HamCpgMsg *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamCpgMsg, ham_cpg_msg_free)

const char *ham_cpg_type_name(HamCpgType type);

#define HAM_TXN_ID_RULE "1-64 of [A-Za-z0-9._:-]"

/**
 * ham_txn_id_valid:
 * A transaction id: HAM_TXN_ID_RULE. hamgrd makes them "NODE-SEQ" (a node
 * name and a number); ':' is allowed for ids hamgr made before. The CPG
 * messages and the local API (guest-commit, guest-abort) check them alike.
 */
gboolean ham_txn_id_valid(const char *s);

/**
 * ham_cpg_msg_parse:
 * Validates a message from a peer: size, JSON object, "v" equal to
 * HAM_CPG_VERSION, a known "type", every field of that type present and of
 * its type, names valid (guest: hv_guest_name_valid(); volume:
 * [a-z][a-z0-9]{0,15}), sizes > 0, minor ≤ 1048575, port 1024..65535, no
 * duplicate volume, minor or port. Unknown keys are ignored (a newer peer
 * may add some). Errors name the field. (transfer full).
 */
HamCpgMsg *ham_cpg_msg_parse(const char *data, gsize len, GError **error);

/** ham_cpg_msg_to_string: (transfer full) the message as sent. */
char *ham_cpg_msg_to_string(const HamCpgMsg *msg);

/* ---- the coordinator ---------------------------------------------------- */

typedef enum {
        HAM_TXN_PREPARING,  /**< prepare sent; waiting for every member */
        HAM_TXN_PREPARED,   /**< all ok; waiting for the client's commit or abort */
        HAM_TXN_COMMITTING, /**< the CIB is being written */
        HAM_TXN_DONE,       /**< committed */
        HAM_TXN_ABORTED,
} HamTxnState;

const char *ham_txn_state_name(HamTxnState state);

typedef enum {
        HAM_TXN_DO_SEND,        /**< multicast @msg */
        HAM_TXN_DO_APPLY_CIB,   /**< add the guest's resources to the CIB, then
                                     feed ham_txn_cib_done() */
        HAM_TXN_DO_REPLY_OK,    /**< answer the client's pending request: done */
        HAM_TXN_DO_REPLY_ERROR, /**< answer the client's pending request with @text */
} HamTxnActionKind;

typedef struct {
        HamTxnActionKind kind;
        HamCpgMsg *msg;  /**< SEND */
        char *text;      /**< REPLY_ERROR */
} HamTxnAction;

typedef struct HamTxn HamTxn;

/**
 * ham_txn_new:
 * Starts a transaction for @prepare (its txn, guest and volumes; transfer
 * none, copied) among @members (the CPG members now, by node name; the
 * coordinator is one of them). Refused unless there are exactly two
 * members: a guest's volumes are mirrored between two nodes, and preparing
 * them on one alone would leave the other without.
 * @ret_actions: (out) (transfer full): GPtrArray of HamTxnAction* — the
 * prepare to send.
 */
HamTxn *ham_txn_new(const HamCpgMsg *prepare, const char *const *members,
                    GPtrArray **ret_actions, GError **error);
void ham_txn_free(HamTxn *txn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamTxn, ham_txn_free)

HamTxnState ham_txn_state(const HamTxn *txn);

/**
 * Events. Each returns the actions to take now (transfer full, possibly
 * empty). Events that do not belong (another txn, a duplicate answer, a
 * node that is not a member, anything after the end) change nothing.
 */
GPtrArray *ham_txn_on_message(HamTxn *txn, const HamCpgMsg *msg);
/** ham_txn_on_members: the CPG membership changed to @members. */
GPtrArray *ham_txn_on_members(HamTxn *txn, const char *const *members);
/** ham_txn_on_timeout: the deadline the caller keeps passed (preparing or prepared). */
GPtrArray *ham_txn_on_timeout(HamTxn *txn);
/** ham_txn_commit: the client asks to commit; only when prepared. */
GPtrArray *ham_txn_commit(HamTxn *txn);
/** ham_txn_abort: the client asks to abort (preparing or prepared). */
GPtrArray *ham_txn_abort(HamTxn *txn, const char *reason);
/** ham_txn_prepare_msg: (transfer none) the prepare this transaction sent. */
const HamCpgMsg *ham_txn_prepare_msg(const HamTxn *txn);
/** ham_txn_cib_done: the CIB write ended; @error NULL on success. */
GPtrArray *ham_txn_cib_done(HamTxn *txn, const char *error);

/* ---- a member's decisions (pure; golden-tested in tests/golden/ham-member/) ---- */

/**
 * ham_member_creates: TRUE when nothing of the volume exists yet (no LV,
 * no .res file, not up): the transaction creates it, so an abort removes
 * it. Anything found was there before and is never touched by an abort.
 */
gboolean ham_member_creates(const DgFacts *facts);

/**
 * ham_member_reconcile_wanted: a volume defined in the CIB lacks its LV,
 * .res file or metadata here (a re-installed or replaced node): ensure it.
 * Nothing is ever removed by reconciling.
 */
gboolean ham_member_reconcile_wanted(const DgFacts *facts);

/** ham_member_guest_in_cib: TRUE when @cib_volumes (HamVolume*) has one of @guest. */
gboolean ham_member_guest_in_cib(const char *guest, const GPtrArray *cib_volumes);

typedef enum { HAM_MEMBER_KEEP, HAM_MEMBER_UNDO } HamMemberLost;
const char *ham_member_lost_name(HamMemberLost d);

/**
 * ham_member_coordinator_lost: the coordinator left before commit or abort:
 * keep the volumes when the guest's resources are in the CIB (it wrote
 * them, then died before sending commit), else undo.
 */
HamMemberLost ham_member_coordinator_lost(const char *guest, const GPtrArray *cib_volumes);

/**
 * ham_member_prepare_check:
 * Whether a member may realize @prepare: no other transaction open
 * (@open_txn, NULL when none), the guest not in the CIB, no minor or port
 * used by a volume of the CIB or of a transaction committed but not yet
 * seen in the CIB (@recent_volumes), nor one this node's own DRBD
 * configuration uses for another resource (@local_taken: HamVolume* from
 * ham_res_taken_scan(), may be NULL). NULL when fine, else the reason
 * (transfer full).
 */
char *ham_member_prepare_check(const HamCpgMsg *prepare, const char *open_txn,
                               const GPtrArray *cib_volumes, const GPtrArray *recent_volumes,
                               const GPtrArray *local_taken);

/**
 * ham_member_alloc:
 * Gives each volume of @prepare the lowest free minor and port not in
 * @used (HamVolume*: the CIB's and recent ones) nor given to an earlier
 * volume of @prepare.
 */
gboolean ham_member_alloc(const GPtrArray *used, HamCpgMsg *prepare, GError **error);

/** ham_txn_action_to_string: (transfer full) one line, for logs and tests. */
char *ham_txn_action_to_string(const HamTxnAction *action);

G_END_DECLS
