/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Letting go of a fenced peer: when the fencer completes a fencing, each of
 * plastik's resources still Connected is judged by the model's
 * ham_let_go_decide() (the why and the safety argument are there), from
 * what hamgrd already holds: DRBD's state from events2, its own record of
 * when the connection came up, the fencing's completion. Deciding here
 * rather than in a program hamgrd would start saves the seconds such a
 * start costs while the survivor waits for its promotion.
 *
 * The acting is two drbdadm runs, asynchronous so the main loop never
 * waits: `disconnect --force` (drbdsetup's hard disconnect, which asks
 * nothing of the peer and leaves this node UpToDate), then `connect`, so
 * that the node listens for the peer's return.
 */
#include "daemon.h"
#include "ham.h"

#include <sys/wait.h>

typedef struct {
        char *resource;
        gboolean connecting; /* the second step */
} LetGo;

/* Resources with a drbdadm run under way: one at a time each. */
static GHashTable *running;

static void step(LetGo *lg);

static void step_done(GPid pid, int status, gpointer data)
{
        LetGo *lg = data;
        g_autoptr(GError) error = NULL;

        g_spawn_close_pid(pid);
        if (!g_spawn_check_wait_status(status, &error)) {
                g_warning("%s: let go: drbdadm %s failed (%s): DRBD lets go of the peer at its own ping "
                          "timeout%s",
                          lg->resource, lg->connecting ? "connect" : "disconnect --force", error->message,
                          lg->connecting ? "; the resource stays StandAlone until `drbdadm connect` " : "");
        } else if (!lg->connecting) {
                g_message("%s: let go: the connection to the fenced peer is dropped", lg->resource);
                lg->connecting = TRUE;
                step(lg);
                return;
        } else {
                g_message("%s: let go: listening for the peer again", lg->resource);
        }
        g_hash_table_remove(running, lg->resource);
        g_free(lg->resource);
        g_free(lg);
}

static void step(LetGo *lg)
{
        g_autoptr(GError) error = NULL;
        const char *disconnect[] = { "drbdadm", "disconnect", "--force", lg->resource, NULL };
        const char *connect[] = { "drbdadm", "connect", lg->resource, NULL };
        GPid pid;

        if (!g_spawn_async(NULL, (char **)(lg->connecting ? connect : disconnect), NULL,
                           G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                           NULL, NULL, &pid, &error)) {
                g_warning("%s: let go: drbdadm cannot run: %s", lg->resource, error->message);
                g_hash_table_remove(running, lg->resource);
                g_free(lg->resource);
                g_free(lg);
                return;
        }
        g_child_watch_add(pid, step_done, lg);
}

void ham_let_go_fenced(const DgState *drbd, const char *local, const char *target, gint64 completed_ms)
{
        g_autoptr(GPtrArray) names = NULL;

        if (!drbd || !target)
                return;
        if (!running)
                running = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        names = dg_state_names(drbd);
        for (guint i = 0; i < names->len; i++) {
                const DgResourceState *r = dg_state_lookup(drbd, names->pdata[i]);
                const DgVolumeState *v = r && r->volumes->len ?
                        &g_array_index(r->volumes, DgVolumeState, 0) : NULL;
                g_autoptr(GError) error = NULL;
                HamLetGo s = { 0 };
                HamLetGoDecision d;

                /* Only what DRBD still calls Connected is news to log. */
                if (!r || r->conn != DG_CONN_CONNECTED)
                        continue;
                s.plastik = dg_resource_name_parse(r->name, NULL, NULL);
                /* DRBD 8.4 names no peer: in a pair it is the other node. */
                s.peer_is_target = local && g_strcmp0(target, local) != 0 && (!r->peer || g_str_equal(r->peer, target));
                s.conn = r->conn;
                s.role = r->role;
                s.disk = v ? v->disk : DG_DISK_UNKNOWN;
                s.fenced_ms = completed_ms;
                if (!ham_connected_read(NULL, r->name, &s.connected_ms, &error))
                        s.connected_ms = 0;
                d = ham_let_go_decide(&s);
                g_message("%s: the fencer fenced %s (completed %" G_GINT64_FORMAT ", connection up since "
                          "%" G_GINT64_FORMAT "): %s: %s",
                          r->name, target, completed_ms, s.connected_ms, d.disconnect ? "let go" : "kept",
                          d.reason);
                if (!d.disconnect || g_hash_table_contains(running, r->name))
                        continue;
                LetGo *lg = g_new0(LetGo, 1);
                lg->resource = g_strdup(r->name);
                g_hash_table_add(running, g_strdup(r->name));
                step(lg);
        }
}
