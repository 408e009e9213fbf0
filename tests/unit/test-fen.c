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

        assert_true(ham_cib_fence_build("fence-node1", "fence_ipmilan", "node1", params, &prim, &loc, NULL));
        assert_non_null(strstr(prim, "class=\"stonith\""));
        assert_non_null(strstr(prim, "name=\"pcmk_host_list\" value=\"node1\""));
        assert_non_null(strstr(loc, "id=\"fence-node1-avoids-node1\""));
        assert_non_null(strstr(loc, "score=\"-INFINITY\""));
        assert_true(ham_cib_fence_build("f1", "fence_ipmilan", "node1", mapped, &prim2, &loc2, NULL));
        assert_null(strstr(prim2, "pcmk_host_list"));
        assert_false(ham_cib_fence_build("1bad", "fence_ipmilan", "node1", params, &prim, &loc, &error));
        assert_non_null(strstr(error->message, "not valid"));
        g_clear_error(&error);
        assert_false(ham_cib_fence_build("f", "ipmilan", "node1", params, &prim, &loc, &error));
        assert_non_null(strstr(error->message, "not a fence agent"));
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
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(env_ok),
                cmocka_unit_test(env_peers_list),
                cmocka_unit_test(env_refused),
                cmocka_unit_test(ids),
                cmocka_unit_test(constraint_round_trip),
                cmocka_unit_test(params_check),
                cmocka_unit_test(fence_build),
                cmocka_unit_test(fence_devices),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
