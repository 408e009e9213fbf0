/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * When each DRBD connection was established, kept by hamgrd for the
 * fence-peer handler. DRBD 8.4 does not say when a connection started, and
 * the handler needs it: a fencing of the peer proves the peer could not
 * have been promoted on stale data only if it happened after the connection
 * that was just lost came up. A fencing from before that (the peer came
 * back and connected since) proves nothing.
 *
 * One small file per resource under PK_RUNDIR/drbd-connected/, holding the
 * wall-clock time in milliseconds and a newline. /run is emptied at boot,
 * so a record never outlives the connections it describes.
 *
 * Beside it, PK_RUNDIR/fence-frozen/RES: written by the fence-peer handler
 * when it leaves a resource's I/O frozen (no proof before its timeout),
 * holding when that handler started, and removed when a proof arrives.
 * DRBD does not call the handler again for the same loss, so hamgrd looks
 * at these records and runs `plastik-fence-peer --resume RES`, which
 * resumes I/O only on the same proofs (see plastik-fence-peer(8)).
 */
#include "ham.h"
#include "pk.h"
#include "pk-config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* A resource name becomes a file name: plastik's names only ("pk-G-V"). */
static char *record_path(const char *dir, const char *deflt, const char *resource)
{
        if (!resource || !*resource || strchr(resource, '/') || resource[0] == '.')
                return NULL;
        return g_build_filename(dir ? dir : deflt, resource, NULL);
}

char *ham_connected_path(const char *dir, const char *resource)
{
        return record_path(dir, PK_RUNDIR "/drbd-connected", resource);
}

char *ham_frozen_path(const char *dir, const char *resource)
{
        return record_path(dir, PK_RUNDIR "/fence-frozen", resource);
}

char *ham_connected_format(gint64 at_ms)
{
        return g_strdup_printf("%" G_GINT64_FORMAT "\n", at_ms);
}

static gboolean record_parse(const char *what, const char *text, gsize len, gint64 *ret_ms, GError **error)
{
        g_autofree char *copy = g_strndup(text, len);
        char *end = NULL;
        guint64 v = 0;

        g_strchomp(copy);
        errno = 0;
        if (*copy && g_ascii_isdigit(copy[0]))
                v = g_ascii_strtoull(copy, &end, 10);
        if (!*copy || !g_ascii_isdigit(copy[0]) || errno || *end || v == 0 || v > (guint64)G_MAXINT64 / 2) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                            "%s holds \"%s\", not a time in milliseconds", what, copy);
                return FALSE;
        }
        *ret_ms = (gint64)v;
        return TRUE;
}

gboolean ham_connected_parse(const char *text, gsize len, gint64 *ret_ms, GError **error)
{
        if (record_parse("a connection record", text, len, ret_ms, error))
                return TRUE;
        g_prefix_error(error, "hamgrd rewrites it at the next connection: ");
        return FALSE;
}

static gboolean record_write(const char *path, const char *what, const char *resource, gint64 at_ms,
                             GError **error)
{
        g_autofree char *parent = NULL, *text = ham_connected_format(at_ms);

        if (!path) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID, "\"%s\" cannot name %s",
                            resource ? resource : "", what);
                return FALSE;
        }
        parent = g_path_get_dirname(path);
        if (pk_mkdir_p(parent, 0755) < 0) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "cannot create %s: %s", parent,
                            g_strerror(errno));
                return FALSE;
        }
        return pk_file_write_atomic(path, text, strlen(text), 0644, error);
}

static gboolean record_read(const char *path, const char *what, const char *resource, gint64 *ret_ms,
                            GError **error)
{
        g_autofree char *text = NULL;
        gsize len = 0;

        if (!path) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID, "\"%s\" cannot name %s",
                            resource ? resource : "", what);
                return FALSE;
        }
        if (!g_file_get_contents(path, &text, &len, error))
                return FALSE;
        if (!record_parse(what, text, len, ret_ms, error)) {
                g_prefix_error(error, "%s: ", path);
                return FALSE;
        }
        return TRUE;
}

gboolean ham_connected_write(const char *dir, const char *resource, gint64 at_ms, GError **error)
{
        g_autofree char *path = ham_connected_path(dir, resource);
        return record_write(path, "a connection record", resource, at_ms, error);
}

gboolean ham_connected_read(const char *dir, const char *resource, gint64 *ret_ms, GError **error)
{
        g_autofree char *path = ham_connected_path(dir, resource);
        return record_read(path, "a connection record", resource, ret_ms, error);
}

gboolean ham_frozen_write(const char *dir, const char *resource, gint64 started_ms, GError **error)
{
        g_autofree char *path = ham_frozen_path(dir, resource);
        return record_write(path, "a frozen-I/O record", resource, started_ms, error);
}

gboolean ham_frozen_read(const char *dir, const char *resource, gint64 *ret_started_ms, GError **error)
{
        g_autofree char *path = ham_frozen_path(dir, resource);
        return record_read(path, "a frozen-I/O record", resource, ret_started_ms, error);
}

gboolean ham_frozen_clear(const char *dir, const char *resource, GError **error)
{
        g_autofree char *path = ham_frozen_path(dir, resource);

        if (!path) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID, "\"%s\" cannot name a frozen-I/O record",
                            resource ? resource : "");
                return FALSE;
        }
        if (unlink(path) < 0 && errno != ENOENT) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "cannot remove %s: %s", path,
                            g_strerror(errno));
                return FALSE;
        }
        return TRUE;
}

GPtrArray *ham_frozen_list(const char *dir)
{
        g_autofree char *path = ham_frozen_path(dir, "x");
        g_autofree char *parent = g_path_get_dirname(path);
        g_autoptr(GDir) d = g_dir_open(parent, 0, NULL);
        GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
        const char *name;

        while (d && (name = g_dir_read_name(d)))
                if (name[0] != '.')
                        g_ptr_array_add(names, g_strdup(name));
        return names;
}
