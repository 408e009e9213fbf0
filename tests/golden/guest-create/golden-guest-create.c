/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: reads the options of `hactl guest create` and what the
 * cluster looks like (../guest-create-case.h) and prints the plan --dry-run
 * shows, the volumes, and the definition once guest-prepare gave the device
 * /dev/drbd7; or the error with its code.
 */
#include "../guest-create-case.h"
#include "pk.h"

int main(int argc, char **argv)
{
        g_auto(GuestCreateCase) c = { 0 };
        g_autoptr(GError) error = NULL;
        g_autoptr(HamGuestCreatePlan) plan = NULL;
        g_autoptr(json_object) config = NULL;
        g_autofree char *text = NULL, *json = NULL;

        if (!guest_create_case_load(&c, argc, argv))
                return 2;
        if (!(plan = guest_create_case_plan(&c)))
                return 1;
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
