/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging of the agent. Pacemaker records what an agent writes to stderr
 * next to the operation's result, so every message goes there; it also
 * passes HA_LOGFACILITY, and resource-agents log to that syslog facility,
 * so the messages are found where an administrator looks for the other
 * agents' ones.
 */
#include "ocf.h"
#include "pk.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

static char *log_ident;
static gboolean log_debug;
static gboolean log_syslog;

static const struct { const char *name; int facility; } facilities[] = {
        { "daemon", LOG_DAEMON }, { "user", LOG_USER }, { "local0", LOG_LOCAL0 },
        { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
        { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
        { "local7", LOG_LOCAL7 }, { "authpriv", LOG_AUTHPRIV },
};

static GLogWriterOutput writer(GLogLevelFlags level, const GLogField *fields,
                               gsize n_fields, gpointer user_data)
{
        const char *message, *tag;
        GLogWriterOutput output;
        int prio;

        if (!pk_log_record(level, fields, n_fields, log_debug, &message, &output))
                return output;
        if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) {
                tag = "ERROR";
                prio = LOG_ERR;
        } else if (level & G_LOG_LEVEL_WARNING) {
                tag = "WARNING";
                prio = LOG_WARNING;
        } else if (level & G_LOG_LEVEL_DEBUG) {
                tag = "DEBUG";
                prio = LOG_DEBUG;
        } else {
                tag = "INFO";
                prio = LOG_INFO;
        }
        fprintf(stderr, "%s: %s: %s\n", log_ident, tag, message);
        if (log_syslog)
                syslog(prio, "%s: %s", tag, message);
        return G_LOG_WRITER_HANDLED;
}

void ocf_log_init(const char *agent, const char *instance)
{
        const char *facility = g_getenv("HA_LOGFACILITY");
        const char *debug = g_getenv("HA_debug");

        g_free(log_ident);
        log_ident = g_strdup_printf("%s(%s)", agent, instance && *instance ? instance : "?");
        log_debug = debug && g_str_equal(debug, "1");
        log_syslog = FALSE;
        for (gsize i = 0; facility && i < G_N_ELEMENTS(facilities); i++) {
                if (g_str_equal(facility, facilities[i].name)) {
                        /* The ident string must outlive every syslog() call. */
                        openlog(log_ident, LOG_PID, facilities[i].facility);
                        log_syslog = TRUE;
                }
        }
        g_log_set_writer_func(writer, NULL, NULL);
}
