/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CIB connection hamgrd observes through (ham-pcmk-notify.h): libcib in
 * query mode, diff notifications, a re-read after each burst of changes,
 * reconnection with backoff when pacemaker goes away.
 */
#include "ham-pcmk-notify.h"
#include "ham-pcmk.h"

#include <crm/cib.h>
#include <crm/common/results.h>
#include <crm/common/xml.h>

#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
/* Diffs come in bursts (a transition touches the status section many
 * times); one re-read after the burst is enough. */
#define REREAD_DELAY_MS 200

struct HamPcmkNotify {
        HamPcmkChangedFunc changed;
        gpointer user_data;
        cib_t *cib;
        gboolean connected;
        guint retry_source, reread_source, lost_source;
        guint backoff_ms;
        char *last_error;
        json_object *view;
        json_object *resources;  /* ham_pcmk_cib_resources() of the same read */
        char *config_xml;  /* the configuration section, for hamgrd's volumes */
        guint updates;
};

/* libcib's callbacks carry no user data: the one instance. */
static HamPcmkNotify *the_notify;

static void pn_connect(HamPcmkNotify *pn);

static void pn_disconnect(HamPcmkNotify *pn)
{
        g_clear_handle_id(&pn->reread_source, g_source_remove);
        if (pn->cib) {
                if (pn->connected)
                        pn->cib->cmds->signoff(pn->cib);
                cib_delete(pn->cib);
                pn->cib = NULL;
        }
        pn->connected = FALSE;
}

static gboolean retry_cb(gpointer data)
{
        HamPcmkNotify *pn = data;
        pn->retry_source = 0;
        pn_connect(pn);
        return G_SOURCE_REMOVE;
}

static void schedule_retry(HamPcmkNotify *pn)
{
        if (pn->retry_source)
                return;
        pn->retry_source = g_timeout_add(pn->backoff_ms, retry_cb, pn);
        pn->backoff_ms = MIN(pn->backoff_ms * 2, BACKOFF_MAX_MS);
}

static void pn_failed(HamPcmkNotify *pn, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void pn_failed(HamPcmkNotify *pn, const char *fmt, ...)
{
        va_list ap;
        gboolean was = pn->connected;
        va_start(ap, fmt);
        g_free(pn->last_error);
        pn->last_error = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        if (was)
                g_warning("CIB connection lost (%s); reconnecting", pn->last_error);
        pn_disconnect(pn);
        schedule_retry(pn);
        pn->changed(pn->user_data);
}

static gboolean reread(HamPcmkNotify *pn)
{
        xmlNode *cib = NULL;
        int rc = pn->cib->cmds->query(pn->cib, NULL, &cib, cib_scope_local | cib_sync_call);
        if (rc != pcmk_ok) {
                pn_failed(pn, "CIB query: %s", pcmk_strerror(rc));
                return FALSE;
        }
        json_object_put(pn->view);
        pn->view = ham_pcmk_cib_view(cib);
        json_object_put(pn->resources);
        pn->resources = ham_pcmk_cib_resources(cib);
        g_clear_pointer(&pn->config_xml, g_free);
        for (xmlNode *c = cib ? cib->children : NULL; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, (const xmlChar *)"configuration"))
                        pn->config_xml = ham_xml_to_string(c);
        free_xml(cib);
        pn->updates++;
        return TRUE;
}

static gboolean reread_cb(gpointer data)
{
        HamPcmkNotify *pn = data;
        pn->reread_source = 0;
        if (pn->connected && reread(pn))
                pn->changed(pn->user_data);
        return G_SOURCE_REMOVE;
}

static void diff_cb(const char *event, xmlNode *msg)
{
        HamPcmkNotify *pn = the_notify;
        if (pn && pn->connected && !pn->reread_source)
                pn->reread_source = g_timeout_add(REREAD_DELAY_MS, reread_cb, pn);
}

/* Called from inside libcib's IPC teardown: do the rest from an idle. */
static gboolean lost_cb(gpointer data)
{
        HamPcmkNotify *pn = data;
        pn->lost_source = 0;
        /* Marked disconnected already (see dnotify_cb), so say it here. */
        g_warning("CIB connection lost (pacemaker's CIB manager went away); reconnecting");
        pn_failed(pn, "pacemaker's CIB manager went away");
        return G_SOURCE_REMOVE;
}

static void dnotify_cb(gpointer user_data)
{
        HamPcmkNotify *pn = the_notify;
        if (pn && pn->connected && !pn->lost_source) {
                /* The IPC is gone already; signoff would only complain. */
                pn->connected = FALSE;
                pn->lost_source = g_idle_add(lost_cb, pn);
        }
}

static void pn_connect(HamPcmkNotify *pn)
{
        int rc;

        pn->cib = cib_new();
        if (!pn->cib) {
                pn_failed(pn, "cib_new failed");
                return;
        }
        rc = pn->cib->cmds->signon(pn->cib, "hamgrd", cib_query);
        if (rc != pcmk_ok) {
                pn_failed(pn, "cannot sign on to the CIB (is pacemaker running?): %s",
                          pcmk_strerror(rc));
                return;
        }
        pn->connected = TRUE;
        rc = pn->cib->cmds->set_connection_dnotify(pn->cib, dnotify_cb);
        if (rc == pcmk_ok)
                rc = pn->cib->cmds->add_notify_callback(pn->cib, T_CIB_DIFF_NOTIFY, diff_cb);
        if (rc != pcmk_ok) {
                pn_failed(pn, "CIB notifications: %s", pcmk_strerror(rc));
                return;
        }
        if (!reread(pn))
                return;
        pn->backoff_ms = BACKOFF_MIN_MS;
        g_clear_pointer(&pn->last_error, g_free);
        g_message("CIB: connected, following its changes");
        pn->changed(pn->user_data);
}

HamPcmkNotify *ham_pcmk_notify_new(HamPcmkChangedFunc changed, gpointer user_data)
{
        HamPcmkNotify *pn = g_new0(HamPcmkNotify, 1);
        g_return_val_if_fail(the_notify == NULL, NULL);
        pn->changed = changed;
        pn->user_data = user_data;
        pn->backoff_ms = BACKOFF_MIN_MS;
        the_notify = pn;
        pn_connect(pn);
        return pn;
}

void ham_pcmk_notify_free(HamPcmkNotify *pn)
{
        if (!pn)
                return;
        g_clear_handle_id(&pn->retry_source, g_source_remove);
        g_clear_handle_id(&pn->lost_source, g_source_remove);
        pn_disconnect(pn);
        json_object_put(pn->view);
        json_object_put(pn->resources);
        g_free(pn->config_xml);
        g_free(pn->last_error);
        the_notify = NULL;
        g_free(pn);
}

const char *ham_pcmk_notify_config_xml(HamPcmkNotify *pn)
{
        return pn->config_xml;
}

guint ham_pcmk_notify_updates(HamPcmkNotify *pn)
{
        return pn->updates;
}

gboolean ham_pcmk_notify_connected(HamPcmkNotify *pn)
{
        return pn->connected;
}

json_object *ham_pcmk_notify_to_json(HamPcmkNotify *pn)
{
        json_object *obj = json_object_new_object();
        json_object_object_add(obj, "connected", json_object_new_boolean(pn->connected));
        if (pn->last_error)
                json_object_object_add(obj, "error", json_object_new_string(pn->last_error));
        /* The last CIB seen stays useful (and is marked stale) while away. */
        json_object_object_add(obj, "view", json_object_get(pn->view));
        json_object_object_add(obj, "stale", json_object_new_boolean(!pn->connected && pn->view));
        json_object_object_add(obj, "updates", json_object_new_int64(pn->updates));
        return obj;
}

json_object *ham_pcmk_notify_resources(HamPcmkNotify *pn)
{
        return pn->resources ? json_object_get(pn->resources) : NULL;
}
