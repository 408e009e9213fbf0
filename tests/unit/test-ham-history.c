/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the failover history: the file (save, load, a corrupt file
 * moved aside, limits), probe targets and the service probe against a local
 * listening socket.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon.h"
#include "ham-timeline.h"
#include "ham.h"
#include "pk.h"

#define T0 G_GINT64_CONSTANT(1700000000000)

static void feed(HamTimeline *tl, HamTlEventKind kind, gint64 at, const char *node,
                 const char *guest)
{
        HamTlEvent ev = { .kind = kind, .at_ms = at, .node = node, .guest = guest };
        g_autoptr(GError) error = NULL;
        ham_timeline_feed(tl, &ev, &error);
        assert_null(error);
}

static void failover(HamTimeline *tl, gint64 at, const char *guest)
{
        feed(tl, HAM_TL_GUEST_AT, at, "node1", guest);
        feed(tl, HAM_TL_NODE_LOST, at + 1, "node1", NULL);
        feed(tl, HAM_TL_FENCE_CONFIRMED, at + 2, "node1", NULL);
        feed(tl, HAM_TL_GUEST_STARTED, at + 3, "node2", guest);
        feed(tl, HAM_TL_NODE_BACK, at + 4, "node1", NULL);
}

static char *tmpdir(void)
{
        char *dir = g_dir_make_tmp("ham-history-XXXXXX", NULL);
        assert_non_null(dir);
        return dir;
}

static void rm_dir(const char *dir)
{
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *n;
        while (d && (n = g_dir_read_name(d))) {
                g_autofree char *p = g_build_filename(dir, n, NULL);
                unlink(p);
        }
        rmdir(dir);
}

static guint count(json_object *h, const char *list)
{
        return (guint)json_object_array_length(json_object_object_get(h, list));
}

static void test_save_load(void **state)
{
        g_autofree char *dir = tmpdir();
        g_autofree char *path = g_build_filename(dir, "sub", "history.json", NULL);
        g_autoptr(HamTimeline) tl = ham_timeline_new(0, 0);
        g_autoptr(GError) error = NULL;
        g_autofree char *warning = NULL;

        failover(tl, T0, "web1");
        /* One under way, to come back open. */
        feed(tl, HAM_TL_GUEST_AT, T0 + 100, "node3", "db1");
        feed(tl, HAM_TL_NODE_LOST, T0 + 101, "node3", NULL);
        assert_true(ham_timeline_save(tl, path, &error));

        g_autoptr(HamTimeline) back = ham_timeline_load(path, 0, 0, &warning);
        assert_null(warning);
        g_autoptr(json_object) a = ham_timeline_to_json(tl);
        g_autoptr(json_object) b = ham_timeline_to_json(back);
        g_autofree char *sa = pk_json_to_string(a, FALSE);
        g_autofree char *sb = pk_json_to_string(b, FALSE);
        assert_string_equal(sa, sb);
        g_autoptr(json_object) h = ham_timeline_history(back, NULL, 0);
        assert_int_equal(count(h, "failovers"), 1);
        assert_int_equal(count(h, "open"), 1);
        /* The open failover goes on after the reload. */
        feed(back, HAM_TL_FENCE_CONFIRMED, T0 + 102, "node3", NULL);
        feed(back, HAM_TL_GUEST_STARTED, T0 + 103, "node1", "db1");
        g_autoptr(json_object) h2 = ham_timeline_history(back, "db1", 0);
        assert_int_equal(count(h2, "failovers"), 1);
        assert_int_equal(count(h2, "open"), 0);

        g_autofree char *tmp = g_build_filename(dir, "sub", NULL);
        rm_dir(tmp);
        rm_dir(dir);
}

static void test_absent(void **state)
{
        g_autofree char *warning = NULL;
        g_autoptr(HamTimeline) tl = ham_timeline_load("/nonexistent/plastik/history.json", 0, 0,
                                                      &warning);
        assert_non_null(tl);
        assert_null(warning);
        assert_false(ham_timeline_has_open(tl));
}

static void test_corrupt_moved_aside(void **state)
{
        g_autofree char *dir = tmpdir();
        g_autofree char *path = g_build_filename(dir, "history.json", NULL);
        g_autofree char *warning = NULL;
        const char *junk = "{\"v\":1,\"failovers\":[{\"id\":\"x\"";

        assert_true(g_file_set_contents(path, junk, -1, NULL));
        g_autoptr(HamTimeline) tl = ham_timeline_load(path, 0, 0, &warning);
        assert_non_null(tl);
        assert_non_null(warning);
        assert_non_null(strstr(warning, "moved to"));
        assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
        /* The bad file is kept for a person, byte for byte. */
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *n = g_dir_read_name(d);
        assert_non_null(n);
        assert_true(g_str_has_prefix(n, "history.json.corrupt-"));
        g_autofree char *aside = g_build_filename(dir, n, NULL);
        g_autofree char *kept = NULL;
        assert_true(g_file_get_contents(aside, &kept, NULL, NULL));
        assert_string_equal(kept, junk);
        /* And the next save starts a fresh file. */
        assert_true(ham_timeline_save(tl, path, NULL));
        g_autofree char *w2 = NULL;
        g_autoptr(HamTimeline) again = ham_timeline_load(path, 0, 0, &w2);
        assert_null(w2);
        rm_dir(dir);
}

static void expect_parse_error(const char *text, const char *fragment)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamTimeline) tl = ham_timeline_parse(text, strlen(text), 0, 0, &error);
        assert_null(tl);
        assert_true(g_error_matches(error, HAM_ERROR, HAM_ERROR_PARSE));
        if (!strstr(error->message, fragment))
                fail_msg("\"%s\" does not mention \"%s\"", error->message, fragment);
}

static void test_validation(void **state)
{
        expect_parse_error("[]", "history: must be a JSON object");
        expect_parse_error("{\"v\":2}", "v: must be 1");
        expect_parse_error("{\"v\":1,\"extra\":1}", "history.extra: unknown field");
        expect_parse_error("{\"v\":1,\"failovers\":[{\"id\":\"a\",\"guest\":\"web1\",\"kind\":\"failover\","
                           "\"steps\":{\"node_lost\":-1},\"verdict\":\"complete\"}]}",
                           "failovers[0].steps.node_lost");
        expect_parse_error("{\"v\":1,\"failovers\":[{\"id\":\"a\",\"guest\":\"web1\",\"kind\":\"move\","
                           "\"steps\":{\"node_lost\":1},\"verdict\":\"complete\"}]}",
                           "failovers[0].kind");
        expect_parse_error("{\"v\":1,\"open\":[{\"id\":\"a\",\"guest\":\"web1\",\"kind\":\"failover\","
                           "\"steps\":{\"node_lost\":1},\"verdict\":\"complete\"}]}",
                           "open[0].verdict");
        expect_parse_error("{\"v\":1,\"placement\":{\"web1\":\"-x\"}}", "placement");
}

/* The file keeps the last HAM_TL_MAX_RECORDS failovers, the newest. */
static void test_limit(void **state)
{
        g_autoptr(HamTimeline) tl = ham_timeline_new(0, 0);
        for (int i = 0; i < HAM_TL_MAX_RECORDS + 5; i++)
                failover(tl, T0 + i * 1000, i % 2 ? "web1" : "db1");
        g_autoptr(json_object) h = ham_timeline_history(tl, NULL, 0);
        assert_int_equal(count(h, "failovers"), HAM_TL_MAX_RECORDS);
        json_object *first = json_object_array_get_idx(json_object_object_get(h, "failovers"), 0);
        assert_string_equal(json_object_get_string(json_object_object_get(first, "id")),
                            "1700000005001-web1");
        g_autoptr(json_object) h3 = ham_timeline_history(tl, "web1", 3);
        assert_int_equal(count(h3, "failovers"), 3);
}

static void test_probe_target(void **state)
{
        g_autofree char *host = NULL;
        guint16 port = 0;
        assert_true(ham_probe_target_parse("192.0.2.10:80", &host, &port, NULL));
        assert_string_equal(host, "192.0.2.10");
        assert_int_equal(port, 80);
        g_clear_pointer(&host, g_free);
        assert_true(ham_probe_target_parse("[fd00::5]:443", &host, &port, NULL));
        assert_string_equal(host, "fd00::5");
        assert_int_equal(port, 443);
        const char *bad[] = { "", "web1:80", "192.0.2.10", "192.0.2.10:0", "192.0.2.10:65536",
                              "fd00::5:443", "[fd00::5]443", "192.0.2.10:8x", NULL };
        for (int i = 0; bad[i]; i++) {
                g_autoptr(GError) error = NULL;
                assert_false(ham_probe_target_parse(bad[i], NULL, NULL, &error));
                assert_true(g_error_matches(error, HAM_ERROR, HAM_ERROR_INVALID));
        }
}

static void test_fence_is_news(void **state)
{
        const gint64 start = 1700000000000;
        /* After the start: always. */
        assert_true(ham_timeline_fence_is_news(start + 1, start, TRUE));
        assert_true(ham_timeline_fence_is_news(start, start, FALSE));
        /* Shortly before (a restart during a failover): while the node is
         * still gone. */
        assert_true(ham_timeline_fence_is_news(start - 60000, start, FALSE));
        /* The fenced node is back in the cluster: that failover is over
         * (the stale record that swallowed the next drill). */
        assert_false(ham_timeline_fence_is_news(start - 60000, start, TRUE));
        /* Long before: never. */
        assert_false(ham_timeline_fence_is_news(start - HAM_TL_FENCE_MARGIN_MS - 1, start, FALSE));
}

typedef struct {
        GMainLoop *loop;
        gboolean called, answered;
        gint64 at;
} ProbeResult;

static void on_probe(gboolean answered, gint64 at_ms, gpointer data)
{
        ProbeResult *r = data;
        r->called = TRUE;
        r->answered = answered;
        r->at = at_ms;
        g_main_loop_quit(r->loop);
}

/* A port on 127.0.0.1 that listens (@listen) or was just closed. */
static int local_port(gboolean listen_too, guint16 *ret_port)
{
        struct sockaddr_in a = { .sin_family = AF_INET };
        socklen_t len = sizeof(a);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_true(fd >= 0);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
        assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
        *ret_port = ntohs(a.sin_port);
        if (listen_too) {
                assert_int_equal(listen(fd, 4), 0);
                return fd;
        }
        close(fd);
        return -1;
}

static void test_probe_answers(void **state)
{
        guint16 port;
        int fd = local_port(TRUE, &port);
        g_autofree char *target = g_strdup_printf("127.0.0.1:%u", port);
        ProbeResult r = { .loop = g_main_loop_new(NULL, FALSE) };
        gint64 before = g_get_real_time() / 1000;

        HamProbe *p = ham_probe_start(target, 50, 10000, on_probe, &r, NULL);
        assert_non_null(p);
        if (!r.called)
                g_main_loop_run(r.loop);
        assert_true(r.called);
        assert_true(r.answered);
        assert_true(r.at >= before);
        assert_true(ham_probe_done(p));
        ham_probe_free(p);
        g_main_loop_unref(r.loop);
        close(fd);
}

static void test_probe_gives_up(void **state)
{
        guint16 port;
        local_port(FALSE, &port);
        g_autofree char *target = g_strdup_printf("127.0.0.1:%u", port);
        ProbeResult r = { .loop = g_main_loop_new(NULL, FALSE) };

        HamProbe *p = ham_probe_start(target, 20, 200, on_probe, &r, NULL);
        assert_non_null(p);
        g_main_loop_run(r.loop);
        assert_true(r.called);
        assert_false(r.answered);
        ham_probe_free(p);
        g_main_loop_unref(r.loop);
}

static void test_probe_bad_target(void **state)
{
        g_autoptr(GError) error = NULL;
        assert_null(ham_probe_start("host:80", 250, 1000, on_probe, NULL, &error));
        assert_true(g_error_matches(error, HAM_ERROR, HAM_ERROR_INVALID));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_save_load),
                cmocka_unit_test(test_absent),
                cmocka_unit_test(test_corrupt_moved_aside),
                cmocka_unit_test(test_validation),
                cmocka_unit_test(test_limit),
                cmocka_unit_test(test_probe_target),
                cmocka_unit_test(test_fence_is_news),
                cmocka_unit_test(test_probe_answers),
                cmocka_unit_test(test_probe_gives_up),
                cmocka_unit_test(test_probe_bad_target),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
