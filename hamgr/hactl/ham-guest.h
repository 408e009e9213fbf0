/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-guest.h
 * @brief The pure parts of `hactl guest …`: the options of a create turned
 * into a guest definition, a volume list and the plan printed by --dry-run;
 * the fencing rule; the guests read back from the CIB and crm_mon.
 *
 * Nothing here runs a program or talks to a daemon: data in, data or text
 * out (golden-tested in tests/golden/guest-create and guest-list).
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "ham.h"
#include "ham-pcmk.h"

G_BEGIN_DECLS

/** A guest's priority when none is given: above 0, so that the node running
 * guests wins the fence race after a split (priority-fencing-delay counts
 * only non-zero priorities). */
#define HAM_GUEST_PRIORITY_DEFAULT 10
#define HAM_GUEST_PRIORITY_MAX 1000000

/** The only volume hactl guest create makes: the guest's first disk. */
#define HAM_GUEST_ROOT_VOLUME "root"

/** The options of `hactl guest create`, as given (NULL: not given). */
typedef struct {
        const char *name;
        const char *memory;   /**< MiB ("512") or a size with a suffix ("1G") */
        const char *vcpus;
        const char *disk;     /**< dg_size_parse() syntax */
        const char *image;    /**< disk image to write onto the volume */
        const char *kernel, *initrd, *cmdline;
        const char *config;   /**< a whole guest definition (JSON text of --config FILE) */
        const char *config_path; /**< where @config came from, for messages */
        const char *prefer;   /**< node to prefer */
        const char *priority; /**< the primitive's priority meta attribute */
        const char *probe;    /**< ADDRESS:PORT of the guest's service (failover timeline) */
        gboolean without_fencing;
        gboolean no_wait_sync;
} HamGuestCreateOpts;

/** What the cluster and this node look like, gathered by the caller. */
typedef struct {
        const char *local;          /**< this node's name */
        const char *peer;           /**< the other node's name */
        const char *const *guests;  /**< guests whose resources are in the CIB (NULL-terminated) */
        const char *fencing_problem; /**< NULL when fencing is configured, else why not */
        gint64 image_size;          /**< virtual size of opts->image in bytes; -1: not readable */
        const char *image_error;    /**< why opts->image cannot be read, when image_size is -1 */
        const char *image_format;   /**< "raw" or "qcow2", as ham_guest_image_judge() found it */
        gboolean image_refused;     /**< read, but refused by ham_guest_image_judge() (@image_error says why) */
} HamGuestCreateEnv;

/** A validated create: everything known before hamgrd allocates the volume. */
typedef struct {
        char *name;
        json_object *config;  /**< the guest definition; disks[0].path is set by ham_guest_create_config() */
        GPtrArray *volumes;   /**< HamVolume* with guest, volume and size (minor/port 0: not allocated yet) */
        char *prefer;         /**< (nullable) */
        guint priority;       /**< wins the two-node fence race (priority-fencing-delay) */
        char *probe;          /**< (nullable) ADDRESS:PORT hamgrd probes after a failover */
        char *image;          /**< (nullable) */
        char *image_format;   /**< "raw" or "qcow2": given to qemu-img, never probed by it */
        gboolean kernel_boot;
        gboolean without_fencing;
        gboolean no_wait_sync;
} HamGuestCreatePlan;

void ham_guest_create_plan_free(HamGuestCreatePlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamGuestCreatePlan, ham_guest_create_plan_free)

/**
 * ham_guest_create_plan:
 * Validates every option against @env and builds the definition with
 * libhv's model (hv_guest_def_from_json(), the disk standing in as
 * /dev/drbd0 until hamgrd allocates the real minor). Errors are
 * HAM_ERROR_INVALID naming the option and the rule, HAM_ERROR_CONFLICT for
 * a guest that exists, HAM_ERROR_NOT_FOUND for an image that cannot be
 * read, HAM_ERROR_UNSAFE when fencing is not configured and
 * --without-fencing was not given. Pure. (transfer full).
 */
HamGuestCreatePlan *ham_guest_create_plan(const HamGuestCreateOpts *opts,
                                          const HamGuestCreateEnv *env, GError **error);

/**
 * ham_guest_image_format:
 * Pure: the format of an image from its first bytes (@head, @len of them):
 * "qcow2" for qcow2's magic, else "raw". (transfer none).
 */
const char *ham_guest_image_format(const guint8 *head, gsize len);

/**
 * ham_guest_image_judge:
 * Pure: judges `qemu-img info -f @format --output=json` of an image given
 * with --image (@info_json). An image is copied onto the guest's volume only
 * when it is self-contained: a backing file or an external data file could
 * name any file or device of this host (another guest's volume), whose data
 * qemu-img would copy into the new guest. Sets @ret_size to the virtual
 * size. HAM_ERROR_INVALID naming the problem and the fix otherwise.
 */
gboolean ham_guest_image_judge(const char *image, const char *format, const char *info_json,
                               gint64 *ret_size, GError **error);

/**
 * ham_guest_create_plan_to_string:
 * The steps of the create, one per line, numbered, for --dry-run.
 * (transfer full).
 */
char *ham_guest_create_plan_to_string(const HamGuestCreatePlan *plan);

/**
 * ham_guest_create_config:
 * The definition with its disk on @device (from guest-prepare), validated
 * again with libhv's model. (transfer full).
 */
json_object *ham_guest_create_config(const HamGuestCreatePlan *plan, const char *device,
                                     GError **error);

/**
 * ham_memory_parse:
 * --memory: a plain number is MiB; a size with a suffix ("1G", "512M")
 * must be a whole number of MiB. Errors name the option.
 */
gboolean ham_memory_parse(const char *text, guint *ret_mib, GError **error);

/**
 * ham_cib_fencing_problem:
 * Reads a CIB (the whole one or its configuration section): NULL when
 * fencing is usable (ham_cib_fencing(): stonith-enabled not false, at
 * least one stonith primitive whose target-role is not Stopped); else the
 * reason, e.g. "no fence device is configured". @ret_problem:
 * (transfer full) (nullable). FALSE only when the XML does not parse.
 */
gboolean ham_cib_fencing_problem(const char *xml, gsize len, char **ret_problem,
                                 GError **error);

/** One guest as the CIB and crm_mon show it. */
typedef struct {
        char *name;
        json_object *config;  /**< the definition (NULL when the param does not parse) */
        guint priority;
        char *target_role;    /**< meta target-role, or NULL */
        char *prefer;         /**< the location-…-prefer node, or NULL */
        char *move_to;        /**< a cli-prefer-… constraint's node, or NULL */
        GPtrArray *volumes;   /**< HamVolume* */
        GPtrArray *constraints; /**< char*: ids of the constraints naming its resources */
        /* from crm_mon */
        char *node;           /**< where it runs, or NULL */
        char *state;          /**< "running", "stopped", "failed", "unmanaged", "unknown" */
        GPtrArray *volume_roles; /**< char*: "node1:Promoted" per volume instance */
        /* from the status section */
        char *health;         /**< hamgrd's plastik-guest-NAME on its node, or NULL */
} HamGuestInfo;

void ham_guest_info_free(HamGuestInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamGuestInfo, ham_guest_info_free)

/**
 * ham_guests_collect:
 * Every guest in @cib_xml (the whole CIB: configuration and status), with
 * its state from @mon ((nullable): unknown). Sorted by name. Pure.
 * (transfer full): GPtrArray of HamGuestInfo*.
 */
GPtrArray *ham_guests_collect(const char *cib_xml, gsize len, const HamMonStatus *mon,
                              GError **error);

/** ham_guest_info_to_json: (transfer full) for --json. */
json_object *ham_guest_info_to_json(const HamGuestInfo *info);

/** ham_guest_info_find: (transfer none) (nullable). */
HamGuestInfo *ham_guest_info_find(GPtrArray *guests, const char *name);

/** ham_cib_move_id: "cli-prefer-guest-NAME" (crm_resource --move's name). (transfer full). */
char *ham_cib_move_id(const char *guest);

/* ---- guest remove (guest-remove.c) ---------------------------------------------- */

/** What the CIB holds of a guest being removed. */
typedef struct {
        gboolean in_cib;      /**< the CIB has objects of the guest */
        gboolean has_config;  /**< among them its guest primitive (not only volumes left) */
        gboolean pcmk_frozen; /**< Pacemaker starts and stops nothing (no fence device) */
} HamGuestRemoveFacts;

typedef enum {
        HAM_REMOVE_STOP_GUEST,   /**< target-role Stopped; wait until it is stopped */
        HAM_REMOVE_STOP_VOLUMES, /**< the DRBD clones' target-role Stopped; wait until none runs */
        HAM_REMOVE_CIB_OBJECTS,  /**< the guest's objects out of the CIB */
        HAM_REMOVE_VOLUMES,      /**< hamgrd removes the volumes on both nodes */
        HAM_REMOVE_N_STEPS
} HamGuestRemoveStep;

/**
 * ham_guest_remove_plan:
 * The steps of `hactl guest remove` in their order (guest-remove.c says
 * why this order); fills @steps and returns how many.
 */
guint ham_guest_remove_plan(const HamGuestRemoveFacts *facts, HamGuestRemoveStep steps[HAM_REMOVE_N_STEPS]);

/** ham_guest_remove_step_name: one line saying what the step does. Static. */
const char *ham_guest_remove_step_name(HamGuestRemoveStep step);

G_END_DECLS
