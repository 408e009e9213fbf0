/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-pcmk.h
 * @brief The Pacemaker module: every call into Pacemaker's libraries lives
 * in hamgr/pcmk*.c behind this header, so a port to another Pacemaker
 * release touches one place.
 *
 * Connections use libcib (the CIB manager's IPC) as a command client; all
 * calls are synchronous. The CIB XML built here follows schema
 * pacemaker-3.7 or later (the role names Promoted/Unpromoted); Pacemaker
 * 2.1.5 creates new CIBs with pacemaker-3.9.
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "ham.h"

G_BEGIN_DECLS

typedef struct HamPcmk HamPcmk;

/**
 * ham_pcmk_connect:
 * Signs on to the local CIB manager as @client_name. HAM_ERROR_PCMK with
 * Pacemaker's reason when it is not running. (transfer full): ham_pcmk_close().
 */
HamPcmk *ham_pcmk_connect(const char *client_name, GError **error);
void ham_pcmk_close(HamPcmk *pcmk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamPcmk, ham_pcmk_close)

/**
 * ham_pcmk_set_option:
 * Sets @name=@value in @section: "crm_config" (set cib-bootstrap-options) or
 * "rsc_defaults" (set rsc-options). Creates the set when missing.
 */
gboolean ham_pcmk_set_option(HamPcmk *pcmk, const char *section, const char *name,
                             const char *value, GError **error);

/**
 * ham_pcmk_get_option:
 * The value of @name in @section's first set, or NULL (no error) when unset.
 * @ret_value: (transfer full) (nullable).
 */
gboolean ham_pcmk_get_option(HamPcmk *pcmk, const char *section, const char *name,
                             char **ret_value, GError **error);

/**
 * ham_pcmk_node_id:
 * The CIB id of node @uname (nodes section). HAM_ERROR_NOT_FOUND naming the
 * known nodes when there is no such node. @ret_id: (transfer full).
 */
gboolean ham_pcmk_node_id(HamPcmk *pcmk, const char *uname, char **ret_id, GError **error);

/**
 * ham_pcmk_node_attr_set:
 * Sets a permanent node attribute (nodes/node/instance_attributes), e.g.
 * standby=on, maintenance=on. @value NULL removes the attribute.
 */
gboolean ham_pcmk_node_attr_set(HamPcmk *pcmk, const char *uname, const char *name,
                                const char *value, GError **error);

/** ham_pcmk_node_attr_get: @ret_value (transfer full) (nullable): NULL when unset. */
gboolean ham_pcmk_node_attr_get(HamPcmk *pcmk, const char *uname, const char *name,
                                char **ret_value, GError **error);

/**
 * ham_pcmk_query_xml:
 * The CIB (or @section of it, NULL for all) as XML text. (transfer full).
 */
char *ham_pcmk_query_xml(HamPcmk *pcmk, const char *section, GError **error);

/**
 * ham_pcmk_guest_apply:
 * Puts @spec's resources and constraints (ham_cib_guest_build()) into the CIB
 * in one replace of the configuration section, so either all of it is
 * there or none. HAM_ERROR_CONFLICT when any of the ids exists already.
 */
gboolean ham_pcmk_guest_apply(HamPcmk *pcmk, const HamGuestSpec *spec, GError **error);

/**
 * ham_pcmk_guest_remove:
 * Removes every resource and constraint of guest @name in one replace.
 * HAM_ERROR_NOT_FOUND when there is none.
 */
gboolean ham_pcmk_guest_remove(HamPcmk *pcmk, const char *name, GError **error);

/**
 * ham_pcmk_guest_target_role:
 * Sets the meta attribute target-role of guest @name's primitive to @role
 * ("Started" or "Stopped"), as `crm_resource --meta` does.
 * HAM_ERROR_NOT_FOUND when the guest is not in the CIB.
 */
gboolean ham_pcmk_guest_target_role(HamPcmk *pcmk, const char *name, const char *role,
                                    GError **error);

/**
 * ham_pcmk_location_set:
 * Adds or replaces the location constraint @id: resource @rsc on @node with
 * @score ("INFINITY" for a move, like crm_resource --move's cli-prefer-…).
 */
gboolean ham_pcmk_location_set(HamPcmk *pcmk, const char *id, const char *rsc,
                               const char *node, const char *score, GError **error);

/**
 * ham_pcmk_constraint_remove:
 * Removes constraint @id; no error when there is none.
 */
gboolean ham_pcmk_constraint_remove(HamPcmk *pcmk, const char *id, GError **error);

/* ---- pure builders (libxml2 only; golden-tested) ----------------------------------- */

/** ids: "guest-NAME", "drbd-pk-NAME-VOL" (+ "-clone"), "order-NAME-VOL"... (transfer full). */
char *ham_cib_guest_id(const char *guest);
char *ham_cib_drbd_id(const char *guest, const char *volume);

/**
 * ham_cib_guest_build:
 * A guest's CIB objects: @ret_resources gets one promotable ocf:linbit:drbd
 * clone per volume (drbd_resource, promoted-max=1, promoted-node-max=1,
 * clone-max=2, clone-node-max=1, notify=true; the volume definition in the
 * "plastik-volume" meta set) and the ocf:plastik:guest primitive (params
 * name and config, meta priority); @ret_constraints gets per volume the
 * colocation with the Promoted role and the order promote → start, and a
 * location preference for spec->prefer. Both are <resources>/<constraints>
 * elements holding the new children. (transfer full): xmlFreeNode().
 */
gboolean ham_cib_guest_build(const HamGuestSpec *spec, xmlNode **ret_resources,
                             xmlNode **ret_constraints, GError **error);

/**
 * ham_cib_guest_merge:
 * Adds @spec's objects to a <configuration> element (pure; used by
 * ham_pcmk_guest_apply and its tests). HAM_ERROR_CONFLICT when an id exists.
 */
gboolean ham_cib_guest_merge(xmlNode *configuration, const HamGuestSpec *spec, GError **error);

/**
 * ham_cib_guest_unmerge:
 * Removes guest @name's resources and constraints from a <configuration>
 * element; @ret_removed counts the objects removed.
 */
gboolean ham_cib_guest_unmerge(xmlNode *configuration, const char *name,
                               guint *ret_removed, GError **error);

/** ham_xml_to_string: (transfer full) @node serialized, indented. */
char *ham_xml_to_string(xmlNode *node);

G_END_DECLS
