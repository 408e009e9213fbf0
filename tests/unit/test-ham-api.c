/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of hamgrd's API: the server in a thread of its own, the client
 * hactl uses against it, and the client against peers that misbehave.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ham-api.h"
#include "pk.h"
#include "ham-api-server.h"
#include "ham-api-client.h"

typedef struct {
        char *dir, *path;
        GMainContext *ctx;
        HamApiServer *server;
        GThread *thread;
        gint stop;
} Fixture;

static gboolean finish_later(gpointer data)
{
        HamApiDeferred *d = data;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "deferred", json_object_new_boolean(TRUE));
        ham_api_deferred_finish(d, o, NULL);
        return G_SOURCE_REMOVE;
}

static gboolean fail_later(gpointer data)
{
        g_autoptr(GError) error = g_error_new(HAM_API_ERROR, HAM_API_ERROR_FAILED, "node2: no space");
        ham_api_deferred_finish(data, NULL, error);
        return G_SOURCE_REMOVE;
}

static json_object *handler(const HamApiRequest *req, gpointer data, GError **error)
{
        Fixture *f = data;
        /* Deferred, then answered before the handler returns. */
        if (req->cmd == HAM_CMD_GUEST_COMMIT) {
                HamApiDeferred *d = ham_api_defer(f->server);
                json_object *o = json_object_new_object();
                json_object_object_add(o, "at-once", json_object_new_boolean(TRUE));
                ham_api_deferred_finish(d, o, NULL);
                return NULL;
        }
        /* Answered from a timer: the reply must wait and keep its place. */
        if (req->cmd == HAM_CMD_GUEST_ABORT || req->cmd == HAM_CMD_GUEST_VOLUMES_REMOVE) {
                HamApiDeferred *d = ham_api_defer(f->server);
                GSource *s = g_timeout_source_new(100);
                g_source_set_callback(s, req->cmd == HAM_CMD_GUEST_ABORT ? finish_later : fail_later,
                                      d, NULL);
                g_source_attach(s, f->ctx);
                g_source_unref(s);
                return NULL;
        }
        if (req->cmd == HAM_CMD_GUEST) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_NOT_FOUND, "guest %s: not here",
                            json_object_get_string(json_object_object_get(req->args, "name")));
                return NULL;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "cmd", json_object_new_string(ham_api_cmd_name(req->cmd)));
        return o;
}

static gpointer serve(gpointer data)
{
        Fixture *f = data;
        while (!g_atomic_int_get(&f->stop))
                g_main_context_iteration(f->ctx, TRUE);
        return NULL;
}

static gboolean wake(gpointer data)
{
        return G_SOURCE_REMOVE;
}

/* The server in its thread; @idle_ms (0: the default) set before it runs. */
static int fixture_up(void **state, guint idle_ms)
{
        Fixture *f = g_new0(Fixture, 1);
        g_autoptr(GError) error = NULL;
        f->dir = g_dir_make_tmp("ham-api-XXXXXX", NULL);
        f->path = g_build_filename(f->dir, "hamgrd.sock", NULL);
        f->ctx = g_main_context_new();
        f->server = ham_api_server_new(f->path, f->ctx, handler, f, &error);
        assert_non_null(f->server);
        if (idle_ms)
                ham_api_server_set_idle_timeout(f->server, idle_ms);
        f->thread = g_thread_new("server", serve, f);
        *state = f;
        return 0;
}

static int setup(void **state)
{
        return fixture_up(state, 0);
}

/* A short idle timeout. */
static int setup_idle(void **state)
{
        return fixture_up(state, 50);
}

static int teardown(void **state)
{
        Fixture *f = *state;
        g_atomic_int_set(&f->stop, 1);
        GSource *s = g_idle_source_new();
        g_source_set_callback(s, wake, NULL, NULL);
        g_source_attach(s, f->ctx);
        g_source_unref(s);
        g_thread_join(f->thread);
        ham_api_server_free(f->server);
        /* The server removes its socket file. */
        assert_false(g_file_test(f->path, G_FILE_TEST_EXISTS));
        g_main_context_unref(f->ctx);
        g_rmdir(f->dir);
        g_free(f->path);
        g_free(f->dir);
        g_free(f);
        return 0;
}

static void test_call_ok(void **state)
{
        Fixture *f = *state;
        g_autoptr(json_object) result = NULL;
        g_autoptr(GError) error = NULL;

        assert_true(ham_api_call(f->path, "status", NULL, &result, &error));
        assert_string_equal(json_object_get_string(json_object_object_get(result, "cmd")), "status");
}

static void test_deferred(void **state)
{
        Fixture *f = *state;
        g_autoptr(json_object) args = json_object_new_object();
        g_autoptr(json_object) result = NULL;
        g_autoptr(GError) error = NULL;

        json_object_object_add(args, "txn", json_object_new_string("node1-1"));
        assert_true(ham_api_call(f->path, "guest-abort", args, &result, &error));
        assert_true(json_object_get_boolean(json_object_object_get(result, "deferred")));

        json_object *rargs = json_object_new_object();
        json_object_object_add(rargs, "guest", json_object_new_string("web1"));
        assert_false(ham_api_call(f->path, "guest-volumes-remove", rargs, NULL, &error));
        json_object_put(rargs);
        assert_int_equal(error->code, HAM_API_ERROR_FAILED);
        assert_string_equal(error->message, "node2: no space");
}

/* A request sent behind a deferred one is answered after it. */
static void test_deferred_order(void **state)
{
        Fixture *f = *state;
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        const char *req = "{\"id\":1,\"cmd\":\"guest-abort\",\"args\":{\"txn\":\"a-1\"}}\n"
                          "{\"id\":2,\"cmd\":\"ping\"}\n"
                          "{\"id\":3,\"cmd\":\"guest-commit\",\"args\":{\"txn\":\"a-1\","
                          "\"guest\":{\"name\":\"web1\",\"config\":{}}}}\n"
                          "{\"id\":4,\"cmd\":\"ping\"}\n";
        GString *got = g_string_new(NULL);
        char buf[4096];
        ssize_t n;
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        g_strlcpy(addr.sun_path, f->path, sizeof(addr.sun_path));
        assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
        assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
        /* Half-closed: the owed answers still come. */
        shutdown(fd, SHUT_WR);
        while ((n = read(fd, buf, sizeof(buf))) > 0)
                g_string_append_len(got, buf, n);
        close(fd);
        assert_non_null(strstr(got->str, "{\"id\":1,\"ok\":true,\"result\":{\"deferred\":true}}\n"
                               "{\"id\":2,\"ok\":true"));
        assert_non_null(strstr(got->str, "\n{\"id\":3,\"ok\":true,\"result\":{\"at-once\":true}}\n"
                               "{\"id\":4,\"ok\":true"));
        g_string_free(got, TRUE);
}

static void test_call_error_reply(void **state)
{
        Fixture *f = *state;
        g_autoptr(json_object) args = json_object_new_object();
        g_autoptr(json_object) result = NULL;
        g_autoptr(GError) error = NULL;

        json_object_object_add(args, "name", json_object_new_string("web1"));
        assert_false(ham_api_call(f->path, "guest", args, &result, &error));
        assert_true(g_error_matches(error, HAM_API_ERROR, HAM_API_ERROR_NOT_FOUND));
        assert_string_equal(error->message, "guest web1: not here");
        assert_null(result);
        g_clear_error(&error);

        /* Validation happens in the server: the client sends what it is given. */
        assert_false(ham_api_call(f->path, "reboot", NULL, NULL, &error));
        assert_true(g_error_matches(error, HAM_API_ERROR, HAM_API_ERROR_UNKNOWN_COMMAND));
        g_clear_error(&error);
        json_object_object_add(args, "force", json_object_new_boolean(TRUE));
        assert_false(ham_api_call(f->path, "guest", args, NULL, &error));
        assert_true(g_error_matches(error, HAM_API_ERROR, HAM_API_ERROR_INVALID));
        assert_non_null(strstr(error->message, "args.force"));
}

static void test_many_calls(void **state)
{
        Fixture *f = *state;
        for (int i = 0; i < 200; i++) {
                g_autoptr(GError) error = NULL;
                assert_true(ham_api_call(f->path, "ping", NULL, NULL, &error));
        }
}

static void test_connect_error(void **state)
{
        g_autoptr(GError) error = NULL;
        assert_false(ham_api_call("/nonexistent/hamgrd.sock", "ping", NULL, NULL, &error));
        assert_true(g_error_matches(error, HAM_API_ERROR, HAM_API_ERROR_CONNECT));
        assert_non_null(strstr(error->message, "hamgrd is not running"));
}

/* A peer that accepts (the kernel does, by the backlog) and never answers. */
static void test_timeout(void **state)
{
        g_autofree char *dir = g_dir_make_tmp("ham-api-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "silent.sock", NULL);
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        g_autoptr(GError) error = NULL;
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);

        g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
        assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
        assert_int_equal(listen(fd, 4), 0);
        assert_false(ham_api_call_full(path, "ping", NULL, 200, NULL, &error));
        assert_true(g_error_matches(error, HAM_API_ERROR, HAM_API_ERROR_TIMEOUT));
        close(fd);
        unlink(path);
        g_rmdir(dir);
}

static int connect_raw(const char *path)
{
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);

        g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
        assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
        return fd;
}

/* Clients that hold every place without a word are closed after the idle
 * timeout, so a real client gets through; one waiting for a deferred
 * answer (100 ms, longer than the 50 ms timeout) is not idle. */
static void test_idle_clients(void **state)
{
        Fixture *f = *state;
        g_autoptr(json_object) args = json_object_new_object();
        g_autoptr(json_object) result = NULL;
        g_autoptr(GError) error = NULL;
        int fds[HAM_API_MAX_CLIENTS];
        char c;

        for (int i = 0; i < HAM_API_MAX_CLIENTS; i++)
                fds[i] = connect_raw(f->path);
        for (int i = 0; i < 200 && ham_api_server_n_clients(f->server) < HAM_API_MAX_CLIENTS; i++)
                g_usleep(1000);
        /* Every place taken, then given back by the idle timeout. */
        for (int i = 0; i < 1000 && ham_api_server_n_clients(f->server) > 0; i++)
                g_usleep(1000);
        assert_int_equal(ham_api_server_n_clients(f->server), 0);
        /* Closed by the server: reading gives end of file. */
        for (int i = 0; i < HAM_API_MAX_CLIENTS; i++) {
                assert_int_equal(recv(fds[i], &c, 1, 0), 0);
                close(fds[i]);
        }
        assert_true(ham_api_call(f->path, "status", NULL, &result, &error));
        json_object_object_add(args, "txn", json_object_new_string("node1-1"));
        g_clear_pointer(&result, json_object_put);
        assert_true(ham_api_call(f->path, "guest-abort", args, &result, &error));
        assert_true(json_object_get_boolean(json_object_object_get(result, "deferred")));
}

static void test_reply_lines(void **state)
{
        g_autoptr(GError) error = g_error_new(HAM_API_ERROR, HAM_API_ERROR_INVALID, "id: bad");
        g_autofree char *err = ham_api_reply_error(-1, error);
        g_autofree char *ok = ham_api_reply_ok(5, NULL);
        g_autoptr(GError) other = g_error_new(G_FILE_ERROR, G_FILE_ERROR_NOENT, "gone");
        g_autofree char *failed = ham_api_reply_error(3, other);

        assert_string_equal(err, "{\"id\":null,\"ok\":false,\"error\":{\"code\":\"invalid\",\"message\":\"id: bad\"}}");
        assert_string_equal(ok, "{\"id\":5,\"ok\":true,\"result\":{}}");
        /* Errors of other domains travel as "failed" with their message. */
        assert_string_equal(failed, "{\"id\":3,\"ok\":false,\"error\":{\"code\":\"failed\",\"message\":\"gone\"}}");
        for (int c = HAM_API_ERROR_FAILED; c <= HAM_API_ERROR_PROTOCOL; c++)
                assert_int_equal(ham_api_error_code_from_name(ham_api_error_code_name(c)), c);
        for (int c = 0; c < HAM_CMD_COUNT_; c++)
                assert_string_not_equal(ham_api_cmd_name(c), "unknown");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_call_ok, setup, teardown),
                cmocka_unit_test_setup_teardown(test_call_error_reply, setup, teardown),
                cmocka_unit_test_setup_teardown(test_deferred, setup, teardown),
                cmocka_unit_test_setup_teardown(test_deferred_order, setup, teardown),
                cmocka_unit_test_setup_teardown(test_many_calls, setup, teardown),
                cmocka_unit_test_setup_teardown(test_idle_clients, setup_idle, teardown),
                cmocka_unit_test(test_connect_error),
                cmocka_unit_test(test_timeout),
                cmocka_unit_test(test_reply_lines),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
