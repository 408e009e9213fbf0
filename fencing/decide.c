/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fence-peer decision. The order of the rules is the order of safety:
 * whatever DRBD already knows about the peer's data answers first (nothing
 * needs placing), then every reason this node must not be the survivor
 * refuses, and only then is the constraint placed.
 */
#include "fen.h"

#include <string.h>

G_DEFINE_QUARK(fen-error-quark, fen_error)

static FenDecision d(FenAction action, FenExit code, const char *reason)
{
        return (FenDecision){ .action = action, .exit_code = code, .reason = reason };
}

static FenDecision decide_unfence(const FenSituation *s)
{
        if (!s->cib_reachable)
                return d(FEN_ACT_NONE, FEN_EXIT_FAILED,
                         "the CIB cannot be reached: the constraint (if any) stays until the handler runs again");
        if (s->disk != DG_DISK_UPTODATE)
                return d(FEN_ACT_NONE, FEN_EXIT_FAILED,
                         "this node's disk is not UpToDate after the resync: the constraint stays");
        switch (s->constraint) {
        case FEN_CONSTRAINT_NONE:
                return d(FEN_ACT_NONE, FEN_EXIT_OK, "no handler constraint for this resource: nothing to remove");
        case FEN_CONSTRAINT_FOREIGN:
                return d(FEN_ACT_NONE, FEN_EXIT_OK,
                         "the constraint id is taken by an object the handler did not write: left alone");
        case FEN_CONSTRAINT_HERE:
        case FEN_CONSTRAINT_PEER:
                break;
        }
        return d(FEN_ACT_REMOVE, FEN_EXIT_OK, "the resync is done and both disks are UpToDate: constraint removed");
}

/* The constraint is in this node's CIB: look for a proof that the peer
 * cannot be promoted with data lacking this node's writes. */
static FenDecision with_constraint(const FenSituation *s)
{
        if (s->fenced == FEN_FENCED_AFTER)
                return d(FEN_ACT_NONE, FEN_EXIT_PEER_FENCED,
                         "the fencer fenced the peer after the lost connection was established: "
                         "it has been off since, and the constraint keeps it from promotion");
        if (s->peer_cib == FEN_PEER_CIB_HOLDS)
                return d(FEN_ACT_NONE, FEN_EXIT_PEER_OUTDATED,
                         "the peer's own CIB holds the constraint: it cannot be promoted, its data "
                         "counts as outdated");
        if (s->timed_out)
                return d(FEN_ACT_NONE, FEN_EXIT_FAILED,
                         "no proof that the peer cannot be promoted (its own CIB did not show the "
                         "constraint, the fencer did not fence it) before the timeout: I/O stays frozen; "
                         "see plastik-fence-peer(8), RECOVERY");
        switch (s->fenced) {
        case FEN_FENCED_BEFORE:
                return d(FEN_ACT_WAIT, FEN_EXIT_FAILED,
                         "the fencer's last fencing of the peer completed before the lost connection was "
                         "established, so it proves nothing: waiting for a new one or for the peer's CIB");
        case FEN_FENCED_UNORDERED:
                return d(FEN_ACT_WAIT, FEN_EXIT_FAILED,
                         "the fencer fenced the peer, but when the lost connection was established is not "
                         "recorded (is hamgrd running?), so it proves nothing: waiting for a new fencing or "
                         "for the peer's CIB");
        case FEN_FENCED_NO:
        case FEN_FENCED_AFTER:
                break;
        }
        if (s->peer == FEN_PEER_ONLINE)
                return d(FEN_ACT_WAIT, FEN_EXIT_FAILED,
                         "the peer is online in the cluster but its own CIB does not show the constraint "
                         "yet: waiting for it");
        return d(FEN_ACT_WAIT, FEN_EXIT_FAILED,
                 "the peer is unreachable: waiting for the fencer to fence it, or for its own CIB to "
                 "show the constraint");
}

FenDecision fen_decide(const FenSituation *s)
{
        if (s->mode == FEN_MODE_UNFENCE)
                return decide_unfence(s);

        /* DRBD already knows the peer's data cannot be promoted. */
        if (s->peer_primary)
                return d(FEN_ACT_NONE, FEN_EXIT_PEER_PRIMARY,
                         "the peer is Primary: refusing to fence it, this node must not continue as Primary");
        if (s->peer_disk == DG_DISK_OUTDATED)
                return d(FEN_ACT_NONE, FEN_EXIT_PEER_OUTDATED, "the peer's disk is Outdated already");
        if (s->peer_disk == DG_DISK_INCONSISTENT)
                return d(FEN_ACT_NONE, FEN_EXIT_PEER_INCONSISTENT, "the peer's disk is Inconsistent");

        /* Reasons this node must not be the one that continues. */
        if (!s->cib_reachable)
                return d(FEN_ACT_NONE, FEN_EXIT_FAILED,
                         "the CIB cannot be reached: no constraint placed, I/O stays frozen until "
                         "pacemaker answers or an administrator acts");
        if (s->disk != DG_DISK_UPTODATE)
                return d(FEN_ACT_NONE, FEN_EXIT_FAILED,
                         "this node's disk is not UpToDate: it must not be the survivor, no constraint placed");
        if (s->constraint == FEN_CONSTRAINT_PEER)
                return d(FEN_ACT_NONE, FEN_EXIT_FAILED,
                         "a handler constraint allows promotion only on the peer: this node's data is the "
                         "outdated one");
        if (s->constraint == FEN_CONSTRAINT_FOREIGN)
                return d(FEN_ACT_NONE, FEN_EXIT_FAILED,
                         "the constraint id is taken by an object the handler did not write: remove it "
                         "(cibadmin --delete) and let DRBD call the handler again");
        if (!s->quorate && s->fenced != FEN_FENCED_AFTER)
                return d(FEN_ACT_NONE, FEN_EXIT_FAILED,
                         "this node has no quorum: it may be the one to be fenced, no constraint placed");

        /* The constraint comes first: every proof below is about it. */
        if (s->constraint == FEN_CONSTRAINT_NONE)
                return d(FEN_ACT_PLACE, FEN_EXIT_FAILED,
                         "placing the constraint (Promoted only on this node), then looking for a proof "
                         "that the peer cannot be promoted");
        return with_constraint(s);
}

const char *fen_action_name(FenAction a)
{
        static const char *const n[] = { "none", "place", "wait", "remove" };
        return (guint)a < G_N_ELEMENTS(n) ? n[a] : "?";
}

const char *fen_peer_name(FenPeer p)
{
        static const char *const n[] = { "unknown", "online", "offline", "lost" };
        return (guint)p < G_N_ELEMENTS(n) ? n[p] : "?";
}

const char *fen_constraint_name(FenConstraint c)
{
        static const char *const n[] = { "none", "here", "peer", "foreign" };
        return (guint)c < G_N_ELEMENTS(n) ? n[c] : "?";
}

const char *fen_peer_cib_name(FenPeerCib c)
{
        static const char *const n[] = { "unreachable", "lacks", "holds" };
        return (guint)c < G_N_ELEMENTS(n) ? n[c] : "?";
}

const char *fen_fenced_name(FenFenced f)
{
        static const char *const n[] = { "no", "before", "unordered", "after" };
        return (guint)f < G_N_ELEMENTS(n) ? n[f] : "?";
}

FenFenced fen_fenced_order(gint64 completed_ms, gint64 connected_ms, gint64 started_ms)
{
        if (completed_ms <= 0)
                return FEN_FENCED_NO;
        if (connected_ms > 0)
                return completed_ms > connected_ms ? FEN_FENCED_AFTER : FEN_FENCED_BEFORE;
        /* The handler starts after the loss, and the loss after the start. */
        return completed_ms > started_ms ? FEN_FENCED_AFTER : FEN_FENCED_UNORDERED;
}

const char *fen_mode_name(FenMode m)
{
        return m == FEN_MODE_UNFENCE ? "unfence" : "fence";
}
