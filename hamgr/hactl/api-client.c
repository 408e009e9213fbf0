/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The API client hactl uses: one request, one answer, with a deadline. */
#include "ham-api.h"
#include "pk.h"
#include "ham-api-client.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int remaining_ms(gint64 deadline)
{
        if (deadline < 0)
                return -1;
        gint64 left = deadline - pk_now_ms();
        return left < 0 ? 0 : (int)MIN(left, G_MAXINT);
}

static gboolean wait_fd(int fd, short events, gint64 deadline, const char *socket,
                        GError **error)
{
        struct pollfd p = { .fd = fd, .events = events };
        for (;;) {
                int r = poll(&p, 1, remaining_ms(deadline));
                if (r > 0)
                        return TRUE;
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0) {
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_FAILED,
                                    "%s: poll: %s", socket, g_strerror(errno));
                        return FALSE;
                }
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_TIMEOUT,
                            "hamgrd did not answer within the timeout on %s", socket);
                return FALSE;
        }
}

static int connect_socket(const char *path, GError **error)
{
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        int fd;

        if (strlen(path) >= sizeof(addr.sun_path)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "socket path %s is too long for a unix socket", path);
                return -1;
        }
        strcpy(addr.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_FAILED,
                            "socket: %s", g_strerror(errno));
                return -1;
        }
        /* A local connect either succeeds or fails at once; the backlog
         * being full is the only wait, and is reported like a dead daemon. */
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
                int e = errno;
                close(fd);
                if (e == ENOENT || e == ECONNREFUSED)
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_CONNECT,
                                    "hamgrd is not running (nothing listens on %s); "
                                    "start it with 'systemctl start hamgrd'", path);
                else if (e == EACCES)
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_CONNECT,
                                    "cannot connect to hamgrd on %s: permission denied; "
                                    "hamgrd answers root only, run the command as root", path);
                else
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_CONNECT,
                                    "cannot connect to hamgrd on %s: %s", path, g_strerror(e));
                return -1;
        }
        return fd;
}

gboolean ham_api_call_full(const char *socket, const char *cmd, json_object *args,
                           int timeout_ms, json_object **ret_result, GError **error)
{
        gint64 deadline = timeout_ms < 0 ? -1 : pk_now_ms() + timeout_ms;
        const gint64 id = 1;
        g_autofree char *req = NULL, *text = NULL;
        g_autoptr(GString) in = g_string_new(NULL);
        gsize off = 0;
        char *nl;
        int fd;

        if (!socket)
                socket = ham_api_default_socket();
        req = ham_api_request_to_string(id, cmd, args);
        text = g_strconcat(req, "\n", NULL);
        fd = connect_socket(socket, error);
        if (fd < 0)
                return FALSE;

        while (off < strlen(text)) {
                if (!wait_fd(fd, POLLOUT, deadline, socket, error))
                        goto fail;
                ssize_t n = send(fd, text + off, strlen(text) - off, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (n < 0) {
                        /* hamgrd may have refused us and closed: its answer says why. */
                        if (errno == EPIPE || errno == ECONNRESET)
                                break;
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_FAILED,
                                    "sending to hamgrd on %s: %s", socket, g_strerror(errno));
                        goto fail;
                }
                off += (gsize)n;
        }
        while (!(nl = memchr(in->str, '\n', in->len))) {
                char buf[16384];
                if (in->len > (gsize)HAM_API_MAX_LINE * 64) {
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_PROTOCOL,
                                    "hamgrd's answer on %s is too large", socket);
                        goto fail;
                }
                if (!wait_fd(fd, POLLIN, deadline, socket, error))
                        goto fail;
                ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
                if (n < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (n < 0) {
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_FAILED,
                                    "reading from hamgrd on %s: %s", socket, g_strerror(errno));
                        goto fail;
                }
                if (n == 0) {
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_PROTOCOL,
                                    "hamgrd closed the connection on %s without an answer",
                                    socket);
                        goto fail;
                }
                g_string_append_len(in, buf, n);
        }
        close(fd);
        return ham_api_reply_parse(in->str, (gsize)(nl - in->str), id, ret_result, error);
fail:
        close(fd);
        return FALSE;
}

gboolean ham_api_call(const char *socket, const char *cmd, json_object *args,
                      json_object **ret_result, GError **error)
{
        return ham_api_call_full(socket, cmd, args, HAM_API_TIMEOUT_MS, ret_result, error);
}
