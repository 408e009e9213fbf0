/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU command line, built by a pure function so that golden tests can
 * pin every argument: definition in, argv out.
 */
#include "hv.h"
#include "hv-internal.h"
#include "pk.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static const char *const cache_opt[] = { "none", "directsync", "writethrough", "writeback" };
static const char *const aio_opt[] = { "native", "threads", "io_uring" };
static const char *const watchdog_opt[] = {
        "reset", "shutdown", "poweroff", "pause", "debug", "none", "inject-nmi" };
static const char *const panic_opt[] = { "pause", "shutdown", "none" };

/* QEMU option values are comma-separated: a literal comma is written twice. */
static char *qopt(const char *value)
{
        GString *s = g_string_sized_new(strlen(value) + 8);

        for (const char *p = value; *p; p++) {
                if (*p == ',')
                        g_string_append_c(s, ',');
                g_string_append_c(s, *p);
        }
        return g_string_free(s, FALSE);
}

static void add(GPtrArray *argv, const char *arg)
{
        g_ptr_array_add(argv, g_strdup(arg));
}

static void addf(GPtrArray *argv, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void addf(GPtrArray *argv, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        g_ptr_array_add(argv, g_strdup_vprintf(fmt, ap));
        va_end(ap);
}

static void add_socket_chardev(GPtrArray *argv, const char *id, const char *path,
                               const char *extra)
{
        g_autofree char *p = qopt(path);
        add(argv, "-chardev");
        addf(argv, "socket,id=%s,path=%s,server=on,wait=off%s", id, p, extra ? extra : "");
}

char **hv_qemu_build_argv(const HvGuestDef *def, const HvQemuEnv *env, GError **error)
{
        g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *qmp = NULL, *watch = NULL, *console = NULL;
        g_autofree char *log = NULL, *logopt = NULL;

        if (env->accel != HV_ACCEL_KVM && env->accel != HV_ACCEL_TCG) {
                g_set_error(error, HV_ERROR, HV_ERROR_INVALID,
                            "internal: the accelerator must be resolved to kvm or tcg before building the command line");
                return NULL;
        }
        qmp = g_build_filename(env->guest_dir, HV_QMP_SOCKET, NULL);
        watch = g_build_filename(env->guest_dir, HV_WATCH_SOCKET, NULL);
        console = g_build_filename(env->guest_dir, HV_CONSOLE_SOCKET, NULL);
        log = qopt(env->console_log);

        add(argv, env->qemu);
        add(argv, "-name");
        addf(argv, "guest=%s,debug-threads=on", def->name);
        add(argv, "-machine");
        addf(argv, "q35,accel=%s", env->accel == HV_ACCEL_KVM ? "kvm" : "tcg");
        add(argv, "-cpu");
        add(argv, env->accel == HV_ACCEL_KVM ? "host" : "max");
        add(argv, "-m");
        addf(argv, "%u", def->memory_mib);
        add(argv, "-smp");
        addf(argv, "%u", def->vcpus);
        add(argv, "-nodefaults");
        add(argv, "-no-user-config");
        add(argv, "-display");
        add(argv, "none");
        add(argv, "-msg");
        add(argv, "timestamp=on");
        /* Daemonized, so the guest outlives whoever started it. */
        add(argv, "-daemonize");
        add(argv, "-pidfile");
        g_ptr_array_add(argv, g_build_filename(env->guest_dir, HV_PIDFILE, NULL));

        /* Two monitors: one for short-lived commands, one for a long-lived
         * event watcher; a QMP socket serves one client at a time. */
        add_socket_chardev(argv, "qmp", qmp, NULL);
        add(argv, "-mon");
        add(argv, "chardev=qmp,mode=control");
        add_socket_chardev(argv, "qmp-watch", watch, NULL);
        add(argv, "-mon");
        add(argv, "chardev=qmp-watch,mode=control");

        /* Serial console: attachable socket, everything also appended to a log. */
        logopt = g_strdup_printf(",logfile=%s,logappend=on", log);
        add_socket_chardev(argv, "console", console, logopt);
        add(argv, "-serial");
        add(argv, "chardev:console");

        if (def->pvpanic) {
                add(argv, "-device");
                add(argv, "pvpanic");
                add(argv, "-action");
                addf(argv, "panic=%s", panic_opt[def->panic_action]);
        }
        if (def->watchdog) {
                add(argv, "-device");
                add(argv, "i6300esb");
                add(argv, "-action");
                addf(argv, "watchdog=%s", watchdog_opt[def->watchdog_action]);
        }

        for (guint i = 0; i < def->n_disks; i++) {
                const HvDisk *d = &def->disks[i];
                g_autofree char *path = qopt(d->path);
                add(argv, "-drive");
                addf(argv, "file=%s,if=none,id=disk%u,format=raw,cache=%s,aio=%s,readonly=%s,discard=unmap",
                     path, i, cache_opt[d->cache], aio_opt[d->aio], d->readonly ? "on" : "off");
                add(argv, "-device");
                addf(argv, "virtio-blk-pci,drive=disk%u,id=virtio-disk%u%s", i, i,
                     def->boot == HV_BOOT_DISK && i == 0 ? ",bootindex=1" : "");
        }
        for (guint i = 0; i < def->n_nics; i++) {
                const HvNic *n = &def->nics[i];
                add(argv, "-netdev");
                if (n->type == HV_NIC_TAP)
                        addf(argv, "tap,id=net%u,ifname=%s,script=no,downscript=no", i, n->ifname);
                else if (env->nic_fds && env->nic_fds[i] >= 0)
                        addf(argv, "tap,id=net%u,fd=%d", i, env->nic_fds[i]);
                else {
                        g_set_error(error, HV_ERROR, HV_ERROR_INVALID,
                                    "nics[%u]: no tap was opened on bridge %s for it", i, n->bridge);
                        return NULL;
                }
                add(argv, "-device");
                addf(argv, "virtio-net-pci,netdev=net%u,id=nic%u,mac=%s", i, i, n->mac);
        }
        if (def->boot == HV_BOOT_KERNEL) {
                add(argv, "-kernel");
                add(argv, def->kernel);
                if (def->initrd) {
                        add(argv, "-initrd");
                        add(argv, def->initrd);
                }
                if (def->cmdline) {
                        add(argv, "-append");
                        add(argv, def->cmdline);
                }
        }
        g_ptr_array_add(argv, NULL);
        return (char **)g_ptr_array_free(g_steal_pointer(&argv), FALSE);
}

HvAccel hv_accel_probe(const char *dev_kvm, const char *cpuinfo)
{
        g_autofree char *text = NULL;
        int fd;

        fd = open(dev_kvm, O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return HV_ACCEL_TCG;
        close(fd);
        if (!g_file_get_contents(cpuinfo, &text, NULL, NULL))
                return HV_ACCEL_TCG;
        /* Only the "flags" lines count; match whole words. */
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
                if (!g_str_has_prefix(*l, "flags"))
                        continue;
                g_auto(GStrv) words = g_strsplit_set(*l, " \t", -1);
                for (char **w = words; *w; w++)
                        if (g_str_equal(*w, "vmx") || g_str_equal(*w, "svm"))
                                return HV_ACCEL_KVM;
        }
        return HV_ACCEL_TCG;
}
