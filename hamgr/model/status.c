/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hactl status: hamgrd's cache → the status model and its table (ham-status.h). Pure. */
#include "ham-fencing.h"
#include "ham-health.h"
#include "ham-status.h"
#include "pk.h"

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

static const char *node_state(json_object *n, json_object *cib_nodes)
{
        json_object *c = pk_json_get(cib_nodes, pk_json_get_string(n, "name"));
        if (!pk_json_get_true(n, "online"))
                return "offline";
        if (pk_json_get_true(n, "maintenance") || pk_json_get_true(c, "maintenance"))
                return "maintenance";
        if (pk_json_get_true(n, "standby") || pk_json_get_true(c, "standby"))
                return "standby";
        return "online";
}

/* ---- volumes ----------------------------------------------------------------------- */

static gboolean syncing(json_object *d)
{
        const char *r = pk_json_get_string(d, "repl");
        return r && (g_str_has_prefix(r, "Sync") || g_str_has_prefix(r, "PausedSync"));
}

/* The split-brain record (dg_split_brain_to_json()) in DRBD facts @d, or NULL. */
static json_object *split_brain_of(json_object *d)
{
        json_object *sb = pk_json_get(d, "split_brain");
        return sb && json_object_is_type(sb, json_type_object) ? sb : NULL;
}

/* The fence-peer handler on @node gave up (no proof before its timeout)
 * and left I/O frozen: the guest hangs on its disk, and says nothing. */
static void frozen_problem(Problems *p, const char *what, const char *node, json_object *nodes,
                           gint64 since_ms, gint64 now)
{
        const char *peer = "the peer";
        g_autofree char *t = when(since_ms / 1000, now);

        for (size_t i = 0; i < pk_json_array_len(nodes); i++) {
                const char *n = pk_json_get_string(json_object_array_get_idx(nodes, i), "name");
                if (n && g_strcmp0(n, node) != 0)
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

/* One volume's DRBD state on every node, and what is wrong with it; @split:
 * it is in split brain, which split_brain_problem() said. */
static json_object *volume_model(json_object *vol, const char *guest, json_object *nodes,
                                 json_object *facts, json_object *facts_at, gint64 now,
                                 gboolean split, Problems *p)
{
        json_object *m = json_object_new_object();
        json_object *drbd = json_object_new_array();
        const char *res = pk_json_get_string(vol, "resource");
        const char *volume = pk_json_get_string(vol, "volume");
        g_autofree char *what = g_strdup_printf("guest %s volume %s (%s)", guest, volume,
                                                res ? res : "?");
        gboolean any_uptodate = FALSE, any_known = FALSE, all_online = TRUE;
        gboolean sync_said = FALSE;

        json_object_object_add(m, "volume", pk_json_string_or_null(volume));
        json_object_object_add(m, "resource", pk_json_string_or_null(res));
        json_object_object_add(m, "promoted_on", json_object_get(pk_json_get(vol, "promoted_on")));
        for (size_t i = 0; i < pk_json_array_len(nodes); i++)
                if (!pk_json_get_true(json_object_array_get_idx(nodes, i), "online"))
                        all_online = FALSE;
        for (size_t i = 0; i < pk_json_array_len(nodes); i++) {
                json_object *n = json_object_array_get_idx(nodes, i);
                const char *node = pk_json_get_string(n, "name");
                json_object *f = pk_json_get(facts, node);
                json_object *d = f ? pk_json_array_find(pk_json_get(f, "drbd"), "name", res) : NULL;
                json_object *x = json_object_new_object();
                json_object_object_add(x, "node", json_object_new_string(node));
                json_object_object_add(x, "known", json_object_new_boolean(f != NULL));
                json_object_object_add(x, "at", f ? json_object_new_int64(pk_json_get_int(facts_at, node, 0)) : NULL);
                /* What a node that is gone, or whose hamgrd is, last said. */
                json_object_object_add(x, "stale", json_object_new_boolean(
                        f && (!pk_json_get_true(n, "online") || !pk_json_get_true(n, "hamgrd"))));
                json_object_object_add(x, "up", json_object_new_boolean(d != NULL));
                json_object_object_add(x, "role", pk_json_string_or_null(pk_json_get_string(d, "role")));
                json_object_object_add(x, "disk", pk_json_string_or_null(pk_json_get_string(d, "disk")));
                json_object_object_add(x, "conn", pk_json_string_or_null(pk_json_get_string(d, "conn")));
                json_object_object_add(x, "peer_disk", pk_json_string_or_null(pk_json_get_string(d, "peer_disk")));
                json_object_object_add(x, "repl", pk_json_string_or_null(pk_json_get_string(d, "repl")));
                json_object *done = pk_json_get(d, "done");
                gboolean s = d && syncing(d);
                json_object_object_add(x, "sync", s && done ? json_object_get(done) : NULL);
                json_object_object_add(x, "split_brain", json_object_get(split_brain_of(d)));
                gint64 frozen = d ? pk_json_get_int(d, "frozen_since", 0) : 0;
                json_object_object_add(x, "frozen_since", frozen > 0 ? json_object_new_int64(frozen) : NULL);
                json_object_array_add(drbd, x);

                if (!f)
                        continue;
                any_known = TRUE;
                if (!d) {
                        if (pk_json_get_true(n, "online"))
                                problem(p, FALSE, "%s: DRBD resource not up on %s", what, node);
                        continue;
                }
                const char *disk = pk_json_get_string(d, "disk"), *conn = pk_json_get_string(d, "conn");
                DgDiskState disk_state = ham_fact_disk(d, "disk");
                DgConnState conn_state = ham_fact_conn(d, "conn");
                if (disk_state == DG_DISK_UPTODATE)
                        any_uptodate = TRUE;
                if (split && conn_state != DG_CONN_CONNECTED) {
                        /* Why it is not connected, and the way out, is the
                         * split-brain problem's to say. */
                } else if (frozen > 0 && conn_state != DG_CONN_CONNECTED) {
                        frozen_problem(p, what, node, nodes, frozen, now);
                } else if (conn_state == DG_CONN_STANDALONE) {
                        problem(p, TRUE, "%s: StandAlone on %s (split brain, or disconnected by "
                                "hand): resolve it, then drbdadm connect %s", what, node,
                                res ? res : "RES");
                } else if (s && !sync_said) {
                        sync_said = TRUE;
                        double pct = done ? json_object_get_double(done) : -1;
                        if (pct >= 0)
                                problem(p, FALSE, "%s: resync %.1f%% done (%s %s)", what, pct,
                                        node, pk_json_get_string(d, "repl"));
                        else
                                problem(p, FALSE, "%s: resync running (%s %s)", what, node,
                                        pk_json_get_string(d, "repl"));
                } else if (!s && conn_state != DG_CONN_CONNECTED && all_online) {
                        problem(p, FALSE, "%s: not connected on %s (%s)", what, node,
                                conn ? conn : "?");
                } else if (!s && disk && disk_state != DG_DISK_UPTODATE && disk_state != DG_DISK_DISKLESS) {
                        problem(p, FALSE, "%s: disk %s on %s: no redundancy", what, disk, node);
                } else if (!s && disk_state == DG_DISK_DISKLESS) {
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

/* A record's KiB figure, -1 when unknown. */
static gint64 kib_of(json_object *sb, const char *key)
{
        json_object *v = pk_json_get(sb, key);
        return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -1;
}

/* What is known of one copy: its node's own record says it ("self"), else
 * the other node's record, which saw it at the same handshake ("peer").
 * (transfer full) */
static char *copy_text(json_object *own, json_object *other)
{
        const char *gen = pk_json_get_string(own, "self_generation");
        gint64 kib = kib_of(own, "self_kib");
        g_autofree char *size = NULL;

        if (!gen)
                gen = pk_json_get_string(other, "peer_generation");
        if (kib < 0)
                kib = kib_of(other, "peer_kib");
        if (kib >= 0)
                size = kib_text(kib);
        return g_strdup_printf("generation %s%s%s%s", gen ? gen : "unknown",
                               size ? ", " : "", size ? size : "", size ? " written apart" : "");
}

/* One problem per volume in split brain, from either node's record (the
 * split-brain handler's, which hamgrd keeps until the volume connects
 * again), both combined when both have one. TRUE when it is in split brain. */
static gboolean split_brain_problem(Problems *p, const char *guest, json_object *vol,
                                    json_object *nodes, json_object *facts, gint64 now)
{
        const char *res = pk_json_get_string(vol, "resource");
        const char *name[2] = { NULL, NULL };
        json_object *rec[2] = { NULL, NULL };
        gint64 since = 0;
        guint n = 0;

        /* A pair: a record's "self" is its node's copy, "peer" the other's. */
        for (size_t i = 0; i < pk_json_array_len(nodes) && n < 2; i++) {
                const char *node = pk_json_get_string(json_object_array_get_idx(nodes, i), "name");
                if (node)
                        name[n++] = node;
        }
        for (guint i = 0; i < n; i++) {
                json_object *f = pk_json_get(facts, name[i]);
                rec[i] = res && f ? split_brain_of(pk_json_array_find(pk_json_get(f, "drbd"), "name", res)) : NULL;
                gint64 at = rec[i] ? pk_json_get_int(rec[i], "detected_ms", 0) / 1000 : 0;
                if (at > 0 && (!since || at < since))
                        since = at;
        }
        if (!rec[0] && !rec[1])
                return FALSE;

        g_autofree char *t = since ? when(since, now) : NULL;
        g_autofree char *copy0 = copy_text(rec[0], rec[1]);
        g_autofree char *copy1 = copy_text(rec[1], rec[0]);
        problem(p, TRUE, "volume %s (%s) of guest %s is in split brain%s%s: %s's copy (%s) and "
                "%s's (%s) each hold writes the other lacks; DRBD connects neither until you "
                "choose the copy to keep: on the node whose copy you give up run "
                "'hactl guest split-brain %s --discard-here', then '--keep-here' on the other "
                "(hactl(8), SPLIT BRAIN)",
                pk_json_get_string(vol, "volume") ? pk_json_get_string(vol, "volume") : "?", res,
                guest, t ? " since " : "", t ? t : "", name[0], copy0,
                name[1] ? name[1] : "the peer", copy1, guest);
        return TRUE;
}

/* ---- a blocked failover ------------------------------------------------------------ */

json_object *ham_status_guest_blocked(json_object *guest, json_object *nodes)
{
        const char *role = pk_json_get_string(guest, "target_role");
        json_object *vols = pk_json_get(guest, "volumes");

        if (pk_json_array_len(pk_json_get(guest, "running_on")) || pk_json_array_len(pk_json_get(guest, "failed_on")) ||
            (role && g_ascii_strcasecmp(role, "Stopped") == 0))
                return NULL;
        for (size_t i = 0; i < pk_json_array_len(vols); i++) {
                json_object *v = json_object_array_get_idx(vols, i);
                json_object *fc = pk_json_get(v, "fence_constraint");
                const char *current = pk_json_get_string(fc, "node");
                json_object *holder = pk_json_array_find(nodes, "name", current);
                const char *outdated = NULL;
                if (!current || pk_json_get_true(holder, "online"))
                        continue;
                /* The copy that cannot be promoted: an online node's first. */
                for (size_t j = 0; j < pk_json_array_len(nodes); j++) {
                        json_object *n = json_object_array_get_idx(nodes, j);
                        const char *name = pk_json_get_string(n, "name");
                        if (!name || g_str_equal(name, current))
                                continue;
                        if (!outdated || pk_json_get_true(n, "online"))
                                outdated = name;
                        if (pk_json_get_true(n, "online"))
                                break;
                }
                gint64 lost = pk_json_get_int(holder, "lost_at", 0);
                json_object *b = json_object_new_object();
                json_object_object_add(b, "volume", pk_json_string_or_null(pk_json_get_string(v, "volume")));
                json_object_object_add(b, "resource", pk_json_string_or_null(pk_json_get_string(v, "resource")));
                json_object_object_add(b, "current_on", json_object_new_string(current));
                json_object_object_add(b, "current_offline_since",
                                       lost > 0 ? json_object_new_int64(lost) : NULL);
                json_object_object_add(b, "outdated_on", pk_json_string_or_null(outdated));
                json_object_object_add(b, "constraint", pk_json_string_or_null(pk_json_get_string(fc, "id")));
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

json_object *ham_status_build(json_object *input)
{
        json_object *model = json_object_new_object();
        json_object *nodes = pk_json_get(input, "nodes");
        json_object *cib = pk_json_get(input, "cib");
        json_object *cib_nodes = pk_json_get(cib, "nodes");
        json_object *facts = pk_json_get(input, "facts");
        json_object *facts_at = pk_json_get(input, "facts_at");
        json_object *out_nodes = json_object_new_array();
        json_object *fencing = json_object_new_array();
        json_object *guests = json_object_new_array();
        json_object *problems = json_object_new_array();
        Problems p = { json_object_new_array(), json_object_new_array() };
        gint64 now = pk_json_get_int(input, "now", 0);
        gboolean quorate = pk_json_get_true(input, "quorate");

        if (!quorate)
                problem(&p, TRUE, "no quorum: this node may not run resources; bring the "
                        "other node back or check corosync (corosync-quorumtool -s)");
        for (size_t i = 0; i < pk_json_array_len(nodes); i++) {
                json_object *n = json_object_array_get_idx(nodes, i);
                const char *name = pk_json_get_string(n, "name");
                const char *state = node_state(n, cib_nodes);
                gint64 lost = pk_json_get_int(n, "lost_at", 0), back = pk_json_get_int(n, "back_at", 0);
                json_object *x = json_object_new_object();
                json_object_object_add(x, "name", pk_json_string_or_null(name));
                json_object_object_add(x, "state", json_object_new_string(state));
                json_object_object_add(x, "dc", json_object_new_boolean(
                        g_strcmp0(name, pk_json_get_string(input, "dc")) == 0));
                json_object_object_add(x, "local", json_object_new_boolean(
                        g_strcmp0(name, pk_json_get_string(input, "local")) == 0));
                json_object_object_add(x, "hamgrd", json_object_new_boolean(pk_json_get_true(n, "hamgrd")));
                json_object_object_add(x, "lost_at", lost ? json_object_new_int64(lost) : NULL);
                json_object_object_add(x, "back_at", back ? json_object_new_int64(back) : NULL);
                json_object_object_add(x, "facts_at", pk_json_get(facts, name) ?
                                       json_object_new_int64(pk_json_get_int(facts_at, name, 0)) : NULL);
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
                if (!g_str_equal(state, "offline") && !pk_json_get_true(n, "hamgrd")) {
                        if (pk_json_get(facts, name)) {
                                g_autofree char *t = when(pk_json_get_int(facts_at, name, 0), now);
                                problem(&p, FALSE, "%s: hamgrd not running there; its DRBD state "
                                        "below is from %s", name, t);
                        } else {
                                problem(&p, FALSE, "%s: hamgrd not running there; its DRBD state "
                                        "is unknown", name);
                        }
                }
        }

        HamFencing fencing_ok = cib ? ham_fencing_judge_view(cib, NULL) : HAM_FENCING_USABLE;
        gboolean stonith = fencing_ok != HAM_FENCING_DISABLED;
        json_object *devs = pk_json_get(cib, "fencing");
        if (fencing_ok == HAM_FENCING_DISABLED)
                problem(&p, TRUE, "fencing disabled (stonith-enabled=false): a lost node cannot "
                        "be fenced, so its guests cannot move; see hactl verify");
        else if (fencing_ok == HAM_FENCING_NO_DEVICE)
                problem(&p, TRUE, "no fencing device configured: a lost node cannot be fenced; "
                        "see hactl verify");
        else if (fencing_ok == HAM_FENCING_ALL_STOPPED)
                problem(&p, TRUE, "every fencing device is stopped (target-role Stopped): a lost "
                        "node cannot be fenced; see hactl verify");
        for (size_t i = 0; fencing_ok == HAM_FENCING_USABLE && i < pk_json_array_len(nodes); i++) {
                const char *name = pk_json_get_string(json_object_array_get_idx(nodes, i), "name");
                if (name && ham_fencing_judge_view(cib, name) == HAM_FENCING_NOT_COVERED)
                        problem(&p, TRUE, "no running fencing device fences %s (pcmk_host_list): "
                                "if %s is lost it cannot be fenced; see hactl fence list", name, name);
        }
        for (size_t i = 0; i < pk_json_array_len(devs); i++) {
                json_object *d = json_object_array_get_idx(devs, i);
                json_object *x = json_object_new_object();
                json_object_object_add(x, "id", pk_json_string_or_null(pk_json_get_string(d, "id")));
                json_object_object_add(x, "agent", pk_json_string_or_null(pk_json_get_string(d, "agent")));
                json_object_object_add(x, "running_on", json_object_get(pk_json_get(d, "running_on")));
                json_object_array_add(fencing, x);
        }

        json_object *gs = pk_json_get(cib, "guests");
        for (size_t i = 0; i < pk_json_array_len(gs); i++) {
                json_object *g = json_object_array_get_idx(gs, i);
                const char *name = pk_json_get_string(g, "name") ? pk_json_get_string(g, "name") : pk_json_get_string(g, "id");
                json_object *running = pk_json_get(g, "running_on");
                json_object *failed = pk_json_get(g, "failed_on");
                const char *node = pk_json_array_len(running) ? json_object_get_string(
                        json_object_array_get_idx(running, 0)) : NULL;
                const char *role = pk_json_get_string(g, "target_role");
                gboolean stopped_on_purpose = role && g_ascii_strcasecmp(role, "Stopped") == 0;
                const char *state = pk_json_array_len(failed) ? "failed" : node ? "running" : "stopped";
                const char *health = NULL;
                json_object *x = json_object_new_object();
                json_object *vols = json_object_new_array();

                if (node) {
                        g_autofree char *attr = ham_health_attr_guest(name);
                        health = pk_json_get_string(pk_json_get(pk_json_array_find(nodes, "name", node), "attributes"), attr);
                }
                json_object_object_add(x, "name", pk_json_string_or_null(name));
                json_object_object_add(x, "node", pk_json_string_or_null(node));
                json_object_object_add(x, "state", json_object_new_string(state));
                json_object_object_add(x, "target_role", pk_json_string_or_null(role));
                json_object_object_add(x, "health", pk_json_string_or_null(health));
                json_object *gv = pk_json_get(g, "volumes");
                g_autofree gboolean *split = g_new0(gboolean, pk_json_array_len(gv) + 1);
                gboolean any_split = FALSE;
                for (size_t j = 0; j < pk_json_array_len(gv); j++) {
                        split[j] = split_brain_problem(&p, name, json_object_array_get_idx(gv, j),
                                                       nodes, facts, now);
                        any_split = any_split || split[j];
                }
                /* A split brain comes first: "blocked" would call a copy
                 * outdated that holds writes of its own, and which copy
                 * survives is the operator's choice in resolving it (after
                 * which blocked is judged again). */
                json_object *blocked = any_split ? NULL : ham_status_guest_blocked(g, nodes);
                json_object_object_add(x, "split_brain", json_object_new_boolean(any_split));
                json_object_object_add(x, "blocked", blocked);
                if (blocked)
                        blocked_problem(&p, name, blocked, now);
                else if (pk_json_array_len(failed))
                        problem(&p, TRUE, "guest %s failed on %s: see crm_mon -1 --failcounts, "
                                "then crm_resource --cleanup -r %s", name,
                                json_object_get_string(json_object_array_get_idx(failed, 0)),
                                pk_json_get_string(g, "id"));
                else if (!node && !stopped_on_purpose)
                        problem(&p, FALSE, "guest %s is not running anywhere", name);
                else if (health && !g_str_equal(health, "ok"))
                        problem(&p, FALSE, "guest %s on %s: %s", name, node, health);
                for (size_t j = 0; j < pk_json_array_len(gv); j++)
                        json_object_array_add(vols, volume_model(json_object_array_get_idx(gv, j),
                                                                 name, nodes, facts, facts_at,
                                                                 now, split[j], &p));
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
        json_object_object_add(model, "local", pk_json_string_or_null(pk_json_get_string(input, "local")));
        json_object_object_add(model, "quorate", json_object_new_boolean(quorate));
        json_object_object_add(model, "dc", pk_json_string_or_null(pk_json_get_string(input, "dc")));
        json_object_object_add(model, "problems", problems);
        json_object_object_add(model, "nodes", out_nodes);
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
        g_string_append(out, "\nNODE         STATE        DC  HAMGRD  SINCE\n");
        for (size_t i = 0; i < pk_json_array_len(nodes); i++) {
                json_object *n = json_object_array_get_idx(nodes, i);
                gint64 lost = pk_json_get_int(n, "lost_at", 0), back = pk_json_get_int(n, "back_at", 0);
                g_autofree char *since = NULL;
                if (g_strcmp0(pk_json_get_string(n, "state"), "offline") == 0 && lost)
                        since = when(lost, now);
                else if (back)
                        since = when(back, now);
                g_string_append_printf(out, "%-12s %-12s %-3s %-7s %s\n", or_dash(pk_json_get_string(n, "name")),
                                       or_dash(pk_json_get_string(n, "state")), pk_json_get_true(n, "dc") ? "*" : "",
                                       pk_json_get_true(n, "hamgrd") ? "yes" : "no", or_dash(since));
        }
        g_string_append_printf(out, "\nFENCING (stonith-enabled=%s)\n",
                               pk_json_get_true(model, "stonith_enabled") ? "true" : "false");
        if (!pk_json_array_len(fencing))
                g_string_append(out, "  none\n");
        for (size_t i = 0; i < pk_json_array_len(fencing); i++) {
                json_object *d = json_object_array_get_idx(fencing, i);
                json_object *on = pk_json_get(d, "running_on");
                g_string_append_printf(out, "  %-20s %-16s %s\n", or_dash(pk_json_get_string(d, "id")),
                                       or_dash(pk_json_get_string(d, "agent")),
                                       pk_json_array_len(on) ? json_object_get_string(
                                               json_object_array_get_idx(on, 0)) : "stopped");
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
                                if (split_brain_of(d))
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
