/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading the CIB for the handler: plain libxml2 over the text the CIB
 * manager returned, so the logic is tested without a cluster.
 */
#include "fen.h"
#include "ham-xml.h"
#include "ham-pcmk.h"

#include <libxml/parser.h>
#include <string.h>

void fen_cib_facts_clear(FenCibFacts *facts)
{
        g_clear_pointer(&facts->peer_name, g_free);
}

char *fen_constraint_xml(const char *resource, const char *clone_id, const char *node)
{
        g_autofree char *id = fen_constraint_id(resource, clone_id);

        /* The ids and layout of drbd-utils' crm-fence-peer.9.sh, with
         * Pacemaker 2.1's role name. */
        return g_strdup_printf("<rsc_location rsc=\"%s\" id=\"%s\">"
                               "<rule role=\"Promoted\" score=\"-INFINITY\" id=\"drbd-fence-by-handler-%s-rule-%s\">"
                               "<expression attribute=\"#uname\" operation=\"ne\" value=\"%s\" "
                               "id=\"drbd-fence-by-handler-%s-expr-%s\"/>"
                               "</rule></rsc_location>",
                               clone_id, id, resource, clone_id, node, resource, clone_id);
}

/* "true", "online" or (newer Pacemaker) a non-zero timestamp. */
static gboolean state_up(const char *v, const char *up_word)
{
        if (!v)
                return FALSE;
        if (g_str_equal(v, up_word) || g_str_equal(v, "true"))
                return TRUE;
        return g_ascii_isdigit(v[0]) && g_ascii_strtoull(v, NULL, 10) != 0;
}

static FenPeer peer_state(xmlNode *ns)
{
        g_autofree char *in_ccm = ham_xml_prop(ns, "in_ccm");
        g_autofree char *crmd = ham_xml_prop(ns, "crmd");
        g_autofree char *expected = ham_xml_prop(ns, "expected");
        gboolean member = state_up(in_ccm, "true"), ctl = state_up(crmd, "online");

        if (member && ctl)
                return FEN_PEER_ONLINE;
        if (g_strcmp0(expected, "down") == 0)
                return FEN_PEER_OFFLINE;
        return FEN_PEER_LOST;
}

gboolean fen_cib_facts(const char *xml, gsize len, const char *resource, const char *clone_id,
                       const char *here, const char *peer, FenCibFacts *ret_facts,
                       GError **error)
{
        g_autoptr(GError) local = NULL;
        g_autoptr(xmlDoc) doc = ham_xml_parse(xml, len, "the CIB", &local);
        g_autofree char *cid = fen_constraint_id(resource, clone_id);
        FenCibFacts f = { .peer = FEN_PEER_UNKNOWN };
        xmlNode *root, *conf, *status, *nodes, *obj;

        if (!doc) {
                g_set_error(error, FEN_ERROR, FEN_ERROR_PARSE, "%s", local->message);
                return FALSE;
        }
        root = xmlDocGetRootElement(doc);
        conf = ham_xml_child(root, "configuration");
        if (!ham_xml_is(root, "cib") || !conf) {
                g_set_error(error, FEN_ERROR, FEN_ERROR_PARSE,
                            "the CIB has no <cib><configuration>: not a CIB");
                return FALSE;
        }
        f.quorate = ham_xml_prop_bool(root, "have-quorum");

        /* With no peer name from DRBD, a two-node cluster has one other node. */
        nodes = ham_xml_child(conf, "nodes");
        if (peer) {
                f.peer_name = g_strdup(peer);
        } else {
                for (xmlNode *n = nodes ? nodes->children : NULL; n; n = n->next) {
                        g_autofree char *uname = ham_xml_prop(n, "uname");
                        if (!ham_xml_is(n, "node") || !uname || g_strcmp0(uname, here) == 0)
                                continue;
                        if (f.peer_name) {
                                g_clear_pointer(&f.peer_name, g_free);
                                break; /* more than one candidate: none */
                        }
                        f.peer_name = g_steal_pointer(&uname);
                }
        }

        status = ham_xml_child(root, "status");
        for (xmlNode *ns = status ? status->children : NULL; f.peer_name && ns; ns = ns->next) {
                g_autofree char *uname = ham_xml_prop(ns, "uname");
                if (ham_xml_is(ns, "node_state") && g_strcmp0(uname, f.peer_name) == 0)
                        f.peer = peer_state(ns);
        }

        obj = ham_xml_find_id(ham_xml_child(conf, "resources"), clone_id);
        f.clone_exists = obj && (ham_xml_is(obj, "clone") || ham_xml_is(obj, "master"));

        obj = ham_xml_find_id(ham_xml_child(conf, "constraints"), cid);
        if (!obj) {
                f.constraint = FEN_CONSTRAINT_NONE;
        } else {
                /* hamgr's one reader of the shape, which status and verify use too. */
                g_autofree char *node = ham_fence_constraint_node(obj, clone_id);
                if (!node)
                        f.constraint = FEN_CONSTRAINT_FOREIGN;
                else if (g_strcmp0(node, here) == 0)
                        f.constraint = FEN_CONSTRAINT_HERE;
                else if (f.peer_name && g_strcmp0(node, f.peer_name) == 0)
                        f.constraint = FEN_CONSTRAINT_PEER;
                else
                        f.constraint = FEN_CONSTRAINT_FOREIGN;
        }
        *ret_facts = f;
        return TRUE;
}

FenPeerCib fen_peer_cib_judge(const char *xml, gsize len, const char *resource, const char *clone_id,
                              const char *here)
{
        g_autoptr(xmlDoc) doc = NULL;
        g_autofree char *cid = fen_constraint_id(resource, clone_id);
        g_autofree char *node = NULL;
        xmlNode *obj;

        if (!xml)
                return FEN_PEER_CIB_UNREACHABLE;
        /* An answer we cannot read proves nothing: counted as none. */
        doc = ham_xml_parse(xml, len, "the peer's CIB", NULL);
        if (!doc)
                return FEN_PEER_CIB_UNREACHABLE;
        obj = ham_xml_find_id(xmlDocGetRootElement(doc), cid);
        node = obj ? ham_fence_constraint_node(obj, clone_id) : NULL;
        if (node && g_strcmp0(node, here) == 0)
                return FEN_PEER_CIB_HOLDS;
        return FEN_PEER_CIB_LACKS;
}
