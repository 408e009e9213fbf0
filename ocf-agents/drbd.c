/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ocf:plastik:drbd - the OCF resource agent that runs one DRBD resource of
 * a plastik volume as a promotable clone (see ocf_plastik_drbd(7)).
 * Installed as /usr/lib/ocf/resource.d/plastik/drbd.
 */
#include "ocf-drbd.h"

#include <stdio.h>

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(OcfDrbdParams) params = NULL;
        const char *instance = g_getenv("OCF_RESOURCE_INSTANCE");
        const OcfDrbdActionSpec *action;

        ocf_log_init("drbd", instance && *instance ? instance : g_getenv("OCF_RESKEY_drbd_resource"));
        /* OCF: the action is the only argument; anything after it is ignored. */
        if (argc < 2) {
                fputs(ocf_drbd_usage(), stderr);
                g_critical("no action given");
                return OCF_ERR_ARGS;
        }
        action = ocf_drbd_action_lookup(argv[1]);
        if (!action) {
                fputs(ocf_drbd_usage(), stderr);
                g_critical("unknown action \"%s\"", argv[1]);
                return OCF_ERR_UNIMPLEMENTED;
        }
        if (action->action == OCF_DRBD_META_DATA) {
                g_autofree char *xml = ocf_drbd_metadata();
                fputs(xml, stdout);
                return OCF_SUCCESS;
        }
        if (action->action == OCF_DRBD_USAGE) {
                fputs(ocf_drbd_usage(), stdout);
                return OCF_SUCCESS;
        }
        params = ocf_drbd_params_parse(action, ocf_getenv, NULL, &error);
        if (!params) {
                g_critical("%s: %s", action->name, error->message);
                return error->domain == OCF_ERROR ? error->code : OCF_ERR_GENERIC;
        }
        for (guint i = 0; i < params->warnings->len; i++)
                g_warning("%s", (const char *)params->warnings->pdata[i]);
        return ocf_drbd_run(action, params);
}
