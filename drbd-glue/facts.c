/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Facts: what this node has now for one volume, gathered from LVM, the
 * resource file, DRBD's metadata and DRBD's state. The planners decide
 * from nothing else.
 */
#include "dg.h"
#include "dg-volume-internal.h"
#include "pk.h"

#include <string.h>
#include <sys/wait.h>

/* drbdmeta reads the metadata straight off the LV, so it answers without a
 * resource file and whatever the kernel has configured: exit 0 and the
 * generation identifiers when there is valid metadata, 1 when not. */
static gboolean md_present(const DgNode *local, const char *res, guint minor, gboolean *ret, GError **error)
{
        g_autofree char *lv = dg_lv_path(local, res);
        g_autofree char *m = g_strdup_printf("%u", minor);
        g_autofree char *out = NULL, *err = NULL;
        const char *argv[] = { "drbdmeta", m, "v08", lv, "internal", "get-gi", NULL };
        g_autoptr(GError) e = NULL;
        int status;

        if (!pk_spawn_sync(argv, &out, &err, &status, &e)) {
                g_set_error(error, DG_ERROR, DG_ERROR_COMMAND, "drbdmeta: %s", e->message);
                return FALSE;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) <= 1) {
                *ret = WEXITSTATUS(status) == 0;
                return TRUE;
        }
        pk_spawn_check("drbdmeta", status, err, &e);
        g_set_error(error, DG_ERROR, DG_ERROR_COMMAND, "cannot tell whether %s holds DRBD metadata: %s", lv,
                    e->message);
        return FALSE;
}

gboolean dg_facts_gather(const DgSite *site, const DgVolumeDef *def, DgFacts *ret_facts, GError **error)
{
        DgFacts f = { 0 };
        DgVgInfo vg = { 0 };
        g_autofree char *res = NULL, *path = NULL, *text = NULL, *want = NULL;
        g_autoptr(GPtrArray) lvs = NULL;
        g_autoptr(GError) e = NULL;
        g_autoptr(DgState) state = NULL;
        const DgResourceState *rs;
        const DgNode *local;

        if (!dg_site_validate(site, error) || !dg_volume_def_validate(def, error))
                return FALSE;
        res = dg_resource_name(def->guest, def->volume, error);
        local = dg_site_local(site);
        if (!dg_vg_get(local->vg, &vg, &e)) {
                if (g_error_matches(e, DG_ERROR, DG_ERROR_NOT_FOUND))
                        g_set_error(error, DG_ERROR, DG_ERROR_NOT_FOUND,
                                    "%s (the site's [node %s] vg); create it or correct the site file",
                                    e->message, local->name);
                else
                        g_propagate_error(error, g_steal_pointer(&e));
                return FALSE;
        }
        f.vg_free = vg.free;
        f.vg_extent = vg.extent_size;
        dg_vg_info_clear(&vg);

        if (!(lvs = dg_lv_list(local->vg, TRUE, error)))
                return FALSE;
        for (guint i = 0; i < lvs->len; i++) {
                const DgLvInfo *lv = g_ptr_array_index(lvs, i);
                if (g_str_equal(lv->name, res)) {
                        f.lv_exists = TRUE;
                        f.lv_size = lv->size;
                        f.lv_activated = !lv->active;
                }
        }
        /* An inactive LV (a boot without LVM autoactivation) has no device
         * node: drbdmeta below and the plan's drbdadm could not open it.
         * Activating writes nothing to it, so the facts stay facts; the
         * caller says that it happened. */
        if (f.lv_activated && !dg_lv_activate(local->vg, res, error))
                return FALSE;

        path = dg_res_path(site, def);
        if (g_file_get_contents(path, &text, NULL, NULL)) {
                f.res_exists = TRUE;
                want = dg_res_render(site, def, error);
                if (!want)
                        return FALSE;
                f.res_current = g_str_equal(text, want);
        } else if (g_file_test(path, G_FILE_TEST_EXISTS)) {
                g_set_error(error, DG_ERROR, DG_ERROR_FAILED, "%s exists but cannot be read", path);
                return FALSE;
        }

        if (!(state = dg_state_snapshot(error)))
                return FALSE;
        rs = dg_state_lookup(state, res);
        f.role = DG_ROLE_UNKNOWN;
        if (rs) {
                f.up = TRUE;
                f.role = rs->role;
                f.conn = rs->conn;
                if (rs->volumes && rs->volumes->len > 0) {
                        const DgVolumeState *v = &g_array_index(rs->volumes, DgVolumeState, 0);
                        f.disk = v->disk;
                        f.peer_disk = v->peer_disk;
                        f.dev_size = v->size_kib > 0 ? (guint64)v->size_kib * 1024 : 0;
                }
        }
        /* While up the kernel holds the metadata open and drbdmeta refuses. */
        if (f.up)
                f.md_exists = TRUE;
        else if (f.lv_exists && !md_present(local, res, def->minor, &f.md_exists, error))
                return FALSE;
        *ret_facts = f;
        return TRUE;
}

/* ---- facts as JSON (the plan golden cases) ------------------------------- */

static gboolean enum_from_name(const char *(*name_of)(int), int n, const char *s, int *ret)
{
        for (int i = 0; i < n; i++) {
                if (g_str_equal(name_of(i), s)) {
                        *ret = i;
                        return TRUE;
                }
        }
        return FALSE;
}

static const char *role_name(int v) { return dg_role_name((DgRole)v); }
static const char *disk_name(int v) { return dg_disk_name((DgDiskState)v); }
static const char *conn_name(int v) { return dg_conn_name((DgConnState)v); }

gboolean dg_facts_from_json(json_object *obj, DgFacts *ret_facts, GError **error)
{
        static const char *const bools[] = { "lv_exists", "lv_activated", "res_exists", "res_current",
                                             "md_exists", "up" };
        static const char *const sizes[] = { "lv_size", "dev_size", "vg_free", "vg_extent" };
        DgFacts f = { 0 };
        gboolean *bool_fields[] = { &f.lv_exists, &f.lv_activated, &f.res_exists, &f.res_current, &f.md_exists,
                                    &f.up };
        guint64 *size_fields[] = { &f.lv_size, &f.dev_size, &f.vg_free, &f.vg_extent };
        struct { const char *key; const char *(*name_of)(int); int n; int *field; } enums[] = {
                { "role", role_name, DG_ROLE_SECONDARY + 1, (int *)&f.role },
                { "disk", disk_name, DG_DISK_UPTODATE + 1, (int *)&f.disk },
                { "conn", conn_name, DG_CONN_CONNECTED + 1, (int *)&f.conn },
                { "peer_disk", disk_name, DG_DISK_UPTODATE + 1, (int *)&f.peer_disk },
        };
        json_object *v;

        if (!json_object_is_type(obj, json_type_object)) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "facts: must be an object");
                return FALSE;
        }
        json_object_object_foreach(obj, key, val) {
                gboolean known = FALSE;
                (void)val;
                for (guint i = 0; i < G_N_ELEMENTS(bools); i++)
                        known |= g_str_equal(key, bools[i]);
                for (guint i = 0; i < G_N_ELEMENTS(sizes); i++)
                        known |= g_str_equal(key, sizes[i]);
                for (guint i = 0; i < G_N_ELEMENTS(enums); i++)
                        known |= g_str_equal(key, enums[i].key);
                if (!known) {
                        g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "facts: unknown key %s", key);
                        return FALSE;
                }
        }
        for (guint i = 0; i < G_N_ELEMENTS(bools); i++) {
                if (!json_object_object_get_ex(obj, bools[i], &v))
                        continue;
                if (!json_object_is_type(v, json_type_boolean)) {
                        g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "facts: %s must be true or false", bools[i]);
                        return FALSE;
                }
                *bool_fields[i] = json_object_get_boolean(v);
        }
        for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
                if (!json_object_object_get_ex(obj, sizes[i], &v))
                        continue;
                if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0) {
                        g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "facts: %s must be a number of bytes",
                                    sizes[i]);
                        return FALSE;
                }
                *size_fields[i] = (guint64)json_object_get_int64(v);
        }
        for (guint i = 0; i < G_N_ELEMENTS(enums); i++) {
                if (!json_object_object_get_ex(obj, enums[i].key, &v))
                        continue;
                if (!json_object_is_type(v, json_type_string) ||
                    !enum_from_name(enums[i].name_of, enums[i].n, json_object_get_string(v), enums[i].field)) {
                        g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "facts: %s: unknown state %s", enums[i].key,
                                    json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
                        return FALSE;
                }
        }
        *ret_facts = f;
        return TRUE;
}

json_object *dg_facts_to_json(const DgFacts *f)
{
        json_object *o = json_object_new_object();

        json_object_object_add(o, "lv_exists", json_object_new_boolean(f->lv_exists));
        json_object_object_add(o, "lv_size", json_object_new_int64((gint64)f->lv_size));
        json_object_object_add(o, "lv_activated", json_object_new_boolean(f->lv_activated));
        json_object_object_add(o, "res_exists", json_object_new_boolean(f->res_exists));
        json_object_object_add(o, "res_current", json_object_new_boolean(f->res_current));
        json_object_object_add(o, "md_exists", json_object_new_boolean(f->md_exists));
        json_object_object_add(o, "up", json_object_new_boolean(f->up));
        json_object_object_add(o, "role", json_object_new_string(dg_role_name(f->role)));
        json_object_object_add(o, "disk", json_object_new_string(dg_disk_name(f->disk)));
        json_object_object_add(o, "conn", json_object_new_string(dg_conn_name(f->conn)));
        json_object_object_add(o, "peer_disk", json_object_new_string(dg_disk_name(f->peer_disk)));
        json_object_object_add(o, "dev_size", json_object_new_int64((gint64)f->dev_size));
        json_object_object_add(o, "vg_free", json_object_new_int64((gint64)f->vg_free));
        json_object_object_add(o, "vg_extent", json_object_new_int64((gint64)f->vg_extent));
        return o;
}
