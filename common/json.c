/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pk.h"

#include <string.h>

G_DEFINE_QUARK(pk-error-quark, pk_error)

const char *pk_json_type_name(json_object *obj)
{
        switch (json_object_get_type(obj)) {
        case json_type_null: return "null";
        case json_type_boolean: return "boolean";
        case json_type_double: return "number";
        case json_type_int: return "integer";
        case json_type_object: return "object";
        case json_type_array: return "array";
        case json_type_string: return "string";
        }
        return "unknown";
}

char *pk_json_to_string(json_object *obj, gboolean pretty)
{
        int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
                    (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
                            : JSON_C_TO_STRING_PLAIN);
        return g_strdup(json_object_to_json_string_ext(obj, flags));
}

json_object *pk_json_parse(const char *text, gssize len, const char *what,
                           GError **error)
{
        json_tokener *tok = json_tokener_new();
        json_object *obj;
        enum json_tokener_error jerr;
        size_t n = len < 0 ? strlen(text) : (size_t)len;

        obj = json_tokener_parse_ex(tok, text, (int)n);
        jerr = json_tokener_get_error(tok);
        if (jerr == json_tokener_continue) {
                g_set_error(error, PK_ERROR, PK_ERROR_INVALID_DATA,
                            "%s: invalid JSON: unexpected end of input", what);
                goto fail;
        }
        if (jerr != json_tokener_success) {
                g_set_error(error, PK_ERROR, PK_ERROR_INVALID_DATA,
                            "%s: invalid JSON at byte %zu: %s", what,
                            json_tokener_get_parse_end(tok),
                            json_tokener_error_desc(jerr));
                goto fail;
        }
        /* Only whitespace may follow the value. */
        for (size_t i = json_tokener_get_parse_end(tok); i < n; i++) {
                if (!g_ascii_isspace(text[i])) {
                        g_set_error(error, PK_ERROR, PK_ERROR_INVALID_DATA,
                                    "%s: invalid JSON: trailing data at byte %zu",
                                    what, i);
                        goto fail;
                }
        }
        json_tokener_free(tok);
        return obj;
fail:
        json_object_put(obj);
        json_tokener_free(tok);
        return NULL;
}

json_object *pk_json_get(json_object *obj, const char *key)
{
        return obj && json_object_is_type(obj, json_type_object) ? json_object_object_get(obj, key) : NULL;
}

const char *pk_json_get_string(json_object *obj, const char *key)
{
        json_object *v = pk_json_get(obj, key);
        return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

gint64 pk_json_get_int(json_object *obj, const char *key, gint64 fallback)
{
        json_object *v = pk_json_get(obj, key);
        return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : fallback;
}

gboolean pk_json_get_true(json_object *obj, const char *key)
{
        json_object *v = pk_json_get(obj, key);
        return v && json_object_get_boolean(v);
}

size_t pk_json_array_len(json_object *arr)
{
        return arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

json_object *pk_json_array_find(json_object *arr, const char *key, const char *value)
{
        for (size_t i = 0; i < pk_json_array_len(arr); i++) {
                json_object *x = json_object_array_get_idx(arr, i);
                if (g_strcmp0(pk_json_get_string(x, key), value) == 0)
                        return x;
        }
        return NULL;
}

json_object *pk_json_string_or_null(const char *s)
{
        return s ? json_object_new_string(s) : NULL;
}
