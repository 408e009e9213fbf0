/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-pcmk.h
 * @brief The Pacemaker module: every call into Pacemaker's libraries lives
 * in hamgr/pcmk/ behind this header, so a port to another Pacemaker
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
#include "ham-fencing.h"

G_BEGIN_DECLS

/* ---- volumes as stored in the CIB (pure, libxml2; pcmk-cib.c) ------------------ */

/**
 * ham_cib_volumes_parse:
 * Every plastik volume in a CIB (the whole CIB, or its configuration or
 * resources section): the volume agent's primitives (ham_cib_is_volume_agent()) carrying a
 * "plastik-volume" meta attribute set. A malformed set is an error naming the
 * primitive and the attribute. (transfer full): GPtrArray of HamVolume*,
 * sorted by guest then volume.
 */
GPtrArray *ham_cib_volumes_parse(const char *xml, gsize len, GError **error);

/**
 * ham_cib_is_volume_agent:
 * Whether a primitive's class, provider and type name the agent of a
 * plastik volume: ocf:plastik:drbd, which hactl writes, or ocf:linbit:drbd,
 * which it wrote before; both take the same drbd_resource parameter.
 */
gboolean ham_cib_is_volume_agent(const char *cls, const char *provider, const char *type);

/* ---- Pacemaker's view (crm_mon --output-as=xml) ----------------------------------- */

typedef struct {
        char *name;
        char *id;
        gboolean online, standby, standby_onfail, maintenance, pending, unclean,
                 shutdown, is_dc;
        guint resources_running;
} HamMonNode;

typedef struct {
        char *id;             /**< the primitive */
        char *clone;          /**< the clone or group it belongs to, or NULL */
        char *agent;          /**< "ocf:plastik:drbd", "stonith:fence_ipmilan" */
        char *role;           /**< Started, Stopped, Promoted, Unpromoted... */
        char *node;           /**< where it is active, or NULL */
        gboolean active, failed, managed, blocked, orphaned;
} HamMonResource;

typedef struct {
        char *op_key, *node, *exitstatus, *exitreason, *task, *last_rc_change;
        int exitcode;
} HamMonFailure;

typedef struct {
        gboolean connected;     /**< FALSE: crm_mon could not reach the cluster */
        char *error;            /**< crm_mon's reason when not connected */
        char *dc;               /**< DC's name or NULL */
        gboolean quorate;
        char *last_change;      /**< "Fri Nov 27 19:29:04 2026" as crm_mon prints it */
        char *last_change_by;   /**< user/client/origin */
        gboolean stonith_enabled;
        gboolean maintenance_mode;
        GPtrArray *nodes;       /**< HamMonNode* */
        GPtrArray *resources;   /**< HamMonResource*, one per instance */
        GPtrArray *failures;    /**< HamMonFailure* */
} HamMonStatus;

void ham_mon_status_free(HamMonStatus *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamMonStatus, ham_mon_status_free)

/**
 * ham_crm_mon_parse:
 * Parses `crm_mon -1 --output-as=xml` (pacemaker-result api-version 2.x).
 * A "Not connected" result parses to connected=FALSE with crm_mon's reason.
 * Unknown elements and attributes are ignored; missing required ones are
 * HAM_ERROR_PARSE naming the element. (transfer full).
 */
HamMonStatus *ham_crm_mon_parse(const char *xml, gsize len, GError **error);

/** ham_mon_status_to_json: (transfer full) for --json output. */
json_object *ham_mon_status_to_json(const HamMonStatus *st);

/** ham_mon_node_find: the node named @name or NULL. (transfer none). */
const HamMonNode *ham_mon_node_find(const HamMonStatus *st, const char *name);

/** ham_mon_node_state: "online", "standby", "maintenance", "offline", "unclean", "pending". */
const char *ham_mon_node_state(const HamMonNode *node);

/**
 * ham_crm_mon_run:
 * Runs `crm_mon -1 --output-as=xml` and parses it. (transfer full).
 */
HamMonStatus *ham_crm_mon_run(GError **error);

/* ---- the CIB manager (libcib) --------------------------------------------------- */

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
 * ham_pcmk_query_node_xml:
 * @node's own copy of the CIB (or of @section), asked of that node's CIB
 * manager rather than this one: what @node would act on. Fails
 * (HAM_ERROR_PCMK) when @node does not answer within @timeout_s, as when it
 * is not in this node's membership. (transfer full).
 */
char *ham_pcmk_query_node_xml(HamPcmk *pcmk, const char *node, const char *section, int timeout_s,
                              GError **error);

/**
 * ham_pcmk_guest_apply:
 * Puts @spec's resources and constraints (ham_cib_guest_build()) into the CIB
 * in one replace of the configuration section, so either all of it is
 * there or none. HAM_ERROR_CONFLICT when any of the ids exists already.
 */
gboolean ham_pcmk_guest_apply(HamPcmk *pcmk, const HamGuestSpec *spec, GError **error);

/**
 * ham_pcmk_guest_remove:
 * Waits (up to 60 s) for operations in flight to finish, removes every
 * resource and constraint of guest @name in one replace, then deletes its
 * primitives' operation history (crm_resource --refresh; --cleanup only
 * clears failures) until none is left (checked for 3 s, up to 60 s): an
 * instance the history shows running would otherwise be stopped as an
 * orphan, without its parameters. HAM_ERROR_NOT_FOUND when there is none.
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
 * ham_pcmk_guest_volumes_target_role:
 * Sets target-role=@role on every DRBD clone of guest @name
 * (drbd-pk-NAME-VOLUME-clone). Removing a guest stops them first: once its
 * clones are gone from the configuration, Pacemaker would stop the
 * orphaned instances without their parameters, the drbd agent's stop
 * fails, and a failed stop is fenced. None is no error.
 */
gboolean ham_pcmk_guest_volumes_target_role(HamPcmk *pcmk, const char *name, const char *role,
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
 * A guest's CIB objects: @ret_resources gets one promotable ocf:plastik:drbd
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

/**
 * ham_cib_history_left:
 * Which of the primitives @ids (NULL-terminated) still have operation
 * history in the CIB's status section @status_xml (a <status> element or
 * a whole <cib>): an lrm_resource called ID, or ID:N for a clone instance.
 * (transfer full): "ID on NODE" strings, empty when none is left; NULL
 * with HAM_ERROR_PARSE when @status_xml is not XML.
 */
GPtrArray *ham_cib_history_left(const char *status_xml, gsize len, const char *const *ids,
                                GError **error);

/* ---- the DRBD fence handler's constraint (pcmk-view.c; pure) ------------------------ */

/**
 * ham_fence_constraint_id:
 * The id of the constraint the fence-peer handler places for DRBD resource
 * @resource whose promotable clone is @clone_id:
 * "drbd-fence-by-handler-RESOURCE-CLONE" (drbd-utils' crm-fence-peer
 * naming). (transfer full).
 */
char *ham_fence_constraint_id(const char *resource, const char *clone_id);

/**
 * ham_fence_constraint_node:
 * The one reader of the handler's constraint shape: when @constraint is a
 * rsc_location on @clone_id whose first rule has role Promoted (or Master)
 * and score -INFINITY (or -inf) and exactly one element child, an
 * expression "#uname ne NODE" with a value, returns NODE, the only node
 * where the clone may be promoted. NULL for anything else, which the
 * handler must neither take for its own nor remove. (transfer full).
 */
char *ham_fence_constraint_node(xmlNode *constraint, const char *clone_id);

/** ham_xml_to_string: (transfer full) @node serialized, indented. */
char *ham_xml_to_string(xmlNode *node);

/* ---- the fence race (pcmk-view.c; pure) -------------------------------------------- */

/** A cluster node as Pacemaker's scheduler weighs it in the fence race after a split. */
typedef struct {
        char *name;
        gboolean online;  /**< in this partition: corosync member, controller up, joined (node_state) */
        int priority;     /**< the sum of the priorities of the resources active on it */
} HamCibNodePriority;

void ham_cib_node_priority_free(HamCibNodePriority *n);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamCibNodePriority, ham_cib_node_priority_free)

/**
 * ham_cib_node_priorities:
 * Pure, over the whole CIB as XML text: every node of <nodes>, in document
 * order, with its priority as Pacemaker 2.1.5 computes it for
 * priority-fencing-delay (native_priority_to_node): the sum of the
 * `priority` meta attribute (the primitive's, else its group's or clone's,
 * else rsc_defaults') of every primitive active on it by the status
 * section's operation history, plus 1 for each promoted instance of a
 * resource whose priority is not 0. Every primitive counts, not only
 * plastik's. A resource whose last operation failed counts nowhere (2.1.5
 * counts it when its on-fail is ignore). HAM_ERROR_PARSE when @cib_xml is
 * not a CIB. (transfer full): a GPtrArray of HamCibNodePriority that frees them.
 */
GPtrArray *ham_cib_node_priorities(const char *cib_xml, gsize len, GError **error);

/* ---- fencing (pcmk-fence.c) -------------------------------------------------------- */

/**
 * ham_fencing_configured:
 * Pure, over the whole CIB as XML text: TRUE when fencing is usable
 * (ham_cib_fencing() for some node: stonith-enabled is not false and at
 * least one stonith-class primitive's target-role is not Stopped). Otherwise FALSE with
 * @ret_reason (transfer full) (optional) saying what is missing and how to
 * fix it ("hactl fence add …"). A CIB that does not parse is "not
 * configured" with the parse error as reason. For `hactl verify` and the
 * guest-start refusal.
 */
gboolean ham_fencing_configured(const char *cib_xml, gsize len, char **ret_reason);

/**
 * ham_pacemaker_frozen:
 * Pure, over the whole CIB as XML text: TRUE when stonith-enabled is not
 * false and no stonith-class primitive exists at all. Pacemaker then
 * starts and stops nothing ("Resource start-up disabled since no STONITH
 * resources have been defined"), so waiting for it to stop a resource is
 * waiting forever. A CIB that does not parse is not frozen.
 */
gboolean ham_pacemaker_frozen(const char *cib_xml, gsize len);

/**
 * ham_fence_device_read:
 * Pure: @primitive as a fence device (id, agent, pcmk_host_list or else
 * pcmk_host_map, target-role Stopped), or NULL when it is not a primitive
 * of class stonith. (transfer full).
 */
HamFenceDevice *ham_fence_device_read(xmlNode *primitive);

/**
 * ham_cib_stonith_enabled:
 * Pure: the cluster option stonith-enabled of a CIB's <configuration> as
 * Pacemaker's scheduler reads it: true unless a cluster_property_set sets
 * it to a false spelling (ham_pcmk_bool_option()).
 */
gboolean ham_cib_stonith_enabled(xmlNode *configuration);

/**
 * ham_cib_priority_fencing_delay_ms:
 * Pure: the cluster option priority-fencing-delay of a CIB's
 * <configuration> as Pacemaker reads it, in ms: 0 when unset or not an
 * interval (Pacemaker then uses its default, 0); -1 for an ISO 8601
 * duration, which is not read here.
 */
gint64 ham_cib_priority_fencing_delay_ms(xmlNode *configuration);

/**
 * ham_cib_fencing:
 * Pure: ham_fencing_judge() over a CIB's <configuration>: its
 * stonith-enabled and every stonith primitive under <resources>, for
 * @node (NULL: for some node).
 */
HamFencing ham_cib_fencing(xmlNode *configuration, const char *node);

/**
 * ham_fence_devices:
 * Pure: the stonith primitives of a CIB (XML text), in document order.
 * (transfer full): a GPtrArray of HamFenceDevice that frees them.
 */
GPtrArray *ham_fence_devices(const char *cib_xml, gsize len, GError **error);

/**
 * ham_fence_params_check:
 * Pure: checks @params (NULL-terminated "name=value") against a fence
 * agent's metadata XML (`AGENT -o metadata`): every name must be one of the
 * agent's parameters (or Pacemaker's own pcmk_*), every parameter marked
 * required must be given. HAM_ERROR_INVALID names the parameter and lists
 * the valid ones.
 */
gboolean ham_fence_params_check(const char *agent, const char *metadata, gsize len,
                                const char *const *params, GError **error);

/**
 * ham_cib_fence_build:
 * Pure: the <primitive class="stonith" type="fence_plastik"> for device
 * @id, standing in front of @agent (plastik_agent=@agent,
 * plastik_race_delay=@race_delay_s, @params for @agent, a monitor op every
 * 60 s, pcmk_host_list=@node unless a pcmk_host_* is in @params), and a
 * rsc_location "@id-avoids-@node" keeping it off @node (a node never runs
 * the device that fences it). The race delay is paid inside the agent's
 * off and reboot, where Pacemaker does not count it: pcmk_off_timeout and
 * pcmk_reboot_timeout are those of @params (whole seconds, an "s" allowed)
 * or else Pacemaker's default (stonith-timeout's, 60 s), raised by
 * @race_delay_s. @agent fence_plastik itself, and @params named plastik_*,
 * are refused (HAM_ERROR_INVALID). (transfer full) texts.
 */
gboolean ham_cib_fence_build(const char *id, const char *agent, const char *node,
                             const char *const *params, guint race_delay_s, char **ret_primitive,
                             char **ret_location, GError **error);

/**
 * ham_cib_fencing_delay_change:
 * Pure: what priority-fencing-delay must become for @cib_xml's devices
 * (ham_fencing_pcmk_delay_s()): (out) @ret_value "0" when it must become
 * 0, "15s" when it is 0 and must not be, NULL when it is right already (a
 * value the admin chose other than 0 is kept while some device is plain).
 * FALSE when the CIB cannot be read.
 */
gboolean ham_cib_fencing_delay_change(const char *cib_xml, gsize len, const char **ret_value,
                                      GError **error);

/**
 * ham_pcmk_fence_add:
 * Creates the device and its location; HAM_ERROR_CONFLICT when @id
 * exists. Then priority-fencing-delay follows ham_cib_fencing_delay_change().
 */
gboolean ham_pcmk_fence_add(HamPcmk *pcmk, const char *primitive_xml, const char *location_xml,
                            const char *id, GError **error);

/**
 * ham_pcmk_fence_remove:
 * Removes device @id and its location constraints; then
 * priority-fencing-delay follows ham_cib_fencing_delay_change().
 */
gboolean ham_pcmk_fence_remove(HamPcmk *pcmk, const char *id, GError **error);

/** ham_pcmk_constraint_add: creates @xml (one constraint element) in the constraints section. */
gboolean ham_pcmk_constraint_add(HamPcmk *pcmk, const char *xml, GError **error);

/** ham_pcmk_constraint_delete: deletes the rsc_location with @id; a missing one is not an error. */
gboolean ham_pcmk_constraint_delete(HamPcmk *pcmk, const char *id, GError **error);

/* The fencer (libstonithd). */
typedef struct HamFencer HamFencer;

/** ham_fencer_connect: HAM_ERROR_PCMK when pacemaker-fenced is not running. (transfer full) */
HamFencer *ham_fencer_connect(const char *client_name, GError **error);
void ham_fencer_close(HamFencer *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamFencer, ham_fencer_close)

/** What the fencer's history says of one operation. */
typedef enum {
        HAM_FENCE_OP_PENDING,   /**< asked for, not finished */
        HAM_FENCE_OP_DONE,      /**< the target is off (or was rebooted) */
        HAM_FENCE_OP_FAILED,
} HamFenceOpState;

typedef struct {
        char *target;
        char *action;           /**< "off", "reboot", "on"... */
        HamFenceOpState state;
        gint64 completed_ms;    /**< wall clock; 0 while pending */
} HamFenceOp;

void ham_fence_op_free(HamFenceOp *op);

/**
 * ham_fencer_history:
 * The fencer's operations on @node (NULL: every node), off and reboot only.
 * (transfer full): a GPtrArray of HamFenceOp that frees them.
 */
GPtrArray *ham_fencer_history(HamFencer *f, const char *node, int timeout_s, GError **error);

/**
 * ham_fencer_watch:
 * Calls @func from the main loop each time the fencer reports a fencing's
 * result (any node's, any target's), so a reader of the history need not
 * wait for its next look. The notification carries no user data, so there
 * is one watcher per process: a second call replaces the first. The
 * connection must stay open; closing it ends the watch.
 */
typedef void (*HamFencerEventFunc)(const char *target, gpointer user_data);
gboolean ham_fencer_watch(HamFencer *f, HamFencerEventFunc func, gpointer user_data, GError **error);

/** ham_fencer_status: runs device @id's non-destructive status action for @node. */
gboolean ham_fencer_status(HamFencer *f, const char *id, const char *node, int timeout_s,
                           GError **error);

/** ham_fencer_fence: asks the fencer to fence @node (@action "reboot" or "off"). */
gboolean ham_fencer_fence(HamFencer *f, const char *node, const char *action, int timeout_s,
                          GError **error);

G_END_DECLS
