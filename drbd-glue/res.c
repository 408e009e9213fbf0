/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DRBD resource files. Both nodes render the same text from the same site
 * and definition, so the files agree without being copied between nodes.
 *
 * The syntax is DRBD 8.4's (the kernel module here); drbd-utils 9 hands an
 * 8.4 kernel's resources to drbdadm-84, which parses this file. In 8.4 the
 * fencing policy and the resync controller are disk options and the
 * checksum algorithms net options (in 9 fencing moved to net).
 */
#include "dg.h"
#include "dg-volume-internal.h"

#include <string.h>

/* The activity log: 1237 extents of 4 MiB (8.4's default) keep a primary
 * crash's resync under 5 GiB while writes rarely wait for AL updates. */
#define AL_EXTENTS 1237
/* The resync controller, written out so a change of default in a future
 * drbd-utils does not change a running cluster. DRBD's defaults except
 * c-min-rate: while the guest writes (a monitoring host always does),
 * DRBD throttles resync down to c-min-rate. With the default 250 KiB/s a
 * node back from a crash of the primary took 45 s in the lab to resync
 * the 48 MiB its activity log marked (98 % had equal checksums: only
 * 952 KiB crossed the link), all that time without redundancy. 10 MiB/s
 * per volume keeps that to seconds, and a dozen volumes resyncing at once
 * together ask for about what one gigabit link carries, so guests' own
 * writes still get through; c-max-rate still caps each volume. */
#define C_PLAN_AHEAD 20     /* 0.1 s units: plan 2 s ahead */
#define C_FILL_TARGET 100   /* sectors in flight */
#define C_MAX_RATE 102400   /* KiB/s */
#define C_MIN_RATE 10240    /* KiB/s: resync is throttled to this while the guest writes */

char *dg_lv_path(const DgNode *node, const char *res)
{
        return g_strdup_printf("/dev/%s/%s", node->vg, res);
}

char *dg_res_path(const DgSite *site, const DgVolumeDef *def)
{
        return g_strdup_printf("%s/pk-%s-%s.res", site->res_dir, def->guest, def->volume);
}

static void render_node(GString *s, const DgNode *node, const char *res, guint port)
{
        g_autofree char *disk = dg_lv_path(node, res);

        g_string_append_printf(s, "        on %s {\n", node->name);
        g_string_append_printf(s, "                disk %s;\n", disk);
        if (dg_address_is_ipv6(node->address))
                g_string_append_printf(s, "                address ipv6 [%s]:%u;\n", node->address, port);
        else
                g_string_append_printf(s, "                address ipv4 %s:%u;\n", node->address, port);
        g_string_append(s, "        }\n");
}

char *dg_res_render(const DgSite *site, const DgVolumeDef *def, GError **error)
{
        g_autofree char *res = NULL;
        GString *s;

        if (!dg_site_validate(site, error) || !dg_volume_def_validate(def, error))
                return NULL;
        res = dg_resource_name(def->guest, def->volume, error);
        s = g_string_new(NULL);
        g_string_append_printf(s,
                "# %s: volume %s of guest %s.\n"
                "# Rendered by plastik from the volume's definition; edits are overwritten.\n"
                "resource %s {\n"
                "        protocol C;\n"
                "        device /dev/drbd%u minor %u;\n"
                "        meta-disk internal;\n"
                "\n",
                res, def->volume, def->guest, res, def->minor, def->minor);
        g_string_append_printf(s,
                "        disk {\n"
                "                fencing resource-and-stonith;\n"
                "                on-io-error detach;\n"
                "                al-extents %d;\n"
                "                c-plan-ahead %d;\n"
                "                c-fill-target %d;\n"
                "                c-max-rate %d;\n"
                "                c-min-rate %d;\n"
                "        }\n"
                "\n",
                AL_EXTENTS, C_PLAN_AHEAD, C_FILL_TARGET, C_MAX_RATE, C_MIN_RATE);
        /* Split brain is never resolved automatically: every automatic
         * policy discards some node's acknowledged writes. */
        g_string_append_printf(s,
                "        net {\n"
                "                cram-hmac-alg sha256;\n"
                "                shared-secret \"%s\";\n"
                "                verify-alg crc32c;\n"
                "                csums-alg crc32c;\n"
                "                after-sb-0pri disconnect;\n"
                "                after-sb-1pri disconnect;\n"
                "                after-sb-2pri disconnect;\n"
                "        }\n"
                "\n",
                site->secret);
        g_string_append_printf(s,
                "        handlers {\n"
                "                fence-peer \"%s\";\n"
                "                after-resync-target \"%s\";\n"
                "                split-brain \"%s\";\n"
                "        }\n"
                "\n",
                site->fence_peer_handler, site->unfence_handler, site->split_brain_handler);
        render_node(s, &site->nodes[0], res, def->port);
        render_node(s, &site->nodes[1], res, def->port);
        g_string_append(s, "}\n");
        return g_string_free(s, FALSE);
}

gboolean dg_res_parse_ids(const char *text, guint *ret_minor, guint *ret_port, GError **error)
{
        g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
        gboolean have_minor = FALSE, have_port = FALSE;
        guint minor = 0, port = 0;

        /* Only our own rendering is read back: "device /dev/drbdN minor N;"
         * and the first node's "address ipvX ...:PORT;". */
        for (char **l = lines; *l; l++) {
                const char *s = g_strchug(*l);
                guint64 v;

                if (!have_minor && g_str_has_prefix(s, "device ")) {
                        const char *m = strstr(s, " minor ");
                        g_autofree char *num = m ? g_strndup(m + 7, strcspn(m + 7, ";")) : NULL;
                        if (!num || !g_ascii_string_to_unsigned(num, 10, 0, 1048575, &v, NULL))
                                break;
                        minor = (guint)v;
                        have_minor = TRUE;
                } else if (!have_port && g_str_has_prefix(s, "address ")) {
                        const char *c = strrchr(s, ':');
                        g_autofree char *num = c ? g_strndup(c + 1, strcspn(c + 1, ";")) : NULL;
                        if (!num || !g_ascii_string_to_unsigned(num, 10, 1, 65535, &v, NULL))
                                break;
                        port = (guint)v;
                        have_port = TRUE;
                }
        }
        if (!have_minor || !have_port) {
                g_set_error(error, DG_ERROR, DG_ERROR_PARSE,
                            "no \"device /dev/drbdN minor N;\" and \"address ...:PORT;\" lines of the form "
                            "plastik writes");
                return FALSE;
        }
        *ret_minor = minor;
        *ret_port = port;
        return TRUE;
}
