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

static GLogWriterOutput writer(GLogLevelFlags level, const GLogField *fields,
                               gsize n_fields, gpointer user_data)
{
        const char *message = NULL;

        if ((level & G_LOG_LEVEL_DEBUG) && !log_verbose)
                return G_LOG_WRITER_HANDLED;
        for (gsize i = 0; i < n_fields; i++)
                if (g_str_equal(fields[i].key, "MESSAGE"))
                        message = fields[i].value;
        if (!message)
                return G_LOG_WRITER_UNHANDLED;

        const char *tag = level_name(level);
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
