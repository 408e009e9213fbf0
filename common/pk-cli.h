/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file pk-cli.h
 * @brief The command line of plastik's programs (hactl, dgctl, hvctl,
 * hamgrd, plastik-split-brain): one table of verbs and their options, one
 * parser, one `--help` made from the table.
 *
 * A program describes itself in a PkCli: its global options (given before
 * the command) and its verbs ("guest create", "status"), each with its
 * positional arguments and its options. A program without verbs (a daemon,
 * a handler) has only the global options and takes no other argument.
 * pk_cli_parse() turns argv into a PkCliCmd; pk_cli_help() prints the
 * command list from the same table, so the help cannot forget an option
 * the parser takes. Values are strings:
 * what a value means (a number of seconds, a node name) is the program's
 * business, as are its exit codes, except usage errors, which are 2 in every
 * plastik program.
 *
 * Options are long only ("--name VALUE" or "--name=VALUE"); a global option
 * may have a one-letter alias ("-v"). An argument that does not start with
 * "--" is positional, and "--" makes every later argument positional.
 *
 * Built in: --help and -h (before the command: the command list; after a
 * verb: that verb's options), --version, and for tools (the man page test,
 * shell completion) two hidden listings: --list-commands prints one line per
 * verb, "WORDS<TAB>ARGS<TAB>OPTIONS" (options space-separated, "--name" for
 * a flag, "--name=VALUE" for a value, "..." after a repeatable one), and
 * --list-options prints the options taken before the command (the
 * program's and --help, --version) one per line, in the same form.
 */
#pragma once

#include <glib.h>
#include <stdarg.h>

G_BEGIN_DECLS

/** Every plastik program's exit status for a usage error. */
#define PK_CLI_EXIT_USAGE 2

/** PkCliOption.flags */
enum {
        PK_CLI_REPEAT = 1 << 0, /**< may be given more than once; see pk_cli_opt_all() */
};

/** One option: "--name" (a flag when @value is NULL) or "--name VALUE". */
typedef struct {
        const char *name;  /**< without the dashes: "timeout" */
        const char *value; /**< the value's name in usage ("S", "FILE"), NULL for a flag */
        const char *help;  /**< one line */
        guint flags;       /**< PK_CLI_REPEAT */
        char short_name;   /**< global options only: 'v' for -v, or 0 */
} PkCliOption;

/**
 * A verb: one or two words ("status", "guest create"), or a group's default
 * verb (@name NULL in a group that has named verbs too: "fence NODE" beside
 * "fence add"), which takes any second word as its first argument.
 */
typedef struct {
        const char *group, *name;
        const char *args;     /**< positional arguments as usage shows them: "NAME [NODE]" */
        guint n_min, n_max;   /**< how many positional arguments it takes */
        /**
         * Options whose grammar the usage must show (required ones, one of
         * two), e.g. "--discard-here|--keep-here", or NULL. Every option
         * not named here is shown after it as "[--name VALUE]".
         */
        const char *grammar;
        const PkCliOption *options; /**< ends with { NULL } */
        const char *summary;        /**< one line for --help */
} PkCliVerb;

/** A program's command line. */
typedef struct {
        const char *program;               /**< "hactl" */
        const char *version;               /**< printed by --version */
        const PkCliOption *global_options; /**< ends with { NULL } */
        const PkCliVerb *verbs;
        guint n_verbs; /**< 0: a program without verbs */
        /** Printed after the command list: notes, exit codes. */
        const char *epilogue;
        /** One line after the usage, what the program is, or NULL. */
        const char *summary;
} PkCli;

/** What the command line asks for. */
typedef enum {
        PK_CLI_RUN,           /**< run @verb */
        PK_CLI_HELP,          /**< --help before the command */
        PK_CLI_VERB_HELP,     /**< VERB --help */
        PK_CLI_VERSION,       /**< --version */
        PK_CLI_LIST_COMMANDS, /**< --list-commands */
        PK_CLI_LIST_OPTIONS,  /**< --list-options */
} PkCliAction;

/** A parsed command line. Strings point into argv (transfer none). */
typedef struct {
        PkCliAction action;
        const PkCliVerb *verb; /**< PK_CLI_RUN, PK_CLI_VERB_HELP */
        GHashTable *globals;   /**< option name -> GPtrArray of values */
        GHashTable *options;   /**< the verb's: option name -> GPtrArray of values ("" for a flag) */
        GPtrArray *args;       /**< positional arguments */
} PkCliCmd;

/** pk_cli_cmd_clear: frees what @cmd holds (g_auto(PkCliCmd) does it). */
void pk_cli_cmd_clear(PkCliCmd *cmd);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(PkCliCmd, pk_cli_cmd_clear)

/**
 * pk_cli_parse:
 * @argv: the whole command line, argv[0] the program; @ret keeps pointers
 *   into it.
 * @ret: (out): a zeroed PkCliCmd; clear it with pk_cli_cmd_clear() even
 *   when the parse fails.
 *
 * Global options, then the verb's words, then its options and arguments in
 * any order. Refuses (PK_ERROR_USAGE) an unknown command or option, a
 * missing or superfluous value, an option given twice that is not
 * PK_CLI_REPEAT, too few or too many arguments; the message names the verb
 * and, for the verb's errors, ends with its usage line. For a program
 * without verbs, PK_CLI_RUN has @verb NULL, and any argument after the
 * options is refused. Pure.
 */
gboolean pk_cli_parse(const PkCli *cli, int argc, char **argv, PkCliCmd *ret, GError **error);

/**
 * pk_cli_handle:
 * What a program's main() calls: pk_cli_parse(), then everything but
 * running the verb. Returns TRUE when @cmd is to be run; else FALSE with
 * *@ret_rc 0 when the help, version or a listing was printed, or
 * PK_CLI_EXIT_USAGE after printing the usage error.
 */
gboolean pk_cli_handle(const PkCli *cli, int argc, char **argv, PkCliCmd *cmd, int *ret_rc);

/** pk_cli_opt: the value of the verb's --@name ("" for a flag; the first of
 * a repeated one), or NULL when not given. (transfer none) */
const char *pk_cli_opt(const PkCliCmd *cmd, const char *name);
/** pk_cli_flag: TRUE when --@name was given. */
gboolean pk_cli_flag(const PkCliCmd *cmd, const char *name);
/** pk_cli_opt_all: every value of --@name in order, NULL-terminated (empty
 * when not given). (transfer none) */
const char *const *pk_cli_opt_all(const PkCliCmd *cmd, const char *name);
/** pk_cli_global: the value of the global option --@name ("" for a flag),
 * or NULL. A global option may be given again; the last one counts. */
const char *pk_cli_global(const PkCliCmd *cmd, const char *name);
/** pk_cli_arg: positional argument @i or NULL. (transfer none) */
const char *pk_cli_arg(const PkCliCmd *cmd, guint i);
/** pk_cli_n_args: how many positional arguments were given. */
guint pk_cli_n_args(const PkCliCmd *cmd);

/** pk_cli_verb_words: "guest create", "status". (transfer full) */
char *pk_cli_verb_words(const PkCliVerb *verb);
/**
 * pk_cli_verb_usage:
 * "PROGRAM WORDS ARGS GRAMMAR [--option VALUE]..." (transfer full).
 */
char *pk_cli_verb_usage(const PkCli *cli, const PkCliVerb *verb);

/** pk_cli_help: the whole --help text (transfer full). */
char *pk_cli_help(const PkCli *cli);
/** pk_cli_verb_help: VERB --help: its usage, summary, options (transfer full). */
char *pk_cli_verb_help(const PkCli *cli, const PkCliVerb *verb);
/** pk_cli_list_commands: the --list-commands listing, empty for a program
 * without verbs (transfer full). */
char *pk_cli_list_commands(const PkCli *cli);

/**
 * pk_cli_check:
 * The table's own consistency: every "--name" a verb's grammar shows is one
 * of its options, no verb or option twice (a global option's name or
 * letter neither, nor one of the built-in --help, -h, --version), every
 * option with its help, n_min <= n_max. FALSE with
 * @error naming the first fault. --list-commands refuses a faulty table,
 * so the man page test catches it.
 */
gboolean pk_cli_check(const PkCli *cli, GError **error);

/**
 * pk_cli_usage_error:
 * Prints "PROGRAM: MESSAGE" and "Try 'PROGRAM --help'." on stderr and
 * returns PK_CLI_EXIT_USAGE.
 */
int pk_cli_usage_error(const char *program, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
int pk_cli_usage_errorv(const char *program, const char *fmt, va_list ap) G_GNUC_PRINTF(2, 0);

G_END_DECLS
