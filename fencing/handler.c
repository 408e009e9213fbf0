/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The handler around fen_decide(): gather, decide, act, answer. DRBD runs
 * it with I/O frozen (fencing resource-and-stonith), so every step is
 * bounded and every answer is logged where an administrator finds it:
 * stderr, syslog and a log file (DRBD's usermode helper has no terminal).
 */
#include "fen.h"
#include "ham-pcmk.h"
#include "pk.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define FEN_LOG_DEFAULT "/var/log/plastik-fence-peer.log"
#define FEN_FENCED_GRACE_S 60 /* a fencing this recent counts for the link loss that called us */

static const char *log_resource = "-";
static const char *log_prog = "plastik-fence-peer";

static void say(int prio, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void say(int prio, const char *fmt, ...)
{
        g_autofree char *msg = NULL;
        const char *path = g_getenv("PLASTIK_FENCE_LOG");
        va_list ap;
        FILE *f;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        syslog(prio, "%s: %s", log_resource, msg);
        fprintf(stderr, "%s: %s: %s\n", log_prog, log_resource, msg);
        f = fopen(path && *path ? path : FEN_LOG_DEFAULT, "ae");
        if (f) {
                g_autoptr(GDateTime) now = g_date_time_new_now_utc();
                g_autofree char *ts = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S.%fZ");
                fprintf(f, "%s %s[%d] %s: %s\n", ts, log_prog, (int)getpid(), log_resource, msg);
                fclose(f);
        }
}

static void on_alarm(int sig)
{
        static const char msg[] = "plastik-fence-peer: timeout reached inside a call that did not return: "
                                  "exiting with 1 (I/O stays frozen)\n";
        (void)sig;
        if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
                /* nothing more can be done here */
        }
        _exit(FEN_EXIT_FAILED);
}

/* `drbdadm dstate|role RES`, 8.4 style "LOCAL/PEER" (first volume). */
static gboolean drbd_pair(const char *what, const char *res, char **ret_local, char **ret_peer)
{
        /* DRBD may run handlers with an empty PATH. */
        const char *prog = g_file_test("/usr/sbin/drbdadm", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/sbin/drbdadm"
                                                                                       : "drbdadm";
        const char *argv[] = { prog, what, res, NULL };
        g_autofree char *out = NULL, *err = NULL;
        g_autoptr(GError) error = NULL;
        int status = 0;

        if (!pk_spawn_sync(argv, &out, &err, &status, &error) ||
            !pk_spawn_check("drbdadm", status, err, &error)) {
                say(LOG_WARNING, "drbdadm %s %s: %s", what, res, error->message);
                return FALSE;
        }
        g_strstrip(out);
        char *nl = strchr(out, '\n');
        if (nl)
                *nl = '\0';
        char *slash = strchr(out, '/');
        *ret_local = g_strndup(out, slash ? (gsize)(slash - out) : strlen(out));
        *ret_peer = g_strdup(slash ? slash + 1 : "");
        return TRUE;
}

static char *node_name(void)
{
        struct utsname u;

        return uname(&u) < 0 ? NULL : g_strdup(u.nodename);
}

static void log_situation(const FenSituation *s, const char *peer)
{
        say(LOG_INFO,
            "situation: %s, cib %s, quorum %s, peer %s %s%s, constraint %s, disk %s, peer disk %s%s, wait %s",
            fen_mode_name(s->mode), s->cib_reachable ? "reachable" : "unreachable",
            s->quorate ? "yes" : "no", peer ? peer : "(unknown)", fen_peer_name(s->peer),
            s->peer_fenced ? " (fenced)" : "", fen_constraint_name(s->constraint),
            fen_disk_name(s->disk), fen_disk_name(s->peer_disk),
            s->peer_primary ? ", peer Primary" : "", fen_wait_name(s->wait));
}

static gboolean fenced_now(const char *peer, gint64 since)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamFencer) f = ham_fencer_connect("plastik-fence-peer", &error);
        gboolean fenced = FALSE;

        if (!f || !ham_fencer_fenced_since(f, peer, since, &fenced, &error)) {
                say(LOG_WARNING, "%s", error->message);
                return FALSE;
        }
        return fenced;
}

int fen_handler_run(const FenOptions *opts, const char *const *envp)
{
        gint64 t0 = pk_now_ms(), deadline = t0 + (gint64)opts->timeout_s * 1000;
        gint64 since = (gint64)time(NULL) - FEN_FENCED_GRACE_S;
        g_autoptr(GError) error = NULL;
        g_autoptr(FenEnv) env = NULL;
        g_autoptr(HamPcmk) pcmk = NULL;
        g_autofree char *here = NULL, *clone = NULL, *cid = NULL, *cib = NULL;
        g_autofree char *disk = NULL, *peer_disk = NULL, *role = NULL, *peer_role = NULL;
        FenSituation s = { .mode = opts->mode, .peer = FEN_PEER_UNKNOWN };
        FenCibFacts facts = { 0 };
        FenDecision d;

        openlog(log_prog, LOG_PID, LOG_DAEMON);
        /* A libcib or fencer call that never returns must not keep DRBD's
         * I/O frozen for ever: the alarm is the last bound. */
        signal(SIGALRM, on_alarm);
        alarm(opts->timeout_s + 5);

        env = fen_env_parse(envp, &error);
        if (!env) {
                say(LOG_ERR, "%s; answering %d", error->message, FEN_EXIT_FAILED);
                return FEN_EXIT_FAILED;
        }
        log_resource = env->resource;
        here = opts->here ? g_strdup(opts->here) : node_name();
        clone = fen_clone_id(env->resource);
        cid = fen_constraint_id(env->resource, clone);
        say(LOG_INFO, "%s handler started on %s (peer %s, minor %s, timeout %us)", fen_mode_name(opts->mode),
            here, env->peer ? env->peer : "not given", env->minor ? env->minor : "-", opts->timeout_s);

        pcmk = ham_pcmk_connect("plastik-fence-peer", &error);
        if (pcmk)
                cib = ham_pcmk_query_xml(pcmk, NULL, &error);
        if (cib) {
                if (!fen_cib_facts(cib, strlen(cib), env->resource, clone, here, env->peer, &facts,
                                   &error)) {
                        say(LOG_ERR, "%s; answering %d", error->message, FEN_EXIT_FAILED);
                        return FEN_EXIT_FAILED;
                }
                if (!facts.clone_exists) {
                        say(LOG_ERR, "unknown resource: the CIB has no clone %s for DRBD resource %s "
                                     "(is it a plastik guest volume?); answering %d",
                            clone, env->resource, FEN_EXIT_FAILED);
                        fen_cib_facts_clear(&facts);
                        return FEN_EXIT_FAILED;
                }
                s.cib_reachable = TRUE;
                s.quorate = facts.quorate;
                s.peer = facts.peer;
                s.constraint = facts.constraint;
        } else {
                say(LOG_ERR, "%s", error->message);
                g_clear_error(&error);
        }

        /* after-resync-target may see the state change still settling: a
         * few short retries before unfence reads "not UpToDate" as a no. */
        for (int i = 0; i < 10; i++) {
                g_clear_pointer(&disk, g_free);
                g_clear_pointer(&peer_disk, g_free);
                if (drbd_pair("dstate", env->resource, &disk, &peer_disk)) {
                        s.disk = fen_disk_parse(disk);
                        s.peer_disk = fen_disk_parse(peer_disk);
                }
                if (opts->mode == FEN_MODE_FENCE || s.disk == FEN_DISK_UPTODATE || !s.cib_reachable ||
                    pk_now_ms() + 2000 > deadline)
                        break;
                g_usleep(G_USEC_PER_SEC / 2);
        }
        if (drbd_pair("role", env->resource, &role, &peer_role))
                s.peer_primary = g_str_equal(peer_role, "Primary");
        if (opts->mode == FEN_MODE_FENCE && s.cib_reachable && facts.peer_name && s.peer != FEN_PEER_ONLINE)
                s.peer_fenced = fenced_now(facts.peer_name, since);

        for (;;) {
                log_situation(&s, facts.peer_name);
                d = fen_decide(&s);
                say(LOG_NOTICE, "decision after %" G_GINT64_FORMAT " ms: %s, answer %d: %s",
                    pk_now_ms() - t0, fen_action_name(d.action), d.exit_code, d.reason);
                if (d.action == FEN_ACT_PLACE || d.action == FEN_ACT_PLACE_WAIT) {
                        g_autofree char *xml = fen_constraint_xml(env->resource, clone, here);
                        if (!ham_pcmk_constraint_add(pcmk, xml, &error)) {
                                say(LOG_ERR, "%s; answering %d", error->message, FEN_EXIT_FAILED);
                                fen_cib_facts_clear(&facts);
                                return FEN_EXIT_FAILED;
                        }
                        s.constraint = FEN_CONSTRAINT_HERE;
                        say(LOG_NOTICE, "placed constraint %s: Promoted only on %s (%" G_GINT64_FORMAT " ms)",
                            cid, here, pk_now_ms() - t0);
                } else if (d.action == FEN_ACT_REMOVE) {
                        if (!ham_pcmk_constraint_delete(pcmk, cid, &error)) {
                                say(LOG_ERR, "%s; answering %d", error->message, FEN_EXIT_FAILED);
                                fen_cib_facts_clear(&facts);
                                return FEN_EXIT_FAILED;
                        }
                        say(LOG_NOTICE, "removed constraint %s", cid);
                }
                if (d.action != FEN_ACT_PLACE_WAIT && d.action != FEN_ACT_WAIT)
                        break;

                /* Wait for the fencer, leaving a margin before the alarm. */
                s.wait = FEN_WAIT_TIMEOUT;
                while (pk_now_ms() + 1000 < deadline) {
                        if (fenced_now(facts.peer_name, since)) {
                                s.wait = FEN_WAIT_CONFIRMED;
                                say(LOG_NOTICE, "the fencer confirmed %s fenced after %" G_GINT64_FORMAT " ms",
                                    facts.peer_name, pk_now_ms() - t0);
                                break;
                        }
                        g_usleep(G_USEC_PER_SEC);
                }
        }
        say(LOG_NOTICE, "answering %d after %" G_GINT64_FORMAT " ms", d.exit_code, pk_now_ms() - t0);
        fen_cib_facts_clear(&facts);
        return d.exit_code;
}

static const char fen_usage[] =
        "Usage: %s [--timeout S] [--node NAME] [--verbose]\n"
        "DRBD's %s handler for plastik's resources (see plastik-fence-peer(8)).\n"
        "Reads DRBD_RESOURCE, DRBD_PEER/DRBD_PEERS, DRBD_MINOR from the environment.\n";

int fen_main(FenMode mode, int argc, char **argv)
{
        FenOptions opts = { .mode = mode, .timeout_s = 90 };
        const char *prog = mode == FEN_MODE_FENCE ? "plastik-fence-peer" : "plastik-unfence-peer";
        gboolean verbose = FALSE;

        log_prog = prog;
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (g_str_equal(a, "--help") || g_str_equal(a, "-h")) {
                        printf(fen_usage, prog, mode == FEN_MODE_FENCE ? "fence-peer" : "after-resync-target");
                        return 0;
                } else if (g_str_equal(a, "--verbose")) {
                        verbose = TRUE;
                } else if ((g_str_equal(a, "--timeout") || g_str_equal(a, "--node")) && i + 1 < argc) {
                        const char *v = argv[++i];
                        if (g_str_equal(a, "--node")) {
                                opts.here = v;
                                continue;
                        }
                        char *end = NULL;
                        guint64 t = g_ascii_strtoull(v, &end, 10);
                        if (!end || *end || t < 5 || t > 3600) {
                                fprintf(stderr, "%s: --timeout \"%s\": give whole seconds from 5 to 3600\n",
                                        prog, v);
                                return FEN_EXIT_FAILED;
                        }
                        opts.timeout_s = (guint)t;
                } else {
                        fprintf(stderr, "%s: unknown argument \"%s\"; try --help\n", prog, a);
                        return FEN_EXIT_FAILED;
                }
        }
        pk_log_init(prog, verbose);
        return fen_handler_run(&opts, (const char *const *)environ);
}
