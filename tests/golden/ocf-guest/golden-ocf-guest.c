/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver for ocf:plastik:guest's decisions. A case file starts with
 * its kind:
 *   params ACTION      then VAR=VALUE lines: the agent's environment; prints
 *                      the parameters the action gets, or the error and its
 *                      OCF exit code
 *   status             then "state: S", "reason: R", "pid: N" lines: prints
 *                      what monitor reports for that guest status
 *   action NAME        prints how the agent dispatches the action
 *   timeout MS REQ     the stop timeout (ms, 0 = unset) and shutdown_timeout
 *                      (-1 = unset): prints the ACPI wait
 * Lines starting with '#' are comments. Exits with the OCF exit code.
 */
#include "ocf-guest.h"
#include "pk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *table_lookup(const char *name, gpointer data)
{
        return g_hash_table_lookup(data, name);
}

static const char *const needs_names[] = { "nothing", "name", "all" };

static int do_params(const char *action_name, char **lines)
{
        g_autoptr(GHashTable) env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_autoptr(GError) error = NULL;
        g_autoptr(OcfGuestParams) p = NULL;
        const OcfActionSpec *action = ocf_action_lookup(action_name);

        if (!action) {
                printf("unknown action \"%s\"\n", action_name);
                return OCF_ERR_UNIMPLEMENTED;
        }
        for (char **l = lines; *l; l++) {
                const char *eq = strchr(*l, '=');
                if (**l == '#' || !**l)
                        continue;
                if (!eq) {
                        printf("bad environment line \"%s\"\n", *l);
                        return 100;
                }
                g_hash_table_insert(env, g_strndup(*l, (gsize)(eq - *l)), g_strdup(eq + 1));
        }
        p = ocf_guest_params_parse(action, table_lookup, env, &error);
        if (!p) {
                OcfExit code = ocf_exit_from_error(error);
                printf("error: %s: %s\n", ocf_exit_to_string(code), error->message);
                return code;
        }
        printf("instance: %s\nname: %s\nrundir: %s\nqemu: %s\n", p->instance, p->name, p->rundir,
               p->qemu ? p->qemu : "(default)");
        printf("shutdown_timeout: %u\ntimeout_ms: %" G_GINT64_FORMAT "\ninterval_ms: %" G_GINT64_FORMAT "\n",
               p->shutdown_timeout_s, p->timeout_ms, p->interval_ms);
        printf("probe: %s\ncheck_level: %d\n", p->probe ? "yes" : "no", p->check_level);
        if (p->def) {
                g_autoptr(json_object) obj = hv_guest_def_to_json(p->def);
                g_autofree char *text = pk_json_to_string(obj, FALSE);
                printf("definition: %s\n", text);
        } else {
                printf("definition: (none)\n");
        }
        for (guint i = 0; i < p->warnings->len; i++)
                printf("warning: %s\n", (const char *)p->warnings->pdata[i]);
        return OCF_SUCCESS;
}

static int do_status(char **lines)
{
        HvGuestStatus st = { .name = (char *)"web1", .state = HV_STATE_UNKNOWN };
        g_autofree char *msg = NULL, *reason = NULL;
        gboolean warn = FALSE, known = FALSE;
        OcfExit code;

        for (char **l = lines; *l; l++) {
                if (g_str_has_prefix(*l, "state: ")) {
                        for (int s = HV_STATE_SHUTOFF; s <= HV_STATE_UNKNOWN; s++)
                                if (g_str_equal(*l + 7, hv_state_to_string((HvState)s))) {
                                        st.state = (HvState)s;
                                        known = TRUE;
                                }
                } else if (g_str_has_prefix(*l, "reason: ")) {
                        g_free(reason);
                        reason = g_strdup(*l + 8);
                } else if (g_str_has_prefix(*l, "pid: ")) {
                        st.pid = (pid_t)atoi(*l + 5);
                }
        }
        if (!known) {
                printf("no known \"state: \" line\n");
                return 100;
        }
        st.reason = reason;
        code = ocf_guest_state_exit(&st, &msg, &warn);
        printf("%s%s: %s\n", ocf_exit_to_string(code), warn ? " (warning)" : "", msg);
        return code;
}

static int do_action(const char *name)
{
        const OcfActionSpec *a = ocf_action_lookup(name);

        if (!a) {
                printf("unknown: %s\n", ocf_exit_to_string(OCF_ERR_UNIMPLEMENTED));
                return OCF_ERR_UNIMPLEMENTED;
        }
        printf("action: %s\nimplemented: %s\nadvertised: %s\nneeds: %s\n", a->name,
               a->implemented ? "yes" : "no", a->advertised ? "yes" : "no", needs_names[a->needs]);
        if (a->advertised)
                printf("timeout: %us\ninterval: %us\n", a->timeout_s, a->interval_s);
        return a->implemented ? OCF_SUCCESS : OCF_ERR_UNIMPLEMENTED;
}

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL;
        g_auto(GStrv) lines = NULL;
        gsize len;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, &len, &error)) {
                fprintf(stderr, "usage: golden-ocf-guest CASE\n");
                return 100;
        }
        lines = g_strsplit(text, "\n", -1);
        char **l = lines;
        while (*l && (**l == '#' || !**l))
                l++;
        if (!*l) {
                fprintf(stderr, "golden-ocf-guest: %s has no kind line\n", argv[1]);
                return 100;
        }
        if (g_str_has_prefix(*l, "params "))
                return do_params(*l + 7, l + 1);
        if (g_str_equal(*l, "status"))
                return do_status(l + 1);
        if (g_str_has_prefix(*l, "action "))
                return do_action(*l + 7);
        if (g_str_has_prefix(*l, "timeout ")) {
                gint64 ms = 0, req = -1;
                g_autofree char *warning = NULL;
                if (sscanf(*l + 8, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &ms, &req) != 2) {
                        fprintf(stderr, "golden-ocf-guest: timeout needs MS REQ\n");
                        return 100;
                }
                printf("shutdown wait: %u s\n", ocf_guest_shutdown_timeout(ms, req, &warning));
                if (warning)
                        printf("warning: %s\n", warning);
                return 0;
        }
        fprintf(stderr, "golden-ocf-guest: unknown kind line \"%s\"\n", *l);
        return 100;
}
