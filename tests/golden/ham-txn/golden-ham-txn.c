/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver for peer agreement (ham-txn.h): CPG messages and the
 * coordinator's decisions. Lines:
 *   # text            echoed
 *   parse JSON        a message as a peer sent it: parsed, printed back
 *   members A B...    the CPG membership (before start: who is asked;
 *                     after: a membership change)
 *   start JSON        the coordinator starts with this prepare message
 *   msg JSON          a message delivered to the coordinator
 *   timeout           the deadline passed
 *   commit | abort TEXT      the client commits (prepared) or aborts
 *   cib-ok | cib-fail TEXT   the CIB write ended
 * After each event: the actions, then the state.
 */
#include "ham-txn.h"
#include "pk.h"

#include <stdio.h>
#include <string.h>

static void show(GPtrArray *acts, HamTxn *txn)
{
        for (guint i = 0; acts && i < acts->len; i++) {
                g_autofree char *s = ham_txn_action_to_string(acts->pdata[i]);
                printf("  -> %s\n", s);
        }
        if (txn)
                printf("  state %s\n", ham_txn_state_name(ham_txn_state(txn)));
        if (acts)
                g_ptr_array_unref(acts);
}

static HamCpgMsg *parse(const char *text)
{
        g_autoptr(GError) error = NULL;
        HamCpgMsg *m = ham_cpg_msg_parse(text, strlen(text), &error);
        if (!m)
                printf("  refused: %s\n", error->message);
        return m;
}

int main(int argc, char **argv)
{
        g_autofree char *text = NULL;
        g_auto(GStrv) lines = NULL, members = NULL;
        g_autoptr(HamTxn) txn = NULL;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, NULL, NULL)) {
                fprintf(stderr, "usage: golden-ham-txn FILE\n");
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
                if (g_str_equal(verb, "parse")) {
                        g_autoptr(HamCpgMsg) m = parse(rest);
                        if (m) {
                                g_autofree char *s = ham_cpg_msg_to_string(m);
                                g_autoptr(HamCpgMsg) again = ham_cpg_msg_parse(s, strlen(s), NULL);
                                printf("  %s %s\n", again ? "ok" : "!! does not parse again:", s);
                        }
                } else if (g_str_equal(verb, "members")) {
                        g_strfreev(members);
                        members = g_strsplit(rest, " ", -1);
                        if (txn)
                                show(ham_txn_on_members(txn, (const char *const *)members), txn);
                } else if (g_str_equal(verb, "start")) {
                        g_autoptr(HamCpgMsg) m = parse(rest);
                        g_autoptr(GError) error = NULL;
                        GPtrArray *acts = NULL;
                        if (!m)
                                continue;
                        g_clear_pointer(&txn, ham_txn_free);
                        txn = ham_txn_new(m, (const char *const *)members, &acts, &error);
                        if (!txn)
                                printf("  refused: %s\n", error->message);
                        show(acts, txn);
                } else if (g_str_equal(verb, "msg") && txn) {
                        g_autoptr(HamCpgMsg) m = parse(rest);
                        if (m)
                                show(ham_txn_on_message(txn, m), txn);
                } else if (g_str_equal(verb, "timeout") && txn) {
                        show(ham_txn_on_timeout(txn), txn);
                } else if (g_str_equal(verb, "commit") && txn) {
                        show(ham_txn_commit(txn), txn);
                } else if (g_str_equal(verb, "abort") && txn) {
                        show(ham_txn_abort(txn, rest), txn);
                } else if (g_str_equal(verb, "cib-ok") && txn) {
                        show(ham_txn_cib_done(txn, NULL), txn);
                } else if (g_str_equal(verb, "cib-fail") && txn) {
                        show(ham_txn_cib_done(txn, rest), txn);
                } else {
                        printf("  !! bad line\n");
                }
        }
        return 0;
}
