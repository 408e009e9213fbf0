/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What plastik's OCF agents share: the exit codes' names, the error domain
 * and the helpers that read the OCF environment and write meta-data.
 */
#include "ocf.h"
#include "pk-config.h"

#include <stdarg.h>

G_DEFINE_QUARK(ocf-error-quark, ocf_error)

const char *ocf_exit_to_string(int code)
{
        switch (code) {
        case OCF_SUCCESS: return "OCF_SUCCESS";
        case OCF_ERR_GENERIC: return "OCF_ERR_GENERIC";
        case OCF_ERR_ARGS: return "OCF_ERR_ARGS";
        case OCF_ERR_UNIMPLEMENTED: return "OCF_ERR_UNIMPLEMENTED";
        case OCF_ERR_PERM: return "OCF_ERR_PERM";
        case OCF_ERR_INSTALLED: return "OCF_ERR_INSTALLED";
        case OCF_ERR_CONFIGURED: return "OCF_ERR_CONFIGURED";
        case OCF_NOT_RUNNING: return "OCF_NOT_RUNNING";
        case OCF_RUNNING_PROMOTED: return "OCF_RUNNING_PROMOTED";
        case OCF_FAILED_PROMOTED: return "OCF_FAILED_PROMOTED";
        case OCF_DEGRADED: return "OCF_DEGRADED";
        case OCF_DEGRADED_PROMOTED: return "OCF_DEGRADED_PROMOTED";
        default: return "unknown OCF exit code";
        }
}

const char *ocf_getenv(const char *name, gpointer user_data)
{
        return g_getenv(name);
}

gboolean ocf_fail(GError **error, OcfExit code, const char *fmt, ...)
{
        va_list ap;

        if (!error)
                return FALSE;
        g_return_val_if_fail(*error == NULL, FALSE);
        va_start(ap, fmt);
        *error = g_error_new_valist(OCF_ERROR, code, fmt, ap);
        va_end(ap);
        return FALSE;
}

const char *ocf_param(OcfGetenvFunc getenv_fn, gpointer data, const char *name)
{
        g_autofree char *var = g_strconcat("OCF_RESKEY_", name, NULL);
        const char *v = getenv_fn(var, data);
        return v && *v ? v : NULL;
}

gint64 ocf_meta_ms(OcfGetenvFunc getenv_fn, gpointer data, const char *var, GPtrArray *warnings)
{
        const char *v = getenv_fn(var, data);
        guint64 n;

        if (!v || !*v)
                return 0;
        if (!g_ascii_string_to_unsigned(v, 10, 0, G_MAXINT64 / 2, &n, NULL)) {
                g_ptr_array_add(warnings, g_strdup_printf("%s=\"%s\" is not a number of milliseconds; ignored", var, v));
                return 0;
        }
        return (gint64)n;
}

void ocf_xml_text(GString *s, const char *text)
{
        g_autofree char *esc = g_markup_escape_text(text, -1);
        g_string_append(s, esc);
}

void ocf_metadata_begin(GString *s, const char *agent, const char *longdesc, const char *shortdesc,
                        const OcfParamDoc *params, gsize n)
{
        g_string_append_printf(s,
                "<?xml version=\"1.0\"?>\n"
                "<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n"
                "<resource-agent name=\"%s\" version=\"%s\">\n"
                "<version>1.1</version>\n"
                "<longdesc lang=\"en\">\n", agent, PK_VERSION);
        ocf_xml_text(s, longdesc);
        g_string_append(s, "\n</longdesc>\n<shortdesc lang=\"en\">");
        ocf_xml_text(s, shortdesc);
        g_string_append(s, "</shortdesc>\n<parameters>\n");
        for (gsize i = 0; i < n; i++) {
                const OcfParamDoc *d = &params[i];
                g_string_append_printf(s, "<parameter name=\"%s\" unique=\"%d\" required=\"%d\">\n<longdesc lang=\"en\">",
                                       d->name, d->unique, d->required);
                ocf_xml_text(s, d->longdesc);
                g_string_append(s, "</longdesc>\n<shortdesc lang=\"en\">");
                ocf_xml_text(s, d->shortdesc);
                g_string_append_printf(s, "</shortdesc>\n<content type=\"%s\"", d->type);
                if (d->def) {
                        g_string_append(s, " default=\"");
                        ocf_xml_text(s, d->def);
                        g_string_append(s, "\"");
                }
                g_string_append(s, "/>\n</parameter>\n");
        }
        g_string_append(s, "</parameters>\n");
}
