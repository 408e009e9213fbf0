/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: reads a plastik.conf, prints the corosync.conf rendered
 * from it, or the error that names the group and key. The configuration
 * written back (ham_conf_to_data()) must read as the same one.
 */
#include "ham.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamConf) conf = NULL;
        g_autofree char *text = NULL, *out = NULL;
        gsize len;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, &len, &error)) {
                fprintf(stderr, "usage: golden-corosync-conf PLASTIK.CONF\n");
                return 2;
        }
        conf = ham_conf_load_data(text, len, "input", &error);
        if (!conf) {
                printf("error: %s\n", error->message);
                return 1;
        }
        out = ham_corosync_conf_render(conf);
        fputs(out, stdout);
        {
                g_autofree char *data = ham_conf_to_data(conf);
                g_autoptr(HamConf) back = ham_conf_load_data(data, strlen(data), "written", &error);
                g_autofree char *again = back ? ham_conf_to_data(back) : NULL;
                if (!back || !ham_conf_equal(conf, back) || !g_str_equal(data, again)) {
                        printf("round trip: plastik.conf written back reads differently%s%s\n",
                               error ? ": " : "", error ? error->message : "");
                        return 1;
                }
        }

        /* The DRBD site hamgrd renders resource files from (same order on
         * both nodes: by node id). */
        g_autoptr(DgSite) site = ham_conf_to_dg_site(conf, NULL);
        printf("--- DRBD site (local %s)\n", site->local);
        for (guint i = 0; i < 2; i++)
                printf("node %s address %s vg %s\n", site->nodes[i].name,
                       site->nodes[i].address, site->nodes[i].vg);
        printf("secret %s\nfence-peer-handler %s\nunfence-handler %s\nsplit-brain-handler %s\nres-dir %s\n",
               site->secret, site->fence_peer_handler, site->unfence_handler, site->split_brain_handler,
               site->res_dir);
        return 0;
}
