/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-xml.h
 * @brief The Pacemaker module's XML helpers (libxml2 only, no cluster
 * needed): the CIB, crm_mon's and the fencer's XML are read through them.
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/**
 * ham_xml_parse:
 * Parses @len bytes of XML without network access, entities or DTDs (input
 * comes from other programs). HAM_ERROR_PARSE naming @what. (transfer full):
 * xmlFreeDoc().
 */
xmlDoc *ham_xml_parse(const char *xml, gsize len, const char *what, GError **error);

/** ham_xml_prop: attribute @name of @node, or NULL. (transfer full): g_free(). */
char *ham_xml_prop(const xmlNode *node, const char *name);

/** ham_xml_prop_bool: attribute @name read as Pacemaker reads a boolean (ham_pcmk_is_true()). */
gboolean ham_xml_prop_bool(const xmlNode *node, const char *name);

/**
 * ham_pcmk_str_to_bool:
 * A boolean as Pacemaker spells it, the one parser for every boolean
 * plastik reads from the CIB, crm_mon or the fencer. Pacemaker's own
 * crm_str_to_boolean() (lib/common/strings.c, the same from 2.0 to 3.0)
 * takes "true", "on", "yes", "y" and "1" as TRUE and "false", "off", "no",
 * "n" and "0" as FALSE, ignoring case and nothing else: no "t" or "f", no
 * other numbers, no blanks. Reading more or less than it would make
 * plastik judge a cluster differently from the cluster itself.
 * Returns TRUE and sets @ret for those ten spellings; FALSE for anything
 * else (NULL included), leaving @ret alone.
 */
gboolean ham_pcmk_str_to_bool(const char *value, gboolean *ret);

/**
 * ham_pcmk_is_true:
 * Pacemaker's crm_is_true(): TRUE only for a true spelling; NULL, a false
 * spelling and anything unknown are FALSE. For attributes whose absence
 * means false (crm_mon's flags, have-quorum, maintenance-mode, standby).
 */
gboolean ham_pcmk_is_true(const char *value);

/**
 * ham_pcmk_bool_option:
 * A boolean cluster option (crm_config) as Pacemaker's scheduler takes it:
 * @value when it is a boolean spelling, else @def — unset, and also when
 * set to something that is not a boolean (Pacemaker then logs "Using
 * default value for cluster option ... because ... is invalid" and uses
 * the default). So stonith-enabled=maybe means fencing is on.
 */
gboolean ham_pcmk_bool_option(const char *value, gboolean def);

/**
 * ham_pcmk_interval_ms:
 * Pacemaker's crm_get_msec(): blanks, a whole number (a fraction is cut
 * off), blanks, then a unit read by its first letters in any case (ms or
 * msec, us or usec, s or sec, m or min, h or hr; none: seconds). -1 when
 * @value is not one of these (NULL, no digits, another unit). ISO 8601
 * durations ("PT15S") are not read here: -1.
 */
gint64 ham_pcmk_interval_ms(const char *value);

/** ham_xml_is: @node is an element called @name. */
gboolean ham_xml_is(const xmlNode *node, const char *name);

/** ham_xml_child: the first child element called @name, or NULL. (transfer none). */
xmlNode *ham_xml_child(const xmlNode *node, const char *name);

/**
 * ham_xml_set_value:
 * The value of the nvpair called @name in any @set_tag child of @node
 * ("meta_attributes", "instance_attributes", "cluster_property_set"): the
 * first in document order, or NULL when there is none or @node is NULL.
 * Rules and scores of the sets are not weighed: plastik writes one set of
 * each kind. (transfer full): g_free().
 */
char *ham_xml_set_value(const xmlNode *node, const char *set_tag, const char *name);

/** ham_xml_nvpair: adds <nvpair id="SETID-NAME" name= value=/> to @set. */
xmlNode *ham_xml_nvpair(xmlNode *set, const char *name, const char *value);

/** ham_xml_find_id: the element (anywhere under @root) whose id is @id. (transfer none). */
xmlNode *ham_xml_find_id(xmlNode *root, const char *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)

G_END_DECLS
