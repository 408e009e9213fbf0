/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the guest definition model and the accelerator probe. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>

#include "hv.h"
#include "pk.h"

static HvGuestDef *parse(const char *text, GError **error)
{
        g_autoptr(json_object) obj = pk_json_parse(text, -1, "test", error);
        return obj ? hv_guest_def_from_json(obj, error) : NULL;
}

static void test_defaults(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestDef) def = parse(
                "{\"name\":\"nagios1\",\"disks\":[{\"path\":\"/dev/drbd0\"}],"
                "\"nics\":[{\"type\":\"tap\",\"ifname\":\"tap0\"}]}", &error);

        assert_non_null(def);
        assert_string_equal(def->name, "nagios1");
        assert_int_equal(def->memory_mib, 256);
        assert_int_equal(def->vcpus, 1);
        assert_int_equal(def->accel, HV_ACCEL_AUTO);
        assert_int_equal(def->n_disks, 1);
        assert_int_equal(def->disks[0].cache, HV_CACHE_NONE);
        assert_int_equal(def->disks[0].aio, HV_AIO_NATIVE);
        assert_false(def->disks[0].readonly);
        assert_int_equal(def->boot, HV_BOOT_DISK);
        assert_true(def->pvpanic);
        assert_int_equal(def->panic_action, HV_PANIC_PAUSE);
        assert_false(def->watchdog);
        assert_true(g_str_has_prefix(def->nics[0].mac, "52:54:00:"));
}

static void test_roundtrip(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestDef) a = parse(
                "{\"name\":\"w\",\"memory\":128,\"vcpus\":2,\"accel\":\"tcg\","
                "\"disks\":[{\"path\":\"/dev/drbd3\",\"cache\":\"writeback\",\"aio\":\"threads\",\"readonly\":true}],"
                "\"nics\":[{\"type\":\"bridge\",\"bridge\":\"br0\",\"mac\":\"52:54:00:AA:BB:CC\"}],"
                "\"boot\":{\"kernel\":\"/k\",\"initrd\":\"/i\",\"cmdline\":\"quiet\"},"
                "\"watchdog\":{\"action\":\"pause\"},\"on_panic\":\"none\"}", &error);
        assert_non_null(a);
        g_autoptr(json_object) ja = hv_guest_def_to_json(a);
        g_autoptr(HvGuestDef) b = hv_guest_def_from_json(ja, &error);
        assert_non_null(b);
        g_autoptr(json_object) jb = hv_guest_def_to_json(b);
        g_autofree char *sa = pk_json_to_string(ja, FALSE);
        g_autofree char *sb = pk_json_to_string(jb, FALSE);
        assert_string_equal(sa, sb);
        assert_string_equal(b->nics[0].mac, "52:54:00:aa:bb:cc");
        assert_int_equal(b->boot, HV_BOOT_KERNEL);
        assert_int_equal(b->watchdog_action, HV_WATCHDOG_PAUSE);
}

/* The derived MAC must not change between runs or nodes, and differ per NIC. */
static void test_mac_is_stable(void **state)
{
        const char *text = "{\"name\":\"g\",\"disks\":[{\"path\":\"/d\"}],"
                           "\"nics\":[{\"type\":\"tap\",\"ifname\":\"a\"},{\"type\":\"tap\",\"ifname\":\"b\"}]}";
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestDef) a = parse(text, &error);
        g_autoptr(HvGuestDef) b = parse(text, &error);

        assert_non_null(a);
        assert_non_null(b);
        assert_string_equal(a->nics[0].mac, b->nics[0].mac);
        assert_string_not_equal(a->nics[0].mac, a->nics[1].mac);
}

static void test_errors_name_the_field(void **state)
{
        static const struct { const char *json, *field; } cases[] = {
                { "{\"disks\":[{\"path\":\"/d\"}]}", "name: is required" },
                { "{\"name\":\"9abc\",\"disks\":[{\"path\":\"/d\"}]}", "name: must match" },
                { "{\"name\":\"abcdefghijklmnopqrstuvwxyzabcdefg\",\"disks\":[{\"path\":\"/d\"}]}", "name: must match" },
                { "{\"name\":\"a\",\"vcpus\":0,\"disks\":[{\"path\":\"/d\"}]}", "vcpus: must be an integer between 1 and 255" },
                { "{\"name\":\"a\",\"memory\":2097152,\"disks\":[{\"path\":\"/d\"}]}", "memory: must be an integer" },
                { "{\"name\":\"a\",\"disks\":{}}", "disks: must be an array" },
                { "{\"name\":\"a\",\"disks\":[5]}", "disks[0]: must be an object" },
                { "{\"name\":\"a\",\"disks\":[{\"path\":\"/d\",\"bus\":\"ide\"}]}", "disks[0].bus: must be \"virtio\"" },
                { "{\"name\":\"a\",\"disks\":[{\"path\":\"/d\",\"size\":3}]}", "disks[0].size: unknown field" },
                { "{\"name\":\"a\",\"disks\":[{\"path\":\"/d\",\"readonly\":\"yes\"}]}", "disks[0].readonly: must be true or false" },
                { "{\"name\":\"a\",\"disks\":[{\"path\":\"/d\"}],\"nics\":[{\"type\":\"vde\"}]}", "nics[0].type: must be one of tap, bridge" },
                { "{\"name\":\"a\",\"disks\":[{\"path\":\"/d\"}],\"nics\":[{\"type\":\"tap\",\"ifname\":\"a b\"}]}", "nics[0].ifname: may contain only" },
                { "{\"name\":\"a\",\"disks\":[{\"path\":\"/d\"}],\"nics\":[{\"type\":\"tap\",\"ifname\":\"averyveryverylongname\"}]}", "nics[0].ifname: must be a network interface name" },
                { "{\"name\":\"a\",\"disks\":[{\"path\":\"/d\"}],\"nics\":[{\"type\":\"bridge\",\"bridge\":\"b\",\"ifname\":\"t\"}]}", "nics[0].ifname: is only for type \"tap\"" },
                { "{\"name\":\"a\",\"disks\":[{\"path\":\"/d\"}],\"nics\":[{\"type\":\"tap\",\"ifname\":\"t\",\"mac\":\"52:54:00:00:00\"}]}", "nics[0].mac: must be a unicast MAC" },
                { "{\"name\":\"a\",\"disks\":[{\"path\":\"/d\"}],\"nics\":[{\"type\":\"tap\",\"ifname\":\"t\",\"mac\":\"52:54:00:00:00:01\"},{\"type\":\"tap\",\"ifname\":\"u\",\"mac\":\"52:54:00:00:00:01\"}]}", "nics[1].mac: 52:54:00:00:00:01 is already" },
                { "{\"name\":\"a\",\"boot\":{\"from\":\"kernel\"}}", "boot.kernel: is required" },
                { "{\"name\":\"a\",\"boot\":{\"kernel\":\"vmlinuz\"}}", "boot.kernel: must be an absolute path" },
                { "{\"name\":\"a\",\"boot\":\"disk\"}", "boot: must be an object" },
                { "{\"name\":\"a\",\"disks\":[{\"path\":\"/d\"}],\"watchdog\":{\"model\":\"ib700\"}}", "watchdog.model: must be \"i6300esb\"" },
                { "{\"name\":\"a\",\"disks\":[{\"path\":\"/d\"}],\"accel\":\"xen\"}", "accel: must be one of auto, kvm, tcg" },
                { "{\"name\":\"a\",\"disks\":[{\"path\":\"/d\"}],\"on_panic\":\"reboot\"}", "on_panic: must be one of pause, shutdown, none" },
                { "{\"name\":\"a\",\"disks\":[{\"path\":\"/d\"}],\"pvpanic\":1}", "pvpanic: must be true or false" },
                { "{\"name\":7}", "name: must be a string (got integer)" },
        };
        for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autoptr(GError) error = NULL;
                g_autoptr(HvGuestDef) def = parse(cases[i].json, &error);
                if (def || !strstr(error->message, cases[i].field))
                        fail_msg("case %zu (%s): expected an error containing \"%s\", got %s",
                                 i, cases[i].json, cases[i].field, def ? "success" : error->message);
                assert_true(g_error_matches(error, HV_ERROR, HV_ERROR_INVALID));
                assert_true(g_str_has_prefix(error->message, "guest definition: "));
        }
}

static void test_name_rule(void **state)
{
        assert_true(hv_guest_name_valid("a"));
        assert_true(hv_guest_name_valid("nagios-01"));
        assert_true(hv_guest_name_valid("abcdefghijklmnopqrstuvwxyzabcdef")); /* 32 */
        assert_false(hv_guest_name_valid("abcdefghijklmnopqrstuvwxyzabcdefg")); /* 33 */
        assert_false(hv_guest_name_valid(""));
        assert_false(hv_guest_name_valid(NULL));
        assert_false(hv_guest_name_valid("-a"));
        assert_false(hv_guest_name_valid("a_b"));
        assert_false(hv_guest_name_valid("a/b"));
        assert_false(hv_guest_name_valid("A"));
        assert_false(hv_guest_name_valid(".."));
}

static char *write_temp(const char *content)
{
        char *path = NULL;
        int fd = g_file_open_tmp("pk-test-XXXXXX", &path, NULL);
        assert_true(fd >= 0);
        close(fd);
        assert_true(g_file_set_contents(path, content, -1, NULL));
        return path;
}

static void test_accel_probe(void **state)
{
        g_autofree char *dev = write_temp("");
        g_autofree char *vmx = write_temp("processor\t: 0\nflags\t\t: fpu vme vmx sse\n");
        g_autofree char *svm = write_temp("flags\t\t: fpu svm\n");
        g_autofree char *none = write_temp("flags\t\t: fpu vme sse hypervisor\n");
        g_autofree char *lookalike = write_temp("flags\t\t: fpu vmxfoo\nmodel name\t: svm\n");

        assert_int_equal(hv_accel_probe(dev, vmx), HV_ACCEL_KVM);
        assert_int_equal(hv_accel_probe(dev, svm), HV_ACCEL_KVM);
        /* /dev/kvm opens but the CPU shows no virtualization: TCG. */
        assert_int_equal(hv_accel_probe(dev, none), HV_ACCEL_TCG);
        assert_int_equal(hv_accel_probe(dev, lookalike), HV_ACCEL_TCG);
        /* No /dev/kvm: TCG whatever the CPU says. */
        assert_int_equal(hv_accel_probe("/nonexistent/kvm", vmx), HV_ACCEL_TCG);
        g_unlink(dev);
        g_unlink(vmx);
        g_unlink(svm);
        g_unlink(none);
        g_unlink(lookalike);
}

static void test_argv_is_pure(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestDef) def = parse("{\"name\":\"g\",\"disks\":[{\"path\":\"/d\"}]}", &error);
        HvQemuEnv env = { "qemu", "/r/guests/g", "/r/log/g.console.log", HV_ACCEL_TCG };
        g_auto(GStrv) a = hv_qemu_build_argv(def, &env, &error);
        g_auto(GStrv) b = hv_qemu_build_argv(def, &env, &error);

        assert_non_null(a);
        assert_true(g_strv_equal((const char *const *)a, (const char *const *)b));
        /* An unresolved accelerator is a programming error, reported not crashed on. */
        env.accel = HV_ACCEL_AUTO;
        g_auto(GStrv) c = hv_qemu_build_argv(def, &env, &error);
        assert_null(c);
        assert_non_null(error);
}

/* A bridge NIC goes to QEMU as a descriptor libhv opened (tap.c); an
 * environment without one for it is an error naming the NIC, not an argv
 * that would make QEMU run qemu-bridge-helper after all. */
static void test_argv_bridge_needs_a_tap(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestDef) def = parse("{\"name\":\"g\",\"disks\":[{\"path\":\"/d\"}],"
                                          "\"nics\":[{\"type\":\"tap\",\"ifname\":\"t0\"},"
                                          "{\"type\":\"bridge\",\"bridge\":\"br0\"}]}", &error);
        int fds[] = { -1, 5 };
        HvQemuEnv env = { "qemu", "/r/guests/g", "/r/log/g.console.log", HV_ACCEL_TCG, fds };
        g_auto(GStrv) a = hv_qemu_build_argv(def, &env, &error);

        assert_non_null(a);
        assert_true(g_strv_contains((const char *const *)a, "tap,id=net1,fd=5"));
        assert_true(g_strv_contains((const char *const *)a, "tap,id=net0,ifname=t0,script=no,downscript=no"));
        env.nic_fds = NULL;
        g_auto(GStrv) b = hv_qemu_build_argv(def, &env, &error);
        assert_null(b);
        assert_non_null(error);
        assert_string_equal(error->message, "nics[1]: no tap was opened on bridge br0 for it");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_roundtrip),
                cmocka_unit_test(test_mac_is_stable),
                cmocka_unit_test(test_errors_name_the_field),
                cmocka_unit_test(test_name_rule),
                cmocka_unit_test(test_accel_probe),
                cmocka_unit_test(test_argv_is_pure),
                cmocka_unit_test(test_argv_bridge_needs_a_tap),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
