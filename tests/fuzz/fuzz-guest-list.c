/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as a CIB, optionally followed by a line
 * "=== crm_mon" and crm_mon's XML (as the golden guest-list cases). The
 * fencing rule and the guest list must not crash; the list is sorted by
 * name with every name once, and each guest serializes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ham-guest.h"
#include "ham-pcmk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autofree char *text = g_strndup((const char *)data, size);
        g_autoptr(HamMonStatus) mon = NULL;
        g_autoptr(GPtrArray) guests = NULL;
        g_autofree char *problem = NULL;
        char *sep = strstr(text, "=== crm_mon\n");
        gsize len = strlen(text);

        if (sep) {
                *sep = '\0';
                len = (gsize)(sep - text);
                sep += strlen("=== crm_mon\n");
                mon = ham_crm_mon_parse(sep, strlen(sep), NULL);
        }
        ham_cib_fencing_problem(text, len, &problem, NULL);
        guests = ham_guests_collect(text, len, mon, NULL);
        if (!guests)
                return 0;
        for (guint i = 0; i < guests->len; i++) {
                const HamGuestInfo *g = guests->pdata[i];
                json_object *j = ham_guest_info_to_json(g);
                if (!j || !g->state)
                        abort();
                json_object_put(j);
                if (i > 0 && strcmp(((const HamGuestInfo *)guests->pdata[i - 1])->name, g->name) >= 0)
                        abort();
        }
        return 0;
}
