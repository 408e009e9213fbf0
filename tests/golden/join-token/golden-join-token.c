/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver for the join token. A case is either a plastik.conf (it
 * begins with "[cluster]"): encoded with a fixed 256-byte key 00 01 .. ff,
 * the token printed and decoded again; or a token: decoded and printed, or
 * the error that says what is wrong with it. A decoded token is encoded
 * again and decoded once more: the same configuration must come back.
 */
#include "ham.h"

#include <stdio.h>
#include <string.h>

static void print_node(const char *label, const HamNode *n)
{
        g_autofree char *addrs = g_strjoinv(",", (char **)n->addresses);
        printf("%s: %s id=%u cluster=%s replication=%s vg=%s\n", label, n->name, n->nodeid, addrs,
               n->replication_address, n->vg);
}

static int decode(const char *text)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamToken) token = ham_token_decode(text, &error);
        g_autofree char *again = NULL, *sum = NULL;
        gsize len;
        const void *key;

        if (!token) {
                printf("error: %s\n", error->message);
                return 1;
        }
        key = g_bytes_get_data(token->authkey, &len);
        sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, key, len);
        printf("cluster: %s\ndrbd-secret: %s\n", token->conf->cluster_name, token->conf->drbd_secret);
        /* Only when set: a token without it reads as it always did. */
        if (token->conf->corosync_token)
                printf("corosync-token: %u\n", token->conf->corosync_token);
        print_node("first", &token->conf->local);
        print_node("second", &token->conf->peer);
        printf("authkey: %zu bytes, sha256 %.16s\n", len, sum);
        again = ham_token_encode(token, &error);
        if (!again) {
                printf("re-encode error: %s\n", error->message);
                return 1;
        }
        g_autoptr(HamToken) back = ham_token_decode(again, &error);
        if (!back || !ham_conf_equal(back->conf, token->conf) ||
            back->conf->corosync_token != token->conf->corosync_token) {
                printf("round trip: the token encoded again reads differently\n");
                return 1;
        }
        return 0;
}

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL;
        gsize len;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, &len, &error)) {
                fprintf(stderr, "usage: golden-join-token CASE\n");
                return 2;
        }
        if (g_str_has_prefix(text, "[cluster]")) {
                g_autoptr(HamConf) conf = ham_conf_load_data(text, len, "input", &error);
                guint8 key[256];
                HamToken token = { 0 };
                g_autofree char *enc = NULL;

                if (!conf) {
                        printf("error: %s\n", error->message);
                        return 1;
                }
                for (guint i = 0; i < sizeof(key); i++)
                        key[i] = (guint8)i;
                token.conf = conf;
                token.authkey = g_bytes_new_static(key, sizeof(key));
                enc = ham_token_encode(&token, &error);
                g_bytes_unref(token.authkey);
                if (!enc) {
                        printf("error: %s\n", error->message);
                        return 1;
                }
                printf("token: %s\n", enc);
                return decode(enc);
        }
        return decode(text);
}
