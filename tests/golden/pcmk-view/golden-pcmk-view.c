/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: a CIB as `cibadmin -Q` prints it in, the view hamgrd
 * reports out (ham_pcmk_cib_view()).
 */
#include "ham-pcmk-notify.h"
#include "pk.h"

#include <libxml/parser.h>
#include <stdio.h>

int main(int argc, char **argv)
{
        if (argc != 2) {
                fprintf(stderr, "usage: golden-pcmk-view FILE.xml\n");
                return 2;
        }
        xmlDoc *doc = xmlReadFile(argv[1], NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                 XML_PARSE_NOWARNING);
        if (!doc) {
                g_autofree char *base = g_path_get_basename(argv[1]);
                printf("error: %s is not well-formed XML\n", base);
                return 1;
        }
        g_autoptr(json_object) view = ham_pcmk_cib_view(xmlDocGetRootElement(doc));
        g_autofree char *text = pk_json_to_string(view, TRUE);
        printf("%s\n", text);
        xmlFreeDoc(doc);
        return 0;
}
