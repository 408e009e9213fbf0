/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as the CIB hamgrd reads. Whatever libxml2
 * accepts must give a view and the resources (with each volume's fence
 * constraint), never a crash.
 */
#include <stdint.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "ham-pcmk-notify.h"
#include "pk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (size > 1024 * 1024)
                return 0;
        xmlDoc *doc = xmlReadMemory((const char *)data, (int)size, "cib.xml", NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (!doc)
                return 0;
        json_object *view = ham_pcmk_cib_view(xmlDocGetRootElement(doc));
        if (!view || !json_object_is_type(json_object_object_get(view, "nodes"), json_type_array))
                abort();
        json_object_put(view);
        json_object *res = ham_pcmk_cib_resources(xmlDocGetRootElement(doc));
        if (!res || !json_object_is_type(json_object_object_get(res, "guests"), json_type_array))
                abort();
        json_object_put(res);
        xmlFreeDoc(doc);
        return 0;
}
