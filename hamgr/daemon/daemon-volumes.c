/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hamgrd's volumes: the member and the coordinator of volume transactions
 * (ham-txn.h), guest-volumes-remove, and reconciling the CIB's volume
 * definitions with what exists on this node.
 *
 * Everything that touches LVM or DRBD runs in ONE worker thread, one job
 * after the other: liblvm2cmd is not thread-safe, and two plans for the
 * same node must not interleave. The main loop only decides and talks.
 *
 * Allocation of minors and ports. Only a coordinator allocates, from the
 * CIB's volume definitions plus the volumes of transactions committed but
 * not yet seen in its CIB copy. Two coordinators could still allocate the
 * same numbers at the same moment; that is why a member refuses a prepare
 * while another transaction is open (prepared, not yet committed or
 * aborted) and checks the numbers against the same lists. CPG delivers
 * every prepare to every member in the same (agreed) order, so both members
 * accept the first and refuse the second: the second coordinator aborts and
 * its client may retry, now seeing the first one's numbers.
 */
#include "daemon.h"
#include "ham.h"
#include "ham-pcmk.h"
#include "ham-pcmk-notify.h"
#include "ham-status.h"
#include "ham-txn.h"
#include "pk.h"
#include "ham-api-server.h"

#include <string.h>
#include <time.h>

#define REMOVE_TIMEOUT_S 300
#define LOG_MAX 32

typedef enum { JOB_PREPARE, JOB_UNDO, JOB_REMOVE, JOB_RECONCILE } JobKind;

typedef struct {
        JobKind kind;
        HamVolumes *v;
        DgSite *site;
        char *txn;
        char *guest;
        GPtrArray *defs;     /* DgVolumeDef*: to realize, undo or reconcile */
        /* results */
        gboolean ok;
        char *error;
        GPtrArray *created;  /* PREPARE: DgVolumeDef* this job created */
        GPtrArray *done;     /* names of resources removed / ensured */
        GPtrArray *activated; /* "VG/LV" of inactive LVs that gathering activated */
} Job;

typedef enum { MT_WORKING, MT_PREPARED, MT_FAILED, MT_UNDOING } MemberState;

/* This node's side of one transaction (whoever coordinates it). */
typedef struct {
        char *id;
        char *coordinator;   /* node name */
        char *guest;
        MemberState state;
        GPtrArray *created;  /* DgVolumeDef*: what an abort removes */
        gboolean abort_pending; /* abort came while working */
        gboolean lost_pending;  /* the coordinator left while working */
        GPtrArray *volumes;  /* HamVolume* of the prepare, for "recent" */
} MemberTxn;

/* The transaction this node coordinates. */
typedef struct {
        HamTxn *txn;
        char *id;
        HamApiDeferred *pending;  /* guest-prepare or guest-commit waiting */
        gboolean pending_is_commit;
        HamApiDeferred *abort_req; /* guest-abort waiting for the local undo */
        char *reply_error;        /* owed to @pending once the local undo ended */
        HamGuestSpec *spec;       /* guest-commit's */
        guint timeout_source;
} Coord;

typedef struct {
        char *id;
        char *guest;
        HamApiDeferred *pending;
        GPtrArray *members;       /* node names asked */
        json_object *results;     /* node → {"node","ok","removed","error"} */
        guint timeout_source;
} RemoveOp;

struct HamVolumes {
        HamCorosync *cs;
        HamPcmkNotify *pcmk;
        HamApiServer *api;
        char *conf_path;
        guint txn_timeout_s;
        GThreadPool *worker;
        guint64 seq;
        Coord *coord;
        RemoveOp *remove;
        GHashTable *members;      /* id → MemberTxn */
        GPtrArray *recent;        /* HamVolume*: committed, maybe not yet in our CIB copy */
        GPtrArray *cib_volumes;   /* HamVolume* of the last CIB read */
        guint cib_updates;
        char *cib_error;
        /* reconcile */
        char *reconciled;         /* the CIB volume list last reconciled */
        gboolean reconciling, reconcile_again;
        json_object *log;         /* the last LOG_MAX things done, newest last */
};

static void job_run(gpointer data, gpointer pool_data);
static gboolean job_done(gpointer data);

/* ---- small helpers ------------------------------------------------------------ */

static void log_event(HamVolumes *v, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void log_event(HamVolumes *v, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        g_autofree char *text = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_message("volumes: %s", text);
        json_object *e = json_object_new_object();
        json_object_object_add(e, "at", json_object_new_int64(time(NULL)));
        json_object_object_add(e, "what", json_object_new_string(text));
        json_object_array_add(v->log, e);
        if (json_object_array_length(v->log) > LOG_MAX)
                json_object_array_del_idx(v->log, 0, 1);
}

static void def_free(gpointer p)
{
        DgVolumeDef *d = p;
        dg_volume_def_clear(d);
        g_free(d);
}

static DgVolumeDef *def_new(const char *guest, const char *volume, guint64 size, guint minor,
                            guint port)
{
        DgVolumeDef *d = g_new0(DgVolumeDef, 1);
        d->guest = g_strdup(guest);
        d->volume = g_strdup(volume);
        d->size = size;
        d->minor = minor;
        d->port = port;
        return d;
}

static HamVolume *volume_copy(const HamVolume *o)
{
        HamVolume *c = g_new0(HamVolume, 1);
        c->guest = g_strdup(o->guest);
        c->volume = g_strdup(o->volume);
        c->size = o->size;
        c->minor = o->minor;
        c->port = o->port;
        return c;
}

static const char *local_name(HamVolumes *v)
{
        return ham_corosync_local_name(v->cs);
}

static gboolean is_member(HamVolumes *v, const char *node)
{
        g_autoptr(GPtrArray) m = ham_corosync_members(v->cs);
        return node && g_ptr_array_find_with_equal_func(m, node, g_str_equal, NULL);
}

static DgSite *load_site(HamVolumes *v, GError **error)
{
        g_autoptr(HamConf) conf = ham_conf_load(v->conf_path, error);
        if (!conf)
                return NULL;
        return ham_conf_to_dg_site(conf, NULL);
}

static void send_msg(HamVolumes *v, const HamCpgMsg *m)
{
        g_autoptr(GError) error = NULL;
        if (!ham_corosync_send(v->cs, m, &error))
                g_warning("volumes: %s", error->message);
}

static void member_txn_free(gpointer p)
{
        MemberTxn *t = p;
        g_free(t->id);
        g_free(t->coordinator);
        g_free(t->guest);
        if (t->created)
                g_ptr_array_unref(t->created);
        if (t->volumes)
                g_ptr_array_unref(t->volumes);
        g_free(t);
}

static const char *open_member_txn(HamVolumes *v)
{
        GHashTableIter it;
        gpointer k;
        g_hash_table_iter_init(&it, v->members);
        while (g_hash_table_iter_next(&it, &k, NULL))
                return k;
        return NULL;
}

/* ---- jobs -------------------------------------------------------------------------- */

static Job *job_new(HamVolumes *v, JobKind kind, DgSite *site, const char *txn, const char *guest)
{
        Job *j = g_new0(Job, 1);
        j->kind = kind;
        j->v = v;
        j->site = site;
        j->txn = g_strdup(txn);
        j->guest = g_strdup(guest);
        j->defs = g_ptr_array_new_with_free_func(def_free);
        j->created = g_ptr_array_new_with_free_func(def_free);
        j->done = g_ptr_array_new_with_free_func(g_free);
        j->activated = g_ptr_array_new_with_free_func(g_free);
        return j;
}

static void job_free(Job *j)
{
        dg_site_free(j->site);
        g_free(j->txn);
        g_free(j->guest);
        g_ptr_array_unref(j->defs);
        g_ptr_array_unref(j->created);
        g_ptr_array_unref(j->done);
        g_ptr_array_unref(j->activated);
        g_free(j->error);
        g_free(j);
}

static void job_push(HamVolumes *v, Job *j)
{
        g_thread_pool_push(v->worker, j, NULL);
}

/* ---- worker side (the only thread that runs LVM and DRBD) ---------------------- */

/* One writer per volume on this node: hactl and dgctl take the same lock
 * (dg_lock_volume()). Held from the facts to the end of the plan. */
static DgLock *lock_volume(const DgVolumeDef *def, GError **error)
{
        g_autofree char *res = dg_resource_name(def->guest, def->volume, NULL);
        return dg_lock_volume(NULL, res, DG_LOCK_WAIT_MS, error);
}

/* dg_facts_gather() activates the volume's LV when a boot left it inactive;
 * the job notes it and job_done() logs it. */
static gboolean gather(Job *j, const DgVolumeDef *def, DgFacts *facts, GError **error)
{
        if (!dg_facts_gather(j->site, def, facts, error))
                return FALSE;
        if (facts->lv_activated) {
                g_autofree char *res = dg_resource_name(def->guest, def->volume, NULL);
                g_ptr_array_add(j->activated, g_strdup_printf("%s/%s", dg_site_local(j->site)->vg, res));
        }
        return TRUE;
}

/* The caller holds the volume's lock (lock_volume()). */
static gboolean ensure_one(Job *j, const DgVolumeDef *def, gboolean only_missing,
                           gboolean *ret_created, gboolean *ret_ran, GError **error)
{
        const DgSite *site = j->site;
        DgFacts facts;
        g_autoptr(DgPlan) plan = NULL;

        if (!gather(j, def, &facts, error))
                return FALSE;
        *ret_created = ham_member_creates(&facts);
        *ret_ran = FALSE;
        if (only_missing && !ham_member_reconcile_wanted(&facts))
                return TRUE;
        plan = dg_plan_ensure(site, def, &facts, error);
        if (!plan)
                return FALSE;
        if (dg_plan_length(plan) == 0)
                return TRUE;
        *ret_ran = TRUE;
        return dg_plan_execute(site, def, plan, NULL, NULL, error);
}

static gboolean remove_one(Job *j, const DgVolumeDef *def, GError **error)
{
        const DgSite *site = j->site;
        DgFacts facts;
        g_autoptr(DgPlan) plan = NULL;
        g_autoptr(DgLock) lock = lock_volume(def, error);

        if (!lock || !gather(j, def, &facts, error))
                return FALSE;
        plan = dg_plan_remove(site, def, &facts, error);
        if (!plan)
                return FALSE;
        return dg_plan_execute(site, def, plan, NULL, NULL, error);
}

/* The minor and port of a resource as its .res file has them: drbdmeta
 * wants the real minor to wipe the metadata. */
static void res_file_numbers(const char *path, guint *minor, guint *port)
{
        g_autofree char *text = NULL;

        /* Left as they are when the file is gone or not plastik's form. */
        if (g_file_get_contents(path, &text, NULL, NULL))
                dg_res_parse_ids(text, minor, port, NULL);
}

/* Every minor and port this node's DRBD configuration uses (HamVolume*,
 * ham_res_taken_scan()): drbdadm refuses a resource whose minor or port
 * another .res file claims, plastik's or not. */
static GPtrArray *local_taken(const DgSite *site)
{
        GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)ham_volume_free);
        g_autoptr(GDir) dir = site ? g_dir_open(site->res_dir, 0, NULL) : NULL;
        const char *f;

        while (dir && (f = g_dir_read_name(dir))) {
                g_autofree char *path = NULL, *text = NULL;
                if (!g_str_has_suffix(f, ".res"))
                        continue;
                path = g_build_filename(site->res_dir, f, NULL);
                if (!g_file_get_contents(path, &text, NULL, NULL))
                        continue;
                g_autoptr(GPtrArray) one = ham_res_taken_scan(text);
                for (guint i = 0; i < one->len; i++)
                        g_ptr_array_add(out, g_steal_pointer(&one->pdata[i]));
                g_ptr_array_set_free_func(one, NULL);
        }
        return out;
}

/* The guest's resources on this node: .res files and LVs named pk-GUEST-*. */
static GPtrArray *find_guest_volumes(const DgSite *site, const char *guest, GError **error)
{
        g_autoptr(GPtrArray) defs = g_ptr_array_new_with_free_func(def_free);
        g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GDir) dir = g_dir_open(site->res_dir, 0, NULL);
        const char *f;

        while (dir && (f = g_dir_read_name(dir)))
                if (g_str_has_suffix(f, ".res"))
                        g_ptr_array_add(names, g_strndup(f, strlen(f) - 4));
        g_autoptr(GPtrArray) lvs = dg_lv_list(dg_site_local(site)->vg, TRUE, error);
        if (!lvs)
                return NULL;
        for (guint i = 0; i < lvs->len; i++)
                g_ptr_array_add(names, g_strdup(((DgLvInfo *)lvs->pdata[i])->name));
        for (guint i = 0; i < names->len; i++) {
                g_autofree char *g = NULL, *vol = NULL;
                const char *res = names->pdata[i];
                if (!dg_resource_name_parse(res, &g, &vol) || !g_str_equal(g, guest) ||
                    g_hash_table_contains(seen, res))
                        continue;
                g_hash_table_add(seen, g_strdup(res));
                guint minor = 0, port = HAM_PORT_FIRST;
                g_autofree char *path = g_strdup_printf("%s/%s.res", site->res_dir, res);
                res_file_numbers(path, &minor, &port);
                /* The size plays no part in removing; any valid one does. */
                g_ptr_array_add(defs, def_new(guest, vol, DG_VOLUME_SIZE_MIN, minor, port));
        }
        return g_steal_pointer(&defs);
}

/* Removes @def for @j: its resource joins j->done, or @j fails, keeping
 * the first error in *@error. */
static void remove_into(Job *j, const DgVolumeDef *def, GError **error)
{
        g_autoptr(GError) e = NULL;

        if (remove_one(j, def, &e)) {
                g_ptr_array_add(j->done, dg_resource_name(def->guest, def->volume, NULL));
                return;
        }
        j->ok = FALSE;
        if (!*error)
                *error = g_steal_pointer(&e);
}

static void job_run(gpointer data, gpointer pool_data)
{
        Job *j = data;
        g_autoptr(GError) error = NULL;

        j->ok = TRUE;
        switch (j->kind) {
        case JOB_PREPARE:
                for (guint i = 0; i < j->defs->len && j->ok; i++) {
                        const DgVolumeDef *def = j->defs->pdata[i];
                        gboolean created = FALSE, ran = FALSE;
                        DgFacts facts;
                        g_autoptr(DgLock) lock = lock_volume(def, &error);
                        /* On the undo list BEFORE it is made: a plan that fails
                         * halfway leaves parts an abort must take away. */
                        if (!lock || !gather(j, def, &facts, &error)) {
                                j->ok = FALSE;
                                break;
                        }
                        if (ham_member_creates(&facts))
                                g_ptr_array_add(j->created, def_new(def->guest, def->volume,
                                                                    def->size, def->minor, def->port));
                        j->ok = ensure_one(j, def, FALSE, &created, &ran, &error);
                }
                break;
        case JOB_UNDO:
                /* Backwards, and on: one that fails must not keep the rest. */
                for (guint i = j->defs->len; i-- > 0;) {
                        remove_into(j, j->defs->pdata[i], &error);
                }
                break;
        case JOB_REMOVE: {
                g_autoptr(GPtrArray) defs = find_guest_volumes(j->site, j->guest, &error);
                if (!defs) {
                        j->ok = FALSE;
                        break;
                }
                for (guint i = 0; i < defs->len; i++) {
                        remove_into(j, defs->pdata[i], &error);
                }
                break;
        }
        case JOB_RECONCILE:
                for (guint i = 0; i < j->defs->len; i++) {
                        g_autoptr(GError) e = NULL;
                        const DgVolumeDef *def = j->defs->pdata[i];
                        gboolean created = FALSE, ran = FALSE;
                        g_autofree char *res = dg_resource_name(def->guest, def->volume, NULL);
                        g_autoptr(DgLock) lock = lock_volume(def, &e);
                        if (!lock || !ensure_one(j, def, TRUE, &created, &ran, &e)) {
                                j->ok = FALSE;
                                g_ptr_array_add(j->done, g_strdup_printf("%s: failed: %s", res,
                                                                         e->message));
                        } else if (ran) {
                                g_ptr_array_add(j->done, g_strdup_printf("%s: created", res));
                        }
                }
                break;
        }
        if (error)
                j->error = g_strdup(error->message);
        /* The result is handled in the main loop. */
        g_main_context_invoke(NULL, job_done, j);
}

/* ---- the CIB's volumes ---------------------------------------------------------- */

static void refresh_cib(HamVolumes *v)
{
        const char *xml = ham_pcmk_notify_config_xml(v->pcmk);
        g_autoptr(GError) error = NULL;
        GPtrArray *vols;

        if (!xml || (v->cib_volumes && ham_pcmk_notify_updates(v->pcmk) == v->cib_updates))
                return;
        v->cib_updates = ham_pcmk_notify_updates(v->pcmk);
        vols = ham_cib_volumes_parse(xml, strlen(xml), &error);
        g_clear_pointer(&v->cib_error, g_free);
        if (!vols) {
                /* The last good list stays: a broken edit must not look like
                 * "no volumes". */
                v->cib_error = g_strdup(error->message);
                g_warning("volumes: the CIB's volume definitions: %s", error->message);
                return;
        }
        if (v->cib_volumes)
                g_ptr_array_unref(v->cib_volumes);
        v->cib_volumes = vols;
        /* Committed volumes are in our copy now; or their guest was removed. */
        for (guint i = v->recent->len; i-- > 0;) {
                const HamVolume *r = v->recent->pdata[i];
                if (ham_member_guest_in_cib(r->guest, vols))
                        g_ptr_array_remove_index(v->recent, i);
        }
}

/* ---- the member ------------------------------------------------------------------ */

static void coord_undone(HamVolumes *v, const char *id);

static void answer_prepared(HamVolumes *v, const char *id, gboolean ok, const char *error)
{
        HamCpgMsg m = { .type = HAM_CPG_PREPARED, .txn = (char *)id,
                        .node = (char *)local_name(v), .ok = ok,
                        .error = ok ? NULL : (char *)(error ? error : "failed") };
        if (!m.node) {
                g_warning("volumes: cannot answer transaction %s: this node's name is not known",
                          id);
                return;
        }
        send_msg(v, &m);
}

static void member_undo(HamVolumes *v, MemberTxn *t, const char *why)
{
        g_autoptr(GError) error = NULL;
        DgSite *site;

        if (!t->created || t->created->len == 0) {
                log_event(v, "transaction %s (guest %s): %s; nothing of it to undo here",
                          t->id, t->guest, why);
                g_autofree char *id = g_strdup(t->id);
                g_hash_table_remove(v->members, id);
                coord_undone(v, id);
                return;
        }
        site = load_site(v, &error);
        if (!site) {
                log_event(v, "transaction %s (guest %s): %s, but undoing is impossible: %s",
                          t->id, t->guest, why, error->message);
                g_autofree char *id = g_strdup(t->id);
                g_hash_table_remove(v->members, id);
                coord_undone(v, id);
                return;
        }
        log_event(v, "transaction %s (guest %s): %s; removing the %u volume(s) it created",
                  t->id, t->guest, why, t->created->len);
        Job *j = job_new(v, JOB_UNDO, site, t->id, t->guest);
        for (guint i = 0; i < t->created->len; i++) {
                const DgVolumeDef *d = t->created->pdata[i];
                g_ptr_array_add(j->defs, def_new(d->guest, d->volume, d->size, d->minor, d->port));
        }
        t->state = MT_UNDOING;
        job_push(v, j);
}

static void member_lost(HamVolumes *v, MemberTxn *t)
{
        refresh_cib(v);
        HamMemberLost d = ham_member_coordinator_lost(t->guest, v->cib_volumes);
        if (d == HAM_MEMBER_KEEP) {
                log_event(v, "transaction %s (guest %s): coordinator %s left; the guest is in the "
                          "CIB, so its volumes stay", t->id, t->guest, t->coordinator);
                g_hash_table_remove(v->members, t->id);
                return;
        }
        member_undo(v, t, "the coordinator left before commit, and the guest is not in the CIB");
}

static void member_on_prepare(HamVolumes *v, const HamCpgMsg *msg, const char *sender)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *reason = NULL;
        DgSite *site;

        if (g_hash_table_contains(v->members, msg->txn))
                return;
        refresh_cib(v);
        site = load_site(v, &error);
        if (!site) {
                log_event(v, "transaction %s (guest %s) refused: %s", msg->txn, msg->guest,
                          error->message);
                answer_prepared(v, msg->txn, FALSE, error->message);
                return;
        }
        if (!v->cib_volumes) {
                reason = g_strdup("this node has not read the CIB yet");
        } else {
                g_autoptr(GPtrArray) taken = local_taken(site);
                reason = ham_member_prepare_check(msg, open_member_txn(v), v->cib_volumes, v->recent,
                                                  taken);
        }
        if (reason) {
                log_event(v, "transaction %s (guest %s) refused: %s", msg->txn, msg->guest, reason);
                answer_prepared(v, msg->txn, FALSE, reason);
                dg_site_free(site);
                return;
        }
        MemberTxn *t = g_new0(MemberTxn, 1);
        t->id = g_strdup(msg->txn);
        t->coordinator = g_strdup(sender ? sender : "?");
        t->guest = g_strdup(msg->guest);
        t->state = MT_WORKING;
        t->volumes = g_ptr_array_new_with_free_func((GDestroyNotify)ham_volume_free);
        Job *j = job_new(v, JOB_PREPARE, site, msg->txn, msg->guest);
        for (guint i = 0; i < msg->n_volumes; i++) {
                const HamCpgVolume *pv = &msg->volumes[i];
                HamVolume hv = { msg->guest, pv->volume, pv->size, pv->minor, pv->port };
                g_ptr_array_add(t->volumes, volume_copy(&hv));
                g_ptr_array_add(j->defs, def_new(msg->guest, pv->volume, pv->size, pv->minor, pv->port));
        }
        g_hash_table_insert(v->members, t->id, t);
        log_event(v, "transaction %s (guest %s, coordinator %s): realizing %u volume(s)",
                  t->id, t->guest, t->coordinator, msg->n_volumes);
        job_push(v, j);
}

static void member_on_abort(HamVolumes *v, const HamCpgMsg *msg)
{
        MemberTxn *t = g_hash_table_lookup(v->members, msg->txn);

        if (!t) {
                coord_undone(v, msg->txn);
                return;
        }
        if (t->state == MT_WORKING) {
                t->abort_pending = TRUE;
                return;
        }
        if (t->state == MT_UNDOING)
                return;
        g_autofree char *why = g_strdup_printf("aborted (%s)", msg->error);
        member_undo(v, t, why);
}

static void member_on_commit(HamVolumes *v, const HamCpgMsg *msg)
{
        MemberTxn *t = g_hash_table_lookup(v->members, msg->txn);

        if (!t || t->state != MT_PREPARED)
                return;
        for (guint i = 0; i < t->volumes->len; i++)
                g_ptr_array_add(v->recent, volume_copy(t->volumes->pdata[i]));
        log_event(v, "transaction %s (guest %s) committed", t->id, t->guest);
        g_hash_table_remove(v->members, msg->txn);
}

static void member_check_lost(HamVolumes *v)
{
        g_autoptr(GPtrArray) lost = g_ptr_array_new();
        GHashTableIter it;
        gpointer val;

        g_hash_table_iter_init(&it, v->members);
        while (g_hash_table_iter_next(&it, NULL, &val)) {
                MemberTxn *t = val;
                if (t->state != MT_UNDOING && !is_member(v, t->coordinator))
                        g_ptr_array_add(lost, t);
        }
        for (guint i = 0; i < lost->len; i++) {
                MemberTxn *t = lost->pdata[i];
                if (t->state == MT_WORKING)
                        t->lost_pending = TRUE;
                else
                        member_lost(v, t);
        }
}

/* ---- the coordinator ------------------------------------------------------------- */

/*
 * What a transaction or a removal holds when it ends with hamgrd: its
 * timeout, and the clients waiting for it (@pending, @also; NULL when
 * none), who are told that hamgrd is stopping.
 */
static void end_stopping(guint *timeout_source, HamApiDeferred *pending, HamApiDeferred *also)
{
        HamApiDeferred *waiting[] = { pending, also };

        g_clear_handle_id(timeout_source, g_source_remove);
        for (guint i = 0; i < G_N_ELEMENTS(waiting); i++) {
                g_autoptr(GError) e = NULL;

                if (!waiting[i])
                        continue;
                e = g_error_new(HAM_API_ERROR, HAM_API_ERROR_FAILED, "hamgrd is stopping");
                ham_api_deferred_finish(waiting[i], NULL, e);
        }
}

static void coord_free(Coord *c)
{
        if (!c)
                return;
        end_stopping(&c->timeout_source, c->pending, c->abort_req);
        ham_txn_free(c->txn);
        ham_guest_spec_free(c->spec);
        g_free(c->reply_error);
        g_free(c->id);
        g_free(c);
}

static json_object *prepare_result(const HamCpgMsg *p)
{
        json_object *o = json_object_new_object();
        json_object *arr = json_object_new_array();
        json_object_object_add(o, "txn", json_object_new_string(p->txn));
        for (guint i = 0; i < p->n_volumes; i++) {
                const HamCpgVolume *pv = &p->volumes[i];
                json_object *e = json_object_new_object();
                g_autofree char *res = dg_resource_name(p->guest, pv->volume, NULL);
                g_autofree char *dev = g_strdup_printf("/dev/drbd%u", pv->minor);
                json_object_object_add(e, "volume", json_object_new_string(pv->volume));
                json_object_object_add(e, "size", json_object_new_int64((gint64)pv->size));
                json_object_object_add(e, "minor", json_object_new_int64(pv->minor));
                json_object_object_add(e, "port", json_object_new_int64(pv->port));
                json_object_object_add(e, "resource", json_object_new_string(res));
                json_object_object_add(e, "device", json_object_new_string(dev));
                json_object_array_add(arr, e);
        }
        json_object_object_add(o, "volumes", arr);
        return o;
}

static void coord_run(HamVolumes *v, GPtrArray *acts);

static void coord_apply_cib(HamVolumes *v)
{
        Coord *c = v->coord;
        g_autoptr(GError) error = NULL;
        g_autoptr(HamPcmk) pcmk = ham_pcmk_connect("hamgrd", &error);

        /* One replace of the configuration section: quick, so done here. */
        if (pcmk)
                ham_pcmk_guest_apply(pcmk, c->spec, &error);
        if (error)
                log_event(v, "transaction %s: writing the CIB failed: %s", c->id, error->message);
        else
                log_event(v, "transaction %s: guest %s written to the CIB", c->id, c->spec->name);
        coord_run(v, ham_txn_cib_done(c->txn, error ? error->message : NULL));
}

/* Runs the coordinator's actions; may free v->coord. */
static void coord_run(HamVolumes *v, GPtrArray *acts)
{
        Coord *c = v->coord;
        g_autoptr(GPtrArray) owned = acts;

        for (guint i = 0; c && i < acts->len; i++) {
                const HamTxnAction *a = acts->pdata[i];
                switch (a->kind) {
                case HAM_TXN_DO_SEND: {
                        g_autoptr(GError) error = NULL;
                        if (!ham_corosync_send(v->cs, a->msg, &error)) {
                                g_warning("volumes: %s", error->message);
                                /* Our own abort will not come back to undo. */
                                if (a->msg->type == HAM_CPG_ABORT) {
                                        MemberTxn *t = g_hash_table_lookup(v->members, c->id);
                                        if (t && t->state != MT_WORKING && t->state != MT_UNDOING)
                                                member_undo(v, t, "aborted (corosync unreachable)");
                                        else if (!t)
                                                coord_undone(v, c->id);
                                }
                        }
                        break;
                }
                case HAM_TXN_DO_APPLY_CIB:
                        coord_apply_cib(v);
                        return; /* continued by ham_txn_cib_done() */
                case HAM_TXN_DO_REPLY_OK:
                        if (c->pending) {
                                json_object *r = prepare_result(ham_txn_prepare_msg(c->txn));
                                if (c->pending_is_commit)
                                        json_object_object_add(r, "guest",
                                                               json_object_new_string(c->spec->name));
                                ham_api_deferred_finish(c->pending, r, NULL);
                                c->pending = NULL;
                        }
                        break;
                case HAM_TXN_DO_REPLY_ERROR:
                        /* Answered once this node undid its part. */
                        g_free(c->reply_error);
                        c->reply_error = g_strdup(a->text);
                        break;
                }
                c = v->coord;
        }
        if (v->coord && ham_txn_state(v->coord->txn) == HAM_TXN_DONE) {
                log_event(v, "transaction %s committed", v->coord->id);
                g_clear_pointer(&v->coord, coord_free);
        }
}

static void coord_undone(HamVolumes *v, const char *id)
{
        Coord *c = v->coord;

        if (!c || g_strcmp0(c->id, id) != 0 || ham_txn_state(c->txn) != HAM_TXN_ABORTED)
                return;
        if (c->pending) {
                g_autoptr(GError) e = g_error_new_literal(HAM_API_ERROR, HAM_API_ERROR_FAILED,
                                                          c->reply_error ? c->reply_error : "aborted");
                ham_api_deferred_finish(c->pending, NULL, e);
                c->pending = NULL;
        }
        if (c->abort_req) {
                json_object *r = json_object_new_object();
                json_object_object_add(r, "txn", json_object_new_string(c->id));
                json_object_object_add(r, "aborted", json_object_new_boolean(TRUE));
                ham_api_deferred_finish(c->abort_req, r, NULL);
                c->abort_req = NULL;
        }
        g_clear_pointer(&v->coord, coord_free);
}

static gboolean coord_timeout(gpointer data)
{
        HamVolumes *v = data;
        v->coord->timeout_source = 0;
        log_event(v, "transaction %s: timed out", v->coord->id);
        coord_run(v, ham_txn_on_timeout(v->coord->txn));
        return G_SOURCE_REMOVE;
}

static char **members_strv(HamVolumes *v)
{
        g_autoptr(GPtrArray) m = ham_corosync_members(v->cs);
        GStrvBuilder *b = g_strv_builder_new();
        for (guint i = 0; i < m->len; i++)
                g_strv_builder_add(b, m->pdata[i]);
        char **r = g_strv_builder_end(b);
        g_strv_builder_unref(b);
        return r;
}

/* Both hamgrds in the group, with quorum: else the error says what to do. */
static gboolean check_cluster(HamVolumes *v, GError **error)
{
        g_autoptr(GError) e = NULL;
        g_autoptr(HamConf) conf = ham_conf_load(v->conf_path, &e);
        g_auto(GStrv) members = NULL;

        if (!conf) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_UNAVAILABLE,
                            "%s: %s; set the cluster up first (hactl cluster init|join)",
                            v->conf_path, e->message);
                return FALSE;
        }
        if (!ham_corosync_connected(v->cs) || !local_name(v)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_UNAVAILABLE,
                            "not connected to corosync; is it running on this node?");
                return FALSE;
        }
        if (!ham_corosync_quorate(v->cs)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_UNAVAILABLE,
                            "this node has no quorum; volumes are created only in a quorate cluster");
                return FALSE;
        }
        members = members_strv(v);
        if (!g_strv_contains((const char *const *)members, conf->peer.name)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_UNAVAILABLE,
                            "%s's hamgrd is not in the group; start it", conf->peer.name);
                return FALSE;
        }
        return TRUE;
}

static gboolean check_idle(HamVolumes *v, GError **error)
{
        const char *open = v->coord ? v->coord->id : open_member_txn(v);
        if (open) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_BUSY,
                            "transaction %s is open; one at a time in the cluster, "
                            "try again when it ended", open);
                return FALSE;
        }
        if (v->remove) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_BUSY,
                            "the volumes of guest %s are being removed; try again when that ended",
                            v->remove->guest);
                return FALSE;
        }
        refresh_cib(v);
        if (!v->cib_volumes) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_UNAVAILABLE,
                            "hamgrd has not read the CIB yet; is pacemaker running?");
                return FALSE;
        }
        return TRUE;
}

static json_object *handle_prepare(HamVolumes *v, const HamApiRequest *req, GError **error)
{
        const char *guest = json_object_get_string(json_object_object_get(req->args, "guest"));
        json_object *vols = json_object_object_get(req->args, "volumes");
        g_autoptr(HamCpgMsg) p = g_new0(HamCpgMsg, 1);
        g_autoptr(GPtrArray) used = g_ptr_array_new();
        g_autoptr(GPtrArray) acts = NULL;
        g_autoptr(GPtrArray) taken = NULL;
        g_auto(GStrv) members = NULL;
        DgSite *site;
        HamTxn *txn;

        if (!check_cluster(v, error) || !check_idle(v, error))
                return NULL;
        if (ham_member_guest_in_cib(guest, v->cib_volumes) ||
            ham_member_guest_in_cib(guest, v->recent)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_FAILED,
                            "guest %s exists in the CIB already", guest);
                return NULL;
        }
        p->type = HAM_CPG_PREPARE;
        /* Unique across restarts of this hamgrd too. */
        p->txn = g_strdup_printf("%s-%" G_GINT64_FORMAT "-%" G_GUINT64_FORMAT, local_name(v),
                                 (gint64)time(NULL), ++v->seq);
        p->guest = g_strdup(guest);
        p->n_volumes = (guint)json_object_array_length(vols);
        p->volumes = g_new0(HamCpgVolume, p->n_volumes);
        for (guint i = 0; i < p->n_volumes; i++) {
                json_object *e = json_object_array_get_idx(vols, i);
                p->volumes[i].volume = g_strdup(json_object_get_string(json_object_object_get(e, "volume")));
                p->volumes[i].size = (guint64)json_object_get_int64(json_object_object_get(e, "size"));
        }
        for (guint i = 0; i < v->cib_volumes->len; i++)
                g_ptr_array_add(used, v->cib_volumes->pdata[i]);
        for (guint i = 0; i < v->recent->len; i++)
                g_ptr_array_add(used, v->recent->pdata[i]);
        site = load_site(v, error);
        if (!site)
                return NULL;
        taken = local_taken(site);
        dg_site_free(site);
        for (guint i = 0; i < taken->len; i++)
                g_ptr_array_add(used, taken->pdata[i]);
        if (!ham_member_alloc(used, p, error))
                return NULL;
        members = members_strv(v);
        txn = ham_txn_new(p, (const char *const *)members, &acts, error);
        if (!txn)
                return NULL;
        v->coord = g_new0(Coord, 1);
        v->coord->txn = txn;
        v->coord->id = g_strdup(p->txn);
        v->coord->pending = ham_api_defer(v->api);
        v->coord->timeout_source = g_timeout_add_seconds(v->txn_timeout_s, coord_timeout, v);
        g_autofree char *who = g_strjoinv(" ", members);
        log_event(v, "transaction %s: preparing guest %s (%u volume(s)) on %s", p->txn, guest,
                  p->n_volumes, who);
        coord_run(v, g_steal_pointer(&acts));
        return NULL;
}

static Coord *find_coord(HamVolumes *v, const char *id, GError **error)
{
        if (!v->coord || g_strcmp0(v->coord->id, id) != 0) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_NOT_FOUND,
                            "transaction %s: not open on this node (it ended, or another "
                            "node prepared it: ask that node's hamgrd)", id);
                return NULL;
        }
        return v->coord;
}

static json_object *handle_commit(HamVolumes *v, const HamApiRequest *req, GError **error)
{
        const char *id = json_object_get_string(json_object_object_get(req->args, "txn"));
        json_object *g = json_object_object_get(req->args, "guest"), *x;
        json_object *tr = json_object_object_get(req->args, "target_role");
        g_autoptr(json_object) spec_json = json_object_new_object();
        g_autoptr(GError) local = NULL;
        Coord *c = find_coord(v, id, error);
        const HamCpgMsg *p;

        if (!c)
                return NULL;
        if (ham_txn_state(c->txn) != HAM_TXN_PREPARED || c->pending) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_BUSY,
                            "transaction %s is %s, not prepared; it cannot be committed now", id,
                            ham_txn_state_name(ham_txn_state(c->txn)));
                return NULL;
        }
        p = ham_txn_prepare_msg(c->txn);
        if (g_strcmp0(json_object_get_string(json_object_object_get(g, "name")), p->guest) != 0) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "args.guest.name: transaction %s prepared guest %s, not %s", id,
                            p->guest, json_object_get_string(json_object_object_get(g, "name")));
                return NULL;
        }
        json_object_object_add(spec_json, "name", json_object_new_string(p->guest));
        json_object_object_add(spec_json, "config",
                               json_object_get(json_object_object_get(g, "config")));
        if (json_object_object_get_ex(g, "priority", &x))
                json_object_object_add(spec_json, "priority", json_object_get(x));
        if (json_object_object_get_ex(g, "prefer", &x) && x)
                json_object_object_add(spec_json, "prefer", json_object_get(x));
        if (json_object_object_get_ex(g, "probe", &x) && x)
                json_object_object_add(spec_json, "probe", json_object_get(x));
        if (tr)
                json_object_object_add(spec_json, "target_role", json_object_get(tr));
        json_object *arr = json_object_new_array();
        for (guint i = 0; i < p->n_volumes; i++) {
                json_object *e = json_object_new_object();
                json_object_object_add(e, "volume", json_object_new_string(p->volumes[i].volume));
                json_object_object_add(e, "size", json_object_new_int64((gint64)p->volumes[i].size));
                json_object_object_add(e, "minor", json_object_new_int64(p->volumes[i].minor));
                json_object_object_add(e, "port", json_object_new_int64(p->volumes[i].port));
                json_object_array_add(arr, e);
        }
        json_object_object_add(spec_json, "volumes", arr);
        HamGuestSpec *spec = ham_guest_spec_from_json(spec_json, &local);
        if (!spec) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID, "args.guest: %s",
                            local->message);
                return NULL;
        }
        ham_guest_spec_free(c->spec);
        c->spec = spec;
        c->pending = ham_api_defer(v->api);
        c->pending_is_commit = TRUE;
        coord_run(v, ham_txn_commit(c->txn));
        return NULL;
}

static json_object *handle_abort(HamVolumes *v, const HamApiRequest *req, GError **error)
{
        const char *id = json_object_get_string(json_object_object_get(req->args, "txn"));
        Coord *c = find_coord(v, id, error);

        if (!c)
                return NULL;
        if (c->abort_req) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_BUSY,
                            "transaction %s is being aborted already", id);
                return NULL;
        }
        if (ham_txn_state(c->txn) == HAM_TXN_COMMITTING) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_BUSY,
                            "transaction %s is being committed; remove the guest instead", id);
                return NULL;
        }
        c->abort_req = ham_api_defer(v->api);
        if (ham_txn_state(c->txn) != HAM_TXN_ABORTED)
                coord_run(v, ham_txn_abort(c->txn, "aborted by the client"));
        return NULL;
}

/* ---- removing a guest's volumes ---------------------------------------------------- */

static void remove_free(RemoveOp *r)
{
        if (!r)
                return;
        end_stopping(&r->timeout_source, r->pending, NULL);
        g_free(r->id);
        g_free(r->guest);
        g_ptr_array_unref(r->members);
        json_object_put(r->results);
        g_free(r);
}

static void remove_result(HamVolumes *v, const char *node, gboolean ok, const char *error,
                          char **removed)
{
        RemoveOp *r = v->remove;
        json_object *e = json_object_new_object();
        json_object *arr = json_object_new_array();

        if (!r || !g_ptr_array_find_with_equal_func(r->members, node, g_str_equal, NULL) ||
            json_object_object_get_ex(r->results, node, NULL)) {
                json_object_put(e);
                json_object_put(arr);
                return;
        }
        for (guint i = 0; removed && removed[i]; i++)
                json_object_array_add(arr, json_object_new_string(removed[i]));
        json_object_object_add(e, "node", json_object_new_string(node));
        json_object_object_add(e, "ok", json_object_new_boolean(ok));
        json_object_object_add(e, "removed", arr);
        if (!ok)
                json_object_object_add(e, "error", json_object_new_string(error ? error : "failed"));
        json_object_object_add(r->results, node, e);
        if (json_object_object_length(r->results) < (int)r->members->len)
                return;

        json_object *res = json_object_new_object();
        json_object *nodes = json_object_new_array();
        gboolean all = TRUE;
        json_object_object_foreach(r->results, k, val) {
                (void)k;
                all = all && json_object_get_boolean(json_object_object_get(val, "ok"));
                json_object_array_add(nodes, json_object_get(val));
        }
        json_object_object_add(res, "guest", json_object_new_string(r->guest));
        json_object_object_add(res, "ok", json_object_new_boolean(all));
        json_object_object_add(res, "nodes", nodes);
        log_event(v, "volumes of guest %s removed%s", r->guest, all ? "" : " (not everywhere)");
        ham_api_deferred_finish(r->pending, res, NULL);
        r->pending = NULL;
        g_clear_pointer(&v->remove, remove_free);
}

static void remove_check_members(HamVolumes *v)
{
        if (!v->remove)
                return;
        g_autoptr(GPtrArray) asked = g_ptr_array_ref(v->remove->members);
        for (guint i = 0; v->remove && i < asked->len; i++)
                if (!is_member(v, asked->pdata[i]))
                        remove_result(v, asked->pdata[i], FALSE, "its hamgrd left the group", NULL);
}

static gboolean remove_timeout(gpointer data)
{
        HamVolumes *v = data;
        g_autoptr(GPtrArray) asked = g_ptr_array_ref(v->remove->members);
        v->remove->timeout_source = 0;
        for (guint i = 0; v->remove && i < asked->len; i++)
                remove_result(v, asked->pdata[i], FALSE, "no answer in time", NULL);
        return G_SOURCE_REMOVE;
}

static json_object *handle_volumes_remove(HamVolumes *v, const HamApiRequest *req, GError **error)
{
        const char *guest = json_object_get_string(json_object_object_get(req->args, "guest"));
        g_autoptr(GPtrArray) members = NULL;

        if (!check_cluster(v, error) || !check_idle(v, error))
                return NULL;
        if (ham_member_guest_in_cib(guest, v->cib_volumes) ||
            ham_member_guest_in_cib(guest, v->recent)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_FAILED,
                            "guest %s's resources are in the CIB; remove them first", guest);
                return NULL;
        }
        members = ham_corosync_members(v->cs);
        RemoveOp *r = g_new0(RemoveOp, 1);
        r->id = g_strdup_printf("%s-%" G_GINT64_FORMAT "-%" G_GUINT64_FORMAT, local_name(v),
                                (gint64)time(NULL), ++v->seq);
        r->guest = g_strdup(guest);
        r->members = g_ptr_array_ref(members);
        r->results = json_object_new_object();
        HamCpgMsg m = { .type = HAM_CPG_REMOVE, .txn = r->id, .guest = r->guest };
        if (!ham_corosync_send(v->cs, &m, error)) {
                remove_free(r);
                return NULL;
        }
        r->pending = ham_api_defer(v->api);
        r->timeout_source = g_timeout_add_seconds(REMOVE_TIMEOUT_S, remove_timeout, v);
        v->remove = r;
        log_event(v, "removing the volumes of guest %s (%s)", guest, r->id);
        return NULL;
}

static void member_on_remove(HamVolumes *v, const HamCpgMsg *msg)
{
        g_autoptr(GError) error = NULL;
        DgSite *site;
        HamCpgMsg a = { .type = HAM_CPG_REMOVED, .txn = msg->txn, .node = (char *)local_name(v) };

        refresh_cib(v);
        if (!a.node)
                return;
        if (!v->cib_volumes || ham_member_guest_in_cib(msg->guest, v->cib_volumes)) {
                a.error = v->cib_volumes ? "the guest's resources are in the CIB"
                                         : "this node has not read the CIB yet";
                send_msg(v, &a);
                return;
        }
        site = load_site(v, &error);
        if (!site) {
                a.error = error->message;
                send_msg(v, &a);
                return;
        }
        job_push(v, job_new(v, JOB_REMOVE, site, msg->txn, msg->guest));
}

/* ---- reconciling ------------------------------------------------------------------- */

static char *volumes_key(const GPtrArray *vols)
{
        GString *s = g_string_new(NULL);
        for (guint i = 0; i < vols->len; i++) {
                const HamVolume *x = vols->pdata[i];
                g_string_append_printf(s, "%s/%s/%" G_GUINT64_FORMAT "/%u/%u;", x->guest, x->volume,
                                       x->size, x->minor, x->port);
        }
        return g_string_free(s, FALSE);
}

static void reconcile_maybe(HamVolumes *v)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *key = NULL;
        DgSite *site;

        refresh_cib(v);
        if (!v->cib_volumes)
                return;
        key = volumes_key(v->cib_volumes);
        if (g_strcmp0(key, v->reconciled) == 0)
                return;
        if (v->reconciling) {
                v->reconcile_again = TRUE;
                return;
        }
        site = load_site(v, &error);
        if (!site)
                return; /* status shows the configuration error */
        g_free(v->reconciled);
        v->reconciled = g_steal_pointer(&key);
        if (v->cib_volumes->len == 0) {
                dg_site_free(site);
                return;
        }
        Job *j = job_new(v, JOB_RECONCILE, site, NULL, NULL);
        for (guint i = 0; i < v->cib_volumes->len; i++) {
                const HamVolume *x = v->cib_volumes->pdata[i];
                g_ptr_array_add(j->defs, def_new(x->guest, x->volume, x->size, x->minor, x->port));
        }
        v->reconciling = TRUE;
        job_push(v, j);
}

/* ---- results from the worker ----------------------------------------------------- */

static gboolean job_done(gpointer data)
{
        Job *j = data;
        HamVolumes *v = j->v;

        for (guint i = 0; i < j->activated->len; i++)
                log_event(v, "activated LV %s (it was inactive, e.g. after a boot without LVM autoactivation)",
                          (char *)j->activated->pdata[i]);
        switch (j->kind) {
        case JOB_PREPARE: {
                MemberTxn *t = g_hash_table_lookup(v->members, j->txn);
                if (!t)
                        break;
                t->created = g_steal_pointer(&j->created);
                j->created = g_ptr_array_new_with_free_func(def_free);
                t->state = j->ok ? MT_PREPARED : MT_FAILED;
                log_event(v, "transaction %s (guest %s): %s%s", t->id, t->guest,
                          j->ok ? "volumes ready" : "failed: ", j->ok ? "" : j->error);
                if (t->abort_pending) {
                        member_undo(v, t, "aborted while it was being prepared");
                } else if (t->lost_pending && !is_member(v, t->coordinator)) {
                        member_lost(v, t);
                } else {
                        g_autofree char *why = j->error ?
                                g_strdup_printf("%s", j->error) : NULL;
                        answer_prepared(v, j->txn, j->ok, why);
                }
                break;
        }
        case JOB_UNDO: {
                g_autofree char *list = NULL;
                g_ptr_array_add(j->done, NULL);
                list = g_strjoinv(", ", (char **)j->done->pdata);
                g_ptr_array_remove_index(j->done, j->done->len - 1);
                log_event(v, "transaction %s: undone (removed: %s)%s%s", j->txn,
                          *list ? list : "nothing", j->ok ? "" : "; failed: ",
                          j->ok ? "" : j->error);
                g_hash_table_remove(v->members, j->txn);
                coord_undone(v, j->txn);
                break;
        }
        case JOB_REMOVE: {
                g_ptr_array_add(j->done, NULL);
                HamCpgMsg a = { .type = HAM_CPG_REMOVED, .txn = j->txn,
                                .node = (char *)local_name(v), .ok = j->ok,
                                .error = j->ok ? NULL : j->error,
                                .removed = (char **)j->done->pdata };
                log_event(v, "guest %s: %u volume(s) removed here%s%s", j->guest, j->done->len - 1,
                          j->ok ? "" : "; failed: ", j->ok ? "" : j->error);
                if (a.node)
                        send_msg(v, &a);
                g_ptr_array_remove_index(j->done, j->done->len - 1);
                break;
        }
        case JOB_RECONCILE:
                for (guint i = 0; i < j->done->len; i++)
                        log_event(v, "reconcile: %s", (char *)j->done->pdata[i]);
                v->reconciling = FALSE;
                if (v->reconcile_again) {
                        v->reconcile_again = FALSE;
                        reconcile_maybe(v);
                }
                break;
        }
        job_free(j);
        return G_SOURCE_REMOVE;
}

/* ---- messages, changes, the API ---------------------------------------------------- */

static void on_message(const HamCpgMsg *msg, const char *sender, gpointer data)
{
        HamVolumes *v = data;

        switch (msg->type) {
        case HAM_CPG_PREPARE:
                member_on_prepare(v, msg, sender);
                break;
        case HAM_CPG_PREPARED:
                if (v->coord && g_strcmp0(v->coord->id, msg->txn) == 0)
                        coord_run(v, ham_txn_on_message(v->coord->txn, msg));
                break;
        case HAM_CPG_COMMIT:
                member_on_commit(v, msg);
                break;
        case HAM_CPG_ABORT:
                member_on_abort(v, msg);
                break;
        case HAM_CPG_REMOVE:
                member_on_remove(v, msg);
                break;
        case HAM_CPG_REMOVED:
                if (v->remove && g_strcmp0(v->remove->id, msg->txn) == 0)
                        remove_result(v, msg->node, msg->ok, msg->error, msg->removed);
                break;
        case HAM_CPG_HELLO:
                break;
        }
}

/*
 * A node that booted without LVM autoactivation (no udev, or autoactivation
 * disabled) has its LVs inactive: no /dev/VG/pk-*, so Pacemaker's drbd agent
 * cannot bring a resource up (drbdadm cannot open the disk) and nothing of
 * ours can read the metadata. Once, before anything is served or realized,
 * every inactive plastik LV of this node's VG is activated; activation
 * writes nothing to a volume. Other LVs are not ours to touch. It runs here,
 * in the main thread, because the worker has no job yet: LVM is still used
 * by one thread at a time. A failure is logged and hamgrd goes on; the
 * volume's own commands then name the LV again.
 */
static void activate_inactive_lvs(HamVolumes *v)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgSite) site = load_site(v, &error);
        g_autoptr(GPtrArray) lvs = NULL;
        const char *vg;

        if (!site) {
                /* No plastik.conf yet: no cluster, no volumes (load_conf said so). */
                if (!g_error_matches(error, HAM_ERROR, HAM_ERROR_NOT_FOUND))
                        log_event(v, "start-up: inactive LVs are not activated: %s", error->message);
                return;
        }
        vg = dg_site_local(site)->vg;
        if (!(lvs = dg_lv_list(vg, TRUE, &error))) {
                log_event(v, "start-up: cannot list the LVs of volume group %s to activate inactive ones: %s",
                          vg, error->message);
                return;
        }
        for (guint i = 0; i < lvs->len; i++) {
                const DgLvInfo *lv = lvs->pdata[i];
                g_autoptr(GError) e = NULL;

                if (lv->active)
                        continue;
                if (dg_lv_activate(vg, lv->name, &e))
                        log_event(v, "start-up: activated LV %s/%s (it was inactive, e.g. after a boot "
                                  "without LVM autoactivation)", vg, lv->name);
                else
                        log_event(v, "start-up: %s", e->message);
        }
}

HamVolumes *ham_volumes_new(HamCorosync *cs, HamPcmkNotify *pcmk, HamApiServer *api,
                            const char *conf_path, guint txn_timeout_s)
{
        HamVolumes *v = g_new0(HamVolumes, 1);
        v->cs = cs;
        v->pcmk = pcmk;
        v->api = api;
        v->conf_path = g_strdup(conf_path);
        v->txn_timeout_s = txn_timeout_s ? txn_timeout_s : HAM_TXN_TIMEOUT_S;
        /* One thread, exclusive: jobs run one after the other, in order. */
        v->worker = g_thread_pool_new(job_run, v, 1, TRUE, NULL);
        v->members = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, member_txn_free);
        v->recent = g_ptr_array_new_with_free_func((GDestroyNotify)ham_volume_free);
        v->log = json_object_new_array();
        activate_inactive_lvs(v);
        ham_corosync_set_message_func(cs, on_message, v);
        return v;
}

void ham_volumes_free(HamVolumes *v)
{
        if (!v)
                return;
        ham_corosync_set_message_func(v->cs, NULL, NULL);
        /* A job under way ends first: a plan is never cut in half. */
        g_thread_pool_free(v->worker, TRUE, TRUE);
        g_clear_pointer(&v->coord, coord_free);
        g_clear_pointer(&v->remove, remove_free);
        g_hash_table_unref(v->members);
        g_ptr_array_unref(v->recent);
        if (v->cib_volumes)
                g_ptr_array_unref(v->cib_volumes);
        json_object_put(v->log);
        g_free(v->cib_error);
        g_free(v->reconciled);
        g_free(v->conf_path);
        g_free(v);
}

void ham_volumes_changed(HamVolumes *v)
{
        if (v->coord) {
                g_auto(GStrv) members = members_strv(v);
                coord_run(v, ham_txn_on_members(v->coord->txn, (const char *const *)members));
        }
        member_check_lost(v);
        remove_check_members(v);
        reconcile_maybe(v);
}

json_object *ham_volumes_handle(HamVolumes *v, const HamApiRequest *req, GError **error)
{
        switch (req->cmd) {
        case HAM_CMD_GUEST_PREPARE:
                return handle_prepare(v, req, error);
        case HAM_CMD_GUEST_COMMIT:
                return handle_commit(v, req, error);
        case HAM_CMD_GUEST_ABORT:
                return handle_abort(v, req, error);
        case HAM_CMD_GUEST_VOLUMES_REMOVE:
                return handle_volumes_remove(v, req, error);
        default:
                break;
        }
        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_UNKNOWN_COMMAND, "unknown command");
        return NULL;
}

static const char *const member_state_names[] = {
        [MT_WORKING] = "working", [MT_PREPARED] = "prepared",
        [MT_FAILED] = "failed", [MT_UNDOING] = "undoing",
};

json_object *ham_volumes_to_json(HamVolumes *v)
{
        json_object *o = json_object_new_object();
        json_object *txns = json_object_new_array();
        GHashTableIter it;
        gpointer val;

        if (v->coord) {
                json_object *c = json_object_new_object();
                json_object_object_add(c, "txn", json_object_new_string(v->coord->id));
                json_object_object_add(c, "guest", json_object_new_string(
                        ham_txn_prepare_msg(v->coord->txn)->guest));
                json_object_object_add(c, "state", json_object_new_string(
                        ham_txn_state_name(ham_txn_state(v->coord->txn))));
                json_object_object_add(o, "coordinating", c);
        } else {
                json_object_object_add(o, "coordinating", NULL);
        }
        g_hash_table_iter_init(&it, v->members);
        while (g_hash_table_iter_next(&it, NULL, &val)) {
                MemberTxn *t = val;
                json_object *e = json_object_new_object();
                json_object_object_add(e, "txn", json_object_new_string(t->id));
                json_object_object_add(e, "guest", json_object_new_string(t->guest));
                json_object_object_add(e, "coordinator", json_object_new_string(t->coordinator));
                json_object_object_add(e, "state", json_object_new_string(member_state_names[t->state]));
                json_object_object_add(e, "created", json_object_new_int64(t->created ? t->created->len : 0));
                json_object_array_add(txns, e);
        }
        json_object_object_add(o, "transactions", txns);
        json_object_object_add(o, "removing", v->remove ? json_object_new_string(v->remove->guest) : NULL);
        json_object_object_add(o, "cib_volumes", json_object_new_int64(
                v->cib_volumes ? (gint64)v->cib_volumes->len : -1));
        if (v->cib_error)
                json_object_object_add(o, "cib_error", json_object_new_string(v->cib_error));
        json_object_object_add(o, "reconciling", json_object_new_boolean(v->reconciling));
        json_object_object_add(o, "txn_timeout_s", json_object_new_int64(v->txn_timeout_s));
        json_object_object_add(o, "log", json_object_get(v->log));
        return o;
}
