/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver for ham_let_go_decide(): one situation per line, as
 * KEY=VALUE words over these defaults (the survivor, when the fencer
 * confirmed the fencing of its peer 10 s after their connection came up):
 *   plastik=yes peer=yes conn=Connected role=Secondary disk=UpToDate
 *   connected=1000 fenced=11000
 * Lines starting with # are echoed. Output: the line, then the decision.
 */
#include "ham.h"

#include <stdio.h>
#include <stdlib.h>

static gboolean yes(const char *v, gboolean *ret)
{
        if (g_str_equal(v, "yes") || g_str_equal(v, "no")) {
                *ret = g_str_equal(v, "yes");
                return TRUE;
        }
        return FALSE;
}

static gboolean ms(const char *v, gint64 *ret)
{
        char *end = NULL;
        gint64 n = g_ascii_strtoll(v, &end, 10);

        if (!*v || !end || *end)
                return FALSE;
        *ret = n;
        return TRUE;
}

static void situation(const char *line)
{
        HamLetGo s = { .plastik = TRUE, .peer_is_target = TRUE, .conn = DG_CONN_CONNECTED,
                       .role = DG_ROLE_SECONDARY, .disk = DG_DISK_UPTODATE, .connected_ms = 1000,
                       .fenced_ms = 11000 };
        g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
        HamLetGoDecision d;

        for (char **w = words; *w; w++) {
                g_auto(GStrv) kv = g_strsplit(*w, "=", 2);
                gboolean ok = FALSE;
                if (!**w)
                        continue;
                if (!kv[1])
                        ok = FALSE;
                else if (g_str_equal(kv[0], "plastik"))
                        ok = yes(kv[1], &s.plastik);
                else if (g_str_equal(kv[0], "peer"))
                        ok = yes(kv[1], &s.peer_is_target);
                else if (g_str_equal(kv[0], "conn"))
                        ok = dg_conn_from_name(kv[1], &s.conn);
                else if (g_str_equal(kv[0], "role"))
                        ok = dg_role_from_name(kv[1], &s.role);
                else if (g_str_equal(kv[0], "disk"))
                        ok = dg_disk_from_name(kv[1], &s.disk);
                else if (g_str_equal(kv[0], "connected"))
                        ok = ms(kv[1], &s.connected_ms);
                else if (g_str_equal(kv[0], "fenced"))
                        ok = ms(kv[1], &s.fenced_ms);
                if (!ok) {
                        printf("  !! bad word: %s\n", *w);
                        return;
                }
        }
        d = ham_let_go_decide(&s);
        printf("  -> %s: %s\n", d.disconnect ? "let go" : "keep", d.reason);
}

int main(int argc, char **argv)
{
        g_autofree char *text = NULL;
        g_autoptr(GError) error = NULL;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, NULL, &error)) {
                fprintf(stderr, "usage: golden-ham-let-go CASE.in (%s)\n", error ? error->message : "");
                return 2;
        }
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
                if (!**l)
                        continue;
                printf("%s\n", *l);
                if (**l != '#')
                        situation(*l);
        }
        return 0;
}
