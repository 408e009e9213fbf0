/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the one-writer-per-volume lock (dg_lock_volume). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dg.h"
#include "pk.h"

static int setup(void **state)
{
        *state = g_dir_make_tmp("dg-lock-XXXXXX", NULL);
        return *state ? 0 : -1;
}

static int teardown(void **state)
{
        g_autofree char *dir = *state;
        g_autofree char *locks = g_build_filename(dir, "locks", NULL);
        g_autoptr(GDir) d = g_dir_open(locks, 0, NULL);
        const char *name;

        while (d && (name = g_dir_read_name(d))) {
                g_autofree char *p = g_build_filename(locks, name, NULL);
                unlink(p);
        }
        rmdir(locks);
        rmdir(dir);
        return 0;
}

/* A second taker is refused while the first holds it, told who holds it,
 * and gets it once the first lets go. */
static void test_lock_exclusive(void **state)
{
        const char *dir = *state;
        g_autoptr(GError) error = NULL;
        g_autofree char *pid = g_strdup_printf("pid %d", (int)getpid());
        DgLock *a, *b;

        a = dg_lock_volume(dir, "pk-web-root", 0, &error);
        assert_non_null(a);
        assert_null(error);
        b = dg_lock_volume(dir, "pk-web-root", 0, &error);
        assert_null(b);
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_BUSY));
        assert_non_null(strstr(error->message, "pk-web-root is being changed by"));
        assert_non_null(strstr(error->message, pid));
        g_clear_error(&error);
        /* Waiting does not help while the holder holds on. */
        b = dg_lock_volume(dir, "pk-web-root", 250, &error);
        assert_null(b);
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_BUSY));
        g_clear_error(&error);
        dg_lock_release(a);
        b = dg_lock_volume(dir, "pk-web-root", 0, &error);
        assert_non_null(b);
        dg_lock_release(b);
}

/* Volumes are independent: one guest's change never waits for another's. */
static void test_lock_per_volume(void **state)
{
        const char *dir = *state;
        g_autoptr(GError) error = NULL;
        g_autoptr(DgLock) a = dg_lock_volume(dir, "pk-web-root", 0, &error);
        g_autoptr(DgLock) b = dg_lock_volume(dir, "pk-web-data", 0, &error);
        g_autoptr(DgLock) c = dg_lock_volume(dir, "pk-mail-root", 0, &error);

        assert_non_null(a);
        assert_non_null(b);
        assert_non_null(c);
        assert_null(error);
}

/* A holder that dies without letting go does not leave the volume locked:
 * the kernel drops the flock with the process. */
static void test_lock_dies_with_holder(void **state)
{
        const char *dir = *state;
        g_autoptr(GError) error = NULL;
        int status = 0;
        pid_t child = fork();

        assert_true(child >= 0);
        if (child == 0) {
                DgLock *l = dg_lock_volume(dir, "pk-web-root", 0, NULL);
                _exit(l ? 0 : 1); /* never released */
        }
        assert_int_equal(waitpid(child, &status, 0), child);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        g_autoptr(DgLock) l = dg_lock_volume(dir, "pk-web-root", 0, &error);
        assert_non_null(l);
}

/* Only plastik resource names: a name is a path component here. */
static void test_lock_bad_names(void **state)
{
        const char *dir = *state;
        const char *bad[] = { "", "../etc/passwd", "pk-web", "pk-Web-root", "web-root", "pk-web-root/x" };

        for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
                g_autoptr(GError) error = NULL;
                assert_null(dg_lock_volume(dir, bad[i], 0, &error));
                assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_INVALID));
        }
        g_autofree char *locks = g_build_filename(dir, "locks", NULL);
        g_autoptr(GDir) d = g_dir_open(locks, 0, NULL);
        assert_true(d == NULL || g_dir_read_name(d) == NULL);
}

/* The lock files are root's alone. */
static void test_lock_file_mode(void **state)
{
        const char *dir = *state;
        g_autoptr(GError) error = NULL;
        g_autoptr(DgLock) l = dg_lock_volume(dir, "pk-web-root", 0, &error);
        g_autofree char *locks = g_build_filename(dir, "locks", NULL);
        g_autofree char *path = g_build_filename(locks, "pk-web-root", NULL);
        struct stat st;

        assert_non_null(l);
        assert_int_equal(stat(locks, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0700);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_lock_exclusive, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lock_per_volume, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lock_dies_with_holder, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lock_bad_names, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lock_file_mode, setup, teardown),
        };
        g_set_prgname("test-dg-lock");
        return cmocka_run_group_tests(tests, NULL, NULL);
}
