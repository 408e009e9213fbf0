/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * golden-drbd-events FILE: feeds FILE to the DRBD state model line by line,
 * as the events watch would, and prints which resource each line changed,
 * every warning, and then the final model as JSON.
 */
#include <stdio.h>
#include <string.h>

#include "dg.h"
#include "pk.h"

int main(int argc, char **argv)
{
        g_autoptr(DgState) state = dg_state_new();
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) json = NULL;
        g_autofree char *data = NULL;
        g_autofree char *text = NULL;
        g_auto(GStrv) lines = NULL;
        gsize len;

        if (argc != 2) {
                fprintf(stderr, "usage: golden-drbd-events FILE\n");
                return 2;
        }
        if (!g_file_get_contents(argv[1], &data, &len, &error)) {
                fprintf(stderr, "golden-drbd-events: %s\n", error->message);
                return 1;
        }
        /* A NUL inside the file ends the text here, as it would end a line
         * for the watch; the cases are text. */
        lines = g_strsplit(data, "\n", -1);
        for (guint i = 0; lines[i]; i++) {
                g_autofree char *warning = NULL;
                const char *changed;

                /* The split leaves an empty string after the last newline. */
                if (!lines[i + 1] && !*lines[i])
                        break;
                changed = dg_state_feed_line(state, lines[i], &warning);
                if (changed)
                        printf("line %u: %s\n", i + 1, changed);
                if (warning)
                        printf("warning: %s\n", warning);
        }
        json = dg_state_to_json(state);
        text = pk_json_to_string(json, TRUE);
        printf("%s\n", text);
        printf("complete: %s, warnings: %u\n", dg_state_complete(state) ? "yes" : "no",
               dg_state_warnings(state));
        return 0;
}
