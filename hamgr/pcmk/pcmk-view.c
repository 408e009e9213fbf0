/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CIB as hamgrd reports it: pure, libxml2 only (ham-pcmk-notify.h). */
#include "ham-xml.h"
#include "ham-health.h"
#include "ham-pcmk-notify.h"
#include "ham-pcmk.h"
#include "hv.h"
#include "pk.h"

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
                        if (name && g_str_has_prefix(name, HAM_ATTR_PREFIX))
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

/* A node is online in this partition when its node_state says it is a
 * corosync member, its controller is up and it joined the DC: Pacemaker's
 * scheduler (determine_online_status) asks the same three. */
static gboolean state_online(xmlNode *st)
{
        g_autofree char *in_ccm = st ? prop(st, "in_ccm") : NULL;
        g_autofree char *crmd = st ? prop(st, "crmd") : NULL;
        g_autofree char *join = st ? prop(st, "join") : NULL;

        return truthy(in_ccm, "true") && truthy(crmd, "online") && g_strcmp0(join, "member") == 0;
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
                gboolean online = state_online(st);
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
                               json_object_new_boolean(ham_pcmk_is_true(have_quorum)));
        if (admin_epoch && epoch && num_updates) {
                g_autofree char *e = g_strdup_printf("%s:%s:%s", admin_epoch, epoch, num_updates);
                json_object_object_add(view, "epoch", json_object_new_string(e));
        } else {
                json_object_object_add(view, "epoch", NULL);
        }
        return view;
}

/* ---- resources, constraints and where they run ------------------------------ */

/* Pacemaker's reading of an operation history, simplified: the operations
 * in call order; starts and promotions make a resource run, stops end it, a
 * monitor reports what it found (0 running, 8 promoted, 7 not running), and
 * a failure of anything but a stop makes it "Failed" until a later success.
 * Static result. */
static const char *lrm_state(xmlNode *lrm_resource)
{
        g_autoptr(GPtrArray) ops = g_ptr_array_new();
        const char *state = "Stopped";

        for (xmlNode *op = lrm_resource->children; op; op = op->next)
                if (is_element(op, "lrm_rsc_op"))
                        g_ptr_array_add(ops, op);
        /* Few operations per resource: a plain selection by call-id. */
        for (guint i = 0; i < ops->len; i++) {
                for (guint j = i + 1; j < ops->len; j++) {
                        g_autofree char *a = prop(ops->pdata[i], "call-id");
                        g_autofree char *b = prop(ops->pdata[j], "call-id");
                        if (g_ascii_strtoll(b ? b : "0", NULL, 10) <
                            g_ascii_strtoll(a ? a : "0", NULL, 10)) {
                                gpointer t = ops->pdata[i];
                                ops->pdata[i] = ops->pdata[j];
                                ops->pdata[j] = t;
                        }
                }
        }
        for (guint i = 0; i < ops->len; i++) {
                g_autofree char *name = prop(ops->pdata[i], "operation");
                g_autofree char *rc_s = prop(ops->pdata[i], "rc-code");
                g_autofree char *status = prop(ops->pdata[i], "op-status");
                long rc = rc_s ? strtol(rc_s, NULL, 10) : -1;
                if (!name || (status && g_strcmp0(status, "0") != 0 && g_strcmp0(status, "-1") != 0 &&
                              g_strcmp0(status, "4") != 0))
                        continue;  /* pending or cancelled: says nothing yet */
                if (g_str_equal(name, "stop")) {
                        state = rc == 0 ? "Stopped" : "Failed";
                } else if (g_str_equal(name, "monitor")) {
                        state = rc == 0 ? (g_str_equal(state, "Promoted") ? state : "Started") :
                                rc == 8 ? "Promoted" : rc == 7 ? "Stopped" : "Failed";
                } else if (g_str_equal(name, "start") || g_str_equal(name, "migrate_from")) {
                        state = rc == 0 ? "Started" : "Failed";
                } else if (g_str_equal(name, "promote")) {
                        state = rc == 0 ? "Promoted" : "Failed";
                } else if (g_str_equal(name, "demote")) {
                        state = rc == 0 ? "Started" : "Failed";
                }
        }
        return state;
}

/* {RSC: {NODE: STATE}} for every resource with a history; clone instance
 * suffixes (":0") dropped. */
static json_object *lrm_states(xmlNode *status)
{
        json_object *all = json_object_new_object();
        for (xmlNode *s = status ? status->children : NULL; s; s = s->next) {
                if (!is_element(s, "node_state"))
                        continue;
                g_autofree char *uname = prop(s, "uname");
                xmlNode *rscs = child(child(s, "lrm"), "lrm_resources");
                if (!uname || !rscs)
                        continue;
                for (xmlNode *r = rscs->children; r; r = r->next) {
                        if (!is_element(r, "lrm_resource"))
                                continue;
                        g_autofree char *id = prop(r, "id");
                        if (!id)
                                continue;
                        char *colon = strchr(id, ':');
                        if (colon)
                                *colon = '\0';
                        json_object *per = json_object_object_get(all, id);
                        if (!per) {
                                per = json_object_new_object();
                                json_object_object_add(all, id, per);
                        }
                        json_object_object_add(per, uname, json_object_new_string(lrm_state(r)));
                }
        }
        return all;
}

/* (transfer full) The nodes (sorted) where @rsc is in one of the states given. */
static GPtrArray *nodes_in(json_object *lrm, const char *rsc, const char *s1, const char *s2)
{
        GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
        json_object *per = json_object_object_get(lrm, rsc);
        if (per) {
                json_object_object_foreach(per, node, st) {
                        const char *v = json_object_get_string(st);
                        if (g_strcmp0(v, s1) == 0 || g_strcmp0(v, s2) == 0)
                                g_ptr_array_add(names, g_strdup(node));
                }
        }
        for (guint i = 0; i < names->len; i++)
                for (guint j = i + 1; j < names->len; j++)
                        if (g_strcmp0(names->pdata[j], names->pdata[i]) < 0) {
                                gpointer t = names->pdata[i];
                                names->pdata[i] = names->pdata[j];
                                names->pdata[j] = t;
                        }
        return names;
}

static void collect_primitives(xmlNode *n, const char *parent, GPtrArray *prims, GPtrArray *parents)
{
        for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
                if (is_element(c, "primitive")) {
                        g_ptr_array_add(prims, c);
                        g_ptr_array_add(parents, (gpointer)parent);
                } else if (is_element(c, "clone") || is_element(c, "group") ||
                           is_element(c, "master") || is_element(c, "bundle")) {
                        /* The id is borrowed from the tree, which outlives the lists. */
                        const char *cid = NULL;
                        for (xmlAttr *a = c->properties; a; a = a->next)
                                if (g_str_equal((const char *)a->name, "id") && a->children)
                                        cid = (const char *)a->children->content;
                        collect_primitives(c, cid, prims, parents);
                }
        }
}

static gboolean has_constraint(xmlNode *constraints, const char *element, const char *k1,
                               const char *v1, const char *k2, const char *v2, const char *k3,
                               const char *v3)
{
        for (xmlNode *c = constraints ? constraints->children : NULL; c; c = c->next) {
                if (!is_element(c, element))
                        continue;
                g_autofree char *a = prop(c, k1);
                g_autofree char *b = prop(c, k2);
                g_autofree char *d = k3 ? prop(c, k3) : NULL;
                if (g_strcmp0(a, v1) == 0 && g_strcmp0(b, v2) == 0 &&
                    (!k3 || g_strcmp0(d, v3) == 0))
                        return TRUE;
        }
        return FALSE;
}

/* ---- the fence handler's constraint ------------------------------------------------ */

char *ham_fence_constraint_id(const char *resource, const char *clone_id)
{
        return g_strdup_printf("drbd-fence-by-handler-%s-%s", resource, clone_id);
}

char *ham_fence_constraint_node(xmlNode *constraint, const char *clone_id)
{
        g_autofree char *rsc = NULL, *role = NULL, *score = NULL, *attr = NULL, *op = NULL;
        xmlNode *rule, *expr;

        if (!is_element(constraint, "rsc_location") || !clone_id)
                return NULL;
        rsc = prop(constraint, "rsc");
        if (g_strcmp0(rsc, clone_id) != 0 || !(rule = child(constraint, "rule")))
                return NULL;
        role = prop(rule, "role");
        score = prop(rule, "score");
        if ((g_strcmp0(role, "Promoted") != 0 && g_strcmp0(role, "Master") != 0) ||
            (g_strcmp0(score, "-INFINITY") != 0 && g_strcmp0(score, "-inf") != 0))
                return NULL;
        expr = child(rule, "expression");
        if (!expr)
                return NULL;
        for (xmlNode *c = rule->children; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE && c != expr)
                        return NULL;
        attr = prop(expr, "attribute");
        op = prop(expr, "operation");
        if (g_strcmp0(attr, "#uname") != 0 || g_strcmp0(op, "ne") != 0)
                return NULL;
        return prop(expr, "value");
}

/* The memory of a guest primitive's config (the guest definition, JSON),
 * libhv's default when it names none; 0 when the config is missing or is
 * not a definition with a usable memory (the agent refuses those, and
 * capacity then cannot count the guest: verify says so). */
static guint config_memory(xmlNode *p)
{
        g_autofree char *text = ham_xml_set_value(p, "instance_attributes", "config");
        g_autoptr(json_object) def = text ? pk_json_parse(text, -1, "config", NULL) : NULL;
        json_object *m;
        gint64 mib;

        if (!def || !json_object_is_type(def, json_type_object))
                return 0;
        if (!json_object_object_get_ex(def, "memory", &m))
                return HV_DEFAULT_MEMORY_MIB;
        if (!json_object_is_type(m, json_type_int))
                return 0;
        mib = json_object_get_int64(m);
        return mib > 0 && mib <= G_MAXUINT ? (guint)mib : 0;
}

/* The handler's constraint for a volume's clone anywhere in the
 * configuration (an id is unique in the whole CIB), or NULL when there is
 * none. */
static HamCibFenceConstraint *fence_constraint(xmlNode *config, const char *resource, const char *clone)
{
        g_autofree char *id = NULL;
        xmlNode *el;

        if (!config || !resource || !clone)
                return NULL;
        id = ham_fence_constraint_id(resource, clone);
        el = ham_xml_find_id(config->children, id);
        if (!el)
                return NULL;
        HamCibFenceConstraint *c = g_new0(HamCibFenceConstraint, 1);
        c->node = ham_fence_constraint_node(el, clone);
        c->foreign = c->node == NULL;
        c->id = g_steal_pointer(&id);
        return c;
}

HamCibView *ham_pcmk_cib_view_read(xmlNode *cib)
{
        HamCibView *view = ham_cib_view_new();
        g_autoptr(json_object) lrm = NULL;
        g_autoptr(GPtrArray) prims = g_ptr_array_new();
        g_autoptr(GPtrArray) parents = g_ptr_array_new();
        g_autofree char *maint = NULL;
        xmlNode *config = NULL, *constraints, *props;

        if (is_element(cib, "cib"))
                config = child(cib, "configuration");
        props = child(config, "crm_config");
        maint = ham_xml_set_value(props, "cluster_property_set", "maintenance-mode");
        constraints = child(config, "constraints");
        lrm = lrm_states(is_element(cib, "cib") ? child(cib, "status") : NULL);

        view->configured = config != NULL;
        view->stonith_enabled = ham_cib_stonith_enabled(config);
        view->maintenance_mode = ham_pcmk_is_true(maint);
        view->priority_fencing_delay_ms = config ? ham_cib_priority_fencing_delay_ms(config) : -1;
        for (xmlNode *n = child(child(config, "nodes"), "node"); n; n = n->next) {
                if (!is_element(n, "node"))
                        continue;
                g_autofree char *uname = prop(n, "uname");
                g_autofree char *standby = ham_xml_set_value(n, "instance_attributes", "standby");
                g_autofree char *nmaint = ham_xml_set_value(n, "instance_attributes", "maintenance");
                if (!uname)
                        continue;
                ham_cib_view_set_node(view, uname, ham_pcmk_is_true(standby), ham_pcmk_is_true(nmaint));
        }

        collect_primitives(child(config, "resources"), NULL, prims, parents);
        /* Volumes first, so each guest finds its own: the guest's name of
         * each in @owners. */
        g_autoptr(GPtrArray) volumes = g_ptr_array_new_with_free_func((GDestroyNotify)ham_cib_volume_free);
        g_autoptr(GPtrArray) owners = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < prims->len; i++) {
                xmlNode *p = prims->pdata[i];
                g_autofree char *id = prop(p, "id");
                g_autofree char *cls = prop(p, "class");
                g_autofree char *provider = prop(p, "provider");
                g_autofree char *type = prop(p, "type");
                g_autofree char *role = ham_xml_set_value(p, "meta_attributes", "target-role");
                if (!id)
                        continue;
                if (g_strcmp0(cls, "stonith") == 0) {
                        g_autoptr(HamFenceDevice) d = ham_fence_device_read(p);
                        HamCibFencing *x = g_new0(HamCibFencing, 1);
                        x->id = g_strdup(id);
                        /* The agent that fences; fence_plastik only stands in front of it. */
                        x->race_delay_s = -1;
                        if (d && ham_fence_device_wrapped(d)) {
                                x->agent = g_strdup(d->wrapped);
                                x->wrapper = g_strdup(type);
                                x->race_delay_s = (gint)d->race_delay_s;
                        } else {
                                x->agent = g_strdup(type);
                        }
                        x->target_role = g_strdup(role);
                        /* What ham_fencing_judge_cib() needs: the device as the
                         * Pacemaker module reads it, so the model judges facts. */
                        x->hosts = g_strdup(d ? d->hosts : NULL);
                        x->stopped = d && d->stopped;
                        x->running_on = nodes_in(lrm, id, "Started", NULL);
                        g_ptr_array_add(view->fencing, x);
                } else if (ham_cib_is_volume_agent(cls, provider, type)) {
                        g_autofree char *guest = ham_xml_set_value(p, "meta_attributes", "plastik-guest");
                        g_autofree char *vol = ham_xml_set_value(p, "meta_attributes", "plastik-volume");
                        g_autofree char *res = ham_xml_set_value(p, "instance_attributes", "drbd_resource");
                        if (!guest || !vol)
                                continue;
                        HamCibVolume *x = g_new0(HamCibVolume, 1);
                        x->volume = g_steal_pointer(&vol);
                        x->primitive = g_strdup(id);
                        x->clone = g_strdup(parents->pdata[i]);
                        x->promoted_on = nodes_in(lrm, id, "Promoted", NULL);
                        x->started_on = nodes_in(lrm, id, "Started", "Promoted");
                        x->fence_constraint = fence_constraint(config, res, parents->pdata[i]);
                        x->resource = g_steal_pointer(&res);
                        g_ptr_array_add(volumes, x);
                        g_ptr_array_add(owners, g_steal_pointer(&guest));
                }
        }
        for (guint i = 0; i < prims->len; i++) {
                xmlNode *p = prims->pdata[i];
                g_autofree char *id = prop(p, "id");
                g_autofree char *cls = prop(p, "class");
                g_autofree char *provider = prop(p, "provider");
                g_autofree char *type = prop(p, "type");
                if (!id || g_strcmp0(cls, "ocf") != 0 || g_strcmp0(provider, "plastik") != 0 ||
                    g_strcmp0(type, "guest") != 0)
                        continue;
                HamCibGuest *x = g_new0(HamCibGuest, 1);
                x->name = ham_xml_set_value(p, "instance_attributes", "name");
                x->target_role = ham_xml_set_value(p, "meta_attributes", "target-role");
                x->probe = ham_xml_set_value(p, "meta_attributes", "plastik-probe");
                x->memory_mib = config_memory(p);
                x->running_on = nodes_in(lrm, id, "Started", NULL);
                x->failed_on = nodes_in(lrm, id, "Failed", NULL);
                x->volumes = g_ptr_array_new_with_free_func((GDestroyNotify)ham_cib_volume_free);
                for (guint j = 0; x->name && j < volumes->len; j++) {
                        if (g_strcmp0(owners->pdata[j], x->name))
                                continue;
                        HamCibVolume *y = ham_cib_volume_copy(volumes->pdata[j]);
                        y->colocated = y->clone && has_constraint(constraints, "rsc_colocation", "rsc", id,
                                                                  "with-rsc", y->clone, "with-rsc-role",
                                                                  "Promoted");
                        y->ordered = y->clone && has_constraint(constraints, "rsc_order", "first", y->clone,
                                                                "then", id, "first-action", "promote");
                        g_ptr_array_add(x->volumes, y);
                }
                x->id = g_steal_pointer(&id);
                g_ptr_array_add(view->guests, x);
        }
        return view;
}

json_object *ham_pcmk_cib_resources(xmlNode *cib)
{
        g_autoptr(HamCibView) view = ham_pcmk_cib_view_read(cib);
        return ham_cib_view_to_json(view);
}

/* ---- the fence race: each node's priority ------------------------------------------ */

void ham_cib_node_priority_free(HamCibNodePriority *n)
{
        if (!n)
                return;
        g_free(n->name);
        g_free(n);
}

/* Pacemaker reads priority as a score: INFINITY is 1000000; a word that is
 * no number counts as 0. */
static int score_value(const char *s)
{
        char *end = NULL;
        gint64 v;

        if (!s)
                return 0;
        if (g_str_equal(s, "INFINITY") || g_str_equal(s, "+INFINITY"))
                return 1000000;
        if (g_str_equal(s, "-INFINITY"))
                return -1000000;
        v = g_ascii_strtoll(s, &end, 10);
        if (end == s)
                return 0;
        return (int)CLAMP(v, -1000000, 1000000);
}

/* A primitive's priority as the scheduler sees it: its own meta attribute,
 * else the one of the group or clone around it (meta attributes are
 * inherited), else rsc_defaults. */
static int primitive_priority(xmlNode *p, xmlNode *config)
{
        for (xmlNode *n = p; n && !is_element(n, "resources"); n = n->parent) {
                g_autofree char *v = ham_xml_set_value(n, "meta_attributes", "priority");
                if (v)
                        return score_value(v);
        }
        g_autofree char *def = ham_xml_set_value(child(config, "rsc_defaults"), "meta_attributes", "priority");
        return score_value(def);
}

GPtrArray *ham_cib_node_priorities(const char *cib_xml, gsize len, GError **error)
{
        g_autoptr(xmlDoc) doc = ham_xml_parse(cib_xml, len, "the CIB", error);
        g_autoptr(json_object) lrm = NULL;
        g_autoptr(GPtrArray) prims = g_ptr_array_new();
        g_autoptr(GPtrArray) parents = g_ptr_array_new();
        GPtrArray *nodes;
        xmlNode *cib, *config, *status;

        if (!doc)
                return NULL;
        cib = xmlDocGetRootElement(doc);
        config = is_element(cib, "cib") ? child(cib, "configuration") : NULL;
        if (!config) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE, "the CIB has no <cib><configuration>: not a CIB");
                return NULL;
        }
        status = child(cib, "status");
        nodes = g_ptr_array_new_with_free_func((GDestroyNotify)ham_cib_node_priority_free);
        for (xmlNode *n = child(config, "nodes") ? child(config, "nodes")->children : NULL; n; n = n->next) {
                g_autofree char *id = is_element(n, "node") ? prop(n, "id") : NULL;
                g_autofree char *uname = id ? prop(n, "uname") : NULL;
                if (!uname)
                        continue;
                HamCibNodePriority *x = g_new0(HamCibNodePriority, 1);
                x->name = g_steal_pointer(&uname);
                x->online = state_online(find_state(status, id));
                g_ptr_array_add(nodes, x);
        }

        /* The history as status and verify read it (lrm_state): a resource
         * counts where it is Started or Promoted; one whose last operation
         * failed counts nowhere, as Pacemaker 2.1.5 (native_priority_to_node)
         * leaves out a failed resource. */
        lrm = lrm_states(status);
        collect_primitives(child(config, "resources"), NULL, prims, parents);
        for (guint i = 0; i < prims->len; i++) {
                g_autofree char *id = prop(prims->pdata[i], "id");
                int priority = primitive_priority(prims->pdata[i], config);
                if (!id || priority == 0)
                        continue;
                g_autoptr(GPtrArray) started = nodes_in(lrm, id, "Started", NULL);
                g_autoptr(GPtrArray) promoted = nodes_in(lrm, id, "Promoted", NULL);
                for (guint j = 0; j < nodes->len; j++) {
                        HamCibNodePriority *x = nodes->pdata[j];
                        /* A promoted instance weighs one more than the others. */
                        if (g_ptr_array_find_with_equal_func(started, x->name, g_str_equal, NULL))
                                x->priority += priority;
                        if (g_ptr_array_find_with_equal_func(promoted, x->name, g_str_equal, NULL))
                                x->priority += priority + 1;
                }
        }
        return nodes;
}
