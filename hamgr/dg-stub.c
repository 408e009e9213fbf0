/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TEMPORARY: stand-ins for the libdrbdglue functions hamgrd calls, until
 * libdrbdglue is linked here. Drop this file (and its meson line) then.
 * The watch reports that DRBD is not observed; the names follow DRBD's.
 */
#include "dg.h"

G_DEFINE_QUARK(dg-error-quark, dg_error)

DgEventsWatch *dg_events_watch_start(GMainContext *context, DgEventsCallback callback,
                                     gpointer user_data, GError **error)
{
        g_set_error(error, DG_ERROR, DG_ERROR_FAILED,
                    "this hamgrd is built without libdrbdglue's events watcher");
        return NULL;
}

void dg_events_watch_stop(DgEventsWatch *watch)
{
}

gboolean dg_state_complete(const DgState *state)
{
        return FALSE;
}

const DgResourceState *dg_state_lookup(const DgState *state, const char *name)
{
        return NULL;
}

GPtrArray *dg_state_names(const DgState *state)
{
        return g_ptr_array_new();
}

const char *dg_role_name(DgRole role)
{
        static const char *const n[] = { "Unknown", "Primary", "Secondary" };
        return (guint)role < G_N_ELEMENTS(n) ? n[role] : "Unknown";
}

const char *dg_disk_name(DgDiskState disk)
{
        static const char *const n[] = {
                "DUnknown", "Diskless", "Attaching", "Detaching", "Failed", "Negotiating",
                "Inconsistent", "Outdated", "Consistent", "UpToDate",
        };
        return (guint)disk < G_N_ELEMENTS(n) ? n[disk] : "DUnknown";
}

const char *dg_conn_name(DgConnState conn)
{
        static const char *const n[] = {
                "Unknown", "StandAlone", "Disconnecting", "Unconnected", "Timeout",
                "BrokenPipe", "NetworkFailure", "ProtocolError", "TearDown", "Connecting",
                "Connected",
        };
        return (guint)conn < G_N_ELEMENTS(n) ? n[conn] : "Unknown";
}

const char *dg_repl_name(DgReplState repl)
{
        static const char *const n[] = {
                "Unknown", "Off", "Established", "StartingSyncS", "StartingSyncT",
                "WFBitMapS", "WFBitMapT", "WFSyncUUID", "SyncSource", "SyncTarget",
                "PausedSyncS", "PausedSyncT", "VerifyS", "VerifyT", "Ahead", "Behind",
        };
        return (guint)repl < G_N_ELEMENTS(n) ? n[repl] : "Unknown";
}

json_object *dg_resource_state_to_json(const DgResourceState *res)
{
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(res->name));
        json_object_object_add(o, "role", json_object_new_string(dg_role_name(res->role)));
        json_object_object_add(o, "conn", json_object_new_string(dg_conn_name(res->conn)));
        return o;
}
