/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ocf-drbd.h
 * @brief The OCF resource agent ocf:plastik:drbd, as a library.
 *
 * It runs one DRBD 8.4 resource of a plastik volume as a promotable clone
 * (two instances, one promoted), as ocf:linbit:drbd does, without clone
 * notifications and without a shell: on an emulated node the linbit agent
 * spends 2-6 s per run before it reaches drbdadm, and a failover runs it
 * four or five times (the notifications) before the guest can start.
 *
 * What it decides is pure and lives here, tested without DRBD: the actions,
 * the OCF environment to parameters, a resource's state to an exit code and
 * to a promotion score, and the meta-data. ocf_drbd_run() acts through
 * drbdadm, drbdsetup and crm_attribute.
 *
 * Safety: the agent never forces anything. Promotion is `drbdadm primary`,
 * which DRBD refuses without UpToDate data and which, with the resource's
 * `fencing resource-and-stonith`, calls plastik's fence-peer handler first
 * whenever the peer is not known to be outdated; exit 17 (refused) is final.
 */
#pragma once

#include <glib.h>

#include "dg.h"
#include "ocf.h"

G_BEGIN_DECLS

/* ---- actions ------------------------------------------------------------ */

typedef enum {
        OCF_DRBD_META_DATA,
        OCF_DRBD_USAGE,
        OCF_DRBD_VALIDATE_ALL,
        OCF_DRBD_START,
        OCF_DRBD_STOP,
        OCF_DRBD_MONITOR,
        OCF_DRBD_PROMOTE,
        OCF_DRBD_DEMOTE,
        OCF_DRBD_NOTIFY,
} OcfDrbdAction;

typedef struct {
        const char *name;     /**< as Pacemaker passes it */
        OcfDrbdAction action;
        gboolean needs_resource; /**< reads drbd_resource (all but meta-data, usage) */
        gboolean checks_clone;   /**< refuses a clone set up other than 2 instances,
                                      at most 1 promoted (start, promote, validate-all) */
        gboolean advertised;  /**< listed in the meta-data */
        guint timeout_s;      /**< advertised default timeout */
        guint interval_s;     /**< advertised default interval (monitor), else 0 */
        const char *role;     /**< the monitor's role in the meta-data, or NULL */
} OcfDrbdActionSpec;

/** ocf_drbd_action_lookup: the action called @name, or NULL (transfer none). */
const OcfDrbdActionSpec *ocf_drbd_action_lookup(const char *name);

/** ocf_drbd_action_table: every action; @ret_n receives the count (transfer none). */
const OcfDrbdActionSpec *ocf_drbd_action_table(gsize *ret_n);

/* ---- parameters --------------------------------------------------------- */

#define OCF_DRBD_WFC_TIMEOUT_S 5       /**< default: start's wait for the peer */
#define OCF_DRBD_WFC_TIMEOUT_MAX_S 300
#define OCF_DRBD_RESERVE_MS 2000       /**< kept back from an operation's timeout
                                            to log and answer before Pacemaker kills us */

typedef struct {
        char *instance;           /**< OCF_RESOURCE_INSTANCE ("drbd-pk-web1-root:0"), or "?" */
        char *resource;           /**< drbd_resource: the DRBD resource's name */
        guint wfc_timeout_s;      /**< how long start waits for the connection */
        gint64 timeout_ms;        /**< OCF_RESKEY_CRM_meta_timeout, 0 when unset */
        gint64 interval_ms;       /**< OCF_RESKEY_CRM_meta_interval, 0 when unset */
        gboolean probe;           /**< a monitor with interval 0 */
        GPtrArray *warnings;      /**< (element-type utf8) problems that did not stop the action */
} OcfDrbdParams;

void ocf_drbd_params_free(OcfDrbdParams *params);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OcfDrbdParams, ocf_drbd_params_free)

/**
 * ocf_drbd_params_parse:
 * Reads the OCF environment through @getenv_fn for @action. A missing or
 * malformed drbd_resource or wfc_timeout is OCF_ERR_CONFIGURED, naming the
 * parameter and the rule. For the actions that check the clone, its meta
 * attributes must allow at most 2 instances, 1 per node, at most 1 promoted
 * (the Pacemaker 2.1 names and the older master-* ones); anything else is
 * OCF_ERR_CONFIGURED. (transfer full)
 */
OcfDrbdParams *ocf_drbd_params_parse(const OcfDrbdActionSpec *action, OcfGetenvFunc getenv_fn,
                                     gpointer user_data, GError **error);

/* ---- state -> exit code and promotion score (pure) ---------------------- */

/**
 * ocf_drbd_state_exit:
 * What monitor reports for resource @res as drbdsetup events2 shows it
 * (NULL: not configured in the kernel): OCF_NOT_RUNNING when it is not up,
 * OCF_RUNNING_PROMOTED when Primary, OCF_SUCCESS otherwise.
 */
OcfExit ocf_drbd_state_exit(const DgResourceState *res);

#define OCF_DRBD_SCORE_BEST 10000     /**< UpToDate, and as good as it gets */
#define OCF_DRBD_SCORE_LOCAL_OK 1000  /**< UpToDate, the peer's disk unknown */
#define OCF_DRBD_SCORE_REMOTE 10      /**< no good local disk, the peer's is UpToDate */

typedef enum {
        OCF_DRBD_SCORE_KEEP,   /**< a transitional state: leave the score as it is */
        OCF_DRBD_SCORE_REMOVE, /**< no promotion here */
        OCF_DRBD_SCORE_SET,    /**< the score is value */
} OcfDrbdScoreOp;

typedef struct {
        OcfDrbdScoreOp op;
        int value;           /**< with OCF_DRBD_SCORE_SET */
        const char *reason;  /**< (transfer none) why, for the log */
} OcfDrbdScore;

/**
 * ocf_drbd_score:
 * The promotion score this node deserves for resource @res (NULL: not up),
 * the rule of ocf:linbit:drbd's drbd_update_master_score with its default
 * adjust_master_score "0 10 1000 10000" on DRBD 8.4:
 * - every local disk UpToDate: BEST when Primary or when every peer disk is
 *   known (connected, or known to be not UpToDate); LOCAL_OK when a peer
 *   disk is unknown (the fence-peer handler then decides at promotion);
 * - else, connected to a peer whose disks are all UpToDate: REMOTE;
 * - a local disk Attaching or Negotiating (or Detaching): KEEP;
 * - else (Consistent, Outdated, Inconsistent, Diskless, Failed): REMOVE.
 */
OcfDrbdScore ocf_drbd_score(const DgResourceState *res);

/**
 * ocf_drbd_promote_argv:
 * The command that makes @res Primary: `drbdsetup primary MINOR` with its
 * first volume's minor, which is what `drbdadm primary` runs (as `drbdadm
 * -d primary` prints; with DRBD 8.4 the role is the resource's) after
 * reading every file of the configuration, half a second on an emulated
 * node and on a failover's critical path; `drbdadm primary RESOURCE` when
 * the minor is unknown. The exit codes are drbdsetup's either way (drbdadm
 * passes them on). (transfer full), NULL-terminated.
 */
char **ocf_drbd_promote_argv(const DgResourceState *res);

/* ---- meta-data ------------------------------------------------------------ */

/** ocf_drbd_metadata: (transfer full) the OCF 1.1 meta-data XML. */
char *ocf_drbd_metadata(void);

/** ocf_drbd_usage: (transfer none) the usage text. */
const char *ocf_drbd_usage(void);

/* ---- running actions ---------------------------------------------------- */

/**
 * ocf_drbd_run:
 * Runs an action that needs the resource and returns its exit code; every
 * failure is logged (g_critical) with its reason. start, stop, promote and
 * demote retry until the operation's timeout (less OCF_DRBD_RESERVE_MS),
 * as ocf:linbit:drbd does; a promotion that DRBD refuses (drbdadm exit 17)
 * fails at once.
 */
OcfExit ocf_drbd_run(const OcfDrbdActionSpec *action, const OcfDrbdParams *params);

G_END_DECLS
