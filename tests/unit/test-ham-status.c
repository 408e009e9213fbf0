/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the pieces behind hactl status and verify: reading a .res
 * file's settings, a node's facts through the `state` message and back
 * (with a split-brain record), the exit codes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ham-pcmk-notify.h"
#include "ham-status.h"
#include "ham-xml.h"
#include "hv.h"
#include "pk.h"

static void scan(const char *text, HamFactsRes *r)
{
        memset(r, 0, sizeof(*r));
        ham_res_facts_scan(text, r);
}

static void test_res_scan_rendered(void **state)
{
        HamFactsRes r;
        scan("# pk-web1-root\nresource pk-web1-root {\n  protocol C;\n"
             "  disk {\n    fencing resource-and-stonith;\n  }\n"
             "  handlers {\n    fence-peer \"/usr/sbin/plastik-fence-peer\";\n"
             "    after-resync-target \"/usr/sbin/plastik-unfence-peer\";\n  }\n}\n", &r);
        assert_string_equal(r.protocol, "C");
        assert_string_equal(r.fencing, "resource-and-stonith");
        assert_true(r.fence_peer);
        assert_true(r.unfence_peer);
        assert_int_equal(r.split_brain_handler, 0);
        g_free(r.protocol);
        g_free(r.fencing);
        scan("resource r {\n  handlers {\n    split-brain \"/usr/sbin/plastik-split-brain\";\n  }\n}\n", &r);
        assert_int_equal(r.split_brain_handler, 1);
}

static void test_res_scan_comments_and_unset(void **state)
{
        HamFactsRes r;
        /* Settings inside comments do not count; a handler's name as a value does not either. */
        scan("resource r { # protocol A;\n  net { protocol B; }\n"
             "  # fencing resource-and-stonith;\n  handlers { split-brain \"fence-peer\"; }\n}\n",
             &r);
        assert_string_equal(r.protocol, "B");
        assert_null(r.fencing);
        assert_false(r.fence_peer);
        assert_false(r.unfence_peer);
        assert_int_equal(r.split_brain_handler, 1);
        g_free(r.protocol);
}

static void test_res_scan_garbage(void **state)
{
        HamFactsRes r;
        scan("\"unterminated { ; } } protocol", &r);
        assert_null(r.protocol);
        scan("", &r);
        assert_null(r.protocol);
        assert_false(r.fence_peer);
}

static void test_state_round_trip(void **state)
{
        g_autoptr(HamFacts) f = ham_facts_new("node1");
        HamFactsDrbd *d = g_new0(HamFactsDrbd, 1);
        HamFactsLv *lv = g_new0(HamFactsLv, 1);
        g_autoptr(GError) error = NULL;

        f->seq = 3;
        f->at = 1700000000;
        f->v_plastik = g_strdup("0.1.0");
        f->two_node = 1;
        d->name = g_strdup("pk-b-root");
        d->role = DG_ROLE_PRIMARY;
        d->peer_role = DG_ROLE_SECONDARY;
        d->conn = DG_CONN_CONNECTED;
        d->disk = DG_DISK_UPTODATE;
        d->peer_disk = DG_DISK_INCONSISTENT;
        d->repl = DG_REPL_SYNC_SOURCE;
        d->done = 50;
        g_ptr_array_add(f->drbd, d);
        lv->name = g_strdup("pk-a-root");
        lv->size = 1 << 20;
        g_ptr_array_add(f->lvs, lv);
        ham_facts_sort(f);

        g_autofree char *msg = ham_state_msg_build(f);
        assert_true(ham_state_msg_is(msg, strlen(msg)));
        g_autoptr(HamFacts) back = ham_state_msg_parse(msg, strlen(msg), &error);
        assert_non_null(back);
        assert_string_equal(back->node, "node1");
        assert_int_equal(back->seq, 3);
        assert_int_equal(back->two_node, 1);
        assert_null(back->v_drbd);
        assert_int_equal(back->drbd->len, 1);
        assert_int_equal(((HamFactsDrbd *)back->drbd->pdata[0])->repl, DG_REPL_SYNC_SOURCE);
        assert_int_equal(((HamFactsDrbd *)back->drbd->pdata[0])->peer_disk, DG_DISK_INCONSISTENT);
        assert_true(((HamFactsDrbd *)back->drbd->pdata[0])->done == 50);
        assert_int_equal(((HamFactsLv *)back->lvs->pdata[0])->size, 1 << 20);
}

/* A split-brain record travels with its DRBD entry; a bad one is refused
 * naming the field; an entry without the key (an older hamgrd) has none. */
static void test_state_split_brain(void **state)
{
        g_autoptr(HamFacts) f = ham_facts_new("node1");
        HamFactsDrbd *d = g_new0(HamFactsDrbd, 1);
        g_autoptr(GError) error = NULL;

        d->name = g_strdup("pk-b-root");
        d->role = DG_ROLE_PRIMARY;
        d->peer_role = DG_ROLE_UNKNOWN;
        d->conn = DG_CONN_STANDALONE;
        d->disk = DG_DISK_UPTODATE;
        d->peer_disk = DG_DISK_UNKNOWN;
        d->repl = DG_REPL_OFF;
        d->done = -1;
        d->split_brain = g_new0(DgSplitBrain, 1);
        d->split_brain->resource = g_strdup("pk-b-root");
        d->split_brain->detected_ms = 1700000000123;
        d->split_brain->self_generation = g_strdup("8C2C51A0E4B1F3D7");
        d->split_brain->self_kib = 12288;
        d->split_brain->peer_kib = -1;
        g_ptr_array_add(f->drbd, d);

        g_autoptr(json_object) obj = ham_facts_to_json(f);
        g_autoptr(HamFacts) back = ham_facts_from_json(obj, &error);
        assert_non_null(back);
        const DgSplitBrain *sb = ((HamFactsDrbd *)back->drbd->pdata[0])->split_brain;
        assert_non_null(sb);
        assert_string_equal(sb->resource, "pk-b-root");
        assert_true(sb->detected_ms == 1700000000123);
        assert_string_equal(sb->self_generation, "8C2C51A0E4B1F3D7");
        assert_true(sb->self_kib == 12288);
        assert_null(sb->peer_generation);
        assert_true(sb->peer_kib == -1);

        json_object *entry = json_object_array_get_idx(json_object_object_get(obj, "drbd"), 0);
        json_object *rec = json_object_object_get(entry, "split_brain");
        json_object_object_add(rec, "self_kib", json_object_new_int64(-7));
        g_autoptr(HamFacts) bad = ham_facts_from_json(obj, &error);
        assert_null(bad);
        assert_non_null(error);
        assert_non_null(strstr(error->message, "drbd[0].split_brain.self_kib: "));
        g_clear_error(&error);

        json_object_object_add(entry, "split_brain", json_object_new_string("yes"));
        g_autoptr(HamFacts) bad_type = ham_facts_from_json(obj, &error);
        assert_null(bad_type);
        assert_string_equal(error->message,
                            "drbd[0].split_brain: must be an object or null (got string)");
        g_clear_error(&error);

        json_object_object_del(entry, "split_brain");
        g_autoptr(HamFacts) old = ham_facts_from_json(obj, &error);
        assert_non_null(old);
        assert_null(((HamFactsDrbd *)old->drbd->pdata[0])->split_brain);
}

/* The wire form keeps DRBD's words; a word of letters drbd-glue's table
 * does not know (a newer DRBD) is still accepted, reads as the *_UNKNOWN
 * value and is written back as drbd-glue's name for it. Anything else is
 * refused naming the field. */
static void test_state_words(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) obj = pk_json_parse(
                "{\"node\": \"node1\", \"seq\": 1, \"at\": 1, \"versions\": {\"plastik\": null, "
                "\"drbd\": null, \"pacemaker\": null, \"corosync\": null}, \"two_node\": null, "
                "\"drbd\": [{\"name\": \"pk-b-root\", \"role\": \"Primary\", \"peer_role\": \"Leader\", "
                "\"conn\": \"WFConnection\", \"disk\": \"UpToDate\", \"peer_disk\": \"Shiny\", "
                "\"repl\": \"Unconnected\", \"done\": -1}], \"res\": [], \"lvs\": []}", -1, "t", &error);
        assert_non_null(obj);
        g_autoptr(HamFacts) f = ham_facts_from_json(obj, &error);
        assert_non_null(f);
        const HamFactsDrbd *d = f->drbd->pdata[0];
        assert_int_equal(d->role, DG_ROLE_PRIMARY);
        assert_int_equal(d->peer_role, DG_ROLE_UNKNOWN);
        assert_int_equal(d->conn, DG_CONN_CONNECTING); /* DRBD 8.4's word */
        assert_int_equal(d->disk, DG_DISK_UPTODATE);
        assert_int_equal(d->peer_disk, DG_DISK_UNKNOWN);
        assert_int_equal(d->repl, DG_REPL_OFF);         /* 8.4: a connection state there */

        g_autoptr(json_object) back = ham_facts_to_json(f);
        json_object *x = json_object_array_get_idx(json_object_object_get(back, "drbd"), 0);
        assert_string_equal(pk_json_get_string(x, "role"), "Primary");
        assert_string_equal(pk_json_get_string(x, "peer_role"), "Unknown");
        assert_string_equal(pk_json_get_string(x, "conn"), "Connecting");
        assert_string_equal(pk_json_get_string(x, "peer_disk"), "DUnknown");
        assert_string_equal(pk_json_get_string(x, "repl"), "Off");

        json_object *entry = json_object_array_get_idx(json_object_object_get(obj, "drbd"), 0);
        json_object_object_add(entry, "disk", json_object_new_string("Up-To-Date"));
        g_autoptr(HamFacts) bad = ham_facts_from_json(obj, &error);
        assert_null(bad);
        assert_string_equal(error->message, "drbd[0].disk: must be a DRBD state name (letters only)");
        g_clear_error(&error);
        json_object_object_del(entry, "repl");
        json_object_object_add(entry, "disk", json_object_new_string("UpToDate"));
        g_autoptr(HamFacts) missing = ham_facts_from_json(obj, &error);
        assert_null(missing);
        assert_string_equal(error->message, "drbd[0].repl: missing");
}

/* hamgrd's facts and its volume replies take a DRBD state from drbd-glue's
 * model the same way and write it with the same keys. */
static void test_drbd_from_state(void **state)
{
        DgResourceState r = { .name = (char *)"pk-b-root", .role = DG_ROLE_PRIMARY,
                              .conn = DG_CONN_CONNECTED, .peer_role = DG_ROLE_SECONDARY };
        DgVolumeState v = { .volume = 0, .minor = 3, .disk = DG_DISK_UPTODATE,
                            .peer_disk = DG_DISK_INCONSISTENT, .repl = DG_REPL_SYNC_SOURCE,
                            .done = 42.5, .size_kib = -1 };

        r.volumes = g_array_new(FALSE, TRUE, sizeof(DgVolumeState));
        g_autoptr(HamFactsDrbd) none = ham_facts_drbd_from_state(&r);
        assert_int_equal(none->disk, DG_DISK_UNKNOWN);
        assert_int_equal(none->repl, DG_REPL_OFF);
        assert_true(none->done == -1);

        g_array_append_val(r.volumes, v);
        g_autoptr(HamFactsDrbd) d = ham_facts_drbd_from_state(&r);
        assert_string_equal(d->name, "pk-b-root");
        assert_int_equal(d->peer_role, DG_ROLE_SECONDARY);
        assert_int_equal(d->peer_disk, DG_DISK_INCONSISTENT);
        assert_int_equal(d->repl, DG_REPL_SYNC_SOURCE);
        g_autoptr(json_object) o = json_object_new_object();
        ham_facts_drbd_states_to_json(d, o);
        assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
                            "{\"role\":\"Primary\",\"peer_role\":\"Secondary\",\"conn\":\"Connected\","
                            "\"disk\":\"UpToDate\",\"peer_disk\":\"Inconsistent\",\"repl\":\"SyncSource\","
                            "\"done\":42.5}");
        g_array_unref(r.volumes);
}

/* The CIB's view: the Pacemaker module fills the typed view, its JSON is
 * what ham_pcmk_cib_resources() gave, it reads back the same, and a bad
 * field is refused naming it. */
#define VIEW_CIB                                                                                   \
        "<cib><configuration><crm_config/>"                                                        \
        "<nodes><node id=\"1\" uname=\"node1\"/><node id=\"2\" uname=\"node2\">"                   \
        "<instance_attributes id=\"n2\"><nvpair id=\"n2s\" name=\"standby\" value=\"on\"/>"      \
        "</instance_attributes></node></nodes><resources>"                                         \
        "<clone id=\"c\"><primitive id=\"d\" class=\"ocf\" provider=\"linbit\" type=\"drbd\">"      \
        "<instance_attributes id=\"di\"><nvpair id=\"dr\" name=\"drbd_resource\" "                 \
        "value=\"pk-web1-root\"/></instance_attributes><meta_attributes id=\"dm\">"                \
        "<nvpair id=\"dg\" name=\"plastik-guest\" value=\"web1\"/><nvpair id=\"dv\" "              \
        "name=\"plastik-volume\" value=\"root\"/></meta_attributes></primitive></clone>"           \
        "<primitive id=\"g\" class=\"ocf\" provider=\"plastik\" type=\"guest\">"                    \
        "<instance_attributes id=\"gi\"><nvpair id=\"gn\" name=\"name\" value=\"web1\"/>"          \
        "</instance_attributes></primitive></resources><constraints>"                              \
        "<rsc_colocation id=\"co\" rsc=\"g\" with-rsc=\"c\" with-rsc-role=\"Promoted\" score=\"INFINITY\"/>" \
        "<rsc_location rsc=\"c\" id=\"drbd-fence-by-handler-pk-web1-root-c\"><rule role=\"Promoted\" " \
        "score=\"-INFINITY\" id=\"r\"><expression attribute=\"#uname\" operation=\"ne\" "          \
        "value=\"node1\" id=\"e\"/></rule></rsc_location></constraints></configuration>"          \
        "<status/></cib>"

static void test_cib_view(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(xmlDoc) doc = ham_xml_parse(VIEW_CIB, strlen(VIEW_CIB), "test", NULL);
        assert_non_null(doc);
        g_autoptr(HamCibView) view = ham_pcmk_cib_view_read(xmlDocGetRootElement(doc));

        assert_true(view->configured);
        assert_true(view->stonith_enabled);
        assert_int_equal(view->nodes->len, 2);
        assert_true(ham_cib_view_node(view, "node2")->standby);
        assert_false(ham_cib_view_node(view, "node1")->standby);
        assert_null(ham_cib_view_node(view, "node3"));
        assert_int_equal(view->guests->len, 1);
        const HamCibGuest *g = view->guests->pdata[0];
        assert_string_equal(g->name, "web1");
        assert_null(g->probe);
        assert_int_equal(g->volumes->len, 1);
        const HamCibVolume *v = g->volumes->pdata[0];
        assert_string_equal(v->resource, "pk-web1-root");
        assert_string_equal(v->clone, "c");
        assert_true(v->colocated);
        assert_false(v->ordered);
        assert_non_null(v->fence_constraint);
        assert_string_equal(v->fence_constraint->node, "node1");
        assert_false(v->fence_constraint->foreign);

        g_autoptr(json_object) json = ham_cib_view_to_json(view);
        g_autoptr(json_object) old = ham_pcmk_cib_resources(xmlDocGetRootElement(doc));
        g_autofree char *text = pk_json_to_string(json, FALSE);
        g_autofree char *old_text = pk_json_to_string(old, FALSE);
        assert_string_equal(text, old_text);
        g_autoptr(HamCibView) back = ham_cib_view_from_json(json, "cib.", &error);
        assert_non_null(back);
        g_autoptr(json_object) json2 = ham_cib_view_to_json(back);
        g_autofree char *text2 = pk_json_to_string(json2, FALSE);
        assert_string_equal(text, text2);

        json_object *vol = json_object_array_get_idx(json_object_object_get(
                json_object_array_get_idx(json_object_object_get(json, "guests"), 0), "volumes"), 0);
        json_object_object_add(vol, "clone", json_object_new_int(7));
        g_autoptr(HamCibView) bad = ham_cib_view_from_json(json, "cib.", &error);
        assert_null(bad);
        assert_string_equal(error->message,
                            "cib.guests[0].volumes[0].clone: must be string or null (got integer)");
        g_clear_error(&error);
        json_object_object_del(json, "stonith_enabled");
        g_autoptr(HamCibView) missing = ham_cib_view_from_json(json, "cib.", &error);
        assert_null(missing);
        assert_string_equal(error->message, "cib.stonith_enabled: missing");
        g_clear_error(&error);
        g_autoptr(json_object) arr = json_object_new_array();
        g_autoptr(HamCibView) not_object = ham_cib_view_from_json(arr, "cib.", &error);
        assert_null(not_object);
        assert_string_equal(error->message, "cib: must be an object (got array)");
}

/* A guest's memory, for the capacity check: its config's, libhv's default
 * when the config names none, 0 (not known) without a usable config; kept
 * through the view's JSON, and refused there when not positive. */
static guint guest_memory(const char *config_attr)
{
        g_autofree char *xml = g_strdup_printf(
                "<cib><configuration><resources><primitive id=\"g\" class=\"ocf\" provider=\"plastik\" "
                "type=\"guest\"><instance_attributes id=\"gi\"><nvpair id=\"gn\" name=\"name\" value=\"web1\"/>"
                "%s</instance_attributes></primitive></resources></configuration><status/></cib>",
                config_attr);
        g_autoptr(xmlDoc) doc = ham_xml_parse(xml, strlen(xml), "test", NULL);
        assert_non_null(doc);
        g_autoptr(HamCibView) view = ham_pcmk_cib_view_read(xmlDocGetRootElement(doc));
        assert_int_equal(view->guests->len, 1);
        guint mib = ((const HamCibGuest *)view->guests->pdata[0])->memory_mib;

        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) json = ham_cib_view_to_json(view);
        g_autoptr(HamCibView) back = ham_cib_view_from_json(json, "cib.", &error);
        assert_non_null(back);
        assert_int_equal(((const HamCibGuest *)back->guests->pdata[0])->memory_mib, mib);
        return mib;
}

static void test_cib_view_guest_memory(void **state)
{
        assert_int_equal(guest_memory("<nvpair id=\"gc\" name=\"config\" value=\"{&quot;memory&quot;:512}\"/>"), 512);
        assert_int_equal(guest_memory("<nvpair id=\"gc\" name=\"config\" value=\"{}\"/>"), HV_DEFAULT_MEMORY_MIB);
        assert_int_equal(guest_memory(""), 0);
        assert_int_equal(guest_memory("<nvpair id=\"gc\" name=\"config\" value=\"not json\"/>"), 0);
        assert_int_equal(guest_memory("<nvpair id=\"gc\" name=\"config\" value=\"{&quot;memory&quot;:&quot;x&quot;}\"/>"), 0);
        assert_int_equal(guest_memory("<nvpair id=\"gc\" name=\"config\" value=\"{&quot;memory&quot;:-5}\"/>"), 0);

        g_autoptr(GError) error = NULL;
        const char *xml = "<cib><configuration><resources><primitive id=\"g\" class=\"ocf\" provider=\"plastik\" "
                          "type=\"guest\"/></resources></configuration><status/></cib>";
        g_autoptr(xmlDoc) doc = ham_xml_parse(xml, strlen(xml), "test", NULL);
        g_autoptr(HamCibView) view = ham_pcmk_cib_view_read(xmlDocGetRootElement(doc));
        g_autoptr(json_object) json = ham_cib_view_to_json(view);
        json_object_object_add(json_object_array_get_idx(json_object_object_get(json, "guests"), 0), "memory",
                               json_object_new_int(0));
        g_autoptr(HamCibView) bad = ham_cib_view_from_json(json, "cib.", &error);
        assert_null(bad);
        assert_string_equal(error->message, "cib.guests[0].memory: must be at least 1");
}

static void test_meminfo(void **state)
{
        assert_int_equal(ham_meminfo_total_mib("MemTotal:        4045748 kB\nMemFree:  1 kB\n"), 3950);
        assert_int_equal(ham_meminfo_total_mib("MemFree: 1 kB\nMemTotal: 1048576 kB"), 1024);
        assert_int_equal(ham_meminfo_total_mib("MemTotal: 1048576 MB\n"), 0);
        assert_int_equal(ham_meminfo_total_mib("MemTotal: lots kB\n"), 0);
        assert_int_equal(ham_meminfo_total_mib("MemFree: 1 kB\n"), 0);
        assert_int_equal(ham_meminfo_total_mib(""), 0);
        assert_int_equal(ham_meminfo_total_mib(NULL), 0);
}

/* A device behind fence_plastik shows the agent it wraps, the wrapper and
 * its race delay; priority-fencing-delay as Pacemaker reads it. The keys
 * are optional on the way back (a view from before them reads as plain
 * devices and an unknown delay). */
static void test_cib_view_fence_plastik(void **state)
{
        static const char cib[] =
                "<cib><configuration><crm_config><cluster_property_set id=\"o\"><nvpair id=\"o-d\" "
                "name=\"priority-fencing-delay\" value=\"15s\"/></cluster_property_set></crm_config>"
                "<nodes/><resources><primitive id=\"a\" class=\"stonith\" type=\"fence_plastik\">"
                "<instance_attributes id=\"a-ia\"><nvpair id=\"a-1\" name=\"plastik_agent\" value=\"fence_apc\"/>"
                "<nvpair id=\"a-2\" name=\"plastik_race_delay\" value=\"5\"/></instance_attributes></primitive>"
                "<primitive id=\"b\" class=\"stonith\" type=\"fence_ipmilan\"/></resources><constraints/>"
                "</configuration><status/></cib>";
        g_autoptr(GError) error = NULL;
        g_autoptr(xmlDoc) doc = ham_xml_parse(cib, strlen(cib), "test", NULL);
        (void)state;
        assert_non_null(doc);
        g_autoptr(HamCibView) view = ham_pcmk_cib_view_read(xmlDocGetRootElement(doc));
        const HamCibFencing *a = view->fencing->pdata[0], *b = view->fencing->pdata[1];

        assert_int_equal(view->priority_fencing_delay_ms, 15000);
        assert_string_equal(a->agent, "fence_apc");
        assert_string_equal(a->wrapper, "fence_plastik");
        assert_int_equal(a->race_delay_s, 5);
        assert_string_equal(b->agent, "fence_ipmilan");
        assert_null(b->wrapper);
        assert_int_equal(b->race_delay_s, -1);

        g_autoptr(json_object) json = ham_cib_view_to_json(view);
        g_autoptr(HamCibView) back = ham_cib_view_from_json(json, "cib.", &error);
        assert_non_null(back);
        g_autoptr(json_object) json2 = ham_cib_view_to_json(back);
        assert_string_equal(json_object_to_json_string(json), json_object_to_json_string(json2));

        json_object *dev = json_object_array_get_idx(json_object_object_get(json, "fencing"), 0);
        json_object_object_del(json, "priority_fencing_delay");
        json_object_object_del(dev, "wrapper");
        json_object_object_del(dev, "race_delay");
        g_autoptr(HamCibView) old = ham_cib_view_from_json(json, "cib.", &error);
        assert_non_null(old);
        assert_int_equal(old->priority_fencing_delay_ms, -1);
        assert_null(((HamCibFencing *)old->fencing->pdata[0])->wrapper);
        assert_int_equal(((HamCibFencing *)old->fencing->pdata[0])->race_delay_s, -1);

        json_object_object_add(dev, "wrapper", json_object_new_string("fence_plastik"));
        g_autoptr(HamCibView) bad = ham_cib_view_from_json(json, "cib.", &error);
        assert_null(bad);
        assert_string_equal(error->message, "cib.fencing[0].race_delay: missing");
}

/* hamgrd's cluster-status answer read once: a missing or ill-typed field
 * is refused naming it, a node's facts with their path. */
static void test_cluster_status(void **state)
{
        static const char good[] =
                "{\"now\": 100, \"local\": \"node1\", \"quorate\": true, \"dc\": null, "
                "\"nodes\": [{\"name\": \"node1\", \"member\": true, \"hamgrd\": true, \"online\": true, "
                "\"lost_at\": null, \"back_at\": 90, \"attributes\": {\"plastik-guest-a\": \"ok\", \"x\": null}}], "
                "\"cib\": null, \"facts\": {\"node1\": {\"node\": \"node1\", \"seq\": 1, \"at\": 1, "
                "\"versions\": {\"plastik\": null, \"drbd\": null, \"pacemaker\": null, \"corosync\": null}, "
                "\"two_node\": null, \"drbd\": [{\"name\": \"r0\", \"role\": \"Primary\", \"peer_role\": "
                "\"Secondary\", \"conn\": \"Connected\", \"disk\": \"UpToDate\", \"peer_disk\": \"UpToDate\", "
                "\"repl\": \"Established\", \"done\": -1}], \"res\": [], \"lvs\": []}}, "
                "\"facts_at\": {\"node1\": 99}, \"peer_exchange\": {}}";
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) obj = pk_json_parse(good, -1, "t", &error);
        g_autoptr(HamClusterStatus) st = ham_cluster_status_from_json(obj, &error);

        assert_non_null(st);
        assert_string_equal(st->local, "node1");
        assert_null(st->dc);
        assert_null(st->cib);
        const HamStatusNode *n = ham_cluster_status_node(st, "node1");
        assert_non_null(n);
        assert_int_equal(n->back_at, 90);
        assert_int_equal(n->lost_at, 0);
        assert_false(n->standby);
        assert_int_equal(n->attributes->len, 4);
        assert_null(n->attributes->pdata[3]);
        assert_null(ham_cluster_status_node(st, "node2"));
        const HamFacts *f = ham_facts_find(st->facts, "node1");
        assert_int_equal(g_array_index(st->facts_at, gint64, 0), 99);
        assert_int_equal(ham_facts_drbd(f, "r0")->conn, DG_CONN_CONNECTED);
        assert_null(ham_facts_drbd(f, "r1"));
        assert_null(ham_facts_find(st->facts, "node2"));

        static const struct {
                const char *from, *to, *message;
        } bad[] = {
                { "\"online\": true", "\"online\": 1", "nodes[0].online: must be boolean (got integer)" },
                { "\"now\": 100, ", "", "now: missing" },
                { "\"cib\": null", "\"cib\": []", "cib: must be object or null (got array)" },
                { "\"facts_at\": {\"node1\": 99}", "\"facts_at\": {}", "facts_at.node1: missing" },
                { "\"conn\": \"Connected\"", "\"conn\": \"\"",
                  "facts.node1.drbd[0].conn: must be a DRBD state name (letters only)" },
                { "\"facts\": {\"node1\": {\"node\": \"node1\"", "\"facts\": {\"node2\": {\"node\": \"node1\"",
                  "facts.node2.node: must be node2 (got node1)" },
                { "\"x\": null", "\"x\": 3", "nodes[0].attributes.x: must be a string or null (got integer)" },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                g_autofree char *text = NULL;
                g_auto(GStrv) parts = g_strsplit(good, bad[i].from, 2);
                assert_non_null(parts[1]);
                text = g_strjoin(bad[i].to, parts[0], parts[1], NULL);
                g_autoptr(json_object) o = pk_json_parse(text, -1, "t", &error);
                assert_non_null(o);
                g_autoptr(HamClusterStatus) b = ham_cluster_status_from_json(o, &error);
                assert_null(b);
                assert_string_equal(error->message, bad[i].message);
                g_clear_error(&error);
        }
}

/* hamgrd's verify-facts answer read once; "facts_at" may be missing (the
 * times are then unknown), anything else missing or ill-typed is named. */
static void test_verify_facts(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) obj = pk_json_parse(
                "{\"local\": \"node1\", \"peer\": null, \"facts\": {}, \"conf\": {}, "
                "\"cib\": {\"configured\": true, \"stonith_enabled\": true, \"maintenance_mode\": false, "
                "\"nodes\": {}, \"fencing\": [{\"id\": \"f\", \"agent\": null, \"target_role\": null, "
                "\"hosts\": null, \"stopped\": true, \"running_on\": []}], \"guests\": []}}",
                -1, "t", &error);
        g_autoptr(HamVerifyFacts) vf = ham_verify_facts_from_json(obj, &error);

        assert_non_null(vf);
        assert_string_equal(vf->local, "node1");
        assert_null(vf->peer);
        assert_int_equal(vf->facts->len, 0);
        assert_true(((HamCibFencing *)vf->cib->fencing->pdata[0])->stopped);
        g_autoptr(json_object) result = ham_verify(vf);
        assert_int_equal(ham_verify_exit_code(result), HAM_EXIT_ERRORS);

        json_object *dev = json_object_array_get_idx(json_object_object_get(json_object_object_get(obj, "cib"), "fencing"), 0);
        json_object_object_del(dev, "stopped");
        g_autoptr(HamVerifyFacts) bad = ham_verify_facts_from_json(obj, &error);
        assert_null(bad);
        assert_string_equal(error->message, "cib.fencing[0].stopped: missing");
        g_clear_error(&error);
        json_object_object_add(obj, "peer", json_object_new_int(3));
        g_autoptr(HamVerifyFacts) bad_peer = ham_verify_facts_from_json(obj, &error);
        assert_null(bad_peer);
        assert_string_equal(error->message, "peer: must be string or null (got integer)");
        g_clear_error(&error);
        json_object_object_add(obj, "peer", NULL);
        json_object_object_add(dev, "stopped", json_object_new_boolean(FALSE));
        json_object_object_add(obj, "facts_at", json_object_new_array());
        g_autoptr(HamVerifyFacts) bad_at = ham_verify_facts_from_json(obj, &error);
        assert_null(bad_at);
        assert_string_equal(error->message, "facts_at: must be object (got array)");
}

static void test_state_msg_is(void **state)
{
        const char *hello = "{\"v\":1,\"type\":\"hello\",\"version\":\"0.1\"}";
        assert_false(ham_state_msg_is(hello, strlen(hello)));
        assert_false(ham_state_msg_is("{", 1));
        assert_false(ham_state_msg_is("\"state\"", 7));
        assert_true(ham_state_msg_is("{\"type\":\"state\"}", 16));
}

static void test_exit_codes(void **state)
{
        g_autoptr(json_object) ok = json_tokener_parse("{\"health\":\"ok\"}");
        g_autoptr(json_object) deg = json_tokener_parse("{\"health\":\"degraded\"}");
        g_autoptr(json_object) err = json_tokener_parse("{\"health\":\"error\"}");
        g_autoptr(json_object) warn = json_tokener_parse("{\"errors\":0,\"warnings\":2}");
        g_autoptr(json_object) clean = json_tokener_parse("{\"errors\":0,\"warnings\":0}");
        g_autoptr(json_object) bad = json_tokener_parse("{\"errors\":1,\"warnings\":2}");
        assert_int_equal(ham_status_exit_code(ok), 0);
        assert_int_equal(ham_status_exit_code(deg), HAM_EXIT_DEGRADED);
        assert_int_equal(ham_status_exit_code(err), HAM_EXIT_ERRORS);
        assert_int_equal(ham_verify_exit_code(clean), 0);
        assert_int_equal(ham_verify_exit_code(warn), HAM_EXIT_DEGRADED);
        assert_int_equal(ham_verify_exit_code(bad), HAM_EXIT_ERRORS);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_res_scan_rendered),
                cmocka_unit_test(test_res_scan_comments_and_unset),
                cmocka_unit_test(test_res_scan_garbage),
                cmocka_unit_test(test_state_round_trip),
                cmocka_unit_test(test_state_split_brain),
                cmocka_unit_test(test_state_words),
                cmocka_unit_test(test_drbd_from_state),
                cmocka_unit_test(test_cib_view),
                cmocka_unit_test(test_cib_view_fence_plastik),
                cmocka_unit_test(test_cib_view_guest_memory),
                cmocka_unit_test(test_meminfo),
                cmocka_unit_test(test_cluster_status),
                cmocka_unit_test(test_verify_facts),
                cmocka_unit_test(test_state_msg_is),
                cmocka_unit_test(test_exit_codes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
