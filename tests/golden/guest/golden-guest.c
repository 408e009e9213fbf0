/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: reads a guest definition (JSON), prints the normalized
 * definition and the QEMU argv built from it, one argument per line, or the
 * validation error. Accelerator "auto" is shown as resolved to tcg, so the
 * output does not depend on the machine.
 */
#include "hv.h"
#include "pk.h"

#include <stdio.h>

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HvGuestDef) def = NULL;
        g_autoptr(json_object) obj = NULL;
        g_autofree char *text = NULL, *dir = NULL, *log = NULL, *json = NULL;
        g_auto(GStrv) qemu_argv = NULL;
        gsize len;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, &len, &error)) {
                fprintf(stderr, "usage: golden-guest FILE.json\n");
                return 2;
        }
        obj = pk_json_parse(text, (gssize)len, "input", &error);
        if (obj)
                def = hv_guest_def_from_json(obj, &error);
        if (!def) {
                printf("error: %s\n", error->message);
                return 1;
        }
        g_autoptr(json_object) norm = hv_guest_def_to_json(def);
        json = pk_json_to_string(norm, TRUE);
        printf("definition:\n%s\n", json);

        dir = g_strdup_printf("/run/plastik/guests/%s", def->name);
        log = g_strdup_printf("/run/plastik/log/%s.console.log", def->name);
        /* Bridge NICs get the descriptors hv_start would hand QEMU: 3, 4, ... */
        g_autofree int *nic_fds = g_new(int, def->n_nics + 1);
        int next_fd = 3;
        for (guint i = 0; i < def->n_nics; i++)
                nic_fds[i] = def->nics[i].type == HV_NIC_BRIDGE ? next_fd++ : -1;
        HvQemuEnv env = {
                .qemu = "qemu-system-x86_64",
                .guest_dir = dir,
                .console_log = log,
                .accel = def->accel == HV_ACCEL_KVM ? HV_ACCEL_KVM : HV_ACCEL_TCG,
                .nic_fds = nic_fds,
        };
        qemu_argv = hv_qemu_build_argv(def, &env, &error);
        if (!qemu_argv) {
                printf("error: %s\n", error->message);
                return 1;
        }
        printf("argv:\n");
        for (char **a = qemu_argv; *a; a++)
                printf("  %s\n", *a);
        return 0;
}
