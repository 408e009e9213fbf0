/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver for hamgrd's API: every line of the case is one request line
 * as a client would send it, and the driver prints what hamgrd makes of it:
 * the validated request, or the error reply it sends. Lines:
 *   # text              echoed (a comment naming the case)
 *   reply: TEXT         TEXT is parsed as an answer to request id 7 instead
 *   oversize: N         a valid request padded with spaces to N bytes
 * Raw bytes (NUL included) reach the parser as they are in the file.
 */
#include "ham-api.h"
#include "pk.h"

#include <stdio.h>
#include <string.h>

/* Control bytes (NUL included) shown as \xNN; long lines shortened. */
static void print_line(const char *line, gsize n)
{
        for (gsize i = 0; i < n && i < 200; i++) {
                unsigned char c = (unsigned char)line[i];
                if (c < 0x20 || c == 0x7f)
                        printf("\\x%02x", c);
                else
                        putchar(c);
        }
        printf("%s\n", n > 200 ? "..." : "");
}

static void show_request(const char *line, gsize len)
{
        g_autoptr(GError) error = NULL;
        gint64 id;
        g_autoptr(HamApiRequest) req = ham_api_request_parse(line, len, &id, &error);
        if (!req) {
                g_autofree char *reply = ham_api_reply_error(id, error);
                printf("  -> %s\n", reply);
                return;
        }
        g_autofree char *args = pk_json_to_string(req->args, FALSE);
        printf("  -> request id=%" G_GINT64_FORMAT " cmd=%s args=%s\n", req->id,
               ham_api_cmd_name(req->cmd), args);
        /* What a request prints back parses to the same request. */
        g_autofree char *again = ham_api_request_to_string(req->id, ham_api_cmd_name(req->cmd),
                                                           req->args);
        g_autoptr(HamApiRequest) req2 = ham_api_request_parse(again, strlen(again), NULL, NULL);
        if (!req2 || req2->id != req->id || req2->cmd != req->cmd)
                printf("  !! round trip failed: %s\n", again);
}

static void show_reply(const char *line, gsize len)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) result = NULL;
        if (ham_api_reply_parse(line, len, 7, &result, &error)) {
                g_autofree char *text = pk_json_to_string(result, FALSE);
                printf("  -> result %s\n", text);
        } else {
                printf("  -> error %s: %s\n", ham_api_error_code_name(error->code), error->message);
        }
}

int main(int argc, char **argv)
{
        g_autofree char *text = NULL;
        gsize len;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, &len, NULL)) {
                fprintf(stderr, "usage: golden-ham-api FILE\n");
                return 2;
        }
        for (gsize start = 0; start < len;) {
                const char *nl = memchr(text + start, '\n', len - start);
                gsize n = nl ? (gsize)(nl - (text + start)) : len - start;
                const char *line = text + start;
                start += n + 1;
                if (n > 0 && line[0] == '#') {
                        printf("%.*s\n", (int)n, line);
                        continue;
                }
                if (n > 7 && strncmp(line, "reply: ", 7) == 0) {
                        printf("reply %.*s\n", (int)(n - 7), line + 7);
                        show_reply(line + 7, n - 7);
                        continue;
                }
                if (n > 10 && strncmp(line, "oversize: ", 10) == 0) {
                        gsize size = g_ascii_strtoull(line + 10, NULL, 10);
                        g_autoptr(GString) big = g_string_new("{\"id\":3,\"cmd\":\"ping\"}");
                        while (big->len < size)
                                g_string_append_c(big, ' ');
                        printf("request of %zu bytes\n", big->len);
                        show_request(big->str, big->len);
                        continue;
                }
                print_line(line, n);
                show_request(line, n);
        }
        return 0;
}
