/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The actions of ocf:plastik:drbd: drbdadm and drbdsetup for DRBD,
 * crm_attribute for the promotion score. start, stop, promote and demote
 * loop as ocf:linbit:drbd's do: look at the state, take one step, look
 * again, until done or the operation's time is up. Every failure is logged
 * with drbdadm's own words, because the person reading Pacemaker's log has
 * nothing else to go on.
 */
#include "ocf-drbd.h"
#include "pk.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A promotion that fails is answered no sooner than this after it began, as
 * ocf:linbit:drbd does, so Pacemaker's recovery does not spin. */
#define PROMOTE_FAIL_MIN_US (15 * G_USEC_PER_SEC)
#define RETRY_US G_USEC_PER_SEC
#define WFC_POLL_US (200 * 1000)
/* drbdsetup's (and so drbdadm's) exit when DRBD refuses the state change
 * for good: no UpToDate data, or the fence-peer handler did not outdate
 * the peer. */
#define DRBDADM_REFUSED 17

typedef struct {
        const OcfDrbdParams *p;
        gint64 deadline;     /* monotonic us */
        DgState *snapshot;   /* the last look */
        guint retries;       /* how often sleep_retry() was called */
} Op;

/* Looks at the resource; NULL when it is not up. FALSE when drbdsetup could
 * not tell (then *@ret is untouched). */
static gboolean look(Op *op, const DgResourceState **ret)
{
        g_autoptr(GError) error = NULL;
        DgState *st;

        /* Without the module nothing is up (a node's first probes may come
         * before anything loaded it), and drbdsetup would fail: a failed
         * probe or stop here would get the node fenced for nothing. */
        if (!g_file_test("/proc/drbd", G_FILE_TEST_EXISTS)) {
                *ret = NULL;
                return TRUE;
        }
        st = dg_state_snapshot(&error);
        if (!st) {
                g_critical("cannot read DRBD's state: %s", error->message);
                return FALSE;
        }
        if (op->snapshot)
                dg_state_free(op->snapshot);
        op->snapshot = st;
        *ret = dg_state_lookup(st, op->p->resource);
        return TRUE;
}

static gboolean time_left(const Op *op)
{
        return g_get_monotonic_time() < op->deadline;
}

/* Runs a program; its exit code, or -1 when it could not run or was killed.
 * A failure is logged with what it wrote to stderr. */
static int run(const char *const *argv, gboolean quiet_failure)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *err = NULL, *cmd = g_strjoinv(" ", (char **)argv);
        int status;

        g_debug("running %s", cmd);
        if (!pk_spawn_sync(argv, NULL, &err, &status, &error)) {
                g_critical("cannot run %s: %s", cmd, error->message);
                return -1;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (!quiet_failure) {
                if (WIFEXITED(status))
                        g_warning("%s exited with status %d: %s", cmd, WEXITSTATUS(status),
                                  err && *err ? g_strstrip(err) : "(nothing on stderr)");
                else
                        g_warning("%s was killed by signal %d", cmd, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int drbdadm(const char *verb, const char *resource)
{
        const char *argv[] = { "drbdadm", verb, resource, NULL };
        return run(argv, FALSE);
}

/* Promotes @res once (ocf_drbd_promote_argv() says how, and why not
 * through drbdadm). */
static int promote_once(const DgResourceState *res)
{
        g_auto(GStrv) argv = ocf_drbd_promote_argv(res);
        return run((const char *const *)argv, FALSE);
}

/* The promotion score lives in the node attribute master-INSTANCE, lifetime
 * reboot: what crm_master (and so ocf:linbit:drbd) writes, and what
 * Pacemaker's scheduler reads for a promotable clone's instances. */
static void score_apply(const OcfDrbdParams *p, OcfDrbdScore s)
{
        g_autofree char *name = g_strconcat("master-", p->instance, NULL);
        g_autofree char *value = g_strdup_printf("%d", s.value);
        const char *set[] = { "crm_attribute", "-q", "-l", "reboot", "-n", name, "-v", value, NULL };
        const char *del[] = { "crm_attribute", "-q", "-l", "reboot", "-n", name, "-D", NULL };

        switch (s.op) {
        case OCF_DRBD_SCORE_KEEP:
                g_debug("promotion score kept: %s", s.reason);
                return;
        case OCF_DRBD_SCORE_SET:
                g_debug("promotion score %d: %s", s.value, s.reason);
                if (run(set, FALSE) != 0)
                        g_warning("the promotion score %d (%s) could not be set; Pacemaker keeps the previous one",
                                  s.value, s.reason);
                return;
        case OCF_DRBD_SCORE_REMOVE:
                g_debug("no promotion score: %s", s.reason);
                if (run(del, FALSE) != 0)
                        g_warning("the promotion score could not be removed (%s)", s.reason);
                return;
        }
}

/* The first retry comes at once, the next ones a second apart, as in
 * ocf:linbit:drbd: a step that failed once often failed only because the
 * state moved under it. In a failover the survivor's drbdadm primary may
 * be waiting for the dead peer's answer when hamgrd lets go of it; the
 * request then fails, and the retry reaches the fence-peer handler. */
static void sleep_retry(Op *op)
{
        gint64 left = op->deadline - g_get_monotonic_time();
        if (op->retries++ == 0)
                return;
        if (left > 0)
                g_usleep((gulong)MIN(left, RETRY_US));
}

/* ---- start ----------------------------------------------------------------------- */

static gboolean connected_and_settled(const DgResourceState *res)
{
        if (!res || res->conn != DG_CONN_CONNECTED)
                return FALSE;
        for (guint i = 0; i < res->volumes->len; i++) {
                const DgVolumeState *v = &g_array_index(res->volumes, DgVolumeState, i);
                if (v->peer_disk == DG_DISK_UNKNOWN || v->disk == DG_DISK_ATTACHING ||
                    v->disk == DG_DISK_NEGOTIATING)
                        return FALSE;
        }
        return TRUE;
}

static OcfExit do_start(Op *op)
{
        const char *res_name = op->p->resource;
        const DgResourceState *res = NULL;
        gboolean up_failed = FALSE;
        gint64 wfc_end;

        if (!g_file_test("/proc/drbd", G_FILE_TEST_EXISTS)) {
                const char *argv[] = { "modprobe", "drbd", NULL };
                if (run(argv, FALSE) != 0) {
                        g_critical("start: the drbd kernel module cannot be loaded; install DRBD 8.4's module (drbd in the kernel)");
                        return OCF_ERR_INSTALLED;
                }
        }
        for (;;) {
                if (!look(op, &res))
                        return OCF_ERR_GENERIC;
                if (res && res->role == DG_ROLE_PRIMARY) {
                        g_warning("start: %s is Primary already; demoting it", res_name);
                        drbdadm("secondary", res_name);
                } else if (res) {
                        break;
                } else if (drbdadm("up", res_name) != 0) {
                        const char *dump[] = { "drbdadm", "dump", res_name, NULL };
                        if (run(dump, TRUE) != 0) {
                                g_critical("start: DRBD does not know the resource %s on this node: hamgrd writes "
                                           "/etc/drbd.d/%s.res on both nodes; is it running (hactl status)?",
                                           res_name, res_name);
                                return OCF_ERR_INSTALLED;
                        }
                        /* Twice is enough: what fails again will not get better. */
                        if (up_failed) {
                                g_critical("start: drbdadm up %s failed twice (see above)", res_name);
                                return OCF_ERR_GENERIC;
                        }
                        up_failed = TRUE;
                }
                if (!time_left(op)) {
                        g_critical("start: %s is not up before the operation's timeout", res_name);
                        return OCF_ERR_GENERIC;
                }
                sleep_retry(op);
        }
        /* The score wants the peer's disk known: wait a little for the
         * connection. A peer that is down costs this wait, not a failure. */
        wfc_end = MIN(op->deadline, g_get_monotonic_time() + (gint64)op->p->wfc_timeout_s * G_USEC_PER_SEC);
        while (!connected_and_settled(res) && g_get_monotonic_time() < wfc_end) {
                g_usleep(WFC_POLL_US);
                if (!look(op, &res))
                        return OCF_ERR_GENERIC;
                if (!res) {
                        g_critical("start: %s went down again while waiting for its peer", res_name);
                        return OCF_ERR_GENERIC;
                }
        }
        if (!connected_and_settled(res))
                g_message("start: %s is up; its peer is not connected (yet)", res_name);
        score_apply(op->p, ocf_drbd_score(res));
        return OCF_SUCCESS;
}

/* ---- stop ------------------------------------------------------------------------- */

static OcfExit do_stop(Op *op)
{
        const char *res_name = op->p->resource;
        const DgResourceState *res = NULL;

        for (;;) {
                if (!look(op, &res))
                        return OCF_ERR_GENERIC;
                if (!res) {
                        /* Nothing to stop. */
                        break;
                }
                if (res->role == DG_ROLE_PRIMARY) {
                        g_warning("stop: %s is still Primary; demoting it", res_name);
                        drbdadm("secondary", res_name);
                } else {
                        drbdadm("down", res_name);
                }
                if (!time_left(op)) {
                        g_critical("stop: %s is still up before the operation's timeout (is its device open? "
                                   "the guest's QEMU may still hold it)", res_name);
                        return OCF_ERR_GENERIC;
                }
                if (!look(op, &res))
                        return OCF_ERR_GENERIC;
                if (!res)
                        break;
                sleep_retry(op);
        }
        /* No score may outlive the instance: a node in standby would keep it. */
        score_apply(op->p, (OcfDrbdScore){ OCF_DRBD_SCORE_REMOVE, 0, "stopped" });
        return OCF_SUCCESS;
}

/* ---- promote, demote -------------------------------------------------------------- */

static OcfExit do_promote(Op *op, gint64 began)
{
        const char *res_name = op->p->resource;
        const DgResourceState *res = NULL;
        OcfExit rc = OCF_ERR_GENERIC;

        for (;;) {
                int st;

                if (!look(op, &res))
                        break;
                if (!res) {
                        g_critical("promote: %s is not up: a resource that was not started cannot be promoted", res_name);
                        break;
                }
                if (res->role == DG_ROLE_PRIMARY) {
                        rc = OCF_SUCCESS;
                        break;
                }
                st = promote_once(res);
                if (st == 0)
                        continue;
                if (st == DRBDADM_REFUSED) {
                        g_critical("promote: DRBD refuses to make %s Primary: no UpToDate data here, or the peer "
                                   "could not be fenced (the fence-peer handler's refusal is in the log above); "
                                   "see hactl status", res_name);
                        break;
                }
                if (!time_left(op)) {
                        g_critical("promote: %s is not Primary before the operation's timeout", res_name);
                        break;
                }
                sleep_retry(op);
        }
        /* No score update on success: crm_attribute costs about a second on
         * an emulated node, the guest's start waits for this promote, and a
         * Primary's score (10000) is no lower than the one that got it
         * promoted; the next monitor sets it. */
        if (rc != OCF_SUCCESS) {
                gint64 wait = began + PROMOTE_FAIL_MIN_US - g_get_monotonic_time();
                wait = MIN(wait, op->deadline - g_get_monotonic_time());
                if (wait > 0) {
                        g_warning("promote failed; answering in %" G_GINT64_FORMAT " s so that Pacemaker's recovery does not spin",
                                  (wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
                        g_usleep((gulong)wait);
                }
        }
        return rc;
}

static OcfExit do_demote(Op *op)
{
        const char *res_name = op->p->resource;
        const DgResourceState *res = NULL;

        for (;;) {
                if (!look(op, &res))
                        return OCF_ERR_GENERIC;
                if (!res) {
                        g_critical("demote: %s is not up: it was not started", res_name);
                        return OCF_ERR_GENERIC;
                }
                if (res->role != DG_ROLE_PRIMARY)
                        break;
                if (drbdadm("secondary", res_name) == 0)
                        continue;
                if (!time_left(op)) {
                        g_critical("demote: %s is still Primary before the operation's timeout (is its device open? "
                                   "the guest's QEMU may still hold it)", res_name);
                        return OCF_ERR_GENERIC;
                }
                sleep_retry(op);
        }
        /* The score stays: a Secondary UpToDate keeps 10000; the next
         * monitor sets whatever else DRBD reports. */
        return OCF_SUCCESS;
}

/* ---- monitor, validate-all ------------------------------------------------------------ */

static OcfExit do_monitor(Op *op)
{
        const DgResourceState *res = NULL;
        OcfExit rc;

        if (!look(op, &res))
                return OCF_ERR_GENERIC;
        rc = ocf_drbd_state_exit(res);
        /* A probe of a resource that is not up leaves the score alone: the
         * score is the business of the node's running instance. */
        if (!(op->p->probe && rc == OCF_NOT_RUNNING))
                score_apply(op->p, ocf_drbd_score(res));
        return rc;
}

static OcfExit do_validate(Op *op)
{
        const char *dump[] = { "drbdadm", "dump", op->p->resource, NULL };

        if (run(dump, FALSE) != 0) {
                g_critical("validate-all: DRBD does not know the resource %s on this node: hamgrd writes "
                           "/etc/drbd.d/%s.res on both nodes; is it running (hactl status)?",
                           op->p->resource, op->p->resource);
                return OCF_ERR_INSTALLED;
        }
        return OCF_SUCCESS;
}

OcfExit ocf_drbd_run(const OcfDrbdActionSpec *action, const OcfDrbdParams *p)
{
        gint64 now = g_get_monotonic_time();
        gint64 budget_ms = p->timeout_ms > 0 ? p->timeout_ms : (gint64)action->timeout_s * 1000;
        Op op = { .p = p, .deadline = now + MAX(0, budget_ms - OCF_DRBD_RESERVE_MS) * 1000 };
        OcfExit rc;

        switch (action->action) {
        case OCF_DRBD_START: rc = do_start(&op); break;
        case OCF_DRBD_STOP: rc = do_stop(&op); break;
        case OCF_DRBD_PROMOTE: rc = do_promote(&op, now); break;
        case OCF_DRBD_DEMOTE: rc = do_demote(&op); break;
        case OCF_DRBD_MONITOR: rc = do_monitor(&op); break;
        case OCF_DRBD_VALIDATE_ALL: rc = do_validate(&op); break;
        case OCF_DRBD_NOTIFY:
                g_debug("notify: nothing to do (plastik's clones need no notifications)");
                rc = OCF_SUCCESS;
                break;
        default:
                g_critical("%s needs no resource", action->name);
                rc = OCF_ERR_UNIMPLEMENTED;
        }
        if (op.snapshot)
                dg_state_free(op.snapshot);
        return rc;
}
