/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as the environment of ocf:plastik:guest, in
 * the golden cases' form: a first line "params ACTION", then VAR=VALUE
 * lines. Whatever parses must give a definition that survives a round trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ocf-guest.h"
#include "pk.h"

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
        g_autoptr(OcfGuestParams) p = NULL;
        const OcfActionSpec *action = NULL;

        for (char **l = lines; *l; l++) {
                const char *eq = strchr(*l, '=');
                if (!action && g_str_has_prefix(*l, "params "))
                        action = ocf_action_lookup(*l + 7);
                else if (eq)
                        g_hash_table_insert(env, g_strndup(*l, (gsize)(eq - *l)), g_strdup(eq + 1));
        }
        if (!action)
                action = ocf_action_lookup("start");
        p = ocf_guest_params_parse(action, table_lookup, env, NULL);
        if (!p)
                return 0;
        if (!p->name || !hv_guest_name_valid(p->name) || !g_path_is_absolute(p->rundir))
                abort(); /* accepted parameters are valid ones */
        if (p->def) {
                g_autoptr(json_object) obj = hv_guest_def_to_json(p->def);
                g_autoptr(HvGuestDef) again = hv_guest_def_from_json(obj, NULL);
                if (!again || !g_str_equal(again->name, p->name))
                        abort();
        } else if (action->needs == OCF_NEEDS_ALL) {
                abort(); /* start and validate-all never go on without a definition */
        }
        return 0;
}
