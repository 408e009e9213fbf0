/* SPDX-License-Identifier: GPL-2.0-or-later */
/* corosync.conf, rendered from plastik.conf. */
#include "ham.h"

static void render_node(GString *s, const HamNode *node)
{
        g_string_append_printf(s, "    node {\n        name: %s\n        nodeid: %u\n",
                               node->name, node->nodeid);
        for (guint i = 0; i < ham_node_n_links(node); i++)
                g_string_append_printf(s, "        ring%u_addr: %s\n", i, node->addresses[i]);
        g_string_append(s, "    }\n");
}

gboolean ham_corosync_token_valid(guint64 ms)
{
        return ms >= HAM_COROSYNC_TOKEN_MIN && ms <= HAM_COROSYNC_TOKEN_MAX;
}

gboolean ham_corosync_token_parse(const char *text, guint *ret_ms)
{
        guint64 v;

        if (!text || !g_ascii_isdigit(text[0]) ||
            !g_ascii_string_to_unsigned(text, 10, HAM_COROSYNC_TOKEN_MIN, HAM_COROSYNC_TOKEN_MAX, &v, NULL))
                return FALSE;
        *ret_ms = (guint)v;
        return TRUE;
}

guint ham_corosync_consensus(guint token_ms)
{
        /* ⌈6/5 × token⌉ in integers: no rounding of a double on either node. */
        return (token_ms * 6 + 4) / 5;
}

char *ham_corosync_conf_render(const HamConf *conf)
{
        GString *s = g_string_new(NULL);
        /* Ordered by node id, so both nodes hold the very same file. */
        const HamNode *first = conf->local.nodeid < conf->peer.nodeid ? &conf->local : &conf->peer;
        const HamNode *second = first == &conf->local ? &conf->peer : &conf->local;

        g_string_append_printf(s,
                "# corosync.conf of cluster %s, written by hactl cluster init|join (hactl(8)).\n"
                "# Both nodes hold the same file. Changes made here are refused by a later\n"
                "# hactl cluster init; change the set-up with hactl instead.\n"
                "totem {\n"
                "    version: 2\n"
                "    cluster_name: %s\n"
                "    transport: knet\n"
                "    crypto_cipher: aes256\n"
                "    crypto_hash: sha256\n",
                conf->cluster_name, conf->cluster_name);
        /* Only when set: a cluster set up before the setting existed keeps
         * the very file it has (init compares it byte for byte). consensus
         * must exceed token, or corosync refuses to start; 1.2 × token is
         * what corosync derives itself when consensus is not given. */
        if (conf->corosync_token)
                g_string_append_printf(s, "    token: %u\n    consensus: %u\n", conf->corosync_token,
                                       ham_corosync_consensus(conf->corosync_token));
        /* passive: one link carries the traffic, the other takes over when
         * it fails; active would send everything twice for no gain. */
        g_string_append(s, "    link_mode: passive\n");
        for (guint i = 0; i < ham_node_n_links(first); i++)
                g_string_append_printf(s, "    interface {\n        linknumber: %u\n    }\n", i);
        g_string_append(s, "}\n\nnodelist {\n");
        render_node(s, first);
        render_node(s, second);
        /* two_node: the survivor keeps quorum when its peer dies (fencing
         * settles who survives); it implies wait_for_all, so a node that
         * boots alone waits until it has seen its peer once. */
        g_string_append(s,
                "}\n\n"
                "quorum {\n"
                "    provider: corosync_votequorum\n"
                "    two_node: 1\n"
                "}\n\n"
                "logging {\n"
                "    to_logfile: yes\n"
                "    logfile: /var/log/corosync/corosync.log\n"
                "    to_stderr: yes\n"
                "    to_syslog: yes\n"
                "    timestamp: on\n"
                "}\n");
        return g_string_free(s, FALSE);
}
