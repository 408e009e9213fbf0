/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hv-qmp-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "pk.h"

/* A QEMU that is never asked for its events must not make us grow without
 * bound; past this the oldest queued events are dropped (with a warning). */
#define QMP_MAX_QUEUED_EVENTS 4096

struct HvQmp {
        int fd;
        char *path;
        HvQmpParser *parser;
        json_object *greeting;
        GQueue events;          /* HvQmpMessage*, oldest first */
        guint64 next_id;
        /* Ids of commands we stopped waiting for: their late answers are
         * expected and skipped quietly. */
        GHashTable *abandoned;
        /* Set once the peer closed or the socket failed; every later call
         * fails with it instead of touching the socket again. */
        GError *dead;
};

/* What read_until() waits for. */
typedef enum {
        WAIT_GREETING,
        WAIT_ANSWER,
        WAIT_EVENT,
} WaitFor;

/* A deadline in CLOCK_MONOTONIC ms; G_MAXINT64 waits forever. */
static gint64 deadline_after(int timeout_ms)
{
        return timeout_ms < 0 ? G_MAXINT64 : pk_now_ms() + timeout_ms;
}

/* Milliseconds left for poll(): -1 forever, 0 once expired. */
static int remaining_ms(gint64 deadline)
{
        gint64 left;

        if (deadline == G_MAXINT64)
                return -1;
        left = deadline - pk_now_ms();
        if (left <= 0)
                return 0;
        return left > G_MAXINT ? G_MAXINT : (int)left;
}

/* poll() one fd until @deadline, restarting after signals with the time that
 * is actually left. Returns 1 ready, 0 timed out, -errno. */
static int wait_fd(int fd, short events, gint64 deadline)
{
        for (;;) {
                struct pollfd p = { .fd = fd, .events = events };
                int r = poll(&p, 1, remaining_ms(deadline));
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                return r > 0 ? 1 : 0;
        }
}

static void mark_dead(HvQmp *qmp, GError *error)
{
        if (!qmp->dead)
                qmp->dead = g_error_copy(error);
}

static gboolean check_alive(HvQmp *qmp, GError **error)
{
        if (qmp->dead) {
                g_propagate_error(error, g_error_copy(qmp->dead));
                return FALSE;
        }
        return TRUE;
}

static gboolean closed_error(HvQmp *qmp, int err, GError **error)
{
        g_autoptr(GError) e = NULL;

        if (err == 0)
                e = g_error_new(HV_ERROR, HV_ERROR_CLOSED,
                                "QMP connection %s closed by QEMU%s", qmp->path,
                                hv_qmp_parser_pending(qmp->parser) > 0
                                        ? " in the middle of a message" : "");
        else if (err == EPIPE || err == ECONNRESET)
                e = g_error_new(HV_ERROR, HV_ERROR_CLOSED,
                                "QMP connection %s closed by QEMU: %s", qmp->path,
                                g_strerror(err));
        else
                e = g_error_new(HV_ERROR, HV_ERROR_FAILED,
                                "QMP connection %s failed: %s", qmp->path,
                                g_strerror(err));
        mark_dead(qmp, e);
        g_propagate_error(error, g_steal_pointer(&e));
        return FALSE;
}

static gboolean send_all(HvQmp *qmp, const char *buf, gsize len, gint64 deadline,
                         GError **error)
{
        while (len > 0) {
                /* MSG_NOSIGNAL: a QEMU that went away must give EPIPE here,
                 * not a SIGPIPE that kills whoever links libhv. */
                ssize_t n = send(qmp->fd, buf, len, MSG_NOSIGNAL);
                if (n >= 0) {
                        buf += n;
                        len -= (gsize)n;
                        continue;
                }
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK)
                        return closed_error(qmp, errno, error);
                int r = wait_fd(qmp->fd, POLLOUT, deadline);
                if (r < 0)
                        return closed_error(qmp, -r, error);
                if (r == 0) {
                        /* Part of a command may be on the wire: the stream
                         * cannot be trusted any more. */
                        g_autoptr(GError) e = g_error_new(
                                HV_ERROR, HV_ERROR_TIMEOUT,
                                "QMP connection %s: QEMU does not read its socket",
                                qmp->path);
                        mark_dead(qmp, e);
                        g_propagate_error(error, g_steal_pointer(&e));
                        return FALSE;
                }
        }
        return TRUE;
}

/* One read of whatever the socket has, into the parser. @deadline bounds
 * the wait. Returns 1 data, 0 timed out, -1 error (set). */
static int read_some(HvQmp *qmp, gint64 deadline, GError **error)
{
        char buf[65536];

        for (;;) {
                int r = wait_fd(qmp->fd, POLLIN, deadline);
                if (r < 0) {
                        closed_error(qmp, -r, error);
                        return -1;
                }
                if (r == 0)
                        return 0;
                ssize_t n = recv(qmp->fd, buf, sizeof(buf), 0);
                if (n > 0) {
                        hv_qmp_parser_feed(qmp->parser, buf, (gsize)n);
                        return 1;
                }
                if (n < 0 && (errno == EINTR || errno == EAGAIN ||
                              errno == EWOULDBLOCK))
                        continue;
                closed_error(qmp, n == 0 ? 0 : errno, error);
                return -1;
        }
}

static void queue_event(HvQmp *qmp, HvQmpMessage *msg)
{
        if (g_queue_get_length(&qmp->events) >= QMP_MAX_QUEUED_EVENTS) {
                HvQmpMessage *old = g_queue_pop_head(&qmp->events);
                g_warning("QMP %s: more than %d events queued, dropping %s",
                          qmp->path, QMP_MAX_QUEUED_EVENTS, old->event);
                hv_qmp_message_free(old);
        }
        g_queue_push_tail(&qmp->events, msg);
}

/*
 * Takes the parser's messages until the one @what waits for: the greeting,
 * the answer to @id, or any event. Events met on the way are queued. Protocol
 * errors are reported and skipped, since the next line may be fine — except
 * before the greeting, where nothing but a greeting is acceptable.
 * Returns 1 with @ret_msg, 0 when the parser needs more input, -1 on error.
 */
static int take_messages(HvQmp *qmp, WaitFor what, const char *id,
                         HvQmpMessage **ret_msg, GError **error)
{
        for (;;) {
                g_autoptr(HvQmpMessage) msg = NULL;
                g_autoptr(GError) perr = NULL;
                int r;

                if (what == WAIT_EVENT && !g_queue_is_empty(&qmp->events)) {
                        *ret_msg = g_queue_pop_head(&qmp->events);
                        return 1;
                }
                r = hv_qmp_parser_next(qmp->parser, &msg, &perr);
                if (r == 0)
                        return 0;
                if (r < 0 && what == WAIT_GREETING) {
                        g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                                    "%s does not speak QMP: %s", qmp->path,
                                    perr->message);
                        return -1;
                }
                if (r < 0) {
                        g_warning("QMP %s: %s; skipped", qmp->path, perr->message);
                        continue;
                }

                if (what == WAIT_GREETING) {
                        if (msg->kind != HV_QMP_MSG_GREETING) {
                                g_set_error(error, HV_ERROR, HV_ERROR_PROTOCOL,
                                            "%s does not speak QMP: first message "
                                            "is not a greeting", qmp->path);
                                return -1;
                        }
                        *ret_msg = g_steal_pointer(&msg);
                        return 1;
                }

                switch (msg->kind) {
                case HV_QMP_MSG_EVENT:
                        queue_event(qmp, g_steal_pointer(&msg));
                        continue;
                case HV_QMP_MSG_GREETING:
                        g_warning("QMP %s: unexpected second greeting; skipped",
                                  qmp->path);
                        continue;
                case HV_QMP_MSG_RETURN:
                case HV_QMP_MSG_ERROR:
                        break;
                }

                if (what == WAIT_ANSWER && msg->id && g_str_equal(msg->id, id)) {
                        *ret_msg = g_steal_pointer(&msg);
                        return 1;
                }
                /* QEMU drops the id only when it could not read the request
                 * at all; with one command in flight, that error is ours. */
                if (what == WAIT_ANSWER && !msg->id && msg->kind == HV_QMP_MSG_ERROR) {
                        *ret_msg = g_steal_pointer(&msg);
                        return 1;
                }
                if (msg->id && g_hash_table_remove(qmp->abandoned, msg->id)) {
                        g_debug("QMP %s: late answer to %s ignored", qmp->path,
                                msg->id);
                        continue;
                }
                {
                        g_autofree char *got = msg->id ? g_strescape(msg->id, NULL)
                                                       : g_strdup("(none)");
                        g_warning("QMP %s: answer with unexpected id %s%s%s; skipped",
                                  qmp->path, got,
                                  what == WAIT_ANSWER ? ", waiting for " : "",
                                  what == WAIT_ANSWER ? id : "");
                }
        }
}

/* Reads until take_messages() finds what it waits for or @deadline passes.
 * After the deadline one more non-blocking read is still done, so a timeout
 * of 0 picks up what is already on the socket. */
static int read_until(HvQmp *qmp, WaitFor what, const char *id, gint64 deadline,
                      HvQmpMessage **ret_msg, GError **error)
{
        gboolean last_round = FALSE;

        for (;;) {
                int r = take_messages(qmp, what, id, ret_msg, error);
                if (r != 0)
                        return r;
                if (!check_alive(qmp, error))
                        return -1;
                if (last_round)
                        return 0;
                if (remaining_ms(deadline) == 0)
                        last_round = TRUE;
                r = read_some(qmp, deadline, error);
                if (r < 0)
                        return -1;
                if (r == 0)
                        last_round = TRUE;
        }
}

static int connect_unix(const char *path, gint64 deadline, GError **error)
{
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        int fd;

        if (strlen(path) >= sizeof(addr.sun_path)) {
                g_set_error(error, HV_ERROR, HV_ERROR_INVALID,
                            "QMP socket path %s is longer than %zu bytes", path,
                            sizeof(addr.sun_path) - 1);
                return -1;
        }
        strcpy(addr.sun_path, path);

        /* Non-blocking from the start: every wait is a poll() with the
         * caller's deadline, including connect() to a full backlog. */
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
                int e = errno;
                g_set_error(error, HV_ERROR, HV_ERROR_FAILED,
                            "cannot create a socket for %s: %s", path, g_strerror(e));
                return -1;
        }
        for (;;) {
                if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
                        return fd;
                if (errno == EINTR)
                        continue;
                if (errno == EINPROGRESS) {
                        int r = wait_fd(fd, POLLOUT, deadline), soerr = 0;
                        socklen_t sl = sizeof(soerr);
                        if (r > 0 &&
                            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 &&
                            soerr == 0)
                                return fd;
                        if (r == 0)
                                break;
                        errno = r < 0 ? -r : soerr ? soerr : errno;
                        goto fail;
                }
                /* A unix socket with a full backlog says EAGAIN rather than
                 * EINPROGRESS: retry shortly until the deadline. */
                if (errno == EAGAIN && remaining_ms(deadline) != 0) {
                        g_usleep(10 * 1000);
                        continue;
                }
                if (errno == EAGAIN)
                        break;
                goto fail;
        }
        close(fd);
        g_set_error(error, HV_ERROR, HV_ERROR_TIMEOUT,
                    "cannot connect to QMP socket %s: timed out", path);
        return -1;

fail:;
        int e = errno;
        close(fd);
        g_set_error(error, HV_ERROR, HV_ERROR_FAILED,
                    "cannot connect to QMP socket %s: %s", path, g_strerror(e));
        return -1;
}

static gboolean execute_until(HvQmp *qmp, const char *command, json_object *args,
                              gint64 deadline, int timeout_ms,
                              json_object **ret_return, GError **error)
{
        g_autoptr(json_object) req = json_object_new_object();
        g_autoptr(HvQmpMessage) answer = NULL;
        g_autofree char *id = g_strdup_printf("pk-%" G_GUINT64_FORMAT, ++qmp->next_id);
        g_autofree char *line = NULL;
        int r;

        if (!command || !*command) {
                g_set_error(error, HV_ERROR, HV_ERROR_INVALID, "empty QMP command name");
                return FALSE;
        }
        if (args && !json_object_is_type(args, json_type_object)) {
                g_set_error(error, HV_ERROR, HV_ERROR_INVALID,
                            "arguments of QMP command %s are of type %s, expected object",
                            command, pk_json_type_name(args));
                return FALSE;
        }
        if (!check_alive(qmp, error))
                return FALSE;

        json_object_object_add(req, "execute", json_object_new_string(command));
        if (args)
                json_object_object_add(req, "arguments", json_object_get(args));
        json_object_object_add(req, "id", json_object_new_string(id));
        line = g_strconcat(json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN),
                           "\r\n", NULL);

        if (!send_all(qmp, line, strlen(line), deadline, error))
                return FALSE;
        r = read_until(qmp, WAIT_ANSWER, id, deadline, &answer, error);
        if (r < 0)
                return FALSE;
        if (r == 0) {
                g_hash_table_add(qmp->abandoned, g_steal_pointer(&id));
                g_set_error(error, HV_ERROR, HV_ERROR_TIMEOUT,
                            "QEMU did not answer QMP command %s within %d ms",
                            command, timeout_ms);
                return FALSE;
        }
        if (answer->kind == HV_QMP_MSG_ERROR) {
                g_set_error(error, HV_ERROR, HV_ERROR_COMMAND,
                            "QMP command %s failed: %s: %s", command,
                            answer->error_class, answer->error_desc);
                return FALSE;
        }
        if (ret_return)
                *ret_return = g_steal_pointer(&answer->payload);
        return TRUE;
}

HvQmp *hv_qmp_connect(const char *path, int timeout_ms, GError **error)
{
        g_autoptr(HvQmp) qmp = NULL;
        g_autoptr(HvQmpMessage) greeting = NULL;
        g_autoptr(GError) err = NULL;
        gint64 deadline = deadline_after(timeout_ms);
        int fd, r;

        g_return_val_if_fail(path, NULL);

        fd = connect_unix(path, deadline, error);
        if (fd < 0)
                return NULL;
        qmp = g_new0(HvQmp, 1);
        qmp->fd = fd;
        qmp->path = g_strdup(path);
        qmp->parser = hv_qmp_parser_new();
        g_queue_init(&qmp->events);
        qmp->abandoned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

        r = read_until(qmp, WAIT_GREETING, NULL, deadline, &greeting, error);
        if (r < 0)
                return NULL;
        if (r == 0) {
                /* QEMU serves one QMP client at a time; a second one is
                 * accepted by the kernel but never greeted. */
                g_set_error(error, HV_ERROR, HV_ERROR_TIMEOUT,
                            "no QMP greeting on %s within %d ms "
                            "(is another client connected?)", path, timeout_ms);
                return NULL;
        }
        qmp->greeting = g_steal_pointer(&greeting->payload);

        if (!execute_until(qmp, "qmp_capabilities", NULL, deadline, timeout_ms,
                           NULL, &err)) {
                g_propagate_prefixed_error(error, g_steal_pointer(&err),
                                           "QMP handshake on %s: ", path);
                return NULL;
        }
        return g_steal_pointer(&qmp);
}

void hv_qmp_free(HvQmp *qmp)
{
        if (!qmp)
                return;
        if (qmp->fd >= 0)
                close(qmp->fd);
        g_free(qmp->path);
        hv_qmp_parser_free(qmp->parser);
        json_object_put(qmp->greeting);
        g_queue_clear_full(&qmp->events, (GDestroyNotify)hv_qmp_message_free);
        if (qmp->abandoned)
                g_hash_table_unref(qmp->abandoned);
        if (qmp->dead)
                g_error_free(qmp->dead);
        g_free(qmp);
}

gboolean hv_qmp_execute(HvQmp *qmp, const char *command, json_object *args,
                        int timeout_ms, json_object **ret_return, GError **error)
{
        g_return_val_if_fail(qmp, FALSE);
        return execute_until(qmp, command, args, deadline_after(timeout_ms),
                             timeout_ms, ret_return, error);
}

gboolean hv_qmp_next_event(HvQmp *qmp, int timeout_ms, HvQmpMessage **ret_event,
                           GError **error)
{
        HvQmpMessage *msg = NULL;
        int r;

        g_return_val_if_fail(qmp, FALSE);

        /* Queued events first, even when the connection is gone: the
         * SHUTDOWN that preceded a close is what the caller wants to see. */
        r = read_until(qmp, WAIT_EVENT, NULL, deadline_after(timeout_ms), &msg, error);
        if (r < 0)
                return FALSE;
        if (r == 0) {
                g_set_error(error, HV_ERROR, HV_ERROR_TIMEOUT,
                            "no QMP event on %s within %d ms", qmp->path, timeout_ms);
                return FALSE;
        }
        *ret_event = msg;
        return TRUE;
}

json_object *hv_qmp_get_greeting(HvQmp *qmp)
{
        return qmp->greeting;
}

int hv_qmp_get_fd(HvQmp *qmp)
{
        return qmp->fd;
}
