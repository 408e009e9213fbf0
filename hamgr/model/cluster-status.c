/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hamgrd's cluster-status answer, typed, and its reader (ham-status.h): pure. */
#include "ham-status.h"
#include "model-internal.h"
#include "pk.h"

#include <string.h>

static void node_free(gpointer p)
{
        HamStatusNode *n = p;
        g_free(n->name);
        if (n->attributes)
                g_ptr_array_unref(n->attributes);
        g_free(n);
}

HamClusterStatus *ham_cluster_status_new(void)
{
        HamClusterStatus *st = g_new0(HamClusterStatus, 1);
        st->nodes = g_ptr_array_new_with_free_func(node_free);
        st->facts = g_ptr_array_new_with_free_func((GDestroyNotify)ham_facts_free);
        st->facts_at = g_array_new(FALSE, TRUE, sizeof(gint64));
        return st;
}

void ham_cluster_status_free(HamClusterStatus *st)
{
        if (!st)
                return;
        g_free(st->local);
        g_free(st->dc);
        g_ptr_array_unref(st->nodes);
        ham_cib_view_free(st->cib);
        g_ptr_array_unref(st->facts);
        g_array_unref(st->facts_at);
        g_free(st);
}

const HamStatusNode *ham_cluster_status_node(const HamClusterStatus *st, const char *name)
{
        for (guint i = 0; name && i < st->nodes->len; i++) {
                const HamStatusNode *n = st->nodes->pdata[i];
                if (g_str_equal(n->name, name))
                        return n;
        }
        return NULL;
}

const HamFacts *ham_facts_find(const GPtrArray *facts, const char *node)
{
        for (guint i = 0; node && i < facts->len; i++) {
                const HamFacts *f = facts->pdata[i];
                if (g_str_equal(f->node, node))
                        return f;
        }
        return NULL;
}

gint64 ham_facts_received(const GPtrArray *facts, const GArray *at, const char *node)
{
        for (guint i = 0; node && i < facts->len; i++)
                if (g_str_equal(((const HamFacts *)facts->pdata[i])->node, node))
                        return g_array_index(at, gint64, i);
        return 0;
}

const HamFactsDrbd *ham_facts_drbd(const HamFacts *f, const char *name)
{
        for (guint i = 0; f && name && i < f->drbd->len; i++) {
                const HamFactsDrbd *d = f->drbd->pdata[i];
                if (g_str_equal(d->name, name))
                        return d;
        }
        return NULL;
}

/* A time or null (0). */
static gboolean get_time(json_object *obj, const char *path, const char *key, gint64 *ret,
                         GError **error)
{
        json_object *v;
        if (!ham_json_get(obj, path, key, json_type_int, TRUE, &v, error))
                return FALSE;
        *ret = v ? json_object_get_int64(v) : 0;
        return TRUE;
}

/* Optional: hamgrd leaves standby and maintenance to the CIB's view. */
static gboolean get_optional_bool(json_object *obj, const char *path, const char *key,
                                  gboolean *ret, GError **error)
{
        *ret = FALSE;
        return !json_object_object_get_ex(obj, key, NULL) ||
               ham_json_get_bool(obj, path, key, ret, error);
}

static gboolean node_from_json(json_object *o, const char *path, HamClusterStatus *st, GError **error)
{
        HamStatusNode *n = g_new0(HamStatusNode, 1);
        json_object *attrs;

        g_ptr_array_add(st->nodes, n);
        n->attributes = g_ptr_array_new_with_free_func(g_free);
        if (!ham_json_get_str(o, path, "name", ham_json_any_string, "a string", FALSE, &n->name, error) ||
            !ham_json_get_bool(o, path, "member", &n->member, error) ||
            !ham_json_get_bool(o, path, "hamgrd", &n->hamgrd, error) ||
            !ham_json_get_bool(o, path, "online", &n->online, error) ||
            !get_optional_bool(o, path, "standby", &n->standby, error) ||
            !get_optional_bool(o, path, "maintenance", &n->maintenance, error) ||
            !get_time(o, path, "lost_at", &n->lost_at, error) ||
            !get_time(o, path, "back_at", &n->back_at, error) ||
            !ham_json_get(o, path, "attributes", json_type_object, FALSE, &attrs, error))
                return FALSE;
        json_object_object_foreach(attrs, k, v) {
                if (v && !json_object_is_type(v, json_type_string))
                        return ham_json_fail(error, "%sattributes.%s: must be a string or null (got %s)",
                                             path, k, pk_json_type_name(v));
                g_ptr_array_add(n->attributes, g_strdup(k));
                g_ptr_array_add(n->attributes, v ? g_strdup(json_object_get_string(v)) : NULL);
        }
        return TRUE;
}

/* "facts" and "facts_at" of hamgrd's answers: each node's facts, and when
 * they came. */
static gboolean facts_from_json(json_object *obj, gboolean at_optional, GPtrArray *out,
                                GArray *out_at, GError **error)
{
        json_object *facts, *at;

        at = NULL;
        if (!ham_json_get(obj, "", "facts", json_type_object, FALSE, &facts, error) ||
            ((!at_optional || json_object_object_get_ex(obj, "facts_at", NULL)) &&
             !ham_json_get(obj, "", "facts_at", json_type_object, FALSE, &at, error)))
                return FALSE;
        json_object_object_foreach(facts, node, fo) {
                g_autoptr(GError) e = NULL;
                g_autofree char *path = g_strconcat("facts_at.", node, NULL);
                json_object *t = NULL;
                HamFacts *f = ham_facts_from_json(fo, &e);
                if (!f)
                        return ham_json_fail(error, "facts.%s%s%s", node,
                                             g_str_has_prefix(e->message, "facts:") ? "" : ".",
                                             g_str_has_prefix(e->message, "facts:") ?
                                             e->message + strlen("facts") : e->message);
                g_ptr_array_add(out, f);
                if (!g_str_equal(f->node, node))
                        return ham_json_fail(error, "facts.%s.node: must be %s (got %s)", node, node,
                                             f->node);
                if (!at) {
                        gint64 unknown = 0;
                        g_array_append_val(out_at, unknown);
                        continue;
                }
                if (!json_object_object_get_ex(at, node, &t))
                        return ham_json_fail(error, "%s: missing", path);
                if (!json_object_is_type(t, json_type_int))
                        return ham_json_fail(error, "%s: must be an integer (got %s)", path,
                                             pk_json_type_name(t));
                gint64 when = json_object_get_int64(t);
                g_array_append_val(out_at, when);
        }
        return TRUE;
}

HamClusterStatus *ham_cluster_status_from_json(json_object *obj, GError **error)
{
        g_autoptr(HamClusterStatus) st = ham_cluster_status_new();
        json_object *nodes, *cib;

        if (!json_object_is_type(obj, json_type_object)) {
                ham_json_fail(error, "cluster-status: must be an object (got %s)", pk_json_type_name(obj));
                return NULL;
        }
        if (!ham_json_get_int(obj, "", "now", 0, &st->now, error) ||
            !ham_json_get_str(obj, "", "local", ham_json_any_string, "a string", TRUE, &st->local, error) ||
            !ham_json_get_bool(obj, "", "quorate", &st->quorate, error) ||
            !ham_json_get_str(obj, "", "dc", ham_json_any_string, "a string", TRUE, &st->dc, error) ||
            !ham_json_get(obj, "", "nodes", json_type_array, FALSE, &nodes, error))
                return NULL;
        for (size_t i = 0; i < json_object_array_length(nodes); i++) {
                json_object *o = json_object_array_get_idx(nodes, i);
                g_autofree char *path = g_strdup_printf("nodes[%zu].", i);
                if (!json_object_is_type(o, json_type_object)) {
                        ham_json_fail(error, "nodes[%zu]: must be an object (got %s)", i, pk_json_type_name(o));
                        return NULL;
                }
                if (!node_from_json(o, path, st, error))
                        return NULL;
        }
        if (!ham_json_get(obj, "", "cib", json_type_object, TRUE, &cib, error))
                return NULL;
        if (cib && !(st->cib = ham_cib_view_from_json(cib, "cib.", error)))
                return NULL;
        if (!facts_from_json(obj, FALSE, st->facts, st->facts_at, error))
                return NULL;
        return g_steal_pointer(&st);
}

HamVerifyFacts *ham_verify_facts_new(void)
{
        HamVerifyFacts *vf = g_new0(HamVerifyFacts, 1);
        vf->facts = g_ptr_array_new_with_free_func((GDestroyNotify)ham_facts_free);
        vf->facts_at = g_array_new(FALSE, TRUE, sizeof(gint64));
        return vf;
}

void ham_verify_facts_free(HamVerifyFacts *vf)
{
        if (!vf)
                return;
        g_free(vf->local);
        g_free(vf->peer);
        ham_cib_view_free(vf->cib);
        g_ptr_array_unref(vf->facts);
        g_array_unref(vf->facts_at);
        g_free(vf);
}

HamVerifyFacts *ham_verify_facts_from_json(json_object *obj, GError **error)
{
        g_autoptr(HamVerifyFacts) vf = ham_verify_facts_new();
        json_object *cib;

        if (!json_object_is_type(obj, json_type_object)) {
                ham_json_fail(error, "verify-facts: must be an object (got %s)", pk_json_type_name(obj));
                return NULL;
        }
        if (!ham_json_get_str(obj, "", "local", ham_json_any_string, "a string", TRUE, &vf->local, error) ||
            !ham_json_get_str(obj, "", "peer", ham_json_any_string, "a string", TRUE, &vf->peer, error) ||
            !ham_json_get(obj, "", "cib", json_type_object, TRUE, &cib, error))
                return NULL;
        if (cib && !(vf->cib = ham_cib_view_from_json(cib, "cib.", error)))
                return NULL;
        if (!facts_from_json(obj, TRUE, vf->facts, vf->facts_at, error))
                return NULL;
        /* A hamgrd from before the setting does not send it: the default. */
        if (json_object_object_get_ex(obj, "corosync_token", NULL)) {
                json_object *t;
                if (!ham_json_get(obj, "", "corosync_token", json_type_int, TRUE, &t, error))
                        return NULL;
                if (t && (json_object_get_int64(t) < 1 || json_object_get_int64(t) > G_MAXINT)) {
                        ham_json_fail(error, "corosync_token: must be a positive number of milliseconds");
                        return NULL;
                }
                vf->corosync_token = t ? (guint)json_object_get_int64(t) : 0;
        }
        return g_steal_pointer(&vf);
}
