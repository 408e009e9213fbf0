/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hactl drill's preconditions (ham-status.h): every reason not to power a
 * node off, judged from one cluster-status answer. Pure; golden-tested in
 * tests/golden/ham-drill. hactl maps each verdict to its exit code.
 */
#include "ham-fencing.h"
#include "ham-status.h"
#include "pk.h"

#include <stdarg.h>

static HamDrillVerdict refuse(char **ret_reason, HamDrillVerdict verdict, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static HamDrillVerdict refuse(char **ret_reason, HamDrillVerdict verdict, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        *ret_reason = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        return verdict;
}

/* The DRBD state of @res as @node's hamgrd last reported it. */
static const HamFactsDrbd *drbd_fact(const HamClusterStatus *st, const char *node, const char *res)
{
        return ham_facts_drbd(ham_facts_find(st->facts, node), res);
}

const char *ham_drill_verdict_name(HamDrillVerdict verdict)
{
        static const char *const names[] = {
                [HAM_DRILL_GO] = "go",
                [HAM_DRILL_NOT_READY] = "not-ready",
                [HAM_DRILL_NO_CIB] = "no-cib",
                [HAM_DRILL_NO_GUEST] = "no-guest",
                [HAM_DRILL_NOT_RUNNING] = "not-running",
                [HAM_DRILL_WRONG_NODE] = "wrong-node",
                [HAM_DRILL_DEGRADED] = "degraded",
                [HAM_DRILL_NO_FENCING] = "no-fencing",
                [HAM_DRILL_DRBD] = "drbd",
        };
        return (guint)verdict < G_N_ELEMENTS(names) && names[verdict] ? names[verdict] : "?";
}

HamDrillVerdict ham_drill_check(const HamClusterStatus *st, const char *guest, char **ret_node, char **ret_reason)
{
        /* Why fencing would not power the node off: text before and after its name. */
        static const char *const unsafe[][2] = {
                [HAM_FENCING_DISABLED] = { "fencing is disabled (stonith-enabled=false): nothing would "
                                           "power ", " off" },
                [HAM_FENCING_NO_DEVICE] = { "no fencing device is configured; add one for ",
                                            " (hactl fence add)" },
                [HAM_FENCING_ALL_STOPPED] = { "every fencing device is stopped (target-role Stopped): "
                                              "nothing would power ", " off" },
                [HAM_FENCING_NOT_COVERED] = { "no running fencing device fences ",
                                              "; add one for it (hactl fence add)" },
        };
        HamFencing fencing;
        const char *local = st->local;
        const HamCibGuest *g = NULL;
        const HamStatusNode *n;
        const char *node;

        if (!local)
                return refuse(ret_reason, HAM_DRILL_NOT_READY, "hamgrd does not know this node's name yet "
                              "(corosync not connected); try again in a moment");
        if (!st->cib)
                return refuse(ret_reason, HAM_DRILL_NO_CIB, "hamgrd has not read the CIB yet (is pacemaker running?)");
        for (guint i = 0; i < st->cib->guests->len; i++) {
                const HamCibGuest *x = st->cib->guests->pdata[i];
                if (g_strcmp0(x->name, guest) == 0)
                        g = x;
        }
        if (!g)
                return refuse(ret_reason, HAM_DRILL_NO_GUEST, "no guest %s in the cluster (hactl guest list)", guest);
        if (g->running_on->len != 1)
                return refuse(ret_reason, HAM_DRILL_NOT_RUNNING, "guest %s is not running on exactly one node; "
                              "start it first (hactl guest start %s)", guest, guest);
        node = g->running_on->pdata[0];
        if (g_strcmp0(node, local) == 0) {
                const char *other = NULL;
                for (guint i = 0; i < st->nodes->len; i++) {
                        const HamStatusNode *x = st->nodes->pdata[i];
                        if (g_strcmp0(x->name, local))
                                other = x->name;
                }
                return refuse(ret_reason, HAM_DRILL_WRONG_NODE, "run drill on %s: this node would be powered off",
                              other ? other : "the other node");
        }
        n = ham_cluster_status_node(st, node);
        if (n && !(n->member && n->online))
                return refuse(ret_reason, HAM_DRILL_DEGRADED, "%s is offline: the cluster is degraded "
                              "already (hactl status)", node);
        fencing = ham_fencing_judge_cib(st->cib, node);
        if (fencing != HAM_FENCING_USABLE)
                return refuse(ret_reason, HAM_DRILL_NO_FENCING, "%s%s%s", unsafe[fencing][0], node,
                              unsafe[fencing][1]);
        for (guint i = 0; i < g->volumes->len; i++) {
                const char *res = ((const HamCibVolume *)g->volumes->pdata[i])->resource;
                const HamFactsDrbd *here = drbd_fact(st, local, res);
                const HamFactsDrbd *there = drbd_fact(st, node, res);
                if (!res || !here || !there || here->disk != DG_DISK_UPTODATE ||
                    here->peer_disk != DG_DISK_UPTODATE || there->disk != DG_DISK_UPTODATE)
                        return refuse(ret_reason, HAM_DRILL_DRBD, "volume %s of %s is not UpToDate on both "
                                      "nodes (here: %s, on %s: %s); wait for the sync (hactl status)",
                                      res ? res : "?", guest, here ? dg_disk_name(here->disk) : "unknown",
                                      node, there ? dg_disk_name(there->disk) : "unknown");
        }
        *ret_node = g_strdup(node);
        return HAM_DRILL_GO;
}
