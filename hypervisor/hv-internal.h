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
