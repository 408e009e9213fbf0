/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TEMPORARY: placeholders for the DRBD state model (state.c/events.c), so
 * libdrbdglue links before the real implementation is merged. Remove this
 * file (and its line in meson.build) then.
 */
#include "dg.h"

static gboolean not_built(GError **error)
{
        g_set_error(error, DG_ERROR, DG_ERROR_FAILED, "the DRBD state model is not built yet");
        return FALSE;
}

/* Real names (as DRBD prints them): the planners' golden cases name states. */
const char *dg_role_name(DgRole role)
{
        static const char *const n[] = { "Unknown", "Primary", "Secondary" };
        return (guint)role < G_N_ELEMENTS(n) ? n[role] : "Unknown";
}

const char *dg_disk_name(DgDiskState disk)
{
        static const char *const n[] = { "DUnknown", "Diskless", "Attaching", "Detaching", "Failed",
                                         "Negotiating", "Inconsistent", "Outdated", "Consistent", "UpToDate" };
        return (guint)disk < G_N_ELEMENTS(n) ? n[disk] : "DUnknown";
}

const char *dg_conn_name(DgConnState conn)
{
        static const char *const n[] = { "Unknown", "StandAlone", "Disconnecting", "Unconnected", "Timeout",
                                         "BrokenPipe", "NetworkFailure", "ProtocolError", "TearDown",
                                         "Connecting", "Connected" };
        return (guint)conn < G_N_ELEMENTS(n) ? n[conn] : "Unknown";
}

const char *dg_repl_name(DgReplState repl)
{
        return "Unknown";
}

DgState *dg_state_new(void) { return NULL; }
void dg_state_free(DgState *state) { }
const char *dg_state_feed_line(DgState *state, const char *line, char **ret_warning) { return NULL; }
gboolean dg_state_complete(const DgState *state) { return FALSE; }
const DgResourceState *dg_state_lookup(const DgState *state, const char *name) { return NULL; }
GPtrArray *dg_state_names(const DgState *state) { return g_ptr_array_new(); }
guint dg_state_warnings(const DgState *state) { return 0; }
json_object *dg_state_to_json(const DgState *state) { return NULL; }
json_object *dg_resource_state_to_json(const DgResourceState *res) { return NULL; }

DgState *dg_state_snapshot(GError **error)
{
        not_built(error);
        return NULL;
}

DgEventsWatch *dg_events_watch_start(GMainContext *context, DgEventsCallback callback,
                                     gpointer user_data, GError **error)
{
        not_built(error);
        return NULL;
}

void dg_events_watch_stop(DgEventsWatch *watch) { }

gboolean dg_sync_wait(const char *resource, gint64 timeout_ms, DgSyncProgressFunc progress,
                      gpointer user_data, GError **error)
{
        return not_built(error);
}
