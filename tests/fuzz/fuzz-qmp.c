/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the QMP parser. The first two bytes choose the
 * message size limit and the read size, so one input also explores where
 * reads and the oversize cut fall; the rest is what the peer sent.
 */
#include <stddef.h>
#include <stdint.h>

#include "hv-qmp-internal.h"
#include "pk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drain(HvQmpParser *parser)
{
        for (;;) {
                HvQmpMessage *msg = NULL;
                GError *error = NULL;
                int r = hv_qmp_parser_next(parser, &msg, &error);

                if (r == 0)
                        return;
                if (r < 0) {
                        g_assert(error && error->domain == HV_ERROR && !msg);
                        g_error_free(error);
                        continue;
                }
                g_assert(r == 1 && msg && !error);
                /* Touch everything a caller would. */
                g_free(msg->payload ? pk_json_to_string(msg->payload, FALSE) : NULL);
                g_assert(hv_qmp_event_type_to_name(msg->event_type));
                if (msg->kind == HV_QMP_MSG_EVENT)
                        g_assert(msg->event &&
                                 hv_qmp_event_type_from_name(msg->event) == msg->event_type);
                if (msg->kind == HV_QMP_MSG_ERROR)
                        g_assert(msg->error_class && msg->error_desc);
                hv_qmp_message_free(msg);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        HvQmpParser *parser;
        gsize limit, chunk;

        if (size < 2)
                return 0;
        limit = 16 + (gsize)data[0] * 16;  /* 16..4096 */
        chunk = 1 + data[1] % 64;
        data += 2;
        size -= 2;

        parser = hv_qmp_parser_new_full(limit);
        for (size_t off = 0; off < size; off += chunk) {
                hv_qmp_parser_feed(parser, (const char *)data + off, MIN(chunk, size - off));
                g_assert(hv_qmp_parser_pending(parser) <= limit + 1);
                drain(parser);
        }
        hv_qmp_parser_free(parser);
        return 0;
}
