/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pk.h"

#include <stdio.h>
#include <unistd.h>

static const char *log_ident = "plastik";
static gboolean log_verbose;

static const char *level_name(GLogLevelFlags level)
{
        if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
                return "error";
        if (level & G_LOG_LEVEL_WARNING)
                return "warning";
        if (level & G_LOG_LEVEL_DEBUG)
                return "debug";
        return NULL; /* message/info: no tag */
}

gboolean pk_log_record(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gboolean verbose,
                       const char **ret_message, GLogWriterOutput *ret_output)
{
        *ret_message = NULL;
        *ret_output = G_LOG_WRITER_HANDLED;
        if ((level & G_LOG_LEVEL_DEBUG) && !verbose)
                return FALSE;
        for (gsize i = 0; i < n_fields; i++)
                if (g_str_equal(fields[i].key, "MESSAGE"))
                        *ret_message = fields[i].value;
        *ret_output = *ret_message ? G_LOG_WRITER_HANDLED : G_LOG_WRITER_UNHANDLED;
        return *ret_message != NULL;
}

static GLogWriterOutput writer(GLogLevelFlags level, const GLogField *fields,
                               gsize n_fields, gpointer user_data)
{
        const char *message, *tag = level_name(level);
        GLogWriterOutput output;

        if (!pk_log_record(level, fields, n_fields, log_verbose, &message, &output))
                return output;
        if (tag)
                fprintf(stderr, "%s: %s: %s\n", log_ident, tag, message);
        else
                fprintf(stderr, "%s: %s\n", log_ident, message);
        return G_LOG_WRITER_HANDLED;
}

void pk_log_init(const char *ident, gboolean verbose)
{
        log_ident = ident;
        log_verbose = verbose;
        g_log_set_writer_func(writer, NULL, NULL);
}
