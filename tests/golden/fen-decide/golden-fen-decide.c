/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver for fen_decide(): one situation per line, as KEY=VALUE
 * words over these defaults (a fence-peer call after a lost peer):
 *   mode=fence cib=yes quorum=yes peer=lost peer-cib=unreachable fenced=no
 *   constraint=none disk=UpToDate peer-disk=DUnknown peer-primary=no timeout=no
 * Lines starting with # are echoed. Output: the line, then the decision.
 * "order COMPLETED CONNECTED STARTED" lines (milliseconds) print
 * fen_fenced_order()'s answer.
 */
#include "fen.h"

#include <stdio.h>
#include <string.h>

typedef const char *(*NameFunc)(int);

static gboolean by_name(const char *v, NameFunc name, int max, int *ret)
{
        for (int i = 0; i <= max; i++)
                if (g_str_equal(name(i), v)) {
                        *ret = i;
                        return TRUE;
                }
        return FALSE;
}

static gboolean yes(const char *v, gboolean *ret)
{
        if (g_str_equal(v, "yes") || g_str_equal(v, "no")) {
                *ret = g_str_equal(v, "yes");
                return TRUE;
        }
        return FALSE;
}

static void situation(const char *line)
{
        FenSituation s = { .mode = FEN_MODE_FENCE, .cib_reachable = TRUE, .quorate = TRUE,
                           .peer = FEN_PEER_LOST, .disk = DG_DISK_UPTODATE };
        g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
        FenDecision d;

        for (char **w = words; *w; w++) {
                g_auto(GStrv) kv = g_strsplit(*w, "=", 2);
                int v = 0;
                gboolean ok = FALSE;
                if (!**w)
                        continue;
                if (!kv[1])
                        ok = FALSE;
                else if (g_str_equal(kv[0], "mode"))
                        ok = by_name(kv[1], (NameFunc)fen_mode_name, FEN_MODE_UNFENCE, &v) && (s.mode = v, TRUE);
                else if (g_str_equal(kv[0], "cib"))
                        ok = yes(kv[1], &s.cib_reachable);
                else if (g_str_equal(kv[0], "quorum"))
                        ok = yes(kv[1], &s.quorate);
                else if (g_str_equal(kv[0], "fenced"))
                        ok = by_name(kv[1], (NameFunc)fen_fenced_name, FEN_FENCED_AFTER, &v) && (s.fenced = v, TRUE);
                else if (g_str_equal(kv[0], "peer-cib"))
                        ok = by_name(kv[1], (NameFunc)fen_peer_cib_name, FEN_PEER_CIB_HOLDS, &v) &&
                             (s.peer_cib = v, TRUE);
                else if (g_str_equal(kv[0], "peer-primary"))
                        ok = yes(kv[1], &s.peer_primary);
                else if (g_str_equal(kv[0], "peer"))
                        ok = by_name(kv[1], (NameFunc)fen_peer_name, FEN_PEER_LOST, &v) && (s.peer = v, TRUE);
                else if (g_str_equal(kv[0], "constraint"))
                        ok = by_name(kv[1], (NameFunc)fen_constraint_name, FEN_CONSTRAINT_FOREIGN, &v) &&
                             (s.constraint = v, TRUE);
                else if (g_str_equal(kv[0], "disk"))
                        ok = by_name(kv[1], (NameFunc)dg_disk_name, DG_DISK_UPTODATE, &v) && (s.disk = v, TRUE);
                else if (g_str_equal(kv[0], "peer-disk"))
                        ok = by_name(kv[1], (NameFunc)dg_disk_name, DG_DISK_UPTODATE, &v) &&
                             (s.peer_disk = v, TRUE);
                else if (g_str_equal(kv[0], "timeout"))
                        ok = yes(kv[1], &s.timed_out);
                if (!ok) {
                        printf("  !! bad word: %s\n", *w);
                        return;
                }
        }
        d = fen_decide(&s);
        printf("  -> %s, exit %d: %s\n", fen_action_name(d.action), d.exit_code, d.reason);
}

static void order(const char *args)
{
        gint64 completed = 0, connected = 0, started = 0;

        if (sscanf(args, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &completed, &connected,
                   &started) != 3) {
                printf("  !! order needs COMPLETED CONNECTED STARTED\n");
                return;
        }
        printf("  -> %s\n", fen_fenced_name(fen_fenced_order(completed, connected, started)));
}

int main(int argc, char **argv)
{
        g_autofree char *text = NULL;
        g_autoptr(GError) error = NULL;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, NULL, &error)) {
                fprintf(stderr, "usage: golden-fen-decide CASE.in (%s)\n", error ? error->message : "");
                return 2;
        }
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
                if (!**l)
                        continue;
                printf("%s\n", *l);
                if (g_str_has_prefix(*l, "order "))
                        order(*l + 6);
                else if (**l != '#')
                        situation(*l);
        }
        return 0;
}
