/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as the "cib" object of hamgrd's
 * cluster-status answer (ham_cib_view_from_json()). What reads must write
 * back to JSON that reads the same; what does not must say which field.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ham-cib.h"
#include "pk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autoptr(GError) error = NULL;
        if (size > 1024 * 1024)
                return 0;
        g_autoptr(json_object) obj = pk_json_parse((const char *)data, (gssize)size, "cib", NULL);
        if (!obj)
                return 0;
        g_autoptr(HamCibView) view = ham_cib_view_from_json(obj, "cib.", &error);
        if (!view) {
                if (!error || !g_str_has_prefix(error->message, "cib"))
                        abort();
                return 0;
        }
        g_autoptr(json_object) back = ham_cib_view_to_json(view);
        g_autofree char *s = pk_json_to_string(back, FALSE);
        g_autoptr(HamCibView) again = ham_cib_view_from_json(back, "cib.", NULL);
        if (!again)
                abort();
        g_autoptr(json_object) back2 = ham_cib_view_to_json(again);
        g_autofree char *s2 = pk_json_to_string(back2, FALSE);
        if (strcmp(s, s2) != 0)
                abort();
        return 0;
}
