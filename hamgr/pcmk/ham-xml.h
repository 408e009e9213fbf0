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

/** ham_xml_prop_bool: "true"/"1"/"yes"/"on" → TRUE. */
gboolean ham_xml_prop_bool(const xmlNode *node, const char *name);

/** ham_xml_is: @node is an element called @name. */
gboolean ham_xml_is(const xmlNode *node, const char *name);

/** ham_xml_child: the first child element called @name, or NULL. (transfer none). */
xmlNode *ham_xml_child(const xmlNode *node, const char *name);

/** ham_xml_nvpair: adds <nvpair id="SETID-NAME" name= value=/> to @set. */
xmlNode *ham_xml_nvpair(xmlNode *set, const char *name, const char *value);

/** ham_xml_find_id: the element (anywhere under @root) whose id is @id. (transfer none). */
xmlNode *ham_xml_find_id(xmlNode *root, const char *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)

G_END_DECLS
