/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file ham-api-client.h
 * @brief The API's client (ham-api.h): one request, one answer, with a
 * deadline (api-client.c). hactl's; the host tests' ham-api-call uses it too.
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>
#include "ham-api.h"

G_BEGIN_DECLS

/**
 * ham_api_call:
 * Connects to hamgrd at @socket (NULL: the default), sends @cmd with @args
 * ((nullable) (transfer none)) and waits up to HAM_API_TIMEOUT_MS for the
 * answer. An error reply is returned as its HAM_API_ERROR code and message;
 * HAM_API_ERROR_CONNECT says hamgrd is not running (and how to start it).
 * @ret_result: (out) (optional) (transfer full).
 */
gboolean ham_api_call(const char *socket, const char *cmd, json_object *args,
                      json_object **ret_result, GError **error);

/** ham_api_call_full: ham_api_call() with a timeout (-1: forever). */
gboolean ham_api_call_full(const char *socket, const char *cmd, json_object *args,
                           int timeout_ms, json_object **ret_result, GError **error);

G_END_DECLS
