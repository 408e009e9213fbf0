/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP parser and client. The client tests talk to a fake QEMU: a thread that
 * listens on a temporary unix socket and plays a scripted transcript.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "hv-qmp-internal.h"
#include "pk.h"

#define GREETING_72 \
        "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, " \
        "\"major\": 7}, \"package\": \"Debian 1:7.2+dfsg-7+deb12u18+b3\"}, " \
        "\"capabilities\": [\"oob\"]}}\r\n"

/* ---- captured warnings ---------------------------------------------------- */

static GString *warnings;

static GLogWriterOutput capture_writer(GLogLevelFlags level, const GLogField *fields,
                                       gsize n_fields, gpointer user_data)
{
        if (!(level & G_LOG_LEVEL_WARNING))
                return G_LOG_WRITER_HANDLED;
        for (gsize i = 0; i < n_fields; i++)
                if (g_str_equal(fields[i].key, "MESSAGE")) {
                        g_string_append(warnings, fields[i].value);
                        g_string_append_c(warnings, '\n');
                }
        return G_LOG_WRITER_HANDLED;
}

static int reset_warnings(void **state)
{
        g_string_truncate(warnings, 0);
        return 0;
}

/* ---- parser helpers -------------------------------------------------------- */

/* Drains @parser into a compact text log, one line per message or error. */
static void drain(HvQmpParser *parser, GString *out)
{
        for (;;) {
                g_autoptr(HvQmpMessage) msg = NULL;
                g_autoptr(GError) error = NULL;
                int r = hv_qmp_parser_next(parser, &msg, &error);

                if (r == 0)
                        return;
                if (r < 0) {
                        assert_non_null(error);
                        assert_true(g_error_matches(error, HV_ERROR, HV_ERROR_PROTOCOL));
                        g_string_append_printf(out, "E(%s)\n", error->message);
                        continue;
                }
                assert_int_equal(r, 1);
                assert_null(error);
                switch (msg->kind) {
                case HV_QMP_MSG_GREETING:
                        g_string_append(out, "G");
                        break;
                case HV_QMP_MSG_RETURN:
                        g_string_append(out, "R");
                        break;
                case HV_QMP_MSG_ERROR:
                        g_string_append_printf(out, "X[%s|%s]", msg->error_class,
                                               msg->error_desc);
                        break;
                case HV_QMP_MSG_EVENT:
                        g_string_append_printf(out, "V[%s/%s %" G_GINT64_FORMAT
                                               ".%" G_GINT64_FORMAT "]",
                                               msg->event,
                                               hv_qmp_event_type_to_name(msg->event_type),
                                               msg->ts_sec, msg->ts_usec);
                        break;
                }
                if (msg->id)
                        g_string_append_printf(out, " id=%s", msg->id);
                if (msg->payload) {
                        g_autofree char *p = pk_json_to_string(msg->payload, FALSE);
                        g_string_append_printf(out, " %s", p);
                }
                g_string_append_c(out, '\n');
        }
}

static char *parse_all(const char *text, gsize len)
{
        g_autoptr(HvQmpParser) parser = hv_qmp_parser_new();
        GString *out = g_string_new(NULL);

        hv_qmp_parser_feed(parser, text, len);
        drain(parser, out);
        return g_string_free(out, FALSE);
}

static char *parse_str(const char *text)
{
        return parse_all(text, strlen(text));
}

/* Expects exactly one error from @line, followed by a good message that
 * proves the parser resynchronised. */
static void assert_one_error(const char *line, const char *needle)
{
        g_autofree char *text = g_strconcat(line, "{\"return\": {}, \"id\": \"ok\"}\r\n", NULL);
        g_autofree char *got = parse_str(text);
        g_auto(GStrv) lines = g_strsplit(got, "\n", -1);

        if (g_strv_length(lines) != 3 || !g_str_has_prefix(lines[0], "E(") ||
            !strstr(lines[0], needle) || strcmp(lines[1], "R id=ok {}") != 0)
                fail_msg("input %s: expected an error with \"%s\", then R; got:\n%s",
                         line, needle, got);
}

/* ---- parser tests ---------------------------------------------------------- */

static void test_event_names(void **state)
{
        for (int t = HV_QMP_EVENT_OTHER; t <= HV_QMP_EVENT_BLOCK_IO_ERROR; t++) {
                const char *name = hv_qmp_event_type_to_name(t);
                if (t == HV_QMP_EVENT_OTHER)
                        assert_string_equal(name, "OTHER");
                else
                        assert_int_equal(hv_qmp_event_type_from_name(name), t);
        }
        assert_int_equal(hv_qmp_event_type_from_name("GUEST_PANICKED"),
                         HV_QMP_EVENT_GUEST_PANICKED);
        assert_int_equal(hv_qmp_event_type_from_name("shutdown"), HV_QMP_EVENT_OTHER);
        assert_int_equal(hv_qmp_event_type_from_name("DEVICE_DELETED"), HV_QMP_EVENT_OTHER);
        assert_int_equal(hv_qmp_event_type_from_name(NULL), HV_QMP_EVENT_OTHER);
        assert_int_equal(hv_qmp_event_type_from_name("OTHER"), HV_QMP_EVENT_OTHER);
}

static void test_greeting(void **state)
{
        g_autoptr(HvQmpParser) parser = hv_qmp_parser_new();
        g_autoptr(HvQmpMessage) msg = NULL;
        json_object *version, *qemu, *major;

        hv_qmp_parser_feed(parser, GREETING_72, strlen(GREETING_72));
        assert_int_equal(hv_qmp_parser_next(parser, &msg, NULL), 1);
        assert_int_equal(msg->kind, HV_QMP_MSG_GREETING);
        assert_null(msg->id);
        assert_true(json_object_object_get_ex(msg->payload, "version", &version));
        assert_true(json_object_object_get_ex(version, "qemu", &qemu));
        assert_true(json_object_object_get_ex(qemu, "major", &major));
        assert_int_equal(json_object_get_int(major), 7);
        assert_int_equal(hv_qmp_parser_next(parser, &msg, NULL), 0);
        assert_int_equal(hv_qmp_parser_pending(parser), 0);
}

static void test_answers_and_events(void **state)
{
        g_autofree char *got = parse_str(
                "{\"return\": {}, \"id\": \"pk-1\"}\r\n"
                "{\"id\": 5, \"error\": {\"class\": \"CommandNotFound\", "
                "\"desc\": \"The command nope has not been found\"}}\r\n"
                "{\"timestamp\": {\"seconds\": 1795802743, \"microseconds\": 916944}, "
                "\"event\": \"SHUTDOWN\", \"data\": {\"guest\": false, "
                "\"reason\": \"host-qmp-quit\"}}\r\n"
                "{\"event\": \"RESUME\", \"timestamp\": {\"seconds\": 1, "
                "\"microseconds\": 2}}\r\n"
                "{\"return\": [1, 2], \"id\": \"pk-2\"}\r\n");

        assert_string_equal(got,
                "R id=pk-1 {}\n"
                "X[CommandNotFound|The command nope has not been found] id=5 "
                "{\"class\":\"CommandNotFound\",\"desc\":\"The command nope has not been found\"}\n"
                "V[SHUTDOWN/SHUTDOWN 1795802743.916944] "
                "{\"guest\":false,\"reason\":\"host-qmp-quit\"}\n"
                "V[RESUME/RESUME 1.2]\n"
                "R id=pk-2 [1,2]\n");
}

static const char transcript[] =
        GREETING_72
        "{\"return\": {}, \"id\": \"pk-1\"}\r\n"
        "\r\n"
        "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 10, \"microseconds\": 20}}\r\n"
        "{\"event\": \"GUEST_PANICKED\", \"data\": {\"action\": \"pause\", "
        "\"info\": {\"type\": \"hyper-v\"}}, \"timestamp\": {\"seconds\": 11, "
        "\"microseconds\": 0}}\n"
        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"caf\xc3\xa9\"}, \"id\": \"pk-2\"}\r\n"
        "{\"return\": {\"status\": \"running\"}, \"id\": \"pk-3\"}\r\n";

static void test_split_everywhere(void **state)
{
        gsize n = strlen(transcript);
        g_autofree char *want = parse_all(transcript, n);
        g_auto(GStrv) want_lines = g_strsplit(want, "\n", -1);

        /* Sanity: the reference parse saw every message. */
        assert_int_equal(g_strv_length(want_lines) - 1, 6);
        for (gsize i = 0; i <= n; i++) {
                g_autoptr(HvQmpParser) parser = hv_qmp_parser_new();
                g_autoptr(GString) got = g_string_new(NULL);

                hv_qmp_parser_feed(parser, transcript, i);
                drain(parser, got);
                hv_qmp_parser_feed(parser, transcript + i, n - i);
                drain(parser, got);
                if (strcmp(got->str, want) != 0)
                        fail_msg("split at %zu:\n%s\nwanted:\n%s", i, got->str, want);
        }
}

static void test_byte_at_a_time(void **state)
{
        gsize n = strlen(transcript);
        g_autofree char *want = parse_all(transcript, n);
        g_autoptr(HvQmpParser) parser = hv_qmp_parser_new();
        g_autoptr(GString) got = g_string_new(NULL);

        for (gsize i = 0; i < n; i++) {
                hv_qmp_parser_feed(parser, transcript + i, 1);
                /* Nothing may come out before the line's newline. */
                if (transcript[i] != '\n') {
                        HvQmpMessage *msg = NULL;
                        assert_int_equal(hv_qmp_parser_next(parser, &msg, NULL), 0);
                }
                drain(parser, got);
        }
        assert_string_equal(got->str, want);
        assert_int_equal(hv_qmp_parser_pending(parser), 0);
}

static void test_incomplete_is_kept(void **state)
{
        g_autoptr(HvQmpParser) parser = hv_qmp_parser_new();
        HvQmpMessage *msg = NULL;
        g_autoptr(HvQmpMessage) got = NULL;

        hv_qmp_parser_feed(parser, "{\"return\": {}, \"id\": \"a\"}", 25);
        assert_int_equal(hv_qmp_parser_next(parser, &msg, NULL), 0);
        assert_null(msg);
        assert_int_equal(hv_qmp_parser_pending(parser), 25);
        hv_qmp_parser_feed(parser, "\r\n", 2);
        assert_int_equal(hv_qmp_parser_next(parser, &got, NULL), 1);
        assert_string_equal(got->id, "a");
        assert_int_equal(hv_qmp_parser_pending(parser), 0);
        /* The caller's pointer is untouched when nothing is returned. */
        msg = (HvQmpMessage *)0x1;
        assert_int_equal(hv_qmp_parser_next(parser, &msg, NULL), 0);
        assert_ptr_equal(msg, (HvQmpMessage *)0x1);
}

static void test_unknown_keys(void **state)
{
        g_autofree char *got = parse_str(
                "{\"return\": {\"x\": 1}, \"id\": \"a\", \"future\": [1, {\"y\": null}]}\r\n"
                "{\"QMP\": {\"version\": {}, \"capabilities\": [], \"new\": 1}, \"extra\": 2}\r\n"
                "{\"event\": \"RESET\", \"data\": {\"guest\": true, \"reason\": \"guest-reset\"}, "
                "\"timestamp\": {\"seconds\": 3, \"microseconds\": 4, \"nanoseconds\": 5}, "
                "\"zzz\": true}\r\n");

        assert_string_equal(got,
                "R id=a {\"x\":1}\n"
                "G {\"version\":{},\"capabilities\":[],\"new\":1}\n"
                "V[RESET/RESET 3.4] {\"guest\":true,\"reason\":\"guest-reset\"}\n");
}

static void test_not_objects(void **state)
{
        assert_one_error("[1, 2]\r\n", "JSON array, expected object");
        assert_one_error("\"QMP\"\r\n", "JSON string, expected object");
        assert_one_error("42\r\n", "JSON integer, expected object");
        assert_one_error("null\r\n", "expected object");
        assert_one_error("{}\r\n", "none of");
        assert_one_error("{\"id\": \"a\"}\r\n", "none of");
}

static void test_invalid_json(void **state)
{
        assert_one_error("garbage\r\n", "not valid JSON");
        assert_one_error("{\"return\": {}\r\n", "the line ends inside a value");
        assert_one_error("{\"return\": {}, }\r\n", "not valid JSON");
        assert_one_error("{\"return\": {}} {\"return\": {}}\r\n", "at byte 15");
        assert_one_error("{\"return\": {}}x\r\n", "not valid JSON");
        assert_one_error("{\"return\": \"\xff\xfe\"}\r\n", "not valid JSON");
        assert_one_error("\x01\x02\x03\r\n", "not valid JSON");
}

static void test_empty_lines(void **state)
{
        g_autofree char *got = parse_str("\n\r\n   \r\n\t\n{\"return\": 1, \"id\": \"a\"}\n\n");

        assert_string_equal(got, "R id=a 1\n");
}

static void test_wrong_types(void **state)
{
        g_autofree char *numeric = parse_str(
                "{\"return\": {}, \"id\": 5}\r\n"
                "{\"return\": {}, \"id\": -12}\r\n"
                "{\"return\": {}, \"id\": null}\r\n"
                "{\"return\": null, \"id\": \"n\"}\r\n");
        assert_string_equal(numeric, "R id=5 {}\nR id=-12 {}\nR {}\nR id=n\n");

        assert_one_error("{\"event\": 5}\r\n", "event name is of type integer");
        assert_one_error("{\"event\": null}\r\n", "event name is of type null");
        assert_one_error("{\"event\": \"\"}\r\n", "empty");
        assert_one_error("{\"event\": \"STOP\", \"data\": [1]}\r\n",
                         "event STOP has data of type array");
        assert_one_error("{\"return\": {}, \"id\": true}\r\n", "id is of type boolean");
        assert_one_error("{\"return\": {}, \"id\": {\"a\": 1}}\r\n", "id is of type object");
        assert_one_error("{\"error\": \"bad\", \"id\": \"x\"}\r\n",
                         "error answer (id \"x\") is of type string");
        assert_one_error("{\"error\": {\"desc\": \"d\"}}\r\n", "no \"class\"");
        assert_one_error("{\"error\": {\"class\": 1, \"desc\": \"d\"}}\r\n", "no \"class\"");
        assert_one_error("{\"error\": {\"class\": \"C\"}}\r\n", "no \"desc\"");
        assert_one_error("{\"QMP\": []}\r\n", "greeting is of type array");
        assert_one_error("{\"return\": {}, \"event\": \"STOP\"}\r\n",
                         "both \"return\" and \"event\"");
        assert_one_error("{\"return\": {}, \"error\": {\"class\": \"C\", \"desc\": \"d\"}}\r\n",
                         "both");
}

static void test_timestamps(void **state)
{
        g_autofree char *got = parse_str(
                "{\"event\": \"STOP\"}\r\n"
                "{\"event\": \"STOP\", \"timestamp\": 5}\r\n"
                "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": \"1\", \"microseconds\": 2}}\r\n"
                "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1}}\r\n"
                "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": -5, \"microseconds\": 2}}\r\n"
                "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 1000000}}\r\n"
                "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1.5, \"microseconds\": 0}}\r\n"
                "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 0, \"microseconds\": 999999}}\r\n"
                "{\"event\": \"STOP\", \"data\": null, \"timestamp\": {\"seconds\": 7, \"microseconds\": 0}}\r\n");

        assert_string_equal(got,
                "V[STOP/STOP -1.-1]\n"
                "V[STOP/STOP -1.-1]\n"
                "V[STOP/STOP -1.-1]\n"
                "V[STOP/STOP -1.-1]\n"
                "V[STOP/STOP -1.-1]\n"
                "V[STOP/STOP -1.-1]\n"
                "V[STOP/STOP -1.-1]\n"
                "V[STOP/STOP 0.999999]\n"
                "V[STOP/STOP 7.0]\n");
}

static void test_nul_bytes(void **state)
{
        static const char raw[] = "{\"event\": \"STOP\"\0}\r\n{\"return\": {}, \"id\": \"ok\"}\r\n";
        static const char lead[] = "\0\r\n{\"return\": {}, \"id\": \"ok\"}\r\n";
        g_autofree char *got = parse_all(raw, sizeof(raw) - 1);
        g_autofree char *got2 = parse_all(lead, sizeof(lead) - 1);

        assert_string_equal(got, "E(QMP message contains a NUL byte)\nR id=ok {}\n");
        assert_string_equal(got2, "E(QMP message contains a NUL byte)\nR id=ok {}\n");
        /* Escaped NULs must not shorten the names we act on. */
        assert_one_error("{\"event\": \"SHUTDOWN\\u0000x\"}\r\n", "NUL character");
        assert_one_error("{\"return\": {}, \"id\": \"pk-1\\u0000x\"}\r\n", "NUL character");
        assert_one_error("{\"error\": {\"class\": \"C\\u0000\", \"desc\": \"d\"}}\r\n",
                         "no \"class\"");
}

static void test_deep_nesting(void **state)
{
        g_autoptr(GString) deep = g_string_new("{\"return\": ");
        for (int i = 0; i < 5000; i++)
                g_string_append_c(deep, '[');
        g_string_append(deep, "\r\n");
        assert_one_error(deep->str, "not valid JSON");
}

static void test_oversize_small_limit(void **state)
{
        /* A 19-byte limit: {"return":12345678} is exactly 19 bytes. */
        g_autoptr(HvQmpParser) parser = hv_qmp_parser_new_full(19);
        g_autoptr(GString) got = g_string_new(NULL);

        hv_qmp_parser_feed(parser, "{\"return\":12345678}\r\n", 21);
        hv_qmp_parser_feed(parser, "{\"return\":12345678}\n", 20);
        hv_qmp_parser_feed(parser, "{\"return\":123456789}\r\n", 22);
        hv_qmp_parser_feed(parser, "{\"return\":123456789}\n", 21);
        hv_qmp_parser_feed(parser, "{\"return\":1}\n", 13);
        drain(parser, got);
        assert_string_equal(got->str,
                "R 12345678\n"
                "R 12345678\n"
                "E(QMP message longer than 19 bytes, dropped)\n"
                "E(QMP message longer than 19 bytes, dropped)\n"
                "R 1\n");
}

static void test_oversize_order(void **state)
{
        g_autoptr(HvQmpParser) parser = hv_qmp_parser_new_full(32);
        g_autoptr(GString) got = g_string_new(NULL);
        const char *big = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

        /* The error comes out at the place of the dropped line. */
        hv_qmp_parser_feed(parser, "{\"return\": 1}\n", 14);
        hv_qmp_parser_feed(parser, big, strlen(big));
        assert_int_equal(hv_qmp_parser_pending(parser), 0);
        hv_qmp_parser_feed(parser, big, strlen(big));
        hv_qmp_parser_feed(parser, "{\"return\": 2}\n{\"return\": 3}\n", 28);
        hv_qmp_parser_feed(parser, big, 20);
        hv_qmp_parser_feed(parser, "\n{\"return\": 4}\n", 15);
        drain(parser, got);
        /* "{"return": 2}" ended the second oversize line, so it is gone. */
        assert_string_equal(got->str,
                "R 1\n"
                "E(QMP message longer than 32 bytes, dropped)\n"
                "R 3\n"
                "E(QMP message is not valid JSON: unexpected character at byte 0)\n"
                "R 4\n");
}

static void test_oversize_bounded_memory(void **state)
{
        g_autoptr(HvQmpParser) parser = hv_qmp_parser_new();
        g_autoptr(GString) got = g_string_new(NULL);
        g_autofree char *chunk = g_malloc(65536);

        memset(chunk, 'x', 65536);
        /* 4 MiB without a newline: never held, reported once. */
        for (int i = 0; i < 64; i++) {
                hv_qmp_parser_feed(parser, chunk, 65536);
                assert_true(hv_qmp_parser_pending(parser) <= HV_QMP_MAX_MESSAGE + 1);
        }
        assert_int_equal(hv_qmp_parser_pending(parser), 0);
        hv_qmp_parser_feed(parser, "tail\r\n{\"return\": {}, \"id\": \"after\"}\r\n", 37);
        drain(parser, got);
        assert_string_equal(got->str,
                "E(QMP message longer than 1048576 bytes, dropped)\n"
                "R id=after {}\n");
}

static void test_max_size_accepted(void **state)
{
        g_autoptr(HvQmpParser) parser = hv_qmp_parser_new();
        g_autoptr(GString) line = g_string_new("{\"return\": \"");
        g_autoptr(HvQmpMessage) msg = NULL;

        while (line->len < HV_QMP_MAX_MESSAGE - 2)
                g_string_append_c(line, 'a');
        g_string_append(line, "\"}");
        assert_int_equal(line->len, HV_QMP_MAX_MESSAGE);
        g_string_append(line, "\r\n");
        /* Fed in odd pieces so the limit check sees partial lines. */
        for (gsize off = 0; off < line->len; off += 4093)
                hv_qmp_parser_feed(parser, line->str + off, MIN(4093, line->len - off));
        assert_int_equal(hv_qmp_parser_next(parser, &msg, NULL), 1);
        assert_int_equal(msg->kind, HV_QMP_MSG_RETURN);
        assert_int_equal(json_object_get_string_len(msg->payload), HV_QMP_MAX_MESSAGE - 14);
}

static void test_free_with_pending(void **state)
{
        /* Freeing with queued messages, queued errors and a partial line. */
        HvQmpParser *parser = hv_qmp_parser_new();

        hv_qmp_parser_feed(parser, transcript, strlen(transcript));
        hv_qmp_parser_feed(parser, "garbage\n{\"ret", 13);
        hv_qmp_parser_free(parser);
        hv_qmp_parser_free(NULL);
        hv_qmp_message_free(NULL);
}

/* ---- fake QEMU --------------------------------------------------------------- */

typedef enum {
        S_END,
        S_SEND,      /* send text; "%ID%" becomes the last received id (JSON) */
        S_SEND_SLOW, /* same, one byte per write */
        S_RECV,      /* read one command line; text = expected "execute" */
        S_SLEEP,     /* ms in .ms */
        S_CLOSE,     /* close the connection now */
        S_HOLD,      /* read and discard until the client closes */
        S_EXPECT,    /* text = "ID ARGS": the last command's id and arguments */
} StepOp;

typedef struct {
        StepOp op;
        const char *text;
        int ms;
} Step;

typedef struct {
        char *dir;
        char *path;
        int listen_fd;
        const Step *script;
        GThread *thread;
        char *failure;       /* first thing that went wrong on the server side */
        char *last_id;       /* JSON text of the last command's id */
        char *last_args;     /* JSON text of the last command's arguments */
        GString *inbuf;
} FakeQemu;

static void fake_fail(FakeQemu *fq, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void fake_fail(FakeQemu *fq, const char *fmt, ...)
{
        va_list ap;

        if (fq->failure)
                return;
        va_start(ap, fmt);
        fq->failure = g_strdup_vprintf(fmt, ap);
        va_end(ap);
}

/* Reads one line from the client, at most 5 s. Returns NULL on EOF. */
static char *fake_read_line(FakeQemu *fq, int fd)
{
        for (;;) {
                char *nl = strchr(fq->inbuf->str, '\n');
                if (nl) {
                        char *line = g_strndup(fq->inbuf->str, nl - fq->inbuf->str);
                        g_string_erase(fq->inbuf, 0, nl - fq->inbuf->str + 1);
                        return line;
                }
                struct pollfd p = { .fd = fd, .events = POLLIN };
                if (poll(&p, 1, 5000) <= 0)
                        return NULL;
                char buf[4096];
                ssize_t n = recv(fd, buf, sizeof(buf), 0);
                if (n <= 0)
                        return NULL;
                g_string_append_len(fq->inbuf, buf, n);
        }
}

static void fake_send(FakeQemu *fq, int fd, const char *text, gboolean slow)
{
        g_autofree char *id = g_strdup(fq->last_id ? fq->last_id : "null");
        g_auto(GStrv) parts = g_strsplit(text, "%ID%", -1);
        g_autofree char *out = g_strjoinv(id, parts);
        gsize len = strlen(out);

        for (gsize off = 0; off < len;) {
                ssize_t n = send(fd, out + off, slow ? 1 : len - off, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        fake_fail(fq, "send: %s", g_strerror(errno));
                        return;
                }
                off += n;
                if (slow)
                        g_usleep(200);
        }
}

static gpointer fake_thread(gpointer data)
{
        FakeQemu *fq = data;
        struct pollfd p = { .fd = fq->listen_fd, .events = POLLIN };
        int fd;

        if (poll(&p, 1, 5000) <= 0) {
                fake_fail(fq, "no client connected");
                return NULL;
        }
        fd = accept4(fq->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
                fake_fail(fq, "accept: %s", g_strerror(errno));
                return NULL;
        }
        for (const Step *s = fq->script; s->op != S_END && fd >= 0; s++) {
                switch (s->op) {
                case S_SEND:
                case S_SEND_SLOW:
                        fake_send(fq, fd, s->text, s->op == S_SEND_SLOW);
                        break;
                case S_RECV: {
                        g_autofree char *line = fake_read_line(fq, fd);
                        g_autoptr(json_object) req = NULL;
                        json_object *exec, *id, *args;
                        if (!line) {
                                fake_fail(fq, "expected %s, got EOF", s->text);
                                break;
                        }
                        req = pk_json_parse(line, -1, "request", NULL);
                        if (!req || !json_object_object_get_ex(req, "execute", &exec) ||
                            g_strcmp0(json_object_get_string(exec), s->text) != 0) {
                                fake_fail(fq, "expected %s, got %s", s->text, line);
                                break;
                        }
                        if (!json_object_object_get_ex(req, "id", &id)) {
                                fake_fail(fq, "request without id: %s", line);
                                break;
                        }
                        g_free(fq->last_id);
                        fq->last_id = pk_json_to_string(id, FALSE);
                        g_free(fq->last_args);
                        fq->last_args = json_object_object_get_ex(req, "arguments", &args)
                                                ? pk_json_to_string(args, FALSE)
                                                : NULL;
                        break;
                }
                case S_SLEEP:
                        g_usleep(s->ms * 1000);
                        break;
                case S_CLOSE:
                        close(fd);
                        fd = -1;
                        break;
                case S_HOLD: {
                        char buf[4096];
                        struct pollfd q = { .fd = fd, .events = POLLIN };
                        while (poll(&q, 1, 10000) > 0 && recv(fd, buf, sizeof(buf), 0) > 0)
                                ;
                        break;
                }
                case S_EXPECT: {
                        g_autofree char *got = g_strdup_printf(
                                "%s %s", fq->last_id, fq->last_args ? fq->last_args : "-");
                        if (strcmp(got, s->text) != 0)
                                fake_fail(fq, "expected request %s, got %s", s->text, got);
                        break;
                }
                case S_END:
                        break;
                }
        }
        if (fd >= 0)
                close(fd);
        return NULL;
}

static FakeQemu *fake_start(const Step *script)
{
        FakeQemu *fq = g_new0(FakeQemu, 1);
        struct sockaddr_un addr = { .sun_family = AF_UNIX };

        fq->dir = g_dir_make_tmp("test-qmp-XXXXXX", NULL);
        assert_non_null(fq->dir);
        fq->path = g_build_filename(fq->dir, "qmp.sock", NULL);
        fq->script = script;
        fq->inbuf = g_string_new(NULL);
        g_strlcpy(addr.sun_path, fq->path, sizeof(addr.sun_path));
        fq->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_true(fq->listen_fd >= 0);
        assert_int_equal(bind(fq->listen_fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
        assert_int_equal(listen(fq->listen_fd, 4), 0);
        fq->thread = g_thread_new("fake-qemu", fake_thread, fq);
        return fq;
}

/* Joins the server and fails the test if the client misbehaved towards it. */
static void fake_finish(FakeQemu *fq)
{
        if (fq->thread)
                g_thread_join(fq->thread);
        close(fq->listen_fd);
        unlink(fq->path);
        rmdir(fq->dir);
        if (fq->failure)
                fail_msg("fake QEMU: %s", fq->failure);
        g_free(fq->dir);
        g_free(fq->path);
        g_free(fq->last_id);
        g_free(fq->last_args);
        g_string_free(fq->inbuf, TRUE);
        g_free(fq);
}

#define HANDSHAKE \
        { S_SEND, GREETING_72, 0 }, \
        { S_RECV, "qmp_capabilities", 0 }, \
        { S_EXPECT, "\"pk-1\" -", 0 }, \
        { S_SEND, "{\"return\": {}, \"id\": %ID%}\r\n", 0 }

static HvQmp *connect_ok(FakeQemu *fq)
{
        g_autoptr(GError) error = NULL;
        HvQmp *qmp = hv_qmp_connect(fq->path, 5000, &error);

        if (!qmp)
                fail_msg("connect: %s", error->message);
        return qmp;
}

static void assert_error(GError *error, int code, const char *needle)
{
        if (!error)
                fail_msg("expected error %d (%s), got success", code, needle);
        if (!g_error_matches(error, HV_ERROR, code) || !strstr(error->message, needle))
                fail_msg("expected error %d with \"%s\", got %d: %s", code, needle,
                         error->code, error->message);
}

/* ---- client tests -------------------------------------------------------------- */

/* Runs @script and expects hv_qmp_connect() to fail with @code and @text. */
static void expect_connect_error(const Step *script, int timeout_ms, int code, const char *text)
{
        FakeQemu *fq = fake_start(script);
        g_autoptr(GError) error = NULL;
        HvQmp *qmp = hv_qmp_connect(fq->path, timeout_ms, &error);

        assert_null(qmp);
        assert_error(error, code, text);
        fake_finish(fq);
}

static void test_client_event_before_answer(void **state)
{
        static const Step script[] = {
                HANDSHAKE,
                { S_RECV, "query-status", 0 },
                { S_SEND, "{\"timestamp\": {\"seconds\": 5, \"microseconds\": 6}, "
                          "\"event\": \"STOP\"}\r\n", 0 },
                { S_SEND, "{\"return\": {\"status\": \"paused\", \"running\": false}, "
                          "\"id\": %ID%}\r\n", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);
        g_autoptr(json_object) ret = NULL;
        g_autoptr(HvQmpMessage) ev = NULL;
        g_autoptr(GError) error = NULL;
        json_object *v, *status;
        int fd = hv_qmp_get_fd(qmp);

        assert_true(fd >= 0);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        assert_true(json_object_object_get_ex(hv_qmp_get_greeting(qmp), "version", &v));
        assert_true(hv_qmp_execute(qmp, "query-status", NULL, 5000, &ret, &error));
        assert_null(error);
        assert_true(json_object_object_get_ex(ret, "status", &status));
        assert_string_equal(json_object_get_string(status), "paused");

        assert_true(hv_qmp_next_event(qmp, 0, &ev, &error));
        assert_int_equal(ev->kind, HV_QMP_MSG_EVENT);
        assert_int_equal(ev->event_type, HV_QMP_EVENT_STOP);
        assert_int_equal(ev->ts_sec, 5);
        assert_int_equal(ev->ts_usec, 6);
        g_clear_pointer(&ev, hv_qmp_message_free);
        assert_false(hv_qmp_next_event(qmp, 0, &ev, &error));
        assert_null(ev);
        assert_error(error, HV_ERROR_TIMEOUT, "no QMP event");
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
        assert_string_equal(warnings->str, "");
}

static void test_client_arguments_and_ids(void **state)
{
        static const Step script[] = {
                HANDSHAKE,
                { S_RECV, "set_link", 0 },
                { S_EXPECT, "\"pk-2\" {\"name\":\"net0\",\"up\":false}", 0 },
                { S_SEND, "{\"return\": {}, \"id\": %ID%}\r\n", 0 },
                { S_RECV, "cont", 0 },
                { S_EXPECT, "\"pk-3\" -", 0 },
                { S_SEND, "{\"return\": {}, \"id\": %ID%}\r\n", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);
        g_autoptr(json_object) args = json_object_new_object();
        g_autoptr(GError) error = NULL;

        json_object_object_add(args, "name", json_object_new_string("net0"));
        json_object_object_add(args, "up", json_object_new_boolean(0));
        assert_true(hv_qmp_execute(qmp, "set_link", args, 5000, NULL, &error));
        assert_true(hv_qmp_execute(qmp, "cont", NULL, 5000, NULL, &error));
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
}

static void test_client_ids_are_distinct(void **state)
{
        static const Step script[] = {
                HANDSHAKE,
                { S_RECV, "stop", 0 },
                /* An answer to the same command must carry a fresh id. */
                { S_SEND, "{\"return\": {}, \"id\": \"pk-1\"}\r\n", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);
        g_autoptr(GError) error = NULL;

        /* "pk-1" was qmp_capabilities: not an answer to stop. */
        assert_false(hv_qmp_execute(qmp, "stop", NULL, 300, NULL, &error));
        assert_error(error, HV_ERROR_TIMEOUT, "did not answer QMP command stop");
        assert_non_null(strstr(warnings->str, "unexpected id pk-1"));
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
}

static void test_client_error_answer(void **state)
{
        static const Step script[] = {
                HANDSHAKE,
                { S_RECV, "nope", 0 },
                { S_SEND, "{\"id\": %ID%, \"error\": {\"class\": \"CommandNotFound\", "
                          "\"desc\": \"The command nope has not been found\"}}\r\n", 0 },
                { S_RECV, "query-status", 0 },
                { S_SEND, "{\"return\": {\"status\": \"running\"}, \"id\": %ID%}\r\n", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);
        g_autoptr(GError) error = NULL;
        json_object *ret = (json_object *)0x1;

        assert_false(hv_qmp_execute(qmp, "nope", NULL, 5000, &ret, &error));
        assert_error(error, HV_ERROR_COMMAND, "CommandNotFound");
        assert_non_null(strstr(error->message, "The command nope has not been found"));
        assert_non_null(strstr(error->message, "nope"));
        assert_ptr_equal(ret, (json_object *)0x1);
        g_clear_error(&error);
        /* The connection is still usable after a command error. */
        assert_true(hv_qmp_execute(qmp, "query-status", NULL, 5000, NULL, &error));
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
}

static void test_client_idless_error(void **state)
{
        static const Step script[] = {
                HANDSHAKE,
                { S_RECV, "query-status", 0 },
                { S_SEND, "{\"error\": {\"class\": \"GenericError\", "
                          "\"desc\": \"JSON parse error, invalid keyword\"}}\r\n", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);
        g_autoptr(GError) error = NULL;

        assert_false(hv_qmp_execute(qmp, "query-status", NULL, 5000, NULL, &error));
        assert_error(error, HV_ERROR_COMMAND, "GenericError: JSON parse error");
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
}

static void test_client_mismatched_and_garbage_skipped(void **state)
{
        static const Step script[] = {
                HANDSHAKE,
                { S_RECV, "query-status", 0 },
                { S_SEND, "{\"return\": {\"status\": \"wrong\"}, \"id\": \"someone-else\"}\r\n"
                          "this is not json\r\n"
                          "{\"return\": {\"status\": \"wrong\"}}\r\n"
                          "{\"QMP\": {}}\r\n", 0 },
                { S_SEND, "{\"return\": {\"status\": \"running\"}, \"id\": %ID%}\r\n", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);
        g_autoptr(json_object) ret = NULL;
        g_autoptr(GError) error = NULL;
        json_object *status;

        assert_true(hv_qmp_execute(qmp, "query-status", NULL, 5000, &ret, &error));
        assert_true(json_object_object_get_ex(ret, "status", &status));
        assert_string_equal(json_object_get_string(status), "running");
        assert_non_null(strstr(warnings->str, "unexpected id someone-else"));
        assert_non_null(strstr(warnings->str, "unexpected id (none)"));
        assert_non_null(strstr(warnings->str, "not valid JSON"));
        assert_non_null(strstr(warnings->str, "second greeting"));
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
}

static void test_client_slow_greeting(void **state)
{
        static const Step script[] = {
                { S_SEND_SLOW, GREETING_72, 0 },
                { S_RECV, "qmp_capabilities", 0 },
                { S_SEND_SLOW, "{\"return\": {}, \"id\": %ID%}\r\n", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);

        assert_non_null(hv_qmp_get_greeting(qmp));
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
}

static void test_client_closed_during_command(void **state)
{
        static const Step script[] = {
                HANDSHAKE,
                { S_SEND, "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, "
                          "\"reason\": \"guest-shutdown\"}}\r\n", 0 },
                { S_RECV, "query-status", 0 },
                { S_SEND, "{\"return\": {\"stat", 0 },
                { S_CLOSE, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);
        g_autoptr(GError) error = NULL;
        g_autoptr(HvQmpMessage) ev = NULL;

        assert_false(hv_qmp_execute(qmp, "query-status", NULL, 5000, NULL, &error));
        assert_error(error, HV_ERROR_CLOSED, "closed by QEMU in the middle of a message");
        g_clear_error(&error);
        /* Later calls fail the same way at once. */
        assert_false(hv_qmp_execute(qmp, "cont", NULL, 5000, NULL, &error));
        assert_error(error, HV_ERROR_CLOSED, "closed by QEMU");
        g_clear_error(&error);
        /* The event that came before the close is still delivered, then
         * the close. */
        assert_true(hv_qmp_next_event(qmp, 1000, &ev, &error));
        assert_int_equal(ev->event_type, HV_QMP_EVENT_SHUTDOWN);
        g_clear_pointer(&ev, hv_qmp_message_free);
        assert_false(hv_qmp_next_event(qmp, 1000, &ev, &error));
        assert_error(error, HV_ERROR_CLOSED, "closed by QEMU");
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
}

static void test_client_closed_before_greeting(void **state)
{
        static const Step script[] = {
                { S_CLOSE, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(GError) error = NULL;
        HvQmp *qmp = hv_qmp_connect(fq->path, 5000, &error);

        assert_null(qmp);
        assert_error(error, HV_ERROR_CLOSED, "closed by QEMU");
        assert_non_null(strstr(error->message, fq->path));
        fake_finish(fq);
}

static void test_client_closed_during_handshake(void **state)
{
        static const Step script[] = {
                { S_SEND, GREETING_72, 0 },
                { S_RECV, "qmp_capabilities", 0 },
                { S_CLOSE, NULL, 0 },
                { S_END, NULL, 0 },
        };
        expect_connect_error(script, 5000, HV_ERROR_CLOSED, "QMP handshake");
}

static void test_client_capabilities_refused(void **state)
{
        static const Step script[] = {
                { S_SEND, GREETING_72, 0 },
                { S_RECV, "qmp_capabilities", 0 },
                { S_SEND, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                          "\"Capabilities negotiation is already complete\"}, \"id\": %ID%}\r\n", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        expect_connect_error(script, 5000, HV_ERROR_COMMAND, "already complete");
}

static void test_client_garbage_greeting(void **state)
{
        static const Step script[] = {
                { S_SEND, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        expect_connect_error(script, 5000, HV_ERROR_PROTOCOL, "does not speak QMP");
}

static void test_client_answer_instead_of_greeting(void **state)
{
        static const Step script[] = {
                { S_SEND, "{\"return\": {}}\r\n", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        expect_connect_error(script, 5000, HV_ERROR_PROTOCOL, "not a greeting");
}

static void test_client_silent_greeting(void **state)
{
        static const Step script[] = {
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(GError) error = NULL;
        gint64 start = pk_now_ms();
        HvQmp *qmp = hv_qmp_connect(fq->path, 300, &error);
        gint64 took = pk_now_ms() - start;

        assert_null(qmp);
        assert_error(error, HV_ERROR_TIMEOUT, "no QMP greeting");
        assert_true(took >= 300 && took < 3000);
        fake_finish(fq);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
        alarms++;
}

static void test_client_silent_answer_with_signals(void **state)
{
        static const Step script[] = {
                HANDSHAKE,
                { S_RECV, "query-status", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        struct sigaction sa = { .sa_handler = on_alarm }, old;
        struct itimerval every = { { 0, 20000 }, { 0, 20000 } }, off = { 0 };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);
        g_autoptr(GError) error = NULL;
        gint64 start, took;

        /* No SA_RESTART: poll() keeps failing with EINTR, and the wait must
         * still last the full timeout, no more and not much less. */
        sigemptyset(&sa.sa_mask);
        sigaction(SIGALRM, &sa, &old);
        alarms = 0;
        setitimer(ITIMER_REAL, &every, NULL);
        start = pk_now_ms();
        assert_false(hv_qmp_execute(qmp, "query-status", NULL, 500, NULL, &error));
        took = pk_now_ms() - start;
        setitimer(ITIMER_REAL, &off, NULL);
        sigaction(SIGALRM, &old, NULL);

        assert_error(error, HV_ERROR_TIMEOUT,
                     "QEMU did not answer QMP command query-status within 500 ms");
        assert_true(alarms >= 5);
        if (took < 500 || took > 2500)
                fail_msg("timeout took %" G_GINT64_FORMAT " ms", took);
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
}

static void test_client_late_answer_skipped(void **state)
{
        static const Step script[] = {
                HANDSHAKE,
                { S_RECV, "query-status", 0 },
                { S_SLEEP, NULL, 400 },
                { S_SEND, "{\"return\": {\"late\": true}, \"id\": %ID%}\r\n", 0 },
                { S_RECV, "query-name", 0 },
                { S_SEND, "{\"return\": {\"name\": \"g1\"}, \"id\": %ID%}\r\n", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) ret = NULL;
        json_object *name;

        assert_false(hv_qmp_execute(qmp, "query-status", NULL, 100, NULL, &error));
        assert_error(error, HV_ERROR_TIMEOUT, "query-status");
        g_clear_error(&error);
        assert_true(hv_qmp_execute(qmp, "query-name", NULL, 5000, &ret, &error));
        assert_true(json_object_object_get_ex(ret, "name", &name));
        assert_string_equal(json_object_get_string(name), "g1");
        /* Expected lateness is not a protocol error. */
        assert_string_equal(warnings->str, "");
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
}

static void test_client_sigpipe(void **state)
{
        static const Step script[] = {
                HANDSHAKE,
                { S_CLOSE, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);
        g_autoptr(GError) error = NULL;
        void (*old)(int) = signal(SIGPIPE, SIG_DFL);

        /* Let the close land so the send itself hits EPIPE; with SIGPIPE
         * at its default this process would die without MSG_NOSIGNAL. */
        g_thread_join(g_steal_pointer(&fq->thread));
        g_usleep(50 * 1000);
        assert_false(hv_qmp_execute(qmp, "query-status", NULL, 1000, NULL, &error));
        signal(SIGPIPE, old);
        assert_error(error, HV_ERROR_CLOSED, "closed by QEMU");
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
}

static void test_client_event_wait(void **state)
{
        static const Step script[] = {
                HANDSHAKE,
                { S_SLEEP, NULL, 150 },
                { S_SEND, "{\"event\": \"WATCHDOG\", \"data\": {\"action\": \"reset\"}, "
                          "\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}}\r\n"
                          "{\"event\": \"RESET\", \"data\": {\"guest\": false, "
                          "\"reason\": \"watchdog\"}}\r\n", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);
        g_autoptr(GError) error = NULL;
        g_autoptr(HvQmpMessage) ev = NULL;
        json_object *action;

        assert_false(hv_qmp_next_event(qmp, 0, &ev, &error));
        assert_error(error, HV_ERROR_TIMEOUT, "no QMP event");
        g_clear_error(&error);
        assert_true(hv_qmp_next_event(qmp, 5000, &ev, &error));
        assert_int_equal(ev->event_type, HV_QMP_EVENT_WATCHDOG);
        assert_true(json_object_object_get_ex(ev->payload, "action", &action));
        assert_string_equal(json_object_get_string(action), "reset");
        g_clear_pointer(&ev, hv_qmp_message_free);
        /* Both came in one read: the second one is already buffered. */
        assert_true(hv_qmp_next_event(qmp, 0, &ev, &error));
        assert_int_equal(ev->event_type, HV_QMP_EVENT_RESET);
        assert_int_equal(ev->ts_sec, -1);
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
}

static void test_client_poll_fd_then_drain(void **state)
{
        static const Step script[] = {
                HANDSHAKE,
                /* Later than the handshake's answer, so it is still on the
                 * socket and not already read into the client's buffer. */
                { S_SLEEP, NULL, 100 },
                { S_SEND, "{\"event\": \"BLOCK_IO_ERROR\", \"data\": {\"device\": \"vda\", "
                          "\"operation\": \"write\", \"action\": \"stop\"}}\r\n", 0 },
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);
        g_autoptr(GError) error = NULL;
        g_autoptr(HvQmpMessage) ev = NULL;
        struct pollfd p = { .fd = hv_qmp_get_fd(qmp), .events = POLLIN };

        /* How a main loop uses it: wait for the fd, then take with 0. */
        assert_int_equal(poll(&p, 1, 5000), 1);
        assert_true(hv_qmp_next_event(qmp, 0, &ev, &error));
        assert_int_equal(ev->event_type, HV_QMP_EVENT_BLOCK_IO_ERROR);
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
}

static void test_client_bad_arguments(void **state)
{
        static const Step script[] = {
                HANDSHAKE,
                { S_HOLD, NULL, 0 },
                { S_END, NULL, 0 },
        };
        FakeQemu *fq = fake_start(script);
        g_autoptr(HvQmp) qmp = connect_ok(fq);
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) arr = json_object_new_array();

        assert_false(hv_qmp_execute(qmp, "stop", arr, 1000, NULL, &error));
        assert_error(error, HV_ERROR_INVALID, "of type array");
        g_clear_error(&error);
        assert_false(hv_qmp_execute(qmp, "", NULL, 1000, NULL, &error));
        assert_error(error, HV_ERROR_INVALID, "empty");
        g_clear_pointer(&qmp, hv_qmp_free);
        fake_finish(fq);
}

static void test_client_no_socket(void **state)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("test-qmp-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "absent.sock", NULL);
        g_autofree char *longpath = g_strnfill(200, 'a');

        assert_null(hv_qmp_connect(path, 1000, &error));
        assert_error(error, HV_ERROR_FAILED, "No such file");
        g_clear_error(&error);
        assert_null(hv_qmp_connect(longpath, 1000, &error));
        assert_error(error, HV_ERROR_INVALID, "longer than");
        g_clear_error(&error);

        /* A socket file with nobody listening: refused at once. */
        {
                struct sockaddr_un addr = { .sun_family = AF_UNIX };
                int fd = socket(AF_UNIX, SOCK_STREAM, 0);
                g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
                assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
                close(fd);
                assert_null(hv_qmp_connect(path, 1000, &error));
                assert_error(error, HV_ERROR_FAILED, "refused");
                unlink(path);
        }
        rmdir(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_event_names),
                cmocka_unit_test(test_greeting),
                cmocka_unit_test(test_answers_and_events),
                cmocka_unit_test(test_split_everywhere),
                cmocka_unit_test(test_byte_at_a_time),
                cmocka_unit_test(test_incomplete_is_kept),
                cmocka_unit_test(test_unknown_keys),
                cmocka_unit_test(test_not_objects),
                cmocka_unit_test(test_invalid_json),
                cmocka_unit_test(test_empty_lines),
                cmocka_unit_test(test_wrong_types),
                cmocka_unit_test(test_timestamps),
                cmocka_unit_test(test_nul_bytes),
                cmocka_unit_test(test_deep_nesting),
                cmocka_unit_test(test_oversize_small_limit),
                cmocka_unit_test(test_oversize_order),
                cmocka_unit_test(test_oversize_bounded_memory),
                cmocka_unit_test(test_max_size_accepted),
                cmocka_unit_test(test_free_with_pending),
                cmocka_unit_test_setup(test_client_event_before_answer, reset_warnings),
                cmocka_unit_test_setup(test_client_arguments_and_ids, reset_warnings),
                cmocka_unit_test_setup(test_client_ids_are_distinct, reset_warnings),
                cmocka_unit_test_setup(test_client_error_answer, reset_warnings),
                cmocka_unit_test_setup(test_client_idless_error, reset_warnings),
                cmocka_unit_test_setup(test_client_mismatched_and_garbage_skipped, reset_warnings),
                cmocka_unit_test_setup(test_client_slow_greeting, reset_warnings),
                cmocka_unit_test_setup(test_client_closed_during_command, reset_warnings),
                cmocka_unit_test_setup(test_client_closed_before_greeting, reset_warnings),
                cmocka_unit_test_setup(test_client_closed_during_handshake, reset_warnings),
                cmocka_unit_test_setup(test_client_capabilities_refused, reset_warnings),
                cmocka_unit_test_setup(test_client_garbage_greeting, reset_warnings),
                cmocka_unit_test_setup(test_client_answer_instead_of_greeting, reset_warnings),
                cmocka_unit_test_setup(test_client_silent_greeting, reset_warnings),
                cmocka_unit_test_setup(test_client_silent_answer_with_signals, reset_warnings),
                cmocka_unit_test_setup(test_client_late_answer_skipped, reset_warnings),
                cmocka_unit_test_setup(test_client_sigpipe, reset_warnings),
                cmocka_unit_test_setup(test_client_event_wait, reset_warnings),
                cmocka_unit_test_setup(test_client_poll_fd_then_drain, reset_warnings),
                cmocka_unit_test_setup(test_client_bad_arguments, reset_warnings),
                cmocka_unit_test_setup(test_client_no_socket, reset_warnings),
        };

        warnings = g_string_new(NULL);
        g_log_set_writer_func(capture_writer, NULL, NULL);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
