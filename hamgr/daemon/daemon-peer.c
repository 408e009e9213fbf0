/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hamgrd's half of the peer exchange (ham-status.h): gathers this node's
 * facts, sends them to the peer in a `state` CPG message when they change
 * (debounced) and when the group changes, keeps the peer's last facts with
 * the time they came, and records when nodes left and came back.
 *
 * DRBD state is taken from the events2 watch on every change; the slower
 * facts (LVs through liblvm2cmd, .res digests, versions) are gathered at
 * start, every SLOW_REFRESH_S and when verify asks, so a burst of DRBD
 * events never runs LVM. The split-brain records (dg.h) are read with the
 * DRBD state and again every SLOW_REFRESH_S.
 */
#include "daemon.h"
#include "ham.h"
#include "ham-status.h"
#include "ham-txn.h"
#include "pk.h"
#include "pk-config.h"

#include <string.h>
#include <time.h>

#define SEND_DELAY_MS 300
#define SLOW_REFRESH_S 60

typedef struct {
        gint64 lost_at, back_at;
        gboolean member;
} Membership;

struct HamPeer {
        HamCorosync *cs;
        char *conf_path;
        HamFacts *local;         /* what was sent last (or will be) */
        char *sent;              /* the text sent last, to send only changes */
        GHashTable *peers;       /* node → HamFacts* received */
        GHashTable *peers_at;    /* node → gint64* wall clock of receipt */
        GHashTable *membership;  /* node → Membership* */
        char *group;             /* the hamgrd group's names, to notice joins */
        guint send_source, slow_source;
        guint64 seq;
        guint received, sent_count, dropped;
        /* slow facts, kept between refreshes */
        GPtrArray *res;          /* HamFactsRes* */
        GPtrArray *lvs;          /* HamFactsLv* */
        char *v_drbd, *v_pacemaker, *v_corosync;
        guint64 mem_total_mib;   /* for the capacity verify checks */
        char *lv_error;
        GHashTable *sb_warned;   /* resources whose unreadable split-brain record was logged */
};

/* ---- gathering ------------------------------------------------------------------ */

/* The first line of `PROGRAM ARG`, from its last blank or quote on. (transfer full) */
static char *program_version(const char *program, const char *arg)
{
        const char *argv[] = { program, arg, NULL };
        g_autofree char *out = NULL;
        int status;
        if (!pk_spawn_sync(argv, &out, NULL, &status, NULL) || status != 0 || !out)
                return NULL;
        char *nl = strchr(out, '\n');
        if (nl)
                *nl = '\0';
        g_strdelimit(out, "'", ' ');
        g_strstrip(out);
        const char *last = strrchr(out, ' ');
        const char *v = last ? last + 1 : out;
        return *v && g_ascii_isdigit(*v) ? g_strdup(v) : NULL;
}

static char *drbd_version(void)
{
        g_autofree char *text = NULL;
        if (!g_file_get_contents("/proc/drbd", &text, NULL, NULL))
                return NULL;
        const char *p = strstr(text, "version: ");
        if (!p)
                return NULL;
        p += strlen("version: ");
        gsize n = strcspn(p, " \n");
        return n ? g_strndup(p, n) : NULL;
}

static gint res_by_name(gconstpointer a, gconstpointer b)
{
        return g_strcmp0((*(HamFactsRes *const *)a)->name, (*(HamFactsRes *const *)b)->name);
}

/* plastik's own .res files (pk-*.res) only: others are not ours to judge. */
static GPtrArray *gather_res(const char *dir)
{
        GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)ham_facts_res_free);
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *name;
        while (d && (name = g_dir_read_name(d))) {
                g_autofree char *res = g_str_has_suffix(name, ".res") ?
                                       g_strndup(name, strlen(name) - strlen(".res")) : NULL;
                /* A name the facts' codec refuses would make the peer, and
                 * hactl status here, refuse all of this node's facts. */
                if (!g_str_has_prefix(name, "pk-") || !res || !dg_res_name_valid(res) ||
                    out->len >= HAM_STATE_MAX_ITEMS)
                        continue;
                g_autofree char *path = g_build_filename(dir, name, NULL);
                g_autofree char *text = NULL;
                gsize len;
                if (!g_file_get_contents(path, &text, &len, NULL))
                        continue;
                HamFactsRes *r = g_new0(HamFactsRes, 1);
                r->name = g_steal_pointer(&res);
                r->sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)text, len);
                ham_res_facts_scan(text, r);
                g_ptr_array_add(out, r);
        }
        g_ptr_array_sort(out, res_by_name);
        return out;
}

static void refresh_slow(HamPeer *p)
{
        g_autoptr(HamConf) conf = NULL;
        g_autoptr(GError) error = NULL;

        g_ptr_array_unref(p->res);
        p->res = gather_res("/etc/drbd.d");
        g_ptr_array_set_size(p->lvs, 0);
        g_clear_pointer(&p->lv_error, g_free);
        conf = ham_conf_load(p->conf_path, &error);
        if (conf && conf->local.vg) {
                g_autoptr(GPtrArray) lvs = dg_lv_list(conf->local.vg, TRUE, &error);
                for (guint i = 0; lvs && i < lvs->len && p->lvs->len < HAM_STATE_MAX_ITEMS; i++) {
                        const DgLvInfo *info = lvs->pdata[i];
                        if (!dg_lv_name_valid(info->name))
                                continue;
                        HamFactsLv *l = g_new0(HamFactsLv, 1);
                        l->name = g_strdup(info->name);
                        l->size = info->size;
                        g_ptr_array_add(p->lvs, l);
                }
        }
        if (error)
                p->lv_error = g_strdup(error->message);
        g_free(p->v_drbd);
        p->v_drbd = drbd_version();
        g_autofree char *meminfo = NULL;
        p->mem_total_mib = g_file_get_contents("/proc/meminfo", &meminfo, NULL, NULL) ?
                ham_meminfo_total_mib(meminfo) : 0;
        /* Versions of programs are read once: they change with a restart. */
        if (!p->v_pacemaker)
                p->v_pacemaker = program_version("pacemakerd", "--version");
        if (!p->v_corosync)
                p->v_corosync = program_version("corosync", "-v");
}

static char *str_or_null_dup(const char *s)
{
        return s ? g_strdup(s) : NULL;
}

/* The split-brain handler's record of resource @name, or NULL. A record
 * that cannot be read counts as none: the resource still shows StandAlone
 * in status, and one bad file must not keep the rest of the facts from the
 * peer. It is logged once until it reads again, not at every DRBD event. */
static DgSplitBrain *split_brain_read(HamPeer *p, const char *name)
{
        g_autoptr(GError) error = NULL;
        DgSplitBrain *sb;

        /* The handler records plastik's resources only. */
        if (!dg_resource_name_parse(name, NULL, NULL))
                return NULL;
        sb = dg_split_brain_read(NULL, name, &error);
        if (error) {
                if (!g_hash_table_contains(p->sb_warned, name)) {
                        g_warning("%s: the split-brain record is ignored: %s", name,
                                  error->message);
                        g_hash_table_add(p->sb_warned, g_strdup(name));
                }
                return NULL;
        }
        g_hash_table_remove(p->sb_warned, name);
        return sb;
}

/* When the fence-peer handler that left @name's I/O frozen started, or 0.
 * It writes the record when it gives up, long after the DRBD event that
 * made us gather: the slow refresh picks it up. */
static gint64 frozen_read(const char *name)
{
        gint64 ms = 0;

        if (!dg_resource_name_parse(name, NULL, NULL) || !ham_frozen_read(NULL, name, &ms, NULL))
                return 0;
        return ms;
}

/* The handler runs during DRBD's handshake, so its record is normally there
 * before the StandAlone event that makes us gather; reading again with the
 * slow facts also catches one that came later or was removed by hand. */
static void refresh_split_brain(HamPeer *p)
{
        for (guint i = 0; p->local && i < p->local->drbd->len; i++) {
                HamFactsDrbd *d = p->local->drbd->pdata[i];
                dg_split_brain_free(d->split_brain);
                d->split_brain = split_brain_read(p, d->name);
                d->frozen_since = frozen_read(d->name);
        }
}

/* This node's facts now: the DRBD part from @drbd, the rest from the last refresh. */
static HamFacts *gather(HamPeer *p, const DgState *drbd)
{
        HamFacts *f = ham_facts_new(ham_corosync_local_name(p->cs));
        g_autoptr(json_object) cs = ham_corosync_to_json(p->cs);
        json_object *q = json_object_object_get(cs, "quorum");
        json_object *two = q ? json_object_object_get(q, "two_node") : NULL;

        f->v_plastik = g_strdup(PK_VERSION);
        f->v_drbd = str_or_null_dup(p->v_drbd);
        f->v_pacemaker = str_or_null_dup(p->v_pacemaker);
        f->v_corosync = str_or_null_dup(p->v_corosync);
        f->two_node = two ? json_object_get_boolean(two) : -1;
        f->mem_total_mib = p->mem_total_mib;
        for (guint i = 0; i < p->res->len; i++) {
                const HamFactsRes *r = p->res->pdata[i];
                HamFactsRes *c = g_new0(HamFactsRes, 1);
                *c = *r;
                c->name = g_strdup(r->name);
                c->sha256 = g_strdup(r->sha256);
                c->protocol = str_or_null_dup(r->protocol);
                c->fencing = str_or_null_dup(r->fencing);
                g_ptr_array_add(f->res, c);
        }
        for (guint i = 0; i < p->lvs->len; i++) {
                const HamFactsLv *l = p->lvs->pdata[i];
                HamFactsLv *c = g_new0(HamFactsLv, 1);
                c->name = g_strdup(l->name);
                c->size = l->size;
                g_ptr_array_add(f->lvs, c);
        }
        g_autoptr(GPtrArray) names = drbd ? dg_state_names(drbd) : g_ptr_array_new();
        for (guint i = 0; i < names->len && f->drbd->len < HAM_STATE_MAX_ITEMS; i++) {
                const DgResourceState *r = dg_state_lookup(drbd, names->pdata[i]);
                if (!r || !dg_res_name_valid(r->name))
                        continue;
                HamFactsDrbd *d = ham_facts_drbd_from_state(r);
                d->split_brain = split_brain_read(p, d->name);
                d->frozen_since = frozen_read(d->name);
                g_ptr_array_add(f->drbd, d);
        }
        ham_facts_sort(f);
        return f;
}

/* ---- sending ------------------------------------------------------------------ */

static void send_now(HamPeer *p, gboolean force)
{
        g_autoptr(GError) error = NULL;
        if (!p->local || !p->local->node || !ham_corosync_connected(p->cs))
                return;
        /* seq and at change with every message; compare without them. */
        p->local->seq = 0;
        p->local->at = 0;
        g_autofree char *cmp = ham_state_msg_build(p->local);
        if (!force && g_strcmp0(cmp, p->sent) == 0)
                return;
        p->local->seq = ++p->seq;
        p->local->at = g_get_real_time() / G_USEC_PER_SEC;
        g_autofree char *text = ham_state_msg_build(p->local);
        if (strlen(text) > HAM_CPG_MAX_MESSAGE) {
                g_warning("peer: the state message is %zu bytes, over %d: not sent",
                          strlen(text), HAM_CPG_MAX_MESSAGE);
                return;
        }
        if (!ham_corosync_send_text(p->cs, text, &error)) {
                g_warning("peer: sending the state message: %s", error->message);
                return;
        }
        p->sent_count++;
        g_free(p->sent);
        p->sent = g_steal_pointer(&cmp);
}

static gboolean send_cb(gpointer data)
{
        HamPeer *p = data;
        p->send_source = 0;
        send_now(p, FALSE);
        return G_SOURCE_REMOVE;
}

static gboolean slow_cb(gpointer data)
{
        HamPeer *p = data;
        refresh_slow(p);
        refresh_split_brain(p);
        /* Resent even unchanged: it is also how the peer knows we live. */
        send_now(p, TRUE);
        return G_SOURCE_CONTINUE;
}

/* ---- receiving ------------------------------------------------------------------ */

static void on_state(const char *sender, const char *data, gsize len, gpointer user_data)
{
        HamPeer *p = user_data;
        g_autoptr(GError) error = NULL;
        HamFacts *f = ham_state_msg_parse(data, len, &error);
        if (!f) {
                p->dropped++;
                g_warning("peer: dropped a state message from %s: %s", sender ? sender : "?",
                          error->message);
                return;
        }
        /* A node speaks for itself only. */
        if (!sender || !g_str_equal(sender, f->node)) {
                p->dropped++;
                g_warning("peer: dropped a state message from %s claiming to be %s",
                          sender ? sender : "?", f->node);
                ham_facts_free(f);
                return;
        }
        gint64 *at = g_new(gint64, 1);
        *at = g_get_real_time() / G_USEC_PER_SEC;
        p->received++;
        g_hash_table_replace(p->peers_at, g_strdup(f->node), at);
        g_hash_table_replace(p->peers, g_strdup(f->node), f);
}

/* ---- the object ------------------------------------------------------------------ */

HamPeer *ham_peer_new(HamCorosync *cs, const char *conf_path)
{
        HamPeer *p = g_new0(HamPeer, 1);
        p->cs = cs;
        p->conf_path = g_strdup(conf_path);
        p->peers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify)ham_facts_free);
        p->peers_at = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        p->membership = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        p->res = g_ptr_array_new_with_free_func((GDestroyNotify)ham_facts_res_free);
        p->lvs = g_ptr_array_new_with_free_func((GDestroyNotify)ham_facts_lv_free);
        p->sb_warned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        refresh_slow(p);
        p->slow_source = g_timeout_add_seconds(SLOW_REFRESH_S, slow_cb, p);
        ham_corosync_set_state_handler(cs, on_state, p);
        return p;
}

void ham_peer_free(HamPeer *p)
{
        if (!p)
                return;
        ham_corosync_set_state_handler(p->cs, NULL, NULL);
        g_clear_handle_id(&p->send_source, g_source_remove);
        g_clear_handle_id(&p->slow_source, g_source_remove);
        ham_facts_free(p->local);
        g_free(p->sent);
        g_free(p->conf_path);
        g_hash_table_unref(p->peers);
        g_hash_table_unref(p->peers_at);
        g_hash_table_unref(p->membership);
        g_ptr_array_unref(p->res);
        g_ptr_array_unref(p->lvs);
        g_free(p->v_drbd);
        g_free(p->v_pacemaker);
        g_free(p->v_corosync);
        g_free(p->lv_error);
        g_hash_table_unref(p->sb_warned);
        g_free(p->group);
        g_free(p);
}

static char *names_of(json_object *arr)
{
        GString *s = g_string_new(NULL);
        for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
                const char *n = json_object_get_string(json_object_object_get(
                        json_object_array_get_idx(arr, i), "name"));
                g_string_append_printf(s, "%s,", n ? n : "?");
        }
        return g_string_free(s, FALSE);
}

void ham_peer_changed(HamPeer *p, const DgState *drbd)
{
        g_autoptr(json_object) cs = ham_corosync_to_json(p->cs);
        json_object *members = json_object_object_get(cs, "members");
        gint64 now = g_get_real_time() / G_USEC_PER_SEC;
        gboolean connected = ham_corosync_connected(p->cs);

        /* Membership with wall-clock times, for "offline since". Only a
         * connected corosync says who is gone. */
        if (connected) {
                GHashTableIter it;
                gpointer k, v;
                for (size_t i = 0; members && i < json_object_array_length(members); i++) {
                        const char *n = json_object_get_string(json_object_object_get(
                                json_object_array_get_idx(members, i), "name"));
                        if (!n)
                                continue;
                        Membership *m = g_hash_table_lookup(p->membership, n);
                        if (!m) {
                                m = g_new0(Membership, 1);
                                m->member = TRUE;
                                g_hash_table_insert(p->membership, g_strdup(n), m);
                        } else if (!m->member) {
                                m->member = TRUE;
                                m->back_at = now;
                                g_message("peer: %s is back", n);
                        }
                }
                g_hash_table_iter_init(&it, p->membership);
                while (g_hash_table_iter_next(&it, &k, &v)) {
                        Membership *m = v;
                        gboolean in = FALSE;
                        for (size_t i = 0; members && i < json_object_array_length(members); i++)
                                if (g_strcmp0(json_object_get_string(json_object_object_get(
                                        json_object_array_get_idx(members, i), "name")), k) == 0)
                                        in = TRUE;
                        if (m->member && !in) {
                                m->member = FALSE;
                                m->lost_at = now;
                                g_message("peer: %s left the membership", (char *)k);
                        }
                }
        }

        ham_facts_free(p->local);
        p->local = gather(p, drbd);
        /* A hamgrd that joined has nothing of ours yet: send at once. */
        g_autofree char *group = names_of(json_object_object_get(cs, "hamgrd_group"));
        if (g_strcmp0(group, p->group) != 0) {
                g_free(p->group);
                p->group = g_steal_pointer(&group);
                send_now(p, TRUE);
                return;
        }
        if (!p->send_source)
                p->send_source = g_timeout_add(SEND_DELAY_MS, send_cb, p);
}

void ham_peer_refresh(HamPeer *p, const DgState *drbd)
{
        refresh_slow(p);
        ham_facts_free(p->local);
        p->local = gather(p, drbd);
}

json_object *ham_peer_facts_json(HamPeer *p)
{
        json_object *o = json_object_new_object();
        json_object *facts = json_object_new_object();
        json_object *at = json_object_new_object();
        GHashTableIter it;
        gpointer k, v;

        g_hash_table_iter_init(&it, p->peers);
        while (g_hash_table_iter_next(&it, &k, &v)) {
                if (p->local && g_strcmp0(k, p->local->node) == 0)
                        continue;
                json_object_object_add(facts, k, ham_facts_to_json(v));
                json_object_object_add(at, k, json_object_new_int64(
                        *(gint64 *)g_hash_table_lookup(p->peers_at, k)));
        }
        if (p->local && p->local->node) {
                json_object_object_add(facts, p->local->node, ham_facts_to_json(p->local));
                json_object_object_add(at, p->local->node,
                                       json_object_new_int64(g_get_real_time() / G_USEC_PER_SEC));
        }
        json_object_object_add(o, "facts", facts);
        json_object_object_add(o, "facts_at", at);
        return o;
}

void ham_peer_membership(HamPeer *p, const char *node, gint64 *ret_lost_at, gint64 *ret_back_at)
{
        Membership *m = node ? g_hash_table_lookup(p->membership, node) : NULL;
        *ret_lost_at = m && !m->member ? m->lost_at : 0;
        *ret_back_at = m ? m->back_at : 0;
}

json_object *ham_peer_to_json(HamPeer *p)
{
        json_object *o = json_object_new_object();
        json_object_object_add(o, "sent", json_object_new_int64(p->sent_count));
        json_object_object_add(o, "received", json_object_new_int64(p->received));
        json_object_object_add(o, "dropped", json_object_new_int64(p->dropped));
        json_object_object_add(o, "lv_error", p->lv_error ? json_object_new_string(p->lv_error) : NULL);
        return o;
}
