/* SPDX-License-Identifier: GPL-2.0-or-later */
/* common/cli.c: the command-line table, its parser, --help and the listing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pk.h"
#include "pk-cli.h"

static const PkCliOption globals[] = {
        { "site", "FILE", "the site file" },
        { "verbose", NULL, "debug messages", 0, 'v' },
        { NULL },
};
static const PkCliOption move_opts[] = {
        { "timeout", "S", "wait at most S seconds" },
        { "json", NULL, "JSON" },
        { NULL },
};
static const PkCliOption add_opts[] = {
        { "agent", "AGENT", "the agent" },
        { "param", "K=V", "a parameter", PK_CLI_REPEAT },
        { "dry-run", NULL, "plan only" },
        { NULL },
};
static const PkCliOption node_opts[] = {
        { "yes", NULL, "really" },
        { NULL },
};
static const PkCliOption no_opts[] = { { NULL } };

static const PkCliVerb verbs[] = {
        { "status", NULL, "", 0, 0, NULL, move_opts, "the state" },
        { "guest", "move", "NAME [NODE]", 1, 2, NULL, move_opts, "move a guest" },
        { "guest", "list", "", 0, 0, NULL, no_opts, "the guests" },
        { "fence", "add", "NAME", 1, 1, "--agent AGENT", add_opts, "a device" },
        { "fence", NULL, "NODE", 1, 1, "--yes", node_opts, "fence a node" },
};

static const PkCli cli = {
        .program = "prog",
        .version = "1.2",
        .global_options = globals,
        .verbs = verbs,
        .n_verbs = G_N_ELEMENTS(verbs),
        .epilogue = "Exit codes: 0 ok, 2 usage.\n",
};

/* A program without verbs (a daemon): its options, nothing else; --help
 * without commands, --list-commands empty. */
static const PkCliOption daemon_opts[] = {
        { "foreground", NULL, "stay in the foreground", 0, 'f' },
        { "socket", "PATH", "the socket", 0, 's' },
        { NULL },
};
static const PkCli daemon_cli = {
        .program = "daemon",
        .version = "1.2",
        .global_options = daemon_opts,
        .summary = "A daemon.",
        .epilogue = "It answers ping.\n",
};

/* Parses the words of @line (no quoting) as the arguments of @c's program. */
static gboolean parse_as(const PkCli *c, const char *line, PkCliCmd *cmd, GError **error)
{
        g_autofree char *full = g_strstrip(g_strconcat(c->program, " ", line, NULL));
        /* The parser keeps pointers into argv: the vector outlives the test. */
        static GPtrArray *keep;
        char **argv = g_strsplit(full, " ", -1);

        if (!keep)
                keep = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
        g_ptr_array_add(keep, argv);
        return pk_cli_parse(c, (int)g_strv_length(argv), argv, cmd, error);
}

static gboolean parse(const char *line, PkCliCmd *cmd, GError **error)
{
        return parse_as(&cli, line, cmd, error);
}

static gboolean parse_daemon(const char *line, PkCliCmd *cmd, GError **error)
{
        return parse_as(&daemon_cli, line, cmd, error);
}

/* The usage error @line gives; its message must contain every @... */
static void assert_usage_error(const char *line, ...)
{
        g_auto(PkCliCmd) cmd = { 0 };
        g_autoptr(GError) error = NULL;
        va_list ap;

        assert_false(parse(line, &cmd, &error));
        assert_true(g_error_matches(error, PK_ERROR, PK_ERROR_USAGE));
        va_start(ap, line);
        for (const char *want; (want = va_arg(ap, const char *));) {
                if (!strstr(error->message, want))
                        fail_msg("\"%s\": \"%s\" lacks \"%s\"", line, error->message, want);
        }
        va_end(ap);
}

static void test_values_and_flags(void **state)
{
        g_auto(PkCliCmd) a = { 0 }, b = { 0 };
        g_autoptr(GError) error = NULL;

        assert_true(parse("guest move web1 node2 --timeout 30 --json", &a, &error));
        assert_int_equal(a.action, PK_CLI_RUN);
        assert_string_equal(a.verb->name, "move");
        assert_string_equal(pk_cli_opt(&a, "timeout"), "30");
        assert_true(pk_cli_flag(&a, "json"));
        assert_string_equal(pk_cli_opt(&a, "json"), "");
        assert_int_equal(pk_cli_n_args(&a), 2);
        assert_string_equal(pk_cli_arg(&a, 0), "web1");
        assert_string_equal(pk_cli_arg(&a, 1), "node2");
        assert_null(pk_cli_arg(&a, 2));

        /* "=" and options before the arguments are the same. */
        assert_true(parse("guest move --timeout=30 web1", &b, &error));
        assert_string_equal(pk_cli_opt(&b, "timeout"), "30");
        assert_false(pk_cli_flag(&b, "json"));
        assert_null(pk_cli_opt(&b, "json"));
        assert_string_equal(pk_cli_arg(&b, 0), "web1");
}

/* A separate value is taken as it is, dashes and "=" included. */
static void test_separate_value_is_taken_as_is(void **state)
{
        g_auto(PkCliCmd) a = { 0 };
        g_autoptr(GError) error = NULL;

        assert_true(parse("fence add d1 --agent --dry-run --param a=b=c", &a, &error));
        assert_string_equal(pk_cli_opt(&a, "agent"), "--dry-run");
        assert_false(pk_cli_flag(&a, "dry-run"));
        assert_string_equal(pk_cli_opt(&a, "param"), "a=b=c");
}

static void test_option_errors(void **state)
{
        assert_usage_error("guest move web1 --bogus", "guest move: unknown option \"--bogus\"",
                           "usage: prog guest move NAME [NODE] [--timeout S] [--json]", NULL);
        assert_usage_error("guest move web1 --bogus=1", "unknown option \"--bogus\"", NULL);
        assert_usage_error("guest move web1 --timeout", "--timeout needs a value (S)", "usage: prog guest move",
                           NULL);
        assert_usage_error("guest move web1 --timeout=", "--timeout needs a value", NULL);
        assert_usage_error("guest move web1 --json=yes", "--json takes no value", NULL);
        assert_usage_error("guest move web1 --timeout 1 --timeout=2", "--timeout is given twice", NULL);
        assert_usage_error("guest move web1 --json --json", "--json is given twice", NULL);
        /* An option of another verb is unknown here. */
        assert_usage_error("guest list --json", "guest list: unknown option \"--json\"", NULL);
}

static void test_repeated_option(void **state)
{
        g_auto(PkCliCmd) a = { 0 }, b = { 0 };
        g_autoptr(GError) error = NULL;
        const char *const *all;

        assert_true(parse("fence add d1 --agent fence_ipmilan --param ip=1 --param=user=x", &a, &error));
        all = pk_cli_opt_all(&a, "param");
        assert_string_equal(all[0], "ip=1");
        assert_string_equal(all[1], "user=x");
        assert_null(all[2]);
        assert_string_equal(pk_cli_opt(&a, "param"), "ip=1");
        assert_true(parse("fence add d1", &b, &error));
        assert_null(pk_cli_opt_all(&b, "param")[0]);
}

static void test_argument_count(void **state)
{
        assert_usage_error("guest move", "guest move: missing argument NAME",
                           "usage: prog guest move NAME [NODE]", NULL);
        assert_usage_error("guest move a b c", "guest move: unexpected argument \"c\"", NULL);
        assert_usage_error("status x", "status: unexpected argument \"x\"", NULL);
}

static void test_double_dash(void **state)
{
        g_auto(PkCliCmd) a = { 0 };
        g_autoptr(GError) error = NULL;

        /* After "--" everything is an argument, even "--json". */
        assert_true(parse("guest move --json -- --web1 --timeout", &a, &error));
        assert_true(pk_cli_flag(&a, "json"));
        assert_null(pk_cli_opt(&a, "timeout"));
        assert_string_equal(pk_cli_arg(&a, 0), "--web1");
        assert_string_equal(pk_cli_arg(&a, 1), "--timeout");
        /* A single dash is an argument anyway. */
        assert_usage_error("guest move -x -y -z", "unexpected argument \"-z\"", NULL);
}

static void test_globals(void **state)
{
        g_auto(PkCliCmd) a = { 0 }, b = { 0 };
        g_autoptr(GError) error = NULL;

        assert_true(parse("-v --site /a --site=/b status", &a, &error));
        assert_string_equal(pk_cli_global(&a, "verbose"), "");
        assert_string_equal(pk_cli_global(&a, "site"), "/b"); /* the last one */
        assert_null(pk_cli_opt(&a, "site"));
        assert_true(parse("status", &b, &error));
        assert_null(pk_cli_global(&b, "verbose"));
        assert_usage_error("--bogus status", "unknown option \"--bogus\"", NULL);
        assert_usage_error("--site", "unknown option \"--site\"", NULL);
        assert_usage_error("--verbose=1 status", "unknown option \"--verbose=1\"", NULL);
        assert_usage_error("-x status", "unknown option \"-x\"", NULL);
        /* Global options go before the command. */
        assert_usage_error("status --verbose", "status: unknown option \"--verbose\"", NULL);
}

static void test_verbs(void **state)
{
        g_auto(PkCliCmd) a = { 0 }, b = { 0 }, c = { 0 };
        g_autoptr(GError) error = NULL;

        assert_usage_error("", "no command given", NULL);
        assert_usage_error("--verbose", "no command given", NULL);
        assert_usage_error("frob", "unknown command \"frob\"", NULL);
        assert_usage_error("guest", "guest: which one? guest move or list", NULL);
        assert_usage_error("guest --json", "guest: which one?", NULL);
        assert_usage_error("guest frob", "unknown command \"guest frob\" (guest: move or list)", NULL);
        /* A group's default verb takes the second word as an argument… */
        assert_true(parse("fence node2 --yes", &a, &error));
        assert_null(a.verb->name);
        assert_string_equal(pk_cli_arg(&a, 0), "node2");
        assert_true(parse("fence --yes node2", &b, &error));
        assert_string_equal(pk_cli_arg(&b, 0), "node2");
        /* …unless it names one of the group's verbs. */
        assert_true(parse("fence add d1", &c, &error));
        assert_string_equal(c.verb->name, "add");
        assert_usage_error("fence", "fence: which one? fence add", NULL);
        assert_usage_error("fence --yes", "fence: missing argument NODE", "usage: prog fence NODE --yes", NULL);
}

static void test_builtin_actions(void **state)
{
        static const struct {
                const char *line;
                PkCliAction action;
        } cases[] = {
                { "--help", PK_CLI_HELP },
                { "-h", PK_CLI_HELP },
                { "-v --help", PK_CLI_HELP },
                { "--version", PK_CLI_VERSION },
                { "--list-commands", PK_CLI_LIST_COMMANDS },
                { "--list-options", PK_CLI_LIST_OPTIONS },
                { "guest move --help", PK_CLI_VERB_HELP },
                { "fence add --agent x --help", PK_CLI_VERB_HELP },
        };

        for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_auto(PkCliCmd) a = { 0 };
                g_autoptr(GError) error = NULL;
                assert_true(parse(cases[i].line, &a, &error));
                assert_int_equal(a.action, cases[i].action);
        }
}

static void test_usage_and_help(void **state)
{
        g_autofree char *add = pk_cli_verb_usage(&cli, &verbs[3]);
        g_autofree char *node = pk_cli_verb_usage(&cli, &verbs[4]);
        g_autofree char *help = pk_cli_help(&cli), *verb_help = pk_cli_verb_help(&cli, &verbs[3]);

        /* An option the grammar shows is not repeated; a repeatable one has "...". */
        assert_string_equal(add, "prog fence add NAME --agent AGENT [--param K=V]... [--dry-run]");
        assert_string_equal(node, "prog fence NODE --yes");
        assert_non_null(strstr(help, "Usage: prog [--site FILE] [--verbose] COMMAND [ARGS]\n"));
        /* Every verb and every option is in the help. */
        for (guint i = 0; i < G_N_ELEMENTS(verbs); i++) {
                g_autofree char *u = pk_cli_verb_usage(&cli, &verbs[i]);
                assert_non_null(strstr(help, u + strlen("prog ")));
                assert_non_null(strstr(help, verbs[i].summary));
        }
        assert_non_null(strstr(help, "-v, --verbose"));
        assert_non_null(strstr(help, "--site FILE"));
        assert_true(g_str_has_suffix(help, "\nExit codes: 0 ok, 2 usage.\n"));
        assert_non_null(strstr(verb_help, "--param K=V"));
        assert_non_null(strstr(verb_help, "a parameter"));
}

static void test_wrapping(void **state)
{
        static const PkCliOption many[] = {
                { "alpha-option", "VALUE", "a" }, { "beta-option", "VALUE", "b" },
                { "gamma-option", "VALUE", "c" }, { "delta-option", "VALUE", "d" },
                { "epsilon-option", "VALUE", "e, with a help line long enough to need a second line of "
                                             "its own in the help" },
                { NULL },
        };
        static const PkCliVerb one[] = {
                { "make", NULL, "NAME", 1, 1, NULL, many, "make a thing with many options" },
        };
        static const PkCli c = { "prog", "1", NULL, one, 1, NULL };
        g_autofree char *help = pk_cli_help(&c), *verb_help = pk_cli_verb_help(&c, &one[0]);
        g_autofree char *both = g_strconcat(help, verb_help, NULL);
        g_auto(GStrv) lines = g_strsplit(both, "\n", -1);

        for (char **l = lines; *l; l++) {
                assert_true(strlen(*l) <= 79);
                /* A bracketed option is never cut in two. */
                assert_int_equal(strchr(*l, '[') ? 1 : 0, strchr(*l, ']') ? 1 : 0);
        }
        assert_non_null(strstr(help, "[--epsilon-option VALUE]"));
        /* A long help goes on at the help's column. */
        assert_non_null(strstr(verb_help, "\n                                "));
}

static void test_list_commands(void **state)
{
        g_autofree char *list = pk_cli_list_commands(&cli);

        assert_string_equal(list, "status\t\t--timeout=S --json\n"
                                  "guest move\tNAME [NODE]\t--timeout=S --json\n"
                                  "guest list\t\t\n"
                                  "fence add\tNAME\t--agent=AGENT --param=K=V... --dry-run\n"
                                  "fence\tNODE\t--yes\n");
}

/* A global option given twice, with a letter another or --help takes, or
 * named like a built-in option, is a fault of the table. */
static void assert_global_faults(void)
{
        static const PkCliOption twice[] = { { "a", NULL, "a" }, { "a", "X", "a" }, { NULL } };
        static const PkCliOption letters[] = { { "a", NULL, "a", 0, 'x' }, { "b", NULL, "b", 0, 'x' }, { NULL } };
        static const PkCliOption help_letter[] = { { "hold", NULL, "h", 0, 'h' }, { NULL } };
        static const PkCliOption builtin_name[] = { { "version", NULL, "v" }, { NULL } };
        static const PkCliOption no_help[] = { { "a", NULL, NULL }, { NULL } };
        const PkCliOption *const faults[] = { twice, letters, help_letter, builtin_name, no_help };
        PkCli c = daemon_cli;

        for (guint i = 0; i < G_N_ELEMENTS(faults); i++) {
                g_autoptr(GError) error = NULL;
                c.global_options = faults[i];
                assert_false(pk_cli_check(&c, &error));
                assert_non_null(strstr(error->message, "daemon: option --"));
        }
}

static void test_check(void **state)
{
        static const PkCliVerb bad_grammar[] = {
                { "a", NULL, "", 0, 0, "--yes|--no", node_opts, "a" },
        };
        static const PkCliVerb twice[] = {
                { "a", NULL, "", 0, 0, NULL, no_opts, "a" },
                { "a", NULL, "", 0, 0, NULL, no_opts, "a" },
        };
        static const PkCliVerb counts[] = {
                { "a", NULL, "X", 2, 1, NULL, no_opts, "a" },
        };
        PkCli c = cli;
        g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL;

        assert_true(pk_cli_check(&cli, NULL));
        c.verbs = bad_grammar;
        c.n_verbs = 1;
        assert_false(pk_cli_check(&c, &e1));
        assert_non_null(strstr(e1->message, "--no"));
        c.verbs = twice;
        c.n_verbs = 2;
        assert_false(pk_cli_check(&c, &e2));
        c.verbs = counts;
        c.n_verbs = 1;
        assert_false(pk_cli_check(&c, &e3));
        assert_global_faults();
}

static void test_no_verbs(void **state)
{
        g_auto(PkCliCmd) a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 }, e = { 0 }, f = { 0 };
        g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
        g_autofree char *help = pk_cli_help(&daemon_cli), *list = pk_cli_list_commands(&daemon_cli);
        (void)state;

        assert_true(parse_daemon("", &a, NULL));
        assert_int_equal(a.action, PK_CLI_RUN);
        assert_null(a.verb);
        assert_null(pk_cli_global(&a, "foreground"));
        assert_true(parse_daemon("-f --socket /a -s /b", &b, NULL));
        assert_int_equal(b.action, PK_CLI_RUN);
        assert_null(b.verb);
        assert_string_equal(pk_cli_global(&b, "foreground"), "");
        assert_string_equal(pk_cli_global(&b, "socket"), "/b");
        assert_int_equal(pk_cli_n_args(&b), 0);
        assert_true(parse_daemon("--socket=/c -h", &c, NULL));
        assert_int_equal(c.action, PK_CLI_HELP);
        assert_true(parse_daemon("--version", &d, NULL));
        assert_int_equal(d.action, PK_CLI_VERSION);
        assert_false(parse_daemon("-f run", &e, &e1));
        assert_true(g_error_matches(e1, PK_ERROR, PK_ERROR_USAGE));
        assert_string_equal(e1->message, "unexpected argument \"run\"");
        assert_false(parse_daemon("--bogus", &f, &e2));
        assert_true(g_error_matches(e2, PK_ERROR, PK_ERROR_USAGE));
        {
                g_auto(PkCliCmd) g = { 0 }, h = { 0 };
                assert_false(parse_daemon("--socket", &g, &e3));
                assert_false(parse_daemon("-f=1", &h, &e4));
        }
        assert_true(g_str_has_prefix(help, "Usage: daemon [--foreground] [--socket PATH]\nA daemon.\n\nOptions:\n"));
        assert_null(strstr(help, "COMMAND"));
        assert_non_null(strstr(help, "-s, --socket PATH"));
        assert_non_null(strstr(help, "-h, --help                    this help\n"));
        assert_true(g_str_has_suffix(help, "\nIt answers ping.\n"));
        assert_string_equal(list, "");
        assert_true(pk_cli_check(&daemon_cli, NULL));
}

/* The help of a program with verbs is as it was: a summary, when given,
 * goes between the usage and the commands. */
static void test_summary(void **state)
{
        PkCli c = cli;
        g_autofree char *help = NULL;
        (void)state;

        c.summary = "What prog is.";
        help = pk_cli_help(&c);
        assert_true(g_str_has_prefix(help, "Usage: prog [--site FILE] [--verbose] COMMAND [ARGS]\n"
                                           "       prog COMMAND --help\nWhat prog is.\n\nCommands:\n"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_values_and_flags),
                cmocka_unit_test(test_separate_value_is_taken_as_is),
                cmocka_unit_test(test_option_errors),
                cmocka_unit_test(test_repeated_option),
                cmocka_unit_test(test_argument_count),
                cmocka_unit_test(test_double_dash),
                cmocka_unit_test(test_globals),
                cmocka_unit_test(test_verbs),
                cmocka_unit_test(test_builtin_actions),
                cmocka_unit_test(test_usage_and_help),
                cmocka_unit_test(test_wrapping),
                cmocka_unit_test(test_list_commands),
                cmocka_unit_test(test_check),
                cmocka_unit_test(test_no_verbs),
                cmocka_unit_test(test_summary),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
