/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pk-monitor: the service inside plastik's Nagios-style test guest.
 *
 * Every interval it runs its checks (load and uptime, free disk space, a TCP
 * check of a configured target), writes their results under
 * DIR/results/, appends a numbered record to DIR/journal and makes it durable
 * (fdatasync) before it acknowledges the number to the collector outside the
 * node ("ACK N LATENCY_US\n" over TCP). An acknowledged number is therefore a
 * promise: after any crash or failover that record is in the journal.
 * HTTP on the status port: GET /status (JSON) and GET /journal?from=N.
 *
 * Linked statically and free of libraries beyond libc: the guest is busybox.
 */
#include "pkm.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define ACK_RING 65536

static struct {
        const char *dir;
        char collector[64];     /* "A.B.C.D:PORT" or empty */
        char target[64];        /* "A.B.C.D:PORT" or empty */
        int interval_ms;
        int port;
        bool faults;            /* pk.faults=on: POST /fault/panic is honoured */
} cfg = { .dir = "/var/lib/pk-monitor", .interval_ms = 1000, .port = 8080 };

static struct {
        int journal_fd;
        uint64_t last_durable;  /* highest record number known durable */
        uint64_t boot;
        uint64_t next_ack;      /* next number to put into an ACK line */
        uint64_t t_write[ACK_RING]; /* monotonic µs when each record's write began */
        int coll_fd;
        bool coll_connected;
        uint64_t coll_retry_at; /* monotonic ms */
        int coll_backoff_ms;
        char out[8192];         /* ACK lines not yet written */
        size_t out_len, out_off;
        uint64_t out_first;     /* first number in out[] */
} st = { .journal_fd = -1, .coll_fd = -1, .coll_backoff_ms = 100 };

static volatile sig_atomic_t stop;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        fputs("pk-monitor: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
}

static uint64_t mono_us(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int64_t wall_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool parse_addr(const char *s, struct sockaddr_in *ret)
{
        char host[64];
        const char *colon = strrchr(s, ':');
        uint64_t port;
        struct sockaddr_in a = { .sin_family = AF_INET };

        if (!colon || (size_t)(colon - s) >= sizeof(host) ||
            !pkm_parse_number(colon + 1, strlen(colon + 1), &port) || port > 65535)
                return false;
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
        if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
                return false;
        a.sin_port = htons((uint16_t)port);
        *ret = a;
        return true;
}

/* The kernel command line configures the guest: pk.collector=, pk.target=,
 * pk.interval= (ms), pk.port=, pk.faults=on. Options given to pk-monitor win. */
static void read_cmdline(const char *path, bool have_coll, bool have_target,
                         bool have_interval, bool have_port)
{
        char buf[4096];
        FILE *f = fopen(path, "r");
        size_t n;

        if (!f)
                return;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        for (char *save = NULL, *tok = strtok_r(buf, " \t\n", &save); tok;
             tok = strtok_r(NULL, " \t\n", &save)) {
                if (!have_coll && strncmp(tok, "pk.collector=", 13) == 0)
                        snprintf(cfg.collector, sizeof(cfg.collector), "%s", tok + 13);
                else if (!have_target && strncmp(tok, "pk.target=", 10) == 0)
                        snprintf(cfg.target, sizeof(cfg.target), "%s", tok + 10);
                else if (!have_interval && strncmp(tok, "pk.interval=", 12) == 0)
                        cfg.interval_ms = atoi(tok + 12);
                else if (!have_port && strncmp(tok, "pk.port=", 8) == 0)
                        cfg.port = atoi(tok + 8);
                else if (strcmp(tok, "pk.faults=on") == 0)
                        cfg.faults = true;
        }
}

static int fsync_dir(const char *dir)
{
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int r;

        if (fd < 0)
                return -errno;
        r = fsync(fd) < 0 ? -errno : 0;
        close(fd);
        return r;
}

static int mkdir_p(const char *path)
{
        char tmp[512];

        snprintf(tmp, sizeof(tmp), "%s", path);
        for (char *p = tmp + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *p = '/';
        }
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

/* Reads the whole journal; the caller frees. */
static char *read_journal(size_t *ret_len)
{
        struct stat sb;
        char *data;
        size_t off = 0;

        if (fstat(st.journal_fd, &sb) < 0)
                return NULL;
        data = malloc((size_t)sb.st_size + 1);
        if (!data)
                return NULL;
        while (off < (size_t)sb.st_size) {
                ssize_t r = pread(st.journal_fd, data + off, (size_t)sb.st_size - off, (off_t)off);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        break;
                off += (size_t)r;
        }
        *ret_len = off;
        return data;
}

static bool append_record(const char *payload)
{
        PkmRecord rec = { .number = st.last_durable + 1, .time_ms = wall_ms() };
        char line[PKM_LINE_MAX + 1];
        uint64_t t0 = mono_us();
        size_t off = 0;
        int len;

        snprintf(rec.payload, sizeof(rec.payload), "%s", payload);
        len = pkm_record_encode(&rec, line, sizeof(line));
        if (len < 0) {
                say("record %" PRIu64 " cannot be encoded; skipped", rec.number);
                return false;
        }
        while (off < (size_t)len) {
                ssize_t w = write(st.journal_fd, line + off, (size_t)len - off);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0) {
                        say("writing record %" PRIu64 ": %s", rec.number, strerror(errno));
                        return false;
                }
                off += (size_t)w;
        }
        /* Durable first, acknowledged second: that order is the whole point. */
        if (fdatasync(st.journal_fd) < 0) {
                say("fdatasync of record %" PRIu64 ": %s", rec.number, strerror(errno));
                return false;
        }
        st.t_write[rec.number % ACK_RING] = t0;
        st.last_durable = rec.number;
        return true;
}

static int open_journal(void)
{
        char path[512], rpath[512];
        PkmScan scan;
        size_t len = 0;
        char *data;
        bool created = false;

        snprintf(path, sizeof(path), "%s/journal", cfg.dir);
        snprintf(rpath, sizeof(rpath), "%s/results", cfg.dir);
        if (mkdir_p(rpath) < 0) {
                say("cannot create %s: %s", rpath, strerror(errno));
                return -1;
        }
        st.journal_fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
        if (st.journal_fd < 0 && errno == ENOENT) {
                st.journal_fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                created = true;
        }
        if (st.journal_fd < 0) {
                say("cannot open %s: %s", path, strerror(errno));
                return -1;
        }
        /* A new file's name is durable only once its directory is. */
        if (created && fsync_dir(cfg.dir) < 0) {
                say("fsync of %s: %s", cfg.dir, strerror(errno));
                return -1;
        }
        data = read_journal(&len);
        if (!data) {
                say("cannot read %s: %s", path, strerror(errno));
                return -1;
        }
        pkm_journal_scan(data, len, NULL, NULL, &scan);
        free(data);
        if (scan.torn_len > 0) {
                say("journal: cutting a torn tail of %zu bytes after record %" PRIu64,
                    scan.torn_len, scan.last);
                if (ftruncate(st.journal_fd, (off_t)scan.intact_len) < 0 ||
                    fsync(st.journal_fd) < 0) {
                        say("cannot cut the torn tail: %s", strerror(errno));
                        return -1;
                }
        }
        st.last_durable = scan.last;
        st.boot = scan.last_boot + 1;
        return 0;
}

static void write_result(const char *name, const char *text)
{
        char path[600], tmp[620];
        int fd;

        snprintf(path, sizeof(path), "%s/results/%s", cfg.dir, name);
        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return;
        if (write(fd, text, strlen(text)) == (ssize_t)strlen(text))
                rename(tmp, path);
        else
                unlink(tmp);
        close(fd);
}

static const char *check_target(void)
{
        struct sockaddr_in a;
        struct pollfd p;
        int fd, err = 0;
        socklen_t elen = sizeof(err);
        const char *res = "fail";

        if (!cfg.target[0])
                return "none";
        if (!parse_addr(cfg.target, &a))
                return "bad-address";
        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return "fail";
        if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
                res = "ok";
        } else if (errno == EINPROGRESS) {
                p = (struct pollfd){ .fd = fd, .events = POLLOUT };
                if (poll(&p, 1, 300) == 1 &&
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0)
                        res = "ok";
        }
        close(fd);
        return res;
}

static void check_round(void)
{
        char load[64] = "?", up[64] = "?", text[256], payload[PKM_PAYLOAD_MAX + 1];
        struct statvfs sv;
        unsigned long long free_kb = 0;
        const char *target;
        FILE *f;

        if ((f = fopen("/proc/loadavg", "r"))) {
                if (fscanf(f, "%63s", load) != 1)
                        snprintf(load, sizeof(load), "?");
                fclose(f);
        }
        if ((f = fopen("/proc/uptime", "r"))) {
                if (fscanf(f, "%63s", up) != 1)
                        snprintf(up, sizeof(up), "?");
                fclose(f);
        }
        if (statvfs(cfg.dir, &sv) == 0)
                free_kb = (unsigned long long)sv.f_bavail * sv.f_frsize / 1024;
        target = check_target();

        snprintf(text, sizeof(text), "load=%s uptime=%s\n", load, up);
        write_result("load", text);
        snprintf(text, sizeof(text), "disk_free_kb=%llu\n", free_kb);
        write_result("disk", text);
        snprintf(text, sizeof(text), "target=%s %s\n", cfg.target[0] ? cfg.target : "-", target);
        write_result("target", text);

        snprintf(payload, sizeof(payload), "check boot=%" PRIu64 " load=%s uptime=%s disk_free_kb=%llu target=%s",
                 st.boot, load, up, free_kb, target);
        append_record(payload);
}

/* ---- the collector connection ----------------------------------------- */

static void coll_drop(const char *why)
{
        if (st.coll_fd >= 0) {
                say("collector %s: %s; reconnecting in %d ms", cfg.collector, why, st.coll_backoff_ms);
                close(st.coll_fd);
        }
        st.coll_fd = -1;
        st.coll_connected = false;
        /* Whatever was still buffered may not have arrived: send it again;
         * the collector takes duplicates. */
        if (st.out_len > st.out_off)
                st.next_ack = st.out_first;
        st.out_len = st.out_off = 0;
        st.coll_retry_at = mono_us() / 1000 + (uint64_t)st.coll_backoff_ms;
        if (st.coll_backoff_ms < 5000)
                st.coll_backoff_ms *= 2;
}

static void coll_connect(void)
{
        struct sockaddr_in a;

        if (!parse_addr(cfg.collector, &a))
                return;
        st.coll_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (st.coll_fd < 0)
                return;
        if (connect(st.coll_fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
                st.coll_connected = true;
        } else if (errno != EINPROGRESS) {
                coll_drop(strerror(errno));
        }
}

static void coll_fill(void)
{
        uint64_t now = mono_us();

        if (st.out_off < st.out_len)
                return;
        st.out_len = st.out_off = 0;
        st.out_first = st.next_ack;
        while (st.next_ack <= st.last_durable && st.out_len + 64 < sizeof(st.out)) {
                uint64_t n = st.next_ack++;
                uint64_t lat = st.last_durable - n < ACK_RING ? now - st.t_write[n % ACK_RING] : 0;

                st.out_len += (size_t)snprintf(st.out + st.out_len, sizeof(st.out) - st.out_len,
                                               "ACK %" PRIu64 " %" PRIu64 "\n", n, lat);
        }
}

static void coll_write(void)
{
        coll_fill();
        while (st.out_off < st.out_len) {
                ssize_t w = send(st.coll_fd, st.out + st.out_off, st.out_len - st.out_off, MSG_NOSIGNAL);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0 && errno == EAGAIN)
                        return;
                if (w < 0) {
                        coll_drop(strerror(errno));
                        return;
                }
                st.out_off += (size_t)w;
                if (st.out_off == st.out_len)
                        coll_fill();
        }
}

/* ---- the status server -------------------------------------------------- */

static void send_all(int fd, const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return;
                buf += w;
                len -= (size_t)w;
        }
}

struct stream {
        int fd;
        uint64_t from;
};

static bool stream_record(const PkmRecord *rec, void *user)
{
        struct stream *s = user;
        char line[PKM_LINE_MAX + 1];
        int len;

        if (rec->number < s->from)
                return true;
        len = pkm_record_encode(rec, line, sizeof(line));
        if (len > 0)
                send_all(s->fd, line, (size_t)len);
        return true;
}

static void serve_client(int fd)
{
        char req[PKM_REQUEST_MAX + 1], body[512], head[256];
        struct timeval tv = { .tv_sec = 2 };
        size_t len = 0;
        PkmRequest r = { .kind = PKM_REQ_INCOMPLETE };
        int n;

        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        while (pkm_request_parse(req, len, &r) == PKM_REQ_INCOMPLETE) {
                ssize_t got = recv(fd, req + len, sizeof(req) - len, 0);
                if (got <= 0)
                        return;
                len += (size_t)got;
        }
        switch (r.kind) {
        case PKM_REQ_STATUS: {
                struct timespec up;

                clock_gettime(CLOCK_BOOTTIME, &up);
                n = snprintf(body, sizeof(body),
                             "{\"last_durable\": %" PRIu64 ", \"boot\": %" PRIu64 ", \"uptime\": %lld, "
                             "\"acks_sent\": %" PRIu64 ", \"collector\": \"%s\"}\n",
                             st.last_durable, st.boot, (long long)up.tv_sec,
                             (st.out_off < st.out_len ? st.out_first : st.next_ack) - 1,
                             st.coll_connected ? "connected" : "disconnected");
                int h = snprintf(head, sizeof(head),
                                 "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                                 "Content-Length: %d\r\nConnection: close\r\n\r\n", n);
                send_all(fd, head, (size_t)h);
                send_all(fd, body, (size_t)n);
                break;
        }
        case PKM_REQ_JOURNAL: {
                struct stream s = { .fd = fd, .from = r.from };
                PkmScan scan;
                size_t jlen = 0;
                char *data = read_journal(&jlen);
                static const char h[] = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                                        "Connection: close\r\n\r\n";

                if (!data)
                        return;
                send_all(fd, h, sizeof(h) - 1);
                pkm_journal_scan(data, jlen, stream_record, &s, &scan);
                free(data);
                break;
        }
        case PKM_REQ_PANIC: {
                /* The fault scenario "guest kernel panic": a real panic of
                 * this kernel (the pvpanic device tells QEMU), asked for over
                 * the network because nothing else reaches into the guest.
                 * Off unless the image was built for fault tests. */
                static const char no[] = "HTTP/1.0 403 Forbidden\r\nContent-Type: text/plain\r\n"
                                         "Connection: close\r\n\r\nfault injection is off: boot the guest "
                                         "with pk.faults=on (plastik-mkimage --faults)\n";
                static const char yes[] = "HTTP/1.0 202 Accepted\r\nContent-Type: text/plain\r\n"
                                          "Connection: close\r\n\r\npanicking now\n";
                int t;

                if (!cfg.faults) {
                        send_all(fd, no, sizeof(no) - 1);
                        break;
                }
                send_all(fd, yes, sizeof(yes) - 1);
                /* Let the answer leave before the network stack dies. */
                shutdown(fd, SHUT_WR);
                usleep(200 * 1000);
                say("fault injection: kernel panic requested over the network");
                t = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
                if (t < 0 || write(t, "c", 1) != 1)
                        say("writing /proc/sysrq-trigger failed: %s", strerror(errno));
                if (t >= 0)
                        close(t);
                break;
        }
        case PKM_REQ_NOT_FOUND: {
                static const char h[] = "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n"
                                        "Connection: close\r\n\r\nknown paths: /status, /journal?from=N\n";
                send_all(fd, h, sizeof(h) - 1);
                break;
        }
        default: {
                static const char h[] = "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\n"
                                        "Connection: close\r\n\r\nexpected GET /status or GET /journal?from=N\n";
                send_all(fd, h, sizeof(h) - 1);
                break;
        }
        }
}

static int listen_on(int port)
{
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

        if (fd < 0)
                return -1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0) {
                close(fd);
                return -1;
        }
        return fd;
}

static void on_signal(int sig)
{
        stop = 1;
}

static void usage(FILE *f)
{
        fprintf(f,
                "Usage: pk-monitor [OPTION]...\n"
                "Runs periodic checks, journals each round durably and acknowledges it to a collector.\n"
                "\n"
                "Options:\n"
                "  --dir DIR            state directory (default /var/lib/pk-monitor)\n"
                "  --collector A.B.C.D:PORT  where to send ACK lines (default: pk.collector= of the cmdline)\n"
                "  --target A.B.C.D:PORT     TCP check target (default: pk.target=)\n"
                "  --interval MS        time between check rounds (default: pk.interval= or 1000)\n"
                "  --port PORT          HTTP status port (default: pk.port= or 8080)\n"
                "  --cmdline FILE       kernel command line to read (default /proc/cmdline)\n"
                "  --help               this text\n");
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "dir", required_argument, NULL, 'd' },
                { "collector", required_argument, NULL, 'c' },
                { "target", required_argument, NULL, 't' },
                { "interval", required_argument, NULL, 'i' },
                { "port", required_argument, NULL, 'p' },
                { "cmdline", required_argument, NULL, 'k' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        const char *cmdline = "/proc/cmdline";
        bool have_c = false, have_t = false, have_i = false, have_p = false;
        struct sockaddr_in dummy;
        char payload[64];
        uint64_t next_round;
        int lfd, o;

        while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (o) {
                case 'd': cfg.dir = optarg; break;
                case 'c': snprintf(cfg.collector, sizeof(cfg.collector), "%s", optarg); have_c = true; break;
                case 't': snprintf(cfg.target, sizeof(cfg.target), "%s", optarg); have_t = true; break;
                case 'i': cfg.interval_ms = atoi(optarg); have_i = true; break;
                case 'p': cfg.port = atoi(optarg); have_p = true; break;
                case 'k': cmdline = optarg; break;
                case 'h': usage(stdout); return 0;
                default: usage(stderr); return 2;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "pk-monitor: unexpected argument \"%s\"; see --help\n", argv[optind]);
                return 2;
        }
        read_cmdline(cmdline, have_c, have_t, have_i, have_p);
        if (cfg.interval_ms < 1 || cfg.interval_ms > 3600000) {
                fprintf(stderr, "pk-monitor: interval %d ms is out of range; give 1 to 3600000\n", cfg.interval_ms);
                return 2;
        }
        if (cfg.port < 1 || cfg.port > 65535) {
                fprintf(stderr, "pk-monitor: port %d is out of range; give 1 to 65535\n", cfg.port);
                return 2;
        }
        if (cfg.collector[0] && !parse_addr(cfg.collector, &dummy)) {
                fprintf(stderr, "pk-monitor: collector \"%s\" is not A.B.C.D:PORT\n", cfg.collector);
                return 2;
        }
        if (cfg.target[0] && !parse_addr(cfg.target, &dummy)) {
                fprintf(stderr, "pk-monitor: target \"%s\" is not A.B.C.D:PORT\n", cfg.target);
                return 2;
        }

        signal(SIGPIPE, SIG_IGN);
        signal(SIGTERM, on_signal);
        signal(SIGINT, on_signal);
        if (open_journal() < 0)
                return 1;
        lfd = listen_on(cfg.port);
        if (lfd < 0) {
                say("cannot listen on port %d: %s", cfg.port, strerror(errno));
                return 1;
        }
        snprintf(payload, sizeof(payload), "boot %" PRIu64, st.boot);
        if (!append_record(payload))
                return 1;
        /* Acks start with this boot: earlier numbers that were never
         * acknowledged promised nothing. */
        st.next_ack = st.last_durable;
        say("ready: boot %" PRIu64 ", record %" PRIu64 ", collector %s, status port %d",
            st.boot, st.last_durable, cfg.collector[0] ? cfg.collector : "none", cfg.port);

        next_round = mono_us() / 1000 + (uint64_t)cfg.interval_ms;
        while (!stop) {
                struct pollfd p[2] = { { .fd = lfd, .events = POLLIN }, { .fd = -1 } };
                uint64_t now = mono_us() / 1000;
                int64_t timeout = (int64_t)(next_round - now);

                if (cfg.collector[0] && st.coll_fd < 0 && now >= st.coll_retry_at)
                        coll_connect();
                if (st.coll_fd >= 0) {
                        p[1].fd = st.coll_fd;
                        p[1].events = POLLIN;
                        if (!st.coll_connected || st.next_ack <= st.last_durable || st.out_off < st.out_len)
                                p[1].events |= POLLOUT;
                } else if (cfg.collector[0]) {
                        int64_t t = (int64_t)(st.coll_retry_at - now);
                        if (t < timeout)
                                timeout = t;
                }
                if (timeout < 0)
                        timeout = 0;
                if (poll(p, 2, (int)timeout) < 0 && errno != EINTR)
                        break;
                if (p[0].revents & POLLIN) {
                        int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
                        if (c >= 0) {
                                serve_client(c);
                                close(c);
                        }
                }
                if (st.coll_fd >= 0 && p[1].revents) {
                        if (!st.coll_connected && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
                                int err = 0;
                                socklen_t elen = sizeof(err);
                                getsockopt(st.coll_fd, SOL_SOCKET, SO_ERROR, &err, &elen);
                                if (err) {
                                        coll_drop(strerror(err));
                                } else {
                                        st.coll_connected = true;
                                        st.coll_backoff_ms = 100;
                                        say("collector %s: connected; acknowledging from record %" PRIu64,
                                            cfg.collector, st.next_ack);
                                }
                        } else if (p[1].revents & (POLLIN | POLLERR | POLLHUP)) {
                                char junk[256];
                                ssize_t r = recv(st.coll_fd, junk, sizeof(junk), MSG_DONTWAIT);
                                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
                                        coll_drop(r == 0 ? "closed" : strerror(errno));
                        }
                }
                if (mono_us() / 1000 >= next_round) {
                        check_round();
                        next_round += (uint64_t)cfg.interval_ms;
                        if (next_round < mono_us() / 1000)
                                next_round = mono_us() / 1000 + (uint64_t)cfg.interval_ms;
                }
                if (st.coll_fd >= 0 && st.coll_connected)
                        coll_write();
        }
        say("stopping at record %" PRIu64, st.last_durable);
        return 0;
}
