/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: a CIB (or a section of it) in; every plastik volume it
 * defines and the next free minor and port out, or the error.
 */
#include "ham.h"
#include "ham-pcmk.h"

#include <stdio.h>

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) vols = NULL;
        g_autofree char *text = NULL;
        guint minor, port;
        gsize len;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, &len, &error)) {
                fprintf(stderr, "usage: golden-cib-volumes FILE.xml\n");
                return 2;
        }
        vols = ham_cib_volumes_parse(text, len, &error);
        if (!vols) {
                printf("error: %s\n", error->message);
                return 1;
        }
        for (guint i = 0; i < vols->len; i++) {
                const HamVolume *v = vols->pdata[i];
                printf("%s/%s size=%" G_GUINT64_FORMAT " minor=%u port=%u\n", v->guest, v->volume, v->size,
                       v->minor, v->port);
        }
        if (!ham_alloc_minor_port(vols, &minor, &port, &error)) {
                printf("next: error: %s\n", error->message);
                return 1;
        }
        printf("next free: minor=%u port=%u\n", minor, port);
        return 0;
}
