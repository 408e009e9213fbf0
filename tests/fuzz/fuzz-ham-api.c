/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as a line to hamgrd's API, and as an answer
 * to the client. A request that parses must print back to the same request;
 * every refusal must make a reply line that the client reads as an error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ham-api.h"
#include "pk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autoptr(GError) error = NULL;
        gint64 id;
        const char *line = (const char *)data;

        g_autoptr(HamApiRequest) req = ham_api_request_parse(line, size, &id, &error);
        if (req) {
                g_autofree char *again = ham_api_request_to_string(req->id,
                                                                   ham_api_cmd_name(req->cmd),
                                                                   req->args);
                g_autoptr(HamApiRequest) req2 = ham_api_request_parse(again, strlen(again),
                                                                      NULL, NULL);
                if (!req2 || req2->id != req->id || req2->cmd != req->cmd ||
                    !json_object_equal(req2->args, req->args))
                        abort();
                g_autofree char *ok = ham_api_reply_ok(req->id, json_object_get(req->args));
                if (!ham_api_reply_parse(ok, strlen(ok), req->id, NULL, NULL))
                        abort();
        } else {
                if (!error || id < -1 || id > HAM_API_MAX_ID)
                        abort();
                g_autofree char *reply = ham_api_reply_error(id, error);
                g_autoptr(GError) e2 = NULL;
                if (ham_api_reply_parse(reply, strlen(reply), id < 0 ? 0 : id, NULL, &e2) ||
                    e2->code != error->code || strcmp(e2->message, error->message) != 0)
                        abort();
        }
        /* The same bytes as an answer: any outcome but a crash. */
        g_autoptr(json_object) result = NULL;
        g_autoptr(GError) e3 = NULL;
        (void)ham_api_reply_parse(line, size, 1, &result, &e3);
        return 0;
}
