/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hactl cluster init|join: plan (pure), then execute. */
#include "ham.h"
#include "ham-pcmk.h"
#include "pk.h"
#include "ham-cluster.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#define FIX_START_OVER                                                                          \
        "To set this node up anew, stop corosync and pacemaker and remove "                     \
        HAM_CONF_PATH ", " HAM_COROSYNC_CONF " and " HAM_COROSYNC_AUTHKEY " (this node leaves " \
        "its cluster)"

/*
 * What init sets, and why (hactl(8) says the same to the administrator):
 * - stonith-enabled: a two-node cluster is only safe when the survivor can
 *   power off the peer before it takes over the peer's guests and volumes.
 * - no-quorum-policy=stop: with two_node the survivor keeps quorum, so this
 *   only acts when a node has not yet seen its peer (wait_for_all); running
 *   nothing is then right.
 * - priority-fencing-delay: after a split both nodes try to fence; the one
 *   running the guests with the higher total priority shoots first. Init
 *   sets it because no fence device exists yet, and the first one may be a
 *   plain agent added by hand. hactl fence add puts fence_plastik in front
 *   of each device, and fence_plastik pays the same delay itself, only
 *   when the target still has power; once every device goes through it,
 *   fence add and fence remove set this to 0, so the delay is paid once
 *   (ham_fencing_pcmk_delay_s(); hactl verify W105/E106 check the pair).
 * - resource-stickiness: a guest stays where it runs; moving means a restart.
 * - migration-threshold: three failures on a node and the guest moves away.
 */
static const HamProperty properties[] = {
        { "crm_config", "stonith-enabled", "true" },
        { "crm_config", "no-quorum-policy", "stop" },
        { "crm_config", "priority-fencing-delay", G_STRINGIFY(HAM_PRIORITY_FENCING_DELAY_S) "s" },
        { "rsc_defaults", "resource-stickiness", "100" },
        { "rsc_defaults", "migration-threshold", "3" },
        { NULL, NULL, NULL },
};

const HamProperty *ham_cluster_properties(void)
{
        return properties;
}

void ham_node_state_clear(HamNodeState *state)
{
        g_clear_pointer(&state->conf, ham_conf_free);
        g_clear_pointer(&state->corosync_conf, g_free);
        g_clear_pointer(&state->authkey, g_bytes_unref);
}

const char *ham_step_kind_name(HamStepKind kind)
{
        switch (kind) {
        case HAM_STEP_WRITE_AUTHKEY: return "write-authkey";
        case HAM_STEP_WRITE_COROSYNC_CONF: return "write-corosync-conf";
        case HAM_STEP_WRITE_PLASTIK_CONF: return "write-plastik-conf";
        case HAM_STEP_START_COROSYNC: return "start-corosync";
        case HAM_STEP_START_PACEMAKER: return "start-pacemaker";
        case HAM_STEP_WAIT_CIB: return "wait-cib";
        case HAM_STEP_SET_PROPERTIES: return "set-properties";
        case HAM_STEP_WAIT_QUORUM: return "wait-quorum";
        case HAM_STEP_WAIT_ONLINE: return "wait-online";
        }
        return "?";
}

static void step_free(HamStep *s)
{
        g_free(s->text);
        g_free(s);
}

static void add_step(GPtrArray *plan, HamStepKind kind, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void add_step(GPtrArray *plan, HamStepKind kind, const char *fmt, ...)
{
        HamStep *s = g_new0(HamStep, 1);
        va_list ap;

        va_start(ap, fmt);
        s->kind = kind;
        s->text = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_ptr_array_add(plan, s);
}

static char *node_summary(const HamNode *n)
{
        g_autofree char *addrs = g_strjoinv(",", (char **)n->addresses);
        return g_strdup_printf("%s (id %u, cluster %s, replication %s, vg %s)", n->name, n->nodeid,
                               addrs, n->replication_address, n->vg);
}

GPtrArray *ham_cluster_plan(HamSetupMode mode, const HamNodeState *have,
                            const HamConf *want, GBytes *authkey, GError **error)
{
        g_autoptr(GPtrArray) plan = g_ptr_array_new_with_free_func((GDestroyNotify)step_free);
        g_autofree char *corosync = NULL, *first = NULL, *second = NULL, *props = NULL, *timing = NULL;
        g_autoptr(GString) p = g_string_new(NULL);

        if (!ham_conf_validate(want, mode == HAM_SETUP_INIT ? "cluster init" : "cluster join", error))
                return NULL;
        if (have->conf) {
                g_autofree char *diff = ham_conf_diff(have->conf, want);
                if (diff) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_CONFLICT,
                                    "this node is already set up differently (%s): %s. %s.",
                                    HAM_CONF_PATH, diff, FIX_START_OVER);
                        return NULL;
                }
        }
        if (have->authkey && !g_bytes_equal(have->authkey, authkey)) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_CONFLICT,
                            "%s differs from the key %s: this node holds the key of another cluster. %s.",
                            HAM_COROSYNC_AUTHKEY,
                            mode == HAM_SETUP_JOIN ? "in the join token" : "this cluster uses",
                            FIX_START_OVER);
                return NULL;
        }
        corosync = ham_corosync_conf_render(want);
        if (have->corosync_conf && !g_str_equal(have->corosync_conf, corosync)) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_CONFLICT,
                            "%s exists and is not the file hactl writes for this cluster%s. "
                            "If this node belongs to no other cluster, stop corosync and move the file aside",
                            HAM_COROSYNC_CONF,
                            have->conf ? " (it was changed by hand)" : " (another tool wrote it)");
                return NULL;
        }

        first = node_summary(&want->local);
        second = node_summary(&want->peer);
        if (!have->authkey)
                add_step(plan, HAM_STEP_WRITE_AUTHKEY, "write %s (%zu bytes, mode 0400)",
                         HAM_COROSYNC_AUTHKEY, g_bytes_get_size(authkey));
        if (want->corosync_token)
                timing = g_strdup_printf(", token %u ms (consensus %u ms)", want->corosync_token,
                                         ham_corosync_consensus(want->corosync_token));
        if (!have->corosync_conf)
                add_step(plan, HAM_STEP_WRITE_COROSYNC_CONF,
                         "write %s: cluster %s, knet with %u link(s), two_node%s; nodes %s and %s",
                         HAM_COROSYNC_CONF, want->cluster_name, ham_node_n_links(&want->local),
                         timing ? timing : "",
                         want->local.nodeid < want->peer.nodeid ? first : second,
                         want->local.nodeid < want->peer.nodeid ? second : first);
        if (!have->conf)
                add_step(plan, HAM_STEP_WRITE_PLASTIK_CONF, "write %s (mode 0600): this node %s",
                         HAM_CONF_PATH, want->local.name);
        if (!have->corosync_running)
                add_step(plan, HAM_STEP_START_COROSYNC, "start corosync");
        if (!have->pacemaker_running)
                add_step(plan, HAM_STEP_START_PACEMAKER, "start pacemaker");
        if (mode == HAM_SETUP_INIT) {
                for (const HamProperty *pr = properties; pr->name; pr++)
                        g_string_append_printf(p, "%s%s %s=%s", p->len ? ", " : "",
                                               g_str_equal(pr->section, "crm_config") ? "property" : "resource default",
                                               pr->name, pr->value);
                add_step(plan, HAM_STEP_WAIT_CIB, "wait until the CIB answers");
                add_step(plan, HAM_STEP_SET_PROPERTIES, "set where different: %s", p->str);
        } else {
                /* two_node implies wait_for_all: quorum comes only once both
                 * nodes have seen each other, so only the joining node waits. */
                add_step(plan, HAM_STEP_WAIT_QUORUM, "wait until corosync is quorate with %s and %s",
                         want->local.name, want->peer.name);
                add_step(plan, HAM_STEP_WAIT_ONLINE, "wait until pacemaker shows %s and %s online",
                         want->local.name, want->peer.name);
        }
        return g_steal_pointer(&plan);
}

/* ---- reading this node's state --------------------------------------------------------- */

static gboolean process_running(const char *comm)
{
        g_autoptr(GDir) dir = g_dir_open("/proc", 0, NULL);
        const char *name;

        while (dir && (name = g_dir_read_name(dir))) {
                g_autofree char *path = NULL, *text = NULL;
                if (!g_ascii_isdigit(name[0]))
                        continue;
                path = g_strdup_printf("/proc/%s/comm", name);
                if (g_file_get_contents(path, &text, NULL, NULL) && g_str_equal(g_strchomp(text), comm))
                        return TRUE;
        }
        return FALSE;
}

static gboolean read_optional(const char *path, char **ret, gsize *ret_len, GError **error)
{
        g_autoptr(GError) local = NULL;

        *ret = NULL;
        if (g_file_get_contents(path, ret, ret_len, &local))
                return TRUE;
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
                return TRUE;
        g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "%s", local->message);
        return FALSE;
}

gboolean ham_node_state_read(HamNodeState *ret_state, GError **error)
{
        HamNodeState st = { 0 };
        g_autoptr(GError) local = NULL;
        g_autofree char *key = NULL;
        gsize keylen = 0;

        st.conf = ham_conf_load(HAM_CONF_PATH, &local);
        if (!st.conf && !g_error_matches(local, HAM_ERROR, HAM_ERROR_NOT_FOUND)) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_CONFLICT, "%s; fix the file or remove it",
                            local->message);
                return FALSE;
        }
        if (!read_optional(HAM_COROSYNC_CONF, &st.corosync_conf, NULL, error) ||
            !read_optional(HAM_COROSYNC_AUTHKEY, &key, &keylen, error)) {
                ham_node_state_clear(&st);
                return FALSE;
        }
        if (key)
                st.authkey = g_bytes_new_take(g_steal_pointer(&key), keylen);
        st.corosync_running = process_running("corosync");
        st.pacemaker_running = process_running("pacemakerd");
        *ret_state = st;
        return TRUE;
}

/* ---- executing ---------------------------------------------------------------------- */

static void progress(HamProgressFunc fn, gpointer data, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void progress(HamProgressFunc fn, gpointer data, const char *fmt, ...)
{
        g_autofree char *msg = NULL;
        va_list ap;

        if (!fn)
                return;
        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        fn(msg, data);
}

static gboolean write_file(const char *path, const void *data, gsize len, mode_t mode, GError **error)
{
        g_autofree char *dir = g_path_get_dirname(path);
        int r = pk_mkdir_p(dir, 0755);

        if (r < 0) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "cannot create %s: %s", dir, g_strerror(-r));
                return FALSE;
        }
        return pk_file_write_atomic(path, data, len, mode, error);
}

typedef struct {
        const char *log;
} DaemonSetup;

/* Runs in the child between fork and exec: only async-signal-safe calls. */
static void daemon_child_setup(gpointer data)
{
        const DaemonSetup *d = data;
        int fd;

        setsid();
        fd = open("/dev/null", O_RDONLY);
        if (fd >= 0) {
                dup2(fd, 0);
                close(fd);
        }
        fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
        }
}

/* Without systemd (a container, the lab) the daemons run as the lab starts
 * them: in the foreground of their own session, output into a log file. */
static gboolean start_daemon(const char *unit, const char *const *argv, const char *log, GError **error)
{
        g_autoptr(GError) local = NULL;

        if (g_file_test("/run/systemd/system", G_FILE_TEST_IS_DIR)) {
                const char *sd[] = { "systemctl", "start", unit, NULL };
                g_autofree char *err = NULL;
                int status;

                if (!pk_spawn_sync(sd, NULL, &err, &status, &local) ||
                    !pk_spawn_check("systemctl start", status, err, &local)) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "cannot start %s: %s", unit, local->message);
                        return FALSE;
                }
                return TRUE;
        }
        g_autofree char *dir = g_path_get_dirname(log);
        DaemonSetup d = { log };
        pk_mkdir_p(dir, 0755);
        /* Without DO_NOT_REAP_CHILD glib forks twice: the daemon is not our child. */
        if (!g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, daemon_child_setup, &d,
                           NULL, &local)) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "cannot start %s: %s", argv[0], local->message);
                return FALSE;
        }
        return TRUE;
}

gboolean ham_quorum_parse(const char *text, gboolean *ret_quorate, guint *ret_nodes)
{
        g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
        gboolean have_q = FALSE, quorate = FALSE;
        guint nodes = 0;

        for (char **l = lines; *l; l++) {
                g_autofree char *line = g_strstrip(g_strdup(*l));
                guint64 v;
                if (g_str_has_prefix(line, "Quorate:")) {
                        have_q = TRUE;
                        quorate = g_str_equal(g_strstrip(line + strlen("Quorate:")), "Yes");
                } else if (g_str_has_prefix(line, "Nodes:") &&
                           g_ascii_string_to_unsigned(g_strstrip(line + strlen("Nodes:")), 10, 0, 1024, &v, NULL)) {
                        nodes = (guint)v;
                }
        }
        if (!have_q)
                return FALSE;
        *ret_quorate = quorate;
        *ret_nodes = nodes;
        return TRUE;
}

static gboolean quorate_with_both(void)
{
        const char *argv[] = { "corosync-quorumtool", "-s", NULL };
        g_autofree char *out = NULL, *err = NULL;
        gboolean q = FALSE;
        guint n = 0;

        /* stderr is captured: before corosync answers it only says so. */
        if (!pk_spawn_sync(argv, &out, &err, NULL, NULL))
                return FALSE;
        return ham_quorum_parse(out, &q, &n) && q && n >= 2;
}

static gboolean both_online(const HamConf *want)
{
        g_autoptr(HamMonStatus) st = ham_crm_mon_run(NULL);
        const HamMonNode *a, *b;

        if (!st || !st->connected)
                return FALSE;
        a = ham_mon_node_find(st, want->local.name);
        b = ham_mon_node_find(st, want->peer.name);
        return a && b && a->online && b->online;
}

typedef gboolean (*WaitFunc)(gpointer data);

static gboolean wait_for(const char *what, WaitFunc fn, gpointer data, guint timeout_s,
                         HamProgressFunc pfn, gpointer pdata, GError **error)
{
        gint64 start = pk_now_ms(), next_note = start + 10000;

        for (;;) {
                if (fn(data))
                        return TRUE;
                gint64 now = pk_now_ms();
                if (now - start >= (gint64)timeout_s * 1000) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_TIMEOUT,
                                    "gave up waiting %s after %u s", what, timeout_s);
                        return FALSE;
                }
                if (now >= next_note) {
                        progress(pfn, pdata, "still waiting %s (%" G_GINT64_FORMAT " s)", what, (now - start) / 1000);
                        next_note = now + 10000;
                }
                g_usleep(G_USEC_PER_SEC);
        }
}

static gboolean wait_quorum(gpointer data) { return quorate_with_both(); }
static gboolean wait_online(gpointer data) { return both_online(data); }

static gboolean try_cib(gpointer data)
{
        HamPcmk **p = data;
        *p = ham_pcmk_connect("hactl", NULL);
        return *p != NULL;
}

static gboolean set_properties(HamPcmk *pcmk, guint *changed, HamProgressFunc pfn, gpointer pdata,
                               GError **error)
{
        for (const HamProperty *pr = properties; pr->name; pr++) {
                g_autofree char *have = NULL;
                if (!ham_pcmk_get_option(pcmk, pr->section, pr->name, &have, error))
                        return FALSE;
                if (g_strcmp0(have, pr->value) == 0)
                        continue;
                if (!ham_pcmk_set_option(pcmk, pr->section, pr->name, pr->value, error))
                        return FALSE;
                progress(pfn, pdata, "set %s %s=%s", pr->section, pr->name, pr->value);
                (*changed)++;
        }
        return TRUE;
}

gboolean ham_cluster_execute(GPtrArray *plan, const HamConf *want, GBytes *authkey,
                             guint timeout_s, HamProgressFunc pfn, gpointer pdata,
                             guint *ret_changed, GError **error)
{
        g_autoptr(HamPcmk) pcmk = NULL;
        guint changed = 0;

        for (guint i = 0; i < plan->len; i++) {
                const HamStep *s = plan->pdata[i];
                gboolean ok = TRUE;

                switch (s->kind) {
                case HAM_STEP_WRITE_AUTHKEY: {
                        gsize len;
                        const void *data = g_bytes_get_data(authkey, &len);
                        ok = write_file(HAM_COROSYNC_AUTHKEY, data, len, 0400, error);
                        changed++;
                        break;
                }
                case HAM_STEP_WRITE_COROSYNC_CONF: {
                        g_autofree char *text = ham_corosync_conf_render(want);
                        ok = write_file(HAM_COROSYNC_CONF, text, strlen(text), 0644, error);
                        changed++;
                        break;
                }
                case HAM_STEP_WRITE_PLASTIK_CONF: {
                        /* The node-local [drbd] handlers of an existing
                         * file survive the rewrite. */
                        g_autoptr(HamConf) have = ham_conf_load(HAM_CONF_PATH, NULL);
                        g_autoptr(HamConf) keep = ham_conf_copy(want);
                        if (have && !keep->fence_peer_handler)
                                keep->fence_peer_handler = g_strdup(have->fence_peer_handler);
                        if (have && !keep->unfence_handler)
                                keep->unfence_handler = g_strdup(have->unfence_handler);
                        if (have && !keep->split_brain_handler)
                                keep->split_brain_handler = g_strdup(have->split_brain_handler);
                        ok = ham_conf_save(keep, HAM_CONF_PATH, error);
                        changed++;
                        break;
                }
                case HAM_STEP_START_COROSYNC: {
                        const char *argv[] = { "corosync", "-f", NULL };
                        ok = start_daemon("corosync", argv, "/var/log/corosync/corosync.out", error);
                        changed++;
                        break;
                }
                case HAM_STEP_START_PACEMAKER: {
                        const char *argv[] = { "pacemakerd", NULL };
                        ok = start_daemon("pacemaker", argv, "/var/log/pacemaker/pacemakerd.out", error);
                        changed++;
                        break;
                }
                case HAM_STEP_WAIT_CIB:
                        progress(pfn, pdata, "%s", s->text);
                        ok = wait_for("for the CIB", try_cib, &pcmk, timeout_s, pfn, pdata, error);
                        break;
                case HAM_STEP_SET_PROPERTIES:
                        if (!pcmk && !(pcmk = ham_pcmk_connect("hactl", error)))
                                return FALSE;
                        ok = set_properties(pcmk, &changed, pfn, pdata, error);
                        break;
                case HAM_STEP_WAIT_QUORUM:
                        progress(pfn, pdata, "%s", s->text);
                        ok = wait_for("for quorum", wait_quorum, NULL, timeout_s, pfn, pdata, error);
                        break;
                case HAM_STEP_WAIT_ONLINE:
                        progress(pfn, pdata, "%s", s->text);
                        ok = wait_for("for both nodes to be online in pacemaker", wait_online,
                                      (gpointer)want, timeout_s, pfn, pdata, error);
                        break;
                }
                if (!ok)
                        return FALSE;
                if (s->kind < HAM_STEP_WAIT_CIB)
                        progress(pfn, pdata, "done: %s", s->text);
        }
        if (ret_changed)
                *ret_changed = changed;
        return TRUE;
}

/* ---- checks of this machine ------------------------------------------------------------ */

gboolean ham_address_is_local(const char *address)
{
        struct ifaddrs *list = NULL;
        gboolean found = FALSE;

        if (getifaddrs(&list) < 0)
                return FALSE;
        for (struct ifaddrs *i = list; i && !found; i = i->ifa_next) {
                char buf[INET6_ADDRSTRLEN];
                const void *a;
                if (!i->ifa_addr)
                        continue;
                if (i->ifa_addr->sa_family == AF_INET)
                        a = &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr;
                else if (i->ifa_addr->sa_family == AF_INET6)
                        a = &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr;
                else
                        continue;
                if (inet_ntop(i->ifa_addr->sa_family, a, buf, sizeof(buf)) && g_str_equal(buf, address))
                        found = TRUE;
        }
        freeifaddrs(list);
        return found;
}

gboolean ham_vg_check(const char *vg, GError **error)
{
        const char *argv[] = { "vgs", "--noheadings", "-o", "vg_name", vg, NULL };
        g_autofree char *out = NULL, *err = NULL;
        g_autoptr(GError) local = NULL;
        int status;

        if (!pk_spawn_sync(argv, &out, &err, &status, &local)) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "cannot run vgs: %s", local->message);
                return FALSE;
        }
        if (!pk_spawn_check("vgs", status, NULL, NULL) || !g_str_equal(g_strstrip(out), vg)) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_NOT_FOUND,
                            "volume group %s does not exist on this node; create it first "
                            "(pvcreate DISK && vgcreate %s DISK) or name another with --vg", vg, vg);
                return FALSE;
        }
        return TRUE;
}
