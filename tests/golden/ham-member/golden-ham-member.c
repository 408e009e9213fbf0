/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver for a member's decisions in volume transactions (ham-txn.h).
 * Lines:
 *   # text                    echoed
 *   facts KEY=0|1 ...         lv res md up: what the node has of a volume →
 *                             whether a prepare creates it (undo on abort)
 *                             and whether reconciling ensures it
 *   cib G/V/MINOR/PORT ...    the CIB's volumes (sizes 64 MiB)
 *   recent G/V/MINOR/PORT ... committed volumes not yet in the CIB copy
 *   local RES-TEXT            this node's DRBD configuration (one line of
 *                             .res text): the minors and ports it takes
 *   open TXN | open -         a transaction open on this member, or none
 *   prepare JSON              may this member realize the prepare?
 *   alloc JSON                a coordinator allocates minors and ports
 *   lost GUEST                the coordinator left before commit or abort
 */
#include "ham-status.h"
#include "ham-txn.h"
#include "ham.h"
#include "pk.h"

#include <stdio.h>
#include <string.h>

static GPtrArray *volumes(const char *text)
{
        GPtrArray *arr = g_ptr_array_new_with_free_func((GDestroyNotify)ham_volume_free);
        g_auto(GStrv) items = g_strsplit(text, " ", -1);
        for (char **i = items; *i; i++) {
                g_auto(GStrv) f = g_strsplit(*i, "/", -1);
                if (g_strv_length(f) != 4)
                        continue;
                HamVolume *v = g_new0(HamVolume, 1);
                v->guest = g_strdup(f[0]);
                v->volume = g_strdup(f[1]);
                v->size = 64 << 20;
                v->minor = (guint)atoi(f[2]);
                v->port = (guint)atoi(f[3]);
                g_ptr_array_add(arr, v);
        }
        return arr;
}

static HamCpgMsg *parse(const char *json)
{
        g_autoptr(GError) error = NULL;
        HamCpgMsg *m = ham_cpg_msg_parse(json, strlen(json), &error);
        if (!m)
                printf("  refused: %s\n", error->message);
        return m;
}

int main(int argc, char **argv)
{
        g_autofree char *text = NULL;
        g_auto(GStrv) lines = NULL;
        g_autoptr(GPtrArray) cib = g_ptr_array_new();
        g_autoptr(GPtrArray) recent = g_ptr_array_new();
        g_autoptr(GPtrArray) local = g_ptr_array_new();
        g_autofree char *open = NULL;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, NULL, NULL)) {
                fprintf(stderr, "usage: golden-ham-member CASE\n");
                return 2;
        }
        lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
                if (!**l)
                        continue;
                printf("%s\n", *l);
                if (**l == '#')
                        continue;
                const char *sp = strchr(*l, ' ');
                g_autofree char *verb = sp ? g_strndup(*l, (gsize)(sp - *l)) : g_strdup(*l);
                const char *rest = sp ? sp + 1 : "";
                if (g_str_equal(verb, "facts")) {
                        DgFacts f = { 0 };
                        f.lv_exists = strstr(rest, "lv=1") != NULL;
                        f.res_exists = strstr(rest, "res=1") != NULL;
                        f.md_exists = strstr(rest, "md=1") != NULL;
                        f.up = strstr(rest, "up=1") != NULL;
                        printf("  prepare creates it: %s; reconcile ensures it: %s\n",
                               ham_member_creates(&f) ? "yes (undone on abort)" : "no (left alone on abort)",
                               ham_member_reconcile_wanted(&f) ? "yes" : "no");
                } else if (g_str_equal(verb, "cib")) {
                        g_ptr_array_unref(cib);
                        cib = volumes(rest);
                } else if (g_str_equal(verb, "recent")) {
                        g_ptr_array_unref(recent);
                        recent = volumes(rest);
                } else if (g_str_equal(verb, "local")) {
                        g_ptr_array_unref(local);
                        local = ham_res_taken_scan(rest);
                        for (guint i = 0; i < local->len; i++) {
                                const HamVolume *v = local->pdata[i];
                                if (v->minor != HAM_NUMBER_NONE)
                                        printf("  %s: minor %u\n", v->volume, v->minor);
                                else
                                        printf("  %s: port %u\n", v->volume, v->port);
                        }
                        if (local->len == 0)
                                printf("  (no minors or ports)\n");
                } else if (g_str_equal(verb, "open")) {
                        g_free(open);
                        open = g_str_equal(rest, "-") ? NULL : g_strdup(rest);
                } else if (g_str_equal(verb, "prepare")) {
                        g_autoptr(HamCpgMsg) m = parse(rest);
                        if (!m)
                                continue;
                        g_autofree char *why = ham_member_prepare_check(m, open, cib, recent, local);
                        printf("  %s%s\n", why ? "refuse: " : "realize", why ? why : "");
                } else if (g_str_equal(verb, "alloc")) {
                        g_autoptr(HamCpgMsg) m = parse(rest);
                        g_autoptr(GError) error = NULL;
                        g_autoptr(GPtrArray) used = g_ptr_array_new();
                        if (!m)
                                continue;
                        for (guint i = 0; i < cib->len; i++)
                                g_ptr_array_add(used, cib->pdata[i]);
                        for (guint i = 0; i < recent->len; i++)
                                g_ptr_array_add(used, recent->pdata[i]);
                        for (guint i = 0; i < local->len; i++)
                                g_ptr_array_add(used, local->pdata[i]);
                        if (!ham_member_alloc(used, m, &error)) {
                                printf("  error: %s\n", error->message);
                                continue;
                        }
                        g_autofree char *s = ham_cpg_msg_to_string(m);
                        printf("  -> %s\n", s);
                } else if (g_str_equal(verb, "lost")) {
                        printf("  %s\n", ham_member_lost_name(ham_member_coordinator_lost(rest, cib)));
                } else {
                        printf("  !! bad line\n");
                }
        }
        return 0;
}
