/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as a DRBD `.res` file, read both ways hamgrd
 * reads one: for verify (ham_res_facts_scan) and for the minors and ports it
 * takes (ham_res_taken_scan). Every number found must be in range.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ham-status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autofree char *text = g_strndup((const char *)data, size);
        HamFactsRes res = { 0 };
        g_autoptr(GPtrArray) taken = NULL;

        ham_res_facts_scan(text, &res);
        g_free(res.protocol);
        g_free(res.fencing);
        taken = ham_res_taken_scan(text);
        for (guint i = 0; i < taken->len; i++) {
                const HamVolume *v = taken->pdata[i];
                if (!v->volume || (v->minor == HAM_NUMBER_NONE) == (v->port == HAM_NUMBER_NONE))
                        abort(); /* exactly one number per entry */
                if (v->minor != HAM_NUMBER_NONE && v->minor > HAM_MINOR_LAST)
                        abort();
                if (v->port != HAM_NUMBER_NONE && (v->port == 0 || v->port > 65535))
                        abort();
        }
        return 0;
}
