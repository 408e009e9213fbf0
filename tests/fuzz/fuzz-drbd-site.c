/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as a site file. Whatever loads must render
 * a resource file whose minor and port read back unchanged, and contain no
 * character that could end a quoted string in it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dg.h"
#include "dg-volume-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autoptr(DgSite) site = dg_site_load_data((const char *)data, size, "fuzz", "node1", NULL);
        DgVolumeDef def = { (char *)"web1", (char *)"root", 64 << 20, 7, 7795 };
        g_autofree char *text = NULL;
        guint minor, port;

        if (!site)
                return 0;
        if (!dg_site_validate(site, NULL))
                abort();
        if (strpbrk(site->secret, "\"\\ ;{}") || strpbrk(site->fence_peer_handler, "\"\\ ;") ||
            strpbrk(site->unfence_handler, "\"\\ ;"))
                abort();
        text = dg_res_render(site, &def, NULL);
        if (!text || !dg_res_parse_ids(text, &minor, &port, NULL) || minor != 7 || port != 7795)
                abort();
        return 0;
}
