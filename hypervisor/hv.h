/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file hv.h
 * @brief The hypervisor core: guest definitions and guest lifecycle.
 *
 * A guest is described by an HvGuestDef (plain data, read from and written to
 * JSON). Guests are run by a backend behind an operations table (QEMU/KVM
 * today) reached through an HvConnect. The core is daemonless: a running
 * guest is a QEMU process plus a runtime directory RUNDIR/guests/NAME/ holding
 * its pidfile, definition and QMP sockets, so guests outlive every plastik
 * process and any process can find them again.
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>
#include <sys/types.h>

#include "hv-error.h"
#include "hv-qmp.h"

G_BEGIN_DECLS

/* ---- guest definition ------------------------------------------------------ */

/** Longest guest name; names match HV_GUEST_NAME_RULE. */
#define HV_NAME_MAX 32
/** The guest-name rule as error messages quote it. */
#define HV_GUEST_NAME_RULE "[a-z][a-z0-9-]{0,31}"

typedef enum { HV_ACCEL_AUTO, HV_ACCEL_KVM, HV_ACCEL_TCG } HvAccel;
typedef enum {
        HV_CACHE_NONE, HV_CACHE_DIRECTSYNC, HV_CACHE_WRITETHROUGH, HV_CACHE_WRITEBACK,
} HvDiskCache;
typedef enum { HV_AIO_NATIVE, HV_AIO_THREADS, HV_AIO_IO_URING } HvDiskAio;
typedef enum { HV_NIC_TAP, HV_NIC_BRIDGE } HvNicType;
typedef enum { HV_BOOT_DISK, HV_BOOT_KERNEL } HvBootType;
typedef enum {
        HV_WATCHDOG_RESET, HV_WATCHDOG_SHUTDOWN, HV_WATCHDOG_POWEROFF,
        HV_WATCHDOG_PAUSE, HV_WATCHDOG_DEBUG, HV_WATCHDOG_NONE, HV_WATCHDOG_INJECT_NMI,
} HvWatchdogAction;
typedef enum { HV_PANIC_PAUSE, HV_PANIC_SHUTDOWN, HV_PANIC_NONE } HvPanicAction;

typedef struct {
        char *path;          /**< absolute path of a block device or image */
        HvDiskCache cache;   /**< default none: writes reach the device (DRBD) */
        HvDiskAio aio;       /**< default native */
        gboolean readonly;
} HvDisk;

typedef struct {
        HvNicType type;
        char *ifname;        /**< TAP: the tap device */
        char *bridge;        /**< BRIDGE: the bridge; libhv opens a tap on it (tap.c) */
        char mac[18];        /**< "52:54:00:xx:xx:xx"; derived from the name when not given */
} HvNic;

/** A guest definition without "memory" gets this much (MiB). */
#define HV_DEFAULT_MEMORY_MIB 256

typedef struct {
        char *name;
        guint memory_mib;
        guint vcpus;
        HvAccel accel;
        HvDisk *disks;
        guint n_disks;
        HvNic *nics;
        guint n_nics;
        HvBootType boot;
        char *kernel, *initrd, *cmdline; /**< HV_BOOT_KERNEL; initrd, cmdline optional */
        gboolean watchdog;               /**< an i6300esb watchdog */
        HvWatchdogAction watchdog_action;
        gboolean pvpanic;                /**< default TRUE: a guest panic is reported */
        HvPanicAction panic_action;      /**< default pause: the crash stays visible */
} HvGuestDef;

/** hv_guest_def_free: frees @def and everything it holds; NULL is fine. */
void hv_guest_def_free(HvGuestDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvGuestDef, hv_guest_def_free)

/**
 * hv_guest_def_from_json:
 * Builds and validates a definition. Unknown fields are refused (a typo must
 * not silently drop a setting). Errors are HV_ERROR_INVALID and name the field
 * and the rule, e.g. "disks[0].cache: must be one of none, directsync,
 * writethrough, writeback (got \"fast\")". (transfer full).
 */
HvGuestDef *hv_guest_def_from_json(json_object *obj, GError **error);

/** hv_guest_def_from_file: reads @path and calls hv_guest_def_from_json(). */
HvGuestDef *hv_guest_def_from_file(const char *path, GError **error);

/**
 * hv_guest_def_to_json:
 * (transfer full) the definition with every default filled in; parsing it
 * again gives an equal definition.
 */
json_object *hv_guest_def_to_json(const HvGuestDef *def);

/**
 * hv_guest_name_valid:
 * TRUE when @name matches HV_GUEST_NAME_RULE: the one guest-name rule of
 * plastik. A guest's name is its QEMU -name, its run directory, part of
 * its Pacemaker resource id and of its volumes' DRBD resource and LV names
 * ("pk-GUEST-VOLUME", so at most 32 characters leave room in LVM's and
 * DRBD's limits); lowercase so two guests never differ only in case.
 */
gboolean hv_guest_name_valid(const char *name);

/** hv_accel_to_string / hv_accel_from_string ("auto", "kvm", "tcg"). */
const char *hv_accel_to_string(HvAccel accel);
gboolean hv_accel_from_string(const char *s, HvAccel *ret_accel);

/* ---- QEMU command line (pure) ----------------------------------------------- */

/** Everything the command line depends on besides the definition. */
typedef struct {
        const char *qemu;     /**< emulator binary */
        const char *guest_dir;/**< RUNDIR/guests/NAME */
        const char *console_log; /**< file the serial console is appended to */
        HvAccel accel;        /**< resolved: KVM or TCG, never AUTO */
        /** Per NIC: the descriptor QEMU finds a bridge NIC's tap on
         *  (-netdev tap,fd=N); unused for tap NICs. Needed when the
         *  definition has a bridge NIC. */
        const int *nic_fds;
} HvQemuEnv;

/**
 * hv_qemu_build_argv:
 * Pure: the same definition and environment always give the same argv.
 * (transfer full) NULL-terminated vector, g_strfreev().
 */
char **hv_qemu_build_argv(const HvGuestDef *def, const HvQemuEnv *env, GError **error);

/**
 * hv_accel_probe:
 * Resolves AUTO: KVM only when /dev/kvm opens read-write and /proc/cpuinfo
 * shows vmx or svm (a /dev/kvm without them starts guests that never boot).
 * The paths are parameters so the rule can be tested.
 */
HvAccel hv_accel_probe(const char *dev_kvm, const char *cpuinfo);

/* ---- lifecycle ---------------------------------------------------------------- */

typedef enum {
        HV_STATE_SHUTOFF,  /**< no QEMU process */
        HV_STATE_RUNNING,
        HV_STATE_PAUSED,   /**< with a reason: user, io-error, watchdog, ... */
        HV_STATE_CRASHED,  /**< the guest panicked (pvpanic) */
        HV_STATE_UNKNOWN,  /**< the process lives but QMP does not answer */
} HvState;

const char *hv_state_to_string(HvState state);

typedef struct {
        char *name;
        HvState state;
        char *reason;         /**< QEMU's run state ("running", "io-error", ...) or why unknown */
        pid_t pid;            /**< QEMU's pid, 0 when shut off */
        HvAccel accel;        /**< the accelerator QEMU runs with; AUTO when shut off */
        gboolean stale_cleaned; /**< a stale runtime directory was found and removed */
        HvGuestDef *def;      /**< the definition it runs with; NULL when shut off */
} HvGuestStatus;

void hv_guest_status_free(HvGuestStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvGuestStatus, hv_guest_status_free)
/** hv_guest_status_to_json: (transfer full). */
json_object *hv_guest_status_to_json(const HvGuestStatus *status);

typedef struct HvConnect HvConnect;

/** Options for hv_connect_open(); NULL fields take the built-in defaults. */
typedef struct {
        const char *rundir;   /**< default PK_RUNDIR (/run/plastik), or $PLASTIK_RUNDIR */
        const char *qemu;     /**< default qemu-system-x86_64, or $PLASTIK_QEMU */
} HvConnectOptions;

/**
 * hv_connect_open:
 * Opens the backend named @backend ("qemu"; NULL means the default).
 * (transfer full): hv_connect_free().
 */
HvConnect *hv_connect_open(const char *backend, const HvConnectOptions *options,
                           GError **error);
void hv_connect_free(HvConnect *conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvConnect, hv_connect_free)

/** hv_connect_get_rundir: (transfer none). */
const char *hv_connect_get_rundir(HvConnect *conn);

/**
 * hv_connect_get_guests_dir: (transfer none) the directory that holds one
 * runtime directory per guest (RUNDIR/guests): a start creates the guest's
 * there before QEMU runs, a clean stop removes it. A watcher that wants new
 * guests at once, not at its next look, watches this directory.
 */
const char *hv_connect_get_guests_dir(HvConnect *conn);

/**
 * hv_guest_start:
 * Starts the guest and returns once QMP answers and the VM runs. Refused with
 * HV_ERROR_RUNNING when it already runs; a stale runtime directory is cleaned
 * first. On failure nothing is left behind (no process, no directory).
 */
gboolean hv_guest_start(HvConnect *conn, const HvGuestDef *def, GError **error);

/** hv_guest_get_status: @ret_status (transfer full). Unknown names are SHUTOFF. */
gboolean hv_guest_get_status(HvConnect *conn, const char *name,
                             HvGuestStatus **ret_status, GError **error);

/**
 * hv_guest_get_pid:
 * The pid of the guest's QEMU from its pidfile, checked to be this guest's
 * QEMU; 0 when none runs (or @name is not a guest name). Asks no monitor,
 * so it never waits for the command monitor a start or hvctl may hold.
 */
pid_t hv_guest_get_pid(HvConnect *conn, const char *name);

/**
 * hv_guest_shutdown:
 * Presses the ACPI power button and waits up to @timeout_s seconds for the
 * guest to power off; then destroys it. @ret_forced (optional) tells whether
 * it had to be destroyed.
 */
gboolean hv_guest_shutdown(HvConnect *conn, const char *name, guint timeout_s,
                           gboolean *ret_forced, GError **error);

/** hv_guest_destroy: stops QEMU at once (SIGTERM, then SIGKILL) and cleans up. */
gboolean hv_guest_destroy(HvConnect *conn, const char *name, GError **error);

gboolean hv_guest_pause(HvConnect *conn, const char *name, GError **error);
gboolean hv_guest_resume(HvConnect *conn, const char *name, GError **error);
gboolean hv_guest_reset(HvConnect *conn, const char *name, GError **error);

/** hv_guest_list: (transfer full) sorted names with a runtime directory. */
char **hv_guest_list(HvConnect *conn, GError **error);

/**
 * hv_guest_open_qmp:
 * Connects to the guest's command QMP socket (one client at a time; a
 * long-lived watcher uses the separate socket from hv_guest_watch_socket()).
 */
HvQmp *hv_guest_open_qmp(HvConnect *conn, const char *name, GError **error);

/** hv_guest_console_socket: (transfer full) path of the serial console socket. */
char *hv_guest_console_socket(HvConnect *conn, const char *name);
/** hv_guest_console_log: (transfer full) path of the console log file. */
char *hv_guest_console_log(HvConnect *conn, const char *name);
/** hv_guest_watch_socket: (transfer full) path of the event-watcher QMP socket. */
char *hv_guest_watch_socket(HvConnect *conn, const char *name);

G_END_DECLS
