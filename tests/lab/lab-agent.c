/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lab-agent: the lab's control channel, independent of the node's network.
 *
 * Node side ("serve"): runs as the node's PID 1 after the init script is
 * done. It finds every virtio-serial port named "plastik.lab.ctl*", forks one
 * worker per port and reaps orphans. A worker runs one command at a time:
 * request in, stdout/stderr frames and the exit status out.
 *
 * Machine side ("exec"): picks a free port of a node by flock()ing the
 * port's lock file (so concurrent execs never share a port), connects to the
 * port's QEMU unix socket, sends the request, forwards stdin, writes the
 * command's output to its own stdout/stderr and exits with its status.
 *
 * Wire format, both directions: one magic line, then frames of
 * [type:1][length:4, big endian][payload]. The magic line carries a random
 * nonce so each side can skip stale bytes left by an earlier session (a
 * client that died mid-stream, a port that was not yet drained).
 *   client -> agent  "PKLAB1 REQ <nonce>\n"  'A' argv (NUL-terminated strings)
 *                                            'I' stdin bytes, 'i' stdin EOF
 *   agent -> client  "PKLAB1 ACK <nonce>\n"  'O' stdout, 'E' stderr,
 *                                            'X' status (4 bytes, big endian)
 * The status is the exit code, or 128+N when killed by signal N. When the
 * client goes away (the port reports POLLHUP) the command's process group is
 * killed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAGIC_REQ "PKLAB1 REQ "
#define MAGIC_ACK "PKLAB1 ACK "
#define NONCE_LEN 16
#define MAGIC_LEN (sizeof(MAGIC_REQ) - 1 + NONCE_LEN + 1)
#define PORT_PREFIX "plastik.lab.ctl"
#define MAX_FRAME (1u << 20)
#define MAX_PORTS 16

static const char *prog = "lab-agent";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
        va_list ap;
        fprintf(stderr, "%s: ", prog);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        exit(255);
}

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- byte buffer --------------------------------------------------------- */

typedef struct {
        unsigned char *data;
        size_t len, cap;
} Buf;

static void buf_add(Buf *b, const void *p, size_t n)
{
        if (b->len + n > b->cap) {
                size_t cap = b->cap ? b->cap : 4096;
                while (cap < b->len + n)
                        cap *= 2;
                b->data = realloc(b->data, cap);
                if (!b->data)
                        abort();
                b->cap = cap;
        }
        memcpy(b->data + b->len, p, n);
        b->len += n;
}

static void buf_drop(Buf *b, size_t n)
{
        if (n >= b->len) {
                b->len = 0;
                return;
        }
        memmove(b->data, b->data + n, b->len - n);
        b->len -= n;
}

static void frame_add(Buf *b, char type, const void *p, uint32_t n)
{
        unsigned char hdr[5] = { (unsigned char)type, n >> 24, n >> 16, n >> 8, n };
        buf_add(b, hdr, 5);
        if (n)
                buf_add(b, p, n);
}

/* Finds "<magic><nonce>\n" in @b; with @nonce NULL any nonce matches and is
 * copied to @found. Drops everything up to and including the line; returns
 * FALSE (keeping a possible partial prefix) when not there yet. */
static int buf_find_magic(Buf *b, const char *magic, const char *nonce, char *found)
{
        size_t ml = strlen(magic);
        for (size_t i = 0; i < b->len; i++) {
                size_t avail = b->len - i;
                size_t cmp = avail < ml ? avail : ml;
                if (memcmp(b->data + i, magic, cmp) != 0)
                        continue;
                if (avail < ml + NONCE_LEN + 1) {
                        buf_drop(b, i);
                        return 0;
                }
                const char *n = (const char *)b->data + i + ml;
                if (n[NONCE_LEN] == '\n' && (!nonce || memcmp(n, nonce, NONCE_LEN) == 0)) {
                        if (found) {
                                memcpy(found, n, NONCE_LEN);
                                found[NONCE_LEN] = 0;
                        }
                        buf_drop(b, i + ml + NONCE_LEN + 1);
                        return 1;
                }
        }
        /* keep a tail that could be the start of the magic */
        if (b->len > ml)
                buf_drop(b, b->len - ml);
        return 0;
}

/* Parses one frame from @b. Returns 1 and fills type/payload (a copy the
 * caller frees), 0 when incomplete, -1 when the bytes are not a frame. */
static int frame_take(Buf *b, const char *valid, char *type, unsigned char **payload, uint32_t *len)
{
        if (b->len < 5)
                return 0;
        if (!strchr(valid, b->data[0]) || b->data[0] == 0)
                return -1;
        uint32_t n = (uint32_t)b->data[1] << 24 | (uint32_t)b->data[2] << 16 |
                     (uint32_t)b->data[3] << 8 | b->data[4];
        if (n > MAX_FRAME)
                return -1;
        if (b->len < 5 + (size_t)n)
                return 0;
        *type = (char)b->data[0];
        *payload = malloc(n + 1);
        if (!*payload)
                abort();
        memcpy(*payload, b->data + 5, n);
        (*payload)[n] = 0;
        *len = n;
        buf_drop(b, 5 + n);
        return 1;
}

static void set_nonblock(int fd)
{
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* virtio-serial tells the node that the host side connected through the
 * control queue, and the client's first bytes through the data queue: the
 * request can arrive while the port still looks hung up. So a hangup only
 * counts once it lasted HUP_GRACE_MS. @since is 0 while connected. */
#define HUP_GRACE_MS 2000
static int64_t hup_since;

static void hup_clear(void)
{
        hup_since = 0;
}

/* Returns 1 when the hangup has lasted long enough to believe it, else
 * waits a little (the port polls as ready while hung up) and returns 0. */
static int hup_expired(void)
{
        int64_t t = now_ms();
        if (!hup_since)
                hup_since = t;
        if (t - hup_since >= HUP_GRACE_MS)
                return 1;
        usleep(50 * 1000);
        return 0;
}

/* Writes all of @b to a non-blocking @fd. Returns 0, or -1 when the peer
 * hung up (virtio-serial: host side closed) or on error. */
static int write_all(int fd, Buf *b)
{
        while (b->len) {
                ssize_t n = write(fd, b->data, b->len);
                if (n > 0) {
                        buf_drop(b, (size_t)n);
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno != EAGAIN)
                        return -1;
                struct pollfd p = { .fd = fd, .events = POLLOUT };
                if (poll(&p, 1, 1000) < 0 && errno != EINTR)
                        return -1;
                if (p.revents & (POLLERR | POLLNVAL))
                        return -1;
                if ((p.revents & POLLHUP) && hup_expired())
                        return -1;
        }
        return 0;
}

/* ======================================================================= */
/* node side                                                               */
/* ======================================================================= */

typedef enum { SESSION_DONE, SESSION_HUP, SESSION_RESYNC } SessionEnd;

static int pidfd_open_(pid_t pid)
{
        return (int)syscall(SYS_pidfd_open, pid, 0);
}

static pid_t spawn(char **argv, int *in_w, int *out_r, int *err_r)
{
        int in[2], out[2], err[2];
        if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
                return -1;
        pid_t pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                setsid();
                dup2(in[0], 0);
                dup2(out[1], 1);
                dup2(err[1], 2);
                sigset_t all;
                sigemptyset(&all);
                sigprocmask(SIG_SETMASK, &all, NULL);
                signal(SIGPIPE, SIG_DFL);
                signal(SIGCHLD, SIG_DFL);
                if (chdir("/") < 0)
                        _exit(127);
                execvp(argv[0], argv);
                fprintf(stderr, "lab-agent: cannot run %s: %s\n", argv[0], strerror(errno));
                _exit(127);
        }
        close(in[0]);
        close(out[1]);
        close(err[1]);
        *in_w = in[1];
        *out_r = out[0];
        *err_r = err[0];
        set_nonblock(in[1]);
        set_nonblock(out[0]);
        set_nonblock(err[0]);
        return pid;
}

static int status_code(int st)
{
        if (WIFEXITED(st))
                return WEXITSTATUS(st);
        if (WIFSIGNALED(st))
                return 128 + WTERMSIG(st);
        return 255;
}

/* Reads what is available on @fd into frames of @type. Returns 0 at EOF. */
static int pump(int fd, char type, Buf *out)
{
        unsigned char tmp[16384];
        for (;;) {
                ssize_t n = read(fd, tmp, sizeof tmp);
                if (n > 0) {
                        frame_add(out, type, tmp, (uint32_t)n);
                        if (out->len > 65536)
                                return 1;
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return 1;
                return 0;
        }
}

/* Moves complete stdin frames from @in to @stdin_buf; -1 on garbage. */
static int take_stdin(Buf *in, Buf *stdin_buf, int *stdin_eof)
{
        char type;
        unsigned char *pl;
        uint32_t len;
        int r;
        while ((r = frame_take(in, "Ii", &type, &pl, &len)) > 0) {
                if (type == 'I' && !*stdin_eof)
                        buf_add(stdin_buf, pl, len);
                else if (type == 'i')
                        *stdin_eof = 1;
                free(pl);
        }
        return r < 0 ? -1 : 0;
}

/* One command: @in holds bytes already read after the request magic. */
static SessionEnd run_session(int port, Buf *in, const char *nonce)
{
        char **argv = NULL;
        int argc = 0;
        char type;
        unsigned char *pl;
        uint32_t len;
        int64_t deadline = now_ms() + 30000;

        hup_clear();

        /* wait for the argv frame */
        while (!argv) {
                int r = frame_take(in, "A", &type, &pl, &len);
                if (r < 0)
                        return SESSION_RESYNC;
                if (r > 0) {
                        for (uint32_t i = 0; i < len; i++)
                                if (pl[i] == 0)
                                        argc++;
                        if (argc == 0) {
                                free(pl);
                                return SESSION_RESYNC;
                        }
                        argv = calloc((size_t)argc + 1, sizeof *argv);
                        char *s = (char *)pl;
                        for (int i = 0; i < argc; i++) {
                                argv[i] = s;
                                s += strlen(s) + 1;
                        }
                        break;
                }
                struct pollfd p = { .fd = port, .events = POLLIN };
                if (poll(&p, 1, 1000) < 0 && errno != EINTR)
                        return SESSION_HUP;
                ssize_t n = -1;
                if (p.revents & POLLIN) {
                        unsigned char tmp[4096];
                        n = read(port, tmp, sizeof tmp);
                        if (n > 0) {
                                buf_add(in, tmp, (size_t)n);
                                hup_clear();
                        }
                }
                if ((n == 0 || (n < 0 && (p.revents & (POLLHUP | POLLERR)))) && hup_expired())
                        return SESSION_HUP;
                if (now_ms() > deadline)
                        return SESSION_HUP;
        }

        Buf out = { 0 };
        buf_add(&out, MAGIC_ACK, strlen(MAGIC_ACK));
        buf_add(&out, nonce, NONCE_LEN);
        buf_add(&out, "\n", 1);

        int in_w = -1, out_r = -1, err_r = -1;
        pid_t pid = spawn(argv, &in_w, &out_r, &err_r);
        free(argv[0]);
        free(argv);
        if (pid < 0) {
                const char *msg = "lab-agent: fork failed\n";
                frame_add(&out, 'E', msg, (uint32_t)strlen(msg));
                uint32_t st = 255;
                unsigned char sb[4] = { st >> 24, st >> 16, st >> 8, st };
                frame_add(&out, 'X', sb, 4);
                write_all(port, &out);
                free(out.data);
                return SESSION_DONE;
        }
        int pfd = pidfd_open_(pid);
        Buf stdin_buf = { 0 };
        int stdin_eof = 0, status = -1;
        /* stdin frames may have come with the request */
        if (take_stdin(in, &stdin_buf, &stdin_eof) < 0) {
                kill(-pid, SIGKILL);
                waitpid(pid, NULL, 0);
                if (pfd >= 0)
                        close(pfd);
                close(in_w);
                close(out_r);
                close(err_r);
                free(out.data);
                return SESSION_RESYNC;
        }
        SessionEnd end = SESSION_DONE;
        int64_t drain_until = 0;

        for (;;) {
                if (out.len && write_all(port, &out) < 0) {
                        end = SESSION_HUP;
                        break;
                }
                if (status >= 0 && ((out_r < 0 && err_r < 0) || now_ms() >= drain_until))
                        break;
                struct pollfd p[5];
                int np = 0, i_port, i_out = -1, i_err = -1, i_in = -1;
                i_port = np;
                p[np++] = (struct pollfd){ .fd = port, .events = stdin_buf.len < 262144 ? POLLIN : 0 };
                if (out_r >= 0) {
                        i_out = np;
                        p[np++] = (struct pollfd){ .fd = out_r, .events = POLLIN };
                }
                if (err_r >= 0) {
                        i_err = np;
                        p[np++] = (struct pollfd){ .fd = err_r, .events = POLLIN };
                }
                if (in_w >= 0 && stdin_buf.len) {
                        i_in = np;
                        p[np++] = (struct pollfd){ .fd = in_w, .events = POLLOUT };
                }
                if (status < 0 && pfd >= 0)
                        p[np++] = (struct pollfd){ .fd = pfd, .events = POLLIN };
                int timeout = status >= 0 ? 50 : (pfd < 0 ? 200 : -1);
                if (poll(p, (nfds_t)np, timeout) < 0 && errno != EINTR)
                        break;
                ssize_t n = -1;
                if (p[i_port].revents & POLLIN) {
                        unsigned char tmp[16384];
                        n = read(port, tmp, sizeof tmp);
                        if (n > 0) {
                                buf_add(in, tmp, (size_t)n);
                                hup_clear();
                        }
                }
                if (n == 0 || (n < 0 && (p[i_port].revents & (POLLHUP | POLLERR)))) {
                        if (hup_expired()) {
                                end = SESSION_HUP;
                                break;
                        }
                } else {
                        hup_clear();
                }
                if (take_stdin(in, &stdin_buf, &stdin_eof) < 0) {
                        end = SESSION_RESYNC;
                        break;
                }
                if (i_in >= 0 && (p[i_in].revents & (POLLOUT | POLLERR | POLLHUP))) {
                        ssize_t w = write(in_w, stdin_buf.data, stdin_buf.len);
                        if (w > 0)
                                buf_drop(&stdin_buf, (size_t)w);
                        else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                                close(in_w);
                                in_w = -1;
                                stdin_buf.len = 0;
                        }
                }
                if (in_w >= 0 && stdin_eof && stdin_buf.len == 0) {
                        close(in_w);
                        in_w = -1;
                }
                if (i_out >= 0 && (p[i_out].revents & (POLLIN | POLLHUP)) && !pump(out_r, 'O', &out)) {
                        close(out_r);
                        out_r = -1;
                }
                if (i_err >= 0 && (p[i_err].revents & (POLLIN | POLLHUP)) && !pump(err_r, 'E', &out)) {
                        close(err_r);
                        err_r = -1;
                }
                if (status < 0) {
                        int st;
                        if (waitpid(pid, &st, WNOHANG) == pid) {
                                status = status_code(st);
                                /* Output already in the pipes is read at
                                 * once; a background process that keeps
                                 * them open does not hold the exec. */
                                drain_until = now_ms() + 300;
                        }
                }
        }
        if (status < 0) {
                kill(-pid, SIGKILL);
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
        } else if (end == SESSION_DONE) {
                uint32_t st = (uint32_t)status;
                unsigned char sb[4] = { st >> 24, st >> 16, st >> 8, st };
                frame_add(&out, 'X', sb, 4);
                if (write_all(port, &out) < 0)
                        end = SESSION_HUP;
        }
        if (pfd >= 0)
                close(pfd);
        if (in_w >= 0)
                close(in_w);
        if (out_r >= 0)
                close(out_r);
        if (err_r >= 0)
                close(err_r);
        free(out.data);
        free(stdin_buf.data);
        return end;
}

/* The port stays open for the agent's whole life: closing it would drop
 * bytes a next client may already have sent. Stale bytes of an earlier
 * session are skipped by looking for the request magic instead. */
static void worker(const char *dev)
{
        char tag[64];
        snprintf(tag, sizeof tag, "lab-agent[%s]", dev);
        prog = tag;
        signal(SIGPIPE, SIG_IGN);
        int port;
        while ((port = open(dev, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
                fprintf(stderr, "%s: open: %s\n", prog, strerror(errno));
                sleep(1);
        }
        Buf in = { 0 };
        char nonce[NONCE_LEN + 1];
        for (;;) {
                if (buf_find_magic(&in, MAGIC_REQ, NULL, nonce)) {
                        /* SESSION_RESYNC: a new client may already be in @in */
                        run_session(port, &in, nonce);
                        continue;
                }
                struct pollfd p = { .fd = port, .events = POLLIN };
                if (poll(&p, 1, -1) < 0 && errno != EINTR)
                        continue;
                if (p.revents & POLLIN) {
                        unsigned char tmp[4096];
                        ssize_t n = read(port, tmp, sizeof tmp);
                        if (n > 0) {
                                buf_add(&in, tmp, (size_t)n);
                                continue;
                        }
                }
                if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
                        /* Nobody connected on the host side: the port then
                         * reads EOF and polls as hung up, so there is
                         * nothing to block on; look again shortly. */
                        usleep(100 * 1000);
                }
        }
}

static int find_ports(char devs[][288], int max)
{
        int n = 0;
        DIR *d = opendir("/sys/class/virtio-ports");
        if (!d)
                return 0;
        struct dirent *e;
        while ((e = readdir(d)) && n < max) {
                if (e->d_name[0] == '.')
                        continue;
                char path[512], name[128] = "";
                snprintf(path, sizeof path, "/sys/class/virtio-ports/%s/name", e->d_name);
                FILE *f = fopen(path, "r");
                if (!f)
                        continue;
                if (!fgets(name, sizeof name, f))
                        name[0] = 0;
                fclose(f);
                if (strncmp(name, PORT_PREFIX, strlen(PORT_PREFIX)) == 0)
                        snprintf(devs[n++], 288, "/dev/%s", e->d_name);
        }
        closedir(d);
        return n;
}

static int cmd_serve(void)
{
        char devs[MAX_PORTS][288];
        int n = 0;
        for (int tries = 0; tries < 100 && (n = find_ports(devs, MAX_PORTS)) == 0; tries++)
                usleep(100 * 1000);
        if (n == 0)
                die("no virtio-serial port named %s*", PORT_PREFIX);
        pid_t pids[MAX_PORTS];
        for (int i = 0; i < n; i++) {
                pids[i] = fork();
                if (pids[i] == 0)
                        worker(devs[i]);
        }
        fprintf(stderr, "%s: serving %d ports\n", prog, n);
        /* As PID 1 we also reap every orphan; a worker that dies is restarted. */
        for (;;) {
                int st;
                pid_t p = waitpid(-1, &st, 0);
                if (p < 0) {
                        if (errno == ECHILD)
                                sleep(1);
                        continue;
                }
                for (int i = 0; i < n; i++) {
                        if (pids[i] != p)
                                continue;
                        fprintf(stderr, "%s: worker for %s ended (status %d), restarting\n", prog,
                                devs[i], status_code(st));
                        sleep(1);
                        pids[i] = fork();
                        if (pids[i] == 0)
                                worker(devs[i]);
                }
        }
}

/* ======================================================================= */
/* machine side                                                            */
/* ======================================================================= */

static volatile sig_atomic_t got_alarm;
static void on_alarm(int sig)
{
        (void)sig;
        got_alarm = 1;
}

static void usage(void)
{
        fprintf(stderr,
                "usage: lab-agent serve\n"
                "       lab-agent exec [-n] [-t SECONDS] [-q] NODEDIR -- COMMAND [ARG...]\n"
                "  NODEDIR holds ctlN.sock (QEMU chardev sockets) and ctlN.lock\n"
                "  -n  do not forward stdin   -t  give up after SECONDS (exit 124)\n"
                "  -q  no message when the node cannot be reached\n");
        exit(2);
}

static int lock_port(const char *dir, int *ret_index)
{
        int nports = 0;
        for (; nports < MAX_PORTS; nports++) {
                char p[4096];
                snprintf(p, sizeof p, "%s/ctl%d.sock", dir, nports);
                if (access(p, F_OK) != 0)
                        break;
        }
        if (nports == 0)
                return -1;
        int fds[MAX_PORTS];
        for (int i = 0; i < nports; i++) {
                char p[4096];
                snprintf(p, sizeof p, "%s/ctl%d.lock", dir, i);
                fds[i] = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
                if (fds[i] < 0)
                        die("%s: %s", p, strerror(errno));
        }
        int got = -1;
        for (int i = 0; i < nports && got < 0; i++)
                if (flock(fds[i], LOCK_EX | LOCK_NB) == 0)
                        got = i;
        if (got < 0) {
                got = (int)(getpid() % nports);
                while (flock(fds[got], LOCK_EX) != 0) {
                        if (errno != EINTR || got_alarm)
                                return -2;
                }
        }
        for (int i = 0; i < nports; i++)
                if (i != got)
                        close(fds[i]);
        *ret_index = got;
        return fds[got];
}

static int cmd_exec(int argc, char **argv)
{
        int no_stdin = 0, quiet = 0;
        double timeout = 0;
        int i = 2;
        for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
                if (strcmp(argv[i], "-n") == 0)
                        no_stdin = 1;
                else if (strcmp(argv[i], "-q") == 0)
                        quiet = 1;
                else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
                        timeout = atof(argv[++i]);
                else
                        usage();
        }
        if (i >= argc)
                usage();
        const char *dir = argv[i++];
        if (i < argc && strcmp(argv[i], "--") == 0)
                i++;
        if (i >= argc)
                usage();

        signal(SIGPIPE, SIG_IGN);
        struct sigaction sa = { .sa_handler = on_alarm };
        sigaction(SIGALRM, &sa, NULL);
        int64_t deadline = timeout > 0 ? now_ms() + (int64_t)(timeout * 1000) : 0;
        if (timeout > 0)
                alarm((unsigned)timeout + 1);

        int idx;
        int lockfd = lock_port(dir, &idx);
        if (lockfd == -2) {
                if (!quiet)
                        fprintf(stderr, "%s: timed out waiting for a free control port\n", prog);
                return 124;
        }
        if (lockfd < 0) {
                if (!quiet)
                        fprintf(stderr, "%s: %s: no control port (is the node running?)\n", prog, dir);
                return 255;
        }
        alarm(0);

        struct sockaddr_un sun = { .sun_family = AF_UNIX };
        if ((size_t)snprintf(sun.sun_path, sizeof sun.sun_path, "%s/ctl%d.sock", dir, idx) >=
            sizeof sun.sun_path)
                die("socket path too long");
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (connect(s, (struct sockaddr *)&sun, sizeof sun) < 0) {
                if (!quiet)
                        fprintf(stderr, "%s: %s: %s (is the node running?)\n", prog, sun.sun_path,
                                strerror(errno));
                return 255;
        }

        unsigned char rnd[NONCE_LEN / 2];
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
                die("getrandom: %s", strerror(errno));
        char nonce[NONCE_LEN + 1];
        for (size_t k = 0; k < sizeof rnd; k++)
                snprintf(nonce + 2 * k, 3, "%02x", rnd[k]);

        Buf req = { 0 }, args = { 0 };
        buf_add(&req, MAGIC_REQ, strlen(MAGIC_REQ));
        buf_add(&req, nonce, NONCE_LEN);
        buf_add(&req, "\n", 1);
        for (int k = i; k < argc; k++)
                buf_add(&args, argv[k], strlen(argv[k]) + 1);
        frame_add(&req, 'A', args.data, (uint32_t)args.len);
        if (no_stdin)
                frame_add(&req, 'i', NULL, 0);
        set_nonblock(s);
        if (write_all(s, &req) < 0)
                die("cannot send the request: %s", strerror(errno));

        int stdin_open = !no_stdin;
        Buf in = { 0 };
        int acked = 0;
        for (;;) {
                int left = -1;
                if (deadline) {
                        int64_t l = deadline - now_ms();
                        if (l <= 0) {
                                if (!quiet)
                                        fprintf(stderr, "%s: timed out after %gs\n", prog, timeout);
                                return 124;
                        }
                        left = (int)l;
                }
                struct pollfd p[2] = { { .fd = s, .events = POLLIN },
                                       { .fd = stdin_open ? 0 : -1, .events = POLLIN } };
                if (poll(p, 2, left) < 0 && errno != EINTR)
                        die("poll: %s", strerror(errno));
                if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
                        unsigned char tmp[16384];
                        ssize_t n = read(0, tmp, sizeof tmp);
                        Buf f = { 0 };
                        if (n > 0) {
                                frame_add(&f, 'I', tmp, (uint32_t)n);
                        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                                frame_add(&f, 'i', NULL, 0);
                                stdin_open = 0;
                        }
                        if (f.len && write_all(s, &f) < 0)
                                stdin_open = 0;
                        free(f.data);
                }
                if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                        unsigned char tmp[65536];
                        ssize_t n = read(s, tmp, sizeof tmp);
                        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                                if (!quiet)
                                        fprintf(stderr, "%s: connection to the node lost\n", prog);
                                return 255;
                        }
                        if (n > 0)
                                buf_add(&in, tmp, (size_t)n);
                        if (!acked) {
                                if (!buf_find_magic(&in, MAGIC_ACK, nonce, NULL))
                                        continue;
                                acked = 1;
                        }
                        char type;
                        unsigned char *pl;
                        uint32_t len;
                        int r;
                        while ((r = frame_take(&in, "OEX", &type, &pl, &len)) > 0) {
                                if (type == 'X') {
                                        int st = len == 4 ? (int)((uint32_t)pl[0] << 24 | (uint32_t)pl[1] << 16 |
                                                                  (uint32_t)pl[2] << 8 | pl[3])
                                                          : 255;
                                        return st;
                                }
                                int fd = type == 'O' ? 1 : 2;
                                size_t off = 0;
                                while (off < len) {
                                        ssize_t w = write(fd, pl + off, len - off);
                                        if (w < 0 && errno == EINTR)
                                                continue;
                                        if (w <= 0)
                                                break;
                                        off += (size_t)w;
                                }
                                free(pl);
                        }
                        if (r < 0)
                                die("garbled data from the node");
                }
        }
}

int main(int argc, char **argv)
{
        if (argc < 2)
                usage();
        if (strcmp(argv[1], "serve") == 0)
                return cmd_serve();
        if (strcmp(argv[1], "exec") == 0)
                return cmd_exec(argc, argv);
        usage();
}
