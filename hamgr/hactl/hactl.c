/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hactl: set up and operate the two-node cluster (see hactl(8)). */
#include "ham.h"
#include "ham-pcmk.h"
#include "ham-api.h"
#include "ham-status.h"
#include "hactl.h"
#include "pk.h"
#include "pk-config.h"
#include "ham-cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#define DEFAULT_TIMEOUT 300

static const char usage_text[] =
        "Usage: hactl [--verbose] COMMAND [ARGS]\n"
        "\n"
        "Commands:\n"
        "  cluster init OPTIONS         set up the cluster on the first node; prints the join token\n"
        "  cluster join --token-file F  join the second node with the token init wrote (F, or - for stdin)\n"
        "  cluster show [--json]        this node's configuration, membership and node states\n"
        "  status [--json]              nodes, fencing, guests and their volumes on both nodes\n"
        "  verify [--json]              check the cluster's configuration on both nodes\n"
        "  history [GUEST] [--json] [--limit N]  the failovers hamgrd recorded, step by step\n"
        "  drill GUEST [--yes] [--timeout S] [--json]  power the guest's node off, follow its failover\n"
        "  node list [--json]           the nodes as Pacemaker sees them\n"
        "  node standby|online NODE     move every resource off NODE / let it run resources again\n"
        "  node maintenance|unmaintenance NODE  stop / resume managing the resources on NODE\n"
        "  guest create NAME OPTIONS    a replicated guest: volumes on both nodes, sync, CIB resources\n"
        "  guest list [--json]          the guests, where they run, their state and health\n"
        "  guest show NAME [--json]     a guest's definition, volumes, placement and constraints\n"
        "  guest start|stop NAME        let Pacemaker run / stop the guest [--no-wait] [--timeout S]\n"
        "  guest move NAME [NODE]       move the guest to NODE (default: the other node)\n"
        "  guest remove NAME [--yes]    stop the guest, remove it and its volumes on both nodes\n"
        "  guest accept-loss NAME [--dry-run] [--yes]  run a blocked guest on its outdated copy here\n"
        "  guest split-brain NAME --discard-here|--keep-here [--dry-run]  resolve a split brain, this side\n"
        "  fence add NAME --agent AGENT --node NODE [--param K=V]... [--dry-run]  a STONITH device for NODE\n"
        "  fence list [--json]          the fence devices\n"
        "  fence remove NAME            remove a fence device\n"
        "  fence test NODE              run the status action of NODE's devices through the fencer\n"
        "  fence NODE --yes [--off]     really fence NODE (reboot; --off: power off)\n"
        "\n"
        "cluster init: --name NAME --node-address ADDR[,ADDR2] --replication-address ADDR --vg VG\n"
        "  --peer-name NAME --peer-address ADDR[,ADDR2] [--peer-replication-address ADDR]\n"
        "  [--peer-vg VG] [--dry-run] [--timeout S]\n"
        "cluster join: [--node-address ADDR[,ADDR2]] [--replication-address ADDR] [--vg VG]\n"
        "  [--dry-run] [--timeout S]\n"
        "guest create: NAME --memory MIB --disk SIZE [--vcpus N] (--image FILE | --kernel FILE\n"
        "  [--initrd FILE] [--cmdline TEXT]) [--prefer NODE] [--no-wait-sync] [--without-fencing]\n"
        "  [--dry-run] [--timeout S]\n"
        "\n"
        "Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid argument, configuration or token,\n"
        "4 this node is set up differently, 5 Pacemaker unreachable or refused, 6 timeout,\n"
        "7 no such node or guest, 10 refused as unsafe (no fencing, see --without-fencing;\n"
        "accept-loss: the guest is not blocked or the other node not cleanly down).\n"
        "status: 8 degraded, 9 a problem needs action; verify: 8 warnings only, 9 errors.\n"
        "drill refused: 10 no fencing, 11 run on the other node, 12 the guest's node is offline,\n"
        "13 a volume not UpToDate on both nodes, 14 the guest is not running.\n";

static const char *const init_opts[] = {
        "name=", "node-address=", "replication-address=", "vg=", "peer-name=", "peer-address=",
        "peer-replication-address=", "peer-vg=", "token-file=", "print-token", "dry-run", "timeout=", NULL,
};
static const char *const join_opts[] = {
        "token-file=", "node-address=", "replication-address=", "vg=", "dry-run", "timeout=", NULL,
};
static const char *const json_opts[] = { "json", NULL };
static const char *const guest_create_opts[] = {
        "memory=", "vcpus=", "disk=", "image=", "kernel=", "initrd=", "cmdline=", "config=", "prefer=", "priority=", "probe=",
        "no-wait-sync", "without-fencing", "dry-run", "timeout=", NULL,
};
static const char *const guest_start_opts[] = { "no-wait", "timeout=", "without-fencing", NULL };
static const char *const guest_wait_opts[] = { "no-wait", "timeout=", NULL };
static const char *const guest_move_opts[] = { "timeout=", NULL };
static const char *const guest_remove_opts[] = { "yes", "timeout=", NULL };
static const char *const guest_accept_loss_opts[] = { "yes", "dry-run", "no-wait", "timeout=", NULL };
static const char *const guest_split_brain_opts[] = { "discard-here", "keep-here", "dry-run", NULL };
static const char *const no_opts[] = { NULL };
static const char *const history_opts[] = { "json", "limit=", NULL };
static const char *const drill_opts[] = { "yes", "timeout=", "json", NULL };

static const CmdSpec commands[] = {
        { "cluster", "init", init_opts, 0, 0,
          "cluster init --name NAME --node-address ADDR[,ADDR2] --replication-address ADDR --vg VG "
          "--peer-name NAME --peer-address ADDR[,ADDR2] [--peer-replication-address ADDR] [--peer-vg VG] "
          "[--token-file FILE | --print-token] [--dry-run] [--timeout S]" },
        { "cluster", "join", join_opts, 0, 1,
          "cluster join --token-file FILE|- [--node-address ADDR[,ADDR2]] [--replication-address ADDR] [--vg VG] "
          "[--dry-run] [--timeout S]" },
        { "cluster", "show", json_opts, 0, 0, "cluster show [--json]" },
        { "node", "list", json_opts, 0, 0, "node list [--json]" },
        { "node", "standby", no_opts, 1, 1, "node standby NODE" },
        { "node", "online", no_opts, 1, 1, "node online NODE" },
        { "node", "maintenance", no_opts, 1, 1, "node maintenance NODE" },
        { "node", "unmaintenance", no_opts, 1, 1, "node unmaintenance NODE" },
        /* One-word commands: name NULL. */
        { "status", NULL, json_opts, 0, 0, "status [--json]" },
        { "verify", NULL, json_opts, 0, 0, "verify [--json]" },
        { "history", NULL, history_opts, 0, 1, "history [GUEST] [--json] [--limit N]" },
        { "drill", NULL, drill_opts, 1, 1, "drill GUEST [--yes] [--timeout S] [--json]" },
        { "guest", "create", guest_create_opts, 1, 1,
          "guest create NAME --disk SIZE (--memory MIB [--vcpus N] | --config FILE) [--image FILE] "
          "[--kernel FILE [--initrd FILE] [--cmdline TEXT]] [--prefer NODE] [--priority N] [--probe ADDR:PORT] [--no-wait-sync] [--without-fencing] "
          "[--dry-run] [--timeout S]" },
        { "guest", "list", json_opts, 0, 0, "guest list [--json]" },
        { "guest", "show", json_opts, 1, 1, "guest show NAME [--json]" },
        { "guest", "start", guest_start_opts, 1, 1, "guest start NAME [--no-wait] [--timeout S] [--without-fencing]" },
        { "guest", "stop", guest_wait_opts, 1, 1, "guest stop NAME [--no-wait] [--timeout S]" },
        { "guest", "move", guest_move_opts, 1, 2, "guest move NAME [NODE] [--timeout S]" },
        { "guest", "remove", guest_remove_opts, 1, 1, "guest remove NAME [--yes] [--timeout S]" },
        { "guest", "accept-loss", guest_accept_loss_opts, 1, 1,
          "guest accept-loss NAME [--dry-run] [--yes] [--no-wait] [--timeout S]" },
        { "guest", "split-brain", guest_split_brain_opts, 1, 1,
          "guest split-brain NAME --discard-here|--keep-here [--dry-run]" },
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

static guint timeout_of(CmdArgs *a, int *rc)
{
        guint64 t = DEFAULT_TIMEOUT;

        *rc = EXIT_OK;
        if (hactl_opt(a, "timeout") && !g_ascii_string_to_unsigned(hactl_opt(a, "timeout"), 10, 1, 86400, &t, NULL))
                *rc = hactl_usage_error("--timeout needs a number of seconds between 1 and 86400 (got \"%s\")",
                                  hactl_opt(a, "timeout"));
        return (guint)t;
}

static int run_plan(HamSetupMode mode, CmdArgs *a, const HamNodeState *have, const HamConf *want,
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
        if (hactl_opt(a, "dry-run")) {
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

/* Where cluster init leaves the token unless told otherwise. */
#define HACTL_TOKEN_FILE "/etc/plastik/join-token"

static int cmd_init(CmdArgs *a)
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
                if (!hactl_opt(a, *r))
                        return hactl_usage_error("cluster init: --%s is required; usage: hactl %s", *r, a->spec->usage);
        if (hactl_opt(a, "token-file") && hactl_opt(a, "print-token"))
                return hactl_usage_error("cluster init: give --token-file FILE or --print-token, not both");
        want->cluster_name = g_strdup(hactl_opt(a, "name"));
        want->local.name = this_node_name();
        want->local.nodeid = 1;
        want->local.replication_address = g_strdup(hactl_opt(a, "replication-address"));
        want->local.vg = g_strdup(hactl_opt(a, "vg"));
        want->peer.name = g_strdup(hactl_opt(a, "peer-name"));
        want->peer.nodeid = 2;
        want->peer.vg = g_strdup(hactl_opt(a, "peer-vg") ? hactl_opt(a, "peer-vg") : hactl_opt(a, "vg"));
        if ((rc = parse_addresses("node-address", hactl_opt(a, "node-address"), &want->local)) != EXIT_OK ||
            (rc = parse_addresses("peer-address", hactl_opt(a, "peer-address"), &want->peer)) != EXIT_OK)
                return rc;
        /* The first cluster network carries replication unless told otherwise. */
        want->peer.replication_address = g_strdup(hactl_opt(a, "peer-replication-address") ?
                                                  hactl_opt(a, "peer-replication-address") : want->peer.addresses[0]);

        if (!ham_node_state_read(&have, &error))
                return hactl_report(error);
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
        if (rc != EXIT_OK || hactl_opt(a, "dry-run"))
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
        if (hactl_opt(a, "print-token")) {
                fprintf(stderr, "hactl: now run on %s: hactl cluster join --token-file - with the token below on "
                        "its standard input; it holds the cluster's keys: keep it private\n", want->peer.name);
                printf("%s\n", text);
                return EXIT_OK;
        }
        const char *path = hactl_opt(a, "token-file") ? hactl_opt(a, "token-file") : HACTL_TOKEN_FILE;
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
static char *read_token(CmdArgs *a, int *ret_rc)
{
        const char *path = hactl_opt(a, "token-file");
        g_autoptr(GError) error = NULL;
        char *text = NULL;
        struct stat st;

        if (hactl_arg(a, 0)) {
                *ret_rc = hactl_usage_error("cluster join: the token is not taken as an argument (every local user "
                                            "could read it in /proc, and it would stay in the shell's history); "
                                            "give --token-file FILE, or --token-file - and the token on standard input");
                return NULL;
        }
        if (!path) {
                *ret_rc = hactl_usage_error("cluster join: --token-file FILE|- is required; usage: hactl %s",
                                            a->spec->usage);
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

static int cmd_join(CmdArgs *a)
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
        if (hactl_opt(a, "node-address")) {
                HamNode given = { 0 };
                g_autofree char *g = NULL, *w = NULL;
                if ((rc = parse_addresses("node-address", hactl_opt(a, "node-address"), &given)) != EXIT_OK)
                        return rc;
                g = g_strjoinv(",", given.addresses);
                w = g_strjoinv(",", want->local.addresses);
                ham_node_clear(&given);
                if (!g_str_equal(g, w))
                        return mismatch("node-address", g, w, want->peer.name);
        }
        if (hactl_opt(a, "replication-address") && !g_str_equal(hactl_opt(a, "replication-address"), want->local.replication_address))
                return mismatch("replication-address", hactl_opt(a, "replication-address"),
                                want->local.replication_address, want->peer.name);
        if (hactl_opt(a, "vg") && !g_str_equal(hactl_opt(a, "vg"), want->local.vg))
                return mismatch("vg", hactl_opt(a, "vg"), want->local.vg, want->peer.name);
        if ((rc = check_local(&want->local, TRUE)) != EXIT_OK)
                return rc;
        if (!ham_node_state_read(&have, &error))
                return hactl_report(error);
        rc = run_plan(HAM_SETUP_JOIN, a, &have, want, token->authkey, &changed);
        ham_node_state_clear(&have);
        if (rc != EXIT_OK || hactl_opt(a, "dry-run"))
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

static int cmd_show(CmdArgs *a)
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
        if (g_hash_table_contains(a->opts, "json")) {
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

static int cmd_node_list(CmdArgs *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamMonStatus) mon = ham_crm_mon_run(&error);

        if (!mon)
                return hactl_report(error);
        if (!mon->connected) {
                fprintf(stderr, "hactl: pacemaker is not reachable: %s\n", mon->error);
                return EXIT_PCMK;
        }
        if (g_hash_table_contains(a->opts, "json")) {
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

static int cmd_node_attr(CmdArgs *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamPcmk) pcmk = NULL;
        const char *cmd = a->spec->name, *node = hactl_arg(a, 0);
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
        CmdArgs a = { 0 };
        gboolean verbose = FALSE;
        const CmdSpec *spec = NULL;
        int i = 1, rc;

        for (; i < argc && argv[i][0] == '-'; i++) {
                if (g_str_equal(argv[i], "--help") || g_str_equal(argv[i], "-h")) {
                        fputs(usage_text, stdout);
                        return EXIT_OK;
                } else if (g_str_equal(argv[i], "--version")) {
                        printf("hactl %s\n", PK_VERSION);
                        return EXIT_OK;
                } else if (g_str_equal(argv[i], "--verbose") || g_str_equal(argv[i], "-v")) {
                        verbose = TRUE;
                } else {
                        return hactl_usage_error("unknown option \"%s\"", argv[i]);
                }
        }
        pk_log_init("hactl", verbose);
        if (i >= argc)
                return hactl_usage_error("no command given");
        /* fence has its own parser: --param repeats and "fence NODE" has no
         * subcommand word. */
        if (g_str_equal(argv[i], "fence"))
                return hactl_fence(argc - i - 1, argv + i + 1);
        for (gsize t = 0; t < G_N_ELEMENTS(commands); t++) {
                if (!commands[t].name && g_str_equal(argv[i], commands[t].group)) {
                        spec = &commands[t];
                        i--;  /* its arguments start right after it */
                        break;
                }
        }
        if (!spec && i + 1 >= argc) {
                for (gsize t = 0; t < G_N_ELEMENTS(commands); t++)
                        if (commands[t].name && g_str_equal(argv[i], commands[t].group))
                                return hactl_usage_error("%s: which one? (e.g. hactl %s)", argv[i], commands[t].usage);
                return hactl_usage_error("unknown command \"%s\"", argv[i]);
        }
        for (gsize t = 0; !spec && t < G_N_ELEMENTS(commands); t++)
                if (commands[t].name && g_str_equal(argv[i], commands[t].group) &&
                    g_str_equal(argv[i + 1], commands[t].name))
                        spec = &commands[t];
        if (!spec)
                return hactl_usage_error("unknown command \"%s %s\"", argv[i], argv[i + 1]);
        rc = hactl_parse_args(argc - i - 2, argv + i + 2, spec, &a);
        if (rc != EXIT_OK)
                goto out;

        if (!spec->name && g_str_equal(spec->group, "history")) {
                rc = hactl_history(&a);
        } else if (!spec->name && g_str_equal(spec->group, "drill")) {
                rc = hactl_drill(&a);
        } else if (!spec->name) {
                gboolean json = g_hash_table_contains(a.opts, "json");
                rc = g_str_equal(spec->group, "status") ? ham_hactl_status(NULL, json) :
                                                          ham_hactl_verify(NULL, json);
        } else if (g_str_equal(spec->group, "cluster")) {
                if (g_str_equal(spec->name, "init"))
                        rc = cmd_init(&a);
                else if (g_str_equal(spec->name, "join"))
                        rc = cmd_join(&a);
                else
                        rc = cmd_show(&a);
        } else if (g_str_equal(spec->group, "guest")) {
                rc = hactl_guest(&a);
        } else if (g_str_equal(spec->name, "list")) {
                rc = cmd_node_list(&a);
        } else {
                rc = cmd_node_attr(&a);
        }
out:
        if (a.opts)
                g_hash_table_unref(a.opts);
        if (a.args)
                g_ptr_array_free(a.args, TRUE);
        return rc;
}
