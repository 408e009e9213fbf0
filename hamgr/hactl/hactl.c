/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hactl: set up and operate the two-node cluster (see hactl(8)). */
#include "ham.h"
#include "ham-pcmk.h"
#include "ham-api.h"
#include "ham-status.h"
#include "hactl.h"
#include "pk.h"
#include "pk-cli.h"
#include "pk-config.h"
#include "ham-cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#define DEFAULT_TIMEOUT 300

#define OPT_JSON { "json", NULL, "print JSON instead of text" }
#define OPT_DRY_RUN { "dry-run", NULL, "print the plan and change nothing" }
#define OPT_YES { "yes", NULL, "do it without asking" }

static const PkCliOption global_opts[] = {
        { "verbose", NULL, "also print debug messages", 0, 'v' },
        { NULL },
};
static const PkCliOption init_opts[] = {
        { "name", "NAME", "the cluster's name" },
        { "node-address", "ADDR[,ADDR2]", "this node's address on each cluster network" },
        { "replication-address", "ADDR", "where this node's DRBD listens" },
        { "vg", "VG", "this node's volume group" },
        { "peer-name", "NAME", "the other node's name (its uname -n)" },
        { "peer-address", "ADDR[,ADDR2]", "the other node's address on each cluster network" },
        { "peer-replication-address", "ADDR", "the other node's DRBD address (default: its first address)" },
        { "peer-vg", "VG", "the other node's volume group (default: this node's)" },
        { "token-file", "FILE", "write the join token there (default /etc/plastik/join-token)" },
        { "print-token", NULL, "print the join token on standard output instead" },
        /* Not --token: --token-file names the join token already. */
        { "corosync-token", "MS", "corosync's token timeout, 500..60000 ms (default " G_STRINGIFY(HAM_COROSYNC_TOKEN_INIT) ")" },
        OPT_DRY_RUN,
        { "timeout", "S", "bound each wait (default 300 s)" },
        { NULL },
};
static const PkCliOption join_opts[] = {
        { "token-file", "FILE|-", "the join token cluster init wrote (- for standard input)" },
        { "node-address", "ADDR[,ADDR2]", "must match what init was given for this node" },
        { "replication-address", "ADDR", "must match what init was given for this node" },
        { "vg", "VG", "must match what init was given for this node" },
        OPT_DRY_RUN,
        { "timeout", "S", "bound each wait (default 300 s)" },
        { NULL },
};
static const PkCliOption json_opts[] = { OPT_JSON, { NULL } };
static const PkCliOption guest_create_opts[] = {
        { "memory", "MIB", "memory in MiB, or a size such as 1G" },
        { "vcpus", "N", "virtual CPUs, 1..255 (default 1)" },
        { "disk", "SIZE", "the size of the replicated volume root" },
        { "image", "FILE", "a raw or qcow2 image written onto the disk" },
        { "kernel", "FILE", "boot this kernel from the host" },
        { "initrd", "FILE", "with --kernel: its initrd" },
        { "cmdline", "TEXT", "with --kernel: its command line" },
        { "config", "FILE", "the whole guest definition (as hvctl takes it)" },
        { "prefer", "NODE", "the node the guest prefers" },
        { "priority", "N", "0..1000000 (default 10): weight in the fence race" },
        { "probe", "ADDR:PORT", "the service hamgrd connects to after a failover" },
        { "no-wait-sync", NULL, "let the initial sync go on in the background" },
        { "without-fencing", NULL, "create it although fencing is not configured" },
        { "overcommit", NULL, "create it although a node could not run every guest" },
        OPT_DRY_RUN,
        { "timeout", "S", "wait at most S seconds for the guest to run (default 300)" },
        { NULL },
};
static const PkCliOption guest_start_opts[] = {
        { "no-wait", NULL, "do not wait until it runs" },
        { "timeout", "S", "wait at most S seconds (default 300)" },
        { "without-fencing", NULL, "start it although fencing is not configured" },
        { NULL },
};
static const PkCliOption guest_stop_opts[] = {
        { "no-wait", NULL, "do not wait until it is stopped" },
        { "timeout", "S", "wait at most S seconds (default 300)" },
        { NULL },
};
static const PkCliOption guest_move_opts[] = {
        { "timeout", "S", "wait at most S seconds (default 300)" },
        { NULL },
};
static const PkCliOption guest_remove_opts[] = {
        OPT_YES,
        { "timeout", "S", "wait at most S seconds for each stop (default 300)" },
        { NULL },
};
static const PkCliOption guest_accept_loss_opts[] = {
        OPT_DRY_RUN,
        OPT_YES,
        { "no-wait", NULL, "do not wait until the guest runs" },
        { "timeout", "S", "wait at most S seconds (default 300)" },
        { NULL },
};
static const PkCliOption guest_split_brain_opts[] = {
        { "discard-here", NULL, "this node's copy is given up (first, on its node)" },
        { "keep-here", NULL, "this node's copy is kept (then, on the other node)" },
        OPT_DRY_RUN,
        { NULL },
};
static const PkCliOption no_opts[] = { { NULL } };
static const PkCliOption history_opts[] = {
        OPT_JSON,
        { "limit", "N", "only the last N failovers (1..100)" },
        { NULL },
};
static const PkCliOption drill_opts[] = {
        { "yes", NULL, "do not ask for the name of the node to power off" },
        { "timeout", "S", "wait at most S seconds for the guest here (default 300)" },
        OPT_JSON,
        { NULL },
};
static const PkCliOption fence_add_opts[] = {
        { "agent", "AGENT", "the fence agent (/usr/sbin/fence_*)" },
        { "node", "NODE", "the node the device fences" },
        { "param", "K=V", "a parameter of the agent", PK_CLI_REPEAT },
        { "race-delay", "S", "0..300 (default 15): seconds fence_plastik waits before fencing the node of higher priority" },
        { "dry-run", NULL, "print the CIB objects instead of adding them" },
        { NULL },
};
static const PkCliOption fence_test_opts[] = {
        { "timeout", "S", "seconds for each device's status action, 5..600 (default 60)" },
        { NULL },
};
static const PkCliOption fence_node_opts[] = {
        { "yes", NULL, "really fence the node" },
        { "off", NULL, "power off instead of reboot" },
        { "timeout", "S", "seconds until the fencer confirms, 5..600 (default 120)" },
        { NULL },
};

static const PkCliVerb verbs[] = {
        { "cluster", "init", "", 0, 0,
          "--name NAME --node-address ADDR[,ADDR2] --replication-address ADDR --vg VG --peer-name NAME "
          "--peer-address ADDR[,ADDR2] [--corosync-token MS] [--token-file FILE | --print-token]",
          init_opts, "set up the cluster on the first node; writes the join token" },
        { "cluster", "join", "", 0, 1, "--token-file FILE|-", join_opts,
          "join the second node with the token init wrote" },
        { "cluster", "show", "", 0, 0, NULL, json_opts, "this node's configuration, membership and node states" },
        { "status", NULL, "", 0, 0, NULL, json_opts, "nodes, fencing, guests and their volumes on both nodes" },
        { "verify", NULL, "", 0, 0, NULL, json_opts, "check the cluster's configuration on both nodes" },
        { "history", NULL, "[GUEST]", 0, 1, NULL, history_opts, "the failovers hamgrd recorded, step by step" },
        { "drill", NULL, "GUEST", 1, 1, NULL, drill_opts, "power the guest's node off, follow its failover" },
        { "node", "list", "", 0, 0, NULL, json_opts, "the nodes as Pacemaker sees them" },
        { "node", "standby", "NODE", 1, 1, NULL, no_opts, "move every resource off NODE" },
        { "node", "online", "NODE", 1, 1, NULL, no_opts, "let NODE run resources again" },
        { "node", "maintenance", "NODE", 1, 1, NULL, no_opts, "stop managing the resources on NODE" },
        { "node", "unmaintenance", "NODE", 1, 1, NULL, no_opts, "manage the resources on NODE again" },
        { "guest", "create", "NAME", 1, 1,
          "--disk SIZE (--memory MIB [--vcpus N] | --config FILE) [--image FILE] "
          "[--kernel FILE [--initrd FILE] [--cmdline TEXT]]",
          guest_create_opts, "a replicated guest: volumes on both nodes, sync, CIB resources" },
        { "guest", "list", "", 0, 0, NULL, json_opts, "the guests, where they run, their state and health" },
        { "guest", "show", "NAME", 1, 1, NULL, json_opts,
          "a guest's definition, volumes, placement and constraints" },
        { "guest", "start", "NAME", 1, 1, NULL, guest_start_opts, "let Pacemaker run the guest" },
        { "guest", "stop", "NAME", 1, 1, NULL, guest_stop_opts, "let Pacemaker stop the guest" },
        { "guest", "move", "NAME [NODE]", 1, 2, NULL, guest_move_opts,
          "move the guest to NODE (default: the other node)" },
        { "guest", "remove", "NAME", 1, 1, NULL, guest_remove_opts,
          "stop the guest, remove it and its volumes on both nodes" },
        { "guest", "accept-loss", "NAME", 1, 1, NULL, guest_accept_loss_opts,
          "run a blocked guest on its outdated copy here" },
        { "guest", "split-brain", "NAME", 1, 1, "--discard-here|--keep-here", guest_split_brain_opts,
          "resolve a split brain of the guest's volumes, this side" },
        { "fence", "add", "NAME", 1, 1, "--agent AGENT --node NODE", fence_add_opts, "a STONITH device for NODE" },
        { "fence", "list", "", 0, 0, NULL, json_opts, "the fence devices" },
        { "fence", "remove", "NAME", 1, 1, NULL, no_opts, "remove a fence device" },
        { "fence", "test", "NODE", 1, 1, NULL, fence_test_opts,
          "run the status action of NODE's devices through the fencer" },
        { "fence", NULL, "NODE", 1, 1, "--yes", fence_node_opts, "really fence NODE (reboot; --off: power off)" },
};

static const PkCli cli = {
        .program = "hactl",
        .version = PK_VERSION,
        .global_options = global_opts,
        .verbs = verbs,
        .n_verbs = G_N_ELEMENTS(verbs),
        .epilogue =
                "Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid argument, configuration or token,\n"
                "4 this node is set up differently, 5 Pacemaker unreachable or refused, 6 timeout,\n"
                "7 no such node or guest, 10 refused as unsafe (no fencing, see --without-fencing;\n"
                "create: a node could not run every guest, see --overcommit;\n"
                "accept-loss: the guest is not blocked or the other node not cleanly down).\n"
                "status: 8 degraded, 9 a problem needs action; verify: 8 warnings only, 9 errors.\n"
                "drill refused: 10 no fencing, 11 run on the other node, 12 the guest's node is offline,\n"
                "13 a volume not UpToDate on both nodes, 14 the guest is not running.\n",
};

static char *this_node_name(void)
{
        struct utsname u;

        /* Pacemaker and corosync know a node by `uname -n`. */
        if (uname(&u) < 0)
                return g_strdup("localhost");
        return g_strdup(u.nodename);
}

/* "10.99.0.1,10.99.1.1" into node->addresses; a usage error names the option. */
static int parse_addresses(const char *option, const char *text, HamNode *node)
{
        g_auto(GStrv) parts = g_strsplit(text, ",", -1);

        if (g_strv_length(parts) > HAM_LINKS_MAX)
                return hactl_usage_error("--%s: at most %d addresses (one per cluster network), got \"%s\"",
                                   option, HAM_LINKS_MAX, text);
        for (guint i = 0; parts[i]; i++) {
                g_strstrip(parts[i]);
                if (!ham_address_valid(parts[i]))
                        return hactl_usage_error("--%s: \"%s\" is not an IPv4 or IPv6 address", option, parts[i]);
                node->addresses[i] = g_strdup(parts[i]);
        }
        return EXIT_OK;
}

static void on_progress(const char *message, gpointer data)
{
        fprintf(stderr, "hactl: %s\n", message);
}

static int check_local(const HamNode *node, gboolean need_vg)
{
        g_autoptr(GError) error = NULL;

        for (guint i = 0; node->addresses[i]; i++)
                if (!ham_address_is_local(node->addresses[i])) {
                        fprintf(stderr, "hactl: this node has no address %s; give an address of one of its interfaces\n",
                                node->addresses[i]);
                        return EXIT_INVALID;
                }
        if (!ham_address_is_local(node->replication_address)) {
                fprintf(stderr, "hactl: this node has no address %s (replication); give an address of one of its interfaces\n",
                        node->replication_address);
                return EXIT_INVALID;
        }
        if (need_vg && !ham_vg_check(node->vg, &error))
                return hactl_report(error);
        return EXIT_OK;
}

static guint timeout_of(PkCliCmd *a, int *rc)
{
        guint64 t = DEFAULT_TIMEOUT;

        *rc = EXIT_OK;
        if (pk_cli_opt(a, "timeout") && !g_ascii_string_to_unsigned(pk_cli_opt(a, "timeout"), 10, 1, 86400, &t, NULL))
                *rc = hactl_usage_error("--timeout needs a number of seconds between 1 and 86400 (got \"%s\")",
                                  pk_cli_opt(a, "timeout"));
        return (guint)t;
}

static int run_plan(HamSetupMode mode, PkCliCmd *a, const HamNodeState *have, const HamConf *want,
                    GBytes *authkey, guint *ret_changed)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) plan = ham_cluster_plan(mode, have, want, authkey, &error);
        int rc;
        guint timeout = timeout_of(a, &rc);

        if (rc != EXIT_OK)
                return rc;
        if (!plan)
                return hactl_report(error);
        if (pk_cli_opt(a, "dry-run")) {
                printf("plan for %s (cluster %s):\n", want->local.name, want->cluster_name);
                for (guint i = 0; i < plan->len; i++) {
                        const HamStep *s = plan->pdata[i];
                        printf("  %u. %s\n", i + 1, s->text);
                }
                return EXIT_OK;
        }
        if (!ham_cluster_execute(plan, want, authkey, timeout, on_progress, NULL, ret_changed, &error))
                return hactl_report(error);
        return EXIT_OK;
}

/* "cluster init: --name is required; usage: hactl cluster init …" */
static int usage_required(PkCliCmd *a, const char *option)
{
        g_autofree char *words = pk_cli_verb_words(a->verb), *usage = pk_cli_verb_usage(&cli, a->verb);

        return hactl_usage_error("%s: --%s is required; usage: %s", words, option, usage);
}

/* Where cluster init leaves the token unless told otherwise. */
#define HACTL_TOKEN_FILE "/etc/plastik/join-token"

static int cmd_init(PkCliCmd *a)
{
        static const char *const required[] = {
                "name", "node-address", "replication-address", "vg", "peer-name", "peer-address", NULL,
        };
        g_autoptr(GError) error = NULL;
        g_autoptr(HamConf) want = g_new0(HamConf, 1);
        g_autoptr(GBytes) authkey = NULL;
        g_autoptr(HamToken) token = g_new0(HamToken, 1);
        g_autofree char *text = NULL;
        HamNodeState have = { 0 };
        guint changed = 0;
        int rc;

        for (const char *const *r = required; *r; r++)
                if (!pk_cli_opt(a, *r))
                        return usage_required(a, *r);
        if (pk_cli_opt(a, "token-file") && pk_cli_opt(a, "print-token"))
                return hactl_usage_error("cluster init: give --token-file FILE or --print-token, not both");
        want->cluster_name = g_strdup(pk_cli_opt(a, "name"));
        want->local.name = this_node_name();
        want->local.nodeid = 1;
        want->local.replication_address = g_strdup(pk_cli_opt(a, "replication-address"));
        want->local.vg = g_strdup(pk_cli_opt(a, "vg"));
        want->peer.name = g_strdup(pk_cli_opt(a, "peer-name"));
        want->peer.nodeid = 2;
        want->peer.vg = g_strdup(pk_cli_opt(a, "peer-vg") ? pk_cli_opt(a, "peer-vg") : pk_cli_opt(a, "vg"));
        if ((rc = parse_addresses("node-address", pk_cli_opt(a, "node-address"), &want->local)) != EXIT_OK ||
            (rc = parse_addresses("peer-address", pk_cli_opt(a, "peer-address"), &want->peer)) != EXIT_OK)
                return rc;
        /* The first cluster network carries replication unless told otherwise. */
        want->peer.replication_address = g_strdup(pk_cli_opt(a, "peer-replication-address") ?
                                                  pk_cli_opt(a, "peer-replication-address") : want->peer.addresses[0]);
        if (pk_cli_opt(a, "corosync-token") &&
            !ham_corosync_token_parse(pk_cli_opt(a, "corosync-token"), &want->corosync_token))
                return hactl_usage_error("--corosync-token needs a number of milliseconds between %d and %d "
                                         "(got \"%s\")", HAM_COROSYNC_TOKEN_MIN, HAM_COROSYNC_TOKEN_MAX,
                                         pk_cli_opt(a, "corosync-token"));

        if (!ham_node_state_read(&have, &error))
                return hactl_report(error);
        /* Without the option a new cluster gets plastik's measured default,
         * and a re-run keeps what the cluster has (a cluster set up before
         * the default existed has none: corosync's). */
        if (!pk_cli_opt(a, "corosync-token"))
                want->corosync_token = have.conf ? have.conf->corosync_token : HAM_COROSYNC_TOKEN_INIT;
        /* A re-run keeps the secret and the key: same settings, same files. */
        want->drbd_secret = have.conf ? g_strdup(have.conf->drbd_secret) : ham_secret_generate(&error);
        authkey = have.authkey ? g_bytes_ref(have.authkey) : ham_authkey_generate(&error);
        if (!want->drbd_secret || !authkey) {
                ham_node_state_clear(&have);
                return hactl_report(error);
        }
        if (!ham_conf_validate(want, "cluster init", &error)) {
                ham_node_state_clear(&have);
                return hactl_report(error);
        }
        rc = check_local(&want->local, TRUE);
        if (rc == EXIT_OK)
                rc = run_plan(HAM_SETUP_INIT, a, &have, want, authkey, &changed);
        ham_node_state_clear(&have);
        if (rc != EXIT_OK || pk_cli_opt(a, "dry-run"))
                return rc;
        token->conf = ham_conf_copy(want);
        token->authkey = g_bytes_ref(authkey);
        text = ham_token_encode(token, &error);
        if (!text)
                return hactl_report(error);
        if (changed == 0)
                fprintf(stderr, "hactl: cluster %s is already initialized on %s; nothing changed\n",
                        want->cluster_name, want->local.name);
        else
                fprintf(stderr, "hactl: cluster %s initialized on %s\n", want->cluster_name, want->local.name);
        /* Printed only when asked (a pipe to the other node), else a file. */
        if (pk_cli_opt(a, "print-token")) {
                fprintf(stderr, "hactl: now run on %s: hactl cluster join --token-file - with the token below on "
                        "its standard input; it holds the cluster's keys: keep it private\n", want->peer.name);
                printf("%s\n", text);
                return EXIT_OK;
        }
        const char *path = pk_cli_opt(a, "token-file") ? pk_cli_opt(a, "token-file") : HACTL_TOKEN_FILE;
        g_autofree char *line = g_strconcat(text, "\n", NULL);
        /* 0600 from the start: the token carries the cluster's secrets. */
        if (!pk_file_write_atomic(path, line, strlen(line), 0600, &error))
                return hactl_report(error);
        fprintf(stderr, "hactl: the join token is in %s (mode 0600: it holds the cluster's keys); copy it to %s "
                "(scp -p keeps it private), run there: hactl cluster join --token-file FILE, then delete both "
                "copies\n", path, want->peer.name);
        return EXIT_OK;
}

/* The token carries the cluster's secrets (corosync's key, DRBD's shared
 * secret): never an argument, which every local user reads in
 * /proc/PID/cmdline and the shell keeps in its history. A file (only its
 * owner should read it) or standard input ("-"). (transfer full) */
static char *read_token(PkCliCmd *a, int *ret_rc)
{
        const char *path = pk_cli_opt(a, "token-file");
        g_autoptr(GError) error = NULL;
        char *text = NULL;
        struct stat st;

        if (pk_cli_arg(a, 0)) {
                *ret_rc = hactl_usage_error("cluster join: the token is not taken as an argument (every local user "
                                            "could read it in /proc, and it would stay in the shell's history); "
                                            "give --token-file FILE, or --token-file - and the token on standard input");
                return NULL;
        }
        if (!path) {
                *ret_rc = usage_required(a, "token-file");
                return NULL;
        }
        if (g_str_equal(path, "-")) {
                g_autoptr(GString) s = g_string_new(NULL);
                char buf[4096];
                size_t n;
                while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0 && s->len < 1024 * 1024)
                        g_string_append_len(s, buf, (gssize)n);
                return g_string_free(g_steal_pointer(&s), FALSE);
        }
        if (stat(path, &st) == 0 && (st.st_mode & 0077))
                fprintf(stderr, "hactl: warning: %s can be read by others (mode %04o); it holds the cluster's keys: "
                        "delete it after the join\n", path, (unsigned)(st.st_mode & 07777));
        if (!g_file_get_contents(path, &text, NULL, &error)) {
                fprintf(stderr, "hactl: --token-file: %s\n", error->message);
                *ret_rc = EXIT_INVALID;
                return NULL;
        }
        return text;
}

static int mismatch(const char *option, const char *given, const char *want, const char *peer)
{
        fprintf(stderr, "hactl: --%s %s differs from what cluster init was given for this node (%s); "
                "use %s, or run cluster init on %s again with the right value\n",
                option, given, want, want, peer);
        return EXIT_INVALID;
}

static int cmd_join(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamToken) token = NULL;
        g_autoptr(HamConf) want = NULL;
        g_autofree char *me = this_node_name(), *text = NULL;
        HamNodeState have = { 0 };
        guint changed = 0;
        int rc = EXIT_OK;

        if (!(text = read_token(a, &rc)))
                return rc;
        token = ham_token_decode(text, &error);
        if (!token)
                return hactl_report(error);
        want = ham_conf_for_peer(token->conf);
        if (!g_str_equal(me, want->local.name)) {
                fprintf(stderr, "hactl: this node is called %s, but the token was made for %s: run the join on %s, "
                        "or run cluster init on %s again with --peer-name %s\n",
                        me, want->local.name, want->local.name, want->peer.name, me);
                return EXIT_INVALID;
        }
        if (pk_cli_opt(a, "node-address")) {
                HamNode given = { 0 };
                g_autofree char *g = NULL, *w = NULL;
                if ((rc = parse_addresses("node-address", pk_cli_opt(a, "node-address"), &given)) != EXIT_OK)
                        return rc;
                g = g_strjoinv(",", given.addresses);
                w = g_strjoinv(",", want->local.addresses);
                ham_node_clear(&given);
                if (!g_str_equal(g, w))
                        return mismatch("node-address", g, w, want->peer.name);
        }
        if (pk_cli_opt(a, "replication-address") && !g_str_equal(pk_cli_opt(a, "replication-address"), want->local.replication_address))
                return mismatch("replication-address", pk_cli_opt(a, "replication-address"),
                                want->local.replication_address, want->peer.name);
        if (pk_cli_opt(a, "vg") && !g_str_equal(pk_cli_opt(a, "vg"), want->local.vg))
                return mismatch("vg", pk_cli_opt(a, "vg"), want->local.vg, want->peer.name);
        if ((rc = check_local(&want->local, TRUE)) != EXIT_OK)
                return rc;
        if (!ham_node_state_read(&have, &error))
                return hactl_report(error);
        rc = run_plan(HAM_SETUP_JOIN, a, &have, want, token->authkey, &changed);
        ham_node_state_clear(&have);
        if (rc != EXIT_OK || pk_cli_opt(a, "dry-run"))
                return rc;
        if (changed == 0)
                printf("%s is already a member of cluster %s; both nodes are online\n", me, want->cluster_name);
        else
                printf("%s joined cluster %s; %s and %s are online\n", me, want->cluster_name,
                       want->peer.name, me);
        return EXIT_OK;
}

static json_object *node_json(const HamNode *n)
{
        json_object *o = json_object_new_object();
        json_object *addrs = json_object_new_array();

        json_object_object_add(o, "name", json_object_new_string(n->name));
        json_object_object_add(o, "nodeid", json_object_new_int((int)n->nodeid));
        for (guint i = 0; n->addresses[i]; i++)
                json_object_array_add(addrs, json_object_new_string(n->addresses[i]));
        json_object_object_add(o, "cluster-addresses", addrs);
        json_object_object_add(o, "replication-address", json_object_new_string(n->replication_address));
        json_object_object_add(o, "vg", json_object_new_string(n->vg));
        return o;
}

static void print_node(const char *label, const HamNode *n, const HamMonStatus *mon)
{
        g_autofree char *addrs = g_strjoinv(", ", (char **)n->addresses);
        const HamMonNode *m = mon && mon->connected ? ham_mon_node_find(mon, n->name) : NULL;

        printf("%-6s %s (node id %u)%s%s\n", label, n->name, n->nodeid, m ? ": " : "",
               m ? ham_mon_node_state(m) : "");
        printf("       cluster networks: %s\n       replication: %s\n       volume group: %s\n",
               addrs, n->replication_address, n->vg);
}

static int cmd_show(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamConf) conf = ham_conf_load(HAM_CONF_PATH, &error);
        g_autoptr(HamMonStatus) mon = NULL;
        const char *qargv[] = { "corosync-quorumtool", "-s", NULL };
        g_autofree char *qout = NULL, *qerr = NULL;
        gboolean quorate = FALSE, have_q = FALSE;
        guint members = 0;

        if (!conf) {
                if (g_error_matches(error, HAM_ERROR, HAM_ERROR_NOT_FOUND))
                        fprintf(stderr, "hactl: this node is in no cluster (%s is missing); set one up with hactl cluster init\n",
                                HAM_CONF_PATH);
                else
                        fprintf(stderr, "hactl: %s\n", error->message);
                return g_error_matches(error, HAM_ERROR, HAM_ERROR_NOT_FOUND) ? EXIT_NOT_FOUND : EXIT_INVALID;
        }
        if (pk_spawn_sync(qargv, &qout, &qerr, NULL, NULL))
                have_q = ham_quorum_parse(qout, &quorate, &members);
        mon = ham_crm_mon_run(NULL);
        if (pk_cli_flag(a, "json")) {
                g_autoptr(json_object) o = json_object_new_object();
                json_object_object_add(o, "cluster", json_object_new_string(conf->cluster_name));
                json_object_object_add(o, "node", node_json(&conf->local));
                json_object_object_add(o, "peer", node_json(&conf->peer));
                if (have_q) {
                        json_object *q = json_object_new_object();
                        json_object_object_add(q, "quorate", json_object_new_boolean(quorate));
                        json_object_object_add(q, "members", json_object_new_int((int)members));
                        json_object_object_add(o, "corosync", q);
                } else {
                        json_object_object_add(o, "corosync", NULL);
                }
                json_object_object_add(o, "pacemaker", mon ? ham_mon_status_to_json(mon) : NULL);
                hactl_print_json(o);
                return EXIT_OK;
        }
        printf("cluster: %s\n", conf->cluster_name);
        print_node("this", &conf->local, mon);
        print_node("peer", &conf->peer, mon);
        if (have_q)
                printf("corosync: %s, %u member(s)\n", quorate ? "quorate" : "NOT quorate", members);
        else
                printf("corosync: not running\n");
        if (mon && mon->connected)
                printf("pacemaker: DC %s, %s, stonith %s\n", mon->dc ? mon->dc : "none",
                       mon->quorate ? "with quorum" : "WITHOUT quorum",
                       mon->stonith_enabled ? "enabled" : "DISABLED");
        else
                printf("pacemaker: not reachable%s%s\n", mon && mon->error ? ": " : "",
                       mon && mon->error ? mon->error : "");
        return EXIT_OK;
}

static int cmd_node_list(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamMonStatus) mon = ham_crm_mon_run(&error);

        if (!mon)
                return hactl_report(error);
        if (!mon->connected) {
                fprintf(stderr, "hactl: pacemaker is not reachable: %s\n", mon->error);
                return EXIT_PCMK;
        }
        if (pk_cli_flag(a, "json")) {
                g_autoptr(json_object) o = ham_mon_status_to_json(mon);
                json_object *nodes = NULL;
                json_object_object_get_ex(o, "nodes", &nodes);
                hactl_print_json(nodes);
                return EXIT_OK;
        }
        printf("%-20s %-12s %-4s %s\n", "NODE", "STATE", "DC", "RESOURCES");
        for (guint i = 0; i < mon->nodes->len; i++) {
                const HamMonNode *n = mon->nodes->pdata[i];
                printf("%-20s %-12s %-4s %u\n", n->name, ham_mon_node_state(n), n->is_dc ? "yes" : "",
                       n->resources_running);
        }
        return EXIT_OK;
}

static int cmd_node_attr(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamPcmk) pcmk = NULL;
        const char *cmd = a->verb->name, *node = pk_cli_arg(a, 0);
        const char *attr = strstr(cmd, "maintenance") ? "maintenance" : "standby";
        gboolean on = g_str_equal(cmd, "standby") || g_str_equal(cmd, "maintenance");
        g_autofree char *id = NULL;

        if (!ham_name_valid(node))
                return hactl_usage_error("node %s: \"%s\" is not a node name", cmd, node);
        pcmk = ham_pcmk_connect("hactl", &error);
        if (!pcmk)
                return hactl_report(error);
        if (!ham_pcmk_node_id(pcmk, node, &id, &error) ||
            !ham_pcmk_node_attr_set(pcmk, node, attr, on ? "on" : "off", &error))
                return hactl_report(error);
        if (g_str_equal(attr, "standby"))
                printf(on ? "node %s is in standby: Pacemaker moves its resources away\n"
                          : "node %s is online: it may run resources again\n", node);
        else
                printf(on ? "node %s is in maintenance: Pacemaker leaves its resources alone\n"
                          : "node %s left maintenance: Pacemaker manages its resources again\n", node);
        return EXIT_OK;
}

int main(int argc, char **argv)
{
        g_auto(PkCliCmd) a = { 0 };
        const char *group, *name;
        int rc;

        if (!pk_cli_handle(&cli, argc, argv, &a, &rc))
                return rc;
        pk_log_init("hactl", pk_cli_global(&a, "verbose") != NULL);
        group = a.verb->group;
        name = a.verb->name;
        if (g_str_equal(group, "fence"))
                return hactl_fence(&a);
        if (g_str_equal(group, "guest"))
                return hactl_guest(&a);
        if (g_str_equal(group, "history"))
                return hactl_history(&a);
        if (g_str_equal(group, "drill"))
                return hactl_drill(&a);
        if (g_str_equal(group, "status"))
                return ham_hactl_status(NULL, pk_cli_flag(&a, "json"));
        if (g_str_equal(group, "verify"))
                return ham_hactl_verify(NULL, pk_cli_flag(&a, "json"));
        if (g_str_equal(group, "cluster"))
                return g_str_equal(name, "init") ? cmd_init(&a) : g_str_equal(name, "join") ? cmd_join(&a)
                                                                                            : cmd_show(&a);
        return g_str_equal(name, "list") ? cmd_node_list(&a) : cmd_node_attr(&a);
}
