/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The actions of ocf:plastik:guest against libhv. Every path that does not
 * end in OCF_SUCCESS logs why, because the person reading Pacemaker's log
 * has nothing else to go on.
 */
#include "ocf-guest.h"
#include "pk.h"
#include "pk-config.h"

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <string.h>
#include <unistd.h>

/* How long stop waits for a QEMU found only in the process table to die. */
#define ORPHAN_KILL_WAIT_MS 10000

/* ---- local checks ------------------------------------------------------------ */

static gboolean file_needed(const char *what, const char *path, const char *hint, GError **error)
{
        if (g_file_test(path, G_FILE_TEST_EXISTS))
                return TRUE;
        g_set_error(error, OCF_ERROR, OCF_ERR_INSTALLED,
                    "%s %s does not exist on this node%s", what, path, hint);
        return FALSE;
}

gboolean ocf_guest_check_local(const OcfGuestParams *p, GError **error)
{
        const char *qemu = p->qemu ? p->qemu : PK_QEMU;
        g_autofree char *found = g_find_program_in_path(qemu);
        const HvGuestDef *def = p->def;

        if (!found) {
                g_set_error(error, OCF_ERROR, OCF_ERR_INSTALLED,
                            "QEMU (%s) is not installed on this node or not executable; install qemu-system-x86 or set the qemu parameter",
                            qemu);
                return FALSE;
        }
        if (!def)
                return TRUE;
        if (def->boot == HV_BOOT_KERNEL) {
                if (!file_needed("boot.kernel", def->kernel, "", error))
                        return FALSE;
                if (def->initrd && !file_needed("boot.initrd", def->initrd, "", error))
                        return FALSE;
        }
        for (guint i = 0; i < def->n_disks; i++) {
                g_autofree char *what = g_strdup_printf("disks[%u]", i);
                if (!file_needed(what, def->disks[i].path,
                                 " (a DRBD device exists only while its resource is up: check the order constraint that starts the guest after its volume is promoted)",
                                 error))
                        return FALSE;
        }
        return TRUE;
}

/* ---- the process table --------------------------------------------------------- */

pid_t ocf_guest_find_qemu(const char *rundir, const char *name)
{
        g_autofree char *marker = g_strdup_printf("guest=%s,debug-threads=on", name);
        g_autofree char *pidfile = g_build_filename(rundir, "guests", name, "qemu.pid", NULL);
        g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
        const char *entry;

        if (!proc)
                return 0;
        while ((entry = g_dir_read_name(proc))) {
                g_autofree char *path = NULL, *cmdline = NULL;
                gboolean has_marker = FALSE, has_pidfile = FALSE;
                guint64 pid;
                gsize len;

                if (!g_ascii_string_to_unsigned(entry, 10, 1, G_MAXINT, &pid, NULL) || (pid_t)pid == getpid())
                        continue;
                path = g_strdup_printf("/proc/%s/cmdline", entry);
                /* A zombie has an empty cmdline and holds nothing. */
                if (!g_file_get_contents(path, &cmdline, &len, NULL) || len == 0)
                        continue;
                for (gsize off = 0; off < len; off += strlen(cmdline + off) + 1) {
                        if (g_str_equal(cmdline + off, marker))
                                has_marker = TRUE;
                        else if (g_str_equal(cmdline + off, pidfile))
                                has_pidfile = TRUE;
                }
                if (has_marker && has_pidfile)
                        return (pid_t)pid;
        }
        return 0;
}

/* ---- helpers -------------------------------------------------------------------- */

static OcfExit report(const char *what, GError *error)
{
        OcfExit code = ocf_exit_from_error(error);
        g_critical("%s%s%s", what ? what : "", what ? ": " : "", error->message);
        return code;
}

static HvConnect *connect_hv(const OcfGuestParams *p, GError **error)
{
        HvConnectOptions opts = { .rundir = p->rundir, .qemu = p->qemu };
        g_autoptr(GError) local = NULL;
        HvConnect *conn;

        /* Without access to the runtime directory every answer would be a
         * guess; say so instead of reporting the guest stopped. */
        if (g_file_test(p->rundir, G_FILE_TEST_EXISTS) && access(p->rundir, R_OK | W_OK | X_OK) < 0) {
                int e = errno;
                g_set_error(error, OCF_ERROR, e == EACCES || e == EPERM ? OCF_ERR_PERM : OCF_ERR_GENERIC,
                            "cannot use the runtime directory %s: %s%s", p->rundir, g_strerror(e),
                            e == EACCES || e == EPERM ? "; the agent must run as root" : "");
                return NULL;
        }
        conn = hv_connect_open(NULL, &opts, &local);
        if (!conn) {
                g_set_error(error, OCF_ERROR, ocf_exit_from_error(local), "%s", local->message);
                return NULL;
        }
        return conn;
}

/* ---- monitor ---------------------------------------------------------------------- */

/* DRBD's block major (linux/major.h: DRBD_MAJOR). */
#define OCF_DRBD_MAJOR 147

/* Asked only when QEMU does not answer: is DRBD holding its disks' I/O?
 * stat() of a device node does no I/O, so this never waits on the
 * suspended device itself. */
static char *frozen_by_drbd(const char *guest, const HvGuestDef *def)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgState) drbd = NULL;
        g_autofree int *minors = NULL;
        gboolean any = FALSE;

        if (!def || !def->n_disks)
                return NULL;
        minors = g_new(int, def->n_disks);
        for (guint i = 0; i < def->n_disks; i++) {
                struct stat sb;
                minors[i] = -1;
                if (stat(def->disks[i].path, &sb) == 0 && S_ISBLK(sb.st_mode) &&
                    major(sb.st_rdev) == OCF_DRBD_MAJOR) {
                        minors[i] = (int)minor(sb.st_rdev);
                        any = TRUE;
                }
        }
        if (!any)
                return NULL;
        drbd = dg_state_snapshot(&error);
        if (!drbd) {
                g_warning("guest %s: whether DRBD holds its I/O is unknown: %s", guest, error->message);
                return NULL;
        }
        return ocf_guest_frozen_by_drbd(guest, drbd, minors, def->n_disks);
}

static OcfExit run_monitor(HvConnect *conn, const OcfGuestParams *p)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestStatus) st = NULL;
        g_autofree char *msg = NULL;
        gboolean warn = FALSE;
        OcfExit code;

        gint64 deadline = pk_now_ms() + ocf_guest_monitor_patience_ms(p->timeout_ms);

        /* QMP serves one client at a time and another operation may hold
         * the guest's lock: "unknown" is asked again until the patience is
         * used up, since a failed monitor restarts the guest. */
        for (;;) {
                g_clear_pointer(&st, hv_guest_status_free);
                if (!hv_guest_get_status(conn, p->name, &st, &error))
                        return report("monitor", error);
                if (st->state == HV_STATE_UNKNOWN && st->pid) {
                        /* A guest DRBD holds is no failure: asked at once,
                         * so the answer comes long before the timeout. */
                        g_autofree char *held = frozen_by_drbd(p->name, st->def ? st->def : p->def);
                        if (held) {
                                g_warning("%s", held);
                                return OCF_SUCCESS;
                        }
                }
                if (st->state != HV_STATE_UNKNOWN || pk_now_ms() >= deadline)
                        break;
                g_debug("guest %s: state unknown (%s); asking again", p->name, st->reason);
                g_usleep(G_USEC_PER_SEC);
        }
        code = ocf_guest_state_exit(st, &msg, &warn);
        if (p->probe && code != OCF_NOT_RUNNING)
                /* Pacemaker learns here about a guest it did not start on
                 * this node (started by hand, or before a restart). */
                g_info("probe: guest %s found on this node: %s", p->name, msg);
        if (code == OCF_NOT_RUNNING)
                g_debug("%s", msg);
        else if (code == OCF_SUCCESS && warn)
                g_warning("%s", msg);
        else if (code == OCF_SUCCESS)
                g_debug("%s", msg);
        else
                g_critical("monitor: %s", msg);
        return code;
}

/* ---- start ------------------------------------------------------------------------ */

static OcfExit run_start(HvConnect *conn, const OcfGuestParams *p)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestStatus) st = NULL;
        g_autofree char *msg = NULL;
        OcfExit code;

        if (!ocf_guest_check_local(p, &error))
                return report("start", error);
        if (!hv_guest_get_status(conn, p->name, &st, &error))
                return report("start", error);
        if (st->state == HV_STATE_RUNNING) {
                g_info("guest %s is already running (QEMU pid %d)", p->name, (int)st->pid);
                return OCF_SUCCESS;
        }
        if (st->state == HV_STATE_PAUSED && g_strcmp0(st->reason, "paused") == 0) {
                /* Start promises a running guest; an administrator's pause
                 * is the only pause that resuming cannot make worse. */
                g_info("guest %s is paused by an administrator; resuming it", p->name);
                if (!hv_guest_resume(conn, p->name, &error))
                        return report("start: cannot resume the paused guest", error);
        } else if (st->state != HV_STATE_SHUTOFF || st->pid) {
                ocf_guest_state_exit(st, &msg, NULL);
                g_critical("start: guest %s is present but not running: %s; stop it first (Pacemaker's recovery does)",
                           p->name, msg);
                return OCF_ERR_GENERIC;
        } else {
                g_info("starting guest %s (%u MiB, %u vCPUs)", p->name, p->def->memory_mib, p->def->vcpus);
                if (!hv_guest_start(conn, p->def, &error)) {
                        /* Someone else started it meanwhile: fine if it runs. */
                        if (!g_error_matches(error, HV_ERROR, HV_ERROR_RUNNING))
                                return report("start", error);
                        g_clear_error(&error);
                }
        }

        /* Start must not return before monitor would say "running". */
        g_clear_pointer(&st, hv_guest_status_free);
        g_clear_pointer(&msg, g_free);
        if (!hv_guest_get_status(conn, p->name, &st, &error))
                return report("start", error);
        code = ocf_guest_state_exit(st, &msg, NULL);
        if (code != OCF_SUCCESS || st->state != HV_STATE_RUNNING) {
                g_critical("start: guest %s was started but %s", p->name, msg);
                return OCF_ERR_GENERIC;
        }
        g_info("guest %s is running (QEMU pid %d, %s)", p->name, (int)st->pid, hv_accel_to_string(st->accel));
        return OCF_SUCCESS;
}

/* ---- stop ------------------------------------------------------------------------- */

/* The last word of stop: no QEMU of this guest may be left in the process
 * table, pidfile or not, since it would still hold the guest's volumes. */
static OcfExit stop_verify(HvConnect *conn, const OcfGuestParams *p)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestStatus) st = NULL;
        pid_t pid;

        if (!hv_guest_get_status(conn, p->name, &st, &error))
                return report("stop", error);
        if (st->state != HV_STATE_SHUTOFF || st->pid) {
                g_critical("stop: guest %s is still %s (QEMU pid %d) after stopping it",
                           p->name, hv_state_to_string(st->state), (int)st->pid);
                return OCF_ERR_GENERIC;
        }
        pid = ocf_guest_find_qemu(p->rundir, p->name);
        if (pid) {
                gint64 deadline = pk_now_ms() + ORPHAN_KILL_WAIT_MS;
                g_warning("stop: a QEMU of guest %s (pid %d) runs without its runtime directory; killing it",
                          p->name, (int)pid);
                kill(pid, SIGKILL);
                while (ocf_guest_find_qemu(p->rundir, p->name) == pid && pk_now_ms() < deadline)
                        g_usleep(50 * 1000);
                if (ocf_guest_find_qemu(p->rundir, p->name)) {
                        g_critical("stop: QEMU of guest %s (pid %d) is still alive after SIGKILL; it may still hold the guest's volumes",
                                   p->name, (int)pid);
                        return OCF_ERR_GENERIC;
                }
        }
        return OCF_SUCCESS;
}

static OcfExit run_stop(HvConnect *conn, const OcfGuestParams *p)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestStatus) st = NULL;
        gboolean destroy = FALSE, forced = FALSE;

        if (!hv_guest_get_status(conn, p->name, &st, &error))
                return report("stop", error);
        if (st->state == HV_STATE_SHUTOFF && !st->pid) {
                g_info("guest %s is not running", p->name);
                return stop_verify(conn, p);
        }

        if (st->state == HV_STATE_PAUSED && g_strcmp0(st->reason, "paused") == 0) {
                /* Paused on purpose: let it shut down cleanly rather than
                 * pull its plug. */
                if (hv_guest_resume(conn, p->name, &error)) {
                        g_info("guest %s was paused by an administrator; resumed it to shut it down", p->name);
                } else {
                        g_warning("guest %s: cannot resume it (%s); destroying it", p->name, error->message);
                        g_clear_error(&error);
                        destroy = TRUE;
                }
        } else if (st->state == HV_STATE_PAUSED) {
                /* Stopped by an I/O error or the watchdog: it cannot act on
                 * the power button. */
                g_info("guest %s is paused (%s) and cannot shut down by itself; destroying it",
                       p->name, st->reason);
                destroy = TRUE;
        }
        if (p->shutdown_timeout_s == 0)
                destroy = TRUE;

        if (!destroy) {
                g_info("shutting down guest %s (ACPI power button, up to %u s)", p->name, p->shutdown_timeout_s);
                if (hv_guest_shutdown(conn, p->name, p->shutdown_timeout_s, &forced, &error)) {
                        if (forced)
                                g_warning("guest %s did not power off within %u s and was destroyed",
                                          p->name, p->shutdown_timeout_s);
                        else
                                g_info("guest %s powered off", p->name);
                } else if (g_error_matches(error, HV_ERROR, HV_ERROR_NOT_RUNNING)) {
                        g_clear_error(&error); /* it went away by itself meanwhile */
                } else {
                        g_warning("guest %s: shutdown failed (%s); destroying it", p->name, error->message);
                        g_clear_error(&error);
                        destroy = TRUE;
                }
        }
        if (destroy) {
                g_info("destroying guest %s", p->name);
                if (!hv_guest_destroy(conn, p->name, &error) &&
                    !g_error_matches(error, HV_ERROR, HV_ERROR_NOT_RUNNING))
                        return report("stop: cannot destroy the guest", error);
        }
        return stop_verify(conn, p);
}

/* ---- validate-all -------------------------------------------------------------- */

static OcfExit run_validate(const OcfGuestParams *p)
{
        g_autoptr(GError) error = NULL;

        /* Level 0 checks the configuration alone, which is the same on
         * every node; from 10 on (the default) also whether this node can
         * run the guest. */
        if (p->check_level < 0 || p->check_level >= 10) {
                if (!ocf_guest_check_local(p, &error))
                        return report("validate-all", error);
        }
        g_debug("guest %s: configuration valid", p->name);
        return OCF_SUCCESS;
}

OcfExit ocf_guest_run(const OcfActionSpec *action, const OcfGuestParams *p)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvConnect) conn = NULL;

        if (action->action == OCF_ACTION_VALIDATE_ALL)
                return run_validate(p);
        conn = connect_hv(p, &error);
        if (!conn)
                return report(action->name, error);
        switch (action->action) {
        case OCF_ACTION_START: return run_start(conn, p);
        case OCF_ACTION_STOP: return run_stop(conn, p);
        case OCF_ACTION_MONITOR: return run_monitor(conn, p);
        default:
                g_critical("%s: not an action that runs against the guest", action->name);
                return OCF_ERR_UNIMPLEMENTED;
        }
}
