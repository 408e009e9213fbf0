/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pacemaker's view of the cluster from `crm_mon -1 --output-as=xml`
 * (pacemaker-result, api-version 2.x; schema crm_mon-2.x.rng). crm_mon's
 * XML is Pacemaker's versioned, documented output, so it is read here
 * rather than the CIB status section, whose meaning needs the scheduler.
 */
#include "ham.h"
#include "ham-xml.h"
#include "pk.h"
#include "ham-pcmk.h"

#include <stdlib.h>
#include <string.h>

static void mon_node_free(HamMonNode *n)
{
        g_free(n->name);
        g_free(n->id);
        g_free(n);
}

static void mon_resource_free(HamMonResource *r)
{
        g_free(r->id);
        g_free(r->clone);
        g_free(r->agent);
        g_free(r->role);
        g_free(r->node);
        g_free(r);
}

static void mon_failure_free(HamMonFailure *f)
{
        g_free(f->op_key);
        g_free(f->node);
        g_free(f->exitstatus);
        g_free(f->exitreason);
        g_free(f->task);
        g_free(f->last_rc_change);
        g_free(f);
}

void ham_mon_status_free(HamMonStatus *st)
{
        if (!st)
                return;
        g_free(st->error);
        g_free(st->dc);
        g_free(st->last_change);
        g_free(st->last_change_by);
        if (st->nodes)
                g_ptr_array_unref(st->nodes);
        if (st->resources)
                g_ptr_array_unref(st->resources);
        if (st->failures)
                g_ptr_array_unref(st->failures);
        g_free(st);
}

static gboolean parse_error(GError **error, const char *what)
{
        g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE, "crm_mon output: %s", what);
        return FALSE;
}

static gboolean parse_summary(HamMonStatus *st, xmlNode *summary)
{
        for (xmlNode *c = summary->children; c; c = c->next) {
                if (ham_xml_is(c, "current_dc")) {
                        if (ham_xml_prop_bool(c, "present"))
                                st->dc = ham_xml_prop(c, "name");
                        st->quorate = ham_xml_prop_bool(c, "with_quorum");
                } else if (ham_xml_is(c, "last_change")) {
                        g_autofree char *user = ham_xml_prop(c, "user");
                        g_autofree char *client = ham_xml_prop(c, "client");
                        g_autofree char *origin = ham_xml_prop(c, "origin");
                        st->last_change = ham_xml_prop(c, "time");
                        st->last_change_by = g_strdup_printf("%s/%s/%s", user ? user : "?",
                                                             client ? client : "?", origin ? origin : "?");
                } else if (ham_xml_is(c, "cluster_options")) {
                        st->stonith_enabled = ham_xml_prop_bool(c, "stonith-enabled");
                        st->maintenance_mode = ham_xml_prop_bool(c, "maintenance-mode");
                }
        }
        return TRUE;
}

static gboolean parse_nodes(HamMonStatus *st, xmlNode *nodes, GError **error)
{
        for (xmlNode *c = nodes->children; c; c = c->next) {
                HamMonNode *n;
                g_autofree char *running = NULL;
                guint64 v = 0;

                if (!ham_xml_is(c, "node"))
                        continue;
                n = g_new0(HamMonNode, 1);
                g_ptr_array_add(st->nodes, n);
                n->name = ham_xml_prop(c, "name");
                n->id = ham_xml_prop(c, "id");
                if (!n->name || !*n->name)
                        return parse_error(error, "a <node> in <nodes> has no name");
                n->online = ham_xml_prop_bool(c, "online");
                n->standby = ham_xml_prop_bool(c, "standby");
                n->standby_onfail = ham_xml_prop_bool(c, "standby_onfail");
                n->maintenance = ham_xml_prop_bool(c, "maintenance");
                n->pending = ham_xml_prop_bool(c, "pending");
                n->unclean = ham_xml_prop_bool(c, "unclean");
                n->shutdown = ham_xml_prop_bool(c, "shutdown");
                n->is_dc = ham_xml_prop_bool(c, "is_dc");
                running = ham_xml_prop(c, "resources_running");
                if (running && g_ascii_string_to_unsigned(running, 10, 0, G_MAXUINT, &v, NULL))
                        n->resources_running = (guint)v;
        }
        return TRUE;
}

static gboolean parse_resource(HamMonStatus *st, xmlNode *r, const char *parent, GError **error)
{
        gboolean any = FALSE;

        if (ham_xml_is(r, "clone") || ham_xml_is(r, "group") || ham_xml_is(r, "bundle")) {
                g_autofree char *id = ham_xml_prop(r, "id");
                if (!id)
                        return parse_error(error, "a <clone>/<group> in <resources> has no id");
                for (xmlNode *c = r->children; c; c = c->next)
                        if (!parse_resource(st, c, id, error))
                                return FALSE;
                return TRUE;
        }
        if (!ham_xml_is(r, "resource"))
                return TRUE;
        /* One entry per node the instance runs on; a stopped one has none. */
        for (xmlNode *c = r->children; ; c = c->next) {
                HamMonResource *res;

                while (c && !ham_xml_is(c, "node"))
                        c = c->next;
                if (!c && any)
                        break;
                res = g_new0(HamMonResource, 1);
                g_ptr_array_add(st->resources, res);
                res->id = ham_xml_prop(r, "id");
                if (!res->id)
                        return parse_error(error, "a <resource> has no id");
                res->clone = g_strdup(parent);
                res->agent = ham_xml_prop(r, "resource_agent");
                res->role = ham_xml_prop(r, "role");
                res->node = c ? ham_xml_prop(c, "name") : NULL;
                res->active = ham_xml_prop_bool(r, "active");
                res->failed = ham_xml_prop_bool(r, "failed");
                res->managed = ham_xml_prop_bool(r, "managed");
                res->blocked = ham_xml_prop_bool(r, "blocked");
                res->orphaned = ham_xml_prop_bool(r, "orphaned");
                any = TRUE;
                if (!c)
                        break;
        }
        return TRUE;
}

static gboolean parse_failures(HamMonStatus *st, xmlNode *failures)
{
        for (xmlNode *c = failures->children; c; c = c->next) {
                HamMonFailure *f;
                g_autofree char *code = NULL;
                gint64 v = 0;

                if (!ham_xml_is(c, "failure"))
                        continue;
                f = g_new0(HamMonFailure, 1);
                g_ptr_array_add(st->failures, f);
                f->op_key = ham_xml_prop(c, "op_key");
                f->node = ham_xml_prop(c, "node");
                f->exitstatus = ham_xml_prop(c, "exitstatus");
                f->exitreason = ham_xml_prop(c, "exitreason");
                f->task = ham_xml_prop(c, "task");
                f->last_rc_change = ham_xml_prop(c, "last-rc-change");
                code = ham_xml_prop(c, "exitcode");
                if (code && g_ascii_string_to_signed(code, 10, G_MININT, G_MAXINT, &v, NULL))
                        f->exitcode = (int)v;
                else
                        f->exitcode = -1;
        }
        return TRUE;
}

HamMonStatus *ham_crm_mon_parse(const char *xml, gsize len, GError **error)
{
        g_autoptr(xmlDoc) doc = ham_xml_parse(xml, len, "crm_mon output", error);
        g_autoptr(HamMonStatus) st = NULL;
        xmlNode *root, *c, *status;
        g_autofree char *api = NULL;

        if (!doc)
                return NULL;
        root = xmlDocGetRootElement(doc);
        if (!ham_xml_is(root, "pacemaker-result")) {
                parse_error(error, "the root element is not <pacemaker-result>");
                return NULL;
        }
        api = ham_xml_prop(root, "api-version");
        if (!api || !g_str_has_prefix(api, "2.")) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE,
                            "crm_mon output: api-version \"%s\" is not 2.x (the version this plastik reads)",
                            api ? api : "");
                return NULL;
        }
        st = g_new0(HamMonStatus, 1);
        st->nodes = g_ptr_array_new_with_free_func((GDestroyNotify)mon_node_free);
        st->resources = g_ptr_array_new_with_free_func((GDestroyNotify)mon_resource_free);
        st->failures = g_ptr_array_new_with_free_func((GDestroyNotify)mon_failure_free);

        status = ham_xml_child(root, "status");
        if (status) {
                g_autofree char *code = ham_xml_prop(status, "code");
                if (code && !g_str_equal(code, "0")) {
                        GString *why = g_string_new(NULL);
                        g_autofree char *message = ham_xml_prop(status, "message");
                        xmlNode *errors = ham_xml_child(status, "errors");
                        for (c = errors ? errors->children : NULL; c; c = c->next) {
                                xmlChar *t;
                                if (!ham_xml_is(c, "error"))
                                        continue;
                                t = xmlNodeGetContent(c);
                                if (why->len)
                                        g_string_append(why, "; ");
                                g_string_append(why, t ? (const char *)t : "");
                                xmlFree(t);
                        }
                        if (!why->len)
                                g_string_append(why, message ? message : "unknown error");
                        st->connected = FALSE;
                        st->error = g_string_free(why, FALSE);
                        return g_steal_pointer(&st);
                }
        }
        if (!ham_xml_child(root, "summary") || !ham_xml_child(root, "nodes")) {
                parse_error(error, "<summary> or <nodes> is missing");
                return NULL;
        }
        st->connected = TRUE;
        for (c = root->children; c; c = c->next) {
                if (ham_xml_is(c, "summary")) {
                        parse_summary(st, c);
                } else if (ham_xml_is(c, "nodes")) {
                        if (!parse_nodes(st, c, error))
                                return NULL;
                } else if (ham_xml_is(c, "resources")) {
                        for (xmlNode *r = c->children; r; r = r->next)
                                if (!parse_resource(st, r, NULL, error))
                                        return NULL;
                } else if (ham_xml_is(c, "failures")) {
                        parse_failures(st, c);
                }
        }
        return g_steal_pointer(&st);
}

const HamMonNode *ham_mon_node_find(const HamMonStatus *st, const char *name)
{
        for (guint i = 0; st->nodes && i < st->nodes->len; i++) {
                const HamMonNode *n = st->nodes->pdata[i];
                if (g_str_equal(n->name, name))
                        return n;
        }
        return NULL;
}

const char *ham_mon_node_state(const HamMonNode *n)
{
        /* Most alarming first: an unclean node waits to be fenced. */
        if (n->unclean)
                return "unclean";
        if (!n->online)
                return "offline";
        if (n->pending)
                return "pending";
        if (n->maintenance)
                return "maintenance";
        if (n->standby)
                return "standby";
        return "online";
}

static void add_str(json_object *o, const char *key, const char *value)
{
        json_object_object_add(o, key, value ? json_object_new_string(value) : NULL);
}

json_object *ham_mon_status_to_json(const HamMonStatus *st)
{
        json_object *o = json_object_new_object();
        json_object *nodes, *res, *fail;

        json_object_object_add(o, "connected", json_object_new_boolean(st->connected));
        if (!st->connected) {
                add_str(o, "error", st->error);
                return o;
        }
        nodes = json_object_new_array();
        res = json_object_new_array();
        fail = json_object_new_array();
        add_str(o, "dc", st->dc);
        json_object_object_add(o, "quorate", json_object_new_boolean(st->quorate));
        json_object_object_add(o, "stonith-enabled", json_object_new_boolean(st->stonith_enabled));
        json_object_object_add(o, "maintenance-mode", json_object_new_boolean(st->maintenance_mode));
        add_str(o, "last-change", st->last_change);
        add_str(o, "last-change-by", st->last_change_by);
        for (guint i = 0; i < st->nodes->len; i++) {
                const HamMonNode *n = st->nodes->pdata[i];
                json_object *j = json_object_new_object();
                add_str(j, "name", n->name);
                add_str(j, "id", n->id);
                add_str(j, "state", ham_mon_node_state(n));
                json_object_object_add(j, "online", json_object_new_boolean(n->online));
                json_object_object_add(j, "standby", json_object_new_boolean(n->standby));
                json_object_object_add(j, "maintenance", json_object_new_boolean(n->maintenance));
                json_object_object_add(j, "unclean", json_object_new_boolean(n->unclean));
                json_object_object_add(j, "dc", json_object_new_boolean(n->is_dc));
                json_object_object_add(j, "resources-running", json_object_new_int((int)n->resources_running));
                json_object_array_add(nodes, j);
        }
        for (guint i = 0; i < st->resources->len; i++) {
                const HamMonResource *r = st->resources->pdata[i];
                json_object *j = json_object_new_object();
                add_str(j, "id", r->id);
                add_str(j, "clone", r->clone);
                add_str(j, "agent", r->agent);
                add_str(j, "role", r->role);
                add_str(j, "node", r->node);
                json_object_object_add(j, "active", json_object_new_boolean(r->active));
                json_object_object_add(j, "failed", json_object_new_boolean(r->failed));
                json_object_object_add(j, "managed", json_object_new_boolean(r->managed));
                json_object_object_add(j, "fencing", json_object_new_boolean(r->agent && g_str_has_prefix(r->agent, "stonith:")));
                json_object_array_add(res, j);
        }
        for (guint i = 0; i < st->failures->len; i++) {
                const HamMonFailure *f = st->failures->pdata[i];
                json_object *j = json_object_new_object();
                add_str(j, "op", f->op_key);
                add_str(j, "task", f->task);
                add_str(j, "node", f->node);
                add_str(j, "status", f->exitstatus);
                json_object_object_add(j, "exit-code", json_object_new_int(f->exitcode));
                add_str(j, "reason", f->exitreason);
                add_str(j, "last-rc-change", f->last_rc_change);
                json_object_array_add(fail, j);
        }
        json_object_object_add(o, "nodes", nodes);
        json_object_object_add(o, "resources", res);
        json_object_object_add(o, "failures", fail);
        return o;
}

HamMonStatus *ham_crm_mon_run(GError **error)
{
        const char *argv[] = { "crm_mon", "-1", "--output-as=xml", NULL };
        g_autofree char *out = NULL, *err = NULL;
        g_autoptr(GError) local = NULL;
        int status;

        if (!pk_spawn_sync(argv, &out, &err, &status, &local)) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_PCMK, "cannot run crm_mon: %s", local->message);
                return NULL;
        }
        /* A non-zero exit still prints a pacemaker-result saying why. */
        if (out && *out)
                return ham_crm_mon_parse(out, strlen(out), error);
        pk_spawn_check("crm_mon", status, err, &local);
        g_set_error(error, HAM_ERROR, HAM_ERROR_PCMK, "%s", local ? local->message : "crm_mon printed nothing");
        return NULL;
}
