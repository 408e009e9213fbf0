/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the rules hamgr keeps once: Pacemaker's booleans, the
 * health attributes' names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ham.h"
#include "ham-health.h"
#include "ham-xml.h"

/* Pacemaker's crm_str_to_boolean(): these ten, in any case, and no other. */
static void test_pcmk_bool_spellings(void **state)
{
        static const char *const yes[] = { "true", "TRUE", "True", "on", "ON", "yes", "Yes",
                                           "y", "Y", "1", NULL };
        static const char *const no[] = { "false", "FALSE", "off", "Off", "no", "NO", "n", "N",
                                          "0", NULL };
        static const char *const neither[] = { "", "t", "f", "T", "F", "2", "-1", "01", "10",
                                               " true", "true ", "enabled", "disabled", "ja",
                                               "nein", "yess", "tru", "o", NULL };
        (void)state;

        for (int i = 0; yes[i]; i++) {
                gboolean v = FALSE;
                assert_true(ham_pcmk_str_to_bool(yes[i], &v));
                assert_true(v);
                assert_true(ham_pcmk_is_true(yes[i]));
                assert_true(ham_pcmk_bool_option(yes[i], FALSE));
        }
        for (int i = 0; no[i]; i++) {
                gboolean v = TRUE;
                assert_true(ham_pcmk_str_to_bool(no[i], &v));
                assert_false(v);
                assert_false(ham_pcmk_is_true(no[i]));
                assert_false(ham_pcmk_bool_option(no[i], TRUE));
        }
        for (int i = 0; neither[i]; i++) {
                gboolean v = 42;
                assert_false(ham_pcmk_str_to_bool(neither[i], &v));
                assert_int_equal(v, 42); /* left alone */
                assert_false(ham_pcmk_is_true(neither[i]));
                /* An option Pacemaker cannot read takes its default. */
                assert_true(ham_pcmk_bool_option(neither[i], TRUE));
                assert_false(ham_pcmk_bool_option(neither[i], FALSE));
        }
        assert_false(ham_pcmk_str_to_bool(NULL, NULL));
        assert_false(ham_pcmk_is_true(NULL));
        assert_true(ham_pcmk_bool_option(NULL, TRUE));
        assert_false(ham_pcmk_bool_option(NULL, FALSE));
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

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pcmk_bool_spellings),
                cmocka_unit_test(test_pcmk_bool_xml),
                cmocka_unit_test(test_health_attr_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
