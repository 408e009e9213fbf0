/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as an LVM JSON report. Whatever parses must
 * hold only names lvm2_run() can take back and free space within the size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dg.h"
#include "dg-volume-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autofree char *text = g_strndup((const char *)data, size);
        g_autoptr(GPtrArray) vgs = NULL, lvs = NULL;

        if (!dg_lvm_report_parse(text, &vgs, &lvs, NULL))
                return 0;
        for (guint i = 0; i < vgs->len; i++) {
                const DgVgInfo *vg = g_ptr_array_index(vgs, i);
                if (!dg_vg_name_valid(vg->vg) || vg->free > vg->size || vg->extent_size == 0)
                        abort();
        }
        for (guint i = 0; i < lvs->len; i++) {
                const DgLvInfo *lv = g_ptr_array_index(lvs, i);
                if (!dg_vg_name_valid(lv->vg) || !dg_vg_name_valid(lv->name))
                        abort();
        }
        return 0;
}
