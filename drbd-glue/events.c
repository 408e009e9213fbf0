/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running `drbdsetup events2`: a one-shot snapshot, a watch that follows the
 * stream in a GMainContext, and dg_sync_wait() on top of the watch.
 *
 * The watch runs `drbdsetup events2 --statistics` without --now: it prints
 * the same initial dump ("exists ..." up to "exists -") and then keeps
 * streaming changes, so there is no window between a dump and the stream in
 * which an event could be missed. (--now exits after the dump.)
 */
#include "dg-internal.h"
#include "pk.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#define READ_CHUNK 4096

static char *program_override;
static guint restart_stable_ms = 30000;
static guint restart_min_ms = 1000;
static guint restart_max_ms = 30000;

void dg_events_set_program(const char *path)
{
        g_free(program_override);
        program_override = g_strdup(path);
}

void dg_events_watch_set_restart_delays(guint stable_ms, guint min_ms, guint max_ms)
{
        restart_stable_ms = stable_ms;
        restart_min_ms = min_ms;
        restart_max_ms = MAX(min_ms, max_ms);
}

static const char *program(void)
{
        return program_override ? program_override : "drbdsetup";
}

/* ---- splitting a byte stream into lines ---------------------------------------- */

/* Collects bytes and hands out complete lines. A line that outgrows
 * DG_EVENTS_LINE_MAX is cut there and the rest of it skipped, so a program
 * that never sends a newline cannot make us grow without bound. */
typedef struct {
        GString *buf;
        gboolean skipping;      /* inside the rest of an over-long line */
} LineBuffer;

typedef void (*LineFunc)(const char *line, gpointer user_data);

static void line_buffer_feed(LineBuffer *lb, const char *data, gsize len, LineFunc func,
                             gpointer user_data)
{
        for (gsize i = 0; i < len; i++) {
                char c = data[i];

                if (c == '\n') {
                        if (!lb->skipping)
                                func(lb->buf->str, user_data);
                        g_string_truncate(lb->buf, 0);
                        lb->skipping = FALSE;
                        continue;
                }
                if (lb->skipping)
                        continue;
                /* A NUL would end the line early for every C string user. */
                g_string_append_c(lb->buf, c == '\0' ? ' ' : c);
                if (lb->buf->len >= DG_EVENTS_LINE_MAX) {
                        func(lb->buf->str, user_data);
                        g_string_truncate(lb->buf, 0);
                        lb->skipping = TRUE;
                }
        }
}

/* What is left without a newline at the end of the stream: a truncated
 * line, fed like any other (the model warns about what it cannot use). */
static void line_buffer_finish(LineBuffer *lb, LineFunc func, gpointer user_data)
{
        if (lb->buf->len > 0 && !lb->skipping)
                func(lb->buf->str, user_data);
        g_string_truncate(lb->buf, 0);
        lb->skipping = FALSE;
}

/* ---- snapshot --------------------------------------------------------------------- */

static void feed_snapshot_line(const char *line, gpointer user_data)
{
        DgState *state = user_data;
        g_autofree char *warning = NULL;

        dg_state_feed_line(state, line, &warning);
        if (warning)
                g_warning("drbdsetup events2: %s", warning);
}

/* Runs `drbdsetup events2 --now --statistics [RESOURCE]`. */
static DgState *snapshot_run(const char *resource, GError **error)
{
        const char *argv[] = { program(), "events2", "--now", "--statistics", resource, NULL };
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;
        g_autoptr(GError) local = NULL;
        g_autoptr(DgState) state = NULL;
        LineBuffer lb = { 0 };
        int status;

        if (!pk_spawn_sync(argv, &out, &err, &status, &local) ||
            !pk_spawn_check(argv[0], status, err, &local)) {
                g_set_error(error, DG_ERROR, DG_ERROR_COMMAND, "%s", local->message);
                return NULL;
        }
        state = dg_state_new();
        lb.buf = g_string_new(NULL);
        line_buffer_feed(&lb, out, strlen(out), feed_snapshot_line, state);
        line_buffer_finish(&lb, feed_snapshot_line, state);
        g_string_free(lb.buf, TRUE);
        if (!dg_state_complete(state)) {
                g_set_error(error, DG_ERROR, DG_ERROR_PARSE,
                            "%s events2 --now ended without the 'exists -' line that closes "
                            "its dump; is drbd-utils' drbdsetup installed?", argv[0]);
                return NULL;
        }
        return g_steal_pointer(&state);
}

DgState *dg_state_snapshot(GError **error)
{
        return snapshot_run(NULL, error);
}

/* ---- the watch -------------------------------------------------------------------- */

struct DgEventsWatch {
        GMainContext *context;
        DgEventsCallback callback;
        gpointer user_data;

        DgState *state;         /* the model the callback sees; NULL before the first dump */
        DgState *pending;       /* the model being built from a fresh dump */
        GHashTable *reported;   /* names the callback has been told about */

        GPid pid;               /* 0 when no drbdsetup runs */
        int out_fd, err_fd;
        GSource *out_source, *err_source, *child_source, *restart_source;
        LineBuffer out_lines, err_lines;
        gboolean exited;        /* the child was reaped */
        int exit_status;
        gint64 started_ms;
        guint quick_exits;      /* consecutive runs shorter than restart_stable_ms */
        gboolean restart_now;   /* we stopped drbdsetup on purpose */
        guint starts;
        gboolean in_callback;
        gboolean stop_requested;
};

static gboolean watch_spawn(DgEventsWatch *watch, GError **error);

guint dg_events_watch_starts(const DgEventsWatch *watch)
{
        return watch->starts;
}

static void destroy_source(GSource **source)
{
        if (*source) {
                g_source_destroy(*source);
                g_source_unref(*source);
                *source = NULL;
        }
}

static void close_fd(int *fd)
{
        if (*fd >= 0) {
                close(*fd);
                *fd = -1;
        }
}

/* Tells the callback about @name unless the watch is being stopped from
 * inside a callback. */
static void notify(DgEventsWatch *watch, const char *name)
{
        if (watch->stop_requested)
                return;
        if (name) {
                if (dg_state_lookup(watch->state, name))
                        g_hash_table_add(watch->reported, g_strdup(name));
                else
                        g_hash_table_remove(watch->reported, name);
        }
        watch->in_callback = TRUE;
        watch->callback(watch->state, name, watch->user_data);
        watch->in_callback = FALSE;
}

/* A fresh dump is complete: it becomes the model. Every resource in it, and
 * every one reported before that is gone now, is announced; then NULL says
 * the dump is complete. */
static void adopt_pending(DgEventsWatch *watch)
{
        g_autoptr(GPtrArray) names = NULL;
        g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func(g_free);
        GHashTableIter iter;
        gpointer key;

        g_clear_pointer(&watch->state, dg_state_free);
        watch->state = g_steal_pointer(&watch->pending);
        names = dg_state_names(watch->state);

        g_hash_table_iter_init(&iter, watch->reported);
        while (g_hash_table_iter_next(&iter, &key, NULL))
                if (!dg_state_lookup(watch->state, key))
                        g_ptr_array_add(gone, g_strdup(key));
        for (guint i = 0; i < names->len; i++)
                notify(watch, names->pdata[i]);
        for (guint i = 0; i < gone->len; i++)
                notify(watch, gone->pdata[i]);
        notify(watch, NULL);
}

static void stop_child(DgEventsWatch *watch)
{
        if (watch->pid > 0 && !watch->exited)
                kill(watch->pid, SIGTERM);
}

static void watch_line(const char *line, gpointer user_data)
{
        DgEventsWatch *watch = user_data;
        g_autofree char *warning = NULL;
        DgState *target = watch->pending ? watch->pending : watch->state;
        const char *changed;

        if (watch->stop_requested)
                return;
        changed = dg_state_feed_line(target, line, &warning);
        if (warning)
                g_warning("drbdsetup events2: %s", warning);
        if (g_str_has_prefix(line, "- skipped")) {
                /* Lost events: only a fresh dump makes the model true again. */
                watch->restart_now = TRUE;
                stop_child(watch);
                return;
        }
        if (watch->pending) {
                if (dg_state_complete(watch->pending))
                        adopt_pending(watch);
                return;
        }
        if (changed)
                notify(watch, changed);
}

static void watch_err_line(const char *line, gpointer user_data)
{
        g_autofree char *quoted = g_strescape(line, NULL);

        if (*line)
                g_warning("drbdsetup events2: %s", quoted);
}

static gboolean restart_cb(gpointer user_data)
{
        DgEventsWatch *watch = user_data;
        g_autoptr(GError) error = NULL;

        g_clear_pointer(&watch->restart_source, g_source_unref);
        if (!watch_spawn(watch, &error)) {
                g_warning("%s; trying again", error->message);
                watch->quick_exits++;
                guint delay = restart_min_ms;
                for (guint i = 1; i < watch->quick_exits && delay < restart_max_ms; i++)
                        delay *= 2;
                watch->restart_source = g_timeout_source_new(MIN(delay, restart_max_ms));
                g_source_set_callback(watch->restart_source, restart_cb, watch, NULL);
                g_source_attach(watch->restart_source, watch->context);
        }
        return G_SOURCE_REMOVE;
}

/* Both the output ended and the child was reaped: start again, at once
 * after a long run or on purpose, else after a delay that doubles with
 * every quick exit, so a drbdsetup that fails at once (no DRBD module, a
 * broken installation) is retried at a bounded rate. */
static void maybe_restart(DgEventsWatch *watch)
{
        guint delay = 0;

        if (watch->out_fd >= 0 || !watch->exited || watch->stop_requested)
                return;
        close_fd(&watch->err_fd);
        destroy_source(&watch->err_source);
        if (watch->restart_now) {
                watch->quick_exits = 0;
        } else if (pk_now_ms() - watch->started_ms >= restart_stable_ms) {
                watch->quick_exits = 0;
                g_warning("drbdsetup events2 exited (status %d); restarting it", watch->exit_status);
        } else {
                delay = restart_min_ms;
                for (guint i = 0; i < watch->quick_exits && delay < restart_max_ms; i++)
                        delay *= 2;
                delay = MIN(delay, restart_max_ms);
                watch->quick_exits++;
                g_warning("drbdsetup events2 exited (status %d) after a short run; "
                          "restarting it in %u ms", watch->exit_status, delay);
        }
        watch->restart_now = FALSE;
        watch->pid = 0;
        watch->restart_source = g_timeout_source_new(delay);
        g_source_set_callback(watch->restart_source, restart_cb, watch, NULL);
        g_source_attach(watch->restart_source, watch->context);
}

static gboolean child_cb(GPid pid, gint status, gpointer user_data)
{
        DgEventsWatch *watch = user_data;

        g_spawn_close_pid(pid);
        g_clear_pointer(&watch->child_source, g_source_unref);
        watch->exited = TRUE;
        watch->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        maybe_restart(watch);
        return G_SOURCE_REMOVE;
}

/* Reads what is there from @fd; FALSE at the end of the stream or once
 * @stop is set. */
static gboolean read_some(int fd, LineBuffer *lb, LineFunc func, gpointer user_data,
                          const gboolean *stop)
{
        char buf[READ_CHUNK];

        for (;;) {
                ssize_t n;

                if (*stop)
                        return FALSE;
                n = read(fd, buf, sizeof(buf));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return TRUE;
                if (n <= 0) {
                        line_buffer_finish(lb, func, user_data);
                        return FALSE;
                }
                line_buffer_feed(lb, buf, (gsize)n, func, user_data);
                /* Let other sources run between chunks of a long dump. */
                if ((size_t)n < sizeof(buf))
                        return TRUE;
        }
}

static void watch_free(DgEventsWatch *watch);

static gboolean out_cb(int fd, GIOCondition cond, gpointer user_data)
{
        DgEventsWatch *watch = user_data;
        gboolean more = read_some(fd, &watch->out_lines, watch_line, watch,
                                  &watch->stop_requested);

        /* Stopped from a callback: this is the bottom of that call chain,
         * so the watch can go now. */
        if (watch->stop_requested) {
                watch_free(watch);
                return G_SOURCE_REMOVE;
        }
        if (more)
                return G_SOURCE_CONTINUE;
        g_clear_pointer(&watch->out_source, g_source_unref);
        close_fd(&watch->out_fd);
        maybe_restart(watch);
        return G_SOURCE_REMOVE;
}

static gboolean err_cb(int fd, GIOCondition cond, gpointer user_data)
{
        DgEventsWatch *watch = user_data;

        if (read_some(fd, &watch->err_lines, watch_err_line, watch, &watch->stop_requested))
                return G_SOURCE_CONTINUE;
        g_clear_pointer(&watch->err_source, g_source_unref);
        close_fd(&watch->err_fd);
        return G_SOURCE_REMOVE;
}

static GSource *fd_source(DgEventsWatch *watch, int fd, GUnixFDSourceFunc func)
{
        GSource *source = g_unix_fd_source_new(fd, G_IO_IN | G_IO_HUP | G_IO_ERR);

        g_source_set_callback(source, (GSourceFunc)(void (*)(void))func, watch, NULL);
        g_source_attach(source, watch->context);
        return source;
}

static gboolean watch_spawn(DgEventsWatch *watch, GError **error)
{
        const char *argv[] = { program(), "events2", "--statistics", NULL };
        g_autoptr(GError) local = NULL;
        GPid pid;
        int out_fd, err_fd;

        if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                      NULL, NULL, &pid, NULL, &out_fd, &err_fd, &local)) {
                g_set_error(error, DG_ERROR, DG_ERROR_COMMAND, "cannot run %s events2: %s",
                            argv[0], local->message);
                return FALSE;
        }
        g_unix_set_fd_nonblocking(out_fd, TRUE, NULL);
        g_unix_set_fd_nonblocking(err_fd, TRUE, NULL);
        watch->pid = pid;
        watch->out_fd = out_fd;
        watch->err_fd = err_fd;
        watch->exited = FALSE;
        watch->started_ms = pk_now_ms();
        watch->starts++;
        /* Each run starts with a full dump into a fresh model. */
        g_clear_pointer(&watch->pending, dg_state_free);
        watch->pending = dg_state_new();
        watch->out_source = fd_source(watch, out_fd, out_cb);
        watch->err_source = fd_source(watch, err_fd, err_cb);
        watch->child_source = g_child_watch_source_new(pid);
        g_source_set_callback(watch->child_source, (GSourceFunc)(void (*)(void))child_cb,
                              watch, NULL);
        g_source_attach(watch->child_source, watch->context);
        return TRUE;
}

DgEventsWatch *dg_events_watch_start(GMainContext *context, DgEventsCallback callback,
                                     gpointer user_data, GError **error)
{
        DgEventsWatch *watch;

        g_return_val_if_fail(callback != NULL, NULL);
        watch = g_new0(DgEventsWatch, 1);
        watch->context = context ? g_main_context_ref(context) : g_main_context_ref_thread_default();
        watch->callback = callback;
        watch->user_data = user_data;
        watch->reported = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        watch->out_fd = watch->err_fd = -1;
        watch->out_lines.buf = g_string_new(NULL);
        watch->err_lines.buf = g_string_new(NULL);
        if (!watch_spawn(watch, error)) {
                dg_events_watch_stop(watch);
                return NULL;
        }
        return watch;
}

void dg_events_watch_stop(DgEventsWatch *watch)
{
        if (!watch)
                return;
        /* From inside a callback the line loop still runs on this watch:
         * it is freed when that loop returns (out_cb). */
        watch->stop_requested = TRUE;
        destroy_source(&watch->out_source);
        destroy_source(&watch->err_source);
        destroy_source(&watch->child_source);
        destroy_source(&watch->restart_source);
        close_fd(&watch->out_fd);
        close_fd(&watch->err_fd);
        if (watch->pid > 0 && !watch->exited) {
                /* drbdsetup ends at once on SIGTERM; reap it here, since the
                 * child watch that would have is gone. */
                kill(watch->pid, SIGTERM);
                while (waitpid(watch->pid, NULL, 0) < 0 && errno == EINTR)
                        ;
                g_spawn_close_pid(watch->pid);
        }
        watch->pid = 0;
        if (!watch->in_callback)
                watch_free(watch);
}

static void watch_free(DgEventsWatch *watch)
{
        g_string_free(watch->out_lines.buf, TRUE);
        g_string_free(watch->err_lines.buf, TRUE);
        g_clear_pointer(&watch->state, dg_state_free);
        g_clear_pointer(&watch->pending, dg_state_free);
        g_hash_table_unref(watch->reported);
        g_main_context_unref(watch->context);
        g_free(watch);
}

/* ---- waiting for a sync ---------------------------------------------------- */

/* DRBD 8.4 sends no event while a resync progresses (only its start and
 * end), so while one runs the figures are refreshed this often from a
 * `--now` dump of the resource. */
#define SYNC_REFRESH_MS 1000

typedef struct {
        const char *resource;
        DgSyncProgressFunc progress;
        gpointer user_data;
        GMainLoop *loop;
        GError *error;
        gboolean done;
        gboolean reported;      /* progress was called at least once */
        double last_done;
        guint64 last_oos;
        gboolean resyncing;
        char *last_state;       /* for the timeout message */
} SyncWait;

static void sync_report(SyncWait *sw, double done, guint64 oos)
{
        if (sw->reported && done == sw->last_done && oos == sw->last_oos)
                return;
        sw->reported = TRUE;
        sw->last_done = done;
        sw->last_oos = oos;
        if (sw->progress)
                sw->progress(done, oos, sw->user_data);
}

static void sync_finish(SyncWait *sw, GError *error)
{
        if (sw->done) {
                if (error)
                        g_error_free(error);
                return;
        }
        sw->done = TRUE;
        sw->error = error;
        g_main_loop_quit(sw->loop);
}

static char *describe(const DgResourceState *res, const DgVolumeState *v)
{
        return g_strdup_printf("disk %s, peer disk %s, connection %s, replication %s, "
                               "%" G_GUINT64_FORMAT " KiB out of sync",
                               dg_disk_name(v->disk), dg_disk_name(v->peer_disk),
                               dg_conn_name(res->conn), dg_repl_name(v->repl),
                               v->out_of_sync_kib);
}

static void sync_check(const DgState *state, const char *name, gpointer user_data)
{
        SyncWait *sw = user_data;
        const DgResourceState *res;
        const DgVolumeState *v;

        /* NULL: a dump is complete; a resource absent from it is not up. */
        if (!name) {
                res = dg_state_lookup(state, sw->resource);
                if (!res)
                        sync_finish(sw, g_error_new(DG_ERROR, DG_ERROR_NOT_FOUND,
                                                    "DRBD resource %s is not up on this node "
                                                    "(drbdadm up %s)", sw->resource,
                                                    sw->resource));
                else if (!dg_volume_state_find(res, 0))
                        sync_finish(sw, g_error_new(DG_ERROR, DG_ERROR_NOT_FOUND,
                                                    "DRBD resource %s has no volume 0",
                                                    sw->resource));
                return;
        }
        if (strcmp(name, sw->resource) != 0)
                return;
        res = dg_state_lookup(state, name);
        if (!res) {
                sync_finish(sw, g_error_new(DG_ERROR, DG_ERROR_FAILED,
                                            "DRBD resource %s was taken down while waiting "
                                            "for its sync", name));
                return;
        }
        v = dg_volume_state_find(res, 0);
        if (!v)
                return;
        g_free(sw->last_state);
        sw->last_state = describe(res, v);
        sw->resyncing = dg_repl_is_resync(v->repl);
        if (v->disk == DG_DISK_UPTODATE && v->peer_disk == DG_DISK_UPTODATE) {
                sync_report(sw, 100.0, 0);
                sync_finish(sw, NULL);
                return;
        }
        sync_report(sw, v->done, v->out_of_sync_kib);
}

static gboolean sync_refresh_cb(gpointer user_data)
{
        SyncWait *sw = user_data;
        g_autoptr(DgState) now = NULL;
        g_autoptr(GError) error = NULL;
        const DgResourceState *res;
        const DgVolumeState *v;

        if (!sw->resyncing || sw->done)
                return G_SOURCE_CONTINUE;
        /* Only progress figures come from here; whether the sync is done is
         * decided from the stream alone, which is never older than this. */
        now = snapshot_run(sw->resource, &error);
        if (!now) {
                g_debug("refreshing the resync progress of %s: %s", sw->resource, error->message);
                return G_SOURCE_CONTINUE;
        }
        res = dg_state_lookup(now, sw->resource);
        v = res ? dg_volume_state_find(res, 0) : NULL;
        if (v && dg_repl_is_resync(v->repl))
                sync_report(sw, v->done, v->out_of_sync_kib);
        return G_SOURCE_CONTINUE;
}

static gboolean sync_timeout_cb(gpointer user_data)
{
        SyncWait *sw = user_data;

        sync_finish(sw, g_error_new(DG_ERROR, DG_ERROR_FAILED,
                                    "DRBD resource %s did not reach UpToDate on both nodes "
                                    "in time (%s)", sw->resource,
                                    sw->last_state ? sw->last_state : "no state seen yet"));
        return G_SOURCE_REMOVE;
}

gboolean dg_sync_wait(const char *resource, gint64 timeout_ms, DgSyncProgressFunc progress,
                      gpointer user_data, GError **error)
{
        g_autoptr(GMainContext) context = NULL;
        g_autoptr(GMainLoop) loop = NULL;
        GSource *refresh = NULL, *timeout = NULL;
        DgEventsWatch *watch;
        SyncWait sw = { 0 };

        if (!resource || !*resource) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "no DRBD resource name given");
                return FALSE;
        }
        /* A private context: the caller's loop, if any, does not run while
         * we wait, and our sources never run in it. */
        context = g_main_context_new();
        g_main_context_push_thread_default(context);
        loop = g_main_loop_new(context, FALSE);
        sw.resource = resource;
        sw.progress = progress;
        sw.user_data = user_data;
        sw.loop = loop;

        watch = dg_events_watch_start(context, sync_check, &sw, error);
        if (!watch) {
                g_main_context_pop_thread_default(context);
                return FALSE;
        }
        refresh = g_timeout_source_new(SYNC_REFRESH_MS);
        g_source_set_callback(refresh, sync_refresh_cb, &sw, NULL);
        g_source_attach(refresh, context);
        if (timeout_ms >= 0) {
                timeout = g_timeout_source_new((guint)MIN(timeout_ms, (gint64)G_MAXUINT));
                g_source_set_callback(timeout, sync_timeout_cb, &sw, NULL);
                g_source_attach(timeout, context);
        }
        if (!sw.done)
                g_main_loop_run(loop);

        dg_events_watch_stop(watch);
        g_source_destroy(refresh);
        g_source_unref(refresh);
        if (timeout) {
                g_source_destroy(timeout);
                g_source_unref(timeout);
        }
        g_main_context_pop_thread_default(context);
        g_free(sw.last_state);
        if (sw.error) {
                g_propagate_error(error, sw.error);
                return FALSE;
        }
        return TRUE;
}
