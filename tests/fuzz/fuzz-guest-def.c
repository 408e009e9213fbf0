/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as a guest definition. Whatever parses must
 * survive a round trip and produce a command line.
 */
#include <stdint.h>
#include <stdlib.h>

#include "hv.h"
#include "pk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) obj = pk_json_parse((const char *)data, (gssize)size, "fuzz", &error);
        if (!obj)
                return 0;
        g_autoptr(HvGuestDef) def = hv_guest_def_from_json(obj, &error);
        if (!def)
                return 0;
        g_autoptr(json_object) again = hv_guest_def_to_json(def);
        g_autoptr(HvGuestDef) def2 = hv_guest_def_from_json(again, NULL);
        if (!def2)
                abort(); /* what we print must parse again */
        g_autofree int *nic_fds = g_new(int, def->n_nics + 1);
        for (guint i = 0; i < def->n_nics; i++)
                nic_fds[i] = 3 + (int)i;
        HvQemuEnv env = { "qemu", "/run/plastik/guests/x", "/run/plastik/log/x.console.log", HV_ACCEL_TCG,
                          nic_fds };
        g_auto(GStrv) argv = hv_qemu_build_argv(def, &env, NULL);
        if (!argv)
                abort();
        return 0;
}
