/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plastik.conf: names, addresses and the node-local configuration file. */
#include "ham.h"
#include "pk.h"

#include <errno.h>
#include <string.h>

G_DEFINE_QUARK(ham-error-quark, ham_error)

gboolean ham_name_valid(const char *name)
{
        return dg_node_name_valid(name);
}

gboolean ham_address_valid(const char *address)
{
        return dg_address_valid(address);
}

void ham_node_clear(HamNode *node)
{
        g_clear_pointer(&node->name, g_free);
        for (guint i = 0; i < HAM_LINKS_MAX; i++)
                g_clear_pointer(&node->addresses[i], g_free);
        g_clear_pointer(&node->replication_address, g_free);
        g_clear_pointer(&node->vg, g_free);
        node->nodeid = 0;
}

void ham_conf_free(HamConf *conf)
{
        if (!conf)
                return;
        g_free(conf->cluster_name);
        g_free(conf->drbd_secret);
        g_free(conf->fence_peer_handler);
        g_free(conf->unfence_handler);
        g_free(conf->split_brain_handler);
        ham_node_clear(&conf->local);
        ham_node_clear(&conf->peer);
        g_free(conf);
}

static void node_copy(HamNode *to, const HamNode *from)
{
        to->name = g_strdup(from->name);
        to->nodeid = from->nodeid;
        for (guint i = 0; i < HAM_LINKS_MAX; i++)
                to->addresses[i] = g_strdup(from->addresses[i]);
        to->replication_address = g_strdup(from->replication_address);
        to->vg = g_strdup(from->vg);
}

HamConf *ham_conf_copy(const HamConf *conf)
{
        HamConf *c = g_new0(HamConf, 1);

        c->cluster_name = g_strdup(conf->cluster_name);
        c->drbd_secret = g_strdup(conf->drbd_secret);
        c->corosync_token = conf->corosync_token;
        c->fence_peer_handler = g_strdup(conf->fence_peer_handler);
        c->unfence_handler = g_strdup(conf->unfence_handler);
        c->split_brain_handler = g_strdup(conf->split_brain_handler);
        node_copy(&c->local, &conf->local);
        node_copy(&c->peer, &conf->peer);
        return c;
}

HamConf *ham_conf_for_peer(const HamConf *conf)
{
        HamConf *c = g_new0(HamConf, 1);

        c->cluster_name = g_strdup(conf->cluster_name);
        c->drbd_secret = g_strdup(conf->drbd_secret);
        c->corosync_token = conf->corosync_token;
        node_copy(&c->local, &conf->peer);
        node_copy(&c->peer, &conf->local);
        return c;
}

guint ham_node_n_links(const HamNode *node)
{
        guint n = 0;

        while (n < HAM_LINKS_MAX && node->addresses[n])
                n++;
        return n;
}

static gboolean invalid(GError **error, const char *what, const char *group,
                        const char *key, const char *fmt, ...) G_GNUC_PRINTF(5, 6);
static gboolean invalid(GError **error, const char *what, const char *group,
                        const char *key, const char *fmt, ...)
{
        g_autofree char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID, "%s: [%s] %s: %s", what, group, key, msg);
        return FALSE;
}

static gboolean node_validate(const HamNode *node, const char *what, const char *group,
                              GError **error)
{
        if (!ham_name_valid(node->name))
                return invalid(error, what, group, "name",
                               "\"%s\" is not a node name (letters, digits, '.', '_', '-'; at most %d characters, as `uname -n` prints it)",
                               node->name ? node->name : "", HAM_NAME_MAX);
        if (node->nodeid < 1 || node->nodeid > 2)
                return invalid(error, what, group, "nodeid", "must be 1 or 2 (got %u)", node->nodeid);
        if (!node->addresses[0])
                return invalid(error, what, group, "cluster-addresses",
                               "at least one cluster network address is needed");
        for (guint i = 0; i < HAM_LINKS_MAX && node->addresses[i]; i++) {
                if (!ham_address_valid(node->addresses[i]))
                        return invalid(error, what, group, "cluster-addresses",
                                       "\"%s\" is not an IPv4 or IPv6 address", node->addresses[i]);
                for (guint j = 0; j < i; j++)
                        if (g_str_equal(node->addresses[i], node->addresses[j]))
                                return invalid(error, what, group, "cluster-addresses",
                                               "%s is given twice; a second link needs a second network",
                                               node->addresses[i]);
        }
        if (!ham_address_valid(node->replication_address))
                return invalid(error, what, group, "replication-address",
                               "\"%s\" is not an IPv4 or IPv6 address",
                               node->replication_address ? node->replication_address : "");
        if (!dg_vg_name_valid(node->vg))
                return invalid(error, what, group, "vg", "\"%s\" is not a volume group name",
                               node->vg ? node->vg : "");
        return TRUE;
}

gboolean ham_conf_validate(const HamConf *conf, const char *what, GError **error)
{
        if (!ham_name_valid(conf->cluster_name))
                return invalid(error, what, "cluster", "name",
                               "\"%s\" is not a cluster name (letters, digits, '.', '_', '-'; at most %d characters)",
                               conf->cluster_name ? conf->cluster_name : "", HAM_NAME_MAX);
        if (!dg_secret_valid(conf->drbd_secret))
                return invalid(error, what, "cluster", "drbd-secret",
                               "must be 16 to 64 characters of [A-Za-z0-9+/=_-]");
        if (conf->corosync_token && !ham_corosync_token_valid(conf->corosync_token))
                return invalid(error, what, "cluster", "corosync-token",
                               "must be %d to %d milliseconds (got %u)",
                               HAM_COROSYNC_TOKEN_MIN, HAM_COROSYNC_TOKEN_MAX, conf->corosync_token);
        if (!node_validate(&conf->local, what, "node", error) ||
            !node_validate(&conf->peer, what, "peer", error))
                return FALSE;
        if (g_str_equal(conf->local.name, conf->peer.name))
                return invalid(error, what, "peer", "name", "both nodes are called %s", conf->peer.name);
        if (conf->local.nodeid == conf->peer.nodeid)
                return invalid(error, what, "peer", "nodeid", "both nodes have node id %u", conf->peer.nodeid);
        if (ham_node_n_links(&conf->local) != ham_node_n_links(&conf->peer))
                return invalid(error, what, "peer", "cluster-addresses",
                               "%s has %u cluster network(s) and %s has %u; give both nodes the same number",
                               conf->local.name, ham_node_n_links(&conf->local),
                               conf->peer.name, ham_node_n_links(&conf->peer));
        for (guint i = 0; i < ham_node_n_links(&conf->local); i++)
                if (g_str_equal(conf->local.addresses[i], conf->peer.addresses[i]))
                        return invalid(error, what, "peer", "cluster-addresses",
                                       "both nodes have the address %s", conf->peer.addresses[i]);
        if (g_str_equal(conf->local.replication_address, conf->peer.replication_address))
                return invalid(error, what, "peer", "replication-address",
                               "both nodes have the address %s", conf->peer.replication_address);
        if (conf->fence_peer_handler && !g_path_is_absolute(conf->fence_peer_handler))
                return invalid(error, what, "drbd", "fence-peer-handler",
                               "\"%s\" is not an absolute path", conf->fence_peer_handler);
        if (conf->unfence_handler && !g_path_is_absolute(conf->unfence_handler))
                return invalid(error, what, "drbd", "unfence-handler",
                               "\"%s\" is not an absolute path", conf->unfence_handler);
        if (conf->split_brain_handler && !g_path_is_absolute(conf->split_brain_handler))
                return invalid(error, what, "drbd", "split-brain-handler",
                               "\"%s\" is not an absolute path", conf->split_brain_handler);
        return TRUE;
}

/* ---- the file --------------------------------------------------------------------- */

static const char *const cluster_keys[] = { "name", "drbd-secret", "corosync-token", NULL };
static const char *const drbd_keys[] = { "fence-peer-handler", "unfence-handler", "split-brain-handler", NULL };
static const char *const node_keys[] = {
        "name", "nodeid", "cluster-addresses", "replication-address", "vg", NULL,
};

static gboolean check_keys(GKeyFile *kf, const char *what, const char *group,
                           const char *const *allowed, GError **error)
{
        g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);

        for (char **k = keys; k && *k; k++)
                if (!g_strv_contains(allowed, *k)) {
                        g_autofree char *list = g_strjoinv(", ", (char **)allowed);
                        return invalid(error, what, group, *k, "unknown key (known: %s)", list);
                }
        return TRUE;
}

static gboolean get_string(GKeyFile *kf, const char *what, const char *group,
                           const char *key, char **ret, GError **error)
{
        g_autoptr(GError) local = NULL;
        char *v = g_key_file_get_string(kf, group, key, &local);

        if (!v)
                return invalid(error, what, group, key, "missing");
        *ret = g_strstrip(v);
        return TRUE;
}

static gboolean load_node(GKeyFile *kf, const char *what, const char *group,
                          HamNode *node, GError **error)
{
        g_autofree char *id = NULL;
        g_auto(GStrv) addrs = NULL;
        guint64 v;

        if (!g_key_file_has_group(kf, group))
                return invalid(error, what, group, "name", "the group [%s] is missing", group);
        if (!check_keys(kf, what, group, node_keys, error) ||
            !get_string(kf, what, group, "name", &node->name, error) ||
            !get_string(kf, what, group, "nodeid", &id, error) ||
            !get_string(kf, what, group, "replication-address", &node->replication_address, error) ||
            !get_string(kf, what, group, "vg", &node->vg, error))
                return FALSE;
        if (!g_ascii_string_to_unsigned(id, 10, 1, 2, &v, NULL))
                return invalid(error, what, group, "nodeid", "must be 1 or 2 (got \"%s\")", id);
        node->nodeid = (guint)v;
        addrs = g_key_file_get_string_list(kf, group, "cluster-addresses", NULL, NULL);
        if (!addrs || !addrs[0])
                return invalid(error, what, group, "cluster-addresses", "missing");
        if (g_strv_length(addrs) > HAM_LINKS_MAX)
                return invalid(error, what, group, "cluster-addresses",
                               "at most %d cluster networks (got %u)", HAM_LINKS_MAX, g_strv_length(addrs));
        for (guint i = 0; addrs[i]; i++)
                node->addresses[i] = g_strstrip(g_strdup(addrs[i]));
        return TRUE;
}

HamConf *ham_conf_load_data(const char *data, gsize len, const char *what, GError **error)
{
        g_autoptr(GKeyFile) kf = g_key_file_new();
        g_autoptr(HamConf) conf = g_new0(HamConf, 1);
        g_autoptr(GError) local = NULL;
        g_auto(GStrv) groups = NULL;

        if (!g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, &local)) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID, "%s: %s", what, local->message);
                return NULL;
        }
        groups = g_key_file_get_groups(kf, NULL);
        for (char **g = groups; *g; g++)
                if (!g_str_equal(*g, "cluster") && !g_str_equal(*g, "node") &&
                    !g_str_equal(*g, "peer") && !g_str_equal(*g, "drbd")) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                                    "%s: [%s]: unknown group (known: cluster, node, peer, drbd)",
                                    what, *g);
                        return NULL;
                }
        if (!g_key_file_has_group(kf, "cluster")) {
                invalid(error, what, "cluster", "name", "the group [cluster] is missing");
                return NULL;
        }
        if (!check_keys(kf, what, "cluster", cluster_keys, error) ||
            !get_string(kf, what, "cluster", "name", &conf->cluster_name, error) ||
            !get_string(kf, what, "cluster", "drbd-secret", &conf->drbd_secret, error) ||
            !load_node(kf, what, "node", &conf->local, error) ||
            !load_node(kf, what, "peer", &conf->peer, error))
                return NULL;
        if (g_key_file_has_key(kf, "cluster", "corosync-token", NULL)) {
                g_autofree char *ms = NULL;
                if (!get_string(kf, what, "cluster", "corosync-token", &ms, error))
                        return NULL;
                if (!ham_corosync_token_parse(ms, &conf->corosync_token)) {
                        invalid(error, what, "cluster", "corosync-token",
                                "must be %d to %d milliseconds (got \"%s\")",
                                HAM_COROSYNC_TOKEN_MIN, HAM_COROSYNC_TOKEN_MAX, ms);
                        return NULL;
                }
        }
        if (g_key_file_has_group(kf, "drbd")) {
                if (!check_keys(kf, what, "drbd", drbd_keys, error))
                        return NULL;
                conf->fence_peer_handler = g_key_file_get_string(kf, "drbd", "fence-peer-handler", NULL);
                conf->unfence_handler = g_key_file_get_string(kf, "drbd", "unfence-handler", NULL);
                conf->split_brain_handler = g_key_file_get_string(kf, "drbd", "split-brain-handler", NULL);
        }
        if (!ham_conf_validate(conf, what, error))
                return NULL;
        return g_steal_pointer(&conf);
}

HamConf *ham_conf_load(const char *path, GError **error)
{
        g_autoptr(GError) local = NULL;
        g_autofree char *data = NULL;
        gsize len;

        if (!g_file_get_contents(path, &data, &len, &local)) {
                g_set_error(error, HAM_ERROR,
                            g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT) ?
                                    HAM_ERROR_NOT_FOUND : HAM_ERROR_FAILED,
                            "%s", local->message);
                return NULL;
        }
        return ham_conf_load_data(data, len, path, error);
}

static void save_node(GString *s, const char *group, const char *comment, const HamNode *node)
{
        g_autofree char *addrs = g_strjoinv(";", (char **)node->addresses);

        g_string_append_printf(s, "\n# %s\n[%s]\nname=%s\nnodeid=%u\ncluster-addresses=%s\n"
                               "replication-address=%s\nvg=%s\n",
                               comment, group, node->name, node->nodeid, addrs,
                               node->replication_address, node->vg);
}

char *ham_conf_to_data(const HamConf *conf)
{
        GString *s = g_string_new("# plastik node configuration, written by hactl cluster init|join (hactl(8)).\n");

        g_string_append_printf(s, "[cluster]\nname=%s\ndrbd-secret=%s\n",
                               conf->cluster_name, conf->drbd_secret);
        /* Written only when set, so a file without it stays as it was. */
        if (conf->corosync_token)
                g_string_append_printf(s, "corosync-token=%u\n", conf->corosync_token);
        save_node(s, "node", "this node", &conf->local);
        save_node(s, "peer", "the other node", &conf->peer);
        if (conf->fence_peer_handler || conf->unfence_handler || conf->split_brain_handler) {
                g_string_append(s, "\n# DRBD handlers of this node\n[drbd]\n");
                if (conf->fence_peer_handler)
                        g_string_append_printf(s, "fence-peer-handler=%s\n", conf->fence_peer_handler);
                if (conf->unfence_handler)
                        g_string_append_printf(s, "unfence-handler=%s\n", conf->unfence_handler);
                if (conf->split_brain_handler)
                        g_string_append_printf(s, "split-brain-handler=%s\n", conf->split_brain_handler);
        }
        return g_string_free(s, FALSE);
}

static void dg_node_set(DgNode *to, const HamNode *from)
{
        to->name = g_strdup(from->name);
        to->address = g_strdup(from->replication_address);
        to->vg = g_strdup(from->vg);
}

DgSite *ham_conf_to_dg_site(const HamConf *conf, const char *res_dir)
{
        DgSite *site = g_new0(DgSite, 1);

        /* Both nodes render the same file: the order must not depend on
         * which node renders it, so it follows the node ids. */
        gboolean local_first = conf->local.nodeid < conf->peer.nodeid;
        dg_node_set(&site->nodes[0], local_first ? &conf->local : &conf->peer);
        dg_node_set(&site->nodes[1], local_first ? &conf->peer : &conf->local);
        site->local = g_strdup(conf->local.name);
        site->secret = g_strdup(conf->drbd_secret);
        site->fence_peer_handler = g_strdup(conf->fence_peer_handler ? conf->fence_peer_handler
                                                                     : HAM_FENCE_PEER_HANDLER);
        site->unfence_handler = g_strdup(conf->unfence_handler ? conf->unfence_handler
                                                               : HAM_UNFENCE_HANDLER);
        site->split_brain_handler = g_strdup(conf->split_brain_handler ? conf->split_brain_handler
                                                                       : HAM_SPLIT_BRAIN_HANDLER);
        site->res_dir = g_strdup(res_dir ? res_dir : HAM_DRBD_RES_DIR);
        return site;
}

gboolean ham_conf_save(const HamConf *conf, const char *path, GError **error)
{
        g_autofree char *data = NULL;
        g_autofree char *dir = g_path_get_dirname(path);
        int r;

        if (!ham_conf_validate(conf, path, error))
                return FALSE;
        r = pk_mkdir_p(dir, 0755);
        if (r < 0) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "cannot create %s: %s", dir, g_strerror(-r));
                return FALSE;
        }
        data = ham_conf_to_data(conf);
        return pk_file_write_atomic(path, data, strlen(data), 0600, error);
}

static char *node_diff(const char *which, const HamNode *have, const HamNode *want)
{
        g_autofree char *ha = g_strjoinv(",", (char **)have->addresses);
        g_autofree char *wa = g_strjoinv(",", (char **)want->addresses);

        if (g_strcmp0(have->name, want->name))
                return g_strdup_printf("%s is \"%s\", not \"%s\"", which, have->name, want->name);
        if (have->nodeid != want->nodeid)
                return g_strdup_printf("%s %s has node id %u, not %u", which, have->name, have->nodeid, want->nodeid);
        if (g_strcmp0(ha, wa))
                return g_strdup_printf("%s %s has the cluster addresses %s, not %s", which, have->name, ha, wa);
        if (g_strcmp0(have->replication_address, want->replication_address))
                return g_strdup_printf("%s %s has the replication address %s, not %s", which, have->name,
                                       have->replication_address, want->replication_address);
        if (g_strcmp0(have->vg, want->vg))
                return g_strdup_printf("%s %s has the volume group %s, not %s", which, have->name, have->vg, want->vg);
        return NULL;
}

/* "800 ms", or what 0 (not set) means. (transfer full) */
static char *token_text(guint ms)
{
        if (!ms)
                return g_strdup_printf("corosync's default (%d ms)", HAM_COROSYNC_TOKEN_DEFAULT);
        return g_strdup_printf("%u ms", ms);
}

char *ham_conf_diff(const HamConf *have, const HamConf *want)
{
        char *d;

        if (g_strcmp0(have->cluster_name, want->cluster_name))
                return g_strdup_printf("the cluster name is \"%s\", not \"%s\"",
                                       have->cluster_name, want->cluster_name);
        if ((d = node_diff("this node", &have->local, &want->local)) ||
            (d = node_diff("the peer", &have->peer, &want->peer)))
                return d;
        if (g_strcmp0(have->drbd_secret, want->drbd_secret))
                return g_strdup("the DRBD shared secret differs");
        if (have->corosync_token != want->corosync_token) {
                g_autofree char *h = token_text(have->corosync_token);
                g_autofree char *w = token_text(want->corosync_token);
                return g_strdup_printf("corosync's token is %s, not %s", h, w);
        }
        return NULL;
}

gboolean ham_conf_equal(const HamConf *a, const HamConf *b)
{
        g_autofree char *d = ham_conf_diff(a, b);
        return d == NULL;
}
