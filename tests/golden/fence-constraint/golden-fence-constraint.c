/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: a CIB as `cibadmin -Q` prints it in; out, for every guest
 * volume ham_pcmk_cib_resources() finds, the fence handler's constraint it
 * reports (ham_fence_constraint_id(), ham_fence_constraint_node()).
 */
#include "ham-pcmk-notify.h"
#include "pk.h"

#include <libxml/parser.h>
#include <stdio.h>

static const char *str(json_object *o, const char *key)
{
        json_object *v = json_object_object_get(o, key);
        return v ? json_object_get_string(v) : "null";
}

int main(int argc, char **argv)
{
        if (argc != 2) {
                fprintf(stderr, "usage: golden-fence-constraint FILE\n");
                return 2;
        }
        xmlDoc *doc = xmlReadFile(argv[1], NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                 XML_PARSE_NOWARNING);
        if (!doc) {
                g_autofree char *base = g_path_get_basename(argv[1]);
                printf("error: %s is not well-formed XML\n", base);
                return 1;
        }
        g_autoptr(json_object) res = ham_pcmk_cib_resources(xmlDocGetRootElement(doc));
        json_object *guests = json_object_object_get(res, "guests");
        for (size_t i = 0; guests && i < json_object_array_length(guests); i++) {
                json_object *g = json_object_array_get_idx(guests, i);
                json_object *vols = json_object_object_get(g, "volumes");
                for (size_t j = 0; vols && j < json_object_array_length(vols); j++) {
                        json_object *v = json_object_array_get_idx(vols, j);
                        g_autofree char *fc = pk_json_to_string(
                                json_object_object_get(v, "fence_constraint"), FALSE);
                        printf("%s/%s (%s, %s): %s\n", str(g, "name"), str(v, "volume"),
                               str(v, "resource"), str(v, "clone"), fc ? fc : "null");
                }
        }
        xmlFreeDoc(doc);
        return 0;
}
