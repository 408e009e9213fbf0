/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hamgrd: the main loop, the lock, signals, the state cache and the API
 * handler. The sources (corosync, CIB, DRBD, guests) report changes here;
 * health values are derived from the cache and published when they change.
 */
#include "daemon.h"
#include "ham.h"
#include "ham-pcmk-notify.h"
#include "ham-status.h"
#include "pk.h"
#include "pk-config.h"
#include "ham-api-server.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

typedef struct {
        HamDaemonOptions opt;
        GMainLoop *loop;
        HamApiServer *api;
        HamCorosync *cs;
        HamPcmkNotify *pcmk;
        HamAttrd *attrd;
        HamGuests *guests;
        HamPeer *peer;
        HamVolumes *volumes;
        HamHistory *history;
        HamFrozen *frozen;
        char *guests_error;
        DgEventsWatch *drbd;
        const DgState *drbd_state; /* owned by the watch, valid while it runs */
        char *drbd_error;
        GHashTable *drbd_attrs;    /* resource names with an attribute */
        GHashTable *guest_attrs;   /* guest names with an attribute */
        GHashTable *connected;     /* resource names Connected when last seen */
        gboolean conf_loaded;
        char *conf_error;
        gint64 started_at;         /* wall clock, seconds */
        guint64 changes;
        guint publish_source;
} Daemon;

/* ---- the config (reread on SIGHUP) ------------------------------------------ */

/* The settings hamgrd itself needs are read when it realizes volumes; for
 * now the file is checked, so a broken edit is reported at SIGHUP time. */
static void load_conf(Daemon *d)
{
        g_autoptr(GKeyFile) kf = g_key_file_new();
        g_autoptr(GError) error = NULL;

        g_clear_pointer(&d->conf_error, g_free);
        d->conf_loaded = g_key_file_load_from_file(kf, d->opt.conf_path, G_KEY_FILE_NONE, &error);
        if (!d->conf_loaded) {
                d->conf_error = g_strdup_printf("%s: %s", d->opt.conf_path, error->message);
                if (g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
                        g_message("no configuration at %s yet", d->opt.conf_path);
                else
                        g_warning("%s", d->conf_error);
        } else {
                g_message("configuration %s read", d->opt.conf_path);
        }
}

/* ---- health publishing ---------------------------------------------------------- */

static void publish(Daemon *d)
{
        g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

        ham_attrd_set_online(d->attrd, d->pcmk && ham_pcmk_notify_connected(d->pcmk));
        if (d->guests) {
                g_autoptr(GPtrArray) list = ham_guests_list(d->guests);
                for (guint i = 0; i < list->len; i++) {
                        const HamGuestView *g = list->pdata[i];
                        g_autofree char *attr = ham_health_attr_guest(g->name);
                        ham_attrd_set(d->attrd, attr, ham_health_guest(g));
                        g_hash_table_add(seen, g_strdup(g->name));
                        g_hash_table_add(d->guest_attrs, g_strdup(g->name));
                }
        }
        /* Guests that left this node take their attribute with them. */
        GHashTableIter it;
        gpointer k;
        g_hash_table_iter_init(&it, d->guest_attrs);
        while (g_hash_table_iter_next(&it, &k, NULL)) {
                if (!g_hash_table_contains(seen, k)) {
                        g_autofree char *attr = ham_health_attr_guest(k);
                        ham_attrd_set(d->attrd, attr, NULL);
                        g_hash_table_iter_remove(&it);
                }
        }
        g_hash_table_remove_all(seen);
        if (d->drbd_state) {
                g_autoptr(GPtrArray) names = dg_state_names(d->drbd_state);
                for (guint i = 0; i < names->len; i++) {
                        const DgResourceState *r = dg_state_lookup(d->drbd_state, names->pdata[i]);
                        if (!r)
                                continue;
                        g_autofree char *attr = ham_health_attr_drbd(r->name);
                        ham_attrd_set(d->attrd, attr, ham_health_drbd(r));
                        g_hash_table_add(seen, g_strdup(r->name));
                        g_hash_table_add(d->drbd_attrs, g_strdup(r->name));
                }
        }
        g_hash_table_iter_init(&it, d->drbd_attrs);
        while (g_hash_table_iter_next(&it, &k, NULL)) {
                if (!g_hash_table_contains(seen, k)) {
                        g_autofree char *attr = ham_health_attr_drbd(k);
                        ham_attrd_set(d->attrd, attr, NULL);
                        g_hash_table_iter_remove(&it);
                }
        }
}

/* Attributes of this node left from before a restart (a guest that went
 * away meanwhile) are deleted; only once the source that would want them
 * has given its full picture. */
static void forget_stale(Daemon *d)
{
        const char *local = ham_corosync_local_name(d->cs);
        g_autoptr(json_object) pcmk = NULL;
        json_object *view, *nodes;

        if (!local || !ham_pcmk_notify_connected(d->pcmk))
                return;
        pcmk = ham_pcmk_notify_to_json(d->pcmk);
        view = json_object_object_get(pcmk, "view");
        nodes = view ? json_object_object_get(view, "nodes") : NULL;
        for (size_t i = 0; nodes && i < json_object_array_length(nodes); i++) {
                json_object *n = json_object_array_get_idx(nodes, i);
                if (g_strcmp0(json_object_get_string(json_object_object_get(n, "name")), local))
                        continue;
                json_object_object_foreach(json_object_object_get(n, "attributes"), name, val) {
                        gboolean guest = g_str_has_prefix(name, HAM_ATTR_GUEST_PREFIX);
                        gboolean drbd = g_str_has_prefix(name, HAM_ATTR_DRBD_PREFIX);
                        if ((guest && d->guests) ||
                            (drbd && d->drbd_state && dg_state_complete(d->drbd_state)))
                                ham_attrd_forget(d->attrd, name, json_object_get_string(val));
                }
        }
}

static gboolean publish_cb(gpointer data)
{
        Daemon *d = data;
        d->publish_source = 0;
        publish(d);
        forget_stale(d);
        if (d->peer)
                ham_peer_changed(d->peer, d->drbd_state);
        if (d->volumes)
                ham_volumes_changed(d->volumes);
        if (d->history)
                ham_history_changed(d->history, d->drbd_state, d->guests);
        return G_SOURCE_REMOVE;
}

/* Sources call this from deep inside their callbacks (and during setup):
 * the work is done from an idle, once per burst. */
static void changed(gpointer data)
{
        Daemon *d = data;
        d->changes++;
        if (!d->publish_source)
                d->publish_source = g_idle_add(publish_cb, d);
}

/* The fence-peer handler counts a fencing of the peer as proof only if it
 * completed after the connection it lost was established: record when each
 * connection comes up. A fresh dump (a new model) says a resource is
 * Connected but not since when; "now" is later than the truth, which only
 * makes the handler stricter. A lost connection keeps its record: that is
 * the one the handler reads. */
static void record_connection(Daemon *d, const DgState *state, const char *resource)
{
        const DgResourceState *r;
        gboolean now, was;

        if (state != d->drbd_state)
                g_hash_table_remove_all(d->connected);
        if (!resource)
                return;
        r = dg_state_lookup(state, resource);
        now = r && r->conn == DG_CONN_CONNECTED;
        was = g_hash_table_contains(d->connected, resource);
        if (now && !was) {
                g_autoptr(GError) error = NULL;
                if (!ham_connected_write(NULL, resource, g_get_real_time() / 1000, &error))
                        g_warning("%s: the connection's start is not recorded, so the fence-peer "
                                  "handler cannot count a fencing of the peer as proof: %s",
                                  resource, error->message);
                g_hash_table_add(d->connected, g_strdup(resource));
                /* DRBD connects two copies only when their generations
                 * allow a resync, so after a split brain a connection means
                 * the operator chose the copy to keep (connect
                 * --discard-my-data on the other) and the split brain is
                 * over: its record must not keep status in error. Cleared
                 * before the facts are gathered, so the peer never sees it
                 * beside the Connected state. Only plastik's resources
                 * have records. */
                g_clear_error(&error);
                if (dg_resource_name_parse(resource, NULL, NULL) &&
                    !dg_split_brain_clear(NULL, resource, &error))
                        g_warning("%s: connected again, but its split-brain record stays and "
                                  "hactl status still reports the split brain: %s",
                                  resource, error->message);
        } else if (!now && was) {
                g_hash_table_remove(d->connected, resource);
        }
}

/* The fencer fenced @target: a resource still Connected may be connected
 * to it, as DRBD learns of a dead peer only at its ping timeout. */
static void fenced(const char *target, gint64 completed_ms, gpointer data)
{
        Daemon *d = data;

        ham_let_go_fenced(d->drbd_state, ham_corosync_local_name(d->cs), target, completed_ms);
}

static void drbd_changed(const DgState *state, const char *resource, gpointer data)
{
        Daemon *d = data;
        record_connection(d, state, resource);
        d->drbd_state = state;
        changed(d);
}

/* ---- the API ------------------------------------------------------------------- */

static json_object *daemon_json(Daemon *d)
{
        json_object *o = json_object_new_object();
        json_object_object_add(o, "version", json_object_new_string(PK_VERSION));
        json_object_object_add(o, "pid", json_object_new_int64(getpid()));
        json_object_object_add(o, "started_at", json_object_new_int64(d->started_at));
        json_object_object_add(o, "uptime_s", json_object_new_int64(time(NULL) - d->started_at));
        json_object_object_add(o, "changes", json_object_new_int64((gint64)d->changes));
        json_object_object_add(o, "api_clients",
                               json_object_new_int64(ham_api_server_n_clients(d->api)));
        json_object_object_add(o, "conf", json_object_new_string(d->opt.conf_path));
        json_object_object_add(o, "conf_loaded", json_object_new_boolean(d->conf_loaded));
        if (d->conf_error)
                json_object_object_add(o, "conf_error", json_object_new_string(d->conf_error));
        return o;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
        return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

/* One list of nodes from both views: corosync says who is a member, the CIB
 * what pacemaker thinks of it. */
static json_object *nodes_json(Daemon *d)
{
        g_autoptr(json_object) cs = ham_corosync_to_json(d->cs);
        g_autoptr(json_object) pcmk = ham_pcmk_notify_to_json(d->pcmk);
        json_object *nodes = json_object_new_array();
        json_object *view = json_object_object_get(pcmk, "view");
        json_object *pnodes = view ? json_object_object_get(view, "nodes") : NULL;
        json_object *members = json_object_object_get(cs, "members");
        json_object *group = json_object_object_get(cs, "hamgrd_group");
        const char *dc = view ? json_object_get_string(json_object_object_get(view, "dc")) : NULL;
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

        for (size_t i = 0; pnodes && i < json_object_array_length(pnodes); i++)
                g_ptr_array_add(names, g_strdup(json_object_get_string(
                        json_object_object_get(json_object_array_get_idx(pnodes, i), "name"))));
        for (size_t i = 0; members && i < json_object_array_length(members); i++) {
                const char *n = json_object_get_string(json_object_object_get(
                        json_object_array_get_idx(members, i), "name"));
                if (n && !g_ptr_array_find_with_equal_func(names, n, g_str_equal, NULL))
                        g_ptr_array_add(names, g_strdup(n));
        }
        g_ptr_array_sort(names, compare_names);
        for (guint i = 0; i < names->len; i++) {
                const char *name = names->pdata[i];
                json_object *n = json_object_new_object();
                json_object *p = NULL;
                gboolean member = FALSE, hamgrd = FALSE;
                for (size_t j = 0; pnodes && j < json_object_array_length(pnodes); j++) {
                        json_object *x = json_object_array_get_idx(pnodes, j);
                        if (g_strcmp0(json_object_get_string(json_object_object_get(x, "name")), name) == 0)
                                p = x;
                }
                for (size_t j = 0; members && j < json_object_array_length(members); j++)
                        if (g_strcmp0(json_object_get_string(json_object_object_get(
                                json_object_array_get_idx(members, j), "name")), name) == 0)
                                member = TRUE;
                for (size_t j = 0; group && j < json_object_array_length(group); j++)
                        if (g_strcmp0(json_object_get_string(json_object_object_get(
                                json_object_array_get_idx(group, j), "name")), name) == 0)
                                hamgrd = TRUE;
                json_object_object_add(n, "name", json_object_new_string(name));
                json_object_object_add(n, "local", json_object_new_boolean(
                        g_strcmp0(name, ham_corosync_local_name(d->cs)) == 0));
                json_object_object_add(n, "corosync_member", json_object_new_boolean(member));
                json_object_object_add(n, "hamgrd", json_object_new_boolean(hamgrd));
                json_object_object_add(n, "pacemaker_online", json_object_new_boolean(
                        p && json_object_get_boolean(json_object_object_get(p, "online"))));
                json_object_object_add(n, "dc", json_object_new_boolean(g_strcmp0(dc, name) == 0));
                json_object_object_add(n, "attributes", p ?
                        json_object_get(json_object_object_get(p, "attributes")) :
                        json_object_new_object());
                json_object_array_add(nodes, n);
        }
        return nodes;
}

static json_object *guests_json(Daemon *d)
{
        json_object *arr = json_object_new_array();
        if (!d->guests)
                return arr;
        g_autoptr(GPtrArray) list = ham_guests_list(d->guests);
        for (guint i = 0; i < list->len; i++)
                json_object_array_add(arr, ham_guest_view_to_json(list->pdata[i]));
        return arr;
}

static json_object *optional_int(gint64 value)
{
        return value < 0 ? NULL : json_object_new_int64(value);
}

/* The `volume` reply: the state with the facts' keys (the one codec of a
 * DRBD state in hamgrd's API), plus what only this node's view has. */
static json_object *volume_json(const DgResourceState *r)
{
        g_autoptr(HamFactsDrbd) fact = ham_facts_drbd_from_state(r);
        const DgVolumeState *v = r->volumes->len ? &g_array_index(r->volumes, DgVolumeState, 0) : NULL;
        json_object *o = json_object_new_object();

        json_object_object_add(o, "name", json_object_new_string(r->name));
        ham_facts_drbd_states_to_json(fact, o);
        json_object_object_add(o, "peer", r->peer ? json_object_new_string(r->peer) : NULL);
        json_object_object_add(o, "suspended", r->suspended ? json_object_new_string(r->suspended) : NULL);
        json_object_object_add(o, "minor", optional_int(v ? v->minor : -1));
        json_object_object_add(o, "out_of_sync_kib", v ? json_object_new_uint64(v->out_of_sync_kib) : NULL);
        json_object_object_add(o, "size_kib", optional_int(v ? v->size_kib : -1));
        json_object_object_add(o, "health", json_object_new_string(ham_health_drbd(r)));
        return o;
}

static json_object *volumes_json(Daemon *d)
{
        json_object *arr = json_object_new_array();
        if (!d->drbd_state)
                return arr;
        g_autoptr(GPtrArray) names = dg_state_names(d->drbd_state);
        for (guint i = 0; i < names->len; i++) {
                const DgResourceState *r = dg_state_lookup(d->drbd_state, names->pdata[i]);
                if (r)
                        json_object_array_add(arr, volume_json(r));
        }
        return arr;
}

static json_object *drbd_json(Daemon *d)
{
        json_object *o = json_object_new_object();
        json_object_object_add(o, "watching", json_object_new_boolean(d->drbd != NULL));
        json_object_object_add(o, "complete", json_object_new_boolean(
                d->drbd_state && dg_state_complete(d->drbd_state)));
        if (d->drbd_error)
                json_object_object_add(o, "error", json_object_new_string(d->drbd_error));
        return o;
}

static json_object *wrap(const char *key, json_object *value)
{
        json_object *o = json_object_new_object();
        json_object_object_add(o, key, value);
        return o;
}

/* hactl status's input (ham_status_build()): everything in one answer. */
static json_object *cluster_status_json(Daemon *d)
{
        json_object *o = json_object_new_object();
        g_autoptr(json_object) nodes = nodes_json(d);
        g_autoptr(json_object) cs = ham_corosync_to_json(d->cs);
        g_autoptr(json_object) pcmk = ham_pcmk_notify_to_json(d->pcmk);
        json_object *view = json_object_object_get(pcmk, "view");
        json_object *q = json_object_object_get(cs, "quorum");
        json_object *out = json_object_new_array();
        json_object *cib = ham_pcmk_notify_resources(d->pcmk);
        json_object *peer = ham_peer_facts_json(d->peer);
        gboolean pcmk_up = ham_pcmk_notify_connected(d->pcmk);

        for (size_t i = 0; i < json_object_array_length(nodes); i++) {
                json_object *n = json_object_array_get_idx(nodes, i);
                const char *name = json_object_get_string(json_object_object_get(n, "name"));
                gboolean member = json_object_get_boolean(json_object_object_get(n, "corosync_member"));
                gboolean online = pcmk_up ? json_object_get_boolean(
                        json_object_object_get(n, "pacemaker_online")) : member;
                gint64 lost, back;
                json_object *x = json_object_new_object();
                ham_peer_membership(d->peer, name, &lost, &back);
                json_object_object_add(x, "name", json_object_new_string(name));
                json_object_object_add(x, "member", json_object_new_boolean(member));
                json_object_object_add(x, "hamgrd", json_object_get(json_object_object_get(n, "hamgrd")));
                json_object_object_add(x, "online", json_object_new_boolean(online));
                json_object_object_add(x, "lost_at", lost ? json_object_new_int64(lost) : NULL);
                json_object_object_add(x, "back_at", back ? json_object_new_int64(back) : NULL);
                json_object_object_add(x, "attributes", json_object_get(json_object_object_get(n, "attributes")));
                json_object_array_add(out, x);
        }
        json_object_object_add(o, "now", json_object_new_int64(g_get_real_time() / G_USEC_PER_SEC));
        json_object_object_add(o, "local", ham_corosync_local_name(d->cs) ?
                json_object_new_string(ham_corosync_local_name(d->cs)) : NULL);
        json_object_object_add(o, "quorate", json_object_new_boolean(
                q && json_object_get_boolean(json_object_object_get(q, "quorate"))));
        json_object_object_add(o, "dc", view ? json_object_get(json_object_object_get(view, "dc")) : NULL);
        json_object_object_add(o, "nodes", out);
        json_object_object_add(o, "cib", cib);
        json_object_object_add(o, "cib_connected", json_object_new_boolean(pcmk_up));
        json_object_object_add(o, "facts", json_object_get(json_object_object_get(peer, "facts")));
        json_object_object_add(o, "facts_at", json_object_get(json_object_object_get(peer, "facts_at")));
        json_object_object_add(o, "peer_exchange", ham_peer_to_json(d->peer));
        json_object_put(peer);
        return o;
}

/* hactl verify's input (ham_verify()): this node's facts gathered now, the
 * peer's from its last state message (at most a minute old for the slow
 * facts: no round trip, and an answer even when the peer is gone). */
static json_object *verify_facts_json(Daemon *d)
{
        json_object *o = json_object_new_object();
        const char *local = ham_corosync_local_name(d->cs);
        const char *peer_name = NULL;
        json_object *peer;
        g_autoptr(HamConf) conf = ham_conf_load(d->opt.conf_path, NULL);

        ham_peer_refresh(d->peer, d->drbd_state);
        peer = ham_peer_facts_json(d->peer);
        if (conf)
                peer_name = g_strcmp0(conf->local.name, local) == 0 || !local ?
                            conf->peer.name : conf->local.name;
        json_object_object_add(o, "local", local ? json_object_new_string(local) : NULL);
        json_object_object_add(o, "peer", peer_name ? json_object_new_string(peer_name) : NULL);
        /* Both nodes' plastik.conf carry the same value (the join token
         * brings it), so this node's file speaks for the cluster. */
        json_object_object_add(o, "corosync_token", conf && conf->corosync_token ?
                               json_object_new_int((int)conf->corosync_token) : NULL);
        json_object_object_add(o, "facts", json_object_get(json_object_object_get(peer, "facts")));
        json_object_object_add(o, "facts_at", json_object_get(json_object_object_get(peer, "facts_at")));
        json_object_object_add(o, "cib", ham_pcmk_notify_resources(d->pcmk));
        json_object_put(peer);
        return o;
}

static json_object *handle(const HamApiRequest *req, gpointer data, GError **error)
{
        Daemon *d = data;
        const char *name;

        switch (req->cmd) {
        case HAM_CMD_PING: {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "pong", json_object_new_boolean(TRUE));
                json_object_object_add(o, "version", json_object_new_string(PK_VERSION));
                return o;
        }
        case HAM_CMD_STATUS: {
                json_object *o = json_object_new_object();
                json_object *pcmk = ham_pcmk_notify_to_json(d->pcmk);
                json_object *view = json_object_object_get(pcmk, "view");
                json_object_object_add(o, "hamgrd", daemon_json(d));
                json_object_object_add(o, "node", ham_corosync_local_name(d->cs) ?
                        json_object_new_string(ham_corosync_local_name(d->cs)) : NULL);
                json_object_object_add(o, "corosync", ham_corosync_to_json(d->cs));
                json_object_object_add(o, "pacemaker", pcmk);
                json_object_object_add(o, "dc", view ?
                        json_object_get(json_object_object_get(view, "dc")) : NULL);
                json_object_object_add(o, "nodes", nodes_json(d));
                json_object_object_add(o, "guests", guests_json(d));
                json_object_object_add(o, "guests_error", d->guests_error ?
                        json_object_new_string(d->guests_error) : NULL);
                json_object_object_add(o, "drbd", drbd_json(d));
                json_object_object_add(o, "volumes", volumes_json(d));
                json_object_object_add(o, "realize", ham_volumes_to_json(d->volumes));
                json_object_object_add(o, "health", ham_attrd_to_json(d->attrd));
                return o;
        }
        case HAM_CMD_NODES:
                return wrap("nodes", nodes_json(d));
        case HAM_CMD_QUORUM:
                return ham_corosync_to_json(d->cs);
        case HAM_CMD_GUESTS:
                return wrap("guests", guests_json(d));
        case HAM_CMD_GUEST: {
                const HamGuestView *g;
                name = json_object_get_string(json_object_object_get(req->args, "name"));
                g = d->guests ? ham_guests_lookup(d->guests, name) : NULL;
                if (!g) {
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_NOT_FOUND,
                                    "guest %s: not on this node", name);
                        return NULL;
                }
                return ham_guest_view_to_json(g);
        }
        case HAM_CMD_VOLUMES: {
                json_object *o = wrap("volumes", volumes_json(d));
                json_object_object_add(o, "drbd", drbd_json(d));
                json_object_object_add(o, "realize", ham_volumes_to_json(d->volumes));
                return o;
        }
        case HAM_CMD_VOLUME: {
                name = json_object_get_string(json_object_object_get(req->args, "name"));
                const DgResourceState *r = d->drbd_state ? dg_state_lookup(d->drbd_state, name) : NULL;
                if (!r) {
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_NOT_FOUND,
                                    "volume %s: no such DRBD resource on this node", name);
                        return NULL;
                }
                return volume_json(r);
        }
        case HAM_CMD_HEALTH: {
                json_object *o = wrap("attributes", ham_attrd_to_json(d->attrd));
                json_object_object_add(o, "publishing", json_object_new_boolean(
                        ham_pcmk_notify_connected(d->pcmk)));
                json_object_object_add(o, "writes", json_object_new_int64(ham_attrd_writes(d->attrd)));
                return o;
        }
        case HAM_CMD_CLUSTER_STATUS:
                return cluster_status_json(d);
        case HAM_CMD_VERIFY_FACTS:
                return verify_facts_json(d);
        case HAM_CMD_GUEST_PREPARE:
        case HAM_CMD_GUEST_COMMIT:
        case HAM_CMD_GUEST_ABORT:
        case HAM_CMD_GUEST_VOLUMES_REMOVE:
                return ham_volumes_handle(d->volumes, req, error);
        case HAM_CMD_HISTORY:
                return ham_history_handle(d->history, req, error);
        case HAM_CMD_COUNT_:
                break;
        }
        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_UNKNOWN_COMMAND, "unknown command");
        return NULL;
}

/* ---- signals, lock, run ------------------------------------------------------------ */

static gboolean on_quit(gpointer data)
{
        Daemon *d = data;
        g_message("stopping (guests and DRBD keep running)");
        g_main_loop_quit(d->loop);
        return G_SOURCE_CONTINUE;
}

static gboolean on_hup(gpointer data)
{
        load_conf(data);
        return G_SOURCE_CONTINUE;
}

/* The lock is held for the process's life; the kernel drops it on any exit,
 * even kill -9, so a stale lock file never blocks a restart. */
static int take_lock(const char *path)
{
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
                fprintf(stderr, "hamgrd: cannot open the lock file %s: %s\n", path, g_strerror(errno));
                return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                char buf[32] = "";
                if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
                        strcpy(buf, "?");
                g_strstrip(buf);
                fprintf(stderr, "hamgrd: another hamgrd is running (pid %s holds the lock %s); "
                        "stop it first, or give this one another --socket\n", buf, path);
                close(fd);
                return -1;
        }
        g_autofree char *pid = g_strdup_printf("%d\n", (int)getpid());
        if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
                g_warning("writing the pid to %s: %s", path, g_strerror(errno));
        return fd;
}

int ham_daemon_run(const HamDaemonOptions *options)
{
        Daemon dd = { .opt = *options }, *d = &dd;
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_path_get_dirname(options->lock_path);
        g_autofree char *sdir = g_path_get_dirname(options->socket_path);
        int lock_fd, r;

        if ((r = pk_mkdir_p(dir, 0755)) < 0 || (r = pk_mkdir_p(sdir, 0755)) < 0) {
                fprintf(stderr, "hamgrd: cannot create %s: %s\n", r == 0 ? sdir : dir, g_strerror(-r));
                return 1;
        }
        lock_fd = take_lock(options->lock_path);
        if (lock_fd < 0)
                return 1;

        d->started_at = time(NULL);
        d->loop = g_main_loop_new(NULL, FALSE);
        d->drbd_attrs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        d->guest_attrs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        d->connected = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        d->attrd = ham_attrd_new();
        d->api = ham_api_server_new(options->socket_path, NULL, handle, d, &error);
        if (!d->api) {
                fprintf(stderr, "hamgrd: %s\n", error->message);
                close(lock_fd);
                return 1;
        }
        /* Detach only now, so every start-up error above reached the caller. */
        if (!options->foreground) {
                if (daemon(0, 1) < 0) {
                        fprintf(stderr, "hamgrd: cannot detach: %s\n", g_strerror(errno));
                        return 1;
                }
                g_autofree char *pid = g_strdup_printf("%d\n", (int)getpid());
                if (ftruncate(lock_fd, 0) < 0 || pwrite(lock_fd, pid, strlen(pid), 0) < 0)
                        g_warning("writing the pid to %s: %s", options->lock_path, g_strerror(errno));
        }
        load_conf(d);
        g_unix_signal_add(SIGTERM, on_quit, d);
        g_unix_signal_add(SIGINT, on_quit, d);
        g_unix_signal_add(SIGHUP, on_hup, d);
        g_message("hamgrd %s listening on %s", PK_VERSION, options->socket_path);

        d->cs = ham_corosync_new(changed, d);
        d->pcmk = ham_pcmk_notify_new(changed, d);
        d->guests = ham_guests_new(changed, d, &error);
        if (!d->guests) {
                d->guests_error = g_strdup(error->message);
                g_warning("guests are not watched: %s", error->message);
                g_clear_error(&error);
        }
        d->peer = ham_peer_new(d->cs, d->opt.conf_path);
        d->volumes = ham_volumes_new(d->cs, d->pcmk, d->api, options->conf_path,
                                     options->txn_timeout_s);
        d->history = ham_history_new(options->history_path ? options->history_path :
                                     HAM_HISTORY_PATH, d->cs, d->pcmk);
        d->frozen = ham_frozen_new(options->conf_path, changed, d);
        ham_history_set_fenced_func(d->history, fenced, d);
        d->drbd = dg_events_watch_start(NULL, drbd_changed, d, &error);
        if (!d->drbd) {
                d->drbd_error = g_strdup(error->message);
                g_warning("DRBD is not watched: %s", error->message);
                g_clear_error(&error);
        }
        changed(d);

        g_main_loop_run(d->loop);

        /* Only hamgrd's own connections close here; what it observes stays. */
        if (d->drbd)
                dg_events_watch_stop(d->drbd);
        g_clear_handle_id(&d->publish_source, g_source_remove);
        ham_volumes_free(d->volumes);
        ham_history_free(d->history);
        ham_frozen_free(d->frozen);
        ham_guests_free(d->guests);
        ham_peer_free(d->peer);
        ham_pcmk_notify_free(d->pcmk);
        ham_corosync_free(d->cs);
        ham_api_server_free(d->api);
        ham_attrd_free(d->attrd);
        g_hash_table_unref(d->drbd_attrs);
        g_hash_table_unref(d->guest_attrs);
        g_hash_table_unref(d->connected);
        g_free(d->guests_error);
        g_free(d->drbd_error);
        g_free(d->conf_error);
        g_main_loop_unref(d->loop);
        /* The lock file stays: unlinking it would let two daemons lock
         * two different files. */
        close(lock_fd);
        return 0;
}
