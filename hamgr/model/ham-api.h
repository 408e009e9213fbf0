/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-api.h
 * @brief hamgrd's JSON API: the request parser and the replies (pure). The
 * server is hamgrd's (daemon/ham-api-server.h), the client hactl's
 * (hactl/ham-api-client.h).
 *
 * The protocol (hamgrd(8), "API"): a unix stream socket, root only. The
 * client writes one JSON object per line,
 *
 *     {"id": 7, "cmd": "status", "args": {}}
 *
 * and hamgrd answers each line, in order, with one line:
 *
 *     {"id": 7, "ok": true, "result": {...}}
 *     {"id": 7, "ok": false, "error": {"code": "invalid", "message": "..."}}
 *
 * "id" is an integer 0..2^53 chosen by the client and echoed back (null when
 * the request was too broken to read one); "args" is optional and always an
 * object. A line is at most HAM_API_MAX_LINE bytes. A bad request gets an
 * error reply and the connection stays usable.
 *
 * The parser and the reply builders are pure (golden and fuzz tested); the
 * server runs in a GMainContext, the client is blocking with a timeout.
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

G_BEGIN_DECLS

#define HAM_API_ERROR (ham_api_error_quark())
GQuark ham_api_error_quark(void);

/**
 * Error codes of HAM_API_ERROR. The first ones travel in replies as
 * "error.code" (ham_api_error_code_name()); the client-side ones are set by
 * ham_api_call() alone.
 */
typedef enum {
        HAM_API_ERROR_FAILED,          /**< "failed": the command ran and failed */
        HAM_API_ERROR_INVALID,         /**< "invalid": malformed request or bad argument */
        HAM_API_ERROR_UNKNOWN_COMMAND, /**< "unknown-command" */
        HAM_API_ERROR_TOO_LARGE,       /**< "too-large": a line over HAM_API_MAX_LINE */
        HAM_API_ERROR_DENIED,          /**< "denied": the peer is not root */
        HAM_API_ERROR_NOT_FOUND,       /**< "not-found": no such guest, volume... */
        HAM_API_ERROR_UNAVAILABLE,     /**< "unavailable": the data is not known yet */
        HAM_API_ERROR_BUSY,            /**< "busy": too many clients */
        /* client side only */
        HAM_API_ERROR_CONNECT,         /**< hamgrd does not listen on the socket */
        HAM_API_ERROR_TIMEOUT,         /**< no answer in time */
        HAM_API_ERROR_PROTOCOL,        /**< the answer is not of the protocol's form */
} HamApiError;

/** ham_api_error_code_name: the wire name ("invalid"...); static. */
const char *ham_api_error_code_name(HamApiError code);
/** ham_api_error_code_from_name: inverse; unknown names give FAILED. */
HamApiError ham_api_error_code_from_name(const char *name);

/** Longest request or reply line, without its newline. */
#define HAM_API_MAX_LINE (64 * 1024)
/** Largest id: every id fits a double exactly, for JSON clients in any language. */
#define HAM_API_MAX_ID ((gint64)1 << 53)
/** Default time ham_api_call() waits for an answer. */
#define HAM_API_TIMEOUT_MS 10000

/** The commands hamgrd knows. */
typedef enum {
        HAM_CMD_PING,    /**< {} → {"pong": true, "version": ...} */
        HAM_CMD_STATUS,  /**< {} → everything below in one object */
        HAM_CMD_NODES,   /**< {} → {"nodes": [...]} */
        HAM_CMD_QUORUM,  /**< {} → corosync membership and quorum */
        HAM_CMD_GUESTS,  /**< {} → {"guests": [...]} */
        HAM_CMD_GUEST,   /**< {"name": GUEST} → one guest */
        HAM_CMD_VOLUMES, /**< {} → {"volumes": [...]} (DRBD resources) */
        HAM_CMD_VOLUME,  /**< {"name": RESOURCE} → one DRBD resource */
        HAM_CMD_HEALTH,  /**< {} → the health attributes published */
        HAM_CMD_CLUSTER_STATUS, /**< {} → hactl status's input, both nodes (ham-status.h) */
        HAM_CMD_VERIFY_FACTS,   /**< {} → hactl verify's input: both nodes' facts, the CIB */
        HAM_CMD_GUEST_PREPARE, /**< {"guest", "volumes": [{"volume", "size"}]} →
                                    {"txn", "volumes": [{volume, size, minor, port,
                                    resource, device}]} once both nodes realized them */
        HAM_CMD_GUEST_COMMIT,  /**< {"txn", "guest": {name, config, prefer, priority},
                                    "target_role"?} → the guest is in the CIB */
        HAM_CMD_GUEST_ABORT,   /**< {"txn"} → both nodes undid the transaction */
        HAM_CMD_GUEST_VOLUMES_REMOVE, /**< {"guest"} → each node's removal result */
        HAM_CMD_HISTORY, /**< {"guest"?, "limit"?} → {"failovers": [...], "open": [...]}
                              (ham-timeline.h) */
        HAM_CMD_COUNT_,
} HamApiCmd;

/** ham_api_cmd_name: "status"...; static. */
const char *ham_api_cmd_name(HamApiCmd cmd);

/** A validated request. */
typedef struct {
        gint64 id;
        HamApiCmd cmd;
        json_object *args; /**< owned; always an object (empty when absent) */
} HamApiRequest;

void ham_api_request_free(HamApiRequest *req);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamApiRequest, ham_api_request_free)

/**
 * ham_api_request_parse:
 * @line: one request line without its newline; need not be NUL-terminated.
 * @error_id: (out) (optional): on failure, the request's id when one could
 *   be read, else -1, so the error reply can carry it.
 *
 * Validates everything: size, JSON, an object with exactly the keys id, cmd
 * and args, id an integer 0..HAM_API_MAX_ID, cmd a known command, args an
 * object with exactly the arguments the command takes, each of its type.
 * Errors (HAM_API_ERROR_INVALID, _UNKNOWN_COMMAND, _TOO_LARGE) name the
 * field and the rule. Pure. (transfer full).
 */
HamApiRequest *ham_api_request_parse(const char *line, gsize len, gint64 *error_id,
                                     GError **error);

/**
 * ham_api_request_to_string: (transfer full) the request line (no newline)
 * for @cmd with @args ((nullable) (transfer none)).
 */
char *ham_api_request_to_string(gint64 id, const char *cmd, json_object *args);

/**
 * ham_api_reply_ok / ham_api_reply_error: (transfer full) a reply line
 * without its newline. @id -1 writes null. @result: (transfer full) (nullable),
 * null becomes {}.
 */
char *ham_api_reply_ok(gint64 id, json_object *result);
char *ham_api_reply_error(gint64 id, const GError *error);

/**
 * ham_api_reply_parse:
 * Reads a reply line (client side). Checks the id against @expect_id.
 * An error reply becomes a HAM_API_ERROR with the reply's code and message.
 * Anything not of the protocol's form is HAM_API_ERROR_PROTOCOL. Pure.
 * @ret_result: (out) (optional) (transfer full).
 */
gboolean ham_api_reply_parse(const char *line, gsize len, gint64 expect_id,
                             json_object **ret_result, GError **error);

/* ---- where hamgrd listens ------------------------------------------------------------- */

/** ham_api_default_socket: PK_RUNDIR "/hamgrd.sock"; static. */
const char *ham_api_default_socket(void);

G_END_DECLS
