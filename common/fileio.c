/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

gboolean pk_file_write_atomic(const char *path, const void *data, gsize len,
                              mode_t mode, GError **error)
{
        g_autofree char *tmp = g_strdup_printf("%s.XXXXXX", path);
        const char *p = data;
        int fd;

        fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, mode);
        if (fd < 0) {
                int e = errno;
                g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                            "cannot create %s: %s", tmp, g_strerror(e));
                return FALSE;
        }
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        goto fail;
                p += n;
                len -= (gsize)n;
        }
        /* fchmod: mkstemp applies the umask, the caller asked for @mode. */
        if (fchmod(fd, mode) < 0 || fsync(fd) < 0)
                goto fail;
        if (close(fd) < 0) {
                fd = -1;
                goto fail;
        }
        fd = -1;
        if (rename(tmp, path) < 0)
                goto fail;
        return TRUE;

fail:;
        int e = errno;
        if (fd >= 0)
                close(fd);
        unlink(tmp);
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                    "cannot write %s: %s", path, g_strerror(e));
        return FALSE;
}

int pk_mkdir_p(const char *path, mode_t mode)
{
        if (g_mkdir_with_parents(path, (int)mode) < 0)
                return -errno;
        return 0;
}

int pk_rmdir_flat(const char *path)
{
        DIR *d = opendir(path);
        struct dirent *de;
        int r = 0;

        if (!d)
                return errno == ENOENT ? 0 : -errno;
        /* First pass: refuse before deleting anything if a subdirectory exists. */
        while ((de = readdir(d))) {
                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                struct stat st;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                    S_ISDIR(st.st_mode)) {
                        closedir(d);
                        return -ENOTEMPTY;
                }
        }
        rewinddir(d);
        while ((de = readdir(d))) {
                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT && r == 0)
                        r = -errno;
        }
        closedir(d);
        if (r < 0)
                return r;
        if (rmdir(path) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

pid_t pk_read_pidfile(const char *path)
{
        g_autofree char *text = NULL;
        char *end;
        long v;

        if (!g_file_get_contents(path, &text, NULL, NULL))
                return access(path, F_OK) < 0 ? -errno : -EIO;
        errno = 0;
        v = strtol(text, &end, 10);
        while (*end == '\n' || *end == ' ')
                end++;
        if (errno || end == text || *end || v <= 0 || v > INT32_MAX)
                return -EINVAL;
        return (pid_t)v;
}

gboolean pk_pid_alive(pid_t pid)
{
        if (pid <= 0)
                return FALSE;
        return kill(pid, 0) == 0 || errno == EPERM;
}

gint64 pk_now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (gint64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
