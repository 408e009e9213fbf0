/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver for ocf:plastik:drbd's decisions. A case file starts with
 * its kind:
 *   params ACTION      then VAR=VALUE lines: the agent's environment; prints
 *                      the parameters the action gets, or the error and its
 *                      OCF exit code
 *   state RESOURCE     then `drbdsetup events2 --now` lines: prints what
 *                      monitor reports for RESOURCE, the promotion score
 *                      it sets and the command promote runs
 *   action NAME        prints how the agent dispatches the action
 * Lines starting with '#' are comments. Exits with the OCF exit code.
 */
#include "ocf-drbd.h"

#include <stdio.h>
#include <string.h>

static const char *table_lookup(const char *name, gpointer data)
{
        return g_hash_table_lookup(data, name);
}

static int do_params(const char *action_name, char **lines)
{
        g_autoptr(GHashTable) env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_autoptr(GError) error = NULL;
        g_autoptr(OcfDrbdParams) p = NULL;
        const OcfDrbdActionSpec *action = ocf_drbd_action_lookup(action_name);

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
        p = ocf_drbd_params_parse(action, table_lookup, env, &error);
        if (!p) {
                printf("error: %s: %s\n", ocf_exit_to_string(error->code), error->message);
                return error->code;
        }
        printf("instance: %s\nresource: %s\nwfc_timeout: %u\n", p->instance,
               p->resource ? p->resource : "(none)", p->wfc_timeout_s);
        printf("timeout_ms: %" G_GINT64_FORMAT "\ninterval_ms: %" G_GINT64_FORMAT "\nprobe: %s\n",
               p->timeout_ms, p->interval_ms, p->probe ? "yes" : "no");
        for (guint i = 0; i < p->warnings->len; i++)
                printf("warning: %s\n", (const char *)p->warnings->pdata[i]);
        return OCF_SUCCESS;
}

static int do_state(const char *resource, char **lines)
{
        g_autoptr(DgState) st = dg_state_new();
        const DgResourceState *res;
        OcfDrbdScore s;
        OcfExit code;

        for (char **l = lines; *l; l++) {
                g_autofree char *warning = NULL;
                if (**l == '#' || !**l)
                        continue;
                dg_state_feed_line(st, *l, &warning);
                if (warning)
                        printf("events2 warning: %s\n", warning);
        }
        if (!dg_state_complete(st)) {
                printf("the events2 dump has no closing 'exists -' line\n");
                return 100;
        }
        res = dg_state_lookup(st, resource);
        code = ocf_drbd_state_exit(res);
        s = ocf_drbd_score(res);
        printf("monitor: %s\n", ocf_exit_to_string(code));
        switch (s.op) {
        case OCF_DRBD_SCORE_KEEP: printf("score: kept: %s\n", s.reason); break;
        case OCF_DRBD_SCORE_REMOVE: printf("score: removed: %s\n", s.reason); break;
        case OCF_DRBD_SCORE_SET: printf("score: %d: %s\n", s.value, s.reason); break;
        }
        if (res) {
                g_auto(GStrv) argv = ocf_drbd_promote_argv(res);
                g_autofree char *cmd = g_strjoinv(" ", argv);
                printf("promote runs: %s\n", cmd);
        }
        return code;
}

static int do_action(const char *name)
{
        const OcfDrbdActionSpec *a = ocf_drbd_action_lookup(name);

        if (!a) {
                printf("unknown: %s\n", ocf_exit_to_string(OCF_ERR_UNIMPLEMENTED));
                return OCF_ERR_UNIMPLEMENTED;
        }
        printf("action: %s\nneeds resource: %s\nchecks clone: %s\nadvertised: %s\n", a->name,
               a->needs_resource ? "yes" : "no", a->checks_clone ? "yes" : "no", a->advertised ? "yes" : "no");
        if (a->advertised)
                printf("timeout: %us\ninterval: %us\n", a->timeout_s, a->interval_s);
        return OCF_SUCCESS;
}

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL;
        g_auto(GStrv) lines = NULL;
        gsize len;
        char **l;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, &len, &error)) {
                fprintf(stderr, "usage: golden-ocf-drbd CASE\n");
                return 100;
        }
        lines = g_strsplit(text, "\n", -1);
        for (l = lines; *l && (**l == '#' || !**l); l++)
                ;
        if (!*l) {
                fprintf(stderr, "golden-ocf-drbd: %s has no kind line\n", argv[1]);
                return 100;
        }
        if (g_str_has_prefix(*l, "params "))
                return do_params(*l + 7, l + 1);
        if (g_str_has_prefix(*l, "state "))
                return do_state(*l + 6, l + 1);
        if (g_str_has_prefix(*l, "action "))
                return do_action(*l + 7);
        fprintf(stderr, "golden-ocf-drbd: unknown kind line \"%s\"\n", *l);
        return 100;
}
