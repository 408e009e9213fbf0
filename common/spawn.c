/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pk.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

gboolean pk_spawn_sync(const char *const *argv, char **ret_stdout,
                       char **ret_stderr, int *ret_status, GError **error)
{
        g_autofree char *out = NULL, *err = NULL;
        int status = 0;
        GSpawnFlags flags = G_SPAWN_SEARCH_PATH;

        g_return_val_if_fail(argv && argv[0], FALSE);
        if (!ret_stdout)
                flags |= G_SPAWN_STDOUT_TO_DEV_NULL;

        /* g_spawn_sync takes argv as char **, it does not modify it. */
        if (!g_spawn_sync(NULL, (char **)argv, NULL, flags, NULL, NULL,
                          ret_stdout ? &out : NULL, ret_stderr ? &err : NULL,
                          &status, error))
                return FALSE;

        if (ret_stdout)
                *ret_stdout = g_steal_pointer(&out);
        if (ret_stderr)
                *ret_stderr = g_steal_pointer(&err);
        if (ret_status)
                *ret_status = status;
        return TRUE;
}

/* Reads @fds[0] and @fds[1] (-1: none) to their ends into @bufs, closing them. */
static void drain(int fds[2], GString *bufs[2])
{
        char chunk[4096];

        while (fds[0] >= 0 || fds[1] >= 0) {
                struct pollfd p[2];
                nfds_t n = 0;
                int idx[2];

                for (int i = 0; i < 2; i++)
                        if (fds[i] >= 0) {
                                p[n] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
                                idx[n++] = i;
                        }
                if (poll(p, n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                for (nfds_t k = 0; k < n; k++) {
                        ssize_t r;
                        if (!p[k].revents)
                                continue;
                        r = read(p[k].fd, chunk, sizeof(chunk));
                        if (r < 0 && errno == EINTR)
                                continue;
                        if (r <= 0) {
                                close(fds[idx[k]]);
                                fds[idx[k]] = -1;
                        } else {
                                g_string_append_len(bufs[idx[k]], chunk, r);
                        }
                }
        }
        for (int i = 0; i < 2; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
}

gboolean pk_spawn_sync_fds(const char *const *argv, const int *fds, guint n_fds, char **ret_stdout,
                           char **ret_stderr, int *ret_status, GError **error)
{
        GSpawnFlags flags = G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD;
        g_autofree int *targets = g_new(int, n_fds ? n_fds : 1);
        GString *bufs[2] = { g_string_new(NULL), g_string_new(NULL) };
        int pipes[2] = { -1, -1 }, status = 0;
        GPid pid;

        g_return_val_if_fail(argv && argv[0], FALSE);
        if (!ret_stdout)
                flags |= G_SPAWN_STDOUT_TO_DEV_NULL;
        for (guint i = 0; i < n_fds; i++)
                targets[i] = 3 + (int)i;
        if (!g_spawn_async_with_pipes_and_fds(NULL, argv, NULL, flags, NULL, NULL, -1, -1, -1, fds, targets,
                                              n_fds, &pid, NULL, ret_stdout ? &pipes[0] : NULL,
                                              ret_stderr ? &pipes[1] : NULL, error)) {
                g_string_free(bufs[0], TRUE);
                g_string_free(bufs[1], TRUE);
                return FALSE;
        }
        drain(pipes, bufs);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (ret_stdout)
                *ret_stdout = g_string_free(bufs[0], FALSE);
        else
                g_string_free(bufs[0], TRUE);
        if (ret_stderr)
                *ret_stderr = g_string_free(bufs[1], FALSE);
        else
                g_string_free(bufs[1], TRUE);
        if (ret_status)
                *ret_status = status;
        return TRUE;
}

gboolean pk_spawn_check(const char *program, int status, const char *stderr_text,
                        GError **error)
{
        g_autofree char *detail = NULL;

        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return TRUE;
        if (stderr_text && *stderr_text)
                detail = g_strchomp(g_strdup_printf(": %s", stderr_text));
        if (WIFSIGNALED(status))
                g_set_error(error, G_SPAWN_EXIT_ERROR, 128 + WTERMSIG(status),
                            "%s was killed by signal %d%s", program,
                            WTERMSIG(status), detail ? detail : "");
        else
                g_set_error(error, G_SPAWN_EXIT_ERROR, WEXITSTATUS(status),
                            "%s exited with status %d%s", program,
                            WEXITSTATUS(status), detail ? detail : "");
        return FALSE;
}

/* Writes @input to @fd and closes it. SIGPIPE is blocked meanwhile (and a
 * pending one taken back), so a program that exits without reading its
 * stdin costs EPIPE, not this process. */
static void write_input(int fd, const char *input)
{
        gsize len = input ? strlen(input) : 0, off = 0;
        sigset_t pipe_set, old;
        gboolean broken = FALSE;

        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
        while (off < len) {
                ssize_t n = write(fd, input + off, len - off);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        broken = n < 0 && errno == EPIPE;
                        break;
                }
                off += (gsize)n;
        }
        close(fd);
        if (broken && !sigismember(&old, SIGPIPE)) {
                const struct timespec now = { 0, 0 };
                sigtimedwait(&pipe_set, NULL, &now);
        }
        pthread_sigmask(SIG_SETMASK, &old, NULL);
}

gboolean pk_spawn_input(const char *const *argv, const char *input, gboolean stdout_to_null, guint timeout_s,
                        int *ret_status, GError **error)
{
        GSpawnFlags flags = G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                            (stdout_to_null ? G_SPAWN_STDOUT_TO_DEV_NULL : 0);
        gint64 deadline = timeout_s ? pk_now_ms() + (gint64)timeout_s * 1000 : 0;
        int in_fd = -1, status = 0;
        GPid pid;

        g_return_val_if_fail(argv && argv[0], FALSE);
        if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL, flags, NULL, NULL, &pid, &in_fd, NULL, NULL,
                                      error))
                return FALSE;
        write_input(in_fd, input);
        for (;;) {
                pid_t r = waitpid(pid, &status, deadline ? WNOHANG : 0);
                if (r == pid)
                        break;
                if (r < 0 && errno != EINTR) {
                        int e = errno;
                        g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "waiting for %s: %s", argv[0],
                                    g_strerror(e));
                        return FALSE;
                }
                if (deadline && pk_now_ms() >= deadline) {
                        kill(pid, SIGKILL);
                        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                                ;
                        g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s did not finish within %u s",
                                    argv[0], timeout_s);
                        return FALSE;
                }
                if (deadline)
                        g_usleep(G_USEC_PER_SEC / 20);
        }
        if (ret_status)
                *ret_status = status;
        return TRUE;
}
