/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of attribute publishing: a stand-in attrd_updater (first in
 * PATH) records every call, so the tests see exactly what hamgrd would
 * write: only changes, deletions, everything again after pacemaker returns,
 * a retry after a failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "ham-pcmk-notify.h"
#include "pk.h"

typedef struct {
        char *dir, *log, *fail;
        char *old_path;
} Fixture;

static int setup(void **state)
{
        Fixture *f = g_new0(Fixture, 1);
        f->dir = g_dir_make_tmp("ham-attrd-XXXXXX", NULL);
        f->log = g_build_filename(f->dir, "calls", NULL);
        f->fail = g_build_filename(f->dir, "fail", NULL);
        g_autofree char *script = g_build_filename(f->dir, "attrd_updater", NULL);
        g_autofree char *text = g_strdup_printf(
                "#!/bin/sh\n"
                "[ -e '%s' ] && exit 1\n"
                "echo \"$*\" >> '%s'\n", f->fail, f->log);
        assert_true(g_file_set_contents(script, text, -1, NULL));
        assert_int_equal(g_chmod(script, 0755), 0);
        f->old_path = g_strdup(g_getenv("PATH"));
        g_autofree char *path = g_strdup_printf("%s:%s", f->dir, f->old_path);
        g_setenv("PATH", path, TRUE);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        Fixture *f = *state;
        g_autofree char *script = g_build_filename(f->dir, "attrd_updater", NULL);
        g_setenv("PATH", f->old_path, TRUE);
        g_unlink(script);
        g_unlink(f->log);
        g_unlink(f->fail);
        g_rmdir(f->dir);
        g_free(f->dir);
        g_free(f->log);
        g_free(f->fail);
        g_free(f->old_path);
        g_free(f);
        return 0;
}

static char *calls(Fixture *f)
{
        char *text = NULL;
        if (!g_file_get_contents(f->log, &text, NULL, NULL))
                return g_strdup("");
        return text;
}

/* Runs the main loop until the stand-in has been called @n times in all. */
static void wait_calls(Fixture *f, guint n)
{
        for (int i = 0; i < 2000; i++) {
                g_autofree char *text = calls(f);
                guint lines = 0;
                for (char *p = text; *p; p++)
                        lines += *p == '\n';
                if (lines >= n)
                        break;
                g_main_context_iteration(NULL, FALSE);
                g_usleep(2000);
        }
        /* Let the child watch run, so the write is recorded as done. */
        for (int i = 0; i < 50; i++) {
                g_main_context_iteration(NULL, FALSE);
                g_usleep(2000);
        }
}

static void test_only_changes(void **state)
{
        Fixture *f = *state;
        HamAttrd *ad = ham_attrd_new();

        /* Nothing is written while pacemaker is away. */
        ham_attrd_set(ad, "plastik-guest-web1", "ok");
        wait_calls(f, 0);
        g_autofree char *none = calls(f);
        assert_string_equal(none, "");

        ham_attrd_set_online(ad, TRUE);
        wait_calls(f, 1);
        ham_attrd_set(ad, "plastik-guest-web1", "ok");   /* unchanged: no call */
        ham_attrd_set(ad, "plastik-guest-web2", "paused");
        wait_calls(f, 2);
        ham_attrd_set(ad, "plastik-guest-web1", "crashed");
        wait_calls(f, 3);
        ham_attrd_set(ad, "plastik-guest-web2", NULL);    /* deleted */
        wait_calls(f, 4);
        ham_attrd_set(ad, "plastik-guest-web3", NULL);    /* never written: nothing to delete */
        wait_calls(f, 4);
        g_autofree char *got = calls(f);
        assert_string_equal(got,
                "--name plastik-guest-web1 --update ok\n"
                "--name plastik-guest-web2 --update paused\n"
                "--name plastik-guest-web1 --update crashed\n"
                "--name plastik-guest-web2 --delete\n");
        assert_int_equal(ham_attrd_writes(ad), 4);

        g_autoptr(json_object) wanted = ham_attrd_to_json(ad);
        g_autofree char *w = pk_json_to_string(wanted, FALSE);
        assert_string_equal(w, "{\"plastik-guest-web1\":\"crashed\"}");
        ham_attrd_free(ad);
}

static void test_rewrite_after_restart(void **state)
{
        Fixture *f = *state;
        HamAttrd *ad = ham_attrd_new();

        ham_attrd_set_online(ad, TRUE);
        ham_attrd_set(ad, "plastik-health-drbd-r0", "ok");
        wait_calls(f, 1);
        /* Pacemaker restarts: it forgot transient attributes. */
        ham_attrd_set_online(ad, FALSE);
        ham_attrd_set_online(ad, TRUE);
        wait_calls(f, 2);
        g_autofree char *got = calls(f);
        assert_string_equal(got,
                "--name plastik-health-drbd-r0 --update ok\n"
                "--name plastik-health-drbd-r0 --update ok\n");
        ham_attrd_free(ad);
}

static void test_forget_leftover(void **state)
{
        Fixture *f = *state;
        HamAttrd *ad = ham_attrd_new();

        ham_attrd_set_online(ad, TRUE);
        ham_attrd_set(ad, "plastik-guest-web1", "ok");
        wait_calls(f, 1);
        /* In the CIB from before a restart: one still wanted, one not. */
        ham_attrd_forget(ad, "plastik-guest-web1", "ok");
        ham_attrd_forget(ad, "plastik-guest-old", "crashed");
        wait_calls(f, 2);
        g_autofree char *got = calls(f);
        assert_string_equal(got,
                "--name plastik-guest-web1 --update ok\n"
                "--name plastik-guest-old --delete\n");
        ham_attrd_free(ad);
}

static void test_failure_is_retried(void **state)
{
        Fixture *f = *state;
        HamAttrd *ad = ham_attrd_new();

        assert_true(g_file_set_contents(f->fail, "", 0, NULL));
        ham_attrd_set_online(ad, TRUE);
        ham_attrd_set(ad, "plastik-guest-web1", "ok");
        for (int i = 0; i < 100; i++) {
                g_main_context_iteration(NULL, FALSE);
                g_usleep(5000);
        }
        g_autofree char *none = calls(f);
        assert_string_equal(none, "");
        g_unlink(f->fail);
        /* The retry comes 5 s later. */
        wait_calls(f, 1);
        for (int i = 0; i < 600; i++) {
                g_autofree char *text = calls(f);
                if (*text)
                        break;
                g_main_context_iteration(NULL, FALSE);
                g_usleep(10000);
        }
        g_autofree char *got = calls(f);
        assert_string_equal(got, "--name plastik-guest-web1 --update ok\n");
        ham_attrd_free(ad);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_only_changes, setup, teardown),
                cmocka_unit_test_setup_teardown(test_rewrite_after_restart, setup, teardown),
                cmocka_unit_test_setup_teardown(test_forget_leftover, setup, teardown),
                cmocka_unit_test_setup_teardown(test_failure_is_retried, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
