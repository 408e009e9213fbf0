/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as the environment of ocf:plastik:drbd, in
 * the golden cases' form: a first line "params ACTION", then VAR=VALUE
 * lines. Whatever parses must be usable: a valid resource name for every
 * action that needs one, wfc_timeout within its bounds, an error always in
 * the OCF domain.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ocf-drbd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *table_lookup(const char *name, gpointer table)
{
        return g_hash_table_lookup(table, name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autofree char *text = g_strndup((const char *)data, size);
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        g_autoptr(GHashTable) env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_autoptr(OcfDrbdParams) p = NULL;
        g_autoptr(GError) error = NULL;
        const OcfDrbdActionSpec *action = NULL;

        for (char **l = lines; *l; l++) {
                const char *eq = strchr(*l, '=');
                if (!action && g_str_has_prefix(*l, "params "))
                        action = ocf_drbd_action_lookup(*l + 7);
                else if (eq)
                        g_hash_table_insert(env, g_strndup(*l, (gsize)(eq - *l)), g_strdup(eq + 1));
        }
        if (!action)
                action = ocf_drbd_action_lookup("start");
        p = ocf_drbd_params_parse(action, table_lookup, env, &error);
        if (!p) {
                if (!error || error->domain != OCF_ERROR || error->code == OCF_SUCCESS)
                        abort(); /* a refusal always carries its OCF exit code */
                return 0;
        }
        if (action->needs_resource && (!p->resource || !dg_res_name_valid(p->resource)))
                abort(); /* accepted parameters are valid ones */
        if (p->wfc_timeout_s > OCF_DRBD_WFC_TIMEOUT_MAX_S || !p->instance || p->timeout_ms < 0)
                abort();
        return 0;
}
