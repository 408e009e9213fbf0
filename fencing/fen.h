/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file fen.h
 * @brief libfen: DRBD resource-level fencing for plastik's resources.
 *
 * plastik-fence-peer (DRBD's fence-peer handler) and plastik-unfence-peer
 * (after-resync-target) are thin mains over fen_handler_run(). The handler
 * gathers a FenSituation (DRBD's environment, the local disk as drbdadm
 * reports it, the CIB, the fencer's history) and asks the pure fen_decide()
 * what to do; every decision is logged with its reason.
 *
 * The CIB constraint is the one drbd-utils' crm-fence-peer scripts place, so
 * tools that know those keep working: id "drbd-fence-by-handler-RES-CLONE",
 * a rsc_location on the clone with role Promoted, score -INFINITY and the
 * rule "#uname ne NODE" (NODE: the node whose data is known good).
 */
#pragma once

#include <glib.h>

#include "dg.h"

G_BEGIN_DECLS

#define FEN_ERROR (fen_error_quark())
GQuark fen_error_quark(void);
typedef enum {
        FEN_ERROR_FAILED,
        FEN_ERROR_INVALID, /**< bad or missing input; names the variable or field */
        FEN_ERROR_PARSE,   /**< the CIB is not of the expected form */
} FenError;

/** DRBD's documented fence-peer exit codes (plus 0 and 1). */
typedef enum {
        FEN_EXIT_OK = 0,                /**< unfence: done (or nothing to do) */
        FEN_EXIT_FAILED = 1,            /**< refused or could not act; DRBD keeps I/O frozen */
        FEN_EXIT_PEER_INCONSISTENT = 3,
        FEN_EXIT_PEER_OUTDATED = 4,
        FEN_EXIT_PEER_UNREACHABLE = 5,  /**< down/unreachable, not known to be fenced: never answered, DRBD would resume I/O without a proof */
        FEN_EXIT_PEER_PRIMARY = 6,      /**< the peer is Primary: refuse */
        FEN_EXIT_PEER_FENCED = 7,       /**< the fencer confirmed the peer is off */
} FenExit;

typedef enum { FEN_MODE_FENCE, FEN_MODE_UNFENCE } FenMode;

/** The peer as the CIB's node_state shows it. */
typedef enum {
        FEN_PEER_UNKNOWN,  /**< no node_state for it */
        FEN_PEER_ONLINE,   /**< cluster member, controller online: only the replication link failed */
        FEN_PEER_OFFLINE,  /**< left cleanly (expected down): nobody will fence it */
        FEN_PEER_LOST,     /**< gone while expected to be a member: fencing follows */
} FenPeer;

/** The constraint with the handler's id, as found in the CIB. */
typedef enum {
        FEN_CONSTRAINT_NONE,
        FEN_CONSTRAINT_HERE,    /**< the handler's shape, promotion allowed only on this node */
        FEN_CONSTRAINT_PEER,    /**< the handler's shape, promotion allowed only on the peer */
        FEN_CONSTRAINT_FOREIGN, /**< the id is taken by something of another shape */
} FenConstraint;

/** The peer's own copy of the CIB, asked of the peer (not this partition's copy). */
typedef enum {
        FEN_PEER_CIB_UNREACHABLE, /**< it did not answer: not in this node's membership, or down */
        FEN_PEER_CIB_LACKS,       /**< it answered without the constraint for this node (yet) */
        FEN_PEER_CIB_HOLDS,       /**< it answered with the constraint: Promoted only on this node */
} FenPeerCib;

/** The fencer's last completed off/reboot of the peer, against the lost connection. */
typedef enum {
        FEN_FENCED_NO,        /**< none on record */
        FEN_FENCED_BEFORE,    /**< before the lost connection was established: proves nothing */
        FEN_FENCED_UNORDERED, /**< the connection's start is unknown and it is older than the handler */
        FEN_FENCED_AFTER,     /**< after the connection was established: the peer has been off since */
} FenFenced;

/**
 * fen_fenced_order:
 * Pure: orders @completed_ms (the fencing's completion, 0: none) against
 * @connected_ms (when the connection that was lost came up, 0: unknown)
 * and, when that is unknown, against @started_ms (this handler's start,
 * which is after the loss). Times are wall clock in milliseconds; a tie is
 * not "after".
 */
FenFenced fen_fenced_order(gint64 completed_ms, gint64 connected_ms, gint64 started_ms);

/**
 * fen_peer_cib_judge:
 * Pure: judges the peer's answer (@xml: its CIB or its constraints
 * section; NULL: it did not answer) for @resource's constraint allowing
 * promotion only on @here.
 */
FenPeerCib fen_peer_cib_judge(const char *xml, gsize len, const char *resource, const char *clone_id,
                              const char *here);

/** Everything fen_decide() looks at. */
typedef struct {
        FenMode mode;
        gboolean cib_reachable;
        gboolean quorate;       /**< the CIB says have-quorum */
        FenPeer peer;           /**< in this node's copy of the CIB */
        FenPeerCib peer_cib;
        FenFenced fenced;
        FenConstraint constraint; /**< in this node's copy of the CIB */
        DgDiskState disk;       /**< this node's disk (drbd-glue's model and names) */
        DgDiskState peer_disk;  /**< the peer's disk as DRBD last knew it */
        gboolean peer_primary;  /**< DRBD knows the peer as Primary */
        gboolean timed_out;     /**< the handler's time is up: no more waiting */
} FenSituation;

typedef enum {
        FEN_ACT_NONE,       /**< answer at once */
        FEN_ACT_PLACE,      /**< place the constraint, look again and decide again */
        FEN_ACT_WAIT,       /**< wait a second, look again and decide again */
        FEN_ACT_REMOVE,     /**< remove the constraint, then answer */
} FenAction;

typedef struct {
        FenAction action;
        FenExit exit_code;  /**< the answer (NONE, REMOVE); what failing to act answers (PLACE, WAIT) */
        const char *reason; /**< (transfer none): a static sentence */
} FenDecision;

/**
 * fen_decide:
 * Pure: what the handler does in @s and what it answers. The fence-peer
 * answers that let DRBD resume I/O (3, 4, 7) are given only on a proof that
 * the peer cannot be promoted with data that lacks this node's writes:
 * DRBD knows its disk is Outdated or Inconsistent, or the peer's own CIB
 * holds the constraint, or the fencer fenced it after the lost connection
 * was established. Without a proof the handler waits (FEN_ACT_WAIT) and,
 * once @s->timed_out, answers 1: I/O stays frozen. It never answers 5.
 */
FenDecision fen_decide(const FenSituation *s);

/* names, for logs and golden files; (transfer none) */
const char *fen_action_name(FenAction a);
const char *fen_peer_name(FenPeer p);
const char *fen_constraint_name(FenConstraint c);
const char *fen_peer_cib_name(FenPeerCib c);
const char *fen_fenced_name(FenFenced f);
const char *fen_mode_name(FenMode m);

/* ---- DRBD's environment ------------------------------------------------------------- */

/** What DRBD 8.4 (and 9) passes to a handler. */
typedef struct {
        char *resource; /**< DRBD_RESOURCE */
        char *peer;     /**< DRBD_PEER (8.4) or the one name in DRBD_PEERS; may be NULL */
        char *peer_address; /**< DRBD_PEER_ADDRESS, may be NULL */
        char *minor;    /**< DRBD_MINOR, may be NULL */
} FenEnv;

void fen_env_free(FenEnv *env);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FenEnv, fen_env_free)

/**
 * fen_env_parse:
 * Reads @envp (NULL-terminated "NAME=value" strings, as environ). Requires
 * DRBD_RESOURCE naming a plastik resource "pk-GUEST-VOL"; FEN_ERROR_INVALID
 * naming the variable and the fix otherwise. (transfer full).
 */
FenEnv *fen_env_parse(const char *const *envp, GError **error);

/** fen_constraint_id: "drbd-fence-by-handler-RES-CLONE". (transfer full) */
char *fen_constraint_id(const char *resource, const char *clone_id);

/** fen_clone_id: the clone plastik's CIB builder makes for "pk-G-V": "drbd-pk-G-V-clone". */
char *fen_clone_id(const char *resource);

/**
 * fen_constraint_xml:
 * The rsc_location element (text) allowing the Promoted role of @clone_id
 * only on @node. (transfer full).
 */
char *fen_constraint_xml(const char *resource, const char *clone_id, const char *node);

/** The CIB facts the handler reads, from the whole CIB as XML text. */
typedef struct {
        gboolean quorate;
        gboolean clone_exists;
        FenPeer peer;
        FenConstraint constraint;
        char *peer_name;   /**< @peer, or the one other node in <nodes>; NULL when none */
} FenCibFacts;

void fen_cib_facts_clear(FenCibFacts *facts);

/**
 * fen_cib_facts:
 * Pure: reads node_state of @peer (NULL: the one other node of the
 * cluster), have-quorum, whether @clone_id exists and the constraint
 * fen_constraint_id() names (judged against @here, this node's name).
 * FEN_ERROR_PARSE when @xml is not a CIB. @ret_facts: fen_cib_facts_clear().
 */
gboolean fen_cib_facts(const char *xml, gsize len, const char *resource, const char *clone_id,
                       const char *here, const char *peer, FenCibFacts *ret_facts,
                       GError **error);

/* ---- the handler -------------------------------------------------------------------- */

typedef struct {
        FenMode mode;
        guint timeout_s;      /**< the whole run's bound; the fencer wait ends before it */
        const char *here;     /**< this node's name; NULL: uname -n */
        const char *connected_dir; /**< hamgrd's connection records; NULL: the default */
        const char *frozen_dir;    /**< the records of resources left frozen; NULL: the default */
        const char *resume;        /**< --resume RES: a late look at a resource left frozen */
} FenOptions;

/**
 * fen_handler_run:
 * Gathers the situation, decides, acts, logs each step with its reason and
 * returns the exit code for DRBD. Never blocks beyond @opts->timeout_s.
 * An answer that leaves I/O frozen is recorded (ham_frozen_write) and a
 * proof clears the record. With @opts->resume (no DRBD environment), the
 * same decision for a resource left frozen: on a proof it runs `drbdadm
 * resume-io` and returns 0; 0 too when nothing is frozen any more (the
 * record goes); 1 while I/O stays frozen.
 */
int fen_handler_run(const FenOptions *opts, const char *const *envp);

/**
 * fen_main:
 * The programs' main: options --timeout S, --node NAME, --verbose, --help.
 */
int fen_main(FenMode mode, int argc, char **argv);

/* ---- fence_plastik: the fence race after a split (race.c, agent.c) ------------------ */

/** The target's power as the wrapped agent's `status` reports it. */
typedef enum {
        FEN_POWER_UNKNOWN, /**< not asked (yet) */
        FEN_POWER_ON,      /**< status exited 0 */
        FEN_POWER_OFF,     /**< status exited 2: the fence-agents protocol's "off" */
        FEN_POWER_ERROR,   /**< status failed, timed out or answered something else */
} FenPower;

/** fen_power_from_exit: a `status` run's exit code (-1: it could not run or timed out) as FenPower. */
FenPower fen_power_from_exit(int exit_code);
/** fen_power_name: "unknown", "on", "off", "error"; (transfer none). */
const char *fen_power_name(FenPower p);

/** Everything fen_race_decide() looks at. */
typedef struct {
        const char *action;      /**< the fence-agents action ("off", "reboot", "on"...) */
        const char *target;      /**< the node to fence, for the reason */
        guint delay_s;           /**< plastik_race_delay */
        gboolean cib_readable;   /**< FALSE: the priorities and the membership are unknown */
        gboolean target_online;  /**< the target is online in this node's partition */
        int target_priority;
        const int *others;       /**< the priorities of the other cluster nodes */
        guint n_others;
        FenPower power;          /**< the target's power; FEN_POWER_UNKNOWN until asked */
} FenRace;

typedef struct {
        gboolean ask_status; /**< ask the wrapped agent's status, set FenRace.power and decide again */
        guint delay_s;       /**< the seconds to wait before forwarding the action */
        gboolean off_already; /**< the status just reported the target off: the fencing is done;
                                   answer success without forwarding off, and for reboot only
                                   power it on, in the background */
        char *reason;        /**< (transfer full): one line for the log */
} FenRaceDecision;

void fen_race_decision_clear(FenRaceDecision *d);

/**
 * fen_race_decide:
 * Pure: how long fence_plastik waits before it runs @r->action, so that
 * after a split the node of higher priority wins the fence race (both
 * nodes' fencers shoot at once; the one that waits loses). The rule of
 * Pacemaker 2.1.5's node_priority_fencing_delay(): a delay only for off and
 * reboot, only when the target is not online in this partition, only when
 * the priorities differ and the target's is the top one. One exception:
 * no delay when the target's fence device reports it off, since a node
 * without power cannot win a race. The status is asked for (ask_status)
 * only when the delay would otherwise be paid. In doubt (the CIB
 * unreadable, the status failed) the delay is paid: waiting is the safe
 * side of the race.
 *
 * A target reported off is fenced already (off_already): fence-agents'
 * own off answers "Already OFF" after the same status, and their reboot
 * only powers it on, succeeding whatever the power-on does. So the answer
 * need not wait for a second run of the wrapped agent.
 */
FenRaceDecision fen_race_decide(const FenRace *r);

/** What fence_plastik read on stdin (the fencer's "name=value" lines). */
typedef struct {
        char *action;       /**< action= (or the legacy option=); NULL when absent */
        char *target;       /**< nodename=, else port=, else plug=; NULL when absent */
        char *agent;        /**< plastik_agent=; NULL when absent */
        char *delay;        /**< plastik_race_delay=, as written; NULL when absent */
        GPtrArray *forward; /**< every other line, unchanged (without its newline) */
} FenAgentInput;

void fen_agent_input_clear(FenAgentInput *in);

/**
 * fen_agent_input_parse:
 * Pure: reads the fence-agents protocol's stdin (@text, @len bytes): one
 * "name=value" a line, names and values as fence-agents read them (the line
 * stripped, split at the first '='; empty lines and '#' comments skipped).
 * The plastik_* lines are kept for fence_plastik alone; every other line
 * goes to @ret->forward unchanged, for the wrapped agent. Never fails.
 */
void fen_agent_input_parse(const char *text, gsize len, FenAgentInput *ret);

/**
 * fen_agent_params_check:
 * Pure: checks @in's plastik_agent (required; "fence_NAME" with letters,
 * digits and '_', not fence_plastik) and plastik_race_delay (optional,
 * whole seconds 0..300, default 15). FEN_ERROR_INVALID names the parameter
 * and the fix.
 */
gboolean fen_agent_params_check(const FenAgentInput *in, guint *ret_delay_s, GError **error);

/** fen_agent_metadata: fence_plastik's metadata as fence-agents print theirs; (transfer none). */
const char *fen_agent_metadata(void);

/**
 * fen_agent_main:
 * fence_plastik's main: the action from argv (-o X, --action=X, --action X)
 * or stdin, the parameters from stdin; metadata, validate-all, the race
 * decision for off and reboot, then the wrapped agent run with the
 * forwarded lines; its exit code is returned.
 */
int fen_agent_main(int argc, char **argv);

G_END_DECLS
