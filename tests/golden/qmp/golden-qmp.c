/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * golden-qmp FILE: feeds FILE to the QMP parser 7 bytes at a time, so every
 * case also exercises messages split across reads, and prints one stable
 * line per message or error.
 */
#include <stdio.h>

#include "hv-qmp-internal.h"
#include "pk.h"

#define CHUNK 7

static void print_json_field(const char *key, json_object *obj)
{
        g_autofree char *text = obj ? pk_json_to_string(obj, FALSE) : g_strdup("null");
        printf(" %s=%s", key, text);
}

static void print_message(const HvQmpMessage *msg)
{
        g_autoptr(json_object) desc = NULL;

        switch (msg->kind) {
        case HV_QMP_MSG_GREETING:
                printf("greeting");
                print_json_field("payload", msg->payload);
                break;
        case HV_QMP_MSG_RETURN:
                printf("return id=%s", msg->id ? msg->id : "-");
                print_json_field("payload", msg->payload);
                break;
        case HV_QMP_MSG_ERROR:
                /* desc is free text: quoted so the line stays one line. */
                desc = json_object_new_string(msg->error_desc);
                printf("qmp-error id=%s class=%s", msg->id ? msg->id : "-",
                       msg->error_class);
                print_json_field("desc", desc);
                break;
        case HV_QMP_MSG_EVENT:
                printf("event name=%s type=%s", msg->event,
                       hv_qmp_event_type_to_name(msg->event_type));
                if (msg->ts_sec >= 0)
                        printf(" ts=%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT,
                               msg->ts_sec, msg->ts_usec);
                else
                        printf(" ts=-");
                print_json_field("data", msg->payload);
                break;
        }
        printf("\n");
}

static void drain(HvQmpParser *parser)
{
        for (;;) {
                g_autoptr(HvQmpMessage) msg = NULL;
                g_autoptr(GError) error = NULL;
                int r = hv_qmp_parser_next(parser, &msg, &error);

                if (r == 0)
                        return;
                if (r < 0)
                        printf("error: %s\n", error->message);
                else
                        print_message(msg);
        }
}

int main(int argc, char **argv)
{
        g_autoptr(HvQmpParser) parser = hv_qmp_parser_new();
        g_autoptr(GError) error = NULL;
        g_autofree char *data = NULL;
        gsize len;

        if (argc != 2) {
                fprintf(stderr, "usage: golden-qmp FILE\n");
                return 2;
        }
        if (!g_file_get_contents(argv[1], &data, &len, &error)) {
                fprintf(stderr, "golden-qmp: %s\n", error->message);
                return 1;
        }
        for (gsize off = 0; off < len; off += CHUNK) {
                hv_qmp_parser_feed(parser, data + off, MIN(CHUNK, len - off));
                drain(parser);
        }
        if (hv_qmp_parser_pending(parser) > 0)
                printf("incomplete: %zu bytes after the last newline\n",
                       hv_qmp_parser_pending(parser));
        return 0;
}
