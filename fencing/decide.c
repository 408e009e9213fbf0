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
        if (s->disk != FEN_DISK_UPTODATE)
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

/* The answer when the constraint is (or will be) in place. */
static FenDecision with_constraint(const FenSituation *s, gboolean present)
{
        FenAction place = present ? FEN_ACT_NONE : FEN_ACT_PLACE;

        if (s->peer_fenced || s->wait == FEN_WAIT_CONFIRMED)
                return d(place, FEN_EXIT_PEER_FENCED, "the fencer confirmed the peer is fenced");
        switch (s->peer) {
        case FEN_PEER_ONLINE:
                return d(place, FEN_EXIT_PEER_OUTDATED,
                         "the peer is online in the cluster, only replication is lost: "
                         "the constraint keeps it from promotion, its data counts as outdated");
        case FEN_PEER_OFFLINE:
                return d(place, FEN_EXIT_PEER_UNREACHABLE,
                         "the peer left the cluster cleanly: the constraint keeps it from promotion");
        case FEN_PEER_LOST:
        case FEN_PEER_UNKNOWN:
                break;
        }
        if (s->wait == FEN_WAIT_TIMEOUT)
                return d(FEN_ACT_NONE, FEN_EXIT_PEER_UNREACHABLE,
                         "the peer is unreachable and the fencer did not confirm it in time: "
                         "the constraint stays");
        return d(present ? FEN_ACT_WAIT : FEN_ACT_PLACE_WAIT, FEN_EXIT_PEER_UNREACHABLE,
                 "the peer is unreachable: waiting for the fencer to confirm it is off");
}

FenDecision fen_decide(const FenSituation *s)
{
        if (s->mode == FEN_MODE_UNFENCE)
                return decide_unfence(s);

        /* DRBD already knows the peer's data cannot be promoted. */
        if (s->peer_primary)
                return d(FEN_ACT_NONE, FEN_EXIT_PEER_PRIMARY,
                         "the peer is Primary: refusing to fence it, this node must not continue as Primary");
        if (s->peer_disk == FEN_DISK_OUTDATED)
                return d(FEN_ACT_NONE, FEN_EXIT_PEER_OUTDATED, "the peer's disk is Outdated already");
        if (s->peer_disk == FEN_DISK_INCONSISTENT)
                return d(FEN_ACT_NONE, FEN_EXIT_PEER_INCONSISTENT, "the peer's disk is Inconsistent");

        /* Reasons this node must not be the one that continues. */
        if (!s->cib_reachable)
                return d(FEN_ACT_NONE, FEN_EXIT_FAILED,
                         "the CIB cannot be reached: no constraint placed, I/O stays frozen until "
                         "pacemaker answers or an administrator acts");
        if (s->disk != FEN_DISK_UPTODATE)
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
        if (!s->quorate && !s->peer_fenced && s->wait != FEN_WAIT_CONFIRMED)
                return d(FEN_ACT_NONE, FEN_EXIT_FAILED,
                         "this node has no quorum: it may be the one to be fenced, no constraint placed");

        return with_constraint(s, s->constraint == FEN_CONSTRAINT_HERE);
}

const char *fen_action_name(FenAction a)
{
        static const char *const n[] = { "none", "place", "place+wait", "wait", "remove" };
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

static const char *const disk_names[] = { "DUnknown", "Diskless", "Inconsistent", "Outdated",
                                          "Consistent", "UpToDate" };

const char *fen_disk_name(FenDisk dk)
{
        return (guint)dk < G_N_ELEMENTS(disk_names) ? disk_names[dk] : "?";
}

FenDisk fen_disk_parse(const char *word)
{
        for (guint i = 0; word && i < G_N_ELEMENTS(disk_names); i++)
                if (g_ascii_strcasecmp(word, disk_names[i]) == 0)
                        return i;
        return FEN_DISK_UNKNOWN;
}

const char *fen_wait_name(FenWait w)
{
        static const char *const n[] = { "not-yet", "confirmed", "timeout" };
        return (guint)w < G_N_ELEMENTS(n) ? n[w] : "?";
}

const char *fen_mode_name(FenMode m)
{
        return m == FEN_MODE_UNFENCE ? "unfence" : "fence";
}
