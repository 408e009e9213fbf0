/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-guest.h
 * @brief The pure parts of `hactl guest …`: the options of a create turned
 * into a guest definition, a volume list and the plan (its steps, what a
 * failure of each undoes, the text --dry-run prints); remove's steps; the
 * fencing rule; the guests read back from the CIB and crm_mon.
 *
 * Nothing here runs a program or talks to a daemon: data in, data or text
 * out (golden-tested in tests/golden/guest-create, guest-create-steps,
 * guest-remove and guest-list).
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
        gboolean overcommit;  /**< create it although a node could not run every guest */
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
        guint64 guests_mib;         /**< what the guests there are cost a node (ham_capacity_mib(), every guest) */
        guint64 mem_local_mib, mem_peer_mib; /**< each node's memory; 0: not known (no capacity check for it) */
} HamGuestCreateEnv;

/**
 * The steps of `hactl guest create`, in their order (guest-create.c says
 * why this order). hactl-guest.c carries each out; the plan decides which
 * there are and what a failure of each undoes.
 */
typedef enum {
        HAM_CREATE_PREPARE,         /**< guest-prepare: hamgrd makes the volume on both nodes (minor, port) */
        HAM_CREATE_PROMOTE,         /**< the peer connected, this node promoted with force: the sync's source */
        HAM_CREATE_WRITE_IMAGE,     /**< qemu-img convert of --image onto the DRBD device */
        HAM_CREATE_LEAVE_EMPTY,     /**< no image: the disk stays empty */
        HAM_CREATE_WAIT_SYNC,       /**< wait for the initial sync, with a progress line */
        HAM_CREATE_SYNC_BACKGROUND, /**< --no-wait-sync: the initial sync goes on in the background */
        HAM_CREATE_DEMOTE,          /**< this node Secondary again: Pacemaker promotes where the guest starts */
        HAM_CREATE_COMMIT,          /**< guest-commit: hamgrd puts the guest's CIB objects in */
        HAM_CREATE_WAIT_RUNNING,    /**< wait until Pacemaker runs the guest */
} HamGuestCreateStepKind;

/** What undoes a create, once a step failed or was interrupted. */
typedef enum {
        HAM_CREATE_UNDO_DEMOTE,     /**< demote the volume here, best effort: an open Primary cannot be taken down */
        HAM_CREATE_UNDO_ABORT,      /**< guest-abort: hamgrd removes the volume on both nodes */
} HamGuestCreateUndo;

#define HAM_CREATE_MAX_UNDO 2

/** One step of a create. */
typedef struct {
        HamGuestCreateStepKind kind;
        char *target;         /**< what it acts on: the DRBD resource (pk-NAME-root), the image, or the guest */
        char *line;           /**< what --dry-run prints for it */
        char *note;           /**< (nullable) a second line --dry-run prints under it */
        guint n_undo;         /**< undo[0..n_undo), in that order, when this step fails */
        HamGuestCreateUndo undo[HAM_CREATE_MAX_UNDO];
} HamGuestCreateStep;

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
        GPtrArray *steps;     /**< HamGuestCreateStep*, in order (ham_guest_create_steps()) */
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
 * --without-fencing was not given, or when with this guest a node of known
 * memory could not run every guest (ham.h, "Capacity") and --overcommit
 * was not given. Pure. (transfer full).
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
 * ham_guest_create_steps:
 * Pure: the steps of @plan's create in their order, each with its target,
 * its line and what its failure undoes (guest-create.c). ham_guest_create_plan()
 * sets plan->steps with it. (transfer full): GPtrArray of HamGuestCreateStep*.
 */
GPtrArray *ham_guest_create_steps(const HamGuestCreatePlan *plan);

/** ham_guest_create_step_name: "prepare", "promote", "write-image"... Static. */
const char *ham_guest_create_step_name(HamGuestCreateStepKind kind);

/** ham_guest_create_undo_line: one line saying what the undo does. Static. */
const char *ham_guest_create_undo_line(HamGuestCreateUndo undo);

/** What the CIB says after guest-commit failed; hactl-guest.c acts on it. */
typedef enum {
        HAM_COMMIT_IN_CIB,  /**< the guest is in the CIB: it was committed, only the answer went wrong; go on */
        HAM_COMMIT_UNDO,    /**< not in the CIB, the transaction is still prepared: run the step's undo */
        HAM_COMMIT_UNDONE,  /**< not in the CIB, and hamgrd aborted the transaction itself */
} HamGuestCommitVerdict;

/**
 * ham_guest_commit_verdict:
 * Pure: what a failed guest-commit (@error, as ham_api_call_full() set it)
 * left behind, given whether the CIB read afterwards holds the guest's
 * primitive (@in_cib). In the CIB: committed, only the answer went wrong.
 * Not in it: no answer in time, a garbled one, an error of hactl's own and
 * a request hamgrd refused as invalid leave the transaction prepared (undo
 * it); hamgrd's other answers (the CIB write failed, the transaction is
 * no longer open) and a hamgrd that cannot be reached (the members undo a
 * prepare whose coordinator left) mean it is undone already.
 */
HamGuestCommitVerdict ham_guest_commit_verdict(const GError *error, gboolean in_cib);

/** ham_guest_commit_verdict_name: "in-cib", "undo", "undone". Static. */
const char *ham_guest_commit_verdict_name(HamGuestCommitVerdict verdict);

/**
 * ham_guest_create_undo_of:
 * Pure: what undoes the create after @step failed, in order: the step's
 * undo list, but after a failed commit only when @verdict is
 * HAM_COMMIT_UNDO (@verdict is not read for the other steps). Fills @undo
 * and returns how many.
 */
guint ham_guest_create_undo_of(const HamGuestCreateStep *step, HamGuestCommitVerdict verdict,
                               HamGuestCreateUndo undo[HAM_CREATE_MAX_UNDO]);

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
