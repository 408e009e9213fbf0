/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A member's decisions in a volume transaction (ham-txn.h): pure. */
#include "ham-txn.h"
#include "ham.h"

#include <string.h>

gboolean ham_member_creates(const DgFacts *facts)
{
        /* Anything of the volume found means someone made it before this
         * transaction: an abort must leave it alone. */
        return !facts->lv_exists && !facts->res_exists && !facts->up;
}

gboolean ham_member_reconcile_wanted(const DgFacts *facts)
{
        /* Only what is missing; a resource that is merely down is
         * pacemaker's to start. */
        return !facts->lv_exists || !facts->res_exists || !facts->md_exists;
}

gboolean ham_member_guest_in_cib(const char *guest, const GPtrArray *cib_volumes)
{
        for (guint i = 0; cib_volumes && i < cib_volumes->len; i++) {
                const HamVolume *v = cib_volumes->pdata[i];
                if (g_str_equal(v->guest, guest))
                        return TRUE;
        }
        return FALSE;
}

HamMemberLost ham_member_coordinator_lost(const char *guest, const GPtrArray *cib_volumes)
{
        /* The coordinator writes the CIB before it sends commit: resources
         * in the CIB mean it got that far, and pacemaker will want the
         * volumes. */
        return ham_member_guest_in_cib(guest, cib_volumes) ? HAM_MEMBER_KEEP : HAM_MEMBER_UNDO;
}

const char *ham_member_lost_name(HamMemberLost d)
{
        return d == HAM_MEMBER_KEEP ? "keep" : "undo";
}

static const char *used_by(const GPtrArray *vols, guint minor, guint port, gboolean *ret_minor)
{
        for (guint i = 0; vols && i < vols->len; i++) {
                const HamVolume *v = vols->pdata[i];
                if (v->minor == minor || v->port == port) {
                        *ret_minor = v->minor == minor;
                        return v->guest;
                }
        }
        return NULL;
}

/* A number of a resource of this node's own DRBD configuration that the
 * prepare would take (its own resource excepted: what an earlier try left
 * is the prepare's to ensure). */
static char *local_conflict(const HamCpgMsg *prepare, const GPtrArray *local)
{
        for (guint i = 0; i < prepare->n_volumes; i++) {
                const HamCpgVolume *pv = &prepare->volumes[i];
                g_autofree char *mine = dg_resource_name(prepare->guest, pv->volume, NULL);
                for (guint j = 0; local && j < local->len; j++) {
                        const HamVolume *v = local->pdata[j];
                        if (g_strcmp0(v->volume, mine) == 0)
                                continue;
                        if (v->minor == pv->minor)
                                return g_strdup_printf("minor %u is used by DRBD resource %s in this "
                                                       "node's DRBD configuration; remove or "
                                                       "renumber that resource first",
                                                       pv->minor, v->volume);
                        if (v->port == pv->port)
                                return g_strdup_printf("port %u is used by DRBD resource %s in this "
                                                       "node's DRBD configuration; remove or "
                                                       "renumber that resource first",
                                                       pv->port, v->volume);
                }
        }
        return NULL;
}

char *ham_member_prepare_check(const HamCpgMsg *prepare, const char *open_txn,
                               const GPtrArray *cib_volumes, const GPtrArray *recent_volumes,
                               const GPtrArray *local_taken)
{
        if (open_txn)
                return g_strdup_printf("transaction %s is open; one at a time in the cluster, "
                                       "try again when it ended", open_txn);
        if (ham_member_guest_in_cib(prepare->guest, cib_volumes) ||
            ham_member_guest_in_cib(prepare->guest, recent_volumes))
                return g_strdup_printf("guest %s has resources in the CIB already",
                                       prepare->guest);
        for (guint i = 0; i < prepare->n_volumes; i++) {
                const HamCpgVolume *pv = &prepare->volumes[i];
                gboolean is_minor = FALSE;
                const char *g = used_by(cib_volumes, pv->minor, pv->port, &is_minor);
                if (!g)
                        g = used_by(recent_volumes, pv->minor, pv->port, &is_minor);
                if (g)
                        return is_minor ?
                                g_strdup_printf("minor %u is used by guest %s", pv->minor, g) :
                                g_strdup_printf("port %u is used by guest %s", pv->port, g);
        }
        return local_conflict(prepare, local_taken);
}

gboolean ham_member_alloc(const GPtrArray *used, HamCpgMsg *prepare, GError **error)
{
        g_autoptr(GPtrArray) all = g_ptr_array_new();
        g_autoptr(GPtrArray) mine = g_ptr_array_new_with_free_func((GDestroyNotify)ham_volume_free);

        for (guint i = 0; used && i < used->len; i++)
                g_ptr_array_add(all, used->pdata[i]);
        for (guint i = 0; i < prepare->n_volumes; i++) {
                HamVolume *v = g_new0(HamVolume, 1);
                if (!ham_alloc_minor_port(all, &prepare->volumes[i].minor,
                                          &prepare->volumes[i].port, error)) {
                        ham_volume_free(v);
                        return FALSE;
                }
                v->guest = g_strdup(prepare->guest);
                v->volume = g_strdup(prepare->volumes[i].volume);
                v->size = prepare->volumes[i].size;
                v->minor = prepare->volumes[i].minor;
                v->port = prepare->volumes[i].port;
                g_ptr_array_add(mine, v);
                g_ptr_array_add(all, v);
        }
        return TRUE;
}
