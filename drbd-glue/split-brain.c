/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The split-brain record. DRBD detects a split brain only at a connection's
 * handshake, says so once in the kernel log, runs the `split-brain` handler
 * and drops the connection (StandAlone). Nothing in its state says "split
 * brain" afterwards: a StandAlone resource looks the same as one an
 * administrator disconnected. So the handler (plastik-split-brain) keeps
 * what DRBD said, with the figures of the handshake dump that precedes it,
 * and hamgrd shows it until the two copies are connected again.
 *
 * The dump, from drbd_uuid_dump() in the 8.4 kernel module:
 *
 *     block drbd0: self 8C2C51A0E4B1F3D6:2B0C...:...:... bits:3072 flags:0
 *     block drbd0: peer 1A2B3C4D5E6F7081:2B0C...:...:... bits:1024 flags:0
 *     ...
 *     block drbd0: Split-Brain detected but unresolved, dropping connection!
 *
 * The first UUID is the copy's current generation; bits is its bitmap
 * weight, one bit per 4 KiB block written while the two were apart.
 */
#include "dg.h"
#include "pk.h"
#include "pk-config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void dg_split_brain_free(DgSplitBrain *sb)
{
        if (!sb)
                return;
        g_free(sb->resource);
        g_free(sb->self_generation);
        g_free(sb->peer_generation);
        g_free(sb);
}

static gboolean is_generation(const char *s)
{
        if (!s || strlen(s) != 16)
                return FALSE;
        for (const char *p = s; *p; p++)
                if (!g_ascii_isxdigit(*p))
                        return FALSE;
        return TRUE;
}

/* "self CUR:BM:H1:H2 bits:B flags:F" after "drbdN: " → generation, KiB. */
static gboolean dump_parse(const char *p, char **ret_gen, gint64 *ret_kib)
{
        g_autofree char *gen = g_strndup(p, strcspn(p, ": "));
        const char *bits = strstr(p, " bits:");
        guint64 v;
        char *end = NULL;

        if (!is_generation(gen) || !bits)
                return FALSE;
        errno = 0;
        v = g_ascii_strtoull(bits + 6, &end, 10);
        if (errno || end == bits + 6 || (*end && *end != ' ') || v > G_MAXINT64 / 8)
                return FALSE;
        g_free(*ret_gen);
        *ret_gen = g_ascii_strup(gen, -1);
        *ret_kib = (gint64)v * 4;
        return TRUE;
}

gboolean dg_split_brain_from_kmsg(const char *text, guint minor, DgSplitBrain *sb)
{
        g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
        g_autofree char *tag = g_strdup_printf("drbd%u: ", minor);
        g_autofree char *self_gen = NULL, *peer_gen = NULL;
        gint64 self_kib = -1, peer_kib = -1;
        gboolean found = FALSE;

        /* The dump of the last handshake that ended in an unresolved split
         * brain: later dumps (a reconnect after it was resolved) do not
         * count, earlier ones are overwritten as the text is read. */
        g_autofree char *cand_self = NULL, *cand_peer = NULL;
        gint64 cand_self_kib = -1, cand_peer_kib = -1;
        for (char **l = lines; *l; l++) {
                const char *p = strstr(*l, tag);
                if (!p)
                        continue;
                p += strlen(tag);
                if (g_str_has_prefix(p, "drbd_sync_handshake")) {
                        g_clear_pointer(&cand_self, g_free);
                        g_clear_pointer(&cand_peer, g_free);
                        cand_self_kib = cand_peer_kib = -1;
                } else if (g_str_has_prefix(p, "self ")) {
                        dump_parse(p + 5, &cand_self, &cand_self_kib);
                } else if (g_str_has_prefix(p, "peer ")) {
                        dump_parse(p + 5, &cand_peer, &cand_peer_kib);
                } else if (g_str_has_prefix(p, "Split-Brain detected but unresolved")) {
                        g_free(self_gen);
                        g_free(peer_gen);
                        self_gen = g_strdup(cand_self);
                        peer_gen = g_strdup(cand_peer);
                        self_kib = cand_self ? cand_self_kib : -1;
                        peer_kib = cand_peer ? cand_peer_kib : -1;
                        found = TRUE;
                }
        }
        g_free(sb->self_generation);
        g_free(sb->peer_generation);
        sb->self_generation = g_steal_pointer(&self_gen);
        sb->peer_generation = g_steal_pointer(&peer_gen);
        sb->self_kib = self_kib;
        sb->peer_kib = peer_kib;
        return found && sb->self_generation && sb->peer_generation;
}

static void add_gen(json_object *o, const char *key, const char *gen)
{
        json_object_object_add(o, key, gen ? json_object_new_string(gen) : NULL);
}

json_object *dg_split_brain_to_json(const DgSplitBrain *sb)
{
        json_object *o = json_object_new_object();

        json_object_object_add(o, "resource", json_object_new_string(sb->resource));
        json_object_object_add(o, "detected_ms", json_object_new_int64(sb->detected_ms));
        add_gen(o, "self_generation", sb->self_generation);
        json_object_object_add(o, "self_kib", json_object_new_int64(sb->self_kib));
        add_gen(o, "peer_generation", sb->peer_generation);
        json_object_object_add(o, "peer_kib", json_object_new_int64(sb->peer_kib));
        return o;
}

static gboolean bad(GError **error, const char *field, const char *what)
{
        g_set_error(error, DG_ERROR, DG_ERROR_PARSE, "split-brain record: %s: %s", field, what);
        return FALSE;
}

static gboolean get_gen(json_object *obj, const char *key, char **ret, GError **error)
{
        json_object *v = NULL;

        if (!json_object_object_get_ex(obj, key, &v) || !v)
                return TRUE;
        if (!json_object_is_type(v, json_type_string) || !is_generation(json_object_get_string(v)))
                return bad(error, key, "must be 16 hexadecimal digits or null");
        *ret = g_ascii_strup(json_object_get_string(v), -1);
        return TRUE;
}

static gboolean get_kib(json_object *obj, const char *key, gint64 *ret, GError **error)
{
        json_object *v = NULL;

        *ret = -1;
        if (!json_object_object_get_ex(obj, key, &v) || !v)
                return TRUE;
        if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < -1)
                return bad(error, key, "must be a number of KiB (-1: unknown)");
        *ret = json_object_get_int64(v);
        return TRUE;
}

DgSplitBrain *dg_split_brain_from_json(json_object *obj, GError **error)
{
        g_autoptr(DgSplitBrain) sb = g_new0(DgSplitBrain, 1);
        json_object *v = NULL;

        if (!obj || !json_object_is_type(obj, json_type_object)) {
                bad(error, "(record)", "must be a JSON object");
                return NULL;
        }
        if (!json_object_object_get_ex(obj, "resource", &v) || !json_object_is_type(v, json_type_string) ||
            !dg_resource_name_parse(json_object_get_string(v), NULL, NULL)) {
                bad(error, "resource", "must be a plastik resource name (pk-GUEST-VOLUME)");
                return NULL;
        }
        sb->resource = g_strdup(json_object_get_string(v));
        if (!json_object_object_get_ex(obj, "detected_ms", &v) || !json_object_is_type(v, json_type_int) ||
            json_object_get_int64(v) <= 0) {
                bad(error, "detected_ms", "must be a time in milliseconds since the epoch");
                return NULL;
        }
        sb->detected_ms = json_object_get_int64(v);
        if (!get_gen(obj, "self_generation", &sb->self_generation, error) ||
            !get_kib(obj, "self_kib", &sb->self_kib, error) ||
            !get_gen(obj, "peer_generation", &sb->peer_generation, error) ||
            !get_kib(obj, "peer_kib", &sb->peer_kib, error))
                return NULL;
        return g_steal_pointer(&sb);
}

static char *record_path(const char *dir, const char *resource, GError **error)
{
        if (!dg_resource_name_parse(resource, NULL, NULL)) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID,
                            "\"%s\" is not a plastik resource name (pk-GUEST-VOLUME)", resource ? resource : "");
                return NULL;
        }
        return g_build_filename(dir ? dir : PK_RUNDIR "/split-brain", resource, NULL);
}

gboolean dg_split_brain_write(const char *dir, const DgSplitBrain *sb, GError **error)
{
        g_autofree char *path = record_path(dir, sb->resource, error);
        g_autofree char *parent = NULL;
        g_autoptr(json_object) o = NULL;
        const char *text;

        if (!path)
                return FALSE;
        parent = g_path_get_dirname(path);
        if (pk_mkdir_p(parent, 0755) < 0) {
                g_set_error(error, DG_ERROR, DG_ERROR_FAILED, "cannot create %s: %s", parent, g_strerror(errno));
                return FALSE;
        }
        o = dg_split_brain_to_json(sb);
        text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        {
                g_autofree char *line = g_strconcat(text, "\n", NULL);
                return pk_file_write_atomic(path, line, strlen(line), 0644, error);
        }
}

DgSplitBrain *dg_split_brain_read(const char *dir, const char *resource, GError **error)
{
        g_autofree char *path = record_path(dir, resource, error);
        g_autofree char *text = NULL;
        g_autoptr(GError) e = NULL;
        g_autoptr(json_object) o = NULL;
        DgSplitBrain *sb;
        gsize len = 0;

        if (!path)
                return NULL;
        if (!g_file_get_contents(path, &text, &len, &e)) {
                if (!g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT))
                        g_set_error(error, DG_ERROR, DG_ERROR_FAILED, "%s", e->message);
                return NULL;
        }
        o = json_tokener_parse(text);
        sb = o ? dg_split_brain_from_json(o, &e) : NULL;
        if (!sb) {
                g_set_error(error, DG_ERROR, DG_ERROR_PARSE, "%s: %s; remove it once the split brain is resolved",
                            path, e ? e->message : "not JSON");
                return NULL;
        }
        if (!g_str_equal(sb->resource, resource)) {
                g_set_error(error, DG_ERROR, DG_ERROR_PARSE, "%s: the record is for %s", path, sb->resource);
                dg_split_brain_free(sb);
                return NULL;
        }
        return sb;
}

gboolean dg_split_brain_clear(const char *dir, const char *resource, GError **error)
{
        g_autofree char *path = record_path(dir, resource, error);

        if (!path)
                return FALSE;
        if (unlink(path) < 0 && errno != ENOENT) {
                g_set_error(error, DG_ERROR, DG_ERROR_FAILED, "cannot remove %s: %s", path, g_strerror(errno));
                return FALSE;
        }
        return TRUE;
}
