/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One writer per volume on a node: every tool that changes a volume (dgctl,
 * hactl, hamgrd's worker) holds the resource's lock from gathering its facts
 * to the end of the plan made from them. Without it, two planners could
 * look at the same state and both act on it: hamgrd's reconcile bringing a
 * resource up while `hactl guest remove` takes it down, or two `dgctl
 * volume up`s racing to write the .res file.
 *
 * flock(2) on PK_RUNDIR/locks/RES: the kernel drops it when the holder
 * exits or crashes, so a killed tool never leaves a stale lock behind. The
 * file stays (removing a lock file races with the next locker) and holds the
 * holder's pid and name, read back only to say who is busy.
 */
#include "dg.h"
#include "pk.h"
#include "pk-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct DgLock {
        int fd;
};

/* How often a waiting locker tries again: short against a plan's length
 * (seconds), long against a flock call (microseconds). */
#define RETRY_MS 100

static char *holder_of(int fd)
{
        char buf[128];
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

        if (n <= 0)
                return g_strdup("another program");
        buf[n] = '\0';
        g_strchomp(buf);
        return g_strdup(buf);
}

DgLock *dg_lock_volume(const char *dir, const char *resource, gint64 timeout_ms, GError **error)
{
        g_autofree char *locks = g_build_filename(dir ? dir : PK_RUNDIR, "locks", NULL);
        g_autofree char *path = NULL;
        g_autofree char *me = NULL;
        gint64 deadline;
        DgLock *lock;
        int fd;

        if (!dg_resource_name_parse(resource, NULL, NULL)) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID,
                            "lock: \"%s\" is not a plastik resource name", resource);
                return NULL;
        }
        if (g_mkdir_with_parents(locks, 0700) < 0) {
                g_set_error(error, DG_ERROR, DG_ERROR_FAILED, "lock: cannot create %s: %s", locks,
                            g_strerror(errno));
                return NULL;
        }
        path = g_build_filename(locks, resource, NULL);
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) {
                g_set_error(error, DG_ERROR, DG_ERROR_FAILED, "lock: cannot open %s: %s", path,
                            g_strerror(errno));
                return NULL;
        }
        deadline = g_get_monotonic_time() + (timeout_ms < 0 ? 0 : timeout_ms) * 1000;
        while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                if (errno == EINTR)
                        continue;
                if (errno != EWOULDBLOCK || g_get_monotonic_time() >= deadline) {
                        g_autofree char *who = errno == EWOULDBLOCK ? holder_of(fd) : NULL;
                        if (who)
                                g_set_error(error, DG_ERROR, DG_ERROR_BUSY,
                                            "volume %s is being changed by %s on this node; "
                                            "try again when it has finished", resource, who);
                        else
                                g_set_error(error, DG_ERROR, DG_ERROR_FAILED, "lock: %s: %s", path,
                                            g_strerror(errno));
                        close(fd);
                        return NULL;
                }
                g_usleep(RETRY_MS * 1000);
        }
        me = g_strdup_printf("%s (pid %d)\n", g_get_prgname() ? g_get_prgname() : "a program", (int)getpid());
        /* Informational only: a short or failed write changes nothing. */
        if (ftruncate(fd, 0) == 0 && pwrite(fd, me, strlen(me), 0) < 0)
                g_debug("lock: cannot note the holder in %s", path);
        lock = g_new0(DgLock, 1);
        lock->fd = fd;
        return lock;
}

void dg_lock_release(DgLock *lock)
{
        if (!lock)
                return;
        /* Closing the last descriptor drops the flock. */
        close(lock->fd);
        g_free(lock);
}
