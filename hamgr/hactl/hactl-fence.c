/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hactl fence …: STONITH devices and node fencing (see hactl(8)). */
#include "hactl.h"
#include "ham.h"
#include "ham-pcmk.h"
#include "pk.h"

#include <stdio.h>
#include <string.h>

#define FENCE_USAGE                                                                           \
        "hactl fence add NAME --agent AGENT --node NODE [--param K=V]... [--dry-run]\n"      \
        "       hactl fence list [--json]\n"                                                  \
        "       hactl fence remove NAME\n"                                                    \
        "       hactl fence test NODE [--timeout S]\n"                                        \
        "       hactl fence NODE --yes [--off] [--timeout S]"

static int fence_usage(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static int fence_usage(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        fputs("hactl: fence: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputs("\nUsage: " FENCE_USAGE "\n", stderr);
        va_end(ap);
        return EXIT_USAGE;
}

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

typedef struct {
        GPtrArray *args;   /* positional (transfer none) */
        GPtrArray *params; /* --param values, NULL-terminated (transfer none) */
        const char *agent, *node, *timeout;
        gboolean json, yes, off, dry_run;
} FenceArgs;

/* Options are few and --param repeats, so fence has its own small parser. */
static int parse(int argc, char **argv, FenceArgs *a)
{
        for (int i = 0; i < argc; i++) {
                const char *s = argv[i];
                const char **value = NULL;
                gboolean *flag = NULL;
                const char *name = s + 2;

                if (!g_str_has_prefix(s, "--")) {
                        g_ptr_array_add(a->args, (gpointer)s);
                        continue;
                }
                if (g_str_equal(name, "json"))
                        flag = &a->json;
                else if (g_str_equal(name, "yes"))
                        flag = &a->yes;
                else if (g_str_equal(name, "off"))
                        flag = &a->off;
                else if (g_str_equal(name, "dry-run"))
                        flag = &a->dry_run;
                else if (g_str_equal(name, "agent"))
                        value = &a->agent;
                else if (g_str_equal(name, "node"))
                        value = &a->node;
                else if (g_str_equal(name, "timeout"))
                        value = &a->timeout;
                else if (!g_str_equal(name, "param"))
                        return fence_usage("unknown option \"%s\"", s);
                if (flag) {
                        *flag = TRUE;
                        continue;
                }
                if (i + 1 >= argc || !*argv[i + 1])
                        return fence_usage("%s needs a value", s);
                if (value) {
                        if (*value)
                                return fence_usage("%s is given twice", s);
                        *value = argv[++i];
                } else {
                        g_ptr_array_add(a->params, argv[++i]);
                }
        }
        g_ptr_array_add(a->params, NULL);
        return EXIT_OK;
}

static int timeout_of(const FenceArgs *a, int dflt, int *ret)
{
        char *end = NULL;
        guint64 t;

        if (!a->timeout) {
                *ret = dflt;
                return EXIT_OK;
        }
        t = g_ascii_strtoull(a->timeout, &end, 10);
        if (!end || *end || t < 5 || t > 600)
                return fence_usage("--timeout \"%s\": give whole seconds from 5 to 600", a->timeout);
        *ret = (int)t;
        return EXIT_OK;
}

static char *query_cib(GError **error)
{
        g_autoptr(HamPcmk) pcmk = ham_pcmk_connect("hactl", error);

        return pcmk ? ham_pcmk_query_xml(pcmk, NULL, error) : NULL;
}

static int cmd_add(FenceArgs *a)
{
        const char *name = g_ptr_array_index(a->args, 1);
        const char *const *params = (const char *const *)a->params->pdata;
        g_autofree char *path = NULL, *meta = NULL, *err = NULL, *prim = NULL, *loc = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(HamPcmk) pcmk = NULL;
        int status = 0;

        if (a->args->len != 2)
                return fence_usage("add takes one NAME");
        if (!a->agent || !a->node)
                return fence_usage("add needs --agent AGENT and --node NODE");
        /* Names are checked before an agent is looked up by them. */
        if (!ham_cib_fence_build(name, a->agent, a->node, params, &prim, &loc, &error))
                return report(error);
        path = g_build_filename("/usr/sbin", a->agent, NULL);
        if (!g_file_test(path, G_FILE_TEST_IS_EXECUTABLE)) {
                fprintf(stderr, "hactl: fence agent %s is not installed (no %s): install fence-agents "
                                "or check the name (ls /usr/sbin/fence_*)\n", a->agent, path);
                return EXIT_NOT_FOUND;
        }
        const char *argv[] = { path, "-o", "metadata", NULL };
        if (!pk_spawn_sync(argv, &meta, &err, &status, &error) ||
            !pk_spawn_check(a->agent, status, err, &error))
                return report(error);
        if (!ham_fence_params_check(a->agent, meta, strlen(meta), params, &error))
                return report(error);
        if (a->dry_run) {
                printf("%s\n%s\n", prim, loc);
                return EXIT_OK;
        }
        pcmk = ham_pcmk_connect("hactl", &error);
        if (!pcmk || !ham_pcmk_fence_add(pcmk, prim, loc, name, &error))
                return report(error);
        printf("fence device %s (%s) added for %s\n", name, a->agent, a->node);
        return EXIT_OK;
}

static int cmd_list(FenceArgs *a)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *cib = NULL;
        g_autoptr(GPtrArray) devs = NULL;
        g_autofree char *reason = NULL;
        gboolean ok;

        if (a->args->len != 1)
                return fence_usage("list takes no argument");
        cib = query_cib(&error);
        if (!cib || !(devs = ham_fence_devices(cib, strlen(cib), &error)))
                return report(error);
        ok = ham_fencing_configured(cib, strlen(cib), &reason);
        if (a->json) {
                json_object *o = json_object_new_object(), *arr = json_object_new_array();
                for (guint i = 0; i < devs->len; i++) {
                        HamFenceDevice *d = devs->pdata[i];
                        json_object *j = json_object_new_object();
                        json_object_object_add(j, "name", json_object_new_string(d->id));
                        json_object_object_add(j, "agent", json_object_new_string(d->agent ? d->agent : ""));
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
        printf("%-20s %-16s %-20s %s\n", "NAME", "AGENT", "HOSTS", "STATE");
        for (guint i = 0; i < devs->len; i++) {
                HamFenceDevice *d = devs->pdata[i];
                printf("%-20s %-16s %-20s %s\n", d->id, d->agent ? d->agent : "-", d->hosts ? d->hosts : "(any)",
                       d->stopped ? "stopped" : "enabled");
        }
        if (!ok)
                printf("fencing is not usable: %s\n", reason);
        return EXIT_OK;
}

static int cmd_remove(FenceArgs *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamPcmk) pcmk = NULL;

        if (a->args->len != 2)
                return fence_usage("remove takes one NAME");
        pcmk = ham_pcmk_connect("hactl", &error);
        if (!pcmk || !ham_pcmk_fence_remove(pcmk, g_ptr_array_index(a->args, 1), &error))
                return report(error);
        printf("fence device %s removed\n", (const char *)g_ptr_array_index(a->args, 1));
        return EXIT_OK;
}

static int cmd_test(FenceArgs *a)
{
        const char *node = g_ptr_array_index(a->args, 1);
        g_autoptr(GError) error = NULL;
        g_autofree char *cib = NULL;
        g_autoptr(GPtrArray) devs = NULL;
        g_autoptr(HamFencer) f = NULL;
        guint tried = 0, passed = 0;
        int timeout, rc;

        if (a->args->len != 2)
                return fence_usage("test takes one NODE");
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

static int cmd_fence_node(FenceArgs *a)
{
        const char *node = g_ptr_array_index(a->args, 0);
        const char *action = a->off ? "off" : "reboot";
        g_autoptr(GError) error = NULL;
        g_autoptr(HamFencer) f = NULL;
        int timeout, rc;
        gint64 t0;

        if (a->args->len != 1)
                return fence_usage("unexpected argument \"%s\"", (const char *)g_ptr_array_index(a->args, 1));
        if (!a->yes) {
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

int hactl_fence(int argc, char **argv)
{
        FenceArgs a = { .args = g_ptr_array_new(), .params = g_ptr_array_new() };
        const char *what;
        int rc;

        rc = parse(argc, argv, &a);
        if (rc != EXIT_OK)
                goto out;
        if (a.args->len == 0) {
                rc = fence_usage("which one?");
                goto out;
        }
        what = g_ptr_array_index(a.args, 0);
        if (a.params->len > 1 && !g_str_equal(what, "add")) {
                rc = fence_usage("--param is for fence add only");
                goto out;
        }
        if (g_str_equal(what, "add"))
                rc = cmd_add(&a);
        else if (g_str_equal(what, "list"))
                rc = cmd_list(&a);
        else if (g_str_equal(what, "remove"))
                rc = cmd_remove(&a);
        else if (g_str_equal(what, "test"))
                rc = cmd_test(&a);
        else
                rc = cmd_fence_node(&a);
out:
        g_ptr_array_free(a.args, TRUE);
        g_ptr_array_free(a.params, TRUE);
        return rc;
}
