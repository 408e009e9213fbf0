/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local guests: libhv finds them (runtime directories), each running
 * one's second QMP monitor (qmp-watch.sock) stays connected for its events.
 * hamgrd never issues commands that change a guest; it only listens and
 * asks query-status on its own monitor, so hvctl and the OCF agent keep the
 * command monitor to themselves.
 *
 * A guest started here is seen at once, not at the next rescan: the
 * failover record's "guest started" is this moment, and a rescan every 5 s
 * would make it up to 5 s late. inotify on the guests directory reports
 * the new runtime directory (made before QEMU runs); from then on the
 * guest is new, and its event monitor is tried every QUICK_RETRY_MS until
 * QEMU answers there, which is when its start is done.
 */
#include "daemon.h"
#include "pk.h"

#include <errno.h>
#include <glib-unix.h>
#include <sys/inotify.h>
#include <unistd.h>

/* New guests and vanished ones are also noticed by this rescan (the
 * inotify watch may be missing: the directory could not be made, or was
 * removed); state changes of watched guests arrive as events at once.
 * HAMGRD_GUEST_RESCAN_S overrides it, for the test that proves inotify
 * alone finds a new guest. */
#define RESCAN_S 5
#define QMP_TIMEOUT_MS 1000
/* A new guest: how long its event monitor is tried quickly, how often, and
 * how long each try may hold the main loop (QEMU listens on its sockets
 * before it answers on them). Only the event monitor is tried in this
 * time, never the command monitor, which the starting agent needs. */
#define NEW_GUEST_S 60
#define QUICK_RETRY_MS 200
#define QUICK_QMP_TIMEOUT_MS 200

typedef struct {
        HamGuestView view;
        HvQmp *watch;
        guint watch_source;
        gint64 new_until_us; /* monotonic; 0 for a guest present at hamgrd's start */
        gboolean reported;   /* in ham_guests_list() at the last rescan */
} Guest;

struct HamGuests {
        HamChangedFunc changed;
        gpointer user_data;
        HvConnect *conn;
        GHashTable *guests; /* name → Guest */
        guint rescan_source;
        guint quick_source;
        int inotify_fd;
        int inotify_wd;     /* -1: the guests directory is not watched */
        guint inotify_source;
        gboolean scanned;   /* the first scan is done */
};

static void guest_unwatch(Guest *g)
{
        g_clear_handle_id(&g->watch_source, g_source_remove);
        g_clear_pointer(&g->watch, hv_qmp_free);
}

static void guest_free(gpointer p)
{
        Guest *g = p;
        guest_unwatch(g);
        ham_guest_view_clear(&g->view);
        g_free(g);
}

static void set_view(Guest *g, HvState state, const char *reason, pid_t pid)
{
        g->view.state = state;
        g_free(g->view.reason);
        g->view.reason = g_strdup(reason);
        g->view.pid = pid;
}

/* The status libhv reports, for a guest we cannot watch (starting, gone). */
static void guest_poll_status(HamGuests *gs, Guest *g)
{
        g_autoptr(HvGuestStatus) st = NULL;
        g_autoptr(GError) error = NULL;
        if (!hv_guest_get_status(gs->conn, g->view.name, &st, &error)) {
                set_view(g, HV_STATE_UNKNOWN, error->message, 0);
                return;
        }
        set_view(g, st->state, st->reason, st->pid);
}

static gboolean query_status(Guest *g)
{
        g_autoptr(json_object) ret = NULL;
        g_autoptr(GError) error = NULL;
        json_object *st;

        if (!hv_qmp_execute(g->watch, "query-status", NULL, QMP_TIMEOUT_MS, &ret, &error)) {
                g_debug("guest %s: query-status: %s", g->view.name, error->message);
                return FALSE;
        }
        if (!json_object_is_type(ret, json_type_object) ||
            !json_object_object_get_ex(ret, "status", &st) ||
            !json_object_is_type(st, json_type_string))
                return FALSE;
        const char *rs = json_object_get_string(st);
        set_view(g, ham_guest_state_from_runstate(rs), rs, g->view.pid);
        return TRUE;
}

static gboolean watch_ready(gint fd, GIOCondition cond, gpointer data);

static gboolean drain_events(HamGuests *gs, Guest *g)
{
        gboolean changed = FALSE;
        for (;;) {
                g_autoptr(HvQmpMessage) ev = NULL;
                g_autoptr(GError) error = NULL;
                if (!hv_qmp_next_event(g->watch, 0, &ev, &error)) {
                        if (g_error_matches(error, HV_ERROR, HV_ERROR_TIMEOUT))
                                break;
                        /* QEMU closed its monitor: the guest is gone or going. */
                        g_debug("guest %s: watch closed: %s", g->view.name, error->message);
                        guest_unwatch(g);
                        guest_poll_status(gs, g);
                        return TRUE;
                }
                g_message("guest %s: %s", g->view.name, ev->event);
                changed |= ham_guest_view_apply_event(&g->view, ev);
        }
        return changed;
}

static gboolean guest_watch(HamGuests *gs, Guest *g, int timeout_ms)
{
        g_autofree char *path = hv_guest_watch_socket(gs->conn, g->view.name);
        g_autoptr(GError) error = NULL;

        g->watch = hv_qmp_connect(path, timeout_ms, &error);
        if (!g->watch) {
                g_debug("guest %s: no watch yet: %s", g->view.name, error->message);
                return FALSE;
        }
        /* The pid comes from libhv, which checks it really is this guest's
         * QEMU, from the pidfile: the command monitor may be the starting
         * agent's just now. */
        g->view.pid = hv_guest_get_pid(gs->conn, g->view.name);
        if (!query_status(g)) {
                guest_unwatch(g);
                return FALSE;
        }
        g->watch_source = g_unix_fd_add(hv_qmp_get_fd(g->watch), G_IO_IN | G_IO_HUP | G_IO_ERR,
                                        watch_ready, g);
        drain_events(gs, g);
        g_message("guest %s: watching its events (%s)", g->view.name, g->view.reason);
        return TRUE;
}

/* Back-pointer for the fd callback without a second allocation. */
static HamGuests *the_guests;

static gboolean watch_ready(gint fd, GIOCondition cond, gpointer data)
{
        Guest *g = data;
        HamGuests *gs = the_guests;
        if (drain_events(gs, g))
                gs->changed(gs->user_data);
        if (!g->watch) {
                g->watch_source = 0;
                return G_SOURCE_REMOVE;
        }
        return G_SOURCE_CONTINUE;
}

static gboolean is_new(const Guest *g, gint64 now)
{
        return now < g->new_until_us;
}

/* A new guest is not reported until its QEMU answers (or its first minute
 * is over): while it starts, "unknown" would only flip its health
 * attribute twice, an attrd_updater run and a CIB write that aborts
 * Pacemaker's transition, on a node busy with a failover. Once reported,
 * a guest stays so until its directory is gone. */
static gboolean is_reported(const Guest *g, gint64 now)
{
        return g->watch || !is_new(g, now);
}

static gboolean quick_cb(gpointer data);
static void inotify_watch(HamGuests *gs);

/* Looks at the guests directory; every guest not yet watched is tried.
 * A new guest (see the top) is only tried on its event monitor; the others
 * fall back to libhv's status, which asks the command monitor. */
static void rescan(HamGuests *gs)
{
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) names = NULL;
        gint64 now = g_get_monotonic_time();
        gboolean changed = FALSE, quick = FALSE;

        if (gs->inotify_wd < 0)
                inotify_watch(gs);
        names = hv_guest_list(gs->conn, &error);
        if (!names) {
                g_warning("listing guests: %s", error->message);
                return;
        }
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, gs->guests);
        while (g_hash_table_iter_next(&it, &k, &v)) {
                if (!g_strv_contains((const char *const *)names, k)) {
                        g_message("guest %s: gone from this node", (char *)k);
                        changed |= ((Guest *)v)->reported;
                        g_hash_table_iter_remove(&it);
                }
        }
        for (char **n = names; *n; n++) {
                Guest *g = g_hash_table_lookup(gs->guests, *n);
                if (!g) {
                        g = g_new0(Guest, 1);
                        g->view.name = g_strdup(*n);
                        g->view.state = HV_STATE_UNKNOWN;
                        g->view.reason = g_strdup("starting: QEMU does not answer yet");
                        if (gs->scanned) {
                                g->new_until_us = now + NEW_GUEST_S * G_USEC_PER_SEC;
                                g_message("guest %s: new on this node; waiting for its QEMU to answer", *n);
                        }
                        g_hash_table_insert(gs->guests, g_strdup(*n), g);
                }
                if (g->watch) {
                        changed |= !g->reported;
                        g->reported = TRUE;
                        continue;
                }
                HvState before = g->view.state;
                g_autofree char *reason = g_strdup(g->view.reason);
                if (is_new(g, now)) {
                        /* Started once QEMU answers: from then on, an
                         * ordinary guest (a crash is reported at once). */
                        if (guest_watch(gs, g, QUICK_QMP_TIMEOUT_MS))
                                g->new_until_us = 0;
                        else
                                quick = TRUE;
                } else if (!guest_watch(gs, g, QMP_TIMEOUT_MS)) {
                        guest_poll_status(gs, g);
                }
                gboolean reported = g->reported || is_reported(g, now);
                if (reported && (!g->reported || g->view.state != before ||
                                 g_strcmp0(reason, g->view.reason) != 0))
                        changed = TRUE;
                g->reported = reported;
        }
        gs->scanned = TRUE;
        if (quick && !gs->quick_source)
                gs->quick_source = g_timeout_add(QUICK_RETRY_MS, quick_cb, gs);
        if (changed)
                gs->changed(gs->user_data);
}

static gboolean quick_cb(gpointer data)
{
        HamGuests *gs = data;
        gs->quick_source = 0;
        rescan(gs);
        return G_SOURCE_REMOVE;
}

static gboolean rescan_cb(gpointer data)
{
        rescan(data);
        return G_SOURCE_CONTINUE;
}

/* ---- inotify on the guests directory ------------------------------------------ */

static gboolean inotify_ready(gint fd, GIOCondition cond, gpointer data)
{
        HamGuests *gs = data;
        /* Aligned as struct inotify_event requires. */
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        gboolean lost = FALSE;
        ssize_t n;

        /* What changed is found by the rescan; the events only say when. */
        while ((n = read(fd, buf, sizeof(buf))) > 0) {
                for (char *p = buf; p < buf + n;) {
                        const struct inotify_event *ev = (const struct inotify_event *)p;
                        if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF))
                                lost = TRUE;
                        p += sizeof(*ev) + ev->len;
                }
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
                g_warning("guests directory: reading its inotify events failed: %s; new guests are "
                          "found by the rescan every %d s", g_strerror(errno), RESCAN_S);
                lost = TRUE;
        }
        if (lost && gs->inotify_wd >= 0) {
                inotify_rm_watch(fd, gs->inotify_wd); /* may be gone already */
                gs->inotify_wd = -1;
        }
        rescan(gs);
        return G_SOURCE_CONTINUE;
}

/* Watches the guests directory, making it first if need be (libhv makes it
 * with the same mode on the first start). Without a watch, the rescan
 * still finds new guests, later; it tries again each time. */
static void inotify_watch(HamGuests *gs)
{
        const char *dir = hv_connect_get_guests_dir(gs->conn);
        int r;

        if (gs->inotify_fd < 0) {
                gs->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
                if (gs->inotify_fd < 0) {
                        g_warning("guests directory: inotify: %s; new guests are found by the rescan every %d s",
                                  g_strerror(errno), RESCAN_S);
                        return;
                }
                gs->inotify_source = g_unix_fd_add(gs->inotify_fd, G_IO_IN, inotify_ready, gs);
        }
        r = pk_mkdir_p(dir, 0700);
        if (r < 0) {
                g_debug("guests directory %s: %s", dir, g_strerror(-r));
                return;
        }
        gs->inotify_wd = inotify_add_watch(gs->inotify_fd, dir,
                                           IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM |
                                           IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
        if (gs->inotify_wd < 0)
                g_debug("guests directory %s: inotify_add_watch: %s", dir, g_strerror(errno));
        else
                g_message("watching %s for new guests", dir);
}

static guint rescan_interval_s(void)
{
        const char *v = g_getenv("HAMGRD_GUEST_RESCAN_S");
        guint64 s;
        if (v && g_ascii_string_to_unsigned(v, 10, 1, 86400, &s, NULL))
                return (guint)s;
        if (v)
                g_warning("HAMGRD_GUEST_RESCAN_S=%s is not a number of seconds from 1 to 86400; using %d",
                          v, RESCAN_S);
        return RESCAN_S;
}

HamGuests *ham_guests_new(HamChangedFunc changed, gpointer user_data, GError **error)
{
        HvConnect *conn = hv_connect_open(NULL, NULL, error);
        if (!conn)
                return NULL;
        HamGuests *gs = g_new0(HamGuests, 1);
        gs->changed = changed;
        gs->user_data = user_data;
        gs->conn = conn;
        gs->guests = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, guest_free);
        gs->inotify_fd = -1;
        gs->inotify_wd = -1;
        the_guests = gs;
        rescan(gs);
        gs->rescan_source = g_timeout_add_seconds(rescan_interval_s(), rescan_cb, gs);
        return gs;
}

void ham_guests_free(HamGuests *gs)
{
        if (!gs)
                return;
        g_clear_handle_id(&gs->rescan_source, g_source_remove);
        g_clear_handle_id(&gs->quick_source, g_source_remove);
        g_clear_handle_id(&gs->inotify_source, g_source_remove);
        if (gs->inotify_fd >= 0)
                close(gs->inotify_fd);
        g_hash_table_unref(gs->guests);
        hv_connect_free(gs->conn);
        the_guests = NULL;
        g_free(gs);
}

static gint by_name(gconstpointer a, gconstpointer b)
{
        const HamGuestView *x = *(HamGuestView *const *)a, *y = *(HamGuestView *const *)b;
        return g_strcmp0(x->name, y->name);
}

GPtrArray *ham_guests_list(HamGuests *gs)
{
        GPtrArray *arr = g_ptr_array_new();
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, gs->guests);
        while (g_hash_table_iter_next(&it, NULL, &v))
                if (((Guest *)v)->reported)
                        g_ptr_array_add(arr, &((Guest *)v)->view);
        g_ptr_array_sort(arr, by_name);
        return arr;
}

const HamGuestView *ham_guests_lookup(HamGuests *gs, const char *name)
{
        Guest *g = g_hash_table_lookup(gs->guests, name);
        return g && g->reported ? &g->view : NULL;
}
