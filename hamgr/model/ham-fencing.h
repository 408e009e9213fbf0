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
        char *id, *agent;
        char *hosts;     /**< pcmk_host_list or pcmk_host_map, or NULL */
        gboolean stopped; /**< target-role Stopped */
} HamFenceDevice;

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
