/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-api-server.h
 * @brief hamgrd's side of the API (ham-api.h): the root-only socket served
 * from a GMainContext (api-server.c).
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>
#include "ham-api.h"

G_BEGIN_DECLS

/**
 * HamApiHandler: answers one valid request. Returns the result (transfer
 * full), or NULL with @error set; the server turns either into the reply.
 * Runs in the server's main context and must not block.
 */
typedef json_object *(*HamApiHandler)(const HamApiRequest *req, gpointer user_data,
                                      GError **error);

typedef struct HamApiServer HamApiServer;

/** At most this many clients at once; more are refused with "busy". */
#define HAM_API_MAX_CLIENTS 32

/** A client that neither sends nor reads for this long (seconds) is closed. */
#define HAM_API_IDLE_TIMEOUT_S 30

/**
 * ham_api_server_new:
 * Listens on @path (mode 0600; an existing socket file there is replaced,
 * so the caller must hold the daemon's lock) and serves clients in @context
 * (NULL: the default). Only peers with uid 0 (SO_PEERCRED) are served;
 * others get a "denied" reply and are closed. Everything is non-blocking:
 * a client that sends half a line or does not read its answers never
 * holds up the others. (transfer full): ham_api_server_free() closes every
 * client and removes the socket file.
 */
HamApiServer *ham_api_server_new(const char *path, GMainContext *context,
                                 HamApiHandler handler, gpointer user_data,
                                 GError **error);
void ham_api_server_free(HamApiServer *server);

/**
 * ham_api_server_set_idle_timeout:
 * Closes clients that neither send nor read for @ms (default
 * HAM_API_IDLE_TIMEOUT_S); a client waiting for a deferred answer is never
 * idle. Call from the server's context's thread, before it runs.
 */
void ham_api_server_set_idle_timeout(HamApiServer *server, guint ms);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HamApiServer, ham_api_server_free)

/**
 * HamApiDeferred: an answer given later. A handler that must wait for
 * something (the peer, a worker) calls ham_api_defer() and returns NULL
 * without setting its error; the server then sends nothing for this request
 * and reads no further request of that client until the answer is given,
 * so answers stay in the order of the requests.
 */
typedef struct HamApiDeferred HamApiDeferred;

/**
 * ham_api_defer:
 * Only from inside the handler, for the request being handled.
 * (transfer full): finish it exactly once with ham_api_deferred_finish().
 */
HamApiDeferred *ham_api_defer(HamApiServer *server);

/**
 * ham_api_deferred_finish:
 * Sends the answer: @result (transfer full) when @error is NULL, else the
 * error reply. When the client went away meanwhile the answer is dropped.
 * Frees @deferred.
 */
void ham_api_deferred_finish(HamApiDeferred *deferred, json_object *result,
                             const GError *error);

/** ham_api_server_n_clients: clients connected now. */
guint ham_api_server_n_clients(const HamApiServer *server);

G_END_DECLS
