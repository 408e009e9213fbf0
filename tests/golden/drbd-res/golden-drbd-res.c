/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Golden driver: a site and a volume definition in, the .res file out. */
#include "../dg-case.h"

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL, *path = NULL;
        g_auto(DgCase) c = { 0 };

        if (argc != 2) {
                fprintf(stderr, "usage: golden-drbd-res CASE.in\n");
                return 2;
        }
        if (!dg_case_load(argv[1], &c))
                return 1;
        text = dg_res_render(c.site, &c.def, &error);
        if (!text) {
                dg_case_error(error);
                return 1;
        }
        path = dg_res_path(c.site, &c.def);
        printf("path: %s\n%s", path, text);
        return 0;
}
