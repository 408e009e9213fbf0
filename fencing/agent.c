/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fence_plastik's glue around fen_race_decide(): read the fencer's stdin,
 * read the CIB, ask the wrapped agent's status when the decision wants it,
 * wait, then run the wrapped agent with the lines it would have been given
 * and answer with its exit code. Pacemaker's fencer runs it with stdin and
 * no terminal: every decision goes to syslog and stderr (which the fencer
 * logs).
 */
#include "fen.h"
#include "ham-pcmk.h"
#include "pk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#define AGENT_DIR_DEFAULT "/usr/sbin"
#define STDIN_MAX (1024 * 1024)
/* The wrapped agent's status is one question to the fence device (IPMI
 * answers within seconds); one that hangs proves nothing and must not eat
 * the fencer's timeout. */
#define STATUS_TIMEOUT_S 20

static void say(int prio, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void say(int prio, const char *fmt, ...)
{
        g_autofree char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        syslog(prio, "%s", msg);
        fprintf(stderr, "fence_plastik: %s\n", msg);
}

static char *read_stdin(void)
{
        GString *s = g_string_new(NULL);
        char buf[4096];

        for (;;) {
                ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0 || s->len + (gsize)n > STDIN_MAX)
                        break;
                g_string_append_len(s, buf, n);
        }
        return g_string_free(s, FALSE);
}

/*
 * Runs the wrapped agent @path with @input on its stdin; its stdout goes to
 * ours (or nowhere when @quiet), its stderr to ours. Returns its exit code,
 * or -1 when it could not run, was killed or timed out (@ret_why says which).
 */
static int run_agent(const char *path, const char *input, gboolean quiet, guint timeout_s, char **ret_why)
{
        const char *argv[] = { path, NULL };
        g_autoptr(GError) error = NULL;
        int status = 0;

        if (!pk_spawn_input(argv, input, quiet, timeout_s, &status, &error)) {
                *ret_why = g_strdup(error->message);
                return -1;
        }
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        *ret_why = g_strdup_printf("%s was killed by signal %d", path, WTERMSIG(status));
        return -1;
}

/* The forwarded lines, plus "action=@action" when the action is not the
 * one stdin gave (from argv, or status asked for the race): fence-agents
 * read the lines in order and the last action wins. */
static char *agent_input(const FenAgentInput *in, const char *action)
{
        GString *s = g_string_new(NULL);

        for (guint i = 0; i < in->forward->len; i++)
                g_string_append_printf(s, "%s\n", (const char *)in->forward->pdata[i]);
        if (action && g_strcmp0(action, in->action) != 0)
                g_string_append_printf(s, "action=%s\n", action);
        return g_string_free(s, FALSE);
}

/* The CIB this node's partition acts on; PK_FENCE_CIB_FILE (a test hook)
 * is read instead when set. */
static char *read_cib(GError **error)
{
        const char *file = g_getenv("PK_FENCE_CIB_FILE");
        g_autoptr(HamPcmk) pcmk = NULL;
        char *xml = NULL;

        if (file && *file)
                return g_file_get_contents(file, &xml, NULL, error) ? xml : NULL;
        pcmk = ham_pcmk_connect("fence_plastik", error);
        return pcmk ? ham_pcmk_query_xml(pcmk, NULL, error) : NULL;
}

/* Reads what fen_race_decide() needs from the CIB into @r; @others gets
 * the other nodes' priorities, which @r points to. */
static void gather(FenRace *r, GArray *others)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *cib = read_cib(&error);
        g_autoptr(GPtrArray) nodes = cib ? ham_cib_node_priorities(cib, strlen(cib), &error) : NULL;

        if (!nodes) {
                say(LOG_WARNING, "%s %s: %s", r->action, r->target, error->message);
                return;
        }
        r->cib_readable = TRUE;
        for (guint i = 0; i < nodes->len; i++) {
                const HamCibNodePriority *n = nodes->pdata[i];
                if (g_strcmp0(n->name, r->target) == 0) {
                        r->target_online = n->online;
                        r->target_priority = n->priority;
                } else {
                        g_array_append_val(others, n->priority);
                }
        }
        r->others = (const int *)(void *)others->data;
        r->n_others = others->len;
}

/*
 * Powers the target on without keeping the fencer waiting: a reboot of a
 * node already off is only that, and fence-agents' reboot succeeds once the
 * node is off whatever the power-on does. Detached twice (its own session,
 * stdout and stderr on /dev/null, no other descriptor): the fencer waits
 * for this program's exit and for its pipes to close. At the lowest CPU
 * priority. The result goes to syslog.
 */
static void power_on_detached(const char *path, const char *input, const char *target)
{
        pid_t pid = fork();

        if (pid < 0) {
                say(LOG_WARNING, "reboot %s: cannot start its power-on: %s", target, g_strerror(errno));
                return;
        }
        if (pid > 0) {
                waitpid(pid, NULL, 0);
                return;
        }
        setsid();
        if (fork() != 0)
                _exit(0);
        int null = open("/dev/null", O_RDWR);
        int fds[2];
        if (null < 0 || pipe(fds) < 0)
                _exit(1);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        /* A courtesy after the fencing: it must not take the CPU from the
         * promotion and the guest's start it has just allowed (on a lab
         * node the Python agent cost the guest's start 2 s). */
        if (nice(19) < 0)
                syslog(LOG_INFO, "reboot %s: the power-on runs at normal priority", target);
        pid_t agent = fork();
        if (agent == 0) {
                dup2(fds[0], STDIN_FILENO);
                closefrom(STDERR_FILENO + 1);
                execl(path, path, (char *)NULL);
                _exit(127);
        }
        close(fds[0]);
        if (agent > 0) {
                gsize len = strlen(input), done = 0;
                int status = 0;
                while (done < len) {
                        ssize_t n = write(fds[1], input + done, len - done);
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n <= 0)
                                break;
                        done += (gsize)n;
                }
                close(fds[1]);
                while (waitpid(agent, &status, 0) < 0 && errno == EINTR)
                        ;
                if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                        syslog(LOG_INFO, "reboot %s: powered on", target);
                else
                        syslog(LOG_WARNING, "reboot %s: the power-on failed (%s on exited %d); the node stays off, "
                                            "it was fenced all the same", target, path,
                               WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        }
        _exit(0);
}

/* The race: decide, ask the status if the decision wants it, decide again,
 * log and wait. TRUE when the status reported the target off: the fencing
 * is done. */
static gboolean race(const char *action, const FenAgentInput *in, guint delay_s, const char *path)
{
        gboolean off_already;
        g_autoptr(GArray) others = g_array_new(FALSE, FALSE, sizeof(int));
        FenRace r = { .action = action, .target = in->target ? in->target : "(no target)", .delay_s = delay_s };
        FenRaceDecision d;

        /* A delay of 0 needs no CIB: nothing to decide. */
        if (delay_s > 0)
                gather(&r, others);
        d = fen_race_decide(&r);
        if (d.ask_status) {
                g_autofree char *input = agent_input(in, "status");
                g_autofree char *why = NULL;
                int rc = run_agent(path, input, TRUE, STATUS_TIMEOUT_S, &why);
                if (rc < 0)
                        say(LOG_WARNING, "%s %s: its status: %s", action, r.target, why);
                r.power = fen_power_from_exit(rc);
                fen_race_decision_clear(&d);
                d = fen_race_decide(&r);
        }
        say(d.delay_s ? LOG_NOTICE : LOG_INFO, "%s %s: %s", action, r.target, d.reason);
        if (d.delay_s)
                g_usleep((gulong)d.delay_s * G_USEC_PER_SEC);
        off_already = d.off_already;
        fen_race_decision_clear(&d);
        return off_already;
}

static const char usage[] =
        "Usage: fence_plastik [-o ACTION | --action=ACTION]  (parameters as name=value lines on stdin)\n"
        "A fence agent that runs plastik_agent (e.g. fence_ipmilan) and pays the fence race delay\n"
        "(plastik_race_delay) only when it is needed; see fence_plastik(8).\n";

int fen_agent_main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL, *path = NULL, *input = NULL, *why = NULL;
        FenAgentInput in = { 0 };
        const char *argv_action = NULL, *action, *dir;
        guint delay_s = 0;
        int rc;

        openlog("fence_plastik", LOG_PID, LOG_DAEMON);
        pk_log_init("fence_plastik", FALSE);
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (g_str_equal(a, "--help") || g_str_equal(a, "-h")) {
                        fputs(usage, stdout);
                        return 0;
                } else if ((g_str_equal(a, "-o") || g_str_equal(a, "--action")) && i + 1 < argc) {
                        argv_action = argv[++i];
                } else if (g_str_has_prefix(a, "--action=")) {
                        argv_action = a + strlen("--action=");
                } else {
                        fprintf(stderr, "fence_plastik: unknown argument \"%s\"; parameters come as name=value "
                                        "lines on stdin (see fence_plastik(8))\n",
                                a);
                        return 1;
                }
        }
        /* `fence_plastik -o metadata` (hactl fence add) gives no stdin. */
        if (g_strcmp0(argv_action, "metadata") == 0) {
                fputs(fen_agent_metadata(), stdout);
                return 0;
        }
        text = argv_action && isatty(STDIN_FILENO) ? g_strdup("") : read_stdin();
        fen_agent_input_parse(text, strlen(text), &in);
        /* fence-agents' default action is reboot. */
        action = argv_action ? argv_action : in.action && *in.action ? in.action : "reboot";
        if (g_str_equal(action, "metadata")) {
                fputs(fen_agent_metadata(), stdout);
                fen_agent_input_clear(&in);
                return 0;
        }
        if (!fen_agent_params_check(&in, &delay_s, &error)) {
                say(LOG_ERR, "%s", error->message);
                fen_agent_input_clear(&in);
                return 1;
        }
        dir = g_getenv("PK_FENCE_AGENT_DIR");
        path = g_build_filename(dir && *dir ? dir : AGENT_DIR_DEFAULT, in.agent, NULL);
        if (!g_file_test(path, G_FILE_TEST_IS_EXECUTABLE)) {
                say(LOG_ERR, "plastik_agent %s: %s is not an executable: install the fence agent "
                             "(e.g. Debian's fence-agents) or fix plastik_agent",
                    in.agent, path);
                fen_agent_input_clear(&in);
                return 1;
        }
        if ((g_str_equal(action, "off") || g_str_equal(action, "reboot")) && race(action, &in, delay_s, path)) {
                if (g_str_equal(action, "reboot")) {
                        g_autofree char *on = agent_input(&in, "on");
                        power_on_detached(path, on, in.target ? in.target : "");
                }
                fen_agent_input_clear(&in);
                return 0;
        }
        input = agent_input(&in, argv_action);
        rc = run_agent(path, input, FALSE, 0, &why);
        if (rc < 0) {
                say(LOG_ERR, "%s %s: %s", action, in.target ? in.target : "", why);
                rc = 1;
        }
        fen_agent_input_clear(&in);
        return rc;
}
