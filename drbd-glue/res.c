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

/* ---- reading ------------------------------------------------------------------ */

#define MINOR_LAST 1048575

/* Tokens of a DRBD config: words, with '{', '}' and ';' on their own;
 * comments (# to end of line) dropped; quotes stripped. */
static GPtrArray *res_tokens(const char *text)
{
        GPtrArray *t = g_ptr_array_new_with_free_func(g_free);
        const char *p = text;

        while (*p) {
                if (g_ascii_isspace(*p)) {
                        p++;
                } else if (*p == '#') {
                        while (*p && *p != '\n')
                                p++;
                } else if (strchr("{};", *p)) {
                        g_ptr_array_add(t, g_strndup(p, 1));
                        p++;
                } else if (*p == '"') {
                        const char *e = strchr(p + 1, '"');
                        if (!e)
                                e = p + strlen(p);
                        g_ptr_array_add(t, g_strndup(p + 1, (gsize)(e - p - 1)));
                        p = *e ? e + 1 : e;
                } else {
                        const char *s = p;
                        while (*p && !g_ascii_isspace(*p) && !strchr("{};#\"", *p))
                                p++;
                        g_ptr_array_add(t, g_strndup(s, (gsize)(p - s)));
                }
        }
        return t;
}

/* A token that is '{', '}' or ';'. A quoted "{" is one too, as drbdadm
 * would not take it as a word either. */
static gboolean is_punct(const char *token)
{
        return strchr("{};", *token) != NULL;
}

/* The number in "/dev/drbdN", or -1. */
static gint64 device_minor(const char *t)
{
        const char *d = g_str_has_prefix(t, "/dev/drbd") ? t + strlen("/dev/drbd") : NULL;
        guint64 n;

        if (!d || !g_ascii_string_to_unsigned(d, 10, 0, MINOR_LAST, &n, NULL))
                return -1;
        return (gint64)n;
}

/* The port of "ADDR:PORT" or "[ADDR6]:PORT", or -1. */
static gint64 address_port(const char *t)
{
        const char *c = strrchr(t, ':');
        guint64 n;

        if (!c || !g_ascii_string_to_unsigned(c + 1, 10, 1, 65535, &n, NULL))
                return -1;
        return (gint64)n;
}

static void add_once(GArray *numbers, gint64 n)
{
        if (n < 0)
                return;
        for (guint i = 0; i < numbers->len; i++)
                if (g_array_index(numbers, guint, i) == (guint)n)
                        return;
        g_array_append_val(numbers, (guint){ (guint)n });
}

static void claims_free(gpointer p)
{
        DgResClaims *c = p;

        g_free(c->name);
        g_array_unref(c->minors);
        g_array_unref(c->ports);
        g_free(c);
}

void dg_res_file_free(DgResFile *file)
{
        if (!file)
                return;
        g_free(file->protocol);
        g_free(file->fencing);
        g_ptr_array_unref(file->resources);
        g_free(file);
}

static void set_str(char **field, const char *value)
{
        g_free(*field);
        *field = g_strdup(value);
}

/* One statement's key and the words after it (up to '{', '}' or ';'). */
static void statement(DgResFile *f, DgResClaims *res, char **t, guint n)
{
        const char *k = t[0];

        if (n > 1 && g_str_equal(k, "protocol") &&
            (g_str_equal(t[1], "A") || g_str_equal(t[1], "B") || g_str_equal(t[1], "C")))
                set_str(&f->protocol, t[1]);
        else if (n > 1 && g_str_equal(k, "fencing") && dg_res_name_valid(t[1]))
                set_str(&f->fencing, t[1]);
        else if (n > 1 && g_str_equal(k, "fence-peer"))
                f->fence_peer = TRUE;
        else if (n > 1 && (g_str_equal(k, "after-resync-target") || g_str_equal(k, "unfence-peer")))
                f->unfence_peer = TRUE;
        else if (n > 1 && g_str_equal(k, "split-brain"))
                f->split_brain = TRUE;
        if (!res)
                return;
        /* "device /dev/drbdN [minor N];", "device minor N;" */
        if (g_str_equal(k, "device")) {
                for (guint j = 1; j < n; j++) {
                        guint64 m;
                        add_once(res->minors, device_minor(t[j]));
                        if (g_str_equal(t[j], "minor") && j + 1 < n &&
                            g_ascii_string_to_unsigned(t[j + 1], 10, 0, MINOR_LAST, &m, NULL))
                                add_once(res->minors, (gint64)m);
                }
        }
        /* "address [AF] ADDR:PORT;", "floating [AF] ADDR:PORT;" */
        if (g_str_equal(k, "address") || g_str_equal(k, "floating"))
                for (guint j = 1; j < n; j++)
                        add_once(res->ports, address_port(t[j]));
}

DgResFile *dg_res_file_parse(const char *text)
{
        g_autoptr(GPtrArray) t = res_tokens(text ? text : "");
        DgResFile *f = g_new0(DgResFile, 1);
        DgResClaims *res = NULL;
        int depth = 0, res_depth = -1;
        char **tok = (char **)t->pdata;

        f->resources = g_ptr_array_new_with_free_func(claims_free);
        for (guint i = 0; i < t->len; i++) {
                gboolean at_start = i == 0 || is_punct(tok[i - 1]);
                guint n;

                if (g_str_equal(tok[i], "{")) {
                        depth++;
                        continue;
                }
                if (g_str_equal(tok[i], "}")) {
                        if (--depth <= res_depth) {
                                res_depth = -1;
                                res = NULL;
                        }
                        if (depth < 0)
                                depth = 0;
                        continue;
                }
                if (!at_start || is_punct(tok[i]))
                        continue;
                if (g_str_equal(tok[i], "resource") && !res && i + 2 < t->len &&
                    g_str_equal(tok[i + 2], "{") && !is_punct(tok[i + 1])) {
                        res = g_new0(DgResClaims, 1);
                        res->name = g_strdup(tok[i + 1]);
                        res->minors = g_array_new(FALSE, FALSE, sizeof(guint));
                        res->ports = g_array_new(FALSE, FALSE, sizeof(guint));
                        g_ptr_array_add(f->resources, res);
                        res_depth = depth;
                        continue;
                }
                for (n = 1; i + n < t->len && !is_punct(tok[i + n]); n++)
                        ;
                statement(f, res, tok + i, n);
        }
        return f;
}

gboolean dg_res_parse_ids(const char *text, guint *ret_minor, guint *ret_port, GError **error)
{
        g_autoptr(DgResFile) f = dg_res_file_parse(text);
        const DgResClaims *res = f->resources->len ? f->resources->pdata[0] : NULL;

        if (!res || !res->minors->len || !res->ports->len) {
                g_set_error(error, DG_ERROR, DG_ERROR_PARSE,
                            "no \"device /dev/drbdN minor N;\" and \"address ...:PORT;\" lines of the form "
                            "plastik writes");
                return FALSE;
        }
        *ret_minor = g_array_index(res->minors, guint, 0);
        *ret_port = g_array_index(res->ports, guint, 0);
        return TRUE;
}
