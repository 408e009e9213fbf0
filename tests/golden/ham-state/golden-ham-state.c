/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: a `state` CPG message in, the parse error or the message as
 * hamgrd sends it back out (which must parse to the same text again).
 */
#include "ham-status.h"
#include "pk.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL;
        gsize len;

        if (argc != 2) {
                fprintf(stderr, "usage: golden-ham-state FILE\n");
                return 2;
        }
        if (!g_file_get_contents(argv[1], &text, &len, &error)) {
                printf("error: %s\n", error->message);
                return 1;
        }
        g_autoptr(HamFacts) f = ham_state_msg_parse(text, len, &error);
        if (!f) {
                printf("error: %s\n", error->message);
                return 1;
        }
        g_autofree char *out = ham_state_msg_build(f);
        g_autoptr(HamFacts) again = ham_state_msg_parse(out, strlen(out), &error);
        g_autofree char *out2 = again ? ham_state_msg_build(again) : NULL;
        printf("%s\n", out);
        if (g_strcmp0(out, out2) != 0) {
                printf("error: the message built does not read back the same\n");
                return 1;
        }
        return 0;
}
