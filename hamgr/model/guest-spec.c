/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A guest's specification (ham.h): what hamgrd's API and the CIB carry
 * about a guest and its volumes, checked once when it is read from JSON,
 * and the allocation of a new volume's DRBD minor and port. Pure; the CIB's
 * form of the same objects is the Pacemaker module's (pcmk/pcmk-cib.c).
 */
#include "ham.h"
#include "ham-timeline.h"
#include "hv.h"
#include "pk.h"

#include <stdlib.h>
#include <string.h>

/* ---- guest specifications ---------------------------------------------------------- */

void ham_volume_free(HamVolume *vol)
{
        if (!vol)
                return;
        g_free(vol->guest);
        g_free(vol->volume);
        g_free(vol);
}

void ham_guest_spec_free(HamGuestSpec *spec)
{
        if (!spec)
                return;
        g_free(spec->name);
        g_free(spec->config);
        g_free(spec->prefer);
        g_free(spec->probe);
        g_free(spec->target_role);
        if (spec->volumes)
                g_ptr_array_unref(spec->volumes);
        g_free(spec);
}

static gboolean spec_invalid(GError **error, const char *field, const char *rule)
{
        g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID, "guest resources: %s: %s", field, rule);
        return FALSE;
}

static gboolean volume_check(const HamVolume *v, const char *field, GError **error)
{
        if (!dg_volume_name_valid(v->volume))
                return spec_invalid(error, field, "\"volume\" must match [a-z][a-z0-9]{0,15}");
        if (v->size == 0)
                return spec_invalid(error, field, "\"size\" must be a positive number of bytes");
        if (v->minor > HAM_MINOR_LAST)
                return spec_invalid(error, field, "\"minor\" must be 0..1048575");
        if (v->port < 1024 || v->port > 65535)
                return spec_invalid(error, field, "\"port\" must be 1024..65535");
        return TRUE;
}

static gboolean json_uint(json_object *o, const char *key, guint64 max, guint64 *ret)
{
        json_object *v;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int) ||
            json_object_get_int64(v) < 0 || (guint64)json_object_get_int64(v) > max)
                return FALSE;
        *ret = (guint64)json_object_get_int64(v);
        return TRUE;
}

/* Every disk the guest sees must be one of its own replicated volumes: any
 * other path would be neither mirrored nor fenced, so after a failover the
 * guest would find it missing, stale or (a DRBD device of another guest)
 * shared with a guest that writes it too. */
static gboolean disks_replicated(json_object *config, const GPtrArray *volumes, GError **error)
{
        json_object *disks;
        g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);

        if (!json_object_object_get_ex(config, "disks", &disks))
                return TRUE;
        if (!json_object_is_type(disks, json_type_array))
                return spec_invalid(error, "config.disks", "must be an array");
        for (size_t i = 0; i < json_object_array_length(disks); i++) {
                json_object *d = json_object_array_get_idx(disks, i), *p;
                g_autofree char *field = g_strdup_printf("config.disks[%zu].path", i);
                const char *path = json_object_object_get_ex(d, "path", &p) && json_object_is_type(p, json_type_string)
                                           ? json_object_get_string(p) : NULL;
                const char *digits = path && g_str_has_prefix(path, "/dev/drbd") ? path + 9 : NULL;
                char *end = NULL;
                guint64 minor = digits && g_ascii_isdigit(*digits) ? g_ascii_strtoull(digits, &end, 10) : G_MAXUINT64;
                const HamVolume *own = NULL;

                for (guint k = 0; end && !*end && k < volumes->len; k++)
                        if (((const HamVolume *)volumes->pdata[k])->minor == minor)
                                own = volumes->pdata[k];
                if (!own) {
                        g_autofree char *msg = g_strdup_printf(
                                "\"%s\" is not one of this guest's replicated volumes (/dev/drbdMINOR of its "
                                "\"volumes\"): it would be neither mirrored nor fenced, and after a failover the "
                                "guest would lose it; give every disk its own volume, or remove it", path ? path : "");
                        return spec_invalid(error, field, msg);
                }
                if (!g_hash_table_add(seen, GUINT_TO_POINTER((guint)minor + 1)))
                        return spec_invalid(error, field, "names a volume another disk uses already");
        }
        return TRUE;
}

HamGuestSpec *ham_guest_spec_from_json(json_object *obj, GError **error)
{
        g_autoptr(HamGuestSpec) spec = g_new0(HamGuestSpec, 1);
        json_object *v, *vols;
        guint64 n;

        spec->volumes = g_ptr_array_new_with_free_func((GDestroyNotify)ham_volume_free);
        if (!json_object_is_type(obj, json_type_object)) {
                spec_invalid(error, "(top)", "must be a JSON object");
                return NULL;
        }
        if (!json_object_object_get_ex(obj, "name", &v) || !json_object_is_type(v, json_type_string) ||
            !hv_guest_name_valid(json_object_get_string(v))) {
                spec_invalid(error, "name", "must be a guest name ([a-z][a-z0-9-]{0,31})");
                return NULL;
        }
        spec->name = g_strdup(json_object_get_string(v));
        if (!json_object_object_get_ex(obj, "config", &v) || !json_object_is_type(v, json_type_object)) {
                spec_invalid(error, "config", "must be the guest definition (a JSON object)");
                return NULL;
        }
        spec->config = pk_json_to_string(v, FALSE);
        if (json_object_object_get_ex(obj, "priority", NULL)) {
                if (!json_uint(obj, "priority", 1000000, &n)) {
                        spec_invalid(error, "priority", "must be an integer 0..1000000");
                        return NULL;
                }
                spec->priority = (guint)n;
        }
        if (json_object_object_get_ex(obj, "prefer", &v)) {
                if (!json_object_is_type(v, json_type_string) || !ham_name_valid(json_object_get_string(v))) {
                        spec_invalid(error, "prefer", "must be a node name");
                        return NULL;
                }
                spec->prefer = g_strdup(json_object_get_string(v));
        }
        if (json_object_object_get_ex(obj, "probe", &v) && !json_object_is_type(v, json_type_null)) {
                if (!json_object_is_type(v, json_type_string) ||
                    !ham_probe_target_parse(json_object_get_string(v), NULL, NULL, NULL)) {
                        spec_invalid(error, "probe", "must be ADDRESS:PORT with an IP address "
                                     "(\"10.0.1.5:8080\", \"[fd00::5]:8080\")");
                        return NULL;
                }
                spec->probe = g_strdup(json_object_get_string(v));
        }
        if (json_object_object_get_ex(obj, "target_role", &v)) {
                if (g_strcmp0(json_object_get_string(v), "Started") != 0 &&
                    g_strcmp0(json_object_get_string(v), "Stopped") != 0) {
                        spec_invalid(error, "target_role", "must be \"Started\" or \"Stopped\"");
                        return NULL;
                }
                spec->target_role = g_strdup(json_object_get_string(v));
        }
        if (!json_object_object_get_ex(obj, "volumes", &vols) || !json_object_is_type(vols, json_type_array) ||
            json_object_array_length(vols) == 0) {
                spec_invalid(error, "volumes", "must be a non-empty array");
                return NULL;
        }
        for (gsize i = 0; i < json_object_array_length(vols); i++) {
                json_object *e = json_object_array_get_idx(vols, i);
                g_autofree char *field = g_strdup_printf("volumes[%zu]", i);
                g_autoptr(HamVolume) vol = g_new0(HamVolume, 1);
                guint64 minor, port;

                if (!json_object_is_type(e, json_type_object)) {
                        spec_invalid(error, field, "must be an object");
                        return NULL;
                }
                vol->guest = g_strdup(spec->name);
                if (json_object_object_get_ex(e, "volume", &v) && json_object_is_type(v, json_type_string))
                        vol->volume = g_strdup(json_object_get_string(v));
                if (!json_uint(e, "size", G_MAXINT64, &vol->size) ||
                    !json_uint(e, "minor", G_MAXUINT32, &minor) || !json_uint(e, "port", G_MAXUINT32, &port)) {
                        spec_invalid(error, field, "\"size\", \"minor\" and \"port\" must be non-negative integers");
                        return NULL;
                }
                vol->minor = (guint)minor;
                vol->port = (guint)port;
                if (!volume_check(vol, field, error))
                        return NULL;
                for (guint k = 0; k < spec->volumes->len; k++) {
                        HamVolume *o = spec->volumes->pdata[k];
                        if (g_str_equal(o->volume, vol->volume) || o->minor == vol->minor || o->port == vol->port) {
                                spec_invalid(error, field, "the volume name, minor and port must differ from every other volume's");
                                return NULL;
                        }
                }
                g_ptr_array_add(spec->volumes, g_steal_pointer(&vol));
        }
        if (!disks_replicated(json_object_object_get(obj, "config"), spec->volumes, error))
                return NULL;
        return g_steal_pointer(&spec);
}

/* ---- allocation ------------------------------------------------------------------- */

gboolean ham_guest_spec_check(const HamGuestSpec *spec, GError **error)
{
        if (!hv_guest_name_valid(spec->name))
                return spec_invalid(error, "name", "must be a guest name ([a-z][a-z0-9-]{0,31})");
        if (!spec->config || !*spec->config)
                return spec_invalid(error, "config", "the guest definition is missing");
        if (!spec->volumes || spec->volumes->len == 0)
                return spec_invalid(error, "volumes", "a guest needs at least one volume");
        for (guint i = 0; i < spec->volumes->len; i++) {
                g_autofree char *field = g_strdup_printf("volumes[%u]", i);
                if (!volume_check(spec->volumes->pdata[i], field, error))
                        return FALSE;
        }
        return TRUE;
}

gboolean ham_alloc_minor_port(const GPtrArray *used, guint *ret_minor, guint *ret_port, GError **error)
{
        g_autoptr(GHashTable) minors = g_hash_table_new(g_direct_hash, g_direct_equal);
        g_autoptr(GHashTable) ports = g_hash_table_new(g_direct_hash, g_direct_equal);
        guint minor = HAM_MINOR_FIRST, port = HAM_PORT_FIRST;

        for (guint i = 0; used && i < used->len; i++) {
                const HamVolume *v = used->pdata[i];
                g_hash_table_add(minors, GUINT_TO_POINTER(v->minor + 1));
                g_hash_table_add(ports, GUINT_TO_POINTER(v->port));
        }
        while (minor <= HAM_MINOR_LAST && g_hash_table_contains(minors, GUINT_TO_POINTER(minor + 1)))
                minor++;
        while (port <= HAM_PORT_LAST && g_hash_table_contains(ports, GUINT_TO_POINTER(port)))
                port++;
        if (minor > HAM_MINOR_LAST || port > HAM_PORT_LAST) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                            "no free DRBD %s left (%u to %u are all in use); remove unused volumes first",
                            port > HAM_PORT_LAST ? "port" : "minor",
                            port > HAM_PORT_LAST ? HAM_PORT_FIRST : HAM_MINOR_FIRST,
                            port > HAM_PORT_LAST ? HAM_PORT_LAST : HAM_MINOR_LAST);
                return FALSE;
        }
        *ret_minor = minor;
        *ret_port = port;
        return TRUE;
}
