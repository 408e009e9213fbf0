/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Letting go of a fenced peer: whether hamgrd drops a DRBD connection when
 * the fencer confirms a fencing.
 *
 * Why it exists: DRBD notices a dead peer only when its own ping times out
 * (up to ping-int 10 s plus ping-timeout 0.5 s by default), and until then
 * the connection still says Connected. Pacemaker promotes the survivor as
 * soon as the fence is confirmed, and a promotion while Connected is a
 * cluster-wide state change that waits for the dead peer's answer: the
 * drbd agent retries until the ping timeout. The fencer's confirmation
 * proves more than DRBD knows: a node fenced after this connection came up
 * has been off since, so the connection leads nowhere and can go at once.
 *
 * Why it is safe: dropping a connection never makes data current; it only
 * makes DRBD see what is true. The drop is a hard one (drbdsetup
 * disconnect --force): a graceful disconnect asks the peer first and, when
 * the peer does not answer, DRBD 8.4 may outdate this node's own disk,
 * which would forbid the promotion the survivor needs. The promotion that
 * follows goes through DRBD's fence-peer handler with the same rules as
 * ever (the constraint first, the fencing as proof): letting go decides
 * nothing about who runs the guest.
 */
#include "ham.h"

static HamLetGoDecision keep(const char *reason)
{
        return (HamLetGoDecision){ .disconnect = FALSE, .reason = reason };
}

HamLetGoDecision ham_let_go_decide(const HamLetGo *s)
{
        if (!s->plastik)
                return keep("not a plastik resource: left alone");
        if (!s->peer_is_target)
                return keep("the fenced node is not this resource's peer");
        if (s->conn != DG_CONN_CONNECTED)
                return keep("not Connected: DRBD has let go of the peer already");
        if (s->connected_ms <= 0)
                return keep("when this connection came up is not recorded, so the fencing cannot be "
                            "ordered against it: the connection stays until DRBD's own ping timeout");
        if (s->fenced_ms <= s->connected_ms)
                return keep("the fencing completed before this connection came up: the connection is to "
                            "the peer as it is now, and stays");
        /* A Primary whose peer vanished freezes I/O and asks the fence-peer
         * handler by itself once DRBD notices; the survivor's wait is the
         * Secondary's, so that is the one case handled here. */
        if (s->role != DG_ROLE_SECONDARY)
                return keep("this node is not Secondary: nothing waits to be promoted here");
        if (s->disk != DG_DISK_UPTODATE)
                return keep("this node's disk is not UpToDate: it cannot be promoted, and the connection "
                            "stays");
        return (HamLetGoDecision){
                .disconnect = TRUE,
                .reason = "the peer was fenced after this connection came up, so it has been off since and "
                          "the connection leads nowhere: dropped now (hard: this node stays UpToDate) "
                          "rather than at DRBD's ping timeout, then listening again",
        };
}
