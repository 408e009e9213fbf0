/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A drbd-glue golden case: a site file with two more groups,
 *   [case]    local=NODE, and for plans action=... facts={JSON}
 *   [volume]  guest= volume= size= minor= port=
 * The driver takes those two out and loads the rest as the site.
 */
#pragma once

#include "dg.h"
#include "dg-volume-internal.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
        DgSite *site;
        DgVolumeDef def;
        GKeyFile *kf;
} DgCase;

static void dg_case_clear(DgCase *c)
{
        g_clear_pointer(&c->site, dg_site_free);
        dg_volume_def_clear(&c->def);
        g_clear_pointer(&c->kf, g_key_file_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(DgCase, dg_case_clear)

static void dg_case_error(const GError *error)
{
        static const char *const codes[] = { "failed", "invalid", "not-found", "exists", "no-space",
                                             "command", "unsafe", "parse" };
        int c = error->domain == DG_ERROR && error->code >= 0 && error->code < 8 ? error->code : 0;
        printf("error (%s): %s\n", codes[c], error->message);
}

/* Returns FALSE after printing the error (the case's expected output). */
static gboolean dg_case_load(const char *path, DgCase *c)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL, *local = NULL, *size = NULL, *rest = NULL;
        gsize len;

        if (!g_file_get_contents(path, &text, &len, &error)) {
                fprintf(stderr, "%s\n", error->message);
                exit(2);
        }
        c->kf = g_key_file_new();
        if (!g_key_file_load_from_data(c->kf, text, len, G_KEY_FILE_NONE, &error)) {
                fprintf(stderr, "%s: %s\n", path, error->message);
                exit(2);
        }
        local = g_key_file_get_string(c->kf, "case", "local", NULL);
        c->def.guest = g_key_file_get_string(c->kf, "volume", "guest", NULL);
        c->def.volume = g_key_file_get_string(c->kf, "volume", "volume", NULL);
        size = g_key_file_get_string(c->kf, "volume", "size", NULL);
        c->def.minor = (guint)g_key_file_get_uint64(c->kf, "volume", "minor", NULL);
        c->def.port = (guint)g_key_file_get_uint64(c->kf, "volume", "port", NULL);
        if (size && !dg_size_parse(size, "size", &c->def.size, &error)) {
                dg_case_error(error);
                return FALSE;
        }
        {
                g_autoptr(GKeyFile) site_kf = g_key_file_new();
                g_key_file_load_from_data(site_kf, text, len, G_KEY_FILE_NONE, NULL);
                g_key_file_remove_group(site_kf, "case", NULL);
                g_key_file_remove_group(site_kf, "volume", NULL);
                rest = g_key_file_to_data(site_kf, &len, NULL);
        }
        c->site = dg_site_load_data(rest, len, "site.conf", local, &error);
        if (!c->site) {
                dg_case_error(error);
                return FALSE;
        }
        return TRUE;
}
