/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver for fence_plastik's pure half. One case a line:
 *   KEY=VALUE words over these defaults (an off after a split, the target
 *   holding the higher priority, its status not asked yet):
 *     action=off delay=15 cib=yes online=no target=10 others=0 power=unknown
 *   (others: the other nodes' priorities, comma-separated, "-" for none);
 *   prints fen_race_decide()'s answer;
 * "status-exit N": fen_power_from_exit(N);
 * "cib FILE": ham_cib_node_priorities() of FILE (beside the case);
 * "stdin TEXT": fen_agent_input_parse() and fen_agent_params_check() of
 *   TEXT, with "\n" for a newline.
 * Lines starting with # are echoed.
 */
#include "fen.h"
#include "ham-pcmk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *case_dir;

static gboolean yes(const char *v, gboolean *ret)
{
        if (g_str_equal(v, "yes") || g_str_equal(v, "no")) {
                *ret = g_str_equal(v, "yes");
                return TRUE;
        }
        return FALSE;
}

static gboolean number(const char *v, int *ret)
{
        char *end = NULL;
        gint64 n = g_ascii_strtoll(v, &end, 10);

        if (!*v || !end || *end)
                return FALSE;
        *ret = (int)n;
        return TRUE;
}

static void race(const char *line)
{
        g_autoptr(GArray) others = g_array_new(FALSE, FALSE, sizeof(int));
        FenRace r = { .action = "off", .target = "node1", .delay_s = 15, .cib_readable = TRUE,
                      .target_priority = 10 };
        g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
        g_autofree char *action = NULL;
        FenRaceDecision d;
        int zero = 0, v = 0;

        g_array_append_val(others, zero);
        for (char **w = words; *w; w++) {
                g_auto(GStrv) kv = g_strsplit(*w, "=", 2);
                gboolean ok = FALSE;
                if (!**w)
                        continue;
                if (!kv[1]) {
                        ok = FALSE;
                } else if (g_str_equal(kv[0], "action")) {
                        g_free(action);
                        action = g_strdup(kv[1]);
                        r.action = action;
                        ok = TRUE;
                } else if (g_str_equal(kv[0], "delay")) {
                        ok = number(kv[1], &v) && v >= 0 && (r.delay_s = (guint)v, TRUE);
                } else if (g_str_equal(kv[0], "cib")) {
                        ok = yes(kv[1], &r.cib_readable);
                } else if (g_str_equal(kv[0], "online")) {
                        ok = yes(kv[1], &r.target_online);
                } else if (g_str_equal(kv[0], "target")) {
                        ok = number(kv[1], &r.target_priority);
                } else if (g_str_equal(kv[0], "others")) {
                        g_auto(GStrv) ns = g_strsplit(kv[1], ",", -1);
                        g_array_set_size(others, 0);
                        ok = TRUE;
                        for (char **n = ns; ok && *n && !g_str_equal(*n, "-"); n++)
                                ok = number(*n, &v) && (g_array_append_val(others, v), TRUE);
                } else if (g_str_equal(kv[0], "power")) {
                        for (int p = FEN_POWER_UNKNOWN; p <= FEN_POWER_ERROR; p++)
                                if (g_str_equal(kv[1], fen_power_name(p))) {
                                        r.power = p;
                                        ok = TRUE;
                                }
                }
                if (!ok) {
                        printf("  !! bad word: %s\n", *w);
                        return;
                }
        }
        r.others = (const int *)(void *)others->data;
        r.n_others = others->len;
        d = fen_race_decide(&r);
        printf("  -> %s%s%u s: %s\n", d.ask_status ? "ask status, " : "", d.off_already ? "off already, " : "",
               d.delay_s, d.reason);
        fen_race_decision_clear(&d);
}

static void cib(const char *file)
{
        g_autofree char *path = g_build_filename(case_dir, file, NULL);
        g_autofree char *xml = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) nodes = NULL;
        gsize len = 0;

        if (!g_file_get_contents(path, &xml, &len, &error)) {
                printf("  !! %s\n", error->message);
                return;
        }
        nodes = ham_cib_node_priorities(xml, len, &error);
        if (!nodes) {
                printf("  -> error: %s\n", error->message);
                return;
        }
        for (guint i = 0; i < nodes->len; i++) {
                const HamCibNodePriority *n = nodes->pdata[i];
                printf("  -> %s: online %s, priority %d\n", n->name, n->online ? "yes" : "no", n->priority);
        }
}

static void input(const char *escaped)
{
        g_autofree char *text = g_strcompress(escaped);
        g_autoptr(GError) error = NULL;
        FenAgentInput in;
        guint delay = 0;

        fen_agent_input_parse(text, strlen(text), &in);
        printf("  -> action %s, target %s, agent %s, delay %s\n", in.action ? in.action : "-",
               in.target ? in.target : "-", in.agent ? in.agent : "-", in.delay ? in.delay : "-");
        for (guint i = 0; i < in.forward->len; i++)
                printf("  -> forward: %s\n", (const char *)in.forward->pdata[i]);
        if (fen_agent_params_check(&in, &delay, &error))
                printf("  -> ok, delay %u s\n", delay);
        else
                printf("  -> invalid: %s\n", error->message);
        fen_agent_input_clear(&in);
}

int main(int argc, char **argv)
{
        g_autofree char *text = NULL;
        g_autoptr(GError) error = NULL;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, NULL, &error)) {
                fprintf(stderr, "usage: golden-fen-race CASE.in (%s)\n", error ? error->message : "");
                return 2;
        }
        case_dir = g_path_get_dirname(argv[1]);
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
                if (!**l)
                        continue;
                printf("%s\n", *l);
                if (**l == '#')
                        continue;
                if (g_str_has_prefix(*l, "status-exit "))
                        printf("  -> %s\n", fen_power_name(fen_power_from_exit(atoi(*l + 12))));
                else if (g_str_has_prefix(*l, "cib "))
                        cib(*l + 4);
                else if (g_str_has_prefix(*l, "stdin "))
                        input(*l + 6);
                else
                        race(*l);
        }
        g_free(case_dir);
        return 0;
}
