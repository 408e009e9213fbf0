/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line of plastik's programs: see pk-cli.h. */
#include "pk.h"
#include "pk-cli.h"

#include <stdio.h>
#include <string.h>

/* The options every program takes, handled by pk_cli_parse() itself. */
static const PkCliOption builtin[] = {
        { "help", NULL, "this help; after a command, its options", 0, 'h' },
        { "version", NULL, "print the version" },
        { NULL },
};
/* The same for a program without verbs, whose --help has no "after". */
static const PkCliOption builtin_no_verbs[] = {
        { "help", NULL, "this help", 0, 'h' },
        { "version", NULL, "print the version" },
        { NULL },
};

#define HELP_WIDTH 79
#define HELP_COLUMN 32 /* where a summary starts beside a short usage */

static void values_free(gpointer p)
{
        g_ptr_array_free(p, TRUE);
}

void pk_cli_cmd_clear(PkCliCmd *cmd)
{
        g_clear_pointer(&cmd->globals, g_hash_table_unref);
        g_clear_pointer(&cmd->options, g_hash_table_unref);
        g_clear_pointer(&cmd->args, g_ptr_array_unref);
        cmd->verb = NULL;
}

char *pk_cli_verb_words(const PkCliVerb *verb)
{
        return verb->name ? g_strdup_printf("%s %s", verb->group, verb->name) : g_strdup(verb->group);
}

/* Whether @text shows the option --@name (not merely a longer one). */
static gboolean mentions(const char *text, const char *name)
{
        gsize n = strlen(name);

        for (const char *p = text ? strstr(text, "--") : NULL; p; p = strstr(p + 2, "--")) {
                char c = p[2 + n];
                if (strncmp(p + 2, name, n) == 0 && !g_ascii_isalnum(c) && c != '-')
                        return TRUE;
        }
        return FALSE;
}

static void append_option(GString *s, const PkCliOption *o, const char *sep)
{
        g_string_append_printf(s, "--%s%s%s%s", o->name, o->value ? sep : "", o->value ? o->value : "",
                               o->flags & PK_CLI_REPEAT ? "..." : "");
}

char *pk_cli_verb_usage(const PkCli *cli, const PkCliVerb *verb)
{
        GString *s = g_string_new(cli->program);

        g_string_append_printf(s, " %s", verb->group);
        if (verb->name)
                g_string_append_printf(s, " %s", verb->name);
        if (verb->args && *verb->args)
                g_string_append_printf(s, " %s", verb->args);
        if (verb->grammar && *verb->grammar)
                g_string_append_printf(s, " %s", verb->grammar);
        for (const PkCliOption *o = verb->options; o && o->name; o++) {
                if (mentions(verb->grammar, o->name))
                        continue;
                g_string_append_printf(s, " [--%s%s%s]%s", o->name, o->value ? " " : "",
                                       o->value ? o->value : "", o->flags & PK_CLI_REPEAT ? "..." : "");
        }
        return g_string_free(s, FALSE);
}

/* ---- lookups ------------------------------------------------------------ */

static const PkCliOption *option_find(const PkCliOption *options, const char *name, gsize len)
{
        for (const PkCliOption *o = options; o && o->name; o++)
                if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
                        return o;
        return NULL;
}

/* "create, list or show": the named verbs of @group. (transfer full) */
static char *group_names(const PkCli *cli, const char *group)
{
        g_autoptr(GPtrArray) names = g_ptr_array_new();
        GString *s = g_string_new(NULL);

        for (guint i = 0; i < cli->n_verbs; i++)
                if (g_str_equal(cli->verbs[i].group, group) && cli->verbs[i].name)
                        g_ptr_array_add(names, (gpointer)cli->verbs[i].name);
        for (guint i = 0; i < names->len; i++)
                g_string_append_printf(s, "%s%s", i == 0 ? "" : i + 1 == names->len ? " or " : ", ",
                                       (const char *)names->pdata[i]);
        return g_string_free(s, FALSE);
}

/*
 * The verb argv[*i] (and argv[*i + 1]) name; advances *i past its words. A
 * group's default verb takes a second word that names no verb of the group
 * as its first argument ("fence node2").
 */
static const PkCliVerb *verb_find(const PkCli *cli, int argc, char **argv, int *i, GError **error)
{
        const char *first = argv[*i], *second = *i + 1 < argc ? argv[*i + 1] : NULL;
        const PkCliVerb *dflt = NULL;
        gboolean named = FALSE;
        g_autofree char *names = NULL;

        for (guint k = 0; k < cli->n_verbs; k++) {
                const PkCliVerb *v = &cli->verbs[k];
                if (!g_str_equal(v->group, first))
                        continue;
                if (!v->name) {
                        dflt = v;
                        continue;
                }
                named = TRUE;
                if (second && g_str_equal(v->name, second)) {
                        *i += 2;
                        return v;
                }
        }
        if (dflt && !named) {
                *i += 1;
                return dflt;
        }
        if (!named) {
                g_set_error(error, PK_ERROR, PK_ERROR_USAGE, "unknown command \"%s\"", first);
                return NULL;
        }
        names = group_names(cli, first);
        if (!second || (g_str_has_prefix(second, "--") && !dflt)) {
                g_set_error(error, PK_ERROR, PK_ERROR_USAGE, "%s: which one? %s %s", first, first, names);
                return NULL;
        }
        if (dflt) {
                *i += 1;
                return dflt;
        }
        g_set_error(error, PK_ERROR, PK_ERROR_USAGE, "unknown command \"%s %s\" (%s: %s)", first, second,
                    first, names);
        return NULL;
}

static void add_value(GHashTable *table, const char *name, const char *value)
{
        GPtrArray *values = g_hash_table_lookup(table, name);

        if (!values) {
                values = g_ptr_array_new();
                g_ptr_array_add(values, NULL);
                g_hash_table_insert(table, (gpointer)name, values);
        }
        /* Keep the array NULL-terminated for pk_cli_opt_all(). */
        values->pdata[values->len - 1] = (gpointer)value;
        g_ptr_array_add(values, NULL);
}

/* The verb's usage line closing a message: "; usage: hactl guest move NAME [NODE] …". */
static void usage_fail(GError **error, const PkCli *cli, const PkCliVerb *verb, const char *fmt, ...)
        G_GNUC_PRINTF(4, 5);
static void usage_fail(GError **error, const PkCli *cli, const PkCliVerb *verb, const char *fmt, ...)
{
        g_autofree char *words = pk_cli_verb_words(verb), *usage = pk_cli_verb_usage(cli, verb), *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_set_error(error, PK_ERROR, PK_ERROR_USAGE, "%s: %s; usage: %s", words, msg, usage);
}

/* The name of positional argument @n in @args ("NAME [NODE]" -> 1: "NODE"). (transfer full) */
static char *arg_name(const char *args, guint n)
{
        g_auto(GStrv) words = g_strsplit(args ? args : "", " ", -1);
        guint k = 0;

        for (char **w = words; *w; w++) {
                g_autofree char *bare = g_strdup(g_strstrip(g_strdelimit(*w, "[]", ' ')));
                if (!*bare)
                        continue;
                if (k++ == n)
                        return g_steal_pointer(&bare);
        }
        return NULL;
}

gboolean pk_cli_parse(const PkCli *cli, int argc, char **argv, PkCliCmd *ret, GError **error)
{
        const PkCliVerb *verb;
        gboolean only_args = FALSE;
        int i = 1;

        ret->action = PK_CLI_RUN;
        ret->verb = NULL;
        ret->globals = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, values_free);
        ret->options = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, values_free);
        ret->args = g_ptr_array_new();

        for (; i < argc && argv[i][0] == '-'; i++) {
                const char *s = argv[i], *eq = strchr(s, '=');
                const PkCliOption *o = NULL;

                if (g_str_equal(s, "--help") || g_str_equal(s, "-h")) {
                        ret->action = PK_CLI_HELP;
                        return TRUE;
                } else if (g_str_equal(s, "--version")) {
                        ret->action = PK_CLI_VERSION;
                        return TRUE;
                } else if (g_str_equal(s, "--list-commands")) {
                        ret->action = PK_CLI_LIST_COMMANDS;
                        return TRUE;
                } else if (g_str_equal(s, "--list-options")) {
                        ret->action = PK_CLI_LIST_OPTIONS;
                        return TRUE;
                }
                if (g_str_has_prefix(s, "--"))
                        o = option_find(cli->global_options, s + 2, eq ? (gsize)(eq - s - 2) : strlen(s + 2));
                else if (s[1] && !s[2])
                        for (const PkCliOption *g = cli->global_options; g && g->name && !o; g++)
                                o = g->short_name == s[1] ? g : NULL;
                if (!o || (eq && !o->value) || (o->value && !eq && i + 1 >= argc)) {
                        g_set_error(error, PK_ERROR, PK_ERROR_USAGE, "unknown option \"%s\"", s);
                        return FALSE;
                }
                add_value(ret->globals, o->name, o->value ? (eq ? eq + 1 : argv[++i]) : "");
        }
        if (cli->n_verbs == 0) {
                /* A program without verbs takes its options and nothing else. */
                if (i < argc) {
                        g_set_error(error, PK_ERROR, PK_ERROR_USAGE, "unexpected argument \"%s\"", argv[i]);
                        return FALSE;
                }
                return TRUE;
        }
        if (i >= argc) {
                g_set_error(error, PK_ERROR, PK_ERROR_USAGE, "no command given");
                return FALSE;
        }
        if (!(verb = verb_find(cli, argc, argv, &i, error)))
                return FALSE;
        ret->verb = verb;
        for (; i < argc; i++) {
                const char *s = argv[i], *eq = strchr(s, '='), *value = NULL;
                g_autofree char *shown = NULL;
                const PkCliOption *o;
                GPtrArray *given;

                if (only_args || !g_str_has_prefix(s, "--")) {
                        g_ptr_array_add(ret->args, (gpointer)s);
                        continue;
                }
                if (g_str_equal(s, "--")) {
                        only_args = TRUE;
                        continue;
                }
                if (g_str_equal(s, "--help")) {
                        ret->action = PK_CLI_VERB_HELP;
                        return TRUE;
                }
                shown = eq ? g_strndup(s, (gsize)(eq - s)) : g_strdup(s);
                o = option_find(verb->options, shown + 2, strlen(shown + 2));
                if (!o) {
                        usage_fail(error, cli, verb, "unknown option \"%s\"", shown);
                        return FALSE;
                }
                if (!o->value && eq) {
                        usage_fail(error, cli, verb, "%s takes no value", shown);
                        return FALSE;
                }
                if (o->value) {
                        value = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
                        if (!value || !*value) {
                                usage_fail(error, cli, verb, "%s needs a value (%s)", shown, o->value);
                                return FALSE;
                        }
                }
                given = g_hash_table_lookup(ret->options, o->name);
                if (given && !(o->flags & PK_CLI_REPEAT)) {
                        usage_fail(error, cli, verb, "%s is given twice", shown);
                        return FALSE;
                }
                add_value(ret->options, o->name, value ? value : "");
        }
        if (ret->args->len < verb->n_min) {
                g_autofree char *missing = arg_name(verb->args, ret->args->len);
                usage_fail(error, cli, verb, "missing argument%s%s", missing ? " " : "", missing ? missing : "");
                return FALSE;
        }
        if (ret->args->len > verb->n_max) {
                usage_fail(error, cli, verb, "unexpected argument \"%s\"",
                           (const char *)g_ptr_array_index(ret->args, verb->n_max));
                return FALSE;
        }
        return TRUE;
}

/* ---- reading the result --------------------------------------------------- */

const char *pk_cli_opt(const PkCliCmd *cmd, const char *name)
{
        GPtrArray *values = cmd->options ? g_hash_table_lookup(cmd->options, name) : NULL;

        return values ? values->pdata[0] : NULL;
}

gboolean pk_cli_flag(const PkCliCmd *cmd, const char *name)
{
        return pk_cli_opt(cmd, name) != NULL;
}

const char *const *pk_cli_opt_all(const PkCliCmd *cmd, const char *name)
{
        static const char *const none[] = { NULL };
        GPtrArray *values = cmd->options ? g_hash_table_lookup(cmd->options, name) : NULL;

        return values ? (const char *const *)values->pdata : none;
}

const char *pk_cli_global(const PkCliCmd *cmd, const char *name)
{
        GPtrArray *values = cmd->globals ? g_hash_table_lookup(cmd->globals, name) : NULL;

        /* The last one counts, as it always did for the global options. */
        return values ? values->pdata[values->len - 2] : NULL;
}

const char *pk_cli_arg(const PkCliCmd *cmd, guint i)
{
        return cmd->args && i < cmd->args->len ? g_ptr_array_index(cmd->args, i) : NULL;
}

guint pk_cli_n_args(const PkCliCmd *cmd)
{
        return cmd->args ? cmd->args->len : 0;
}

/* ---- help and listings ------------------------------------------------------ */

/*
 * Appends @text wrapped at HELP_WIDTH, continuation lines indented by
 * @indent. Breaks only between bracketed groups, so "[--timeout S]" stays
 * whole.
 */
static void append_wrapped(GString *s, const char *text, guint first_col, guint indent)
{
        guint col = first_col, depth = 0;
        const char *start = text;

        for (const char *p = text;; p++) {
                if (*p == '[' || *p == '(')
                        depth++;
                else if ((*p == ']' || *p == ')') && depth > 0)
                        depth--;
                if (*p && (*p != ' ' || depth > 0))
                        continue;
                gsize len = (gsize)(p - start);
                if (start != text && col + 1 + len > HELP_WIDTH) {
                        g_string_append_printf(s, "\n%*s", indent, "");
                        col = indent;
                } else if (start != text) {
                        g_string_append_c(s, ' ');
                        col++;
                }
                g_string_append_len(s, start, (gssize)len);
                col += (guint)len;
                if (!*p)
                        break;
                start = p + 1;
        }
}

static void append_options(GString *s, const PkCliOption *options)
{
        for (const PkCliOption *o = options; o && o->name; o++) {
                g_autoptr(GString) name = g_string_new(NULL);
                if (o->short_name)
                        g_string_append_printf(name, "-%c, ", o->short_name);
                g_string_append_printf(name, "--%s%s%s", o->name, o->value ? " " : "", o->value ? o->value : "");
                if (name->len + 2 < HELP_COLUMN - 1)
                        g_string_append_printf(s, "  %-*s ", HELP_COLUMN - 3, name->str);
                else
                        g_string_append_printf(s, "  %s\n%*s", name->str, HELP_COLUMN, "");
                append_wrapped(s, o->help, HELP_COLUMN, HELP_COLUMN);
                g_string_append_c(s, '\n');
        }
}

char *pk_cli_help(const PkCli *cli)
{
        GString *s = g_string_new("Usage: ");
        g_autoptr(GString) line = g_string_new(cli->program);
        gsize prog = strlen(cli->program) + 1;

        for (const PkCliOption *o = cli->global_options; o && o->name; o++)
                g_string_append_printf(line, " [--%s%s%s]", o->name, o->value ? " " : "",
                                       o->value ? o->value : "");
        if (cli->n_verbs > 0)
                g_string_append(line, " COMMAND [ARGS]");
        append_wrapped(s, line->str, 7, 7);
        g_string_append_c(s, '\n');
        if (cli->n_verbs > 0)
                g_string_append_printf(s, "       %s COMMAND --help\n", cli->program);
        if (cli->summary)
                g_string_append_printf(s, "%s\n", cli->summary);
        if (cli->n_verbs > 0)
                g_string_append(s, "\nCommands:\n");
        for (guint i = 0; i < cli->n_verbs; i++) {
                g_autofree char *usage = pk_cli_verb_usage(cli, &cli->verbs[i]);
                const char *u = usage + prog; /* without the program's name */
                g_string_append(s, "  ");
                if (strlen(u) + 2 < HELP_COLUMN - 1) {
                        g_string_append_printf(s, "%-*s ", HELP_COLUMN - 3, u);
                        append_wrapped(s, cli->verbs[i].summary, HELP_COLUMN, HELP_COLUMN);
                        g_string_append_c(s, '\n');
                        continue;
                }
                append_wrapped(s, u, 2, 6);
                g_string_append_printf(s, "\n%*s", 8, "");
                append_wrapped(s, cli->verbs[i].summary, 8, 8);
                g_string_append_c(s, '\n');
        }
        g_string_append(s, "\nOptions:\n");
        append_options(s, cli->global_options);
        append_options(s, cli->n_verbs > 0 ? builtin : builtin_no_verbs);
        if (cli->epilogue)
                g_string_append_printf(s, "\n%s", cli->epilogue);
        return g_string_free(s, FALSE);
}

char *pk_cli_verb_help(const PkCli *cli, const PkCliVerb *verb)
{
        g_autofree char *usage = pk_cli_verb_usage(cli, verb);
        GString *s = g_string_new("Usage: ");

        append_wrapped(s, usage, 7, 7);
        g_string_append_printf(s, "\n%s\n", verb->summary);
        if (verb->options && verb->options->name) {
                g_string_append(s, "\nOptions:\n");
                append_options(s, verb->options);
        }
        return g_string_free(s, FALSE);
}

char *pk_cli_list_commands(const PkCli *cli)
{
        GString *s = g_string_new(NULL);

        for (guint i = 0; i < cli->n_verbs; i++) {
                const PkCliVerb *v = &cli->verbs[i];
                g_autofree char *words = pk_cli_verb_words(v);
                g_string_append_printf(s, "%s\t%s\t", words, v->args ? v->args : "");
                for (const PkCliOption *o = v->options; o && o->name; o++) {
                        if (o != v->options)
                                g_string_append_c(s, ' ');
                        append_option(s, o, "=");
                }
                g_string_append_c(s, '\n');
        }
        return g_string_free(s, FALSE);
}

static char *list_options(const PkCli *cli)
{
        GString *s = g_string_new(NULL);

        for (const PkCliOption *list[] = { cli->global_options, builtin }, **l = list; l < list + 2; l++)
                for (const PkCliOption *o = *l; o && o->name; o++) {
                        append_option(s, o, "=");
                        g_string_append_c(s, '\n');
                }
        return g_string_free(s, FALSE);
}

/* No option of @options twice, none without help, no letter twice nor one
 * the built-in options take; @owner names them in the error. */
static gboolean options_check(const PkCliOption *options, const char *owner, GError **error)
{
        for (const PkCliOption *o = options; o && o->name; o++) {
                gboolean letter_taken = o->short_name && o->short_name == builtin[0].short_name;

                for (const PkCliOption *k = o + 1; k->name && o->short_name; k++)
                        letter_taken = letter_taken || k->short_name == o->short_name;
                if (option_find(o + 1, o->name, strlen(o->name)) || option_find(builtin, o->name, strlen(o->name)) ||
                    !o->help || letter_taken) {
                        g_set_error(error, PK_ERROR, PK_ERROR_INVALID_DATA,
                                    "%s: option --%s given twice (or its letter), or without help", owner, o->name);
                        return FALSE;
                }
        }
        return TRUE;
}

gboolean pk_cli_check(const PkCli *cli, GError **error)
{
        if (!options_check(cli->global_options, cli->program, error))
                return FALSE;
        for (guint i = 0; i < cli->n_verbs; i++) {
                const PkCliVerb *v = &cli->verbs[i];
                g_autofree char *words = pk_cli_verb_words(v);

                if (v->n_min > v->n_max || !v->summary) {
                        g_set_error(error, PK_ERROR, PK_ERROR_INVALID_DATA,
                                    "%s: n_min above n_max, or no summary", words);
                        return FALSE;
                }
                for (guint k = 0; k < i; k++)
                        if (g_strcmp0(cli->verbs[k].group, v->group) == 0 &&
                            g_strcmp0(cli->verbs[k].name, v->name) == 0) {
                                g_set_error(error, PK_ERROR, PK_ERROR_INVALID_DATA, "%s: given twice", words);
                                return FALSE;
                        }
                if (!options_check(v->options, words, error))
                        return FALSE;
                for (const char *p = v->grammar ? strstr(v->grammar, "--") : NULL; p; p = strstr(p + 2, "--")) {
                        gsize n = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
                        if (!option_find(v->options, p + 2, n)) {
                                g_set_error(error, PK_ERROR, PK_ERROR_INVALID_DATA,
                                            "%s: the grammar shows --%.*s, which is none of its options",
                                            words, (int)n, p + 2);
                                return FALSE;
                        }
                }
        }
        return TRUE;
}

int pk_cli_usage_errorv(const char *program, const char *fmt, va_list ap)
{
        fprintf(stderr, "%s: ", program);
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\nTry '%s --help'.\n", program);
        return PK_CLI_EXIT_USAGE;
}

int pk_cli_usage_error(const char *program, const char *fmt, ...)
{
        va_list ap;
        int rc;

        va_start(ap, fmt);
        rc = pk_cli_usage_errorv(program, fmt, ap);
        va_end(ap);
        return rc;
}

gboolean pk_cli_handle(const PkCli *cli, int argc, char **argv, PkCliCmd *cmd, int *ret_rc)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL;

        *ret_rc = 0;
        if (!pk_cli_parse(cli, argc, argv, cmd, &error)) {
                *ret_rc = pk_cli_usage_error(cli->program, "%s", error->message);
                return FALSE;
        }
        switch (cmd->action) {
        case PK_CLI_RUN:
                return TRUE;
        case PK_CLI_HELP:
                text = pk_cli_help(cli);
                break;
        case PK_CLI_VERB_HELP:
                text = pk_cli_verb_help(cli, cmd->verb);
                break;
        case PK_CLI_VERSION:
                text = g_strdup_printf("%s %s\n", cli->program, cli->version);
                break;
        case PK_CLI_LIST_COMMANDS:
                if (!pk_cli_check(cli, &error)) {
                        fprintf(stderr, "%s: the command table is inconsistent: %s\n", cli->program,
                                error->message);
                        *ret_rc = 1;
                        return FALSE;
                }
                text = pk_cli_list_commands(cli);
                break;
        case PK_CLI_LIST_OPTIONS:
                text = list_options(cli);
                break;
        }
        fputs(text, stdout);
        return FALSE;
}
