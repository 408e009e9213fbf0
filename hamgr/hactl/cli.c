/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hactl's helpers, shared by every hactl-*.c: the usage error, errors ->
 * exit codes, JSON out. The command line itself is parsed by common's
 * pk_cli_parse() over the table in hactl.c.
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
        int rc;

        va_start(ap, fmt);
        rc = pk_cli_usage_errorv("hactl", fmt, ap);
        va_end(ap);
        return rc;
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
