/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Resources whose fence-peer handler left I/O frozen. DRBD calls the
 * handler once per lost connection; when that run finds no proof before
 * its timeout (neither node could fence the other, say), it answers 1 and
 * DRBD keeps the device's I/O suspended. If a proof arrives later (this
 * node's fencer finally fences the peer), nothing in DRBD looks again, and
 * the guest would hang on its disk until an administrator ran resume-io.
 *
 * So the handler leaves a record (ham_frozen_write), and every few seconds
 * hamgrd runs `plastik-fence-peer --resume RES` for each: the handler
 * itself, with the same decision table, resumes I/O only on the same
 * proofs, and removes the record when it resumed or when nothing is frozen
 * any more. The decision is never made here: one table, one place.
 */
#include "daemon.h"
#include "ham.h"
#include "pk.h"

#include <sys/wait.h>

#define FROZEN_LOOK_S 5

struct HamFrozen {
        char *conf_path;
        HamChangedFunc changed; /* the set of records changed: the facts carry it */
        gpointer changed_data;
        char *seen;             /* the names last listed, joined */
        guint timer;
        GHashTable *running; /* resource -> GPid of its --resume run */
};

typedef struct {
        HamFrozen *f;
        char *resource;
} Run;

static void run_done(GPid pid, int status, gpointer data)
{
        Run *run = data;

        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                g_message("%s: plastik-fence-peer --resume: done (see its log for what it found)",
                          run->resource);
        else
                g_debug("%s: plastik-fence-peer --resume: I/O stays frozen (status %d)", run->resource,
                        status);
        g_spawn_close_pid(pid);
        if (run->f)
                g_hash_table_remove(run->f->running, run->resource);
        g_free(run->resource);
        g_free(run);
}

static char *handler_path(HamFrozen *f)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamConf) conf = ham_conf_load(f->conf_path, &error);
        DgSite *site = conf ? ham_conf_to_dg_site(conf, NULL) : NULL;
        char *path = NULL;

        if (site && site->fence_peer_handler)
                path = g_strdup(site->fence_peer_handler);
        if (site)
                dg_site_free(site);
        return path ? path : g_strdup("/usr/sbin/plastik-fence-peer");
}

static gint by_name(gconstpointer a, gconstpointer b)
{
        return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

static gboolean look(gpointer data)
{
        HamFrozen *f = data;
        g_autoptr(GPtrArray) names = ham_frozen_list(NULL);
        g_autofree char *handler = NULL, *now = NULL;

        g_ptr_array_sort(names, by_name);
        g_ptr_array_add(names, NULL);
        now = g_strjoinv(" ", (char **)names->pdata);
        g_ptr_array_set_size(names, names->len - 1);
        if (g_strcmp0(now, f->seen) != 0) {
                g_free(f->seen);
                f->seen = g_steal_pointer(&now);
                f->changed(f->changed_data);
        }
        for (guint i = 0; i < names->len; i++) {
                const char *res = names->pdata[i];
                g_autoptr(GError) error = NULL;
                GPid pid;

                if (g_hash_table_contains(f->running, res))
                        continue;
                if (!handler)
                        handler = handler_path(f);
                const char *argv[] = { handler, "--resume", res, NULL };
                if (!g_spawn_async(NULL, (char **)argv, NULL,
                                   G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                           G_SPAWN_STDERR_TO_DEV_NULL,
                                   NULL, NULL, &pid, &error)) {
                        g_warning("%s: I/O was left frozen by the fence-peer handler, and %s --resume "
                                  "cannot run: %s",
                                  res, handler, error->message);
                        continue;
                }
                Run *run = g_new0(Run, 1);
                run->f = f;
                run->resource = g_strdup(res);
                g_hash_table_insert(f->running, g_strdup(res), GINT_TO_POINTER(pid));
                g_child_watch_add(pid, run_done, run);
        }
        return G_SOURCE_CONTINUE;
}

HamFrozen *ham_frozen_new(const char *conf_path, HamChangedFunc changed, gpointer user_data)
{
        HamFrozen *f = g_new0(HamFrozen, 1);

        f->conf_path = g_strdup(conf_path);
        f->changed = changed;
        f->changed_data = user_data;
        f->seen = g_strdup("");
        f->running = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        f->timer = g_timeout_add_seconds(FROZEN_LOOK_S, look, f);
        return f;
}

void ham_frozen_free(HamFrozen *f)
{
        if (!f)
                return;
        g_clear_handle_id(&f->timer, g_source_remove);
        /* A run still going finishes on its own: the main loop has stopped,
         * so its watch never fires. */
        g_hash_table_unref(f->running);
        g_free(f->conf_path);
        g_free(f->seen);
        g_free(f);
}
