/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The API server: a root-only unix socket served from a GMainContext. */
#include "ham-api.h"
#include "pk.h"
#include "ham-api-server.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>

/* A client that does not read its answers stops being read from once this
 * much is queued for it, so it cannot make hamgrd grow without bound. */
#define OUT_HIGH_WATER (4 * 1024 * 1024)
#define READ_CHUNK 16384

typedef struct Client Client;

struct HamApiServer {
        char *path;
        int fd;
        GMainContext *context;
        GSource *listen_source;
        HamApiHandler handler;
        gpointer user_data;
        GList *clients;
        guint n_clients;
        GSource *idle_source; /* closes clients idle longer than idle_ms */
        guint idle_ms;
        Client *handling;   /* the client whose request the handler runs for */
        gint64 handling_id;
        gboolean deferred;  /* the handler called ham_api_defer() */
};

struct HamApiDeferred {
        Client *client;     /* NULL once the client is gone */
        gint64 id;
};

struct Client {
        HamApiServer *server;
        int fd;
        pid_t pid;
        GString *in;
        GString *out;
        gboolean discarding; /* skipping the rest of an oversize line */
        gboolean eof;        /* the peer closed its side: close once flushed */
        GSource *source;
        GIOCondition watching;
        HamApiDeferred *waiting; /* an answer owed; no further line is read */
        gint64 active_ms;        /* monotonic: the last byte read or written, or the owed answer */
};

static void client_free(Client *c)
{
        if (c->waiting)
                c->waiting->client = NULL;
        if (c->source) {
                g_source_destroy(c->source);
                g_source_unref(c->source);
        }
        if (c->fd >= 0)
                close(c->fd);
        g_string_free(c->in, TRUE);
        g_string_free(c->out, TRUE);
        g_free(c);
}

static void client_close(Client *c)
{
        HamApiServer *s = c->server;
        g_debug("API client (pid %d) gone", (int)c->pid);
        s->clients = g_list_remove(s->clients, c);
        s->n_clients--;
        client_free(c);
}

static gboolean client_ready(gint fd, GIOCondition cond, gpointer data);

/* Reading stops while too much output is queued or after EOF; writing is
 * watched only while something is queued. */
static void client_update_watch(Client *c)
{
        GIOCondition want = 0;
        if (!c->eof && c->out->len < OUT_HIGH_WATER && !c->waiting)
                want |= G_IO_IN;
        if (c->out->len > 0)
                want |= G_IO_OUT;
        /* Nothing to read or write until the owed answer: a closed peer
         * would otherwise wake us with HUP over and over. */
        if (want == 0 && c->waiting) {
                if (c->source) {
                        g_source_destroy(c->source);
                        g_source_unref(c->source);
                        c->source = NULL;
                }
                return;
        }
        if (c->source && want == c->watching)
                return;
        if (c->source) {
                g_source_destroy(c->source);
                g_source_unref(c->source);
        }
        c->source = g_unix_fd_source_new(c->fd, want);
        g_source_set_callback(c->source, (GSourceFunc)(void (*)(void))client_ready, c, NULL);
        g_source_attach(c->source, c->server->context);
        c->watching = want;
}

static void client_queue(Client *c, char *line)
{
        g_string_append(c->out, line);
        g_string_append_c(c->out, '\n');
        g_free(line);
}

static void client_handle_line(Client *c, const char *line, gsize len)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamApiRequest) req = NULL;
        gint64 id;

        while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
                len--;
        if (len == 0)
                return; /* blank lines keep an interactive session readable */
        req = ham_api_request_parse(line, len, &id, &error);
        if (!req) {
                g_debug("API request refused: %s", error->message);
                client_queue(c, ham_api_reply_error(id, error));
                return;
        }
        c->server->handling = c;
        c->server->handling_id = req->id;
        c->server->deferred = FALSE;
        json_object *result = c->server->handler(req, c->server->user_data, &error);
        c->server->handling = NULL;
        if (!result && !error && c->server->deferred)
                return; /* answered later, or already (then waiting is clear) */
        if (!result) {
                if (!error)
                        g_set_error(&error, HAM_API_ERROR, HAM_API_ERROR_FAILED,
                                    "%s failed", ham_api_cmd_name(req->cmd));
                client_queue(c, ham_api_reply_error(req->id, error));
                return;
        }
        client_queue(c, ham_api_reply_ok(req->id, result));
}

static void client_process_input(Client *c)
{
        gsize start = 0;

        while (start < c->in->len && c->out->len < OUT_HIGH_WATER && !c->waiting) {
                char *nl = memchr(c->in->str + start, '\n', c->in->len - start);
                if (!nl)
                        break;
                gsize len = (gsize)(nl - (c->in->str + start));
                if (c->discarding)
                        c->discarding = FALSE;
                else
                        client_handle_line(c, c->in->str + start, len);
                start += len + 1;
        }
        g_string_erase(c->in, 0, (gssize)start);

        /* No newline within the limit: answer now, then skip to the next
         * newline, so the connection stays usable. */
        if (c->in->len > HAM_API_MAX_LINE && !memchr(c->in->str, '\n', c->in->len)) {
                if (!c->discarding) {
                        g_autoptr(GError) error = g_error_new(
                                HAM_API_ERROR, HAM_API_ERROR_TOO_LARGE,
                                "request line is over the limit of %d bytes; "
                                "send one JSON object per line", HAM_API_MAX_LINE);
                        client_queue(c, ham_api_reply_error(-1, error));
                        c->discarding = TRUE;
                }
                g_string_truncate(c->in, 0);
        }
        /* A last line without its newline still counts at EOF (printf | socat). */
        if (c->eof && !c->waiting && c->in->len > 0 && !memchr(c->in->str, '\n', c->in->len)) {
                if (!c->discarding)
                        client_handle_line(c, c->in->str, c->in->len);
                g_string_truncate(c->in, 0);
        }
}

/* Returns FALSE when the client is gone. */
static gboolean client_flush(Client *c)
{
        while (c->out->len > 0) {
                ssize_t n = send(c->fd, c->out->str, c->out->len, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                return TRUE;
                        g_debug("API client (pid %d): %s", (int)c->pid, g_strerror(errno));
                        return FALSE;
                }
                if (n > 0)
                        c->active_ms = g_get_monotonic_time() / 1000;
                g_string_erase(c->out, 0, n);
        }
        return TRUE;
}

static gboolean client_ready(gint fd, GIOCondition cond, gpointer data)
{
        Client *c = data;

        if (cond & G_IO_OUT) {
                if (!client_flush(c)) {
                        client_close(c);
                        return G_SOURCE_REMOVE;
                }
        }
        if (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR)) {
                /* A few chunks per wakeup, so one busy client cannot starve
                 * the others or the rest of the daemon. */
                for (int i = 0; i < 4 && !c->eof; i++) {
                        char buf[READ_CHUNK];
                        ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                                break;
                        if (n <= 0) {
                                c->eof = TRUE;
                                break;
                        }
                        c->active_ms = g_get_monotonic_time() / 1000;
                        g_string_append_len(c->in, buf, n);
                        if (c->in->len > HAM_API_MAX_LINE)
                                client_process_input(c);
                }
        }
        /* Also after a write: lines held back by a full output queue. */
        client_process_input(c);
        /* A client that closed its sending side still gets an owed answer. */
        if (!client_flush(c) || (c->eof && c->out->len == 0 && !c->waiting)) {
                client_close(c);
                return G_SOURCE_REMOVE;
        }
        /* The source may be replaced here; returning CONTINUE keeps a source
         * that is already destroyed harmless. */
        client_update_watch(c);
        return G_SOURCE_CONTINUE;
}

/* Best effort: a refused peer gets one line and the door. */
static void refuse(int fd, HamApiError code, const char *message)
{
        g_autoptr(GError) error = g_error_new_literal(HAM_API_ERROR, code, message);
        g_autofree char *line = ham_api_reply_error(-1, error);
        g_autofree char *text = g_strconcat(line, "\n", NULL);
        (void)!send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT);
        close(fd);
}

static gboolean listen_ready(gint fd, GIOCondition cond, gpointer data)
{
        HamApiServer *s = data;

        for (int i = 0; i < 16; i++) {
                struct ucred cred;
                socklen_t len = sizeof(cred);
                int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (cfd < 0) {
                        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
                            errno != ECONNABORTED)
                                g_warning("API socket %s: accept: %s", s->path, g_strerror(errno));
                        break;
                }
                if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
                        g_warning("API socket %s: SO_PEERCRED: %s", s->path, g_strerror(errno));
                        close(cfd);
                        continue;
                }
                if (cred.uid != 0) {
                        g_message("API: refused a client with uid %u (pid %d): root only",
                                  (unsigned)cred.uid, (int)cred.pid);
                        refuse(cfd, HAM_API_ERROR_DENIED,
                               "hamgrd answers root only; run the command as root");
                        continue;
                }
                if (s->n_clients >= HAM_API_MAX_CLIENTS) {
                        g_warning("API: refused a client (pid %d): %d clients already",
                                  (int)cred.pid, HAM_API_MAX_CLIENTS);
                        refuse(cfd, HAM_API_ERROR_BUSY,
                               "hamgrd serves too many clients at once; try again");
                        continue;
                }
                Client *c = g_new0(Client, 1);
                c->server = s;
                c->fd = cfd;
                c->pid = cred.pid;
                c->in = g_string_new(NULL);
                c->out = g_string_new(NULL);
                c->active_ms = g_get_monotonic_time() / 1000;
                s->clients = g_list_prepend(s->clients, c);
                s->n_clients++;
                client_update_watch(c);
                g_debug("API client (pid %d) connected", (int)c->pid);
        }
        return G_SOURCE_CONTINUE;
}

/* A client that holds its connection without sending a request or reading
 * its answers takes one of the HAM_API_MAX_CLIENTS places: after idle_ms it
 * is closed, so that hactl always gets through. A client waiting for an
 * owed answer is not idle: hamgrd is the slow one then. */
static gboolean idle_check(gpointer data)
{
        HamApiServer *s = data;
        gint64 now = g_get_monotonic_time() / 1000;

        for (GList *l = s->clients; l;) {
                Client *c = l->data;
                l = l->next;
                if (c->waiting || now - c->active_ms < (gint64)s->idle_ms)
                        continue;
                g_message("API: closed a client (pid %d) idle for %" G_GINT64_FORMAT " s%s", (int)c->pid,
                          (now - c->active_ms) / 1000, c->out->len ? " with unread answers" : "");
                client_close(c);
        }
        return G_SOURCE_CONTINUE;
}

void ham_api_server_set_idle_timeout(HamApiServer *s, guint ms)
{
        if (s->idle_source) {
                g_source_destroy(s->idle_source);
                g_source_unref(s->idle_source);
        }
        s->idle_ms = ms;
        /* A quarter of the timeout: a client is closed at most 25 % late. */
        s->idle_source = g_timeout_source_new(MAX(ms / 4, 10));
        g_source_set_callback(s->idle_source, idle_check, s, NULL);
        g_source_attach(s->idle_source, s->context);
}

HamApiServer *ham_api_server_new(const char *path, GMainContext *context,
                                 HamApiHandler handler, gpointer user_data,
                                 GError **error)
{
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        struct stat st;
        int fd;

        if (strlen(path) >= sizeof(addr.sun_path)) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_INVALID,
                            "socket path %s is longer than a unix socket allows (%zu bytes)",
                            path, sizeof(addr.sun_path) - 1);
                return NULL;
        }
        strcpy(addr.sun_path, path);
        if (lstat(path, &st) == 0) {
                if (!S_ISSOCK(st.st_mode)) {
                        g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_FAILED,
                                    "%s exists and is not a socket; remove it or choose "
                                    "another path with --socket", path);
                        return NULL;
                }
                /* A socket left by a hamgrd that died; the caller holds the lock. */
                unlink(path);
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_FAILED,
                            "socket: %s", g_strerror(errno));
                return NULL;
        }
        /* The socket is born 0600: no window in which others may connect. */
        mode_t old = umask(0177);
        int r = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
        int bind_errno = errno;
        umask(old);
        if (r < 0 || listen(fd, 64) < 0) {
                int e = r < 0 ? bind_errno : errno;
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_FAILED,
                            "cannot listen on %s: %s", path, g_strerror(e));
                close(fd);
                if (r == 0)
                        unlink(path);
                return NULL;
        }
        if (chmod(path, 0600) < 0) {
                g_set_error(error, HAM_API_ERROR, HAM_API_ERROR_FAILED,
                            "chmod 0600 %s: %s", path, g_strerror(errno));
                close(fd);
                unlink(path);
                return NULL;
        }

        HamApiServer *s = g_new0(HamApiServer, 1);
        s->path = g_strdup(path);
        s->fd = fd;
        s->context = context ? g_main_context_ref(context) : g_main_context_ref_thread_default();
        s->handler = handler;
        s->user_data = user_data;
        s->listen_source = g_unix_fd_source_new(fd, G_IO_IN);
        g_source_set_callback(s->listen_source, (GSourceFunc)(void (*)(void))listen_ready, s, NULL);
        g_source_attach(s->listen_source, s->context);
        ham_api_server_set_idle_timeout(s, HAM_API_IDLE_TIMEOUT_S * 1000);
        return s;
}

void ham_api_server_free(HamApiServer *s)
{
        if (!s)
                return;
        while (s->clients)
                client_close(s->clients->data);
        g_source_destroy(s->listen_source);
        g_source_unref(s->listen_source);
        g_source_destroy(s->idle_source);
        g_source_unref(s->idle_source);
        close(s->fd);
        unlink(s->path);
        g_main_context_unref(s->context);
        g_free(s->path);
        g_free(s);
}

HamApiDeferred *ham_api_defer(HamApiServer *s)
{
        g_return_val_if_fail(s->handling && !s->handling->waiting, NULL);
        HamApiDeferred *d = g_new0(HamApiDeferred, 1);
        d->client = s->handling;
        d->id = s->handling_id;
        s->handling->waiting = d;
        s->deferred = TRUE;
        return d;
}

void ham_api_deferred_finish(HamApiDeferred *d, json_object *result, const GError *error)
{
        Client *c = d->client;

        if (!c) {
                json_object_put(result);
                g_free(d);
                return;
        }
        c->waiting = NULL;
        c->active_ms = g_get_monotonic_time() / 1000;
        if (error)
                client_queue(c, ham_api_reply_error(d->id, error));
        else
                client_queue(c, ham_api_reply_ok(d->id, result));
        if (error)
                json_object_put(result);
        g_free(d);
        /* Finished from inside the handler of this very client's request:
         * the server's loop over its lines goes on by itself. */
        if (c->server->handling == c)
                return;
        /* Lines that arrived meanwhile are handled now. */
        client_process_input(c);
        if (!client_flush(c) || (c->eof && c->out->len == 0 && !c->waiting)) {
                client_close(c);
                return;
        }
        client_update_watch(c);
}

guint ham_api_server_n_clients(const HamApiServer *s)
{
        return s->n_clients;
}
