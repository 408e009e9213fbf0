/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Backing volumes through liblvm2cmd.
 *
 * liblvm2cmd runs LVM's own command line in-process: lvm2_run() takes one
 * string, splits it at blanks (no quoting), and delivers everything LVM
 * prints through the log callback, line by line. Report output (vgs/lvs
 * with --reportformat json) arrives at level LVM2_LOG_PRINT from libdm's
 * report code (file "device_mapper/libdm-report.c" in 2.03.16); errors at
 * LVM2_LOG_ERROR or below. Everything we pass is validated first (names
 * are [a-z0-9+_.-]), so splitting at blanks cannot change an argument.
 *
 * The library keeps global state, so one command runs at a time.
 */
#include "dg.h"
#include "dg-volume-internal.h"
#include "pk.h"

#include <lvm2cmd.h>
#include <string.h>

static GMutex lvm_lock;
static void *lvm_handle;
static GString *cap_report, *cap_errors;

static void log_fn(int level, const char *file, int line, int dm_errno, const char *message)
{
        if (!cap_report || !message)
                return;
        if (level == LVM2_LOG_PRINT && file && g_str_has_suffix(file, "libdm-report.c")) {
                g_string_append(cap_report, message);
                g_string_append_c(cap_report, '\n');
        } else if (level > 0 && level <= LVM2_LOG_ERROR) {
                if (cap_errors->len)
                        g_string_append(cap_errors, "; ");
                g_string_append(cap_errors, message);
        }
}

gboolean dg_lvm_run(const char *const *argv, char **ret_report, GError **error)
{
        g_autofree char *cmdline = g_strjoinv(" ", (char **)argv);
        g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&lvm_lock);
        g_autoptr(GString) report = g_string_new(NULL);
        g_autoptr(GString) errors = g_string_new(NULL);
        int rc;

        for (const char *const *a = argv; *a; a++) {
                if (!**a || strpbrk(*a, " \t\n")) {
                        g_set_error(error, DG_ERROR, DG_ERROR_INVALID,
                                    "lvm %s: an argument is empty or has a blank, which lvm2_run() would split",
                                    cmdline);
                        return FALSE;
                }
        }
        if (!lvm_handle) {
                lvm2_log_fn(log_fn);
                lvm_handle = lvm2_init();
                if (!lvm_handle) {
                        g_set_error(error, DG_ERROR, DG_ERROR_COMMAND,
                                    "lvm %s: liblvm2cmd could not be initialised", cmdline);
                        return FALSE;
                }
        }
        cap_report = report;
        cap_errors = errors;
        g_debug("lvm %s", cmdline);
        rc = lvm2_run(lvm_handle, cmdline);
        cap_report = cap_errors = NULL;
        if (rc != LVM2_COMMAND_SUCCEEDED) {
                const char *why = rc == LVM2_NO_SUCH_COMMAND ? "no such command"
                                : rc == LVM2_INVALID_PARAMETERS ? "invalid parameters"
                                : rc == LVM2_INIT_FAILED ? "initialisation failed"
                                : "failed";
                g_set_error(error, DG_ERROR, DG_ERROR_COMMAND, "lvm %s: %s%s%s", cmdline, why,
                            errors->len ? ": " : "", errors->str);
                return FALSE;
        }
        if (ret_report)
                *ret_report = g_string_free(g_steal_pointer(&report), FALSE);
        return TRUE;
}

/* ---- reports ---------------------------------------------------------------- */

void dg_vg_info_clear(DgVgInfo *info)
{
        g_clear_pointer(&info->vg, g_free);
}

static void vg_info_free(gpointer p)
{
        dg_vg_info_clear(p);
        g_free(p);
}

void dg_lv_info_free(DgLvInfo *info)
{
        if (!info)
                return;
        g_free(info->vg);
        g_free(info->name);
        g_free(info);
}

static gboolean report_fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean report_fail(GError **error, const char *fmt, ...)
{
        va_list ap;
        g_autofree char *msg = NULL;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_set_error(error, DG_ERROR, DG_ERROR_PARSE, "LVM report: %s", msg);
        return FALSE;
}

static gboolean field_string(json_object *row, const char *where, const char *key,
                             const char **ret, GError **error)
{
        json_object *v;

        if (!json_object_object_get_ex(row, key, &v))
                return report_fail(error, "%s: field %s is missing", where, key);
        if (!json_object_is_type(v, json_type_string))
                return report_fail(error, "%s: field %s must be a string (got %s)", where, key,
                                   pk_json_type_name(v));
        if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
                return report_fail(error, "%s: field %s contains a NUL character", where, key);
        *ret = json_object_get_string(v);
        return TRUE;
}

/* Names are checked here so nothing odd reaches a later lvm2_run() line. */
static gboolean field_name(json_object *row, const char *where, const char *key,
                           char **ret, GError **error)
{
        const char *s;

        if (!field_string(row, where, key, &s, error))
                return FALSE;
        if (!dg_vg_name_valid(s))
                return report_fail(error, "%s: field %s is not an LVM name (got \"%s\")", where, key, s);
        *ret = g_strdup(s);
        return TRUE;
}

/* Sizes come as strings of decimal bytes (--units b --nosuffix); numbers
 * are taken too, as a later LVM's json_std would give them. */
static gboolean field_bytes(json_object *row, const char *where, const char *key,
                            guint64 *ret, GError **error)
{
        json_object *v;
        guint64 n;

        if (!json_object_object_get_ex(row, key, &v))
                return report_fail(error, "%s: field %s is missing", where, key);
        if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0) {
                *ret = (guint64)json_object_get_int64(v);
                return TRUE;
        }
        if (!json_object_is_type(v, json_type_string) ||
            !g_ascii_string_to_unsigned(json_object_get_string(v), 10, 0, G_MAXUINT64, &n, NULL) ||
            !g_ascii_isdigit(json_object_get_string(v)[0]))
                return report_fail(error, "%s: field %s must be a number of bytes (got %s)", where, key,
                                   json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
        *ret = n;
        return TRUE;
}

static gboolean parse_vg(json_object *row, const char *where, GPtrArray *vgs, GError **error)
{
        g_autofree DgVgInfo *vg = g_new0(DgVgInfo, 1);

        if (!field_name(row, where, "vg_name", &vg->vg, error) ||
            !field_bytes(row, where, "vg_size", &vg->size, error) ||
            !field_bytes(row, where, "vg_free", &vg->free, error) ||
            !field_bytes(row, where, "vg_extent_size", &vg->extent_size, error)) {
                g_free(vg->vg);
                return FALSE;
        }
        if (vg->free > vg->size) {
                g_free(vg->vg);
                return report_fail(error, "%s: vg_free (%" G_GUINT64_FORMAT ") exceeds vg_size (%" G_GUINT64_FORMAT ")",
                                   where, vg->free, vg->size);
        }
        if (vg->extent_size == 0) {
                g_free(vg->vg);
                return report_fail(error, "%s: vg_extent_size is 0", where);
        }
        g_ptr_array_add(vgs, g_steal_pointer(&vg));
        return TRUE;
}

static gboolean parse_lv(json_object *row, const char *where, GPtrArray *lvs, GError **error)
{
        DgLvInfo *lv = g_new0(DgLvInfo, 1);
        const char *active;

        g_ptr_array_add(lvs, lv); /* freed with the array on failure */
        if (!field_name(row, where, "vg_name", &lv->vg, error) ||
            !field_name(row, where, "lv_name", &lv->name, error) ||
            !field_bytes(row, where, "lv_size", &lv->size, error) ||
            !field_string(row, where, "lv_active", &active, error))
                return FALSE;
        /* "active", "local exclusively"...; inactive is the empty string. */
        lv->active = *active != '\0';
        return TRUE;
}

gboolean dg_lvm_report_parse(const char *text, GPtrArray **ret_vgs, GPtrArray **ret_lvs,
                             GError **error)
{
        g_autoptr(GError) jerr = NULL;
        g_autoptr(json_object) root = NULL;
        g_autoptr(GPtrArray) vgs = g_ptr_array_new_with_free_func(vg_info_free);
        g_autoptr(GPtrArray) lvs = g_ptr_array_new_with_free_func((GDestroyNotify)dg_lv_info_free);
        json_object *reports;

        root = pk_json_parse(text ? text : "", -1, "LVM report", &jerr);
        if (!root && !jerr) /* "null": json-c's null is no object at all */
                return report_fail(error, "expected an object {\"report\": [...]}");
        if (!root) {
                g_set_error(error, DG_ERROR, DG_ERROR_PARSE, "%s", jerr->message);
                return FALSE;
        }
        if (!json_object_is_type(root, json_type_object) ||
            !json_object_object_get_ex(root, "report", &reports) ||
            !json_object_is_type(reports, json_type_array))
                return report_fail(error, "expected an object {\"report\": [...]}");
        for (size_t i = 0; i < json_object_array_length(reports); i++) {
                json_object *rep = json_object_array_get_idx(reports, i);

                if (!json_object_is_type(rep, json_type_object))
                        return report_fail(error, "report[%zu] must be an object (got %s)", i,
                                           pk_json_type_name(rep));
                json_object_object_foreach(rep, key, rows) {
                        gboolean is_vg = g_str_equal(key, "vg"), is_lv = g_str_equal(key, "lv");

                        if (!is_vg && !is_lv)
                                continue; /* "log", "pv"...: not ours */
                        if (!json_object_is_type(rows, json_type_array))
                                return report_fail(error, "report[%zu].%s must be an array (got %s)", i, key,
                                                   pk_json_type_name(rows));
                        for (size_t j = 0; j < json_object_array_length(rows); j++) {
                                json_object *row = json_object_array_get_idx(rows, j);
                                g_autofree char *where = g_strdup_printf("report[%zu].%s[%zu]", i, key, j);

                                if (!json_object_is_type(row, json_type_object))
                                        return report_fail(error, "%s must be an object (got %s)", where,
                                                           pk_json_type_name(row));
                                if (is_vg ? !parse_vg(row, where, vgs, error) : !parse_lv(row, where, lvs, error))
                                        return FALSE;
                        }
                }
        }
        if (ret_vgs)
                *ret_vgs = g_steal_pointer(&vgs);
        if (ret_lvs)
                *ret_lvs = g_steal_pointer(&lvs);
        return TRUE;
}

/* ---- volume groups and logical volumes -------------------------------------- */

static gboolean check_vg_name(const char *vg, GError **error)
{
        if (dg_vg_name_valid(vg))
                return TRUE;
        g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "\"%s\" is not a volume group name", vg ? vg : "");
        return FALSE;
}

static gboolean check_lv_name(const char *name, GError **error)
{
        if (dg_lv_name_valid(name))
                return TRUE;
        g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "\"%s\" is not a logical volume name", name ? name : "");
        return FALSE;
}

/* LVM says "Volume group "x" not found" at error level; that is NOT_FOUND. */
static gboolean vg_missing(GError *error)
{
        return error && strstr(error->message, "not found");
}

/* What the report @argv (vgs or lvs of @vg) prints, parsed: the VGs, or
 * with @lvs the LVs; once @vg is a valid name. A VG that does not exist is
 * DG_ERROR_NOT_FOUND. (transfer full) */
static GPtrArray *vg_report(const char *vg, const char *const *argv, gboolean lvs, GError **error)
{
        g_autoptr(GError) err = NULL;
        g_autofree char *report = NULL;
        GPtrArray *list = NULL;

        if (!check_vg_name(vg, error))
                return NULL;
        if (!dg_lvm_run(argv, &report, &err)) {
                if (vg_missing(err))
                        g_set_error(error, DG_ERROR, DG_ERROR_NOT_FOUND,
                                    "volume group %s does not exist on this node", vg);
                else
                        g_propagate_error(error, g_steal_pointer(&err));
                return NULL;
        }
        if (!dg_lvm_report_parse(report, lvs ? NULL : &list, lvs ? &list : NULL, error))
                return NULL;
        return list;
}

gboolean dg_vg_get(const char *vg, DgVgInfo *ret_info, GError **error)
{
        const char *argv[] = { "vgs", "--reportformat", "json", "--units", "b", "--nosuffix",
                               "-o", "vg_name,vg_size,vg_free,vg_extent_size", vg, NULL };
        g_autoptr(GPtrArray) vgs = vg_report(vg, argv, FALSE, error);

        if (!vgs)
                return FALSE;
        for (guint i = 0; i < vgs->len; i++) {
                DgVgInfo *info = g_ptr_array_index(vgs, i);
                if (g_str_equal(info->vg, vg)) {
                        *ret_info = *info;
                        info->vg = NULL;
                        ret_info->vg = g_strdup(vg);
                        return TRUE;
                }
        }
        g_set_error(error, DG_ERROR, DG_ERROR_NOT_FOUND, "volume group %s does not exist on this node", vg);
        return FALSE;
}

GPtrArray *dg_lv_list(const char *vg, gboolean ours_only, GError **error)
{
        const char *argv[] = { "lvs", "--reportformat", "json", "--units", "b", "--nosuffix",
                               "-o", "vg_name,lv_name,lv_size,lv_active", vg, NULL };
        g_autoptr(GPtrArray) lvs = vg_report(vg, argv, TRUE, error);

        if (!lvs)
                return NULL;
        for (guint i = lvs->len; i-- > 0;) {
                DgLvInfo *lv = g_ptr_array_index(lvs, i);
                if (!g_str_equal(lv->vg, vg) || (ours_only && !dg_resource_name_parse(lv->name, NULL, NULL)))
                        g_ptr_array_remove_index(lvs, i);
        }
        return g_steal_pointer(&lvs);
}

static const DgLvInfo *find_lv(GPtrArray *lvs, const char *name)
{
        for (guint i = 0; i < lvs->len; i++) {
                const DgLvInfo *lv = g_ptr_array_index(lvs, i);
                if (g_str_equal(lv->name, name))
                        return lv;
        }
        return NULL;
}

char *dg_lv_no_space_message(const char *vg, guint64 free_bytes, guint64 need)
{
        static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        guint u = 0;
        g_autofree char *f = NULL, *n = NULL;

        /* Both in the unit of the need, one decimal, so they compare at a
         * glance: "has 2.1 GiB free, need 3.0 GiB". */
        while (u + 1 < G_N_ELEMENTS(units) && need >= (G_GUINT64_CONSTANT(1) << (10 * (u + 1))))
                u++;
        f = g_strdup_printf("%.1f %s", (double)free_bytes / (double)(G_GUINT64_CONSTANT(1) << (10 * u)), units[u]);
        n = g_strdup_printf("%.1f %s", (double)need / (double)(G_GUINT64_CONSTANT(1) << (10 * u)), units[u]);
        if (g_str_equal(f, n))
                return g_strdup_printf("volume group %s has %s free, need %s (%" G_GUINT64_FORMAT
                                       " bytes free, need %" G_GUINT64_FORMAT ")",
                                       vg, f, n, free_bytes, need);
        return g_strdup_printf("volume group %s has %s free, need %s", vg, f, n);
}

gboolean dg_lv_create(const char *vg, const char *name, guint64 size, GError **error)
{
        DgVgInfo info = { 0 };
        g_autoptr(GPtrArray) lvs = NULL;
        g_autofree char *bytes = NULL;
        guint64 need;
        gboolean ok;

        if (!check_vg_name(vg, error) || !check_lv_name(name, error) || !dg_vg_get(vg, &info, error))
                return FALSE;
        need = (size + info.extent_size - 1) / info.extent_size * info.extent_size;
        dg_vg_info_clear(&info);
        if (!(lvs = dg_lv_list(vg, FALSE, error)))
                return FALSE;
        if (find_lv(lvs, name)) {
                g_set_error(error, DG_ERROR, DG_ERROR_EXISTS, "logical volume %s/%s exists already", vg, name);
                return FALSE;
        }
        if (need > info.free) {
                g_autofree char *msg = dg_lv_no_space_message(vg, info.free, need);
                g_set_error(error, DG_ERROR, DG_ERROR_NO_SPACE, "%s", msg);
                return FALSE;
        }
        bytes = g_strdup_printf("%" G_GUINT64_FORMAT "b", need);
        /* --yes: wipe old signatures without asking (there is nobody to
         * ask); the LV is new, whatever they belonged to is gone. */
        const char *argv[] = { "lvcreate", "--yes", "--activate", "y", "-n", name, "-L", bytes, vg, NULL };
        ok = dg_lvm_run(argv, NULL, error);
        return ok;
}

/* The LV @vg/@name as LVM reports it now (transfer none: it lives in
 * *@ret_lvs, the VG's list); NULL and DG_ERROR_NOT_FOUND when there is
 * none. */
static const DgLvInfo *lv_get(const char *vg, const char *name, GPtrArray **ret_lvs, GError **error)
{
        const DgLvInfo *lv;

        if (!check_vg_name(vg, error) || !check_lv_name(name, error) || !(*ret_lvs = dg_lv_list(vg, FALSE, error)))
                return NULL;
        if (!(lv = find_lv(*ret_lvs, name)))
                g_set_error(error, DG_ERROR, DG_ERROR_NOT_FOUND, "logical volume %s/%s does not exist", vg, name);
        return lv;
}

gboolean dg_lv_grow(const char *vg, const char *name, guint64 size, GError **error)
{
        g_autoptr(GPtrArray) lvs = NULL;
        g_autofree char *bytes = NULL;
        const DgLvInfo *lv;

        if (!(lv = lv_get(vg, name, &lvs, error)))
                return FALSE;
        if (size < lv->size) {
                g_autofree char *have = dg_size_format(lv->size), *want = dg_size_format(size);
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID,
                            "logical volume %s/%s is %s; it is never shrunk (asked for %s)", vg, name, have, want);
                return FALSE;
        }
        if (size == lv->size)
                return TRUE;
        bytes = g_strdup_printf("%" G_GUINT64_FORMAT "b", size);
        const char *argv[] = { "lvextend", "-L", bytes, NULL, NULL };
        g_autofree char *path = g_strdup_printf("%s/%s", vg, name);
        argv[3] = path;
        return dg_lvm_run(argv, NULL, error);
}

gboolean dg_lv_remove(const char *vg, const char *name, GError **error)
{
        g_autoptr(GPtrArray) lvs = NULL;
        g_autofree char *path = NULL;

        if (!lv_get(vg, name, &lvs, error))
                return FALSE;
        path = g_strdup_printf("%s/%s", vg, name);
        const char *argv[] = { "lvremove", "-f", path, NULL };
        return dg_lvm_run(argv, NULL, error);
}

char **dg_lv_activate_argv(const char *vg, const char *name)
{
        g_autofree char *path = g_strdup_printf("%s/%s", vg, name);
        const char *argv[] = { "lvchange", "--activate", "y", path, NULL };

        return g_strdupv((char **)argv);
}

/*
 * A node that booted without LVM autoactivation (no udev, or
 * auto_activation_volume_list excluding the VG) has every LV inactive: no
 * /dev/VG/NAME, so drbdmeta and drbdadm cannot open it. Activating creates
 * the device-mapper mapping and the node; it writes nothing to the LV.
 */
gboolean dg_lv_activate(const char *vg, const char *name, GError **error)
{
        g_autoptr(GPtrArray) lvs = NULL;
        g_autoptr(GError) err = NULL;
        g_auto(GStrv) argv = NULL;
        g_autofree char *cmd = NULL;
        const DgLvInfo *lv;

        if (!(lv = lv_get(vg, name, &lvs, error)))
                return FALSE;
        if (lv->active)
                return TRUE;
        argv = dg_lv_activate_argv(vg, name);
        cmd = g_strjoinv(" ", argv);
        if (!dg_lvm_run((const char *const *)argv, NULL, &err)) {
                g_set_error(error, DG_ERROR, DG_ERROR_COMMAND,
                            "logical volume %s/%s is inactive and cannot be activated: %s; fix what LVM says "
                            "(e.g. a missing physical volume), then activate it with '%s'",
                            vg, name, err->message, cmd);
                return FALSE;
        }
        /* An LV that activation/volume_list in lvm.conf leaves out is
         * skipped with success and no error; only asking again tells. */
        g_clear_pointer(&lvs, g_ptr_array_unref);
        if (!(lvs = dg_lv_list(vg, FALSE, error)))
                return FALSE;
        if ((lv = find_lv(lvs, name)) && lv->active)
                return TRUE;
        g_set_error(error, DG_ERROR, DG_ERROR_COMMAND,
                    "logical volume %s/%s is still inactive after '%s' succeeded; activation/volume_list "
                    "in lvm.conf probably leaves it out: add the volume group %s to it",
                    vg, name, cmd, vg);
        return FALSE;
}
