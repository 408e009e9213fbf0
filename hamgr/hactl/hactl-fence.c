/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hactl fence …: STONITH devices and node fencing (see hactl(8)). */
#include "hactl.h"
#include "ham.h"
#include "ham-pcmk.h"
#include "pk.h"

#include <stdio.h>
#include <string.h>

static int report(GError *error)
{
        fprintf(stderr, "hactl: %s\n", error->message);
        if (error->domain != HAM_ERROR)
                return EXIT_FAIL;
        switch (error->code) {
        case HAM_ERROR_INVALID: return EXIT_INVALID;
        case HAM_ERROR_CONFLICT: return EXIT_CONFLICT;
        case HAM_ERROR_PCMK: return EXIT_PCMK;
        case HAM_ERROR_TIMEOUT: return EXIT_TIMEOUT;
        case HAM_ERROR_NOT_FOUND: return EXIT_NOT_FOUND;
        default: return EXIT_FAIL;
        }
}

static int timeout_of(PkCliCmd *a, int dflt, int *ret)
{
        const char *v = pk_cli_opt(a, "timeout");
        char *end = NULL;
        guint64 t;

        if (!v) {
                *ret = dflt;
                return EXIT_OK;
        }
        t = g_ascii_strtoull(v, &end, 10);
        if (!end || *end || t < 5 || t > 600)
                return hactl_usage_error("fence: --timeout \"%s\": give whole seconds from 5 to 600", v);
        *ret = (int)t;
        return EXIT_OK;
}

static char *query_cib(GError **error)
{
        g_autoptr(HamPcmk) pcmk = ham_pcmk_connect("hactl", error);

        return pcmk ? ham_pcmk_query_xml(pcmk, NULL, error) : NULL;
}

static int cmd_add(PkCliCmd *a)
{
        const char *name = pk_cli_arg(a, 0), *agent = pk_cli_opt(a, "agent"), *node = pk_cli_opt(a, "node");
        const char *const *params = pk_cli_opt_all(a, "param");
        g_autofree char *path = NULL, *meta = NULL, *err = NULL, *prim = NULL, *loc = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(HamPcmk) pcmk = NULL;
        const char *delay = pk_cli_opt(a, "race-delay");
        guint delay_s = HAM_FENCE_RACE_DELAY_S;
        int status = 0;

        if (!agent || !node)
                return hactl_usage_error("fence add: needs --agent AGENT and --node NODE");
        if (delay && !ham_fence_race_delay_parse(delay, &delay_s))
                return hactl_usage_error("fence add: --race-delay \"%s\": give whole seconds from 0 to %d",
                                         delay, HAM_FENCE_RACE_DELAY_MAX_S);
        /* Names are checked before an agent is looked up by them. */
        if (!ham_cib_fence_build(name, agent, node, params, delay_s, &prim, &loc, &error))
                return report(error);
        path = g_build_filename("/usr/sbin", agent, NULL);
        if (!g_file_test(path, G_FILE_TEST_IS_EXECUTABLE)) {
                fprintf(stderr, "hactl: fence agent %s is not installed (no %s): install fence-agents "
                                "or check the name (ls /usr/sbin/fence_*)\n", agent, path);
                return EXIT_NOT_FOUND;
        }
        const char *argv[] = { path, "-o", "metadata", NULL };
        if (!pk_spawn_sync(argv, &meta, &err, &status, &error) ||
            !pk_spawn_check(agent, status, err, &error))
                return report(error);
        if (!ham_fence_params_check(agent, meta, strlen(meta), params, &error))
                return report(error);
        if (pk_cli_flag(a, "dry-run")) {
                printf("%s\n%s\n", prim, loc);
                return EXIT_OK;
        }
        /* The fencer runs agents from /usr/sbin only, on whichever node runs
         * the device; this node is the one hactl can see. */
        g_autofree char *wrapper = g_build_filename("/usr/sbin", HAM_FENCE_PLASTIK, NULL);
        if (!g_file_test(wrapper, G_FILE_TEST_IS_EXECUTABLE)) {
                fprintf(stderr, "hactl: %s is not installed (no %s): install plastik on both nodes; the "
                                "device would fence nobody\n", HAM_FENCE_PLASTIK, wrapper);
                return EXIT_NOT_FOUND;
        }
        pcmk = ham_pcmk_connect("hactl", &error);
        if (!pcmk || !ham_pcmk_fence_add(pcmk, prim, loc, name, &error))
                return report(error);
        printf("fence device %s (%s through %s, race delay %u s) added for %s\n", name, agent,
               HAM_FENCE_PLASTIK, delay_s, node);
        return EXIT_OK;
}

static int cmd_list(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *cib = NULL;
        g_autoptr(GPtrArray) devs = NULL;
        g_autofree char *reason = NULL;
        gboolean ok;

        cib = query_cib(&error);
        if (!cib || !(devs = ham_fence_devices(cib, strlen(cib), &error)))
                return report(error);
        ok = ham_fencing_configured(cib, strlen(cib), &reason);
        if (pk_cli_flag(a, "json")) {
                json_object *o = json_object_new_object(), *arr = json_object_new_array();
                for (guint i = 0; i < devs->len; i++) {
                        HamFenceDevice *d = devs->pdata[i];
                        json_object *j = json_object_new_object();
                        json_object_object_add(j, "name", json_object_new_string(d->id));
                        json_object_object_add(j, "agent", json_object_new_string(ham_fence_device_agent(d)));
                        json_object_object_add(j, "wrapper", ham_fence_device_wrapped(d) ?
                                               json_object_new_string(HAM_FENCE_PLASTIK) : NULL);
                        json_object_object_add(j, "race_delay", ham_fence_device_wrapped(d) ?
                                               json_object_new_int((int)d->race_delay_s) : NULL);
                        json_object_object_add(j, "hosts", d->hosts ? json_object_new_string(d->hosts) : NULL);
                        json_object_object_add(j, "stopped", json_object_new_boolean(d->stopped));
                        json_object_array_add(arr, j);
                }
                json_object_object_add(o, "devices", arr);
                json_object_object_add(o, "configured", json_object_new_boolean(ok));
                json_object_object_add(o, "reason", reason ? json_object_new_string(reason) : NULL);
                g_autofree char *text = pk_json_to_string(o, TRUE);
                printf("%s\n", text);
                json_object_put(o);
                return EXIT_OK;
        }
        printf("%-20s %-16s %-20s %-8s %s\n", "NAME", "AGENT", "HOSTS", "STATE", "RACE");
        for (guint i = 0; i < devs->len; i++) {
                HamFenceDevice *d = devs->pdata[i];
                g_autofree char *race = ham_fence_device_wrapped(d) ?
                        g_strdup_printf("%s, %u s", HAM_FENCE_PLASTIK, d->race_delay_s) :
                        g_strdup("priority-fencing-delay");
                printf("%-20s %-16s %-20s %-8s %s\n", d->id, *ham_fence_device_agent(d) ?
                       ham_fence_device_agent(d) : "-", d->hosts ? d->hosts : "(any)",
                       d->stopped ? "stopped" : "enabled", race);
        }
        if (!ok)
                printf("fencing is not usable: %s\n", reason);
        return EXIT_OK;
}

static int cmd_remove(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamPcmk) pcmk = NULL;

        pcmk = ham_pcmk_connect("hactl", &error);
        if (!pcmk || !ham_pcmk_fence_remove(pcmk, pk_cli_arg(a, 0), &error))
                return report(error);
        printf("fence device %s removed\n", pk_cli_arg(a, 0));
        return EXIT_OK;
}

static int cmd_test(PkCliCmd *a)
{
        const char *node = pk_cli_arg(a, 0);
        g_autoptr(GError) error = NULL;
        g_autofree char *cib = NULL;
        g_autoptr(GPtrArray) devs = NULL;
        g_autoptr(HamFencer) f = NULL;
        guint tried = 0, passed = 0;
        int timeout, rc;

        if ((rc = timeout_of(a, 60, &timeout)) != EXIT_OK)
                return rc;
        cib = query_cib(&error);
        if (!cib || !(devs = ham_fence_devices(cib, strlen(cib), &error)))
                return report(error);
        f = ham_fencer_connect("hactl", &error);
        if (!f)
                return report(error);
        for (guint i = 0; i < devs->len; i++) {
                HamFenceDevice *d = devs->pdata[i];
                g_autoptr(GError) e = NULL;
                gint64 t0 = pk_now_ms();
                if (!ham_fence_device_can_fence(d, node))
                        continue;
                tried++;
                if (ham_fencer_status(f, d->id, node, timeout, &e)) {
                        passed++;
                        printf("%s: status of %s ok (%.1f s)\n", d->id, node, (pk_now_ms() - t0) / 1000.0);
                } else {
                        printf("%s: FAILED: %s\n", d->id, e->message);
                }
        }
        if (tried == 0) {
                fprintf(stderr, "hactl: no enabled fence device covers %s: add one with hactl fence add NAME "
                                "--agent AGENT --node %s --param …\n", node, node);
                return EXIT_NOT_FOUND;
        }
        return passed == tried ? EXIT_OK : EXIT_FAIL;
}

static int cmd_fence_node(PkCliCmd *a)
{
        const char *node = pk_cli_arg(a, 0);
        const char *action = pk_cli_flag(a, "off") ? "off" : "reboot";
        g_autoptr(GError) error = NULL;
        g_autoptr(HamFencer) f = NULL;
        int timeout, rc;
        gint64 t0;

        if (!pk_cli_flag(a, "yes")) {
                fprintf(stderr, "hactl: fencing %s cuts its power (%s): every guest on it stops at once. "
                                "Add --yes to do it.\n", node, action);
                return EXIT_USAGE;
        }
        if ((rc = timeout_of(a, 120, &timeout)) != EXIT_OK)
                return rc;
        f = ham_fencer_connect("hactl", &error);
        if (!f)
                return report(error);
        t0 = pk_now_ms();
        if (!ham_fencer_fence(f, node, action, timeout, &error))
                return report(error);
        printf("%s fenced (%s), confirmed by the fencer after %.1f s\n", node, action,
               (pk_now_ms() - t0) / 1000.0);
        return EXIT_OK;
}

int hactl_fence(PkCliCmd *a)
{
        const char *what = a->verb->name;

        if (!what)
                return cmd_fence_node(a);
        if (g_str_equal(what, "add"))
                return cmd_add(a);
        if (g_str_equal(what, "list"))
                return cmd_list(a);
        if (g_str_equal(what, "remove"))
                return cmd_remove(a);
        return cmd_test(a);
}
