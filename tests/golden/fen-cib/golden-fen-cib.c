/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver for fen_cib_facts(), ham_fencing_configured() and
 * ham_pacemaker_frozen(): a case is
 * a first line "# RESOURCE HERE PEER|-" and the CIB XML after it. Output:
 * the facts the handler reads, and whether fencing counts as configured.
 */
#include "fen.h"
#include "ham-pcmk.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
        g_autofree char *text = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *clone = NULL, *reason = NULL, *xml_text = NULL;
        FenCibFacts f;
        char *nl;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, NULL, &error) || !(nl = strchr(text, '\n'))) {
                fprintf(stderr, "usage: golden-fen-cib CASE.in\n");
                return 2;
        }
        *nl = '\0';
        g_auto(GStrv) w = g_strsplit(text + (text[0] == '#' ? 2 : 0), " ", 3);
        if (g_strv_length(w) != 3) {
                fprintf(stderr, "first line: # RESOURCE HERE PEER|-\n");
                return 2;
        }
        clone = fen_clone_id(w[0]);
        if (!fen_cib_facts(nl + 1, strlen(nl + 1), w[0], clone, w[1], g_str_equal(w[2], "-") ? NULL : w[2],
                           &f, &error)) {
                printf("error: %s\n", error->message);
        } else {
                printf("clone %s exists=%s\nquorate=%s\npeer=%s (%s)\nconstraint=%s\n", clone,
                       f.clone_exists ? "yes" : "no", f.quorate ? "yes" : "no",
                       f.peer_name ? f.peer_name : "-", fen_peer_name(f.peer),
                       fen_constraint_name(f.constraint));
                fen_cib_facts_clear(&f);
        }
        printf("fencing configured=%s", ham_fencing_configured(nl + 1, strlen(nl + 1), &reason) ? "yes" : "no");
        printf("%s%s\n", reason ? ": " : "", reason ? reason : "");
        printf("pacemaker frozen (no fence device at all)=%s\n",
               ham_pacemaker_frozen(nl + 1, strlen(nl + 1)) ? "yes" : "no");
        xml_text = fen_constraint_xml(w[0], clone, w[1]);
        printf("constraint this node would place:\n%s\n", xml_text);
        return 0;
}
