/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A node's facts and the `state` CPG message (ham-status.h): pure. */
#include "ham-status.h"
#include "ham.h"
#include "ham-api.h"
#include "ham-txn.h"
#include "pk.h"
#include "model-internal.h"

#include <string.h>

void ham_facts_drbd_free(HamFactsDrbd *d)
{
        if (!d)
                return;
        g_free(d->name);
        dg_split_brain_free(d->split_brain);
        g_free(d);
}

void ham_facts_res_free(HamFactsRes *r)
{
        if (!r)
                return;
        g_free(r->name);
        g_free(r->sha256);
        g_free(r->protocol);
        g_free(r->fencing);
        g_free(r);
}

void ham_facts_lv_free(HamFactsLv *l)
{
        if (!l)
                return;
        g_free(l->name);
        g_free(l);
}

HamFacts *ham_facts_new(const char *node)
{
        HamFacts *f = g_new0(HamFacts, 1);
        f->node = g_strdup(node);
        f->two_node = -1;
        f->drbd = g_ptr_array_new_with_free_func((GDestroyNotify)ham_facts_drbd_free);
        f->res = g_ptr_array_new_with_free_func((GDestroyNotify)ham_facts_res_free);
        f->lvs = g_ptr_array_new_with_free_func((GDestroyNotify)ham_facts_lv_free);
        return f;
}

void ham_facts_free(HamFacts *f)
{
        if (!f)
                return;
        g_free(f->node);
        g_free(f->v_plastik);
        g_free(f->v_drbd);
        g_free(f->v_pacemaker);
        g_free(f->v_corosync);
        g_ptr_array_unref(f->drbd);
        g_ptr_array_unref(f->res);
        g_ptr_array_unref(f->lvs);
        g_free(f);
}

/* Every item type starts with its name. */
static gint by_name(gconstpointer a, gconstpointer b)
{
        return g_strcmp0(**(char *const *const *)a, **(char *const *const *)b);
}

void ham_facts_sort(HamFacts *f)
{
        g_ptr_array_sort(f->drbd, by_name);
        g_ptr_array_sort(f->res, by_name);
        g_ptr_array_sort(f->lvs, by_name);
}

/* ---- validation ------------------------------------------------------------- */

gboolean ham_version_valid(const char *s)
{
        gsize n = strlen(s);
        if (n == 0 || n > 64)
                return FALSE;
        for (gsize i = 0; i < n; i++)
                if (!g_ascii_isgraph(s[i]))
                        return FALSE;
        return TRUE;
}

static gboolean letters_valid(const char *s)
{
        gsize n = strlen(s);
        if (n == 0 || n > 32)
                return FALSE;
        for (gsize i = 0; i < n; i++)
                if (!g_ascii_isalpha(s[i]))
                        return FALSE;
        return TRUE;
}

static gboolean protocol_valid(const char *s)
{
        return g_str_equal(s, "A") || g_str_equal(s, "B") || g_str_equal(s, "C");
}

static gboolean sha256_valid(const char *s)
{
        if (strlen(s) != 64)
                return FALSE;
        for (int i = 0; i < 64; i++)
                if (!g_ascii_isxdigit(s[i]) || g_ascii_isupper(s[i]))
                        return FALSE;
        return TRUE;
}

/* Optional: a hamgrd from before split-brain handlers sends no key, and
 * that is "not known", not "missing" (verify must not warn for it). */
static gboolean get_split_brain_handler(json_object *obj, const char *path, HamFactsRes *r,
                                        GError **error)
{
        json_object *v = NULL;

        r->split_brain_handler = -1;
        if (!json_object_object_get_ex(obj, "split_brain_handler", &v) || !v)
                return TRUE;
        if (!json_object_is_type(v, json_type_boolean))
                return ham_json_fail(error, "%ssplit_brain_handler: must be true or false", path);
        r->split_brain_handler = json_object_get_boolean(v) ? 1 : 0;
        return TRUE;
}

#define NAME_RULE "a DRBD resource name: " DG_RES_NAME_RULE
#define LV_RULE "an LV name: " DG_LVM_NAME_RULE
#define WORD_RULE "a word of " DG_RES_NAME_RULE
#define STATE_RULE "a DRBD state name (letters only)"

/* The record's own codec validates it; its errors ("split-brain record:
 * FIELD: ...") get this entry's path in place of their prefix. A hamgrd
 * from before split-brain records sends no key: that is none recorded. */
static gboolean parse_split_brain(json_object *o, const char *path, HamFactsDrbd *d,
                                  GError **error)
{
        static const char prefix[] = "split-brain record: ";
        g_autoptr(GError) e = NULL;
        json_object *v = NULL;

        if (!json_object_object_get_ex(o, "split_brain", &v) || !v)
                return TRUE;
        if (!json_object_is_type(v, json_type_object))
                return ham_json_fail(error, "%ssplit_brain: must be an object or null (got %s)", path,
                            pk_json_type_name(v));
        d->split_brain = dg_split_brain_from_json(v, &e);
        if (!d->split_brain) {
                const char *msg = e ? e->message : "invalid";
                if (g_str_has_prefix(msg, prefix))
                        return ham_json_fail(error, "%ssplit_brain.%s", path, msg + strlen(prefix));
                return ham_json_fail(error, "%ssplit_brain: %s", path, msg);
        }
        if (!g_str_equal(d->split_brain->resource, d->name))
                return ham_json_fail(error, "%ssplit_brain.resource: must be this entry's name, %s (got %s)",
                            path, d->name, d->split_brain->resource);
        return TRUE;
}

/* Optional: a hamgrd from before the frozen-I/O records sends no key. */
static gboolean parse_frozen(json_object *o, const char *path, HamFactsDrbd *d, GError **error)
{
        json_object *v = NULL;

        if (!json_object_object_get_ex(o, "frozen_since", &v) || !v)
                return TRUE;
        if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) <= 0)
                return ham_json_fail(error, "%sfrozen_since: must be a time in milliseconds or null", path);
        d->frozen_since = json_object_get_int64(v);
        return TRUE;
}

static gboolean parse_drbd(json_object *o, const char *path, HamFacts *f, GError **error)
{
        HamFactsDrbd *d = g_new0(HamFactsDrbd, 1);
        g_autofree char *role = NULL, *peer_role = NULL, *conn = NULL;
        g_autofree char *disk = NULL, *peer_disk = NULL, *repl = NULL;
        json_object *v;
        g_ptr_array_add(f->drbd, d);
        if (!ham_json_get_str(o, path, "name", dg_res_name_valid, NAME_RULE, FALSE, &d->name, error) ||
            !ham_json_get_str(o, path, "role", letters_valid, STATE_RULE, FALSE, &role, error) ||
            !ham_json_get_str(o, path, "peer_role", letters_valid, STATE_RULE, FALSE, &peer_role, error) ||
            !ham_json_get_str(o, path, "conn", letters_valid, STATE_RULE, FALSE, &conn, error) ||
            !ham_json_get_str(o, path, "disk", letters_valid, STATE_RULE, FALSE, &disk, error) ||
            !ham_json_get_str(o, path, "peer_disk", letters_valid, STATE_RULE, FALSE, &peer_disk, error) ||
            !ham_json_get_str(o, path, "repl", letters_valid, STATE_RULE, FALSE, &repl, error))
                return FALSE;
        /* Any word of letters is accepted, as before the states were typed:
         * a peer running a newer DRBD may report a state drbd-glue's table
         * does not know, and that must not make its whole message invalid.
         * It reads as the *_UNKNOWN value (from_name leaves @ret alone). */
        d->role = d->peer_role = DG_ROLE_UNKNOWN;
        d->conn = DG_CONN_UNKNOWN;
        d->disk = d->peer_disk = DG_DISK_UNKNOWN;
        d->repl = DG_REPL_UNKNOWN;
        dg_role_from_name(role, &d->role);
        dg_role_from_name(peer_role, &d->peer_role);
        dg_conn_from_name(conn, &d->conn);
        dg_disk_from_name(disk, &d->disk);
        dg_disk_from_name(peer_disk, &d->peer_disk);
        dg_repl_from_name(repl, &d->repl);
        if (!json_object_object_get_ex(o, "done", &v))
                return ham_json_fail(error, "%sdone: missing", path);
        if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
                return ham_json_fail(error, "%sdone: must be a number (got %s)", path, pk_json_type_name(v));
        d->done = json_object_get_double(v);
        if (d->done != -1 && !(d->done >= 0 && d->done <= 100))
                return ham_json_fail(error, "%sdone: must be -1 (not syncing) or 0 to 100", path);
        return parse_split_brain(o, path, d, error) && parse_frozen(o, path, d, error);
}

static gboolean parse_res(json_object *o, const char *path, HamFacts *f, GError **error)
{
        HamFactsRes *r = g_new0(HamFactsRes, 1);
        g_ptr_array_add(f->res, r);
        return ham_json_get_str(o, path, "name", dg_res_name_valid, NAME_RULE, FALSE, &r->name, error) &&
               ham_json_get_str(o, path, "sha256", sha256_valid, "64 lower-case hex digits", FALSE,
                       &r->sha256, error) &&
               ham_json_get_str(o, path, "protocol", protocol_valid, "A, B or C", TRUE, &r->protocol,
                       error) &&
               ham_json_get_str(o, path, "fencing", dg_res_name_valid, WORD_RULE, TRUE, &r->fencing,
                       error) &&
               ham_json_get_bool(o, path, "fence_peer", &r->fence_peer, error) &&
               ham_json_get_bool(o, path, "unfence_peer", &r->unfence_peer, error) &&
               get_split_brain_handler(o, path, r, error);
}

static gboolean parse_lv(json_object *o, const char *path, HamFacts *f, GError **error)
{
        HamFactsLv *l = g_new0(HamFactsLv, 1);
        gint64 size;
        g_ptr_array_add(f->lvs, l);
        if (!ham_json_get_str(o, path, "name", dg_lv_name_valid, LV_RULE, FALSE, &l->name, error) ||
            !ham_json_get_int(o, path, "size", 0, &size, error))
                return FALSE;
        l->size = (guint64)size;
        return TRUE;
}

typedef gboolean (*ItemParser)(json_object *o, const char *path, HamFacts *f, GError **error);

static gboolean parse_list(json_object *obj, const char *key, ItemParser parse, GPtrArray *into,
                           HamFacts *f, GError **error)
{
        json_object *arr;
        if (!ham_json_get(obj, "", key, json_type_array, FALSE, &arr, error))
                return FALSE;
        gsize n = json_object_array_length(arr);
        if (n > HAM_STATE_MAX_ITEMS)
                return ham_json_fail(error, "%s: at most %d entries", key, HAM_STATE_MAX_ITEMS);
        for (gsize i = 0; i < n; i++) {
                json_object *o = json_object_array_get_idx(arr, i);
                g_autofree char *path = g_strdup_printf("%s[%zu].", key, i);
                if (!json_object_is_type(o, json_type_object))
                        return ham_json_fail(error, "%s[%zu]: must be an object", key, i);
                if (!parse(o, path, f, error))
                        return FALSE;
                const char *name = *(char **)into->pdata[into->len - 1];
                for (guint j = 0; j + 1 < into->len; j++)
                        if (g_str_equal(*(char **)into->pdata[j], name))
                                return ham_json_fail(error, "%s[%zu].name: \"%s\" is listed twice",
                                            key, i, name);
        }
        return TRUE;
}

guint64 ham_capacity_mib(const HamCibView *cib, const char *node, guint *ret_guests, guint *ret_unknown)
{
        guint64 mib = 0;
        guint guests = 0, unknown = 0;

        for (guint i = 0; cib && i < cib->guests->len; i++) {
                const HamCibGuest *g = cib->guests->pdata[i];
                if (node && !(g->running_on->len && g_str_equal(g->running_on->pdata[0], node)))
                        continue;
                mib += (guint64)g->memory_mib + HAM_GUEST_OVERHEAD_MIB;
                guests++;
                unknown += g->memory_mib == 0;
        }
        if (ret_guests)
                *ret_guests = guests;
        if (ret_unknown)
                *ret_unknown = unknown;
        return mib;
}

guint64 ham_meminfo_total_mib(const char *text)
{
        g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

        for (char **l = lines; *l; l++) {
                guint64 kib;
                char *end;
                if (!g_str_has_prefix(*l, "MemTotal:"))
                        continue;
                const char *p = *l + strlen("MemTotal:");
                while (*p == ' ' || *p == '\t')
                        p++;
                if (!g_ascii_isdigit(*p))
                        return 0;
                kib = g_ascii_strtoull(p, &end, 10);
                return g_str_equal(g_strstrip(end), "kB") ? kib / 1024 : 0;
        }
        return 0;
}

HamFacts *ham_facts_from_json(json_object *obj, GError **error)
{
        g_autoptr(HamFacts) f = ham_facts_new(NULL);
        json_object *versions, *v;
        gint64 seq, at;

        if (!json_object_is_type(obj, json_type_object)) {
                ham_json_fail(error, "facts: must be an object (got %s)", pk_json_type_name(obj));
                return NULL;
        }
        if (!ham_json_get_str(obj, "", "node", dg_node_name_valid, "a node name: " DG_NODE_NAME_RULE, FALSE,
                     &f->node, error) ||
            !ham_json_get_int(obj, "", "seq", 0, &seq, error) ||
            !ham_json_get_int(obj, "", "at", 0, &at, error) ||
            !ham_json_get(obj, "", "versions", json_type_object, FALSE, &versions, error) ||
            !ham_json_get_str(versions, "versions.", "plastik", ham_version_valid, "a version", TRUE,
                     &f->v_plastik, error) ||
            !ham_json_get_str(versions, "versions.", "drbd", ham_version_valid, "a version", TRUE,
                     &f->v_drbd, error) ||
            !ham_json_get_str(versions, "versions.", "pacemaker", ham_version_valid, "a version", TRUE,
                     &f->v_pacemaker, error) ||
            !ham_json_get_str(versions, "versions.", "corosync", ham_version_valid, "a version", TRUE,
                     &f->v_corosync, error) ||
            !ham_json_get(obj, "", "two_node", json_type_boolean, TRUE, &v, error))
                return NULL;
        f->two_node = v ? json_object_get_boolean(v) : -1;
        /* Optional: null or missing (a hamgrd from before it) is unknown. */
        if (json_object_object_get_ex(obj, "mem_total_mib", &v) && v) {
                gint64 mib;
                if (!ham_json_get_int(obj, "", "mem_total_mib", 1, &mib, error))
                        return NULL;
                f->mem_total_mib = (guint64)mib;
        }
        f->seq = (guint64)seq;
        f->at = at;
        if (!parse_list(obj, "drbd", parse_drbd, f->drbd, f, error) ||
            !parse_list(obj, "res", parse_res, f->res, f, error) ||
            !parse_list(obj, "lvs", parse_lv, f->lvs, f, error))
                return NULL;
        return g_steal_pointer(&f);
}

HamFactsDrbd *ham_facts_drbd_from_state(const DgResourceState *r)
{
        HamFactsDrbd *d = g_new0(HamFactsDrbd, 1);
        const DgVolumeState *v = r->volumes->len ? &g_array_index(r->volumes, DgVolumeState, 0) : NULL;

        d->name = g_strdup(r->name);
        d->role = r->role;
        d->peer_role = r->peer_role;
        d->conn = r->conn;
        d->disk = v ? v->disk : DG_DISK_UNKNOWN;
        d->peer_disk = v ? v->peer_disk : DG_DISK_UNKNOWN;
        d->repl = v ? v->repl : DG_REPL_OFF;
        d->done = v && v->done >= 0 && v->done <= 100 ? v->done : -1;
        return d;
}

void ham_facts_drbd_states_to_json(const HamFactsDrbd *d, json_object *obj)
{
        json_object_object_add(obj, "role", json_object_new_string(dg_role_name(d->role)));
        json_object_object_add(obj, "peer_role", json_object_new_string(dg_role_name(d->peer_role)));
        json_object_object_add(obj, "conn", json_object_new_string(dg_conn_name(d->conn)));
        json_object_object_add(obj, "disk", json_object_new_string(dg_disk_name(d->disk)));
        json_object_object_add(obj, "peer_disk", json_object_new_string(dg_disk_name(d->peer_disk)));
        json_object_object_add(obj, "repl", json_object_new_string(dg_repl_name(d->repl)));
        /* Whole percentages and -1 stay integers so the text is stable. */
        json_object_object_add(obj, "done", d->done == (gint64)d->done ?
                               json_object_new_int64((gint64)d->done) :
                               json_object_new_double(d->done));
}

json_object *ham_facts_to_json(const HamFacts *f)
{
        json_object *o = json_object_new_object();
        json_object *versions = json_object_new_object();
        json_object *drbd = json_object_new_array();
        json_object *res = json_object_new_array();
        json_object *lvs = json_object_new_array();

        json_object_object_add(o, "node", pk_json_string_or_null(f->node));
        json_object_object_add(o, "seq", json_object_new_int64((gint64)f->seq));
        json_object_object_add(o, "at", json_object_new_int64(f->at));
        json_object_object_add(versions, "plastik", pk_json_string_or_null(f->v_plastik));
        json_object_object_add(versions, "drbd", pk_json_string_or_null(f->v_drbd));
        json_object_object_add(versions, "pacemaker", pk_json_string_or_null(f->v_pacemaker));
        json_object_object_add(versions, "corosync", pk_json_string_or_null(f->v_corosync));
        json_object_object_add(o, "versions", versions);
        json_object_object_add(o, "two_node",
                               f->two_node < 0 ? NULL : json_object_new_boolean(f->two_node));
        json_object_object_add(o, "mem_total_mib",
                               f->mem_total_mib ? json_object_new_int64((gint64)f->mem_total_mib) : NULL);
        for (guint i = 0; i < f->drbd->len; i++) {
                const HamFactsDrbd *d = f->drbd->pdata[i];
                json_object *x = json_object_new_object();
                json_object_object_add(x, "name", pk_json_string_or_null(d->name));
                ham_facts_drbd_states_to_json(d, x);
                json_object_object_add(x, "split_brain", d->split_brain ?
                                       dg_split_brain_to_json(d->split_brain) : NULL);
                json_object_object_add(x, "frozen_since", d->frozen_since > 0 ?
                                       json_object_new_int64(d->frozen_since) : NULL);
                json_object_array_add(drbd, x);
        }
        for (guint i = 0; i < f->res->len; i++) {
                const HamFactsRes *r = f->res->pdata[i];
                json_object *x = json_object_new_object();
                json_object_object_add(x, "name", pk_json_string_or_null(r->name));
                json_object_object_add(x, "sha256", pk_json_string_or_null(r->sha256));
                json_object_object_add(x, "protocol", pk_json_string_or_null(r->protocol));
                json_object_object_add(x, "fencing", pk_json_string_or_null(r->fencing));
                json_object_object_add(x, "fence_peer", json_object_new_boolean(r->fence_peer));
                json_object_object_add(x, "unfence_peer", json_object_new_boolean(r->unfence_peer));
                json_object_object_add(x, "split_brain_handler",
                                       r->split_brain_handler < 0 ? NULL :
                                       json_object_new_boolean(r->split_brain_handler));
                json_object_array_add(res, x);
        }
        for (guint i = 0; i < f->lvs->len; i++) {
                const HamFactsLv *l = f->lvs->pdata[i];
                json_object *x = json_object_new_object();
                json_object_object_add(x, "name", pk_json_string_or_null(l->name));
                json_object_object_add(x, "size", json_object_new_int64((gint64)l->size));
                json_object_array_add(lvs, x);
        }
        json_object_object_add(o, "drbd", drbd);
        json_object_object_add(o, "res", res);
        json_object_object_add(o, "lvs", lvs);
        return o;
}

/* ---- the message ------------------------------------------------------------ */

HamFacts *ham_state_msg_parse(const char *data, gsize len, GError **error)
{
        g_autoptr(json_object) obj = NULL;
        json_object *v;

        if (len > HAM_CPG_MAX_MESSAGE || memchr(data, '\0', len)) {
                ham_json_fail(error, "message: over %d bytes or holds a NUL byte", HAM_CPG_MAX_MESSAGE);
                return NULL;
        }
        obj = pk_json_parse(data, (gssize)len, "message", error);
        if (!obj)
                return NULL;
        if (!json_object_is_type(obj, json_type_object)) {
                ham_json_fail(error, "message: must be an object (got %s)", pk_json_type_name(obj));
                return NULL;
        }
        if (!ham_json_get(obj, "", "v", json_type_int, FALSE, &v, error))
                return NULL;
        if (json_object_get_int64(v) != HAM_STATE_VERSION) {
                ham_json_fail(error, "v: version %" G_GINT64_FORMAT " of the state message is not "
                     "spoken here (only %d)", json_object_get_int64(v), HAM_STATE_VERSION);
                return NULL;
        }
        if (!ham_json_get(obj, "", "type", json_type_string, FALSE, &v, error))
                return NULL;
        if (g_strcmp0(json_object_get_string(v), "state") != 0) {
                ham_json_fail(error, "type: must be \"state\"");
                return NULL;
        }
        return ham_facts_from_json(obj, error);
}

char *ham_state_msg_build(const HamFacts *f)
{
        g_autoptr(json_object) facts = ham_facts_to_json(f);
        g_autoptr(json_object) obj = json_object_new_object();
        json_object_object_add(obj, "v", json_object_new_int(HAM_STATE_VERSION));
        json_object_object_add(obj, "type", json_object_new_string("state"));
        json_object_object_foreach(facts, k, val)
                json_object_object_add(obj, k, json_object_get(val));
        return pk_json_to_string(obj, FALSE);
}

gboolean ham_state_msg_is(const char *data, gsize len)
{
        g_autoptr(json_object) obj = NULL;
        json_object *t;
        if (len > HAM_CPG_MAX_MESSAGE || memchr(data, '\0', len))
                return FALSE;
        obj = pk_json_parse(data, (gssize)len, "message", NULL);
        return obj && json_object_is_type(obj, json_type_object) &&
               json_object_object_get_ex(obj, "type", &t) &&
               json_object_is_type(t, json_type_string) &&
               g_str_equal(json_object_get_string(t), "state");
}

/* ---- .res files ---------------------------------------------------------------- */

/* drbd-glue reads the file (dg_res_file_parse()); these take what hamgr
 * keeps of it. */
void ham_res_facts_scan(const char *text, HamFactsRes *res)
{
        g_autoptr(DgResFile) f = dg_res_file_parse(text);

        g_free(res->protocol);
        res->protocol = g_steal_pointer(&f->protocol);
        g_free(res->fencing);
        res->fencing = g_steal_pointer(&f->fencing);
        res->fence_peer = f->fence_peer;
        res->unfence_peer = f->unfence_peer;
        res->split_brain_handler = f->split_brain ? 1 : 0;
}

static void taken_add(GPtrArray *out, const char *res, guint minor, guint port)
{
        for (guint i = 0; i < out->len; i++) {
                const HamVolume *v = out->pdata[i];
                if (g_str_equal(v->volume, res) && v->minor == minor && v->port == port)
                        return;
        }
        HamVolume *v = g_new0(HamVolume, 1);
        v->volume = g_strdup(res);
        v->minor = minor;
        v->port = port;
        g_ptr_array_add(out, v);
}

GPtrArray *ham_res_taken_scan(const char *text)
{
        g_autoptr(DgResFile) f = dg_res_file_parse(text);
        GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)ham_volume_free);

        /* One entry per number (the other one HAM_NUMBER_NONE): each
         * resource's minors, then its ports. */
        for (guint i = 0; i < f->resources->len; i++) {
                const DgResClaims *r = f->resources->pdata[i];
                for (guint j = 0; j < r->minors->len; j++)
                        taken_add(out, r->name, g_array_index(r->minors, guint, j), HAM_NUMBER_NONE);
                for (guint j = 0; j < r->ports->len; j++)
                        taken_add(out, r->name, HAM_NUMBER_NONE, g_array_index(r->ports, guint, j));
        }
        return out;
}
