/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-fencing.h
 * @brief "Fencing is usable": the one rule, over typed facts.
 *
 * The facts come from the CIB, read by the Pacemaker module (pcmk/: the
 * stonith-enabled option through Pacemaker's boolean rules, the stonith
 * primitives as HamFenceDevice); the judgment is here, in the model,
 * because status, verify and the drill judge the CIB view hamgrd sends
 * them (JSON) and may not reach the Pacemaker module, while the Pacemaker
 * module may reach the model. hactl guest create/list, hactl fence
 * list/test, hactl status, hactl verify and hactl drill all ask this.
 *
 * Pacemaker's semantics: stonith-enabled defaults to true (unset or not a
 * boolean: see ham_pcmk_bool_option()); a device with target-role Stopped
 * is not run, so it fences nobody; a device with pcmk_host_list or
 * pcmk_host_map fences only the nodes named there (Pacemaker's
 * pcmk_host_check is then static-list), one without either may fence any
 * node (dynamic-list: the device is asked).
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "ham-cib.h"

G_BEGIN_DECLS

/** A fence device (a primitive of class stonith) as the CIB defines it. */
typedef struct {
        char *id, *agent; /**< agent: its type (fence_plastik when wrapped) */
        char *hosts;     /**< pcmk_host_list or pcmk_host_map, or NULL */
        gboolean stopped; /**< target-role Stopped */
        char *wrapped;   /**< with agent fence_plastik: its plastik_agent (NULL when unset); else NULL */
        guint race_delay_s; /**< with agent fence_plastik: its plastik_race_delay (default 15); else 0 */
} HamFenceDevice;

/*
 * fence_plastik, plastik's fence agent, stands in front of the real one
 * (its instance attribute plastik_agent) and forwards every other
 * parameter to it. It pays the two-node race delay itself, and only when
 * it matters: before fencing the node of higher priority, unless that
 * node's own device reports it off (a node without power fences nobody,
 * so there is no race to win). Pacemaker's priority-fencing-delay pays
 * the same delay always; both together pay it twice.
 */
#define HAM_FENCE_PLASTIK "fence_plastik"
#define HAM_FENCE_PLASTIK_AGENT "plastik_agent"
#define HAM_FENCE_PLASTIK_DELAY "plastik_race_delay"
/** fence_plastik's race delay when plastik_race_delay is not set, and hactl's default. */
#define HAM_FENCE_RACE_DELAY_S 15
/** The largest race delay hactl accepts: beyond it a lost node's guests wait too long. */
#define HAM_FENCE_RACE_DELAY_MAX_S 300
/** Pacemaker's priority-fencing-delay while some device is not wrapped (hactl cluster init's). */
#define HAM_PRIORITY_FENCING_DELAY_S 15

/** ham_fence_device_wrapped: Pure: @d is a fence_plastik device (its type). */
gboolean ham_fence_device_wrapped(const HamFenceDevice *d);

/**
 * ham_fence_device_agent:
 * Pure: (transfer none) the agent that fences: a wrapped device's
 * plastik_agent, else its type; "" when the CIB does not say.
 */
const char *ham_fence_device_agent(const HamFenceDevice *d);

/**
 * ham_fence_race_delay_parse:
 * Pure: @text as a race delay, whole seconds from 0 to
 * HAM_FENCE_RACE_DELAY_MAX_S (an "s" suffix is allowed). FALSE when it is
 * not one.
 */
gboolean ham_fence_race_delay_parse(const char *text, guint *ret_s);

/**
 * ham_fencing_pcmk_delay_s:
 * Pure: the priority-fencing-delay Pacemaker must have with these
 * @devices (HamFenceDevice), in seconds: 0 exactly when there is a device
 * and every device is wrapped by fence_plastik (the wrapper pays the race
 * delay, once; a device is wrapped when its type is fence_plastik),
 * HAM_PRIORITY_FENCING_DELAY_S otherwise (a plain device
 * pays nothing itself, so without Pacemaker's delay both nodes of a split
 * fence at once). hactl fence add and remove apply it.
 */
guint ham_fencing_pcmk_delay_s(GPtrArray *devices);

void ham_fence_device_free(HamFenceDevice *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamFenceDevice, ham_fence_device_free)

/**
 * ham_fence_device_can_fence:
 * Pure: @d can fence @node — it is not stopped and its host list, if it
 * has one, names @node (pcmk_host_map's "node:port" counts by node). With
 * @node NULL: it is not stopped.
 */
gboolean ham_fence_device_can_fence(const HamFenceDevice *d, const char *node);

/** What ham_fencing_judge() finds; the first that applies, in this order. */
typedef enum {
        HAM_FENCING_USABLE = 0,     /**< a running device can fence (that node) */
        HAM_FENCING_DISABLED,       /**< stonith-enabled is false */
        HAM_FENCING_NO_DEVICE,      /**< no stonith primitive at all */
        HAM_FENCING_ALL_STOPPED,    /**< every device has target-role Stopped */
        HAM_FENCING_NOT_COVERED,    /**< devices run, none of them for that node */
} HamFencing;

/**
 * ham_fencing_judge:
 * Pure: whether fencing is usable, given whether stonith is enabled (as
 * Pacemaker reads the option) and the @devices (HamFenceDevice), for
 * @node, or for some node when @node is NULL. HAM_FENCING_NOT_COVERED
 * only comes with a @node.
 */
HamFencing ham_fencing_judge(gboolean stonith_enabled, GPtrArray *devices, const char *node);

/**
 * ham_fencing_judge_cib:
 * Pure: ham_fencing_judge() over the CIB's typed view (ham-cib.h): its
 * stonith_enabled and its fencing devices.
 */
HamFencing ham_fencing_judge_cib(const HamCibView *view, const char *node);

G_END_DECLS
