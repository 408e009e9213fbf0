/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fen.h"
#include "ham-pcmk.h"

#include <string.h>

void fen_env_free(FenEnv *env)
{
        if (!env)
                return;
        g_free(env->resource);
        g_free(env->peer);
        g_free(env->peer_address);
        g_free(env->minor);
        g_free(env);
}

static const char *env_get(const char *const *envp, const char *name)
{
        gsize n = strlen(name);

        for (const char *const *e = envp; e && *e; e++)
                if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
                        return *e + n + 1;
        return NULL;
}

FenEnv *fen_env_parse(const char *const *envp, GError **error)
{
        g_autoptr(FenEnv) env = g_new0(FenEnv, 1);
        const char *res = env_get(envp, "DRBD_RESOURCE");
        const char *peer = env_get(envp, "DRBD_PEER");
        const char *peers = env_get(envp, "DRBD_PEERS");

        if (!res || !*res) {
                g_set_error(error, FEN_ERROR, FEN_ERROR_INVALID,
                            "DRBD_RESOURCE is not set: run this program as DRBD's fence-peer or "
                            "after-resync-target handler (or set DRBD_RESOURCE=pk-GUEST-VOL by hand)");
                return NULL;
        }
        /* Names become CIB ids and log text. */
        if (!dg_res_name_valid(res)) {
                g_set_error(error, FEN_ERROR, FEN_ERROR_INVALID,
                            "DRBD_RESOURCE \"%s\" is not a valid resource name (" DG_RES_NAME_RULE ")",
                            res);
                return NULL;
        }
        if (!g_str_has_prefix(res, "pk-") || strlen(res) <= 3) {
                g_set_error(error, FEN_ERROR, FEN_ERROR_INVALID,
                            "DRBD_RESOURCE \"%s\" is not a plastik resource (pk-GUEST-VOL): use drbd-utils' "
                            "crm-fence-peer handlers for resources plastik does not manage", res);
                return NULL;
        }
        env->resource = g_strdup(res);

        /* 8.4 passes DRBD_PEER; DRBD_PEERS lists names separated by blanks. */
        if ((!peer || !*peer) && peers && *peers) {
                g_auto(GStrv) list = g_strsplit_set(peers, " \t,", -1);
                for (char **p = list; *p; p++) {
                        if (!**p)
                                continue;
                        if (peer && *peer) {
                                g_set_error(error, FEN_ERROR, FEN_ERROR_INVALID,
                                            "DRBD_PEERS \"%s\" names more than one peer: plastik "
                                            "resources have exactly one", peers);
                                return NULL;
                        }
                        env->peer = g_strdup(*p);
                        peer = env->peer;
                }
        } else if (peer && *peer) {
                env->peer = g_strdup(peer);
        }
        if (env->peer && !dg_node_name_valid(env->peer)) {
                g_set_error(error, FEN_ERROR, FEN_ERROR_INVALID,
                            "the peer name \"%s\" (DRBD_PEER/DRBD_PEERS) is not a valid node name",
                            env->peer);
                return NULL;
        }
        env->peer_address = g_strdup(env_get(envp, "DRBD_PEER_ADDRESS"));
        env->minor = g_strdup(env_get(envp, "DRBD_MINOR"));
        return g_steal_pointer(&env);
}

char *fen_constraint_id(const char *resource, const char *clone_id)
{
        /* hamgr's status and verify read the same constraint: one name for it. */
        return ham_fence_constraint_id(resource, clone_id);
}

char *fen_clone_id(const char *resource)
{
        return g_strdup_printf("drbd-%s-clone", resource);
}
