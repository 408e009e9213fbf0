/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plastik-split-brain: DRBD's split-brain handler (plastik-split-brain(8)).
 * DRBD runs it when a connection's handshake finds that both copies took
 * writes the other lacks and no after-sb policy resolved it (plastik's
 * never do). It records the split brain, with the generations and amounts
 * of the kernel's handshake dump, where hamgrd and `hactl status` read it.
 * It changes nothing: choosing the copy to keep is the operator's.
 */
#include "dg.h"
#include "pk.h"
#include "pk-cli.h"
#include "pk-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static void say(int prio, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void say(int prio, const char *fmt, ...)
{
        va_list ap;
        g_autofree char *msg = NULL;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        syslog(prio, "%s", msg);
        fprintf(stderr, "plastik-split-brain: %s\n", msg);
}

/* The kernel log as text, one message per line: /dev/kmsg gives one record
 * per read ("PRI,SEQ,TS,FLAGS;MESSAGE\n" then " KEY=VALUE" lines), from the
 * oldest record the buffer still holds, until EAGAIN. */
static char *read_kmsg(const char *path, GError **error)
{
        GString *s;
        char buf[8192], *text = NULL;
        int fd;

        /* A saved log (`dmesg` output, for tests and by hand): as it is. */
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
                return g_file_get_contents(path, &text, NULL, error) ? text : NULL;
        s = g_string_new(NULL);
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

        if (fd < 0) {
                g_set_error(error, DG_ERROR, DG_ERROR_FAILED, "cannot open %s: %s", path, g_strerror(errno));
                return g_string_free(s, TRUE);
        }
        for (;;) {
                ssize_t n = read(fd, buf, sizeof(buf) - 1);
                if (n < 0 && errno == EPIPE) /* overwritten while reading: go on */
                        continue;
                if (n <= 0)
                        break;
                buf[n] = '\0';
                if (strchr(buf, ';')) {
                        const char *msg = strchr(buf, ';') + 1;
                        g_string_append_len(s, msg, (gssize)strcspn(msg, "\n"));
                        g_string_append_c(s, '\n');
                }
        }
        close(fd);
        return g_string_free(s, FALSE);
}

static const PkCliOption options[] = {
        { "kmsg", "FILE", "read the kernel log from FILE (default /dev/kmsg)" },
        { "dir", "DIR", "where the record goes (default /run/plastik/split-brain)" },
        { NULL },
};

static const PkCli cli = {
        .program = "plastik-split-brain",
        .version = PK_VERSION,
        .global_options = options,
        .summary = "DRBD's split-brain handler: records a split brain of the resource in\n"
                   "DRBD_RESOURCE (minor DRBD_MINOR) for hamgrd and hactl status.",
        .epilogue = "See plastik-split-brain(8).\n",
};

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgSplitBrain) sb = g_new0(DgSplitBrain, 1);
        g_auto(PkCliCmd) cmd = { 0 };
        g_autofree char *text = NULL;
        const char *kmsg, *dir, *res, *minor_s;
        guint64 minor = 0;
        int rc;

        openlog("plastik-split-brain", LOG_PID, LOG_DAEMON);
        if (!pk_cli_handle(&cli, argc, argv, &cmd, &rc))
                return rc;
        kmsg = pk_cli_global(&cmd, "kmsg") ? pk_cli_global(&cmd, "kmsg") : "/dev/kmsg";
        dir = pk_cli_global(&cmd, "dir");
        res = getenv("DRBD_RESOURCE");
        minor_s = getenv("DRBD_MINOR");
        if (!res || !dg_resource_name_parse(res, NULL, NULL)) {
                say(LOG_ERR, "DRBD_RESOURCE \"%s\" is not a plastik resource (pk-GUEST-VOLUME): run this "
                             "program as DRBD's split-brain handler of plastik's resources",
                    res ? res : "");
                return 1;
        }
        if (!minor_s || !g_ascii_string_to_unsigned(minor_s, 10, 0, 1048575, &minor, NULL)) {
                say(LOG_ERR, "%s: DRBD_MINOR \"%s\" is not a DRBD minor number", res, minor_s ? minor_s : "");
                return 1;
        }
        sb->resource = g_strdup(res);
        sb->detected_ms = g_get_real_time() / 1000;
        sb->self_kib = sb->peer_kib = -1;
        text = read_kmsg(kmsg, &error);
        if (!text) {
                /* Recorded all the same: that there is a split brain matters
                 * more than its figures. */
                say(LOG_WARNING, "%s: %s; the split brain is recorded without its figures", res, error->message);
                g_clear_error(&error);
        } else if (!dg_split_brain_from_kmsg(text, (guint)minor, sb)) {
                say(LOG_WARNING, "%s: the kernel log lacks DRBD's handshake dump for drbd%u; the split brain "
                                 "is recorded without its figures", res, (guint)minor);
        }
        if (!dg_split_brain_write(dir, sb, &error)) {
                say(LOG_ERR, "%s: split brain detected, but it could not be recorded: %s", res, error->message);
                return 1;
        }
        say(LOG_CRIT, "%s: split brain: this node's copy (generation %s, %" G_GINT64_FORMAT " KiB written apart) "
                      "and the peer's (generation %s, %" G_GINT64_FORMAT " KiB) each hold writes the other "
                      "lacks; DRBD stays StandAlone until the copy to keep is chosen (hactl(8), SPLIT BRAIN)",
            res, sb->self_generation ? sb->self_generation : "unknown", sb->self_kib,
            sb->peer_generation ? sb->peer_generation : "unknown", sb->peer_kib);
        return 0;
}
