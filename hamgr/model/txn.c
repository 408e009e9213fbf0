/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPG messages and the coordinator's state machine (ham-txn.h): pure. */
#include "ham-txn.h"
#include "ham-api.h"
#include "ham-status.h"
#include "dg.h"
#include "hv.h"
#include "pk.h"

#include <string.h>

static const char *const type_names[] = {
        [HAM_CPG_HELLO] = "hello",
        [HAM_CPG_PREPARE] = "prepare",
        [HAM_CPG_PREPARED] = "prepared",
        [HAM_CPG_COMMIT] = "commit",
        [HAM_CPG_ABORT] = "abort",
        [HAM_CPG_REMOVE] = "remove",
        [HAM_CPG_REMOVED] = "removed",
};

const char *ham_cpg_type_name(HamCpgType type)
{
        return (guint)type < G_N_ELEMENTS(type_names) ? type_names[type] : "?";
}

void ham_cpg_msg_free(HamCpgMsg *msg)
{
        if (!msg)
                return;
        g_free(msg->txn);
        g_free(msg->version);
        g_free(msg->guest);
        for (guint i = 0; i < msg->n_volumes; i++)
                g_free(msg->volumes[i].volume);
        g_free(msg->volumes);
        g_free(msg->node);
        g_free(msg->error);
        g_strfreev(msg->removed);
        g_free(msg);
}

static HamCpgMsg *msg_copy(const HamCpgMsg *m)
{
        HamCpgMsg *c = g_new0(HamCpgMsg, 1);
        *c = *m;
        c->txn = g_strdup(m->txn);
        c->version = g_strdup(m->version);
        c->guest = g_strdup(m->guest);
        c->node = g_strdup(m->node);
        c->error = g_strdup(m->error);
        c->removed = g_strdupv(m->removed);
        c->volumes = g_new0(HamCpgVolume, m->n_volumes);
        for (guint i = 0; i < m->n_volumes; i++) {
                c->volumes[i] = m->volumes[i];
                c->volumes[i].volume = g_strdup(m->volumes[i].volume);
        }
        return c;
}

/* ---- parsing ------------------------------------------------------------- */

gboolean ham_txn_id_valid(const char *s)
{
        gsize n = strlen(s);
        if (n == 0 || n > 64)
                return FALSE;
        for (gsize i = 0; i < n; i++)
                if (!g_ascii_isalnum(s[i]) && !strchr("._-:", s[i]))
                        return FALSE;
        return TRUE;
}

static gboolean get_field(json_object *obj, const char *path, const char *key, json_type type,
                          json_object **ret, GError **error)
{
        json_object *v;
        if (!json_object_object_get_ex(obj, key, &v)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID, "%s%s: missing", path, key);
                return FALSE;
        }
        if (!json_object_is_type(v, type)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "%s%s: must be %s (got %s)", path, key,
                            type == json_type_int ? "an integer" : json_type_to_name(type),
                            pk_json_type_name(v));
                return FALSE;
        }
        *ret = v;
        return TRUE;
}

/* A string without NUL that passes @check. (transfer full) */
static char *get_string(json_object *obj, const char *path, const char *key,
                        gboolean (*check)(const char *), const char *rule, GError **error)
{
        json_object *v;
        if (!get_field(obj, path, key, json_type_string, &v, error))
                return NULL;
        const char *s = json_object_get_string(v);
        if ((gsize)json_object_get_string_len(v) != strlen(s) || (check && !check(s))) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID, "%s%s: must be %s",
                            path, key, rule);
                return NULL;
        }
        return g_strdup(s);
}

static gboolean get_uint(json_object *obj, const char *path, const char *key, gint64 min,
                         gint64 max, guint64 *ret, GError **error)
{
        json_object *v;
        if (!get_field(obj, path, key, json_type_int, &v, error))
                return FALSE;
        gint64 n = json_object_get_int64(v);
        if (n < min || n > max) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "%s%s: must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                            path, key, min, max);
                return FALSE;
        }
        *ret = (guint64)n;
        return TRUE;
}

static gboolean parse_volumes(json_object *obj, HamCpgMsg *m, GError **error)
{
        json_object *arr;
        if (!get_field(obj, "", "volumes", json_type_array, &arr, error))
                return FALSE;
        gsize n = json_object_array_length(arr);
        if (n == 0 || n > HAM_TXN_MAX_VOLUMES) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "volumes: must hold 1 to %d volumes", HAM_TXN_MAX_VOLUMES);
                return FALSE;
        }
        m->volumes = g_new0(HamCpgVolume, n);
        for (gsize i = 0; i < n; i++) {
                json_object *v = json_object_array_get_idx(arr, i);
                g_autofree char *path = g_strdup_printf("volumes[%zu].", i);
                HamCpgVolume *vol = &m->volumes[i];
                guint64 minor, port;
                if (!json_object_is_type(v, json_type_object)) {
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                                    "volumes[%zu]: must be an object", i);
                        return FALSE;
                }
                m->n_volumes++;
                vol->volume = get_string(v, path, "volume", dg_volume_name_valid,
                                         "a volume name: " DG_VOLUME_NAME_RULE, error);
                if (!vol->volume ||
                    !get_uint(v, path, "size", 1, G_MAXINT64, &vol->size, error) ||
                    !get_uint(v, path, "minor", 0, 1048575, &minor, error) ||
                    !get_uint(v, path, "port", 1024, 65535, &port, error))
                        return FALSE;
                vol->minor = (guint)minor;
                vol->port = (guint)port;
                for (gsize j = 0; j < i; j++) {
                        const HamCpgVolume *o = &m->volumes[j];
                        const char *what = g_str_equal(o->volume, vol->volume) ? "volume" :
                                           o->minor == vol->minor ? "minor" :
                                           o->port == vol->port ? "port" : NULL;
                        if (what) {
                                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                                            "volumes[%zu].%s: the same as volumes[%zu]'s", i,
                                            what, j);
                                return FALSE;
                        }
                }
        }
        return TRUE;
}

/* The resources a node removed: a short list of names of ours. */
static gboolean parse_removed(json_object *obj, HamCpgMsg *m, GError **error)
{
        json_object *arr;
        if (!get_field(obj, "", "removed", json_type_array, &arr, error))
                return FALSE;
        size_t n = json_object_array_length(arr);
        if (n > 4 * HAM_TXN_MAX_VOLUMES) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "removed: more than %d names", 4 * HAM_TXN_MAX_VOLUMES);
                return FALSE;
        }
        m->removed = g_new0(char *, n + 1);
        for (size_t i = 0; i < n; i++) {
                json_object *v = json_object_array_get_idx(arr, i);
                const char *s = json_object_get_string(v);
                if (!json_object_is_type(v, json_type_string) ||
                    (gsize)json_object_get_string_len(v) != strlen(s) || !dg_res_name_valid(s)) {
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                                    "removed[%zu]: must be a resource name", i);
                        return FALSE;
                }
                m->removed[i] = g_strdup(s);
        }
        return TRUE;
}

HamCpgMsg *ham_cpg_msg_parse(const char *data, gsize len, GError **error)
{
        g_autoptr(json_object) obj = NULL;
        g_autoptr(HamCpgMsg) m = g_new0(HamCpgMsg, 1);
        g_autofree char *type = NULL;
        json_object *v;
        guint t;

        if (len > HAM_CPG_MAX_MESSAGE || memchr(data, '\0', len)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "message: over %d bytes or holds a NUL byte", HAM_CPG_MAX_MESSAGE);
                return NULL;
        }
        obj = pk_json_parse(data, (gssize)len, "message", error);
        if (!obj)
                return NULL;
        if (!json_object_is_type(obj, json_type_object)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "message: must be an object (got %s)", pk_json_type_name(obj));
                return NULL;
        }
        if (!get_field(obj, "", "v", json_type_int, &v, error))
                return NULL;
        if (json_object_get_int64(v) != HAM_CPG_VERSION) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "v: version %" G_GINT64_FORMAT " is not spoken here (only %d)",
                            json_object_get_int64(v), HAM_CPG_VERSION);
                return NULL;
        }
        type = get_string(obj, "", "type", NULL, "a string", error);
        if (!type)
                return NULL;
        for (t = 0; t < G_N_ELEMENTS(type_names); t++)
                if (g_str_equal(type, type_names[t]))
                        break;
        if (t == G_N_ELEMENTS(type_names)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "type: unknown message type \"%.32s\"", type);
                return NULL;
        }
        m->type = (HamCpgType)t;
        if (m->type == HAM_CPG_HELLO) {
                m->version = get_string(obj, "", "version", ham_version_valid, "a version", error);
                return m->version ? g_steal_pointer(&m) : NULL;
        }
        m->txn = get_string(obj, "", "txn", ham_txn_id_valid, "a transaction id: " HAM_TXN_ID_RULE,
                            error);
        if (!m->txn)
                return NULL;
        switch (m->type) {
        case HAM_CPG_PREPARE:
                m->guest = get_string(obj, "", "guest", hv_guest_name_valid,
                                      "a guest name: " HV_GUEST_NAME_RULE, error);
                if (!m->guest || !parse_volumes(obj, m, error))
                        return NULL;
                break;
        case HAM_CPG_REMOVE:
                m->guest = get_string(obj, "", "guest", hv_guest_name_valid,
                                      "a guest name: " HV_GUEST_NAME_RULE, error);
                if (!m->guest)
                        return NULL;
                break;
        case HAM_CPG_REMOVED:
        case HAM_CPG_PREPARED:
                if (m->type == HAM_CPG_REMOVED && !parse_removed(obj, m, error))
                        return NULL;
                m->node = get_string(obj, "", "node", dg_node_name_valid, "a node name", error);
                if (!m->node || !get_field(obj, "", "ok", json_type_boolean, &v, error))
                        return NULL;
                m->ok = json_object_get_boolean(v);
                if (!m->ok) {
                        m->error = get_string(obj, "", "error", NULL, "a string", error);
                        if (!m->error)
                                return NULL;
                }
                break;
        case HAM_CPG_ABORT:
                m->error = get_string(obj, "", "reason", NULL, "a string", error);
                if (!m->error)
                        return NULL;
                break;
        default:
                break;
        }
        return g_steal_pointer(&m);
}

char *ham_cpg_msg_to_string(const HamCpgMsg *m)
{
        g_autoptr(json_object) obj = json_object_new_object();
        json_object_object_add(obj, "v", json_object_new_int(HAM_CPG_VERSION));
        json_object_object_add(obj, "type", json_object_new_string(ham_cpg_type_name(m->type)));
        if (m->type == HAM_CPG_HELLO) {
                json_object_object_add(obj, "version", json_object_new_string(m->version));
                return pk_json_to_string(obj, FALSE);
        }
        json_object_object_add(obj, "txn", json_object_new_string(m->txn));
        if (m->type == HAM_CPG_PREPARE) {
                json_object *arr = json_object_new_array();
                json_object_object_add(obj, "guest", json_object_new_string(m->guest));
                for (guint i = 0; i < m->n_volumes; i++) {
                        json_object *v = json_object_new_object();
                        json_object_object_add(v, "volume", json_object_new_string(m->volumes[i].volume));
                        json_object_object_add(v, "size", json_object_new_int64((gint64)m->volumes[i].size));
                        json_object_object_add(v, "minor", json_object_new_int64(m->volumes[i].minor));
                        json_object_object_add(v, "port", json_object_new_int64(m->volumes[i].port));
                        json_object_array_add(arr, v);
                }
                json_object_object_add(obj, "volumes", arr);
        } else if (m->type == HAM_CPG_REMOVE) {
                json_object_object_add(obj, "guest", json_object_new_string(m->guest));
        } else if (m->type == HAM_CPG_PREPARED || m->type == HAM_CPG_REMOVED) {
                if (m->type == HAM_CPG_REMOVED) {
                        json_object *arr = json_object_new_array();
                        for (guint i = 0; m->removed && m->removed[i]; i++)
                                json_object_array_add(arr, json_object_new_string(m->removed[i]));
                        json_object_object_add(obj, "removed", arr);
                }
                json_object_object_add(obj, "node", json_object_new_string(m->node));
                json_object_object_add(obj, "ok", json_object_new_boolean(m->ok));
                if (!m->ok)
                        json_object_object_add(obj, "error", json_object_new_string(m->error));
        } else if (m->type == HAM_CPG_ABORT) {
                json_object_object_add(obj, "reason", json_object_new_string(m->error));
        }
        return pk_json_to_string(obj, FALSE);
}

/* ---- the coordinator ------------------------------------------------------ */

struct HamTxn {
        HamCpgMsg *prepare;
        HamTxnState state;
        GPtrArray *members;   /* node names asked */
        GHashTable *answered; /* node → TRUE */
};

static const char *const state_names[] = {
        [HAM_TXN_PREPARING] = "preparing",
        [HAM_TXN_PREPARED] = "prepared",
        [HAM_TXN_COMMITTING] = "committing",
        [HAM_TXN_DONE] = "done",
        [HAM_TXN_ABORTED] = "aborted",
};

const char *ham_txn_state_name(HamTxnState state)
{
        return (guint)state < G_N_ELEMENTS(state_names) ? state_names[state] : "?";
}

static void action_free(gpointer p)
{
        HamTxnAction *a = p;
        ham_cpg_msg_free(a->msg);
        g_free(a->text);
        g_free(a);
}

static GPtrArray *actions_new(void)
{
        return g_ptr_array_new_with_free_func(action_free);
}

static void add_action(GPtrArray *acts, HamTxnActionKind kind, HamCpgMsg *msg, char *text)
{
        HamTxnAction *a = g_new0(HamTxnAction, 1);
        a->kind = kind;
        a->msg = msg;
        a->text = text;
        g_ptr_array_add(acts, a);
}

static HamCpgMsg *simple_msg(HamTxn *txn, HamCpgType type, const char *reason)
{
        HamCpgMsg *m = g_new0(HamCpgMsg, 1);
        m->type = type;
        m->txn = g_strdup(txn->prepare->txn);
        m->error = g_strdup(reason);
        return m;
}

/* Everyone undoes; the client learns why. */
static void abort_txn(HamTxn *txn, GPtrArray *acts, char *reason)
{
        txn->state = HAM_TXN_ABORTED;
        add_action(acts, HAM_TXN_DO_SEND, simple_msg(txn, HAM_CPG_ABORT, reason), NULL);
        add_action(acts, HAM_TXN_DO_REPLY_ERROR, NULL,
                   g_strdup_printf("guest %s: volumes not created: %s", txn->prepare->guest, reason));
        g_free(reason);
}

HamTxn *ham_txn_new(const HamCpgMsg *prepare, const char *const *members,
                    GPtrArray **ret_actions, GError **error)
{
        guint n = members ? g_strv_length((char **)members) : 0;

        g_return_val_if_fail(prepare->type == HAM_CPG_PREPARE, NULL);
        if (n != 2) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_UNAVAILABLE,
                            "guest %s: both nodes' hamgrd must be running to create its volumes "
                            "(%u in the group now); start hamgrd on the other node", prepare->guest, n);
                return NULL;
        }
        HamTxn *txn = g_new0(HamTxn, 1);
        txn->prepare = msg_copy(prepare);
        txn->state = HAM_TXN_PREPARING;
        txn->members = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < n; i++)
                g_ptr_array_add(txn->members, g_strdup(members[i]));
        txn->answered = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        GPtrArray *acts = actions_new();
        add_action(acts, HAM_TXN_DO_SEND, msg_copy(prepare), NULL);
        *ret_actions = acts;
        return txn;
}

void ham_txn_free(HamTxn *txn)
{
        if (!txn)
                return;
        ham_cpg_msg_free(txn->prepare);
        g_ptr_array_unref(txn->members);
        g_hash_table_unref(txn->answered);
        g_free(txn);
}

HamTxnState ham_txn_state(const HamTxn *txn)
{
        return txn->state;
}

static gboolean is_member(HamTxn *txn, const char *node)
{
        return node && g_ptr_array_find_with_equal_func(txn->members, node, g_str_equal, NULL);
}

GPtrArray *ham_txn_on_message(HamTxn *txn, const HamCpgMsg *msg)
{
        GPtrArray *acts = actions_new();

        if (txn->state != HAM_TXN_PREPARING || msg->type != HAM_CPG_PREPARED ||
            g_strcmp0(msg->txn, txn->prepare->txn) != 0 || !is_member(txn, msg->node) ||
            g_hash_table_contains(txn->answered, msg->node))
                return acts;
        if (!msg->ok) {
                abort_txn(txn, acts, g_strdup_printf("%s: %s", msg->node, msg->error));
                return acts;
        }
        g_hash_table_add(txn->answered, g_strdup(msg->node));
        if (g_hash_table_size(txn->answered) == txn->members->len) {
                txn->state = HAM_TXN_PREPARED;
                add_action(acts, HAM_TXN_DO_REPLY_OK, NULL, NULL);
        }
        return acts;
}

GPtrArray *ham_txn_on_members(HamTxn *txn, const char *const *members)
{
        GPtrArray *acts = actions_new();

        /* Once the CIB is being written the volumes exist on both nodes;
         * a member leaving now is pacemaker's business, not ours. Before,
         * a member that left undoes by itself (no resources in the CIB),
         * so the others must too. */
        if (txn->state != HAM_TXN_PREPARING && txn->state != HAM_TXN_PREPARED)
                return acts;
        for (guint i = 0; i < txn->members->len; i++) {
                const char *m = txn->members->pdata[i];
                if (!members || !g_strv_contains(members, m)) {
                        abort_txn(txn, acts, g_strdup_printf(
                                txn->state == HAM_TXN_PREPARING ?
                                "%s left the group before it answered" :
                                "%s left the group before the commit", m));
                        return acts;
                }
        }
        return acts;
}

GPtrArray *ham_txn_on_timeout(HamTxn *txn)
{
        GPtrArray *acts = actions_new();
        if (txn->state == HAM_TXN_PREPARED) {
                abort_txn(txn, acts, g_strdup("neither commit nor abort came in time"));
                return acts;
        }
        if (txn->state != HAM_TXN_PREPARING)
                return acts;
        GString *missing = g_string_new(NULL);
        for (guint i = 0; i < txn->members->len; i++)
                if (!g_hash_table_contains(txn->answered, txn->members->pdata[i]))
                        g_string_append_printf(missing, "%s%s", missing->len ? ", " : "",
                                               (char *)txn->members->pdata[i]);
        abort_txn(txn, acts, g_strdup_printf("no answer in time from %s", missing->str));
        g_string_free(missing, TRUE);
        return acts;
}

GPtrArray *ham_txn_commit(HamTxn *txn)
{
        GPtrArray *acts = actions_new();
        if (txn->state != HAM_TXN_PREPARED)
                return acts;
        txn->state = HAM_TXN_COMMITTING;
        add_action(acts, HAM_TXN_DO_APPLY_CIB, NULL, NULL);
        return acts;
}

GPtrArray *ham_txn_abort(HamTxn *txn, const char *reason)
{
        GPtrArray *acts = actions_new();
        if (txn->state == HAM_TXN_PREPARING || txn->state == HAM_TXN_PREPARED)
                abort_txn(txn, acts, g_strdup(reason));
        return acts;
}

const HamCpgMsg *ham_txn_prepare_msg(const HamTxn *txn)
{
        return txn->prepare;
}

GPtrArray *ham_txn_cib_done(HamTxn *txn, const char *error)
{
        GPtrArray *acts = actions_new();
        if (txn->state != HAM_TXN_COMMITTING)
                return acts;
        if (error) {
                abort_txn(txn, acts, g_strdup_printf("writing the CIB failed: %s", error));
                return acts;
        }
        txn->state = HAM_TXN_DONE;
        add_action(acts, HAM_TXN_DO_SEND, simple_msg(txn, HAM_CPG_COMMIT, NULL), NULL);
        add_action(acts, HAM_TXN_DO_REPLY_OK, NULL, NULL);
        return acts;
}

char *ham_txn_action_to_string(const HamTxnAction *a)
{
        switch (a->kind) {
        case HAM_TXN_DO_SEND: {
                g_autofree char *m = ham_cpg_msg_to_string(a->msg);
                return g_strdup_printf("send %s", m);
        }
        case HAM_TXN_DO_APPLY_CIB: return g_strdup("apply-cib");
        case HAM_TXN_DO_REPLY_OK: return g_strdup("reply ok");
        case HAM_TXN_DO_REPLY_ERROR: return g_strdup_printf("reply error: %s", a->text);
        }
        return g_strdup("?");
}
