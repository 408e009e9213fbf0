/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test client for hamgrd's API (until hactl has the commands):
 *   ham-api-call [--socket PATH] [--timeout MS] [--field PATH] CMD [JSON-ARGS]
 *       one request through ham_api_call(); prints the result (pretty JSON),
 *       or with --field a.b.0.c just that value (strings unquoted).
 *   ham-api-call [--socket PATH] --raw
 *       sends stdin as it is, shuts down its sending side and prints every
 *       byte hamgrd answers until it closes.
 * Exit: 0 ok, 1 error reply (stderr: "CODE: message"), 2 usage, 3 hamgrd
 * not reachable, 4 no such --field.
 */
#include "ham-api.h"
#include "pk.h"
#include "ham-api-client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int raw(const char *path)
{
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        char buf[65536];
        ssize_t n;
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
        if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
                fprintf(stderr, "ham-api-call: connect %s: %s\n", path, g_strerror(errno));
                return 3;
        }
        while ((n = read(0, buf, sizeof(buf))) > 0) {
                for (ssize_t off = 0; off < n;) {
                        ssize_t w = send(fd, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
                        if (w < 0)
                                goto read_back; /* refused: print why */
                        off += w;
                }
        }
read_back:
        shutdown(fd, SHUT_WR);
        while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
                fwrite(buf, 1, (size_t)n, stdout);
        close(fd);
        return 0;
}

static json_object *field(json_object *obj, const char *path)
{
        g_auto(GStrv) parts = g_strsplit(path, ".", -1);
        for (char **p = parts; *p && obj; p++) {
                if (json_object_is_type(obj, json_type_array)) {
                        char *end;
                        long i = strtol(*p, &end, 10);
                        obj = *end ? NULL : json_object_array_get_idx(obj, i);
                } else if (json_object_is_type(obj, json_type_object)) {
                        json_object *next = NULL;
                        if (!json_object_object_get_ex(obj, *p, &next))
                                return (json_object *)-1;
                        obj = next;
                } else {
                        return (json_object *)-1;
                }
        }
        return obj;
}

int main(int argc, char **argv)
{
        const char *socket = NULL, *path = NULL;
        int timeout = HAM_API_TIMEOUT_MS, i;
        gboolean raw_mode = FALSE;
        g_autoptr(json_object) args = NULL, result = NULL;
        g_autoptr(GError) error = NULL;

        for (i = 1; i < argc && argv[i][0] == '-'; i++) {
                if (g_str_equal(argv[i], "--socket") && i + 1 < argc)
                        socket = argv[++i];
                else if (g_str_equal(argv[i], "--timeout") && i + 1 < argc)
                        timeout = atoi(argv[++i]);
                else if (g_str_equal(argv[i], "--field") && i + 1 < argc)
                        path = argv[++i];
                else if (g_str_equal(argv[i], "--raw"))
                        raw_mode = TRUE;
                else
                        goto usage;
        }
        if (raw_mode)
                return raw(socket ? socket : ham_api_default_socket());
        if (i >= argc || argc - i > 2)
                goto usage;
        if (i + 1 < argc) {
                args = pk_json_parse(argv[i + 1], -1, "JSON-ARGS", &error);
                if (!args) {
                        fprintf(stderr, "ham-api-call: %s\n", error->message);
                        return 2;
                }
        }
        if (!ham_api_call_full(socket, argv[i], args, timeout, &result, &error)) {
                fprintf(stderr, "%s: %s\n", ham_api_error_code_name(error->code), error->message);
                return error->code == HAM_API_ERROR_CONNECT ? 3 : 1;
        }
        if (path) {
                json_object *v = field(result, path);
                if (v == (json_object *)-1)
                        return 4;
                if (json_object_is_type(v, json_type_string))
                        printf("%s\n", json_object_get_string(v));
                else
                        printf("%s\n", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
                return 0;
        }
        printf("%s\n", json_object_to_json_string_ext(result, JSON_C_TO_STRING_PRETTY |
                                                       JSON_C_TO_STRING_SPACED));
        return 0;
usage:
        fprintf(stderr, "usage: ham-api-call [--socket PATH] [--timeout MS] [--field PATH] CMD [JSON-ARGS]\n"
                        "       ham-api-call [--socket PATH] --raw\n");
        return 2;
}
