/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hamgrd: the per-node HA manager daemon (see hamgrd(8)). */
#include "daemon.h"
#include "ham-api.h"
#include "pk.h"
#include "pk-config.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
        gboolean foreground = FALSE, verbose = FALSE, version = FALSE;
        gint txn_timeout = HAM_TXN_TIMEOUT_S;
        g_autofree char *socket_path = NULL, *conf_path = NULL, *lock_path = NULL;
        g_autofree char *history_path = NULL;
        g_autoptr(GError) error = NULL;
        GOptionEntry entries[] = {
                { "foreground", 'f', 0, G_OPTION_ARG_NONE, &foreground,
                  "stay in the foreground (for systemd)", NULL },
                { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "log debug messages", NULL },
                { "socket", 's', 0, G_OPTION_ARG_FILENAME, &socket_path,
                  "API socket (default " PK_RUNDIR "/hamgrd.sock)", "PATH" },
                { "conf", 'c', 0, G_OPTION_ARG_FILENAME, &conf_path,
                  "node configuration (default /etc/plastik/plastik.conf)", "FILE" },
                { "history", 0, 0, G_OPTION_ARG_FILENAME, &history_path,
                  "failover history file (default " HAM_HISTORY_PATH ")", "FILE" },
                { "txn-timeout", 0, 0, G_OPTION_ARG_INT, &txn_timeout,
                  "seconds a prepared guest waits for commit or abort (default 1800)", "S" },
                { "version", 0, 0, G_OPTION_ARG_NONE, &version, "print the version", NULL },
                { NULL },
        };
        g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);

        g_option_context_set_summary(ctx, "The plastik per-node HA manager daemon (hamgrd(8)).");
        g_option_context_set_description(ctx,
                "It answers these commands on its socket (JSON, one object per line; hamgrd(8)):\n"
                "\n"
                "Commands:\n"
                "  ping           is hamgrd alive\n"
                "  status         everything below in one answer\n"
                "  nodes          corosync and pacemaker's view of every node\n"
                "  quorum         corosync membership and quorum\n"
                "  guests         the guests of this node\n"
                "  guest          one guest {\"name\": GUEST}\n"
                "  volumes        the DRBD resources of this node\n"
                "  volume         one DRBD resource {\"name\": RESOURCE}\n"
                "  health         the health attributes this node publishes\n"
                "  guest-prepare  create a new guest's volumes on both nodes\n"
                "  guest-commit   put the prepared guest into the CIB\n"
                "  guest-abort    undo a prepared guest's volumes\n"
                "  guest-volumes-remove  remove a guest's volumes on both nodes\n"
                "  history        the failovers this node saw {\"guest\"?, \"limit\"?}\n");
        g_option_context_add_main_entries(ctx, entries, NULL);
        if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
                fprintf(stderr, "hamgrd: %s\nTry 'hamgrd --help'.\n", error->message);
                return 2;
        }
        if (argc > 1) {
                fprintf(stderr, "hamgrd: unexpected argument '%s'\nTry 'hamgrd --help'.\n", argv[1]);
                return 2;
        }
        if (txn_timeout < 1 || txn_timeout > 7 * 24 * 3600) {
                fprintf(stderr, "hamgrd: --txn-timeout %d: must be 1..604800 seconds\n", txn_timeout);
                return 2;
        }
        if (version) {
                printf("hamgrd %s\n", PK_VERSION);
                return 0;
        }
        if (!socket_path)
                socket_path = g_strdup(ham_api_default_socket());
        if (!g_path_is_absolute(socket_path)) {
                fprintf(stderr, "hamgrd: --socket %s: must be an absolute path\n", socket_path);
                return 2;
        }
        if (history_path && !g_path_is_absolute(history_path)) {
                fprintf(stderr, "hamgrd: --history %s: must be an absolute path\n", history_path);
                return 2;
        }
        /* The lock sits next to the socket, so a test instance with its own
         * socket never collides with the node's daemon. */
        if (g_str_has_suffix(socket_path, ".sock"))
                lock_path = g_strdup_printf("%.*s.lock", (int)(strlen(socket_path) - 5), socket_path);
        else
                lock_path = g_strconcat(socket_path, ".lock", NULL);

        pk_log_init("hamgrd", verbose);
        HamDaemonOptions opt = {
                .socket_path = socket_path,
                .conf_path = conf_path ? conf_path : "/etc/plastik/plastik.conf",
                .lock_path = lock_path,
                .foreground = foreground,
                .txn_timeout_s = (guint)txn_timeout,
                .history_path = history_path,
        };
        return ham_daemon_run(&opt);
}
