/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ocf-guest.h
 * @brief The OCF resource agent ocf:plastik:guest, as a library.
 *
 * The agent is a thin program over libhv. What it decides is pure and lives
 * here so it can be tested without QEMU: which actions exist and what they
 * need, how the OCF_RESKEY_* environment becomes a guest definition, which
 * exit code a guest's state or a libhv error means, and the meta-data. The
 * actions themselves (ocf_guest_run()) drive libhv.
 *
 * Errors travel as GError in the OCF_ERROR domain (ocf.h).
 */
#pragma once

#include <glib.h>

#include "dg.h"
#include "hv.h"
#include "ocf.h"

G_BEGIN_DECLS

/**
 * ocf_exit_from_error:
 * The exit code an error ends in: OCF_ERROR codes as they are; HV_ERROR_INVALID
 * is OCF_ERR_CONFIGURED, HV_ERROR_NOT_RUNNING and HV_ERROR_NOT_FOUND are
 * OCF_NOT_RUNNING; everything else is OCF_ERR_GENERIC.
 */
OcfExit ocf_exit_from_error(const GError *error);

/* ---- actions ------------------------------------------------------------ */

typedef enum {
        OCF_ACTION_META_DATA,
        OCF_ACTION_USAGE,
        OCF_ACTION_VALIDATE_ALL,
        OCF_ACTION_START,
        OCF_ACTION_STOP,
        OCF_ACTION_MONITOR,
        OCF_ACTION_MIGRATE_TO,
        OCF_ACTION_MIGRATE_FROM,
} OcfAction;

/** How much of the configuration an action needs. */
typedef enum {
        OCF_NEEDS_NOTHING,  /**< meta-data, usage, the unimplemented ones */
        OCF_NEEDS_NAME,     /**< stop, monitor: the guest's name is enough; a broken
                                 definition is only warned about */
        OCF_NEEDS_ALL,      /**< start, validate-all: everything must be valid */
} OcfNeeds;

typedef struct {
        const char *name;     /**< as Pacemaker passes it: "meta-data", "migrate_to" */
        OcfAction action;
        OcfNeeds needs;
        gboolean implemented; /**< FALSE: exits OCF_ERR_UNIMPLEMENTED */
        gboolean advertised;  /**< listed in the meta-data */
        guint timeout_s;      /**< advertised default timeout */
        guint interval_s;     /**< advertised default interval (monitor), else 0 */
} OcfActionSpec;

/** ocf_action_lookup: the action called @name, or NULL (transfer none). */
const OcfActionSpec *ocf_action_lookup(const char *name);

/** ocf_action_table: every action; @ret_n receives the count (transfer none). */
const OcfActionSpec *ocf_action_table(gsize *ret_n);

/* ---- parameters --------------------------------------------------------- */

/** Defaults and limits of the parameters (documented in ocf_plastik_guest(7)). */
#define OCF_GUEST_STOP_TIMEOUT_S 180     /**< advertised stop timeout */
#define OCF_GUEST_STOP_MARGIN_S 20       /**< kept back from the stop timeout for destroying */
#define OCF_GUEST_SHUTDOWN_MAX_S 86400
#define OCF_GUEST_MONITOR_TIMEOUT_S 30   /**< advertised monitor timeout */
#define OCF_GUEST_MONITOR_RESERVE_S 10   /**< kept back from it for the last attempt */

typedef struct {
        char *instance;           /**< OCF_RESOURCE_INSTANCE, or the name */
        char *name;               /**< the guest's name */
        HvGuestDef *def;          /**< from config with the name merged in; NULL when
                                       the action does not need it and it is broken */
        char *rundir;             /**< absolute */
        char *qemu;               /**< NULL: libhv's default */
        guint shutdown_timeout_s; /**< resolved: ACPI wait before destroying */
        gint64 timeout_ms;        /**< OCF_RESKEY_CRM_meta_timeout, 0 when unset */
        gint64 interval_ms;       /**< OCF_RESKEY_CRM_meta_interval, 0 when unset */
        gboolean probe;           /**< a monitor with interval 0: a probe */
        int check_level;          /**< OCF_CHECK_LEVEL, -1 when unset */
        GPtrArray *warnings;      /**< (element-type utf8) problems that did not stop the action */
} OcfGuestParams;

void ocf_guest_params_free(OcfGuestParams *params);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OcfGuestParams, ocf_guest_params_free)

/**
 * ocf_guest_shutdown_timeout:
 * Pure. How long a stop waits for the guest to power off by itself before
 * destroying it. Destroying takes up to OCF_GUEST_STOP_MARGIN_S, so the wait
 * is the stop operation's timeout (@timeout_ms, 0 = unknown: the advertised
 * OCF_GUEST_STOP_TIMEOUT_S) minus that margin, or half of it when it is
 * shorter than twice the margin. @requested_s (< 0: not given) overrides it
 * but is capped to that budget: a stop that outlives its timeout gets the
 * node fenced. @ret_warning (optional, transfer full) says when it was capped.
 */
guint ocf_guest_shutdown_timeout(gint64 timeout_ms, gint64 requested_s, char **ret_warning);

/**
 * ocf_guest_monitor_patience_ms:
 * Pure. How long monitor keeps asking a guest whose state is unknown (QMP
 * busy with another client, the guest's lock held) before reporting a
 * failure: the monitor's timeout @timeout_ms (0 = unknown: the advertised
 * OCF_GUEST_MONITOR_TIMEOUT_S) minus OCF_GUEST_MONITOR_RESERVE_S for the
 * last attempt (a QMP query gives up after 3 s), and at least 0.
 */
gint64 ocf_guest_monitor_patience_ms(gint64 timeout_ms);

/**
 * ocf_guest_params_parse:
 * Reads the OCF environment through @getenv_fn for @action. Missing required
 * parameters are OCF_ERR_ARGS; malformed ones OCF_ERR_CONFIGURED, naming the
 * parameter and the rule. For OCF_NEEDS_NAME actions a malformed config,
 * qemu or shutdown_timeout is only added to the warnings (a stop must work
 * while the definition is being edited). (transfer full).
 */
OcfGuestParams *ocf_guest_params_parse(const OcfActionSpec *action, OcfGetenvFunc getenv_fn,
                                       gpointer user_data, GError **error);

/**
 * ocf_guest_check_local:
 * The checks of this node that start needs (validate-all at OCF_CHECK_LEVEL
 * 10 and above, the default): QEMU is installed, the kernel, initrd and
 * every disk exist. Missing ones are OCF_ERR_INSTALLED: the guest cannot run
 * here, maybe elsewhere. Touches the file system, not QEMU.
 */
gboolean ocf_guest_check_local(const OcfGuestParams *params, GError **error);

/* ---- state -> exit code (pure) ---------------------------------------- */

/**
 * ocf_guest_state_exit:
 * What monitor reports for a guest's status: running (and paused by an
 * administrator: the guest is active and holds its volume; a warning says
 * so) is OCF_SUCCESS; shut off is OCF_NOT_RUNNING; crashed, paused by an I/O
 * error, by the watchdog or in any other QEMU state, QEMU alive after the
 * guest powered off, and unknown are OCF_ERR_GENERIC with distinct messages.
 * @ret_message (transfer full) says why; @ret_warning tells whether a
 * success deserves a warning.
 */
OcfExit ocf_guest_state_exit(const HvGuestStatus *status, char **ret_message,
                             gboolean *ret_warning);

/**
 * ocf_guest_frozen_by_drbd:
 * Whether a guest whose QEMU does not answer is held by DRBD, not hung: one
 * of its disks (@minors: the DRBD minor of each disk, -1 for a disk that is
 * not a DRBD device) belongs to a resource of @drbd whose I/O DRBD keeps
 * suspended, as it does while the fence-peer handler has not answered or
 * has answered without a proof. QEMU then waits in the kernel on the device
 * (aio=native submits in its main loop) and can neither answer QMP nor
 * exit, so a restart could not help and its failed stop would fence this
 * node; once the I/O resumes the guest runs on. Returns (transfer full) the
 * message monitor logs as a warning, or NULL when no disk is suspended.
 */
char *ocf_guest_frozen_by_drbd(const char *guest, const DgState *drbd, const int *minors,
                               guint n_minors);

/* ---- meta-data ------------------------------------------------------------ */

/** ocf_guest_metadata: (transfer full) the OCF 1.1 meta-data XML. */
char *ocf_guest_metadata(void);

/** ocf_guest_usage: (transfer none) the usage text. */
const char *ocf_guest_usage(void);

/* ---- running actions ---------------------------------------------------- */

/**
 * ocf_guest_run:
 * Runs an implemented action that needs parameters against libhv and returns
 * its exit code; every failure is logged (g_critical) with its reason.
 */
OcfExit ocf_guest_run(const OcfActionSpec *action, const OcfGuestParams *params);

/**
 * ocf_guest_find_qemu:
 * Scans the process table for a QEMU of guest @name started with @rundir,
 * whatever its pidfile says. Returns its pid or 0. Stop uses it to never
 * report a guest stopped while a QEMU still holds its volumes.
 */
pid_t ocf_guest_find_qemu(const char *rundir, const char *name);

G_END_DECLS
