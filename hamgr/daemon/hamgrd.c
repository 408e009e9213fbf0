/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hamgrd: the per-node HA manager daemon (see hamgrd(8)). */
#include "daemon.h"
#include "ham-api.h"
#include "pk.h"
#include "pk-cli.h"
#include "pk-config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

/* What each command of the socket API is for, by its HamApiCmd; the names
 * come from the API's own table, so the list cannot miss one. */
static const char *const api_summaries[HAM_CMD_COUNT_] = {
        [HAM_CMD_PING] = "is hamgrd alive",
        [HAM_CMD_STATUS] = "everything below in one answer",
        [HAM_CMD_NODES] = "corosync and pacemaker's view of every node",
        [HAM_CMD_QUORUM] = "corosync membership and quorum",
        [HAM_CMD_GUESTS] = "the guests of this node",
        [HAM_CMD_GUEST] = "one guest {\"name\": GUEST}",
        [HAM_CMD_VOLUMES] = "the DRBD resources of this node",
        [HAM_CMD_VOLUME] = "one DRBD resource {\"name\": RESOURCE}",
        [HAM_CMD_HEALTH] = "the health attributes this node publishes",
        [HAM_CMD_CLUSTER_STATUS] = "what hactl status judges, from the cache",
        [HAM_CMD_VERIFY_FACTS] = "what hactl verify checks: both nodes' facts, the CIB",
        [HAM_CMD_GUEST_PREPARE] = "create a new guest's volumes on both nodes",
        [HAM_CMD_GUEST_COMMIT] = "put the prepared guest into the CIB",
        [HAM_CMD_GUEST_ABORT] = "undo a prepared guest's volumes",
        [HAM_CMD_GUEST_VOLUMES_REMOVE] = "remove a guest's volumes on both nodes",
        [HAM_CMD_HISTORY] = "the failovers this node saw {\"guest\"?, \"limit\"?}",
};

static const PkCliOption options[] = {
        { "foreground", NULL, "stay in the foreground (for systemd)", 0, 'f' },
        { "verbose", NULL, "log debug messages", 0, 'v' },
        { "socket", "PATH", "API socket (default " PK_RUNDIR "/hamgrd.sock)", 0, 's' },
        { "conf", "FILE", "node configuration (default /etc/plastik/plastik.conf)", 0, 'c' },
        { "history", "FILE", "failover history file (default " HAM_HISTORY_PATH ")" },
        { "txn-timeout", "S", "seconds a prepared guest waits for commit or abort (default 1800)" },
        { NULL },
};

/* The --help text after the options: the commands of the socket API
 * (tests/check-man finds them under "Commands:"). (transfer full) */
static char *api_commands(void)
{
        GString *s = g_string_new("It answers these commands on its socket (JSON, one object per line; "
                                  "hamgrd(8)):\n\nCommands:\n");

        for (int c = 0; c < HAM_CMD_COUNT_; c++)
                g_string_append_printf(s, "  %-21s %s\n", ham_api_cmd_name((HamApiCmd)c),
                                       api_summaries[c] ? api_summaries[c] : "");
        return g_string_free(s, FALSE);
}

int main(int argc, char **argv)
{
        g_autofree char *epilogue = api_commands();
        const PkCli cli = {
                .program = "hamgrd",
                .version = PK_VERSION,
                .global_options = options,
                .summary = "The plastik per-node HA manager daemon (hamgrd(8)).",
                .epilogue = epilogue,
        };
        g_auto(PkCliCmd) cmd = { 0 };
        const char *socket_path, *conf_path, *history_path, *timeout;
        g_autofree char *lock_path = NULL;
        guint64 txn_timeout = HAM_TXN_TIMEOUT_S;
        int rc;

        if (!pk_cli_handle(&cli, argc, argv, &cmd, &rc))
                return rc;
        /* No transparent huge pages: hamgrd's memory is many small objects
         * (states, JSON, XML), and with THP "always" (Debian's kernel) each
         * 2 MiB region its heap touches becomes resident whole. In the lab
         * that was 12 of its 17 MiB of anonymous memory. */
        if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) < 0)
                g_debug("prctl(PR_SET_THP_DISABLE): %s", g_strerror(errno));
        socket_path = pk_cli_global(&cmd, "socket");
        conf_path = pk_cli_global(&cmd, "conf");
        history_path = pk_cli_global(&cmd, "history");
        timeout = pk_cli_global(&cmd, "txn-timeout");
        if (timeout && !g_ascii_string_to_unsigned(timeout, 10, 1, 7 * 24 * 3600, &txn_timeout, NULL))
                return pk_cli_usage_error("hamgrd", "--txn-timeout %s: must be 1..604800 seconds", timeout);
        if (!socket_path)
                socket_path = ham_api_default_socket();
        if (!g_path_is_absolute(socket_path))
                return pk_cli_usage_error("hamgrd", "--socket %s: must be an absolute path", socket_path);
        if (history_path && !g_path_is_absolute(history_path))
                return pk_cli_usage_error("hamgrd", "--history %s: must be an absolute path", history_path);
        /* The lock sits next to the socket, so a test instance with its own
         * socket never collides with the node's daemon. */
        if (g_str_has_suffix(socket_path, ".sock"))
                lock_path = g_strdup_printf("%.*s.lock", (int)(strlen(socket_path) - 5), socket_path);
        else
                lock_path = g_strconcat(socket_path, ".lock", NULL);

        pk_log_init("hamgrd", pk_cli_global(&cmd, "verbose") != NULL);
        HamDaemonOptions opt = {
                .socket_path = socket_path,
                .conf_path = conf_path ? conf_path : "/etc/plastik/plastik.conf",
                .lock_path = lock_path,
                .foreground = pk_cli_global(&cmd, "foreground") != NULL,
                .txn_timeout_s = (guint)txn_timeout,
                .history_path = history_path,
        };
        return ham_daemon_run(&opt);
}
