/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvctl: run and inspect guests on this node (see hvctl(1)). */
#include "hv.h"
#include "pk.h"
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

static const char usage_text[] =
        "Usage: hvctl [--rundir DIR] [--verbose] COMMAND [ARGS]\n"
        "\n"
        "Commands:\n"
        "  start FILE.json              start the guest the file defines\n"
        "  list [--json]                list guests and their states\n"
        "  status NAME [--json]         show a guest's state\n"
        "  shutdown NAME [--timeout S]  ACPI power-off; destroy after S seconds (default 60)\n"
        "  destroy NAME                 stop the guest at once\n"
        "  pause|resume|reset NAME      pause, resume or hard-reset the guest\n"
        "  console NAME                 attach to the serial console (Ctrl-] detaches)\n"
        "  qmp NAME COMMAND [JSON-ARGS] run a QMP command and print its answer\n"
        "  validate FILE.json           check a definition and print it with defaults\n"
        "\n"
        "Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid definition or argument,\n"
        "4 guest not running, 5 guest already running, 6 timeout, 7 QEMU refused the command.\n";

static int usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static int usage_error(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        fputs("hvctl: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputs("\nTry 'hvctl --help'.\n", stderr);
        va_end(ap);
        return EXIT_USAGE;
}

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

/* A command: its flags, how many positional arguments, its usage line. */
typedef struct {
        const char *name;
        gboolean json, timeout;
        guint n_min, n_max;
        const char *usage;
} CmdSpec;

static const CmdSpec commands[] = {
        { "start", FALSE, FALSE, 1, 1, "start FILE.json" },
        { "validate", FALSE, FALSE, 1, 1, "validate FILE.json" },
        { "list", TRUE, FALSE, 0, 0, "list [--json]" },
        { "status", TRUE, FALSE, 1, 1, "status NAME [--json]" },
        { "shutdown", FALSE, TRUE, 1, 1, "shutdown NAME [--timeout SECONDS]" },
        { "destroy", FALSE, FALSE, 1, 1, "destroy NAME" },
        { "pause", FALSE, FALSE, 1, 1, "pause NAME" },
        { "resume", FALSE, FALSE, 1, 1, "resume NAME" },
        { "reset", FALSE, FALSE, 1, 1, "reset NAME" },
        { "console", FALSE, FALSE, 1, 1, "console NAME" },
        { "qmp", FALSE, FALSE, 2, 3, "qmp NAME COMMAND [JSON-ARGS]" },
};

/* Parses the flags a command allows out of argv; the rest are positional. */
typedef struct {
        gboolean json;
        gboolean has_timeout;
        guint timeout;
        GPtrArray *args;
} CmdArgs;

static int parse_cmd_args(int argc, char **argv, const CmdSpec *spec, CmdArgs *a)
{
        a->args = g_ptr_array_new();
        for (int i = 1; i < argc; i++) {
                const char *s = argv[i];
                if (spec->json && g_str_equal(s, "--json")) {
                        a->json = TRUE;
                } else if (spec->timeout && (g_str_equal(s, "--timeout") || g_str_has_prefix(s, "--timeout="))) {
                        const char *v = strchr(s, '=') ? strchr(s, '=') + 1 : (i + 1 < argc ? argv[++i] : NULL);
                        guint64 t;
                        if (!v || !g_ascii_string_to_unsigned(v, 10, 0, 86400, &t, NULL))
                                return usage_error("%s: --timeout needs a number of seconds between 0 and 86400 (got \"%s\")",
                                                   spec->name, v ? v : "");
                        a->has_timeout = TRUE;
                        a->timeout = (guint)t;
                } else if (g_str_has_prefix(s, "--")) {
                        return usage_error("%s: unknown option \"%s\"; usage: hvctl %s", spec->name, s, spec->usage);
                } else {
                        g_ptr_array_add(a->args, (gpointer)s);
                }
        }
        if (a->args->len < spec->n_min)
                return usage_error("%s: missing argument; usage: hvctl %s", spec->name, spec->usage);
        if (a->args->len > spec->n_max)
                return usage_error("%s: unexpected argument \"%s\"; usage: hvctl %s", spec->name,
                                   (const char *)g_ptr_array_index(a->args, spec->n_max), spec->usage);
        return EXIT_OK;
}

static const char *arg(CmdArgs *a, guint i)
{
        return i < a->args->len ? g_ptr_array_index(a->args, i) : NULL;
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
                        return usage_error("qmp: %s", error->message);
                if (!json_object_is_type(args, json_type_object))
                        return usage_error("qmp: JSON-ARGS must be a JSON object like '{\"device\": \"disk0\"}'");
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
        HvConnectOptions opts = { 0 };
        CmdArgs a = { 0 };
        gboolean verbose = FALSE;
        const char *cmd;
        int i = 1, rc;

        for (; i < argc && argv[i][0] == '-'; i++) {
                if (g_str_equal(argv[i], "--help") || g_str_equal(argv[i], "-h")) {
                        fputs(usage_text, stdout);
                        return EXIT_OK;
                } else if (g_str_equal(argv[i], "--version")) {
                        printf("hvctl %s\n", PK_VERSION);
                        return EXIT_OK;
                } else if (g_str_equal(argv[i], "--verbose") || g_str_equal(argv[i], "-v")) {
                        verbose = TRUE;
                } else if (g_str_equal(argv[i], "--rundir") && i + 1 < argc) {
                        opts.rundir = argv[++i];
                } else {
                        return usage_error("unknown option \"%s\"", argv[i]);
                }
        }
        pk_log_init("hvctl", verbose);
        if (i >= argc)
                return usage_error("no command given");
        cmd = argv[i];
        argc -= i;
        argv += i;

        const CmdSpec *spec = NULL;
        for (gsize t = 0; t < G_N_ELEMENTS(commands); t++)
                if (g_str_equal(cmd, commands[t].name))
                        spec = &commands[t];
        if (!spec)
                return usage_error("unknown command \"%s\"", cmd);
        rc = parse_cmd_args(argc, argv, spec, &a);
        if (rc != EXIT_OK)
                goto out;

        if (g_str_equal(cmd, "validate")) {
                rc = cmd_validate(&a);
                goto out;
        }
        conn = hv_connect_open(NULL, &opts, &error);
        if (!conn) {
                rc = report(error);
                goto out;
        }
        if (g_str_equal(cmd, "start"))
                rc = cmd_start(conn, &a);
        else if (g_str_equal(cmd, "list"))
                rc = cmd_list(conn, &a);
        else if (g_str_equal(cmd, "status"))
                rc = cmd_status(conn, &a);
        else if (g_str_equal(cmd, "shutdown"))
                rc = cmd_shutdown(conn, &a);
        else if (g_str_equal(cmd, "console"))
                rc = cmd_console(conn, &a);
        else if (g_str_equal(cmd, "qmp"))
                rc = cmd_qmp(conn, &a);
        else
                rc = cmd_simple(conn, cmd, &a);
out:
        if (a.args)
                g_ptr_array_free(a.args, TRUE);
        return rc;
}
