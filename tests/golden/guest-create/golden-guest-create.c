/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: reads the options of `hactl guest create` and what the
 * cluster looks like (a key file, groups [options] and [cluster]) and prints
 * the plan --dry-run shows, the volumes, and the definition once guest-prepare
 * gave the device /dev/drbd7; or the error with its code.
 */
#include "ham-guest.h"
#include "pk.h"

#include <stdio.h>

static const char *const error_names[] = {
        "failed", "invalid", "token", "conflict", "not-found", "pcmk", "timeout", "parse", "unsafe",
};

static char *get(GKeyFile *kf, const char *group, const char *key)
{
        return g_key_file_get_string(kf, group, key, NULL);
}

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(GKeyFile) kf = g_key_file_new();
        g_autoptr(HamGuestCreatePlan) plan = NULL;
        g_autoptr(json_object) config = NULL;
        g_autofree char *name = NULL, *memory = NULL, *vcpus = NULL, *disk = NULL, *image = NULL,
                        *kernel = NULL, *initrd = NULL, *cmdline = NULL, *prefer = NULL, *priority = NULL, *probe = NULL, *config_text = NULL, *local = NULL,
                        *peer = NULL, *fencing = NULL, *image_error = NULL, *image_format = NULL, *text = NULL, *json = NULL;
        g_auto(GStrv) guests = NULL;
        HamGuestCreateOpts o = { 0 };
        HamGuestCreateEnv env = { .image_size = -1 };

        if (argc != 2 || !g_key_file_load_from_file(kf, argv[1], G_KEY_FILE_NONE, &error)) {
                fprintf(stderr, "usage: golden-guest-create FILE.in (%s)\n", error ? error->message : "");
                return 2;
        }
        o.name = name = get(kf, "options", "name");
        o.memory = memory = get(kf, "options", "memory");
        o.vcpus = vcpus = get(kf, "options", "vcpus");
        o.disk = disk = get(kf, "options", "disk");
        o.image = image = get(kf, "options", "image");
        o.kernel = kernel = get(kf, "options", "kernel");
        o.initrd = initrd = get(kf, "options", "initrd");
        o.cmdline = cmdline = get(kf, "options", "cmdline");
        o.config = config_text = get(kf, "options", "config");
        o.config_path = o.config ? "guest.json" : NULL;
        o.prefer = prefer = get(kf, "options", "prefer");
        o.priority = priority = get(kf, "options", "priority");
        o.probe = probe = get(kf, "options", "probe");
        o.without_fencing = g_key_file_get_boolean(kf, "options", "without-fencing", NULL);
        o.no_wait_sync = g_key_file_get_boolean(kf, "options", "no-wait-sync", NULL);
        env.local = local = get(kf, "cluster", "local");
        env.peer = peer = get(kf, "cluster", "peer");
        guests = g_key_file_get_string_list(kf, "cluster", "guests", NULL, NULL);
        env.guests = (const char *const *)guests;
        env.fencing_problem = fencing = get(kf, "cluster", "fencing-problem");
        if (g_key_file_has_key(kf, "cluster", "image-size", NULL))
                env.image_size = g_key_file_get_int64(kf, "cluster", "image-size", NULL);
        env.image_error = image_error = get(kf, "cluster", "image-error");
        env.image_format = image_format = get(kf, "cluster", "image-format");
        env.image_refused = g_key_file_get_boolean(kf, "cluster", "image-refused", NULL);

        plan = ham_guest_create_plan(&o, &env, &error);
        if (!plan) {
                printf("error (%s): %s\n", error->code < (int)G_N_ELEMENTS(error_names) ?
                       error_names[error->code] : "?", error->message);
                return 1;
        }
        text = ham_guest_create_plan_to_string(plan);
        fputs(text, stdout);
        for (guint i = 0; i < plan->volumes->len; i++) {
                const HamVolume *v = plan->volumes->pdata[i];
                printf("volume: %s/%s %" G_GUINT64_FORMAT " bytes\n", v->guest, v->volume, v->size);
        }
        config = ham_guest_create_config(plan, "/dev/drbd7", &error);
        if (!config) {
                printf("error: %s\n", error->message);
                return 1;
        }
        json = pk_json_to_string(config, TRUE);
        printf("definition on /dev/drbd7:\n%s\n", json);
        return 0;
}
