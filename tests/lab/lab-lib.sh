# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Helpers shared by the lab's checks (tests/lab/lab-test) and the demo
# (scripts/demo): sourced, never run. The caller sets `check` (the name in
# log and failure lines), LAB_BUILDDIR and, for a lab other than the
# default, PLASTIK_LAB.

LAB=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lab
LAB_STATE=${LAB_STATE:-/run/plastik-lab${PLASTIK_LAB:+-$PLASTIK_LAB}}
LAB_NS=plastik-lab${PLASTIK_LAB:+-$PLASTIK_LAB}

# With LAB_T0 set (lab-test sets it when a check starts), a log line says
# how far into the check it was written: the profile of a slow check.
log() {
        if [ -n "${LAB_T0:-}" ]; then
                echo "[$check +$(awk -v a="$LAB_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')s] $*"
        else
                echo "[$check] $*"
        fi
}
fail() {
        echo "FAIL [$check]: $*"
        local n
        for n in $(nodes); do
                echo "---- console tail of $n"
                tail -n 25 "$LAB_STATE/$n/console.log" 2>/dev/null || echo "(no console log)"
        done
        fail_diag
        echo "---- the lab as $(lab_last_check) left it"
        exit 1
}
# What a failed check leaves to read besides the consoles: who powered what
# off (the BMCs' log), and why, as each reachable node's cluster logs say:
# the scheduler's fencing and recovery decisions, lost members, failed
# operations. A fenced node boots with a fresh root, so its survivor's log
# is often the only account. Bounded: a hung node costs 15 s at most.
fail_diag() {
        local n b
        for b in "$LAB_STATE"/bmc*/chassis.log; do
                [ -r "$b" ] || continue
                echo "---- $(basename "$(dirname "$b")") power commands"
                grep ' set power ' "$b" | tail -n 6
        done
        for n in $(nodes); do
                echo "---- $n: cluster log"
                T=15 x "$n" sh -c "grep -hE 'will be fenced|priority_delay|Scheduling|Requesting fencing|Operation .* targeting|state is now lost|token timed out|Result of .* failed|unclean|error:' \
                        /var/log/pacemaker/pacemaker.log /var/log/corosync/corosync.log 2>/dev/null | tail -n 30" 2>&1 || true
        done
}
nodes() { [ -r "$LAB_STATE/nodes" ] && seq -f 'node%g' 1 "$(cat "$LAB_STATE/nodes")"; }
# x NODE CMD...: run in a node without stdin; fails the check when the exec
# channel itself fails (exit 255/124).
x() { "$LAB" exec -n -t "${T:-120}" "$@"; }
# has GREP-ARGS...: `grep -q` on the whole of stdin. Write `CMD | has PATTERN`,
# never `CMD | has PATTERN`: under pipefail the latter fails when grep
# exits at its first match while CMD is still writing (CMD dies of SIGPIPE,
# 141). Even `echo "$out" | has` can, since bash's echo writes a line at a
# time; seen once in CI (lab-ha-03-guest, a correct --dry-run plan "failed").
has() { local s; s=$(cat); grep -q "$@" <<<"$s"; }
require_lab() {
        [ -e "$LAB_STATE/nodes" ] || fail "the lab is not up (did lab-01-up fail?)"
}
# until_ok TIMEOUT CMD...: retries CMD every second; prints seconds taken.
until_ok() {
        local timeout=$1 t0 end; shift
        t0=$(date +%s.%N)
        end=$(($(date +%s) + timeout))
        while ! "$@" >/dev/null 2>&1; do
                [ "$(date +%s)" -lt "$end" ] || return 1
                sleep 1
        done
        awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }'
}

# hamgrd in the nodes, started as a node's boot would start it.
HAMGRD_STATE=
hamgrd_start() { # NODE
        x "$1" sh -c "setsid $LAB_BUILDDIR/hamgr/hamgrd --foreground </dev/null >>/var/log/hamgrd.log 2>&1 &" ||
                fail "starting hamgrd on $1 failed"
}
# hamgrd_is NODE FILTER: the jq FILTER holds (jq -e) for NODE's status;
# node("NAME") is that node's entry (attributes {} when absent).
hamgrd_is() {
        local js
        js=$(x "$1" "$LAB_BUILDDIR/tests/host/ham-api-call" status 2>/dev/null) || return 1
        echo "$js" >"$LAB_STATE/hamgrd-$1.json"
        echo "$js" | jq -e 'def node($n): (first(.nodes[] | select(.name == $n)) // {attributes: {}});'" $2" >/dev/null
}
hamgrd_wait() { # NODE TIMEOUT EXPR WHAT
        local t
        t=$(until_ok "$2" hamgrd_is "$1" "$3") ||
                fail "hamgrd on $1: $4 not seen within $2 s; its status: $(cat "$LAB_STATE/hamgrd-$1.json" 2>/dev/null)
$(x "$1" tail -n 20 /var/log/hamgrd.log)"
        log "hamgrd on $1: $4 (${t}s)"
}
HAMGRD_FULL='.corosync.connected and .corosync.quorum.quorate and .corosync.quorum.two_node and (.corosync.members | length) == 2 and (.corosync.hamgrd_group | length) == 2 and .pacemaker.connected and (.dc == "node1" or .dc == "node2") and node("node1").pacemaker_online and node("node2").pacemaker_online'

# Fencing (fencing/, hactl fence). The handlers run from a copy in the
# node's /usr/local/sbin: DRBD calls them while I/O is frozen, and a binary
# read over 9p while the build tree is relinked can fault.
fen_install() {
        local n
        for n in node1 node2; do
                x "$n" sh -c "cp $LAB_BUILDDIR/fencing/plastik-fence-peer $LAB_BUILDDIR/fencing/plastik-unfence-peer \
                        $LAB_BUILDDIR/drbd-glue/plastik-split-brain /usr/local/sbin/ &&
                        cp $LAB_BUILDDIR/hamgr/hactl /usr/local/sbin/hactl" || fail "copying the handlers into $n failed"
        done
}
# fence_plastik_install: plastik's fence agent, which hactl fence add puts
# in front of fence_ipmilan, in /usr/sbin of both nodes: Pacemaker's fencer
# looks for agents there only, and either node may run a device. A copy,
# not a link, for the reason above: the fencer runs it while a rebuild may
# relink the build tree.
fence_plastik_install() {
        local n out
        [ -x "$LAB_BUILDDIR/fencing/fence_plastik" ] || fail "build first: $LAB_BUILDDIR/fencing/fence_plastik is missing"
        for n in node1 node2; do
                # Through a new file renamed over the old: the fencer may be
                # running the old one (a device's monitor), and cp onto a
                # running program fails (ETXTBSY); a rename leaves it its file.
                out=$(x "$n" sh -c "cp $LAB_BUILDDIR/fencing/fence_plastik /usr/sbin/fence_plastik.new &&
                        mv -f /usr/sbin/fence_plastik.new /usr/sbin/fence_plastik" 2>&1) ||
                        fail "copying fence_plastik into $n failed: $out"
        done
}
quorate_on() { x "$1" crm_mon -1 --output-as=xml 2>/dev/null | has 'with_quorum="true"'; }
# require_cluster: the lab up, its nodes healed (lab_heal), and the cluster
# as hactl builds it: the one there (a node an earlier check fenced and
# revived may still be joining: waited for), or built now with hactl cluster
# init and join (cluster_build) where no node has one. Only the main lab
# proves init and join in depth (check cluster-init); the other labs' checks
# build their cluster through this.
require_cluster() {
        local t0 n have=0
        require_lab
        lab_heal
        for n in node1 node2; do x "$n" test -e /etc/plastik/plastik.conf && have=$((have + 1)); done
        if [ $have -gt 0 ]; then
                until_ok 180 cluster_ready >/dev/null ||
                        fail "the cluster hactl built is not quorate with both nodes online: node1 sees node2 as $(node_seen node1 node2)"
                return 0
        fi
        t0=$(date +%s.%N)
        cluster_build
        log "no cluster yet: hactl cluster init on node1 and join on node2 built it in $(since "$t0")s"
}

# A node's own cluster files, kept on the machine: a fenced node boots with
# a fresh root (the lab's overlay), where a real one would find them on its
# disk. node_snapshot saves them (with what fen_install,
# fence_plastik_install and an installed ocf:plastik:guest put into the root); node_revive puts them back after the
# node was powered on and starts what a real node's boot starts (corosync,
# pacemaker, hamgrd when it ran before).
node_snapshot() { # NODE
        x "$1" tar -C / -cf /tmp/node-snapshot.tar etc/corosync etc/plastik \
                $(x "$1" sh -c 'ls -d etc/drbd.d/pk-*.res usr/local/sbin/plastik-*fence-peer usr/local/sbin/plastik-split-brain usr/local/sbin/hactl \
                        usr/sbin/fence_plastik usr/lib/ocf/resource.d/plastik etc/qemu 2>/dev/null' | tr '\n' ' ') 2>/dev/null ||
                fail "packing $1's cluster files failed"
        x "$1" cat /tmp/node-snapshot.tar >"$LAB_STATE/snapshot-$1.tar" || fail "saving $1's cluster files failed"
        if x "$1" pidof hamgrd >/dev/null; then touch "$LAB_STATE/snapshot-$1.hamgrd"; else rm -f "$LAB_STATE/snapshot-$1.hamgrd"; fi
}
node_revive() { # NODE: powered on (or fenced with reboot); back in the cluster
        local other
        [ -r "$LAB_STATE/snapshot-$1.tar" ] || fail "no snapshot of $1 (node_snapshot first)"
        other=$(node_other "$1")
        # Back only once the other node's cluster is done with the loss, as
        # an operator is told: a node switched on while its fencing is still
        # due is shot again mid-boot (status-verify once lost node2 that way).
        if [ "$(node_running_stack "$1")" != yes ] && node_quorate "$other"; then
                until_ok 300 node_gone "$other" "$1" >/dev/null ||
                        fail "$other has not finished with $1's loss in 300 s (fencing still due?): $(node_seen "$other" "$1")"
        fi
        [ "$("$LAB" power "$1" status)" = on ] || "$LAB" power "$1" on >/dev/null || fail "powering $1 on failed"
        until_ok 240 "$LAB" exec -n -q -t 5 "$1" -- true >/dev/null || fail "$1 does not answer after power on"
        x "$1" sh -c 'pidof corosync >/dev/null' && return 0
        "$LAB" exec -t 60 "$1" -- tar -C / -xf - <"$LAB_STATE/snapshot-$1.tar" || fail "restoring $1's cluster files failed"
        # A node boots here without udev, so nothing autoactivates its LVs.
        # Where hamgrd is part of the node, it activates plastik's own
        # before it serves (and before Pacemaker's drbd agent needs them,
        # as its unit orders it): that is what is proven here. Elsewhere
        # the lab stands in for the OS's autoactivation.
        if [ -e "$LAB_STATE/snapshot-$1.hamgrd" ]; then
                hamgrd_start "$1"
                until_ok 60 x "$1" "$LAB_BUILDDIR/tests/host/ham-api-call" status >/dev/null ||
                        fail "hamgrd on $1 does not answer: $(x "$1" tail -n 20 /var/log/hamgrd.log)"
        else
                x "$1" vgchange -q -ay >/dev/null 2>&1
        fi
        "$LAB" cluster start "$1" >/dev/null ||
                fail "starting the cluster stack on $1 failed; $(node_other "$1") sees it as: $(node_seen "$(node_other "$1")" "$1")"
        return 0
}
# lab_heal: a node an earlier check left off, or booted without its
# cluster stack (a fenced node's fresh root), comes back from its snapshot,
# so one check's leftovers do not fail the next; says which check left it.
lab_heal() {
        local n
        for n in $(nodes); do
                [ -r "$LAB_STATE/snapshot-$n.tar" ] || continue
                [ "$(node_running_stack "$n")" = yes ] && continue
                log "$n is $("$LAB" power "$n" status 2>/dev/null | sed 's/^on$/on without its cluster stack/'), as $(lab_last_check) left it: reviving it from its snapshot"
                node_revive "$n"
        done
}
# lab_last_check: the check that ran before this one and how it ended.
lab_last_check() {
        [ -r "$LAB_STATE/checks.log" ] || { echo "no earlier check"; return; }
        awk -v me="$check" '$1 != me { c = $1; r = $2 == "start" ? "did not finish" : $2 == "ok" ? "passed" : "failed" }
                END { if (c == "") print "no earlier check"; else printf "check %s (%s)\n", c, r }' "$LAB_STATE/checks.log"
}
node_other() { [ "$1" = node1 ] && echo node2 || echo node1; }
# node_running_stack NODE: "yes" when NODE answers and runs corosync.
node_running_stack() {
        [ "$("$LAB" power "$1" status 2>/dev/null)" = on ] &&
                "$LAB" exec -n -q -t 10 "$1" -- sh -c 'pidof corosync >/dev/null' 2>/dev/null && echo yes || echo no
}
# xpath XML EXPR: the string value of an XPath expression over XML (xmllint).
xpath() { printf '%s' "$1" | xmllint --xpath "$2" - 2>/dev/null; }
node_quorate() { x "$1" crm_mon -1 --output-as=xml 2>/dev/null | has 'with_quorum="true"'; }
# node_seen VIA NODE: how VIA's Pacemaker sees NODE: "online=… unclean=…
# pending-fencing=N" (for messages and node_gone).
node_seen() {
        local xml
        xml=$(x "$1" crm_mon -1 --output-as=xml --include=nodes,fencing-pending 2>/dev/null) || { echo "($1 does not answer)"; return 1; }
        echo "online=$(xpath "$xml" "string(//nodes/node[@name='$2']/@online)")" \
                "unclean=$(xpath "$xml" "string(//nodes/node[@name='$2']/@unclean)")" \
                "pending-fencing=$(xpath "$xml" "count(//fence_event[@target='$2'][@status='pending'])")"
}
# node_gone VIA NODE: VIA's cluster has finished with NODE's loss: NODE is
# offline, not unclean (fenced, or it left cleanly), and no fencing of it
# is pending.
node_gone() { [ "$(node_seen "$1" "$2")" = "online=false unclean=false pending-fencing=0" ]; }
# node_fenced VIA NODE BEFORE: waits (at most 300 s) until NODE's BMC has
# carried out more than BEFORE (bmc_sets) power commands and VIA's cluster
# is done with NODE (node_gone: after a loss only a confirmed fencing makes
# a node clean again); fails the check otherwise. The seconds it took in
# FENCED_AFTER (a variable: fail in a $(...) would end only the subshell).
# Not the fencer's history: it keeps one successful entry per target and
# action, so a second fencing of the same node is not counted there.
node_fenced() {
        FENCED_AFTER=$(until_ok 300 fenced_since "$1" "$2" "$3") ||
                fail "$2 was not fenced: its BMC carried out $(bmc_sets "$2") power commands (before: $3); $1 sees it as $(node_seen "$1" "$2"); $1's fencer history: $(x "$1" stonith_admin --history "$2" --verbose 2>&1 | tail -n 5)"
}
fenced_since() { [ "$(bmc_sets "$2")" -gt "$3" ] && node_gone "$1" "$2"; } # VIA NODE BEFORE
# Who runs resource $1 (Started) per crm_mon on node $2 (empty when none).
runs_on() {
        local xml
        xml=$(x "$2" crm_mon -1 --output-as=xml --include=resources 2>/dev/null) || return 0
        xpath "$xml" "string((//resources//resource[@id='$1'][@role='Started' or @role='Promoted'])[1]/node/@name)"
}
both_online() {
        [ "$(x "$1" crm_mon -1 --output-as=xml 2>/dev/null | grep -c '<node name=[^>]* online="true"')" = 2 ]
}
bmc_offs() { # NODE: how many power-offs its BMC has seen
        grep -c ' set power 0' "$LAB_STATE/bmc${1#node}/chassis.log" 2>/dev/null || true
}
# NODE: how many power commands its BMC has carried out. A fencer's reboot
# of a node that is off already is only "power on" (fence_ipmilan skips
# the off when the status says off).
bmc_sets() { grep -c ' set power ' "$LAB_STATE/bmc${1#node}/chassis.log" 2>/dev/null || true; }


# ---- the cluster as hactl builds it ------------------------------------------
# From nothing (check cluster-init, the failover checks, the demo): the
# lab's own corosync config removed, a VG on each node, init on node1 with
# two knet links (cluster and guest network), join on node2 with the token.

# cluster_reset: stops the stack, removes the cluster files on both nodes,
# makes a VG where there is none; sets LAB_VG and LAB_INIT (init's arguments).
cluster_reset() {
        local n vg
        "$LAB" cluster stop || true
        for n in node1 node2; do
                x "$n" sh -c 'pidof corosync pacemakerd >/dev/null && exit 1;
                        rm -f /etc/corosync/corosync.conf /etc/corosync/authkey /etc/plastik/plastik.conf;
                        rm -rf /var/lib/pacemaker/cib/*; exit 0' || fail "the stack still runs on $n"
                vg=$(x "$n" vgs --noheadings -o vg_name | awk 'NR == 1 { print $1 }')
                if [ -z "$vg" ]; then
                        x "$n" sh -c 'pvcreate -q -y /dev/vda && vgcreate -q vglab /dev/vda' >/dev/null ||
                                fail "creating a VG on $n failed"
                        vg=vglab
                fi
        done
        LAB_VG=$vg
        LAB_INIT=(cluster init --name labpair --node-address 10.99.0.1,10.99.1.1
                --replication-address 10.99.0.1 --vg "$vg" --peer-name node2
                --peer-address 10.99.0.2,10.99.1.2)
}
# The token goes as the README tells: init writes it to a 0600 file, the
# host carries it over, join reads it from standard input (never argv).
LAB_TOKEN_FILE=/root/pair.token
cluster_init() { # prints the token
        T=400 x node1 "$LAB_BUILDDIR/hamgr/hactl" "${LAB_INIT[@]}" --token-file "$LAB_TOKEN_FILE" >&2 &&
                x node1 cat "$LAB_TOKEN_FILE"
}
cluster_join() { # TOKEN
        printf '%s\n' "$1" | "$LAB" exec -t 400 node2 -- "$LAB_BUILDDIR/hamgr/hactl" cluster join --token-file - --vg "$LAB_VG"
}
# cluster_ready: a cluster made by hactl, quorate, both nodes online.
cluster_ready() {
        x node1 test -e /etc/plastik/plastik.conf && x node2 test -e /etc/plastik/plastik.conf &&
                x node1 crm_mon -1 --output-as=xml 2>/dev/null | has 'with_quorum="true"' && both_online node1
}
# cluster_build: the cluster as cluster-init builds it, unless it is there.
cluster_build() {
        local token out
        cluster_ready && return 0
        cluster_reset
        token=$(cluster_init) || fail "hactl cluster init on node1 failed"
        out=$(cluster_join "$token" 2>&1) || fail "hactl cluster join on node2 failed: $out"
        cluster_ready || fail "hactl built no quorate cluster with both nodes online"
}

# fence_add_bmcs PREFIX: the lab BMCs as fence devices PREFIX-nodeN, each
# fence_ipmilan behind fence_plastik (hactl fence add), unless such a device
# for the node is there already. A plain device for the node (an earlier
# check's, added with cibadmin) is replaced: with one left, Pacemaker's
# priority-fencing-delay stays 15 s and every failover pays it.
fence_add_bmcs() {
        local n d h=/usr/local/sbin/hactl
        fence_plastik_install
        for n in 1 2; do
                x node1 "$h" fence list --json | jq -e --arg n "node$n" \
                        'any(.devices[]; .wrapper == "fence_plastik" and .agent == "fence_ipmilan" and .hosts == $n)' \
                        >/dev/null && continue
                for d in $(x node1 "$h" fence list --json | jq -r --arg n "node$n" \
                                '.devices[] | select(.wrapper == null and .hosts == $n) | .name'); do
                        x node1 "$h" fence remove "$d" >/dev/null || fail "removing the plain fence device $d failed"
                done
                x node1 env PYTHONWARNINGS=ignore::DeprecationWarning "$h" fence add "$1-node$n" \
                        --agent fence_ipmilan --node "node$n" --param ip=10.99.0.10$n --param username=admin \
                        --param password=plastik --param lanplus=1 --param cipher=3 >/dev/null ||
                        fail "adding a fence device for node$n failed"
        done
}

# ocf_install: ocf:plastik:guest in both nodes. A copy, not a link: a
# rebuild on the machine must not change it under pacemaker. A guest NIC on
# br0 needs nothing more: libhv opens its tap itself (hypervisor/tap.c).
OCF_GUEST=${OCF_GUEST:-${LAB_BUILDDIR:-}/ocf-agents/guest}
OCF_DRBD=${OCF_DRBD:-${LAB_BUILDDIR:-}/ocf-agents/drbd}
ocf_install() {
        local n
        [ -x "$OCF_GUEST" ] || fail "the ocf:plastik:guest agent is not built ($OCF_GUEST; OCF_GUEST=PATH names another)"
        [ -x "$OCF_DRBD" ] || fail "the ocf:plastik:drbd agent is not built ($OCF_DRBD; OCF_DRBD=PATH names another)"
        for n in node1 node2; do
                # rm first: what is there may be a link (an earlier run's link to heartbeat's Dummy, say), which cp
                # would follow and overwrite.
                x "$n" sh -c "mkdir -p /usr/lib/ocf/resource.d/plastik &&
                        rm -f /usr/lib/ocf/resource.d/plastik/guest /usr/lib/ocf/resource.d/plastik/drbd &&
                        cp $OCF_GUEST /usr/lib/ocf/resource.d/plastik/guest &&
                        cp $OCF_DRBD /usr/lib/ocf/resource.d/plastik/drbd" || fail "installing the OCF agents on $n failed"
        done
}

# ---- the pk-monitor guest ------------------------------------------------------
# The Nagios-style guest of guest-image/ on a replicated volume: pk-monitor
# appends numbered records to its journal, fsyncs each and only then sends
# "ACK N" to pk-collector, which runs in the lab's namespace (10.99.1.254)
# and keeps every acknowledged number. /status on :8080 answers the last
# durable record; pk-check-records holds the journal to the acks.
PKMON=pkmon
PKMON_IP=10.99.1.50
PKMON_RES=pk-$PKMON-root
PKMON_DIR=$LAB_STATE/share/pkmon      # /lab/pkmon in the nodes
PKMON_COLL=$LAB_STATE/pkmon-collector # the collector's acks file, pid and log
PKMON_ACKS=$PKMON_COLL/acks

# pkmon_hamgrd: the real DRBD handlers (fen_install's copies) for the
# volumes hamgrd creates from now on ([drbd] in plastik.conf), hamgrd
# (re)started on both nodes with that, both in the group.
pkmon_hamgrd() {
        local n
        for n in node1 node2; do
                x "$n" sh -c 'p=$(cat /run/plastik/hamgrd.lock 2>/dev/null) && kill $p 2>/dev/null; exit 0'
                until_ok 30 x "$n" sh -c '! pidof hamgrd' >/dev/null || fail "hamgrd on $n does not stop"
                x "$n" sh -c "awk '/^\[/ { skip = (\$0 == \"[drbd]\") } !skip' /etc/plastik/plastik.conf >/etc/plastik/plastik.conf.new &&
                        printf '\n[drbd]\nfence-peer-handler=/usr/local/sbin/plastik-fence-peer\nunfence-handler=/usr/local/sbin/plastik-unfence-peer\nsplit-brain-handler=/usr/local/sbin/plastik-split-brain\n' \
                        >>/etc/plastik/plastik.conf.new && chmod 600 /etc/plastik/plastik.conf.new &&
                        mv /etc/plastik/plastik.conf.new /etc/plastik/plastik.conf" ||
                        fail "setting the DRBD handlers in $n's plastik.conf failed"
        done
        for n in node1 node2; do hamgrd_start "$n"; done
        for n in node1 node2; do hamgrd_wait "$n" 180 "$HAMGRD_FULL" "both hamgrds in the group"; done
}
# pkmon_image: plastik-mkimage into the share (its summary in
# PKMON_MKIMAGE); the definition's kernel and initramfs are where the nodes
# see them.
pkmon_image() {
        local out
        out=$("$LAB_SRCDIR/guest-image/plastik-mkimage" --monitor "$LAB_BUILDDIR/guest-image/pk-monitor" \
                --size 48 --disk /dev/drbd0 --ip "$PKMON_IP/24" --collector 10.99.1.254:7000 \
                --nic-bridge br0 --faults --name "$PKMON" "$PKMON_DIR" 2>&1) || fail "plastik-mkimage failed: $out"
        jq '.boot.kernel = "/lab/pkmon/vmlinuz" | .boot.initrd = "/lab/pkmon/initrd.img"' \
                "$PKMON_DIR/guest.json" >"$PKMON_DIR/guest.json.new" && mv "$PKMON_DIR/guest.json.new" "$PKMON_DIR/guest.json" ||
                fail "pointing guest.json at /lab/pkmon failed"
        PKMON_MKIMAGE=$(echo "$out" | tail -n 1)
}
pkmon_collector_running() { [ -r "$PKMON_COLL/pid" ] && kill -0 "$(cat "$PKMON_COLL/pid")" 2>/dev/null; }
# pkmon_collector_start: pk-collector in the namespace, in its own session
# (lab down kills what lives in the namespace).
pkmon_collector_start() {
        pkmon_collector_running && return 0
        mkdir -p "$PKMON_COLL"
        "$LAB" ns setsid sh -c "echo \$\$ >$PKMON_COLL/pid; exec $LAB_BUILDDIR/guest-image/pk-collector \
                --listen 10.99.1.254:7000 --acks $PKMON_ACKS" </dev/null >>"$PKMON_COLL/log" 2>&1 &
        disown # lab down ends it; the shell need not report that
        until_ok 10 pkmon_collector_running >/dev/null || fail "pk-collector does not run: $(cat "$PKMON_COLL/log")"
}
pkmon_create() { # NODE (preferred, where it is created)
        T=900 x "$1" "$LAB_BUILDDIR/hamgr/hactl" guest create "$PKMON" --disk 64M --config /lab/pkmon/guest.json \
                --image /lab/pkmon/image.raw --prefer "$1" --probe "$PKMON_IP:8080" --timeout 600
}
pkmon_get() { "$LAB" ns curl -s -m "${PKMON_WAIT:-5}" "http://$PKMON_IP:8080$1"; } # PATH
pkmon_field() { pkmon_get /status | jq -e -r ".$1"; }                  # last_durable, boot, uptime
pkmon_acked() { [ -r "$PKMON_ACKS" ] && wc -l <"$PKMON_ACKS" || echo 0; }
pkmon_highest() { tail -n 1 "$PKMON_ACKS" 2>/dev/null || echo 0; }
pkmon_acked_above() { [ "$(pkmon_acked)" -gt "$1" ]; } # N: more than N acks came in
# pkmon_check: pk-check-records against the collector's acks; prints
# "acked=N present=N lost=N journal=A..B"; its exit status (0: none lost).
pkmon_check() {
        "$LAB" ns "$LAB_SRCDIR/guest-image/pk-check-records" --guest "$PKMON_IP" --acks "$PKMON_ACKS" --timeout 60
}
# pkmon_reused: acknowledged numbers that came again later (a later boot
# numbered past a record that was acked but lost would ack it once more, and
# pk-check-records would then find "a" record with that number). Prints
# how many acks are below an earlier one; 0 is right.
pkmon_reused() { awk '$1 < max { n++ } $1 > max { max = $1 } END { print n + 0 }' "$PKMON_ACKS"; }
pkmon_runs_on() { runs_on "guest-$PKMON" "${1:-node1}"; }
pkmon_drbd_role() { x "$1" drbdsetup status "$PKMON_RES" 2>/dev/null | awk '/role:/ { sub(/.*role:/, ""); print $1; exit }'; }
pkmon_in_sync() { # NODE: connected, UpToDate on both sides
        local s; s=$(x "$1" drbdsetup status "$PKMON_RES" 2>/dev/null) || return 1
        [ "$(echo "$s" | grep -c 'disk:UpToDate')" = 2 ] && ! echo "$s" | has 'connection:'
}
pkmon_other() { [ "$1" = node1 ] && echo node2 || echo node1; }
pkmon_where() { local n; n=$(pkmon_runs_on node1); [ -n "$n" ] || n=$(pkmon_runs_on node2); echo "$n"; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; } # T0 -> seconds since
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# pkmon_after_revive NODE: NODE back in the cluster, the volume resynced,
# both nodes' files saved again; the times in PKMON_REVIVED. (Results go
# into variables, not to stdout: fail in a $(...) would end the subshell
# only.)
pkmon_after_revive() {
        local t1 t2 other; other=$(pkmon_other "$1")
        node_revive "$1"
        t1=$(until_ok 600 both_online "$other") || fail "$1 did not rejoin the cluster"
        t2=$(until_ok 900 pkmon_in_sync "$other") ||
                fail "$PKMON_RES is not in sync after $1 came back: $(x "$other" drbdsetup status "$PKMON_RES")"
        log "$PKMON_RES on $1, from its kernel: $(drbd_timeline "$1" "$PKMON_RES")"
        node_snapshot node1; node_snapshot node2
        PKMON_REVIVED="rejoined ${t1}s, in sync ${t2}s later"
}
# drbd_timeline NODE RES: when NODE's kernel (seconds since its boot) brought
# RES up, connected it, began and ended the resync, with DRBD's own figures:
# where the time between a node's return and "in sync" goes.
drbd_timeline() {
        x "$1" sh -c "dmesg; echo \"dev \$(drbdadm sh-dev $2 | sed 's,.*/,,')\"; echo \"now \$(cut -d' ' -f1 /proc/uptime)\"" \
                2>/dev/null | awk -v r="drbd $2:" '
                function at() { t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); return t + 0 }
                { line[NR] = $0 }
                /^dev / { d = " " $2 ":" } /^now / { now = $2 }
                END {
                        for (i = 1; i < NR - 1; i++) {
                                $0 = line[i]
                                if (index($0, r) == 0 && (d == " :" || index($0, d) == 0)) continue
                                if (/Starting worker thread/ && up == "") up = at()
                                if (/Handshake successful/ && conn == "") conn = at()
                                if (/Began resync/) { began = at(); will = $0; sub(/.*\(will sync /, "", will); sub(/ \[.*/, "", will) }
                                if (/Resync done/) { done = at(); tot = $0; sub(/.*Resync done \(/, "", tot); sub(/\).*/, "", tot) }
                                if (/had equal checksums/) { eq = $0; sub(/.*drbd[0-9]+: */, "", eq) }
                        }
                        printf "up %s, connected %s, resync began %s (will sync %s), done %s (%s; %s), now %s s since boot\n",
                                up, conn, began, will, done, tot, eq, now
                }'
}
pkmon_verdict() { # WHAT: pk-check-records and the reuse check; the figures in PKMON_VERDICT
        local out rc re
        out=$(pkmon_check 2>&1); rc=$?
        re=$(pkmon_reused)
        [ $rc -eq 0 ] && [ "$re" = 0 ] || fail "$1: records lost (pk-check-records exit $rc: $out; acks below an earlier one: $re)"
        PKMON_VERDICT="$out reused=$re"
}

# fencer_last VIA NODE: VIA's fencer's newest successful fencing of NODE, as
# one line of `stonith_admin --history` (empty when none).
fencer_last() { x "$1" stonith_admin --history "$2" 2>/dev/null | grep -i 'successful\|completed' | sort -t"'" -k2 | tail -n 1; }

# pkmon_poweroff PRIM [MARK]: pulls the plug of PRIM, where the guest
# writes, and waits (at most 900 s) for the failover; MARK goes into the
# survivor's kernel log (kmsg_mark) just before the power command, after
# the looks that precede it, so that DRBD's account since the mark is
# since the power-off. Sets, in seconds since the
# power-off, from the survivor's failover record (hamgrd's, `hactl history
# --json`, carried into this machine's clock with node_clock_offset):
# FO_FENCED (the survivor's fencer confirmed PRIM fenced: a power command
# through PRIM's BMC, or none when the BMC reported PRIM off already, see
# fence_plastik(8)), FO_PROMOTED (the volume Primary on the survivor),
# FO_RUNNING (the guest's QEMU answers there); FO_ANSWERING (/status
# answers from a new boot, seen from here); FO_RECORD, the record; FO_ACKED,
# FO_DURABLE, FO_BOOT as they were at the power-off; FO_T0 and FO_T1, this
# machine's clock (ms) before and after the power command (by FO_T1 the
# node is off). Returns 1 with FO_MISSING saying what did not happen.
#
# Until the guest answers, only this machine looks (the guest's /status
# from the lab's network): each look at the survivor is a process on a node
# with one emulated CPU (a pacemaker or hactl client costs 0.15-0.3 s of
# it), and looking every half second during the failover slowed the very
# steps it timed. The record says when each step happened; it is read once
# the guest answers.
pkmon_poweroff() {
        local prim=$1 surv t0 ids base
        surv=$(pkmon_other "$prim")
        FO_ACKED=$(pkmon_acked) FO_DURABLE=$(pkmon_field last_durable) FO_BOOT=$(pkmon_field boot)
        FO_FENCED="" FO_PROMOTED="" FO_RUNNING="" FO_ANSWERING="" FO_MISSING="" FO_RECORD=""
        ids=$(fo_history_ids "$surv") || { FO_MISSING="hactl history --json on $surv failed"; return 1; }
        node_clock_offset "$surv"
        [ -z "${2:-}" ] || kmsg_mark "$surv" "$2"
        t0=$(date +%s.%N)
        FO_T0=${t0%??????} FO_T0=${FO_T0/./}
        "$LAB" power "$prim" off || { FO_MISSING="powering $prim off failed"; return 1; }
        FO_T1=$(date +%s%3N)
        while [ -z "$FO_ANSWERING" ]; do
                if [ "$(since "$t0" | cut -d. -f1)" -ge 900 ]; then
                        FO_MISSING="900 s after $prim's power-off /status does not answer; $surv's record: $(x "$surv" "$LAB_BUILDDIR/hamgr/hactl" history "$PKMON" 2>&1 | tail -n 8)"
                        return 1
                fi
                [ "$(PKMON_WAIT=1 pkmon_field boot 2>/dev/null || echo 0)" -le "$FO_BOOT" ] || FO_ANSWERING=$(since "$t0")
                sleep 0.5
        done
        until_ok 300 fo_new_record "$surv" "$PKMON" "$ids" >/dev/null || {
                FO_MISSING="/status answers, but $surv's hamgrd has no closed record of $PKMON: $(x "$surv" "$LAB_BUILDDIR/hamgr/hactl" history "$PKMON" 2>&1 | tail -n 8)"
                return 1
        }
        FO_RECORD=$(fo_new_record "$surv" "$PKMON" "$ids")
        base=$((FO_T0 + CLOCK_OFFSET_MS))
        FO_FENCED=$(fo_step_since fence_confirmed "$base" <<<"$FO_RECORD")
        FO_PROMOTED=$(fo_step_since drbd_promoted "$base" <<<"$FO_RECORD")
        FO_RUNNING=$(fo_step_since guest_started "$base" <<<"$FO_RECORD")
        if [ -z "$FO_FENCED" ] || [ -z "$FO_PROMOTED" ] || [ -z "$FO_RUNNING" ]; then
                FO_MISSING="$surv's record lacks a step (fence confirmed ${FO_FENCED:-no}, Primary ${FO_PROMOTED:-no}, QEMU running ${FO_RUNNING:-no}): $(jq -c .steps <<<"$FO_RECORD")"
                return 1
        fi
}
# fo_step_since STEP BASE: a failover record on stdin -> seconds (one
# decimal) from BASE (ms, the record's clock) to STEP; empty when the record
# has no STEP.
fo_step_since() {
        jq -r --arg k "$1" --argjson base "$2" '.steps[$k] | if . == null then empty else ((. - $base) / 100 | round) / 10 end'
}

# ---- the failover's order of events and its figures --------------------------
# hamgrd's failover record (`hactl history --json`) is in the survivor's
# clock; the power-off is in this machine's. The two are not the same
# clock: a node's kernel sets its wall clock once, early in its boot, from
# QEMU's RTC (this machine's time in whole seconds; and until the HPET
# takes over, ticks that come late under TCG lose time: a second or so
# behind), and then counts the HPET (the lab's clocksource=hpet), which
# follows this machine's monotonic clock (NTP's rate corrections, not its
# steps). Within a boot the offset stays put unless this machine's clock
# is stepped; a revived node has a new one. So it is measured on the
# survivor before each power-off, and the power-off's times are carried
# into the survivor's clock with it.

# node_clock_offset NODE: NODE's wall clock minus this machine's, in ms, in
# CLOCK_OFFSET_MS, give or take CLOCK_ERR_MS (variables: fail in a $(...)
# would end only the subshell). As NTP does it: the node's time read
# between two readings of this machine's; of three tries the one with the
# shortest round trip, its middle taken, half the round trip the error.
node_clock_offset() {
        local h0 n h1 best=""
        for _ in 1 2 3; do
                h0=$(date +%s%3N)
                n=$(x "$1" date +%s%3N) || fail "reading $1's clock failed"
                h1=$(date +%s%3N)
                [[ $n =~ ^[0-9]+$ ]] || fail "$1's clock reads '$n'"
                if [ -z "$best" ] || [ $((h1 - h0)) -lt "$best" ]; then
                        best=$((h1 - h0))
                        CLOCK_OFFSET_MS=$((n - (h0 + h1) / 2)) CLOCK_ERR_MS=$(((best + 1) / 2))
                fi
        done
}

# kmsg_mark NODE TEXT: TEXT into NODE's kernel log, where drbd_promotion_order
# finds it: what DRBD logs after it is this run's.
kmsg_mark() { x "$1" sh -c 'echo "$1" >/dev/kmsg' sh "$2" || fail "writing to $1's kernel log failed"; }

# drbd_promotion_order RES DEV MARK: reads a node's kernel log (dmesg) and
# checks that after the line holding MARK, DRBD resource RES (device DEV,
# drbdN) became Primary only after its connection had left Connected, and
# while it was in a state without the peer (StandAlone ... WFConnection: not
# reachable, DRBD 8.4's drbd_conns below C_WF_REPORT_PARAMS). The
# connection is taken as Connected at MARK (the caller checked it was in
# sync). One line: "peer lost +S s (Connected -> STATE), Primary +S s while
# STATE", seconds since MARK in the kernel's clock (one clock, no joining);
# exit 1 with the reason when the order does not hold.
drbd_promotion_order() {
        awk -v r="drbd $1:" -v d=" $2:" -v m="$3" '
        function at(s) { sub(/^\[ */, "", s); sub(/\].*/, "", s); return s + 0 }
        !seen { if (index($0, m)) { seen = 1; t0 = at($0); conn = "Connected" }; next }
        index($0, r) == 0 && index($0, d) == 0 { next }
        promoted { next }
        /conn\( / {
                s = $0; sub(/.*conn\( /, "", s); split(s, w, " ")
                if (w[1] == "Connected" && lost == "") { lost = at($0) - t0; lostto = w[3] }
                conn = w[3]
        }
        /role\( Secondary -> Primary \)/ { promoted = 1; prim = at($0) - t0; connp = conn }
        END {
                split("StandAlone Disconnecting Unconnected Timeout BrokenPipe NetworkFailure ProtocolError TearDown WFConnection", u, " ")
                for (i in u) away[u[i]] = 1
                if (!seen) { print "no mark \"" m "\" in the kernel log"; exit 1 }
                if (!promoted) { print "no promotion to Primary after the mark"; exit 1 }
                if (lost == "") { printf "Primary +%.1f s while %s: the connection never left Connected before\n", prim, connp; exit 1 }
                if (!(connp in away)) { printf "Primary +%.1f s while %s (the peer reachable; lost +%.1f s)\n", prim, connp, lost; exit 1 }
                printf "peer lost +%.1f s (Connected -> %s), Primary +%.1f s while %s\n", lost, lostto, prim, connp
        }'
}

# fo_let_go RES ORDER: the survivor's hamgrd log since the power-off on
# stdin, ORDER drbd_promotion_order's line for RES. hamgrd lets go of a
# connection to a fenced peer (model/let-go.c) when the fencer's
# confirmation reaches it while DRBD still says Connected; which of the two
# comes first is DRBD's ping timer's luck, so each outcome has its own
# proof. Prints one line; exit 1 with the reason when hamgrd's part failed:
# it kept the connection (the survivor here is Secondary, UpToDate, with
# its connection recorded: there is no reason to), its drop failed, or DRBD
# was disconnected by someone without hamgrd's decision.
fo_let_go() {
        local log decided
        log=$(grep -F "$1: ")
        decided=$(grep -F "$1: the fencer fenced " <<<"$log" | tail -n 1)
        if grep -F "$1: let go: drbdadm" <<<"$log" | grep -q "failed\|cannot run"; then
                echo "hamgrd's let-go failed: $(grep -F "$1: let go: drbdadm" <<<"$log" | tail -n 1)"
                return 1
        fi
        case $decided in
        "")
                case $2 in *"(Connected -> Disconnecting)"*)
                        echo "DRBD was disconnected, but hamgrd decided no let-go"; return 1 ;;
                esac
                echo "DRBD lost the peer before hamgrd saw the fencing: nothing to let go" ;;
        *": let go: "*)
                grep -qF "$1: let go: the connection to the fenced peer is dropped" <<<"$log" ||
                        { echo "hamgrd decided to let go, but no drop is logged: $decided"; return 1; }
                case $2 in
                *"(Connected -> Disconnecting)"*) echo "hamgrd let go of the fenced peer (Connected -> Disconnecting)" ;;
                *) echo "hamgrd let go, but DRBD's own ping timeout had come first" ;;
                esac ;;
        *)
                echo "hamgrd kept the connection to the fenced peer: ${decided#*"$1: "}"; return 1 ;;
        esac
}

# fo_history_ids NODE: the ids of the closed records NODE's hamgrd holds
# (JSON). Not the open ones: a record open before a power-off (a loss
# still awaiting its end) may take the failover's steps, and is then the
# one to read once it closes.
fo_history_ids() {
        x "$1" "$LAB_BUILDDIR/hamgr/hactl" history --json | jq -c '[.failovers[].id]'
}
# fo_new_record NODE GUEST IDS: prints GUEST's closed record on NODE that is
# not among IDS (fo_history_ids before the failover); exit 1 while none.
FO_NEW_RECORD='[.failovers[] | select(.guest == $g) | select(.id as $i | $old | any(. == $i) | not)] | last // empty'
fo_new_record() {
        local h
        h=$(x "$1" "$LAB_BUILDDIR/hamgr/hactl" history --json 2>/dev/null) || return 1
        jq -e -c --arg g "$2" --argjson old "$3" "$FO_NEW_RECORD" <<<"$h"
}

# fo_figures KIND BASE: a failover record on stdin -> its parts (JSON, keys
# NAME_ms, null where a step is missing), BASE the power-off (or the
# drill's request) in the record's clock. KIND power-off or drill: in a
# drill the fencer is asked before the node is lost, so node lost -> fence
# requested is no Pacemaker decision there (null). bench/failover's
# columns.
fo_figures() {
        jq -c --arg kind "$1" --argjson base "$2" '
                def d(a; b): if a == null or b == null then null else b - a end;
                .steps as $s | {
                        detection_ms: d($base; $s.node_lost),
                        pacemaker_ms: (if $kind == "drill" then null else d($s.node_lost; $s.fence_requested) end),
                        fencing_ms: d($s.fence_requested; $s.fence_confirmed),
                        promote_ms: d($s.fence_confirmed; $s.drbd_promoted),
                        start_ms: d($s.drbd_promoted; $s.guest_started),
                        boot_ms: d($s.guest_started; $s.service_answering),
                        to_running_ms: d($base; $s.guest_started),
                        to_answering_ms: d($base; $s.service_answering),
                        plastik_ms: d($s.fence_confirmed; $s.guest_started)
                }'
}
# fo_steps BASE: a failover record on stdin -> one line, each step in
# seconds since BASE (ms, in the record's clock).
fo_steps() {
        jq -r --argjson base "$1" '.steps as $s |
                [["node lost", "node_lost"], ["fence requested", "fence_requested"], ["fence confirmed", "fence_confirmed"],
                 ["Primary", "drbd_promoted"], ["QEMU running", "guest_started"], ["answering", "service_answering"]] |
                map(.[0] + " " + (if $s[.[1]] == null then "-" else "+\((($s[.[1]] - $base) / 100 | round) / 10) s" end)) |
                join(", ")'
}
# fo_record_order AFTER: a failover record on stdin; prints nothing when its
# order is the safe one, else the reason: fence_confirmed there, and
# fence_confirmed <= drbd_promoted <= guest_started, and the promotion after
# AFTER (ms, the record's clock: the power-off at its latest).
fo_record_order() {
        jq -r --argjson after "$1" '.steps as $s |
                if $s.fence_confirmed == null then "no fence_confirmed step"
                elif $s.drbd_promoted == null then "no drbd_promoted step"
                elif $s.guest_started == null then "no guest_started step"
                elif $s.fence_confirmed > $s.drbd_promoted then "DRBD promoted before the fence was confirmed"
                elif $s.drbd_promoted > $s.guest_started then "the guest started before its volume was promoted"
                elif $s.drbd_promoted <= $after then "DRBD promoted before the power-off (\($after - $s.drbd_promoted) ms)"
                else empty end'
}
