/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DRBD state model (events2 lines in, typed model out), the snapshot,
 * the watch and dg_sync_wait(). The last three run a fake drbdsetup: a
 * shell script that plays transcripts from a temporary directory.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "dg-internal.h"
#include "pk.h"

#define RES84 "exists resource name:r0 role:Primary suspended:no write-ordering:flush"
#define CONN84 "exists connection name:r0 peer-node-id:0 conn-name:peer connection:Connected role:Secondary congested:no"
#define DEV84 "exists device name:r0 volume:0 minor:0 disk:UpToDate size:131032 read:0 written:0 al-writes:8 bm-writes:0 upper-pending:0 lower-pending:0 al-suspended:no blocked:no"
#define PEER84 "exists peer-device name:r0 peer-node-id:0 conn-name:peer volume:0 replication:SyncSource peer-disk:Inconsistent resync-suspended:no received:0 sent:1260 out-of-sync:65516 pending:0 unacked:0"

static DgState *feed_all(const char *const *lines)
{
        DgState *state = dg_state_new();

        for (guint i = 0; lines[i]; i++)
                dg_state_feed_line(state, lines[i], NULL);
        return state;
}

static const DgVolumeState *volume0(const DgState *state, const char *name)
{
        const DgResourceState *res = dg_state_lookup(state, name);

        assert_non_null(res);
        return dg_volume_state_find(res, 0);
}

/* ---- names ------------------------------------------------------------------ */

/* DRBD 8.4's /proc/drbd, as the lab's nodes print it. */
static void test_proc_drbd(void **unused)
{
        static const char text[] =
                "version: 8.4.11 (api:1/proto:86-101)\n"
                "srcversion: F73C670A7EC572DB9CF3E5B \n"
                " 0: cs:StandAlone ro:Secondary/Unknown ds:UpToDate/DUnknown   r-----\n"
                "    ns:0 nr:6930 dw:55814 dr:20660 al:8 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n"
                " 1: cs:Unconfigured\n"
                "10: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----\n"
                "    ns:1 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:1024\n"
                "\t[==>.................] sync'ed: 15.0% (1024/1200)K\n";
        char *v = NULL;

        (void)unused;
        assert_true(dg_proc_drbd_field(text, 0, "cs", &v));
        assert_string_equal(v, "StandAlone");
        g_clear_pointer(&v, g_free);
        assert_true(dg_proc_drbd_field(text, 0, "ro", &v));
        assert_string_equal(v, "Secondary/Unknown");
        g_clear_pointer(&v, g_free);
        assert_true(dg_proc_drbd_field(text, 0, "ds", &v));
        assert_string_equal(v, "UpToDate/DUnknown");
        g_clear_pointer(&v, g_free);
        assert_true(dg_proc_drbd_field(text, 10, "ds", &v));
        assert_string_equal(v, "UpToDate/Inconsistent");
        g_clear_pointer(&v, g_free);
        assert_true(dg_proc_drbd_field(text, 10, "cs", &v));
        assert_string_equal(v, "SyncSource");
        g_clear_pointer(&v, g_free);
        /* unconfigured, absent, a statistics key, a bad minor, no text */
        assert_false(dg_proc_drbd_field(text, 1, "cs", &v));
        assert_false(dg_proc_drbd_field(text, 2, "ds", &v));
        assert_false(dg_proc_drbd_field(text, 0, "ns", &v));
        assert_false(dg_proc_drbd_field(text, -1, "ds", &v));
        assert_false(dg_proc_drbd_field(NULL, 0, "ds", &v));
        assert_false(dg_proc_drbd_field("version: 8.4.11\n", 0, "ds", &v));
        assert_null(v);
}

static void test_names_round_trip(void **unused)
{
        for (int i = DG_ROLE_UNKNOWN; i <= DG_ROLE_SECONDARY; i++) {
                DgRole r = -1;
                assert_true(dg_role_from_name(dg_role_name(i), &r));
                assert_int_equal(r, i);
        }
        for (int i = DG_DISK_UNKNOWN; i <= DG_DISK_UPTODATE; i++) {
                DgDiskState d = -1;
                assert_true(dg_disk_from_name(dg_disk_name(i), &d));
                assert_int_equal(d, i);
        }
        /* Our "Unknown" connection and replication are placeholders, not
         * states DRBD prints, so they do not parse. */
        for (int i = DG_CONN_STANDALONE; i <= DG_CONN_CONNECTED; i++) {
                DgConnState c = -1;
                assert_true(dg_conn_from_name(dg_conn_name(i), &c));
                assert_int_equal(c, i);
        }
        for (int i = DG_REPL_OFF; i <= DG_REPL_BEHIND; i++) {
                DgReplState r = -1;
                assert_true(dg_repl_from_name(dg_repl_name(i), &r));
                assert_int_equal(r, i);
        }
        assert_string_equal(dg_disk_name(DG_DISK_UNKNOWN), "DUnknown");
        assert_string_equal(dg_disk_name(DG_DISK_UPTODATE), "UpToDate");
        assert_string_equal(dg_repl_name(DG_REPL_SYNC_TARGET), "SyncTarget");
        assert_string_equal(dg_conn_name(DG_CONN_NETWORK_FAILURE), "NetworkFailure");
        assert_string_equal(dg_role_name((DgRole)42), "invalid");
        assert_string_equal(dg_disk_name((DgDiskState)-1), "invalid");
}

static void test_names_aliases(void **unused)
{
        DgConnState c = DG_CONN_UNKNOWN;
        DgReplState r = DG_REPL_UNKNOWN;
        DgDiskState d = DG_DISK_UPTODATE;

        assert_true(dg_conn_from_name("WFConnection", &c));
        assert_int_equal(c, DG_CONN_CONNECTING);
        assert_true(dg_conn_from_name("WFReportParams", &c));
        assert_int_equal(c, DG_CONN_CONNECTED);
        assert_false(dg_conn_from_name("Unknown", &c));
        assert_false(dg_conn_from_name("connected", &c));
        assert_int_equal(c, DG_CONN_CONNECTED);

        assert_true(dg_repl_from_name("StandAlone", &r));
        assert_int_equal(r, DG_REPL_OFF);
        assert_true(dg_repl_from_name("WFConnection", &r));
        assert_int_equal(r, DG_REPL_OFF);
        r = DG_REPL_AHEAD;
        assert_false(dg_repl_from_name("Connected", &r));
        assert_false(dg_repl_from_name("", &r));
        assert_int_equal(r, DG_REPL_AHEAD);

        assert_false(dg_disk_from_name("Unknown", &d));
        assert_int_equal(d, DG_DISK_UPTODATE);
}

/* ---- feeding lines ----------------------------------------------------------- */

static void test_feed_return_values(void **unused)
{
        g_autoptr(DgState) state = dg_state_new();
        char *warning = NULL;

        assert_string_equal(dg_state_feed_line(state, RES84, &warning), "r0");
        assert_null(warning);
        /* The same state again changes nothing. */
        assert_null(dg_state_feed_line(state, "change resource name:r0 role:Primary", NULL));
        assert_string_equal(dg_state_feed_line(state, "change resource name:r0 role:Secondary",
                                               NULL), "r0");
        assert_string_equal(dg_state_feed_line(state, DEV84, NULL), "r0");
        /* Statistics only: changes what we model (out-of-sync) or not. */
        assert_string_equal(dg_state_feed_line(state, PEER84, NULL), "r0");
        assert_null(dg_state_feed_line(state, PEER84, NULL));
        assert_null(dg_state_feed_line(state, "change connection name:r0 peer-node-id:0 conn-name:peer",
                                       NULL));
        assert_null(dg_state_feed_line(state, "call helper name:r0 peer-node-id:0 conn-name:peer "
                                       "volume:0 minor:0 helper:before-resync-source", &warning));
        assert_null(warning);
        assert_null(dg_state_feed_line(state, "exists -", NULL));
        assert_null(dg_state_feed_line(state, "", NULL));
        assert_null(dg_state_feed_line(state, "garbage", NULL));
        assert_int_equal(dg_state_warnings(state), 1);
}

static void test_exists_marker(void **unused)
{
        g_autoptr(DgState) state = dg_state_new();

        assert_false(dg_state_complete(state));
        dg_state_feed_line(state, RES84, NULL);
        dg_state_feed_line(state, "exists device", NULL);
        assert_false(dg_state_complete(state));
        dg_state_feed_line(state, "exists -", NULL);
        assert_true(dg_state_complete(state));
        /* Changes after the dump keep applying. */
        dg_state_feed_line(state, "change resource name:r0 role:Secondary", NULL);
        assert_int_equal(dg_state_lookup(state, "r0")->role, DG_ROLE_SECONDARY);
        assert_true(dg_state_complete(state));
}

static void test_destroy(void **unused)
{
        const char *const lines[] = { RES84, CONN84, DEV84, PEER84,
                "create resource name:r1 role:Secondary", "exists -", NULL };
        g_autoptr(DgState) state = feed_all(lines);
        g_autoptr(GPtrArray) names = NULL;
        g_autoptr(GPtrArray) after = NULL;

        names = dg_state_names(state);
        assert_int_equal(names->len, 2);
        assert_string_equal(names->pdata[0], "r0");
        assert_string_equal(names->pdata[1], "r1");

        assert_string_equal(dg_state_feed_line(state, "destroy peer-device name:r0 peer-node-id:0 "
                                               "conn-name:peer volume:0", NULL), "r0");
        assert_int_equal(volume0(state, "r0")->repl, DG_REPL_OFF);
        assert_int_equal(volume0(state, "r0")->peer_disk, DG_DISK_UNKNOWN);
        dg_state_feed_line(state, "destroy connection name:r0 peer-node-id:0 conn-name:peer", NULL);
        assert_int_equal(dg_state_lookup(state, "r0")->conn, DG_CONN_STANDALONE);
        dg_state_feed_line(state, "destroy device name:r0 volume:0 minor:0", NULL);
        assert_int_equal(dg_state_lookup(state, "r0")->volumes->len, 0);
        assert_string_equal(dg_state_feed_line(state, "destroy resource name:r0", NULL), "r0");
        assert_null(dg_state_lookup(state, "r0"));
        after = dg_state_names(state);
        assert_int_equal(after->len, 1);
        assert_string_equal(after->pdata[0], "r1");
        assert_int_equal(dg_state_warnings(state), 0);
        /* Destroying it again is a warning, not a crash. */
        assert_null(dg_state_feed_line(state, "destroy resource name:r0", NULL));
        assert_int_equal(dg_state_warnings(state), 1);
}

static void test_warnings(void **unused)
{
        g_autoptr(DgState) state = dg_state_new();
        g_autofree char *w1 = NULL, *w2 = NULL, *w3 = NULL;

        dg_state_feed_line(state, RES84, NULL);
        assert_string_equal(dg_state_feed_line(state, "change resource name:r0 role:Boss colour:red",
                                               &w1), "r0");
        assert_non_null(w1);
        assert_non_null(strstr(w1, "events2 line 2"));
        assert_non_null(strstr(w1, "unknown role 'Boss'"));
        assert_non_null(strstr(w1, "unknown key 'colour'"));
        assert_int_equal(dg_state_lookup(state, "r0")->role, DG_ROLE_UNKNOWN);
        assert_int_equal(dg_state_warnings(state), 1);

        dg_state_feed_line(state, "- skipped 4", &w2);
        assert_non_null(strstr(w2, "events were lost"));
        /* Invalid UTF-8 in a key still gives a valid message. */
        dg_state_feed_line(state, "change resource name:r0 \xff\xfe:1", &w3);
        assert_true(g_utf8_validate(w3, -1, NULL));
        /* Without ret_warning it is still counted. */
        dg_state_feed_line(state, "exists device name:r0 volume:nine", NULL);
        assert_int_equal(dg_state_warnings(state), 4);
}

static void test_done(void **unused)
{
        const char *const lines84[] = { RES84, CONN84, DEV84, PEER84, "exists -", NULL };
        const char *const lines9[] = {
                "exists resource name:r9 role:Secondary",
                "exists connection name:r9 peer-node-id:1 conn-name:node2 connection:Connected role:Primary",
                "exists device name:r9 volume:0 minor:3 disk:Inconsistent client:no open:no quorum:yes size:1000",
                "exists peer-device name:r9 peer-node-id:1 conn-name:node2 volume:0 replication:SyncTarget "
                "peer-disk:UpToDate done:12.50 received:0 sent:0 out-of-sync:900 pending:0 unacked:0",
                "exists -", NULL };
        g_autoptr(DgState) s84 = feed_all(lines84);
        g_autoptr(DgState) s9 = feed_all(lines9);
        const DgVolumeState *v;

        /* 8.4: derived from size and out-of-sync, as drbdsetup-84 status does. */
        v = volume0(s84, "r0");
        assert_true(fabs(v->done - 100.0 * (1.0 - 65516.0 / 131032.0)) < 1e-9);
        assert_int_equal(v->out_of_sync_kib, 65516);
        assert_null(dg_state_lookup(s84, "r0")->peer);
        /* Statistics without out-of-sync: drbdsetup left the 0 out. */
        dg_state_feed_line(s84, "change peer-device name:r0 peer-node-id:0 conn-name:peer volume:0 "
                           "replication:Established peer-disk:UpToDate received:0 sent:131032", NULL);
        v = volume0(s84, "r0");
        assert_int_equal(v->out_of_sync_kib, 0);
        assert_true(v->done == -1);

        /* DRBD 9: what it reports wins over the derived figure. */
        v = volume0(s9, "r9");
        assert_true(v->done == 12.5);
        assert_string_equal(dg_state_lookup(s9, "r9")->peer, "node2");
        dg_state_feed_line(s9, "change device name:r9 volume:0 minor:3 size:1000 read:0", NULL);
        assert_true(volume0(s9, "r9")->done == 12.5);
}

static void test_json(void **unused)
{
        const char *const lines[] = { RES84, CONN84, DEV84, PEER84, "exists -", NULL };
        g_autoptr(DgState) state = feed_all(lines);
        g_autoptr(json_object) json = dg_state_to_json(state);
        g_autofree char *text = pk_json_to_string(json, FALSE);

        assert_string_equal(text,
                "{\"complete\":true,\"warnings\":0,\"resources\":[{\"name\":\"r0\","
                "\"role\":\"Primary\",\"connection\":\"Connected\",\"peer-role\":\"Secondary\","
                "\"peer\":null,\"volumes\":[{\"volume\":0,\"minor\":0,\"disk\":\"UpToDate\","
                "\"peer-disk\":\"Inconsistent\",\"replication\":\"SyncSource\","
                "\"out-of-sync-kib\":65516,\"done\":50.00,\"size-kib\":131032}]}]}");
}

/* ---- a fake drbdsetup ---------------------------------------------------------- */

static char *fake_dir;

/* The fake prints DIR/now for --now, else DIR/stream and then sleeps
 * DIR/sleep seconds (0 when absent); each run is counted in DIR/runs. */
static int fake_setup(void **unused)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *script = NULL;
        g_autofree char *text = NULL;

        fake_dir = g_dir_make_tmp("dg-test-XXXXXX", &error);
        assert_non_null(fake_dir);
        script = g_build_filename(fake_dir, "drbdsetup", NULL);
        text = g_strdup_printf(
                "#!/bin/sh\n"
                "d='%s'\n"
                "echo \"$*\" >> \"$d/runs\"\n"
                "[ -e \"$d/fail\" ] && { echo 'no DRBD here' >&2; exit 20; }\n"
                "case \"$*\" in\n"
                "*--now*) cat \"$d/now\" ;;\n"
                "*) cat \"$d/stream\"; exec sleep \"$(cat \"$d/sleep\" 2>/dev/null || echo 0)\" ;;\n"
                "esac\n", fake_dir);
        assert_true(g_file_set_contents(script, text, -1, &error));
        assert_int_equal(g_chmod(script, 0755), 0);
        dg_events_set_program(script);
        dg_events_watch_set_restart_delays(600000, 20, 80);
        return 0;
}

static int fake_teardown(void **unused)
{
        dg_events_set_program(NULL);
        assert_int_equal(pk_rmdir_flat(fake_dir), 0);
        g_clear_pointer(&fake_dir, g_free);
        return 0;
}

static void fake_file(const char *name, const char *text)
{
        g_autofree char *path = g_build_filename(fake_dir, name, NULL);

        if (!text) {
                g_unlink(path);
                return;
        }
        assert_true(g_file_set_contents(path, text, -1, NULL));
}

static void test_snapshot(void **unused)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgState) state = NULL;
        g_autoptr(DgState) none = NULL;

        fake_file("now", RES84 "\n" CONN84 "\n" DEV84 "\n" PEER84 "\nexists -\n");
        state = dg_state_snapshot(&error);
        assert_non_null(state);
        assert_true(dg_state_complete(state));
        assert_int_equal(volume0(state, "r0")->repl, DG_REPL_SYNC_SOURCE);

        fake_file("now", RES84 "\n" CONN84 "\n");
        none = dg_state_snapshot(&error);
        assert_null(none);
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_PARSE));
        assert_non_null(strstr(error->message, "exists -"));
        g_clear_error(&error);

        fake_file("fail", "");
        assert_null(dg_state_snapshot(&error));
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_COMMAND));
        assert_non_null(strstr(error->message, "no DRBD here"));
        fake_file("fail", NULL);
}

typedef struct {
        GMainLoop *loop;
        guint dumps;
        guint changes;
        gboolean saw_secondary;
        GString *log;
} WatchSeen;

static void watch_cb(const DgState *state, const char *resource, gpointer user_data)
{
        WatchSeen *seen = user_data;
        const DgResourceState *res = dg_state_lookup(state, resource);

        assert_true(resource == NULL || dg_state_complete(state));
        g_string_append_printf(seen->log, "%s%s ", resource ? resource : "(dump)",
                               resource && !res ? "(gone)" : "");
        if (!resource) {
                seen->dumps++;
        } else {
                seen->changes++;
                if (res && res->role == DG_ROLE_SECONDARY)
                        seen->saw_secondary = TRUE;
        }
        if (seen->dumps == 3)
                g_main_loop_quit(seen->loop);
}

static void test_watch_restarts(void **unused)
{
        g_autoptr(GMainContext) context = g_main_context_new();
        g_autoptr(GError) error = NULL;
        WatchSeen seen = { 0 };
        DgEventsWatch *watch;

        seen.loop = g_main_loop_new(context, FALSE);
        seen.log = g_string_new(NULL);
        /* Each run: a dump, one change, then drbdsetup "dies". */
        fake_file("stream", RES84 "\nexists -\nchange resource name:r0 role:Secondary\n"
                            "create resource name:r1 role:Secondary\ndestroy resource name:r1\n");
        fake_file("sleep", NULL);
        watch = dg_events_watch_start(context, watch_cb, &seen, &error);
        assert_non_null(watch);
        g_main_loop_run(seen.loop);
        assert_int_equal(seen.dumps, 3);
        assert_true(seen.saw_secondary);
        assert_true(dg_events_watch_starts(watch) >= 3);
        /* The first run: dump (r0, then complete), then its changes. */
        assert_true(g_str_has_prefix(seen.log->str, "r0 (dump) r0 r1 r1(gone) r0 (dump) "));
        dg_events_watch_stop(watch);
        g_main_loop_unref(seen.loop);
        g_string_free(seen.log, TRUE);
}

static void on_progress(double done, guint64 oos, gpointer user_data)
{
        g_string_append_printf(user_data, "%.2f/%" G_GUINT64_FORMAT " ", done, oos);
}

static void test_sync_wait(void **unused)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(GString) progress = g_string_new(NULL);

        fake_file("stream", RES84 "\n" CONN84 "\n" DEV84 "\n" PEER84 "\nexists -\n"
                  "change peer-device name:r0 peer-node-id:0 conn-name:peer volume:0 "
                  "replication:Established peer-disk:UpToDate received:0 sent:131032 "
                  "out-of-sync:0 pending:0 unacked:0\n");
        fake_file("sleep", "30");
        assert_true(dg_sync_wait("r0", 20000, on_progress, progress, &error));
        assert_null(error);
        assert_string_equal(progress->str, "50.00/65516 100.00/0 ");

        /* Never in sync: the timeout says where it stands. */
        fake_file("stream", RES84 "\n" CONN84 "\n" DEV84 "\n" PEER84 "\nexists -\n");
        fake_file("now", RES84 "\n" CONN84 "\n" DEV84 "\n" PEER84 "\nexists -\n");
        assert_false(dg_sync_wait("r0", 300, NULL, NULL, &error));
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_FAILED));
        assert_non_null(strstr(error->message, "peer disk Inconsistent"));
        g_clear_error(&error);

        assert_false(dg_sync_wait("nosuch", 20000, NULL, NULL, &error));
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_NOT_FOUND));
        assert_non_null(strstr(error->message, "drbdadm up nosuch"));
        g_clear_error(&error);

        assert_false(dg_sync_wait("", 100, NULL, NULL, &error));
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_INVALID));
        fake_file("sleep", NULL);
}

/* "suspended:" says whether DRBD holds the I/O: a reason sets it, "no"
 * clears it, garbage is a warning that leaves it as it was. */
static void test_suspended_and_minor(void **unused)
{
        static const char *const lines[] = { RES84, CONN84, DEV84, PEER84, "exists -", NULL };
        g_autoptr(DgState) state = feed_all(lines);
        g_autofree char *warning = NULL;
        const DgResourceState *res = dg_state_lookup(state, "r0");
        int vol = -1;

        assert_null(res->suspended);
        dg_state_feed_line(state, "change resource name:r0 suspended:fencing", NULL);
        assert_string_equal(res->suspended, "fencing");
        dg_state_feed_line(state, "change resource name:r0 suspended:user,fencing", NULL);
        assert_string_equal(res->suspended, "user,fencing");
        dg_state_feed_line(state, "change resource name:r0 suspended:a;b", &warning);
        assert_non_null(warning);
        assert_string_equal(res->suspended, "user,fencing");
        dg_state_feed_line(state, "change resource name:r0 suspended:no", NULL);
        assert_null(res->suspended);

        assert_ptr_equal(dg_state_lookup_minor(state, 0, &vol), res);
        assert_int_equal(vol, 0);
        assert_null(dg_state_lookup_minor(state, 1, NULL));
        assert_null(dg_state_lookup_minor(state, -1, NULL));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_proc_drbd),
                cmocka_unit_test(test_names_round_trip),
                cmocka_unit_test(test_names_aliases),
                cmocka_unit_test(test_feed_return_values),
                cmocka_unit_test(test_exists_marker),
                cmocka_unit_test(test_destroy),
                cmocka_unit_test(test_warnings),
                cmocka_unit_test(test_done),
                cmocka_unit_test(test_json),
                cmocka_unit_test(test_suspended_and_minor),
                cmocka_unit_test_setup_teardown(test_snapshot, fake_setup, fake_teardown),
                cmocka_unit_test_setup_teardown(test_watch_restarts, fake_setup, fake_teardown),
                cmocka_unit_test_setup_teardown(test_sync_wait, fake_setup, fake_teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
