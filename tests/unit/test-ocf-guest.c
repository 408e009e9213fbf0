/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of ocf:plastik:guest's pure parts: exit codes, actions, meta-data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

#include "ocf-guest.h"
#include "pk.h"

static void test_exit_codes_are_ocf(void **state)
{
        /* The numbers are the standard's; Pacemaker acts on them. */
        assert_int_equal(OCF_SUCCESS, 0);
        assert_int_equal(OCF_ERR_GENERIC, 1);
        assert_int_equal(OCF_ERR_ARGS, 2);
        assert_int_equal(OCF_ERR_UNIMPLEMENTED, 3);
        assert_int_equal(OCF_ERR_PERM, 4);
        assert_int_equal(OCF_ERR_INSTALLED, 5);
        assert_int_equal(OCF_ERR_CONFIGURED, 6);
        assert_int_equal(OCF_NOT_RUNNING, 7);
        assert_int_equal(OCF_RUNNING_PROMOTED, 8);
        assert_int_equal(OCF_FAILED_PROMOTED, 9);
        assert_int_equal(OCF_DEGRADED, 190);
        assert_int_equal(OCF_DEGRADED_PROMOTED, 191);
        assert_string_equal(ocf_exit_to_string(OCF_ERR_CONFIGURED), "OCF_ERR_CONFIGURED");
        assert_string_equal(ocf_exit_to_string(OCF_DEGRADED_PROMOTED), "OCF_DEGRADED_PROMOTED");
        assert_string_equal(ocf_exit_to_string(42), "unknown OCF exit code");
}

static OcfExit exit_for(GQuark domain, int code)
{
        g_autoptr(GError) e = g_error_new_literal(domain, code, "x");
        return ocf_exit_from_error(e);
}

static void test_exit_from_hv_error(void **state)
{
        assert_int_equal(exit_for(HV_ERROR, HV_ERROR_INVALID), OCF_ERR_CONFIGURED);
        assert_int_equal(exit_for(HV_ERROR, HV_ERROR_NOT_RUNNING), OCF_NOT_RUNNING);
        assert_int_equal(exit_for(HV_ERROR, HV_ERROR_NOT_FOUND), OCF_NOT_RUNNING);
        /* Everything that a retry or another node may cure is soft. */
        assert_int_equal(exit_for(HV_ERROR, HV_ERROR_FAILED), OCF_ERR_GENERIC);
        assert_int_equal(exit_for(HV_ERROR, HV_ERROR_RUNNING), OCF_ERR_GENERIC);
        assert_int_equal(exit_for(HV_ERROR, HV_ERROR_TIMEOUT), OCF_ERR_GENERIC);
        assert_int_equal(exit_for(HV_ERROR, HV_ERROR_PROTOCOL), OCF_ERR_GENERIC);
        assert_int_equal(exit_for(HV_ERROR, HV_ERROR_CLOSED), OCF_ERR_GENERIC);
        assert_int_equal(exit_for(HV_ERROR, HV_ERROR_COMMAND), OCF_ERR_GENERIC);
        assert_int_equal(exit_for(OCF_ERROR, OCF_ERR_INSTALLED), OCF_ERR_INSTALLED);
        assert_int_equal(exit_for(OCF_ERROR, OCF_ERR_PERM), OCF_ERR_PERM);
        assert_int_equal(exit_for(G_FILE_ERROR, G_FILE_ERROR_NOENT), OCF_ERR_GENERIC);
        assert_int_equal(ocf_exit_from_error(NULL), OCF_ERR_GENERIC);
}

static void test_action_table(void **state)
{
        gsize n;
        const OcfActionSpec *t = ocf_action_table(&n);

        assert_true(n >= 6);
        for (gsize i = 0; i < n; i++) {
                assert_ptr_equal(ocf_action_lookup(t[i].name), &t[i]);
                /* Whatever is advertised must be implemented and have a timeout. */
                if (t[i].advertised) {
                        assert_true(t[i].implemented);
                        assert_true(t[i].timeout_s > 0);
                }
        }
        assert_null(ocf_action_lookup(NULL));
        assert_null(ocf_action_lookup(""));
        assert_null(ocf_action_lookup("START"));
        assert_false(ocf_action_lookup("migrate_to")->implemented);
        assert_false(ocf_action_lookup("migrate_from")->advertised);
        assert_int_equal(ocf_action_lookup("help")->action, OCF_ACTION_USAGE);
        /* The brief's operation defaults. */
        assert_int_equal(ocf_action_lookup("start")->timeout_s, 120);
        assert_int_equal(ocf_action_lookup("stop")->timeout_s, 180);
        assert_int_equal(ocf_action_lookup("monitor")->timeout_s, 30);
        assert_int_equal(ocf_action_lookup("monitor")->interval_s, 10);
}

static void test_metadata_lists_actions(void **state)
{
        g_autofree char *xml = ocf_guest_metadata();
        gsize n;
        const OcfActionSpec *t = ocf_action_table(&n);

        assert_non_null(strstr(xml, "<resource-agent name=\"guest\""));
        assert_non_null(strstr(xml, "<version>1.1</version>"));
        for (gsize i = 0; i < n; i++) {
                g_autofree char *tag = g_strdup_printf("<action name=\"%s\"", t[i].name);
                assert_int_equal(strstr(xml, tag) != NULL, t[i].advertised);
        }
        assert_non_null(strstr(xml, "<parameter name=\"name\" unique=\"1\" required=\"1\">"));
        assert_non_null(strstr(xml, "<parameter name=\"config\" unique=\"0\" required=\"1\">"));
        /* Migration would need dual-primary volumes: never offered. */
        assert_null(strstr(xml, "migrate"));
}

static void test_shutdown_timeout(void **state)
{
        g_autofree char *w = NULL;

        assert_int_equal(ocf_guest_shutdown_timeout(0, -1, NULL), OCF_GUEST_STOP_TIMEOUT_S - OCF_GUEST_STOP_MARGIN_S);
        assert_int_equal(ocf_guest_shutdown_timeout(100000, -1, NULL), 80);
        assert_int_equal(ocf_guest_shutdown_timeout(30000, -1, NULL), 15);
        assert_int_equal(ocf_guest_shutdown_timeout(999, -1, NULL), 0);
        assert_int_equal(ocf_guest_shutdown_timeout(100000, 10, &w), 10);
        assert_null(w);
        assert_int_equal(ocf_guest_shutdown_timeout(100000, 81, &w), 80);
        assert_non_null(strstr(w, "shutdown_timeout=81"));
}

static void test_monitor_patience(void **state)
{
        assert_int_equal(ocf_guest_monitor_patience_ms(30000), 20000);
        assert_int_equal(ocf_guest_monitor_patience_ms(0), 20000);
        assert_int_equal(ocf_guest_monitor_patience_ms(60000), 50000);
        /* Too short to wait at all: one attempt. */
        assert_int_equal(ocf_guest_monitor_patience_ms(10000), 0);
        assert_int_equal(ocf_guest_monitor_patience_ms(3000), 0);
}

static void test_find_qemu_ignores_others(void **state)
{
        /* No QEMU of a made-up guest runs; this process is never taken for one. */
        assert_int_equal(ocf_guest_find_qemu("/nonexistent/rundir", "no-such-guest"), 0);
}

/* A guest whose QEMU does not answer is held, not hung, only when one of
 * its own disks is on a resource whose I/O DRBD keeps suspended. */
static void test_frozen_by_drbd(void **unused)
{
        static const char *const lines[] = {
                "exists resource name:pk-web-root role:Primary suspended:fencing write-ordering:flush",
                "exists device name:pk-web-root volume:0 minor:20 disk:UpToDate size:131032 read:0 written:0 al-writes:8 bm-writes:0 upper-pending:0 lower-pending:0 al-suspended:no blocked:no",
                "exists resource name:pk-db-root role:Primary suspended:no write-ordering:flush",
                "exists device name:pk-db-root volume:0 minor:21 disk:UpToDate size:131032 read:0 written:0 al-writes:8 bm-writes:0 upper-pending:0 lower-pending:0 al-suspended:no blocked:no",
                "exists -", NULL };
        g_autoptr(DgState) drbd = dg_state_new();
        const int web[] = { -1, 20 }, db[] = { 21 }, other[] = { -1, 7 };
        g_autofree char *msg = NULL;

        for (guint i = 0; lines[i]; i++)
                dg_state_feed_line(drbd, lines[i], NULL);
        msg = ocf_guest_frozen_by_drbd("web", drbd, web, G_N_ELEMENTS(web));
        assert_non_null(msg);
        assert_non_null(strstr(msg, "disk 1 on pk-web-root (minor 20, I/O suspended: fencing)"));
        assert_non_null(strstr(msg, "hactl status"));
        assert_null(ocf_guest_frozen_by_drbd("db", drbd, db, G_N_ELEMENTS(db)));
        assert_null(ocf_guest_frozen_by_drbd("x", drbd, other, G_N_ELEMENTS(other)));
        assert_null(ocf_guest_frozen_by_drbd("web", NULL, web, G_N_ELEMENTS(web)));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_exit_codes_are_ocf),
                cmocka_unit_test(test_exit_from_hv_error),
                cmocka_unit_test(test_action_table),
                cmocka_unit_test(test_metadata_lists_actions),
                cmocka_unit_test(test_shutdown_timeout),
                cmocka_unit_test(test_monitor_patience),
                cmocka_unit_test(test_find_qemu_ignores_others),
                cmocka_unit_test(test_frozen_by_drbd),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
