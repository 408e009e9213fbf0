/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvctl: run and inspect guests on this node (see hvctl(1)). */
#include "hv.h"
#include "pk.h"
#include "pk-cli.h"
#include "pk-config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

/* Exit codes, documented in hvctl(1). */
enum {
        EXIT_OK = 0,
        EXIT_FAIL = 1,
        EXIT_USAGE = 2,
        EXIT_INVALID = 3,
        EXIT_NOT_RUNNING = 4,
        EXIT_RUNNING = 5,
        EXIT_TIMEOUT = 6,
        EXIT_QMP = 7,
};

#define DEFAULT_SHUTDOWN_TIMEOUT 60
#define CONSOLE_ESCAPE 0x1d /* Ctrl-] */

static int report(GError *error)
{
        fprintf(stderr, "hvctl: %s\n", error->message);
        if (error->domain != HV_ERROR)
                return EXIT_FAIL;
        switch (error->code) {
        case HV_ERROR_INVALID: return EXIT_INVALID;
        case HV_ERROR_NOT_FOUND:
        case HV_ERROR_NOT_RUNNING: return EXIT_NOT_RUNNING;
        case HV_ERROR_RUNNING: return EXIT_RUNNING;
        case HV_ERROR_TIMEOUT: return EXIT_TIMEOUT;
        case HV_ERROR_COMMAND: return EXIT_QMP;
        default: return EXIT_FAIL;
        }
}

static void print_json(json_object *obj)
{
        g_autofree char *text = pk_json_to_string(obj, TRUE);
        printf("%s\n", text);
}

static const PkCliOption global_opts[] = {
        { "rundir", "DIR", "runtime directory (default /run/plastik or $PLASTIK_RUNDIR)" },
        { "verbose", NULL, "also print debug messages", 0, 'v' },
        { NULL },
};
static const PkCliOption json_opts[] = { { "json", NULL, "print JSON instead of text" }, { NULL } };
static const PkCliOption shutdown_opts[] = {
        { "timeout", "SECONDS", "destroy the guest after SECONDS (default 60)" },
        { NULL },
};
static const PkCliOption no_opts[] = { { NULL } };

static const PkCliVerb verbs[] = {
        { "start", NULL, "FILE.json", 1, 1, NULL, no_opts, "start the guest the file defines" },
        { "list", NULL, "", 0, 0, NULL, json_opts, "list guests and their states" },
        { "status", NULL, "NAME", 1, 1, NULL, json_opts, "show a guest's state" },
        { "shutdown", NULL, "NAME", 1, 1, NULL, shutdown_opts, "ACPI power-off; destroy after the timeout" },
        { "destroy", NULL, "NAME", 1, 1, NULL, no_opts, "stop the guest at once" },
        { "pause", NULL, "NAME", 1, 1, NULL, no_opts, "pause the guest's virtual CPUs" },
        { "resume", NULL, "NAME", 1, 1, NULL, no_opts, "resume the guest's virtual CPUs" },
        { "reset", NULL, "NAME", 1, 1, NULL, no_opts, "hard-reset the guest" },
        { "console", NULL, "NAME", 1, 1, NULL, no_opts, "attach to the serial console (Ctrl-] detaches)" },
        { "qmp", NULL, "NAME COMMAND [JSON-ARGS]", 2, 3, NULL, no_opts, "run a QMP command and print its answer" },
        { "validate", NULL, "FILE.json", 1, 1, NULL, no_opts, "check a definition and print it with defaults" },
};

static const PkCli cli = {
        .program = "hvctl",
        .version = PK_VERSION,
        .global_options = global_opts,
        .verbs = verbs,
        .n_verbs = G_N_ELEMENTS(verbs),
        .epilogue = "Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid definition or argument,\n"
                    "4 guest not running, 5 guest already running, 6 timeout, 7 QEMU refused the command.\n",
};

/* What the commands read from the command line. */
typedef struct {
        PkCliCmd *cmd;
        gboolean json;
        gboolean has_timeout;
        guint timeout;
} CmdArgs;

static int take_values(PkCliCmd *cmd, CmdArgs *a)
{
        const char *v = pk_cli_opt(cmd, "timeout");
        guint64 t;

        a->cmd = cmd;
        a->json = pk_cli_flag(cmd, "json");
        if (v && !g_ascii_string_to_unsigned(v, 10, 0, 86400, &t, NULL))
                return pk_cli_usage_error("hvctl", "%s: --timeout needs a number of seconds between 0 and 86400 "
                                          "(got \"%s\")", cmd->verb->group, v);
        a->has_timeout = v != NULL;
        a->timeout = v ? (guint)t : 0;
        return EXIT_OK;
}

static const char *arg(CmdArgs *a, guint i)
{
        return pk_cli_arg(a->cmd, i);
}

static int cmd_start(HvConnect *conn, CmdArgs *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestDef) def = hv_guest_def_from_file(arg(a, 0), &error);

        if (!def)
                return report(error);
        fprintf(stderr, "hvctl: starting guest %s...\n", def->name);
        if (!hv_guest_start(conn, def, &error))
                return report(error);
        printf("guest %s is running\n", def->name);
        return EXIT_OK;
}

static int cmd_validate(CmdArgs *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestDef) def = hv_guest_def_from_file(arg(a, 0), &error);

        if (!def)
                return report(error);
        g_autoptr(json_object) obj = hv_guest_def_to_json(def);
        print_json(obj);
        return EXIT_OK;
}

static void print_status_line(const HvGuestStatus *st)
{
        const char *state = hv_state_to_string(st->state);
        if (st->state == HV_STATE_PAUSED || st->state == HV_STATE_CRASHED || st->state == HV_STATE_UNKNOWN)
                printf("%-20s %s (%s)\n", st->name, state, st->reason ? st->reason : "?");
        else
                printf("%-20s %s\n", st->name, state);
}

static int cmd_list(HvConnect *conn, CmdArgs *a)
{
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) names = hv_guest_list(conn, &error);
        g_autoptr(json_object) arr = json_object_new_array();

        if (!names)
                return report(error);
        if (!a->json)
                printf("%-20s %s\n", "NAME", "STATE");
        for (char **n = names; *n; n++) {
                g_autoptr(HvGuestStatus) st = NULL;
                if (!hv_guest_get_status(conn, *n, &st, &error))
                        return report(error);
                if (st->stale_cleaned)
                        continue; /* it was a leftover, not a guest */
                if (a->json)
                        json_object_array_add(arr, hv_guest_status_to_json(st));
                else
                        print_status_line(st);
        }
        if (a->json)
                print_json(arr);
        return EXIT_OK;
}

static int cmd_status(HvConnect *conn, CmdArgs *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestStatus) st = NULL;

        if (!hv_guest_get_status(conn, arg(a, 0), &st, &error))
                return report(error);
        if (a->json) {
                g_autoptr(json_object) obj = hv_guest_status_to_json(st);
                print_json(obj);
                return EXIT_OK;
        }
        printf("name:   %s\n", st->name);
        printf("state:  %s\n", hv_state_to_string(st->state));
        if (st->reason)
                printf("reason: %s\n", st->reason);
        if (st->pid)
                printf("pid:    %d\n", (int)st->pid);
        if (st->accel != HV_ACCEL_AUTO)
                printf("accel:  %s\n", hv_accel_to_string(st->accel));
        if (st->def)
                printf("memory: %u MiB\nvcpus:  %u\n", st->def->memory_mib, st->def->vcpus);
        if (st->stale_cleaned)
                printf("note:   a stale runtime directory (QEMU gone) was removed\n");
        return EXIT_OK;
}

static int cmd_shutdown(HvConnect *conn, CmdArgs *a)
{
        g_autoptr(GError) error = NULL;
        guint timeout = a->has_timeout ? a->timeout : DEFAULT_SHUTDOWN_TIMEOUT;
        gboolean forced = FALSE;

        fprintf(stderr, "hvctl: shutting down guest %s (up to %u s)...\n", arg(a, 0), timeout);
        if (!hv_guest_shutdown(conn, arg(a, 0), timeout, &forced, &error))
                return report(error);
        if (forced)
                printf("guest %s did not power off by itself and was destroyed\n", arg(a, 0));
        else
                printf("guest %s powered off\n", arg(a, 0));
        return EXIT_OK;
}

static int cmd_simple(HvConnect *conn, const char *cmd, CmdArgs *a)
{
        g_autoptr(GError) error = NULL;
        const char *name = arg(a, 0);
        gboolean ok;
        const char *done;

        if (g_str_equal(cmd, "destroy")) {
                ok = hv_guest_destroy(conn, name, &error);
                done = "destroyed";
        } else if (g_str_equal(cmd, "pause")) {
                ok = hv_guest_pause(conn, name, &error);
                done = "paused";
        } else if (g_str_equal(cmd, "resume")) {
                ok = hv_guest_resume(conn, name, &error);
                done = "resumed";
        } else {
                ok = hv_guest_reset(conn, name, &error);
                done = "reset";
        }
        if (!ok)
                return report(error);
        printf("guest %s %s\n", name, done);
        return EXIT_OK;
}

static int cmd_qmp(HvConnect *conn, CmdArgs *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) args = NULL;
        g_autoptr(json_object) ret = NULL;
        g_autoptr(HvQmp) qmp = NULL;

        if (arg(a, 2)) {
                args = pk_json_parse(arg(a, 2), -1, "JSON-ARGS", &error);
                if (!args)
                        return pk_cli_usage_error("hvctl", "qmp: %s", error->message);
                if (!json_object_is_type(args, json_type_object))
                        return pk_cli_usage_error("hvctl", "qmp: JSON-ARGS must be a JSON object like "
                                                  "'{\"device\": \"disk0\"}'");
        }
        qmp = hv_guest_open_qmp(conn, arg(a, 0), &error);
        if (!qmp || !hv_qmp_execute(qmp, arg(a, 1), args, 30000, &ret, &error))
                return report(error);
        print_json(ret);
        return EXIT_OK;
}

static int cmd_console(HvConnect *conn, CmdArgs *a)
{
        g_autofree char *path = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestStatus) st = NULL;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        struct termios saved, raw;
        gboolean tty = isatty(STDIN_FILENO);
        int fd, rc = EXIT_OK;

        if (!hv_guest_get_status(conn, arg(a, 0), &st, &error))
                return report(error);
        if (!st->pid) {
                fprintf(stderr, "hvctl: guest %s is not running\n", arg(a, 0));
                return EXIT_NOT_RUNNING;
        }
        path = hv_guest_console_socket(conn, arg(a, 0));
        if (strlen(path) >= sizeof(sa.sun_path)) {
                fprintf(stderr, "hvctl: console socket path too long: %s\n", path);
                return EXIT_FAIL;
        }
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                fprintf(stderr, "hvctl: cannot attach to %s: %s\n", path, g_strerror(errno));
                if (fd >= 0)
                        close(fd);
                return EXIT_FAIL;
        }
        fprintf(stderr, "hvctl: connected to the console of %s; Ctrl-] detaches\n", arg(a, 0));
        if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
                raw = saved;
                cfmakeraw(&raw);
                tcsetattr(STDIN_FILENO, TCSANOW, &raw);
        } else {
                tty = FALSE;
        }
        for (;;) {
                struct pollfd p[2] = { { STDIN_FILENO, POLLIN, 0 }, { fd, POLLIN, 0 } };
                char buf[4096];
                ssize_t n;

                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        rc = EXIT_FAIL;
                        break;
                }
                if (p[1].revents) {
                        n = read(fd, buf, sizeof(buf));
                        if (n <= 0)
                                break; /* the guest went away */
                        if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
                                break;
                }
                if (p[0].revents) {
                        n = read(STDIN_FILENO, buf, sizeof(buf));
                        if (n <= 0)
                                break;
                        char *esc = memchr(buf, CONSOLE_ESCAPE, (size_t)n);
                        if (esc)
                                n = esc - buf;
                        if (n > 0 && send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0)
                                break;
                        if (esc)
                                break;
                }
        }
        if (tty)
                tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        close(fd);
        fprintf(stderr, "\nhvctl: detached from %s\n", arg(a, 0));
        return rc;
}

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvConnect) conn = NULL;
        g_auto(PkCliCmd) cmd = { 0 };
        HvConnectOptions opts = { 0 };
        CmdArgs a = { 0 };
        const char *name;
        int rc;

        if (!pk_cli_handle(&cli, argc, argv, &cmd, &rc))
                return rc;
        pk_log_init("hvctl", pk_cli_global(&cmd, "verbose") != NULL);
        if ((rc = take_values(&cmd, &a)) != EXIT_OK)
                return rc;
        name = cmd.verb->group;
        if (g_str_equal(name, "validate"))
                return cmd_validate(&a);
        opts.rundir = pk_cli_global(&cmd, "rundir");
        conn = hv_connect_open(NULL, &opts, &error);
        if (!conn)
                return report(error);
        if (g_str_equal(name, "start"))
                return cmd_start(conn, &a);
        if (g_str_equal(name, "list"))
                return cmd_list(conn, &a);
        if (g_str_equal(name, "status"))
                return cmd_status(conn, &a);
        if (g_str_equal(name, "shutdown"))
                return cmd_shutdown(conn, &a);
        if (g_str_equal(name, "console"))
                return cmd_console(conn, &a);
        if (g_str_equal(name, "qmp"))
                return cmd_qmp(conn, &a);
        return cmd_simple(conn, name, &a);
}
