/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Golden driver: an LVM JSON report in, the parsed VGs and LVs out. */
#include "dg.h"

#include <stdio.h>

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) vgs = NULL, lvs = NULL;
        g_autofree char *text = NULL;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, NULL, &error)) {
                fprintf(stderr, "usage: golden-lvm-report REPORT.json\n");
                return 2;
        }
        if (!dg_lvm_report_parse(text, &vgs, &lvs, &error)) {
                printf("error: %s\n", error->message);
                return 1;
        }
        for (guint i = 0; i < vgs->len; i++) {
                const DgVgInfo *vg = g_ptr_array_index(vgs, i);
                printf("vg %s size=%" G_GUINT64_FORMAT " free=%" G_GUINT64_FORMAT " extent=%" G_GUINT64_FORMAT "\n",
                       vg->vg, vg->size, vg->free, vg->extent_size);
        }
        for (guint i = 0; i < lvs->len; i++) {
                const DgLvInfo *lv = g_ptr_array_index(lvs, i);
                printf("lv %s/%s size=%" G_GUINT64_FORMAT " %s\n", lv->vg, lv->name, lv->size,
                       lv->active ? "active" : "inactive");
        }
        printf("%u vg, %u lv\n", vgs->len, lvs->len);
        return 0;
}
