/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: what the CIB holds of a guest being removed
 * ({"in_cib": B, "has_config": B, "pcmk_frozen": B}) in, `hactl guest
 * remove`'s steps out (ham_guest_remove_plan()).
 */
#include "ham-guest.h"
#include "pk.h"

#include <stdio.h>

static gboolean flag(json_object *o, const char *key)
{
        json_object *v = NULL;
        return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL;
        g_autoptr(json_object) input = NULL;
        HamGuestRemoveStep steps[HAM_REMOVE_N_STEPS];
        HamGuestRemoveFacts facts;
        gsize len;
        guint n;

        if (argc != 2) {
                fprintf(stderr, "usage: golden-guest-remove FILE\n");
                return 2;
        }
        if (!g_file_get_contents(argv[1], &text, &len, &error) ||
            !(input = pk_json_parse(text, (gssize)len, "case", &error))) {
                printf("error: %s\n", error->message);
                return 1;
        }
        facts.in_cib = flag(input, "in_cib");
        facts.has_config = flag(input, "has_config");
        facts.pcmk_frozen = flag(input, "pcmk_frozen");
        n = ham_guest_remove_plan(&facts, steps);
        for (guint i = 0; i < n; i++)
                printf("%u. %s\n", i + 1, ham_guest_remove_step_name(steps[i]));
        return 0;
}
