/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ocf:plastik:guest - the OCF resource agent that runs a plastik guest
 * under Pacemaker (see ocf_plastik_guest(7)). Installed as
 * /usr/lib/ocf/resource.d/plastik/guest.
 */
#include "ocf-guest.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(OcfGuestParams) params = NULL;
        const char *instance = g_getenv("OCF_RESOURCE_INSTANCE");
        const OcfActionSpec *action;

        ocf_log_init("guest", instance && *instance ? instance : g_getenv("OCF_RESKEY_name"));
        /* OCF: the action is the only argument; anything after it is ignored. */
        if (argc < 2) {
                fputs(ocf_guest_usage(), stderr);
                g_critical("no action given");
                return OCF_ERR_ARGS;
        }
        action = ocf_action_lookup(argv[1]);
        if (!action) {
                fputs(ocf_guest_usage(), stderr);
                g_critical("unknown action \"%s\"", argv[1]);
                return OCF_ERR_UNIMPLEMENTED;
        }
        if (!action->implemented) {
                g_critical("%s is not supported: a guest is stopped and started, never migrated live (its volume is primary on one node only)",
                           action->name);
                return OCF_ERR_UNIMPLEMENTED;
        }
        if (action->action == OCF_ACTION_META_DATA) {
                g_autofree char *xml = ocf_guest_metadata();
                fputs(xml, stdout);
                return OCF_SUCCESS;
        }
        if (action->action == OCF_ACTION_USAGE) {
                fputs(ocf_guest_usage(), stdout);
                return OCF_SUCCESS;
        }

        params = ocf_guest_params_parse(action, ocf_getenv, NULL, &error);
        if (!params) {
                g_critical("%s: %s", action->name, error->message);
                return ocf_exit_from_error(error);
        }
        for (guint i = 0; i < params->warnings->len; i++)
                g_warning("%s", (const char *)params->warnings->pdata[i]);
        return ocf_guest_run(action, params);
}
