/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The site file and a volume's definition.
 *
 * Every error names where the bad value came from (file, group, key) and the
 * rule it broke: the person reading it is editing the site file and needs
 * to know exactly what to change.
 */
#include "dg.h"
#include "dg-volume-internal.h"
#include "hv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>

#define MINOR_MAX 1048575
#define PORT_MIN 1024
#define PORT_MAX 65535
#define SIZE_MIN DG_VOLUME_SIZE_MIN
/* 64 TiB: well inside DRBD 8.4's limit for internal metadata (128 TiB). */
#define SIZE_MAX_BYTES (G_GUINT64_CONSTANT(64) << 40)

#define DEFAULT_FENCE_PEER "/usr/sbin/plastik-fence-peer"
#define DEFAULT_UNFENCE "/usr/sbin/plastik-unfence-peer"
#define DEFAULT_SPLIT_BRAIN "/usr/sbin/plastik-split-brain"
#define DEFAULT_RES_DIR "/etc/drbd.d"

static const char *const site_keys[] = {
        "secret", "fence-peer-handler", "unfence-handler", "split-brain-handler", "res-dir", NULL };
static const char *const node_keys[] = { "address", "vg", NULL };

void dg_site_free(DgSite *site)
{
        if (!site)
                return;
        for (int i = 0; i < 2; i++) {
                g_free(site->nodes[i].name);
                g_free(site->nodes[i].address);
                g_free(site->nodes[i].vg);
        }
        g_free(site->local);
        g_free(site->secret);
        g_free(site->fence_peer_handler);
        g_free(site->unfence_handler);
        g_free(site->split_brain_handler);
        g_free(site->res_dir);
        g_free(site);
}

static gboolean fail(GError **error, const char *origin, const char *group, const char *key,
                     const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static gboolean fail(GError **error, const char *origin, const char *group, const char *key,
                     const char *fmt, ...)
{
        va_list ap;
        g_autofree char *rule = NULL;

        va_start(ap, fmt);
        rule = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        if (group && key)
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "%s: [%s] %s: %s", origin, group, key, rule);
        else if (group)
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "%s: [%s]: %s", origin, group, rule);
        else
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "%s: %s", origin, rule);
        return FALSE;
}

gboolean dg_address_is_ipv6(const char *address)
{
        struct in6_addr a6;
        return address && inet_pton(AF_INET6, address, &a6) == 1;
}

gboolean dg_address_valid(const char *address)
{
        struct in_addr a4;
        return address && (inet_pton(AF_INET, address, &a4) == 1 || dg_address_is_ipv6(address));
}

/* The secret sits in a quoted string of the .res file: no quotes, blanks
 * or backslashes, and long enough not to be guessed. */
static gboolean check_secret(const char *s, const char *origin, GError **error)
{
        size_t n = s ? strlen(s) : 0;

        if (!s)
                return fail(error, origin, "site", "secret",
                            "is required: %d to %d characters of A-Z a-z 0-9 + / = _ -", DG_SECRET_MIN,
                            DG_SECRET_MAX);
        if (n < DG_SECRET_MIN || n > DG_SECRET_MAX)
                return fail(error, origin, "site", "secret", "must be %d to %d characters long (got %zu)",
                            DG_SECRET_MIN, DG_SECRET_MAX, n);
        if (!dg_secret_valid(s)) {
                /* Say which character: the secret is long and pasted. */
                size_t i = strspn(s, DG_SECRET_CHARS);
                return fail(error, origin, "site", "secret",
                            "may contain only A-Z a-z 0-9 + / = _ - (found '%c' at position %zu)",
                            g_ascii_isprint(s[i]) ? s[i] : '?', i + 1);
        }
        return TRUE;
}

/* Handlers end up inside a quoted string in the .res file, which DRBD runs
 * through a shell: only plain absolute paths are accepted. */
static gboolean path_valid(const char *p)
{
        if (!p || !g_path_is_absolute(p))
                return FALSE;
        for (; *p; p++)
                if (!g_ascii_isalnum(*p) && !strchr("/._+-", *p))
                        return FALSE;
        return TRUE;
}

static gboolean validate(const DgSite *site, const char *origin, GError **error)
{
        if (!check_secret(site->secret, origin, error))
                return FALSE;
        if (!path_valid(site->fence_peer_handler))
                return fail(error, origin, "site", "fence-peer-handler",
                            "must be an absolute path of letters, digits and / . _ + - (got \"%s\")",
                            site->fence_peer_handler ? site->fence_peer_handler : "");
        if (!path_valid(site->unfence_handler))
                return fail(error, origin, "site", "unfence-handler",
                            "must be an absolute path of letters, digits and / . _ + - (got \"%s\")",
                            site->unfence_handler ? site->unfence_handler : "");
        if (!path_valid(site->split_brain_handler))
                return fail(error, origin, "site", "split-brain-handler",
                            "must be an absolute path of letters, digits and / . _ + - (got \"%s\")",
                            site->split_brain_handler ? site->split_brain_handler : "");
        if (!path_valid(site->res_dir))
                return fail(error, origin, "site", "res-dir",
                            "must be an absolute path of letters, digits and / . _ + - (got \"%s\")",
                            site->res_dir ? site->res_dir : "");
        for (int i = 0; i < 2; i++) {
                const DgNode *n = &site->nodes[i];
                g_autofree char *group = g_strdup_printf("node %s", n->name ? n->name : "");

                if (!dg_node_name_valid(n->name))
                        return fail(error, origin, group, NULL,
                                    "\"%s\" is not a node name: 1 to %d letters, digits, '-', '_' or '.', "
                                    "as `uname -n` prints it", n->name ? n->name : "", DG_NODE_NAME_MAX);
                if (!n->address)
                        return fail(error, origin, group, "address", "is required (the replication address)");
                if (!dg_address_valid(n->address))
                        return fail(error, origin, group, "address",
                                    "must be an IPv4 or IPv6 address without a port (got \"%s\")", n->address);
                if (!n->vg)
                        return fail(error, origin, group, "vg", "is required (the volume group for backing LVs)");
                if (!dg_vg_name_valid(n->vg))
                        return fail(error, origin, group, "vg",
                                    "\"%s\" is not a volume group name: letters, digits and + _ . -, "
                                    "not starting with '-'", n->vg);
        }
        if (g_str_equal(site->nodes[0].name, site->nodes[1].name))
                return fail(error, origin, NULL, NULL, "both nodes are called \"%s\"; give two different nodes",
                            site->nodes[0].name);
        if (g_str_equal(site->nodes[0].address, site->nodes[1].address))
                return fail(error, origin, NULL, NULL, "both nodes have the address %s; give each its own",
                            site->nodes[0].address);
        if (dg_address_is_ipv6(site->nodes[0].address) != dg_address_is_ipv6(site->nodes[1].address))
                return fail(error, origin, NULL, NULL,
                            "the nodes' addresses %s and %s are of different families; give both IPv4 or both IPv6",
                            site->nodes[0].address, site->nodes[1].address);
        if (!site->local || (!g_str_equal(site->local, site->nodes[0].name) &&
                             !g_str_equal(site->local, site->nodes[1].name)))
                return fail(error, origin, NULL, NULL,
                            "this node is \"%s\", which is neither of the site's nodes (%s, %s)",
                            site->local ? site->local : "", site->nodes[0].name, site->nodes[1].name);
        return TRUE;
}

gboolean dg_site_validate(const DgSite *site, GError **error)
{
        return validate(site, "site", error);
}

const DgNode *dg_site_local(const DgSite *site)
{
        return g_str_equal(site->local, site->nodes[0].name) ? &site->nodes[0] : &site->nodes[1];
}

const DgNode *dg_site_peer(const DgSite *site)
{
        return g_str_equal(site->local, site->nodes[0].name) ? &site->nodes[1] : &site->nodes[0];
}

static gboolean check_keys(GKeyFile *kf, const char *origin, const char *group,
                           const char *const *known, GError **error)
{
        g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);

        for (char **k = keys; k && *k; k++) {
                if (!g_strv_contains(known, *k)) {
                        g_autofree char *list = g_strjoinv(", ", (char **)known);
                        return fail(error, origin, group, *k, "unknown key (known keys: %s)", list);
                }
        }
        return TRUE;
}

/* A missing key is NULL; a present one must be a non-empty single value. */
static gboolean get_value(GKeyFile *kf, const char *origin, const char *group, const char *key,
                          const char *def, char **ret, GError **error)
{
        g_autofree char *v = NULL;

        if (!g_key_file_has_key(kf, group, key, NULL)) {
                *ret = g_strdup(def);
                return TRUE;
        }
        v = g_key_file_get_string(kf, group, key, NULL);
        if (!v)
                return fail(error, origin, group, key, "is not a valid string (bad escape?)");
        g_strstrip(v);
        if (!*v)
                return fail(error, origin, group, key, "is empty; remove the line or give a value");
        *ret = g_steal_pointer(&v);
        return TRUE;
}

DgSite *dg_site_load_data(const char *data, gsize len, const char *origin, const char *local,
                          GError **error)
{
        g_autoptr(GKeyFile) kf = g_key_file_new();
        g_autoptr(DgSite) site = g_new0(DgSite, 1);
        g_autoptr(GError) kerr = NULL;
        g_auto(GStrv) groups = NULL;
        int n_nodes = 0;

        if (!g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, &kerr)) {
                fail(error, origin, NULL, NULL, "%s", kerr->message);
                return NULL;
        }
        groups = g_key_file_get_groups(kf, NULL);
        for (char **g = groups; *g; g++) {
                if (g_str_equal(*g, "site")) {
                        if (!check_keys(kf, origin, *g, site_keys, error) ||
                            !get_value(kf, origin, *g, "secret", NULL, &site->secret, error) ||
                            !get_value(kf, origin, *g, "fence-peer-handler", DEFAULT_FENCE_PEER,
                                       &site->fence_peer_handler, error) ||
                            !get_value(kf, origin, *g, "unfence-handler", DEFAULT_UNFENCE,
                                       &site->unfence_handler, error) ||
                            !get_value(kf, origin, *g, "split-brain-handler", DEFAULT_SPLIT_BRAIN,
                                       &site->split_brain_handler, error) ||
                            !get_value(kf, origin, *g, "res-dir", DEFAULT_RES_DIR, &site->res_dir, error))
                                return NULL;
                } else if (g_str_has_prefix(*g, "node ")) {
                        DgNode *n;
                        if (n_nodes == 2) {
                                fail(error, origin, *g, NULL,
                                     "a third node; a site has exactly two [node NAME] groups");
                                return NULL;
                        }
                        n = &site->nodes[n_nodes++];
                        n->name = g_strstrip(g_strdup(*g + strlen("node ")));
                        if (!check_keys(kf, origin, *g, node_keys, error) ||
                            !get_value(kf, origin, *g, "address", NULL, &n->address, error) ||
                            !get_value(kf, origin, *g, "vg", NULL, &n->vg, error))
                                return NULL;
                } else {
                        fail(error, origin, *g, NULL, "unknown group (known groups: [site], [node NAME])");
                        return NULL;
                }
        }
        if (!g_key_file_has_group(kf, "site")) {
                fail(error, origin, "site", NULL, "is missing; it holds at least secret=");
                return NULL;
        }
        if (n_nodes != 2) {
                fail(error, origin, NULL, NULL, "has %d [node NAME] group%s; a site has exactly two",
                     n_nodes, n_nodes == 1 ? "" : "s");
                return NULL;
        }
        if (local) {
                site->local = g_strdup(local);
        } else {
                struct utsname u;
                if (uname(&u) < 0) {
                        g_set_error(error, DG_ERROR, DG_ERROR_FAILED, "uname: %s", g_strerror(errno));
                        return NULL;
                }
                site->local = g_strdup(u.nodename);
        }
        if (!validate(site, origin, error))
                return NULL;
        return g_steal_pointer(&site);
}

DgSite *dg_site_load(const char *path, const char *local, GError **error)
{
        g_autofree char *data = NULL;
        g_autoptr(GError) ferr = NULL;
        gsize len;

        if (!g_file_get_contents(path, &data, &len, &ferr)) {
                g_set_error(error, DG_ERROR,
                            g_error_matches(ferr, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? DG_ERROR_NOT_FOUND
                                                                                    : DG_ERROR_FAILED,
                            "cannot read the site file: %s (it describes both nodes; see dgctl(8))",
                            ferr->message);
                return NULL;
        }
        return dg_site_load_data(data, len, path, local, error);
}

/* ---- volume definitions ---------------------------------------------------- */

void dg_volume_def_clear(DgVolumeDef *def)
{
        g_clear_pointer(&def->guest, g_free);
        g_clear_pointer(&def->volume, g_free);
}

gboolean dg_volume_def_validate(const DgVolumeDef *def, GError **error)
{
        g_autofree char *res = dg_resource_name(def->guest, def->volume, error);

        if (!res)
                return FALSE;
        if (def->size < SIZE_MIN || def->size > SIZE_MAX_BYTES) {
                g_autofree char *s = dg_size_format(def->size);
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID,
                            "volume %s: size must be between 4 MiB and 64 TiB (got %s)", res, s);
                return FALSE;
        }
        /* Whole MiB: DRBD and LVM both round to their own units; keeping the
         * usable size whole leaves no rounding to disagree about. */
        if (def->size % (1 << 20)) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID,
                            "volume %s: size must be a whole number of MiB (got %" G_GUINT64_FORMAT " bytes)",
                            res, def->size);
                return FALSE;
        }
        if (def->minor > MINOR_MAX) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID,
                            "volume %s: minor must be between 0 and %d (got %u)", res, MINOR_MAX, def->minor);
                return FALSE;
        }
        if (def->port < PORT_MIN || def->port > PORT_MAX) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID,
                            "volume %s: port must be between %d and %d (got %u)", res, PORT_MIN, PORT_MAX,
                            def->port);
                return FALSE;
        }
        return TRUE;
}

static guint64 round_up(guint64 v, guint64 to)
{
        return to ? (v + to - 1) / to * to : v;
}

guint64 dg_lv_size_for(guint64 size, guint64 extent_size)
{
        /* DRBD internal metadata at the end of the LV: the bitmap (1 bit per
         * 4 KiB of data, in 4 KiB blocks), the 32 KiB activity log and the
         * 4 KiB superblock. Whole MiB keep the arithmetic of 8.4 and 9
         * (which aligns differently) both inside the margin. */
        guint64 bitmap = round_up(round_up(size, 4096) / 4096 / 8, 4096);
        guint64 md = round_up(bitmap + (32 << 10) + (4 << 10), 1 << 20);

        return round_up(size + md, extent_size);
}
