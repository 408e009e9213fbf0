/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP client against a real QEMU (no guest: -machine none): handshake,
 * queries, stop/cont events, QEMU's own error classes, a second client, and
 * quit closing the connection. Exits 77 (skip) when QEMU is not installed.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hv-qmp.h"
#include "pk-config.h"
#include "pk.h"

static GPid qemu_pid;
static char *tmpdir;

#define CHECK(cond, ...)                                                      \
        do {                                                                  \
                if (!(cond)) {                                                \
                        fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__,         \
                                __LINE__, #cond);                             \
                        fprintf(stderr, __VA_ARGS__);                         \
                        fprintf(stderr, "\n");                                \
                        exit(1);                                              \
                }                                                             \
        } while (0)

static void cleanup(void)
{
        if (qemu_pid > 0)
                kill(qemu_pid, SIGKILL);
        if (tmpdir)
                pk_rmdir_flat(tmpdir);
}

static const char *json_path_string(json_object *obj, const char *a, const char *b)
{
        json_object *v = obj;

        if (a && !json_object_object_get_ex(v, a, &v))
                return NULL;
        if (b && !json_object_object_get_ex(v, b, &v))
                return NULL;
        return json_object_get_string(v);
}

/* QEMU creates the socket shortly after it starts: retry while nobody is
 * there yet, but not past real protocol failures. */
static HvQmp *connect_retry(const char *path)
{
        gint64 deadline = pk_now_ms() + 15000;

        for (;;) {
                g_autoptr(GError) error = NULL;
                HvQmp *qmp = hv_qmp_connect(path, 5000, &error);
                if (qmp)
                        return qmp;
                CHECK(g_error_matches(error, HV_ERROR, HV_ERROR_FAILED) &&
                      pk_now_ms() < deadline, "connect: %s", error->message);
                g_usleep(50 * 1000);
        }
}

static HvQmpMessage *expect_event(HvQmp *qmp, HvQmpEventType type)
{
        g_autoptr(GError) error = NULL;
        HvQmpMessage *ev = NULL;

        for (;;) {
                CHECK(hv_qmp_next_event(qmp, 5000, &ev, &error),
                      "waiting for %s: %s", hv_qmp_event_type_to_name(type),
                      error->message);
                if (ev->event_type == type)
                        return ev;
                printf("# (other event %s)\n", ev->event);
                hv_qmp_message_free(ev);
        }
}

static void expect_status(HvQmp *qmp, const char *want)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) ret = NULL;
        const char *status;

        CHECK(hv_qmp_execute(qmp, "query-status", NULL, 5000, &ret, &error),
              "query-status: %s", error->message);
        status = json_path_string(ret, "status", NULL);
        CHECK(g_strcmp0(status, want) == 0, "status %s, wanted %s", status, want);
}

int main(void)
{
        g_autofree char *qemu = g_find_program_in_path(PK_QEMU);
        g_autofree char *sock = NULL, *qmp_arg = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(HvQmp) qmp = NULL;
        g_autoptr(json_object) ret = NULL;
        g_autoptr(json_object) args = NULL;
        HvQmpMessage *ev;
        const char *qemu_version;
        int status;

        if (!qemu) {
                printf("SKIP: %s is not installed\n", PK_QEMU);
                return 77;
        }
        tmpdir = g_dir_make_tmp("plastik-qmp-XXXXXX", &error);
        CHECK(tmpdir, "%s", error->message);
        atexit(cleanup);
        sock = g_build_filename(tmpdir, "qmp.sock", NULL);
        qmp_arg = g_strdup_printf("unix:%s,server=on,wait=off", sock);

        const char *argv[] = {
                qemu, "-machine", "none", "-nodefaults", "-no-user-config",
                "-display", "none", "-qmp", qmp_arg, NULL,
        };
        CHECK(g_spawn_async(NULL, (char **)argv, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL |
                                    G_SPAWN_STDOUT_TO_DEV_NULL,
                            NULL, NULL, &qemu_pid, &error),
              "spawn %s: %s", qemu, error->message);

        qmp = connect_retry(sock);
        qemu_version = json_path_string(hv_qmp_get_greeting(qmp), "version", "qemu");
        CHECK(qemu_version, "greeting without version.qemu");
        printf("ok greeting %s\n",
               json_object_to_json_string_ext(hv_qmp_get_greeting(qmp),
                                              JSON_C_TO_STRING_PLAIN));

        CHECK(hv_qmp_execute(qmp, "query-version", NULL, 5000, &ret, &error),
              "query-version: %s", error->message);
        CHECK(json_object_get_int(json_object_object_get(
                      json_object_object_get(ret, "qemu"), "major")) >= 7,
              "query-version: %s", json_object_to_json_string(ret));
        printf("ok query-version\n");

        expect_status(qmp, "running");
        printf("ok query-status running\n");

        /* stop and cont: the answers and their events, in either order. */
        CHECK(hv_qmp_execute(qmp, "stop", NULL, 5000, NULL, &error), "stop: %s",
              error->message);
        ev = expect_event(qmp, HV_QMP_EVENT_STOP);
        CHECK(ev->ts_sec > 0, "STOP without timestamp");
        hv_qmp_message_free(ev);
        expect_status(qmp, "paused");
        CHECK(hv_qmp_execute(qmp, "cont", NULL, 5000, NULL, &error), "cont: %s",
              error->message);
        hv_qmp_message_free(expect_event(qmp, HV_QMP_EVENT_RESUME));
        expect_status(qmp, "running");
        printf("ok stop/cont with STOP and RESUME events\n");

        CHECK(!hv_qmp_execute(qmp, "no-such-command", NULL, 5000, NULL, &error),
              "unknown command succeeded");
        CHECK(g_error_matches(error, HV_ERROR, HV_ERROR_COMMAND) &&
              strstr(error->message, "CommandNotFound"), "%s", error->message);
        printf("ok unknown command: %s\n", error->message);
        g_clear_error(&error);

        args = json_object_new_object();
        json_object_object_add(args, "bogus", json_object_new_int(1));
        CHECK(!hv_qmp_execute(qmp, "query-status", args, 5000, NULL, &error),
              "bad argument accepted");
        CHECK(g_error_matches(error, HV_ERROR, HV_ERROR_COMMAND) &&
              strstr(error->message, "GenericError") && strstr(error->message, "bogus"),
              "%s", error->message);
        printf("ok bad argument: %s\n", error->message);
        g_clear_error(&error);

        /* QEMU serves one QMP client at a time: a second one is never
         * greeted, and says why it timed out. */
        {
                g_autoptr(HvQmp) second = hv_qmp_connect(sock, 500, &error);
                CHECK(!second && g_error_matches(error, HV_ERROR, HV_ERROR_TIMEOUT) &&
                      strstr(error->message, "another client"),
                      "second client: %s", error ? error->message : "connected");
                printf("ok second client: %s\n", error->message);
                g_clear_error(&error);
        }
        expect_status(qmp, "running");

        /* quit: QEMU sends SHUTDOWN, answers and closes; the answer may be
         * lost in the close, which is fine too. */
        if (!hv_qmp_execute(qmp, "quit", NULL, 5000, NULL, &error)) {
                CHECK(g_error_matches(error, HV_ERROR, HV_ERROR_CLOSED), "quit: %s",
                      error->message);
                g_clear_error(&error);
        }
        ev = expect_event(qmp, HV_QMP_EVENT_SHUTDOWN);
        CHECK(g_strcmp0(json_path_string(ev->payload, "reason", NULL), "host-qmp-quit") == 0,
              "SHUTDOWN reason %s", json_object_to_json_string(ev->payload));
        hv_qmp_message_free(ev);
        CHECK(!hv_qmp_next_event(qmp, 5000, &ev, &error) &&
              g_error_matches(error, HV_ERROR, HV_ERROR_CLOSED),
              "after quit: %s", error ? error->message : "an event");
        printf("ok quit: SHUTDOWN, then %s\n", error->message);
        g_clear_error(&error);
        CHECK(!hv_qmp_execute(qmp, "query-status", NULL, 5000, NULL, &error) &&
              g_error_matches(error, HV_ERROR, HV_ERROR_CLOSED),
              "command after quit: %s", error ? error->message : "succeeded");
        g_clear_error(&error);

        CHECK(waitpid(qemu_pid, &status, 0) == qemu_pid, "waitpid");
        qemu_pid = 0;
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "QEMU status 0x%x", status);
        printf("ok QEMU exited 0\n");
        return 0;
}
