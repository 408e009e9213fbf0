/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file dg.h
 * @brief libdrbdglue: replicated volumes (LVM backing volumes + DRBD).
 *
 * A replicated volume is one LVM logical volume on each of the two nodes,
 * mirrored by one DRBD resource (protocol C). Everything here is node-local:
 * the cluster-wide definition (size, minor, port) comes from the caller
 * (hamgrd reads it from the CIB; dgctl takes it on its command line).
 *
 * Names: a guest's volume VOLUME is the DRBD resource and the LV
 * "pk-GUEST-VOLUME" (see dg_resource_name()); the device is /dev/drbdMINOR.
 *
 * Conventions as in pk.h: `GError **` for errors a person reads (domain
 * DG_ERROR), `ret_*` out-parameters set only on success, transfer notes on
 * every returned pointer.
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

G_BEGIN_DECLS

#define DG_ERROR (dg_error_quark())
GQuark dg_error_quark(void);

/** Error codes of DG_ERROR; dgctl maps them to exit codes (dgctl(8)). */
typedef enum {
        DG_ERROR_FAILED,    /**< anything else; the message says what */
        DG_ERROR_INVALID,   /**< bad name, size, definition or argument */
        DG_ERROR_NOT_FOUND, /**< no such VG, LV or resource */
        DG_ERROR_EXISTS,    /**< the LV/resource exists already (and differs) */
        DG_ERROR_NO_SPACE,  /**< the VG has too little free space; says how much */
        DG_ERROR_COMMAND,   /**< drbdadm/drbdsetup/LVM failed; carries its stderr */
        DG_ERROR_UNSAFE,    /**< refused because it could lose data; says why */
        DG_ERROR_PARSE,     /**< output of LVM/DRBD not of the expected form */
        DG_ERROR_BUSY,      /**< another tool is changing the volume on this node */
} DgError;

/* ---- names --------------------------------------------------------------- */

/*
 * Identifiers. Each kind has one validator, used by every component that
 * reads one (plastik.conf, the site file, hamgrd's API and CPG messages, the
 * fence handlers); the *_RULE strings say the rule in error messages.
 */

#define DG_NODE_NAME_MAX 63
#define DG_NODE_NAME_RULE "[A-Za-z0-9][A-Za-z0-9._-]{0,62}"

/**
 * dg_node_name_valid:
 * A node name: DG_NODE_NAME_RULE, a host name as `uname -n` prints it.
 * corosync's nodelist, Pacemaker's node uname and DRBD's "on NAME" sections
 * are all matched against `uname -n`, so the node name is the host name;
 * plastik takes its portable form (one DNS label of RFC 1123, letters,
 * digits, '-', plus '.' and '_' which host names in the wild carry), at
 * most 63 characters, starting with a letter or digit. The cluster name
 * of plastik.conf follows the same rule.
 */
gboolean dg_node_name_valid(const char *name);

#define DG_LVM_NAME_MAX 127
#define DG_LVM_NAME_RULE "1-127 of [A-Za-z0-9+_.-], not starting with '-', not \".\" or \"..\""

/**
 * dg_vg_name_valid, dg_lv_name_valid:
 * LVM's rule for volume group and logical volume names (lvm(8), "VALID
 * NAMES"): DG_LVM_NAME_RULE (LVM's NAME_LEN is 128 with the NUL). LVM also
 * reserves some LV name parts ("_mlog", "_rimage"..., the prefixes
 * "snapshot" and "pvmove"); it refuses those itself with a message of its
 * own, and they cannot reach a command line unquoted, so they are not
 * checked here. lvm2_run() splits its command line at blanks: nothing
 * that passes can change the command.
 */
gboolean dg_vg_name_valid(const char *vg);
gboolean dg_lv_name_valid(const char *lv);

#define DG_RES_NAME_MAX 128
#define DG_RES_NAME_RULE "1-128 of [A-Za-z0-9_.+-]"

/**
 * dg_res_name_valid:
 * A DRBD resource name, plastik's or anybody's: DG_RES_NAME_RULE. DRBD
 * itself refuses only empty names, '/', blanks and control characters
 * (and 8.4's netlink carries 128 bytes); plastik takes the subset that
 * passes unquoted through drbdadm, a .res file, CIB ids and logs, which
 * every resource named as LVM names its LVs fits in. Plain words of a .res
 * file (a fencing policy) are bounded by the same rule.
 * Plastik's own resources are narrower: dg_resource_name_parse().
 */
gboolean dg_res_name_valid(const char *name);

/**
 * dg_address_valid:
 * An IPv4 or IPv6 literal as inet_pton(3) reads it, without a port and
 * without brackets; no host names (a replication or cluster address must
 * not depend on a resolver while the network is failing).
 */
gboolean dg_address_valid(const char *address);

#define DG_SECRET_MIN 16
#define DG_SECRET_MAX 64
#define DG_SECRET_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-"

/**
 * dg_secret_valid:
 * DRBD's shared-secret (cram-hmac-alg sha256) as plastik writes it:
 * DG_SECRET_MIN to DG_SECRET_MAX of DG_SECRET_CHARS (base64 and base64url
 * text). It sits in a quoted string of every .res file: no quotes, blanks
 * or backslashes, and long enough not to be guessed.
 */
gboolean dg_secret_valid(const char *secret);

#define DG_VOLUME_NAME_MAX 16
#define DG_VOLUME_NAME_RULE "[a-z][a-z0-9]{0,15}"

/**
 * dg_volume_name_valid: TRUE when @volume matches DG_VOLUME_NAME_RULE (a
 * guest's volume, e.g. "root"; no '-', so "pk-GUEST-VOLUME" splits again).
 */
gboolean dg_volume_name_valid(const char *volume);

/**
 * dg_resource_name:
 * "pk-GUEST-VOLUME" — the DRBD resource and LV name. Guest names follow
 * hv_guest_name_valid(); volume names have no '-', so the split is unique.
 * Returns NULL and sets @error when either name is invalid.
 * (transfer full): g_free().
 */
char *dg_resource_name(const char *guest, const char *volume, GError **error);

/**
 * dg_resource_name_parse:
 * Inverse of dg_resource_name(). FALSE (no error) when @res is not one of
 * ours. @ret_guest, @ret_volume: (transfer full) (optional).
 */
gboolean dg_resource_name_parse(const char *res, char **ret_guest, char **ret_volume);

/** The smallest volume: one default activity-log extent; below that DRBD's
 * own metadata dominates. */
#define DG_VOLUME_SIZE_MIN (G_GUINT64_CONSTANT(4) << 20)

/**
 * dg_size_parse:
 * "3G", "512M", "1.5GiB", "1073741824" (bytes) → bytes. Suffixes K M G T
 * (with optional "iB"/"B") are binary. Refuses 0, negatives, garbage and
 * overflow with a message naming @what.
 */
gboolean dg_size_parse(const char *text, const char *what, guint64 *ret_bytes,
                       GError **error);

/** dg_size_format: "3.0 GiB", "512 MiB". (transfer full): g_free(). */
char *dg_size_format(guint64 bytes);

/* ---- the site: both nodes and the shared replication settings ----------- */

/** One node of the pair as DRBD's resource file needs it. */
typedef struct {
        char *name;    /**< the node's name as `uname -n` gives it */
        char *address; /**< replication address (IPv4 or IPv6 literal) */
        char *vg;      /**< the node's volume group for backing LVs */
} DgNode;

/**
 * The site: what every resource file shares. The same on both nodes, so both
 * render identical `.res` files.
 */
typedef struct {
        DgNode nodes[2];
        char *local;              /**< which of nodes[] this node is (its name) */
        char *secret;             /**< cram-hmac-alg shared secret (sha256) */
        char *fence_peer_handler; /**< absolute path of plastik-fence-peer */
        char *unfence_handler;    /**< absolute path of plastik-unfence-peer */
        char *split_brain_handler; /**< absolute path of plastik-split-brain */
        char *res_dir;            /**< where .res files go (/etc/drbd.d) */
} DgSite;

void dg_site_free(DgSite *site);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DgSite, dg_site_free)

/**
 * dg_site_load:
 * Reads a site file (GKeyFile, see dgctl(8)):
 *
 *     [site]
 *     secret=...                (required, 16..64 chars [A-Za-z0-9+/=_-])
 *     fence-peer-handler=/usr/sbin/plastik-fence-peer   (default)
 *     unfence-handler=/usr/sbin/plastik-unfence-peer    (default)
 *     split-brain-handler=/usr/sbin/plastik-split-brain (default)
 *     res-dir=/etc/drbd.d                                (default)
 *     [node node1]
 *     address=10.99.0.1
 *     vg=plastik
 *     [node node2]
 *     ...
 *
 * @local: this node's name (NULL: `uname -n`); must be one of the two.
 * Every problem names the file, the group and the key.
 * (transfer full): dg_site_free().
 */
DgSite *dg_site_load(const char *path, const char *local, GError **error);

/** dg_site_validate: checks a site built in code (hamgrd). */
gboolean dg_site_validate(const DgSite *site, GError **error);

/** dg_site_local / dg_site_peer: the local node and the other one. */
const DgNode *dg_site_local(const DgSite *site);
const DgNode *dg_site_peer(const DgSite *site);

/* ---- a replicated volume's definition (cluster-wide) --------------------- */

typedef struct {
        char *guest;   /**< owning guest */
        char *volume;  /**< volume name in the guest, e.g. "root" */
        guint64 size;  /**< usable size in bytes (the LV is larger by DRBD's
                            internal metadata, see dg_lv_size_for()) */
        guint minor;   /**< /dev/drbdMINOR, 0..1048575, unique cluster-wide */
        guint port;    /**< TCP port, 1024..65535, unique cluster-wide */
} DgVolumeDef;

void dg_volume_def_clear(DgVolumeDef *def);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(DgVolumeDef, dg_volume_def_clear)
gboolean dg_volume_def_validate(const DgVolumeDef *def, GError **error);

/**
 * dg_lv_size_for:
 * The backing LV size for a usable @size: @size plus DRBD 8.4/9 internal
 * metadata (bitmap 1 bit per 4 KiB plus 4 KiB superblock + activity log,
 * rounded up to 1 MiB), then rounded up to the VG's @extent_size.
 */
guint64 dg_lv_size_for(guint64 size, guint64 extent_size);

/* ---- resource files ------------------------------------------------------ */

/**
 * dg_res_render:
 * The complete `.res` text for @def on @site: protocol C, fencing
 * resource-and-stonith, fence-peer/after-resync-target handlers, al-extents,
 * the resync controller, verify-alg/csums-alg, cram-hmac-alg + shared-secret,
 * both nodes with disk /dev/VG/pk-GUEST-VOLUME, meta-disk internal.
 * Pure: the same input always gives the same bytes. (transfer full).
 */
char *dg_res_render(const DgSite *site, const DgVolumeDef *def, GError **error);

/** dg_res_path: RES_DIR/pk-GUEST-VOLUME.res. (transfer full). */
char *dg_res_path(const DgSite *site, const DgVolumeDef *def);

/** The minor and the port numbers a resource of a .res file claims. */
typedef struct {
        char *name;      /**< the resource's name as written */
        GArray *minors;  /**< guint, each once, in order: "device /dev/drbdN",
                              "device ... minor N" (both when both are given) */
        GArray *ports;   /**< guint, each once, in order: "address [AF] ADDR:PORT;",
                              "floating [AF] ADDR:PORT;" of every host */
} DgResClaims;

/**
 * What plastik reads back from a `.res` file, its own or anybody's: the
 * settings verify compares, and every minor and port the file's resources
 * claim (drbdadm refuses a resource whose minor or port another file has).
 */
typedef struct {
        char *protocol;          /**< "A", "B", "C", or NULL when not set */
        char *fencing;           /**< the fencing policy (a word of
                                      DG_RES_NAME_RULE), or NULL */
        gboolean fence_peer;     /**< a fence-peer handler is set */
        gboolean unfence_peer;   /**< after-resync-target (8.4) or unfence-peer */
        gboolean split_brain;    /**< a split-brain handler is set */
        GPtrArray *resources;    /**< DgResClaims*, in order, one per
                                      "resource NAME {" block */
} DgResFile;

void dg_res_file_free(DgResFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DgResFile, dg_res_file_free)

/**
 * dg_res_file_parse:
 * Pure, and never fails: reads DRBD configuration text (8.4 or 9 syntax) as
 * drbdadm tokenizes it: words, quoted strings, '{', '}', ';', comments from
 * '#' to the end of the line. A statement is a key right after '{', '}' or
 * ';' and the words up to the next of those. Settings count wherever they
 * stand (the last one wins); minors and ports only inside a resource block,
 * numbers out of range (minor > 1048575, port 0 or > 65535) are skipped.
 * Whatever it cannot read it skips, so a file someone else wrote gives what
 * it has. (transfer full): dg_res_file_free().
 */
DgResFile *dg_res_file_parse(const char *text);

/**
 * dg_res_parse_ids:
 * The minor and port of a .res file dg_res_render() wrote, so commands on an
 * existing volume need not repeat them: its first resource's first minor and
 * first port (dg_res_file_parse()). PARSE error when it has no resource or
 * either number is missing; @ret_minor and @ret_port are set on success only.
 */
gboolean dg_res_parse_ids(const char *text, guint *ret_minor, guint *ret_port, GError **error);

/* ---- LVM (liblvm2cmd) ---------------------------------------------------- */

typedef struct {
        char *vg;
        guint64 size;        /**< bytes */
        guint64 free;        /**< bytes */
        guint64 extent_size; /**< bytes */
} DgVgInfo;

typedef struct {
        char *vg;
        char *name;
        guint64 size;   /**< bytes */
        gboolean active;
} DgLvInfo;

void dg_vg_info_clear(DgVgInfo *info);
void dg_lv_info_free(DgLvInfo *info);

/**
 * dg_lvm_report_parse:
 * Parses the output of `vgs|lvs --reportformat json --units b --nosuffix`
 * (LVM 2.03.16: {"report":[{"vg":[...]}]} / {"lv":[...]}). Pure; used by
 * the functions below and by the golden and fuzz tests. Unknown fields are
 * ignored, missing or malformed ones are an error naming the field.
 * @ret_vgs: (optional) (transfer full): GPtrArray of DgVgInfo*.
 * @ret_lvs: (optional) (transfer full): GPtrArray of DgLvInfo*.
 */
gboolean dg_lvm_report_parse(const char *text, GPtrArray **ret_vgs,
                             GPtrArray **ret_lvs, GError **error);

/** dg_vg_get: size, free space and extent size of @vg (NOT_FOUND if absent). */
gboolean dg_vg_get(const char *vg, DgVgInfo *ret_info, GError **error);

/**
 * dg_lv_list: LVs of @vg; with @ours_only only "pk-*" ones.
 * (transfer full): GPtrArray of DgLvInfo*.
 */
GPtrArray *dg_lv_list(const char *vg, gboolean ours_only, GError **error);

/**
 * dg_lv_create:
 * Creates @vg/@name of @size bytes (rounded up to the extent size).
 * EXISTS when it exists, NO_SPACE with "volume group vg0 has 2.1 GiB free,
 * need 3.0 GiB" when it does not fit; nothing is created on failure.
 */
gboolean dg_lv_create(const char *vg, const char *name, guint64 size, GError **error);

/** dg_lv_grow: grows to @size bytes; refuses shrinking (INVALID). */
gboolean dg_lv_grow(const char *vg, const char *name, guint64 size, GError **error);

/** dg_lv_remove: removes @vg/@name; NOT_FOUND when absent. */
gboolean dg_lv_remove(const char *vg, const char *name, GError **error);

/**
 * dg_lv_activate:
 * Activates @vg/@name (`lvchange --activate y VG/NAME`) so /dev/VG/NAME
 * exists; does nothing when it is active already. An LV is inactive after
 * a boot without LVM autoactivation (no udev, or autoactivation disabled).
 * Activation writes nothing to the volume. NOT_FOUND when absent; COMMAND,
 * naming the LV and the command to run by hand, when LVM refuses.
 */
gboolean dg_lv_activate(const char *vg, const char *name, GError **error);

/* ---- DRBD state model (drbdsetup events2) --------------------------------- */

typedef enum {
        DG_ROLE_UNKNOWN,
        DG_ROLE_PRIMARY,
        DG_ROLE_SECONDARY,
} DgRole;

typedef enum {
        DG_DISK_UNKNOWN, /**< not reported (e.g. peer disconnected: DUnknown) */
        DG_DISK_DISKLESS,
        DG_DISK_ATTACHING,
        DG_DISK_DETACHING,
        DG_DISK_FAILED,
        DG_DISK_NEGOTIATING,
        DG_DISK_INCONSISTENT,
        DG_DISK_OUTDATED,
        DG_DISK_CONSISTENT,
        DG_DISK_UPTODATE,
} DgDiskState;

typedef enum {
        DG_CONN_UNKNOWN,
        DG_CONN_STANDALONE,
        DG_CONN_DISCONNECTING,
        DG_CONN_UNCONNECTED,
        DG_CONN_TIMEOUT,
        DG_CONN_BROKEN_PIPE,
        DG_CONN_NETWORK_FAILURE,
        DG_CONN_PROTOCOL_ERROR,
        DG_CONN_TEAR_DOWN,
        DG_CONN_CONNECTING,
        DG_CONN_CONNECTED,
} DgConnState;

typedef enum {
        DG_REPL_UNKNOWN,
        DG_REPL_OFF,
        DG_REPL_ESTABLISHED,
        DG_REPL_STARTING_SYNC_S,
        DG_REPL_STARTING_SYNC_T,
        DG_REPL_WF_BITMAP_S,
        DG_REPL_WF_BITMAP_T,
        DG_REPL_WF_SYNC_UUID,
        DG_REPL_SYNC_SOURCE,
        DG_REPL_SYNC_TARGET,
        DG_REPL_PAUSED_SYNC_S,
        DG_REPL_PAUSED_SYNC_T,
        DG_REPL_VERIFY_S,
        DG_REPL_VERIFY_T,
        DG_REPL_AHEAD,
        DG_REPL_BEHIND,
} DgReplState;

/**
 * One DRBD volume of a resource (plastik uses volume 0 only). done: DRBD 9
 * prints it; for 8.4 it is derived as drbdsetup-84 status does it,
 * 100 * (1 - out_of_sync / size), so it counts the whole device.
 */
typedef struct {
        int volume;              /**< DRBD volume number */
        int minor;               /**< -1 when unknown */
        DgDiskState disk;        /**< local disk */
        DgDiskState peer_disk;
        DgReplState repl;
        guint64 out_of_sync_kib; /**< from --statistics */
        double done;             /**< resync done in %, -1 when not syncing */
        gint64 size_kib;         /**< -1 when unknown */
} DgVolumeState;

/** One resource as DRBD reports it. */
typedef struct {
        char *name;
        DgRole role;
        DgConnState conn;
        DgRole peer_role;
        char *peer;              /**< peer node name (DRBD 9) or NULL; with no
                                      connection object conn is StandAlone */
        char *suspended;         /**< why DRBD holds the resource's I/O, as
                                      drbdsetup prints it ("fencing", "user",
                                      "no-data", "quorum", comma-separated);
                                      NULL when it does not ("no") */
        GArray *volumes;         /**< DgVolumeState, ordered by volume */
} DgResourceState;

/**
 * Names as DRBD prints them ("UpToDate", "SyncSource"...): the one table of
 * DRBD's state words in plastik; fencing and hamgr name and parse states
 * with these. (transfer none); "invalid" for a value outside the enum.
 */
const char *dg_role_name(DgRole role);
const char *dg_disk_name(DgDiskState disk);
const char *dg_conn_name(DgConnState conn);
const char *dg_repl_name(DgReplState repl);

/**
 * dg_role_from_name, dg_disk_from_name, dg_conn_from_name, dg_repl_from_name:
 * Parse a state as drbdsetup or drbdadm prints it (exact case). DRBD's own
 * "unknown" spellings ("Unknown", "DUnknown") give the *_UNKNOWN value and
 * TRUE; so do the DRBD 8.4 spellings events2 passes through
 * ("WFConnection", "WFReportParams"; connection states in a peer device's
 * replication field mean Off). FALSE for anything else, leaving @ret
 * untouched.
 */
gboolean dg_role_from_name(const char *name, DgRole *ret);
gboolean dg_disk_from_name(const char *name, DgDiskState *ret);
gboolean dg_conn_from_name(const char *name, DgConnState *ret);
gboolean dg_repl_from_name(const char *name, DgReplState *ret);

/** dg_repl_is_resync: SyncSource, SyncTarget and their paused forms (hamgr's status says "resync" for these). */
gboolean dg_repl_is_resync(DgReplState repl);

/**
 * DgState: the model of every resource on this node, fed line by line from
 * `drbdsetup events2 [--now] --statistics` (DRBD 8.4 and 9). Opaque.
 */
typedef struct DgState DgState;

DgState *dg_state_new(void);
void dg_state_free(DgState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DgState, dg_state_free)

/**
 * dg_state_feed_line:
 * Applies one events2 line (without its newline). Returns the name of the
 * resource it changed (owned by @state, valid until the next call), or NULL
 * when the line changed nothing. Malformed lines and unknown keys or values
 * never abort: they are counted and reported through @ret_warning
 * ((transfer full) (optional): a message naming the line and the problem).
 * The "exists -" line that ends a `--now` dump sets dg_state_complete().
 */
const char *dg_state_feed_line(DgState *state, const char *line, char **ret_warning);

/** dg_state_complete: TRUE once the initial "exists -" marker was seen. */
gboolean dg_state_complete(const DgState *state);

/** dg_state_lookup: (transfer none) the resource @name, or NULL. */
const DgResourceState *dg_state_lookup(const DgState *state, const char *name);
/** The resource one of whose volumes is DRBD minor @p minor (its volume in
 *  @p ret_volume if not NULL), or NULL. Borrowed, like dg_state_lookup(). */
const DgResourceState *dg_state_lookup_minor(const DgState *state, int minor, int *ret_volume);

/** dg_state_names: (transfer container) sorted resource names. */
GPtrArray *dg_state_names(const DgState *state);

/** dg_state_warnings: how many lines were malformed or carried unknowns. */
guint dg_state_warnings(const DgState *state);

/** dg_state_to_json: (transfer full) the whole model, stable key order. */
json_object *dg_state_to_json(const DgState *state);

/** dg_resource_state_to_json: (transfer full) one resource. */
json_object *dg_resource_state_to_json(const DgResourceState *res);

/**
 * dg_proc_drbd_field:
 * Pure. The value of @key ("cs", "ro", "ds") on the line of device @minor
 * in DRBD 8.4's /proc/drbd text @text, as it is printed there:
 * " 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----"
 * gives "Connected", "Primary/Secondary", "UpToDate/UpToDate" (the same
 * words as `drbdadm cstate|role|dstate`). FALSE when the minor is not
 * listed, is "Unconfigured", or has no such key.
 *
 * Why /proc/drbd: it is read without netlink. A fence-peer handler runs
 * while `drbdsetup primary` waits for it holding the resource's admin
 * mutex; any other admin request on that resource (a `drbdadm connect`,
 * say) then blocks holding the kernel's generic-netlink lock, and a
 * handler that asks DRBD through netlink (`drbdadm dstate`) waits for that
 * lock for ever: the three deadlock until the handler's timeout.
 */
gboolean dg_proc_drbd_field(const char *text, int minor, const char *key, char **ret_value);

/**
 * dg_state_snapshot:
 * Runs `drbdsetup events2 --now --statistics` and returns the model.
 * (transfer full).
 */
DgState *dg_state_snapshot(GError **error);

/**
 * DgEventsWatch: follows `drbdsetup events2 --statistics` in a GMainContext,
 * calls @callback(state, resource name, user_data) after every change, and
 * restarts drbdsetup (with a fresh dump) when it exits.
 *
 * Every run of drbdsetup starts with a dump of the current state into a
 * fresh model; the callback sees a model only once its dump is complete.
 * Then it is called for every resource of the dump, for every resource it
 * was told about before that is gone now, and once with @resource NULL
 * ("the dump is complete"). After that, once per line that changed a
 * resource. A resource that dg_state_lookup() does not find was destroyed.
 * drbdsetup is restarted at once after a run of 30 s or more (or when it
 * reports lost events), otherwise after 1 s, doubling up to 30 s.
 * @context: (nullable): NULL for the thread-default context.
 * dg_events_watch_stop() may be called from the callback.
 */
typedef struct DgEventsWatch DgEventsWatch;
typedef void (*DgEventsCallback)(const DgState *state, const char *resource,
                                 gpointer user_data);
DgEventsWatch *dg_events_watch_start(GMainContext *context, DgEventsCallback callback,
                                     gpointer user_data, GError **error);
void dg_events_watch_stop(DgEventsWatch *watch);

/* ---- lifecycle: plan, then execute ----------------------------------------- */

/** What the node has now, for one volume; gathered by dg_facts_gather(). */
typedef struct {
        gboolean lv_exists;
        guint64 lv_size;          /**< bytes, when lv_exists */
        gboolean lv_activated;    /**< the LV was inactive and gathering activated
                                       it (see dg_facts_gather()) */
        gboolean res_exists;
        gboolean res_current;     /**< the .res file equals the rendered text */
        gboolean md_exists;       /**< DRBD metadata found on the LV */
        gboolean up;              /**< the resource is configured in the kernel */
        DgRole role;              /**< DG_ROLE_UNKNOWN when not up */
        DgDiskState disk;         /**< DG_DISK_UNKNOWN when not up */
        DgConnState conn;
        DgDiskState peer_disk;
        guint64 dev_size;         /**< bytes of the DRBD device, 0 when unknown */
        guint64 vg_free;          /**< bytes free in the local VG */
        guint64 vg_extent;        /**< the VG's extent size */
} DgFacts;

/**
 * dg_facts_gather:
 * What this node has for @def: the LV (LVM), the .res file, DRBD metadata
 * on the LV (drbdmeta) and the kernel's state (drbdsetup events2 --now).
 *
 * Gathering may change one thing: when the volume's own LV exists but is
 * inactive, as after a boot without LVM autoactivation (no udev, or
 * autoactivation disabled), it is activated (dg_lv_activate()) and
 * @ret_facts->lv_activated is TRUE. Without its device node drbdmeta cannot
 * tell whether the LV holds metadata and drbdadm cannot attach it, so no
 * plan could work; activation writes nothing to the LV. Callers say so
 * when lv_activated is set. Other LVs are left alone. An LV that cannot be
 * activated is an error naming it (DG_ERROR_COMMAND).
 */
gboolean dg_facts_gather(const DgSite *site, const DgVolumeDef *def,
                         DgFacts *ret_facts, GError **error);

typedef enum {
        DG_STEP_CREATE_LV,
        DG_STEP_GROW_LV,
        DG_STEP_WRITE_RES,
        DG_STEP_CREATE_MD,
        DG_STEP_UP,
        DG_STEP_ADJUST,
        DG_STEP_RESIZE,
        DG_STEP_PRIMARY,
        DG_STEP_PRIMARY_FORCE,  /**< initial full sync from this node */
        DG_STEP_SECONDARY,
        DG_STEP_DOWN,
        DG_STEP_WIPE_MD,
        DG_STEP_REMOVE_RES,
        DG_STEP_REMOVE_LV,
        DG_STEP_SNAPSHOT_LV,    /**< keep a copy before DRBD overwrites it */
        DG_STEP_CONNECT,
        DG_STEP_CONNECT_DISCARD, /**< connect, this node's split-brain writes discarded */
} DgStepKind;

/** One step: either a command (argv) or an action done in-process. */
typedef struct {
        DgStepKind kind;
        char *summary;   /**< "create LV plastik/pk-web1-root (3.0 GiB)" */
        char **argv;     /**< the exact command, or NULL for in-process steps */
} DgStep;

/** A plan: the ordered steps. Opaque; printable for --dry-run. */
typedef struct DgPlan DgPlan;
void dg_plan_free(DgPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DgPlan, dg_plan_free)
guint dg_plan_length(const DgPlan *plan);
const DgStep *dg_plan_step(const DgPlan *plan, guint index);
/** dg_plan_to_string: one line per step, the exact command where there is one. */
char *dg_plan_to_string(const DgPlan *plan);

/**
 * Planners: pure, facts in, plan out (golden-tested). An empty plan means
 * nothing to do. They refuse (UNSAFE) what could lose data, saying why:
 *  - dg_plan_ensure: LV, .res, metadata, up/adjust so the volume exists and
 *    is configured; never touches existing metadata or data; grows the LV
 *    and resizes when def->size grew; refuses shrinking.
 *  - dg_plan_promote: primary; refuses unless the local disk is UpToDate
 *    (Outdated, Inconsistent, unknown...) unless @force, which is meant for
 *    a fresh volume's initial sync (DG_STEP_PRIMARY_FORCE) only.
 *  - dg_plan_demote: secondary.
 *  - dg_plan_down: down.
 *  - dg_plan_remove: down, wipe-md, remove .res and LV; refuses while
 *    Primary.
 *  - dg_plan_split_brain: resolves a split brain on this node's side
 *    (see below).
 *  - dg_plan_force_current: declares this node's outdated copy current
 *    (see below).
 */
DgPlan *dg_plan_ensure(const DgSite *site, const DgVolumeDef *def,
                       const DgFacts *facts, GError **error);
DgPlan *dg_plan_promote(const DgSite *site, const DgVolumeDef *def,
                        const DgFacts *facts, gboolean force, GError **error);
DgPlan *dg_plan_demote(const DgSite *site, const DgVolumeDef *def,
                       const DgFacts *facts, GError **error);
DgPlan *dg_plan_down(const DgSite *site, const DgVolumeDef *def,
                     const DgFacts *facts, GError **error);
DgPlan *dg_plan_remove(const DgSite *site, const DgVolumeDef *def,
                       const DgFacts *facts, GError **error);

/**
 * dg_plan_split_brain:
 * After a split brain, DRBD leaves both sides StandAlone until an operator
 * chooses the copy to keep; this plans one side of that choice.
 *  - @discard_here: this node's copy is given up. Demote it if Primary,
 *    keep its current state in the LVM snapshot @snapshot (an LV name; it
 *    needs as much free space in the VG as the LV has, or the plan refuses
 *    with NO_SPACE), then `connect --discard-my-data`: at the handshake the
 *    peer becomes SyncSource and overwrites what differs.
 *  - otherwise this node's copy is kept: `connect` when StandAlone, nothing
 *    when already waiting for the peer.
 * Refuses (FAILED) a resource that is not up, is connected, or (to
 * discard) is not StandAlone: only a split brain's StandAlone is resolved.
 */
/** dg_snapshot_name: "PREFIX-RES-YYYYMMDD-HHMMSS" (local time of @when_ms), the
 * name of a snapshot kept before data is given up ("splitbrain", "acceptloss"). */
char *dg_snapshot_name(const char *prefix, const char *resource, gint64 when_ms);
DgPlan *dg_plan_split_brain(const DgSite *site, const DgVolumeDef *def,
                            const DgFacts *facts, gboolean discard_here,
                            const char *snapshot, GError **error);

/**
 * dg_plan_force_current:
 * Accepting a loss: the one current copy is on a node that is gone and the
 * operator chooses to run on this node's copy. Keeps its state in the LVM
 * snapshot @snapshot; then, when DRBD knows the copy is Outdated (it missed
 * writes) or only Consistent (whether it did is unknown), `primary --force`
 * (DRBD marks it UpToDate) and `secondary`, so the cluster manager promotes
 * it the normal way. A copy that lost its peer while both were UpToDate is
 * still UpToDate to DRBD (the fence handler's constraint is what holds it
 * back): the snapshot is the whole plan. Refuses (FAILED) a resource that
 * is not up or is connected (DRBD then knows the current copy), (UNSAFE) an
 * Inconsistent, Diskless or failed disk (half a resync is no copy of
 * anything), and (NO_SPACE) a snapshot the VG cannot hold.
 */
DgPlan *dg_plan_force_current(const DgSite *site, const DgVolumeDef *def,
                              const DgFacts *facts, const char *snapshot, GError **error);

/* ---- one writer per volume ---------------------------------------------------- */

/**
 * DgLock: the right to change one volume on this node. Every tool that
 * changes a volume (dgctl, hactl, hamgrd) takes it before it gathers the
 * facts its plan is made from and keeps it until the plan has run, so no
 * two plans act on the same state. It is flock(2) on @dir/locks/RESOURCE
 * (@dir NULL: PK_RUNDIR): the kernel drops it when its holder exits.
 */
typedef struct DgLock DgLock;

/**
 * dg_lock_volume:
 * Takes @resource's lock, waiting up to @timeout_ms (0: not at all).
 * DG_ERROR_BUSY naming the holder (program and pid) when the time runs
 * out; DG_ERROR_INVALID for a name that is not a plastik resource's.
 * (transfer full): dg_lock_release().
 */
DgLock *dg_lock_volume(const char *dir, const char *resource, gint64 timeout_ms, GError **error);
void dg_lock_release(DgLock *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DgLock, dg_lock_release)

/* How long a tool waits for a volume another tool is changing: longer than
 * any one plan runs (creating an LV and its metadata, bringing a resource
 * up), short enough that a hung holder is reported, not waited for. */
#define DG_LOCK_WAIT_MS 120000

/** Progress of dg_plan_execute(): called before each step. */
typedef void (*DgProgressFunc)(guint index, guint total, const DgStep *step,
                               gpointer user_data);

/**
 * dg_plan_execute:
 * Runs the steps in order; stops at the first failure, naming the step and
 * carrying the command's stderr (DG_ERROR_COMMAND).
 */
gboolean dg_plan_execute(const DgSite *site, const DgVolumeDef *def,
                         const DgPlan *plan, DgProgressFunc progress,
                         gpointer user_data, GError **error);

/**
 * dg_sync_wait:
 * Waits until the resource's volume 0 is UpToDate on both sides (or
 * @timeout_ms, -1 forever), calling @progress with the done % as DRBD
 * reports it (-1 while no resync runs) whenever it or the out-of-sync
 * amount changes, and a last time with 100 and 0. Follows events2; DRBD 8.4
 * sends no event while a resync progresses, so during one the figures are
 * refreshed from `drbdsetup events2 --now` once a second. Runs its own
 * GMainContext. NOT_FOUND when the resource is not up, FAILED when it is
 * taken down or the time runs out (the message says where it stands).
 */
typedef void (*DgSyncProgressFunc)(double done, guint64 out_of_sync_kib,
                                   gpointer user_data);
gboolean dg_sync_wait(const char *resource, gint64 timeout_ms,
                      DgSyncProgressFunc progress, gpointer user_data,
                      GError **error);

/* ---- split brain ------------------------------------------------------------ */

/**
 * A split brain as DRBD reported it on this node: at a connection's
 * handshake both copies had taken writes the other lacks, and with
 * plastik's after-sb policies (disconnect) DRBD dropped the connection
 * (StandAlone) and ran the `split-brain` handler, plastik-split-brain(8).
 * The handler keeps this record under PK_RUNDIR/split-brain/RES until
 * hamgrd sees the resource connected again (the operator chose a copy).
 * The figures come from the kernel's handshake dump ("self"/"peer"
 * generation UUIDs and bitmap weights, 4 KiB per bit); a field DRBD did not
 * log is NULL or -1.
 */
typedef struct {
        char *resource;
        gint64 detected_ms;       /**< wall clock, ms since the epoch */
        char *self_generation;    /**< this node's current UUID, 16 hex digits */
        gint64 self_kib;          /**< KiB this node wrote that the peer lacks */
        char *peer_generation;    /**< the peer's current UUID */
        gint64 peer_kib;          /**< KiB the peer wrote that this node lacks */
} DgSplitBrain;

void dg_split_brain_free(DgSplitBrain *sb);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DgSplitBrain, dg_split_brain_free)

/**
 * dg_split_brain_from_kmsg:
 * Pure: the last handshake dump of DRBD minor @minor in kernel log text
 * (`dmesg` or /dev/kmsg records, one message per line): the lines
 * "drbdN: self CUR:BM:H1:H2 bits:B flags:F" and "drbdN: peer ..." that
 * precede its last "Split-Brain detected but unresolved". Fills the
 * generation and KiB fields of @sb (NULL / -1 when not found); TRUE when
 * both lines were found.
 */
gboolean dg_split_brain_from_kmsg(const char *text, guint minor, DgSplitBrain *sb);

/** dg_split_brain_to_json: (transfer full) the record's JSON form. */
json_object *dg_split_brain_to_json(const DgSplitBrain *sb);
/**
 * dg_split_brain_from_json:
 * Validates a record: resource a plastik resource name, detected_ms > 0,
 * generations 16 hex digits or null, KiB ≥ -1. Errors name the field.
 */
DgSplitBrain *dg_split_brain_from_json(json_object *obj, GError **error);

/**
 * dg_split_brain_write / _read / _clear:
 * The record of @resource under @dir (NULL: PK_RUNDIR "/split-brain"),
 * written atomically. _read returns NULL without an error when there is
 * none, and an error naming the file when it cannot be read or parsed.
 * _clear removes it (no error when there is none).
 */
gboolean dg_split_brain_write(const char *dir, const DgSplitBrain *sb, GError **error);
DgSplitBrain *dg_split_brain_read(const char *dir, const char *resource, GError **error);
gboolean dg_split_brain_clear(const char *dir, const char *resource, GError **error);

G_END_DECLS
