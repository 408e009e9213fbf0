/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hactl guest remove`'s plan (ham-guest.h): which steps a removal takes,
 * from what the CIB holds of the guest. Pure; golden-tested in
 * tests/golden/guest-remove. hactl-guest.c carries the steps out.
 *
 * The order is the point. The guest stops before its volumes (it has them
 * open); the DRBD clones stop while they are still configured (an orphaned
 * instance is stopped without its parameters, the drbd agent's stop fails,
 * and Pacemaker fences a failed stop); the CIB objects go before the
 * volumes (a volume Pacemaker still manages would be started again). While
 * Pacemaker is frozen (stonith-enabled and no fence device: it starts and
 * stops nothing) nothing can be stopped through it, so the objects are
 * removed as they are. The volumes are asked for last even for a guest
 * the CIB no longer knows: a removal cut short leaves them behind.
 */
#include "ham-guest.h"

guint ham_guest_remove_plan(const HamGuestRemoveFacts *facts, HamGuestRemoveStep steps[HAM_REMOVE_N_STEPS])
{
        guint n = 0;

        if (facts->in_cib && facts->has_config && !facts->pcmk_frozen)
                steps[n++] = HAM_REMOVE_STOP_GUEST;
        if (facts->in_cib && !facts->pcmk_frozen)
                steps[n++] = HAM_REMOVE_STOP_VOLUMES;
        if (facts->in_cib)
                steps[n++] = HAM_REMOVE_CIB_OBJECTS;
        steps[n++] = HAM_REMOVE_VOLUMES;
        return n;
}

const char *ham_guest_remove_step_name(HamGuestRemoveStep step)
{
        switch (step) {
        case HAM_REMOVE_STOP_GUEST: return "stop the guest (target-role Stopped), wait until it is stopped";
        case HAM_REMOVE_STOP_VOLUMES: return "stop its DRBD resources (target-role Stopped), wait until none runs";
        case HAM_REMOVE_CIB_OBJECTS: return "remove its objects from the CIB";
        case HAM_REMOVE_VOLUMES: return "remove its volumes on both nodes (hamgrd)";
        case HAM_REMOVE_N_STEPS: break;
        }
        return "?";
}
