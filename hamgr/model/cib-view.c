/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CIB's view, typed, and its JSON codec (ham-cib.h): pure. */
#include "ham-cib.h"
#include "model-internal.h"
#include "pk.h"

#include <string.h>

static GPtrArray *str_list_new(void)
{
        return g_ptr_array_new_with_free_func(g_free);
}

static GPtrArray *str_list_copy(const GPtrArray *list)
{
        GPtrArray *out = str_list_new();
        for (guint i = 0; list && i < list->len; i++)
                g_ptr_array_add(out, g_strdup(list->pdata[i]));
        return out;
}

static void unref0(GPtrArray *a)
{
        if (a)
                g_ptr_array_unref(a);
}

static void constraint_free(HamCibFenceConstraint *c)
{
        if (!c)
                return;
        g_free(c->id);
        g_free(c->node);
        g_free(c);
}

HamCibVolume *ham_cib_volume_new(void)
{
        HamCibVolume *v = g_new0(HamCibVolume, 1);
        v->promoted_on = str_list_new();
        v->started_on = str_list_new();
        return v;
}

void ham_cib_volume_free(HamCibVolume *v)
{
        if (!v)
                return;
        g_free(v->volume);
        g_free(v->resource);
        g_free(v->primitive);
        g_free(v->clone);
        unref0(v->promoted_on);
        unref0(v->started_on);
        constraint_free(v->fence_constraint);
        g_free(v);
}

HamCibVolume *ham_cib_volume_copy(const HamCibVolume *v)
{
        HamCibVolume *c = g_new0(HamCibVolume, 1);
        c->volume = g_strdup(v->volume);
        c->resource = g_strdup(v->resource);
        c->primitive = g_strdup(v->primitive);
        c->clone = g_strdup(v->clone);
        c->promoted_on = str_list_copy(v->promoted_on);
        c->started_on = str_list_copy(v->started_on);
        if (v->fence_constraint) {
                c->fence_constraint = g_new0(HamCibFenceConstraint, 1);
                c->fence_constraint->id = g_strdup(v->fence_constraint->id);
                c->fence_constraint->node = g_strdup(v->fence_constraint->node);
                c->fence_constraint->foreign = v->fence_constraint->foreign;
        }
        c->colocated = v->colocated;
        c->ordered = v->ordered;
        return c;
}

static void guest_free(gpointer p)
{
        HamCibGuest *g = p;
        g_free(g->id);
        g_free(g->name);
        g_free(g->target_role);
        unref0(g->running_on);
        unref0(g->failed_on);
        g_free(g->probe);
        unref0(g->volumes);
        g_free(g);
}

static void fencing_free(gpointer p)
{
        HamCibFencing *f = p;
        g_free(f->id);
        g_free(f->agent);
        g_free(f->wrapper);
        g_free(f->target_role);
        g_free(f->hosts);
        unref0(f->running_on);
        g_free(f);
}

static void node_free(gpointer p)
{
        HamCibNode *n = p;
        g_free(n->name);
        g_free(n);
}

HamCibView *ham_cib_view_new(void)
{
        HamCibView *view = g_new0(HamCibView, 1);
        view->stonith_enabled = TRUE;
        view->priority_fencing_delay_ms = -1;
        view->nodes = g_ptr_array_new_with_free_func(node_free);
        view->fencing = g_ptr_array_new_with_free_func(fencing_free);
        view->guests = g_ptr_array_new_with_free_func(guest_free);
        return view;
}

void ham_cib_view_free(HamCibView *view)
{
        if (!view)
                return;
        g_ptr_array_unref(view->nodes);
        g_ptr_array_unref(view->fencing);
        g_ptr_array_unref(view->guests);
        g_free(view);
}

const HamCibNode *ham_cib_view_node(const HamCibView *view, const char *name)
{
        for (guint i = 0; view && name && i < view->nodes->len; i++) {
                const HamCibNode *n = view->nodes->pdata[i];
                if (g_str_equal(n->name, name))
                        return n;
        }
        return NULL;
}

void ham_cib_view_set_node(HamCibView *view, const char *name, gboolean standby, gboolean maintenance)
{
        HamCibNode *n = (HamCibNode *)ham_cib_view_node(view, name);
        if (!n) {
                n = g_new0(HamCibNode, 1);
                n->name = g_strdup(name);
                g_ptr_array_add(view->nodes, n);
        }
        n->standby = standby;
        n->maintenance = maintenance;
}

/* ---- JSON ---------------------------------------------------------------------- */

static json_object *constraint_to_json(const HamCibFenceConstraint *c)
{
        if (!c)
                return NULL;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", pk_json_string_or_null(c->id));
        json_object_object_add(o, "node", pk_json_string_or_null(c->node));
        json_object_object_add(o, "foreign", json_object_new_boolean(c->foreign));
        return o;
}

static json_object *volume_to_json(const HamCibVolume *v)
{
        json_object *o = json_object_new_object();
        json_object_object_add(o, "volume", pk_json_string_or_null(v->volume));
        json_object_object_add(o, "resource", pk_json_string_or_null(v->resource));
        json_object_object_add(o, "primitive", pk_json_string_or_null(v->primitive));
        json_object_object_add(o, "clone", pk_json_string_or_null(v->clone));
        json_object_object_add(o, "promoted_on", ham_json_str_list(v->promoted_on));
        json_object_object_add(o, "started_on", ham_json_str_list(v->started_on));
        json_object_object_add(o, "fence_constraint", constraint_to_json(v->fence_constraint));
        json_object_object_add(o, "colocated", json_object_new_boolean(v->colocated));
        json_object_object_add(o, "ordered", json_object_new_boolean(v->ordered));
        return o;
}

json_object *ham_cib_view_to_json(const HamCibView *view)
{
        json_object *o = json_object_new_object();
        json_object *nodes = json_object_new_object();
        json_object *fencing = json_object_new_array();
        json_object *guests = json_object_new_array();

        json_object_object_add(o, "configured", json_object_new_boolean(view->configured));
        json_object_object_add(o, "stonith_enabled", json_object_new_boolean(view->stonith_enabled));
        json_object_object_add(o, "maintenance_mode", json_object_new_boolean(view->maintenance_mode));
        if (view->priority_fencing_delay_ms >= 0)
                json_object_object_add(o, "priority_fencing_delay",
                                       json_object_new_int64(view->priority_fencing_delay_ms));
        for (guint i = 0; i < view->nodes->len; i++) {
                const HamCibNode *n = view->nodes->pdata[i];
                json_object *x = json_object_new_object();
                json_object_object_add(x, "standby", json_object_new_boolean(n->standby));
                json_object_object_add(x, "maintenance", json_object_new_boolean(n->maintenance));
                json_object_object_add(nodes, n->name, x);
        }
        json_object_object_add(o, "nodes", nodes);
        for (guint i = 0; i < view->fencing->len; i++) {
                const HamCibFencing *f = view->fencing->pdata[i];
                json_object *x = json_object_new_object();
                json_object_object_add(x, "id", pk_json_string_or_null(f->id));
                json_object_object_add(x, "agent", pk_json_string_or_null(f->agent));
                /* Only for a wrapped device, so views of plain ones stay as they were. */
                if (f->wrapper) {
                        json_object_object_add(x, "wrapper", json_object_new_string(f->wrapper));
                        json_object_object_add(x, "race_delay", json_object_new_int(f->race_delay_s));
                }
                json_object_object_add(x, "target_role", pk_json_string_or_null(f->target_role));
                json_object_object_add(x, "hosts", pk_json_string_or_null(f->hosts));
                json_object_object_add(x, "stopped", json_object_new_boolean(f->stopped));
                json_object_object_add(x, "running_on", ham_json_str_list(f->running_on));
                json_object_array_add(fencing, x);
        }
        for (guint i = 0; i < view->guests->len; i++) {
                const HamCibGuest *g = view->guests->pdata[i];
                json_object *x = json_object_new_object();
                json_object *vols = json_object_new_array();
                json_object_object_add(x, "id", pk_json_string_or_null(g->id));
                json_object_object_add(x, "name", pk_json_string_or_null(g->name));
                json_object_object_add(x, "target_role", pk_json_string_or_null(g->target_role));
                json_object_object_add(x, "running_on", ham_json_str_list(g->running_on));
                json_object_object_add(x, "failed_on", ham_json_str_list(g->failed_on));
                /* Only when set, so views of CIBs without probes stay as they were. */
                if (g->probe)
                        json_object_object_add(x, "probe", json_object_new_string(g->probe));
                if (g->memory_mib)
                        json_object_object_add(x, "memory", json_object_new_int64(g->memory_mib));
                for (guint j = 0; j < g->volumes->len; j++)
                        json_object_array_add(vols, volume_to_json(g->volumes->pdata[j]));
                json_object_object_add(x, "volumes", vols);
                json_object_array_add(guests, x);
        }
        json_object_object_add(o, "fencing", fencing);
        json_object_object_add(o, "guests", guests);
        return o;
}

#define ANY ham_json_any_string, "a string"

static gboolean constraint_from_json(json_object *obj, const char *path, HamCibVolume *v,
                                     GError **error)
{
        json_object *c;
        g_autofree char *p = g_strconcat(path, "fence_constraint.", NULL);

        if (!ham_json_get(obj, path, "fence_constraint", json_type_object, TRUE, &c, error))
                return FALSE;
        if (!c)
                return TRUE;
        v->fence_constraint = g_new0(HamCibFenceConstraint, 1);
        return ham_json_get_str(c, p, "id", ANY, FALSE, &v->fence_constraint->id, error) &&
               ham_json_get_str(c, p, "node", ANY, TRUE, &v->fence_constraint->node, error) &&
               ham_json_get_bool(c, p, "foreign", &v->fence_constraint->foreign, error);
}

static gboolean volume_from_json(json_object *o, const char *path, GPtrArray *into, GError **error)
{
        HamCibVolume *v = g_new0(HamCibVolume, 1);
        g_ptr_array_add(into, v);
        return ham_json_get_str(o, path, "volume", ANY, FALSE, &v->volume, error) &&
               ham_json_get_str(o, path, "resource", ANY, TRUE, &v->resource, error) &&
               ham_json_get_str(o, path, "primitive", ANY, FALSE, &v->primitive, error) &&
               ham_json_get_str(o, path, "clone", ANY, TRUE, &v->clone, error) &&
               ham_json_get_str_list(o, path, "promoted_on", &v->promoted_on, error) &&
               ham_json_get_str_list(o, path, "started_on", &v->started_on, error) &&
               constraint_from_json(o, path, v, error) &&
               ham_json_get_bool(o, path, "colocated", &v->colocated, error) &&
               ham_json_get_bool(o, path, "ordered", &v->ordered, error);
}

typedef gboolean (*ItemReader)(json_object *o, const char *path, GPtrArray *into, GError **error);

static gboolean list_from_json(json_object *obj, const char *path, const char *key, ItemReader read,
                               GPtrArray *into, GError **error)
{
        json_object *arr;
        if (!ham_json_get(obj, path, key, json_type_array, FALSE, &arr, error))
                return FALSE;
        for (size_t i = 0; i < json_object_array_length(arr); i++) {
                json_object *o = json_object_array_get_idx(arr, i);
                g_autofree char *p = g_strdup_printf("%s%s[%zu].", path, key, i);
                if (!json_object_is_type(o, json_type_object))
                        return ham_json_fail(error, "%s%s[%zu]: must be an object (got %s)", path,
                                             key, i, pk_json_type_name(o));
                if (!read(o, p, into, error))
                        return FALSE;
        }
        return TRUE;
}

static gboolean guest_from_json(json_object *o, const char *path, GPtrArray *into, GError **error)
{
        HamCibGuest *g = g_new0(HamCibGuest, 1);
        json_object *probe = NULL, *memory = NULL;
        gint64 mib = 0;

        g_ptr_array_add(into, g);
        g->volumes = g_ptr_array_new_with_free_func((GDestroyNotify)ham_cib_volume_free);
        if (!ham_json_get_str(o, path, "id", ANY, FALSE, &g->id, error) ||
            !ham_json_get_str(o, path, "name", ANY, TRUE, &g->name, error) ||
            !ham_json_get_str(o, path, "target_role", ANY, TRUE, &g->target_role, error) ||
            !ham_json_get_str_list(o, path, "running_on", &g->running_on, error) ||
            !ham_json_get_str_list(o, path, "failed_on", &g->failed_on, error))
                return FALSE;
        /* Optional: only set when the CIB has one. */
        if (json_object_object_get_ex(o, "probe", &probe) &&
            !ham_json_get_str(o, path, "probe", ANY, FALSE, &g->probe, error))
                return FALSE;
        /* Optional: missing when the guest's config is unreadable, or
         * from a hamgrd from before it. */
        if (json_object_object_get_ex(o, "memory", &memory)) {
                if (!ham_json_get_int(o, path, "memory", 1, &mib, error))
                        return FALSE;
                if (mib > G_MAXUINT)
                        return ham_json_fail(error, "%smemory: %" G_GINT64_FORMAT " MiB is more than any node has",
                                             path, mib);
                g->memory_mib = (guint)mib;
        }
        return list_from_json(o, path, "volumes", volume_from_json, g->volumes, error);
}

static gboolean fencing_from_json(json_object *o, const char *path, GPtrArray *into, GError **error)
{
        HamCibFencing *f = g_new0(HamCibFencing, 1);
        gint64 delay = -1;

        g_ptr_array_add(into, f);
        f->race_delay_s = -1;
        /* Optional: only written for a device behind fence_plastik. */
        if (json_object_object_get_ex(o, "wrapper", NULL) &&
            (!ham_json_get_str(o, path, "wrapper", ANY, FALSE, &f->wrapper, error) ||
             !ham_json_get_int(o, path, "race_delay", 0, &delay, error)))
                return FALSE;
        f->race_delay_s = (gint)MIN(delay, G_MAXINT);
        return ham_json_get_str(o, path, "id", ANY, FALSE, &f->id, error) &&
               ham_json_get_str(o, path, "agent", ANY, TRUE, &f->agent, error) &&
               ham_json_get_str(o, path, "target_role", ANY, TRUE, &f->target_role, error) &&
               ham_json_get_str(o, path, "hosts", ANY, TRUE, &f->hosts, error) &&
               ham_json_get_bool(o, path, "stopped", &f->stopped, error) &&
               ham_json_get_str_list(o, path, "running_on", &f->running_on, error);
}

HamCibView *ham_cib_view_from_json(json_object *obj, const char *path, GError **error)
{
        g_autoptr(HamCibView) view = ham_cib_view_new();
        g_autofree char *npath = g_strconcat(path, "nodes.", NULL);
        json_object *nodes;

        if (!json_object_is_type(obj, json_type_object)) {
                /* The path without its final dot names the object itself. */
                int n = *path ? (int)strlen(path) - 1 : 3;
                ham_json_fail(error, "%.*s: must be an object (got %s)", n, *path ? path : "cib",
                              pk_json_type_name(obj));
                return NULL;
        }
        if (!ham_json_get_bool(obj, path, "configured", &view->configured, error) ||
            !ham_json_get_bool(obj, path, "stonith_enabled", &view->stonith_enabled, error) ||
            !ham_json_get_bool(obj, path, "maintenance_mode", &view->maintenance_mode, error) ||
            !ham_json_get(obj, path, "nodes", json_type_object, FALSE, &nodes, error))
                return NULL;
        if (json_object_object_get_ex(obj, "priority_fencing_delay", NULL) &&
            !ham_json_get_int(obj, path, "priority_fencing_delay", 0, &view->priority_fencing_delay_ms,
                              error))
                return NULL;
        json_object_object_foreach(nodes, name, n) {
                g_autofree char *p = g_strconcat(npath, name, ".", NULL);
                gboolean standby, maintenance;
                if (!json_object_is_type(n, json_type_object)) {
                        ham_json_fail(error, "%s%s: must be an object (got %s)", npath, name,
                                      pk_json_type_name(n));
                        return NULL;
                }
                if (!ham_json_get_bool(n, p, "standby", &standby, error) ||
                    !ham_json_get_bool(n, p, "maintenance", &maintenance, error))
                        return NULL;
                ham_cib_view_set_node(view, name, standby, maintenance);
        }
        if (!list_from_json(obj, path, "fencing", fencing_from_json, view->fencing, error) ||
            !list_from_json(obj, path, "guests", guest_from_json, view->guests, error))
                return NULL;
        return g_steal_pointer(&view);
}
