/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local guests: libhv finds them (runtime directories), each running
 * one's second QMP monitor (qmp-watch.sock) stays connected for its events.
 * hamgrd never issues commands that change a guest; it only listens and
 * asks query-status on its own monitor, so hvctl and the OCF agent keep the
 * command monitor to themselves.
 */
#include "daemon.h"
#include "pk.h"

#include <glib-unix.h>

/* New guests and vanished ones are noticed by this rescan; state changes of
 * watched guests arrive as events at once. */
#define RESCAN_S 5
#define QMP_TIMEOUT_MS 1000

typedef struct {
        HamGuestView view;
        HvQmp *watch;
        guint watch_source;
} Guest;

struct HamGuests {
        HamChangedFunc changed;
        gpointer user_data;
        HvConnect *conn;
        GHashTable *guests; /* name → Guest */
        guint rescan_source;
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

static gboolean guest_watch(HamGuests *gs, Guest *g)
{
        g_autofree char *path = hv_guest_watch_socket(gs->conn, g->view.name);
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestStatus) st = NULL;

        g->watch = hv_qmp_connect(path, QMP_TIMEOUT_MS, &error);
        if (!g->watch) {
                g_debug("guest %s: no watch yet: %s", g->view.name, error->message);
                return FALSE;
        }
        /* The pid comes from libhv, which checks it really is this guest's QEMU. */
        if (hv_guest_get_status(gs->conn, g->view.name, &st, NULL))
                g->view.pid = st->pid;
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

static void rescan(HamGuests *gs)
{
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) names = hv_guest_list(gs->conn, &error);
        gboolean changed = FALSE;

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
                        g_hash_table_iter_remove(&it);
                        changed = TRUE;
                }
        }
        for (char **n = names; *n; n++) {
                Guest *g = g_hash_table_lookup(gs->guests, *n);
                if (!g) {
                        g = g_new0(Guest, 1);
                        g->view.name = g_strdup(*n);
                        g->view.state = HV_STATE_UNKNOWN;
                        g_hash_table_insert(gs->guests, g_strdup(*n), g);
                        changed = TRUE;
                }
                if (g->watch)
                        continue;
                HvState before = g->view.state;
                g_autofree char *reason = g_strdup(g->view.reason);
                if (!guest_watch(gs, g))
                        guest_poll_status(gs, g);
                if (g->view.state != before || g_strcmp0(reason, g->view.reason) != 0)
                        changed = TRUE;
        }
        if (changed)
                gs->changed(gs->user_data);
}

static gboolean rescan_cb(gpointer data)
{
        rescan(data);
        return G_SOURCE_CONTINUE;
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
        the_guests = gs;
        rescan(gs);
        gs->rescan_source = g_timeout_add_seconds(RESCAN_S, rescan_cb, gs);
        return gs;
}

void ham_guests_free(HamGuests *gs)
{
        if (!gs)
                return;
        g_clear_handle_id(&gs->rescan_source, g_source_remove);
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
                g_ptr_array_add(arr, &((Guest *)v)->view);
        g_ptr_array_sort(arr, by_name);
        return arr;
}

const HamGuestView *ham_guests_lookup(HamGuests *gs, const char *name)
{
        Guest *g = g_hash_table_lookup(gs->guests, name);
        return g ? &g->view : NULL;
}
