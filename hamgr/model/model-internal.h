/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file model-internal.h
 * @brief Private to hamgr/model: reading plastik's own JSON (json-read.c).
 *
 * The codecs of the model (a node's facts, the CIB's view) read their JSON
 * with these, so that every error names the field the same way:
 * "PATHKEY: must be ..." with PATH a prefix such as "drbd[0]." or
 * "guests[1].volumes[0].", in the HAM_API_ERROR_INVALID code.
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

G_BEGIN_DECLS

/** ham_json_fail: sets @error from the format; returns FALSE. */
gboolean ham_json_fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/**
 * ham_json_get:
 * (out) @ret the member @key of @obj, of @type; NULL for a null when
 * @nullable. Missing, or another type: FALSE naming @path@key.
 */
gboolean ham_json_get(json_object *obj, const char *path, const char *key, json_type type,
                      gboolean nullable, json_object **ret, GError **error);

/** ham_json_get_str: a string that passes @check (@rule says what it must be). @ret (transfer full). */
gboolean ham_json_get_str(json_object *obj, const char *path, const char *key,
                          gboolean (*check)(const char *), const char *rule, gboolean nullable,
                          char **ret, GError **error);
/** ham_json_get_int: an integer of at least @min. */
gboolean ham_json_get_int(json_object *obj, const char *path, const char *key, gint64 min,
                          gint64 *ret, GError **error);
/** ham_json_get_bool: true or false. */
gboolean ham_json_get_bool(json_object *obj, const char *path, const char *key, gboolean *ret,
                           GError **error);
/** ham_json_any_string: a check for ham_json_get_str() that takes any string. */
gboolean ham_json_any_string(const char *s);
/** ham_json_get_str_list: an array of strings; @ret (transfer full) of char*. */
gboolean ham_json_get_str_list(json_object *obj, const char *path, const char *key,
                               GPtrArray **ret, GError **error);
/** ham_json_str_list: (transfer full) the JSON array of @list's strings (NULL: empty). */
json_object *ham_json_str_list(const GPtrArray *list);

G_END_DECLS
