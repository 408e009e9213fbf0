/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The API's pure half: request validation and reply lines (ham-api.h). */
#include "ham-api.h"
#include "ham-timeline.h"
#include "ham-txn.h"
#include "dg.h"
#include "hv.h"
#include "pk.h"
#include "model-internal.h"
#include "pk-config.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK(ham-api-error-quark, ham_api_error)

static const char *const error_names[] = {
        [HAM_API_ERROR_FAILED] = "failed",
        [HAM_API_ERROR_INVALID] = "invalid",
        [HAM_API_ERROR_UNKNOWN_COMMAND] = "unknown-command",
        [HAM_API_ERROR_TOO_LARGE] = "too-large",
        [HAM_API_ERROR_DENIED] = "denied",
        [HAM_API_ERROR_NOT_FOUND] = "not-found",
        [HAM_API_ERROR_UNAVAILABLE] = "unavailable",
        [HAM_API_ERROR_BUSY] = "busy",
        [HAM_API_ERROR_CONNECT] = "connect",
        [HAM_API_ERROR_TIMEOUT] = "timeout",
        [HAM_API_ERROR_PROTOCOL] = "protocol",
};

const char *ham_api_error_code_name(HamApiError code)
{
        if ((guint)code < G_N_ELEMENTS(error_names) && error_names[code])
                return error_names[code];
        return "failed";
}

HamApiError ham_api_error_code_from_name(const char *name)
{
        for (guint i = 0; i < G_N_ELEMENTS(error_names); i++)
                if (name && error_names[i] && g_str_equal(name, error_names[i]))
                        return (HamApiError)i;
        return HAM_API_ERROR_FAILED;
}

/* ---- the command table ---------------------------------------------------- */

typedef gboolean (*ArgCheck)(const char *value);

typedef struct {
        const char *name;
        json_type type;
        gboolean required;
        ArgCheck check;     /* strings only; NULL: any */
        const char *rule;   /* what check() wants, for the message */
} ArgSpec;

typedef struct {
        const char *name;
        const ArgSpec *args; /* NULL-terminated by name */
        /* What the table cannot say (arrays, nested objects); after it. */
        gboolean (*check)(json_object *args, GError **error);
} CmdSpec;

static const ArgSpec guest_args[] = {
        { "name", json_type_string, TRUE, hv_guest_name_valid,
          "a guest name: " HV_GUEST_NAME_RULE },
        { NULL },
};

static const ArgSpec volume_args[] = {
        { "name", json_type_string, TRUE, dg_res_name_valid,
          "a DRBD resource name: " DG_RES_NAME_RULE },
        { NULL },
};

static const ArgSpec no_args[] = { { NULL } };

static const char *plain_string(json_object *obj);

static const ArgSpec guest_name_args[] = {
        { "guest", json_type_string, TRUE, hv_guest_name_valid,
          "a guest name: " HV_GUEST_NAME_RULE },
        { NULL },
};

static const ArgSpec prepare_args[] = {
        { "guest", json_type_string, TRUE, hv_guest_name_valid,
          "a guest name: " HV_GUEST_NAME_RULE },
        { "volumes", json_type_array, TRUE, NULL,
          "[{\"volume\": NAME, \"size\": BYTES}, ...]" },
        { NULL },
};

static const ArgSpec txn_args[] = {
        { "txn", json_type_string, TRUE, ham_txn_id_valid,
          "the id guest-prepare returned" },
        { NULL },
};

static const ArgSpec commit_args[] = {
        { "txn", json_type_string, TRUE, ham_txn_id_valid,
          "the id guest-prepare returned" },
        { "guest", json_type_object, TRUE, NULL,
          "{\"name\", \"config\", \"prefer\", \"priority\"}" },
        { "target_role", json_type_string, FALSE, NULL, "\"Started\" or \"Stopped\"" },
        { NULL },
};

static const ArgSpec history_args[] = {
        { "guest", json_type_string, FALSE, hv_guest_name_valid,
          "a guest name: " HV_GUEST_NAME_RULE },
        { "limit", json_type_int, FALSE, NULL, "an integer 1..100" },
        { NULL },
};

/* Volume sizes must fit a double exactly (JSON clients) and an LV. */
#define MAX_VOLUME_SIZE ((gint64)1 << 52)

static gboolean check_history(json_object *args, GError **error)
{
        json_object *limit;
        if (json_object_object_get_ex(args, "limit", &limit) &&
            (json_object_get_int64(limit) < 1 || json_object_get_int64(limit) > 100))
                return ham_json_fail(error, "args.limit: must be an integer 1..100 (hamgrd keeps "
                               "the last 100 failovers)");
        return TRUE;
}

static gboolean check_prepare(json_object *args, GError **error)
{
        json_object *vols = json_object_object_get(args, "volumes");
        size_t n = json_object_array_length(vols);

        if (n == 0 || n > 16)
                return ham_json_fail(error, "args.volumes: must hold 1 to 16 volumes (got %zu)", n);
        for (size_t i = 0; i < n; i++) {
                json_object *v = json_object_array_get_idx(vols, i), *name, *size;
                if (!json_object_is_type(v, json_type_object))
                        return ham_json_fail(error, "args.volumes[%zu]: must be an object "
                                       "{\"volume\": NAME, \"size\": BYTES}", i);
                json_object_object_foreach(v, key, val) {
                        (void)val;
                        if (!g_str_equal(key, "volume") && !g_str_equal(key, "size")) {
                                g_autofree char *k = g_strescape(key, NULL);
                                return ham_json_fail(error, "args.volumes[%zu].%s: unknown field; "
                                               "a volume has only volume and size", i, k);
                        }
                }
                if (!json_object_object_get_ex(v, "volume", &name) ||
                    !json_object_is_type(name, json_type_string) || !plain_string(name) ||
                    !dg_volume_name_valid(json_object_get_string(name)))
                        return ham_json_fail(error, "args.volumes[%zu].volume: must be a volume "
                                       "name: " DG_VOLUME_NAME_RULE, i);
                if (!json_object_object_get_ex(v, "size", &size) ||
                    !json_object_is_type(size, json_type_int) ||
                    json_object_get_int64(size) <= 0 ||
                    json_object_get_int64(size) > MAX_VOLUME_SIZE)
                        return ham_json_fail(error, "args.volumes[%zu].size: must be an integer "
                                       "number of bytes, 1..2^52", i);
                /* DRBD and LVM work in whole MiB; a rounded size would
                 * surprise whoever asked for it. */
                if (json_object_get_int64(size) % (1024 * 1024) != 0)
                        return ham_json_fail(error, "args.volumes[%zu].size: must be a whole number "
                                       "of MiB (a multiple of 1048576 bytes)", i);
                for (size_t j = 0; j < i; j++) {
                        json_object *o = json_object_object_get(
                                json_object_array_get_idx(vols, j), "volume");
                        if (g_str_equal(json_object_get_string(o), json_object_get_string(name)))
                                return ham_json_fail(error, "args.volumes[%zu].volume: \"%s\" "
                                               "appears twice", i, json_object_get_string(name));
                }
        }
        return TRUE;
}

static gboolean check_commit(json_object *args, GError **error)
{
        json_object *g = json_object_object_get(args, "guest"), *v, *tr;

        json_object_object_foreach(g, key, val) {
                (void)val;
                if (!g_str_equal(key, "name") && !g_str_equal(key, "config") &&
                    !g_str_equal(key, "prefer") && !g_str_equal(key, "priority") &&
                    !g_str_equal(key, "probe")) {
                        g_autofree char *k = g_strescape(key, NULL);
                        return ham_json_fail(error, "args.guest.%s: unknown field; the guest has "
                                       "name, config, prefer, priority and probe", k);
                }
        }
        if (!json_object_object_get_ex(g, "name", &v) || !json_object_is_type(v, json_type_string) ||
            !plain_string(v) || !hv_guest_name_valid(json_object_get_string(v)))
                return ham_json_fail(error, "args.guest.name: must be a guest name: "
                               HV_GUEST_NAME_RULE);
        if (!json_object_object_get_ex(g, "config", &v) || !json_object_is_type(v, json_type_object))
                return ham_json_fail(error, "args.guest.config: must be the guest definition "
                               "(a JSON object, as hvctl define takes it)");
        if (json_object_object_get_ex(g, "prefer", &v) && v &&
            (!json_object_is_type(v, json_type_string) || !plain_string(v) ||
             !dg_node_name_valid(json_object_get_string(v))))
                return ham_json_fail(error, "args.guest.prefer: must be a node name or null");
        if (json_object_object_get_ex(g, "priority", &v) &&
            (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0 ||
             json_object_get_int64(v) > 1000000))
                return ham_json_fail(error, "args.guest.priority: must be an integer 0..1000000");
        if (json_object_object_get_ex(g, "probe", &v) && v &&
            (!json_object_is_type(v, json_type_string) || !plain_string(v) ||
             !ham_probe_target_parse(json_object_get_string(v), NULL, NULL, NULL)))
                return ham_json_fail(error, "args.guest.probe: must be ADDRESS:PORT (an IP address and a "
                               "TCP port the guest's service answers on) or null");
        if (json_object_object_get_ex(args, "target_role", &tr) &&
            g_strcmp0(json_object_get_string(tr), "Started") != 0 &&
            g_strcmp0(json_object_get_string(tr), "Stopped") != 0)
                return ham_json_fail(error, "args.target_role: must be \"Started\" or \"Stopped\"");
        return TRUE;
}

static const CmdSpec commands[HAM_CMD_COUNT_] = {
        [HAM_CMD_PING] = { "ping", no_args },
        [HAM_CMD_STATUS] = { "status", no_args },
        [HAM_CMD_NODES] = { "nodes", no_args },
        [HAM_CMD_QUORUM] = { "quorum", no_args },
        [HAM_CMD_GUESTS] = { "guests", no_args },
        [HAM_CMD_GUEST] = { "guest", guest_args },
        [HAM_CMD_VOLUMES] = { "volumes", no_args },
        [HAM_CMD_VOLUME] = { "volume", volume_args },
        [HAM_CMD_HEALTH] = { "health", no_args },
        [HAM_CMD_CLUSTER_STATUS] = { "cluster-status", no_args },
        [HAM_CMD_VERIFY_FACTS] = { "verify-facts", no_args },
        [HAM_CMD_GUEST_PREPARE] = { "guest-prepare", prepare_args, check_prepare },
        [HAM_CMD_GUEST_COMMIT] = { "guest-commit", commit_args, check_commit },
        [HAM_CMD_GUEST_ABORT] = { "guest-abort", txn_args },
        [HAM_CMD_GUEST_VOLUMES_REMOVE] = { "guest-volumes-remove", guest_name_args },
        [HAM_CMD_HISTORY] = { "history", history_args, check_history },
};

const char *ham_api_cmd_name(HamApiCmd cmd)
{
        return (guint)cmd < HAM_CMD_COUNT_ ? commands[cmd].name : "unknown";
}

static char *command_list(void)
{
        GString *s = g_string_new(NULL);
        for (guint i = 0; i < HAM_CMD_COUNT_; i++)
                g_string_append_printf(s, "%s%s", i ? ", " : "", commands[i].name);
        return g_string_free(s, FALSE);
}

/* ---- requests -------------------------------------------------------------- */

void ham_api_request_free(HamApiRequest *req)
{
        if (!req)
                return;
        json_object_put(req->args);
        g_free(req);
}

/* A string that holds a NUL ("\u0000") is not the name it starts with. */
static const char *plain_string(json_object *obj)
{
        const char *s = json_object_get_string(obj);
        if ((gsize)json_object_get_string_len(obj) != strlen(s))
                return NULL;
        return s;
}

static gboolean check_args(const CmdSpec *spec, json_object *args, GError **error)
{
        json_object_object_foreach(args, key, val) {
                const ArgSpec *a = spec->args;
                while (a->name && !g_str_equal(a->name, key))
                        a++;
                if (!a->name) {
                        g_autofree char *k = g_strescape(key, NULL);
                        if (!spec->args[0].name)
                                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                                            "args.%s: %s takes no arguments", k, spec->name);
                        else
                                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                                            "args.%s: unknown argument of %s", k, spec->name);
                        return FALSE;
                }
                if (!json_object_is_type(val, a->type)) {
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                                    "args.%s: must be a%s %s (got %s)", a->name,
                                    a->type == json_type_object || a->type == json_type_array ||
                                    a->type == json_type_int ? "n" : "",
                                    a->type == json_type_int ? "integer" :
                                    json_type_to_name(a->type), pk_json_type_name(val));
                        return FALSE;
                }
                if (a->type == json_type_string && a->check) {
                        const char *s = plain_string(val);
                        if (!s || !a->check(s)) {
                                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                                            "args.%s: must be %s", a->name, a->rule);
                                return FALSE;
                        }
                }
        }
        for (const ArgSpec *a = spec->args; a->name; a++) {
                if (a->required && !json_object_object_get_ex(args, a->name, NULL)) {
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                                    "args.%s: %s needs this argument (%s)", a->name,
                                    spec->name, a->rule ? a->rule : json_type_to_name(a->type));
                        return FALSE;
                }
        }
        return !spec->check || spec->check(args, error);
}

/* The id is read first so that every later error can be answered with it. */
static gboolean read_id(json_object *obj, gint64 *ret_id, GError **error)
{
        json_object *id;
        if (!json_object_object_get_ex(obj, "id", &id)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "id: missing; every request needs an integer id");
                return FALSE;
        }
        if (!json_object_is_type(id, json_type_int)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "id: must be an integer (got %s)", pk_json_type_name(id));
                return FALSE;
        }
        /* json-c clamps what does not fit an int64; only the range matters. */
        gint64 v = json_object_get_int64(id);
        if (v < 0 || v > HAM_API_MAX_ID) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "id: must be between 0 and %" G_GINT64_FORMAT, HAM_API_MAX_ID);
                return FALSE;
        }
        *ret_id = v;
        return TRUE;
}

HamApiRequest *ham_api_request_parse(const char *line, gsize len, gint64 *error_id,
                                     GError **error)
{
        g_autoptr(json_object) obj = NULL;
        g_autoptr(GError) local = NULL;
        gint64 id = -1;
        json_object *cmd_obj, *args = NULL;
        const char *cmd_name;
        guint cmd;

        if (error_id)
                *error_id = -1;
        if (len > HAM_API_MAX_LINE) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_TOO_LARGE,
                            "request of %zu bytes is over the limit of %d bytes per line",
                            len, HAM_API_MAX_LINE);
                return NULL;
        }
        if (memchr(line, '\0', len)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "request: contains a NUL byte; send one JSON object per line");
                return NULL;
        }
        obj = pk_json_parse(line, (gssize)len, "request", &local);
        if (!obj) {
                gsize i = 0;
                while (i < len && g_ascii_isspace(line[i]))
                        i++;
                /* json-c cannot tell where a bare number ends without a
                 * terminator; "not an object" is the useful message anyway. */
                if (i < len && line[i] != '{')
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                                    "request: must be a JSON object {\"id\":N,\"cmd\":\"...\"}, "
                                    "one per line");
                else
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID, "%s",
                                    local->message);
                return NULL;
        }
        if (!json_object_is_type(obj, json_type_object)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "request: must be a JSON object {\"id\":N,\"cmd\":\"...\"} (got %s)",
                            pk_json_type_name(obj));
                return NULL;
        }
        if (!read_id(obj, &id, error))
                return NULL;
        if (error_id)
                *error_id = id;

        json_object_object_foreach(obj, key, val) {
                (void)val;
                if (!g_str_equal(key, "id") && !g_str_equal(key, "cmd") &&
                    !g_str_equal(key, "args")) {
                        g_autofree char *k = g_strescape(key, NULL);
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                                    "%s: unknown field; a request has only id, cmd and args", k);
                        return NULL;
                }
        }
        if (!json_object_object_get_ex(obj, "cmd", &cmd_obj)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "cmd: missing; name the command, e.g. \"cmd\":\"status\"");
                return NULL;
        }
        if (!json_object_is_type(cmd_obj, json_type_string)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "cmd: must be a string (got %s)", pk_json_type_name(cmd_obj));
                return NULL;
        }
        cmd_name = plain_string(cmd_obj);
        if (!cmd_name) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "cmd: contains a NUL character");
                return NULL;
        }
        for (cmd = 0; cmd < HAM_CMD_COUNT_; cmd++)
                if (g_str_equal(cmd_name, commands[cmd].name))
                        break;
        if (cmd == HAM_CMD_COUNT_) {
                g_autofree char *list = command_list();
                g_autofree char *shown = g_strescape(json_object_get_string(cmd_obj), NULL);
                if (strlen(shown) > 64)
                        strcpy(shown + 61, "...");
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_UNKNOWN_COMMAND,
                            "cmd: unknown command \"%s\"; known: %s", shown, list);
                return NULL;
        }
        if (json_object_object_get_ex(obj, "args", &args)) {
                if (!json_object_is_type(args, json_type_object)) {
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                                    "args: must be an object (got %s)", pk_json_type_name(args));
                        return NULL;
                }
                json_object_get(args);
        } else {
                args = json_object_new_object();
        }
        if (!check_args(&commands[cmd], args, error)) {
                json_object_put(args);
                return NULL;
        }

        HamApiRequest *req = g_new0(HamApiRequest, 1);
        req->id = id;
        req->cmd = (HamApiCmd)cmd;
        req->args = args;
        return req;
}

char *ham_api_request_to_string(gint64 id, const char *cmd, json_object *args)
{
        g_autoptr(json_object) obj = json_object_new_object();
        json_object_object_add(obj, "id", json_object_new_int64(id));
        json_object_object_add(obj, "cmd", json_object_new_string(cmd));
        if (args)
                json_object_object_add(obj, "args", json_object_get(args));
        return pk_json_to_string(obj, FALSE);
}

/* ---- replies ----------------------------------------------------------------- */

static json_object *id_object(gint64 id)
{
        return id < 0 ? NULL : json_object_new_int64(id);
}

char *ham_api_reply_ok(gint64 id, json_object *result)
{
        g_autoptr(json_object) obj = json_object_new_object();
        json_object_object_add(obj, "id", id_object(id));
        json_object_object_add(obj, "ok", json_object_new_boolean(TRUE));
        json_object_object_add(obj, "result", result ? result : json_object_new_object());
        return pk_json_to_string(obj, FALSE);
}

char *ham_api_reply_error(gint64 id, const GError *error)
{
        g_autoptr(json_object) obj = json_object_new_object();
        json_object *err = json_object_new_object();
        HamApiError code = error->domain == HAM_API_ERROR ? (HamApiError)error->code
                                                          : HAM_API_ERROR_FAILED;
        json_object_object_add(err, "code", json_object_new_string(ham_api_error_code_name(code)));
        json_object_object_add(err, "message", json_object_new_string(error->message));
        json_object_object_add(obj, "id", id_object(id));
        json_object_object_add(obj, "ok", json_object_new_boolean(FALSE));
        json_object_object_add(obj, "error", err);
        return pk_json_to_string(obj, FALSE);
}

gboolean ham_api_reply_parse(const char *line, gsize len, gint64 expect_id,
                             json_object **ret_result, GError **error)
{
        g_autoptr(json_object) obj = NULL;
        g_autoptr(GError) local = NULL;
        json_object *id, *ok, *result, *err, *code, *message;

        if (len > HAM_API_MAX_LINE * 64) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_PROTOCOL,
                            "hamgrd's answer of %zu bytes is too large", len);
                return FALSE;
        }
        obj = pk_json_parse(line, (gssize)len, "hamgrd's answer", &local);
        if (!obj) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_PROTOCOL, "%s", local->message);
                return FALSE;
        }
        if (!json_object_is_type(obj, json_type_object) ||
            !json_object_object_get_ex(obj, "ok", &ok) ||
            !json_object_is_type(ok, json_type_boolean)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_PROTOCOL,
                            "hamgrd's answer is not an object with a boolean \"ok\"");
                return FALSE;
        }
        /* A null id answers a request hamgrd could not read: ours, since
         * requests are answered in order on this connection. */
        if (!json_object_object_get_ex(obj, "id", &id) ||
            (id && (!json_object_is_type(id, json_type_int) ||
                    json_object_get_int64(id) != expect_id))) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_PROTOCOL,
                            "hamgrd's answer carries the wrong id (expected %" G_GINT64_FORMAT ")",
                            expect_id);
                return FALSE;
        }
        if (!json_object_get_boolean(ok)) {
                if (!json_object_object_get_ex(obj, "error", &err) ||
                    !json_object_is_type(err, json_type_object) ||
                    !json_object_object_get_ex(err, "code", &code) ||
                    !json_object_is_type(code, json_type_string) ||
                    !json_object_object_get_ex(err, "message", &message) ||
                    !json_object_is_type(message, json_type_string)) {
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_PROTOCOL,
                                    "hamgrd's error answer lacks error.code or error.message");
                        return FALSE;
                }
                HamApiError c = ham_api_error_code_from_name(json_object_get_string(code));
                /* Client-side codes never come from the server. */
                if (c >= HAM_API_ERROR_CONNECT)
                        c = HAM_API_ERROR_FAILED;
                g_set_error(error, HAM_API_ERROR, c, "%s", json_object_get_string(message));
                return FALSE;
        }
        if (!json_object_object_get_ex(obj, "result", &result) ||
            !json_object_is_type(result, json_type_object)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_PROTOCOL,
                            "hamgrd's answer lacks a \"result\" object");
                return FALSE;
        }
        if (ret_result)
                *ret_result = json_object_get(result);
        return TRUE;
}

const char *ham_api_default_socket(void)
{
        return PK_RUNDIR "/hamgrd.sock";
}
