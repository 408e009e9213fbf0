/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hamgrd's view of corosync: the CPG group "plastik" (which nodes run a
 * hamgrd), votequorum (quorate, two_node, votes) and cmap (node names).
 * corosync may be absent or restart at any time: every failure tears the
 * three connections down together and a timer with exponential backoff
 * tries again, so a dead corosync costs one attempt per backoff step, never
 * a busy loop.
 */
#include "daemon.h"
#include "ham-status.h"
#include "ham-txn.h"
#include "pk.h"
#include "pk-config.h"

#include <corosync/cmap.h>
#include <corosync/cpg.h>
#include <corosync/votequorum.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define CPG_GROUP "plastik"
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000

typedef struct {
        guint32 nodeid;
        guint32 pid;
        char *version;   /* from the peer's hello, NULL until it came */
} CpgMember;

struct HamCorosync {
        HamChangedFunc changed;
        gpointer user_data;

        cpg_handle_t cpg;
        votequorum_handle_t vq;
        guint cpg_source, vq_source, retry_source;
        gboolean cpg_up, vq_up;
        guint backoff_ms;
        char *last_error;

        guint32 local_nodeid;
        GHashTable *names;       /* nodeid → name (cmap nodelist) */
        GArray *cpg_members;     /* CpgMember */
        GArray *quorum_members;  /* guint32 nodeid */
        HamCpgMessageFunc message_func;
        gpointer message_data;
        struct votequorum_info info;
        gboolean have_info;
        guint reconnects;
        HamStateFunc state_func;
        gpointer state_data;
};

static void cs_connect(HamCorosync *cs);

static void cpg_member_clear(gpointer p)
{
        g_free(((CpgMember *)p)->version);
}

static void set_error(HamCorosync *cs, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void set_error(HamCorosync *cs, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        g_free(cs->last_error);
        cs->last_error = g_strdup_vprintf(fmt, ap);
        va_end(ap);
}

static void cs_disconnect(HamCorosync *cs)
{
        g_clear_handle_id(&cs->cpg_source, g_source_remove);
        g_clear_handle_id(&cs->vq_source, g_source_remove);
        if (cs->cpg_up || cs->cpg) {
                cpg_finalize(cs->cpg);
                cs->cpg = 0;
        }
        if (cs->vq_up || cs->vq) {
                votequorum_finalize(cs->vq);
                cs->vq = 0;
        }
        cs->cpg_up = cs->vq_up = FALSE;
        cs->have_info = FALSE;
        g_array_set_size(cs->cpg_members, 0);
        g_array_set_size(cs->quorum_members, 0);
}

static gboolean retry_cb(gpointer data)
{
        HamCorosync *cs = data;
        cs->retry_source = 0;
        cs_connect(cs);
        return G_SOURCE_REMOVE;
}

static void schedule_retry(HamCorosync *cs)
{
        if (cs->retry_source)
                return;
        g_debug("corosync: next attempt in %u ms", cs->backoff_ms);
        cs->retry_source = g_timeout_add(cs->backoff_ms, retry_cb, cs);
        cs->backoff_ms = MIN(cs->backoff_ms * 2, BACKOFF_MAX_MS);
}

/* Lost the connection: report it once, drop the state, try again later. */
static void cs_lost(HamCorosync *cs, const char *what, cs_error_t err)
{
        gboolean was_up = cs->cpg_up && cs->vq_up;
        set_error(cs, "%s: %s", what, cs_strerror(err));
        if (was_up)
                g_warning("corosync connection lost (%s); reconnecting", cs->last_error);
        cs_disconnect(cs);
        schedule_retry(cs);
        cs->changed(cs->user_data);
}

static void read_names(HamCorosync *cs)
{
        cmap_handle_t cmap;
        cmap_iter_handle_t iter;
        char key[CMAP_KEYNAME_MAXLEN + 1];
        size_t len;
        cmap_value_types_t type;

        if (cmap_initialize(&cmap) != CS_OK)
                return;
        g_hash_table_remove_all(cs->names);
        if (cmap_iter_init(cmap, "nodelist.node.", &iter) == CS_OK) {
                while (cmap_iter_next(cmap, iter, key, &len, &type) == CS_OK) {
                        unsigned idx;
                        char field[64];
                        if (sscanf(key, "nodelist.node.%u.%63s", &idx, field) != 2 ||
                            !g_str_equal(field, "nodeid"))
                                continue;
                        uint32_t nodeid;
                        char *name = NULL;
                        g_autofree char *kname = g_strdup_printf("nodelist.node.%u.name", idx);
                        g_autofree char *kring = g_strdup_printf("nodelist.node.%u.ring0_addr", idx);
                        if (cmap_get_uint32(cmap, key, &nodeid) != CS_OK)
                                continue;
                        if (cmap_get_string(cmap, kname, &name) != CS_OK &&
                            cmap_get_string(cmap, kring, &name) != CS_OK)
                                continue;
                        g_hash_table_insert(cs->names, GUINT_TO_POINTER(nodeid), g_strdup(name));
                        free(name);
                }
                cmap_iter_finalize(cmap, iter);
        }
        cmap_finalize(cmap);
}

static const char *node_name(HamCorosync *cs, guint32 nodeid)
{
        return g_hash_table_lookup(cs->names, GUINT_TO_POINTER(nodeid));
}

static void send_hello(HamCorosync *cs)
{
        HamCpgMsg hello = { .type = HAM_CPG_HELLO, .version = (char *)PK_VERSION };
        g_autofree char *text = ham_cpg_msg_to_string(&hello);
        struct iovec iov = { .iov_base = text, .iov_len = strlen(text) };
        cs_error_t err = cpg_mcast_joined(cs->cpg, CPG_TYPE_AGREED, &iov, 1);
        if (err != CS_OK)
                g_warning("corosync: sending hello to the CPG group: %s", cs_strerror(err));
}

static CpgMember *find_member(HamCorosync *cs, guint32 nodeid, guint32 pid)
{
        for (guint i = 0; i < cs->cpg_members->len; i++) {
                CpgMember *m = &g_array_index(cs->cpg_members, CpgMember, i);
                if (m->nodeid == nodeid && m->pid == pid)
                        return m;
        }
        return NULL;
}

/* Messages from peers are input like any other: validated, never trusted. */
static void cpg_deliver(cpg_handle_t handle, const struct cpg_name *group, uint32_t nodeid,
                        uint32_t pid, void *msg, size_t len)
{
        HamCorosync *cs = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(HamCpgMsg) m = NULL;

        cpg_context_get(handle, (void **)&cs);
        if (!cs)
                return;
        /* The peer's facts have their own parser (ham-status.h). */
        if (ham_state_msg_is(msg, len)) {
                if (nodeid != cs->local_nodeid && cs->state_func)
                        cs->state_func(node_name(cs, nodeid), msg, len, cs->state_data);
                return;
        }
        m = ham_cpg_msg_parse(msg, len, &error);
        if (!m) {
                g_warning("corosync: dropped a CPG message from node %u: %s", nodeid, error->message);
                return;
        }
        if (m->type == HAM_CPG_HELLO) {
                CpgMember *mem = find_member(cs, nodeid, pid);
                if (mem) {
                        g_free(mem->version);
                        mem->version = g_strdup(m->version);
                        cs->changed(cs->user_data);
                }
                return;
        }
        if (cs->message_func)
                cs->message_func(m, node_name(cs, nodeid), cs->message_data);
        else
                g_debug("corosync: CPG %s message from node %u ignored",
                        ham_cpg_type_name(m->type), nodeid);
}

static void cpg_confchg(cpg_handle_t handle, const struct cpg_name *group,
                        const struct cpg_address *members, size_t n_members,
                        const struct cpg_address *left, size_t n_left,
                        const struct cpg_address *joined, size_t n_joined)
{
        HamCorosync *cs = NULL;
        g_autoptr(GArray) old = NULL;

        cpg_context_get(handle, (void **)&cs);
        if (!cs)
                return;
        old = cs->cpg_members;
        g_array_set_clear_func(old, cpg_member_clear);
        cs->cpg_members = g_array_new(FALSE, TRUE, sizeof(CpgMember));
        for (size_t i = 0; i < n_members; i++) {
                CpgMember m = { members[i].nodeid, members[i].pid, NULL };
                for (guint j = 0; j < old->len; j++) {
                        CpgMember *o = &g_array_index(old, CpgMember, j);
                        if (o->nodeid == m.nodeid && o->pid == m.pid)
                                m.version = g_strdup(o->version);
                }
                g_array_append_val(cs->cpg_members, m);
        }
        for (size_t i = 0; i < n_left; i++)
                g_message("corosync: hamgrd on node %u (%s) left the group",
                          left[i].nodeid, node_name(cs, left[i].nodeid) ?: "?");
        for (size_t i = 0; i < n_joined; i++)
                g_message("corosync: hamgrd on node %u (%s) joined the group",
                          joined[i].nodeid, node_name(cs, joined[i].nodeid) ?: "?");
        /* Names may be new (a node added to corosync.conf and reloaded). */
        if (n_joined)
                read_names(cs);
        if (n_joined)
                send_hello(cs);
        cs->changed(cs->user_data);
}

static void refresh_quorum(HamCorosync *cs)
{
        cs_error_t err = votequorum_getinfo(cs->vq, cs->local_nodeid, &cs->info);
        cs->have_info = err == CS_OK;
}

static void vq_notify(votequorum_handle_t handle, uint64_t context, uint32_t quorate,
                      uint32_t n_nodes, votequorum_node_t nodes[])
{
        HamCorosync *cs = NULL;
        votequorum_context_get(handle, (void **)&cs);
        if (!cs)
                return;
        g_array_set_size(cs->quorum_members, 0);
        for (uint32_t i = 0; i < n_nodes; i++)
                if (nodes[i].state == VOTEQUORUM_NODESTATE_MEMBER)
                        g_array_append_val(cs->quorum_members, nodes[i].nodeid);
        gboolean was = cs->have_info && (cs->info.flags & VOTEQUORUM_INFO_QUORATE);
        refresh_quorum(cs);
        if (was != (gboolean)!!quorate)
                g_message("corosync: %s", quorate ? "quorate" : "quorum lost");
        cs->changed(cs->user_data);
}

static void vq_expected(votequorum_handle_t handle, uint64_t context, uint32_t expected)
{
        HamCorosync *cs = NULL;
        votequorum_context_get(handle, (void **)&cs);
        if (!cs)
                return;
        refresh_quorum(cs);
        cs->changed(cs->user_data);
}

static gboolean cpg_ready(gint fd, GIOCondition cond, gpointer data)
{
        HamCorosync *cs = data;
        cs_error_t err = cpg_dispatch(cs->cpg, CS_DISPATCH_ALL);
        if (err != CS_OK && err != CS_ERR_TRY_AGAIN) {
                cs->cpg_source = 0; /* this source goes away with the return */
                cs_lost(cs, "CPG dispatch", err);
                return G_SOURCE_REMOVE;
        }
        return G_SOURCE_CONTINUE;
}

static gboolean vq_ready(gint fd, GIOCondition cond, gpointer data)
{
        HamCorosync *cs = data;
        cs_error_t err = votequorum_dispatch(cs->vq, CS_DISPATCH_ALL);
        if (err != CS_OK && err != CS_ERR_TRY_AGAIN) {
                cs->vq_source = 0;
                cs_lost(cs, "votequorum dispatch", err);
                return G_SOURCE_REMOVE;
        }
        return G_SOURCE_CONTINUE;
}

static void cs_connect(HamCorosync *cs)
{
        cpg_model_v1_data_t model = {
                .model = CPG_MODEL_V1,
                .cpg_deliver_fn = cpg_deliver,
                .cpg_confchg_fn = cpg_confchg,
        };
        votequorum_callbacks_t vq_callbacks = {
                .votequorum_quorum_notify_fn = vq_notify,
                .votequorum_expectedvotes_notify_fn = vq_expected,
        };
        struct cpg_name group;
        cs_error_t err;
        int fd;

        cs->reconnects++;
        err = cpg_model_initialize(&cs->cpg, CPG_MODEL_V1, (cpg_model_data_t *)&model, NULL);
        if (err != CS_OK) {
                cs->cpg = 0;
                cs_lost(cs, "cannot connect to corosync (CPG)", err);
                return;
        }
        cs->cpg_up = TRUE;
        cpg_context_set(cs->cpg, cs);
        if ((err = cpg_local_get(cs->cpg, &cs->local_nodeid)) != CS_OK) {
                cs_lost(cs, "CPG local node id", err);
                return;
        }
        memset(&group, 0, sizeof(group));
        group.length = strlen(CPG_GROUP);
        memcpy(group.value, CPG_GROUP, group.length);
        /* TRY_AGAIN while corosync is busy (e.g. still syncing). */
        for (int i = 0; i < 10; i++) {
                err = cpg_join(cs->cpg, &group);
                if (err != CS_ERR_TRY_AGAIN)
                        break;
                g_usleep(100 * 1000);
        }
        if (err != CS_OK) {
                cs_lost(cs, "joining CPG group " CPG_GROUP, err);
                return;
        }
        if ((err = cpg_fd_get(cs->cpg, &fd)) != CS_OK) {
                cs_lost(cs, "CPG fd", err);
                return;
        }
        cs->cpg_source = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, cpg_ready, cs);

        err = votequorum_initialize(&cs->vq, &vq_callbacks);
        if (err != CS_OK) {
                cs->vq = 0;
                cs_lost(cs, "cannot connect to corosync (votequorum)", err);
                return;
        }
        cs->vq_up = TRUE;
        votequorum_context_set(cs->vq, cs);
        if ((err = votequorum_trackstart(cs->vq, 0, CS_TRACK_CHANGES | CS_TRACK_CURRENT)) != CS_OK) {
                cs_lost(cs, "votequorum tracking", err);
                return;
        }
        if ((err = votequorum_fd_get(cs->vq, &fd)) != CS_OK) {
                cs_lost(cs, "votequorum fd", err);
                return;
        }
        cs->vq_source = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, vq_ready, cs);
        read_names(cs);
        refresh_quorum(cs);
        cs->backoff_ms = BACKOFF_MIN_MS;
        g_clear_pointer(&cs->last_error, g_free);
        g_message("corosync: connected as node %u (%s), joined CPG group " CPG_GROUP,
                  cs->local_nodeid, node_name(cs, cs->local_nodeid) ?: "name unknown");
        cs->changed(cs->user_data);
}

HamCorosync *ham_corosync_new(HamChangedFunc changed, gpointer user_data)
{
        HamCorosync *cs = g_new0(HamCorosync, 1);
        cs->changed = changed;
        cs->user_data = user_data;
        cs->backoff_ms = BACKOFF_MIN_MS;
        cs->names = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
        cs->cpg_members = g_array_new(FALSE, TRUE, sizeof(CpgMember));
        g_array_set_clear_func(cs->cpg_members, cpg_member_clear);
        cs->quorum_members = g_array_new(FALSE, TRUE, sizeof(guint32));
        cs_connect(cs);
        return cs;
}

void ham_corosync_free(HamCorosync *cs)
{
        if (!cs)
                return;
        cs_disconnect(cs);
        g_clear_handle_id(&cs->retry_source, g_source_remove);
        g_hash_table_unref(cs->names);
        g_array_unref(cs->cpg_members);
        g_array_unref(cs->quorum_members);
        g_free(cs->last_error);
        g_free(cs);
}

void ham_corosync_set_message_func(HamCorosync *cs, HamCpgMessageFunc func, gpointer user_data)
{
        cs->message_func = func;
        cs->message_data = user_data;
}

gboolean ham_corosync_send(HamCorosync *cs, const HamCpgMsg *msg, GError **error)
{
        g_autofree char *text = ham_cpg_msg_to_string(msg);

        if (!ham_corosync_send_text(cs, text, error)) {
                g_prefix_error(error, "sending %s: ", ham_cpg_type_name(msg->type));
                return FALSE;
        }
        return TRUE;
}

gboolean ham_corosync_send_text(HamCorosync *cs, const char *text, GError **error)
{
        struct iovec iov = { .iov_base = (void *)text, .iov_len = strlen(text) };
        cs_error_t err;

        if (!ham_corosync_connected(cs)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_UNAVAILABLE,
                            "not connected to corosync; is it running?");
                return FALSE;
        }
        /* CS_ERR_TRY_AGAIN is corosync's flow control: brief, so retried. */
        for (int i = 0; i < 100; i++) {
                err = cpg_mcast_joined(cs->cpg, CPG_TYPE_AGREED, &iov, 1);
                if (err != CS_ERR_TRY_AGAIN)
                        break;
                g_usleep(10000);
        }
        if (err != CS_OK) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_FAILED,
                            "multicast to the CPG group: %s", cs_strerror(err));
                return FALSE;
        }
        return TRUE;
}

gboolean ham_corosync_quorate(HamCorosync *cs)
{
        return ham_corosync_connected(cs) && cs->have_info &&
               (cs->info.flags & VOTEQUORUM_INFO_QUORATE);
}

gboolean ham_corosync_connected(HamCorosync *cs)
{
        return cs->cpg_up && cs->vq_up;
}

const char *ham_corosync_local_name(HamCorosync *cs)
{
        return ham_corosync_connected(cs) ? node_name(cs, cs->local_nodeid) : NULL;
}

GPtrArray *ham_corosync_members(HamCorosync *cs)
{
        GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < cs->cpg_members->len; i++) {
                guint32 id = g_array_index(cs->cpg_members, CpgMember, i).nodeid;
                const char *n = node_name(cs, id);
                g_ptr_array_add(names, n ? g_strdup(n) : g_strdup_printf("%u", id));
        }
        return names;
}

static json_object *node_json(HamCorosync *cs, guint32 nodeid)
{
        json_object *n = json_object_new_object();
        const char *name = node_name(cs, nodeid);
        json_object_object_add(n, "nodeid", json_object_new_int64(nodeid));
        json_object_object_add(n, "name", name ? json_object_new_string(name) : NULL);
        return n;
}

json_object *ham_corosync_to_json(HamCorosync *cs)
{
        json_object *obj = json_object_new_object();
        gboolean up = ham_corosync_connected(cs);

        json_object_object_add(obj, "connected", json_object_new_boolean(up));
        if (!up) {
                json_object_object_add(obj, "error", cs->last_error ?
                                       json_object_new_string(cs->last_error) : NULL);
                return obj;
        }
        json_object_object_add(obj, "local", node_json(cs, cs->local_nodeid));
        json_object *q = json_object_new_object();
        if (cs->have_info) {
                json_object_object_add(q, "quorate", json_object_new_boolean(
                        !!(cs->info.flags & VOTEQUORUM_INFO_QUORATE)));
                json_object_object_add(q, "two_node", json_object_new_boolean(
                        !!(cs->info.flags & VOTEQUORUM_INFO_TWONODE)));
                json_object_object_add(q, "wait_for_all", json_object_new_boolean(
                        !!(cs->info.flags & VOTEQUORUM_INFO_WAIT_FOR_ALL)));
                json_object_object_add(q, "expected_votes",
                                       json_object_new_int64(cs->info.node_expected_votes));
                json_object_object_add(q, "total_votes", json_object_new_int64(cs->info.total_votes));
                json_object_object_add(q, "quorum", json_object_new_int64(cs->info.quorum));
        }
        json_object_object_add(obj, "quorum", q);
        json_object *members = json_object_new_array();
        for (guint i = 0; i < cs->quorum_members->len; i++)
                json_object_array_add(members, node_json(cs, g_array_index(cs->quorum_members,
                                                                           guint32, i)));
        json_object_object_add(obj, "members", members);
        json_object *group = json_object_new_array();
        for (guint i = 0; i < cs->cpg_members->len; i++) {
                CpgMember *m = &g_array_index(cs->cpg_members, CpgMember, i);
                json_object *n = node_json(cs, m->nodeid);
                json_object_object_add(n, "pid", json_object_new_int64(m->pid));
                json_object_object_add(n, "version", m->version ? json_object_new_string(m->version) : NULL);
                json_object_array_add(group, n);
        }
        json_object_object_add(obj, "hamgrd_group", group);
        return obj;
}

void ham_corosync_set_state_handler(HamCorosync *cs, HamStateFunc func, gpointer user_data)
{
        cs->state_func = func;
        cs->state_data = user_data;
}
