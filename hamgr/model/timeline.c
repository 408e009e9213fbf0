/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The failover timeline assembler (ham-timeline.h). Pure but for load/save. */
#include "ham-timeline.h"
#include "ham.h"
#include "hv.h"
#include "pk.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum {
        STEP_NODE_LOST,
        STEP_FENCE_REQUESTED,
        STEP_FENCE_CONFIRMED,
        STEP_DRBD_PROMOTED,
        STEP_GUEST_STARTED,
        STEP_SERVICE_ANSWERING,
        N_STEPS,
};

const char *const ham_tl_steps[] = {
        "node_lost", "fence_requested", "fence_confirmed",
        "drbd_promoted", "guest_started", "service_answering", NULL,
};

static const char *const kind_names[] = {
        [HAM_TL_NODE_LOST] = "node-lost",
        [HAM_TL_NODE_BACK] = "node-back",
        [HAM_TL_FENCE_REQUESTED] = "fence-requested",
        [HAM_TL_FENCE_CONFIRMED] = "fence-confirmed",
        [HAM_TL_FENCE_FAILED] = "fence-failed",
        [HAM_TL_DRBD_PROMOTED] = "drbd-promoted",
        [HAM_TL_GUEST_STARTED] = "guest-started",
        [HAM_TL_GUEST_AT] = "guest-at",
        [HAM_TL_SERVICE_ANSWERING] = "service-answering",
        [HAM_TL_TICK] = "tick",
        [HAM_TL_GUEST_BLOCKED] = "guest-blocked",
};

/* Times fit a double exactly, like API ids. */
#define MAX_TIME ((gint64)1 << 53)
#define NONE ((gint64)-1)

typedef struct {
        char *id, *guest, *kind, *from, *to;
        gint64 t[N_STEPS];       /* NONE: not seen */
        guint fence_failures;
        gboolean probe;
        char *verdict;           /* "open", "complete", "incomplete" */
        char *reason;
        gint64 closed_at;
} Record;

/* What is known of a node that was lost or fenced, until it is back. */
typedef struct {
        char *node;
        gint64 lost_at, fence_requested, fence_confirmed, last_failure;
        guint fence_failures;
        GPtrArray *guests;       /* char*: what ran there */
} NodeState;

/* A promotion seen before its failover (events out of order) or before a
 * recovery's start. */
typedef struct {
        char *node;
        gint64 at;
} Pending;

struct HamTimeline {
        gint64 probe_timeout, start_timeout;
        GPtrArray *closed;       /* Record*, oldest first */
        GPtrArray *open;         /* Record* */
        GPtrArray *nodes;        /* NodeState* */
        GHashTable *placement;   /* guest → node */
        GHashTable *promoted;    /* guest → Pending* */
};

const char *ham_tl_event_kind_name(HamTlEventKind kind)
{
        return (guint)kind < HAM_TL_EVENT_COUNT_ ? kind_names[kind] : "unknown";
}

gboolean ham_tl_event_kind_from_name(const char *name, HamTlEventKind *ret_kind)
{
        for (int i = 0; i < HAM_TL_EVENT_COUNT_; i++) {
                if (g_strcmp0(kind_names[i], name) == 0) {
                        *ret_kind = i;
                        return TRUE;
                }
        }
        return FALSE;
}

static void record_free(Record *r)
{
        if (!r)
                return;
        g_free(r->id);
        g_free(r->guest);
        g_free(r->kind);
        g_free(r->from);
        g_free(r->to);
        g_free(r->verdict);
        g_free(r->reason);
        g_free(r);
}

static void node_state_free(NodeState *n)
{
        if (!n)
                return;
        g_free(n->node);
        g_ptr_array_unref(n->guests);
        g_free(n);
}

static void pending_free(Pending *p)
{
        g_free(p->node);
        g_free(p);
}

static Record *record_new(const char *guest, const char *kind, gint64 at)
{
        Record *r = g_new0(Record, 1);
        r->id = g_strdup_printf("%" G_GINT64_FORMAT "-%s", at, guest);
        r->guest = g_strdup(guest);
        r->kind = g_strdup(kind);
        r->verdict = g_strdup("open");
        r->closed_at = NONE;
        for (int i = 0; i < N_STEPS; i++)
                r->t[i] = NONE;
        return r;
}

static NodeState *node_state_new(const char *node)
{
        NodeState *n = g_new0(NodeState, 1);
        n->node = g_strdup(node);
        n->lost_at = n->fence_requested = n->fence_confirmed = n->last_failure = NONE;
        n->guests = g_ptr_array_new_with_free_func(g_free);
        return n;
}

HamTimeline *ham_timeline_new(gint64 probe_timeout_ms, gint64 start_timeout_ms)
{
        HamTimeline *tl = g_new0(HamTimeline, 1);
        tl->probe_timeout = probe_timeout_ms > 0 ? probe_timeout_ms : HAM_TL_PROBE_TIMEOUT_MS;
        tl->start_timeout = start_timeout_ms > 0 ? start_timeout_ms : HAM_TL_START_TIMEOUT_MS;
        tl->closed = g_ptr_array_new_with_free_func((GDestroyNotify)record_free);
        tl->open = g_ptr_array_new_with_free_func((GDestroyNotify)record_free);
        tl->nodes = g_ptr_array_new_with_free_func((GDestroyNotify)node_state_free);
        tl->placement = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        tl->promoted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify)pending_free);
        return tl;
}

void ham_timeline_free(HamTimeline *tl)
{
        if (!tl)
                return;
        g_ptr_array_unref(tl->closed);
        g_ptr_array_unref(tl->open);
        g_ptr_array_unref(tl->nodes);
        g_hash_table_unref(tl->placement);
        g_hash_table_unref(tl->promoted);
        g_free(tl);
}

/* ---- the rules ----------------------------------------------------------- */

/* Each step keeps the earliest time seen: late and repeated events agree. */
static gboolean set_min(gint64 *t, gint64 v)
{
        if (v < 0 || (*t >= 0 && *t <= v))
                return FALSE;
        *t = v;
        return TRUE;
}

static Record *find_open(const HamTimeline *tl, const char *guest)
{
        for (guint i = 0; i < tl->open->len; i++) {
                Record *r = tl->open->pdata[i];
                if (g_str_equal(r->guest, guest))
                        return r;
        }
        return NULL;
}

static NodeState *find_node(const HamTimeline *tl, const char *node)
{
        for (guint i = 0; i < tl->nodes->len; i++) {
                NodeState *n = tl->nodes->pdata[i];
                if (g_str_equal(n->node, node))
                        return n;
        }
        return NULL;
}

static gint64 record_begin(const Record *r)
{
        gint64 b = NONE;
        for (int i = 0; i < N_STEPS; i++)
                if (r->t[i] >= 0 && (b < 0 || r->t[i] < b))
                        b = r->t[i];
        return b;
}

static gint64 record_end(const Record *r)
{
        gint64 e = NONE;
        for (int i = 0; i < N_STEPS; i++)
                e = MAX(e, r->t[i]);
        return e;
}

/* Which steps a record of its kind should have had. */
static char *unseen_steps(const Record *r)
{
        g_autoptr(GString) s = g_string_new(NULL);
        int first = g_str_equal(r->kind, "recovery") ? STEP_DRBD_PROMOTED : STEP_NODE_LOST;
        for (int i = first; i < STEP_GUEST_STARTED; i++)
                if (r->t[i] < 0)
                        g_string_append_printf(s, "%s%s", s->len ? ", " : "", ham_tl_steps[i]);
        return s->len ? g_strdup_printf("not seen: %s", s->str) : NULL;
}

static void close_record(HamTimeline *tl, Record *r, gboolean complete, char *reason, gint64 at)
{
        guint idx;

        g_free(r->verdict);
        r->verdict = g_strdup(complete ? "complete" : "incomplete");
        g_free(r->reason);
        r->reason = reason ? reason : complete ? unseen_steps(r) : NULL;
        r->closed_at = MAX(at, record_end(r));
        if (g_ptr_array_find(tl->open, r, &idx))
                g_ptr_array_steal_index(tl->open, idx);
        g_ptr_array_add(tl->closed, r);
        while (tl->closed->len > HAM_TL_MAX_RECORDS)
                g_ptr_array_remove_index(tl->closed, 0);
}

/* A record is done once its guest runs (and answers, when probed). */
static gboolean maybe_close(HamTimeline *tl, Record *r, gint64 at)
{
        if (r->t[STEP_GUEST_STARTED] < 0)
                return FALSE;
        if (r->probe && r->t[STEP_SERVICE_ANSWERING] < 0)
                return FALSE;
        close_record(tl, r, TRUE, NULL, at);
        return TRUE;
}

static gboolean sync_node(Record *r, const NodeState *n)
{
        gboolean changed = FALSE;
        if (!r->from || !g_str_equal(r->from, n->node))
                return FALSE;
        changed |= set_min(&r->t[STEP_NODE_LOST], n->lost_at);
        changed |= set_min(&r->t[STEP_FENCE_REQUESTED], n->fence_requested);
        changed |= set_min(&r->t[STEP_FENCE_CONFIRMED], n->fence_confirmed);
        if (n->fence_failures > r->fence_failures) {
                r->fence_failures = n->fence_failures;
                changed = TRUE;
        }
        return changed;
}

/* A promotion that came before its record belongs to it when it is on
 * another node than the lost one and only just before (events of one
 * failover reach hamgrd in any order, but within seconds). An older one was
 * of something else, e.g. a restart in place, and would make the record
 * begin minutes early. */
static void take_pending(HamTimeline *tl, Record *r, gint64 begin)
{
        Pending *p = g_hash_table_lookup(tl->promoted, r->guest);
        if (!p || (r->from && g_str_equal(p->node, r->from)) ||
            (r->to && !g_str_equal(p->node, r->to)) || p->at < begin - HAM_TL_PROMOTE_EARLY_MS)
                return;
        set_min(&r->t[STEP_DRBD_PROMOTED], p->at);
        if (!r->to)
                r->to = g_strdup(p->node);
        g_hash_table_remove(tl->promoted, r->guest);
}

static gboolean ptr_array_has(GPtrArray *a, const char *s)
{
        for (guint i = 0; i < a->len; i++)
                if (g_str_equal(a->pdata[i], s))
                        return TRUE;
        return FALSE;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
        return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

/* A lost or fenced node that ran guests begins one failover per guest. */
static gboolean begin_failovers(HamTimeline *tl, NodeState *n, gint64 at)
{
        gboolean changed = FALSE;
        g_autoptr(GPtrArray) guests = g_ptr_array_new();
        GHashTableIter it;
        gpointer k, v;

        for (guint i = 0; i < n->guests->len; i++)
                g_ptr_array_add(guests, n->guests->pdata[i]);
        g_hash_table_iter_init(&it, tl->placement);
        while (g_hash_table_iter_next(&it, &k, &v))
                if (g_str_equal(v, n->node) && !ptr_array_has(guests, k))
                        g_ptr_array_add(guests, k);
        g_ptr_array_sort(guests, compare_names);
        for (guint i = 0; i < guests->len; i++) {
                const char *g = guests->pdata[i];
                Record *r = find_open(tl, g);
                if (r) {
                        changed |= sync_node(r, n);
                        continue;
                }
                if (tl->open->len >= HAM_TL_MAX_OPEN)
                        break;
                r = record_new(g, "failover", at);
                r->from = g_strdup(n->node);
                sync_node(r, n);
                take_pending(tl, r, record_begin(r));
                g_ptr_array_add(tl->open, r);
                changed = TRUE;
        }
        return changed;
}

/* A closed record already holds this node step at this time: a repeat. */
static gboolean seen_closed(const HamTimeline *tl, const char *node, int step, gint64 at)
{
        for (guint i = 0; i < tl->closed->len; i++) {
                const Record *r = tl->closed->pdata[i];
                if (r->from && g_str_equal(r->from, node) && r->t[step] == at)
                        return TRUE;
        }
        return FALSE;
}

static gboolean node_has_open(const HamTimeline *tl, const char *node)
{
        for (guint i = 0; i < tl->open->len; i++) {
                const Record *r = tl->open->pdata[i];
                if (r->from && g_str_equal(r->from, node))
                        return TRUE;
        }
        return FALSE;
}

/* What is known of a node whose rejoining was missed (hamgrd was down)
 * must not lend its old times to the node's next failover. */
static gboolean node_stale(const HamTimeline *tl, const NodeState *n, gint64 now)
{
        gint64 last = MAX(MAX(n->lost_at, n->fence_requested), MAX(n->fence_confirmed, n->last_failure));
        return now - last > tl->start_timeout && !node_has_open(tl, n->node);
}

static gboolean on_node(HamTimeline *tl, const HamTlEvent *ev)
{
        static const int step_of[] = {
                [HAM_TL_NODE_LOST] = STEP_NODE_LOST,
                [HAM_TL_FENCE_REQUESTED] = STEP_FENCE_REQUESTED,
                [HAM_TL_FENCE_CONFIRMED] = STEP_FENCE_CONFIRMED,
                [HAM_TL_FENCE_FAILED] = -1,
        };
        int step = step_of[ev->kind];
        NodeState *n;
        gboolean changed = FALSE;

        if (step >= 0 && seen_closed(tl, ev->node, step, ev->at_ms))
                return FALSE;
        n = find_node(tl, ev->node);
        if (n && node_stale(tl, n, ev->at_ms)) {
                g_ptr_array_remove(tl->nodes, n);
                n = NULL;
        }
        if (!n) {
                if (tl->nodes->len >= HAM_TL_MAX_NODES)
                        return FALSE;
                n = node_state_new(ev->node);
                g_ptr_array_add(tl->nodes, n);
        }
        switch (ev->kind) {
        case HAM_TL_NODE_LOST:
                changed |= set_min(&n->lost_at, ev->at_ms);
                break;
        case HAM_TL_FENCE_REQUESTED:
                changed |= set_min(&n->fence_requested, ev->at_ms);
                break;
        case HAM_TL_FENCE_CONFIRMED:
                changed |= set_min(&n->fence_confirmed, ev->at_ms);
                break;
        default:
                /* A failure is only the start of the fencing when no request was seen. */
                if (n->last_failure != ev->at_ms) {
                        n->fence_failures++;
                        n->last_failure = ev->at_ms;
                        changed = TRUE;
                }
                set_min(&n->fence_requested, ev->at_ms);
                break;
        }
        for (const char *const *g = ev->guests; g && *g; g++) {
                if (!ptr_array_has(n->guests, *g) && n->guests->len < HAM_TL_MAX_GUESTS) {
                        g_ptr_array_add(n->guests, g_strdup(*g));
                        changed = TRUE;
                }
        }
        changed |= begin_failovers(tl, n, ev->at_ms);
        return changed;
}

static gboolean on_node_back(HamTimeline *tl, const HamTlEvent *ev)
{
        NodeState *n = find_node(tl, ev->node);
        gboolean changed = FALSE;
        guint idx;

        if (!n)
                return FALSE;
        for (guint i = 0; i < tl->open->len;) {
                Record *r = tl->open->pdata[i];
                if (r->from && g_str_equal(r->from, ev->node) &&
                    r->t[STEP_FENCE_CONFIRMED] < 0 && r->t[STEP_GUEST_STARTED] < 0) {
                        close_record(tl, r, FALSE, g_strdup_printf(
                                "%s rejoined before it was fenced; the guest stayed there",
                                ev->node), ev->at_ms);
                        changed = TRUE;
                        continue;
                }
                i++;
        }
        if (g_ptr_array_find(tl->nodes, n, &idx))
                g_ptr_array_remove_index(tl->nodes, idx);
        return changed;
}

static void place(HamTimeline *tl, const char *guest, const char *node)
{
        if (g_hash_table_size(tl->placement) >= HAM_TL_MAX_GUESTS &&
            !g_hash_table_contains(tl->placement, guest))
                return;
        g_hash_table_insert(tl->placement, g_strdup(guest), g_strdup(node));
}

static gboolean on_promoted(HamTimeline *tl, const HamTlEvent *ev)
{
        Record *r = find_open(tl, ev->guest);

        if (r) {
                if (r->from && g_str_equal(r->from, ev->node))
                        return FALSE;
                if (r->to && !g_str_equal(r->to, ev->node))
                        return FALSE;
                if (!set_min(&r->t[STEP_DRBD_PROMOTED], ev->at_ms))
                        return FALSE;
                if (!r->to)
                        r->to = g_strdup(ev->node);
                return TRUE;
        }
        /* The start came first (the QMP event outran the DRBD one): the
         * record is closed already and gets its step afterwards. */
        for (guint i = tl->closed->len; i-- > 0;) {
                r = tl->closed->pdata[i];
                if (!g_str_equal(r->guest, ev->guest))
                        continue;
                if (r->t[STEP_DRBD_PROMOTED] < 0 && r->t[STEP_GUEST_STARTED] >= ev->at_ms &&
                    r->t[STEP_GUEST_STARTED] - ev->at_ms <= tl->start_timeout &&
                    g_strcmp0(r->to, ev->node) == 0) {
                        r->t[STEP_DRBD_PROMOTED] = ev->at_ms;
                        g_free(r->reason);
                        r->reason = g_str_equal(r->verdict, "complete") ? unseen_steps(r) : NULL;
                        return TRUE;
                }
                break;
        }
        if (!g_hash_table_contains(tl->promoted, ev->guest) &&
            g_hash_table_size(tl->promoted) >= HAM_TL_MAX_GUESTS)
                return FALSE;
        Pending *p = g_new0(Pending, 1);
        p->node = g_strdup(ev->node);
        p->at = ev->at_ms;
        g_hash_table_insert(tl->promoted, g_strdup(ev->guest), p);
        return FALSE;
}

static gboolean on_started(HamTimeline *tl, const HamTlEvent *ev)
{
        Record *r = find_open(tl, ev->guest);
        g_autofree char *prev = g_strdup(g_hash_table_lookup(tl->placement, ev->guest));

        place(tl, ev->guest, ev->node);
        if (!r) {
                for (guint i = 0; i < tl->closed->len; i++) {
                        const Record *c = tl->closed->pdata[i];
                        if (g_str_equal(c->guest, ev->guest) &&
                            c->t[STEP_GUEST_STARTED] == ev->at_ms)
                                return FALSE;
                }
                /* Not after a node loss, yet on another node: Pacemaker
                 * moved it after failures. A first start is no failover. */
                if (!prev || g_str_equal(prev, ev->node) || tl->open->len >= HAM_TL_MAX_OPEN)
                        return FALSE;
                r = record_new(ev->guest, "recovery", ev->at_ms);
                r->from = g_strdup(prev);
                r->to = g_strdup(ev->node);
                g_ptr_array_add(tl->open, r);
        } else {
                if (r->from && g_str_equal(r->from, ev->node))
                        return FALSE;
                if (r->to && !g_str_equal(r->to, ev->node))
                        return FALSE;
                if (!r->to)
                        r->to = g_strdup(ev->node);
        }
        set_min(&r->t[STEP_GUEST_STARTED], ev->at_ms);
        r->probe = ev->probe;
        take_pending(tl, r, ev->at_ms);
        maybe_close(tl, r, ev->at_ms);
        return TRUE;
}

static gboolean on_answering(HamTimeline *tl, const HamTlEvent *ev)
{
        Record *r = find_open(tl, ev->guest);
        if (!r)
                return FALSE;
        if (!set_min(&r->t[STEP_SERVICE_ANSWERING], ev->at_ms))
                return FALSE;
        r->probe = TRUE;
        maybe_close(tl, r, ev->at_ms);
        return TRUE;
}

static gboolean on_tick(HamTimeline *tl, gint64 now)
{
        gboolean changed = FALSE;
        GHashTableIter it;
        gpointer v;

        for (guint i = 0; i < tl->open->len;) {
                Record *r = tl->open->pdata[i];
                gint64 started = r->t[STEP_GUEST_STARTED];
                if (started >= 0 && r->probe && now - started > tl->probe_timeout) {
                        close_record(tl, r, FALSE, g_strdup_printf(
                                "the service did not answer within %" G_GINT64_FORMAT " s",
                                tl->probe_timeout / 1000), now);
                        changed = TRUE;
                        continue;
                }
                if (started < 0 && now - record_begin(r) > tl->start_timeout) {
                        close_record(tl, r, FALSE, g_strdup_printf(
                                "the guest did not start within %" G_GINT64_FORMAT " s",
                                tl->start_timeout / 1000), now);
                        changed = TRUE;
                        continue;
                }
                i++;
        }
        for (guint i = 0; i < tl->nodes->len;) {
                if (node_stale(tl, tl->nodes->pdata[i], now)) {
                        g_ptr_array_remove_index(tl->nodes, i);
                        changed = TRUE;
                } else {
                        i++;
                }
        }
        g_hash_table_iter_init(&it, tl->promoted);
        while (g_hash_table_iter_next(&it, NULL, &v))
                if (now - ((Pending *)v)->at > tl->start_timeout)
                        g_hash_table_iter_remove(&it);
        return changed;
}

/* A failover Pacemaker rightly refuses (the only current copy is on the lost
 * node) ends here, with why, instead of "did not start within N s". */
static gboolean on_blocked(HamTimeline *tl, const HamTlEvent *ev)
{
        Record *r = find_open(tl, ev->guest);

        if (!r || r->t[STEP_GUEST_STARTED] >= 0)
                return FALSE;
        close_record(tl, r, FALSE, g_strdup_printf(
                "blocked: the only current copy of %s is on %s, which is offline; the other copy is "
                "outdated (hactl status says the ways out)", ev->resource, ev->node), ev->at_ms);
        return TRUE;
}

static gboolean invalid(GError **error, const HamTlEvent *ev, const char *field, const char *rule)
{
        g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID, "%s event: %s: must be %s",
                    ham_tl_event_kind_name(ev->kind), field, rule);
        return FALSE;
}

gboolean ham_timeline_feed(HamTimeline *tl, const HamTlEvent *ev, GError **error)
{
        gboolean need_node, need_guest;

        g_return_val_if_fail(tl && ev, FALSE);
        if ((guint)ev->kind >= HAM_TL_EVENT_COUNT_) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID, "event: unknown kind %d",
                            (int)ev->kind);
                return FALSE;
        }
        if (ev->at_ms < 0 || ev->at_ms > MAX_TIME)
                return invalid(error, ev, "at", "a time in ms since the epoch, 0..2^53");
        need_guest = ev->kind == HAM_TL_DRBD_PROMOTED || ev->kind == HAM_TL_GUEST_STARTED ||
                     ev->kind == HAM_TL_GUEST_AT || ev->kind == HAM_TL_SERVICE_ANSWERING ||
                     ev->kind == HAM_TL_GUEST_BLOCKED;
        need_node = ev->kind != HAM_TL_SERVICE_ANSWERING && ev->kind != HAM_TL_TICK;
        if (need_node && (!ev->node || !ham_name_valid(ev->node)))
                return invalid(error, ev, "node", "a node name: [A-Za-z0-9][A-Za-z0-9._-]{0,62}");
        if (need_guest && (!ev->guest || !hv_guest_name_valid(ev->guest)))
                return invalid(error, ev, "guest", "a guest name: " HV_GUEST_NAME_RULE);
        if (ev->kind == HAM_TL_GUEST_BLOCKED && (!ev->resource || !dg_resource_name_parse(ev->resource, NULL, NULL)))
                return invalid(error, ev, "resource", "a plastik DRBD resource name: pk-GUEST-VOLUME");
        for (guint i = 0; ev->guests && ev->guests[i]; i++) {
                if (i >= HAM_TL_MAX_GUESTS)
                        return invalid(error, ev, "guests", "at most 256 guest names");
                if (!hv_guest_name_valid(ev->guests[i]))
                        return invalid(error, ev, "guests", "guest names: " HV_GUEST_NAME_RULE);
        }

        switch (ev->kind) {
        case HAM_TL_NODE_LOST:
        case HAM_TL_FENCE_REQUESTED:
        case HAM_TL_FENCE_CONFIRMED:
        case HAM_TL_FENCE_FAILED:
                return on_node(tl, ev);
        case HAM_TL_NODE_BACK:
                return on_node_back(tl, ev);
        case HAM_TL_DRBD_PROMOTED:
                return on_promoted(tl, ev);
        case HAM_TL_GUEST_STARTED:
                return on_started(tl, ev);
        case HAM_TL_GUEST_AT:
                if (g_strcmp0(g_hash_table_lookup(tl->placement, ev->guest), ev->node) == 0)
                        return FALSE;
                place(tl, ev->guest, ev->node);
                return FALSE;
        case HAM_TL_SERVICE_ANSWERING:
                return on_answering(tl, ev);
        case HAM_TL_TICK:
                return on_tick(tl, ev->at_ms);
        case HAM_TL_GUEST_BLOCKED:
                return on_blocked(tl, ev);
        case HAM_TL_EVENT_COUNT_:
                break;
        }
        return FALSE;
}

gboolean ham_timeline_fence_is_news(gint64 completed_ms, gint64 started_ms, gboolean target_member)
{
        if (completed_ms >= started_ms)
                return TRUE;
        return !target_member && completed_ms >= started_ms - HAM_TL_FENCE_MARGIN_MS;
}

gboolean ham_timeline_has_open(const HamTimeline *tl)
{
        return tl->open->len > 0 || tl->nodes->len > 0;
}

GPtrArray *ham_timeline_awaiting_fence(const HamTimeline *tl)
{
        GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < tl->nodes->len; i++) {
                const NodeState *n = tl->nodes->pdata[i];
                if (n->fence_confirmed < 0)
                        g_ptr_array_add(out, g_strdup(n->node));
        }
        return out;
}

/* ---- JSON ------------------------------------------------------------------ */

static json_object *time_or_null(gint64 t)
{
        return t >= 0 ? json_object_new_int64(t) : NULL;
}

static json_object *diff_or_null(gint64 a, gint64 b)
{
        return a >= 0 && b >= 0 ? json_object_new_int64(b - a) : NULL;
}

static json_object *record_to_json(const Record *r)
{
        json_object *o = json_object_new_object();
        json_object *steps = json_object_new_object();
        json_object *d = json_object_new_object();
        const gint64 *t = r->t;

        json_object_object_add(o, "id", json_object_new_string(r->id));
        json_object_object_add(o, "guest", json_object_new_string(r->guest));
        json_object_object_add(o, "kind", json_object_new_string(r->kind));
        json_object_object_add(o, "from", pk_json_string_or_null(r->from));
        json_object_object_add(o, "to", pk_json_string_or_null(r->to));
        json_object_object_add(o, "probe", json_object_new_boolean(r->probe));
        for (int i = 0; i < N_STEPS; i++)
                json_object_object_add(steps, ham_tl_steps[i], time_or_null(t[i]));
        json_object_object_add(o, "steps", steps);
        json_object_object_add(o, "fence_failures", json_object_new_int64(r->fence_failures));
        /* The parts a reader compares across drills (bench/failover). */
        json_object_object_add(d, "detect_to_fence",
                               diff_or_null(t[STEP_NODE_LOST], t[STEP_FENCE_REQUESTED]));
        json_object_object_add(d, "fencing",
                               diff_or_null(t[STEP_FENCE_REQUESTED], t[STEP_FENCE_CONFIRMED]));
        json_object_object_add(d, "promote",
                               diff_or_null(t[STEP_FENCE_CONFIRMED], t[STEP_DRBD_PROMOTED]));
        json_object_object_add(d, "start",
                               diff_or_null(t[STEP_DRBD_PROMOTED], t[STEP_GUEST_STARTED]));
        json_object_object_add(d, "service",
                               diff_or_null(t[STEP_GUEST_STARTED], t[STEP_SERVICE_ANSWERING]));
        json_object_object_add(d, "total", record_begin(r) >= 0 ?
                               json_object_new_int64(record_end(r) - record_begin(r)) : NULL);
        json_object_object_add(o, "durations", d);
        json_object_object_add(o, "verdict", json_object_new_string(r->verdict));
        json_object_object_add(o, "reason", pk_json_string_or_null(r->reason));
        json_object_object_add(o, "closed_at", time_or_null(r->closed_at));
        return o;
}

json_object *ham_timeline_to_json(const HamTimeline *tl)
{
        json_object *o = json_object_new_object();
        json_object *closed = json_object_new_array();
        json_object *open = json_object_new_array();
        json_object *nodes = json_object_new_array();
        json_object *placement = json_object_new_object();
        json_object *promoted = json_object_new_object();
        g_autoptr(GList) keys = NULL;

        for (guint i = 0; i < tl->closed->len; i++)
                json_object_array_add(closed, record_to_json(tl->closed->pdata[i]));
        for (guint i = 0; i < tl->open->len; i++)
                json_object_array_add(open, record_to_json(tl->open->pdata[i]));
        for (guint i = 0; i < tl->nodes->len; i++) {
                const NodeState *n = tl->nodes->pdata[i];
                json_object *x = json_object_new_object();
                json_object *g = json_object_new_array();
                json_object_object_add(x, "node", json_object_new_string(n->node));
                json_object_object_add(x, "lost_at", time_or_null(n->lost_at));
                json_object_object_add(x, "fence_requested", time_or_null(n->fence_requested));
                json_object_object_add(x, "fence_confirmed", time_or_null(n->fence_confirmed));
                json_object_object_add(x, "fence_failures", json_object_new_int64(n->fence_failures));
                for (guint j = 0; j < n->guests->len; j++)
                        json_object_array_add(g, json_object_new_string(n->guests->pdata[j]));
                json_object_object_add(x, "guests", g);
                json_object_array_add(nodes, x);
        }
        /* Sorted, so the file is stable (and the golden output too). */
        keys = g_list_sort(g_hash_table_get_keys(tl->placement), (GCompareFunc)g_strcmp0);
        for (GList *l = keys; l; l = l->next)
                json_object_object_add(placement, l->data, json_object_new_string(
                        g_hash_table_lookup(tl->placement, l->data)));
        g_clear_pointer(&keys, g_list_free);
        keys = g_list_sort(g_hash_table_get_keys(tl->promoted), (GCompareFunc)g_strcmp0);
        for (GList *l = keys; l; l = l->next) {
                const Pending *p = g_hash_table_lookup(tl->promoted, l->data);
                json_object *x = json_object_new_object();
                json_object_object_add(x, "node", json_object_new_string(p->node));
                json_object_object_add(x, "at", json_object_new_int64(p->at));
                json_object_object_add(promoted, l->data, x);
        }
        json_object_object_add(o, "v", json_object_new_int(HAM_TL_VERSION));
        json_object_object_add(o, "failovers", closed);
        json_object_object_add(o, "open", open);
        json_object_object_add(o, "nodes", nodes);
        json_object_object_add(o, "placement", placement);
        json_object_object_add(o, "promoted", promoted);
        return o;
}

/* ---- reading back ------------------------------------------------------------- */

static gboolean bad(GError **error, const char *where, const char *rule)
{
        g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE, "%s: must be %s", where, rule);
        return FALSE;
}

static gboolean check_keys(json_object *o, const char *where, const char *const *known,
                           GError **error)
{
        json_object_object_foreach(o, key, val) {
                (void)val;
                if (!g_strv_contains(known, key)) {
                        g_autofree char *k = g_strescape(key, NULL);
                        g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE,
                                    "%s.%s: unknown field", where, k);
                        return FALSE;
                }
        }
        return TRUE;
}

/* A time, or NONE for null/absent. */
static gboolean read_time(json_object *o, const char *key, const char *where, gint64 *ret,
                          GError **error)
{
        json_object *v = json_object_object_get(o, key);
        gint64 t;
        if (!v) {
                *ret = NONE;
                return TRUE;
        }
        if (!json_object_is_type(v, json_type_int) || (t = json_object_get_int64(v)) < 0 ||
            t > MAX_TIME) {
                g_autofree char *w = g_strdup_printf("%s.%s", where, key);
                return bad(error, w, "a time in ms since the epoch (0..2^53) or null");
        }
        *ret = t;
        return TRUE;
}

static gboolean read_count(json_object *o, const char *key, const char *where, guint *ret,
                           GError **error)
{
        json_object *v = json_object_object_get(o, key);
        gint64 n;
        if (!v) {
                *ret = 0;
                return TRUE;
        }
        if (!json_object_is_type(v, json_type_int) || (n = json_object_get_int64(v)) < 0 ||
            n > 1000000) {
                g_autofree char *w = g_strdup_printf("%s.%s", where, key);
                return bad(error, w, "an integer 0..1000000");
        }
        *ret = (guint)n;
        return TRUE;
}

/* A string checked by @valid; absent or null gives NULL when @nullable. */
static gboolean read_str(json_object *o, const char *key, const char *where,
                         gboolean (*valid)(const char *), const char *rule, gboolean nullable,
                         char **ret, GError **error)
{
        json_object *v = json_object_object_get(o, key);
        const char *s;
        g_autofree char *w = g_strdup_printf("%s.%s", where, key);
        if (!v && nullable) {
                *ret = NULL;
                return TRUE;
        }
        if (!v || !json_object_is_type(v, json_type_string))
                return bad(error, w, rule);
        s = json_object_get_string(v);
        if (strlen(s) != (size_t)json_object_get_string_len(v) || !valid(s))
                return bad(error, w, rule);
        *ret = g_strdup(s);
        return TRUE;
}

static gboolean id_valid(const char *s)
{
        gsize n = strlen(s);
        if (n == 0 || n > 64)
                return FALSE;
        for (gsize i = 0; i < n; i++)
                if (!g_ascii_isalnum(s[i]) && s[i] != '-')
                        return FALSE;
        return TRUE;
}

static gboolean kind_valid(const char *s)
{
        return g_str_equal(s, "failover") || g_str_equal(s, "recovery");
}

static gboolean verdict_valid(const char *s)
{
        return g_str_equal(s, "open") || g_str_equal(s, "complete") || g_str_equal(s, "incomplete");
}

static gboolean reason_valid(const char *s)
{
        gsize n = strlen(s);
        if (n > 512)
                return FALSE;
        for (gsize i = 0; i < n; i++)
                if ((guchar)s[i] < 0x20)
                        return FALSE;
        return g_utf8_validate(s, -1, NULL);
}

static Record *record_from_json(json_object *o, const char *where, gboolean open, GError **error)
{
        static const char *const keys[] = {
                "id", "guest", "kind", "from", "to", "probe", "steps", "fence_failures",
                "durations", "verdict", "reason", "closed_at", NULL,
        };
        g_autoptr(GPtrArray) hold = g_ptr_array_new_with_free_func((GDestroyNotify)record_free);
        Record *r = g_new0(Record, 1);
        json_object *steps, *v;
        g_autofree char *sw = g_strdup_printf("%s.steps", where);

        g_ptr_array_add(hold, r);
        if (!json_object_is_type(o, json_type_object)) {
                bad(error, where, "an object");
                return NULL;
        }
        if (!check_keys(o, where, keys, error) ||
            !read_str(o, "id", where, id_valid, "1-64 of [A-Za-z0-9-]", FALSE, &r->id, error) ||
            !read_str(o, "guest", where, hv_guest_name_valid,
                      "a guest name: " HV_GUEST_NAME_RULE, FALSE, &r->guest, error) ||
            !read_str(o, "kind", where, kind_valid, "\"failover\" or \"recovery\"", FALSE,
                      &r->kind, error) ||
            !read_str(o, "from", where, ham_name_valid, "a node name or null", TRUE, &r->from, error) ||
            !read_str(o, "to", where, ham_name_valid, "a node name or null", TRUE, &r->to, error) ||
            !read_str(o, "verdict", where, verdict_valid,
                      "\"open\", \"complete\" or \"incomplete\"", FALSE, &r->verdict, error) ||
            !read_str(o, "reason", where, reason_valid, "text of at most 512 characters or null",
                      TRUE, &r->reason, error) ||
            !read_time(o, "closed_at", where, &r->closed_at, error) ||
            !read_count(o, "fence_failures", where, &r->fence_failures, error))
                return NULL;
        if ((v = json_object_object_get(o, "probe")) && !json_object_is_type(v, json_type_boolean)) {
                g_autofree char *w = g_strdup_printf("%s.probe", where);
                bad(error, w, "true or false");
                return NULL;
        }
        r->probe = v && json_object_get_boolean(v);
        if ((v = json_object_object_get(o, "durations")) && !json_object_is_type(v, json_type_object)) {
                g_autofree char *w = g_strdup_printf("%s.durations", where);
                bad(error, w, "an object (it is recomputed)");
                return NULL;
        }
        if (!json_object_object_get_ex(o, "steps", &steps) ||
            !json_object_is_type(steps, json_type_object)) {
                bad(error, sw, "an object of step times");
                return NULL;
        }
        if (!check_keys(steps, sw, ham_tl_steps, error))
                return NULL;
        for (int i = 0; i < N_STEPS; i++)
                if (!read_time(steps, ham_tl_steps[i], sw, &r->t[i], error))
                        return NULL;
        if (open != g_str_equal(r->verdict, "open")) {
                g_autofree char *w = g_strdup_printf("%s.verdict", where);
                bad(error, w, open ? "\"open\" in the open list" : "\"complete\" or \"incomplete\"");
                return NULL;
        }
        if (record_begin(r) < 0) {
                bad(error, sw, "at least one step's time");
                return NULL;
        }
        return g_ptr_array_steal_index(hold, 0);
}

static gboolean array_of(json_object *o, const char *key, guint max, json_object **ret,
                         GError **error)
{
        json_object *v = json_object_object_get(o, key);
        if (!v) {
                *ret = NULL;
                return TRUE;
        }
        if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) > max) {
                g_autofree char *rule = g_strdup_printf("an array of at most %u", max);
                return bad(error, key, rule);
        }
        *ret = v;
        return TRUE;
}

HamTimeline *ham_timeline_from_json(json_object *obj, gint64 probe_timeout_ms,
                                    gint64 start_timeout_ms, GError **error)
{
        static const char *const keys[] = {
                "v", "failovers", "open", "nodes", "placement", "promoted", NULL,
        };
        static const char *const node_keys[] = {
                "node", "lost_at", "fence_requested", "fence_confirmed", "fence_failures",
                "guests", NULL,
        };
        g_autoptr(HamTimeline) tl = ham_timeline_new(probe_timeout_ms, start_timeout_ms);
        json_object *v, *arr;

        if (!json_object_is_type(obj, json_type_object)) {
                bad(error, "history", "a JSON object");
                return NULL;
        }
        if (!check_keys(obj, "history", keys, error))
                return NULL;
        if (!json_object_object_get_ex(obj, "v", &v) || !json_object_is_type(v, json_type_int) ||
            json_object_get_int64(v) != HAM_TL_VERSION) {
                bad(error, "v", "1 (this hamgrd's history format)");
                return NULL;
        }
        if (!array_of(obj, "failovers", HAM_TL_MAX_RECORDS, &arr, error))
                return NULL;
        for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
                g_autofree char *w = g_strdup_printf("failovers[%zu]", i);
                Record *r = record_from_json(json_object_array_get_idx(arr, i), w, FALSE, error);
                if (!r)
                        return NULL;
                g_ptr_array_add(tl->closed, r);
        }
        if (!array_of(obj, "open", HAM_TL_MAX_OPEN, &arr, error))
                return NULL;
        for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
                g_autofree char *w = g_strdup_printf("open[%zu]", i);
                Record *r = record_from_json(json_object_array_get_idx(arr, i), w, TRUE, error);
                if (!r)
                        return NULL;
                if (find_open(tl, r->guest)) {
                        record_free(r);
                        bad(error, w, "the only open record of its guest");
                        return NULL;
                }
                g_ptr_array_add(tl->open, r);
        }
        if (!array_of(obj, "nodes", HAM_TL_MAX_NODES, &arr, error))
                return NULL;
        for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
                g_autofree char *w = g_strdup_printf("nodes[%zu]", i);
                g_autofree char *gw = g_strdup_printf("nodes[%zu].guests", i);
                json_object *x = json_object_array_get_idx(arr, i), *g;
                g_autofree char *name = NULL;
                if (!json_object_is_type(x, json_type_object)) {
                        bad(error, w, "an object");
                        return NULL;
                }
                if (!check_keys(x, w, node_keys, error) ||
                    !read_str(x, "node", w, ham_name_valid, "a node name", FALSE, &name, error))
                        return NULL;
                if (find_node(tl, name)) {
                        bad(error, w, "a node listed once");
                        return NULL;
                }
                NodeState *n = node_state_new(name);
                g_ptr_array_add(tl->nodes, n);
                if (!read_time(x, "lost_at", w, &n->lost_at, error) ||
                    !read_time(x, "fence_requested", w, &n->fence_requested, error) ||
                    !read_time(x, "fence_confirmed", w, &n->fence_confirmed, error) ||
                    !read_count(x, "fence_failures", w, &n->fence_failures, error))
                        return NULL;
                g = json_object_object_get(x, "guests");
                if (g && (!json_object_is_type(g, json_type_array) ||
                          json_object_array_length(g) > HAM_TL_MAX_GUESTS)) {
                        bad(error, gw, "an array of at most 256 guest names");
                        return NULL;
                }
                for (size_t j = 0; g && j < json_object_array_length(g); j++) {
                        json_object *s = json_object_array_get_idx(g, j);
                        if (!json_object_is_type(s, json_type_string) ||
                            !hv_guest_name_valid(json_object_get_string(s)) ||
                            strlen(json_object_get_string(s)) != (size_t)json_object_get_string_len(s)) {
                                bad(error, gw, "guest names: " HV_GUEST_NAME_RULE);
                                return NULL;
                        }
                        if (!ptr_array_has(n->guests, json_object_get_string(s)))
                                g_ptr_array_add(n->guests, g_strdup(json_object_get_string(s)));
                }
        }
        if ((v = json_object_object_get(obj, "placement"))) {
                if (!json_object_is_type(v, json_type_object) ||
                    json_object_object_length(v) > HAM_TL_MAX_GUESTS) {
                        bad(error, "placement", "an object of at most 256 GUEST: NODE");
                        return NULL;
                }
                json_object_object_foreach(v, g, n) {
                        if (!hv_guest_name_valid(g) || !json_object_is_type(n, json_type_string) ||
                            !ham_name_valid(json_object_get_string(n))) {
                                bad(error, "placement", "an object of GUEST: NODE names");
                                return NULL;
                        }
                        place(tl, g, json_object_get_string(n));
                }
        }
        if ((v = json_object_object_get(obj, "promoted"))) {
                if (!json_object_is_type(v, json_type_object) ||
                    json_object_object_length(v) > HAM_TL_MAX_GUESTS) {
                        bad(error, "promoted", "an object of at most 256 GUEST: {node, at}");
                        return NULL;
                }
                json_object_object_foreach(v, g, x) {
                        g_autofree char *w = g_strdup_printf("promoted.%s",
                                                             hv_guest_name_valid(g) ? g : "?");
                        g_autofree char *node = NULL;
                        gint64 at;
                        static const char *const p_keys[] = { "node", "at", NULL };
                        if (!hv_guest_name_valid(g) || !json_object_is_type(x, json_type_object)) {
                                bad(error, "promoted", "an object of GUEST: {node, at}");
                                return NULL;
                        }
                        if (!check_keys(x, w, p_keys, error) ||
                            !read_str(x, "node", w, ham_name_valid, "a node name", FALSE, &node, error) ||
                            !read_time(x, "at", w, &at, error))
                                return NULL;
                        if (at < 0) {
                                bad(error, w, "{\"node\", \"at\"} with a time");
                                return NULL;
                        }
                        Pending *p = g_new0(Pending, 1);
                        p->node = g_steal_pointer(&node);
                        p->at = at;
                        g_hash_table_insert(tl->promoted, g_strdup(g), p);
                }
        }
        return g_steal_pointer(&tl);
}

HamTimeline *ham_timeline_parse(const char *text, gsize len, gint64 probe_timeout_ms,
                                gint64 start_timeout_ms, GError **error)
{
        g_autoptr(json_object) obj = NULL;
        GError *local = NULL;

        if (len > HAM_TL_MAX_FILE) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE,
                            "history: %zu bytes is over the limit of %d", len, HAM_TL_MAX_FILE);
                return NULL;
        }
        obj = pk_json_parse(text, (gssize)len, "history", &local);
        if (!obj) {
                g_set_error_literal(error, HAM_ERROR, HAM_ERROR_PARSE, local->message);
                g_error_free(local);
                return NULL;
        }
        return ham_timeline_from_json(obj, probe_timeout_ms, start_timeout_ms, error);
}

json_object *ham_timeline_history(const HamTimeline *tl, const char *guest, guint limit)
{
        json_object *o = json_object_new_object();
        json_object *closed = json_object_new_array();
        json_object *open = json_object_new_array();
        g_autoptr(GPtrArray) pick = g_ptr_array_new();

        for (guint i = 0; i < tl->closed->len; i++) {
                const Record *r = tl->closed->pdata[i];
                if (!guest || g_str_equal(r->guest, guest))
                        g_ptr_array_add(pick, (gpointer)r);
        }
        for (guint i = limit && pick->len > limit ? pick->len - limit : 0; i < pick->len; i++)
                json_object_array_add(closed, record_to_json(pick->pdata[i]));
        for (guint i = 0; i < tl->open->len; i++) {
                const Record *r = tl->open->pdata[i];
                if (!guest || g_str_equal(r->guest, guest))
                        json_object_array_add(open, record_to_json(r));
        }
        json_object_object_add(o, "failovers", closed);
        json_object_object_add(o, "open", open);
        return o;
}

/* ---- the file ---------------------------------------------------------------------- */

HamTimeline *ham_timeline_load(const char *path, gint64 probe_timeout_ms,
                               gint64 start_timeout_ms, char **ret_warning)
{
        g_autofree char *text = NULL;
        g_autoptr(GError) error = NULL;
        gsize len = 0;
        HamTimeline *tl;

        if (!g_file_get_contents(path, &text, &len, &error)) {
                if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT) && ret_warning)
                        *ret_warning = g_strdup_printf("history %s not read: %s", path,
                                                       error->message);
                return ham_timeline_new(probe_timeout_ms, start_timeout_ms);
        }
        tl = ham_timeline_parse(text, len, probe_timeout_ms, start_timeout_ms, &error);
        if (tl)
                return tl;
        /* Kept for a person to look at; a fresh history starts. */
        g_autofree char *aside = g_strdup_printf("%s.corrupt-%" G_GINT64_FORMAT, path,
                                                 g_get_real_time() / G_USEC_PER_SEC);
        if (rename(path, aside) < 0) {
                if (ret_warning)
                        *ret_warning = g_strdup_printf(
                                "history %s is not valid (%s) and cannot be moved aside: %s",
                                path, error->message, g_strerror(errno));
        } else if (ret_warning) {
                *ret_warning = g_strdup_printf("history %s is not valid (%s); moved to %s, "
                                               "starting a new one", path, error->message, aside);
        }
        return ham_timeline_new(probe_timeout_ms, start_timeout_ms);
}

gboolean ham_timeline_save(const HamTimeline *tl, const char *path, GError **error)
{
        g_autoptr(json_object) o = ham_timeline_to_json(tl);
        g_autofree char *text = pk_json_to_string(o, TRUE);
        g_autofree char *data = g_strconcat(text, "\n", NULL);
        g_autofree char *dir = g_path_get_dirname(path);
        int r = pk_mkdir_p(dir, 0755);

        if (r < 0) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "cannot create %s: %s", dir,
                            g_strerror(-r));
                return FALSE;
        }
        return pk_file_write_atomic(path, data, strlen(data), 0644, error);
}

/* ---- text ------------------------------------------------------------------------------ */

static gint64 step_of(json_object *rec, const char *step)
{
        json_object *v = json_object_object_get(json_object_object_get(rec, "steps"), step);
        return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : NONE;
}

static const char *str_of(json_object *o, const char *key, const char *dflt)
{
        json_object *v = json_object_object_get(o, key);
        return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : dflt;
}

static gint64 rec_begin(json_object *rec)
{
        gint64 b = NONE;
        for (int i = 0; ham_tl_steps[i]; i++) {
                gint64 t = step_of(rec, ham_tl_steps[i]);
                if (t >= 0 && (b < 0 || t < b))
                        b = t;
        }
        return b;
}

char *ham_timeline_format_record(json_object *rec)
{
        GString *s = g_string_new(NULL);
        gint64 begin = rec_begin(rec);

        for (int i = 0; ham_tl_steps[i]; i++) {
                gint64 t = step_of(rec, ham_tl_steps[i]);
                g_autofree char *label = g_strdelimit(g_strdup(ham_tl_steps[i]), "_", ' ');
                if (i == STEP_SERVICE_ANSWERING && t < 0 &&
                    !json_object_get_boolean(json_object_object_get(rec, "probe")))
                        continue;
                if (t >= 0)
                        g_string_append_printf(s, "  %+9.3f s  %s\n",
                                               (double)(t - begin) / 1000.0, label);
                else
                        g_string_append_printf(s, "  %11s  %s\n", "-", label);
        }
        return g_string_free(s, FALSE);
}

/* printf pads by bytes; "→" is three of them and one column. */
static void append_padded(GString *s, const char *text, glong width)
{
        glong n = g_utf8_strlen(text, -1);
        g_string_append(s, text);
        for (; n < width; n++)
                g_string_append_c(s, ' ');
}

static void format_one(GString *s, json_object *rec)
{
        gint64 begin = rec_begin(rec);
        json_object *total = json_object_object_get(json_object_object_get(rec, "durations"), "total");
        g_autofree char *when = NULL;
        g_autofree char *move = g_strdup_printf("%s → %s", str_of(rec, "from", "-"),
                                                str_of(rec, "to", "-"));
        g_autofree char *tot = total ? g_strdup_printf("%.1f s",
                                                       json_object_get_int64(total) / 1000.0) :
                                       g_strdup("-");
        g_autofree char *steps = ham_timeline_format_record(rec);
        const char *reason = str_of(rec, "reason", NULL);

        if (begin >= 0) {
                g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(begin / 1000);
                when = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S") : g_strdup("?");
        } else {
                when = g_strdup("-");
        }
        g_string_append_printf(s, "%-12s ", str_of(rec, "guest", "?"));
        append_padded(s, move, 24);
        g_string_append_printf(s, " %-19s %9s  %s %s\n", when, tot, str_of(rec, "kind", "?"),
                               str_of(rec, "verdict", "?"));
        g_string_append(s, steps);
        if (reason)
                g_string_append_printf(s, "  (%s)\n", reason);
        if (json_object_get_int64(json_object_object_get(rec, "fence_failures")) > 0)
                g_string_append_printf(s, "  (fencing failed %" G_GINT64_FORMAT " time(s) first)\n",
                                       json_object_get_int64(json_object_object_get(rec, "fence_failures")));
}

char *ham_timeline_format(json_object *history)
{
        GString *s = g_string_new(NULL);
        json_object *closed = json_object_object_get(history, "failovers");
        json_object *open = json_object_object_get(history, "open");
        size_t nc = closed ? json_object_array_length(closed) : 0;
        size_t no = open ? json_object_array_length(open) : 0;

        if (nc + no == 0) {
                g_string_append(s, "no failovers recorded\n");
                return g_string_free(s, FALSE);
        }
        g_string_append_printf(s, "%-12s ", "GUEST");
        append_padded(s, "FROM → TO", 24);
        g_string_append_printf(s, " %-19s %9s  %s\n", "WHEN", "TOTAL", "KIND VERDICT");
        for (size_t i = 0; i < nc; i++)
                format_one(s, json_object_array_get_idx(closed, i));
        for (size_t i = 0; i < no; i++)
                format_one(s, json_object_array_get_idx(open, i));
        return g_string_free(s, FALSE);
}

/* ---- probe targets --------------------------------------------------------------- */

gboolean ham_probe_target_parse(const char *target, char **ret_host, guint16 *ret_port,
                                GError **error)
{
        g_autofree char *host = NULL;
        const char *colon, *port_s;
        guint64 port = 0;

        if (!target || strlen(target) > 64)
                goto bad;
        if (target[0] == '[') {
                const char *end = strchr(target, ']');
                if (!end || end[1] != ':')
                        goto bad;
                host = g_strndup(target + 1, end - target - 1);
                port_s = end + 2;
        } else {
                colon = strrchr(target, ':');
                if (!colon || strchr(target, ':') != colon)
                        goto bad;
                host = g_strndup(target, colon - target);
                port_s = colon + 1;
        }
        if (!ham_address_valid(host) ||
            !g_ascii_string_to_unsigned(port_s, 10, 1, 65535, &port, NULL))
                goto bad;
        if (ret_host)
                *ret_host = g_steal_pointer(&host);
        if (ret_port)
                *ret_port = (guint16)port;
        return TRUE;
bad:
        g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                    "probe \"%s\": must be ADDRESS:PORT with an IP address and a port "
                    "1..65535 (IPv6 in brackets: [fd00::5]:443)", target ? target : "");
        return FALSE;
}
