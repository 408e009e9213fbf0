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
 */
#include "ham.h"
#include "pk.h"
#include "pk-config.h"

#include <errno.h>
#include <string.h>

/* A resource name becomes a file name: plastik's names only ("pk-G-V"). */
char *ham_connected_path(const char *dir, const char *resource)
{
        if (!resource || !*resource || strchr(resource, '/') || resource[0] == '.')
                return NULL;
        return g_build_filename(dir ? dir : PK_RUNDIR "/drbd-connected", resource, NULL);
}

char *ham_connected_format(gint64 at_ms)
{
        return g_strdup_printf("%" G_GINT64_FORMAT "\n", at_ms);
}

gboolean ham_connected_parse(const char *text, gsize len, gint64 *ret_ms, GError **error)
{
        g_autofree char *copy = g_strndup(text, len);
        char *end = NULL;
        guint64 v;

        g_strchomp(copy);
        if (!*copy || !g_ascii_isdigit(copy[0])) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                            "a connection record holds \"%s\", not a time in milliseconds; "
                            "hamgrd rewrites it at the next connection", copy);
                return FALSE;
        }
        errno = 0;
        v = g_ascii_strtoull(copy, &end, 10);
        if (errno || *end || v == 0 || v > (guint64)G_MAXINT64 / 2) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                            "a connection record holds \"%s\", not a time in milliseconds; "
                            "hamgrd rewrites it at the next connection", copy);
                return FALSE;
        }
        *ret_ms = (gint64)v;
        return TRUE;
}

gboolean ham_connected_write(const char *dir, const char *resource, gint64 at_ms, GError **error)
{
        g_autofree char *path = ham_connected_path(dir, resource);
        g_autofree char *parent = NULL, *text = ham_connected_format(at_ms);

        if (!path) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                            "\"%s\" cannot name a connection record", resource ? resource : "");
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

gboolean ham_connected_read(const char *dir, const char *resource, gint64 *ret_ms, GError **error)
{
        g_autofree char *path = ham_connected_path(dir, resource);
        g_autofree char *text = NULL;
        gsize len = 0;

        if (!path) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                            "\"%s\" cannot name a connection record", resource ? resource : "");
                return FALSE;
        }
        if (!g_file_get_contents(path, &text, &len, error))
                return FALSE;
        if (!ham_connected_parse(text, len, ret_ms, error)) {
                g_prefix_error(error, "%s: ", path);
                return FALSE;
        }
        return TRUE;
}
