/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as a DRBD `.res` file, read by drbd-glue's
 * one reader (dg_res_file_parse, and dg_res_parse_ids on top of it) and
 * through the two views hamgrd keeps of it: for verify
 * (ham_res_facts_scan) and for the minors and ports it takes
 * (ham_res_taken_scan). Every number found must be in range, every name
 * and setting of the form the reader promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dg.h"
#include "ham-status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_file(const DgResFile *f)
{
        if (f->protocol && !g_str_equal(f->protocol, "A") && !g_str_equal(f->protocol, "B") &&
            !g_str_equal(f->protocol, "C"))
                abort();
        if (f->fencing && !dg_res_name_valid(f->fencing))
                abort();
        for (guint i = 0; i < f->resources->len; i++) {
                const DgResClaims *r = f->resources->pdata[i];
                if (!r->name || !*r->name || strchr("{};", r->name[0]))
                        abort();
                for (guint j = 0; j < r->minors->len; j++) {
                        if (g_array_index(r->minors, guint, j) > 1048575)
                                abort();
                        for (guint k = 0; k < j; k++)
                                if (g_array_index(r->minors, guint, k) == g_array_index(r->minors, guint, j))
                                        abort(); /* each once */
                }
                for (guint j = 0; j < r->ports->len; j++) {
                        guint port = g_array_index(r->ports, guint, j);
                        if (port == 0 || port > 65535)
                                abort();
                }
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autofree char *text = g_strndup((const char *)data, size);
        g_autoptr(DgResFile) file = dg_res_file_parse(text);
        HamFactsRes res = { 0 };
        g_autoptr(GPtrArray) taken = NULL;
        guint minor = G_MAXUINT, port = G_MAXUINT;

        check_file(file);
        if (dg_res_parse_ids(text, &minor, &port, NULL)) {
                const DgResClaims *first = file->resources->pdata[0];
                if (minor != g_array_index(first->minors, guint, 0) ||
                    port != g_array_index(first->ports, guint, 0))
                        abort();
        } else if (minor != G_MAXUINT || port != G_MAXUINT) {
                abort(); /* set on success only */
        }
        ham_res_facts_scan(text, &res);
        if (g_strcmp0(res.protocol, file->protocol) || g_strcmp0(res.fencing, file->fencing))
                abort();
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
