/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lab helper: puts a guest's resources into the running cluster's CIB, or
 * removes them, through the Pacemaker module (one replace each).
 *   ham-cib-guest apply SPEC.json | remove NAME | volumes
 */
#include "ham.h"
#include "ham-pcmk.h"
#include "pk.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamPcmk) pcmk = NULL;

        if (argc < 2 || (strcmp(argv[1], "volumes") != 0 && argc != 3)) {
                fprintf(stderr, "usage: ham-cib-guest apply SPEC.json | remove NAME | volumes\n");
                return 2;
        }
        pcmk = ham_pcmk_connect("ham-cib-guest", &error);
        if (!pcmk)
                goto fail;
        if (g_str_equal(argv[1], "apply")) {
                g_autofree char *text = NULL;
                g_autoptr(json_object) obj = NULL;
                g_autoptr(HamGuestSpec) spec = NULL;
                gsize len;
                if (!g_file_get_contents(argv[2], &text, &len, &error) ||
                    !(obj = pk_json_parse(text, (gssize)len, argv[2], &error)) ||
                    !(spec = ham_guest_spec_from_json(obj, &error)) ||
                    !ham_pcmk_guest_apply(pcmk, spec, &error))
                        goto fail;
        } else if (g_str_equal(argv[1], "remove")) {
                if (!ham_pcmk_guest_remove(pcmk, argv[2], &error))
                        goto fail;
        } else {
                g_autofree char *xml = ham_pcmk_query_xml(pcmk, "resources", &error);
                g_autoptr(GPtrArray) vols = xml ? ham_cib_volumes_parse(xml, strlen(xml), &error) : NULL;
                if (!vols)
                        goto fail;
                for (guint i = 0; i < vols->len; i++) {
                        const HamVolume *v = vols->pdata[i];
                        printf("%s/%s minor=%u port=%u\n", v->guest, v->volume, v->minor, v->port);
                }
        }
        return 0;
fail:
        fprintf(stderr, "ham-cib-guest: %s\n", error->message);
        return 1;
}
