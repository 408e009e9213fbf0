/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: a guest's resource specification (JSON) in; the CIB
 * resources and constraints built for it out, then the volumes read back
 * from them (the round trip hamgrd relies on), or the error.
 */
#include "ham.h"
#include "ham-pcmk.h"
#include "pk.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) obj = NULL;
        g_autoptr(HamGuestSpec) spec = NULL;
        g_autoptr(GPtrArray) vols = NULL;
        g_autofree char *text = NULL, *res_text = NULL, *cons_text = NULL;
        xmlNode *res = NULL, *cons = NULL;
        gsize len;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, &len, &error)) {
                fprintf(stderr, "usage: golden-cib-guest FILE.json\n");
                return 2;
        }
        obj = pk_json_parse(text, (gssize)len, "input", &error);
        if (obj)
                spec = ham_guest_spec_from_json(obj, &error);
        if (!spec || !ham_cib_guest_build(spec, &res, &cons, &error)) {
                printf("error: %s\n", error->message);
                return 1;
        }
        res_text = ham_xml_to_string(res);
        cons_text = ham_xml_to_string(cons);
        printf("%s\n%s\n", res_text, cons_text);
        xmlFreeNode(res);
        xmlFreeNode(cons);
        vols = ham_cib_volumes_parse(res_text, strlen(res_text), &error);
        if (!vols) {
                printf("read back: error: %s\n", error->message);
                return 1;
        }
        for (guint i = 0; i < vols->len; i++) {
                const HamVolume *v = vols->pdata[i];
                printf("read back: %s/%s size=%" G_GUINT64_FORMAT " minor=%u port=%u\n", v->guest, v->volume,
                       v->size, v->minor, v->port);
        }
        return 0;
}
