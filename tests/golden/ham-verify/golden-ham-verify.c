/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: both nodes' facts as JSON in (the verify-facts answer, read
 * with ham_verify_facts_from_json(); a "cib_xml" string in place of "cib" is
 * read with ham_pcmk_cib_resources()),
 * the findings, their text and the exit code out.
 */
#include "ham-pcmk-notify.h"
#include "ham-status.h"
#include "pk.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>

/* Replaces "cib_xml" with the "cib" it gives; FALSE when it is not XML. */
static gboolean cib_from_xml(json_object *input)
{
        json_object *x;
        if (!json_object_object_get_ex(input, "cib_xml", &x))
                return TRUE;
        const char *text = json_object_get_string(x);
        xmlDoc *doc = xmlReadMemory(text, (int)strlen(text), "cib.xml", NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (!doc)
                return FALSE;
        json_object_object_add(input, "cib", ham_pcmk_cib_resources(xmlDocGetRootElement(doc)));
        json_object_object_del(input, "cib_xml");
        xmlFreeDoc(doc);
        return TRUE;
}

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL;
        g_autoptr(json_object) input = NULL;
        gsize len;

        if (argc != 2) {
                fprintf(stderr, "usage: golden-ham-verify FILE\n");
                return 2;
        }
        setenv("TZ", "UTC", 1);
        if (!g_file_get_contents(argv[1], &text, &len, &error) ||
            !(input = pk_json_parse(text, (gssize)len, "case", &error))) {
                printf("error: %s\n", error->message);
                return 1;
        }
        if (!cib_from_xml(input)) {
                printf("error: cib_xml is not well-formed XML\n");
                return 1;
        }
        g_autoptr(HamVerifyFacts) vf = ham_verify_facts_from_json(input, &error);
        if (!vf) {
                printf("error: %s\n", error->message);
                return 1;
        }
        g_autoptr(json_object) result = ham_verify(vf);
        g_autofree char *json = pk_json_to_string(result, TRUE);
        g_autofree char *lines = ham_verify_render(result);
        printf("%s\n---\n%s", json, lines);
        return ham_verify_exit_code(result);
}
