/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the DRBD events2 state model. The input is split
 * into lines as the watch splits drbdsetup's output; after every line the
 * model must still be consistent: volumes ordered and unique, every state a
 * named one, done either -1 or a percentage, and JSON that serializes.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dg-internal.h"
#include "pk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_resource(const DgResourceState *res)
{
        g_assert(res->name && *res->name);
        g_assert(strcmp(dg_role_name(res->role), "invalid") != 0);
        g_assert(strcmp(dg_role_name(res->peer_role), "invalid") != 0);
        g_assert(strcmp(dg_conn_name(res->conn), "invalid") != 0);
        for (guint i = 0; i < res->volumes->len; i++) {
                const DgVolumeState *v = &g_array_index(res->volumes, DgVolumeState, i);

                if (i > 0)
                        g_assert(g_array_index(res->volumes, DgVolumeState, i - 1).volume < v->volume);
                g_assert(v->volume >= 0 && v->minor >= -1);
                g_assert(strcmp(dg_disk_name(v->disk), "invalid") != 0);
                g_assert(strcmp(dg_disk_name(v->peer_disk), "invalid") != 0);
                g_assert(strcmp(dg_repl_name(v->repl), "invalid") != 0);
                g_assert(v->done == -1 || (isfinite(v->done) && v->done >= 0 && v->done <= 100));
                g_assert(v->size_kib >= -1);
        }
}

static void check_state(const DgState *state)
{
        g_autoptr(GPtrArray) names = dg_state_names(state);
        g_autoptr(json_object) json = dg_state_to_json(state);
        g_autofree char *text = pk_json_to_string(json, FALSE);

        for (guint i = 0; i < names->len; i++) {
                const DgResourceState *res = dg_state_lookup(state, names->pdata[i]);

                g_assert(res && strcmp(res->name, names->pdata[i]) == 0);
                check_resource(res);
        }
        g_assert(text && g_utf8_validate(text, -1, NULL));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autoptr(DgState) state = dg_state_new();
        g_autofree char *copy = g_strndup((const char *)data, size);
        char *line = copy, *end = copy + strlen(copy);
        guint lines = 0;

        while (line < end) {
                char *nl = strchr(line, '\n');
                g_autofree char *warning = NULL;
                guint before = dg_state_warnings(state);
                const char *changed;

                if (nl)
                        *nl = '\0';
                changed = dg_state_feed_line(state, line, &warning);
                lines++;
                /* A warning message exactly when the count went up. */
                g_assert((warning != NULL) == (dg_state_warnings(state) == before + 1));
                g_assert(warning == NULL || g_utf8_validate(warning, -1, NULL));
                if (changed)
                        g_assert(*changed);
                check_state(state);
                line = nl ? nl + 1 : end;
        }
        g_assert(dg_state_warnings(state) <= lines);
        return 0;
}
