/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-cib.h
 * @brief What status, verify and drill know of the CIB, typed: plastik's
 * guests, their volumes, the fencing devices, the nodes' standby and
 * maintenance and the cluster options, as the Pacemaker module reads them
 * (ham_pcmk_cib_view_read(), hamgr/pcmk/ham-pcmk-notify.h).
 *
 * Its JSON form (ham_cib_view_to_json()) is the "cib" object of hamgrd's
 * cluster-status and verify-facts answers:
 *
 *     {"configured": BOOL, "stonith_enabled": BOOL, "maintenance_mode": BOOL,
 *      "priority_fencing_delay"?: MS,
 *      "nodes": {NAME: {"standby", "maintenance"}},
 *      "fencing": [{"id", "agent", "wrapper"?, "race_delay"?, "target_role",
 *                   "hosts", "stopped", "running_on": [NODE]}],
 *      "guests": [{"id", "name", "target_role", "running_on": [NODE],
 *                  "failed_on": [NODE], "probe"?,
 *                  "volumes": [{"volume", "resource", "primitive", "clone",
 *                               "promoted_on": [NODE], "started_on": [NODE],
 *                               "fence_constraint": null |
 *                                   {"id", "node": NODE|null, "foreign": BOOL},
 *                               "colocated": BOOL, "ordered": BOOL}]}]}
 *
 * Pure; ham_cib_view_from_json() reads it back, and its errors name the
 * field ("cib.guests[0].volumes[1].clone: must be a string or null").
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

G_BEGIN_DECLS

/** The DRBD fence handler's constraint on a volume's clone (ham_fence_constraint_id()). */
typedef struct {
        char *id;
        char *node;              /**< where the clone may be promoted; NULL when foreign */
        gboolean foreign;        /**< the id is taken by an element of another shape */
} HamCibFenceConstraint;

/** One volume of a guest: an ocf:plastik:drbd primitive naming the guest. */
typedef struct {
        char *volume;            /**< plastik-volume */
        char *resource;          /**< drbd_resource, or NULL */
        char *primitive;         /**< the primitive's id */
        char *clone;             /**< the id of the clone around it, or NULL */
        GPtrArray *promoted_on;  /**< char*: nodes, sorted */
        GPtrArray *started_on;   /**< char*: nodes where it runs, promoted or not */
        HamCibFenceConstraint *fence_constraint; /**< NULL: none */
        gboolean colocated;      /**< the guest is colocated with the clone's Promoted role */
        gboolean ordered;        /**< the guest starts after the clone's promote */
} HamCibVolume;

/** One guest: an ocf:plastik:guest primitive. */
typedef struct {
        char *id;
        char *name;              /**< its name parameter, or NULL */
        char *target_role;       /**< NULL: not set */
        GPtrArray *running_on;   /**< char*: nodes, sorted */
        GPtrArray *failed_on;    /**< char*: nodes, sorted */
        char *probe;             /**< plastik-probe, NULL when not set */
        guint memory_mib;        /**< its config's memory (libhv's default when not set); 0: not known */
        GPtrArray *volumes;      /**< HamCibVolume* */
} HamCibGuest;

/** One fencing device: a primitive of class stonith. */
typedef struct {
        char *id;
        char *agent;             /**< the agent that fences: its type, or fence_plastik's plastik_agent; or NULL */
        char *wrapper;           /**< "fence_plastik" when it stands in front of @agent, else NULL */
        gint race_delay_s;       /**< the wrapper's race delay; -1 when not wrapped */
        char *target_role;       /**< NULL: not set */
        char *hosts;             /**< the nodes it fences as configured, or NULL */
        gboolean stopped;        /**< stopped on purpose */
        GPtrArray *running_on;   /**< char*: nodes, sorted */
} HamCibFencing;

/** A node of the CIB's configuration. */
typedef struct {
        char *name;
        gboolean standby, maintenance;
} HamCibNode;

typedef struct {
        gboolean configured;       /**< the CIB had a configuration section */
        gboolean stonith_enabled;  /**< as Pacemaker reads it (true when unset) */
        gboolean maintenance_mode;
        gint64 priority_fencing_delay_ms; /**< as Pacemaker reads it (0 when unset); -1: not known */
        GPtrArray *nodes;          /**< HamCibNode*, in the CIB's order, each name once */
        GPtrArray *fencing;        /**< HamCibFencing* */
        GPtrArray *guests;         /**< HamCibGuest* */
} HamCibView;

HamCibView *ham_cib_view_new(void);
void ham_cib_view_free(HamCibView *view);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamCibView, ham_cib_view_free)

HamCibVolume *ham_cib_volume_new(void);
/** ham_cib_volume_copy: (transfer full) a deep copy of @v. */
HamCibVolume *ham_cib_volume_copy(const HamCibVolume *v);
void ham_cib_volume_free(HamCibVolume *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamCibVolume, ham_cib_volume_free)

/** ham_cib_view_node: (transfer none) the node @name of @view, or NULL. */
const HamCibNode *ham_cib_view_node(const HamCibView *view, const char *name);

/**
 * ham_cib_view_set_node:
 * Adds node @name, or when it is there already sets its flags in place (a
 * name appears once; its position stays the first one's).
 */
void ham_cib_view_set_node(HamCibView *view, const char *name, gboolean standby, gboolean maintenance);

/** ham_cib_view_to_json: (transfer full) the JSON form above. */
json_object *ham_cib_view_to_json(const HamCibView *view);

/**
 * ham_cib_view_from_json:
 * Reads the JSON form above: every key must be there with its type ("probe",
 * a device's "wrapper" and "race_delay" and "priority_fencing_delay" may be
 * missing: the first three are written only when set, the last is not known
 * then), unknown keys are ignored. Errors name the field, with
 * @path (e.g. "cib.") before it. (transfer full).
 */
HamCibView *ham_cib_view_from_json(json_object *obj, const char *path, GError **error);

G_END_DECLS
