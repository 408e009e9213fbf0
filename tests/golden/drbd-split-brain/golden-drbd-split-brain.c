/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: a kernel log in (first line "minor N", then the log as
 * `dmesg` prints it), what plastik-split-brain records out: the figures
 * dg_split_brain_from_kmsg() found, and the record read back through
 * dg_split_brain_from_json() (so the record it writes is one it accepts).
 */
#include "dg.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL, *first = NULL;
        g_autoptr(DgSplitBrain) sb = g_new0(DgSplitBrain, 1);
        g_autoptr(DgSplitBrain) back = NULL;
        json_object *o;
        guint64 minor;
        gboolean found;

        if (argc != 2) {
                fprintf(stderr, "usage: golden-drbd-split-brain CASE.in\n");
                return 2;
        }
        if (!g_file_get_contents(argv[1], &text, NULL, &error)) {
                fprintf(stderr, "%s\n", error->message);
                return 2;
        }
        first = g_strndup(text, strcspn(text, "\n"));
        if (!g_str_has_prefix(first, "minor ") ||
            !g_ascii_string_to_unsigned(first + 6, 10, 0, 1048575, &minor, NULL)) {
                fprintf(stderr, "a case starts with \"minor N\"\n");
                return 2;
        }
        sb->resource = g_strdup("pk-g1-root");
        sb->detected_ms = 1780000000000;
        found = dg_split_brain_from_kmsg(text, (guint)minor, sb);
        printf("both dumps found: %s\n", found ? "yes" : "no");
        o = dg_split_brain_to_json(sb);
        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
        back = dg_split_brain_from_json(o, &error);
        json_object_put(o);
        if (!back) {
                printf("read back: %s\n", error->message);
                return 1;
        }
        printf("read back: %s\n", g_strcmp0(back->self_generation, sb->self_generation) == 0 &&
                                          back->self_kib == sb->self_kib &&
                                          g_strcmp0(back->peer_generation, sb->peer_generation) == 0 &&
                                          back->peer_kib == sb->peer_kib ? "the same" : "DIFFERENT");
        return 0;
}
