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
        g_free(d->wrapped);
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

gboolean ham_fence_device_wrapped(const HamFenceDevice *d)
{
        return g_strcmp0(d->agent, HAM_FENCE_PLASTIK) == 0;
}

const char *ham_fence_device_agent(const HamFenceDevice *d)
{
        const char *a = ham_fence_device_wrapped(d) ? d->wrapped : d->agent;

        return a ? a : "";
}

gboolean ham_fence_race_delay_parse(const char *text, guint *ret_s)
{
        char *end = NULL;
        guint64 v;

        if (!text || !g_ascii_isdigit(text[0]))
                return FALSE;
        v = g_ascii_strtoull(text, &end, 10);
        if (g_str_equal(end, "s"))
                end++;
        if (*end || v > HAM_FENCE_RACE_DELAY_MAX_S)
                return FALSE;
        *ret_s = (guint)v;
        return TRUE;
}

guint ham_fencing_pcmk_delay_s(GPtrArray *devices)
{
        /* A stopped device counts too: started again, it fences without a
         * delay of its own. No device at all keeps cluster init's value, so
         * the first plain device added is covered from the start. */
        if (!devices || devices->len == 0)
                return HAM_PRIORITY_FENCING_DELAY_S;
        for (guint i = 0; i < devices->len; i++)
                if (!ham_fence_device_wrapped(devices->pdata[i]))
                        return HAM_PRIORITY_FENCING_DELAY_S;
        return 0;
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
                /* The view names the agent that fences; a device's agent is its type. */
                d->agent = g_strdup(f->wrapper ? f->wrapper : f->agent);
                d->wrapped = f->wrapper ? g_strdup(f->agent) : NULL;
                d->race_delay_s = f->wrapper && f->race_delay_s > 0 ? (guint)f->race_delay_s : 0;
                d->hosts = g_strdup(f->hosts);
                d->stopped = f->stopped;
                g_ptr_array_add(devs, d);
        }
        return ham_fencing_judge(view->stonith_enabled, devs, node);
}
