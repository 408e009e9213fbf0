/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham.h
 * @brief libhamgr: the cluster's node-local configuration, corosync.conf,
 * the join token, cluster set-up (init/join) and the views of Pacemaker's
 * state that hactl and hamgrd share.
 *
 * Everything that speaks to Pacemaker itself lives behind ham-pcmk.h. The
 * decision logic here is pure (data in, text or plan out) and golden-tested.
 *
 * Conventions as in pk.h: `GError **` last (domain HAM_ERROR), `ret_*`
 * out-parameters set only on success, transfer notes on returned pointers.
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "dg.h"

G_BEGIN_DECLS

#define HAM_ERROR (ham_error_quark())
GQuark ham_error_quark(void);

/** Error codes of HAM_ERROR; hactl maps them to exit codes (hactl(8)). */
typedef enum {
        HAM_ERROR_FAILED,    /**< anything else; the message says what */
        HAM_ERROR_INVALID,   /**< bad argument or configuration; names the field */
        HAM_ERROR_TOKEN,     /**< a join token that cannot be used; says why */
        HAM_ERROR_CONFLICT,  /**< this node is set up differently; says how to fix it */
        HAM_ERROR_NOT_FOUND, /**< no such node, file or CIB object */
        HAM_ERROR_PCMK,      /**< Pacemaker refused or cannot be reached */
        HAM_ERROR_TIMEOUT,   /**< waited long enough; says for what */
        HAM_ERROR_PARSE,     /**< Pacemaker's output is not of the expected form */
        HAM_ERROR_UNSAFE,    /**< refused because it would be unsafe (no fencing); says how to override */
} HamError;

/* ---- names and addresses ---------------------------------------------------- */

#define HAM_NAME_MAX 63

/**
 * ham_name_valid:
 * Cluster and node names: dg_node_name_valid()'s rule, DG_NODE_NAME_RULE
 * (a host name; corosync and Pacemaker compare node names with `uname -n`).
 */
gboolean ham_name_valid(const char *name);

/** ham_address_valid: dg_address_valid(): an IPv4 or IPv6 literal (no host names). */
gboolean ham_address_valid(const char *address);

/* Volume group names: dg_vg_name_valid(). */

/* ---- plastik.conf ------------------------------------------------------------- */

#define HAM_CONF_PATH "/etc/plastik/plastik.conf"
/** Cluster networks (corosync links) per node: one or two. */
#define HAM_LINKS_MAX 2

/** One of the two nodes as the cluster knows it. */
typedef struct {
        char *name;                       /**< `uname -n` of the node */
        guint nodeid;                     /**< corosync node id (1 or 2) */
        char *addresses[HAM_LINKS_MAX + 1]; /**< cluster networks, NULL-terminated; [0] is link 0 */
        char *replication_address;        /**< DRBD's address */
        char *vg;                         /**< volume group for guest volumes */
} HamNode;

/**
 * The node-local configuration, /etc/plastik/plastik.conf (mode 0600: it
 * holds the DRBD secret). Both nodes hold the same content except which
 * node is "this" one:
 *
 *     [cluster]
 *     name=plastik
 *     drbd-secret=...
 *     corosync-token=3000       optional (ms); absent: corosync's default
 *     [node]                    this node
 *     name=node1
 *     nodeid=1
 *     cluster-addresses=10.99.0.1;10.99.1.1
 *     replication-address=10.99.0.1
 *     vg=plastik
 *     [peer]                    the other node, same keys
 *     [drbd]                    optional, node-local
 *     fence-peer-handler=/usr/sbin/plastik-fence-peer
 *     unfence-handler=/usr/sbin/plastik-unfence-peer
 *     split-brain-handler=/usr/sbin/plastik-split-brain
 *
 * The [drbd] handlers (absolute paths; NULL: the defaults) go into every
 * DRBD resource file this node writes; they are not part of the cluster's
 * identity (ham_conf_equal() ignores them). corosync-token is: both nodes
 * render it into the same corosync.conf.
 */
typedef struct {
        char *cluster_name;
        char *drbd_secret;
        guint corosync_token;     /**< totem token in ms; 0: not set (corosync's default) */
        HamNode local;
        HamNode peer;
        char *fence_peer_handler; /**< NULL: HAM_FENCE_PEER_HANDLER */
        char *unfence_handler;    /**< NULL: HAM_UNFENCE_HANDLER */
        char *split_brain_handler; /**< NULL: HAM_SPLIT_BRAIN_HANDLER */
} HamConf;

#define HAM_FENCE_PEER_HANDLER "/usr/sbin/plastik-fence-peer"
#define HAM_UNFENCE_HANDLER "/usr/sbin/plastik-unfence-peer"
#define HAM_SPLIT_BRAIN_HANDLER "/usr/sbin/plastik-split-brain"
#define HAM_DRBD_RES_DIR "/etc/drbd.d"

/* corosync's totem token timeout (ms) as plastik.conf and hactl cluster init
 * accept it. corosync itself takes less, but below 500 ms a busy node loses
 * the token; above a minute a dead peer goes unnoticed for too long. */
#define HAM_COROSYNC_TOKEN_MIN 500
#define HAM_COROSYNC_TOKEN_MAX 60000
/** corosync's own default, in effect when plastik.conf sets none. */
#define HAM_COROSYNC_TOKEN_DEFAULT 3000
/* What hactl cluster init sets without --corosync-token. Measured in the
 * lab (bench/corosync-token, TCG nodes on a 2-core machine): 1000 ms and
 * 800 ms kept both nodes members for minutes with the guest writing and
 * with a busy loop on each node's only CPU, without one of corosync's
 * near-miss warnings (75 % of the token) — so no stall came near 600 ms,
 * and 1000 ms leaves that margin. It turns a lost node into a failover
 * 4.4 s sooner than corosync's 3000 ms (token + 1.2 × token: 2.2 s, not
 * 6.6 s). Guest boots stalled a node's corosync 0.8-1.2 s until the lab
 * booted its nodes with preempt=full init_on_alloc=0 (tests/lab/lab says
 * why); since then the longest stall seen during a guest boot is 0.16 s.
 * hactl verify warns below 1000 ms (W404). */
#define HAM_COROSYNC_TOKEN_INIT 1000

/*
 * Capacity: either node must be able to run every guest, since it runs them
 * all when the other fails. A node of MemTotal M holds the guests when
 *
 *     sum(guest memory + HAM_GUEST_OVERHEAD_MIB) + HAM_HOST_RESERVE_MIB <= M
 *
 * The overhead is QEMU's own memory beyond the guest's RAM (device models,
 * its libraries, the I/O threads' buffers); the reserve is the host's:
 * kernel, corosync, Pacemaker's daemons, DRBD's buffers, hamgrd, page cache
 * for the agents' runs. Measured in the lab (Debian 12 nodes of 1461 MiB
 * MemTotal, the cluster up): a node without guests had 402 MiB in use
 * (MemTotal - MemAvailable; corosync alone 190 MiB resident, as it locks
 * its memory, Pacemaker's daemons about 130, hamgrd 29), so 512 leaves
 * about 100 MiB of room. A 128 MiB pk-monitor guest took 198 MiB of the
 * node's MemAvailable, 70 beyond its RAM, under TCG, whose translation
 * cache KVM does not have; 64 is the figure for KVM hosts, which plastik
 * is for. hactl verify reports a shortfall (E303), hactl status shows it,
 * hactl guest create refuses it.
 */
#define HAM_GUEST_OVERHEAD_MIB 64
#define HAM_HOST_RESERVE_MIB 512

/** ham_corosync_token_valid: @ms is within HAM_COROSYNC_TOKEN_MIN..MAX. */
gboolean ham_corosync_token_valid(guint64 ms);

/**
 * ham_corosync_token_parse:
 * @text as plastik.conf and `hactl cluster init --corosync-token` take it:
 * decimal digits only (no sign, no unit), within HAM_COROSYNC_TOKEN_MIN..MAX.
 * FALSE otherwise; the caller names the option or key in its error.
 */
gboolean ham_corosync_token_parse(const char *text, guint *ret_ms);

/**
 * ham_corosync_consensus:
 * The consensus timeout rendered with @token_ms: ⌈1.2 × token⌉, corosync's
 * own rule for its default, written out so that both keys stay in step.
 */
guint ham_corosync_consensus(guint token_ms);

void ham_node_clear(HamNode *node);
void ham_conf_free(HamConf *conf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamConf, ham_conf_free)

/** ham_conf_copy: (transfer full) a deep copy. */
HamConf *ham_conf_copy(const HamConf *conf);

/**
 * ham_conf_validate:
 * Every field present and well-formed; node names, node ids and addresses
 * of the two nodes distinct; both nodes with the same number of links.
 * Errors (HAM_ERROR_INVALID) name @what (a file name or "init"), the group
 * and the key.
 */
gboolean ham_conf_validate(const HamConf *conf, const char *what, GError **error);

/**
 * ham_conf_load_data:
 * Parses plastik.conf text; @what names it in errors ("/etc/plastik/plastik.conf").
 * Unknown groups and keys are refused: a typo must not drop a setting.
 * (transfer full): ham_conf_free().
 */
HamConf *ham_conf_load_data(const char *data, gsize len, const char *what, GError **error);

/** ham_conf_load: ham_conf_load_data() of @path; HAM_ERROR_NOT_FOUND when absent. */
HamConf *ham_conf_load(const char *path, GError **error);

/** ham_conf_to_data: the file's text (stable key order). (transfer full). */
char *ham_conf_to_data(const HamConf *conf);

/** ham_conf_save: validates, then writes @path atomically with mode 0600. */
gboolean ham_conf_save(const HamConf *conf, const char *path, GError **error);

/**
 * ham_conf_to_dg_site:
 * The DRBD site libdrbdglue renders resource files from: both nodes (name,
 * replication address, VG), the secret, the handlers and @res_dir (NULL:
 * HAM_DRBD_RES_DIR); this node is conf->local. (transfer full).
 */
DgSite *ham_conf_to_dg_site(const HamConf *conf, const char *res_dir);

/** ham_conf_equal: TRUE when both describe the same cluster from the same node. */
gboolean ham_conf_equal(const HamConf *a, const HamConf *b);

/**
 * ham_conf_diff:
 * The first difference between an existing configuration @have and a wanted
 * one @want, as "cluster name is \"a\", not \"b\"", or NULL when equal.
 * (transfer full).
 */
char *ham_conf_diff(const HamConf *have, const HamConf *want);

/* ---- corosync.conf ------------------------------------------------------------ */

#define HAM_COROSYNC_CONF "/etc/corosync/corosync.conf"
#define HAM_COROSYNC_AUTHKEY "/etc/corosync/authkey"
/** corosync 3 reads keys of 1024 to 4096 bits; corosync-keygen writes 2048. */
#define HAM_AUTHKEY_LEN 256

/**
 * ham_corosync_conf_render:
 * The complete corosync.conf for @conf: knet with aes256/sha256, one link per
 * cluster address (link_mode passive), both nodes ordered by node id,
 * votequorum with two_node, logging to a file and stderr; with
 * conf->corosync_token set, totem's token and consensus too (without, the
 * file is as before the setting existed). Every `{` ends its line
 * (corosync's parser needs that). Pure. (transfer full).
 */
char *ham_corosync_conf_render(const HamConf *conf);

/* ---- the join token ------------------------------------------------------------ */

/** Format version written by ham_token_encode(); the "plastikN:" prefix. */
#define HAM_TOKEN_VERSION 1
#define HAM_TOKEN_MAX 16384

/** What the second node needs to join: the whole configuration and the key. */
typedef struct {
        HamConf *conf;         /**< as on the first node: local = the first node */
        GBytes *authkey;       /**< /etc/corosync/authkey */
} HamToken;

void ham_token_free(HamToken *token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamToken, ham_token_free)

/**
 * ham_token_encode:
 * One copy-pasteable line: "plastik1:" + base64url(JSON) + ":" + 8 hex digits
 * (the start of the SHA-256 of the base64 text), so a mistyped or truncated
 * token is recognised as such. @token must validate. (transfer full).
 */
char *ham_token_encode(const HamToken *token, GError **error);

/**
 * ham_token_decode:
 * Inverse of ham_token_encode(). Surrounding white space and line breaks
 * inside (from pasting) are ignored. Every refusal is HAM_ERROR_TOKEN and
 * says what is wrong: not a token, another format version, a checksum that
 * does not match (mistyped or truncated), bad base64, a missing or invalid
 * field. (transfer full): ham_token_free().
 */
HamToken *ham_token_decode(const char *text, GError **error);

/**
 * ham_conf_for_peer:
 * The configuration as the other node sees it: local and peer swapped.
 * (transfer full).
 */
HamConf *ham_conf_for_peer(const HamConf *conf);

/* ---- volumes and guests (the CIB's form is the Pacemaker module's) ------------- */

/** One replicated volume's cluster-wide definition (cf. DgVolumeDef). */
typedef struct {
        char *guest;
        char *volume;
        guint64 size;  /**< bytes */
        guint minor;
        guint port;
} HamVolume;

void ham_volume_free(HamVolume *vol);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamVolume, ham_volume_free)

/** A guest's resources as hactl guest create will put them into the CIB. */
typedef struct {
        char *name;          /**< guest name (hv_guest_name_valid rules) */
        char *config;        /**< the guest definition, JSON text */
        guint priority;      /**< meta priority: wins the fence race (priority-fencing-delay) */
        char *prefer;        /**< node to prefer, or NULL */
        char *probe;         /**< service probe ADDRESS:PORT (meta plastik-probe), or NULL */
        GPtrArray *volumes;  /**< HamVolume* */
        char *target_role;   /**< the guest primitive's target-role ("Stopped"), or NULL */
} HamGuestSpec;

void ham_guest_spec_free(HamGuestSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamGuestSpec, ham_guest_spec_free)

/**
 * ham_guest_spec_from_json:
 * {"name", "config": {...}, "priority": N, "prefer": "node1",
 *  "volumes": [{"volume", "size", "minor", "port"}], "target_role"?}; errors
 * name the field.
 */
HamGuestSpec *ham_guest_spec_from_json(json_object *obj, GError **error);

/** Minors and ports start here (DRBD's customary 7788 and /dev/drbd0 up). */
#define HAM_MINOR_FIRST 0
#define HAM_MINOR_LAST 1048575
#define HAM_PORT_FIRST 7788
#define HAM_PORT_LAST 7999
/** A HamVolume's minor or port that is not known or not meant. */
#define HAM_NUMBER_NONE G_MAXUINT

/**
 * ham_guest_spec_check:
 * @spec is complete and sane before it is written anywhere: a guest name, a
 * definition, at least one volume, each with a volume name, a size, a minor
 * and a port in range. HAM_ERROR_INVALID naming the field.
 */
gboolean ham_guest_spec_check(const HamGuestSpec *spec, GError **error);

/**
 * ham_alloc_minor_port:
 * The lowest free minor and the lowest free port given the volumes that
 * exist (@used: HamVolume*). HAM_ERROR_INVALID when the range is exhausted.
 */
gboolean ham_alloc_minor_port(const GPtrArray *used, guint *ret_minor,
                              guint *ret_port, GError **error);


/* ---- when each DRBD connection was established (hamgrd writes, the fence handler reads) ---- */

/**
 * ham_connected_path:
 * The record of @resource's connection start in @dir (NULL: PK_RUNDIR
 * "/drbd-connected"). NULL when @resource cannot be a file name. (transfer full)
 */
char *ham_connected_path(const char *dir, const char *resource);

/** ham_connected_format: the record's text for @at_ms (wall clock, ms). (transfer full) */
char *ham_connected_format(gint64 at_ms);

/**
 * ham_connected_parse:
 * Pure: reads a record's text. HAM_ERROR_INVALID (naming what it holds) when
 * it is not one positive number of milliseconds.
 */
gboolean ham_connected_parse(const char *text, gsize len, gint64 *ret_ms, GError **error);

/** ham_connected_write: writes @resource's record atomically, creating @dir. */
gboolean ham_connected_write(const char *dir, const char *resource, gint64 at_ms, GError **error);

/** ham_connected_read: reads @resource's record; G_FILE_ERROR_NOENT when there is none. */
gboolean ham_connected_read(const char *dir, const char *resource, gint64 *ret_ms, GError **error);

/* ---- letting go of a fenced peer (let-go.c; hamgrd acts) ---- */

/** Everything ham_let_go_decide() looks at, for one resource. */
typedef struct {
        gboolean plastik;      /**< a plastik resource ("pk-GUEST-VOLUME") */
        gboolean peer_is_target; /**< the fenced node is this resource's peer, not this node */
        DgConnState conn;      /**< the connection as DRBD reports it */
        DgRole role;           /**< this node's role */
        DgDiskState disk;      /**< this node's disk (volume 0) */
        gint64 connected_ms;   /**< when the connection came up (hamgrd's record), 0: not recorded */
        gint64 fenced_ms;      /**< when the fencer completed the peer's fencing (wall clock) */
} HamLetGo;

typedef struct {
        gboolean disconnect; /**< drop the connection now (hard), then listen again */
        const char *reason;  /**< (transfer none): a static sentence */
} HamLetGoDecision;

/**
 * ham_let_go_decide:
 * Pure: whether this node drops its DRBD connection to a peer the fencer
 * fenced, instead of waiting for DRBD's ping timeout to find the peer gone.
 * Only a connection that came up before the fencing completed (so the peer
 * has been off since; a tie is not "before"), only on a Secondary with an
 * UpToDate disk (the survivor waiting to be promoted), only for plastik's
 * resources. The promotion that follows still asks the fence-peer handler.
 */
HamLetGoDecision ham_let_go_decide(const HamLetGo *s);

/* ---- resources whose fence-peer handler left I/O frozen (the handler writes, hamgrd reads) ---- */

/** ham_frozen_path: @resource's record in @dir (NULL: PK_RUNDIR "/fence-frozen"). (transfer full) */
char *ham_frozen_path(const char *dir, const char *resource);

/** ham_frozen_write: records that the handler started at @started_ms left @resource frozen. */
gboolean ham_frozen_write(const char *dir, const char *resource, gint64 started_ms, GError **error);

/** ham_frozen_read: when the handler that left @resource frozen started; G_FILE_ERROR_NOENT: none. */
gboolean ham_frozen_read(const char *dir, const char *resource, gint64 *ret_started_ms, GError **error);

/** ham_frozen_clear: removes @resource's record (none is no error). */
gboolean ham_frozen_clear(const char *dir, const char *resource, GError **error);

/** ham_frozen_list: the resources with a record in @dir, unsorted. (transfer full) */
GPtrArray *ham_frozen_list(const char *dir);

/* ---- secrets --------------------------------------------------------- */

/* The DRBD secret's rule: dg_secret_valid(). */

/** ham_node_n_links: how many cluster addresses @node has. */
guint ham_node_n_links(const HamNode *node);

/** ham_secret_generate: a fresh DRBD secret from /dev/urandom. (transfer full). */
char *ham_secret_generate(GError **error);

/** ham_authkey_generate: HAM_AUTHKEY_LEN bytes from /dev/urandom. (transfer full). */
GBytes *ham_authkey_generate(GError **error);

G_END_DECLS
