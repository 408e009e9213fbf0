/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading plastik's own JSON with errors that name the field
 * (model-internal.h): the codecs of the facts and of the CIB's view. */
#include "model-internal.h"
#include "ham-api.h"
#include "pk.h"

#include <stdarg.h>

gboolean ham_json_fail(GError **error, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        g_autofree char *msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_set_error_literal(error, HAM_API_ERROR, HAM_API_ERROR_INVALID, msg);
        return FALSE;
}


gboolean ham_json_get(json_object *obj, const char *path, const char *key, json_type type,
                    gboolean nullable, json_object **ret, GError **error)
{
        json_object *v = NULL;
        if (!json_object_object_get_ex(obj, key, &v))
                return ham_json_fail(error, "%s%s: missing", path, key);
        if (!v && nullable) {
                *ret = NULL;
                return TRUE;
        }
        if (!json_object_is_type(v, type))
                return ham_json_fail(error, "%s%s: must be %s%s (got %s)", path, key,
                            type == json_type_int ? "an integer" :
                            type == json_type_double ? "a number" : json_type_to_name(type),
                            nullable ? " or null" : "", pk_json_type_name(v));
        *ret = v;
        return TRUE;
}

/* @ret: (out) (transfer full) NULL for a null when @nullable. */
gboolean ham_json_get_str(json_object *obj, const char *path, const char *key,
                        gboolean (*check)(const char *), const char *rule, gboolean nullable,
                        char **ret, GError **error)
{
        json_object *v;
        if (!ham_json_get(obj, path, key, json_type_string, nullable, &v, error))
                return FALSE;
        if (!v) {
                *ret = NULL;
                return TRUE;
        }
        const char *s = json_object_get_string(v);
        if ((gsize)json_object_get_string_len(v) != strlen(s) || !check(s))
                return ham_json_fail(error, "%s%s: must be %s", path, key, rule);
        *ret = g_strdup(s);
        return TRUE;
}

gboolean ham_json_get_int(json_object *obj, const char *path, const char *key, gint64 min,
                        gint64 *ret, GError **error)
{
        json_object *v;
        if (!ham_json_get(obj, path, key, json_type_int, FALSE, &v, error))
                return FALSE;
        gint64 n = json_object_get_int64(v);
        if (n < min)
                return ham_json_fail(error, "%s%s: must be at least %" G_GINT64_FORMAT, path, key, min);
        *ret = n;
        return TRUE;
}

gboolean ham_json_get_bool(json_object *obj, const char *path, const char *key, gboolean *ret,
                         GError **error)
{
        json_object *v;
        if (!ham_json_get(obj, path, key, json_type_boolean, FALSE, &v, error))
                return FALSE;
        *ret = json_object_get_boolean(v);
        return TRUE;
}

gboolean ham_json_any_string(const char *s)
{
        return TRUE;
}

gboolean ham_json_get_str_list(json_object *obj, const char *path, const char *key,
                               GPtrArray **ret, GError **error)
{
        json_object *arr;
        if (!ham_json_get(obj, path, key, json_type_array, FALSE, &arr, error))
                return FALSE;
        g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
        for (size_t i = 0; i < json_object_array_length(arr); i++) {
                json_object *s = json_object_array_get_idx(arr, i);
                if (!json_object_is_type(s, json_type_string))
                        return ham_json_fail(error, "%s%s[%zu]: must be a string (got %s)", path, key,
                                             i, pk_json_type_name(s));
                g_ptr_array_add(out, g_strdup(json_object_get_string(s)));
        }
        *ret = g_steal_pointer(&out);
        return TRUE;
}

json_object *ham_json_str_list(const GPtrArray *list)
{
        json_object *arr = json_object_new_array();
        for (guint i = 0; list && i < list->len; i++)
                json_object_array_add(arr, json_object_new_string(list->pdata[i]));
        return arr;
}
