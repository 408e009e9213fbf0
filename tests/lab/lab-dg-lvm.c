/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lab helper: libdrbdglue's LVM functions against a real volume group
 * (liblvm2cmd in the node). Run by lab-test 7d-volume-bad-input:
 *   lab-dg-lvm VG
 * Creates, grows and removes pk-lvmtest-a in VG and checks the errors for
 * what must be refused. Prints one line per step; exit 1 on the first
 * surprise, leaving nothing behind.
 */
#include "dg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB (G_GUINT64_CONSTANT(1) << 20)
#define LV "pk-lvmtest-a"

static const char *vg;

static void cleanup(void)
{
        dg_lv_remove(vg, LV, NULL);
}

static void check(gboolean cond, const char *what, const GError *error)
{
        if (cond) {
                printf("ok: %s\n", what);
                return;
        }
        printf("FAILED: %s%s%s\n", what, error ? ": " : "", error ? error->message : "");
        cleanup();
        exit(1);
}

static const DgLvInfo *find(GPtrArray *lvs, const char *name)
{
        for (guint i = 0; lvs && i < lvs->len; i++) {
                const DgLvInfo *lv = g_ptr_array_index(lvs, i);
                if (g_str_equal(lv->name, name))
                        return lv;
        }
        return NULL;
}

static guint64 lv_size(void)
{
        g_autoptr(GPtrArray) lvs = dg_lv_list(vg, TRUE, NULL);
        const DgLvInfo *lv = find(lvs, LV);
        return lv ? lv->size : 0;
}

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        DgVgInfo info = { 0 };
        g_autofree char *msg = NULL;

        if (argc != 2) {
                fprintf(stderr, "usage: lab-dg-lvm VG\n");
                return 2;
        }
        vg = argv[1];
        check(dg_vg_get(vg, &info, &error), "dg_vg_get reads the volume group", error);
        printf("   %s: size %" G_GUINT64_FORMAT ", free %" G_GUINT64_FORMAT ", extent %" G_GUINT64_FORMAT "\n",
               info.vg, info.size, info.free, info.extent_size);
        check(!dg_vg_get("pk-novg", &info, &error) && g_error_matches(error, DG_ERROR, DG_ERROR_NOT_FOUND),
              "dg_vg_get: a missing VG is NOT_FOUND", NULL);
        g_clear_error(&error);

        check(dg_lv_create(vg, LV, 10 * MIB, &error), "dg_lv_create 10 MiB", error);
        check(lv_size() == 12 * MIB, "the LV is rounded up to whole 4 MiB extents (12 MiB)", NULL);
        check(!dg_lv_create(vg, LV, 8 * MIB, &error) && g_error_matches(error, DG_ERROR, DG_ERROR_EXISTS),
              "dg_lv_create again is EXISTS", error);
        g_clear_error(&error);
        check(!dg_lv_create(vg, "pk-lvmtest-b", info.free + info.extent_size, &error) &&
              g_error_matches(error, DG_ERROR, DG_ERROR_NO_SPACE) && strstr(error->message, "has ") &&
              strstr(error->message, " free, need "), "dg_lv_create beyond the free space is NO_SPACE", error);
        printf("   %s\n", error->message);
        g_clear_error(&error);
        check(dg_lv_grow(vg, LV, 20 * MIB, &error), "dg_lv_grow to 20 MiB", error);
        check(lv_size() == 20 * MIB, "the LV is 20 MiB", NULL);
        check(!dg_lv_grow(vg, LV, 8 * MIB, &error) && g_error_matches(error, DG_ERROR, DG_ERROR_INVALID),
              "dg_lv_grow refuses to shrink", error);
        g_clear_error(&error);
        check(dg_lv_remove(vg, LV, &error), "dg_lv_remove", error);
        check(lv_size() == 0, "the LV is gone", NULL);
        check(!dg_lv_remove(vg, LV, &error) && g_error_matches(error, DG_ERROR, DG_ERROR_NOT_FOUND),
              "dg_lv_remove again is NOT_FOUND", error);
        g_clear_error(&error);
        check(!dg_lv_create(vg, "bad name", MIB, &error) && g_error_matches(error, DG_ERROR, DG_ERROR_INVALID),
              "a name with a blank never reaches lvm2_run", error);
        dg_vg_info_clear(&info);
        return 0;
}
