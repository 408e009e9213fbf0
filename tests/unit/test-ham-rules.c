/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the rules hamgr keeps once: Pacemaker's booleans, the
 * health attributes' names, "fencing is usable". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ham.h"
#include "ham-fencing.h"
#include "ham-health.h"
#include "ham-pcmk.h"
#include "ham-pcmk-notify.h"
#include "pk.h"
#include "ham-xml.h"

/* Pacemaker's crm_str_to_boolean(): these ten, in any case, and no other. */
static void test_pcmk_bool_spellings(void **state)
{
        static const struct {
                const char *s;
                int want; /* 1 true, 0 false, -1 not a boolean */
        } cases[] = {
                { "true", 1 }, { "TRUE", 1 }, { "True", 1 }, { "on", 1 }, { "ON", 1 },
                { "yes", 1 }, { "Yes", 1 }, { "y", 1 }, { "Y", 1 }, { "1", 1 },
                { "false", 0 }, { "FALSE", 0 }, { "off", 0 }, { "Off", 0 }, { "no", 0 },
                { "NO", 0 }, { "n", 0 }, { "N", 0 }, { "0", 0 },
                { "", -1 }, { "t", -1 }, { "f", -1 }, { "T", -1 }, { "F", -1 }, { "2", -1 },
                { "-1", -1 }, { "01", -1 }, { "10", -1 }, { " true", -1 }, { "true ", -1 },
                { "enabled", -1 }, { "disabled", -1 }, { "ja", -1 }, { "nein", -1 },
                { "yess", -1 }, { "tru", -1 }, { "o", -1 }, { NULL, -1 },
        };
        (void)state;

        for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
                gboolean v = 42;
                gboolean parsed = ham_pcmk_str_to_bool(cases[i].s, &v);

                assert_int_equal(parsed, cases[i].want >= 0);
                assert_int_equal(v, parsed ? cases[i].want : 42); /* left alone when refused */
                assert_int_equal(ham_pcmk_is_true(cases[i].s), cases[i].want == 1);
                /* An option Pacemaker cannot read takes its default. */
                assert_int_equal(ham_pcmk_bool_option(cases[i].s, TRUE), cases[i].want != 0);
                assert_int_equal(ham_pcmk_bool_option(cases[i].s, FALSE), cases[i].want == 1);
        }
}

/* The XML helper reads through the same parser. */
static void test_pcmk_bool_xml(void **state)
{
        static const char xml[] = "<x a=\"true\" b=\"Y\" c=\"f\" d=\"0\" e=\"yes\"/>";
        g_autoptr(xmlDoc) doc = ham_xml_parse(xml, strlen(xml), "test", NULL);
        xmlNode *x;
        (void)state;

        assert_non_null(doc);
        x = xmlDocGetRootElement(doc);
        assert_true(ham_xml_prop_bool(x, "a"));
        assert_true(ham_xml_prop_bool(x, "b"));
        assert_false(ham_xml_prop_bool(x, "c"));
        assert_false(ham_xml_prop_bool(x, "d"));
        assert_true(ham_xml_prop_bool(x, "e"));
        assert_false(ham_xml_prop_bool(x, "missing"));
}

/* An nvpair of a set: only nvpairs of sets of the kind asked, the first in
 * document order, none on a NULL node (an absent crm_config). */
static void test_xml_set_value(void **state)
{
        static const char xml[] =
                "<primitive id=\"p\">"
                "<instance_attributes id=\"i\"><nvpair id=\"i1\" name=\"config\" value=\"{}\"/>"
                "<nvpair id=\"i2\" name=\"target-role\" value=\"wrong-set\"/></instance_attributes>"
                "<meta_attributes id=\"m\"><rule id=\"r\" name=\"target-role\" value=\"not-an-nvpair\"/>"
                "<nvpair id=\"m1\" name=\"target-role\" value=\"Stopped\"/>"
                "<nvpair id=\"m2\" name=\"target-role\" value=\"second\"/>"
                "<nvpair id=\"m3\" name=\"priority\"/></meta_attributes>"
                "<meta_attributes id=\"m-2\"><nvpair id=\"m4\" name=\"plastik-probe\" value=\"10.0.0.1:80\"/>"
                "</meta_attributes></primitive>";
        g_autoptr(xmlDoc) doc = ham_xml_parse(xml, strlen(xml), "test", NULL);
        xmlNode *p;
        char *v;
        (void)state;

        assert_non_null(doc);
        p = xmlDocGetRootElement(doc);
        v = ham_xml_set_value(p, "meta_attributes", "target-role");
        assert_string_equal(v, "Stopped");
        g_free(v);
        v = ham_xml_set_value(p, "instance_attributes", "config");
        assert_string_equal(v, "{}");
        g_free(v);
        v = ham_xml_set_value(p, "meta_attributes", "plastik-probe");
        assert_string_equal(v, "10.0.0.1:80");
        g_free(v);
        assert_null(ham_xml_set_value(p, "meta_attributes", "config"));
        assert_null(ham_xml_set_value(p, "meta_attributes", "priority"));
        assert_null(ham_xml_set_value(p, "utilization", "target-role"));
        assert_null(ham_xml_set_value(NULL, "meta_attributes", "target-role"));
}

/* The names hamgrd publishes are the names hactl reads back (status,
 * guest list), and the CIB view keeps them by HAM_ATTR_PREFIX. */
static void test_health_attr_names(void **state)
{
        g_autofree char *g = ham_health_attr_guest("web1");
        g_autofree char *d = ham_health_attr_drbd("pk-web1-root");
        (void)state;

        assert_string_equal(g, "plastik-guest-web1");
        assert_string_equal(d, "plastik-health-drbd-pk-web1-root");
        assert_true(g_str_has_prefix(g, HAM_ATTR_GUEST_PREFIX));
        assert_true(g_str_has_prefix(d, HAM_ATTR_DRBD_PREFIX));
        assert_true(g_str_has_prefix(HAM_ATTR_GUEST_PREFIX, HAM_ATTR_PREFIX));
        assert_true(g_str_has_prefix(HAM_ATTR_DRBD_PREFIX, HAM_ATTR_PREFIX));
        /* Neither prefix may take the other's attributes for its own. */
        assert_false(g_str_has_prefix(d, HAM_ATTR_GUEST_PREFIX));
        assert_false(g_str_has_prefix(g, HAM_ATTR_DRBD_PREFIX));
}

static HamFenceDevice *dev(const char *id, const char *hosts, gboolean stopped)
{
        HamFenceDevice *d = g_new0(HamFenceDevice, 1);

        d->id = g_strdup(id);
        d->agent = g_strdup("fence_ipmilan");
        d->hosts = g_strdup(hosts);
        d->stopped = stopped;
        return d;
}

static GPtrArray *devs(void)
{
        return g_ptr_array_new_with_free_func((GDestroyNotify)ham_fence_device_free);
}

static void test_fence_device_can_fence(void **state)
{
        g_autoptr(HamFenceDevice) any = dev("f0", NULL, FALSE);
        g_autoptr(HamFenceDevice) list = dev("f1", "node1 node3,node4;node5", FALSE);
        g_autoptr(HamFenceDevice) map = dev("f2", "node1:1;node2:2", FALSE);
        g_autoptr(HamFenceDevice) stopped = dev("f3", NULL, TRUE);
        (void)state;

        assert_true(ham_fence_device_can_fence(any, NULL));
        assert_true(ham_fence_device_can_fence(any, "node2"));
        assert_true(ham_fence_device_can_fence(list, "node1"));
        assert_true(ham_fence_device_can_fence(list, "node4"));
        assert_true(ham_fence_device_can_fence(list, "node5"));
        assert_false(ham_fence_device_can_fence(list, "node2"));
        assert_false(ham_fence_device_can_fence(list, "node"));
        assert_true(ham_fence_device_can_fence(map, "node2"));
        assert_false(ham_fence_device_can_fence(map, "1"));
        assert_false(ham_fence_device_can_fence(stopped, NULL));
        assert_false(ham_fence_device_can_fence(stopped, "node1"));
}

static void test_fencing_judge(void **state)
{
        g_autoptr(GPtrArray) none = devs(), one_stopped = devs(), node1_only = devs(), both = devs();
        g_autoptr(GPtrArray) half_stopped = devs();
        (void)state;

        g_ptr_array_add(one_stopped, dev("f1", "node1", TRUE));
        g_ptr_array_add(one_stopped, dev("f2", "node2", TRUE));
        g_ptr_array_add(node1_only, dev("f1", "node1", FALSE));
        g_ptr_array_add(both, dev("f1", "node1", FALSE));
        g_ptr_array_add(both, dev("f2", "node2", FALSE));
        g_ptr_array_add(half_stopped, dev("f1", "node1", FALSE));
        g_ptr_array_add(half_stopped, dev("f2", "node2", TRUE));

        /* stonith-enabled=false wins over everything. */
        assert_int_equal(ham_fencing_judge(FALSE, both, NULL), HAM_FENCING_DISABLED);
        assert_int_equal(ham_fencing_judge(FALSE, none, "node1"), HAM_FENCING_DISABLED);
        /* No devices. */
        assert_int_equal(ham_fencing_judge(TRUE, none, NULL), HAM_FENCING_NO_DEVICE);
        assert_int_equal(ham_fencing_judge(TRUE, NULL, "node1"), HAM_FENCING_NO_DEVICE);
        /* Devices, all target-role Stopped: none runs, none fences. */
        assert_int_equal(ham_fencing_judge(TRUE, one_stopped, NULL), HAM_FENCING_ALL_STOPPED);
        assert_int_equal(ham_fencing_judge(TRUE, one_stopped, "node1"), HAM_FENCING_ALL_STOPPED);
        /* A device for node1 only: usable, but node2 cannot be fenced. */
        assert_int_equal(ham_fencing_judge(TRUE, node1_only, NULL), HAM_FENCING_USABLE);
        assert_int_equal(ham_fencing_judge(TRUE, node1_only, "node1"), HAM_FENCING_USABLE);
        assert_int_equal(ham_fencing_judge(TRUE, node1_only, "node2"), HAM_FENCING_NOT_COVERED);
        /* One per node. */
        assert_int_equal(ham_fencing_judge(TRUE, both, NULL), HAM_FENCING_USABLE);
        assert_int_equal(ham_fencing_judge(TRUE, both, "node1"), HAM_FENCING_USABLE);
        assert_int_equal(ham_fencing_judge(TRUE, both, "node2"), HAM_FENCING_USABLE);
        /* One per node, node2's stopped. */
        assert_int_equal(ham_fencing_judge(TRUE, half_stopped, NULL), HAM_FENCING_USABLE);
        assert_int_equal(ham_fencing_judge(TRUE, half_stopped, "node2"), HAM_FENCING_NOT_COVERED);
}

/* The XML path: stonith-enabled as Pacemaker reads it, devices as the
 * Pacemaker module reads them, judged by the same rule; and the view path
 * (the CIB's typed view that hamgrd reports) agreeing with it. */
static HamFencing judge_cib(const char *crm_config, const char *resources, const char *node)
{
        g_autofree char *xml = g_strdup_printf("<cib><configuration><crm_config>%s</crm_config>"
                                               "<resources>%s</resources></configuration></cib>",
                                               crm_config, resources);
        g_autoptr(xmlDoc) doc = ham_xml_parse(xml, strlen(xml), "test", NULL);
        xmlNode *root, *conf;
        g_autoptr(HamCibView) view = NULL;
        HamFencing verdict;

        assert_non_null(doc);
        root = xmlDocGetRootElement(doc);
        conf = ham_xml_child(root, "configuration");
        verdict = ham_cib_fencing(conf, node);
        view = ham_pcmk_cib_view_read(root);
        assert_int_equal(ham_fencing_judge_cib(view, node), verdict);
        return verdict;
}

#define SET(v) "<cluster_property_set id=\"o\"><nvpair id=\"o1\" name=\"stonith-enabled\" " \
               "value=\"" v "\"/></cluster_property_set>"
#define DEV(id, hosts, role)                                                                       \
        "<primitive id=\"" id "\" class=\"stonith\" type=\"fence_ipmilan\">"                      \
        "<instance_attributes id=\"" id "-i\"><nvpair id=\"" id "-h\" name=\"pcmk_host_list\" "  \
        "value=\"" hosts "\"/></instance_attributes><meta_attributes id=\"" id "-m\">"             \
        "<nvpair id=\"" id "-r\" name=\"target-role\" value=\"" role "\"/></meta_attributes>"    \
        "</primitive>"
#define BOTH DEV("f1", "node1", "Started") DEV("f2", "node2", "Started")

static void test_fencing_cib(void **state)
{
        (void)state;

        /* stonith-enabled absent, true, false, odd spellings. */
        assert_int_equal(judge_cib("", BOTH, NULL), HAM_FENCING_USABLE);
        assert_int_equal(judge_cib(SET("true"), BOTH, NULL), HAM_FENCING_USABLE);
        assert_int_equal(judge_cib(SET("false"), BOTH, NULL), HAM_FENCING_DISABLED);
        assert_int_equal(judge_cib(SET("No"), BOTH, NULL), HAM_FENCING_DISABLED);
        assert_int_equal(judge_cib(SET("n"), BOTH, NULL), HAM_FENCING_DISABLED);
        assert_int_equal(judge_cib(SET("0"), BOTH, NULL), HAM_FENCING_DISABLED);
        assert_int_equal(judge_cib(SET("y"), BOTH, NULL), HAM_FENCING_USABLE);
        assert_int_equal(judge_cib(SET("f"), BOTH, NULL), HAM_FENCING_USABLE);
        assert_int_equal(judge_cib(SET("maybe"), BOTH, NULL), HAM_FENCING_USABLE);
        assert_int_equal(judge_cib(SET(""), BOTH, NULL), HAM_FENCING_USABLE);
        /* No devices; devices stopped (any case); one node; both nodes. */
        assert_int_equal(judge_cib("", "", NULL), HAM_FENCING_NO_DEVICE);
        assert_int_equal(judge_cib("", DEV("f1", "node1", "Stopped") DEV("f2", "node2", "stopped"), NULL),
                         HAM_FENCING_ALL_STOPPED);
        assert_int_equal(judge_cib("", DEV("f1", "node1", "Started"), "node1"), HAM_FENCING_USABLE);
        assert_int_equal(judge_cib("", DEV("f1", "node1", "Started"), "node2"), HAM_FENCING_NOT_COVERED);
        assert_int_equal(judge_cib("", BOTH, "node2"), HAM_FENCING_USABLE);
        assert_int_equal(judge_cib("", DEV("f1", "node1", "Started") DEV("f2", "node2", "Stopped"), "node2"),
                         HAM_FENCING_NOT_COVERED);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pcmk_bool_spellings),
                cmocka_unit_test(test_pcmk_bool_xml),
                cmocka_unit_test(test_xml_set_value),
                cmocka_unit_test(test_health_attr_names),
                cmocka_unit_test(test_fence_device_can_fence),
                cmocka_unit_test(test_fencing_judge),
                cmocka_unit_test(test_fencing_cib),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
