/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The handler around fen_decide(): gather, decide, act, answer. DRBD runs
 * it with I/O frozen (fencing resource-and-stonith), so every step is
 * bounded and every answer is logged where an administrator finds it:
 * stderr, syslog and a log file (DRBD's usermode helper has no terminal).
 */
#include "fen.h"
#include "ham-pcmk.h"
#include "ham.h"
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

/*
 * The resource's minor: DRBD_MINOR, which DRBD gives its handlers, else
 * `drbdadm sh-minor RES` (the --resume run hamgrd starts), which reads the
 * configuration only. -1 when unknown.
 */
static int resource_minor(const char *res, const char *env_minor)
{
        /* DRBD may run handlers with an empty PATH. */
        const char *prog = g_file_test("/usr/sbin/drbdadm", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/sbin/drbdadm"
                                                                                       : "drbdadm";
        const char *argv[] = { prog, "sh-minor", res, NULL };
        g_autofree char *out = NULL, *err = NULL;
        g_autoptr(GError) error = NULL;
        const char *text = env_minor;
        guint64 m;
        int status = 0;

        if (!text || !*text) {
                if (!pk_spawn_sync(argv, &out, &err, &status, &error) ||
                    !pk_spawn_check("drbdadm", status, err, &error)) {
                        say(LOG_WARNING, "drbdadm sh-minor %s: %s", res, error->message);
                        return -1;
                }
                text = g_strstrip(out);
        }
        if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXINT32, &m, NULL)) {
                say(LOG_WARNING, "%s: minor \"%s\" is not a number", res, text);
                return -1;
        }
        return (int)m;
}

/* `drbdadm dstate|role|cstate RES`, "LOCAL/PEER" (first volume): DRBD 9 only. */
static gboolean drbd_pair_drbdadm(const char *what, const char *res, char **ret_local, char **ret_peer)
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

/*
 * "LOCAL/PEER" (or one word, for "cs") from /proc/drbd's line for @minor:
 * @key "ds", "ro" or "cs", the words `drbdadm dstate|role|cstate` print.
 * Never through netlink: this handler may run while `drbdsetup primary`
 * waits for it, and then a netlink request can deadlock behind another
 * admin request on the resource (dg_proc_drbd_field()).
 */
static gboolean drbd_pair(const char *key, int minor, const char *res, char **ret_local, char **ret_peer)
{
        g_autofree char *text = NULL, *value = NULL;
        g_autoptr(GError) error = NULL;
        char *slash;

        if (!g_file_get_contents("/proc/drbd", &text, NULL, &error)) {
                say(LOG_WARNING, "%s: %s", res, error->message);
                return FALSE;
        }
        /* DRBD 9 lists no devices there; its netlink requests do not
         * serialise behind one another as 8.4's do. */
        if (g_str_has_prefix(text, "version: 9"))
                return drbd_pair_drbdadm(g_str_equal(key, "ds") ? "dstate" : g_str_equal(key, "ro") ? "role" : "cstate",
                                         res, ret_local, ret_peer);
        if (minor < 0)
                return FALSE;
        if (!dg_proc_drbd_field(text, minor, key, &value)) {
                say(LOG_WARNING, "%s: /proc/drbd has no %s for minor %d (is the resource up?)", res, key, minor);
                return FALSE;
        }
        slash = strchr(value, '/');
        *ret_local = g_strndup(value, slash ? (gsize)(slash - value) : strlen(value));
        *ret_peer = g_strdup(slash ? slash + 1 : "");
        return TRUE;
}

static gboolean is_primary(const char *role)
{
        DgRole r;

        return dg_role_from_name(role, &r) && r == DG_ROLE_PRIMARY;
}

static char *node_name(void)
{
        struct utsname u;

        return uname(&u) < 0 ? NULL : g_strdup(u.nodename);
}

/* One run of the handler: what it was given and what it keeps between looks. */
typedef struct {
        const FenOptions *opts;
        FenEnv *env;
        char *here, *clone, *cid;
        HamPcmk *pcmk;
        char *peer;           /* the peer's name, from DRBD or the CIB; NULL: unknown */
        gint64 t0;            /* monotonic ms */
        gint64 deadline;      /* monotonic ms */
        gint64 started_ms;    /* wall clock ms */
        gint64 connected_ms;  /* when the lost connection came up (hamgrd's record), 0: unknown */
        gint64 fenced_ms;     /* the peer's last completed fencing, 0: none */
        gboolean decided;     /* fen_decide() ran: the resource is one the handler acts on */
        int minor;            /* the resource's DRBD minor, -1: unknown */
        gboolean drbd_knows;  /* DRBD answered for the resource here: only then can it hold
                                 I/O frozen, and only then is a frozen-I/O record left */
} FenRun;

static void run_clear(FenRun *r)
{
        g_free(r->here);
        g_free(r->clone);
        g_free(r->cid);
        g_free(r->peer);
        ham_pcmk_close(r->pcmk);
}

static gint64 elapsed(const FenRun *r)
{
        return pk_now_ms() - r->t0;
}

static void log_situation(const FenRun *r, const FenSituation *s)
{
        say(LOG_INFO,
            "situation: %s, cib %s, quorum %s, peer %s %s, its own cib %s, fenced %s, constraint %s, "
            "disk %s, peer disk %s%s%s",
            fen_mode_name(s->mode), s->cib_reachable ? "reachable" : "unreachable",
            s->quorate ? "yes" : "no", r->peer ? r->peer : "(unknown)", fen_peer_name(s->peer),
            fen_peer_cib_name(s->peer_cib), fen_fenced_name(s->fenced), fen_constraint_name(s->constraint),
            dg_disk_name(s->disk), dg_disk_name(s->peer_disk), s->peer_primary ? ", peer Primary" : "",
            s->timed_out ? ", timed out" : "");
}

/* The peer's last completed off/reboot in the fencer's history (ms, 0: none). */
static gint64 last_fencing(const char *peer)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamFencer) f = ham_fencer_connect("plastik-fence-peer", &error);
        g_autoptr(GPtrArray) ops = f ? ham_fencer_history(f, peer, 5, &error) : NULL;
        gint64 last = 0;

        if (!ops) {
                say(LOG_WARNING, "%s", error->message);
                return 0;
        }
        for (guint i = 0; i < ops->len; i++) {
                const HamFenceOp *op = ops->pdata[i];
                if (op->state == HAM_FENCE_OP_DONE && g_strcmp0(op->target, peer) == 0)
                        last = MAX(last, op->completed_ms);
        }
        return last;
}

/* The peer's answer for the constraint, asked of its own CIB manager: only
 * useful while it is in this node's membership (otherwise nothing carries
 * the question), and bounded by the time left. */
static FenPeerCib ask_peer(FenRun *r, const FenSituation *s)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *xml = NULL;
        gint64 left_s = (r->deadline - pk_now_ms()) / 1000 - 1;

        if (s->peer != FEN_PEER_ONLINE || !r->peer || left_s < 1)
                return FEN_PEER_CIB_UNREACHABLE;
        xml = ham_pcmk_query_node_xml(r->pcmk, r->peer, "constraints", (int)MIN(left_s, 5), &error);
        if (!xml) {
                say(LOG_INFO, "%s", error->message);
                return FEN_PEER_CIB_UNREACHABLE;
        }
        return fen_peer_cib_judge(xml, strlen(xml), r->env->resource, r->clone, r->here);
}

/* Looks at everything fen_decide() needs. Returns -1, or an answer for DRBD
 * when the CIB shows this is not a resource the handler may act on. */
static int gather(FenRun *r, FenSituation *s)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *cib = NULL, *role = NULL, *peer_role = NULL;
        FenCibFacts facts = { 0 };
        FenMode mode = s->mode;

        *s = (FenSituation){ .mode = mode, .peer = FEN_PEER_UNKNOWN };
        if (!r->pcmk)
                r->pcmk = ham_pcmk_connect("plastik-fence-peer", &error);
        if (r->pcmk)
                cib = ham_pcmk_query_xml(r->pcmk, NULL, &error);
        if (cib) {
                if (!fen_cib_facts(cib, strlen(cib), r->env->resource, r->clone, r->here, r->env->peer,
                                   &facts, &error)) {
                        say(LOG_ERR, "%s; answering %d", error->message, FEN_EXIT_FAILED);
                        return FEN_EXIT_FAILED;
                }
                if (!facts.clone_exists) {
                        say(LOG_ERR, "unknown resource: the CIB has no clone %s for DRBD resource %s "
                                     "(is it a plastik guest volume?); answering %d",
                            r->clone, r->env->resource, FEN_EXIT_FAILED);
                        fen_cib_facts_clear(&facts);
                        return FEN_EXIT_FAILED;
                }
                s->cib_reachable = TRUE;
                s->quorate = facts.quorate;
                s->peer = facts.peer;
                s->constraint = facts.constraint;
                if (!r->peer && facts.peer_name)
                        r->peer = g_strdup(facts.peer_name);
                fen_cib_facts_clear(&facts);
        } else {
                say(LOG_ERR, "%s", error->message);
                g_clear_error(&error);
                /* A connection that failed once is not trusted again. */
                g_clear_pointer(&r->pcmk, ham_pcmk_close);
        }

        /* after-resync-target may see the state change still settling: a
         * few short retries before unfence reads "not UpToDate" as a no. */
        for (int i = 0; i < 10; i++) {
                g_autofree char *disk = NULL, *peer_disk = NULL;
                if (drbd_pair("ds", r->minor, r->env->resource, &disk, &peer_disk)) {
                        /* A word drbd-glue does not know stays unknown. */
                        s->disk = s->peer_disk = DG_DISK_UNKNOWN;
                        dg_disk_from_name(disk, &s->disk);
                        dg_disk_from_name(peer_disk, &s->peer_disk);
                }
                if (mode == FEN_MODE_FENCE || s->disk == DG_DISK_UPTODATE || !s->cib_reachable ||
                    pk_now_ms() + 2000 > r->deadline)
                        break;
                g_usleep(G_USEC_PER_SEC / 2);
        }
        if (drbd_pair("ro", r->minor, r->env->resource, &role, &peer_role)) {
                s->peer_primary = is_primary(peer_role);
                r->drbd_knows = TRUE;
        }

        if (mode == FEN_MODE_FENCE && s->cib_reachable && r->peer) {
                if (s->constraint == FEN_CONSTRAINT_HERE)
                        s->peer_cib = ask_peer(r, s);
                /* Asked again each time until it proves something: the
                 * history's entry may be an older fencing (before the
                 * connection) that the awaited one replaces. */
                if (fen_fenced_order(r->fenced_ms, r->connected_ms, r->started_ms) != FEN_FENCED_AFTER)
                        r->fenced_ms = last_fencing(r->peer);
                s->fenced = fen_fenced_order(r->fenced_ms, r->connected_ms, r->started_ms);
        }
        s->timed_out = pk_now_ms() + 1500 >= r->deadline;
        return -1;
}

static gboolean same_situation(const FenSituation *a, const FenSituation *b)
{
        return a->mode == b->mode && a->cib_reachable == b->cib_reachable && a->quorate == b->quorate &&
               a->peer == b->peer && a->peer_cib == b->peer_cib && a->fenced == b->fenced &&
               a->constraint == b->constraint && a->disk == b->disk && a->peer_disk == b->peer_disk &&
               a->peer_primary == b->peer_primary && a->timed_out == b->timed_out;
}

static int decide_and_act(FenRun *r)
{
        g_autoptr(GError) error = NULL;
        FenSituation s = { .mode = r->opts->mode }, last = { .mode = FEN_MODE_FENCE, .peer = -1 };
        FenDecision d = { 0 }, last_d = { .action = FEN_ACT_NONE, .reason = NULL };
        guint places = 0;

        for (;;) {
                int rc = gather(r, &s);
                if (rc >= 0)
                        return rc;
                /* Once a second while waiting: say only what changed. */
                if (!same_situation(&s, &last))
                        log_situation(r, &s);
                d = fen_decide(&s);
                r->decided = TRUE;
                if (d.action != last_d.action || d.reason != last_d.reason)
                        say(LOG_NOTICE, "decision after %" G_GINT64_FORMAT " ms: %s: %s", elapsed(r),
                            fen_action_name(d.action), d.reason);
                last = s;
                last_d = d;
                switch (d.action) {
                case FEN_ACT_NONE:
                        return d.exit_code;
                case FEN_ACT_PLACE: {
                        g_autofree char *xml = fen_constraint_xml(r->env->resource, r->clone, r->here);
                        /* A CIB that keeps not showing what it accepted is not one to act on. */
                        if (++places > 3) {
                                say(LOG_ERR, "the CIB does not show the constraint it accepted; answering %d",
                                    FEN_EXIT_FAILED);
                                return FEN_EXIT_FAILED;
                        }
                        if (!ham_pcmk_constraint_add(r->pcmk, xml, &error)) {
                                say(LOG_ERR, "%s; answering %d", error->message, FEN_EXIT_FAILED);
                                return FEN_EXIT_FAILED;
                        }
                        say(LOG_NOTICE, "placed constraint %s: Promoted only on %s (%" G_GINT64_FORMAT " ms)",
                            r->cid, r->here, elapsed(r));
                        break;
                }
                case FEN_ACT_WAIT:
                        g_usleep(G_USEC_PER_SEC);
                        break;
                case FEN_ACT_REMOVE:
                        if (!ham_pcmk_constraint_delete(r->pcmk, r->cid, &error)) {
                                say(LOG_ERR, "%s; answering %d", error->message, FEN_EXIT_FAILED);
                                return FEN_EXIT_FAILED;
                        }
                        say(LOG_NOTICE, "removed constraint %s", r->cid);
                        return d.exit_code;
                }
        }
}

static gboolean resumes_io(int rc)
{
        return rc == FEN_EXIT_PEER_INCONSISTENT || rc == FEN_EXIT_PEER_OUTDATED || rc == FEN_EXIT_PEER_FENCED;
}

/* `drbdadm resume-io RES`: what DRBD would have done on a proof. */
static gboolean resume_io(const char *res)
{
        const char *prog = g_file_test("/usr/sbin/drbdadm", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/sbin/drbdadm"
                                                                                       : "drbdadm";
        const char *argv[] = { prog, "resume-io", res, NULL };
        g_autofree char *out = NULL, *err = NULL;
        g_autoptr(GError) error = NULL;
        int status = 0;

        if (!pk_spawn_sync(argv, &out, &err, &status, &error) ||
            !pk_spawn_check("drbdadm", status, err, &error)) {
                say(LOG_ERR, "drbdadm resume-io %s: %s", res, error->message);
                return FALSE;
        }
        return TRUE;
}

/* --resume: is the resource still frozen by a handler's answer? Primary
 * and not Connected. A connection that came back resumed I/O (DRBD does
 * that itself), and a Secondary has nothing to resume. */
static gboolean still_frozen(const char *res, int minor)
{
        g_autofree char *role = NULL, *peer_role = NULL, *cstate = NULL, *unused = NULL;

        if (!drbd_pair("ro", minor, res, &role, &peer_role) || !drbd_pair("cs", minor, res, &cstate, &unused))
                return TRUE; /* unknown: look with the decision, which refuses on its own */
        if (is_primary(role) && !g_str_equal(cstate, dg_conn_name(DG_CONN_CONNECTED)))
                return TRUE;
        say(LOG_INFO, "resume: nothing left frozen by the handler (role %s, connection %s): record removed",
            role, cstate);
        return FALSE;
}

int fen_handler_run(const FenOptions *opts, const char *const *envp)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(FenEnv) env = NULL;
        g_autofree char *resume_env = NULL;
        FenRun r = { .opts = opts };
        int rc;

        r.t0 = pk_now_ms();
        r.deadline = r.t0 + (gint64)opts->timeout_s * 1000;
        r.started_ms = g_get_real_time() / 1000;
        openlog(log_prog, LOG_PID, LOG_DAEMON);
        /* A libcib or fencer call that never returns must not keep DRBD's
         * I/O frozen for ever: the alarm is the last bound. */
        signal(SIGALRM, on_alarm);
        alarm(opts->timeout_s + 5);

        if (opts->resume) {
                /* Not run by DRBD: the resource is the argument, the peer
                 * comes from the CIB. */
                resume_env = g_strdup_printf("DRBD_RESOURCE=%s", opts->resume);
                const char *const renv[] = { resume_env, NULL };
                env = fen_env_parse(renv, &error);
        } else {
                env = fen_env_parse(envp, &error);
        }
        if (!env) {
                say(LOG_ERR, "%s; answering %d", error->message, FEN_EXIT_FAILED);
                return FEN_EXIT_FAILED;
        }
        log_resource = env->resource;
        r.env = env;
        r.here = opts->here ? g_strdup(opts->here) : node_name();
        r.clone = fen_clone_id(env->resource);
        r.cid = fen_constraint_id(env->resource, r.clone);
        r.peer = g_strdup(env->peer);
        r.minor = resource_minor(env->resource, env->minor);
        if (opts->resume) {
                gint64 started = 0;
                if (!still_frozen(env->resource, r.minor)) {
                        if (!ham_frozen_clear(opts->frozen_dir, env->resource, &error))
                                say(LOG_WARNING, "%s", error->message);
                        run_clear(&r);
                        return FEN_EXIT_OK;
                }
                /* A fencing counts from when the handler that gave up
                 * started, not from this look. */
                if (ham_frozen_read(opts->frozen_dir, env->resource, &started, NULL))
                        r.started_ms = started;
        }
        say(LOG_INFO, "%s handler started on %s (peer %s, minor %s, timeout %us)",
            opts->resume ? "resume" : fen_mode_name(opts->mode), r.here, r.peer ? r.peer : "not given",
            env->minor ? env->minor : "-", opts->timeout_s);
        if (opts->mode == FEN_MODE_FENCE &&
            !ham_connected_read(opts->connected_dir, env->resource, &r.connected_ms, &error)) {
                say(LOG_WARNING, "when the lost connection was established is unknown (%s): a fencing "
                                 "of the peer counts only if it completes after this handler started",
                    error->message);
                g_clear_error(&error);
        }

        rc = decide_and_act(&r);
        if (opts->resume) {
                if (resumes_io(rc) && resume_io(env->resource)) {
                        say(LOG_NOTICE, "resume: the proof came after the handler gave up: I/O resumed "
                                        "(drbdadm resume-io) after %" G_GINT64_FORMAT " ms",
                            elapsed(&r));
                        rc = FEN_EXIT_OK;
                } else {
                        say(LOG_NOTICE, "resume: I/O stays frozen (decision: answer %d)", rc);
                        rc = FEN_EXIT_FAILED;
                }
        } else {
                say(LOG_NOTICE, "answering %d after %" G_GINT64_FORMAT " ms", rc, elapsed(&r));
        }
        /* Frozen or not, for hamgrd's next look (fence mode, and only for
         * resources the decision was made for). */
        if (opts->mode == FEN_MODE_FENCE && r.decided) {
                gboolean frozen = opts->resume ? rc != FEN_EXIT_OK : !resumes_io(rc);
                /* A run by hand for a resource DRBD does not have (the CIB
                 * unreachable, so not known to be foreign) froze nothing. */
                gboolean ok = frozen ? (opts->resume || !r.drbd_knows ||
                                        ham_frozen_write(opts->frozen_dir, env->resource, r.started_ms, &error))
                                     : ham_frozen_clear(opts->frozen_dir, env->resource, &error);
                if (!ok) {
                        say(LOG_WARNING, "%s: hamgrd %s", error->message,
                            frozen ? "will not resume I/O on a later proof" : "keeps looking at it");
                        g_clear_error(&error);
                }
        }
        run_clear(&r);
        return rc;
}

static const char fen_usage[] =
        "Usage: %s [--timeout S] [--node NAME] [--verbose]\n"
        "DRBD's %s handler for plastik's resources (see plastik-fence-peer(8)).\n"
        "Reads DRBD_RESOURCE, DRBD_PEER/DRBD_PEERS, DRBD_MINOR from the environment.\n";
static const char fen_usage_resume[] =
        "       plastik-fence-peer --resume RES [--timeout S] [--node NAME] [--verbose]\n"
        "  looks again at a resource whose handler left I/O frozen (hamgrd runs it):\n"
        "  resumes I/O only on the handler's proofs (exit 0), else exit 1.\n";

int fen_main(FenMode mode, int argc, char **argv)
{
        FenOptions opts = { .mode = mode, .timeout_s = 90 };
        const char *prog = mode == FEN_MODE_FENCE ? "plastik-fence-peer" : "plastik-unfence-peer";
        gboolean verbose = FALSE, timeout_given = FALSE;

        log_prog = prog;
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (g_str_equal(a, "--help") || g_str_equal(a, "-h")) {
                        printf(fen_usage, prog, mode == FEN_MODE_FENCE ? "fence-peer" : "after-resync-target");
                        if (mode == FEN_MODE_FENCE)
                                fputs(fen_usage_resume, stdout);
                        return 0;
                } else if (g_str_equal(a, "--verbose")) {
                        verbose = TRUE;
                } else if (mode == FEN_MODE_FENCE && g_str_equal(a, "--resume") && i + 1 < argc) {
                        opts.resume = argv[++i];
                        if (!timeout_given)
                                opts.timeout_s = 10;
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
                        timeout_given = TRUE;
                } else {
                        fprintf(stderr, "%s: unknown argument \"%s\"; try --help\n", prog, a);
                        return FEN_EXIT_FAILED;
                }
        }
        pk_log_init(prog, verbose);
        return fen_handler_run(&opts, (const char *const *)environ);
}
