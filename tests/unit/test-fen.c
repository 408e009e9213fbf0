/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of libfen's parsers and hamgr's pure fencing helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "fen.h"
#include "ham-pcmk.h"
#include "ham-xml.h"
#include "ham.h"

#include <glib/gstdio.h>

static void env_ok(void **state)
{
        const char *envp[] = { "PATH=/bin", "DRBD_RESOURCE=pk-web-root", "DRBD_PEER=node2", "DRBD_MINOR=20",
                               "DRBD_PEER_ADDRESS=10.99.0.2", NULL };
        g_autoptr(GError) error = NULL;
        g_autoptr(FenEnv) env = fen_env_parse(envp, &error);

        assert_non_null(env);
        assert_string_equal(env->resource, "pk-web-root");
        assert_string_equal(env->peer, "node2");
        assert_string_equal(env->minor, "20");
        assert_string_equal(env->peer_address, "10.99.0.2");
}

static void env_peers_list(void **state)
{
        const char *one[] = { "DRBD_RESOURCE=pk-a-b", "DRBD_PEERS= node2 ", NULL };
        const char *two[] = { "DRBD_RESOURCE=pk-a-b", "DRBD_PEERS=node2 node3", NULL };
        const char *none[] = { "DRBD_RESOURCE=pk-a-b", NULL };
        g_autoptr(GError) error = NULL;
        g_autoptr(FenEnv) e1 = fen_env_parse(one, &error);
        g_autoptr(FenEnv) e3 = fen_env_parse(none, &error);

        assert_non_null(e1);
        assert_string_equal(e1->peer, "node2");
        assert_non_null(e3);
        assert_null(e3->peer);
        assert_null(fen_env_parse(two, &error));
        assert_non_null(strstr(error->message, "more than one peer"));
}

static void env_refused(void **state)
{
        static const struct {
                const char *var, *needle;
        } cases[] = {
                { NULL, "DRBD_RESOURCE is not set" },
                { "DRBD_RESOURCE=", "DRBD_RESOURCE is not set" },
                { "DRBD_RESOURCE=r0", "not a plastik resource" },
                { "DRBD_RESOURCE=pk-", "not a plastik resource" },
                { "DRBD_RESOURCE=pk-a;rm -rf", "not a valid resource name" },
                { "DRBD_RESOURCE=pk-a/../b", "not a valid resource name" },
        };
        for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
                const char *envp[] = { cases[i].var, NULL };
                g_autoptr(GError) error = NULL;
                assert_null(fen_env_parse(envp, &error));
                assert_non_null(error);
                assert_non_null(strstr(error->message, cases[i].needle));
        }
        const char *bad_peer[] = { "DRBD_RESOURCE=pk-a-b", "DRBD_PEER=node\"2", NULL };
        g_autoptr(GError) error = NULL;
        assert_null(fen_env_parse(bad_peer, &error));
        assert_non_null(strstr(error->message, "not a valid node name"));
}

static void ids(void **state)
{
        g_autofree char *clone = fen_clone_id("pk-web-root");
        g_autofree char *id = fen_constraint_id("pk-web-root", clone);

        assert_string_equal(clone, "drbd-pk-web-root-clone");
        assert_string_equal(id, "drbd-fence-by-handler-pk-web-root-drbd-pk-web-root-clone");
}

/* What the handler places, it recognizes as its own (unfence removes it). */
static void constraint_round_trip(void **state)
{
        g_autofree char *clone = fen_clone_id("pk-web-root");
        g_autofree char *loc = fen_constraint_xml("pk-web-root", clone, "node1");
        g_autofree char *cib = g_strdup_printf(
                "<cib have-quorum=\"1\"><configuration><nodes/><resources><clone id=\"%s\"/></resources>"
                "<constraints>%s</constraints></configuration><status/></cib>", clone, loc);
        FenCibFacts f;

        assert_true(fen_cib_facts(cib, strlen(cib), "pk-web-root", clone, "node1", "node2", &f, NULL));
        assert_int_equal(f.constraint, FEN_CONSTRAINT_HERE);
        fen_cib_facts_clear(&f);
        assert_true(fen_cib_facts(cib, strlen(cib), "pk-web-root", clone, "node2", "node1", &f, NULL));
        assert_int_equal(f.constraint, FEN_CONSTRAINT_PEER);
        fen_cib_facts_clear(&f);
}

/* The peer's own CIB proves the constraint only when it holds it for this node. */
static void peer_cib(void **state)
{
        g_autofree char *clone = fen_clone_id("pk-web-root");
        g_autofree char *mine = fen_constraint_xml("pk-web-root", clone, "node1");
        g_autofree char *theirs = fen_constraint_xml("pk-web-root", clone, "node2");
        g_autofree char *holds = g_strdup_printf("<constraints>%s</constraints>", mine);
        g_autofree char *whole = g_strdup_printf("<cib><configuration><constraints>%s</constraints>"
                                                 "</configuration></cib>", mine);
        g_autofree char *other = g_strdup_printf("<constraints>%s</constraints>", theirs);
        g_autofree char *id = fen_constraint_id("pk-web-root", clone);
        g_autofree char *foreign = g_strdup_printf("<constraints><rsc_location id=\"%s\" rsc=\"%s\" "
                                                   "node=\"node1\" score=\"100\"/></constraints>", id, clone);
        const char *none = "<constraints/>", *garbage = "<constraints><rsc";

#define JUDGE(x) fen_peer_cib_judge((x), (x) ? strlen(x) : 0, "pk-web-root", clone, "node1")
        assert_int_equal(JUDGE(holds), FEN_PEER_CIB_HOLDS);
        assert_int_equal(JUDGE(whole), FEN_PEER_CIB_HOLDS);
        assert_int_equal(JUDGE(other), FEN_PEER_CIB_LACKS);
        assert_int_equal(JUDGE(foreign), FEN_PEER_CIB_LACKS);
        assert_int_equal(JUDGE(none), FEN_PEER_CIB_LACKS);
        assert_int_equal(JUDGE(garbage), FEN_PEER_CIB_UNREACHABLE);
        assert_int_equal(fen_peer_cib_judge(NULL, 0, "pk-web-root", clone, "node1"), FEN_PEER_CIB_UNREACHABLE);
#undef JUDGE
}

/* hamgrd's record of a connection's start, as the handler reads it. */
static void connected_record(void **state)
{
        g_autofree char *dir = g_dir_make_tmp("test-fen-XXXXXX", NULL);
        g_autofree char *path = NULL, *text = ham_connected_format(1795783391123);
        g_autoptr(GError) error = NULL;
        gint64 ms = 0;

        assert_non_null(dir);
        assert_string_equal(text, "1795783391123\n");
        assert_true(ham_connected_parse(text, strlen(text), &ms, NULL));
        assert_true(ms == 1795783391123);
        assert_false(ham_connected_parse("", 0, &ms, &error));
        assert_non_null(strstr(error->message, "not a time in milliseconds"));
        g_clear_error(&error);
        assert_false(ham_connected_parse("12x\n", 4, &ms, NULL));
        assert_false(ham_connected_parse("-5\n", 3, &ms, NULL));
        assert_false(ham_connected_parse("0\n", 2, &ms, NULL));
        assert_false(ham_connected_parse("99999999999999999999999\n", 24, &ms, NULL));

        assert_null(ham_connected_path(dir, "../etc"));
        assert_null(ham_connected_path(dir, ""));
        assert_false(ham_connected_write(dir, "a/b", 5, &error));
        g_clear_error(&error);

        /* none yet: NOENT, so the handler can say it is unknown */
        assert_false(ham_connected_read(dir, "pk-web-root", &ms, &error));
        assert_true(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT));
        g_clear_error(&error);
        assert_true(ham_connected_write(dir, "pk-web-root", 1000, NULL));
        assert_true(ham_connected_write(dir, "pk-web-root", 2000, NULL));
        assert_true(ham_connected_read(dir, "pk-web-root", &ms, NULL));
        assert_true(ms == 2000);
        path = ham_connected_path(dir, "pk-web-root");
        assert_true(g_file_set_contents(path, "garbage", -1, NULL));
        assert_false(ham_connected_read(dir, "pk-web-root", &ms, &error));
        assert_non_null(strstr(error->message, path));
        g_unlink(path);
        g_rmdir(dir);
}

/* The handler's record of a resource it left frozen, as hamgrd lists it
 * and the handler's --resume reads it. */
static void frozen_record(void **state)
{
        g_autofree char *dir = g_dir_make_tmp("test-fen-XXXXXX", NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) none = NULL, one = NULL;
        gint64 ms = 0;

        assert_non_null(dir);
        none = ham_frozen_list(dir);
        assert_int_equal(none->len, 0);
        assert_false(ham_frozen_read(dir, "pk-web-root", &ms, &error));
        assert_true(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT));
        g_clear_error(&error);
        assert_false(ham_frozen_write(dir, "../x", 5, &error));
        assert_non_null(strstr(error->message, "frozen-I/O record"));
        g_clear_error(&error);
        assert_true(ham_frozen_write(dir, "pk-web-root", 1795783391123, NULL));
        assert_true(ham_frozen_read(dir, "pk-web-root", &ms, NULL));
        assert_true(ms == 1795783391123);
        one = ham_frozen_list(dir);
        assert_int_equal(one->len, 1);
        assert_string_equal(one->pdata[0], "pk-web-root");
        assert_true(ham_frozen_clear(dir, "pk-web-root", NULL));
        assert_true(ham_frozen_clear(dir, "pk-web-root", NULL)); /* none: no error */
        assert_false(ham_frozen_read(dir, "pk-web-root", &ms, NULL));
        g_rmdir(dir);
}

static const char metadata[] =
        "<?xml version=\"1.0\"?><resource-agent name=\"fence_x\"><parameters>"
        "<parameter name=\"ip\" required=\"1\"/><parameter name=\"username\" required=\"0\"/>"
        "<parameter name=\"plug\" required=\"1\"/><parameter name=\"lanplus\"/>"
        "</parameters></resource-agent>";

static void params_check(void **state)
{
        const char *ok[] = { "ip=10.0.0.1", "lanplus=1", "pcmk_host_list=node1", NULL };
        const char *missing[] = { "username=admin", NULL };
        const char *unknown[] = { "ip=1", "colour=blue", NULL };
        const char *twice[] = { "ip=1", "ip=2", NULL };
        const char *noeq[] = { "ip", NULL };
        g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL;

        assert_true(ham_fence_params_check("fence_x", metadata, strlen(metadata), ok, NULL));
        assert_false(ham_fence_params_check("fence_x", metadata, strlen(metadata), missing, &e1));
        assert_non_null(strstr(e1->message, "needs parameter ip"));
        assert_false(ham_fence_params_check("fence_x", metadata, strlen(metadata), unknown, &e2));
        assert_non_null(strstr(e2->message, "no parameter \"colour\""));
        assert_non_null(strstr(e2->message, "ip, username, plug, lanplus"));
        assert_false(ham_fence_params_check("fence_x", metadata, strlen(metadata), twice, &e3));
        assert_non_null(strstr(e3->message, "given twice"));
        assert_false(ham_fence_params_check("fence_x", metadata, strlen(metadata), noeq, &e4));
        assert_false(ham_fence_params_check("fence_x", "<html/>", 7, ok, &e5));
        assert_non_null(strstr(e5->message, "is it a fence agent"));
}

static void fence_build(void **state)
{
        const char *params[] = { "ip=10.99.0.101", "username=admin", NULL };
        const char *mapped[] = { "ip=1", "pcmk_host_map=node1:3", NULL };
        g_autofree char *prim = NULL, *loc = NULL, *prim2 = NULL, *loc2 = NULL;
        g_autoptr(GError) error = NULL;

        assert_true(ham_cib_fence_build("fence-node1", "fence_ipmilan", "node1", params, 15, &prim, &loc, NULL));
        assert_non_null(strstr(prim, "class=\"stonith\""));
        assert_non_null(strstr(prim, "name=\"pcmk_host_list\" value=\"node1\""));
        assert_non_null(strstr(loc, "id=\"fence-node1-avoids-node1\""));
        assert_non_null(strstr(loc, "score=\"-INFINITY\""));
        assert_true(ham_cib_fence_build("f1", "fence_ipmilan", "node1", mapped, 15, &prim2, &loc2, NULL));
        assert_null(strstr(prim2, "pcmk_host_list"));
        assert_false(ham_cib_fence_build("1bad", "fence_ipmilan", "node1", params, 15, &prim, &loc, &error));
        assert_non_null(strstr(error->message, "not valid"));
        g_clear_error(&error);
        assert_false(ham_cib_fence_build("f", "ipmilan", "node1", params, 15, &prim, &loc, &error));
        assert_non_null(strstr(error->message, "not a fence agent"));
}

/* The device goes through fence_plastik: the real agent and the race delay
 * are its instance attributes, and the race delay is added to the action
 * timeouts because Pacemaker does not count a delay inside the agent. */
static void fence_build_wrapped(void **state)
{
        const char *params[] = { "ip=10.99.0.101", NULL };
        const char *timed[] = { "ip=1", "pcmk_off_timeout=90", "pcmk_reboot_timeout=100s", NULL };
        const char *badtime[] = { "pcmk_off_timeout=1min", NULL };
        const char *own[] = { "plastik_race_delay=3", NULL };
        g_autofree char *prim = NULL, *loc = NULL, *prim2 = NULL, *loc2 = NULL, *prim3 = NULL, *loc3 = NULL;
        g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
        char *x = NULL, *y = NULL;
        (void)state;

        assert_true(ham_cib_fence_build("fence-node1", "fence_ipmilan", "node1", params, 15, &prim, &loc, NULL));
        assert_non_null(strstr(prim, "type=\"fence_plastik\""));
        assert_null(strstr(prim, "type=\"fence_ipmilan\""));
        assert_non_null(strstr(prim, "name=\"plastik_agent\" value=\"fence_ipmilan\""));
        assert_non_null(strstr(prim, "name=\"plastik_race_delay\" value=\"15\""));
        assert_non_null(strstr(prim, "name=\"ip\" value=\"10.99.0.101\""));
        assert_non_null(strstr(prim, "name=\"pcmk_off_timeout\" value=\"75s\""));
        assert_non_null(strstr(prim, "name=\"pcmk_reboot_timeout\" value=\"75s\""));

        /* The admin's timeouts, raised; a delay of 0 adds nothing. */
        assert_true(ham_cib_fence_build("f2", "fence_ipmilan", "node2", timed, 30, &prim2, &loc2, NULL));
        assert_non_null(strstr(prim2, "name=\"pcmk_off_timeout\" value=\"120s\""));
        assert_non_null(strstr(prim2, "name=\"pcmk_reboot_timeout\" value=\"130s\""));
        assert_true(ham_cib_fence_build("f3", "fence_ipmilan", "node2", params, 0, &prim3, &loc3, NULL));
        assert_non_null(strstr(prim3, "name=\"plastik_race_delay\" value=\"0\""));
        assert_non_null(strstr(prim3, "name=\"pcmk_off_timeout\" value=\"60s\""));

        /* The wrapper cannot wrap itself; its own attributes are hactl's. */
        assert_false(ham_cib_fence_build("f", "fence_plastik", "node1", params, 15, &x, &y, &e1));
        assert_non_null(strstr(e1->message, "give the agent that cuts the power"));
        assert_false(ham_cib_fence_build("f", "fence_ipmilan", "node1", own, 15, &x, &y, &e2));
        assert_non_null(strstr(e2->message, "plastik_* are fence_plastik's own"));
        assert_false(ham_cib_fence_build("f", "fence_ipmilan", "node1", params, 301, &x, &y, &e3));
        assert_non_null(strstr(e3->message, "--race-delay 301"));
        assert_false(ham_cib_fence_build("f", "fence_ipmilan", "node1", badtime, 15, &x, &y, &e4));
        assert_non_null(strstr(e4->message, "pcmk_off_timeout=1min"));
        assert_null(x);
        assert_null(y);
}

static void race_delay_parse(void **state)
{
        guint v = 42;
        (void)state;

        assert_true(ham_fence_race_delay_parse("0", &v));
        assert_int_equal(v, 0);
        assert_true(ham_fence_race_delay_parse("15s", &v));
        assert_int_equal(v, 15);
        assert_true(ham_fence_race_delay_parse("300", &v));
        assert_int_equal(v, 300);
        v = 42;
        assert_false(ham_fence_race_delay_parse("301", &v));
        assert_false(ham_fence_race_delay_parse("-1", &v));
        assert_false(ham_fence_race_delay_parse("1m", &v));
        assert_false(ham_fence_race_delay_parse("", &v));
        assert_false(ham_fence_race_delay_parse(NULL, &v));
        assert_int_equal(v, 42);
}

/* Pacemaker's crm_get_msec(). */
static void interval_ms(void **state)
{
        (void)state;

        assert_int_equal(ham_pcmk_interval_ms("15s"), 15000);
        assert_int_equal(ham_pcmk_interval_ms("15"), 15000);
        assert_int_equal(ham_pcmk_interval_ms(" 15 sec"), 15000);
        assert_int_equal(ham_pcmk_interval_ms("0"), 0);
        assert_int_equal(ham_pcmk_interval_ms("500ms"), 500);
        assert_int_equal(ham_pcmk_interval_ms("2min"), 120000);
        assert_int_equal(ham_pcmk_interval_ms("1M"), 60000);
        assert_int_equal(ham_pcmk_interval_ms("1h"), 3600000);
        assert_int_equal(ham_pcmk_interval_ms("2000us"), 2);
        assert_int_equal(ham_pcmk_interval_ms("1.5s"), 1000);
        assert_int_equal(ham_pcmk_interval_ms("15x"), -1);
        assert_int_equal(ham_pcmk_interval_ms("s"), -1);
        assert_int_equal(ham_pcmk_interval_ms("-5"), -1);
        assert_int_equal(ham_pcmk_interval_ms("PT15S"), -1);
        assert_int_equal(ham_pcmk_interval_ms(NULL), -1);
}

#define WRAPPED(ID) "<primitive id=\"" ID "\" class=\"stonith\" type=\"fence_plastik\"><instance_attributes " \
        "id=\"" ID "-ia\"><nvpair id=\"" ID "-a\" name=\"plastik_agent\" value=\"fence_ipmilan\"/>" \
        "</instance_attributes></primitive>"
#define PLAIN(ID) "<primitive id=\"" ID "\" class=\"stonith\" type=\"fence_ipmilan\"/>"
#define DELAY(V) "<crm_config><cluster_property_set id=\"o\"><nvpair id=\"o-p\" " \
        "name=\"priority-fencing-delay\" value=\"" V "\"/></cluster_property_set></crm_config>"
#define CIB(CONFIG, RESOURCES) "<cib><configuration>" CONFIG "<resources>" RESOURCES \
        "</resources></configuration></cib>"

/* Pacemaker's delay is 0 exactly when every device is fence_plastik's. */
static void fencing_delay_rule(void **state)
{
        static const struct {
                const char *cib, *want;
        } cases[] = {
                { CIB("", ""), "15s" },                                   /* unset = 0, no device */
                { CIB(DELAY("15s"), ""), NULL },
                { CIB(DELAY("15s"), WRAPPED("a") WRAPPED("b")), "0" },
                { CIB(DELAY("30"), WRAPPED("a")), "0" },
                { CIB(DELAY("0"), WRAPPED("a") WRAPPED("b")), NULL },
                { CIB("", WRAPPED("a")), NULL },                          /* unset is 0 */
                { CIB(DELAY("0"), WRAPPED("a") PLAIN("b")), "15s" },      /* a plain one came back */
                { CIB(DELAY("0s"), PLAIN("b")), "15s" },
                { CIB(DELAY("30s"), WRAPPED("a") PLAIN("b")), NULL },     /* the admin's value stays */
                { CIB(DELAY("15s"), PLAIN("a") PLAIN("b")), NULL },
        };
        (void)state;

        for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
                const char *got = "unset";
                assert_true(ham_cib_fencing_delay_change(cases[i].cib, strlen(cases[i].cib), &got, NULL));
                if (cases[i].want)
                        assert_string_equal(got, cases[i].want);
                else
                        assert_null(got);
        }
        const char *got = NULL;
        g_autoptr(GError) error = NULL;
        assert_false(ham_cib_fencing_delay_change("<nope", 5, &got, &error));
}

static void fence_devices(void **state)
{
        static const char cib[] =
                "<cib><configuration><resources><primitive id=\"f1\" class=\"stonith\" type=\"fence_ipmilan\">"
                "<instance_attributes id=\"a\"><nvpair id=\"n\" name=\"pcmk_host_list\" value=\"node1\"/>"
                "</instance_attributes></primitive><primitive id=\"g\" class=\"ocf\" type=\"guest\"/>"
                "</resources></configuration></cib>";
        g_autoptr(GPtrArray) d = ham_fence_devices(cib, strlen(cib), NULL);
        HamFenceDevice *f;

        assert_non_null(d);
        assert_int_equal(d->len, 1);
        f = d->pdata[0];
        assert_string_equal(f->id, "f1");
        assert_string_equal(f->agent, "fence_ipmilan");
        assert_string_equal(f->hosts, "node1");
        assert_false(f->stopped);
        assert_false(ham_fence_device_wrapped(f));
        assert_string_equal(ham_fence_device_agent(f), "fence_ipmilan");
        assert_null(f->wrapped);
}

static void fence_devices_wrapped(void **state)
{
        static const char cib[] = CIB("", WRAPPED("a")
                "<primitive id=\"b\" class=\"stonith\" type=\"fence_plastik\"><instance_attributes id=\"b-ia\">"
                "<nvpair id=\"b-a\" name=\"plastik_agent\" value=\"fence_apc\"/>"
                "<nvpair id=\"b-d\" name=\"plastik_race_delay\" value=\"5\"/></instance_attributes></primitive>"
                "<primitive id=\"c\" class=\"stonith\" type=\"fence_plastik\"/>");
        g_autoptr(GPtrArray) d = ham_fence_devices(cib, strlen(cib), NULL);
        const HamFenceDevice *a, *b, *c;
        (void)state;

        assert_non_null(d);
        assert_int_equal(d->len, 3);
        a = d->pdata[0];
        b = d->pdata[1];
        c = d->pdata[2];
        assert_true(ham_fence_device_wrapped(a));
        assert_string_equal(ham_fence_device_agent(a), "fence_ipmilan");
        assert_int_equal(a->race_delay_s, HAM_FENCE_RACE_DELAY_S); /* fence_plastik's default */
        assert_string_equal(ham_fence_device_agent(b), "fence_apc");
        assert_int_equal(b->race_delay_s, 5);
        assert_true(ham_fence_device_wrapped(c));
        assert_string_equal(ham_fence_device_agent(c), "");
        /* Every device is wrapped: Pacemaker's delay is 0. */
        assert_int_equal(ham_fencing_pcmk_delay_s(d), 0);
        assert_int_equal(ham_fencing_pcmk_delay_s(NULL), HAM_PRIORITY_FENCING_DELAY_S);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(env_ok),
                cmocka_unit_test(env_peers_list),
                cmocka_unit_test(env_refused),
                cmocka_unit_test(ids),
                cmocka_unit_test(constraint_round_trip),
                cmocka_unit_test(peer_cib),
                cmocka_unit_test(connected_record),
                cmocka_unit_test(frozen_record),
                cmocka_unit_test(params_check),
                cmocka_unit_test(fence_build),
                cmocka_unit_test(fence_build_wrapped),
                cmocka_unit_test(race_delay_parse),
                cmocka_unit_test(interval_ms),
                cmocka_unit_test(fencing_delay_rule),
                cmocka_unit_test(fence_devices),
                cmocka_unit_test(fence_devices_wrapped),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
