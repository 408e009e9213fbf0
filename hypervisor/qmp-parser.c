/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hv-qmp-internal.h"

#include <string.h>

#include "pk.h"

/* QEMU's own JSON parser refuses nesting deeper than 1024; nothing it sends
 * comes close, and json-c frees recursively, so bound it the same way. */
#define QMP_MAX_DEPTH 1024

/* One parsed line waiting for hv_qmp_parser_next(): a message or an error. */
typedef struct {
        HvQmpMessage *msg;
        GError *error;
} QmpItem;

struct HvQmpParser {
        gsize max_message;
        /* The incomplete last line. Lines are parsed as soon as their newline
         * arrives, so this never holds more than one line of max_message. */
        GByteArray *line;
        /* Inside a line that grew past max_message: drop bytes up to the
         * next newline instead of buffering them. */
        gboolean dropping;
        GQueue items; /* QmpItem*, in the order the lines arrived */
        json_tokener *tok;
};

static const struct {
        HvQmpEventType type;
        const char *name;
} event_names[] = {
        { HV_QMP_EVENT_SHUTDOWN, "SHUTDOWN" },
        { HV_QMP_EVENT_RESET, "RESET" },
        { HV_QMP_EVENT_STOP, "STOP" },
        { HV_QMP_EVENT_RESUME, "RESUME" },
        { HV_QMP_EVENT_GUEST_PANICKED, "GUEST_PANICKED" },
        { HV_QMP_EVENT_WATCHDOG, "WATCHDOG" },
        { HV_QMP_EVENT_BLOCK_IO_ERROR, "BLOCK_IO_ERROR" },
};

HvQmpEventType hv_qmp_event_type_from_name(const char *name)
{
        if (!name)
                return HV_QMP_EVENT_OTHER;
        for (gsize i = 0; i < G_N_ELEMENTS(event_names); i++)
                if (g_str_equal(name, event_names[i].name))
                        return event_names[i].type;
        return HV_QMP_EVENT_OTHER;
}

const char *hv_qmp_event_type_to_name(HvQmpEventType type)
{
        for (gsize i = 0; i < G_N_ELEMENTS(event_names); i++)
                if (event_names[i].type == type)
                        return event_names[i].name;
        return "OTHER";
}

void hv_qmp_message_free(HvQmpMessage *msg)
{
        if (!msg)
                return;
        g_free(msg->id);
        json_object_put(msg->payload);
        g_free(msg->event);
        g_free(msg->error_class);
        g_free(msg->error_desc);
        g_free(msg);
}

static void qmp_item_free(QmpItem *item)
{
        hv_qmp_message_free(item->msg);
        if (item->error)
                g_error_free(item->error);
        g_free(item);
}

HvQmpParser *hv_qmp_parser_new_full(gsize max_message)
{
        HvQmpParser *parser;

        /* json-c takes int lengths. */
        g_return_val_if_fail(max_message > 0 && max_message < G_MAXINT / 2, NULL);

        parser = g_new0(HvQmpParser, 1);
        parser->max_message = max_message;
        parser->line = g_byte_array_new();
        g_queue_init(&parser->items);
        parser->tok = json_tokener_new_ex(QMP_MAX_DEPTH);
        /* QEMU emits strict JSON and replaces bad UTF-8 itself; anything
         * looser did not come from QEMU. */
        json_tokener_set_flags(parser->tok,
                               JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        return parser;
}

HvQmpParser *hv_qmp_parser_new(void)
{
        return hv_qmp_parser_new_full(HV_QMP_MAX_MESSAGE);
}

void hv_qmp_parser_free(HvQmpParser *parser)
{
        if (!parser)
                return;
        g_byte_array_unref(parser->line);
        g_queue_clear_full(&parser->items, (GDestroyNotify)qmp_item_free);
        json_tokener_free(parser->tok);
        g_free(parser);
}

gsize hv_qmp_parser_pending(HvQmpParser *parser)
{
        return parser->line->len;
}

static void push_error(HvQmpParser *parser, GError *error)
{
        QmpItem *item = g_new0(QmpItem, 1);
        item->error = error;
        g_queue_push_tail(&parser->items, item);
}

static void push_message(HvQmpParser *parser, HvQmpMessage *msg)
{
        QmpItem *item = g_new0(QmpItem, 1);
        item->msg = msg;
        g_queue_push_tail(&parser->items, item);
}

/* Strings we copy into C strings must not hide a "\u0000": "SHUTDOWN\u0000x"
 * would otherwise read as SHUTDOWN. */
static gboolean string_is_clean(json_object *s)
{
        const char *p = json_object_get_string(s);
        return strlen(p) == (size_t)json_object_get_string_len(s);
}

/* Escaped for an error message: peer text must not break a log line. */
static char *printable(const char *s)
{
        g_autofree char *esc = g_strescape(s, NULL);
        if (strlen(esc) > 64)
                return g_strdup_printf("%.64s...", esc);
        return g_steal_pointer(&esc);
}

/* Ids are ours to choose, but QMP lets them be any JSON value and echoes
 * them back unchanged; numbers become their JSON text ("5"). */
static gboolean parse_id(json_object *root, char **ret_id, GError **error)
{
        json_object *id;

        if (!json_object_object_get_ex(root, "id", &id) || !id) {
                *ret_id = NULL;
                return TRUE;
        }
        switch (json_object_get_type(id)) {
        case json_type_string:
                if (!string_is_clean(id)) {
                        g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                                    "QMP message id contains a NUL character");
                        return FALSE;
                }
                *ret_id = g_strdup(json_object_get_string(id));
                return TRUE;
        case json_type_int:
        case json_type_double:
                *ret_id = pk_json_to_string(id, FALSE);
                return TRUE;
        default:
                g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                            "QMP message id is of type %s, expected string or number",
                            pk_json_type_name(id));
                return FALSE;
        }
}

static gint64 timestamp_field(json_object *ts, const char *key, gint64 max)
{
        json_object *v;
        gint64 n;

        if (!json_object_object_get_ex(ts, key, &v) ||
            !json_object_is_type(v, json_type_int))
                return -1;
        n = json_object_get_int64(v);
        return n >= 0 && n <= max ? n : -1;
}

static gboolean parse_event(json_object *root, json_object *name,
                            HvQmpMessage *msg, GError **error)
{
        json_object *data = NULL, *ts = NULL;

        if (!json_object_is_type(name, json_type_string)) {
                g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                            "QMP event name is of type %s, expected string",
                            pk_json_type_name(name));
                return FALSE;
        }
        if (!string_is_clean(name) || json_object_get_string_len(name) == 0) {
                g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                            "QMP event name is empty or contains a NUL character");
                return FALSE;
        }
        msg->event = g_strdup(json_object_get_string(name));
        msg->event_type = hv_qmp_event_type_from_name(msg->event);

        /* Callers look fields up in "data", so it is an object or absent. */
        if (json_object_object_get_ex(root, "data", &data) && data &&
            !json_object_is_type(data, json_type_object)) {
                g_autofree char *p = printable(msg->event);
                g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                            "QMP event %s has data of type %s, expected object",
                            p, pk_json_type_name(data));
                return FALSE;
        }
        msg->payload = json_object_get(data);

        /* A bad timestamp does not make the event less true: keep it. */
        msg->ts_sec = msg->ts_usec = -1;
        if (json_object_object_get_ex(root, "timestamp", &ts) &&
            json_object_is_type(ts, json_type_object)) {
                gint64 sec = timestamp_field(ts, "seconds", G_MAXINT64);
                gint64 usec = timestamp_field(ts, "microseconds", 999999);
                if (sec >= 0 && usec >= 0) {
                        msg->ts_sec = sec;
                        msg->ts_usec = usec;
                }
        }
        return TRUE;
}

static gboolean parse_error_answer(json_object *err, HvQmpMessage *msg,
                                   GError **error)
{
        json_object *cls, *desc;
        g_autofree char *where = msg->id ? printable(msg->id) : NULL;
        g_autofree char *for_id = where ? g_strdup_printf(" (id \"%s\")", where)
                                        : g_strdup("");

        if (!json_object_is_type(err, json_type_object)) {
                g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                            "QMP error answer%s is of type %s, expected object",
                            for_id, pk_json_type_name(err));
                return FALSE;
        }
        /* The caller shows class and desc to a person; without them the
         * answer says nothing usable. */
        if (!json_object_object_get_ex(err, "class", &cls) ||
            !json_object_is_type(cls, json_type_string) || !string_is_clean(cls)) {
                g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                            "QMP error answer%s has no \"class\" string", for_id);
                return FALSE;
        }
        if (!json_object_object_get_ex(err, "desc", &desc) ||
            !json_object_is_type(desc, json_type_string) || !string_is_clean(desc)) {
                g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                            "QMP error answer%s has no \"desc\" string", for_id);
                return FALSE;
        }
        msg->error_class = g_strdup(json_object_get_string(cls));
        msg->error_desc = g_strdup(json_object_get_string(desc));
        msg->payload = json_object_get(err);
        return TRUE;
}

static HvQmpMessage *parse_object(json_object *root, GError **error)
{
        static const char *const kinds[] = { "QMP", "return", "error", "event" };
        g_autoptr(HvQmpMessage) msg = g_new0(HvQmpMessage, 1);
        json_object *value = NULL;
        int found = -1;

        for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++) {
                json_object *v;
                if (!json_object_object_get_ex(root, kinds[i], &v))
                        continue;
                if (found >= 0) {
                        g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                                    "QMP message has both \"%s\" and \"%s\"",
                                    kinds[found], kinds[i]);
                        return NULL;
                }
                found = (int)i;
                value = v;
        }
        msg->ts_sec = msg->ts_usec = -1;

        switch (found) {
        case 0:
                if (!json_object_is_type(value, json_type_object)) {
                        g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                                    "QMP greeting is of type %s, expected object",
                                    pk_json_type_name(value));
                        return NULL;
                }
                msg->kind = HV_QMP_MSG_GREETING;
                msg->payload = json_object_get(value);
                break;
        case 1:
                msg->kind = HV_QMP_MSG_RETURN;
                if (!parse_id(root, &msg->id, error))
                        return NULL;
                msg->payload = json_object_get(value);
                break;
        case 2:
                msg->kind = HV_QMP_MSG_ERROR;
                if (!parse_id(root, &msg->id, error))
                        return NULL;
                if (!parse_error_answer(value, msg, error))
                        return NULL;
                break;
        case 3:
                msg->kind = HV_QMP_MSG_EVENT;
                if (!parse_event(root, value, msg, error))
                        return NULL;
                break;
        default:
                g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                            "QMP message has none of \"QMP\", \"return\", "
                            "\"error\" or \"event\"");
                return NULL;
        }
        return g_steal_pointer(&msg);
}

static void parse_line(HvQmpParser *parser, const char *line, gsize len)
{
        g_autoptr(json_object) root = NULL;
        enum json_tokener_error jerr;
        GError *error = NULL;
        HvQmpMessage *msg;
        gsize end, i;

        for (i = 0; i < len && g_ascii_isspace(line[i]); i++)
                ;
        if (i == len)
                return; /* blank line: nothing was said */

        /* A raw NUL never appears in JSON text, and json-c would stop at it. */
        if (memchr(line, '\0', len)) {
                push_error(parser, g_error_new(HV_ERROR, HV_ERROR_PROTOCOL,
                                               "QMP message contains a NUL byte"));
                return;
        }

        json_tokener_reset(parser->tok);
        root = json_tokener_parse_ex(parser->tok, line, (int)len);
        jerr = json_tokener_get_error(parser->tok);
        if (jerr == json_tokener_continue) {
                push_error(parser, g_error_new(HV_ERROR, HV_ERROR_PROTOCOL,
                                               "QMP message is not valid JSON: "
                                               "the line ends inside a value"));
                return;
        }
        if (jerr != json_tokener_success) {
                push_error(parser, g_error_new(HV_ERROR, HV_ERROR_PROTOCOL,
                                               "QMP message is not valid JSON: "
                                               "%s at byte %zu",
                                               json_tokener_error_desc(jerr),
                                               json_tokener_get_parse_end(parser->tok)));
                return;
        }
        /* Strict mode already refuses trailing data in json-c 0.16; this
         * keeps "one value per line" true whatever a later json-c does. */
        for (end = json_tokener_get_parse_end(parser->tok); end < len; end++) {
                if (!g_ascii_isspace(line[end])) {
                        push_error(parser, g_error_new(HV_ERROR, HV_ERROR_PROTOCOL,
                                                       "QMP message is not valid JSON: "
                                                       "trailing data at byte %zu", end));
                        return;
                }
        }
        if (!json_object_is_type(root, json_type_object)) {
                push_error(parser, g_error_new(HV_ERROR, HV_ERROR_PROTOCOL,
                                               "QMP message is a JSON %s, expected object",
                                               pk_json_type_name(root)));
                return;
        }

        msg = parse_object(root, &error);
        if (msg)
                push_message(parser, msg);
        else
                push_error(parser, error);
}

static void push_oversize(HvQmpParser *parser)
{
        push_error(parser, g_error_new(HV_ERROR, HV_ERROR_PROTOCOL,
                                       "QMP message longer than %zu bytes, dropped",
                                       parser->max_message));
}

void hv_qmp_parser_feed(HvQmpParser *parser, const char *buf, gsize len)
{
        while (len > 0) {
                const char *nl = memchr(buf, '\n', len);
                gsize chunk = nl ? (gsize)(nl - buf) : len;

                if (parser->dropping) {
                        if (nl)
                                parser->dropping = FALSE;
                } else if (parser->line->len + chunk > parser->max_message + 1) {
                        /* +1: the '\r' of "\r\n" is not part of the message.
                         * Report now, at the line's place in the stream. */
                        g_byte_array_set_size(parser->line, 0);
                        push_oversize(parser);
                        parser->dropping = nl == NULL;
                } else {
                        g_byte_array_append(parser->line, (const guint8 *)buf, chunk);
                        if (nl) {
                                gsize n = parser->line->len;
                                const char *text = (const char *)parser->line->data;
                                if (n > 0 && text[n - 1] == '\r')
                                        n--;
                                if (n > parser->max_message) {
                                        push_oversize(parser);
                                } else {
                                        /* With its newline: a bare number
                                         * such as "42" is complete only when
                                         * json-c sees what follows it. */
                                        g_byte_array_append(parser->line,
                                                            (const guint8 *)"\n", 1);
                                        parse_line(parser,
                                                   (const char *)parser->line->data,
                                                   parser->line->len);
                                }
                                g_byte_array_set_size(parser->line, 0);
                        }
                }
                if (!nl)
                        break;
                len -= chunk + 1;
                buf = nl + 1;
        }
}

int hv_qmp_parser_next(HvQmpParser *parser, HvQmpMessage **ret_msg, GError **error)
{
        QmpItem *item = g_queue_pop_head(&parser->items);
        int r;

        if (!item)
                return 0;
        if (item->error) {
                g_propagate_error(error, g_steal_pointer(&item->error));
                r = -1;
        } else {
                *ret_msg = g_steal_pointer(&item->msg);
                r = 1;
        }
        qmp_item_free(item);
        return r;
}
