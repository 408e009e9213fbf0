/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The join token: everything the second node needs, as one line an
 * administrator copies from one terminal to the other.
 */
#include "ham.h"
#include "pk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define TOKEN_PREFIX "plastik"
#define CHECKSUM_LEN 8
/* corosync 3 accepts keys of 1024 to 4096 bits. */
#define AUTHKEY_MIN 128
#define AUTHKEY_MAX 512

void ham_token_free(HamToken *token)
{
        if (!token)
                return;
        ham_conf_free(token->conf);
        if (token->authkey)
                g_bytes_unref(token->authkey);
        g_free(token);
}

static gboolean token_error(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean token_error(GError **error, const char *fmt, ...)
{
        g_autofree char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_set_error(error, HAM_ERROR, HAM_ERROR_TOKEN, "join token: %s", msg);
        return FALSE;
}

static gboolean read_random(void *buf, gsize len, GError **error)
{
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        gsize done = 0;

        if (fd < 0) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "cannot open /dev/urandom: %s", g_strerror(errno));
                return FALSE;
        }
        while (done < len) {
                ssize_t n = read(fd, (char *)buf + done, len - done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        int e = n < 0 ? errno : EIO;
                        close(fd);
                        g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "cannot read /dev/urandom: %s", g_strerror(e));
                        return FALSE;
                }
                done += (gsize)n;
        }
        close(fd);
        return TRUE;
}

GBytes *ham_authkey_generate(GError **error)
{
        g_autofree guint8 *key = g_malloc(HAM_AUTHKEY_LEN);

        if (!read_random(key, HAM_AUTHKEY_LEN, error))
                return NULL;
        return g_bytes_new_take(g_steal_pointer(&key), HAM_AUTHKEY_LEN);
}

char *ham_secret_generate(GError **error)
{
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        guint8 raw[32];
        char *s = g_malloc(sizeof(raw) + 1);

        if (!read_random(raw, sizeof(raw), error)) {
                g_free(s);
                return NULL;
        }
        /* 62 symbols: 256 % 62 leaves a slight bias, harmless for 32 symbols
         * (> 190 bits either way). */
        for (gsize i = 0; i < sizeof(raw); i++)
                s[i] = alphabet[raw[i] % (sizeof(alphabet) - 1)];
        s[sizeof(raw)] = '\0';
        return s;
}

/* ---- base64url without padding ---------------------------------------------------- */

static char *b64url_encode(const guint8 *data, gsize len)
{
        char *s = g_base64_encode(data, len);
        char *end = s + strlen(s);

        while (end > s && end[-1] == '=')
                *--end = '\0';
        for (char *p = s; *p; p++)
                if (*p == '+')
                        *p = '-';
                else if (*p == '/')
                        *p = '_';
        return s;
}

static guint8 *b64url_decode(const char *text, gsize *ret_len, GError **error)
{
        gsize n = strlen(text);
        g_autoptr(GString) s = NULL;
        guint8 *out;

        for (gsize i = 0; i < n; i++)
                if (!g_ascii_isalnum(text[i]) && text[i] != '-' && text[i] != '_') {
                        token_error(error, "character %zu ('%c') is not base64url (A-Z a-z 0-9 - _)",
                                    i + 1, g_ascii_isprint(text[i]) ? text[i] : '?');
                        return NULL;
                }
        if (n % 4 == 1) {
                token_error(error, "the base64url text has an impossible length (%zu); was it cut off?", n);
                return NULL;
        }
        s = g_string_new(text);
        for (gsize i = 0; i < s->len; i++)
                if (s->str[i] == '-')
                        s->str[i] = '+';
                else if (s->str[i] == '_')
                        s->str[i] = '/';
        while (s->len % 4)
                g_string_append_c(s, '=');
        out = g_base64_decode(s->str, ret_len);
        return out;
}

static char *checksum_of(const char *prefix_and_payload)
{
        g_autofree char *hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, prefix_and_payload, -1);
        return g_strndup(hex, CHECKSUM_LEN);
}

/* ---- JSON ------------------------------------------------------------------------- */

static json_object *node_to_json(const HamNode *node)
{
        json_object *o = json_object_new_object();
        json_object *a = json_object_new_array();

        json_object_object_add(o, "name", json_object_new_string(node->name));
        json_object_object_add(o, "nodeid", json_object_new_int((int)node->nodeid));
        for (guint i = 0; i < ham_node_n_links(node); i++)
                json_object_array_add(a, json_object_new_string(node->addresses[i]));
        json_object_object_add(o, "cluster-addresses", a);
        json_object_object_add(o, "replication-address", json_object_new_string(node->replication_address));
        json_object_object_add(o, "vg", json_object_new_string(node->vg));
        return o;
}

char *ham_token_encode(const HamToken *token, GError **error)
{
        g_autoptr(json_object) o = json_object_new_object();
        json_object *nodes = json_object_new_array();
        g_autofree char *key = NULL, *json = NULL, *b64 = NULL, *head = NULL, *sum = NULL;
        gsize keylen;
        const guint8 *keydata;

        if (!ham_conf_validate(token->conf, "join token", error))
                return NULL;
        keydata = g_bytes_get_data(token->authkey, &keylen);
        if (keylen < AUTHKEY_MIN || keylen > AUTHKEY_MAX) {
                token_error(error, "the corosync authkey has %zu bytes; corosync needs %d to %d",
                            keylen, AUTHKEY_MIN, AUTHKEY_MAX);
                return NULL;
        }
        key = g_base64_encode(keydata, keylen);
        json_object_object_add(o, "version", json_object_new_int(HAM_TOKEN_VERSION));
        json_object_object_add(o, "cluster", json_object_new_string(token->conf->cluster_name));
        json_object_array_add(nodes, node_to_json(&token->conf->local));
        json_object_array_add(nodes, node_to_json(&token->conf->peer));
        json_object_object_add(o, "nodes", nodes);
        json_object_object_add(o, "corosync-authkey", json_object_new_string(key));
        json_object_object_add(o, "drbd-secret", json_object_new_string(token->conf->drbd_secret));
        /* Only when set: the token of a cluster without it is as before. */
        if (token->conf->corosync_token)
                json_object_object_add(o, "corosync-token", json_object_new_int((int)token->conf->corosync_token));
        json = pk_json_to_string(o, FALSE);
        b64 = b64url_encode((const guint8 *)json, strlen(json));
        head = g_strdup_printf(TOKEN_PREFIX "%d:%s", HAM_TOKEN_VERSION, b64);
        sum = checksum_of(head);
        return g_strdup_printf("%s:%s", head, sum);
}

static gboolean get_str(json_object *o, const char *where, const char *key, char **ret, GError **error)
{
        json_object *v;

        if (!json_object_object_get_ex(o, key, &v))
                return token_error(error, "%s\"%s\" is missing", where, key);
        if (!json_object_is_type(v, json_type_string))
                return token_error(error, "%s\"%s\" must be a string, not %s", where, key, pk_json_type_name(v));
        *ret = g_strdup(json_object_get_string(v));
        return TRUE;
}

static gboolean node_from_json(json_object *o, guint i, HamNode *node, GError **error)
{
        g_autofree char *where = g_strdup_printf("nodes[%u].", i);
        json_object *v, *a;

        if (!json_object_is_type(o, json_type_object))
                return token_error(error, "nodes[%u] must be an object", i);
        if (!get_str(o, where, "name", &node->name, error) ||
            !get_str(o, where, "replication-address", &node->replication_address, error) ||
            !get_str(o, where, "vg", &node->vg, error))
                return FALSE;
        if (!json_object_object_get_ex(o, "nodeid", &v))
                return token_error(error, "%s\"nodeid\" is missing", where);
        if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 1 ||
            json_object_get_int64(v) > 2)
                return token_error(error, "%s\"nodeid\" must be 1 or 2", where);
        node->nodeid = (guint)json_object_get_int64(v);
        if (!json_object_object_get_ex(o, "cluster-addresses", &a))
                return token_error(error, "%s\"cluster-addresses\" is missing", where);
        if (!json_object_is_type(a, json_type_array) || json_object_array_length(a) < 1 ||
            json_object_array_length(a) > HAM_LINKS_MAX)
                return token_error(error, "%s\"cluster-addresses\" must be an array of 1 to %d addresses",
                                   where, HAM_LINKS_MAX);
        for (guint k = 0; k < json_object_array_length(a); k++) {
                json_object *e = json_object_array_get_idx(a, k);
                if (!json_object_is_type(e, json_type_string))
                        return token_error(error, "%s\"cluster-addresses\"[%u] must be a string", where, k);
                node->addresses[k] = g_strdup(json_object_get_string(e));
        }
        return TRUE;
}

HamToken *ham_token_decode(const char *text, GError **error)
{
        g_autoptr(GString) t = g_string_new(NULL);
        g_autoptr(HamToken) token = g_new0(HamToken, 1);
        g_autoptr(json_object) o = NULL;
        g_autoptr(GError) local = NULL;
        g_autofree guint8 *json = NULL, *key = NULL;
        g_autofree char *head = NULL, *sum = NULL;
        json_object *v, *nodes;
        const char *colon, *p;
        gsize jsonlen, keylen;
        guint64 version;

        /* Pasting may bring line breaks and indentation along. */
        for (p = text; *p; p++) {
                if (g_ascii_isspace(*p))
                        continue;
                if (t->len >= HAM_TOKEN_MAX) {
                        token_error(error, "longer than %d characters; this is not a join token", HAM_TOKEN_MAX);
                        return NULL;
                }
                g_string_append_c(t, *p);
        }
        if (t->len == 0) {
                token_error(error, "the token is empty; pass the line hactl cluster init printed");
                return NULL;
        }
        if (!g_str_has_prefix(t->str, TOKEN_PREFIX) || !g_ascii_isdigit(t->str[strlen(TOKEN_PREFIX)])) {
                token_error(error, "this is not a plastik join token (one begins with \"" TOKEN_PREFIX "%d:\"); "
                            "copy the whole line hactl cluster init printed", HAM_TOKEN_VERSION);
                return NULL;
        }
        p = t->str + strlen(TOKEN_PREFIX);
        colon = strchr(p, ':');
        if (!colon) {
                token_error(error, "the token is cut off after its version; copy the whole line again");
                return NULL;
        }
        {
                g_autofree char *ver = g_strndup(p, (gsize)(colon - p));
                if (!g_ascii_string_to_unsigned(ver, 10, 0, G_MAXINT, &version, NULL)) {
                        token_error(error, "the format version \"%s\" is not a number", ver);
                        return NULL;
                }
        }
        if (version != HAM_TOKEN_VERSION) {
                token_error(error, "format version %" G_GUINT64_FORMAT " is not supported (this hactl reads version %d); "
                            "run the same plastik version on both nodes", version, HAM_TOKEN_VERSION);
                return NULL;
        }
        p = strrchr(t->str, ':');
        if (p == colon) {
                token_error(error, "the checksum at the end is missing: the token was cut off; copy the whole line again");
                return NULL;
        }
        head = g_strndup(t->str, (gsize)(p - t->str));
        sum = checksum_of(head);
        if (strlen(p + 1) != CHECKSUM_LEN || g_ascii_strcasecmp(p + 1, sum) != 0) {
                token_error(error, "the checksum does not match: the token was mistyped or cut off; "
                            "copy it again from the output of hactl cluster init");
                return NULL;
        }
        {
                g_autofree char *b64 = g_strndup(colon + 1, (gsize)(p - colon - 1));
                json = b64url_decode(b64, &jsonlen, error);
                if (!json)
                        return NULL;
        }
        o = pk_json_parse((const char *)json, (gssize)jsonlen, "content", &local);
        if (!o) {
                token_error(error, "%s", local->message);
                return NULL;
        }
        if (!json_object_is_type(o, json_type_object)) {
                token_error(error, "the content must be a JSON object");
                return NULL;
        }
        if (!json_object_object_get_ex(o, "version", &v) || !json_object_is_type(v, json_type_int) ||
            json_object_get_int64(v) != HAM_TOKEN_VERSION) {
                token_error(error, "the content's \"version\" is missing or not %d", HAM_TOKEN_VERSION);
                return NULL;
        }
        token->conf = g_new0(HamConf, 1);
        if (!get_str(o, "", "cluster", &token->conf->cluster_name, error) ||
            !get_str(o, "", "drbd-secret", &token->conf->drbd_secret, error))
                return NULL;
        if (!json_object_object_get_ex(o, "nodes", &nodes)) {
                token_error(error, "\"nodes\" is missing");
                return NULL;
        }
        if (!json_object_is_type(nodes, json_type_array) || json_object_array_length(nodes) != 2) {
                token_error(error, "\"nodes\" must be an array of the two nodes");
                return NULL;
        }
        if (!node_from_json(json_object_array_get_idx(nodes, 0), 0, &token->conf->local, error) ||
            !node_from_json(json_object_array_get_idx(nodes, 1), 1, &token->conf->peer, error))
                return NULL;
        /* Absent in a token from before the setting: corosync's default. */
        if (json_object_object_get_ex(o, "corosync-token", &v)) {
                if (!json_object_is_type(v, json_type_int) ||
                    !ham_corosync_token_valid((guint64)MAX(json_object_get_int64(v), 0))) {
                        token_error(error, "\"corosync-token\" must be %d to %d milliseconds",
                                    HAM_COROSYNC_TOKEN_MIN, HAM_COROSYNC_TOKEN_MAX);
                        return NULL;
                }
                token->conf->corosync_token = (guint)json_object_get_int64(v);
        }
        {
                g_autofree char *b64key = NULL;
                if (!get_str(o, "", "corosync-authkey", &b64key, error))
                        return NULL;
                for (const char *c = b64key; *c; c++)
                        if (!g_ascii_isalnum(*c) && !strchr("+/=", *c)) {
                                token_error(error, "\"corosync-authkey\" is not base64");
                                return NULL;
                        }
                key = g_base64_decode(b64key, &keylen);
        }
        if (keylen < AUTHKEY_MIN || keylen > AUTHKEY_MAX) {
                token_error(error, "\"corosync-authkey\" has %zu bytes; corosync needs %d to %d",
                            keylen, AUTHKEY_MIN, AUTHKEY_MAX);
                return NULL;
        }
        token->authkey = g_bytes_new_take(g_steal_pointer(&key), keylen);
        if (!ham_conf_validate(token->conf, "join token", &local)) {
                token_error(error, "%s", local->message + strlen("join token: "));
                return NULL;
        }
        return g_steal_pointer(&token);
}
