/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ocf.h
 * @brief What plastik's OCF resource agents share: exit codes, the error
 * domain, reading the OCF environment, meta-data text and logging.
 *
 * ocf:plastik:guest (ocf-guest.h) and ocf:plastik:drbd (ocf-drbd.h) are
 * built on it. Errors travel as GError in the OCF_ERROR domain whose codes
 * are the OCF exit codes themselves, so an error always carries the exit
 * code it ends in.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/** The OCF exit codes (OCF resource agent API 1.1). */
typedef enum {
        OCF_SUCCESS = 0,
        OCF_ERR_GENERIC = 1,        /**< soft: Pacemaker recovers (restart, then move) */
        OCF_ERR_ARGS = 2,           /**< hard on this node */
        OCF_ERR_UNIMPLEMENTED = 3,
        OCF_ERR_PERM = 4,
        OCF_ERR_INSTALLED = 5,      /**< hard on this node: something is missing here */
        OCF_ERR_CONFIGURED = 6,     /**< fatal: the configuration is wrong everywhere */
        OCF_NOT_RUNNING = 7,
        OCF_RUNNING_PROMOTED = 8,
        OCF_FAILED_PROMOTED = 9,
        OCF_DEGRADED = 190,
        OCF_DEGRADED_PROMOTED = 191,
} OcfExit;

/** ocf_exit_to_string: "OCF_SUCCESS", "OCF_ERR_CONFIGURED", ... (transfer none). */
const char *ocf_exit_to_string(int code);

/** Error domain whose codes are OcfExit values. */
#define OCF_ERROR (ocf_error_quark())
GQuark ocf_error_quark(void);

/* ---- the OCF environment ------------------------------------------------- */

/** Looks up one environment variable; NULL when unset. */
typedef const char *(*OcfGetenvFunc)(const char *name, gpointer user_data);

/** ocf_getenv: an OcfGetenvFunc over the process environment. */
const char *ocf_getenv(const char *name, gpointer user_data);

/**
 * ocf_fail:
 * Sets @error to @code in the OCF_ERROR domain (when @error is not NULL) and
 * returns FALSE, so a check can end in `return ocf_fail(...)`.
 */
gboolean ocf_fail(GError **error, OcfExit code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/**
 * ocf_param:
 * The value of parameter @name (OCF_RESKEY_@name); NULL when unset or empty,
 * which are the same to a Pacemaker user. (transfer none)
 */
const char *ocf_param(OcfGetenvFunc getenv_fn, gpointer data, const char *name);

/**
 * ocf_meta_ms:
 * A non-negative integer meta attribute such as OCF_RESKEY_CRM_meta_timeout
 * (@var is the whole variable name); 0 when unset. A malformed one is added
 * to @warnings and read as 0.
 */
gint64 ocf_meta_ms(OcfGetenvFunc getenv_fn, gpointer data, const char *var, GPtrArray *warnings);

/* ---- meta-data ------------------------------------------------------------- */

/** ocf_xml_text: appends @text to @s, escaped for XML. */
void ocf_xml_text(GString *s, const char *text);

/** One parameter as the meta-data documents it. */
typedef struct {
        const char *name;
        gboolean required, unique;
        const char *type;      /**< "string", "integer"... */
        const char *def;       /**< the default, or NULL */
        const char *shortdesc;
        const char *longdesc;
} OcfParamDoc;

/**
 * ocf_metadata_begin:
 * Appends the start of an agent's OCF 1.1 meta-data to @s: the XML
 * declaration and DOCTYPE (ra-api-1.dtd), <resource-agent> named @agent
 * with plastik's version, @longdesc and @shortdesc, and the <parameters>
 * of @params (@n of them). The caller appends <actions> and closes
 * </resource-agent>.
 */
void ocf_metadata_begin(GString *s, const char *agent, const char *longdesc, const char *shortdesc,
                        const OcfParamDoc *params, gsize n);

/* ---- logging --------------------------------------------------------------- */

/**
 * ocf_log_init:
 * Routes GLib logging to stderr as "AGENT(INSTANCE): level: message"
 * (Pacemaker records an agent's stderr) and, when HA_LOGFACILITY names a
 * syslog facility (Pacemaker sets it), to syslog as well. Debug messages
 * only with HA_debug=1.
 */
void ocf_log_init(const char *agent, const char *instance);

G_END_DECLS
