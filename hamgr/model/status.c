/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hactl status: hamgrd's cache → the status model and its table (ham-status.h). Pure. */
#include "ham-fencing.h"
#include "ham-health.h"
#include "ham-status.h"
#include "pk.h"
#include "model-internal.h"

#include <string.h>

/* Times an admin reads: the time of day when it is today's, else the date too. (transfer full) */
static char *when(gint64 t, gint64 now)
{
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);
        g_autoptr(GDateTime) dn = g_date_time_new_from_unix_local(now);
        if (!dt || !dn)
                return g_strdup("?");
        if (g_date_time_get_year(dt) == g_date_time_get_year(dn) &&
            g_date_time_get_day_of_year(dt) == g_date_time_get_day_of_year(dn))
                return g_date_time_format(dt, "%H:%M:%S");
        return g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");
}

typedef struct {
        json_object *errors;   /* strings */
        json_object *degraded;
} Problems;

static void problem(Problems *p, gboolean error, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void problem(Problems *p, gboolean error, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        g_autofree char *text = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        json_object_array_add(error ? p->errors : p->degraded, json_object_new_string(text));
}

/* ---- nodes ------------------------------------------------------------------------- */

static const char *node_state(const HamStatusNode *n, const HamCibView *cib)
{
        const HamCibNode *c = ham_cib_view_node(cib, n->name);
        if (!n->online)
                return "offline";
        if (n->maintenance || (c && c->maintenance))
                return "maintenance";
        if (n->standby || (c && c->standby))
                return "standby";
        return "online";
}

/* The value of node attribute @name on @n, or NULL. */
static const char *attribute(const HamStatusNode *n, const char *name)
{
        for (guint i = 0; n && i + 1 < n->attributes->len; i += 2)
                if (g_str_equal(n->attributes->pdata[i], name))
                        return n->attributes->pdata[i + 1];
        return NULL;
}

/* ---- volumes ----------------------------------------------------------------------- */

/* Whole percentages and -1 stay integers, as the facts carry them. */
static json_object *done_json(double done)
{
        return done == (gint64)done ? json_object_new_int64((gint64)done) : json_object_new_double(done);
}

/* The fence-peer handler on @node gave up (no proof before its timeout)
 * and left I/O frozen: the guest hangs on its disk, and says nothing. */
static void frozen_problem(Problems *p, const char *what, const char *node, const GPtrArray *nodes,
                           gint64 since_ms, gint64 now)
{
        const char *peer = "the peer";
        g_autofree char *t = when(since_ms / 1000, now);

        for (guint i = 0; i < nodes->len; i++) {
                const char *n = ((const HamStatusNode *)nodes->pdata[i])->name;
                if (g_strcmp0(n, node) != 0)
                        peer = n;
        }
        problem(p, TRUE, "%s: I/O frozen on %s since %s: its fence-peer handler found no proof that %s "
                "cannot be promoted without the writes that would follow (neither fenced nor holding "
                "the constraint in its own CIB), so the guest waits on its disk; hamgrd resumes I/O "
                "as soon as %s is fenced or the replication link is back. Find out why neither node "
                "fences the other (hactl fence test %s); if %s is really off, 'hactl fence %s --yes' "
                "(plastik-fence-peer(8), RECOVERY)",
                what, node, t, peer, peer, peer, peer, peer);
}

static json_object *state_word(const HamFactsDrbd *d, const char *word)
{
        return d ? json_object_new_string(word) : NULL;
}

/* One volume's DRBD state on every node, and what is wrong with it; @split:
 * it is in split brain, which split_brain_problem() said. */
static json_object *volume_model(const HamCibVolume *vol, const char *guest, const HamClusterStatus *st,
                                 gboolean split, Problems *p)
{
        json_object *m = json_object_new_object();
        json_object *drbd = json_object_new_array();
        const char *res = vol->resource;
        g_autofree char *what = g_strdup_printf("guest %s volume %s (%s)", guest, vol->volume,
                                                res ? res : "?");
        gboolean any_uptodate = FALSE, any_known = FALSE, all_online = TRUE;
        gboolean sync_said = FALSE;

        json_object_object_add(m, "volume", pk_json_string_or_null(vol->volume));
        json_object_object_add(m, "resource", pk_json_string_or_null(res));
        json_object_object_add(m, "promoted_on", ham_json_str_list(vol->promoted_on));
        for (guint i = 0; i < st->nodes->len; i++)
                if (!((const HamStatusNode *)st->nodes->pdata[i])->online)
                        all_online = FALSE;
        for (guint i = 0; i < st->nodes->len; i++) {
                const HamStatusNode *n = st->nodes->pdata[i];
                const char *node = n->name;
                const HamFacts *f = ham_facts_find(st->facts, node);
                const HamFactsDrbd *d = ham_facts_drbd(f, res);
                json_object *x = json_object_new_object();
                json_object_object_add(x, "node", json_object_new_string(node));
                json_object_object_add(x, "known", json_object_new_boolean(f != NULL));
                json_object_object_add(x, "at", f ? json_object_new_int64(ham_facts_received(st->facts, st->facts_at, node)) : NULL);
                /* What a node that is gone, or whose hamgrd is, last said. */
                json_object_object_add(x, "stale", json_object_new_boolean(f && (!n->online || !n->hamgrd)));
                json_object_object_add(x, "up", json_object_new_boolean(d != NULL));
                json_object_object_add(x, "role", state_word(d, d ? dg_role_name(d->role) : NULL));
                json_object_object_add(x, "disk", state_word(d, d ? dg_disk_name(d->disk) : NULL));
                json_object_object_add(x, "conn", state_word(d, d ? dg_conn_name(d->conn) : NULL));
                json_object_object_add(x, "peer_disk", state_word(d, d ? dg_disk_name(d->peer_disk) : NULL));
                json_object_object_add(x, "repl", state_word(d, d ? dg_repl_name(d->repl) : NULL));
                gboolean s = d && dg_repl_is_resync(d->repl);
                json_object_object_add(x, "sync", s ? done_json(d->done) : NULL);
                json_object_object_add(x, "split_brain", d && d->split_brain ?
                                       dg_split_brain_to_json(d->split_brain) : NULL);
                gint64 frozen = d ? d->frozen_since : 0;
                json_object_object_add(x, "frozen_since", frozen > 0 ? json_object_new_int64(frozen) : NULL);
                json_object_array_add(drbd, x);

                if (!f)
                        continue;
                any_known = TRUE;
                if (!d) {
                        if (n->online)
                                problem(p, FALSE, "%s: DRBD resource not up on %s", what, node);
                        continue;
                }
                if (d->disk == DG_DISK_UPTODATE)
                        any_uptodate = TRUE;
                if (split && d->conn != DG_CONN_CONNECTED) {
                        /* Why it is not connected, and the way out, is the
                         * split-brain problem's to say. */
                } else if (frozen > 0 && d->conn != DG_CONN_CONNECTED) {
                        frozen_problem(p, what, node, st->nodes, frozen, st->now);
                } else if (d->conn == DG_CONN_STANDALONE) {
                        problem(p, TRUE, "%s: StandAlone on %s (split brain, or disconnected by "
                                "hand): resolve it, then drbdadm connect %s", what, node,
                                res ? res : "RES");
                } else if (s && !sync_said) {
                        sync_said = TRUE;
                        if (d->done >= 0)
                                problem(p, FALSE, "%s: resync %.1f%% done (%s %s)", what, d->done,
                                        node, dg_repl_name(d->repl));
                        else
                                problem(p, FALSE, "%s: resync running (%s %s)", what, node,
                                        dg_repl_name(d->repl));
                } else if (!s && d->conn != DG_CONN_CONNECTED && all_online) {
                        problem(p, FALSE, "%s: not connected on %s (%s)", what, node,
                                dg_conn_name(d->conn));
                } else if (!s && d->disk != DG_DISK_UPTODATE && d->disk != DG_DISK_DISKLESS) {
                        problem(p, FALSE, "%s: disk %s on %s: no redundancy", what,
                                dg_disk_name(d->disk), node);
                } else if (!s && d->disk == DG_DISK_DISKLESS) {
                        problem(p, TRUE, "%s: Diskless on %s (the disk failed or was detached): "
                                "replace the disk, then drbdadm attach %s", what, node,
                                res ? res : "RES");
                }
        }
        if (any_known && !any_uptodate)
                problem(p, TRUE, "%s: no node has UpToDate data", what);
        json_object_object_add(m, "drbd", drbd);
        return m;
}

/* ---- a split brain ----------------------------------------------------------------- */

/* Bytes DRBD's bitmap counted, as an admin reads them. (transfer full) */
static char *kib_text(gint64 kib)
{
        if (kib < 1024)
                return g_strdup_printf("%" G_GINT64_FORMAT " KiB", kib);
        if (kib < 1024 * 1024)
                return g_strdup_printf("%.1f MiB", (double)kib / 1024);
        return g_strdup_printf("%.1f GiB", (double)kib / (1024 * 1024));
}

/* What is known of one copy: its node's own record says it ("self"), else
 * the other node's record, which saw it at the same handshake ("peer").
 * (transfer full) */
static char *copy_text(const DgSplitBrain *own, const DgSplitBrain *other)
{
        const char *gen = own ? own->self_generation : NULL;
        gint64 kib = own ? own->self_kib : -1;
        g_autofree char *size = NULL;

        if (!gen && other)
                gen = other->peer_generation;
        if (kib < 0 && other)
                kib = other->peer_kib;
        if (kib >= 0)
                size = kib_text(kib);
        return g_strdup_printf("generation %s%s%s%s", gen ? gen : "unknown",
                               size ? ", " : "", size ? size : "", size ? " written apart" : "");
}

/* One problem per volume in split brain, from either node's record (the
 * split-brain handler's, which hamgrd keeps until the volume connects
 * again), both combined when both have one. TRUE when it is in split brain. */
static gboolean split_brain_problem(Problems *p, const char *guest, const HamCibVolume *vol,
                                    const HamClusterStatus *st)
{
        const char *res = vol->resource;
        const char *name[2] = { NULL, NULL };
        const DgSplitBrain *rec[2] = { NULL, NULL };
        gint64 since = 0;
        guint n = 0;

        /* A pair: a record's "self" is its node's copy, "peer" the other's. */
        for (guint i = 0; i < st->nodes->len && n < 2; i++)
                name[n++] = ((const HamStatusNode *)st->nodes->pdata[i])->name;
        for (guint i = 0; i < n; i++) {
                const HamFactsDrbd *d = ham_facts_drbd(ham_facts_find(st->facts, name[i]), res);
                rec[i] = d ? d->split_brain : NULL;
                gint64 at = rec[i] ? rec[i]->detected_ms / 1000 : 0;
                if (at > 0 && (!since || at < since))
                        since = at;
        }
        if (!rec[0] && !rec[1])
                return FALSE;

        g_autofree char *t = since ? when(since, st->now) : NULL;
        g_autofree char *copy0 = copy_text(rec[0], rec[1]);
        g_autofree char *copy1 = copy_text(rec[1], rec[0]);
        problem(p, TRUE, "volume %s (%s) of guest %s is in split brain%s%s: %s's copy (%s) and "
                "%s's (%s) each hold writes the other lacks; DRBD connects neither until you "
                "choose the copy to keep: on the node whose copy you give up run "
                "'hactl guest split-brain %s --discard-here', then '--keep-here' on the other "
                "(hactl(8), SPLIT BRAIN)",
                vol->volume ? vol->volume : "?", res,
                guest, t ? " since " : "", t ? t : "", name[0], copy0,
                name[1] ? name[1] : "the peer", copy1, guest);
        return TRUE;
}

/* ---- a blocked failover ------------------------------------------------------------ */

json_object *ham_status_guest_blocked(const HamCibGuest *guest, const GPtrArray *nodes)
{
        const char *role = guest->target_role;

        if (guest->running_on->len || guest->failed_on->len ||
            (role && g_ascii_strcasecmp(role, "Stopped") == 0))
                return NULL;
        for (guint i = 0; i < guest->volumes->len; i++) {
                const HamCibVolume *v = guest->volumes->pdata[i];
                const HamCibFenceConstraint *fc = v->fence_constraint;
                const char *current = fc ? fc->node : NULL;
                const HamStatusNode *holder = NULL;
                const char *outdated = NULL;
                for (guint j = 0; current && j < nodes->len; j++)
                        if (g_str_equal(((const HamStatusNode *)nodes->pdata[j])->name, current))
                                holder = nodes->pdata[j];
                if (!current || (holder && holder->online))
                        continue;
                /* The copy that cannot be promoted: an online node's first. */
                for (guint j = 0; j < nodes->len; j++) {
                        const HamStatusNode *n = nodes->pdata[j];
                        if (g_str_equal(n->name, current))
                                continue;
                        if (!outdated || n->online)
                                outdated = n->name;
                        if (n->online)
                                break;
                }
                gint64 lost = holder ? holder->lost_at : 0;
                json_object *b = json_object_new_object();
                json_object_object_add(b, "volume", pk_json_string_or_null(v->volume));
                json_object_object_add(b, "resource", pk_json_string_or_null(v->resource));
                json_object_object_add(b, "current_on", json_object_new_string(current));
                json_object_object_add(b, "current_offline_since",
                                       lost > 0 ? json_object_new_int64(lost) : NULL);
                json_object_object_add(b, "outdated_on", pk_json_string_or_null(outdated));
                json_object_object_add(b, "constraint", pk_json_string_or_null(fc->id));
                return b;
        }
        return NULL;
}

/* One problem, said once: why the guest cannot start, and both ways out. */
static void blocked_problem(Problems *p, const char *guest, json_object *b, gint64 now)
{
        const char *current = pk_json_get_string(b, "current_on");
        const char *outdated = pk_json_get_string(b, "outdated_on");
        const char *id = pk_json_get_string(b, "constraint");
        gint64 lost = pk_json_get_int(b, "current_offline_since", 0);
        g_autofree char *t = lost ? when(lost, now) : NULL;
        g_autofree char *since = t ? g_strdup_printf("offline since %s", t) :
                                 g_strdup("offline (since when is not known)");
        g_autofree char *other = outdated ? g_strdup_printf("the copy on %s", outdated) :
                                 g_strdup("the other copy");
        const char *there = outdated ? outdated : "the other node";

        problem(p, TRUE, "guest %s cannot start: volume %s (%s) is current only on %s, which "
                "is %s; %s is outdated (constraint %s). Either bring %s back (the guest then "
                "starts and %s resyncs), or, to run on %s accepting the loss of the writes %s "
                "made after the replication link broke, run 'hactl guest accept-loss %s' there "
                "(it keeps a snapshot of the copy first).", guest, pk_json_get_string(b, "volume"),
                pk_json_get_string(b, "resource"), current, since, other, id, current, there, there,
                current, guest);
}

/* ---- the model ---------------------------------------------------------------------- */

json_object *ham_status_build(const HamClusterStatus *st)
{
        json_object *model = json_object_new_object();
        const HamCibView *cib = st->cib;
        json_object *out_nodes = json_object_new_array();
        json_object *fencing = json_object_new_array();
        json_object *guests = json_object_new_array();
        json_object *problems = json_object_new_array();
        Problems p = { json_object_new_array(), json_object_new_array() };
        gint64 now = st->now;

        if (!st->quorate)
                problem(&p, TRUE, "no quorum: this node may not run resources; bring the "
                        "other node back or check corosync (corosync-quorumtool -s)");
        for (guint i = 0; i < st->nodes->len; i++) {
                const HamStatusNode *n = st->nodes->pdata[i];
                const char *name = n->name;
                const char *state = node_state(n, cib);
                const HamFacts *f = ham_facts_find(st->facts, name);
                gint64 lost = n->lost_at, back = n->back_at;
                json_object *x = json_object_new_object();
                json_object_object_add(x, "name", json_object_new_string(name));
                json_object_object_add(x, "state", json_object_new_string(state));
                json_object_object_add(x, "dc", json_object_new_boolean(g_strcmp0(name, st->dc) == 0));
                json_object_object_add(x, "local", json_object_new_boolean(g_strcmp0(name, st->local) == 0));
                json_object_object_add(x, "hamgrd", json_object_new_boolean(n->hamgrd));
                json_object_object_add(x, "lost_at", lost ? json_object_new_int64(lost) : NULL);
                json_object_object_add(x, "back_at", back ? json_object_new_int64(back) : NULL);
                json_object_object_add(x, "facts_at", f ?
                                       json_object_new_int64(ham_facts_received(st->facts, st->facts_at, name)) : NULL);
                /* What the guests running there cost it, against what it has. */
                json_object *mem = json_object_new_object();
                json_object_object_add(mem, "total_mib", f && f->mem_total_mib ?
                                       json_object_new_int64((gint64)f->mem_total_mib) : NULL);
                json_object_object_add(mem, "committed_mib",
                                       json_object_new_int64((gint64)ham_capacity_mib(cib, name, NULL, NULL)));
                json_object_object_add(x, "memory", mem);
                json_object_array_add(out_nodes, x);

                if (g_str_equal(state, "offline")) {
                        g_autofree char *t = lost ? when(lost, now) : NULL;
                        if (t)
                                problem(&p, FALSE, "no redundancy: %s offline since %s", name, t);
                        else
                                problem(&p, FALSE, "no redundancy: %s offline", name);
                } else if (g_str_equal(state, "standby")) {
                        problem(&p, FALSE, "no redundancy: %s in standby (hactl node online %s "
                                "ends it)", name, name);
                } else if (g_str_equal(state, "maintenance")) {
                        problem(&p, FALSE, "%s in maintenance: its resources are not managed "
                                "(hactl node unmaintenance %s ends it)", name, name);
                }
                if (!g_str_equal(state, "offline") && !n->hamgrd) {
                        if (f) {
                                g_autofree char *t = when(ham_facts_received(st->facts, st->facts_at, name), now);
                                problem(&p, FALSE, "%s: hamgrd not running there; its DRBD state "
                                        "below is from %s", name, t);
                        } else {
                                problem(&p, FALSE, "%s: hamgrd not running there; its DRBD state "
                                        "is unknown", name);
                        }
                }
        }

        /* A node that could not take every guest when the other fails. */
        guint64 need = ham_capacity_mib(cib, NULL, NULL, NULL) + HAM_HOST_RESERVE_MIB;
        for (guint i = 0; cib && cib->guests->len && i < st->nodes->len; i++) {
                const char *name = ((const HamStatusNode *)st->nodes->pdata[i])->name;
                const HamFacts *f = ham_facts_find(st->facts, name);
                if (f && f->mem_total_mib && need > f->mem_total_mib)
                        problem(&p, FALSE, "%s cannot run every guest if the other node fails: they need %"
                                G_GUINT64_FORMAT " MiB with the host's reserve, it has %" G_GUINT64_FORMAT
                                " (hactl verify, E303)", name, need, f->mem_total_mib);
        }

        HamFencing fencing_ok = cib ? ham_fencing_judge_cib(cib, NULL) : HAM_FENCING_USABLE;
        gboolean stonith = fencing_ok != HAM_FENCING_DISABLED;
        if (fencing_ok == HAM_FENCING_DISABLED)
                problem(&p, TRUE, "fencing disabled (stonith-enabled=false): a lost node cannot "
                        "be fenced, so its guests cannot move; see hactl verify");
        else if (fencing_ok == HAM_FENCING_NO_DEVICE)
                problem(&p, TRUE, "no fencing device configured: a lost node cannot be fenced; "
                        "see hactl verify");
        else if (fencing_ok == HAM_FENCING_ALL_STOPPED)
                problem(&p, TRUE, "every fencing device is stopped (target-role Stopped): a lost "
                        "node cannot be fenced; see hactl verify");
        for (guint i = 0; cib && fencing_ok == HAM_FENCING_USABLE && i < st->nodes->len; i++) {
                const char *name = ((const HamStatusNode *)st->nodes->pdata[i])->name;
                if (ham_fencing_judge_cib(cib, name) == HAM_FENCING_NOT_COVERED)
                        problem(&p, TRUE, "no running fencing device fences %s (pcmk_host_list): "
                                "if %s is lost it cannot be fenced; see hactl fence list", name, name);
        }
        for (guint i = 0; cib && i < cib->fencing->len; i++) {
                const HamCibFencing *d = cib->fencing->pdata[i];
                json_object *x = json_object_new_object();
                json_object_object_add(x, "id", pk_json_string_or_null(d->id));
                json_object_object_add(x, "agent", pk_json_string_or_null(d->agent));
                json_object_object_add(x, "wrapper", pk_json_string_or_null(d->wrapper));
                json_object_object_add(x, "race_delay", d->wrapper ? json_object_new_int(d->race_delay_s) : NULL);
                json_object_object_add(x, "running_on", ham_json_str_list(d->running_on));
                json_object_array_add(fencing, x);
        }

        for (guint i = 0; cib && i < cib->guests->len; i++) {
                const HamCibGuest *g = cib->guests->pdata[i];
                const char *name = g->name ? g->name : g->id;
                const char *node = g->running_on->len ? g->running_on->pdata[0] : NULL;
                const char *role = g->target_role;
                gboolean stopped_on_purpose = role && g_ascii_strcasecmp(role, "Stopped") == 0;
                const char *state = g->failed_on->len ? "failed" : node ? "running" : "stopped";
                const char *health = NULL;
                json_object *x = json_object_new_object();
                json_object *vols = json_object_new_array();

                if (node) {
                        g_autofree char *attr = ham_health_attr_guest(name);
                        health = attribute(ham_cluster_status_node(st, node), attr);
                }
                json_object_object_add(x, "name", pk_json_string_or_null(name));
                json_object_object_add(x, "node", pk_json_string_or_null(node));
                json_object_object_add(x, "state", json_object_new_string(state));
                json_object_object_add(x, "target_role", pk_json_string_or_null(role));
                json_object_object_add(x, "health", pk_json_string_or_null(health));
                g_autofree gboolean *split = g_new0(gboolean, g->volumes->len + 1);
                gboolean any_split = FALSE;
                for (guint j = 0; j < g->volumes->len; j++) {
                        split[j] = split_brain_problem(&p, name, g->volumes->pdata[j], st);
                        any_split = any_split || split[j];
                }
                /* A split brain comes first: "blocked" would call a copy
                 * outdated that holds writes of its own, and which copy
                 * survives is the operator's choice in resolving it (after
                 * which blocked is judged again). */
                json_object *blocked = any_split ? NULL : ham_status_guest_blocked(g, st->nodes);
                json_object_object_add(x, "split_brain", json_object_new_boolean(any_split));
                json_object_object_add(x, "blocked", blocked);
                if (blocked)
                        blocked_problem(&p, name, blocked, now);
                else if (g->failed_on->len)
                        problem(&p, TRUE, "guest %s failed on %s: see crm_mon -1 --failcounts, "
                                "then crm_resource --cleanup -r %s", name,
                                (const char *)g->failed_on->pdata[0], g->id);
                else if (!node && !stopped_on_purpose)
                        problem(&p, FALSE, "guest %s is not running anywhere", name);
                else if (health && !g_str_equal(health, "ok"))
                        problem(&p, FALSE, "guest %s on %s: %s", name, node, health);
                for (guint j = 0; j < g->volumes->len; j++)
                        json_object_array_add(vols, volume_model(g->volumes->pdata[j], name, st,
                                                                 split[j], &p));
                json_object_object_add(x, "volumes", vols);
                json_object_array_add(guests, x);
        }

        for (size_t i = 0; i < pk_json_array_len(p.errors); i++) {
                json_object *x = json_object_new_object();
                json_object_object_add(x, "severity", json_object_new_string("error"));
                json_object_object_add(x, "text", json_object_get(json_object_array_get_idx(p.errors, i)));
                json_object_array_add(problems, x);
        }
        for (size_t i = 0; i < pk_json_array_len(p.degraded); i++) {
                json_object *x = json_object_new_object();
                json_object_object_add(x, "severity", json_object_new_string("degraded"));
                json_object_object_add(x, "text", json_object_get(json_object_array_get_idx(p.degraded, i)));
                json_object_array_add(problems, x);
        }
        json_object_object_add(model, "health", json_object_new_string(
                pk_json_array_len(p.errors) ? "error" : pk_json_array_len(p.degraded) ? "degraded" : "ok"));
        json_object_object_add(model, "now", json_object_new_int64(now));
        json_object_object_add(model, "local", pk_json_string_or_null(st->local));
        json_object_object_add(model, "quorate", json_object_new_boolean(st->quorate));
        json_object_object_add(model, "dc", pk_json_string_or_null(st->dc));
        json_object_object_add(model, "problems", problems);
        json_object_object_add(model, "nodes", out_nodes);
        /* Every guest on one node, as when the other fails (hactl verify, E303). */
        json_object *capacity = json_object_new_object();
        guint64 all = ham_capacity_mib(cib, NULL, NULL, NULL);
        json_object_object_add(capacity, "guests_mib", json_object_new_int64((gint64)all));
        json_object_object_add(capacity, "host_reserve_mib", json_object_new_int64(HAM_HOST_RESERVE_MIB));
        json_object_object_add(capacity, "need_mib", json_object_new_int64((gint64)(all + HAM_HOST_RESERVE_MIB)));
        json_object_object_add(model, "capacity", capacity);
        json_object_object_add(model, "stonith_enabled", json_object_new_boolean(stonith));
        json_object_object_add(model, "fencing", fencing);
        json_object_object_add(model, "guests", guests);
        json_object_put(p.errors);
        json_object_put(p.degraded);
        return model;
}

int ham_status_exit_code(json_object *model)
{
        const char *h = pk_json_get_string(model, "health");
        return g_strcmp0(h, "ok") == 0 ? 0 : g_strcmp0(h, "degraded") == 0 ? HAM_EXIT_DEGRADED :
               HAM_EXIT_ERRORS;
}

/* ---- text ------------------------------------------------------------------------------ */

static const char *or_dash(const char *s)
{
        return s ? s : "-";
}

char *ham_status_render(json_object *model)
{
        GString *out = g_string_new(NULL);
        gint64 now = pk_json_get_int(model, "now", 0);
        json_object *problems = pk_json_get(model, "problems");
        json_object *nodes = pk_json_get(model, "nodes");
        json_object *fencing = pk_json_get(model, "fencing");
        json_object *guests = pk_json_get(model, "guests");
        g_autofree char *t = when(now, now);

        g_string_append_printf(out, "cluster %s, %s, DC %s (seen from %s at %s)\n",
                               or_dash(pk_json_get_string(model, "health")),
                               pk_json_get_true(model, "quorate") ? "quorate" : "NO QUORUM",
                               or_dash(pk_json_get_string(model, "dc")), or_dash(pk_json_get_string(model, "local")), t);
        if (pk_json_array_len(problems)) {
                g_string_append(out, "\nPROBLEMS\n");
                for (size_t i = 0; i < pk_json_array_len(problems); i++) {
                        json_object *x = json_object_array_get_idx(problems, i);
                        g_string_append_printf(out, "  %-8s %s\n",
                                               g_strcmp0(pk_json_get_string(x, "severity"), "error") == 0 ?
                                               "ERROR" : "DEGRADED", pk_json_get_string(x, "text"));
                }
        }
        g_string_append(out, "\nNODE         STATE        DC  HAMGRD  GUESTS/MEMORY    SINCE\n");
        for (size_t i = 0; i < pk_json_array_len(nodes); i++) {
                json_object *n = json_object_array_get_idx(nodes, i);
                gint64 lost = pk_json_get_int(n, "lost_at", 0), back = pk_json_get_int(n, "back_at", 0);
                g_autofree char *since = NULL;
                if (g_strcmp0(pk_json_get_string(n, "state"), "offline") == 0 && lost)
                        since = when(lost, now);
                else if (back)
                        since = when(back, now);
                json_object *mem = pk_json_get(n, "memory");
                gint64 total = pk_json_get_int(mem, "total_mib", 0);
                g_autofree char *memory = total ?
                        g_strdup_printf("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " MiB",
                                        pk_json_get_int(mem, "committed_mib", 0), total) :
                        g_strdup_printf("%" G_GINT64_FORMAT "/? MiB", pk_json_get_int(mem, "committed_mib", 0));
                g_string_append_printf(out, "%-12s %-12s %-3s %-7s %-16s %s\n", or_dash(pk_json_get_string(n, "name")),
                                       or_dash(pk_json_get_string(n, "state")), pk_json_get_true(n, "dc") ? "*" : "",
                                       pk_json_get_true(n, "hamgrd") ? "yes" : "no", memory, or_dash(since));
        }
        if (pk_json_array_len(guests)) {
                json_object *cap = pk_json_get(model, "capacity");
                g_string_append_printf(out, "  every guest on one node: %" G_GINT64_FORMAT " MiB with the host's %"
                                       G_GINT64_FORMAT " (guests: memory + QEMU's)\n",
                                       pk_json_get_int(cap, "need_mib", 0), pk_json_get_int(cap, "host_reserve_mib", 0));
        }
        g_string_append_printf(out, "\nFENCING (stonith-enabled=%s)\n",
                               pk_json_get_true(model, "stonith_enabled") ? "true" : "false");
        if (!pk_json_array_len(fencing))
                g_string_append(out, "  none\n");
        for (size_t i = 0; i < pk_json_array_len(fencing); i++) {
                json_object *d = json_object_array_get_idx(fencing, i);
                json_object *on = pk_json_get(d, "running_on");
                const char *wrapper = pk_json_get_string(d, "wrapper");
                g_autofree char *race = wrapper ? g_strdup_printf("  (through %s, race delay %d s)", wrapper,
                                                                  json_object_get_int(pk_json_get(d, "race_delay")))
                                                : g_strdup("");
                g_string_append_printf(out, "  %-20s %-16s %s%s\n", or_dash(pk_json_get_string(d, "id")),
                                       or_dash(pk_json_get_string(d, "agent")),
                                       pk_json_array_len(on) ? json_object_get_string(
                                               json_object_array_get_idx(on, 0)) : "stopped", race);
        }
        g_string_append(out, "\nGUEST            NODE         STATE    HEALTH\n");
        if (!pk_json_array_len(guests))
                g_string_append(out, "  none\n");
        for (size_t i = 0; i < pk_json_array_len(guests); i++) {
                json_object *g = json_object_array_get_idx(guests, i);
                json_object *vols = pk_json_get(g, "volumes");
                g_string_append_printf(out, "%-16s %-12s %-8s %s\n", or_dash(pk_json_get_string(g, "name")),
                                       or_dash(pk_json_get_string(g, "node")), or_dash(pk_json_get_string(g, "state")),
                                       or_dash(pk_json_get_string(g, "health")));
                for (size_t j = 0; j < pk_json_array_len(vols); j++) {
                        json_object *v = json_object_array_get_idx(vols, j);
                        json_object *drbd = pk_json_get(v, "drbd");
                        g_string_append_printf(out, "  %s (%s)\n", or_dash(pk_json_get_string(v, "volume")),
                                               or_dash(pk_json_get_string(v, "resource")));
                        for (size_t k = 0; k < pk_json_array_len(drbd); k++) {
                                json_object *d = json_object_array_get_idx(drbd, k);
                                json_object *sync = pk_json_get(d, "sync");
                                g_string_append_printf(out, "    %-12s ", or_dash(pk_json_get_string(d, "node")));
                                if (!pk_json_get_true(d, "known")) {
                                        g_string_append(out, "unknown\n");
                                        continue;
                                }
                                if (!pk_json_get_true(d, "up")) {
                                        g_string_append(out, "not up\n");
                                        continue;
                                }
                                g_string_append_printf(out, "%-10s %-13s %-13s peer %s",
                                                       or_dash(pk_json_get_string(d, "role")),
                                                       or_dash(pk_json_get_string(d, "disk")),
                                                       or_dash(pk_json_get_string(d, "conn")),
                                                       or_dash(pk_json_get_string(d, "peer_disk")));
                                if (sync)
                                        g_string_append_printf(out, "  %s %.1f%%",
                                                               or_dash(pk_json_get_string(d, "repl")),
                                                               json_object_get_double(sync));
                                if (json_object_is_type(pk_json_get(d, "split_brain"), json_type_object))
                                        g_string_append(out, "  split brain");
                                if (pk_json_get_true(d, "stale")) {
                                        g_autofree char *at = when(pk_json_get_int(d, "at", 0), now);
                                        g_string_append_printf(out, "  (as of %s)", at);
                                }
                                g_string_append_c(out, '\n');
                        }
                }
        }
        return g_string_free(out, FALSE);
}
