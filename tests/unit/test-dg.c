/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of libdrbdglue's names, sizes, site file and volume definitions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dg.h"
#include "dg-volume-internal.h"
#include "pk.h"

#define SITE_OK \
        "[site]\nsecret=0123456789abcdefXYZ\n" \
        "[node node1]\naddress=10.99.0.1\nvg=vglab\n" \
        "[node node2]\naddress=10.99.0.2\nvg=vglab\n"

static void test_volume_names(void **state)
{
        assert_true(dg_volume_name_valid("root"));
        assert_true(dg_volume_name_valid("d0"));
        assert_true(dg_volume_name_valid("abcdefghijklmnop")); /* 16 */
        assert_false(dg_volume_name_valid("abcdefghijklmnopq"));
        assert_false(dg_volume_name_valid(""));
        assert_false(dg_volume_name_valid(NULL));
        assert_false(dg_volume_name_valid("0root"));
        assert_false(dg_volume_name_valid("ro-ot"));
        assert_false(dg_volume_name_valid("Root"));
}

static void test_node_names(void **state)
{
        g_autofree char *max = g_strnfill(DG_NODE_NAME_MAX, 'n');
        g_autofree char *over = g_strnfill(DG_NODE_NAME_MAX + 1, 'n');

        assert_true(dg_node_name_valid("node1"));
        assert_true(dg_node_name_valid("n1.example.org"));
        assert_true(dg_node_name_valid("Node_2"));
        assert_true(dg_node_name_valid("7"));
        assert_true(dg_node_name_valid(max));
        assert_false(dg_node_name_valid(over));
        assert_false(dg_node_name_valid(""));
        assert_false(dg_node_name_valid(NULL));
        /* Read before by the CPG and API parsers and the fence handler: */
        assert_false(dg_node_name_valid("-node"));
        assert_false(dg_node_name_valid(".node"));
        assert_false(dg_node_name_valid("_node"));
        assert_false(dg_node_name_valid("node:1"));
        assert_false(dg_node_name_valid("my node"));
        assert_false(dg_node_name_valid("node/1"));
}

static void test_lvm_names(void **state)
{
        g_autofree char *max = g_strnfill(DG_LVM_NAME_MAX, 'v');
        g_autofree char *over = g_strnfill(DG_LVM_NAME_MAX + 1, 'v');

        assert_true(dg_vg_name_valid("vg_0.x+y"));
        assert_true(dg_vg_name_valid("plastik"));
        assert_true(dg_vg_name_valid("a-"));
        assert_true(dg_vg_name_valid(max));
        assert_false(dg_vg_name_valid(over));
        assert_false(dg_vg_name_valid(""));
        assert_false(dg_vg_name_valid(NULL));
        assert_false(dg_vg_name_valid("."));
        assert_false(dg_vg_name_valid(".."));
        assert_false(dg_vg_name_valid("-vg"));
        assert_false(dg_vg_name_valid("vg/x"));
        assert_false(dg_vg_name_valid("vg x"));
        assert_true(dg_lv_name_valid("pk-web1-root"));
        assert_true(dg_lv_name_valid("splitbrain-pk-web1-root-20260101-120000"));
        assert_true(dg_lv_name_valid(max));
        assert_false(dg_lv_name_valid(over));
        assert_false(dg_lv_name_valid("-lv"));
        assert_false(dg_lv_name_valid(".."));
        assert_false(dg_lv_name_valid("lv;rm"));
}

static void test_res_names(void **state)
{
        g_autofree char *max = g_strnfill(DG_RES_NAME_MAX, 'r');
        g_autofree char *over = g_strnfill(DG_RES_NAME_MAX + 1, 'r');

        assert_true(dg_res_name_valid("pk-web1-root"));
        assert_true(dg_res_name_valid("r0"));
        assert_true(dg_res_name_valid("backup+2.data_x"));
        assert_true(dg_res_name_valid("resource-and-stonith"));
        assert_true(dg_res_name_valid(max));
        assert_false(dg_res_name_valid(over));
        assert_false(dg_res_name_valid(""));
        assert_false(dg_res_name_valid(NULL));
        assert_false(dg_res_name_valid("pk-a/../b"));
        assert_false(dg_res_name_valid("pk-a;rm -rf"));
        assert_false(dg_res_name_valid("r:0"));
        assert_false(dg_res_name_valid("r\n0"));
}

static void test_addresses(void **state)
{
        assert_true(dg_address_valid("10.99.0.1"));
        assert_true(dg_address_valid("fd00::1"));
        assert_true(dg_address_valid("::ffff:10.0.0.1"));
        assert_false(dg_address_valid("10.99.0.256"));
        assert_false(dg_address_valid("10.99.0.1:7789"));
        assert_false(dg_address_valid("[fd00::1]"));
        assert_false(dg_address_valid("node1"));
        assert_false(dg_address_valid(""));
        assert_false(dg_address_valid(NULL));
}

static void test_secrets(void **state)
{
        g_autofree char *max = g_strnfill(DG_SECRET_MAX, 's');
        g_autofree char *over = g_strnfill(DG_SECRET_MAX + 1, 's');

        assert_true(dg_secret_valid("0123456789abcdef"));
        assert_true(dg_secret_valid("AZaz09+/=_-AZaz09+/=_-"));
        assert_true(dg_secret_valid(max));
        assert_false(dg_secret_valid(over));
        assert_false(dg_secret_valid("0123456789abcde"));
        assert_false(dg_secret_valid(NULL));
        assert_false(dg_secret_valid("0123456789abcdef\""));
        assert_false(dg_secret_valid("0123456789 abcdef"));
        assert_false(dg_secret_valid("0123456789abcdef\\"));
}

static void test_resource_names(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *res = dg_resource_name("web-1", "root", &error);
        g_autofree char *guest = NULL, *volume = NULL;

        assert_string_equal(res, "pk-web-1-root");
        assert_true(dg_resource_name_parse(res, &guest, &volume));
        assert_string_equal(guest, "web-1");
        assert_string_equal(volume, "root");

        assert_null(dg_resource_name("Web", "root", &error));
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_INVALID));
        assert_non_null(strstr(error->message, "\"Web\" is not a guest name"));
        g_clear_error(&error);
        assert_null(dg_resource_name("web", "a-b", &error));
        assert_non_null(strstr(error->message, "no '-'"));

        assert_false(dg_resource_name_parse("r0", NULL, NULL));
        assert_false(dg_resource_name_parse("pk-", NULL, NULL));
        assert_false(dg_resource_name_parse("pk-web", NULL, NULL));
        assert_false(dg_resource_name_parse("pk--root", NULL, NULL));
        assert_false(dg_resource_name_parse("pk-web-", NULL, NULL));
        assert_false(dg_resource_name_parse("pk-web-Root", NULL, NULL));
        assert_false(dg_resource_name_parse(NULL, NULL, NULL));
        assert_true(dg_resource_name_parse("pk-a-b", NULL, NULL));
}

static guint64 size_of(const char *text)
{
        guint64 v = 0;
        g_autoptr(GError) error = NULL;
        assert_true(dg_size_parse(text, "--size", &v, &error));
        return v;
}

static void size_bad(const char *text, const char *want)
{
        guint64 v = 7;
        g_autoptr(GError) error = NULL;
        assert_false(dg_size_parse(text, "--size", &v, &error));
        assert_int_equal(v, 7); /* untouched */
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_INVALID));
        assert_true(g_str_has_prefix(error->message, "--size: "));
        if (!strstr(error->message, want))
                fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, error->message, want);
}

static void test_sizes(void **state)
{
        assert_int_equal(size_of("3G"), G_GUINT64_CONSTANT(3) << 30);
        assert_int_equal(size_of("512M"), 512 << 20);
        assert_int_equal(size_of("512m"), 512 << 20);
        assert_int_equal(size_of("1.5GiB"), G_GUINT64_CONSTANT(3) << 29);
        assert_int_equal(size_of("64MB"), 64 << 20);
        assert_int_equal(size_of("1073741824"), G_GUINT64_CONSTANT(1) << 30);
        assert_int_equal(size_of("4K"), 4096);
        assert_int_equal(size_of("2T"), G_GUINT64_CONSTANT(2) << 40);
        assert_int_equal(size_of("18446744073709551615"), G_MAXUINT64);
        size_bad("0", "greater than 0");
        size_bad("0G", "greater than 0");
        size_bad("-1G", "is not a size");
        size_bad("", "is not a size");
        size_bad(NULL, "is not a size");
        size_bad("3X", "is not a size");
        size_bad("3GG", "is not a size");
        size_bad("G", "is not a size");
        size_bad(".5G", "is not a size");
        size_bad("1.", "is not a size");
        size_bad("1.5", "whole number of bytes");
        size_bad("18446744073709551616", "too large");
        size_bad("16777216T", "too large");
        size_bad("99999999999999999999999", "is not a size");
        size_bad("3 G", "is not a size");
}

static void format_is(guint64 bytes, const char *want)
{
        g_autofree char *s = dg_size_format(bytes);
        assert_string_equal(s, want);
}

static void test_size_format(void **state)
{
        format_is(0, "0 B");
        format_is(512, "512 B");
        format_is(1024, "1 KiB");
        format_is(512 << 20, "512 MiB");
        format_is(G_GUINT64_CONSTANT(3) << 30, "3 GiB");
        format_is((G_GUINT64_CONSTANT(3) << 30) + (4 << 20), "3.0 GiB");
        format_is(G_GUINT64_CONSTANT(2254857830), "2.1 GiB");
        format_is((G_GUINT64_CONSTANT(1) << 30) - 1, "1.0 GiB");
        format_is(G_MAXUINT64, "16.0 EiB");
}

static void test_lv_size_for(void **state)
{
        const guint64 mib = 1 << 20, ext = 4 * mib;

        /* 64 MiB: bitmap 2 KiB -> 4 KiB, + 36 KiB -> 1 MiB of metadata. */
        assert_int_equal(dg_lv_size_for(64 * mib, 0), 65 * mib);
        assert_int_equal(dg_lv_size_for(64 * mib, ext), 68 * mib);
        /* 3 GiB: bitmap 96 KiB + 36 KiB -> 1 MiB. */
        assert_int_equal(dg_lv_size_for(3072 * mib, ext), 3076 * mib);
        /* 1 TiB: bitmap 32 MiB + 36 KiB -> 33 MiB, then extents. */
        assert_int_equal(dg_lv_size_for(G_GUINT64_CONSTANT(1) << 40, 0), (G_GUINT64_CONSTANT(1) << 40) + 33 * mib);
        assert_int_equal(dg_lv_size_for(G_GUINT64_CONSTANT(1) << 40, ext), (G_GUINT64_CONSTANT(1) << 40) + 36 * mib);
        /* Always more than asked, by at least the metadata. */
        for (guint64 s = mib; s < 100 * mib; s += 7 * mib)
                assert_true(dg_lv_size_for(s, ext) >= s + 36 * 1024 + s / 32768);
}

static DgSite *load(const char *text, const char *local, GError **error)
{
        return dg_site_load_data(text, strlen(text), "/etc/plastik/drbd-site.conf", local, error);
}

static void site_bad(const char *text, const char *local, int code, const char *want)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgSite) site = load(text, local, &error);

        assert_null(site);
        assert_true(g_error_matches(error, DG_ERROR, code));
        if (!g_str_has_prefix(error->message, "/etc/plastik/drbd-site.conf: "))
                fail_msg("message \"%s\" does not name the file", error->message);
        if (!strstr(error->message, want))
                fail_msg("message \"%s\" lacks \"%s\"", error->message, want);
}

static void test_site_ok(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgSite) site = load(SITE_OK, "node2", &error);

        assert_non_null(site);
        assert_string_equal(site->fence_peer_handler, "/usr/sbin/plastik-fence-peer");
        assert_string_equal(site->unfence_handler, "/usr/sbin/plastik-unfence-peer");
        assert_string_equal(site->res_dir, "/etc/drbd.d");
        assert_string_equal(dg_site_local(site)->name, "node2");
        assert_string_equal(dg_site_peer(site)->name, "node1");
        assert_string_equal(dg_site_peer(site)->address, "10.99.0.1");
        assert_true(dg_site_validate(site, &error));
}

static void test_site_errors(void **state)
{
        site_bad("[site\n", "node1", DG_ERROR_INVALID, "/etc/plastik/drbd-site.conf: ");
        site_bad(SITE_OK, "node3", DG_ERROR_INVALID, "this node is \"node3\", which is neither of the site's nodes (node1, node2)");
        site_bad("[node a]\naddress=10.0.0.1\nvg=v\n[node b]\naddress=10.0.0.2\nvg=v\n", "a",
                 DG_ERROR_INVALID, "[site]: is missing");
        site_bad("[site]\nsecret=0123456789abcdefXYZ\n[node a]\naddress=10.0.0.1\nvg=v\n", "a",
                 DG_ERROR_INVALID, "has 1 [node NAME] group; a site has exactly two");
        site_bad(SITE_OK "[node node3]\naddress=10.99.0.3\nvg=v\n", "node1", DG_ERROR_INVALID,
                 "[node node3]: a third node");
        site_bad(SITE_OK "[extra]\n", "node1", DG_ERROR_INVALID, "[extra]: unknown group");
        site_bad("[site]\nsecret=short\n[node a]\naddress=10.0.0.1\nvg=v\n[node b]\naddress=10.0.0.2\nvg=v\n",
                 "a", DG_ERROR_INVALID, "[site] secret: must be 16 to 64 characters long (got 5)");
        site_bad("[site]\n[node a]\naddress=10.0.0.1\nvg=v\n[node b]\naddress=10.0.0.2\nvg=v\n",
                 "a", DG_ERROR_INVALID, "[site] secret: is required");
        site_bad("[site]\nsecret=0123456789abcdef\nsecrte=x\n", "a", DG_ERROR_INVALID,
                 "[site] secrte: unknown key (known keys: secret, fence-peer-handler, unfence-handler, "
                 "split-brain-handler, res-dir)");
        site_bad("[site]\nsecret=0123456789abcdef\nres-dir=\n", "a", DG_ERROR_INVALID, "[site] res-dir: is empty");
        site_bad("[site]\nsecret=0123456789abcdef\nfence-peer-handler=fence\n"
                 "[node a]\naddress=10.0.0.1\nvg=v\n[node b]\naddress=10.0.0.2\nvg=v\n", "a", DG_ERROR_INVALID,
                 "[site] fence-peer-handler: must be an absolute path");
        site_bad("[site]\nsecret=0123456789abcdef\nunfence-handler=/x y\n"
                 "[node a]\naddress=10.0.0.1\nvg=v\n[node b]\naddress=10.0.0.2\nvg=v\n", "a", DG_ERROR_INVALID,
                 "[site] unfence-handler: must be an absolute path");
        site_bad("[site]\nsecret=0123456789abcdef\nsplit-brain-handler=split-brain\n"
                 "[node a]\naddress=10.0.0.1\nvg=v\n[node b]\naddress=10.0.0.2\nvg=v\n", "a", DG_ERROR_INVALID,
                 "[site] split-brain-handler: must be an absolute path");
        site_bad("[site]\nsecret=0123456789abcdef\n[node a]\naddress=10.0.0.300\nvg=v\n"
                 "[node b]\naddress=10.0.0.2\nvg=v\n", "a", DG_ERROR_INVALID,
                 "[node a] address: must be an IPv4 or IPv6 address without a port (got \"10.0.0.300\")");
        site_bad("[site]\nsecret=0123456789abcdef\n[node a]\naddress=10.0.0.1:7789\nvg=v\n"
                 "[node b]\naddress=10.0.0.2\nvg=v\n", "a", DG_ERROR_INVALID, "[node a] address: must be");
        site_bad("[site]\nsecret=0123456789abcdef\n[node a]\nvg=v\n[node b]\naddress=10.0.0.2\nvg=v\n", "a",
                 DG_ERROR_INVALID, "[node a] address: is required");
        site_bad("[site]\nsecret=0123456789abcdef\n[node a]\naddress=10.0.0.1\n[node b]\naddress=10.0.0.2\nvg=v\n",
                 "a", DG_ERROR_INVALID, "[node a] vg: is required");
        site_bad("[site]\nsecret=0123456789abcdef\n[node a]\naddress=10.0.0.1\nvg=my vg\n"
                 "[node b]\naddress=10.0.0.2\nvg=v\n", "a", DG_ERROR_INVALID,
                 "[node a] vg: \"my vg\" is not a volume group name");
        site_bad("[site]\nsecret=0123456789abcdef\n[node a]\naddress=10.0.0.1\nvg=v\nport=7\n"
                 "[node b]\naddress=10.0.0.2\nvg=v\n", "a", DG_ERROR_INVALID, "[node a] port: unknown key");
        site_bad("[site]\nsecret=0123456789abcdef\n[node a b]\naddress=10.0.0.1\nvg=v\n"
                 "[node b]\naddress=10.0.0.2\nvg=v\n", "a", DG_ERROR_INVALID,
                 "[node a b]: \"a b\" is not a node name");
        site_bad("[site]\nsecret=0123456789abcdef\n[node a]\naddress=10.0.0.1\nvg=v\n"
                 "[node b]\naddress=10.0.0.1\nvg=v\n", "a", DG_ERROR_INVALID, "both nodes have the address 10.0.0.1");
        site_bad("[site]\nsecret=0123456789abcdef\n[node a]\naddress=10.0.0.1\nvg=v\n"
                 "[node b]\naddress=fd00::2\nvg=v\n", "a", DG_ERROR_INVALID, "of different families");
}

static void test_site_missing_file(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgSite) site = dg_site_load("/nonexistent/drbd-site.conf", "a", &error);

        assert_null(site);
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_NOT_FOUND));
        assert_non_null(strstr(error->message, "/nonexistent/drbd-site.conf"));
}

static void def_bad(guint64 size, guint minor, guint port, const char *want)
{
        g_autoptr(GError) error = NULL;
        DgVolumeDef def = { (char *)"web", (char *)"root", size, minor, port };

        assert_false(dg_volume_def_validate(&def, &error));
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_INVALID));
        if (!strstr(error->message, want))
                fail_msg("message \"%s\" lacks \"%s\"", error->message, want);
}

static void test_volume_def(void **state)
{
        g_autoptr(GError) error = NULL;
        DgVolumeDef def = { (char *)"web", (char *)"root", 64 << 20, 0, 7789 };

        assert_true(dg_volume_def_validate(&def, &error));
        def_bad(1 << 20, 0, 7789, "volume pk-web-root: size must be between 4 MiB and 64 TiB (got 1 MiB)");
        def_bad((64 << 20) + 4096, 0, 7789, "size must be a whole number of MiB");
        def_bad(64 << 20, 1048576, 7789, "minor must be between 0 and 1048575 (got 1048576)");
        def_bad(64 << 20, 1, 80, "port must be between 1024 and 65535 (got 80)");
        def_bad(64 << 20, 1, 70000, "port must be between 1024 and 65535");
}

static guint nth(GArray *numbers, guint i)
{
        return g_array_index(numbers, guint, i);
}

/* What verify (the settings) and hamgrd's allocation (minors and ports)
 * read of a file plastik rendered. */
static void test_res_file_rendered(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgSite) site = load(SITE_OK, "node1", &error);
        DgVolumeDef def = { (char *)"web", (char *)"root", 64 << 20, 17, 7805 };
        g_autofree char *text = dg_res_render(site, &def, &error);
        g_autoptr(DgResFile) f = dg_res_file_parse(text);
        const DgResClaims *r;

        assert_string_equal(f->protocol, "C");
        assert_string_equal(f->fencing, "resource-and-stonith");
        assert_true(f->fence_peer);
        assert_true(f->unfence_peer);
        assert_true(f->split_brain);
        assert_int_equal(f->resources->len, 1);
        r = f->resources->pdata[0];
        assert_string_equal(r->name, "pk-web-root");
        assert_int_equal(r->minors->len, 1);
        assert_int_equal(nth(r->minors, 0), 17);
        assert_int_equal(r->ports->len, 1); /* both hosts' addresses: one port */
        assert_int_equal(nth(r->ports, 0), 7805);
}

/* Anybody's file: settings outside a resource count, numbers only inside
 * one, out-of-range numbers are skipped, comments and quotes as drbdadm
 * reads them. */
static void test_res_file_foreign(void **state)
{
        g_autoptr(DgResFile) f = dg_res_file_parse(
                "# protocol B;\ncommon { net { protocol A; } }\n"
                "resource \"r0\" {\n  disk { fencing resource-only; }\n"
                "  handlers { split-brain \"/x.sh root\"; }\n"
                "  on alpha { device /dev/drbd_r0 minor 3; address ipv6 [fd00::1]:7790; }\n"
                "  on beta { device /dev/drbd4 minor 3; address 10.0.0.2:7790; }\n"
                "  floating 10.0.1.1:7791;\n}\n"
                "device /dev/drbd9; address 10.0.0.9:7999;\n"
                "resource r1 { device minor 1048576; address 10.0.0.1:0; }\n"
                "resource r2 { fencing \"a b\"; after-resync-target; }\n");
        const DgResClaims *r;

        assert_string_equal(f->protocol, "A");
        assert_string_equal(f->fencing, "resource-only"); /* "a b" is no word */
        assert_false(f->fence_peer);
        assert_false(f->unfence_peer); /* a key without a value */
        assert_true(f->split_brain);
        assert_int_equal(f->resources->len, 3);
        r = f->resources->pdata[0];
        assert_string_equal(r->name, "r0");
        assert_int_equal(r->minors->len, 2);
        assert_int_equal(nth(r->minors, 0), 3);
        assert_int_equal(nth(r->minors, 1), 4);
        assert_int_equal(r->ports->len, 2);
        assert_int_equal(nth(r->ports, 0), 7790);
        assert_int_equal(nth(r->ports, 1), 7791);
        r = f->resources->pdata[1];
        assert_string_equal(r->name, "r1");
        assert_int_equal(r->minors->len, 0);
        assert_int_equal(r->ports->len, 0);
}

static void test_res_file_garbage(void **state)
{
        g_autoptr(DgResFile) empty = dg_res_file_parse("");
        g_autoptr(DgResFile) null = dg_res_file_parse(NULL);
        g_autoptr(DgResFile) junk = dg_res_file_parse("\"unterminated { ; } } } resource { protocol");

        assert_int_equal(empty->resources->len, 0);
        assert_int_equal(null->resources->len, 0);
        assert_null(junk->protocol);
        assert_int_equal(junk->resources->len, 0);
}

static void test_res_ids(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgSite) site = load(SITE_OK, "node1", &error);
        DgVolumeDef def = { (char *)"web", (char *)"root", 64 << 20, 17, 7805 };
        g_autofree char *text = dg_res_render(site, &def, &error);
        guint minor = 0, port = 0;

        assert_non_null(text);
        assert_true(dg_res_parse_ids(text, &minor, &port, &error));
        assert_int_equal(minor, 17);
        assert_int_equal(port, 7805);
        minor = 99;
        assert_false(dg_res_parse_ids("resource x { }", &minor, &port, &error));
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_PARSE));
        assert_int_equal(minor, 99);
}

static void test_render_refuses_bad_def(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgSite) site = load(SITE_OK, "node1", &error);
        DgVolumeDef def = { (char *)"web", (char *)"root", 64 << 20, 1, 22 };
        g_autofree char *text = dg_res_render(site, &def, &error);

        assert_null(text);
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_INVALID));
}

static void test_lv_activate_argv(void **state)
{
        g_auto(GStrv) argv = dg_lv_activate_argv("vglab", "pk-web1-root");
        g_autofree char *line = g_strjoinv(" ", argv);

        assert_string_equal(line, "lvchange --activate y vglab/pk-web1-root");
        assert_int_equal(g_strv_length(argv), 4);
}

/* Bad names are refused before LVM is asked, as for the other LV commands. */
static void test_lv_activate_bad_names(void **state)
{
        g_autoptr(GError) error = NULL;

        assert_false(dg_lv_activate("vg lab", "pk-web1-root", &error));
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_INVALID));
        assert_non_null(strstr(error->message, "not a volume group name"));
        g_clear_error(&error);
        assert_false(dg_lv_activate("vglab", "pk web1", &error));
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_INVALID));
        assert_non_null(strstr(error->message, "not a logical volume name"));
}

static void test_facts_json_lv_activated(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) obj = NULL, bad = NULL;
        DgFacts in = { .lv_exists = TRUE, .lv_size = 71303168, .lv_activated = TRUE, .md_exists = TRUE,
                       .vg_free = 8577351680, .vg_extent = 4194304 };
        DgFacts out;
        json_object *v;

        obj = dg_facts_to_json(&in);
        assert_true(json_object_object_get_ex(obj, "lv_activated", &v));
        assert_true(json_object_get_boolean(v));
        assert_true(dg_facts_from_json(obj, &out, &error));
        assert_true(out.lv_activated);
        assert_true(out.lv_exists);
        assert_int_equal(out.lv_size, 71303168);

        /* Absent: the LV was active (or absent) and nothing was done. */
        json_object_object_del(obj, "lv_activated");
        assert_true(dg_facts_from_json(obj, &out, &error));
        assert_false(out.lv_activated);

        bad = json_tokener_parse("{\"lv_activated\": \"yes\"}");
        assert_false(dg_facts_from_json(bad, &out, &error));
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_INVALID));
        assert_string_equal(error->message, "facts: lv_activated must be true or false");
}

/* The record the handler writes is the one hamgrd reads; a bad or foreign
 * one is an error naming the field, none at all is not an error. */
static void test_split_brain_record(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("pk-sb-XXXXXX", NULL), *path = NULL;
        g_autoptr(DgSplitBrain) back = NULL;
        DgSplitBrain sb = { .resource = (char *)"pk-g1-root", .detected_ms = 1780000000123,
                            .self_generation = (char *)"8C2C51A0E4B1F3D7", .self_kib = 12288,
                            .peer_generation = NULL, .peer_kib = -1 };
        static const struct { const char *json, *field; } bad[] = {
                { "[]", "(record)" },
                { "{\"resource\": \"r0\", \"detected_ms\": 1}", "resource" },
                { "{\"resource\": \"pk-g1-root\"}", "detected_ms" },
                { "{\"resource\": \"pk-g1-root\", \"detected_ms\": 0}", "detected_ms" },
                { "{\"resource\": \"pk-g1-root\", \"detected_ms\": 5, \"self_generation\": \"8C2C\"}",
                  "self_generation" },
                { "{\"resource\": \"pk-g1-root\", \"detected_ms\": 5, \"peer_kib\": -2}", "peer_kib" },
                { "{\"resource\": \"pk-g1-root\", \"detected_ms\": 5, \"self_kib\": \"12\"}", "self_kib" },
        };

        assert_null(dg_split_brain_read(dir, "pk-g1-root", &error));
        assert_null(error);
        assert_true(dg_split_brain_write(dir, &sb, &error));
        back = dg_split_brain_read(dir, "pk-g1-root", &error);
        assert_non_null(back);
        assert_int_equal(back->detected_ms, 1780000000123);
        assert_string_equal(back->self_generation, "8C2C51A0E4B1F3D7");
        assert_int_equal(back->self_kib, 12288);
        assert_null(back->peer_generation);
        assert_int_equal(back->peer_kib, -1);
        assert_true(dg_split_brain_clear(dir, "pk-g1-root", &error));
        assert_true(dg_split_brain_clear(dir, "pk-g1-root", &error));
        assert_null(dg_split_brain_read(dir, "pk-g1-root", &error));
        assert_null(error);

        /* A name that is not ours never becomes a path. */
        sb.resource = (char *)"../etc";
        assert_false(dg_split_brain_write(dir, &sb, &error));
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_INVALID));
        g_clear_error(&error);

        path = g_build_filename(dir, "pk-g1-root", NULL);
        assert_true(g_file_set_contents(path, "not json", -1, NULL));
        assert_null(dg_split_brain_read(dir, "pk-g1-root", &error));
        assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_PARSE));
        assert_non_null(strstr(error->message, path));
        g_clear_error(&error);
        for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
                g_autoptr(json_object) o = json_tokener_parse(bad[i].json);
                g_autofree char *want = g_strdup_printf("split-brain record: %s: ", bad[i].field);
                assert_null(dg_split_brain_from_json(o, &error));
                assert_true(g_error_matches(error, DG_ERROR, DG_ERROR_PARSE));
                assert_true(g_str_has_prefix(error->message, want));
                g_clear_error(&error);
        }
        unlink(path);
        rmdir(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_split_brain_record),
                cmocka_unit_test(test_volume_names),
                cmocka_unit_test(test_resource_names),
                cmocka_unit_test(test_node_names),
                cmocka_unit_test(test_lvm_names),
                cmocka_unit_test(test_res_names),
                cmocka_unit_test(test_secrets),
                cmocka_unit_test(test_addresses),
                cmocka_unit_test(test_sizes),
                cmocka_unit_test(test_size_format),
                cmocka_unit_test(test_lv_size_for),
                cmocka_unit_test(test_site_ok),
                cmocka_unit_test(test_site_errors),
                cmocka_unit_test(test_site_missing_file),
                cmocka_unit_test(test_volume_def),
                cmocka_unit_test(test_res_ids),
                cmocka_unit_test(test_res_file_rendered),
                cmocka_unit_test(test_res_file_foreign),
                cmocka_unit_test(test_res_file_garbage),
                cmocka_unit_test(test_render_refuses_bad_def),
                cmocka_unit_test(test_lv_activate_argv),
                cmocka_unit_test(test_lv_activate_bad_names),
                cmocka_unit_test(test_facts_json_lv_activated),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
