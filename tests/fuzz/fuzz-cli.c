/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as a command line (one argument per line)
 * for a table with a global option, a default verb and a repeatable option,
 * and for a table without verbs (a daemon's). A parse either fails with a
 * usage error or gives a verb whose arguments and options keep to the
 * table; without verbs, no verb and no argument.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pk.h"
#include "pk-cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const PkCliOption globals[] = {
        { "site", "FILE", "the site file" }, { "verbose", NULL, "debug", 0, 'v' }, { NULL },
};
static const PkCliOption move_opts[] = { { "timeout", "S", "t" }, { "json", NULL, "j" }, { NULL } };
static const PkCliOption add_opts[] = {
        { "agent", "AGENT", "a" }, { "param", "K=V", "p", PK_CLI_REPEAT }, { "dry-run", NULL, "d" }, { NULL },
};
static const PkCliOption node_opts[] = { { "yes", NULL, "y" }, { NULL } };
static const PkCliVerb verbs[] = {
        { "status", NULL, "", 0, 0, NULL, move_opts, "s" },
        { "guest", "move", "NAME [NODE]", 1, 2, NULL, move_opts, "m" },
        { "fence", "add", "NAME", 1, 1, "--agent AGENT", add_opts, "a" },
        { "fence", NULL, "NODE", 1, 1, "--yes", node_opts, "f" },
};
static const PkCli cli = { "prog", "1", globals, verbs, G_N_ELEMENTS(verbs), NULL };
static const PkCliOption daemon_opts[] = {
        { "foreground", NULL, "f", 0, 'f' }, { "socket", "PATH", "s", 0, 's' }, { NULL },
};
static const PkCli daemon_cli = { .program = "daemon", .version = "1", .global_options = daemon_opts };

/* The table without verbs: a usage error, or its options alone. */
static void parse_daemon(char **argv)
{
        g_auto(PkCliCmd) cmd = { 0 };
        g_autoptr(GError) error = NULL;
        const char *flag;

        if (!pk_cli_parse(&daemon_cli, (int)g_strv_length(argv), argv, &cmd, &error)) {
                if (!g_error_matches(error, PK_ERROR, PK_ERROR_USAGE) || !*error->message)
                        abort();
                return;
        }
        if (cmd.verb || cmd.action == PK_CLI_VERB_HELP || pk_cli_n_args(&cmd) != 0)
                abort();
        /* A flag has no value. */
        flag = pk_cli_global(&cmd, "foreground");
        if (flag && *flag)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autofree char *text = g_strndup((const char *)data, size);
        g_autofree char *line = g_strconcat("prog\n", text, NULL);
        g_auto(GStrv) argv = g_strsplit(line, "\n", 64);
        g_auto(PkCliCmd) cmd = { 0 };
        g_autoptr(GError) error = NULL;

        parse_daemon(argv);
        if (!pk_cli_parse(&cli, (int)g_strv_length(argv), argv, &cmd, &error)) {
                if (!g_error_matches(error, PK_ERROR, PK_ERROR_USAGE) || !*error->message)
                        abort();
                return 0;
        }
        if (cmd.action != PK_CLI_RUN) {
                if ((cmd.action == PK_CLI_VERB_HELP) != (cmd.verb != NULL))
                        abort();
                return 0;
        }
        if (pk_cli_n_args(&cmd) < cmd.verb->n_min || pk_cli_n_args(&cmd) > cmd.verb->n_max)
                abort();
        for (const PkCliOption *o = cmd.verb->options; o->name; o++) {
                const char *const *all = pk_cli_opt_all(&cmd, o->name);
                if (all[0] && all[1] && !(o->flags & PK_CLI_REPEAT))
                        abort();
                if (all[0] && o->value && !*all[0])
                        abort();
                if (all[0] && !o->value && *all[0])
                        abort();
        }
        return 0;
}
