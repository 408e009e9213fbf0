/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fencing in the CIB and through the fencer (libstonithd). The pure parts
 * (whether fencing is configured, the device list, the parameter check
 * against an agent's metadata, the device XML) use plain libxml2 so they
 * are tested without a cluster.
 */
#include "ham.h"
#include "ham-xml.h"
#include "ham-pcmk.h"
#include "pcmk-internal.h"

#include <crm/common/results.h>
#include <crm/common/xml.h>
#include <crm/stonith-ng.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

/* ---- pure ------------------------------------------------------------------------- */

HamFenceDevice *ham_fence_device_read(xmlNode *primitive)
{
        g_autofree char *klass = ham_xml_prop(primitive, "class");
        g_autofree char *role = NULL;
        HamFenceDevice *d;

        if (!ham_xml_is(primitive, "primitive") || g_strcmp0(klass, "stonith") != 0)
                return NULL;
        d = g_new0(HamFenceDevice, 1);
        role = ham_xml_set_value(primitive, "meta_attributes", "target-role");
        d->id = ham_xml_prop(primitive, "id");
        d->agent = ham_xml_prop(primitive, "type");
        d->hosts = ham_xml_set_value(primitive, "instance_attributes", "pcmk_host_list");
        if (!d->hosts)
                d->hosts = ham_xml_set_value(primitive, "instance_attributes", "pcmk_host_map");
        /* Pacemaker reads roles without regard to case. */
        d->stopped = role && g_ascii_strcasecmp(role, "Stopped") == 0;
        if (ham_fence_device_wrapped(d)) {
                g_autofree char *delay = ham_xml_set_value(primitive, "instance_attributes",
                                                           HAM_FENCE_PLASTIK_DELAY);
                d->wrapped = ham_xml_set_value(primitive, "instance_attributes", HAM_FENCE_PLASTIK_AGENT);
                /* fence_plastik's own default when the attribute is unset
                 * (hactl always writes it; a value it would refuse is
                 * judged as the default too). */
                if (!delay || !ham_fence_race_delay_parse(delay, &d->race_delay_s))
                        d->race_delay_s = HAM_FENCE_RACE_DELAY_S;
        }
        return d;
}

static void collect_stonith(xmlNode *node, GPtrArray *out)
{
        for (xmlNode *c = node; c; c = c->next) {
                HamFenceDevice *d;

                if (c->type != XML_ELEMENT_NODE)
                        continue;
                if ((d = ham_fence_device_read(c)))
                        g_ptr_array_add(out, d);
                collect_stonith(c->children, out);
        }
}

gboolean ham_cib_stonith_enabled(xmlNode *configuration)
{
        xmlNode *crm = ham_xml_child(configuration, "crm_config");

        /* Pacemaker reads cluster options from the cluster_property_sets
         * only; plastik writes one set, so the first value found is it. */
        for (xmlNode *s = crm ? crm->children : NULL; s; s = s->next) {
                if (!ham_xml_is(s, "cluster_property_set"))
                        continue;
                for (xmlNode *p = s->children; p; p = p->next) {
                        g_autofree char *n = ham_xml_prop(p, "name");
                        if (ham_xml_is(p, "nvpair") && g_strcmp0(n, "stonith-enabled") == 0) {
                                g_autofree char *v = ham_xml_prop(p, "value");
                                return ham_pcmk_bool_option(v, TRUE);
                        }
                }
        }
        return TRUE;
}

gint64 ham_cib_priority_fencing_delay_ms(xmlNode *configuration)
{
        g_autofree char *v = ham_xml_set_value(ham_xml_child(configuration, "crm_config"),
                                               "cluster_property_set", "priority-fencing-delay");
        gint64 ms;

        if (!v)
                return 0;
        if (v[0] == 'P')
                return -1;
        ms = ham_pcmk_interval_ms(v);
        return ms < 0 ? 0 : ms;
}

HamFencing ham_cib_fencing(xmlNode *configuration, const char *node)
{
        g_autoptr(GPtrArray) devs = g_ptr_array_new_with_free_func((GDestroyNotify)ham_fence_device_free);

        collect_stonith(ham_xml_child(configuration, "resources"), devs);
        return ham_fencing_judge(ham_cib_stonith_enabled(configuration), devs, node);
}

static xmlNode *cib_configuration(xmlDoc *doc, GError **error)
{
        xmlNode *root = xmlDocGetRootElement(doc);
        xmlNode *conf = ham_xml_is(root, "cib") ? ham_xml_child(root, "configuration") : NULL;

        if (!conf)
                g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE, "the CIB has no <cib><configuration>");
        return conf;
}

GPtrArray *ham_fence_devices(const char *cib_xml, gsize len, GError **error)
{
        g_autoptr(xmlDoc) doc = ham_xml_parse(cib_xml, len, "the CIB", error);
        g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)ham_fence_device_free);
        xmlNode *conf;

        if (!doc || !(conf = cib_configuration(doc, error)))
                return NULL;
        collect_stonith(ham_xml_child(conf, "resources"), out);
        return g_steal_pointer(&out);
}

gboolean ham_pacemaker_frozen(const char *cib_xml, gsize len)
{
        g_autoptr(xmlDoc) doc = ham_xml_parse(cib_xml, len, "the CIB", NULL);
        xmlNode *conf = doc ? cib_configuration(doc, NULL) : NULL;

        /* Pacemaker's own test: stonith enabled and no stonith primitive
         * defined at all; a stopped device is defined. */
        return conf && ham_cib_fencing(conf, NULL) == HAM_FENCING_NO_DEVICE;
}

gboolean ham_fencing_configured(const char *cib_xml, gsize len, char **ret_reason)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(xmlDoc) doc = ham_xml_parse(cib_xml, len, "the CIB", &error);
        xmlNode *conf = doc ? cib_configuration(doc, &error) : NULL;
        const char *reason = NULL;

        if (!conf) {
                if (ret_reason)
                        *ret_reason = g_strdup_printf("the CIB cannot be read: %s", error->message);
                return FALSE;
        }
        switch (ham_cib_fencing(conf, NULL)) {
        case HAM_FENCING_USABLE:
        case HAM_FENCING_NOT_COVERED: /* not asked for a node */
                return TRUE;
        case HAM_FENCING_DISABLED:
                reason = "fencing is disabled (stonith-enabled=false): set stonith-enabled=true "
                         "(crm_attribute --name stonith-enabled --update true)";
                break;
        case HAM_FENCING_ALL_STOPPED:
                reason = "every fence device is stopped (target-role Stopped): start one or add "
                         "another with hactl fence add";
                break;
        case HAM_FENCING_NO_DEVICE:
                reason = "no fence device is configured: add one per node with hactl fence add NAME "
                         "--agent AGENT --node NODE --param …";
                break;
        }
        if (ret_reason)
                *ret_reason = g_strdup(reason);
        return FALSE;
}

gboolean ham_cib_fencing_delay_change(const char *cib_xml, gsize len, const char **ret_value,
                                      GError **error)
{
        g_autoptr(xmlDoc) doc = ham_xml_parse(cib_xml, len, "the CIB", error);
        g_autoptr(GPtrArray) devs = g_ptr_array_new_with_free_func((GDestroyNotify)ham_fence_device_free);
        xmlNode *conf;
        gint64 now;

        if (!doc || !(conf = cib_configuration(doc, error)))
                return FALSE;
        collect_stonith(ham_xml_child(conf, "resources"), devs);
        now = ham_cib_priority_fencing_delay_ms(conf);
        *ret_value = NULL;
        if (ham_fencing_pcmk_delay_s(devs) == 0) {
                if (now != 0)
                        *ret_value = "0";
        } else if (now == 0) {
                *ret_value = G_STRINGIFY(HAM_PRIORITY_FENCING_DELAY_S) "s";
        }
        return TRUE;
}

static gboolean param_name_ok(const char *s)
{
        if (!s || !*s)
                return FALSE;
        for (const char *p = s; *p; p++)
                if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
                        return FALSE;
        return TRUE;
}

/* Pacemaker's fencer passes these itself (the action, the target's port). */
static const char *const pcmk_supplied[] = { "action", "port", "plug", "nodename", NULL };

gboolean ham_fence_params_check(const char *agent, const char *metadata, gsize len,
                                const char *const *params, GError **error)
{
        g_autoptr(xmlDoc) doc = ham_xml_parse(metadata, len, "the agent's metadata", error);
        g_autoptr(GHashTable) given = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_autoptr(GString) known = g_string_new(NULL);
        xmlNode *root, *ps;

        if (!doc)
                return FALSE;
        root = xmlDocGetRootElement(doc);
        ps = ham_xml_is(root, "resource-agent") ? ham_xml_child(root, "parameters") : NULL;
        if (!ps) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE,
                            "%s -o metadata printed no <resource-agent><parameters>: is it a fence agent?",
                            agent);
                return FALSE;
        }
        for (const char *const *p = params; p && *p; p++) {
                const char *eq = strchr(*p, '=');
                g_autofree char *name = eq ? g_strndup(*p, eq - *p) : NULL;
                if (!param_name_ok(name)) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                                    "--param \"%s\" is not NAME=VALUE", *p);
                        return FALSE;
                }
                if (g_hash_table_contains(given, name)) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID, "--param %s is given twice", name);
                        return FALSE;
                }
                g_hash_table_add(given, g_steal_pointer(&name));
        }
        for (xmlNode *p = ps->children; p; p = p->next) {
                g_autofree char *name = ham_xml_prop(p, "name");
                if (!ham_xml_is(p, "parameter") || !name)
                        continue;
                g_string_append_printf(known, "%s%s", known->len ? ", " : "", name);
                if (ham_xml_prop_bool(p, "required") && !g_hash_table_contains(given, name) &&
                    !g_strv_contains(pcmk_supplied, name)) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                                    "%s needs parameter %s: add --param %s=VALUE", agent, name, name);
                        return FALSE;
                }
                g_hash_table_remove(given, name);
        }
        GHashTableIter it;
        const char *left;
        g_hash_table_iter_init(&it, given);
        while (g_hash_table_iter_next(&it, (gpointer *)&left, NULL)) {
                if (g_str_has_prefix(left, "pcmk_"))
                        continue;
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                            "%s has no parameter \"%s\"; its parameters are: %s (and Pacemaker's pcmk_*)",
                            agent, left, known->str);
                return FALSE;
        }
        return TRUE;
}

static gboolean id_ok(const char *s)
{
        if (!s || !*s || strlen(s) > 64 || !g_ascii_isalpha(s[0]))
                return FALSE;
        for (const char *p = s; *p; p++)
                if (!g_ascii_isalnum(*p) && !strchr("-_.", *p))
                        return FALSE;
        return TRUE;
}

/* Pacemaker's default for a device's off and reboot: stonith-timeout's default. */
#define PCMK_ACTION_TIMEOUT_S 60

/* An action timeout given as --param: whole seconds, as hactl writes them back. */
static gboolean timeout_param(const char *name, const char *value, guint *ret_s, GError **error)
{
        char *end = NULL;
        guint64 v = g_ascii_isdigit(value[0]) ? g_ascii_strtoull(value, &end, 10) : 0;

        if (end && g_str_equal(end, "s"))
                end++;
        if (!end || *end || v == 0 || v > 3600) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                            "--param %s=%s: give whole seconds from 1 to 3600 (hactl adds the race "
                            "delay to it)", name, value);
                return FALSE;
        }
        *ret_s = (guint)v;
        return TRUE;
}

gboolean ham_cib_fence_build(const char *id, const char *agent, const char *node,
                             const char *const *params, guint race_delay_s, char **ret_primitive,
                             char **ret_location, GError **error)
{
        static const char *const timeouts[] = { "pcmk_off_timeout", "pcmk_reboot_timeout", NULL };
        g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
        g_autofree char *ia_id = NULL, *loc_id = NULL, *op_id = NULL, *delay = NULL;
        guint timeout_s[] = { PCMK_ACTION_TIMEOUT_S, PCMK_ACTION_TIMEOUT_S };
        gboolean have_hosts = FALSE;
        xmlNode *prim, *ia, *ops, *op, *loc;

        if (!id_ok(id)) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                            "fence device name \"%s\" is not valid: a letter, then letters, digits, - _ . "
                            "(at most 64)", id ? id : "");
                return FALSE;
        }
        if (!id_ok(agent) || !g_str_has_prefix(agent, "fence_")) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                            "--agent \"%s\" is not a fence agent name (fence_…, e.g. fence_ipmilan)",
                            agent ? agent : "");
                return FALSE;
        }
        if (g_str_equal(agent, HAM_FENCE_PLASTIK)) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                            "--agent %s: hactl puts plastik's fence agent in front of every device "
                            "itself; give the agent that cuts the power (e.g. --agent fence_ipmilan)",
                            HAM_FENCE_PLASTIK);
                return FALSE;
        }
        if (race_delay_s > HAM_FENCE_RACE_DELAY_MAX_S) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                            "--race-delay %u: give whole seconds from 0 to %d", race_delay_s,
                            HAM_FENCE_RACE_DELAY_MAX_S);
                return FALSE;
        }
        if (!id_ok(node)) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID, "--node \"%s\" is not a node name",
                            node ? node : "");
                return FALSE;
        }
        prim = xmlNewNode(NULL, BAD_CAST "primitive");
        xmlDocSetRootElement(doc, prim);
        xmlNewProp(prim, BAD_CAST "id", BAD_CAST id);
        xmlNewProp(prim, BAD_CAST "class", BAD_CAST "stonith");
        xmlNewProp(prim, BAD_CAST "type", BAD_CAST HAM_FENCE_PLASTIK);
        ia = xmlNewChild(prim, NULL, BAD_CAST "instance_attributes", NULL);
        ia_id = g_strdup_printf("%s-instance_attributes", id);
        xmlNewProp(ia, BAD_CAST "id", BAD_CAST ia_id);
        delay = g_strdup_printf("%u", race_delay_s);
        ham_xml_nvpair(ia, HAM_FENCE_PLASTIK_AGENT, agent);
        ham_xml_nvpair(ia, HAM_FENCE_PLASTIK_DELAY, delay);
        for (const char *const *p = params; p && *p; p++) {
                const char *eq = strchr(*p, '=');
                g_autofree char *name = eq ? g_strndup(*p, eq - *p) : NULL;
                int t;
                if (!name || !param_name_ok(name)) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID, "--param \"%s\" is not NAME=VALUE", *p);
                        return FALSE;
                }
                if (g_str_has_prefix(name, "plastik_")) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_INVALID,
                                    "--param %s: plastik_* are fence_plastik's own, set by hactl "
                                    "(--agent, --race-delay)", name);
                        return FALSE;
                }
                for (t = 0; timeouts[t] && !g_str_equal(name, timeouts[t]); t++)
                        ;
                if (timeouts[t]) {
                        if (!timeout_param(name, eq + 1, &timeout_s[t], error))
                                return FALSE;
                        continue;
                }
                if (g_str_has_prefix(name, "pcmk_host_"))
                        have_hosts = TRUE;
                ham_xml_nvpair(ia, name, eq + 1);
        }
        if (!have_hosts)
                ham_xml_nvpair(ia, "pcmk_host_list", node);
        /* Pacemaker adds its own priority-fencing-delay to the fencing
         * operation's timeout (fenced_remote.c: the requested delay is
         * taken into account so it does not eat up the timeout) and waits
         * it out before it starts the agent. fence_plastik waits inside
         * the agent's action, which the device's action timeout bounds:
         * without more time a delayed fence would time out and fail. */
        for (int i = 0; timeouts[i]; i++) {
                g_autofree char *v = g_strdup_printf("%us", timeout_s[i] + race_delay_s);
                ham_xml_nvpair(ia, timeouts[i], v);
        }
        ops = xmlNewChild(prim, NULL, BAD_CAST "operations", NULL);
        op = xmlNewChild(ops, NULL, BAD_CAST "op", NULL);
        op_id = g_strdup_printf("%s-monitor-60s", id);
        xmlNewProp(op, BAD_CAST "id", BAD_CAST op_id);
        xmlNewProp(op, BAD_CAST "name", BAD_CAST "monitor");
        xmlNewProp(op, BAD_CAST "interval", BAD_CAST "60s");

        loc = xmlNewNode(NULL, BAD_CAST "rsc_location");
        loc_id = g_strdup_printf("%s-avoids-%s", id, node);
        xmlNewProp(loc, BAD_CAST "id", BAD_CAST loc_id);
        xmlNewProp(loc, BAD_CAST "rsc", BAD_CAST id);
        xmlNewProp(loc, BAD_CAST "node", BAD_CAST node);
        xmlNewProp(loc, BAD_CAST "score", BAD_CAST "-INFINITY");
        *ret_primitive = ham_xml_to_string(prim);
        *ret_location = ham_xml_to_string(loc);
        xmlFreeNode(loc);
        return TRUE;
}

/* ---- the CIB ---------------------------------------------------------------------- */

static int cib_call(HamPcmk *pcmk, gboolean create, const char *section, const char *xml)
{
        xmlNode *x = string2xml(xml);
        int rc;

        if (!x)
                return -EINVAL;
        rc = create ? pcmk->cib->cmds->create(pcmk->cib, section, x, cib_sync_call)
                    : pcmk->cib->cmds->remove(pcmk->cib, section, x, cib_sync_call);
        free_xml(x);
        return rc;
}

gboolean ham_pcmk_constraint_add(HamPcmk *pcmk, const char *xml, GError **error)
{
        int rc = cib_call(pcmk, TRUE, "constraints", xml);

        return rc == pcmk_ok ? TRUE : ham_pcmk_failed(error, rc, "cannot create the constraint");
}

gboolean ham_pcmk_constraint_delete(HamPcmk *pcmk, const char *id, GError **error)
{
        g_autofree char *xml = g_strdup_printf("<rsc_location id=\"%s\"/>", id);
        int rc = cib_call(pcmk, FALSE, "constraints", xml);

        if (rc == pcmk_ok || rc == -ENXIO)
                return TRUE;
        return ham_pcmk_failed(error, rc, "cannot delete constraint %s", id);
}

/* After a device is added or removed: the race delay paid once, by the
 * wrappers or by Pacemaker. Both orders of a change keep the race won:
 * the delay drops to 0 only after the last plain device is gone. */
static gboolean fencing_delay_follow(HamPcmk *pcmk, const char *done, GError **error)
{
        g_autofree char *cib = ham_pcmk_query_xml(pcmk, NULL, error);
        const char *value = NULL;

        if (cib && ham_cib_fencing_delay_change(cib, strlen(cib), &value, error) &&
            (!value || ham_pcmk_set_option(pcmk, "crm_config", "priority-fencing-delay", value, error)))
                return TRUE;
        g_prefix_error(error, "%s, but priority-fencing-delay was not set (hactl verify says what it "
                       "must be): ", done);
        return FALSE;
}

gboolean ham_pcmk_fence_add(HamPcmk *pcmk, const char *primitive_xml, const char *location_xml,
                            const char *id, GError **error)
{
        g_autofree char *cib = ham_pcmk_query_xml(pcmk, NULL, error);
        g_autoptr(xmlDoc) doc = NULL;
        int rc;

        if (!cib)
                return FALSE;
        doc = ham_xml_parse(cib, strlen(cib), "the CIB", error);
        if (!doc)
                return FALSE;
        if (ham_xml_find_id(xmlDocGetRootElement(doc), id)) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_CONFLICT,
                            "the CIB has an object with id \"%s\" already: choose another name or "
                            "hactl fence remove %s first", id, id);
                return FALSE;
        }
        rc = cib_call(pcmk, TRUE, "resources", primitive_xml);
        if (rc != pcmk_ok)
                return ham_pcmk_failed(error, rc, "cannot create fence device %s", id);
        rc = cib_call(pcmk, TRUE, "constraints", location_xml);
        if (rc != pcmk_ok) {
                /* Nothing half-written: a device without its avoid rule could
                 * run on the node it is meant to fence. */
                g_autofree char *undo = g_strdup_printf("<primitive id=\"%s\"/>", id);
                cib_call(pcmk, FALSE, "resources", undo);
                return ham_pcmk_failed(error, rc, "cannot create the location of fence device %s", id);
        }
        g_autofree char *done = g_strdup_printf("fence device %s was added", id);
        return fencing_delay_follow(pcmk, done, error);
}

gboolean ham_pcmk_fence_remove(HamPcmk *pcmk, const char *id, GError **error)
{
        g_autofree char *cib = ham_pcmk_query_xml(pcmk, NULL, error);
        g_autoptr(GPtrArray) devs = NULL;
        g_autoptr(xmlDoc) doc = NULL;
        gboolean found = FALSE;
        xmlNode *cons;
        int rc;

        if (!cib || !(devs = ham_fence_devices(cib, strlen(cib), error)))
                return FALSE;
        for (guint i = 0; i < devs->len; i++)
                found |= g_str_equal(((HamFenceDevice *)devs->pdata[i])->id, id);
        if (!found) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_NOT_FOUND,
                            "there is no fence device \"%s\" (hactl fence list shows them)", id);
                return FALSE;
        }
        doc = ham_xml_parse(cib, strlen(cib), "the CIB", error);
        if (!doc)
                return FALSE;
        cons = ham_xml_child(ham_xml_child(xmlDocGetRootElement(doc), "configuration"), "constraints");
        for (xmlNode *c = cons ? cons->children : NULL; c; c = c->next) {
                g_autofree char *rsc = ham_xml_prop(c, "rsc");
                g_autofree char *cid = ham_xml_prop(c, "id");
                if (ham_xml_is(c, "rsc_location") && g_strcmp0(rsc, id) == 0 && cid &&
                    !ham_pcmk_constraint_delete(pcmk, cid, error))
                        return FALSE;
        }
        g_autofree char *xml = g_strdup_printf("<primitive id=\"%s\"/>", id);
        rc = cib_call(pcmk, FALSE, "resources", xml);
        if (rc != pcmk_ok)
                return ham_pcmk_failed(error, rc, "cannot remove fence device %s", id);
        g_autofree char *done = g_strdup_printf("fence device %s was removed", id);
        return fencing_delay_follow(pcmk, done, error);
}

/* ---- the fencer ------------------------------------------------------------------- */

struct HamFencer {
        stonith_t *st;
};

HamFencer *ham_fencer_connect(const char *client_name, GError **error)
{
        stonith_t *st = stonith_api_new();
        HamFencer *f;
        int rc;

        if (!st) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_PCMK, "cannot create a fencer connection");
                return NULL;
        }
        rc = st->cmds->connect(st, client_name, NULL);
        if (rc != pcmk_ok) {
                stonith_api_delete(st);
                ham_pcmk_failed(error, rc, "cannot connect to the fencer (is pacemaker running?)");
                return NULL;
        }
        f = g_new0(HamFencer, 1);
        f->st = st;
        return f;
}

/* libstonith's notification callbacks take no user data. */
static HamFencerEventFunc watch_func;
static gpointer watch_data;
static stonith_t *watch_st;

static void on_fence_event(stonith_t *st, stonith_event_t *e)
{
        if (st == watch_st && watch_func)
                watch_func(e ? e->target : NULL, watch_data);
}

gboolean ham_fencer_watch(HamFencer *f, HamFencerEventFunc func, gpointer user_data, GError **error)
{
        int rc = f->st->cmds->register_notification(f->st, T_STONITH_NOTIFY_FENCE, on_fence_event);

        if (rc != pcmk_ok)
                return ham_pcmk_failed(error, rc, "cannot subscribe to the fencer's results");
        watch_func = func;
        watch_data = user_data;
        watch_st = f->st;
        return TRUE;
}

void ham_fencer_close(HamFencer *f)
{
        if (!f)
                return;
        if (watch_st == f->st)
                watch_st = NULL;
        f->st->cmds->disconnect(f->st);
        stonith_api_delete(f->st);
        g_free(f);
}

void ham_fence_op_free(HamFenceOp *op)
{
        if (!op)
                return;
        g_free(op->target);
        g_free(op->action);
        g_free(op);
}

GPtrArray *ham_fencer_history(HamFencer *f, const char *node, int timeout_s, GError **error)
{
        stonith_history_t *hist = NULL;
        GPtrArray *out;
        int rc;

        rc = f->st->cmds->history(f->st, st_opt_sync_call, node, &hist, timeout_s);
        if (rc != pcmk_ok) {
                stonith_history_free(hist);
                ham_pcmk_failed(error, rc, "cannot read the fencer's history");
                return NULL;
        }
        out = g_ptr_array_new_with_free_func((GDestroyNotify)ham_fence_op_free);
        for (stonith_history_t *h = hist; h; h = h->next) {
                if (!h->target || (g_strcmp0(h->action, "off") != 0 &&
                                   g_strcmp0(h->action, "reboot") != 0))
                        continue;
                HamFenceOp *op = g_new0(HamFenceOp, 1);
                op->target = g_strdup(h->target);
                op->action = g_strdup(h->action);
                op->state = h->state == st_done ? HAM_FENCE_OP_DONE :
                            h->state == st_failed ? HAM_FENCE_OP_FAILED : HAM_FENCE_OP_PENDING;
                if (op->state != HAM_FENCE_OP_PENDING)
                        op->completed_ms = (gint64)h->completed * 1000 + h->completed_nsec / 1000000;
                g_ptr_array_add(out, op);
        }
        stonith_history_free(hist);
        return out;
}

gboolean ham_fencer_status(HamFencer *f, const char *id, const char *node, int timeout_s,
                           GError **error)
{
        int rc = f->st->cmds->status(f->st, st_opt_sync_call, id, node, timeout_s);

        return rc == pcmk_ok ? TRUE : ham_pcmk_failed(error, rc, "fence device %s: status of %s failed", id, node);
}

gboolean ham_fencer_fence(HamFencer *f, const char *node, const char *action, int timeout_s,
                          GError **error)
{
        int rc = f->st->cmds->fence(f->st, st_opt_sync_call, node, action, timeout_s, 0);

        return rc == pcmk_ok ? TRUE : ham_pcmk_failed(error, rc, "fencing %s (%s) failed", node, action);
}
