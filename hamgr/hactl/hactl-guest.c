/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hactl guest …: create, list, show, start, stop, move, remove (hactl(8)).
 * The decisions are in guest.c, guest-create.c and guest-remove.c (pure,
 * golden-tested); this file gathers the facts, carries out the steps they
 * plan, talks to hamgrd, DRBD and Pacemaker, and waits.
 */
#include "hactl.h"
#include "ham.h"
#include "ham-api.h"
#include "ham-guest.h"
#include "ham-xml.h"
#include "ham-pcmk.h"
#include "ham-pcmk-notify.h"
#include "ham-status.h"
#include "dg.h"
#include "hv.h"
#include "pk.h"
#include "ham-api-client.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#define DEFAULT_WAIT_S 300
/* guest-prepare creates LVs and metadata on both nodes: minutes on slow disks. */
#define PREPARE_TIMEOUT_MS (10 * 60 * 1000)
/* hamgrd answers cluster-status from its cache. */
#define CAPACITY_TIMEOUT_MS (10 * 1000)
#define POLL_MS 1000

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
        interrupted = sig;
}

static void catch_interrupts(gboolean on)
{
        struct sigaction sa = { 0 };

        sa.sa_handler = on ? on_interrupt : SIG_DFL;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
}

static gboolean wait_s_of(PkCliCmd *a, guint *ret, int *rc)
{
        guint64 t = DEFAULT_WAIT_S;
        const char *v = pk_cli_opt(a, "timeout");

        if (v && !g_ascii_string_to_unsigned(v, 10, 1, 86400, &t, NULL)) {
                *rc = hactl_usage_error("--timeout needs a number of seconds between 1 and 86400 (got \"%s\")", v);
                return FALSE;
        }
        *ret = (guint)t;
        return TRUE;
}

/* plastik.conf, or why this node cannot run guest commands. */
static HamConf *load_conf(GError **error)
{
        g_autoptr(GError) e = NULL;
        HamConf *conf = ham_conf_load(HAM_CONF_PATH, &e);

        if (!conf && g_error_matches(e, HAM_ERROR, HAM_ERROR_NOT_FOUND))
                g_set_error(error, HAM_ERROR, HAM_ERROR_NOT_FOUND,
                            "this node is in no cluster (%s is missing); set one up with hactl cluster init",
                            HAM_CONF_PATH);
        else if (!conf)
                g_propagate_error(error, g_steal_pointer(&e));
        return conf;
}

/* ---- the cluster's view ----------------------------------------------------------------- */

typedef struct {
        HamPcmk *pcmk;
        char *cib;
        HamMonStatus *mon;
        GPtrArray *guests; /* HamGuestInfo* */
} View;

static void view_clear(View *v)
{
        g_clear_pointer(&v->cib, g_free);
        g_clear_pointer(&v->mon, ham_mon_status_free);
        g_clear_pointer(&v->guests, g_ptr_array_unref);
}

static void view_free(View *v)
{
        view_clear(v);
        g_clear_pointer(&v->pcmk, ham_pcmk_close);
}

static gboolean view_read(View *v, GError **error)
{
        view_clear(v);
        if (!v->pcmk && !(v->pcmk = ham_pcmk_connect("hactl", error)))
                return FALSE;
        if (!(v->cib = ham_pcmk_query_xml(v->pcmk, NULL, error)))
                return FALSE;
        v->mon = ham_crm_mon_run(NULL);
        v->guests = ham_guests_collect(v->cib, strlen(v->cib), v->mon, error);
        return v->guests != NULL;
}

static HamGuestInfo *view_guest(View *v, const char *name, GError **error)
{
        HamGuestInfo *g = ham_guest_info_find(v->guests, name);

        if (!g)
                g_set_error(error, HAM_ERROR, HAM_ERROR_NOT_FOUND,
                            "there is no guest %s (hactl guest list shows the guests)", name);
        return g;
}

typedef gboolean (*DoneFunc)(const HamGuestInfo *g, gpointer data);

/*
 * Polls the CIB and crm_mon until @done says so, at most @timeout_s; prints
 * what it waits for every 5 s. A guest that Pacemaker reports failed ends
 * the wait at once, with the failure.
 */
static gboolean wait_guest(View *v, const char *name, const char *what, guint timeout_s,
                           DoneFunc done, gpointer data, GError **error)
{
        gint64 start = pk_now_ms(), last = start;

        for (;;) {
                HamGuestInfo *g;
                gint64 now;

                if (!view_read(v, error))
                        return FALSE;
                g = ham_guest_info_find(v->guests, name);
                if (done(g, data))
                        return TRUE;
                if (g && g_strcmp0(g->state, "failed") == 0) {
                        g_autoptr(GString) why = g_string_new(NULL);
                        for (guint i = 0; v->mon && i < v->mon->failures->len; i++) {
                                const HamMonFailure *f = v->mon->failures->pdata[i];
                                if (f->op_key && strstr(f->op_key, name))
                                        g_string_append_printf(why, "; %s on %s: %s%s%s", f->op_key,
                                                               f->node ? f->node : "?",
                                                               f->exitstatus ? f->exitstatus : "error",
                                                               f->exitreason && *f->exitreason ? ", " : "",
                                                               f->exitreason ? f->exitreason : "");
                        }
                        g_set_error(error, HAM_ERROR, HAM_ERROR_PCMK,
                                    "Pacemaker reports guest %s failed while %s%s (crm_mon -1 shows the details)",
                                    name, what, why->str);
                        return FALSE;
                }
                now = pk_now_ms();
                if (interrupted) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_TIMEOUT,
                                    "interrupted while %s; Pacemaker goes on with it", what);
                        return FALSE;
                }
                if (now - start >= (gint64)timeout_s * 1000) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_TIMEOUT,
                                    "guest %s: still %s after %u s (state %s%s%s); Pacemaker goes on with it, "
                                    "see crm_mon -1", name, what, timeout_s, g && g->state ? g->state : "gone",
                                    g && g->node ? " on " : "", g && g->node ? g->node : "");
                        return FALSE;
                }
                if (now - last >= 5000) {
                        fprintf(stderr, "hactl: %s (%" G_GINT64_FORMAT " s)\n", what, (now - start) / 1000);
                        last = now;
                }
                g_usleep(POLL_MS * 1000);
        }
}

static gboolean is_running(const HamGuestInfo *g, gpointer data)
{
        const char *node = data;
        return g && g->node && g_strcmp0(g->state, "running") == 0 && (!node || g_str_equal(g->node, node));
}

static gboolean is_stopped(const HamGuestInfo *g, gpointer data)
{
        return !g || (!g->node && g_strcmp0(g->state, "stopped") == 0);
}

/* ---- create ------------------------------------------------------------------------------ */

/* The image's format from its magic (so qemu-img never guesses it) and its
 * virtual size, once ham_guest_image_judge() found it self-contained. */
static gint64 image_probe(const char *path, const char **ret_format, gboolean *ret_refused, char **ret_error)
{
        g_autofree char *out = NULL, *err = NULL;
        g_autoptr(GError) error = NULL;
        guint8 head[4] = { 0 };
        gssize got;
        gint64 size = -1;
        int status = 0, fd;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                *ret_error = g_strdup_printf("cannot be read: %s", g_strerror(errno));
                return -1;
        }
        got = read(fd, head, sizeof(head));
        close(fd);
        if (got < 0) {
                *ret_error = g_strdup_printf("cannot be read: %s", g_strerror(errno));
                return -1;
        }
        *ret_format = ham_guest_image_format(head, (gsize)got);
        const char *argv[] = { "qemu-img", "info", "-f", *ret_format, "--output=json", path, NULL };
        if (!pk_spawn_sync(argv, &out, &err, &status, &error) || !pk_spawn_check("qemu-img", status, err, &error)) {
                *ret_error = g_strdup(error->message);
                return -1;
        }
        if (!ham_guest_image_judge(path, *ret_format, out, &size, &error)) {
                *ret_refused = TRUE;
                *ret_error = g_strdup(error->message);
                return -1;
        }
        return size;
}

/* One writer per volume on this node (dg_lock_volume()): hamgrd's worker
 * and dgctl take the same lock. Waiting for it is said, so a busy volume
 * does not look like a hang. */
static DgLock *lock_volume(const char *resource, GError **error)
{
        DgLock *lock = dg_lock_volume(NULL, resource, 0, NULL);

        if (lock)
                return lock;
        fprintf(stderr, "hactl: %s is being changed by another program on this node; waiting up to %d s\n",
                resource, DG_LOCK_WAIT_MS / 1000);
        return dg_lock_volume(NULL, resource, DG_LOCK_WAIT_MS, error);
}

/* Gathering activates the volume's LV when a boot left it inactive
 * (dg_facts_gather()); that is said, like every other step done here. */
static gboolean gather_facts(const DgSite *site, const DgVolumeDef *def, DgFacts *facts, GError **error)
{
        if (!dg_facts_gather(site, def, facts, error))
                return FALSE;
        if (facts->lv_activated) {
                g_autofree char *res = dg_resource_name(def->guest, def->volume, NULL);
                fprintf(stderr, "hactl: activated LV %s/%s (it was inactive, e.g. after a boot without LVM "
                        "autoactivation)\n", dg_site_local(site)->vg, res);
        }
        return TRUE;
}

static void on_dg_step(guint index, guint total, const DgStep *step, gpointer data)
{
        fprintf(stderr, "hactl: %s\n", step->summary);
}

/* Both nodes brought the volume up; DRBD connects by itself a moment later
 * (seconds on a slow node). The initial sync needs that connection, so it is
 * waited for here rather than refused by the plan. */
#define CONNECT_TIMEOUT_S 120
static gboolean wait_connected(const DgSite *site, const DgVolumeDef *def, const char *resource,
                               GError **error)
{
        gint64 end = g_get_monotonic_time() + CONNECT_TIMEOUT_S * G_USEC_PER_SEC;
        gboolean said = FALSE;

        for (;;) {
                DgFacts facts = { 0 };

                if (!gather_facts(site, def, &facts, error))
                        return FALSE;
                if (facts.conn == DG_CONN_CONNECTED)
                        return TRUE;
                if (interrupted) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "interrupted while %s connected", resource);
                        return FALSE;
                }
                if (g_get_monotonic_time() > end) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED,
                                    "%s: the peer did not connect within %d s (connection %s); check the "
                                    "replication network and the peer's DRBD (dgctl status)",
                                    resource, CONNECT_TIMEOUT_S, dg_conn_name(facts.conn));
                        return FALSE;
                }
                if (!said)
                        fprintf(stderr, "hactl: waiting for %s to connect to the peer (%s)\n", resource,
                                dg_conn_name(facts.conn));
                said = TRUE;
                g_usleep(G_USEC_PER_SEC / 2);
        }
}

static gboolean run_dg(const DgSite *site, const DgVolumeDef *def, gboolean promote, GError **error)
{
        DgFacts facts = { 0 };
        g_autoptr(DgPlan) plan = NULL;
        g_autofree char *res = dg_resource_name(def->guest, def->volume, NULL);
        g_autoptr(DgLock) lock = lock_volume(res, error);

        if (!lock || !gather_facts(site, def, &facts, error))
                return FALSE;
        /* force: the volume is fresh (Inconsistent on both nodes); this node
         * becomes the source of the initial full sync (dgctl(8), promote). */
        plan = promote ? dg_plan_promote(site, def, &facts, TRUE, error) : dg_plan_demote(site, def, &facts, error);
        return plan && dg_plan_execute(site, def, plan, on_dg_step, NULL, error);
}

typedef struct {
        const char *resource;
        gboolean done;
        GError *error;
        double last;
} SyncWait;

static void on_sync(double done, guint64 oos_kib, gpointer data)
{
        SyncWait *w = data;

        if (done < 0 || (done - w->last < 1.0 && done < 100))
                return;
        w->last = done;
        fprintf(stderr, "\rhactl: initial sync of %s: %5.1f%% (%" G_GUINT64_FORMAT " MiB to go)   %s",
                w->resource, done, oos_kib / 1024, done >= 100 ? "\n" : "");
}

static gpointer sync_thread(gpointer data)
{
        SyncWait *w = data;

        dg_sync_wait(w->resource, -1, on_sync, w, &w->error);
        g_atomic_int_set(&w->done, TRUE);
        return NULL;
}

/* dg_sync_wait in a thread, so a Ctrl-C is seen at once: the caller then
 * aborts the transaction, which takes the resource down and ends the wait. */
static gboolean sync_wait(const char *resource, GThread **ret_thread, SyncWait *w, GError **error)
{
        w->resource = resource;
        w->last = -100;
        *ret_thread = g_thread_new("sync-wait", sync_thread, w);
        while (!g_atomic_int_get(&w->done) && !interrupted)
                g_usleep(100 * 1000);
        if (!g_atomic_int_get(&w->done))
                return FALSE; /* interrupted: joined after the abort */
        g_thread_join(*ret_thread);
        *ret_thread = NULL;
        if (w->error) {
                g_propagate_error(error, g_steal_pointer(&w->error));
                return FALSE;
        }
        return TRUE;
}

static gboolean guest_abort(const char *txn)
{
        g_autoptr(json_object) args = json_object_new_object();
        g_autoptr(GError) error = NULL;

        json_object_object_add(args, "txn", json_object_new_string(txn));
        if (!ham_api_call_full(NULL, "guest-abort", args, PREPARE_TIMEOUT_MS, NULL, &error)) {
                fprintf(stderr, "hactl: undoing the create failed too: %s\n", error->message);
                return FALSE;
        }
        fprintf(stderr, "hactl: undone: the volumes are removed on both nodes\n");
        return TRUE;
}

/* A create under way: what its steps share. */
typedef struct {
        const HamGuestCreatePlan *plan;
        const HamConf *conf;
        guint wait_s;
        View v;
        json_object *prepared;   /* guest-prepare's answer: txn, device and resource point into it */
        const char *txn, *device, *resource;
        DgSite *site;
        DgVolumeDef def;
        json_object *config;     /* the definition on the device */
        GThread *thread;         /* the sync wait, when it was interrupted */
        SyncWait sw;
        HamGuestCommitVerdict commit; /* after a failed guest-commit */
} Create;

static void create_clear(Create *c)
{
        view_free(&c->v);
        g_clear_pointer(&c->prepared, json_object_put);
        g_clear_pointer(&c->site, dg_site_free);
        dg_volume_def_clear(&c->def);
        g_clear_pointer(&c->config, json_object_put);
}

static gboolean create_prepare(Create *c, GError **error)
{
        const HamGuestCreatePlan *plan = c->plan;
        g_autoptr(json_object) args = json_object_new_object();
        json_object *vols = json_object_new_array(), *vol;

        json_object_object_add(args, "guest", json_object_new_string(plan->name));
        for (guint i = 0; i < plan->volumes->len; i++) {
                const HamVolume *hv = plan->volumes->pdata[i];
                vol = json_object_new_object();
                json_object_object_add(vol, "volume", json_object_new_string(hv->volume));
                json_object_object_add(vol, "size", json_object_new_int64((gint64)hv->size));
                json_object_array_add(vols, vol);
        }
        json_object_object_add(args, "volumes", vols);
        fprintf(stderr, "hactl: creating the volumes of %s on both nodes\n", plan->name);
        if (!ham_api_call_full(NULL, "guest-prepare", args, PREPARE_TIMEOUT_MS, &c->prepared, error))
                return FALSE;
        c->txn = pk_json_get_string(c->prepared, "txn");
        vols = NULL;
        json_object_object_get_ex(c->prepared, "volumes", &vols);
        vol = vols && json_object_is_type(vols, json_type_array) ? json_object_array_get_idx(vols, 0) : NULL;
        c->device = vol ? pk_json_get_string(vol, "device") : NULL;
        c->resource = vol ? pk_json_get_string(vol, "resource") : NULL;
        if (!c->txn || !c->device || !c->resource || pk_json_get_int(vol, "minor", -1) < 0 ||
            pk_json_get_int(vol, "port", -1) < 0) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_PARSE, "hamgrd's answer to guest-prepare lacks %s",
                            !c->txn ? "the transaction id" : "the volume's device, resource, minor or port");
                /* A failed prepare leaves nothing (the step's undo is
                 * empty); this one succeeded, but hactl cannot go on. */
                if (c->txn)
                        guest_abort(c->txn);
                return FALSE;
        }
        c->def.guest = g_strdup(plan->name);
        c->def.volume = g_strdup(pk_json_get_string(vol, "volume") ? pk_json_get_string(vol, "volume") :
                                 HAM_GUEST_ROOT_VOLUME);
        c->def.size = (guint64)pk_json_get_int(vol, "size", -1);
        c->def.minor = (guint)pk_json_get_int(vol, "minor", -1);
        c->def.port = (guint)pk_json_get_int(vol, "port", -1);
        c->site = ham_conf_to_dg_site(c->conf, NULL);
        return TRUE;
}

/* The definition is checked against the real device before anything is
 * written to it; a failure here undoes the prepare like the promotion's. */
static gboolean create_promote(Create *c, GError **error)
{
        if (interrupted || !(c->config = ham_guest_create_config(c->plan, c->device, error)))
                return FALSE;
        fprintf(stderr, "hactl: %s is %s; this node becomes the source of the initial sync\n", c->resource,
                c->device);
        return wait_connected(c->site, &c->def, c->resource, error) && run_dg(c->site, &c->def, TRUE, error) &&
               !interrupted;
}

/* An interrupt during qemu-img is the failure, rather than qemu-img's
 * complaint about it. */
static gboolean create_write_image(Create *c, GError **error)
{
        const HamGuestCreatePlan *plan = c->plan;
        const char *argv[] = { "qemu-img", "convert", "-p", "-n", "-t", "none", "-f", plan->image_format,
                               "-O", "raw", plan->image, c->device, NULL };
        g_autofree char *err = NULL;
        int status = 0;

        fprintf(stderr, "hactl: writing %s onto %s\n", plan->image, c->device);
        return pk_spawn_sync(argv, NULL, &err, &status, error) && !interrupted &&
               pk_spawn_check("qemu-img", status, err, error);
}

/* hamgrd aborts the transaction itself when the CIB write fails; the
 * other failures are judged by what the CIB shows (ham_guest_commit_verdict()). */
static gboolean create_commit(Create *c, GError **error)
{
        const HamGuestCreatePlan *plan = c->plan;
        g_autoptr(json_object) args = json_object_new_object();
        g_autoptr(GError) e2 = NULL;
        json_object *g = json_object_new_object();
        HamGuestInfo *info;

        json_object_object_add(g, "name", json_object_new_string(plan->name));
        json_object_object_add(g, "config", json_object_get(c->config));
        json_object_object_add(g, "prefer", plan->prefer ? json_object_new_string(plan->prefer) : NULL);
        json_object_object_add(g, "priority", json_object_new_int64(plan->priority));
        if (plan->probe)
                json_object_object_add(g, "probe", json_object_new_string(plan->probe));
        json_object_object_add(args, "txn", json_object_new_string(c->txn));
        json_object_object_add(args, "guest", g);
        if (ham_api_call_full(NULL, "guest-commit", args, PREPARE_TIMEOUT_MS, NULL, error))
                return TRUE;
        info = view_read(&c->v, &e2) ? ham_guest_info_find(c->v.guests, plan->name) : NULL;
        c->commit = ham_guest_commit_verdict(*error, info && info->config);
        if (c->commit != HAM_COMMIT_IN_CIB)
                return FALSE;
        fprintf(stderr, "hactl: guest-commit: %s; but the guest is in the CIB, so it was committed\n",
                (*error)->message);
        g_clear_error(error);
        return TRUE;
}

static gboolean create_wait_running(Create *c, GError **error)
{
        const char *name = c->plan->name;

        fprintf(stderr, "hactl: guest %s is in the cluster; waiting for Pacemaker to start it\n", name);
        if (!wait_guest(&c->v, name, "waiting for the guest to start", c->wait_s, is_running, NULL, error))
                return FALSE;
        printf("guest %s runs on %s\n", name, ham_guest_info_find(c->v.guests, name)->node);
        return TRUE;
}

static gboolean create_step(Create *c, const HamGuestCreateStep *step, GError **error)
{
        switch (step->kind) {
        case HAM_CREATE_PREPARE:
                return create_prepare(c, error);
        case HAM_CREATE_PROMOTE:
                return create_promote(c, error);
        case HAM_CREATE_WRITE_IMAGE:
                return create_write_image(c, error);
        case HAM_CREATE_LEAVE_EMPTY:
                return TRUE;
        case HAM_CREATE_WAIT_SYNC:
                return sync_wait(c->resource, &c->thread, &c->sw, error);
        case HAM_CREATE_SYNC_BACKGROUND:
                fprintf(stderr, "hactl: the initial sync goes on in the background (dgctl status %s shows it)\n",
                        c->plan->name);
                return TRUE;
        case HAM_CREATE_DEMOTE:
                return run_dg(c->site, &c->def, FALSE, error) && !interrupted;
        case HAM_CREATE_COMMIT:
                return create_commit(c, error);
        case HAM_CREATE_WAIT_RUNNING:
                return create_wait_running(c, error);
        }
        return FALSE;
}

/*
 * @step failed or was interrupted: runs what the plan says undoes it and
 * reports. A step between the prepare and the commit says it undoes the
 * create, and an interrupt there exits EXIT_FAIL; a failed commit says the
 * guest is not in the CIB, unless hamgrd undid it itself.
 */
static int create_failed(Create *c, const HamGuestCreateStep *step, GError *error)
{
        g_autoptr(GError) interrupt = NULL;
        HamGuestCreateUndo undo[HAM_CREATE_MAX_UNDO];
        guint n_undo = ham_guest_create_undo_of(step, c->commit, undo);
        gboolean volume = n_undo > 0 && undo[0] == HAM_CREATE_UNDO_DEMOTE;
        int rc;

        if (volume) {
                if (!error)
                        error = interrupt = g_error_new_literal(HAM_ERROR, HAM_ERROR_FAILED, "interrupted");
                fprintf(stderr, "hactl: creating guest %s failed: %s; undoing it\n", c->plan->name,
                        error->message);
        } else if (step->kind == HAM_CREATE_COMMIT && n_undo > 0) {
                fprintf(stderr, "hactl: guest-commit: %s; the guest is not in the CIB\n", error->message);
        }
        for (guint i = 0; i < n_undo; i++) {
                g_autoptr(GError) e2 = NULL;
                switch (undo[i]) {
                case HAM_CREATE_UNDO_DEMOTE:
                        run_dg(c->site, &c->def, FALSE, &e2); /* best effort */
                        break;
                case HAM_CREATE_UNDO_ABORT:
                        guest_abort(c->txn);
                        break;
                }
        }
        if (c->thread) {
                g_thread_join(c->thread);
                g_clear_error(&c->sw.error);
        }
        catch_interrupts(FALSE);
        rc = hactl_report(error);
        return volume && interrupted ? EXIT_FAIL : rc;
}

/*
 * The plan (guest.c, guest-create.c) decides the steps and what undoes
 * each; this gathers the facts it needs and carries the steps out. From
 * guest-prepare on, a Ctrl-C is caught so that the create is undone.
 */
/*
 * The pair's memory and what its guests cost (ham.h, "Capacity"), from the
 * local hamgrd's cache: the CIB's guests and each node's MemTotal. When it
 * cannot tell (no answer, a peer hamgrd from before the fact) a node's
 * memory stays unknown and is not checked; guest-prepare then reports a
 * hamgrd that is not running.
 */
static void capacity_env(HamGuestCreateEnv *env)
{
        g_autoptr(json_object) res = NULL;
        g_autoptr(HamClusterStatus) st = NULL;
        const HamFacts *f;

        if (!ham_api_call_full(NULL, "cluster-status", NULL, CAPACITY_TIMEOUT_MS, &res, NULL) ||
            !(st = ham_cluster_status_from_json(res, NULL)))
                return;
        env->guests_mib = ham_capacity_mib(st->cib, NULL, NULL, NULL);
        if ((f = ham_facts_find(st->facts, env->local)))
                env->mem_local_mib = f->mem_total_mib;
        if ((f = ham_facts_find(st->facts, env->peer)))
                env->mem_peer_mib = f->mem_total_mib;
}

static int cmd_create(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamConf) conf = NULL;
        g_autoptr(HamGuestCreatePlan) plan = NULL;
        g_autoptr(GPtrArray) names = g_ptr_array_new();
        g_autofree char *fencing = NULL, *image_error = NULL, *config_text = NULL;
        HamGuestCreateOpts o = {
                .name = pk_cli_arg(a, 0),
                .memory = pk_cli_opt(a, "memory"),
                .vcpus = pk_cli_opt(a, "vcpus"),
                .disk = pk_cli_opt(a, "disk"),
                .image = pk_cli_opt(a, "image"),
                .kernel = pk_cli_opt(a, "kernel"),
                .initrd = pk_cli_opt(a, "initrd"),
                .cmdline = pk_cli_opt(a, "cmdline"),
                .config_path = pk_cli_opt(a, "config"),
                .prefer = pk_cli_opt(a, "prefer"),
                .priority = pk_cli_opt(a, "priority"),
                .probe = pk_cli_opt(a, "probe"),
                .without_fencing = pk_cli_opt(a, "without-fencing") != NULL,
                .no_wait_sync = pk_cli_opt(a, "no-wait-sync") != NULL,
                .overcommit = pk_cli_opt(a, "overcommit") != NULL,
        };
        HamGuestCreateEnv env = { .image_size = -1 };
        Create c = { 0 };
        int rc = EXIT_OK;

        if (o.config_path) {
                g_autoptr(GError) e = NULL;
                if (!g_file_get_contents(o.config_path, &config_text, NULL, &e)) {
                        fprintf(stderr, "hactl: --config %s: %s; give the path of a guest definition (JSON, hvctl(1))\n",
                                  o.config_path, e->message);
                        return EXIT_NOT_FOUND;
                }
                o.config = config_text;
        }
        if (!wait_s_of(a, &c.wait_s, &rc))
                return rc;
        if (!(conf = load_conf(&error)))
                return hactl_report(error);
        if (!view_read(&c.v, &error) || !ham_cib_fencing_problem(c.v.cib, strlen(c.v.cib), &fencing, &error)) {
                view_free(&c.v);
                return hactl_report(error);
        }
        for (guint i = 0; i < c.v.guests->len; i++)
                g_ptr_array_add(names, ((HamGuestInfo *)c.v.guests->pdata[i])->name);
        g_ptr_array_add(names, NULL);
        env.local = conf->local.name;
        env.peer = conf->peer.name;
        env.guests = (const char *const *)names->pdata;
        env.fencing_problem = fencing;
        capacity_env(&env);
        if (o.image)
                env.image_size = image_probe(o.image, &env.image_format, &env.image_refused, &image_error);
        env.image_error = image_error;
        plan = ham_guest_create_plan(&o, &env, &error);
        view_free(&c.v);
        if (!plan)
                return hactl_report(error);
        if (pk_cli_opt(a, "dry-run")) {
                g_autofree char *text = ham_guest_create_plan_to_string(plan);
                fputs(text, stdout);
                return EXIT_OK;
        }
        if (plan->without_fencing)
                fprintf(stderr, "hactl: WARNING: fencing is not set up (%s); creating %s anyway (--without-fencing)\n",
                        fencing, plan->name);

        c.plan = plan;
        c.conf = conf;
        catch_interrupts(TRUE);
        for (guint i = 0; i < plan->steps->len; i++) {
                const HamGuestCreateStep *step = plan->steps->pdata[i];
                if (!create_step(&c, step, &error)) {
                        rc = create_failed(&c, step, error);
                        create_clear(&c);
                        return rc;
                }
        }
        catch_interrupts(FALSE);
        create_clear(&c);
        return EXIT_OK;
}

/* ---- list, show ---------------------------------------------------------------------------- */

static int cmd_list(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL;
        View v = { 0 };

        if (!view_read(&v, &error)) {
                view_free(&v);
                return hactl_report(error);
        }
        if (pk_cli_opt(a, "json")) {
                g_autoptr(json_object) arr = json_object_new_array();
                for (guint i = 0; i < v.guests->len; i++)
                        json_object_array_add(arr, ham_guest_info_to_json(v.guests->pdata[i]));
                hactl_print_json(arr);
        } else {
                printf("%-20s %-16s %-10s %s\n", "GUEST", "NODE", "STATE", "HEALTH");
                for (guint i = 0; i < v.guests->len; i++) {
                        const HamGuestInfo *g = v.guests->pdata[i];
                        printf("%-20s %-16s %-10s %s\n", g->name, g->node ? g->node : "-", g->state,
                               g->health ? g->health : "-");
                }
        }
        view_free(&v);
        return EXIT_OK;
}

/* Why a guest that runs nowhere cannot start, as hactl status says it
 * (ham_status_guest_blocked()); NULL when it is not blocked. Nodes are
 * online as crm_mon sees them; since when one is offline is hamgrd's to
 * know (hactl status). (transfer full) */
static json_object *guest_blocked(const View *v, const char *name)
{
        g_autoptr(xmlDoc) doc = ham_xml_parse(v->cib, strlen(v->cib), "the CIB", NULL);
        g_autoptr(HamCibView) view = doc ? ham_pcmk_cib_view_read(xmlDocGetRootElement(doc)) : NULL;
        g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func(g_free);

        for (guint i = 0; v->mon && i < v->mon->nodes->len; i++) {
                const HamMonNode *n = v->mon->nodes->pdata[i];
                HamStatusNode *o = g_new0(HamStatusNode, 1);
                o->name = n->name; /* borrowed from the view */
                o->online = n->online;
                g_ptr_array_add(nodes, o);
        }
        for (guint i = 0; view && i < view->guests->len; i++) {
                const HamCibGuest *g = view->guests->pdata[i];
                if (g_strcmp0(g->name, name) == 0)
                        return ham_status_guest_blocked(g, nodes);
        }
        return NULL;
}

static int cmd_show(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL;
        View v = { 0 };
        const HamGuestInfo *g;

        if (!view_read(&v, &error) || !(g = view_guest(&v, pk_cli_arg(a, 0), &error))) {
                view_free(&v);
                return hactl_report(error);
        }
        g_autoptr(json_object) blocked = guest_blocked(&v, g->name);
        if (pk_cli_opt(a, "json")) {
                g_autoptr(json_object) o = ham_guest_info_to_json(g);
                json_object_object_add(o, "blocked", json_object_get(blocked));
                hactl_print_json(o);
        } else {
                g_autofree char *config = g->config ? pk_json_to_string(g->config, TRUE) : NULL;
                printf("guest:       %s\n", g->name);
                printf("state:       %s%s%s\n", g->state, g->node ? " on " : "", g->node ? g->node : "");
                printf("health:      %s\n", g->health ? g->health : "-");
                printf("target-role: %s\n", g->target_role ? g->target_role : "Started (default)");
                printf("prefers:     %s\n", g->prefer ? g->prefer : "-");
                printf("priority:    %u\n", g->priority);
                for (guint i = 0; i < g->volumes->len; i++) {
                        const HamVolume *vol = g->volumes->pdata[i];
                        g_autofree char *size = dg_size_format(vol->size);
                        printf("volume:      %s, %s, DRBD pk-%s-%s, /dev/drbd%u, port %u\n", vol->volume, size,
                               vol->guest, vol->volume, vol->minor, vol->port);
                }
                for (guint i = 0; i < g->volume_roles->len; i++)
                        printf("replica:     %s\n", (const char *)g->volume_roles->pdata[i]);
                for (guint i = 0; i < g->constraints->len; i++)
                        printf("constraint:  %s\n", (const char *)g->constraints->pdata[i]);
                if (blocked) {
                        json_object *b = blocked;
#define S(k) json_object_get_string(json_object_object_get(b, k))
                        printf("blocked:     cannot start: volume %s (%s) is current only on %s, which is offline; "
                               "the copy on %s is outdated (constraint %s): bring %s back, or accept the loss of "
                               "its last writes with hactl guest accept-loss %s on %s\n", S("volume"), S("resource"),
                               S("current_on"), S("outdated_on") ? S("outdated_on") : "the other node",
                               S("constraint"), S("current_on"), g->name,
                               S("outdated_on") ? S("outdated_on") : "the other node");
#undef S
                }
                printf("definition:\n%s\n", config ? config : "(missing or not JSON)");
        }
        view_free(&v);
        return EXIT_OK;
}

/* ---- start, stop, move ---------------------------------------------------------------------- */

static int cmd_start_stop(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL;
        gboolean start = g_str_equal(a->verb->name, "start");
        const char *name = pk_cli_arg(a, 0);
        g_autofree char *fencing = NULL;
        View v = { 0 };
        guint wait_s;
        int rc = EXIT_OK;

        if (!wait_s_of(a, &wait_s, &rc))
                return rc;
        if (!view_read(&v, &error) || !view_guest(&v, name, &error))
                goto fail;
        if (start && !pk_cli_opt(a, "without-fencing")) {
                if (!ham_cib_fencing_problem(v.cib, strlen(v.cib), &fencing, &error))
                        goto fail;
                if (fencing) {
                        g_set_error(&error, HAM_ERROR, HAM_ERROR_UNSAFE,
                                    "refusing to start guest %s while fencing is not set up (%s): without fencing "
                                    "a split cluster may run it on both nodes and corrupt its disk; configure a "
                                    "fence device (hactl(8), FENCING), or accept the risk with --without-fencing",
                                    name, fencing);
                        goto fail;
                }
        }
        if (!ham_pcmk_guest_target_role(v.pcmk, name, start ? "Started" : "Stopped", &error))
                goto fail;
        if (pk_cli_opt(a, "no-wait")) {
                printf("guest %s: %s requested\n", name, start ? "start" : "stop");
                view_free(&v);
                return EXIT_OK;
        }
        catch_interrupts(TRUE);
        if (!wait_guest(&v, name, start ? "waiting for the guest to start" : "waiting for the guest to stop",
                        wait_s, start ? is_running : is_stopped, NULL, &error)) {
                catch_interrupts(FALSE);
                goto fail;
        }
        catch_interrupts(FALSE);
        if (start)
                printf("guest %s runs on %s\n", name, ham_guest_info_find(v.guests, name)->node);
        else
                printf("guest %s is stopped\n", name);
        view_free(&v);
        return EXIT_OK;
fail:
        view_free(&v);
        return hactl_report(error);
}

static int cmd_move(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL, e2 = NULL;
        g_autoptr(HamConf) conf = NULL;
        const char *name = pk_cli_arg(a, 0), *to = pk_cli_arg(a, 1);
        g_autofree char *id = ham_cib_move_id(name), *gid = ham_cib_guest_id(name), *from = NULL;
        View v = { 0 };
        HamGuestInfo *g;
        gboolean ok;
        guint wait_s;
        int rc = EXIT_OK;

        if (!wait_s_of(a, &wait_s, &rc))
                return rc;
        if (!(conf = load_conf(&error)))
                return hactl_report(error);
        if (!view_read(&v, &error) || !(g = view_guest(&v, name, &error)))
                goto fail;
        if (!g->node) {
                g_set_error(&error, HAM_ERROR, HAM_ERROR_INVALID,
                            "guest %s does not run (state %s); start it with hactl guest start %s, "
                            "or give the node to move it to", name, g->state, name);
                if (!to)
                        goto fail;
                g_clear_error(&error);
        }
        from = g_strdup(g->node);
        if (!to)
                to = g_strcmp0(from, conf->local.name) == 0 ? conf->peer.name : conf->local.name;
        if (g_strcmp0(to, conf->local.name) != 0 && g_strcmp0(to, conf->peer.name) != 0) {
                g_set_error(&error, HAM_ERROR, HAM_ERROR_NOT_FOUND, "the cluster has no node %s (its nodes are %s and %s)",
                            to, conf->local.name, conf->peer.name);
                goto fail;
        }
        if (g_strcmp0(from, to) == 0) {
                printf("guest %s runs on %s already\n", name, to);
                view_free(&v);
                return EXIT_OK;
        }
        /* Like crm_resource --move: an INFINITY preference while it moves,
         * cleared afterwards; stickiness then keeps it where it is. */
        if (!ham_pcmk_location_set(v.pcmk, id, gid, to, "INFINITY", &error))
                goto fail;
        fprintf(stderr, "hactl: moving guest %s from %s to %s\n", name, from ? from : "(stopped)", to);
        catch_interrupts(TRUE);
        ok = wait_guest(&v, name, "waiting for the guest to run on the other node", wait_s, is_running,
                        (gpointer)to, &error);
        catch_interrupts(FALSE);
        if (!ham_pcmk_constraint_remove(v.pcmk, id, &e2))
                fprintf(stderr, "hactl: cannot remove constraint %s: %s; remove it with "
                        "cibadmin --delete --xml-text '<rsc_location id=\"%s\"/>'\n", id, e2->message, id);
        if (!ok)
                goto fail;
        printf("guest %s runs on %s\n", name, to);
        view_free(&v);
        return EXIT_OK;
fail:
        view_free(&v);
        return hactl_report(error);
}

/* ---- accept-loss ----------------------------------------------------------------------------- */

/* One volume's part of accepting the loss. */
typedef struct {
        DgVolumeDef def;
        DgPlan *plan;
        char *constraint;
        char *snapshot;
        DgLock *lock;   /**< held from gathering the facts until the plan ran */
} LossVolume;

/* The plans ran: what follows only waits, and must not keep hamgrd from
 * the volumes. */
static void release_locks(GPtrArray *vols)
{
        for (guint i = 0; i < vols->len; i++)
                g_clear_pointer(&((LossVolume *)vols->pdata[i])->lock, dg_lock_release);
}

static void loss_volume_free(gpointer p)
{
        LossVolume *lv = p;
        dg_volume_def_clear(&lv->def);
        g_clear_pointer(&lv->plan, dg_plan_free);
        g_free(lv->constraint);
        g_free(lv->snapshot);
        g_clear_pointer(&lv->lock, dg_lock_release);
        g_free(lv);
}

/*
 * The second way out of a blocked failover (the first: bring the node with
 * the current copy back). Run on the node with the outdated copy, it gives
 * up the writes only the other copy has: per volume whose copy here is not
 * UpToDate, the fence handler's constraint goes (it allows promotion only on
 * the other node), the copy is kept in an LVM snapshot and declared current
 * (dg_plan_force_current()), and Pacemaker promotes it and starts the guest.
 * Refused unless hactl status's test of a blocked guest holds and the other
 * node is cleanly down as Pacemaker sees it (fenced or shut down, not
 * unclean): forcing a copy current while the other node may still run the
 * guest would make two writers.
 */
static int cmd_accept_loss(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamConf) conf = NULL;
        g_autoptr(DgSite) site = NULL;
        g_autoptr(json_object) blocked = NULL;
        g_autoptr(GPtrArray) vols = g_ptr_array_new_with_free_func(loss_volume_free);
        g_autoptr(GString) done = g_string_new(NULL);
        const char *name = pk_cli_arg(a, 0), *current, *outdated;
        const HamMonNode *peer = NULL;
        gint64 now = g_get_real_time() / 1000;
        guint wait_s, n = 0;
        View v = { 0 };
        HamGuestInfo *g;
        int rc = EXIT_OK;

        if (!wait_s_of(a, &wait_s, &rc))
                return rc;
        if (!hv_guest_name_valid(name))
                return hactl_usage_error("guest accept-loss: \"%s\" is not a guest name", name);
        if (!(conf = load_conf(&error)))
                return hactl_report(error);
        site = ham_conf_to_dg_site(conf, NULL);
        if (!view_read(&v, &error) || !(g = view_guest(&v, name, &error)))
                goto fail;
        if (!(blocked = guest_blocked(&v, name))) {
                g_set_error(&error, HAM_ERROR, HAM_ERROR_UNSAFE,
                            "guest %s is not blocked (state %s%s%s): accept-loss gives writes up only when the one "
                            "current copy of a volume is on a node that is down (hactl status says so)", name,
                            g->state, g->node ? " on " : "", g->node ? g->node : "");
                goto fail;
        }
        current = json_object_get_string(json_object_object_get(blocked, "current_on"));
        outdated = json_object_get_string(json_object_object_get(blocked, "outdated_on"));
        if (outdated && g_strcmp0(outdated, conf->local.name) != 0) {
                g_set_error(&error, HAM_ERROR, HAM_ERROR_UNSAFE,
                            "run it on %s, which holds the copy the guest would run on (this is %s)", outdated,
                            conf->local.name);
                goto fail;
        }
        for (guint i = 0; v.mon && i < v.mon->nodes->len; i++) {
                const HamMonNode *mn = v.mon->nodes->pdata[i];
                if (g_strcmp0(mn->name, current) == 0)
                        peer = mn;
        }
        if (!peer || peer->online || peer->unclean || peer->pending) {
                g_set_error(&error, HAM_ERROR, HAM_ERROR_UNSAFE,
                            "%s, which holds the current copy, is not cleanly down as Pacemaker sees it (%s): "
                            "until it is fenced, it may still run guest %s, and a second current copy would make "
                            "two writers; bring it back, or fence it (hactl fence %s --yes --off)", current ? current : "?",
                            !peer ? "not in crm_mon's view" : peer->online ? "online" : "unclean or pending", name,
                            current ? current : "NODE");
                goto fail;
        }

        for (guint i = 0; i < g->volumes->len; i++) {
                const HamVolume *hv = g->volumes->pdata[i];
                LossVolume *lv = g_new0(LossVolume, 1);
                g_autofree char *res = NULL, *clone = NULL;
                DgFacts facts;

                g_ptr_array_add(vols, lv);
                lv->def.guest = g_strdup(hv->guest);
                lv->def.volume = g_strdup(hv->volume);
                lv->def.size = hv->size;
                lv->def.minor = hv->minor;
                lv->def.port = hv->port;
                res = dg_resource_name(hv->guest, hv->volume, NULL);
                clone = g_strdup_printf("drbd-%s-clone", res);
                lv->constraint = ham_fence_constraint_id(res, clone);
                lv->snapshot = dg_snapshot_name("acceptloss", res, now);
                if (!(lv->lock = lock_volume(res, &error)) ||
                    !dg_facts_gather(site, &lv->def, &facts, &error) ||
                    !(lv->plan = dg_plan_force_current(site, &lv->def, &facts, lv->snapshot, &error)))
                        goto fail;
        }
        printf("plan: run guest %s on %s with its copies there, giving up what only %s's copy holds "
               "(the writes after the replication link broke):\n", name, conf->local.name, current);
        for (guint i = 0; i < vols->len; i++) {
                const LossVolume *lv = vols->pdata[i];
                printf("  %u. remove constraint %s (Promoted only on %s), if it is there\n", ++n, lv->constraint,
                       current);
                for (guint k = 0; k < dg_plan_length(lv->plan); k++) {
                        const DgStep *step = dg_plan_step(lv->plan, k);
                        g_autofree char *cmd = step->argv ? g_strjoinv(" ", step->argv) : NULL;
                        printf("  %u. %s\n", ++n, step->summary);
                        if (cmd)
                                printf("       $ %s\n", cmd);
                }
        }
        printf("  %u. Pacemaker promotes the copies here and starts the guest\n", ++n);
        if (pk_cli_opt(a, "dry-run")) {
                view_free(&v);
                return EXIT_OK;
        }
        if (!pk_cli_opt(a, "yes")) {
                char line[64] = "";
                if (!isatty(STDIN_FILENO)) {
                        view_free(&v);
                        return hactl_usage_error("guest accept-loss: not on a terminal; give --yes to give up what "
                                                 "only %s's copy of guest %s holds", current, name);
                }
                printf("give up what only %s's copy holds? type the guest's name to go on: ", current);
                fflush(stdout);
                if (!fgets(line, sizeof line, stdin) || !g_str_equal(g_strstrip(line), name)) {
                        printf("nothing changed\n");
                        view_free(&v);
                        return EXIT_OK;
                }
        }
        for (guint i = 0; i < vols->len; i++) {
                const LossVolume *lv = vols->pdata[i];
                if (!ham_pcmk_constraint_delete(v.pcmk, lv->constraint, &error) ||
                    !dg_plan_execute(site, &lv->def, lv->plan, on_dg_step, NULL, &error))
                        goto fail;
                if (dg_plan_length(lv->plan) > 0)
                        g_string_append_printf(done, "%s%s", done->len ? ", " : "", lv->snapshot);
        }
        release_locks(vols);
        {
                g_autofree char *msg = g_strdup_printf(
                        "guest %s: the loss is accepted on %s: what only %s's copy held is given up; the copies "
                        "as they were are kept in snapshot%s %s of volume group %s; when %s comes back its copy "
                        "is in split brain with this one (hactl(8), SPLIT BRAIN)", name, conf->local.name, current,
                        strchr(done->str, ',') ? "s" : "", done->len ? done->str : "(none: already current)",
                        dg_site_local(site)->vg, current);
                printf("%s\n", msg);
                openlog("hactl", LOG_PID, LOG_DAEMON);
                syslog(LOG_WARNING, "%s", msg);
                closelog();
        }
        if (pk_cli_opt(a, "no-wait")) {
                view_free(&v);
                return EXIT_OK;
        }
        catch_interrupts(TRUE);
        if (!wait_guest(&v, name, "waiting for Pacemaker to start the guest here", wait_s, is_running,
                        (gpointer)conf->local.name, &error)) {
                catch_interrupts(FALSE);
                goto fail;
        }
        catch_interrupts(FALSE);
        printf("guest %s runs on %s\n", name, conf->local.name);
        view_free(&v);
        return EXIT_OK;
fail:
        view_free(&v);
        return hactl_report(error);
}

/* ---- split-brain ------------------------------------------------------------------------------ */

/*
 * A split brain of a guest's volumes, resolved on this node's side once the
 * operator chose the copy to keep (hactl(8), SPLIT BRAIN): dgctl's volume
 * split-brain for each of the guest's volumes, from plastik.conf's site.
 * Discarding is refused while the guest runs here (the copy it writes to
 * cannot be given up) and needs plastik-split-brain's record on at least
 * one volume: a StandAlone volume without one may have been disconnected
 * on purpose. Volumes without a record here are left alone when
 * discarding; keeping connects every StandAlone volume of the guest.
 */
static int cmd_split_brain(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamConf) conf = NULL;
        g_autoptr(DgSite) site = NULL;
        g_autoptr(GPtrArray) vols = g_ptr_array_new_with_free_func(loss_volume_free);
        g_autoptr(GString) done = g_string_new(NULL);
        const char *name = pk_cli_arg(a, 0);
        gboolean discard = pk_cli_opt(a, "discard-here") != NULL, recorded = FALSE;
        gint64 now = g_get_real_time() / 1000;
        guint n = 0;
        View v = { 0 };
        HamGuestInfo *g;

        if (!hv_guest_name_valid(name))
                return hactl_usage_error("guest split-brain: \"%s\" is not a guest name", name);
        if (discard == (pk_cli_opt(a, "keep-here") != NULL))
                return hactl_usage_error("guest split-brain: say which copy this node's is: --discard-here (its "
                                         "writes since the split are given up) or --keep-here");
        if (!(conf = load_conf(&error)))
                return hactl_report(error);
        site = ham_conf_to_dg_site(conf, NULL);
        if (!view_read(&v, &error) || !(g = view_guest(&v, name, &error)))
                goto fail;
        if (discard && g_strcmp0(g->node, conf->local.name) == 0) {
                g_set_error(&error, HAM_ERROR, HAM_ERROR_UNSAFE,
                            "guest %s runs here, on the copies --discard-here would give up; move it to %s first "
                            "(hactl guest move %s %s), or keep this node's copies (--keep-here) and discard %s's",
                            name, conf->peer.name, name, conf->peer.name, conf->peer.name);
                goto fail;
        }
        for (guint i = 0; i < g->volumes->len; i++) {
                const HamVolume *hv = g->volumes->pdata[i];
                LossVolume *lv = g_new0(LossVolume, 1);
                g_autofree char *res = dg_resource_name(hv->guest, hv->volume, NULL);
                g_autoptr(DgSplitBrain) sb = NULL;
                DgFacts facts;

                g_ptr_array_add(vols, lv);
                lv->def.guest = g_strdup(hv->guest);
                lv->def.volume = g_strdup(hv->volume);
                lv->def.size = hv->size;
                lv->def.minor = hv->minor;
                lv->def.port = hv->port;
                lv->snapshot = dg_snapshot_name("splitbrain", res, now);
                if (!(sb = dg_split_brain_read(NULL, res, &error)) && error)
                        goto fail;
                recorded |= sb != NULL;
                if (!(lv->lock = lock_volume(res, &error)) || !dg_facts_gather(site, &lv->def, &facts, &error))
                        goto fail;
                if ((discard && !sb) || facts.conn == DG_CONN_CONNECTED)
                        continue; /* no split brain of this volume to resolve here */
                if (!(lv->plan = dg_plan_split_brain(site, &lv->def, &facts, discard, lv->snapshot, &error)))
                        goto fail;
        }
        if (discard && !recorded) {
                g_set_error(&error, HAM_ERROR, HAM_ERROR_UNSAFE,
                            "no split brain of guest %s's volumes is recorded on this node (plastik-split-brain(8) "
                            "records one when DRBD detects it); refusing to discard this node's writes on a guess",
                            name);
                goto fail;
        }
        for (guint i = 0; i < vols->len; i++) {
                const LossVolume *lv = vols->pdata[i];
                for (guint k = 0; lv->plan && k < dg_plan_length(lv->plan); k++) {
                        const DgStep *step = dg_plan_step(lv->plan, k);
                        g_autofree char *cmd = step->argv ? g_strjoinv(" ", step->argv) : NULL;
                        if (n++ == 0)
                                printf("plan:\n");
                        printf("%u. %s\n", n, step->summary);
                        if (cmd)
                                printf("   $ %s\n", cmd);
                }
        }
        if (n == 0) {
                printf("guest %s: nothing to do on this node (its volumes are connected, or wait for %s)\n", name,
                       conf->peer.name);
                view_free(&v);
                return EXIT_OK;
        }
        if (pk_cli_opt(a, "dry-run")) {
                view_free(&v);
                return EXIT_OK;
        }
        for (guint i = 0; i < vols->len; i++) {
                const LossVolume *lv = vols->pdata[i];
                if (!lv->plan || dg_plan_length(lv->plan) == 0)
                        continue;
                if (!dg_plan_execute(site, &lv->def, lv->plan, on_dg_step, NULL, &error))
                        goto fail;
                if (discard)
                        g_string_append_printf(done, "%s%s", done->len ? ", " : "", lv->snapshot);
        }
        {
                g_autofree char *msg = discard
                        ? g_strdup_printf("guest %s: split brain: this node's copies discarded, kept in snapshot%s %s "
                                          "of volume group %s (lvremove once not needed); now run 'hactl guest "
                                          "split-brain %s --keep-here' on %s: the resync from there starts", name,
                                          strchr(done->str, ',') ? "s" : "", done->str, dg_site_local(site)->vg,
                                          name, conf->peer.name)
                        : g_strdup_printf("guest %s: split brain: this node's copies kept; connecting to %s", name,
                                          conf->peer.name);
                printf("%s\n", msg);
                openlog("hactl", LOG_PID, LOG_DAEMON);
                syslog(LOG_WARNING, "%s", msg);
                closelog();
        }
        view_free(&v);
        return EXIT_OK;
fail:
        view_free(&v);
        return hactl_report(error);
}

/* ---- remove ---------------------------------------------------------------------------------- */

static gboolean confirm(const char *name)
{
        char line[64] = "";

        printf("remove guest %s and its volumes on both nodes? [y/N] ", name);
        fflush(stdout);
        if (!fgets(line, sizeof line, stdin))
                return FALSE;
        g_strstrip(line);
        return g_ascii_strcasecmp(line, "y") == 0 || g_ascii_strcasecmp(line, "yes") == 0;
}

static gboolean volumes_active(const HamMonStatus *mon, const char *name)
{
        g_autofree char *prefix = g_strdup_printf("drbd-pk-%s-", name);

        if (!mon || !mon->connected)
                return TRUE;
        for (guint i = 0; i < mon->resources->len; i++) {
                const HamMonResource *r = mon->resources->pdata[i];
                if (r->id && g_str_has_prefix(r->id, prefix) && r->active)
                        return TRUE;
        }
        return FALSE;
}

static int cmd_remove(PkCliCmd *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) args = NULL, res = NULL;
        const char *name = pk_cli_arg(a, 0);
        View v = { 0 };
        HamGuestInfo *g;
        HamGuestRemoveFacts facts = { 0 };
        HamGuestRemoveStep steps[HAM_REMOVE_N_STEPS];
        gboolean in_cib;
        guint wait_s, n_steps;
        gint64 start;
        int rc = EXIT_OK;

        if (!wait_s_of(a, &wait_s, &rc))
                return rc;
        if (!hv_guest_name_valid(name))
                return hactl_usage_error("guest remove: \"%s\" is not a guest name", name);
        if (!view_read(&v, &error))
                goto fail;
        /* Not in the CIB: volumes may still be left from a removal that was
         * cut short; hamgrd says whether there are any. */
        g = ham_guest_info_find(v.guests, name);
        if (!pk_cli_opt(a, "yes")) {
                if (!isatty(STDIN_FILENO)) {
                        view_free(&v);
                        return hactl_usage_error("guest remove: not on a terminal; give --yes to remove guest %s "
                                                 "and its volumes on both nodes", name);
                }
                if (!confirm(name)) {
                        printf("nothing removed\n");
                        view_free(&v);
                        return EXIT_OK;
                }
        }
        facts.in_cib = in_cib = g != NULL;
        facts.has_config = g && g->config;
        facts.pcmk_frozen = in_cib && ham_pacemaker_frozen(v.cib, strlen(v.cib));
        if (facts.pcmk_frozen)
                fprintf(stderr, "hactl: Pacemaker starts and stops nothing while no fence device is "
                        "configured; removing guest %s's CIB objects without stopping them\n", name);
        n_steps = ham_guest_remove_plan(&facts, steps);
        /* The last step, the volumes, is hamgrd's answer below. */
        for (guint i = 0; i < n_steps && steps[i] != HAM_REMOVE_VOLUMES; i++) {
                switch (steps[i]) {
                case HAM_REMOVE_STOP_GUEST:
                        fprintf(stderr, "hactl: stopping guest %s\n", name);
                        if (!ham_pcmk_guest_target_role(v.pcmk, name, "Stopped", &error) ||
                            !wait_guest(&v, name, "waiting for the guest to stop", wait_s, is_stopped, NULL, &error))
                                goto fail;
                        break;
                case HAM_REMOVE_STOP_VOLUMES:
                        fprintf(stderr, "hactl: stopping guest %s's DRBD resources\n", name);
                        if (!ham_pcmk_guest_volumes_target_role(v.pcmk, name, "Stopped", &error))
                                goto fail;
                        start = pk_now_ms();
                        for (;;) {
                                g_autoptr(HamMonStatus) mon = ham_crm_mon_run(NULL);
                                if (!volumes_active(mon, name))
                                        break;
                                if (pk_now_ms() - start > (gint64)wait_s * 1000) {
                                        g_set_error(&error, HAM_ERROR, HAM_ERROR_TIMEOUT,
                                                    "guest %s's DRBD resources still run after %u s; once crm_mon -1 "
                                                    "shows them stopped, run hactl guest remove %s --yes again",
                                                    name, wait_s, name);
                                        goto fail;
                                }
                                g_usleep(POLL_MS * 1000);
                        }
                        break;
                case HAM_REMOVE_CIB_OBJECTS:
                        if (!ham_pcmk_guest_remove(v.pcmk, name, &error)) {
                                if (!g_error_matches(error, HAM_ERROR, HAM_ERROR_NOT_FOUND))
                                        goto fail;
                                g_clear_error(&error);
                        }
                        break;
                case HAM_REMOVE_VOLUMES:
                case HAM_REMOVE_N_STEPS:
                        break;
                }
        }
        args = json_object_new_object();
        json_object_object_add(args, "guest", json_object_new_string(name));
        fprintf(stderr, in_cib ? "hactl: removing the volumes of %s on both nodes\n" :
                "hactl: looking for volumes of %s left on the nodes\n", name);
        if (!ham_api_call_full(NULL, "guest-volumes-remove", args, PREPARE_TIMEOUT_MS, &res, &error)) {
                if (!in_cib && g_error_matches(error, HAM_API_ERROR, HAM_API_ERROR_NOT_FOUND)) {
                        g_clear_error(&error);
                        g_set_error(&error, HAM_ERROR, HAM_ERROR_NOT_FOUND,
                                    "there is no guest %s (hactl guest list shows the guests)", name);
                }
                goto fail;
        }
        {
                json_object *nodes = NULL;
                gboolean all = TRUE;
                guint removed = 0;
                if (json_object_object_get_ex(res, "nodes", &nodes) && json_object_is_type(nodes, json_type_array))
                        for (size_t i = 0; i < json_object_array_length(nodes); i++) {
                                json_object *n = json_object_array_get_idx(nodes, i), *ok = NULL, *r = NULL;
                                if (json_object_object_get_ex(n, "removed", &r) && json_object_is_type(r, json_type_array))
                                        removed += json_object_array_length(r);
                                if (json_object_object_get_ex(n, "ok", &ok) && !json_object_get_boolean(ok)) {
                                        fprintf(stderr, "hactl: %s: %s\n", pk_json_get_string(n, "node") ? pk_json_get_string(n, "node") : "?",
                                                pk_json_get_string(n, "error") ? pk_json_get_string(n, "error") : "failed");
                                        all = FALSE;
                                }
                        }
                if (all && !in_cib && removed == 0) {
                        g_set_error(&error, HAM_ERROR, HAM_ERROR_NOT_FOUND,
                                    "there is no guest %s (hactl guest list shows the guests)", name);
                        goto fail;
                }
                if (!all) {
                        g_set_error(&error, HAM_ERROR, HAM_ERROR_FAILED,
                                    "guest %s is out of the cluster, but not all of its volumes could be removed; "
                                    "fix the cause and run hactl guest remove %s --yes again", name, name);
                        goto fail;
                }
        }
        printf("guest %s removed\n", name);
        view_free(&v);
        return EXIT_OK;
fail:
        view_free(&v);
        return hactl_report(error);
}

int hactl_guest(PkCliCmd *a)
{
        const char *cmd = a->verb->name;

        if (g_str_equal(cmd, "create"))
                return cmd_create(a);
        if (g_str_equal(cmd, "list"))
                return cmd_list(a);
        if (g_str_equal(cmd, "show"))
                return cmd_show(a);
        if (g_str_equal(cmd, "start") || g_str_equal(cmd, "stop"))
                return cmd_start_stop(a);
        if (g_str_equal(cmd, "move"))
                return cmd_move(a);
        if (g_str_equal(cmd, "accept-loss"))
                return cmd_accept_loss(a);
        if (g_str_equal(cmd, "split-brain"))
                return cmd_split_brain(a);
        return cmd_remove(a);
}
