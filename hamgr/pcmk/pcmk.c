/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The only file that calls libcib. XML crosses the boundary as text: what
 * Pacemaker returns is serialized and parsed again with plain libxml2, and
 * what plastik builds is serialized and parsed with string2xml(), so no
 * node ever carries the other library's private bookkeeping.
 */
#include "ham.h"
#include "ham-xml.h"
#include "ham-pcmk.h"
#include "pcmk-internal.h"
#include "pk.h"

#include <crm/cib.h>
#include <crm/common/results.h>
#include <crm/common/xml.h>
#include <crm/msg_xml.h>
#include <stdlib.h>
#include <string.h>

#define CALL_OPTS (cib_sync_call)

gboolean ham_pcmk_failed(GError **error, int rc, const char *fmt, ...)
{
        g_autofree char *what = NULL;
        va_list ap;

        va_start(ap, fmt);
        what = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_set_error(error, HAM_ERROR, HAM_ERROR_PCMK, "%s: %s", what, pcmk_strerror(rc));
        return FALSE;
}

HamPcmk *ham_pcmk_connect(const char *client_name, GError **error)
{
        cib_t *cib = cib_new();
        HamPcmk *p;
        int rc;

        if (!cib) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_PCMK, "cannot create a CIB connection");
                return NULL;
        }
        rc = cib->cmds->signon(cib, client_name, cib_command);
        if (rc != pcmk_ok) {
                cib_delete(cib);
                ham_pcmk_failed(error, rc, "cannot connect to the CIB manager (is pacemaker running?)");
                return NULL;
        }
        p = g_new0(HamPcmk, 1);
        p->cib = cib;
        return p;
}

void ham_pcmk_close(HamPcmk *pcmk)
{
        if (!pcmk)
                return;
        pcmk->cib->cmds->signoff(pcmk->cib);
        cib_delete(pcmk->cib);
        g_free(pcmk);
}

/*
 * What a query answered (@rc, @out), as text (transfer full: g_free()), or
 * NULL with @error saying what failed and Pacemaker's reason. Frees @out:
 * Pacemaker's XML never leaves this file.
 */
static char *query_answer(int rc, xmlNode *out, GError **error, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static char *query_answer(int rc, xmlNode *out, GError **error, const char *fmt, ...)
{
        char *text, *copy;

        if (rc != pcmk_ok || !out) {
                g_autofree char *what = NULL;
                va_list ap;

                if (out)
                        free_xml(out);
                va_start(ap, fmt);
                what = g_strdup_vprintf(fmt, ap);
                va_end(ap);
                ham_pcmk_failed(error, rc, "%s", what);
                return NULL;
        }
        text = dump_xml_formatted(out);
        free_xml(out);
        copy = g_strdup(text);
        free(text);
        return copy;
}

char *ham_pcmk_query_xml(HamPcmk *pcmk, const char *section, GError **error)
{
        xmlNode *out = NULL;
        int rc;

        rc = pcmk->cib->cmds->query(pcmk->cib, section, &out, CALL_OPTS | cib_scope_local);
        return query_answer(rc, out, error, "cannot query the CIB%s%s", section ? " section " : "",
                            section ? section : "");
}

char *ham_pcmk_query_node_xml(HamPcmk *pcmk, const char *node, const char *section, int timeout_s,
                              GError **error)
{
        xmlNode *out = NULL;
        int saved = pcmk->cib->call_timeout, rc;

        /* The local CIB manager forwards the query over corosync to @node's
         * own manager, which answers from its own copy; with no membership
         * between the two, nothing answers and the call times out. */
        pcmk->cib->call_timeout = timeout_s;
        rc = pcmk->cib->cmds->query_from(pcmk->cib, node, section, &out, CALL_OPTS);
        pcmk->cib->call_timeout = saved;
        return query_answer(rc, out, error, "%s's own CIB did not answer a query%s%s within %d s", node,
                            section ? " of section " : "", section ? section : "", timeout_s);
}

static xmlDoc *query_doc(HamPcmk *pcmk, const char *section, GError **error)
{
        g_autofree char *text = ham_pcmk_query_xml(pcmk, section, error);

        return text ? ham_xml_parse(text, strlen(text), "the CIB", error) : NULL;
}

/* Hands plastik-built XML to Pacemaker as Pacemaker's own. */
static xmlNode *to_pcmk(xmlNode *mine)
{
        g_autofree char *text = ham_xml_to_string(mine);
        return string2xml(text);
}

static int cib_modify(HamPcmk *pcmk, const char *section, xmlNode *mine)
{
        xmlNode *x = to_pcmk(mine);
        int rc;

        if (!x)
                return -EINVAL;
        rc = pcmk->cib->cmds->modify(pcmk->cib, section, x, CALL_OPTS | cib_can_create);
        free_xml(x);
        return rc;
}

/* ---- options ---------------------------------------------------------------------- */

static gboolean option_set_kind(const char *section, const char **ret_tag, const char **ret_id,
                                GError **error)
{
        if (g_strcmp0(section, "crm_config") == 0) {
                *ret_tag = "cluster_property_set";
                *ret_id = "cib-bootstrap-options";
        } else if (g_strcmp0(section, "rsc_defaults") == 0 || g_strcmp0(section, "op_defaults") == 0) {
                *ret_tag = "meta_attributes";
                *ret_id = g_str_equal(section, "rsc_defaults") ? "rsc-options" : "op-options";
        } else {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                            "unknown option section \"%s\" (crm_config, rsc_defaults or op_defaults)",
                            section ? section : "");
                return FALSE;
        }
        return TRUE;
}

/* The nvpair called @name in the first set of @tag under @parent. (transfer none) */
static xmlNode *find_nvpair(xmlNode *parent, const char *tag, const char *name, xmlNode **ret_set)
{
        for (xmlNode *s = parent ? parent->children : NULL; s; s = s->next) {
                if (!ham_xml_is(s, tag))
                        continue;
                if (ret_set && !*ret_set)
                        *ret_set = s;
                for (xmlNode *nv = s->children; nv; nv = nv->next) {
                        g_autofree char *n = ham_xml_prop(nv, "name");
                        if (ham_xml_is(nv, "nvpair") && g_strcmp0(n, name) == 0) {
                                if (ret_set)
                                        *ret_set = s;
                                return nv;
                        }
                }
        }
        return NULL;
}

static xmlNode *section_of(xmlDoc *doc, const char *section)
{
        xmlNode *root = xmlDocGetRootElement(doc);

        if (ham_xml_is(root, section))
                return root;
        if (ham_xml_is(root, "cib"))
                root = ham_xml_child(root, "configuration");
        return ham_xml_child(root, section);
}

gboolean ham_pcmk_get_option(HamPcmk *pcmk, const char *section, const char *name,
                             char **ret_value, GError **error)
{
        const char *tag, *set_id;
        g_autoptr(xmlDoc) doc = NULL;
        xmlNode *nv;

        if (!option_set_kind(section, &tag, &set_id, error))
                return FALSE;
        doc = query_doc(pcmk, "configuration", error);
        if (!doc)
                return FALSE;
        nv = find_nvpair(section_of(doc, section), tag, name, NULL);
        *ret_value = nv ? ham_xml_prop(nv, "value") : NULL;
        return TRUE;
}

gboolean ham_pcmk_set_option(HamPcmk *pcmk, const char *section, const char *name,
                             const char *value, GError **error)
{
        const char *tag, *set_id;
        g_autoptr(xmlDoc) doc = NULL;
        g_autofree char *have_set_id = NULL, *have_nv_id = NULL;
        xmlNode *top, *set_node, *nv, *have_set = NULL, *have_nv;
        int rc;

        if (!option_set_kind(section, &tag, &set_id, error))
                return FALSE;
        doc = query_doc(pcmk, "configuration", error);
        if (!doc)
                return FALSE;
        /* Update the pair where it is, whatever its id (pcs and crmsh name
         * sets differently); a new pair goes into the first set. */
        have_nv = find_nvpair(section_of(doc, section), tag, name, &have_set);
        if (have_set)
                have_set_id = ham_xml_prop(have_set, "id");
        if (have_nv)
                have_nv_id = ham_xml_prop(have_nv, "id");
        top = xmlNewNode(NULL, (const xmlChar *)section);
        set_node = xmlNewChild(top, NULL, (const xmlChar *)tag, NULL);
        xmlNewProp(set_node, (const xmlChar *)"id", (const xmlChar *)(have_set_id ? have_set_id : set_id));
        nv = ham_xml_nvpair(set_node, name, value);
        if (have_nv_id)
                xmlSetProp(nv, (const xmlChar *)"id", (const xmlChar *)have_nv_id);
        rc = cib_modify(pcmk, section, top);
        xmlFreeNode(top);
        if (rc != pcmk_ok)
                return ham_pcmk_failed(error, rc, "cannot set %s=%s in %s", name, value, section);
        return TRUE;
}

/* ---- nodes ------------------------------------------------------------------------ */

static xmlNode *node_by_uname(xmlNode *nodes, const char *uname)
{
        for (xmlNode *n = nodes ? nodes->children : NULL; n; n = n->next) {
                g_autofree char *u = ham_xml_prop(n, "uname");
                if (ham_xml_is(n, "node") && g_strcmp0(u, uname) == 0)
                        return n;
        }
        return NULL;
}

static xmlNode *find_node(xmlDoc *doc, const char *uname, GError **error)
{
        xmlNode *nodes = section_of(doc, "nodes");
        xmlNode *n = node_by_uname(nodes, uname);
        g_autoptr(GString) known = NULL;

        if (n)
                return n;
        known = g_string_new(NULL);
        for (xmlNode *c = nodes ? nodes->children : NULL; c; c = c->next) {
                g_autofree char *u = ham_xml_prop(c, "uname");
                if (ham_xml_is(c, "node") && u)
                        g_string_append_printf(known, "%s%s", known->len ? ", " : "", u);
        }
        g_set_error(error, HAM_ERROR, HAM_ERROR_NOT_FOUND, "the cluster has no node %s (it knows: %s)",
                    uname, known->len ? known->str : "none yet");
        return NULL;
}

gboolean ham_pcmk_node_id(HamPcmk *pcmk, const char *uname, char **ret_id, GError **error)
{
        g_autoptr(xmlDoc) doc = query_doc(pcmk, "nodes", error);
        xmlNode *n;

        if (!doc || !(n = find_node(doc, uname, error)))
                return FALSE;
        *ret_id = ham_xml_prop(n, "id");
        return *ret_id != NULL;
}

gboolean ham_pcmk_node_attr_get(HamPcmk *pcmk, const char *uname, const char *name,
                                char **ret_value, GError **error)
{
        g_autoptr(xmlDoc) doc = query_doc(pcmk, "nodes", error);
        xmlNode *n, *nv;

        if (!doc || !(n = find_node(doc, uname, error)))
                return FALSE;
        nv = find_nvpair(n, "instance_attributes", name, NULL);
        *ret_value = nv ? ham_xml_prop(nv, "value") : NULL;
        return TRUE;
}

gboolean ham_pcmk_node_attr_set(HamPcmk *pcmk, const char *uname, const char *name,
                                const char *value, GError **error)
{
        g_autoptr(xmlDoc) doc = query_doc(pcmk, "nodes", error);
        g_autofree char *id = NULL, *set_id = NULL, *nv_id = NULL;
        xmlNode *n, *have_set = NULL, *have_nv, *top, *node, *set_node, *nv;
        int rc;

        if (!doc || !(n = find_node(doc, uname, error)))
                return FALSE;
        id = ham_xml_prop(n, "id");
        have_nv = find_nvpair(n, "instance_attributes", name, &have_set);
        set_id = have_set ? ham_xml_prop(have_set, "id") : g_strdup_printf("nodes-%s", id);
        nv_id = have_nv ? ham_xml_prop(have_nv, "id") : NULL;
        if (!value) {
                if (!have_nv)
                        return TRUE; /* nothing to remove */
                nv = xmlNewNode(NULL, (const xmlChar *)"nvpair");
                xmlNewProp(nv, (const xmlChar *)"id", (const xmlChar *)nv_id);
                {
                        xmlNode *x = to_pcmk(nv);
                        rc = x ? pcmk->cib->cmds->remove(pcmk->cib, "nodes", x, CALL_OPTS) : -EINVAL;
                        if (x)
                                free_xml(x);
                }
                xmlFreeNode(nv);
                if (rc != pcmk_ok)
                        return ham_pcmk_failed(error, rc, "cannot remove %s from node %s", name, uname);
                return TRUE;
        }
        top = xmlNewNode(NULL, (const xmlChar *)"nodes");
        node = xmlNewChild(top, NULL, (const xmlChar *)"node", NULL);
        xmlNewProp(node, (const xmlChar *)"id", (const xmlChar *)id);
        xmlNewProp(node, (const xmlChar *)"uname", (const xmlChar *)uname);
        set_node = xmlNewChild(node, NULL, (const xmlChar *)"instance_attributes", NULL);
        xmlNewProp(set_node, (const xmlChar *)"id", (const xmlChar *)set_id);
        nv = ham_xml_nvpair(set_node, name, value);
        if (nv_id)
                xmlSetProp(nv, (const xmlChar *)"id", (const xmlChar *)nv_id);
        rc = cib_modify(pcmk, "nodes", top);
        xmlFreeNode(top);
        if (rc != pcmk_ok)
                return ham_pcmk_failed(error, rc, "cannot set %s=%s on node %s", name, value, uname);
        return TRUE;
}

/* ---- guests ------------------------------------------------------------------------- */

/* One replace of the configuration section: all of a change or none. */
static gboolean replace_configuration(HamPcmk *pcmk, xmlNode *configuration, GError **error)
{
        xmlNode *x = to_pcmk(configuration);
        int rc;

        if (!x) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "the new configuration does not serialize");
                return FALSE;
        }
        rc = pcmk->cib->cmds->replace(pcmk->cib, "configuration", x, CALL_OPTS);
        free_xml(x);
        if (rc != pcmk_ok)
                return ham_pcmk_failed(error, rc, "the CIB refused the new configuration (nothing was changed)");
        return TRUE;
}

gboolean ham_pcmk_guest_apply(HamPcmk *pcmk, const HamGuestSpec *spec, GError **error)
{
        g_autoptr(xmlDoc) doc = query_doc(pcmk, "configuration", error);

        if (!doc || !ham_cib_guest_merge(xmlDocGetRootElement(doc), spec, error))
                return FALSE;
        return replace_configuration(pcmk, xmlDocGetRootElement(doc), error);
}

/* The ids of guest @name's primitives under @node: guest-NAME and
 * drbd-pk-NAME-VOLUME. */
static void guest_primitive_ids(xmlNode *node, const char *name, GPtrArray *out)
{
        g_autofree char *gid = ham_cib_guest_id(name);

        for (xmlNode *c = node; c; c = c->next) {
                if (c->type != XML_ELEMENT_NODE)
                        continue;
                if (ham_xml_is(c, "primitive")) {
                        g_autofree char *id = ham_xml_prop(c, "id");
                        g_autofree char *guest = NULL, *volume = NULL;
                        if (id && (g_str_equal(id, gid) ||
                                   (g_str_has_prefix(id, "drbd-") &&
                                    dg_resource_name_parse(id + strlen("drbd-"), &guest, &volume) &&
                                    g_str_equal(guest, name))))
                                g_ptr_array_add(out, g_steal_pointer(&id));
                }
                guest_primitive_ids(c->children, name, out);
        }
}

/* crm_resource ARGS...: TRUE when it exited 0; its stderr goes to the log. */
static gboolean crm_resource(const char *a1, const char *a2, const char *a3)
{
        const char *argv[] = { "crm_resource", a1, a2, a3, NULL };
        g_autofree char *out = NULL, *err = NULL;
        int status;

        if (pk_spawn_sync(argv, &out, &err, &status, NULL) && status == 0)
                return TRUE;
        g_info("crm_resource %s %s %s failed: %s", a1, a2 ? a2 : "", a3 ? a3 : "",
               err && *err ? g_strstrip(err) : "(no message)");
        return FALSE;
}

/* Deletes the operation history of @ids (NULL-terminated primitive ids,
 * no longer configured) until the status section has none for
 * HISTORY_CLEAN_POLLS polls in a row, or HISTORY_WAIT_S pass.
 *
 * Why: an instance recorded as running there is an orphan Pacemaker stops,
 * without its parameters: the drbd agent's stop fails and the node is
 * fenced. That happens when the objects went while Pacemaker acted on
 * nothing (no fence device yet) and a device is added later. One refresh
 * is not enough: the result of a probe still running when the history was
 * deleted (say, after a crm_resource --cleanup moments before) is recorded
 * afterwards and brings the history back. Hence the settle before the
 * removal and the polls after it. */
#define HISTORY_WAIT_S 60
#define HISTORY_CLEAN_POLLS 3
static void forget_history(HamPcmk *pcmk, const char *const *ids)
{
        gint64 end = pk_now_ms() + HISTORY_WAIT_S * 1000;
        guint clean = 0;

        if (!ids[0])
                return;
        while (clean < HISTORY_CLEAN_POLLS) {
                g_autoptr(GError) e = NULL;
                g_autofree char *status = ham_pcmk_query_xml(pcmk, "status", &e);
                g_autoptr(GPtrArray) left = status ? ham_cib_history_left(status, strlen(status), ids, &e) : NULL;

                if (left && left->len == 0) {
                        clean++;
                } else if (pk_now_ms() > end) {
                        g_warning("Pacemaker may still hold operation history of %s after %d s (%s); if "
                                  "crm_mon shows it as an orphan, clear it with crm_resource --refresh "
                                  "--resource ID", left ? (const char *)left->pdata[0] : ids[0],
                                  HISTORY_WAIT_S, left ? "it is there" : e->message);
                        return;
                } else {
                        clean = 0;
                        if (!left)
                                g_info("reading the CIB's status section failed: %s", e->message);
                        else
                                for (const char *const *id = ids; *id; id++)
                                        crm_resource("--refresh", "--resource", *id);
                }
                if (clean < HISTORY_CLEAN_POLLS)
                        g_usleep(G_USEC_PER_SEC);
        }
}

gboolean ham_pcmk_guest_remove(HamPcmk *pcmk, const char *name, GError **error)
{
        g_autoptr(xmlDoc) doc = NULL;
        g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
        guint n;

        /* Operations in flight finish first (bounded: a busy cluster is
         * not waited for long), so fewer results come back after the
         * history is gone. */
        crm_resource("--wait", "--timeout=60s", NULL);
        doc = query_doc(pcmk, "configuration", error);
        if (!doc)
                return FALSE;
        guest_primitive_ids(xmlDocGetRootElement(doc), name, ids);
        if (!ham_cib_guest_unmerge(xmlDocGetRootElement(doc), name, &n, error) ||
            !replace_configuration(pcmk, xmlDocGetRootElement(doc), error))
                return FALSE;
        g_ptr_array_add(ids, NULL);
        forget_history(pcmk, (const char *const *)ids->pdata);
        return TRUE;
}

/* Sets target-role on @elem (a primitive or a clone of the resources
 * section in @doc), updating the pair where it is, so a target-role set by
 * crm_resource or pcs is changed, not shadowed by a second one. */
static gboolean set_target_role(HamPcmk *pcmk, xmlNode *elem, const char *role, GError **error)
{
        g_autofree char *id = ham_xml_prop(elem, "id");
        g_autofree char *set_id = NULL, *nv_id = NULL;
        xmlNode *have_set = NULL, *have_nv, *top, *p, *set_node, *nv;
        int rc;

        have_nv = find_nvpair(elem, "meta_attributes", "target-role", &have_set);
        set_id = have_set ? ham_xml_prop(have_set, "id") : g_strdup_printf("%s-meta_attributes", id);
        nv_id = have_nv ? ham_xml_prop(have_nv, "id") : NULL;
        top = xmlNewNode(NULL, (const xmlChar *)"resources");
        p = xmlNewChild(top, NULL, elem->name, NULL);
        xmlNewProp(p, (const xmlChar *)"id", (const xmlChar *)id);
        set_node = xmlNewChild(p, NULL, (const xmlChar *)"meta_attributes", NULL);
        xmlNewProp(set_node, (const xmlChar *)"id", (const xmlChar *)set_id);
        nv = ham_xml_nvpair(set_node, "target-role", role);
        if (nv_id)
                xmlSetProp(nv, (const xmlChar *)"id", (const xmlChar *)nv_id);
        rc = cib_modify(pcmk, "resources", top);
        xmlFreeNode(top);
        if (rc != pcmk_ok)
                return ham_pcmk_failed(error, rc, "cannot set target-role=%s on %s", role, id);
        return TRUE;
}

gboolean ham_pcmk_guest_target_role(HamPcmk *pcmk, const char *name, const char *role,
                                    GError **error)
{
        g_autoptr(xmlDoc) doc = query_doc(pcmk, "resources", error);
        g_autofree char *gid = ham_cib_guest_id(name);
        xmlNode *prim;

        if (!doc)
                return FALSE;
        prim = ham_xml_find_id(xmlDocGetRootElement(doc), gid);
        if (!prim || !ham_xml_is(prim, "primitive")) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_NOT_FOUND,
                            "the cluster has no guest %s (hactl guest list shows the guests)", name);
                return FALSE;
        }
        return set_target_role(pcmk, prim, role, error);
}

gboolean ham_pcmk_guest_volumes_target_role(HamPcmk *pcmk, const char *name, const char *role,
                                            GError **error)
{
        g_autoptr(xmlDoc) doc = query_doc(pcmk, "resources", error);
        xmlNode *res;

        if (!doc)
                return FALSE;
        res = xmlDocGetRootElement(doc);
        if (res && !ham_xml_is(res, "resources"))
                res = ham_xml_child(res, "resources");
        for (xmlNode *c = res ? res->children : NULL; c; c = c->next) {
                g_autofree char *id = NULL, *rname = NULL, *guest = NULL, *volume = NULL;
                if (!ham_xml_is(c, "clone"))
                        continue;
                id = ham_xml_prop(c, "id");
                /* drbd-pk-GUEST-VOLUME-clone: volume names hold no '-', so
                 * the name splits back one way only (dg_resource_name_parse). */
                if (!id || !g_str_has_prefix(id, "drbd-pk-") || !g_str_has_suffix(id, "-clone"))
                        continue;
                rname = g_strndup(id + strlen("drbd-"), strlen(id) - strlen("drbd-") - strlen("-clone"));
                if (!dg_resource_name_parse(rname, &guest, &volume) || g_strcmp0(guest, name) != 0)
                        continue;
                if (!set_target_role(pcmk, c, role, error))
                        return FALSE;
        }
        return TRUE;
}

gboolean ham_pcmk_location_set(HamPcmk *pcmk, const char *id, const char *rsc,
                               const char *node, const char *score, GError **error)
{
        xmlNode *top = xmlNewNode(NULL, (const xmlChar *)"constraints");
        xmlNode *loc = xmlNewChild(top, NULL, (const xmlChar *)"rsc_location", NULL);
        int rc;

        xmlNewProp(loc, (const xmlChar *)"id", (const xmlChar *)id);
        xmlNewProp(loc, (const xmlChar *)"rsc", (const xmlChar *)rsc);
        xmlNewProp(loc, (const xmlChar *)"node", (const xmlChar *)node);
        xmlNewProp(loc, (const xmlChar *)"score", (const xmlChar *)score);
        rc = cib_modify(pcmk, "constraints", top);
        xmlFreeNode(top);
        if (rc != pcmk_ok)
                return ham_pcmk_failed(error, rc, "cannot place %s on %s (constraint %s)", rsc, node, id);
        return TRUE;
}

gboolean ham_pcmk_constraint_remove(HamPcmk *pcmk, const char *id, GError **error)
{
        g_autoptr(xmlDoc) doc = query_doc(pcmk, "constraints", error);
        xmlNode *c, *x;
        int rc;

        if (!doc)
                return FALSE;
        c = ham_xml_find_id(xmlDocGetRootElement(doc), id);
        if (!c)
                return TRUE;
        x = create_xml_node(NULL, (const char *)c->name);
        crm_xml_add(x, "id", id);
        rc = pcmk->cib->cmds->remove(pcmk->cib, "constraints", x, CALL_OPTS);
        free_xml(x);
        if (rc != pcmk_ok)
                return ham_pcmk_failed(error, rc, "cannot remove constraint %s", id);
        return TRUE;
}
