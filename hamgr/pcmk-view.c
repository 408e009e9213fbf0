/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CIB as hamgrd reports it: pure, libxml2 only (ham-pcmk-notify.h). */
#include "ham-pcmk-notify.h"

#include <string.h>

static gboolean is_element(xmlNode *n, const char *name)
{
        return n && n->type == XML_ELEMENT_NODE && n->name &&
               g_str_equal((const char *)n->name, name);
}

static xmlNode *child(xmlNode *parent, const char *name)
{
        if (!parent)
                return NULL;
        for (xmlNode *c = parent->children; c; c = c->next)
                if (is_element(c, name))
                        return c;
        return NULL;
}

/* (transfer full) g_free()-able copy of an attribute, or NULL. */
static char *prop(xmlNode *n, const char *name)
{
        xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
        char *s = v ? g_strdup((const char *)v) : NULL;
        xmlFree(v);
        return s;
}

static json_object *string_or_null(const char *s)
{
        return s ? json_object_new_string(s) : NULL;
}

/* Pacemaker 2.1.5 writes "true"/"false" and "online"/"offline"; later
 * versions write the time of the change, where "0" means never. */
static gboolean truthy(const char *s, const char *yes)
{
        if (!s)
                return FALSE;
        if (g_str_equal(s, yes))
                return TRUE;
        if (g_ascii_isdigit(s[0]))
                return strtoull(s, NULL, 10) != 0;
        return FALSE;
}

static json_object *node_attributes(xmlNode *state)
{
        json_object *attrs = json_object_new_object();
        xmlNode *ta = child(state, "transient_attributes");
        if (!ta)
                return attrs;
        for (xmlNode *ia = ta->children; ia; ia = ia->next) {
                if (!is_element(ia, "instance_attributes"))
                        continue;
                for (xmlNode *nv = ia->children; nv; nv = nv->next) {
                        if (!is_element(nv, "nvpair"))
                                continue;
                        g_autofree char *name = prop(nv, "name");
                        g_autofree char *value = prop(nv, "value");
                        if (name && g_str_has_prefix(name, "plastik-"))
                                json_object_object_add(attrs, name, string_or_null(value));
                }
        }
        return attrs;
}

static xmlNode *find_state(xmlNode *status, const char *id)
{
        if (!status || !id)
                return NULL;
        for (xmlNode *s = status->children; s; s = s->next) {
                if (!is_element(s, "node_state"))
                        continue;
                g_autofree char *sid = prop(s, "id");
                if (g_strcmp0(sid, id) == 0)
                        return s;
        }
        return NULL;
}

json_object *ham_pcmk_cib_view(xmlNode *cib)
{
        json_object *view = json_object_new_object();
        json_object *nodes = json_object_new_array();
        g_autofree char *dc_uuid = NULL, *have_quorum = NULL;
        g_autofree char *admin_epoch = NULL, *epoch = NULL, *num_updates = NULL;
        const char *dc = NULL;
        xmlNode *config, *nodes_el, *status;

        json_object_object_add(view, "nodes", nodes);
        if (!is_element(cib, "cib")) {
                json_object_object_add(view, "dc", NULL);
                json_object_object_add(view, "have_quorum", json_object_new_boolean(FALSE));
                json_object_object_add(view, "epoch", NULL);
                return view;
        }
        dc_uuid = prop(cib, "dc-uuid");
        have_quorum = prop(cib, "have-quorum");
        admin_epoch = prop(cib, "admin_epoch");
        epoch = prop(cib, "epoch");
        num_updates = prop(cib, "num_updates");
        config = child(cib, "configuration");
        nodes_el = child(config, "nodes");
        status = child(cib, "status");

        for (xmlNode *n = nodes_el ? nodes_el->children : NULL; n; n = n->next) {
                if (!is_element(n, "node"))
                        continue;
                g_autofree char *id = prop(n, "id");
                g_autofree char *uname = prop(n, "uname");
                if (!id || !uname)
                        continue;
                xmlNode *st = find_state(status, id);
                g_autofree char *in_ccm = st ? prop(st, "in_ccm") : NULL;
                g_autofree char *crmd = st ? prop(st, "crmd") : NULL;
                g_autofree char *join = st ? prop(st, "join") : NULL;
                gboolean online = truthy(in_ccm, "true") && truthy(crmd, "online") &&
                                  g_strcmp0(join, "member") == 0;
                json_object *o = json_object_new_object();
                json_object_object_add(o, "name", json_object_new_string(uname));
                json_object_object_add(o, "id", json_object_new_string(id));
                json_object_object_add(o, "in_ccm", json_object_new_boolean(truthy(in_ccm, "true")));
                json_object_object_add(o, "crmd", json_object_new_boolean(truthy(crmd, "online")));
                json_object_object_add(o, "join", string_or_null(join));
                json_object_object_add(o, "online", json_object_new_boolean(online));
                json_object_object_add(o, "attributes", node_attributes(st));
                json_object_array_add(nodes, o);
                if (dc_uuid && g_str_equal(dc_uuid, id))
                        dc = json_object_get_string(json_object_object_get(o, "name"));
        }
        json_object_object_add(view, "dc", string_or_null(dc));
        json_object_object_add(view, "have_quorum",
                               json_object_new_boolean(truthy(have_quorum, "true") ||
                                                       g_strcmp0(have_quorum, "1") == 0));
        if (admin_epoch && epoch && num_updates) {
                g_autofree char *e = g_strdup_printf("%s:%s:%s", admin_epoch, epoch, num_updates);
                json_object_object_add(view, "epoch", json_object_new_string(e));
        } else {
                json_object_object_add(view, "epoch", NULL);
        }
        return view;
}
