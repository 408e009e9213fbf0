/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "Fencing is usable", once (ham-fencing.h). Pure. */
#include "ham-fencing.h"
#include "pk.h"

#include <string.h>

void ham_fence_device_free(HamFenceDevice *d)
{
        if (!d)
                return;
        g_free(d->id);
        g_free(d->agent);
        g_free(d->hosts);
        g_free(d);
}

gboolean ham_fence_device_can_fence(const HamFenceDevice *d, const char *node)
{
        g_auto(GStrv) list = NULL;

        if (d->stopped)
                return FALSE;
        if (!node || !d->hosts)
                return TRUE;
        /* Pacemaker splits both lists on blanks, commas and semicolons. */
        list = g_strsplit_set(d->hosts, " \t,;", -1);
        for (char **h = list; *h; h++) {
                char *colon = strchr(*h, ':'); /* pcmk_host_map "node:port" */
                if (colon)
                        *colon = '\0';
                if (g_str_equal(*h, node))
                        return TRUE;
        }
        return FALSE;
}

HamFencing ham_fencing_judge(gboolean stonith_enabled, GPtrArray *devices, const char *node)
{
        gboolean running = FALSE;

        if (!stonith_enabled)
                return HAM_FENCING_DISABLED;
        if (!devices || devices->len == 0)
                return HAM_FENCING_NO_DEVICE;
        for (guint i = 0; i < devices->len; i++)
                if (ham_fence_device_can_fence(devices->pdata[i], NULL))
                        running = TRUE;
        if (!running)
                return HAM_FENCING_ALL_STOPPED;
        for (guint i = 0; i < devices->len; i++)
                if (ham_fence_device_can_fence(devices->pdata[i], node))
                        return HAM_FENCING_USABLE;
        return HAM_FENCING_NOT_COVERED;
}

HamFencing ham_fencing_judge_cib(const HamCibView *view, const char *node)
{
        g_autoptr(GPtrArray) devs = g_ptr_array_new_with_free_func((GDestroyNotify)ham_fence_device_free);

        for (guint i = 0; i < view->fencing->len; i++) {
                const HamCibFencing *f = view->fencing->pdata[i];
                HamFenceDevice *d = g_new0(HamFenceDevice, 1);
                d->id = g_strdup(f->id);
                d->agent = g_strdup(f->agent);
                d->hosts = g_strdup(f->hosts);
                d->stopped = f->stopped;
                g_ptr_array_add(devs, d);
        }
        return ham_fencing_judge(view->stonith_enabled, devs, node);
}
