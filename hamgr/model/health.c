/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pure rules: QMP events → guest view, guest view / DRBD → health. */
#include "ham-health.h"

#include <string.h>
#include <time.h>

void ham_guest_view_clear(HamGuestView *g)
{
        g_clear_pointer(&g->name, g_free);
        g_clear_pointer(&g->reason, g_free);
        g_clear_pointer(&g->last_event, g_free);
}

/* The same mapping libhv applies to query-status. */
HvState ham_guest_state_from_runstate(const char *runstate)
{
        if (!runstate)
                return HV_STATE_UNKNOWN;
        if (g_str_equal(runstate, "running"))
                return HV_STATE_RUNNING;
        if (g_str_equal(runstate, "guest-panicked") || g_str_equal(runstate, "internal-error"))
                return HV_STATE_CRASHED;
        if (g_str_equal(runstate, "shutdown"))
                return HV_STATE_SHUTOFF;
        return HV_STATE_PAUSED;
}

static void set_state(HamGuestView *g, HvState state, const char *reason)
{
        g->state = state;
        g_free(g->reason);
        g->reason = g_strdup(reason);
}

static const char *data_string(const HvQmpMessage *ev, const char *key)
{
        json_object *v;
        if (ev->payload && json_object_is_type(ev->payload, json_type_object) &&
            json_object_object_get_ex(ev->payload, key, &v) &&
            json_object_is_type(v, json_type_string))
                return json_object_get_string(v);
        return NULL;
}

gboolean ham_guest_view_apply_event(HamGuestView *g, const HvQmpMessage *ev)
{
        const char *action = data_string(ev, "action");
        HvState before = g->state;
        g_autofree char *reason_before = g_strdup(g->reason);

        g_free(g->last_event);
        g->last_event = g_strdup(ev->event ? ev->event : "?");
        g->last_event_at = ev->ts_sec > 0 ? ev->ts_sec : (gint64)time(NULL);

        switch (ev->event_type) {
        case HV_QMP_EVENT_STOP:
                /* After an error event the STOP that follows keeps its reason. */
                if (g->state == HV_STATE_RUNNING || g->state == HV_STATE_UNKNOWN)
                        set_state(g, HV_STATE_PAUSED, "paused");
                break;
        case HV_QMP_EVENT_RESUME:
                set_state(g, HV_STATE_RUNNING, "running");
                break;
        case HV_QMP_EVENT_SHUTDOWN:
                set_state(g, HV_STATE_SHUTOFF, "shutdown");
                break;
        case HV_QMP_EVENT_GUEST_PANICKED:
                set_state(g, HV_STATE_CRASHED, "guest-panicked");
                break;
        case HV_QMP_EVENT_WATCHDOG:
                if (action && g_str_equal(action, "pause"))
                        set_state(g, HV_STATE_PAUSED, "watchdog");
                break;
        case HV_QMP_EVENT_BLOCK_IO_ERROR:
                if (action && g_str_equal(action, "stop"))
                        set_state(g, HV_STATE_PAUSED, "io-error");
                break;
        case HV_QMP_EVENT_RESET:
                /* A reset of a crashed or paused guest leaves it where QEMU's
                 * run state says; RESUME follows if it runs again. */
        case HV_QMP_EVENT_OTHER:
                break;
        }
        return g->state != before || g_strcmp0(g->reason, reason_before) != 0;
}

const char *ham_health_guest(const HamGuestView *g)
{
        switch (g->state) {
        case HV_STATE_RUNNING: return "ok";
        case HV_STATE_SHUTOFF: return "shutoff";
        case HV_STATE_CRASHED: return "crashed";
        case HV_STATE_UNKNOWN: return "unknown";
        case HV_STATE_PAUSED:
                if (g->reason && (g_str_equal(g->reason, "io-error") ||
                                  g_str_equal(g->reason, "watchdog")))
                        return g->reason[0] == 'i' ? "io-error" : "watchdog";
                return "paused";
        }
        return "unknown";
}

const char *ham_health_drbd(const DgResourceState *res)
{
        const DgVolumeState *v = NULL;

        if (res->volumes)
                for (guint i = 0; i < res->volumes->len; i++)
                        if (g_array_index(res->volumes, DgVolumeState, i).volume == 0)
                                v = &g_array_index(res->volumes, DgVolumeState, i);
        if (!v)
                return "unknown";
        switch (v->repl) {
        case DG_REPL_SYNC_SOURCE:
        case DG_REPL_PAUSED_SYNC_S:
        case DG_REPL_STARTING_SYNC_S:
        case DG_REPL_WF_BITMAP_S:
                return "sync-source";
        case DG_REPL_SYNC_TARGET:
        case DG_REPL_PAUSED_SYNC_T:
        case DG_REPL_STARTING_SYNC_T:
        case DG_REPL_WF_BITMAP_T:
        case DG_REPL_WF_SYNC_UUID:
                return "sync-target";
        default:
                break;
        }
        switch (v->disk) {
        case DG_DISK_UPTODATE:
                if (res->conn == DG_CONN_CONNECTED && v->peer_disk == DG_DISK_UPTODATE)
                        return "ok";
                return "degraded";
        case DG_DISK_OUTDATED: return "outdated";
        case DG_DISK_INCONSISTENT: return "inconsistent";
        case DG_DISK_DISKLESS: return "diskless";
        case DG_DISK_FAILED:
        case DG_DISK_DETACHING: return "failed";
        default: return "unknown";
        }
}

char *ham_health_attr_guest(const char *guest)
{
        return g_strconcat(HAM_ATTR_GUEST_PREFIX, guest, NULL);
}

char *ham_health_attr_drbd(const char *resource)
{
        return g_strconcat(HAM_ATTR_DRBD_PREFIX, resource, NULL);
}

json_object *ham_guest_view_to_json(const HamGuestView *g)
{
        json_object *obj = json_object_new_object();
        json_object_object_add(obj, "name", json_object_new_string(g->name));
        json_object_object_add(obj, "state", json_object_new_string(hv_state_to_string(g->state)));
        json_object_object_add(obj, "reason", g->reason ? json_object_new_string(g->reason) : NULL);
        json_object_object_add(obj, "pid", json_object_new_int(g->pid));
        json_object_object_add(obj, "health", json_object_new_string(ham_health_guest(g)));
        json_object_object_add(obj, "last_event",
                               g->last_event ? json_object_new_string(g->last_event) : NULL);
        json_object_object_add(obj, "last_event_at", json_object_new_int64(g->last_event_at));
        return obj;
}
