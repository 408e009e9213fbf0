/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the common helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/wait.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pk.h"

static char *make_tmpdir(void)
{
        char *dir = g_dir_make_tmp("pk-test-XXXXXX", NULL);
        assert_non_null(dir);
        return dir;
}

static void test_write_atomic(void **state)
{
        g_autofree char *dir = make_tmpdir();
        g_autofree char *path = g_build_filename(dir, "f", NULL);
        g_autofree char *got = NULL;
        g_autoptr(GError) error = NULL;
        struct stat st;

        assert_true(pk_file_write_atomic(path, "old", 3, 0600, &error));
        assert_true(pk_file_write_atomic(path, "new content", 11, 0640, &error));
        assert_true(g_file_get_contents(path, &got, NULL, NULL));
        assert_string_equal(got, "new content");
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0640);
        /* No temporary file is left next to it. */
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        assert_string_equal(g_dir_read_name(d), "f");
        assert_null(g_dir_read_name(d));
        assert_int_equal(pk_rmdir_flat(dir), 0);

        /* A directory that does not exist: a clear error, nothing created. */
        assert_false(pk_file_write_atomic("/nonexistent-dir/x", "a", 1, 0600, &error));
        assert_non_null(strstr(error->message, "/nonexistent-dir/x"));
}

static void test_rmdir_flat(void **state)
{
        g_autofree char *dir = make_tmpdir();
        g_autofree char *f = g_build_filename(dir, "a", NULL);
        g_autofree char *sub = g_build_filename(dir, "sub", NULL);

        assert_true(g_file_set_contents(f, "x", 1, NULL));
        assert_int_equal(g_mkdir(sub, 0700), 0);
        /* Refuses before deleting anything. */
        assert_int_equal(pk_rmdir_flat(dir), -ENOTEMPTY);
        assert_true(g_file_test(f, G_FILE_TEST_EXISTS));
        assert_int_equal(g_rmdir(sub), 0);
        assert_int_equal(pk_rmdir_flat(dir), 0);
        assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
        assert_int_equal(pk_rmdir_flat(dir), 0); /* absent is fine */
}

static void test_pidfile(void **state)
{
        g_autofree char *dir = make_tmpdir();
        g_autofree char *p = g_build_filename(dir, "pid", NULL);
        static const struct { const char *text; int want; } cases[] = {
                { "1234\n", 1234 }, { "42", 42 }, { "", -EINVAL }, { "abc", -EINVAL },
                { "12abc", -EINVAL }, { "-5", -EINVAL }, { "0", -EINVAL },
                { "99999999999", -EINVAL },
        };

        assert_int_equal(pk_read_pidfile(p), -ENOENT);
        for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
                assert_true(g_file_set_contents(p, cases[i].text, -1, NULL));
                assert_int_equal(pk_read_pidfile(p), cases[i].want);
        }
        assert_true(pk_pid_alive(getpid()));
        assert_false(pk_pid_alive(0));
        assert_false(pk_pid_alive(-1));
        assert_int_equal(pk_rmdir_flat(dir), 0);
}

static void test_json_parse(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) ok = pk_json_parse("{\"a\": 1}  \n", -1, "x", &error);

        assert_non_null(ok);
        assert_null(pk_json_parse("{\"a\": 1} {", -1, "x.json", &error));
        assert_non_null(strstr(error->message, "x.json: invalid JSON: trailing data"));
        g_clear_error(&error);
        assert_null(pk_json_parse("{\"a\": ", -1, "x.json", &error));
        assert_non_null(strstr(error->message, "unexpected end of input"));
        g_clear_error(&error);
        assert_null(pk_json_parse("{a}", -1, "x.json", &error));
        assert_true(g_error_matches(error, PK_ERROR, PK_ERROR_INVALID_DATA));
}

static void test_spawn(void **state)
{
        const char *ok[] = { "sh", "-c", "echo out; echo err >&2", NULL };
        const char *bad[] = { "sh", "-c", "echo broken >&2; exit 3", NULL };
        const char *missing[] = { "pk-no-such-program", NULL };
        g_autofree char *out = NULL, *err = NULL, *err2 = NULL;
        g_autoptr(GError) error = NULL;
        int status;

        assert_true(pk_spawn_sync(ok, &out, &err, &status, &error));
        assert_string_equal(out, "out\n");
        assert_string_equal(err, "err\n");
        assert_true(pk_spawn_check("sh", status, err, &error));

        assert_true(pk_spawn_sync(bad, NULL, &err2, &status, &error));
        assert_false(pk_spawn_check("sh", status, err2, &error));
        assert_string_equal(error->message, "sh exited with status 3: broken");
        g_clear_error(&error);

        assert_false(pk_spawn_sync(missing, NULL, NULL, &status, &error));
        assert_non_null(error);
}

static void test_spawn_input(void **state)
{
        const char *echo_exit[] = { "sh", "-c", "read a; read b; exit $((a + b))", NULL };
        const char *deaf[] = { "sh", "-c", "exit 4", NULL };
        const char *slow[] = { "sleep", "30", NULL };
        const char *missing[] = { "pk-no-such-program", NULL };
        g_autofree char *big = g_strnfill(1024 * 1024, 'x');
        g_autoptr(GError) error = NULL;
        int status = 0;

        /* the input is on its stdin */
        assert_true(pk_spawn_input(echo_exit, "2\n3\n", TRUE, 0, &status, &error));
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 5);
        /* one that never reads a large input: its status, not SIGPIPE here */
        assert_true(pk_spawn_input(deaf, big, TRUE, 10, &status, &error));
        assert_int_equal(WEXITSTATUS(status), 4);
        /* killed at its time bound */
        assert_false(pk_spawn_input(slow, NULL, TRUE, 1, &status, &error));
        assert_string_equal(error->message, "sleep did not finish within 1 s");
        g_clear_error(&error);
        assert_false(pk_spawn_input(missing, "", TRUE, 0, &status, &error));
        assert_non_null(error);
}

/* Fields of plastik's own JSON: missing, mistyped or not an object reads as "not there". */
static void test_json_get(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) o = pk_json_parse("{\"s\": \"x\", \"i\": 7, \"t\": true, \"f\": false, "
                                                 "\"n\": null, \"o\": {\"k\": 1}, \"is\": \"7\"}", -1, "t", &error);
        g_autoptr(json_object) arr = json_object_new_array();

        assert_non_null(o);
        assert_string_equal(pk_json_get_string(o, "s"), "x");
        assert_null(pk_json_get_string(o, "i"));
        assert_null(pk_json_get_string(o, "missing"));
        assert_null(pk_json_get_string(NULL, "s"));
        assert_int_equal(pk_json_get_int(o, "i", -1), 7);
        assert_int_equal(pk_json_get_int(o, "is", -1), -1); /* a string is not a number here */
        assert_int_equal(pk_json_get_int(o, "missing", 0), 0);
        assert_true(pk_json_get_true(o, "t"));
        assert_false(pk_json_get_true(o, "f"));
        assert_false(pk_json_get_true(o, "n"));
        assert_false(pk_json_get_true(o, "missing"));
        assert_non_null(pk_json_get(o, "o"));
        assert_int_equal(pk_json_get_int(pk_json_get(o, "o"), "k", 0), 1);
        assert_null(pk_json_get(pk_json_get(o, "missing"), "k"));
        assert_null(pk_json_get(arr, "s")); /* not an object */
        assert_null(pk_json_get(pk_json_get(o, "s"), "k"));
}

static void test_json_array_find(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) a = pk_json_parse("[{\"name\": \"a\"}, 3, {\"name\": 1}, {\"name\": \"b\", \"x\": 2}]",
                                                 -1, "t", &error);
        g_autoptr(json_object) o = json_object_new_object();
        g_autoptr(json_object) s = pk_json_string_or_null("v");

        assert_int_equal(pk_json_array_len(a), 4);
        assert_int_equal(pk_json_array_len(o), 0);
        assert_int_equal(pk_json_array_len(NULL), 0);
        assert_int_equal(pk_json_get_int(pk_json_array_find(a, "name", "b"), "x", 0), 2);
        assert_null(pk_json_array_find(a, "name", "c"));
        assert_null(pk_json_array_find(o, "name", "a"));
        assert_null(pk_json_string_or_null(NULL));
        assert_string_equal(json_object_get_string(s), "v");
}

/* What every log writer shows: debug only when verbose, nothing without a
 * message (GLib's default writer takes it). */
static void test_log_record(void **state)
{
        const GLogField with[] = { { "PRIORITY", "4", -1 }, { "MESSAGE", "hello", -1 } };
        const GLogField without[] = { { "PRIORITY", "4", -1 } };
        const char *message = "stale";
        GLogWriterOutput output = G_LOG_WRITER_UNHANDLED;
        (void)state;

        assert_true(pk_log_record(G_LOG_LEVEL_WARNING, with, 2, FALSE, &message, &output));
        assert_string_equal(message, "hello");
        assert_true(pk_log_record(G_LOG_LEVEL_DEBUG, with, 2, TRUE, &message, &output));
        assert_string_equal(message, "hello");
        assert_false(pk_log_record(G_LOG_LEVEL_DEBUG, with, 2, FALSE, &message, &output));
        assert_null(message);
        assert_int_equal(output, G_LOG_WRITER_HANDLED);
        assert_false(pk_log_record(G_LOG_LEVEL_MESSAGE, without, 1, TRUE, &message, &output));
        assert_null(message);
        assert_int_equal(output, G_LOG_WRITER_UNHANDLED);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_write_atomic),
                cmocka_unit_test(test_rmdir_flat),
                cmocka_unit_test(test_pidfile),
                cmocka_unit_test(test_json_parse),
                cmocka_unit_test(test_json_get),
                cmocka_unit_test(test_json_array_find),
                cmocka_unit_test(test_spawn),
                cmocka_unit_test(test_spawn_input),
                cmocka_unit_test(test_log_record),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
