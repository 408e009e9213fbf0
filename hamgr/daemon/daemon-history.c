/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hamgrd's failover history: turns what the other sources see (membership,
 * the fencer, DRBD roles, local guests, the CIB's placement) into timeline
 * events (ham-timeline.h), probes guests' services, keeps the file.
 */
#include "daemon.h"
#include "ham-pcmk.h"
#include "ham-pcmk-notify.h"
#include "ham-status.h"
#include "ham-timeline.h"
#include "ham.h"
#include "pk.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- the service probe ------------------------------------------------------ */

struct HamProbe {
        struct sockaddr_storage addr;
        socklen_t addr_len;
        guint interval_ms;
        gint64 deadline_us;      /* monotonic */
        HamProbeFunc func;
        gpointer user_data;
        int fd;                  /* a connect under way, or -1 */
        guint watch, timer;
        gboolean done;
};

static void probe_finish(HamProbe *p, gboolean answered)
{
        g_clear_handle_id(&p->watch, g_source_remove);
        g_clear_handle_id(&p->timer, g_source_remove);
        if (p->fd >= 0)
                close(p->fd);
        p->fd = -1;
        p->done = TRUE;
        p->func(answered, g_get_real_time() / 1000, p->user_data);
}

static gboolean probe_attempt(gpointer data);

static gboolean probe_ready(int fd, GIOCondition cond, gpointer data)
{
        HamProbe *p = data;
        int err = 0;
        socklen_t len = sizeof(err);

        p->watch = 0;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                err = errno;
        close(p->fd);
        p->fd = -1;
        if (err == 0) {
                probe_finish(p, TRUE);
                return G_SOURCE_REMOVE;
        }
        return G_SOURCE_REMOVE;
}

/* One non-blocking connect per interval; a connect still pending when the
 * next is due is given up, so a host that drops SYNs costs nothing. */
static gboolean probe_attempt(gpointer data)
{
        HamProbe *p = data;

        if (g_get_monotonic_time() > p->deadline_us) {
                p->timer = 0;
                probe_finish(p, FALSE);
                return G_SOURCE_REMOVE;
        }
        g_clear_handle_id(&p->watch, g_source_remove);
        if (p->fd >= 0)
                close(p->fd);
        p->fd = socket(p->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (p->fd < 0)
                return G_SOURCE_CONTINUE;
        if (connect(p->fd, (struct sockaddr *)&p->addr, p->addr_len) == 0) {
                p->timer = 0;
                probe_finish(p, TRUE);
                return G_SOURCE_REMOVE;
        }
        if (errno != EINPROGRESS) {
                close(p->fd);
                p->fd = -1;
                return G_SOURCE_CONTINUE;
        }
        p->watch = g_unix_fd_add(p->fd, G_IO_OUT, probe_ready, p);
        return G_SOURCE_CONTINUE;
}

HamProbe *ham_probe_start(const char *target, guint interval_ms, guint limit_ms,
                          HamProbeFunc func, gpointer user_data, GError **error)
{
        g_autofree char *host = NULL;
        guint16 port;
        HamProbe *p;

        if (!ham_probe_target_parse(target, &host, &port, error))
                return NULL;
        p = g_new0(HamProbe, 1);
        if (strchr(host, ':')) {
                struct sockaddr_in6 *a = (struct sockaddr_in6 *)&p->addr;
                a->sin6_family = AF_INET6;
                a->sin6_port = htons(port);
                inet_pton(AF_INET6, host, &a->sin6_addr);
                p->addr_len = sizeof(*a);
        } else {
                struct sockaddr_in *a = (struct sockaddr_in *)&p->addr;
                a->sin_family = AF_INET;
                a->sin_port = htons(port);
                inet_pton(AF_INET, host, &a->sin_addr);
                p->addr_len = sizeof(*a);
        }
        p->interval_ms = interval_ms ? interval_ms : 250;
        p->deadline_us = g_get_monotonic_time() + (gint64)limit_ms * 1000;
        p->func = func;
        p->user_data = user_data;
        p->fd = -1;
        p->timer = g_timeout_add(p->interval_ms, probe_attempt, p);
        probe_attempt(p);
        return p;
}

void ham_probe_free(HamProbe *p)
{
        if (!p)
                return;
        g_clear_handle_id(&p->watch, g_source_remove);
        g_clear_handle_id(&p->timer, g_source_remove);
        if (p->fd >= 0)
                close(p->fd);
        g_free(p);
}

gpointer ham_probe_user_data(const HamProbe *p)
{
        return p->user_data;
}

gboolean ham_probe_done(const HamProbe *p)
{
        return p->done;
}

/* ---- the history ---------------------------------------------------------------- */

struct HamHistory {
        char *path;
        HamCorosync *cs;
        HamPcmkNotify *pcmk;
        HamTimeline *tl;
        gboolean dirty;
        gboolean save_failed;    /* warned once until a save works again */
        gint64 started_ms;
        gboolean seeded;         /* the first picture is taken, not reported */
        GHashTable *members;     /* node → GINT(1) member / GINT(2) gone */
        GHashTable *primary;     /* DRBD resource → primary here */
        GHashTable *running;     /* guest → running here */
        GHashTable *probes;      /* guest → HamProbe* */
        GHashTable *fence_seen;  /* "target/completed_ms" fed already */
        GHashTable *fence_pending; /* target of an operation under way */
        HamFencer *fencer;
        guint poll;
        guint look_now; /* an idle look at the fencer, after its notification */
        HamFencedFunc fenced;    /* a fencing completed since hamgrd started */
        gpointer fenced_data;
};

static gint64 now_ms(void)
{
        return g_get_real_time() / 1000;
}

static void feed(HamHistory *h, const HamTlEvent *ev)
{
        g_autoptr(GError) error = NULL;
        if (ham_timeline_feed(h->tl, ev, &error))
                h->dirty = TRUE;
        else if (error)
                g_warning("history: %s", error->message);
}

static void feed_simple(HamHistory *h, HamTlEventKind kind, gint64 at, const char *node,
                        const char *guest, gboolean probe)
{
        HamTlEvent ev = { .kind = kind, .at_ms = at, .node = node, .guest = guest, .probe = probe };
        g_message("history: %s%s%s%s%s", ham_tl_event_kind_name(kind), node ? " " : "",
                  node ? node : "", guest ? " " : "", guest ? guest : "");
        feed(h, &ev);
}

static void save(HamHistory *h)
{
        g_autoptr(GError) error = NULL;
        if (!h->dirty)
                return;
        if (!ham_timeline_save(h->tl, h->path, &error)) {
                if (!h->save_failed)
                        g_warning("history: cannot save %s: %s", h->path, error->message);
                h->save_failed = TRUE;
                return;
        }
        h->save_failed = FALSE;
        h->dirty = FALSE;
}

typedef struct {
        HamHistory *h;
        char *guest;
} ProbeCtx;

static void probe_done(gboolean answered, gint64 at_ms, gpointer data)
{
        ProbeCtx *c = data;
        if (answered)
                feed_simple(c->h, HAM_TL_SERVICE_ANSWERING, at_ms, NULL, c->guest, FALSE);
        else
                g_message("history: %s's service did not answer", c->guest);
        /* The probe is freed with the guest's entry, not from its own callback. */
}

static void probe_entry_free(gpointer data)
{
        HamProbe *p = data;
        ProbeCtx *c = p ? ham_probe_user_data(p) : NULL;
        ham_probe_free(p);
        if (c) {
                g_free(c->guest);
                g_free(c);
        }
}

/* The CIB's guests: where each runs, and its probe. */
static json_object *cib_guests(HamHistory *h)
{
        json_object *res = ham_pcmk_notify_resources(h->pcmk);
        json_object *g = res ? json_object_object_get(res, "guests") : NULL;
        json_object *out = g ? json_object_get(g) : NULL;
        json_object_put(res);
        return out;
}

static const char *cib_guest_probe(json_object *guests, const char *name)
{
        for (size_t i = 0; guests && i < json_object_array_length(guests); i++) {
                json_object *x = json_object_array_get_idx(guests, i);
                if (g_strcmp0(json_object_get_string(json_object_object_get(x, "name")), name) == 0)
                        return json_object_get_string(json_object_object_get(x, "probe"));
        }
        return NULL;
}

static void observe_membership(HamHistory *h, gint64 at)
{
        g_autoptr(json_object) cs = ham_corosync_to_json(h->cs);
        json_object *members = json_object_object_get(cs, "members");
        g_autoptr(GHashTable) now = g_hash_table_new(g_str_hash, g_str_equal);
        GHashTableIter it;
        gpointer k, v;

        if (!ham_corosync_connected(h->cs))
                return;
        for (size_t i = 0; members && i < json_object_array_length(members); i++) {
                const char *n = json_object_get_string(json_object_object_get(
                        json_object_array_get_idx(members, i), "name"));
                if (!n || !ham_name_valid(n))
                        continue;
                g_hash_table_add(now, (gpointer)n);
                v = g_hash_table_lookup(h->members, n);
                if (GPOINTER_TO_INT(v) == 2)
                        feed_simple(h, HAM_TL_NODE_BACK, at, n, NULL, FALSE);
                g_hash_table_insert(h->members, g_strdup(n), GINT_TO_POINTER(1));
        }
        g_hash_table_iter_init(&it, h->members);
        while (g_hash_table_iter_next(&it, &k, &v)) {
                if (GPOINTER_TO_INT(v) == 1 && !g_hash_table_contains(now, k)) {
                        g_hash_table_iter_replace(&it, GINT_TO_POINTER(2));
                        feed_simple(h, HAM_TL_NODE_LOST, at, k, NULL, FALSE);
                }
        }
}

static void observe_drbd(HamHistory *h, const DgState *drbd, const char *local, gint64 at)
{
        g_autoptr(GPtrArray) names = NULL;

        if (!drbd || !local)
                return;
        names = dg_state_names(drbd);
        for (guint i = 0; i < names->len; i++) {
                const DgResourceState *r = dg_state_lookup(drbd, names->pdata[i]);
                g_autofree char *guest = NULL;
                if (!r || !dg_resource_name_parse(r->name, &guest, NULL))
                        continue;
                gboolean primary = r->role == DG_ROLE_PRIMARY;
                gboolean was = GPOINTER_TO_INT(g_hash_table_lookup(h->primary, r->name));
                if (primary && !was && h->seeded)
                        feed_simple(h, HAM_TL_DRBD_PROMOTED, at, local, guest, FALSE);
                g_hash_table_insert(h->primary, g_strdup(r->name), GINT_TO_POINTER(primary));
        }
}

static void observe_guests(HamHistory *h, HamGuests *guests, json_object *cib, const char *local,
                           gint64 at)
{
        g_autoptr(GPtrArray) list = NULL;

        if (!guests || !local)
                return;
        list = ham_guests_list(guests);
        for (guint i = 0; i < list->len; i++) {
                const HamGuestView *g = list->pdata[i];
                gboolean running = g->state == HV_STATE_RUNNING;
                gboolean was = GPOINTER_TO_INT(g_hash_table_lookup(h->running, g->name));
                g_hash_table_insert(h->running, g_strdup(g->name), GINT_TO_POINTER(running));
                if (!running || was || !h->seeded)
                        continue;
                const char *target = cib_guest_probe(cib, g->name);
                g_autoptr(GError) error = NULL;
                HamProbe *p = NULL;
                if (target) {
                        ProbeCtx *c = g_new0(ProbeCtx, 1);
                        c->h = h;
                        c->guest = g_strdup(g->name);
                        p = ham_probe_start(target, 250, HAM_TL_PROBE_TIMEOUT_MS, probe_done, c,
                                            &error);
                        if (!p) {
                                g_warning("history: %s: %s", g->name, error->message);
                                g_free(c->guest);
                                g_free(c);
                        }
                }
                feed_simple(h, HAM_TL_GUEST_STARTED, at, local, g->name, p != NULL);
                if (p)
                        g_hash_table_insert(h->probes, g_strdup(g->name), p);
                else
                        g_hash_table_remove(h->probes, g->name);
        }
}

/* Where the CIB says each guest runs: what a lost node took down with it. */
static void observe_placement(HamHistory *h, json_object *cib, gint64 at)
{
        for (size_t i = 0; cib && i < json_object_array_length(cib); i++) {
                json_object *x = json_object_array_get_idx(cib, i);
                const char *name = json_object_get_string(json_object_object_get(x, "name"));
                json_object *on = json_object_object_get(x, "running_on");
                if (!name || !hv_guest_name_valid(name) || !on || json_object_array_length(on) != 1)
                        continue;
                const char *node = json_object_get_string(json_object_array_get_idx(on, 0));
                if (!node || !ham_name_valid(node))
                        continue;
                HamTlEvent ev = { .kind = HAM_TL_GUEST_AT, .at_ms = at, .node = node, .guest = name };
                feed(h, &ev);
        }
}

/* A failover Pacemaker rightly refuses ends its record with the reason, by
 * the one test hactl status uses (ham_status_guest_blocked()): a node is
 * online while it is a corosync member here. */
static void observe_blocked(HamHistory *h, gint64 at)
{
        g_autoptr(json_object) res = ham_pcmk_notify_resources(h->pcmk);
        g_autoptr(HamCibView) view = res ? ham_cib_view_from_json(res, "cib.", NULL) : NULL;
        g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func(g_free);
        GHashTableIter it;
        gpointer k, v;

        if (!view)
                return;
        g_hash_table_iter_init(&it, h->members);
        while (g_hash_table_iter_next(&it, &k, &v)) {
                HamStatusNode *n = g_new0(HamStatusNode, 1);
                n->name = k; /* borrowed: the table outlives the list */
                n->online = GPOINTER_TO_INT(v) == 1;
                g_ptr_array_add(nodes, n);
        }
        for (guint i = 0; i < view->guests->len; i++) {
                const HamCibGuest *g = view->guests->pdata[i];
                g_autoptr(json_object) b = ham_status_guest_blocked(g, nodes);
                if (!b || !g->name || !hv_guest_name_valid(g->name) ||
                    !json_object_get_string(json_object_object_get(b, "resource")))
                        continue;
                HamTlEvent ev = { .kind = HAM_TL_GUEST_BLOCKED, .at_ms = at, .guest = g->name,
                                  .node = json_object_get_string(json_object_object_get(b, "current_on")),
                                  .resource = json_object_get_string(json_object_object_get(b, "resource")) };
                feed(h, &ev);
        }
}

void ham_history_changed(HamHistory *h, const DgState *drbd, HamGuests *guests)
{
        const char *local = ham_corosync_local_name(h->cs);
        g_autoptr(json_object) cib = cib_guests(h);
        gint64 at = now_ms();

        /* Membership before placement: the CIB may already show the guest
         * elsewhere when the loss is reported in the same burst. */
        observe_membership(h, at);
        observe_drbd(h, drbd, local, at);
        observe_guests(h, guests, cib, local, at);
        observe_placement(h, cib, at);
        observe_blocked(h, at);
        if (local && (drbd || guests))
                h->seeded = TRUE;
        save(h);
}

static void poll_fencer(HamHistory *h, gint64 at);

static gboolean look_now_cb(gpointer data)
{
        HamHistory *h = data;

        h->look_now = 0;
        poll_fencer(h, now_ms());
        save(h);
        return G_SOURCE_REMOVE;
}

/* A fencing's result, told by the fencer: looked at at once rather than
 * at the next poll, since letting go of a fenced peer (h->fenced) waits
 * for it while the survivor's promotion waits for the let-go. From an idle
 * callback: the history is read with a synchronous call, which is not
 * made from inside libstonith's own dispatch. */
static void fence_event(const char *target, gpointer data)
{
        HamHistory *h = data;

        if (h->look_now)
                return;
        g_message("the fencer reports a fencing of %s: reading its history now",
                  target && ham_name_valid(target) ? target : "a node");
        h->look_now = g_idle_add(look_now_cb, h);
}

/* The fencer has no notification of a request, so its history is read
 * (every 0.5 s, and at once when a result is told); each finished
 * operation is reported once. */
static void poll_fencer(HamHistory *h, gint64 at)
{
        g_autoptr(GPtrArray) ops = NULL;
        g_autoptr(GError) error = NULL;

        /* Membership first: whether an old operation is news depends on it. */
        if (g_hash_table_size(h->members) == 0)
                return;
        if (!h->fencer) {
                h->fencer = ham_fencer_connect("hamgrd-history", NULL);
                if (!h->fencer)
                        return;
                if (!ham_fencer_watch(h->fencer, fence_event, h, &error)) {
                        g_debug("history: %s; the fencer's history is read every 0.5 s only", error->message);
                        g_clear_error(&error);
                }
        }
        ops = ham_fencer_history(h->fencer, NULL, 2, &error);
        if (!ops) {
                g_debug("history: %s", error->message);
                g_clear_pointer(&h->fencer, ham_fencer_close);
                return;
        }
        for (guint i = 0; i < ops->len; i++) {
                const HamFenceOp *op = ops->pdata[i];
                if (!ham_name_valid(op->target))
                        continue;
                if (op->state == HAM_FENCE_OP_PENDING) {
                        if (g_hash_table_contains(h->fence_pending, op->target))
                                continue;
                        g_hash_table_add(h->fence_pending, g_strdup(op->target));
                        feed_simple(h, HAM_TL_FENCE_REQUESTED, at, op->target, NULL, FALSE);
                        continue;
                }
                g_autofree char *key = g_strdup_printf("%s/%" G_GINT64_FORMAT, op->target,
                                                       op->completed_ms);
                if (g_hash_table_contains(h->fence_seen, key))
                        continue;
                /* Decided once, with the membership of the first look: the
                 * same old operation must not become news when its target
                 * is lost later (that loss is a failover of its own). */
                g_hash_table_add(h->fence_seen, g_steal_pointer(&key));
                /* Told whatever the membership: letting go of a fenced
                 * peer's connections depends on the fencing alone. Older
                 * ones cannot matter: a connection hamgrd found up when it
                 * started is recorded as coming up then. */
                if (op->state == HAM_FENCE_OP_DONE && op->completed_ms >= h->started_ms && h->fenced)
                        h->fenced(op->target, op->completed_ms, h->fenced_data);
                if (!ham_timeline_fence_is_news(op->completed_ms, h->started_ms,
                                                GPOINTER_TO_INT(g_hash_table_lookup(h->members, op->target)) == 1))
                        continue;
                g_hash_table_remove(h->fence_pending, op->target);
                feed_simple(h, op->state == HAM_FENCE_OP_DONE ? HAM_TL_FENCE_CONFIRMED :
                            HAM_TL_FENCE_FAILED, op->completed_ms, op->target, NULL, FALSE);
        }
}

static gboolean poll_cb(gpointer data)
{
        HamHistory *h = data;
        gint64 at = now_ms();
        HamTlEvent tick = { .kind = HAM_TL_TICK, .at_ms = at };

        poll_fencer(h, at);
        feed(h, &tick);
        save(h);
        return G_SOURCE_CONTINUE;
}

HamHistory *ham_history_new(const char *path, HamCorosync *cs, HamPcmkNotify *pcmk)
{
        HamHistory *h = g_new0(HamHistory, 1);
        g_autofree char *warning = NULL;

        h->path = g_strdup(path);
        h->cs = cs;
        h->pcmk = pcmk;
        h->started_ms = now_ms();
        h->tl = ham_timeline_load(path, 0, 0, &warning);
        if (warning)
                g_warning("%s", warning);
        h->members = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        h->primary = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        h->running = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        h->probes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, probe_entry_free);
        h->fence_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        h->fence_pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        h->poll = g_timeout_add(500, poll_cb, h);
        return h;
}

void ham_history_set_fenced_func(HamHistory *h, HamFencedFunc func, gpointer user_data)
{
        h->fenced = func;
        h->fenced_data = user_data;
}

void ham_history_free(HamHistory *h)
{
        if (!h)
                return;
        g_clear_handle_id(&h->poll, g_source_remove);
        g_clear_handle_id(&h->look_now, g_source_remove);
        save(h);
        g_hash_table_unref(h->probes);
        ham_fencer_close(h->fencer);
        ham_timeline_free(h->tl);
        g_hash_table_unref(h->members);
        g_hash_table_unref(h->primary);
        g_hash_table_unref(h->running);
        g_hash_table_unref(h->fence_seen);
        g_hash_table_unref(h->fence_pending);
        g_free(h->path);
        g_free(h);
}

json_object *ham_history_handle(HamHistory *h, const HamApiRequest *req, GError **error)
{
        json_object *g = json_object_object_get(req->args, "guest");
        json_object *l = json_object_object_get(req->args, "limit");
        json_object *o = ham_timeline_history(h->tl, g ? json_object_get_string(g) : NULL,
                                              l ? (guint)json_object_get_int64(l) : 0);
        json_object_object_add(o, "file", json_object_new_string(h->path));
        return o;
}
