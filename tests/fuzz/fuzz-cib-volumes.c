/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as a CIB. Volumes read from it must be
 * distinct in minor and port, so allocation never hands out a used one.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ham.h"
#include "ham-pcmk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autoptr(GPtrArray) vols = ham_cib_volumes_parse((const char *)data, size, NULL);
        guint minor, port;

        if (!vols)
                return 0;
        if (ham_alloc_minor_port(vols, &minor, &port, NULL))
                for (guint i = 0; i < vols->len; i++) {
                        const HamVolume *v = vols->pdata[i];
                        if (v->minor == minor || v->port == port)
                                abort();
                }
        return 0;
}
