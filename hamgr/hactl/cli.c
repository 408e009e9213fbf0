/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hactl's command-line helpers, shared by every hactl-*.c: the option parser
 * over a command's CmdSpec, the usage error, errors -> exit codes, JSON out.
 * hactl.c's main dispatches to the commands; the commands call only this.
 */
#include "ham.h"
#include "ham-api.h"
#include "hactl.h"
#include "pk.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int hactl_usage_error(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        fputs("hactl: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputs("\nTry 'hactl --help'.\n", stderr);
        va_end(ap);
        return EXIT_USAGE;
}

int hactl_report(GError *error)
{
        fprintf(stderr, "hactl: %s\n", error->message);
        if (error->domain == HAM_API_ERROR) {
                switch (error->code) {
                case HAM_API_ERROR_INVALID: return EXIT_INVALID;
                case HAM_API_ERROR_NOT_FOUND: return EXIT_NOT_FOUND;
                case HAM_API_ERROR_TIMEOUT: return EXIT_TIMEOUT;
                default: return EXIT_FAIL;
                }
        }
        if (error->domain != HAM_ERROR)
                return EXIT_FAIL;
        switch (error->code) {
        case HAM_ERROR_INVALID:
        case HAM_ERROR_TOKEN: return EXIT_INVALID;
        case HAM_ERROR_CONFLICT: return EXIT_CONFLICT;
        case HAM_ERROR_PCMK: return EXIT_PCMK;
        case HAM_ERROR_TIMEOUT: return EXIT_TIMEOUT;
        case HAM_ERROR_NOT_FOUND: return EXIT_NOT_FOUND;
        case HAM_ERROR_UNSAFE: return EXIT_UNSAFE;
        default: return EXIT_FAIL;
        }
}

void hactl_print_json(json_object *obj)
{
        g_autofree char *text = pk_json_to_string(obj, TRUE);
        printf("%s\n", text);
}

int hactl_parse_args(int argc, char **argv, const CmdSpec *spec, CmdArgs *a)
{
        g_autofree char *what = spec->name ? g_strdup_printf("%s %s", spec->group, spec->name)
                                           : g_strdup(spec->group);

        a->spec = spec;
        a->opts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        a->args = g_ptr_array_new();
        for (int i = 0; i < argc; i++) {
                const char *s = argv[i];
                const char *const *o;
                g_autofree char *name = NULL;
                const char *value = NULL;

                if (!g_str_has_prefix(s, "--")) {
                        g_ptr_array_add(a->args, (gpointer)s);
                        continue;
                }
                name = g_strdup(s + 2);
                if (strchr(name, '=')) {
                        value = strchr(s, '=') + 1;
                        *strchr(name, '=') = '\0';
                }
                for (o = spec->options; *o; o++) {
                        gsize n = strlen(name);
                        if (strncmp(*o, name, n) == 0 && ((*o)[n] == '\0' || ((*o)[n] == '=' && (*o)[n + 1] == '\0')))
                                break;
                }
                if (!*o)
                        return hactl_usage_error("%s: unknown option \"--%s\"; usage: hactl %s",
                                                 what, name, spec->usage);
                if (g_str_has_suffix(*o, "=")) {
                        if (!value && i + 1 < argc)
                                value = argv[++i];
                        if (!value || !*value)
                                return hactl_usage_error("%s: --%s needs a value; usage: hactl %s",
                                                   what, name, spec->usage);
                } else if (value) {
                        return hactl_usage_error("%s: --%s takes no value", what, name);
                }
                if (g_hash_table_contains(a->opts, name))
                        return hactl_usage_error("%s: --%s is given twice", what, name);
                g_hash_table_insert(a->opts, g_strdup(name), g_strdup(value ? value : ""));
        }
        if (a->args->len < spec->n_min)
                return hactl_usage_error("%s: missing argument; usage: hactl %s", what, spec->usage);
        if (a->args->len > spec->n_max)
                return hactl_usage_error("%s: unexpected argument \"%s\"; usage: hactl %s", what,
                                   (const char *)g_ptr_array_index(a->args, spec->n_max), spec->usage);
        return EXIT_OK;
}

const char *hactl_opt(CmdArgs *a, const char *name)
{
        return g_hash_table_lookup(a->opts, name);
}

const char *hactl_arg(CmdArgs *a, guint i)
{
        return i < a->args->len ? g_ptr_array_index(a->args, i) : NULL;
}
