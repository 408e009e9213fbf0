/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names and sizes. A volume's LV and DRBD resource share one name,
 * "pk-GUEST-VOLUME"; volume names have no '-' so the last '-' splits it
 * again, and the "pk-" prefix tells our LVs apart from anybody else's.
 */
#include "dg.h"
#include "hv.h"

#include <string.h>

#define RES_PREFIX "pk-"

/* One test for "every character is a letter, a digit or one of @extra". */
static gboolean chars_valid(const char *s, const char *extra)
{
        for (; *s; s++)
                if (!g_ascii_isalnum(*s) && !strchr(extra, *s))
                        return FALSE;
        return TRUE;
}

gboolean dg_node_name_valid(const char *name)
{
        size_t n = name ? strlen(name) : 0;

        return n > 0 && n <= DG_NODE_NAME_MAX && g_ascii_isalnum(name[0]) && chars_valid(name, "._-");
}

static gboolean lvm_name_valid(const char *name)
{
        size_t n = name ? strlen(name) : 0;

        /* "-x" would be read as an option, "." and ".." as directories
         * under /dev/VG. */
        return n > 0 && n <= DG_LVM_NAME_MAX && name[0] != '-' && !g_str_equal(name, ".") &&
               !g_str_equal(name, "..") && chars_valid(name, "+_.-");
}

gboolean dg_vg_name_valid(const char *vg)
{
        return lvm_name_valid(vg);
}

gboolean dg_lv_name_valid(const char *lv)
{
        return lvm_name_valid(lv);
}

gboolean dg_res_name_valid(const char *name)
{
        size_t n = name ? strlen(name) : 0;

        return n > 0 && n <= DG_RES_NAME_MAX && chars_valid(name, "_.+-");
}

gboolean dg_secret_valid(const char *secret)
{
        size_t n = secret ? strlen(secret) : 0;

        return n >= DG_SECRET_MIN && n <= DG_SECRET_MAX && strspn(secret, DG_SECRET_CHARS) == n;
}

gboolean dg_volume_name_valid(const char *volume)
{
        size_t n;

        if (!volume)
                return FALSE;
        n = strlen(volume);
        if (n == 0 || n > DG_VOLUME_NAME_MAX || !g_ascii_islower(volume[0]))
                return FALSE;
        for (size_t i = 1; i < n; i++)
                if (!g_ascii_islower(volume[i]) && !g_ascii_isdigit(volume[i]))
                        return FALSE;
        return TRUE;
}

char *dg_resource_name(const char *guest, const char *volume, GError **error)
{
        if (!hv_guest_name_valid(guest)) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID,
                            "\"%s\" is not a guest name: names match " HV_GUEST_NAME_RULE,
                            guest ? guest : "");
                return NULL;
        }
        if (!dg_volume_name_valid(volume)) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID,
                            "\"%s\" is not a volume name: names match " DG_VOLUME_NAME_RULE " (no '-')",
                            volume ? volume : "");
                return NULL;
        }
        return g_strconcat(RES_PREFIX, guest, "-", volume, NULL);
}

gboolean dg_resource_name_parse(const char *res, char **ret_guest, char **ret_volume)
{
        const char *dash;
        g_autofree char *guest = NULL;

        if (!res || !g_str_has_prefix(res, RES_PREFIX))
                return FALSE;
        dash = strrchr(res, '-');
        if (dash < res + strlen(RES_PREFIX))
                return FALSE;
        guest = g_strndup(res + strlen(RES_PREFIX), (gsize)(dash - res) - strlen(RES_PREFIX));
        if (!hv_guest_name_valid(guest) || !dg_volume_name_valid(dash + 1))
                return FALSE;
        if (ret_guest)
                *ret_guest = g_steal_pointer(&guest);
        if (ret_volume)
                *ret_volume = g_strdup(dash + 1);
        return TRUE;
}

static int unit_shift(const char *suffix, gboolean *ok)
{
        static const char units[] = "KMGT";
        const char *u;

        *ok = TRUE;
        if (!*suffix)
                return 0;
        if (g_ascii_strcasecmp(suffix, "B") == 0)
                return 0;
        u = strchr(units, g_ascii_toupper(suffix[0]));
        if (!u || !suffix[0]) {
                *ok = FALSE;
                return 0;
        }
        if (suffix[1] && g_ascii_strcasecmp(suffix + 1, "iB") != 0 && g_ascii_strcasecmp(suffix + 1, "B") != 0)
                *ok = FALSE;
        return 10 * (int)(u - units + 1);
}

gboolean dg_size_parse(const char *text, const char *what, guint64 *ret_bytes, GError **error)
{
        const char *p = text ? text : "";
        unsigned __int128 whole = 0, frac = 0, scale = 1, bytes;
        int shift, digits = 0, frac_digits = 0;
        gboolean ok;

        while (g_ascii_isdigit(*p)) {
                whole = whole * 10 + (unsigned)(*p++ - '0');
                if (++digits > 20)
                        goto bad;
        }
        if (*p == '.') {
                p++;
                while (g_ascii_isdigit(*p)) {
                        if (++frac_digits > 9)
                                goto bad;
                        frac = frac * 10 + (unsigned)(*p++ - '0');
                        scale *= 10;
                }
                if (frac_digits == 0)
                        goto bad;
        }
        if (digits == 0)
                goto bad;
        shift = unit_shift(p, &ok);
        if (!ok)
                goto bad;
        bytes = (whole << shift) + (frac << shift) / scale;
        if (((frac << shift) % scale) != 0) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID,
                            "%s: \"%s\" is not a whole number of bytes", what, text);
                return FALSE;
        }
        if (bytes > G_MAXUINT64) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "%s: \"%s\" is too large", what, text);
                return FALSE;
        }
        if (bytes == 0) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "%s: must be greater than 0 (got \"%s\")",
                            what, text);
                return FALSE;
        }
        *ret_bytes = (guint64)bytes;
        return TRUE;

bad:
        g_set_error(error, DG_ERROR, DG_ERROR_INVALID,
                    "%s: \"%s\" is not a size; give a number with an optional binary suffix K, M, G or T "
                    "(e.g. 3G, 512M, 1.5GiB) or a plain number of bytes",
                    what, text ? text : "");
        return FALSE;
}

char *dg_size_format(guint64 bytes)
{
        static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        guint u = 0;
        double v;

        while (u + 1 < G_N_ELEMENTS(units) && bytes >= (G_GUINT64_CONSTANT(1) << (10 * (u + 1))))
                u++;
        if (u == 0)
                return g_strdup_printf("%" G_GUINT64_FORMAT " B", bytes);
        if (bytes % (G_GUINT64_CONSTANT(1) << (10 * u)) == 0)
                return g_strdup_printf("%" G_GUINT64_FORMAT " %s", bytes >> (10 * u), units[u]);
        v = (double)bytes / (double)(G_GUINT64_CONSTANT(1) << (10 * u));
        /* 1023.96 MiB would print as "1024.0 MiB"; say "1.0 GiB" instead. */
        if (v >= 1023.95 && u + 1 < G_N_ELEMENTS(units))
                return g_strdup_printf("%.1f %s", v / 1024.0, units[u + 1]);
        return g_strdup_printf("%.1f %s", v, units[u]);
}
