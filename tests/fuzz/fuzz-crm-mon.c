/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: arbitrary bytes as crm_mon --output-as=xml output. */
#include <stdint.h>
#include <stdlib.h>

#include "ham.h"
#include "ham-pcmk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autoptr(HamMonStatus) st = ham_crm_mon_parse((const char *)data, size, NULL);

        if (!st)
                return 0;
        json_object *o = ham_mon_status_to_json(st);
        for (guint i = 0; st->nodes && i < st->nodes->len; i++)
                if (!ham_mon_node_state(st->nodes->pdata[i]))
                        abort();
        json_object_put(o);
        return 0;
}
