/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pk-collector: the observer outside the node that pk-monitor acknowledges
 * its durable records to. Every number it receives is appended to the acks
 * file and fsynced before it counts, so the file is the exact list of
 * promises the guest made; pk-check-records holds the guest to them.
 * SIGTERM or SIGINT ends it with a summary line.
 */
#include "pkm.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 8

struct client {
        int fd;
        char buf[256];
        size_t len;
};

static volatile sig_atomic_t stop;
static uint64_t *lat;
static size_t n_lat, cap_lat;
static uint64_t n_acks, highest;

static void on_signal(int sig)
{
        stop = 1;
}

static int cmp_u64(const void *a, const void *b)
{
        uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

        return x < y ? -1 : x > y;
}

static void usage(FILE *f)
{
        fprintf(f,
                "Usage: pk-collector --listen A.B.C.D:PORT --acks FILE [--quiet]\n"
                "Receives pk-monitor's \"ACK N LATENCY_US\" lines and appends every number to FILE\n"
                "(fsynced before it counts). Ends on SIGTERM/SIGINT with a summary line:\n"
                "  pk-collector: acks=N highest=N median_ack_latency_us=N\n");
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "listen", required_argument, NULL, 'l' },
                { "acks", required_argument, NULL, 'a' },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct client cl[MAX_CLIENTS];
        struct sockaddr_in addr = { .sin_family = AF_INET };
        const char *listen_s = NULL, *acks = NULL;
        bool quiet = false;
        time_t last_print = 0;
        int lfd, afd, o, one = 1;

        while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (o) {
                case 'l': listen_s = optarg; break;
                case 'a': acks = optarg; break;
                case 'q': quiet = true; break;
                case 'h': usage(stdout); return 0;
                default: usage(stderr); return 2;
                }
        }
        if (!listen_s || !acks || optind < argc) {
                usage(stderr);
                return 2;
        }
        {
                const char *colon = strrchr(listen_s, ':');
                char host[64];
                uint64_t port;

                if (!colon || (size_t)(colon - listen_s) >= sizeof(host) ||
                    !pkm_parse_number(colon + 1, strlen(colon + 1), &port) || port > 65535) {
                        fprintf(stderr, "pk-collector: --listen \"%s\" is not A.B.C.D:PORT\n", listen_s);
                        return 2;
                }
                memcpy(host, listen_s, (size_t)(colon - listen_s));
                host[colon - listen_s] = '\0';
                if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
                        fprintf(stderr, "pk-collector: --listen \"%s\": \"%s\" is not an IPv4 address\n",
                                listen_s, host);
                        return 2;
                }
                addr.sin_port = htons((uint16_t)port);
        }
        afd = open(acks, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (afd < 0) {
                fprintf(stderr, "pk-collector: cannot open %s: %s\n", acks, strerror(errno));
                return 1;
        }
        lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 4) < 0) {
                fprintf(stderr, "pk-collector: cannot listen on %s: %s\n", listen_s, strerror(errno));
                return 1;
        }
        signal(SIGPIPE, SIG_IGN);
        signal(SIGTERM, on_signal);
        signal(SIGINT, on_signal);
        for (int i = 0; i < MAX_CLIENTS; i++)
                cl[i].fd = -1;
        printf("pk-collector: listening on %s, acks to %s\n", listen_s, acks);
        fflush(stdout);

        while (!stop) {
                struct pollfd p[MAX_CLIENTS + 1];
                char out[8192];
                size_t out_len = 0;
                uint64_t batch_high = 0;

                p[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
                for (int i = 0; i < MAX_CLIENTS; i++)
                        p[i + 1] = (struct pollfd){ .fd = cl[i].fd, .events = POLLIN };
                if (poll(p, MAX_CLIENTS + 1, 1000) < 0)
                        continue;
                if (p[0].revents & POLLIN) {
                        int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
                        int i;

                        for (i = 0; c >= 0 && i < MAX_CLIENTS && cl[i].fd >= 0; i++)
                                ;
                        if (c >= 0 && i == MAX_CLIENTS) {
                                close(c);
                        } else if (c >= 0) {
                                cl[i].fd = c;
                                cl[i].len = 0;
                                printf("pk-collector: guest connected\n");
                        }
                }
                for (int i = 0; i < MAX_CLIENTS; i++) {
                        struct client *c = &cl[i];
                        ssize_t r;

                        if (c->fd < 0 || !p[i + 1].revents)
                                continue;
                        r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
                        if (r <= 0) {
                                close(c->fd);
                                c->fd = -1;
                                printf("pk-collector: guest disconnected\n");
                                continue;
                        }
                        c->len += (size_t)r;
                        for (;;) {
                                char *nl = memchr(c->buf, '\n', c->len);
                                uint64_t n, l;

                                if (!nl) {
                                        /* A line longer than any ACK is garbage. */
                                        if (c->len == sizeof(c->buf))
                                                c->len = 0;
                                        break;
                                }
                                if (pkm_ack_parse(c->buf, (size_t)(nl - c->buf), &n, &l) &&
                                    out_len + 24 < sizeof(out)) {
                                        out_len += (size_t)snprintf(out + out_len, sizeof(out) - out_len,
                                                                    "%" PRIu64 "\n", n);
                                        if (n_lat == cap_lat) {
                                                cap_lat = cap_lat ? cap_lat * 2 : 1024;
                                                lat = realloc(lat, cap_lat * sizeof(*lat));
                                                if (!lat)
                                                        abort();
                                        }
                                        lat[n_lat++] = l;
                                        if (n > batch_high)
                                                batch_high = n;
                                }
                                c->len -= (size_t)(nl + 1 - c->buf);
                                memmove(c->buf, nl + 1, c->len);
                        }
                }
                if (out_len > 0) {
                        if (write(afd, out, out_len) != (ssize_t)out_len || fsync(afd) < 0) {
                                fprintf(stderr, "pk-collector: writing %s: %s\n", acks, strerror(errno));
                                return 1;
                        }
                        for (size_t k = 0; k < out_len; k++)
                                n_acks += out[k] == '\n';
                        if (batch_high > highest)
                                highest = batch_high;
                        if (!quiet && time(NULL) != last_print) {
                                last_print = time(NULL);
                                printf("pk-collector: acked %" PRIu64 " (highest %" PRIu64 ")\n", n_acks, highest);
                        }
                }
                fflush(stdout);
        }
        if (n_lat > 0)
                qsort(lat, n_lat, sizeof(*lat), cmp_u64);
        printf("pk-collector: acks=%" PRIu64 " highest=%" PRIu64 " median_ack_latency_us=%" PRIu64 "\n",
               n_acks, highest, n_lat ? lat[n_lat / 2] : 0);
        free(lat);
        return 0;
}
