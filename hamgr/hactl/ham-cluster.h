/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-cluster.h
 * @brief hactl cluster init|join: the plan (pure, golden-tested in test-hamgr)
 * and its execution on this node (cluster.c).
 */
#pragma once

#include <glib.h>
#include "ham.h"
#include "ham-pcmk.h"

G_BEGIN_DECLS

/** What the files on this node say now (any may be NULL: absent). */
typedef struct {
        HamConf *conf;          /**< plastik.conf */
        char *corosync_conf;    /**< corosync.conf text */
        GBytes *authkey;        /**< /etc/corosync/authkey */
        gboolean corosync_running;
        gboolean pacemaker_running;
} HamNodeState;

void ham_node_state_clear(HamNodeState *state);

typedef enum {
        HAM_STEP_WRITE_AUTHKEY,
        HAM_STEP_WRITE_COROSYNC_CONF,
        HAM_STEP_WRITE_PLASTIK_CONF,
        HAM_STEP_START_COROSYNC,
        HAM_STEP_START_PACEMAKER,
        HAM_STEP_WAIT_CIB,
        HAM_STEP_SET_PROPERTIES,
        HAM_STEP_WAIT_QUORUM,
        HAM_STEP_WAIT_ONLINE,
} HamStepKind;

typedef struct {
        HamStepKind kind;
        char *text; /**< what the step does, for the plan and the progress */
} HamStep;

/** A cluster property or resource default hactl cluster init sets. */
typedef struct {
        const char *section; /**< "crm_config" or "rsc_defaults" */
        const char *name;
        const char *value;
} HamProperty;

/** ham_cluster_properties: the settings init makes (see hactl(8)); NULL-name terminated. */
const HamProperty *ham_cluster_properties(void);

typedef enum { HAM_SETUP_INIT, HAM_SETUP_JOIN } HamSetupMode;

/**
 * ham_cluster_plan:
 * The steps that bring this node from @have to @want (+ @authkey). Pure.
 * An identical configuration gives only the steps still missing (an empty
 * plan when the stack runs: "already initialized"). A node set up for
 * another cluster, with another key or other nodes, or a corosync.conf that
 * hactl did not write, is refused (HAM_ERROR_CONFLICT) with the reason and
 * the fix. (transfer full): GPtrArray of HamStep*.
 */
GPtrArray *ham_cluster_plan(HamSetupMode mode, const HamNodeState *have,
                            const HamConf *want, GBytes *authkey, GError **error);

/** ham_step_kind_name: "write-authkey"... for plans printed as text. */
const char *ham_step_kind_name(HamStepKind kind);

/** Progress of a long step, for a person watching ("waiting for quorum (20 s)"). */
typedef void (*HamProgressFunc)(const char *message, gpointer user_data);

/**
 * ham_node_state_read:
 * Reads plastik.conf, corosync.conf and the authkey (absent: NULL) and
 * whether corosync and pacemakerd run. A plastik.conf that does not parse is
 * an error: it must be fixed or removed, not overwritten.
 */
gboolean ham_node_state_read(HamNodeState *ret_state, GError **error);

/**
 * ham_cluster_execute:
 * Runs @plan (from ham_cluster_plan()) for @want with @authkey: writes the
 * files (atomically; the authkey 0400, plastik.conf 0600), starts corosync
 * and pacemaker (systemctl when systemd runs, else the daemons directly),
 * waits at most @timeout_s seconds for each wait step, sets the properties
 * that differ. @ret_changed (optional): how many things changed; 0 means
 * the node was set up already.
 */
gboolean ham_cluster_execute(GPtrArray *plan, const HamConf *want, GBytes *authkey,
                             guint timeout_s, HamProgressFunc progress, gpointer user_data,
                             guint *ret_changed, GError **error);

/**
 * ham_address_is_local:
 * TRUE when @address is configured on one of this machine's interfaces.
 */
gboolean ham_address_is_local(const char *address);

/**
 * ham_vg_check:
 * Checks with `vgs` that volume group @vg exists here; HAM_ERROR_NOT_FOUND
 * says how to create it.
 */
gboolean ham_vg_check(const char *vg, GError **error);

/**
 * ham_quorum_parse:
 * Reads `corosync-quorumtool -s` output: whether quorate and how many nodes.
 */
gboolean ham_quorum_parse(const char *text, gboolean *ret_quorate, guint *ret_nodes);

G_END_DECLS
