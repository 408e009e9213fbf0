/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-pcmk-notify.h
 * @brief hamgrd's live view of the CIB and its node attributes.
 *
 * HamPcmkNotify keeps a libcib connection in the default GMainContext (the
 * only one libcib's IPC integrates with), follows the CIB's diff
 * notifications and re-reads the CIB after each burst of changes. When
 * pacemaker is not running, or restarts, it reconnects with backoff.
 * At most one HamPcmkNotify per process: libcib's callbacks carry no user
 * data.
 *
 * HamAttrd publishes transient node attributes of this node through
 * pacemaker's attribute manager (attrd_updater, argv only), writing only
 * what changed and rewriting everything after pacemaker comes back.
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>
#include <libxml/tree.h>

#include "ham-cib.h"

G_BEGIN_DECLS

/**
 * ham_pcmk_cib_view:
 * Pure: the parts of a CIB (the <cib> element, as `cibadmin -Q` prints it)
 * hamgrd reports, as JSON:
 *
 *     {"dc": NAME|null, "have_quorum": BOOL, "epoch": "A:B:C",
 *      "nodes": [{"name", "id", "in_ccm", "crmd", "join", "online",
 *                 "attributes": {NAME: VALUE for every plastik-* attribute}}]}
 *
 * Nodes come from <nodes>, joined with their <node_state>; a node without
 * node_state is offline. Missing or malformed parts give nulls and false,
 * never an error. (transfer full).
 */
json_object *ham_pcmk_cib_view(xmlNode *cib);

/**
 * ham_pcmk_cib_view_read:
 * Pure: what status, verify and drill need of a CIB's configuration and
 * status, as a HamCibView (ham-cib.h, which gives its JSON form too).
 *
 * Fencing devices are the primitives of class stonith; guests the
 * ocf:plastik:guest primitives; their volumes the ocf:plastik:drbd
 * primitives whose plastik-volume meta set names the guest. Where a
 * resource runs is read from the operation history in the status section
 * (node_state/lrm): in call order, a successful start or promote makes it
 * run, a stop ends it, a monitor says what it found, a failure other than
 * "not running" makes it Failed. A volume's fence_constraint is the DRBD
 * fence handler's constraint for its clone (ham_fence_constraint_id()):
 * null when no element has that id, "node" the only node where the clone
 * may be promoted (ham_fence_constraint_node()), or "node" null and
 * "foreign" true when the id is taken by an element of another shape.
 * Never an error. (transfer full).
 */
HamCibView *ham_pcmk_cib_view_read(xmlNode *cib);
/** ham_pcmk_cib_resources: (transfer full) ham_cib_view_to_json() of ham_pcmk_cib_view_read(). */
json_object *ham_pcmk_cib_resources(xmlNode *cib);

typedef struct HamPcmkNotify HamPcmkNotify;
typedef void (*HamPcmkChangedFunc)(gpointer user_data);

/** ham_pcmk_notify_new: connects now or later; never fails. */
HamPcmkNotify *ham_pcmk_notify_new(HamPcmkChangedFunc changed, gpointer user_data);
void ham_pcmk_notify_free(HamPcmkNotify *pn);
/** ham_pcmk_notify_connected: TRUE while signed on to the CIB. */
gboolean ham_pcmk_notify_connected(HamPcmkNotify *pn);
/**
 * ham_pcmk_notify_to_json: (transfer full) {"connected", "error"?,
 * "view": ham_pcmk_cib_view() of the last CIB read, "updates": N}.
 */
json_object *ham_pcmk_notify_to_json(HamPcmkNotify *pn);
/**
 * ham_pcmk_notify_resources: (transfer full) (nullable) ham_pcmk_cib_resources()
 * of the last CIB read; NULL before the first.
 */
json_object *ham_pcmk_notify_resources(HamPcmkNotify *pn);
/**
 * ham_pcmk_notify_config_xml: (transfer none) (nullable) the configuration
 * section of the last CIB read (NULL before the first read); valid until the
 * next change is reported.
 */
const char *ham_pcmk_notify_config_xml(HamPcmkNotify *pn);
/** ham_pcmk_notify_updates: how many times the CIB was read; grows on each change. */
guint ham_pcmk_notify_updates(HamPcmkNotify *pn);

typedef struct HamAttrd HamAttrd;

HamAttrd *ham_attrd_new(void);
void ham_attrd_free(HamAttrd *ad);
/**
 * ham_attrd_set: wants @name to be @value (NULL: deleted) on this node.
 * Written at once when it differs from what was written last and
 * publishing is on; one attrd_updater runs at a time.
 */
void ham_attrd_set(HamAttrd *ad, const char *name, const char *value);
/**
 * ham_attrd_set_online: pacemaker came (TRUE) or went (FALSE). Coming back
 * rewrites every wanted value: a restarted pacemaker has forgotten them.
 */
void ham_attrd_set_online(HamAttrd *ad, gboolean online);
/**
 * ham_attrd_forget: @name is in the CIB with @value (transfer none) but no
 * longer wanted (left over from before a restart): delete it.
 */
void ham_attrd_forget(HamAttrd *ad, const char *name, const char *value);
/** ham_attrd_to_json: (transfer full) {NAME: VALUE} of the wanted values. */
json_object *ham_attrd_to_json(HamAttrd *ad);
/** ham_attrd_writes: attrd_updater runs so far (for status). */
guint ham_attrd_writes(HamAttrd *ad);

G_END_DECLS
