/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public lifecycle API: argument checks, then the backend's operation. */
#include "hv-internal.h"
#include "pk.h"
#include "pk-config.h"

#include <errno.h>
#include <string.h>

static const HvDriver *const drivers[] = { &hv_qemu_driver };

static const char *const state_names[] = { "shut off", "running", "paused", "crashed", "unknown" };

const char *hv_state_to_string(HvState state)
{
        return state <= HV_STATE_UNKNOWN ? state_names[state] : "unknown";
}

HvConnect *hv_connect_open(const char *backend, const HvConnectOptions *options,
                           GError **error)
{
        const HvDriver *driver = NULL;
        const char *rundir = options ? options->rundir : NULL;
        const char *qemu = options ? options->qemu : NULL;

        for (gsize i = 0; i < G_N_ELEMENTS(drivers); i++)
                if (!backend || g_str_equal(backend, drivers[i]->name))
                        driver = drivers[i];
        if (!driver) {
                g_set_error(error, HV_ERROR, HV_ERROR_INVALID,
                            "unknown hypervisor backend \"%s\" (available: qemu)", backend);
                return NULL;
        }
        if (!rundir)
                rundir = g_getenv("PLASTIK_RUNDIR");
        if (!rundir || !*rundir)
                rundir = PK_RUNDIR;
        if (!qemu)
                qemu = g_getenv("PLASTIK_QEMU");
        if (!qemu || !*qemu)
                qemu = PK_QEMU;
        if (!g_path_is_absolute(rundir)) {
                g_set_error(error, HV_ERROR, HV_ERROR_INVALID,
                            "runtime directory \"%s\" must be an absolute path", rundir);
                return NULL;
        }

        HvConnect *conn = g_new0(HvConnect, 1);
        conn->driver = driver;
        conn->rundir = g_strdup(rundir);
        conn->guests_dir = g_build_filename(rundir, "guests", NULL);
        conn->log_dir = g_build_filename(rundir, "log", NULL);
        conn->qemu = g_strdup(qemu);
        return conn;
}

void hv_connect_free(HvConnect *conn)
{
        if (!conn)
                return;
        g_free(conn->rundir);
        g_free(conn->guests_dir);
        g_free(conn->log_dir);
        g_free(conn->qemu);
        g_free(conn);
}

const char *hv_connect_get_rundir(HvConnect *conn)
{
        return conn->rundir;
}

const char *hv_connect_get_guests_dir(HvConnect *conn)
{
        return conn->guests_dir;
}

char *hv_guest_dir(HvConnect *conn, const char *name)
{
        return g_build_filename(conn->guests_dir, name, NULL);
}

static gboolean check_name(const char *name, GError **error)
{
        if (hv_guest_name_valid(name))
                return TRUE;
        g_set_error(error, HV_ERROR, HV_ERROR_INVALID,
                    "\"%s\" is not a guest name: names match " HV_GUEST_NAME_RULE, name ? name : "");
        return FALSE;
}

gboolean hv_guest_start(HvConnect *conn, const HvGuestDef *def, GError **error)
{
        return check_name(def->name, error) && conn->driver->start(conn, def, error);
}

gboolean hv_guest_get_status(HvConnect *conn, const char *name, HvGuestStatus **ret_status,
                             GError **error)
{
        return check_name(name, error) && conn->driver->get_status(conn, name, ret_status, error);
}

pid_t hv_guest_get_pid(HvConnect *conn, const char *name)
{
        return hv_guest_name_valid(name) ? conn->driver->get_pid(conn, name) : 0;
}

gboolean hv_guest_shutdown(HvConnect *conn, const char *name, guint timeout_s,
                           gboolean *ret_forced, GError **error)
{
        return check_name(name, error) &&
               conn->driver->shutdown(conn, name, timeout_s, ret_forced, error);
}

gboolean hv_guest_destroy(HvConnect *conn, const char *name, GError **error)
{
        return check_name(name, error) && conn->driver->destroy(conn, name, error);
}

gboolean hv_guest_pause(HvConnect *conn, const char *name, GError **error)
{
        return check_name(name, error) && conn->driver->pause(conn, name, error);
}

gboolean hv_guest_resume(HvConnect *conn, const char *name, GError **error)
{
        return check_name(name, error) && conn->driver->resume(conn, name, error);
}

gboolean hv_guest_reset(HvConnect *conn, const char *name, GError **error)
{
        return check_name(name, error) && conn->driver->reset(conn, name, error);
}

/* g_ptr_array_sort() passes pointers to the elements. */
static gint compare_names(gconstpointer a, gconstpointer b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

char **hv_guest_list(HvConnect *conn, GError **error)
{
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GError) local = NULL;
        g_autoptr(GDir) dir = g_dir_open(conn->guests_dir, 0, &local);
        const char *entry;

        if (!dir) {
                if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
                        return g_new0(char *, 1);
                g_set_error(error, HV_ERROR, HV_ERROR_FAILED, "%s", local->message);
                return NULL;
        }
        while ((entry = g_dir_read_name(dir))) {
                g_autofree char *path = g_build_filename(conn->guests_dir, entry, NULL);
                /* Lock files and anything not named like a guest are not guests. */
                if (hv_guest_name_valid(entry) && g_file_test(path, G_FILE_TEST_IS_DIR))
                        g_ptr_array_add(names, g_strdup(entry));
        }
        g_ptr_array_sort(names, compare_names);
        g_ptr_array_add(names, NULL);
        return (char **)g_ptr_array_free(g_steal_pointer(&names), FALSE);
}

HvQmp *hv_guest_open_qmp(HvConnect *conn, const char *name, GError **error)
{
        g_autofree char *dir = NULL, *path = NULL;

        if (!check_name(name, error))
                return NULL;
        dir = hv_guest_dir(conn, name);
        if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
                g_set_error(error, HV_ERROR, HV_ERROR_NOT_RUNNING, "guest %s is not running", name);
                return NULL;
        }
        path = g_build_filename(dir, HV_QMP_SOCKET, NULL);
        return hv_qmp_connect(path, 5000, error);
}

char *hv_guest_console_socket(HvConnect *conn, const char *name)
{
        return g_build_filename(conn->guests_dir, name, HV_CONSOLE_SOCKET, NULL);
}

char *hv_guest_watch_socket(HvConnect *conn, const char *name)
{
        return g_build_filename(conn->guests_dir, name, HV_WATCH_SOCKET, NULL);
}

char *hv_guest_console_log(HvConnect *conn, const char *name)
{
        g_autofree char *file = g_strdup_printf("%s.console.log", name);
        return g_build_filename(conn->log_dir, file, NULL);
}

void hv_guest_status_free(HvGuestStatus *status)
{
        if (!status)
                return;
        g_free(status->name);
        g_free(status->reason);
        hv_guest_def_free(status->def);
        g_free(status);
}

json_object *hv_guest_status_to_json(const HvGuestStatus *status)
{
        json_object *o = json_object_new_object();

        json_object_object_add(o, "name", json_object_new_string(status->name));
        json_object_object_add(o, "state", json_object_new_string(hv_state_to_string(status->state)));
        json_object_object_add(o, "reason", status->reason ? json_object_new_string(status->reason) : NULL);
        json_object_object_add(o, "pid", status->pid ? json_object_new_int64(status->pid) : NULL);
        json_object_object_add(o, "accel", status->accel == HV_ACCEL_AUTO ? NULL
                               : json_object_new_string(hv_accel_to_string(status->accel)));
        if (status->stale_cleaned)
                json_object_object_add(o, "stale_cleaned", json_object_new_boolean(TRUE));
        json_object_object_add(o, "definition", status->def ? hv_guest_def_to_json(status->def) : NULL);
        return o;
}
