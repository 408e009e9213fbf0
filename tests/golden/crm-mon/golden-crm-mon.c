/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Golden driver: crm_mon --output-as=xml in, the parsed view as JSON out. */
#include "ham.h"
#include "pk.h"
#include "ham-pcmk.h"

#include <stdio.h>

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamMonStatus) st = NULL;
        g_autoptr(json_object) obj = NULL;
        g_autofree char *text = NULL, *json = NULL;
        gsize len;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, &len, &error)) {
                fprintf(stderr, "usage: golden-crm-mon FILE.xml\n");
                return 2;
        }
        st = ham_crm_mon_parse(text, len, &error);
        if (!st) {
                printf("error: %s\n", error->message);
                return 1;
        }
        obj = ham_mon_status_to_json(st);
        json = pk_json_to_string(obj, TRUE);
        printf("%s\n", json);
        for (guint i = 0; st->nodes && i < st->nodes->len; i++) {
                const HamMonNode *n = st->nodes->pdata[i];
                printf("node %s: %s\n", n->name, ham_mon_node_state(n));
        }
        return 0;
}
