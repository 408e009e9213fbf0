/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hactl verify: facts of both nodes + CIB → findings (ham-status.h). Pure. */
#include "ham-fencing.h"
#include "ham-status.h"
#include "pk.h"

#include <string.h>

/* Every finding the validator knows: code, name, severity. hactl(8) lists them. */
typedef enum {
        F_STONITH_DISABLED,
        F_NO_FENCING_DEVICE,
        F_FENCING_DEVICE_STOPPED,
        F_FENCE_DEVICE_PLAIN,
        F_FENCE_DELAY_TWICE,
        F_FENCE_RACE_UNDECIDED,
        F_TWO_NODE_MISSING,
        F_TWO_NODE_UNKNOWN,
        F_DRBD_PROTOCOL,
        F_DRBD_FENCING_POLICY,
        F_DRBD_FENCE_HANDLER,
        F_DRBD_UNFENCE_HANDLER,
        F_RES_DIFFERS,
        F_RES_MISSING,
        F_LV_MISSING,
        F_FENCE_CONSTRAINT_LEFTOVER,
        F_FENCE_CONSTRAINT_FOREIGN,
        F_DRBD_SPLIT_BRAIN_HANDLER,
        F_COLOCATION_MISSING,
        F_ORDER_MISSING,
        F_CAPACITY_SHORT,
        F_GUEST_MEMORY_UNKNOWN,
        F_VERSION_MISMATCH,
        F_PEER_UNKNOWN,
        F_CLOCK_SKEW,
        F_COROSYNC_TOKEN_SHORT,
} Finding;

static const struct {
        const char *code, *name;
        gboolean error;
} findings[] = {
        [F_STONITH_DISABLED] = { "E101", "stonith-disabled", TRUE },
        [F_NO_FENCING_DEVICE] = { "E102", "no-fencing-device", TRUE },
        [F_FENCING_DEVICE_STOPPED] = { "W103", "fencing-device-stopped", FALSE },
        [F_FENCE_DEVICE_PLAIN] = { "W104", "fence-device-plain", FALSE },
        [F_FENCE_DELAY_TWICE] = { "W105", "fence-delay-twice", FALSE },
        [F_FENCE_RACE_UNDECIDED] = { "E106", "fence-race-undecided", TRUE },
        [F_TWO_NODE_MISSING] = { "E111", "two-node-missing", TRUE },
        [F_TWO_NODE_UNKNOWN] = { "W112", "two-node-unknown", FALSE },
        [F_DRBD_PROTOCOL] = { "E201", "drbd-protocol", TRUE },
        [F_DRBD_FENCING_POLICY] = { "E202", "drbd-fencing-policy", TRUE },
        [F_DRBD_FENCE_HANDLER] = { "E203", "drbd-fence-handler", TRUE },
        [F_DRBD_UNFENCE_HANDLER] = { "W204", "drbd-unfence-handler", FALSE },
        [F_RES_DIFFERS] = { "E205", "res-differs", TRUE },
        [F_RES_MISSING] = { "E206", "res-missing", TRUE },
        [F_LV_MISSING] = { "E207", "lv-missing", TRUE },
        [F_FENCE_CONSTRAINT_LEFTOVER] = { "W208", "fence-constraint-leftover", FALSE },
        [F_FENCE_CONSTRAINT_FOREIGN] = { "E209", "fence-constraint-foreign", TRUE },
        [F_DRBD_SPLIT_BRAIN_HANDLER] = { "W210", "drbd-split-brain-handler", FALSE },
        [F_COLOCATION_MISSING] = { "E301", "colocation-missing", TRUE },
        [F_ORDER_MISSING] = { "E302", "order-missing", TRUE },
        [F_CAPACITY_SHORT] = { "E303", "capacity-short", TRUE },
        [F_GUEST_MEMORY_UNKNOWN] = { "W304", "guest-memory-unknown", FALSE },
        [F_VERSION_MISMATCH] = { "W401", "version-mismatch", FALSE },
        [F_PEER_UNKNOWN] = { "W402", "peer-facts-unknown", FALSE },
        [F_CLOCK_SKEW] = { "W403", "clock-skew", FALSE },
        [F_COROSYNC_TOKEN_SHORT] = { "W404", "corosync-token-short", FALSE },
};

static void add(GPtrArray *out, Finding f, const char *object, const char *fmt, ...)
        G_GNUC_PRINTF(4, 5);
static void add(GPtrArray *out, Finding f, const char *object, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        g_autofree char *msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        json_object *x = json_object_new_object();
        json_object_object_add(x, "code", json_object_new_string(findings[f].code));
        json_object_object_add(x, "name", json_object_new_string(findings[f].name));
        json_object_object_add(x, "severity", json_object_new_string(findings[f].error ?
                                                                      "error" : "warning"));
        json_object_object_add(x, "object", json_object_new_string(object));
        json_object_object_add(x, "message", json_object_new_string(msg));
        g_ptr_array_add(out, x);
}

static gint by_code_object(gconstpointer a, gconstpointer b)
{
        json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;
        int c = g_strcmp0(pk_json_get_string(x, "code") + 1, pk_json_get_string(y, "code") + 1);
        return c ? c : g_strcmp0(pk_json_get_string(x, "object"), pk_json_get_string(y, "object"));
}

#define FIX_FENCING "the fencing policy resource-and-stonith"

static void check_res(GPtrArray *out, const char *node, const HamFactsRes *r)
{
        const char *name = r->name;
        g_autofree char *obj = g_strdup_printf("%s:/etc/drbd.d/%s.res", node, name);
        const char *protocol = r->protocol;
        const char *fencing = r->fencing;

        /* DRBD's default protocol is C: only an explicit A or B is wrong. */
        if (protocol && !g_str_equal(protocol, "C"))
                add(out, F_DRBD_PROTOCOL, obj, "DRBD resource %s uses protocol %s: a failover "
                    "could lose acknowledged writes; use protocol C (recreate the volume, or "
                    "edit the file on both nodes and run drbdadm adjust %s)", name, protocol, name);
        if (g_strcmp0(fencing, "resource-and-stonith") != 0)
                add(out, F_DRBD_FENCING_POLICY, obj, "DRBD resource %s has fencing %s: without "
                    "%s a disconnected peer may be promoted with stale data; set it in the "
                    "disk section (DRBD 8.4) and run drbdadm adjust %s", name,
                    fencing ? fencing : "unset", FIX_FENCING, name);
        if (!r->fence_peer)
                add(out, F_DRBD_FENCE_HANDLER, obj, "DRBD resource %s has no fence-peer handler: "
                    "set handlers { fence-peer \"/usr/sbin/plastik-fence-peer\"; } (dgctl "
                    "renders it) and run drbdadm adjust %s", name, name);
        if (!r->unfence_peer)
                add(out, F_DRBD_UNFENCE_HANDLER, obj, "DRBD resource %s has no "
                    "after-resync-target (unfence-peer) handler: the constraint fence-peer "
                    "places stays after a resync; set handlers { after-resync-target "
                    "\"/usr/sbin/plastik-unfence-peer\"; }", name);
        /* 0, not -1: -1 is a peer from before the handler existed. */
        if (r->split_brain_handler == 0)
                add(out, F_DRBD_SPLIT_BRAIN_HANDLER, obj, "DRBD resource %s has no split-brain "
                    "handler: a split brain there shows only as StandAlone, not as an error in "
                    "hactl status; set handlers { split-brain \"/usr/sbin/plastik-split-brain\"; } "
                    "on both nodes and run drbdadm adjust %s", name, name);
}

static void check_versions(GPtrArray *out, const HamFacts *a, const HamFacts *b)
{
        static const char *const what[] = { "plastik", "drbd", "pacemaker", "corosync" };
        const char *const va[] = { a->v_plastik, a->v_drbd, a->v_pacemaker, a->v_corosync };
        const char *const vb[] = { b->v_plastik, b->v_drbd, b->v_pacemaker, b->v_corosync };
        for (guint i = 0; i < G_N_ELEMENTS(what); i++) {
                if (va[i] && vb[i] && !g_str_equal(va[i], vb[i]))
                        add(out, F_VERSION_MISMATCH, what[i], "%s %s on %s but %s on %s: "
                            "upgrade both nodes to the same version", what[i], va[i],
                            a->node, vb[i], b->node);
        }
}

/* The peer's last state message carries its clock at sending ("at"); this
 * node noted its own at receipt (@got). The difference is the skew plus a
 * delivery of milliseconds; both are whole seconds, so only more than
 * HAM_VERIFY_SKEW_S is reported. */
#define HAM_VERIFY_SKEW_S 5

static void check_clocks(GPtrArray *out, const char *local, const HamFacts *peer_facts, gint64 got)
{
        const char *peer = peer_facts->node;
        gint64 sent = peer_facts->at;
        gint64 skew = got - sent;

        if (sent <= 0 || got <= 0 || ABS(skew) <= HAM_VERIFY_SKEW_S)
                return;
        add(out, F_CLOCK_SKEW, peer, "%s's clock is about %" G_GINT64_FORMAT " s %s %s's (its last "
            "state message was sent at %" G_GINT64_FORMAT " by its clock and came at %" G_GINT64_FORMAT
            " by %s's): the history's steps, hactl status's times and Pacemaker's failure expiry "
            "compare times taken on both nodes; keep both clocks synchronized (chrony or "
            "systemd-timesyncd on both nodes)",
            peer, ABS(skew), skew > 0 ? "behind" : "ahead of", local, sent, got, local);
}

/*
 * Who wins the fence race after a split. The delay that lets the node
 * with the guests shoot first is paid by Pacemaker (priority-fencing-delay,
 * always) or by fence_plastik (plastik_race_delay, only while the target
 * may still have power). Exactly one of them should pay it:
 * - a plain device: Pacemaker's delay is what wins the race, and a guest
 *   node that merely lost power costs that delay (W104);
 * - both: the holder still wins, but a failover waits twice (W105, a
 *   warning: slow, not unsafe);
 * - neither, for a device that runs: both nodes may fire at once and
 *   both be fenced, losing every guest (E106, an error, as losing
 *   fencing is: the cluster does not survive the split it exists for).
 * Stopped devices fence nobody now; W103 names them already.
 */
static void check_fence_race(GPtrArray *out, const HamCibView *cib)
{
        g_autoptr(GString) twice = g_string_new(NULL), undecided = g_string_new(NULL);
        gint64 pcmk_ms = cib->priority_fencing_delay_ms;

        for (guint i = 0; i < cib->fencing->len; i++) {
                const HamCibFencing *d = cib->fencing->pdata[i];
                gboolean delays = d->wrapper && d->race_delay_s > 0;
                /* The node to name in the fix: a host list of one node is it. */
                gboolean one = d->hosts && *d->hosts && !strpbrk(d->hosts, " \t,;:");
                if (!d->wrapper)
                        add(out, F_FENCE_DEVICE_PLAIN, d->id, "fencing device %s (%s) does not go "
                            "through fence_plastik: the fence race after a split is won only by "
                            "Pacemaker's priority-fencing-delay, which is paid even when the node "
                            "with the guests merely lost its power; replace it (hactl fence remove "
                            "%s, then hactl fence add %s --agent %s --node %s --param …)", d->id,
                            d->agent ? d->agent : "no agent", d->id, d->id,
                            d->agent ? d->agent : "AGENT", one ? d->hosts : "NODE");
                if (d->stopped || pcmk_ms < 0)
                        continue;
                if (pcmk_ms > 0 && delays)
                        g_string_append_printf(twice, "%s%s", twice->len ? ", " : "", d->id);
                if (pcmk_ms == 0 && !delays)
                        g_string_append_printf(undecided, "%s%s", undecided->len ? ", " : "", d->id);
        }
        if (twice->len)
                add(out, F_FENCE_DELAY_TWICE, "crm_config:priority-fencing-delay", "priority-fencing-"
                    "delay is %" G_GINT64_FORMAT "%s while fence_plastik pays the race delay itself "
                    "(%s): a failover waits for both; once every device goes through fence_plastik "
                    "run crm_attribute -t crm_config -n priority-fencing-delay -v 0",
                    pcmk_ms % 1000 ? pcmk_ms : pcmk_ms / 1000, pcmk_ms % 1000 ? " ms" : " s",
                    twice->str);
        if (undecided->len)
                add(out, F_FENCE_RACE_UNDECIDED, "crm_config:priority-fencing-delay", "priority-"
                    "fencing-delay is 0 and no race delay is paid for %s (a plain agent, or "
                    "fence_plastik with race delay 0): after a split both nodes may fence each "
                    "other at once and every guest stops; run crm_attribute -t crm_config -n "
                    "priority-fencing-delay -v %ds, or put fence_plastik in front of them (hactl "
                    "fence remove, then hactl fence add)", undecided->str,
                    HAM_PRIORITY_FENCING_DELAY_S);
}

/* Below a second, a scheduling stall or a burst on the network can outlast
 * the token, and corosync then sees the peer as lost. With two_node both
 * halves keep quorum and race to fence each other: a false loss costs a
 * node. hactl cluster init's default (HAM_COROSYNC_TOKEN_INIT) is this
 * value, measured safe in the lab with margin (see ham.h). */
#define HAM_VERIFY_TOKEN_MIN_MS 1000

static void check_corosync_token(GPtrArray *out, guint token_ms)
{
        if (!token_ms || token_ms >= HAM_VERIFY_TOKEN_MIN_MS)
                return;
        add(out, F_COROSYNC_TOKEN_SHORT, "corosync.conf:totem.token", "corosync's token timeout "
            "is %u ms (%s [cluster] corosync-token): below %d ms a short stall of a node or its "
            "network looks like a lost node, and with two_node each node then tries to fence the "
            "other; use %d ms or more. hactl cluster init refuses to change a cluster that is set "
            "up, so on both nodes set corosync-token=%d in %s and token: %d, consensus: %u in the "
            "totem section of %s (where hactl wrote them), then run corosync-cfgtool -R",
            token_ms, HAM_CONF_PATH, HAM_VERIFY_TOKEN_MIN_MS, HAM_VERIFY_TOKEN_MIN_MS,
            HAM_VERIFY_TOKEN_MIN_MS, HAM_CONF_PATH, HAM_VERIFY_TOKEN_MIN_MS,
            ham_corosync_consensus(HAM_VERIFY_TOKEN_MIN_MS), HAM_COROSYNC_CONF);
}

/* Both nodes' facts say @res is Connected with both disks UpToDate. */
static gboolean in_sync_everywhere(const HamFacts *const nf[2], const char *res)
{
        for (int k = 0; k < 2; k++) {
                const HamFactsDrbd *d = ham_facts_drbd(nf[k], res);
                if (!d || d->conn != DG_CONN_CONNECTED || d->disk != DG_DISK_UPTODATE ||
                    d->peer_disk != DG_DISK_UPTODATE)
                        return FALSE;
        }
        return TRUE;
}

/* The fence handler's constraint: with both copies in sync it has no reason
 * to exist (the unfence handler failed) and would block a failover to the
 * other node; under its id, another shape keeps the handler refusing. */
static void check_fence_constraint(GPtrArray *out, const HamFacts *const nf[2], const HamCibVolume *v)
{
        const HamCibFenceConstraint *fc = v->fence_constraint;
        const char *res = v->resource;

        if (!fc || !fc->id)
                return;
        if (fc->foreign)
                add(out, F_FENCE_CONSTRAINT_FOREIGN, fc->id, "the id of the fence handler's constraint for "
                    "%s is taken by an element of another shape: plastik-fence-peer refuses (exit 1, "
                    "I/O stays frozen) whenever DRBD calls it; remove it (cibadmin --delete --xpath "
                    "\"//*[@id='%s']\")", res ? res : "its volume", fc->id);
        else if (fc->node && res && in_sync_everywhere(nf, res))
                add(out, F_FENCE_CONSTRAINT_LEFTOVER, fc->id, "%s is Connected and UpToDate on both nodes, "
                    "yet the fence handler's constraint still allows promotion only on %s (the unfence "
                    "handler did not remove it): a failover to the other node would be refused; remove "
                    "it (cibadmin --delete --xpath \"//rsc_location[@id='%s']\")", res, fc->node, fc->id);
}

/*
 * Either node runs every guest when the other fails (ham.h, "Capacity").
 * A guest whose memory is not known counts for its overhead only, and is
 * named. A node's memory not known (a hamgrd from before the fact): not
 * checked, as nothing can be said.
 */
static void check_capacity(GPtrArray *out, const HamCibView *cib, const char *const nodes[2],
                           const HamFacts *const nf[2])
{
        guint n = 0;
        guint64 need = ham_capacity_mib(cib, NULL, &n, NULL) + HAM_HOST_RESERVE_MIB, guests_mib = 0;

        for (guint i = 0; i < n; i++) {
                const HamCibGuest *g = cib->guests->pdata[i];
                guests_mib += g->memory_mib;
                if (!g->memory_mib)
                        add(out, F_GUEST_MEMORY_UNKNOWN, g->id, "the config of %s names no usable memory "
                            "(not a guest definition?): the capacity check counts only its QEMU's %u MiB; "
                            "hactl guest show %s shows the config", g->id, HAM_GUEST_OVERHEAD_MIB,
                            g->name ? g->name : g->id);
        }
        if (n == 0)
                return;
        for (int k = 0; k < 2; k++) {
                if (!nodes[k] || !nf[k] || !nf[k]->mem_total_mib || need <= nf[k]->mem_total_mib)
                        continue;
                const char *other = nodes[1 - k] ? nodes[1 - k] : "the other node";
                g_autofree char *all = n == 1 ? g_strdup("the one guest") : g_strdup_printf("all %u guests", n);
                add(out, F_CAPACITY_SHORT, nodes[k], "%s has %" G_GUINT64_FORMAT " MiB of memory, but "
                    "running %s, as it must when %s fails, needs %" G_GUINT64_FORMAT " MiB "
                    "(%" G_GUINT64_FORMAT " MiB for the guests, %u MiB of QEMU overhead each, %u MiB "
                    "for the host): %" G_GUINT64_FORMAT " MiB short; give guests less memory, remove "
                    "one (hactl guest remove), or add memory to %s", nodes[k], nf[k]->mem_total_mib, all,
                    other, need, guests_mib, HAM_GUEST_OVERHEAD_MIB, HAM_HOST_RESERVE_MIB,
                    need - nf[k]->mem_total_mib, nodes[k]);
        }
}

static gboolean has_res(const HamFacts *f, const char *name)
{
        for (guint i = 0; i < f->res->len; i++)
                if (g_str_equal(((const HamFactsRes *)f->res->pdata[i])->name, name))
                        return TRUE;
        return FALSE;
}

static gboolean has_lv(const HamFacts *f, const char *name)
{
        for (guint i = 0; i < f->lvs->len; i++)
                if (g_str_equal(((const HamFactsLv *)f->lvs->pdata[i])->name, name))
                        return TRUE;
        return FALSE;
}

json_object *ham_verify(const HamVerifyFacts *input)
{
        g_autoptr(GPtrArray) out = g_ptr_array_new();
        const HamCibView *cib = input->cib;
        const char *local = input->local, *peer = input->peer;
        const char *nodes[2] = { local, peer };
        const HamFacts *const nf[2] = { ham_facts_find(input->facts, local),
                                        ham_facts_find(input->facts, peer) };
        json_object *result = json_object_new_object();
        json_object *arr = json_object_new_array();
        guint errors = 0, warnings = 0;

        /* Fencing: Pacemaker's half. */
        HamFencing fencing = cib ? ham_fencing_judge_cib(cib, NULL) : HAM_FENCING_USABLE;
        if (fencing == HAM_FENCING_DISABLED)
                add(out, F_STONITH_DISABLED, "crm_config:stonith-enabled", "cluster property "
                    "stonith-enabled is false: a lost node is never fenced and its guests never "
                    "move; once a fencing device works, run crm_attribute -t crm_config -n "
                    "stonith-enabled -v true");
        if (cib && cib->fencing->len == 0)
                add(out, F_NO_FENCING_DEVICE, "resources", "no fencing device (a stonith "
                    "primitive) in the CIB: add one per node, e.g. fence_ipmilan pointed at the "
                    "node's BMC with pcmk_host_list=NODE (hactl(8), FENCING)");
        else if (fencing == HAM_FENCING_ALL_STOPPED)
                add(out, F_NO_FENCING_DEVICE, "resources", "every fencing device has target-role "
                    "Stopped, and Pacemaker runs none of them: a lost node is never fenced; start "
                    "one (crm_resource -r ID --meta -d target-role)");
        for (guint i = 0; cib && i < cib->fencing->len; i++) {
                const HamCibFencing *d = cib->fencing->pdata[i];
                if (d->stopped)
                        add(out, F_FENCING_DEVICE_STOPPED, d->id, "fencing device %s "
                            "has target-role Stopped: start it (crm_resource -r %s --meta -d "
                            "target-role)", d->id, d->id);
        }
        for (int k = 0; k < 2 && cib && fencing == HAM_FENCING_USABLE; k++)
                if (nodes[k] && ham_fencing_judge_cib(cib, nodes[k]) == HAM_FENCING_NOT_COVERED)
                        add(out, F_NO_FENCING_DEVICE, nodes[k], "no running fencing device fences "
                            "%s (their pcmk_host_list names other nodes): if %s is lost it is never "
                            "fenced; add one (hactl fence add NAME --agent AGENT --node %s)",
                            nodes[k], nodes[k], nodes[k]);
        if (cib && fencing != HAM_FENCING_DISABLED)
                check_fence_race(out, cib);

        check_corosync_token(out, input->corosync_token);

        /* Each node's own configuration. */
        for (int k = 0; k < 2; k++) {
                if (!nodes[k])
                        continue;
                if (!nf[k]) {
                        add(out, F_PEER_UNKNOWN, nodes[k], "no facts from %s (is hamgrd running "
                            "there?): its half is not checked; start hamgrd on %s and run "
                            "verify again", nodes[k], nodes[k]);
                        continue;
                }
                g_autofree char *obj = g_strdup_printf("%s:corosync.conf", nodes[k]);
                if (nf[k]->two_node < 0)
                        add(out, F_TWO_NODE_UNKNOWN, obj, "quorum.two_node on %s is not known "
                            "(corosync not running?): check corosync-cmapctl quorum.two_node",
                            nodes[k]);
                else if (!nf[k]->two_node)
                        add(out, F_TWO_NODE_MISSING, obj, "corosync on %s runs without "
                            "two_node: 1: losing one node loses quorum; add it to the quorum "
                            "section of corosync.conf on both nodes and restart corosync",
                            nodes[k]);
                for (guint i = 0; i < nf[k]->res->len; i++)
                        check_res(out, nodes[k], nf[k]->res->pdata[i]);
        }
        if (nf[0] && nf[1]) {
                for (guint i = 0; i < nf[0]->res->len; i++) {
                        const HamFactsRes *a = nf[0]->res->pdata[i];
                        const HamFactsRes *b = NULL;
                        for (guint j = 0; j < nf[1]->res->len; j++)
                                if (g_str_equal(((const HamFactsRes *)nf[1]->res->pdata[j])->name, a->name))
                                        b = nf[1]->res->pdata[j];
                        g_autofree char *obj = g_strdup_printf("/etc/drbd.d/%s.res", a->name);
                        if (b && g_strcmp0(a->sha256, b->sha256) != 0)
                                add(out, F_RES_DIFFERS, obj, "%s differs between %s and %s: "
                                    "DRBD may refuse to connect or behave differently; copy "
                                    "the right one to both nodes and run drbdadm adjust %s",
                                    obj, nodes[0], nodes[1], a->name);
                }
                check_versions(out, nf[0], nf[1]);
                check_clocks(out, local, nf[1], ham_facts_received(input->facts, input->facts_at,
                                                                   nf[1]->node));
        }

        check_capacity(out, cib, nodes, nf);

        /* Every guest's volumes: where they must exist, how they are tied. */
        for (guint i = 0; cib && i < cib->guests->len; i++) {
                const HamCibGuest *g = cib->guests->pdata[i];
                const char *gid = g->id;
                for (guint j = 0; j < g->volumes->len; j++) {
                        const HamCibVolume *v = g->volumes->pdata[j];
                        const char *res = v->resource;
                        const char *clone = v->clone;
                        if (!v->colocated)
                                add(out, F_COLOCATION_MISSING, gid, "%s has no colocation with "
                                    "the Promoted role of %s: it could start where its disk is "
                                    "not primary; recreate the guest's resources (hactl) or add "
                                    "rsc_colocation rsc=%s with-rsc=%s with-rsc-role=Promoted "
                                    "score=INFINITY", gid, clone ? clone : "its DRBD clone",
                                    gid, clone ? clone : "CLONE");
                        if (!v->ordered)
                                add(out, F_ORDER_MISSING, gid, "%s has no order after the "
                                    "promotion of %s: it could start before its disk is "
                                    "primary; add rsc_order first=%s first-action=promote "
                                    "then=%s then-action=start", gid,
                                    clone ? clone : "its DRBD clone", clone ? clone : "CLONE", gid);
                        check_fence_constraint(out, nf, v);
                        for (int k = 0; k < 2 && res; k++) {
                                if (!nf[k])
                                        continue;
                                g_autofree char *obj = g_strdup_printf("%s:%s", nodes[k], res);
                                if (!has_res(nf[k], res))
                                        add(out, F_RES_MISSING, obj, "/etc/drbd.d/%s.res is "
                                            "missing on %s but the CIB has its volume: recreate "
                                            "it (dgctl) or remove the guest", res, nodes[k]);
                                if (!has_lv(nf[k], res))
                                        add(out, F_LV_MISSING, obj, "logical volume %s is "
                                            "missing on %s but the CIB has its volume: recreate "
                                            "it (dgctl volume create) and let DRBD resync",
                                            res, nodes[k]);
                        }
                }
        }

        g_ptr_array_sort(out, by_code_object);
        for (guint i = 0; i < out->len; i++) {
                if (g_strcmp0(pk_json_get_string(out->pdata[i], "severity"), "error") == 0)
                        errors++;
                else
                        warnings++;
                json_object_array_add(arr, out->pdata[i]);
        }
        json_object_object_add(result, "findings", arr);
        json_object_object_add(result, "errors", json_object_new_int(errors));
        json_object_object_add(result, "warnings", json_object_new_int(warnings));
        return result;
}

int ham_verify_exit_code(json_object *result)
{
        json_object *e = pk_json_get(result, "errors"), *w = pk_json_get(result, "warnings");
        if (e && json_object_get_int(e) > 0)
                return HAM_EXIT_ERRORS;
        if (w && json_object_get_int(w) > 0)
                return HAM_EXIT_DEGRADED;
        return 0;
}

char *ham_verify_render(json_object *result)
{
        GString *out = g_string_new(NULL);
        json_object *f = pk_json_get(result, "findings");
        for (size_t i = 0; i < pk_json_array_len(f); i++) {
                json_object *x = json_object_array_get_idx(f, i);
                g_string_append_printf(out, "%s %s %s: %s\n", pk_json_get_string(x, "code"), pk_json_get_string(x, "name"),
                                       pk_json_get_string(x, "object"), pk_json_get_string(x, "message"));
        }
        json_object *e = pk_json_get(result, "errors"), *w = pk_json_get(result, "warnings");
        g_string_append_printf(out, "%d error(s), %d warning(s)\n", e ? json_object_get_int(e) : 0,
                               w ? json_object_get_int(w) : 0);
        return g_string_free(out, FALSE);
}
