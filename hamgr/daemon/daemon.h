/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file daemon.h
 * @brief hamgrd's insides: the state cache and its sources (see hamgrd(8)).
 * The pure health rules are the model's (ham-health.h).
 *
 * hamgrd only observes: corosync (membership, quorum, node names), the CIB
 * (nodes, DC), DRBD (events2) and the local guests (QMP events). It keeps
 * what it saw in memory so `status` is answered without asking anyone, and
 * publishes health as transient node attributes. Everything it knows is
 * rebuilt from those sources at start, so a restart loses nothing.
 */
#pragma once

#include "dg.h"
#include "ham-api.h"
#include "ham-health.h"
#include "ham-txn.h"
#include "hv.h"
#include "ham-api-server.h"

G_BEGIN_DECLS

/* ---- corosync: CPG membership, quorum, node names --------------------- */

typedef struct HamCorosync HamCorosync;
typedef void (*HamChangedFunc)(gpointer user_data);

/** ham_corosync_new: connects now or later (with backoff); never fails. */
HamCorosync *ham_corosync_new(HamChangedFunc changed, gpointer user_data);
void ham_corosync_free(HamCorosync *cs);
/** ham_corosync_to_json: (transfer full) membership and quorum. */
json_object *ham_corosync_to_json(HamCorosync *cs);
/** ham_corosync_connected: TRUE while CPG and quorum both answer. */
gboolean ham_corosync_connected(HamCorosync *cs);
/** ham_corosync_local_name: (transfer none) this node's name from cmap, or NULL. */
const char *ham_corosync_local_name(HamCorosync *cs);
/** ham_corosync_members: (transfer full) names of the CPG members (hamgrds). */
GPtrArray *ham_corosync_members(HamCorosync *cs);
/** ham_corosync_quorate: TRUE while votequorum says the partition is quorate. */
gboolean ham_corosync_quorate(HamCorosync *cs);

/**
 * HamCpgMessageFunc: a validated CPG message other than hello, from the
 * hamgrd on node @sender (its name; NULL when not known). Messages from
 * this hamgrd itself come back this way too, in the agreed order.
 */
typedef void (*HamCpgMessageFunc)(const HamCpgMsg *msg, const char *sender, gpointer user_data);
void ham_corosync_set_message_func(HamCorosync *cs, HamCpgMessageFunc func, gpointer user_data);

/** ham_corosync_send: multicasts @msg to the group in agreed order. */
gboolean ham_corosync_send(HamCorosync *cs, const HamCpgMsg *msg, GError **error);
/** ham_corosync_send_text: multicasts @text (a whole message) in agreed order. */
gboolean ham_corosync_send_text(HamCorosync *cs, const char *text, GError **error);

/**
 * HamStateFunc: a `state` message from the hamgrd on node @sender (its
 * corosync name, NULL when unknown); not parsed yet. Own messages are not
 * passed.
 */
typedef void (*HamStateFunc)(const char *sender, const char *data, gsize len, gpointer user_data);
/** ham_corosync_set_state_handler: @func NULL: none. */
void ham_corosync_set_state_handler(HamCorosync *cs, HamStateFunc func, gpointer user_data);

/* ---- the peer exchange (daemon-peer.c) ------------------------------------ */

typedef struct HamPeer HamPeer;
/** ham_peer_new: gathers this node's slow facts now; reads the VG from @conf_path. */
HamPeer *ham_peer_new(HamCorosync *cs, const char *conf_path);
void ham_peer_free(HamPeer *p);
/**
 * ham_peer_changed: something changed (DRBD, membership...): records
 * membership times, regathers the fast facts and sends them to the peer
 * when they differ from what it has (debounced; at once when the hamgrd
 * group changed).
 */
void ham_peer_changed(HamPeer *p, const DgState *drbd);
/** ham_peer_refresh: regathers every local fact now (for verify). */
void ham_peer_refresh(HamPeer *p, const DgState *drbd);
/** ham_peer_facts_json: (transfer full) {"facts": {NODE: ...}, "facts_at": {NODE: T}}. */
json_object *ham_peer_facts_json(HamPeer *p);
/** ham_peer_membership: when @node left (0: it is a member or never was) and came back. */
void ham_peer_membership(HamPeer *p, const char *node, gint64 *ret_lost_at, gint64 *ret_back_at);
/** ham_peer_to_json: (transfer full) counters, for status. */
json_object *ham_peer_to_json(HamPeer *p);

/* ---- local guests (libhv + QMP events) ---------------------------------- */

typedef struct HamGuests HamGuests;
HamGuests *ham_guests_new(HamChangedFunc changed, gpointer user_data, GError **error);
void ham_guests_free(HamGuests *gs);
/** ham_guests_list: (transfer container) HamGuestView* sorted by name. */
GPtrArray *ham_guests_list(HamGuests *gs);
/** ham_guests_lookup: (transfer none) or NULL. */
const HamGuestView *ham_guests_lookup(HamGuests *gs, const char *name);

/* ---- volumes: transactions, removal, reconciling (daemon-volumes.c) --------- */

typedef struct HamVolumes HamVolumes;
typedef struct HamPcmkNotify HamPcmkNotify;

/** Default time a prepared transaction waits for commit or abort (an initial
 * sync of the volumes may happen meanwhile). */
#define HAM_TXN_TIMEOUT_S (30 * 60)

/**
 * ham_volumes_new:
 * Takes over @cs's CPG messages; realizes volumes from @conf_path's site in
 * one worker thread. @txn_timeout_s 0: HAM_TXN_TIMEOUT_S. Everything given
 * must outlive it. First, before it returns, it activates every inactive
 * plastik LV ("pk-*") of this node's VG and logs each (a boot without LVM
 * autoactivation leaves them inactive); a failure is logged, not returned.
 */
HamVolumes *ham_volumes_new(HamCorosync *cs, HamPcmkNotify *pcmk, HamApiServer *api,
                            const char *conf_path, guint txn_timeout_s);
/** ham_volumes_free: waits for a job under way, answers waiting clients. */
void ham_volumes_free(HamVolumes *v);
/** ham_volumes_changed: membership or the CIB may have changed. */
void ham_volumes_changed(HamVolumes *v);
/** ham_volumes_handle: guest-prepare, -commit, -abort, guest-volumes-remove. */
json_object *ham_volumes_handle(HamVolumes *v, const HamApiRequest *req, GError **error);
/** ham_volumes_to_json: (transfer full) open transactions, reconciling, the recent log. */
json_object *ham_volumes_to_json(HamVolumes *v);

/* ---- the failover history (daemon-history.c) ------------------------------ */

/** Where hamgrd keeps the failover history (hamgrd(8), "FILES"). */
#define HAM_HISTORY_PATH "/var/lib/plastik/history.json"

/**
 * HamProbeFunc: the probe's result: @answered TRUE when a TCP connection was
 * accepted (at @at_ms, wall clock), FALSE when the time limit passed.
 */
typedef void (*HamProbeFunc)(gboolean answered, gint64 at_ms, gpointer user_data);

typedef struct HamProbe HamProbe;

/**
 * ham_probe_start:
 * Tries a non-blocking TCP connect to @target (ham_probe_target_parse())
 * every @interval_ms in the default main context until one is accepted or
 * @limit_ms passed, then calls @func once. Never blocks. (transfer full).
 */
HamProbe *ham_probe_start(const char *target, guint interval_ms, guint limit_ms,
                          HamProbeFunc func, gpointer user_data, GError **error);
/** ham_probe_free: stops it (no callback); NULL is fine. */
void ham_probe_free(HamProbe *p);
/** ham_probe_done: the callback was called. */
gboolean ham_probe_done(const HamProbe *p);
/** ham_probe_user_data: (transfer none) what ham_probe_start() was given. */
gpointer ham_probe_user_data(const HamProbe *p);

typedef struct HamHistory HamHistory;

/**
 * ham_history_new:
 * Reads @path (a corrupt file is moved aside with a warning), polls the
 * fencer every 0.5 s and saves the timeline after each change. @cs and
 * @pcmk must outlive it.
 */
HamHistory *ham_history_new(const char *path, HamCorosync *cs, HamPcmkNotify *pcmk);
void ham_history_free(HamHistory *h);

/** HamFencedFunc: the fencer completed an off or reboot of @target at @completed_ms (wall clock). */
typedef void (*HamFencedFunc)(const char *target, gint64 completed_ms, gpointer user_data);
/**
 * ham_history_set_fenced_func:
 * @func is called once for each fencing the fencer completes after hamgrd
 * started, within 0.5 s (the poll), whether or not it is news for the
 * history. NULL: none.
 */
void ham_history_set_fenced_func(HamHistory *h, HamFencedFunc func, gpointer user_data);
/** ham_history_changed: a source changed: membership, DRBD, guests, the CIB. */
void ham_history_changed(HamHistory *h, const DgState *drbd, HamGuests *guests);
/** ham_history_handle: the `history` command. */
json_object *ham_history_handle(HamHistory *h, const HamApiRequest *req, GError **error);

typedef struct HamFrozen HamFrozen;

/**
 * ham_frozen_new:
 * Every few seconds, runs the fence-peer handler's `--resume` for each
 * resource it left frozen (PK_RUNDIR/fence-frozen), one run per resource at
 * a time; the handler named by @conf_path's [drbd] section decides.
 * @changed is called when the set of records changes (the facts carry it).
 */
HamFrozen *ham_frozen_new(const char *conf_path, HamChangedFunc changed, gpointer user_data);
void ham_frozen_free(HamFrozen *f);

/* ---- letting go of a fenced peer (daemon-let-go.c) ------------------------ */

/**
 * ham_let_go_fenced:
 * The fencer completed a fencing of @target at @completed_ms: for each of
 * plastik's resources in @drbd, ham_let_go_decide() with hamgrd's
 * connection record, and for those it says, `drbdadm disconnect --force`
 * then `drbdadm connect` (asynchronously, one at a time per resource). Each
 * decision is logged with its reason. @local: this node's name.
 */
void ham_let_go_fenced(const DgState *drbd, const char *local, const char *target, gint64 completed_ms);

/* ---- the daemon ---------------------------------------------------------- */

typedef struct {
        const char *socket_path;
        const char *conf_path;
        const char *lock_path;
        gboolean foreground; /**< FALSE: detach once the socket listens */
        guint txn_timeout_s; /**< 0: HAM_TXN_TIMEOUT_S */
        const char *history_path; /**< NULL: HAM_HISTORY_PATH */
} HamDaemonOptions;

/**
 * ham_daemon_run:
 * Takes the lock, opens the API socket, connects to everything it observes
 * and runs until SIGTERM or SIGINT. Returns the process exit code.
 */
int ham_daemon_run(const HamDaemonOptions *options);

G_END_DECLS
