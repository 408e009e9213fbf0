/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A guest's objects in the CIB, built and read back with libxml2 only: pure,
 * so golden files pin the exact XML. Pacemaker's libraries are called
 * from pcmk.c (libcib), pcmk-notify.c (libcib's notifications) and
 * pcmk-fence.c (libstonithd), never from here.
 *
 * A volume's definition lives on its ocf:plastik:drbd primitive in a meta
 * attribute set "<primitive id>-plastik-volume" (plastik-guest,
 * plastik-volume, plastik-size, plastik-minor, plastik-port): Pacemaker
 * ignores meta attributes it does not know, the drbd agent never sees them
 * as parameters, and one query of the resources section yields every volume
 * and every minor and port in use.
 */
#include "ham.h"
#include "ham-xml.h"
#include "ham-pcmk.h"
#include "ham-timeline.h"
#include "hv.h"
#include "pk.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#define VOLUME_SET_SUFFIX "-plastik-volume"

/* ---- libxml2 helpers ------------------------------------------------------------- */

xmlDoc *ham_xml_parse(const char *xml, gsize len, const char *what, GError **error)
{
        xmlDoc *doc;
        const xmlError *e;

        if (len > G_MAXINT) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE, "%s: too large", what);
                return NULL;
        }
        xmlResetLastError();
        doc = xmlReadMemory(xml, (int)len, NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS);
        if (!doc || !xmlDocGetRootElement(doc)) {
                g_autofree char *msg = NULL;
                e = xmlGetLastError();
                msg = g_strchomp(g_strdup(e && e->message ? e->message : "empty document"));
                if (e && e->line)
                        g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE, "%s is not XML: %s (line %d)",
                                    what, msg, e->line);
                else
                        g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE, "%s is not XML: %s", what, msg);
                if (doc)
                        xmlFreeDoc(doc);
                return NULL;
        }
        return doc;
}

char *ham_xml_prop(const xmlNode *node, const char *name)
{
        xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
        char *s;

        if (!v)
                return NULL;
        s = g_strdup((const char *)v);
        xmlFree(v);
        return s;
}

gboolean ham_xml_prop_bool(const xmlNode *node, const char *name)
{
        g_autofree char *v = ham_xml_prop(node, name);

        return ham_pcmk_is_true(v);
}

gboolean ham_pcmk_str_to_bool(const char *value, gboolean *ret)
{
        static const char *const yes[] = { "true", "on", "yes", "y", "1", NULL };
        static const char *const no[] = { "false", "off", "no", "n", "0", NULL };

        if (!value)
                return FALSE;
        for (int i = 0; yes[i]; i++)
                if (g_ascii_strcasecmp(value, yes[i]) == 0) {
                        *ret = TRUE;
                        return TRUE;
                }
        for (int i = 0; no[i]; i++)
                if (g_ascii_strcasecmp(value, no[i]) == 0) {
                        *ret = FALSE;
                        return TRUE;
                }
        return FALSE;
}

gboolean ham_pcmk_is_true(const char *value)
{
        gboolean v = FALSE;

        return ham_pcmk_str_to_bool(value, &v) && v;
}

gboolean ham_pcmk_bool_option(const char *value, gboolean def)
{
        gboolean v = def;

        ham_pcmk_str_to_bool(value, &v);
        return v;
}

gint64 ham_pcmk_interval_ms(const char *value)
{
        static const struct {
                const char *unit;
                gint64 mul, div;
        } units[] = {
                /* In crm_get_msec()'s order: its prefix test takes "min" as minutes. */
                { "ms", 1, 1 }, { "us", 1, 1000 }, { "s", 1000, 1 }, { "m", 60000, 1 },
                { "h", 3600000, 1 },
        };
        const char *p, *u;
        gint64 mul = 1000, div = 1;
        guint64 n;

        if (!value)
                return -1;
        p = value + strspn(value, " \t\n\r");
        if (!g_ascii_isdigit(*p))
                return -1;
        n = g_ascii_strtoull(p, NULL, 10);
        u = p + strspn(p, "0123456789.");
        u += strspn(u, " \t\n\r");
        if (*u) {
                gsize i;
                for (i = 0; i < G_N_ELEMENTS(units); i++)
                        if (g_ascii_strncasecmp(u, units[i].unit, strlen(units[i].unit)) == 0)
                                break;
                if (i == G_N_ELEMENTS(units))
                        return -1;
                mul = units[i].mul;
                div = units[i].div;
        }
        if (n > (guint64)(G_MAXINT64 / mul))
                return -1;
        return (gint64)n * mul / div;
}

gboolean ham_xml_is(const xmlNode *node, const char *name)
{
        return node && node->type == XML_ELEMENT_NODE && xmlStrcmp(node->name, (const xmlChar *)name) == 0;
}

xmlNode *ham_xml_child(const xmlNode *node, const char *name)
{
        for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
                if (ham_xml_is(c, name))
                        return c;
        return NULL;
}

char *ham_xml_set_value(const xmlNode *node, const char *set_tag, const char *name)
{
        for (xmlNode *set = node ? node->children : NULL; set; set = set->next) {
                if (!ham_xml_is(set, set_tag))
                        continue;
                for (xmlNode *nv = set->children; nv; nv = nv->next) {
                        g_autofree char *n = ham_xml_is(nv, "nvpair") ? ham_xml_prop(nv, "name") : NULL;
                        if (g_strcmp0(n, name) == 0)
                                return ham_xml_prop(nv, "value");
                }
        }
        return NULL;
}

static xmlNode *element(xmlNode *parent, const char *name, const char *id)
{
        xmlNode *n = xmlNewNode(NULL, (const xmlChar *)name);

        if (id)
                xmlNewProp(n, (const xmlChar *)"id", (const xmlChar *)id);
        if (parent)
                xmlAddChild(parent, n);
        return n;
}

static void set(xmlNode *n, const char *name, const char *value)
{
        xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

xmlNode *ham_xml_nvpair(xmlNode *set_node, const char *name, const char *value)
{
        g_autofree char *setid = ham_xml_prop(set_node, "id");
        g_autofree char *id = g_strdup_printf("%s-%s", setid ? setid : "set", name);
        xmlNode *n = element(set_node, "nvpair", id);

        set(n, "name", name);
        set(n, "value", value);
        return n;
}

xmlNode *ham_xml_find_id(xmlNode *root, const char *id)
{
        for (xmlNode *c = root; c; c = c->next) {
                if (c->type != XML_ELEMENT_NODE)
                        continue;
                g_autofree char *cid = ham_xml_prop(c, "id");
                if (cid && g_str_equal(cid, id))
                        return c;
                xmlNode *found = ham_xml_find_id(c->children, id);
                if (found)
                        return found;
        }
        return NULL;
}

char *ham_xml_to_string(xmlNode *node)
{
        xmlBuffer *buf = xmlBufferCreate();
        char *s;

        xmlNodeDump(buf, node->doc, node, 0, 1);
        s = g_strdup((const char *)xmlBufferContent(buf));
        xmlBufferFree(buf);
        return s;
}

/* ---- building ------------------------------------------------------------------- */

char *ham_cib_guest_id(const char *guest)
{
        return g_strdup_printf("guest-%s", guest);
}

char *ham_cib_drbd_id(const char *guest, const char *volume)
{
        return g_strdup_printf("drbd-pk-%s-%s", guest, volume);
}

static xmlNode *attr_set(xmlNode *parent, const char *kind, const char *owner, const char *suffix)
{
        g_autofree char *id = g_strdup_printf("%s-%s", owner, suffix);
        return element(parent, kind, id);
}

static void op(xmlNode *ops, const char *owner, const char *name, const char *interval,
               const char *timeout, const char *role)
{
        g_autofree char *id = g_strdup_printf("%s-%s-%s%s%s", owner, name, interval,
                                              role ? "-" : "", role ? role : "");
        xmlNode *o = element(ops, "op", id);

        set(o, "name", name);
        set(o, "interval", interval);
        set(o, "timeout", timeout);
        if (role)
                set(o, "role", role);
}

static void build_volume(xmlNode *resources, const HamVolume *v)
{
        g_autofree char *id = ham_cib_drbd_id(v->guest, v->volume);
        g_autofree char *clone_id = g_strdup_printf("%s-clone", id);
        g_autofree char *res = g_strdup_printf("pk-%s-%s", v->guest, v->volume);
        g_autofree char *size = g_strdup_printf("%" G_GUINT64_FORMAT, v->size);
        g_autofree char *minor = g_strdup_printf("%u", v->minor);
        g_autofree char *port = g_strdup_printf("%u", v->port);
        xmlNode *clone = element(resources, "clone", clone_id);
        xmlNode *meta = attr_set(clone, "meta_attributes", clone_id, "meta_attributes");
        xmlNode *prim, *ia, *pv, *ops;

        /* DRBD 8.4: two instances, one per node, at most one promoted.
         * ocf:plastik:drbd needs no clone notifications, and each one is a
         * round of agent runs on both nodes that a failover waits for. */
        ham_xml_nvpair(meta, "promotable", "true");
        ham_xml_nvpair(meta, "promoted-max", "1");
        ham_xml_nvpair(meta, "promoted-node-max", "1");
        ham_xml_nvpair(meta, "clone-max", "2");
        ham_xml_nvpair(meta, "clone-node-max", "1");
        ham_xml_nvpair(meta, "notify", "false");
        prim = element(clone, "primitive", id);
        set(prim, "class", "ocf");
        set(prim, "provider", "plastik");
        set(prim, "type", "drbd");
        ia = attr_set(prim, "instance_attributes", id, "instance_attributes");
        ham_xml_nvpair(ia, "drbd_resource", res);
        pv = attr_set(prim, "meta_attributes", id, "plastik-volume");
        ham_xml_nvpair(pv, "plastik-guest", v->guest);
        ham_xml_nvpair(pv, "plastik-volume", v->volume);
        ham_xml_nvpair(pv, "plastik-size", size);
        ham_xml_nvpair(pv, "plastik-minor", minor);
        ham_xml_nvpair(pv, "plastik-port", port);
        ops = element(prim, "operations", NULL);
        /* The agent's recommended intervals (different per role, so both
         * monitors can exist) and its advertised timeouts. */
        op(ops, id, "monitor", "10s", "20s", "Promoted");
        op(ops, id, "monitor", "20s", "20s", "Unpromoted");
        op(ops, id, "start", "0s", "240s", NULL);
        op(ops, id, "stop", "0s", "100s", NULL);
        op(ops, id, "promote", "0s", "90s", NULL);
        op(ops, id, "demote", "0s", "90s", NULL);
}

gboolean ham_cib_guest_build(const HamGuestSpec *spec, xmlNode **ret_resources,
                             xmlNode **ret_constraints, GError **error)
{
        g_autofree char *gid = NULL, *prio = NULL;
        xmlNode *resources, *constraints, *prim, *ia, *meta, *ops;

        if (!ham_guest_spec_check(spec, error))
                return FALSE;
        gid = ham_cib_guest_id(spec->name);
        prio = g_strdup_printf("%u", spec->priority);
        resources = element(NULL, "resources", NULL);
        constraints = element(NULL, "constraints", NULL);
        for (guint i = 0; i < spec->volumes->len; i++)
                build_volume(resources, spec->volumes->pdata[i]);

        prim = element(resources, "primitive", gid);
        set(prim, "class", "ocf");
        set(prim, "provider", "plastik");
        set(prim, "type", "guest");
        ia = attr_set(prim, "instance_attributes", gid, "instance_attributes");
        ham_xml_nvpair(ia, "name", spec->name);
        ham_xml_nvpair(ia, "config", spec->config);
        meta = attr_set(prim, "meta_attributes", gid, "meta_attributes");
        /* With priority-fencing-delay, the node running the higher total
         * priority wins a fence race after a split. */
        ham_xml_nvpair(meta, "priority", prio);
        /* hamgrd's failover timeline: when the guest's service answers. */
        if (spec->probe)
                ham_xml_nvpair(meta, "plastik-probe", spec->probe);
        /* Created stopped when asked: pacemaker starts nothing before the
         * guest's disks are synced or the guest is wanted. */
        if (spec->target_role)
                ham_xml_nvpair(meta, "target-role", spec->target_role);
        ops = element(prim, "operations", NULL);
        op(ops, gid, "monitor", "10s", "30s", NULL);
        op(ops, gid, "start", "0s", "120s", NULL);
        /* hvctl's graceful shutdown waits 60 s before it destroys. */
        op(ops, gid, "stop", "0s", "180s", NULL);

        for (guint i = 0; i < spec->volumes->len; i++) {
                const HamVolume *v = spec->volumes->pdata[i];
                g_autofree char *did = ham_cib_drbd_id(v->guest, v->volume);
                g_autofree char *cid = g_strdup_printf("%s-clone", did);
                g_autofree char *col_id = g_strdup_printf("colocation-%s-%s", gid, did);
                g_autofree char *ord_id = g_strdup_printf("order-%s-%s", did, gid);
                xmlNode *col = element(constraints, "rsc_colocation", col_id);
                xmlNode *ord = element(constraints, "rsc_order", ord_id);

                set(col, "rsc", gid);
                set(col, "with-rsc", cid);
                set(col, "with-rsc-role", "Promoted");
                set(col, "score", "INFINITY");
                set(ord, "first", cid);
                set(ord, "first-action", "promote");
                set(ord, "then", gid);
                set(ord, "then-action", "start");
                set(ord, "kind", "Mandatory");
        }
        if (spec->prefer) {
                g_autofree char *lid = g_strdup_printf("location-%s-prefer", gid);
                xmlNode *loc = element(constraints, "rsc_location", lid);
                set(loc, "rsc", gid);
                set(loc, "node", spec->prefer);
                /* Below the default stickiness (100): the guest starts on the
                 * preferred node but does not move back after a failover. */
                set(loc, "score", "50");
        }
        *ret_resources = resources;
        *ret_constraints = constraints;
        return TRUE;
}

static xmlNode *ensure_child(xmlNode *parent, const char *name)
{
        xmlNode *c = ham_xml_child(parent, name);
        return c ? c : element(parent, name, NULL);
}

gboolean ham_cib_guest_merge(xmlNode *configuration, const HamGuestSpec *spec, GError **error)
{
        xmlNode *res = NULL, *cons = NULL, *have_res, *have_cons;

        if (!ham_xml_is(configuration, "configuration")) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE, "the CIB has no configuration section");
                return FALSE;
        }
        if (!ham_cib_guest_build(spec, &res, &cons, error))
                return FALSE;
        /* Refuse any id that exists: ids are unique CIB-wide. */
        for (int pass = 0; pass < 2; pass++)
                for (xmlNode *c = (pass ? cons : res)->children; c; c = c->next) {
                        GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
                        g_ptr_array_add(ids, ham_xml_prop(c, "id"));
                        for (xmlNode *p = c->children; p; p = p->next)
                                if (ham_xml_is(p, "primitive"))
                                        g_ptr_array_add(ids, ham_xml_prop(p, "id"));
                        for (guint i = 0; i < ids->len; i++)
                                if (ham_xml_find_id(configuration, ids->pdata[i])) {
                                        g_set_error(error, HAM_ERROR, HAM_ERROR_CONFLICT,
                                                    "the CIB already holds an object with id %s; is guest %s defined already?",
                                                    (char *)ids->pdata[i], spec->name);
                                        g_ptr_array_unref(ids);
                                        xmlFreeNode(res);
                                        xmlFreeNode(cons);
                                        return FALSE;
                                }
                        g_ptr_array_unref(ids);
                }
        have_res = ensure_child(configuration, "resources");
        have_cons = ensure_child(configuration, "constraints");
        while (res->children) {
                xmlNode *c = res->children;
                xmlUnlinkNode(c);
                xmlAddChild(have_res, c);
        }
        while (cons->children) {
                xmlNode *c = cons->children;
                xmlUnlinkNode(c);
                xmlAddChild(have_cons, c);
        }
        xmlFreeNode(res);
        xmlFreeNode(cons);
        return TRUE;
}

/* The guest a resource (primitive or clone) belongs to, if it is ours. */
static char *resource_guest(xmlNode *r)
{
        g_autofree char *id = ham_xml_prop(r, "id");

        if (ham_xml_is(r, "clone")) {
                xmlNode *p = ham_xml_child(r, "primitive");
                return p ? resource_guest(p) : NULL;
        }
        if (!ham_xml_is(r, "primitive") || !id)
                return NULL;
        if (g_str_has_prefix(id, "guest-")) {
                g_autofree char *type = ham_xml_prop(r, "type");
                g_autofree char *provider = ham_xml_prop(r, "provider");
                if (g_strcmp0(type, "guest") == 0 && g_strcmp0(provider, "plastik") == 0)
                        return g_strdup(id + strlen("guest-"));
        }
        for (xmlNode *m = r->children; m; m = m->next) {
                g_autofree char *mid = ham_xml_prop(m, "id");
                if (!ham_xml_is(m, "meta_attributes") || !mid || !g_str_has_suffix(mid, VOLUME_SET_SUFFIX))
                        continue;
                for (xmlNode *nv = m->children; nv; nv = nv->next) {
                        g_autofree char *name = ham_xml_prop(nv, "name");
                        if (ham_xml_is(nv, "nvpair") && g_strcmp0(name, "plastik-guest") == 0)
                                return ham_xml_prop(nv, "value");
                }
        }
        return NULL;
}

gboolean ham_cib_guest_unmerge(xmlNode *configuration, const char *name, guint *ret_removed,
                               GError **error)
{
        g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        xmlNode *res = ham_xml_child(configuration, "resources");
        xmlNode *cons = ham_xml_child(configuration, "constraints");
        guint removed = 0;

        for (xmlNode *r = res ? res->children : NULL, *next; r; r = next) {
                g_autofree char *g = resource_guest(r);
                next = r->next;
                if (!g || !g_str_equal(g, name))
                        continue;
                g_hash_table_add(ids, ham_xml_prop(r, "id"));
                for (xmlNode *p = r->children; p; p = p->next)
                        if (ham_xml_is(p, "primitive"))
                                g_hash_table_add(ids, ham_xml_prop(p, "id"));
                xmlUnlinkNode(r);
                xmlFreeNode(r);
                removed++;
        }
        if (removed == 0) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_NOT_FOUND,
                            "the CIB holds no resources of guest %s", name);
                return FALSE;
        }
        /* Constraints that name any removed resource would dangle. */
        for (xmlNode *c = cons ? cons->children : NULL, *next; c; c = next) {
                static const char *const refs[] = { "rsc", "with-rsc", "first", "then", NULL };
                gboolean hit = FALSE;
                next = c->next;
                for (const char *const *a = refs; *a && !hit; a++) {
                        g_autofree char *v = ham_xml_prop(c, *a);
                        hit = v && g_hash_table_contains(ids, v);
                }
                if (hit) {
                        xmlUnlinkNode(c);
                        xmlFreeNode(c);
                        removed++;
                }
        }
        if (ret_removed)
                *ret_removed = removed;
        return TRUE;
}

/* ---- reading volumes back ----------------------------------------------------------- */

static gboolean parse_uint(const char *text, guint64 min, guint64 max, guint64 *ret)
{
        return text && g_ascii_string_to_unsigned(text, 10, min, max, ret, NULL);
}

static gboolean volume_from_set(xmlNode *prim, xmlNode *set_node, HamVolume **ret, GError **error)
{
        g_autofree char *pid = ham_xml_prop(prim, "id");
        g_autoptr(HamVolume) v = g_new0(HamVolume, 1);
        g_autofree char *size = NULL, *minor = NULL, *port = NULL;
        guint64 n;

        for (xmlNode *nv = set_node->children; nv; nv = nv->next) {
                g_autofree char *name = NULL;
                char **slot = NULL;
                if (!ham_xml_is(nv, "nvpair"))
                        continue;
                name = ham_xml_prop(nv, "name");
                if (g_strcmp0(name, "plastik-guest") == 0)
                        slot = &v->guest;
                else if (g_strcmp0(name, "plastik-volume") == 0)
                        slot = &v->volume;
                else if (g_strcmp0(name, "plastik-size") == 0)
                        slot = &size;
                else if (g_strcmp0(name, "plastik-minor") == 0)
                        slot = &minor;
                else if (g_strcmp0(name, "plastik-port") == 0)
                        slot = &port;
                if (slot && !*slot)
                        *slot = ham_xml_prop(nv, "value");
        }
#define BAD(attr, rule)                                                                         \
        do {                                                                                    \
                g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE, "CIB: primitive %s: %s %s", \
                            pid ? pid : "(no id)", attr, rule);                                 \
                return FALSE;                                                                   \
        } while (0)
        if (!v->guest || !hv_guest_name_valid(v->guest))
                BAD("plastik-guest", "is missing or not a guest name");
        if (!dg_volume_name_valid(v->volume))
                BAD("plastik-volume", "is missing or not a volume name");
        if (!parse_uint(size, 1, G_MAXINT64, &v->size))
                BAD("plastik-size", "is missing or not a positive number of bytes");
        if (!parse_uint(minor, 0, HAM_MINOR_LAST, &n))
                BAD("plastik-minor", "is missing or not 0..1048575");
        v->minor = (guint)n;
        if (!parse_uint(port, 1024, 65535, &n))
                BAD("plastik-port", "is missing or not 1024..65535");
        v->port = (guint)n;
#undef BAD
        *ret = g_steal_pointer(&v);
        return TRUE;
}

gboolean ham_cib_is_volume_agent(const char *cls, const char *provider, const char *type)
{
        return g_strcmp0(cls, "ocf") == 0 && g_strcmp0(type, "drbd") == 0 &&
               (g_strcmp0(provider, "plastik") == 0 || g_strcmp0(provider, "linbit") == 0);
}

static gboolean collect_volumes(xmlNode *node, GPtrArray *out, GError **error)
{
        for (xmlNode *c = node; c; c = c->next) {
                if (c->type != XML_ELEMENT_NODE)
                        continue;
                /* The status section repeats resource ids but never definitions. */
                if (ham_xml_is(c, "status"))
                        continue;
                if (ham_xml_is(c, "primitive")) {
                        g_autofree char *cls = ham_xml_prop(c, "class");
                        g_autofree char *prov = ham_xml_prop(c, "provider");
                        g_autofree char *type = ham_xml_prop(c, "type");
                        if (!ham_cib_is_volume_agent(cls, prov, type))
                                continue;
                        for (xmlNode *m = c->children; m; m = m->next) {
                                g_autofree char *mid = ham_xml_prop(m, "id");
                                HamVolume *v = NULL;
                                if (!ham_xml_is(m, "meta_attributes") || !mid ||
                                    !g_str_has_suffix(mid, VOLUME_SET_SUFFIX))
                                        continue;
                                if (!volume_from_set(c, m, &v, error))
                                        return FALSE;
                                g_ptr_array_add(out, v);
                                break;
                        }
                        continue;
                }
                if (!collect_volumes(c->children, out, error))
                        return FALSE;
        }
        return TRUE;
}

static int volume_cmp(gconstpointer a, gconstpointer b)
{
        const HamVolume *x = *(HamVolume *const *)a, *y = *(HamVolume *const *)b;
        int r = strcmp(x->guest, y->guest);
        return r ? r : strcmp(x->volume, y->volume);
}

GPtrArray *ham_cib_volumes_parse(const char *xml, gsize len, GError **error)
{
        g_autoptr(xmlDoc) doc = ham_xml_parse(xml, len, "the CIB", error);
        g_autoptr(GPtrArray) out = NULL;

        if (!doc)
                return NULL;
        out = g_ptr_array_new_with_free_func((GDestroyNotify)ham_volume_free);
        if (!collect_volumes(xmlDocGetRootElement(doc), out, error))
                return NULL;
        g_ptr_array_sort(out, volume_cmp);
        for (guint i = 0; i + 1 < out->len; i++) {
                const HamVolume *a = out->pdata[i];
                for (guint j = i + 1; j < out->len; j++) {
                        const HamVolume *b = out->pdata[j];
                        if (a->minor == b->minor || a->port == b->port ||
                            (g_str_equal(a->guest, b->guest) && g_str_equal(a->volume, b->volume))) {
                                g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE,
                                            "CIB: volumes %s/%s and %s/%s share a %s",
                                            a->guest, a->volume, b->guest, b->volume,
                                            a->minor == b->minor ? "minor" : a->port == b->port ? "port" : "name");
                                return NULL;
                        }
                }
        }
        return g_steal_pointer(&out);
}

/* ---- operation history -------------------------------------------------------------- */

static gboolean history_id_matches(const char *rsc, const char *const *ids)
{
        for (const char *const *id = ids; *id; id++) {
                gsize n = strlen(*id);
                /* An anonymous clone's instance may be recorded as ID:N. */
                if (strncmp(rsc, *id, n) == 0 && (rsc[n] == '\0' || rsc[n] == ':'))
                        return TRUE;
        }
        return FALSE;
}

static void history_walk(xmlNode *node, const char *uname, const char *const *ids, GPtrArray *out)
{
        for (xmlNode *c = node; c; c = c->next) {
                if (c->type != XML_ELEMENT_NODE)
                        continue;
                if (ham_xml_is(c, "node_state")) {
                        g_autofree char *u = ham_xml_prop(c, "uname");
                        history_walk(c->children, u ? u : "?", ids, out);
                } else if (ham_xml_is(c, "lrm_resource")) {
                        g_autofree char *id = ham_xml_prop(c, "id");
                        if (id && history_id_matches(id, ids))
                                g_ptr_array_add(out, g_strdup_printf("%s on %s", id, uname ? uname : "?"));
                } else {
                        history_walk(c->children, uname, ids, out);
                }
        }
}

GPtrArray *ham_cib_history_left(const char *status_xml, gsize len, const char *const *ids,
                                GError **error)
{
        g_autoptr(xmlDoc) doc = ham_xml_parse(status_xml, len, "the CIB's status section", error);
        GPtrArray *out;

        if (!doc)
                return NULL;
        out = g_ptr_array_new_with_free_func(g_free);
        history_walk(xmlDocGetRootElement(doc), NULL, ids, out);
        return out;
}
