/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fence_plastik run as Pacemaker's fencer runs it (name=value lines on
 * stdin) against a fake wrapped agent, a shell script in a temporary
 * directory (PK_FENCE_AGENT_DIR) that records each call's stdin and exits
 * as told. The CIB comes from PK_FENCE_CIB_FILE. argv[1]: the program,
 * argv[2]: its man page.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

static const char *program, *man_page;

/* Records its stdin in calls (one block a call, ended by "--"); exits with
 * the number in status-exit for a status, else with the one in exit. With
 * on-wait, an "on" first waits (30 s at most) for the file release. */
static const char fake_agent[] =
        "#!/bin/sh\n"
        "d=${0%/*}\n"
        "in=$(cat)\n"
        "action=$(printf '%s\\n' \"$in\" | sed -n 's/^action=//p' | tail -n 1)\n"
        "if [ \"$action\" = on ] && [ -f \"$d/on-wait\" ]; then\n"
        "  i=0; while [ ! -f \"$d/release\" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done\n"
        "fi\n"
        "printf '%s\\n--\\n' \"$in\" >> \"$d/calls\"\n"
        "echo \"fake: $action\"\n"
        "if [ \"$action\" = status ] && [ -f \"$d/status-exit\" ]; then exit \"$(cat \"$d/status-exit\")\"; fi\n"
        "if [ -f \"$d/exit\" ]; then exit \"$(cat \"$d/exit\")\"; fi\n"
        "exit 0\n";

/* Split: node1 is out of this partition and runs a stand-in of priority
 * 10 (not a plastik guest); node2 (here) runs nothing of priority. */
static const char cib[] =
        "<cib epoch=\"1\" num_updates=\"1\" admin_epoch=\"0\" have-quorum=\"1\"><configuration>"
        "<crm_config/><nodes><node id=\"1\" uname=\"node1\"/><node id=\"2\" uname=\"node2\"/></nodes>"
        "<resources><primitive id=\"stand-in\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">"
        "<meta_attributes id=\"stand-in-meta\"><nvpair id=\"stand-in-priority\" name=\"priority\" value=\"10\"/>"
        "</meta_attributes></primitive></resources><constraints/></configuration><status>"
        "<node_state id=\"1\" uname=\"node1\" in_ccm=\"false\" crmd=\"offline\" join=\"down\" expected=\"member\">"
        "<lrm id=\"1\"><lrm_resources><lrm_resource id=\"stand-in\" class=\"ocf\" type=\"Dummy\">"
        "<lrm_rsc_op id=\"stand-in_last_0\" operation=\"start\" call-id=\"4\" rc-code=\"0\" op-status=\"0\"/>"
        "</lrm_resource></lrm_resources></lrm></node_state>"
        "<node_state id=\"2\" uname=\"node2\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\"/>"
        "</status></cib>";

typedef struct {
        char *dir;
        int exit_code;
        char *out, *err;
        gint64 elapsed_ms;
} Run;

static int setup(void **state)
{
        Run *r = g_new0(Run, 1);
        g_autofree char *agent = NULL, *cib_path = NULL;

        r->dir = g_dir_make_tmp("fence-plastik-XXXXXX", NULL);
        assert_non_null(r->dir);
        agent = g_build_filename(r->dir, "fence_fake", NULL);
        assert_true(g_file_set_contents(agent, fake_agent, -1, NULL));
        assert_int_equal(g_chmod(agent, 0755), 0);
        cib_path = g_build_filename(r->dir, "cib.xml", NULL);
        assert_true(g_file_set_contents(cib_path, cib, -1, NULL));
        *state = r;
        return 0;
}

static int teardown(void **state)
{
        Run *r = *state;
        const char *names[] = { "fence_fake", "cib.xml", "calls", "exit", "status-exit", "stdin", "on-wait", "release" };

        for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
                g_autofree char *p = g_build_filename(r->dir, names[i], NULL);
                g_unlink(p);
        }
        g_rmdir(r->dir);
        g_free(r->dir);
        g_free(r->out);
        g_free(r->err);
        g_free(r);
        return 0;
}

static void put(Run *r, const char *name, const char *text)
{
        g_autofree char *p = g_build_filename(r->dir, name, NULL);

        assert_true(g_file_set_contents(p, text, -1, NULL));
}

/* (transfer full) What the fake agent was given, call by call ("--" ends
 * each); "" when it never ran. */
static char *calls(Run *r)
{
        g_autofree char *p = g_build_filename(r->dir, "calls", NULL);
        char *text = NULL;

        return g_file_get_contents(p, &text, NULL, NULL) ? text : g_strdup("");
}

static void child_stdin(gpointer path)
{
        int fd = open(path, O_RDONLY);

        if (fd >= 0) {
                dup2(fd, STDIN_FILENO);
                close(fd);
        }
}

/* Runs fence_plastik with @input on stdin and @arg (or none); with the CIB
 * file when @with_cib. */
static void run(Run *r, const char *input, const char *arg, gboolean with_cib)
{
        g_autofree char *in_path = g_build_filename(r->dir, "stdin", NULL);
        g_autofree char *cib_path = g_build_filename(r->dir, "cib.xml", NULL);
        g_auto(GStrv) env = g_get_environ();
        const char *argv[] = { program, NULL, NULL, NULL };
        g_autoptr(GError) error = NULL;
        int status = 0;
        gint64 t0;

        /* "-o X" comes as one word here: split it. */
        g_auto(GStrv) words = arg ? g_strsplit(arg, " ", 2) : NULL;
        if (words) {
                argv[1] = words[0];
                argv[2] = words[1];
        }
        put(r, "stdin", input);
        env = g_environ_setenv(env, "PK_FENCE_AGENT_DIR", r->dir, TRUE);
        env = with_cib ? g_environ_setenv(env, "PK_FENCE_CIB_FILE", cib_path, TRUE)
                       : g_environ_setenv(env, "PK_FENCE_CIB_FILE", "/nonexistent/cib.xml", TRUE);
        g_clear_pointer(&r->out, g_free);
        g_clear_pointer(&r->err, g_free);
        t0 = g_get_monotonic_time();
        assert_true(g_spawn_sync(NULL, (char **)argv, env, 0, child_stdin, in_path, &r->out, &r->err, &status,
                                 &error));
        r->elapsed_ms = (g_get_monotonic_time() - t0) / 1000;
        assert_true(WIFEXITED(status));
        r->exit_code = WEXITSTATUS(status);
}

static void metadata(void **state)
{
        Run *r = *state;
        const char *want[] = { "<resource-agent name=\"fence_plastik\"", "<parameter name=\"plastik_agent\"",
                               "<parameter name=\"plastik_race_delay\"", "<parameter name=\"action\"",
                               "<parameter name=\"port\"", "<parameter name=\"plug\"",
                               "<parameter name=\"nodename\"", "<action name=\"reboot\"",
                               "<action name=\"validate-all\"", "<action name=\"monitor\"" };

        /* As `hactl fence add` reads it (no stdin), and as the fencer does. */
        run(r, "", "-o metadata", FALSE);
        assert_int_equal(r->exit_code, 0);
        for (gsize i = 0; i < G_N_ELEMENTS(want); i++)
                assert_non_null(strstr(r->out, want[i]));
        run(r, "action=metadata\n", NULL, FALSE);
        assert_int_equal(r->exit_code, 0);
        assert_non_null(strstr(r->out, "<parameter name=\"plastik_race_delay\""));
        g_autofree char *c = calls(r);
        assert_string_equal(c, "");
}

static void forwards(void **state)
{
        Run *r = *state;
        g_autofree char *c1 = NULL, *c2 = NULL;

        run(r, "action=status\nnodename=node1\nport=node1\nplastik_agent=fence_fake\nipaddr=10.0.0.1\n"
               "plastik_race_delay=3\n",
            NULL, FALSE);
        assert_int_equal(r->exit_code, 0);
        assert_string_equal(r->out, "fake: status\n");
        c1 = calls(r);
        assert_string_equal(c1, "action=status\nnodename=node1\nport=node1\nipaddr=10.0.0.1\n--\n");

        /* on: forwarded at once, no race, no CIB */
        run(r, "action=on\nport=node1\nplastik_agent=fence_fake\n", NULL, FALSE);
        assert_int_equal(r->exit_code, 0);
        c2 = calls(r);
        assert_non_null(strstr(c2, "--\naction=on\nport=node1\n--\n"));
        assert_null(strstr(c2, "plastik_"));
}

static void argv_action(void **state)
{
        Run *r = *state;
        g_autofree char *c = NULL;

        run(r, "plastik_agent=fence_fake\nport=node1\n", "--action=list", FALSE);
        assert_int_equal(r->exit_code, 0);
        assert_string_equal(r->out, "fake: list\n");
        c = calls(r);
        assert_string_equal(c, "port=node1\naction=list\n--\n");
}

static void exit_codes(void **state)
{
        Run *r = *state;
        const char *codes[] = { "0", "1", "2", "5" };

        for (gsize i = 0; i < G_N_ELEMENTS(codes); i++) {
                put(r, "exit", codes[i]);
                run(r, "action=status\nport=node1\nplastik_agent=fence_fake\n", NULL, FALSE);
                assert_int_equal(r->exit_code, atoi(codes[i]));
        }
        /* validate-all checks fence_plastik's own parameters, then the agent's */
        put(r, "exit", "1");
        run(r, "action=validate-all\nplastik_agent=fence_fake\n", NULL, FALSE);
        assert_int_equal(r->exit_code, 1);
        assert_string_equal(r->out, "fake: validate-all\n");
}

static void bad_params(void **state)
{
        Run *r = *state;
        static const struct {
                const char *input, *needle;
        } cases[] = {
                { "action=status\nport=node1\n", "plastik_agent is missing: set it to" },
                { "action=status\nplastik_agent=ipmilan\n", "plastik_agent \"ipmilan\" is not a fence agent's name" },
                { "action=off\nplastik_agent=fence_plastik\n", "plastik_agent is fence_plastik itself" },
                { "action=status\nplastik_agent=fence_nothere\n", "fence_nothere is not an executable" },
                { "action=off\nplastik_agent=fence_fake\nplastik_race_delay=20s\n",
                  "plastik_race_delay \"20s\": give whole seconds from 0 to 300" },
                { "action=validate-all\nplastik_agent=fence_fake\nplastik_race_delay=301\n",
                  "plastik_race_delay \"301\"" },
        };
        g_autofree char *c = NULL;

        for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
                run(r, cases[i].input, NULL, FALSE);
                assert_int_equal(r->exit_code, 1);
                if (!strstr(r->err, cases[i].needle))
                        fail_msg("case %zu: \"%s\" not in \"%s\"", i, cases[i].needle, r->err);
        }
        run(r, "action=off\n", "--bogus", FALSE);
        assert_int_equal(r->exit_code, 1);
        assert_non_null(strstr(r->err, "unknown argument \"--bogus\""));
        c = calls(r);
        assert_string_equal(c, "");
}

static void off_no_delay(void **state)
{
        Run *r = *state;
        g_autofree char *c = NULL;

        /* A delay of 0 needs neither the CIB (unreadable here) nor the status. */
        run(r, "action=off\nnodename=node1\nplastik_agent=fence_fake\nplastik_race_delay=0\n", NULL, FALSE);
        assert_int_equal(r->exit_code, 0);
        assert_string_equal(r->out, "fake: off\n");
        c = calls(r);
        assert_string_equal(c, "action=off\nnodename=node1\n--\n");
        assert_non_null(strstr(r->err, "plastik_race_delay is 0: no delay"));
}

static void race_status_on(void **state)
{
        Run *r = *state;
        g_autofree char *c = NULL;

        put(r, "status-exit", "0");
        run(r, "action=off\nnodename=node1\nport=node1\nplastik_agent=fence_fake\nplastik_race_delay=1\n", NULL,
            TRUE);
        assert_int_equal(r->exit_code, 0);
        /* the race delay was paid: at least the delay went by */
        assert_true(r->elapsed_ms >= 1000);
        assert_non_null(strstr(r->err, "off node1: node1 holds priority 10 > 0 and its status is on: "
                                       "waiting 1 s (the fence race after a split)"));
        c = calls(r);
        assert_string_equal(c, "action=off\nnodename=node1\nport=node1\naction=status\n--\n"
                               "action=off\nnodename=node1\nport=node1\n--\n");
        /* the status' own output is not the answer */
        assert_string_equal(r->out, "fake: off\n");
}

/* (transfer full) calls(), once it holds @needle or 10 s went by. */
static char *calls_with(Run *r, const char *needle)
{
        for (int i = 0; i < 100; i++) {
                char *c = calls(r);
                if (strstr(c, needle))
                        return c;
                g_free(c);
                g_usleep(100 * 1000);
        }
        return calls(r);
}

static void race_status_off(void **state)
{
        Run *r = *state;
        g_autofree char *c = NULL;

        /* The target is off: fenced already. The reboot is not forwarded;
         * the node is only powered on, and the answer does not wait for
         * that: here the fake's "on" waits for the release, which comes
         * only once fence_plastik has answered (and closed its output). */
        put(r, "status-exit", "2");
        put(r, "on-wait", "");
        run(r, "action=reboot\nnodename=node1\nplastik_agent=fence_fake\nplastik_race_delay=60\n", NULL, TRUE);
        assert_int_equal(r->exit_code, 0);
        assert_non_null(strstr(r->err, "reboot node1: node1 holds priority 10 > 0 but its fence device reports "
                                       "it off: no delay, and it is fenced already (powering it on in the background)"));
        c = calls(r);
        assert_string_equal(c, "action=reboot\nnodename=node1\naction=status\n--\n");
        g_free(c);
        put(r, "release", "");
        c = calls_with(r, "action=on\n");
        assert_string_equal(c, "action=reboot\nnodename=node1\naction=status\n--\n"
                               "action=reboot\nnodename=node1\naction=on\n--\n");
        assert_null(strstr(r->out, "fake: reboot"));
}

static void race_status_off_fails_on(void **state)
{
        Run *r = *state;
        g_autofree char *c = NULL;

        /* A power-on that fails changes nothing: the node was off, so it
         * was fenced (fence-agents' reboot says the same). */
        put(r, "status-exit", "2");
        put(r, "exit", "1");
        run(r, "action=reboot\nnodename=node1\nplastik_agent=fence_fake\nplastik_race_delay=60\n", NULL, TRUE);
        assert_int_equal(r->exit_code, 0);
        c = calls_with(r, "action=on\n");
        assert_non_null(strstr(c, "action=on\n--\n"));
}

static void race_lower_priority(void **state)
{
        Run *r = *state;
        g_autofree char *c = NULL;

        /* As seen from node1 after the split: node2 is out of its partition
         * and holds 0 < 10; its fencing is not delayed and costs no status. */
        g_auto(GStrv) parts = g_strsplit(cib, "in_ccm=\"true\" crmd=\"online\" join=\"member\"", 2);
        g_autofree char *split = g_strjoin("in_ccm=\"false\" crmd=\"offline\" join=\"down\"", parts[0], parts[1],
                                           NULL);
        put(r, "cib.xml", split);
        run(r, "action=off\nnodename=node2\nplastik_agent=fence_fake\nplastik_race_delay=60\n", NULL, TRUE);
        assert_int_equal(r->exit_code, 0);
        assert_non_null(strstr(r->err, "off node2: node2 holds priority 0 < 10: no delay"));
        c = calls(r);
        assert_string_equal(c, "action=off\nnodename=node2\n--\n");
}

static void race_cib_unreadable(void **state)
{
        Run *r = *state;
        g_autofree char *c = NULL;

        /* In doubt the delay is paid, unless the target is off; then an
         * off is done already and not forwarded. */
        put(r, "status-exit", "2");
        run(r, "action=off\nnodename=node1\nplastik_agent=fence_fake\nplastik_race_delay=60\n", NULL, FALSE);
        assert_int_equal(r->exit_code, 0);
        assert_non_null(strstr(r->err, "the CIB is unreadable (the priorities are unknown) but its fence device "
                                       "reports it off: no delay, and it is fenced already"));
        c = calls(r);
        assert_string_equal(c, "action=off\nnodename=node1\naction=status\n--\n");
}

/* Every parameter and action the metadata names is in the man page. */
static void man_documents_metadata(void **state)
{
        Run *r = *state;
        g_autofree char *man = NULL;
        g_autoptr(GRegex) re = g_regex_new("<(parameter|action) name=\"([^\"]+)\"", 0, 0, NULL);
        g_autoptr(GMatchInfo) m = NULL;
        guint n = 0;

        assert_true(g_file_get_contents(man_page, &man, NULL, NULL));
        run(r, "", "-o metadata", FALSE);
        assert_int_equal(r->exit_code, 0);
        for (g_regex_match(re, r->out, 0, &m); g_match_info_matches(m); g_match_info_next(m, NULL)) {
                g_autofree char *name = g_match_info_fetch(m, 2);
                g_auto(GStrv) parts = g_strsplit(name, "-", -1);
                g_autofree char *roff = g_strjoinv("\\-", parts);
                n++;
                if (!strstr(man, roff))
                        fail_msg("%s does not document %s", man_page, name);
        }
        assert_int_equal(n, 14);
}

int main(int argc, char **argv)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(metadata, setup, teardown),
                cmocka_unit_test_setup_teardown(forwards, setup, teardown),
                cmocka_unit_test_setup_teardown(argv_action, setup, teardown),
                cmocka_unit_test_setup_teardown(exit_codes, setup, teardown),
                cmocka_unit_test_setup_teardown(bad_params, setup, teardown),
                cmocka_unit_test_setup_teardown(off_no_delay, setup, teardown),
                cmocka_unit_test_setup_teardown(race_status_on, setup, teardown),
                cmocka_unit_test_setup_teardown(race_status_off, setup, teardown),
                cmocka_unit_test_setup_teardown(race_status_off_fails_on, setup, teardown),
                cmocka_unit_test_setup_teardown(race_lower_priority, setup, teardown),
                cmocka_unit_test_setup_teardown(race_cib_unreadable, setup, teardown),
                cmocka_unit_test_setup_teardown(man_documents_metadata, setup, teardown),
        };

        if (argc != 3) {
                fprintf(stderr, "usage: test-fence-plastik FENCE_PLASTIK MAN_PAGE\n");
                return 2;
        }
        program = argv[1];
        man_page = argv[2];
        return cmocka_run_group_tests(tests, NULL, NULL);
}
