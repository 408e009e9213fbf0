/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of libhamgr's pure parts: plastik.conf, the plan, allocation,
 * the CIB status section's operation history. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ham.h"
#include "ham-pcmk.h"
#include "ham-guest.h"
#include "ham-cluster.h"
#include "ham-status.h"
#include "ham-txn.h"

static HamConf *sample_conf(void)
{
        HamConf *c = g_new0(HamConf, 1);

        c->cluster_name = g_strdup("plastik");
        c->drbd_secret = g_strdup("0123456789abcdefXYZ");
        c->local.name = g_strdup("node1");
        c->local.nodeid = 1;
        c->local.addresses[0] = g_strdup("10.99.0.1");
        c->local.addresses[1] = g_strdup("10.99.1.1");
        c->local.replication_address = g_strdup("10.99.0.1");
        c->local.vg = g_strdup("plastik");
        c->peer.name = g_strdup("node2");
        c->peer.nodeid = 2;
        c->peer.addresses[0] = g_strdup("10.99.0.2");
        c->peer.addresses[1] = g_strdup("10.99.1.2");
        c->peer.replication_address = g_strdup("10.99.0.2");
        c->peer.vg = g_strdup("vg-b");
        return c;
}

/* The model's own identifiers, and the rules its parsers took from drbd-glue. */
static void test_identifiers(void **state)
{
        g_autofree char *id64 = g_strnfill(64, 'a');
        g_autofree char *id65 = g_strnfill(65, 'a');
        g_autoptr(GError) error = NULL;
        g_autoptr(HamCpgMsg) hello = NULL, removed = NULL, prepared = NULL;
        const char *msg;

        assert_true(ham_txn_id_valid("node1-7"));
        assert_true(ham_txn_id_valid("n1.example.org-12"));
        assert_true(ham_txn_id_valid("a:b"));
        assert_true(ham_txn_id_valid(id64));
        assert_false(ham_txn_id_valid(id65));
        assert_false(ham_txn_id_valid(""));
        assert_false(ham_txn_id_valid("node1 7"));
        assert_false(ham_txn_id_valid("node1/7"));

        assert_true(ham_version_valid("0.1.0"));
        assert_true(ham_version_valid("2.1.5-1+deb12u1"));
        assert_true(ham_version_valid("1:8.4.11~rc1"));
        assert_true(ham_version_valid(id64));
        assert_false(ham_version_valid(id65));
        assert_false(ham_version_valid(""));
        assert_false(ham_version_valid("0.1 beta"));

        /* A distribution's version in the hello: the CPG parser took
         * versions by the txn-id rule before and refused it. */
        msg = "{\"v\":1,\"type\":\"hello\",\"version\":\"0.1.0+deb12u1\"}";
        hello = ham_cpg_msg_parse(msg, strlen(msg), &error);
        assert_non_null(hello);
        assert_string_equal(hello->version, "0.1.0+deb12u1");

        /* Node names in CPG messages follow the node-name rule ... */
        msg = "{\"v\":1,\"type\":\"prepared\",\"txn\":\"node1-1\",\"node\":\"-node2\",\"ok\":true}";
        prepared = ham_cpg_msg_parse(msg, strlen(msg), &error);
        assert_null(prepared);
        assert_non_null(strstr(error->message, "node: must be a node name"));
        g_clear_error(&error);

        /* ... and removed resources the resource-name rule. */
        msg = "{\"v\":1,\"type\":\"removed\",\"txn\":\"node1-1\",\"node\":\"node2\",\"ok\":true,"
              "\"removed\":[\"pk-web1-root\",\"backup+1\"]}";
        removed = ham_cpg_msg_parse(msg, strlen(msg), &error);
        assert_non_null(removed);
        assert_string_equal(removed->removed[1], "backup+1");
}

static void test_names(void **state)
{
        assert_true(ham_name_valid("node1"));
        assert_true(ham_name_valid("n1.example.org"));
        assert_false(ham_name_valid("-node"));
        assert_false(ham_name_valid("my node"));
        assert_false(ham_name_valid(""));
        assert_true(ham_address_valid("10.99.0.1"));
        assert_true(ham_address_valid("fd00::1"));
        assert_false(ham_address_valid("node1"));
        assert_false(ham_address_valid("10.99.0.256"));
        assert_true(dg_vg_name_valid("vg_0.x+y"));
        assert_false(dg_vg_name_valid(".."));
        assert_false(dg_vg_name_valid("-vg"));
        assert_false(dg_vg_name_valid("vg/x"));
}

static void test_conf_save_load(void **state)
{
        g_autofree char *dir = g_dir_make_tmp("ham-test-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "etc", "plastik.conf", NULL);
        g_autofree char *etc = g_path_get_dirname(path);
        g_autoptr(HamConf) conf = sample_conf();
        g_autoptr(HamConf) back = NULL;
        g_autoptr(GError) error = NULL;
        struct stat st;

        assert_true(ham_conf_save(conf, path, &error));
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600); /* it holds the DRBD secret */
        back = ham_conf_load(path, &error);
        assert_non_null(back);
        assert_true(ham_conf_equal(conf, back));
        assert_string_equal(back->local.addresses[1], "10.99.1.1");
        assert_null(back->local.addresses[2]);
        assert_string_equal(back->peer.vg, "vg-b");
        g_unlink(path);
        g_rmdir(etc);
        g_rmdir(dir);
}

static void test_conf_missing_file(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamConf) conf = ham_conf_load("/nonexistent/plastik.conf", &error);

        assert_null(conf);
        assert_true(g_error_matches(error, HAM_ERROR, HAM_ERROR_NOT_FOUND));
}

static void test_conf_save_refuses_invalid(void **state)
{
        g_autofree char *dir = g_dir_make_tmp("ham-test-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "plastik.conf", NULL);
        g_autoptr(HamConf) conf = sample_conf();
        g_autoptr(GError) error = NULL;

        g_free(conf->peer.replication_address);
        conf->peer.replication_address = g_strdup("10.99.0.1"); /* same as node1 */
        assert_false(ham_conf_save(conf, path, &error));
        assert_true(g_error_matches(error, HAM_ERROR, HAM_ERROR_INVALID));
        assert_non_null(strstr(error->message, "[peer] replication-address"));
        assert_false(g_file_test(path, G_FILE_TEST_EXISTS)); /* nothing written */
        g_rmdir(dir);
}

static void test_conf_errors_name_key(void **state)
{
        g_autoptr(HamConf) conf = sample_conf();
        g_autofree char *text = ham_conf_to_data(conf);
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) parts = g_strsplit(text, "nodeid=2", 2);
        g_autofree char *s = g_strjoinv("nodeid=two", parts);

        assert_null(ham_conf_load_data(s, strlen(s), "/etc/plastik/plastik.conf", &error));
        assert_string_equal(error->message,
                            "/etc/plastik/plastik.conf: [peer] nodeid: must be 1 or 2 (got \"two\")");
}

static void test_conf_diff_and_peer_view(void **state)
{
        g_autoptr(HamConf) a = sample_conf();
        g_autoptr(HamConf) b = sample_conf();
        g_autoptr(HamConf) p = ham_conf_for_peer(a);
        g_autofree char *d1 = NULL, *d2 = NULL, *ra = NULL, *rp = NULL;

        assert_null(ham_conf_diff(a, b));
        g_free(b->cluster_name);
        b->cluster_name = g_strdup("other");
        d1 = ham_conf_diff(a, b);
        assert_string_equal(d1, "the cluster name is \"plastik\", not \"other\"");
        assert_string_equal(p->local.name, "node2");
        assert_string_equal(p->peer.name, "node1");
        d2 = ham_conf_diff(a, p);
        assert_non_null(d2);
        /* Both nodes render the same corosync.conf. */
        ra = ham_corosync_conf_render(a);
        rp = ham_corosync_conf_render(p);
        assert_string_equal(ra, rp);
}

static GBytes *key_of(guint8 fill)
{
        guint8 *k = g_malloc(HAM_AUTHKEY_LEN);
        memset(k, fill, HAM_AUTHKEY_LEN);
        return g_bytes_new_take(k, HAM_AUTHKEY_LEN);
}

static GString *plan_kinds(GPtrArray *plan)
{
        GString *s = g_string_new(NULL);
        for (guint i = 0; i < plan->len; i++)
                g_string_append_printf(s, "%s%s", i ? " " : "",
                                       ham_step_kind_name(((HamStep *)plan->pdata[i])->kind));
        return s;
}

static void test_plan_fresh_init(void **state)
{
        g_autoptr(HamConf) want = sample_conf();
        g_autoptr(GBytes) key = key_of(1);
        g_autoptr(GError) error = NULL;
        HamNodeState have = { 0 };
        g_autoptr(GPtrArray) plan = ham_cluster_plan(HAM_SETUP_INIT, &have, want, key, &error);
        g_autoptr(GString) kinds = NULL;

        assert_non_null(plan);
        kinds = plan_kinds(plan);
        assert_string_equal(kinds->str, "write-authkey write-corosync-conf write-plastik-conf "
                                        "start-corosync start-pacemaker wait-cib set-properties");
}

static void test_plan_rerun_is_noop(void **state)
{
        g_autoptr(HamConf) want = sample_conf();
        g_autoptr(GBytes) key = key_of(1);
        g_autoptr(GError) error = NULL;
        HamNodeState have = { .conf = sample_conf(), .corosync_conf = ham_corosync_conf_render(want),
                              .authkey = key_of(1), .corosync_running = TRUE, .pacemaker_running = TRUE };
        g_autoptr(GPtrArray) init = ham_cluster_plan(HAM_SETUP_INIT, &have, want, key, &error);
        g_autoptr(GPtrArray) join = NULL;
        g_autoptr(GString) k1 = NULL, k2 = NULL;

        assert_non_null(init);
        k1 = plan_kinds(init);
        /* Only the property check remains; it changes nothing when they match. */
        assert_string_equal(k1->str, "wait-cib set-properties");
        join = ham_cluster_plan(HAM_SETUP_JOIN, &have, want, key, &error);
        k2 = plan_kinds(join);
        assert_string_equal(k2->str, "wait-quorum wait-online");
        ham_node_state_clear(&have);
}

static void test_plan_conflicts(void **state)
{
        g_autoptr(HamConf) want = sample_conf();
        g_autoptr(GBytes) key = key_of(1);
        HamNodeState have = { .conf = sample_conf() };
        g_autoptr(GPtrArray) plan = NULL;
        g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL;

        g_free(have.conf->cluster_name);
        have.conf->cluster_name = g_strdup("old");
        plan = ham_cluster_plan(HAM_SETUP_INIT, &have, want, key, &e1);
        assert_null(plan);
        assert_true(g_error_matches(e1, HAM_ERROR, HAM_ERROR_CONFLICT));
        assert_non_null(strstr(e1->message, "the cluster name is \"old\", not \"plastik\""));
        assert_non_null(strstr(e1->message, "remove")); /* says how to fix it */
        ham_node_state_clear(&have);

        have.authkey = key_of(2); /* another cluster's key */
        assert_null(ham_cluster_plan(HAM_SETUP_JOIN, &have, want, key, &e2));
        assert_true(g_error_matches(e2, HAM_ERROR, HAM_ERROR_CONFLICT));
        assert_non_null(strstr(e2->message, "join token"));
        ham_node_state_clear(&have);

        have.corosync_conf = g_strdup("totem {\n}\n"); /* someone else's file */
        assert_null(ham_cluster_plan(HAM_SETUP_INIT, &have, want, key, &e3));
        assert_non_null(strstr(e3->message, "another tool wrote it"));
        ham_node_state_clear(&have);
}

static void test_plan_resumes(void **state)
{
        g_autoptr(HamConf) want = sample_conf();
        g_autoptr(GBytes) key = key_of(1);
        g_autoptr(GError) error = NULL;
        /* Interrupted after the key and corosync.conf were written. */
        HamNodeState have = { .corosync_conf = ham_corosync_conf_render(want), .authkey = key_of(1) };
        g_autoptr(GPtrArray) plan = ham_cluster_plan(HAM_SETUP_JOIN, &have, want, key, &error);
        g_autoptr(GString) kinds = plan_kinds(plan);

        assert_string_equal(kinds->str, "write-plastik-conf start-corosync start-pacemaker wait-quorum wait-online");
        ham_node_state_clear(&have);
}

static void test_corosync_token(void **state)
{
        g_autoptr(HamConf) conf = sample_conf();
        g_autoptr(HamConf) back = NULL, peer = NULL, copy = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *plain = ham_conf_to_data(conf), *plain_cs = ham_corosync_conf_render(conf);
        g_autofree char *text = NULL, *cs = NULL, *diff = NULL;

        /* ⌈1.2 × token⌉ without floating point. */
        assert_int_equal(ham_corosync_consensus(800), 960);
        assert_int_equal(ham_corosync_consensus(3000), 3600);
        assert_int_equal(ham_corosync_consensus(501), 602);
        assert_int_equal(ham_corosync_consensus(999), 1199);
        assert_int_equal(ham_corosync_consensus(60000), 72000);
        assert_false(ham_corosync_token_valid(499));
        assert_true(ham_corosync_token_valid(500));
        assert_true(ham_corosync_token_valid(60000));
        assert_false(ham_corosync_token_valid(60001));
        {
                static const char *const bad[] = { "499", "60001", "", "fast", "800ms", "-800", "+800",
                                                   " 800", "0x300", "99999999999999999999", NULL };
                guint ms = 7;
                for (const char *const *b = bad; *b; b++)
                        assert_false(ham_corosync_token_parse(*b, &ms));
                assert_int_equal(ms, 7); /* untouched on refusal */
                assert_true(ham_corosync_token_parse("500", &ms));
                assert_int_equal(ms, 500);
                assert_true(ham_corosync_token_parse("60000", &ms));
                assert_int_equal(ms, 60000);
                assert_false(ham_corosync_token_parse(NULL, &ms));
        }

        /* Not set: neither file mentions it (an existing cluster's files stay as they are). */
        assert_null(strstr(plain, "corosync-token"));
        assert_null(strstr(plain_cs, "token:"));
        assert_null(strstr(plain_cs, "consensus:"));

        conf->corosync_token = 800;
        text = ham_conf_to_data(conf);
        assert_non_null(strstr(text, "[cluster]\nname=plastik\ndrbd-secret="));
        assert_non_null(strstr(text, "\ncorosync-token=800\n"));
        back = ham_conf_load_data(text, strlen(text), "t", &error);
        assert_non_null(back);
        assert_int_equal(back->corosync_token, 800);
        assert_true(ham_conf_equal(conf, back));
        copy = ham_conf_copy(conf);
        peer = ham_conf_for_peer(conf);
        assert_int_equal(copy->corosync_token, 800);
        assert_int_equal(peer->corosync_token, 800);
        cs = ham_corosync_conf_render(conf);
        assert_non_null(strstr(cs, "    crypto_hash: sha256\n    token: 800\n    consensus: 960\n"));

        /* A different token is a different cluster set-up. */
        {
                g_autoptr(HamConf) plain_conf = sample_conf();
                diff = ham_conf_diff(back, plain_conf);
        }
        assert_string_equal(diff, "corosync's token is 800 ms, not corosync's default (3000 ms)");

        conf->corosync_token = 100;
        g_clear_error(&error);
        assert_false(ham_conf_validate(conf, "cluster init", &error));
        assert_string_equal(error->message,
                            "cluster init: [cluster] corosync-token: must be 500 to 60000 milliseconds (got 100)");
}

static void test_corosync_token_file_errors(void **state)
{
        g_autoptr(HamConf) conf = sample_conf();
        g_autofree char *text = ham_conf_to_data(conf);
        static const char *const bad[] = { "100", "60001", "fast", "800ms", "-800", "" };

        for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
                g_autoptr(GError) error = NULL;
                g_auto(GStrv) parts = g_strsplit(text, "\n[node]", 2);
                g_autofree char *s = g_strdup_printf("%s\ncorosync-token=%s\n[node]%s", parts[0], bad[i], parts[1]);
                g_autofree char *want = g_strdup_printf("p: [cluster] corosync-token: must be 500 to 60000 "
                                                        "milliseconds (got \"%s\")", bad[i]);
                assert_null(ham_conf_load_data(s, strlen(s), "p", &error));
                assert_string_equal(error->message, want);
        }
}

static void test_plan_corosync_token(void **state)
{
        g_autoptr(HamConf) want = sample_conf();
        g_autoptr(GBytes) key = key_of(1);
        g_autoptr(GError) error = NULL, e2 = NULL;
        HamNodeState have = { 0 };
        g_autoptr(GPtrArray) plan = NULL, again = NULL;

        want->corosync_token = 800;
        plan = ham_cluster_plan(HAM_SETUP_INIT, &have, want, key, &error);
        assert_non_null(plan);
        /* --dry-run shows it. */
        assert_non_null(strstr(((HamStep *)plan->pdata[1])->text, "two_node, token 800 ms (consensus 960 ms); nodes"));
        /* Init again with another token: refused, naming both values. */
        have.conf = sample_conf();
        have.corosync_conf = ham_corosync_conf_render(have.conf);
        again = ham_cluster_plan(HAM_SETUP_INIT, &have, want, key, &e2);
        assert_null(again);
        assert_true(g_error_matches(e2, HAM_ERROR, HAM_ERROR_CONFLICT));
        assert_non_null(strstr(e2->message, "corosync's token is corosync's default (3000 ms), not 800 ms"));
        ham_node_state_clear(&have);
}

static HamVolume *vol(guint minor, guint port)
{
        HamVolume *v = g_new0(HamVolume, 1);
        v->guest = g_strdup("g");
        v->volume = g_strdup_printf("v%u", minor);
        v->size = 1;
        v->minor = minor;
        v->port = port;
        return v;
}

static void test_alloc(void **state)
{
        g_autoptr(GPtrArray) used = g_ptr_array_new_with_free_func((GDestroyNotify)ham_volume_free);
        g_autoptr(GError) error = NULL;
        guint minor = 99, port = 99;

        assert_true(ham_alloc_minor_port(used, &minor, &port, &error));
        assert_int_equal(minor, 0);
        assert_int_equal(port, 7788);
        g_ptr_array_add(used, vol(0, 7788));
        g_ptr_array_add(used, vol(2, 7790));
        assert_true(ham_alloc_minor_port(used, &minor, &port, &error));
        assert_int_equal(minor, 1); /* the gap is reused */
        assert_int_equal(port, 7789);
        for (guint p = HAM_PORT_FIRST; p <= HAM_PORT_LAST; p++)
                g_ptr_array_add(used, vol(100 + p, p));
        minor = port = 99;
        assert_false(ham_alloc_minor_port(used, &minor, &port, &error));
        assert_non_null(strstr(error->message, "no free DRBD port"));
        assert_int_equal(minor, 99); /* untouched on failure */
}

static void test_quorum_parse(void **state)
{
        const char *text =
                "Quorum information\n------------------\nDate:             Fri Nov 27 19:29:07 2026\n"
                "Quorum provider:  corosync_votequorum\nNodes:            2\nNode ID:          1\n"
                "Ring ID:          1.5\nQuorate:          Yes\n\nVotequorum information\n"
                "Flags:            2Node Quorate WaitForAll\n";
        gboolean q = FALSE;
        guint n = 0;

        assert_true(ham_quorum_parse(text, &q, &n));
        assert_true(q);
        assert_int_equal(n, 2);
        assert_false(ham_quorum_parse("Cannot initialize CMAP service\n", &q, &n));
}

static void test_generated_secrets(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *s1 = ham_secret_generate(&error);
        g_autofree char *s2 = ham_secret_generate(&error);
        g_autoptr(GBytes) key = ham_authkey_generate(&error);

        assert_true(dg_secret_valid(s1));
        assert_string_not_equal(s1, s2);
        assert_int_equal(g_bytes_get_size(key), HAM_AUTHKEY_LEN);
}

/* The status section as Pacemaker 2.1 writes it (trimmed): an anonymous
 * clone's instance is recorded as the primitive's id, a unique one as ID:N. */
static const char STATUS_XML[] =
        "<status>"
        "<node_state id=\"1\" uname=\"node1\"><lrm id=\"1\"><lrm_resources>"
        "<lrm_resource id=\"drbd-pk-lv1-root\" type=\"drbd\" class=\"ocf\" provider=\"linbit\">"
        "<lrm_rsc_op id=\"drbd-pk-lv1-root_last_0\" operation=\"monitor\" rc-code=\"0\"/></lrm_resource>"
        "<lrm_resource id=\"fence-node2\" type=\"fence_ipmilan\" class=\"stonith\"/>"
        "</lrm_resources></lrm></node_state>"
        "<node_state id=\"2\" uname=\"node2\"><lrm id=\"2\"><lrm_resources>"
        "<lrm_resource id=\"drbd-pk-lv1-root:1\" type=\"drbd\" class=\"ocf\" provider=\"linbit\"/>"
        "<lrm_resource id=\"drbd-pk-lv1-root2\" type=\"drbd\" class=\"ocf\" provider=\"linbit\"/>"
        "<lrm_resource id=\"guest-lv1\" type=\"guest\" class=\"ocf\" provider=\"plastik\"/>"
        "</lrm_resources></lrm></node_state>"
        "</status>";

static void test_history_left(void **state)
{
        g_autoptr(GError) error = NULL;
        const char *const lv1[] = { "guest-lv1", "drbd-pk-lv1-root", NULL };
        const char *const none[] = { "guest-other", "drbd-pk-lv1", NULL };
        g_autoptr(GPtrArray) left = ham_cib_history_left(STATUS_XML, strlen(STATUS_XML), lv1, &error);
        g_autoptr(GPtrArray) other = ham_cib_history_left(STATUS_XML, strlen(STATUS_XML), none, &error);
        g_autoptr(GPtrArray) bad = NULL;

        assert_non_null(left);
        /* Instances on both nodes and the guest; drbd-pk-lv1-root2 is
         * another primitive, not an instance. */
        assert_int_equal(left->len, 3);
        assert_string_equal(left->pdata[0], "drbd-pk-lv1-root on node1");
        assert_string_equal(left->pdata[1], "drbd-pk-lv1-root:1 on node2");
        assert_string_equal(left->pdata[2], "guest-lv1 on node2");
        assert_non_null(other);
        assert_int_equal(other->len, 0);
        bad = ham_cib_history_left("<status", 7, lv1, &error);
        assert_null(bad);
        assert_true(g_error_matches(error, HAM_ERROR, HAM_ERROR_PARSE));
}

/* --image: typed by its magic, and copied only when self-contained
 * (the JSON is qemu-img 7.2's, from images made for the purpose). */
static void test_image_judge(void **state)
{
        static const guint8 qcow2[] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
        static const guint8 raw[] = { 0xeb, 0x63, 0x90, 0x10 };
        const char *flat = "{ \"virtual-size\": 1048576, \"format\": \"qcow2\", \"format-specific\": "
                           "{ \"type\": \"qcow2\", \"data\": { \"compat\": \"1.1\", \"corrupt\": false } } }";
        const char *backing = "{ \"backing-filename-format\": \"raw\", \"virtual-size\": 1048576, "
                              "\"format\": \"qcow2\", \"full-backing-filename\": \"/dev/vg0/pk-other-root\", "
                              "\"backing-filename\": \"/dev/vg0/pk-other-root\" }";
        const char *data_file = "{ \"virtual-size\": 1048576, \"format\": \"qcow2\", \"format-specific\": "
                                "{ \"type\": \"qcow2\", \"data\": { \"data-file\": \"/dev/drbd3\", "
                                "\"data-file-raw\": false } } }";
        g_autoptr(GError) error = NULL;
        gint64 size = 0;

        assert_string_equal(ham_guest_image_format(qcow2, sizeof(qcow2)), "qcow2");
        assert_string_equal(ham_guest_image_format(raw, sizeof(raw)), "raw");
        assert_string_equal(ham_guest_image_format(qcow2, 3), "raw");
        assert_true(ham_guest_image_judge("a.qcow2", "qcow2", flat, &size, NULL));
        assert_true(size == 1048576);
        assert_false(ham_guest_image_judge("o.qcow2", "qcow2", backing, &size, &error));
        assert_non_null(strstr(error->message, "backing file (/dev/vg0/pk-other-root)"));
        assert_non_null(strstr(error->message, "qemu-img convert -O qcow2 o.qcow2 flat.qcow2"));
        g_clear_error(&error);
        assert_false(ham_guest_image_judge("d.qcow2", "qcow2", data_file, &size, &error));
        assert_non_null(strstr(error->message, "external file (/dev/drbd3)"));
        g_clear_error(&error);
        assert_false(ham_guest_image_judge("x", "raw", "not json", &size, &error));
        assert_non_null(strstr(error->message, "is it a raw image?"));
        g_clear_error(&error);
        assert_false(ham_guest_image_judge("x", "raw", "{ \"virtual-size\": -1 }", &size, NULL));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_identifiers),
                cmocka_unit_test(test_image_judge),
                cmocka_unit_test(test_conf_save_load),
                cmocka_unit_test(test_conf_missing_file),
                cmocka_unit_test(test_conf_save_refuses_invalid),
                cmocka_unit_test(test_conf_errors_name_key),
                cmocka_unit_test(test_conf_diff_and_peer_view),
                cmocka_unit_test(test_plan_fresh_init),
                cmocka_unit_test(test_plan_rerun_is_noop),
                cmocka_unit_test(test_plan_conflicts),
                cmocka_unit_test(test_plan_resumes),
                cmocka_unit_test(test_corosync_token),
                cmocka_unit_test(test_corosync_token_file_errors),
                cmocka_unit_test(test_plan_corosync_token),
                cmocka_unit_test(test_alloc),
                cmocka_unit_test(test_quorum_parse),
                cmocka_unit_test(test_generated_secrets),
                cmocka_unit_test(test_history_left),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
