/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU/KVM backend.
 *
 * There is no daemon: a guest is a daemonized QEMU process and its runtime
 * directory. Every operation re-derives the state from the pidfile, the
 * process table and QMP, so it works the same from any process and after any
 * plastik process died. A per-guest lock file (RUNDIR/guests/.NAME.lock,
 * outside the directory it protects so it survives its removal) serializes
 * operations that change state.
 */
#include "hv-internal.h"
#include "pk.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define QMP_TIMEOUT_MS 10000
#define STATUS_QMP_TIMEOUT_MS 3000
#define KILL_WAIT_MS 5000

/* ---- locking -------------------------------------------------------------- */

static void close_fd(int *fd)
{
        if (*fd >= 0)
                close(*fd);
}
#define auto_fd __attribute__((cleanup(close_fd)))

/*
 * Returns the lock fd (>= 0), -EWOULDBLOCK when @wait is FALSE and another
 * process holds it, or another -errno.
 */
static int lock_guest(HvConnect *conn, const char *name, gboolean wait)
{
        g_autofree char *file = g_strdup_printf(".%s.lock", name);
        g_autofree char *path = g_build_filename(conn->guests_dir, file, NULL);
        int r, fd;

        r = pk_mkdir_p(conn->guests_dir, 0700);
        if (r < 0)
                return r;
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
                if (errno == EINTR)
                        continue;
                r = -errno;
                close(fd);
                return r;
        }
        return fd;
}

static int lock_or_error(HvConnect *conn, const char *name, GError **error)
{
        int fd = lock_guest(conn, name, TRUE);
        if (fd < 0)
                g_set_error(error, HV_ERROR, HV_ERROR_FAILED, "cannot lock guest %s in %s: %s",
                            name, conn->guests_dir, g_strerror(-fd));
        return fd;
}

/* ---- process -------------------------------------------------------------- */


/*
 * The pid must be a live QEMU started for this guest: pids are reused, and a
 * zombie (whose parent does not reap it) is not a running guest either; both
 * show up here because a zombie has an empty cmdline. @ret_machine (optional)
 * receives the value of QEMU's -machine option.
 */
static gboolean read_guest_cmdline(pid_t pid, const char *name, char **ret_machine)
{
        g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
        g_autofree char *want = g_strdup_printf("guest=%s,debug-threads=on", name);
        g_autofree char *cmdline = NULL;
        const char *machine = NULL, *prev = "";
        gboolean found = FALSE;
        gsize len;

        if (pid <= 0 || !g_file_get_contents(path, &cmdline, &len, NULL))
                return FALSE;
        for (gsize off = 0; off < len; off += strlen(cmdline + off) + 1) {
                const char *a = cmdline + off;
                if (g_str_equal(a, want))
                        found = TRUE;
                if (g_str_equal(prev, "-machine"))
                        machine = a;
                prev = a;
        }
        if (found && ret_machine)
                *ret_machine = g_strdup(machine);
        return found;
}

static gboolean pid_is_guest(pid_t pid, const char *name)
{
        return read_guest_cmdline(pid, name, NULL);
}

/* The accelerator a running QEMU was started with. */
static HvAccel pid_accel(pid_t pid, const char *name)
{
        g_autofree char *machine = NULL;

        if (!read_guest_cmdline(pid, name, &machine) || !machine)
                return HV_ACCEL_AUTO;
        if (strstr(machine, "accel=kvm"))
                return HV_ACCEL_KVM;
        if (strstr(machine, "accel=tcg"))
                return HV_ACCEL_TCG;
        return HV_ACCEL_AUTO;
}

/* The guest's QEMU pid, or 0 when no QEMU runs for it. */
static pid_t guest_pid(HvConnect *conn, const char *name)
{
        g_autofree char *path = g_build_filename(conn->guests_dir, name, HV_PIDFILE, NULL);
        pid_t pid = pk_read_pidfile(path);

        return pid > 0 && pid_is_guest(pid, name) ? pid : 0;
}

static gboolean wait_gone(pid_t pid, const char *name, gint64 timeout_ms)
{
        gint64 deadline = pk_now_ms() + timeout_ms;

        while (pid_is_guest(pid, name)) {
                if (pk_now_ms() >= deadline)
                        return FALSE;
                g_usleep(50 * 1000);
        }
        return TRUE;
}

static gboolean kill_guest(pid_t pid, const char *name, GError **error)
{
        if (kill(pid, SIGTERM) < 0 && errno != ESRCH)
                goto fail;
        if (wait_gone(pid, name, KILL_WAIT_MS))
                return TRUE;
        g_debug("QEMU of guest %s (pid %d) ignored SIGTERM; sending SIGKILL", name, (int)pid);
        if (kill(pid, SIGKILL) < 0 && errno != ESRCH)
                goto fail;
        if (wait_gone(pid, name, KILL_WAIT_MS))
                return TRUE;
        g_set_error(error, HV_ERROR, HV_ERROR_TIMEOUT,
                    "QEMU of guest %s (pid %d) is still alive %d s after SIGKILL",
                    name, (int)pid, 2 * KILL_WAIT_MS / 1000);
        return FALSE;
fail:
        g_set_error(error, HV_ERROR, HV_ERROR_FAILED, "cannot signal QEMU of guest %s (pid %d): %s",
                    name, (int)pid, g_strerror(errno));
        return FALSE;
}

static gboolean remove_guest_dir(HvConnect *conn, const char *name, GError **error)
{
        g_autofree char *dir = hv_guest_dir(conn, name);
        int r = pk_rmdir_flat(dir);

        if (r < 0) {
                g_set_error(error, HV_ERROR, HV_ERROR_FAILED,
                            "cannot remove the runtime directory %s: %s", dir, g_strerror(-r));
                return FALSE;
        }
        return TRUE;
}

/* ---- QMP helpers ------------------------------------------------------------- */

static HvQmp *open_qmp(HvConnect *conn, const char *name, int timeout_ms, GError **error)
{
        g_autofree char *path = g_build_filename(conn->guests_dir, name, HV_QMP_SOCKET, NULL);
        return hv_qmp_connect(path, timeout_ms, error);
}

/* Runs one argument-less command on a running guest. */
static gboolean simple_command(HvConnect *conn, const char *name, const char *command,
                               GError **error)
{
        auto_fd int lock = lock_or_error(conn, name, error);
        g_autoptr(HvQmp) qmp = NULL;

        if (lock < 0)
                return FALSE;
        if (!guest_pid(conn, name)) {
                g_set_error(error, HV_ERROR, HV_ERROR_NOT_RUNNING, "guest %s is not running", name);
                return FALSE;
        }
        qmp = open_qmp(conn, name, QMP_TIMEOUT_MS, error);
        return qmp && hv_qmp_execute(qmp, command, NULL, QMP_TIMEOUT_MS, NULL, error);
}

/* Maps QEMU's RunState (query-status "status") to our states. */
static HvState state_from_runstate(const char *status)
{
        if (g_str_equal(status, "running"))
                return HV_STATE_RUNNING;
        if (g_str_equal(status, "guest-panicked") || g_str_equal(status, "internal-error"))
                return HV_STATE_CRASHED;
        if (g_str_equal(status, "shutdown"))
                return HV_STATE_SHUTOFF;
        return HV_STATE_PAUSED;
}

static gboolean query_runstate(HvQmp *qmp, int timeout_ms, char **ret_status, GError **error)
{
        g_autoptr(json_object) ret = NULL;
        json_object *st;

        if (!hv_qmp_execute(qmp, "query-status", NULL, timeout_ms, &ret, error))
                return FALSE;
        if (!json_object_is_type(ret, json_type_object) ||
            !json_object_object_get_ex(ret, "status", &st) ||
            !json_object_is_type(st, json_type_string)) {
                g_autofree char *text = pk_json_to_string(ret, FALSE);
                g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                            "query-status answered %s, expected an object with a \"status\" string", text);
                return FALSE;
        }
        *ret_status = g_strdup(json_object_get_string(st));
        return TRUE;
}

/* ---- operations ---------------------------------------------------------- */

static void close_taps(int *fds, guint *n)
{
        for (guint i = 0; i < *n; i++)
                close(fds[i]);
        *n = 0;
}

static gboolean qemu_start(HvConnect *conn, const HvGuestDef *def, GError **error)
{
        auto_fd int lock = lock_or_error(conn, def->name, error);
        g_autofree char *dir = NULL, *def_path = NULL, *console_log = NULL;
        g_autofree char *out = NULL, *err = NULL, *runstate = NULL;
        g_autofree char *def_text = NULL;
        g_auto(GStrv) argv = NULL;
        g_autoptr(json_object) def_json = NULL;
        g_autoptr(HvQmp) qmp = NULL;
        g_autoptr(GError) local = NULL;
        HvQemuEnv env;
        pid_t pid;
        int status, r;
        /* A bridge NIC's tap, opened here (tap.c): its descriptor in this
         * process and the number QEMU finds it under. */
        g_autofree int *tap_fds = NULL, *qemu_fds = NULL;
        guint n_taps = 0;

        if (lock < 0)
                return FALSE;
        dir = hv_guest_dir(conn, def->name);
        pid = guest_pid(conn, def->name);
        if (pid) {
                g_set_error(error, HV_ERROR, HV_ERROR_RUNNING,
                            "guest %s is already running (QEMU pid %d); stop it first with 'hvctl shutdown %s'",
                            def->name, (int)pid, def->name);
                return FALSE;
        }
        if (g_file_test(dir, G_FILE_TEST_EXISTS)) {
                g_info("removing stale runtime directory %s (its QEMU is gone)", dir);
                if (!remove_guest_dir(conn, def->name, error))
                        return FALSE;
        }

        r = pk_mkdir_p(conn->log_dir, 0700);
        if (r < 0 || mkdir(dir, 0700) < 0) {
                int e = r < 0 ? -r : errno;
                g_set_error(error, HV_ERROR, HV_ERROR_FAILED, "cannot create %s: %s",
                            r < 0 ? conn->log_dir : dir, g_strerror(e));
                return FALSE;
        }

        /* From here on a failure must leave no directory and no process. */
        def_path = g_build_filename(dir, HV_DEF_FILE, NULL);
        def_json = hv_guest_def_to_json(def);
        def_text = pk_json_to_string(def_json, TRUE);
        if (!pk_file_write_atomic(def_path, def_text, strlen(def_text), 0600, error))
                goto fail;

        console_log = hv_guest_console_log(conn, def->name);
        tap_fds = g_new(int, def->n_nics + 1);
        qemu_fds = g_new(int, def->n_nics + 1);
        for (guint i = 0; i < def->n_nics; i++) {
                qemu_fds[i] = -1;
                if (def->nics[i].type != HV_NIC_BRIDGE)
                        continue;
                tap_fds[n_taps] = hv_tap_open_bridged(def->nics[i].bridge, NULL, error);
                if (tap_fds[n_taps] < 0)
                        goto fail;
                qemu_fds[i] = 3 + (int)n_taps++;
        }
        env = (HvQemuEnv){
                .qemu = conn->qemu,
                .guest_dir = dir,
                .console_log = console_log,
                .accel = def->accel == HV_ACCEL_AUTO ? hv_accel_probe("/dev/kvm", "/proc/cpuinfo")
                                                     : def->accel,
                .nic_fds = qemu_fds,
        };
        argv = hv_qemu_build_argv(def, &env, error);
        if (!argv)
                goto fail;
        r = pk_spawn_sync_fds((const char *const *)argv, tap_fds, n_taps, &out, &err, &status, &local);
        /* QEMU holds the taps now, or failed and took them with it. */
        close_taps(tap_fds, &n_taps);
        if (!r) {
                g_set_error(error, HV_ERROR, HV_ERROR_FAILED, "cannot run %s: %s", conn->qemu,
                            local->message);
                goto fail;
        }
        if (!pk_spawn_check(conn->qemu, status, err, &local)) {
                g_set_error(error, HV_ERROR, HV_ERROR_FAILED, "QEMU could not start guest %s: %s",
                            def->name, local->message);
                goto fail;
        }

        pid = guest_pid(conn, def->name);
        if (!pid) {
                g_set_error(error, HV_ERROR, HV_ERROR_FAILED,
                            "QEMU reported success for guest %s but no QEMU process is running for it",
                            def->name);
                goto fail;
        }
        qmp = open_qmp(conn, def->name, QMP_TIMEOUT_MS, &local);
        if (!qmp || !query_runstate(qmp, QMP_TIMEOUT_MS, &runstate, &local)) {
                g_set_error(error, HV_ERROR, HV_ERROR_FAILED,
                            "guest %s started (QEMU pid %d) but QMP did not answer: %s; it was stopped again",
                            def->name, (int)pid, local->message);
                goto fail_kill;
        }
        if (!g_str_equal(runstate, "running")) {
                g_set_error(error, HV_ERROR, HV_ERROR_FAILED,
                            "guest %s started but QEMU reports it \"%s\", not running; it was stopped again",
                            def->name, runstate);
                goto fail_kill;
        }
        return TRUE;

fail_kill:
        g_clear_pointer(&qmp, hv_qmp_free);
        kill_guest(pid, def->name, NULL);
fail:
        close_taps(tap_fds, &n_taps);
        remove_guest_dir(conn, def->name, NULL);
        return FALSE;
}

static gboolean qemu_get_status(HvConnect *conn, const char *name, HvGuestStatus **ret_status,
                                GError **error)
{
        g_autoptr(HvGuestStatus) st = g_new0(HvGuestStatus, 1);
        g_autofree char *dir = hv_guest_dir(conn, name);
        g_autofree char *def_path = NULL, *runstate = NULL;
        g_autoptr(HvQmp) qmp = NULL;
        g_autoptr(GError) local = NULL;

        st->name = g_strdup(name);
        if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
                st->state = HV_STATE_SHUTOFF;
                *ret_status = g_steal_pointer(&st);
                return TRUE;
        }
        st->pid = guest_pid(conn, name);
        if (!st->pid) {
                /* Clean up only under the lock: a directory without a live
                 * QEMU is also what a start in progress looks like. */
                auto_fd int lock = lock_guest(conn, name, FALSE);
                if (lock < 0) {
                        st->state = HV_STATE_UNKNOWN;
                        st->reason = g_strdup(lock == -EWOULDBLOCK ? "another operation on this guest is in progress"
                                                                   : g_strerror(-lock));
                } else if (guest_pid(conn, name)) {
                        /* Started between our two looks: report it on the next call. */
                        st->state = HV_STATE_UNKNOWN;
                        st->reason = g_strdup("the guest changed state while being looked at");
                } else {
                        st->state = HV_STATE_SHUTOFF;
                        st->stale_cleaned = TRUE;
                        if (!remove_guest_dir(conn, name, error))
                                return FALSE;
                }
                *ret_status = g_steal_pointer(&st);
                return TRUE;
        }

        st->accel = pid_accel(st->pid, name);
        def_path = g_build_filename(dir, HV_DEF_FILE, NULL);
        st->def = hv_guest_def_from_file(def_path, &local);
        if (!st->def) {
                g_warning("guest %s: %s", name, local->message);
                g_clear_error(&local);
        }
        qmp = open_qmp(conn, name, STATUS_QMP_TIMEOUT_MS, &local);
        if (!qmp || !query_runstate(qmp, STATUS_QMP_TIMEOUT_MS, &runstate, &local)) {
                st->state = HV_STATE_UNKNOWN;
                st->reason = g_strdup_printf("QMP does not answer: %s", local->message);
        } else {
                st->state = state_from_runstate(runstate);
                st->reason = g_steal_pointer(&runstate);
        }
        *ret_status = g_steal_pointer(&st);
        return TRUE;
}

static gboolean qemu_shutdown(HvConnect *conn, const char *name, guint timeout_s,
                              gboolean *ret_forced, GError **error)
{
        auto_fd int lock = lock_or_error(conn, name, error);
        g_autoptr(HvQmp) qmp = NULL;
        g_autoptr(GError) local = NULL;
        g_autofree char *runstate = NULL;
        gboolean forced = FALSE;
        pid_t pid;

        if (lock < 0)
                return FALSE;
        pid = guest_pid(conn, name);
        if (!pid) {
                g_set_error(error, HV_ERROR, HV_ERROR_NOT_RUNNING, "guest %s is not running", name);
                return FALSE;
        }
        qmp = open_qmp(conn, name, QMP_TIMEOUT_MS, &local);
        if (qmp && !query_runstate(qmp, QMP_TIMEOUT_MS, &runstate, &local))
                g_clear_pointer(&qmp, hv_qmp_free);
        if (qmp && state_from_runstate(runstate) == HV_STATE_PAUSED) {
                /* A paused guest cannot act on the button; waiting out the
                 * timeout and then destroying it would surprise its owner. */
                g_set_error(error, HV_ERROR, HV_ERROR_FAILED,
                            "guest %s is paused (%s) and cannot act on the power button; resume it first ('hvctl resume %s') or stop it at once ('hvctl destroy %s')",
                            name, runstate, name, name);
                return FALSE;
        }
        if (qmp && state_from_runstate(runstate) != HV_STATE_RUNNING) {
                /* Crashed: nobody inside is left to power off. */
                g_info("guest %s is %s; destroying it", name, runstate);
                forced = TRUE;
        } else if (!qmp || !hv_qmp_execute(qmp, "system_powerdown", NULL, QMP_TIMEOUT_MS, NULL, &local)) {
                /* Still honour the promise: the guest ends up off. */
                g_warning("guest %s: cannot press the power button (%s); destroying it",
                          name, local->message);
                forced = TRUE;
        } else if (!wait_gone(pid, name, (gint64)timeout_s * 1000)) {
                g_info("guest %s did not power off within %u s; destroying it", name, timeout_s);
                forced = TRUE;
        }
        g_clear_pointer(&qmp, hv_qmp_free);
        if (forced && !kill_guest(pid, name, error))
                return FALSE;
        if (!remove_guest_dir(conn, name, error))
                return FALSE;
        if (ret_forced)
                *ret_forced = forced;
        return TRUE;
}

static gboolean qemu_destroy(HvConnect *conn, const char *name, GError **error)
{
        auto_fd int lock = lock_or_error(conn, name, error);
        g_autofree char *dir = NULL;
        pid_t pid;

        if (lock < 0)
                return FALSE;
        pid = guest_pid(conn, name);
        dir = hv_guest_dir(conn, name);
        if (!pid && !g_file_test(dir, G_FILE_TEST_EXISTS)) {
                g_set_error(error, HV_ERROR, HV_ERROR_NOT_RUNNING, "guest %s is not running", name);
                return FALSE;
        }
        if (pid && !kill_guest(pid, name, error))
                return FALSE;
        return remove_guest_dir(conn, name, error);
}

static gboolean qemu_pause(HvConnect *conn, const char *name, GError **error)
{
        return simple_command(conn, name, "stop", error);
}

static gboolean qemu_resume(HvConnect *conn, const char *name, GError **error)
{
        return simple_command(conn, name, "cont", error);
}

static gboolean qemu_reset(HvConnect *conn, const char *name, GError **error)
{
        return simple_command(conn, name, "system_reset", error);
}

const HvDriver hv_qemu_driver = {
        .name = "qemu",
        .start = qemu_start,
        .get_status = qemu_get_status,
        .get_pid = guest_pid,
        .shutdown = qemu_shutdown,
        .destroy = qemu_destroy,
        .pause = qemu_pause,
        .resume = qemu_resume,
        .reset = qemu_reset,
};
