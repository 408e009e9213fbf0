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
                /* As hactl guest remove does: the DRBD clones stopped while
                 * still configured (an orphan's stop fails and is fenced). */
                g_autofree char *prefix = g_strdup_printf("drbd-pk-%s-", argv[2]);
                g_autofree char *cib = ham_pcmk_query_xml(pcmk, NULL, &error);
                gboolean active;
                if (!cib)
                        goto fail;
                /* Without any fence device Pacemaker stops nothing; nothing to wait for. */
                active = !ham_pacemaker_frozen(cib, strlen(cib));
                if (active && !ham_pcmk_guest_volumes_target_role(pcmk, argv[2], "Stopped", &error))
                        goto fail;
                for (int t = 0; t < 600 && active; t++) {
                        g_autoptr(HamMonStatus) mon = ham_crm_mon_run(NULL);
                        active = !mon || !mon->connected;
                        for (guint i = 0; mon && i < mon->resources->len; i++) {
                                const HamMonResource *r = mon->resources->pdata[i];
                                active = active || (r->id && g_str_has_prefix(r->id, prefix) && r->active);
                        }
                        if (active)
                                g_usleep(500 * 1000);
                }
                if (active) {
                        fprintf(stderr, "ham-cib-guest: %s's DRBD clones still run after 300 s\n", argv[2]);
                        return 1;
                }
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
