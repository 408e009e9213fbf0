/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of libhv shared between its source files. */
#pragma once

#include "hv.h"

/* Files inside a guest's runtime directory RUNDIR/guests/NAME/. */
#define HV_PIDFILE "qemu.pid"
#define HV_QMP_SOCKET "qmp.sock"
#define HV_WATCH_SOCKET "qmp-watch.sock"
#define HV_CONSOLE_SOCKET "console.sock"
#define HV_DEF_FILE "guest.json"

/*
 * A backend's operations. Every backend keeps the daemonless contract: the
 * guest's state can be recovered from RUNDIR by any process at any time.
 */
typedef struct {
        const char *name;
        gboolean (*start)(HvConnect *conn, const HvGuestDef *def, GError **error);
        gboolean (*get_status)(HvConnect *conn, const char *name, HvGuestStatus **ret_status,
                               GError **error);
        pid_t (*get_pid)(HvConnect *conn, const char *name);
        gboolean (*shutdown)(HvConnect *conn, const char *name, guint timeout_s,
                             gboolean *ret_forced, GError **error);
        gboolean (*destroy)(HvConnect *conn, const char *name, GError **error);
        gboolean (*pause)(HvConnect *conn, const char *name, GError **error);
        gboolean (*resume)(HvConnect *conn, const char *name, GError **error);
        gboolean (*reset)(HvConnect *conn, const char *name, GError **error);
} HvDriver;

struct HvConnect {
        const HvDriver *driver;
        char *rundir;       /* RUNDIR */
        char *guests_dir;   /* RUNDIR/guests */
        char *log_dir;      /* RUNDIR/log: console logs, kept after the guest stops */
        char *qemu;
};

extern const HvDriver hv_qemu_driver;

/* RUNDIR/guests/NAME (transfer full). */
char *hv_guest_dir(HvConnect *conn, const char *name);

/*
 * Opens a tap, makes it a port of @bridge with the bridge's MTU and brings
 * it up (tap.c). Returns the tap's descriptor (O_CLOEXEC; the tap lives as
 * long as a descriptor to it is open), or -1 with @error naming the bridge
 * and the step that failed. @ret_ifname: (optional) the kernel's name for it.
 */
int hv_tap_open_bridged(const char *bridge, char **ret_ifname, GError **error);
