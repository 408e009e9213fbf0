/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest definition: JSON in, validated HvGuestDef out, and back.
 *
 * Every error names the field as a path ("disks[1].cache") and the rule it
 * broke, because the person reading it is editing a JSON file or a CIB
 * attribute and needs to know exactly what to change.
 */
#include "hv.h"
#include "pk.h"

#include <string.h>

#define MEMORY_MIN 16
#define MEMORY_MAX (1024 * 1024)
#define VCPUS_MAX 255
#define CMDLINE_MAX 4096
#define IFNAME_MAX 15 /* IFNAMSIZ - 1 */

static const char *const cache_names[] = { "none", "directsync", "writethrough", "writeback", NULL };
static const char *const aio_names[] = { "native", "threads", "io_uring", NULL };
static const char *const nic_names[] = { "tap", "bridge", NULL };
static const char *const boot_names[] = { "disk", "kernel", NULL };
static const char *const accel_names[] = { "auto", "kvm", "tcg", NULL };
static const char *const watchdog_action_names[] = {
        "reset", "shutdown", "poweroff", "pause", "debug", "none", "inject-nmi", NULL };
static const char *const panic_names[] = { "pause", "shutdown", "none", NULL };

G_STATIC_ASSERT(G_N_ELEMENTS(cache_names) == HV_CACHE_WRITEBACK + 2);
G_STATIC_ASSERT(G_N_ELEMENTS(watchdog_action_names) == HV_WATCHDOG_INJECT_NMI + 2);

static gboolean fail(GError **error, const char *field, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static gboolean fail(GError **error, const char *field, const char *fmt, ...)
{
        va_list ap;
        g_autofree char *rule = NULL;

        va_start(ap, fmt);
        rule = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_set_error(error, HV_ERROR, HV_ERROR_INVALID, "guest definition: %s: %s", field, rule);
        return FALSE;
}

static char *join_names(const char *const *names)
{
        return g_strjoinv(", ", (char **)names);
}

static gboolean check_keys(json_object *obj, const char *where, const char *const *known,
                           GError **error)
{
        json_object_object_foreach(obj, key, val) {
                (void)val;
                if (!g_strv_contains(known, key)) {
                        g_autofree char *list = join_names(known);
                        g_autofree char *field = *where ? g_strdup_printf("%s.%s", where, key)
                                                        : g_strdup(key);
                        return fail(error, field, "unknown field (known fields: %s)", list);
                }
        }
        return TRUE;
}

static gboolean get_string(json_object *obj, const char *key, const char *field,
                           gboolean required, const char **ret, GError **error)
{
        json_object *v;

        if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null)) {
                if (required)
                        return fail(error, field, "is required");
                *ret = NULL;
                return TRUE;
        }
        if (!json_object_is_type(v, json_type_string))
                return fail(error, field, "must be a string (got %s)", pk_json_type_name(v));
        if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
                return fail(error, field, "must not contain NUL characters");
        *ret = json_object_get_string(v);
        return TRUE;
}

static gboolean get_uint(json_object *obj, const char *key, const char *field,
                         guint min, guint max, const char *unit, guint *inout, GError **error)
{
        json_object *v;
        gint64 n;

        if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
                return TRUE; /* keep the default */
        if (!json_object_is_type(v, json_type_int))
                return fail(error, field, "must be an integer between %u and %u%s (got %s)",
                            min, max, unit, pk_json_type_name(v));
        n = json_object_get_int64(v);
        if (n < min || n > max)
                return fail(error, field, "must be an integer between %u and %u%s (got %" G_GINT64_FORMAT ")",
                            min, max, unit, n);
        *inout = (guint)n;
        return TRUE;
}

static gboolean get_bool(json_object *obj, const char *key, const char *field,
                         gboolean *inout, GError **error)
{
        json_object *v;

        if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
                return TRUE;
        if (!json_object_is_type(v, json_type_boolean))
                return fail(error, field, "must be true or false (got %s)", pk_json_type_name(v));
        *inout = json_object_get_boolean(v);
        return TRUE;
}

static gboolean get_enum(json_object *obj, const char *key, const char *field,
                         const char *const *names, int *inout, GError **error)
{
        const char *s;

        if (!get_string(obj, key, field, FALSE, &s, error))
                return FALSE;
        if (!s)
                return TRUE;
        for (int i = 0; names[i]; i++) {
                if (g_str_equal(names[i], s)) {
                        *inout = i;
                        return TRUE;
                }
        }
        g_autofree char *list = join_names(names);
        return fail(error, field, "must be one of %s (got \"%s\")", list, s);
}

/* An optional array: absent or null is an empty one. */
static gboolean get_array(json_object *obj, const char *key, json_object **ret_array,
                          guint *ret_len, GError **error)
{
        json_object *v;

        if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null)) {
                *ret_array = NULL;
                *ret_len = 0;
                return TRUE;
        }
        if (!json_object_is_type(v, json_type_array))
                return fail(error, key, "must be an array (got %s)", pk_json_type_name(v));
        *ret_array = v;
        *ret_len = (guint)json_object_array_length(v);
        return TRUE;
}

static gboolean check_path(const char *field, const char *path, GError **error)
{
        if (!g_path_is_absolute(path))
                return fail(error, field, "must be an absolute path (got \"%s\")", path);
        if (strpbrk(path, "\n\r"))
                return fail(error, field, "must not contain line breaks");
        return TRUE;
}

static gboolean check_ifname(const char *field, const char *name, GError **error)
{
        size_t n = strlen(name);

        if (n == 0 || n > IFNAME_MAX)
                return fail(error, field, "must be a network interface name of 1 to %d characters (got \"%s\")",
                            IFNAME_MAX, name);
        for (const char *p = name; *p; p++)
                if (!g_ascii_isalnum(*p) && !strchr("-_.", *p))
                        return fail(error, field, "may contain only letters, digits, '-', '_' and '.' (got \"%s\")",
                                    name);
        return TRUE;
}

gboolean hv_guest_name_valid(const char *name)
{
        size_t n;

        if (!name)
                return FALSE;
        n = strlen(name);
        if (n == 0 || n > HV_NAME_MAX || !g_ascii_islower(name[0]))
                return FALSE;
        for (size_t i = 1; i < n; i++)
                if (!g_ascii_islower(name[i]) && !g_ascii_isdigit(name[i]) && name[i] != '-')
                        return FALSE;
        return TRUE;
}

/* Parses "52:54:00:ab:cd:ef" (any case) into lowercase canonical form. */
static gboolean parse_mac(const char *s, char out[18])
{
        guint8 b[6];

        if (strlen(s) != 17)
                return FALSE;
        for (int i = 0; i < 6; i++) {
                const char *p = s + i * 3;
                if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1]) || (i < 5 && p[2] != ':'))
                        return FALSE;
                b[i] = (guint8)(g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]));
        }
        /* A guest NIC needs a unicast address; all-zero is "no address". */
        if ((b[0] & 1) || !(b[0] | b[1] | b[2] | b[3] | b[4] | b[5]))
                return FALSE;
        g_snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
        return TRUE;
}

/*
 * The default MAC is derived from the guest name and NIC index, not random:
 * the guest must keep its address when it restarts on the other node.
 */
static void derive_mac(const char *name, guint index, char out[18])
{
        g_autofree char *seed = g_strdup_printf("%s/%u", name, index);
        g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
        guint8 digest[32];
        gsize len = sizeof(digest);

        g_checksum_update(sum, (const guchar *)seed, -1);
        g_checksum_get_digest(sum, digest, &len);
        g_snprintf(out, 18, "52:54:00:%02x:%02x:%02x", digest[0], digest[1], digest[2]);
}

static gboolean parse_disk(json_object *obj, guint i, HvDisk *disk, GError **error)
{
        static const char *const known[] = { "path", "bus", "cache", "aio", "readonly", NULL };
        g_autofree char *where = g_strdup_printf("disks[%u]", i);
        g_autofree char *f_path = g_strdup_printf("%s.path", where);
        g_autofree char *f_bus = g_strdup_printf("%s.bus", where);
        g_autofree char *f_cache = g_strdup_printf("%s.cache", where);
        g_autofree char *f_aio = g_strdup_printf("%s.aio", where);
        g_autofree char *f_ro = g_strdup_printf("%s.readonly", where);
        const char *path, *bus;
        int cache = HV_CACHE_NONE, aio = HV_AIO_NATIVE;

        if (!json_object_is_type(obj, json_type_object))
                return fail(error, where, "must be an object (got %s)", pk_json_type_name(obj));
        if (!check_keys(obj, where, known, error) ||
            !get_string(obj, "path", f_path, TRUE, &path, error) ||
            !check_path(f_path, path, error) ||
            !get_string(obj, "bus", f_bus, FALSE, &bus, error))
                return FALSE;
        if (bus && !g_str_equal(bus, "virtio"))
                return fail(error, f_bus, "must be \"virtio\" (got \"%s\")", bus);
        if (!get_enum(obj, "cache", f_cache, cache_names, &cache, error) ||
            !get_enum(obj, "aio", f_aio, aio_names, &aio, error) ||
            !get_bool(obj, "readonly", f_ro, &disk->readonly, error))
                return FALSE;
        /* QEMU refuses aio=native on a page-cached drive; say so before it does. */
        if (aio == HV_AIO_NATIVE && cache != HV_CACHE_NONE && cache != HV_CACHE_DIRECTSYNC)
                return fail(error, f_aio, "\"native\" needs cache \"none\" or \"directsync\" (cache is \"%s\"); use aio \"threads\"",
                            cache_names[cache]);
        disk->path = g_strdup(path);
        disk->cache = cache;
        disk->aio = aio;
        return TRUE;
}

static gboolean parse_nic(json_object *obj, const char *name, guint i, HvNic *nic, GError **error)
{
        static const char *const known[] = { "type", "ifname", "bridge", "mac", "model", NULL };
        g_autofree char *where = g_strdup_printf("nics[%u]", i);
        g_autofree char *f_type = g_strdup_printf("%s.type", where);
        g_autofree char *f_if = g_strdup_printf("%s.ifname", where);
        g_autofree char *f_br = g_strdup_printf("%s.bridge", where);
        g_autofree char *f_mac = g_strdup_printf("%s.mac", where);
        g_autofree char *f_model = g_strdup_printf("%s.model", where);
        const char *type, *ifname, *bridge, *mac, *model;
        int t = HV_NIC_TAP;

        if (!json_object_is_type(obj, json_type_object))
                return fail(error, where, "must be an object (got %s)", pk_json_type_name(obj));
        if (!check_keys(obj, where, known, error) ||
            !get_string(obj, "type", f_type, TRUE, &type, error) ||
            !get_enum(obj, "type", f_type, nic_names, &t, error) ||
            !get_string(obj, "ifname", f_if, t == HV_NIC_TAP, &ifname, error) ||
            !get_string(obj, "bridge", f_br, t == HV_NIC_BRIDGE, &bridge, error) ||
            !get_string(obj, "mac", f_mac, FALSE, &mac, error) ||
            !get_string(obj, "model", f_model, FALSE, &model, error))
                return FALSE;
        if (model && !g_str_equal(model, "virtio"))
                return fail(error, f_model, "must be \"virtio\" (got \"%s\")", model);
        if (t == HV_NIC_TAP && bridge)
                return fail(error, f_br, "is only for type \"bridge\" (this NIC is a tap)");
        if (t == HV_NIC_BRIDGE && ifname)
                return fail(error, f_if, "is only for type \"tap\" (this NIC is on a bridge)");
        if (ifname && !check_ifname(f_if, ifname, error))
                return FALSE;
        if (bridge && !check_ifname(f_br, bridge, error))
                return FALSE;
        if (mac && !parse_mac(mac, nic->mac))
                return fail(error, f_mac, "must be a unicast MAC address like 52:54:00:12:34:56 (got \"%s\")", mac);
        if (!mac)
                derive_mac(name, i, nic->mac);
        nic->type = t;
        nic->ifname = g_strdup(ifname);
        nic->bridge = g_strdup(bridge);
        return TRUE;
}

static gboolean parse_boot(json_object *obj, HvGuestDef *def, GError **error)
{
        static const char *const known[] = { "from", "kernel", "initrd", "cmdline", NULL };
        const char *kernel, *initrd, *cmdline;
        int from;

        if (!json_object_is_type(obj, json_type_object))
                return fail(error, "boot", "must be an object (got %s)", pk_json_type_name(obj));
        /* Without "from", a kernel means a kernel boot, anything else the disk. */
        from = json_object_object_get_ex(obj, "kernel", NULL) ? HV_BOOT_KERNEL : HV_BOOT_DISK;
        if (!check_keys(obj, "boot", known, error) ||
            !get_enum(obj, "from", "boot.from", boot_names, &from, error) ||
            !get_string(obj, "kernel", "boot.kernel", from == HV_BOOT_KERNEL, &kernel, error) ||
            !get_string(obj, "initrd", "boot.initrd", FALSE, &initrd, error) ||
            !get_string(obj, "cmdline", "boot.cmdline", FALSE, &cmdline, error))
                return FALSE;
        if (from == HV_BOOT_DISK && (kernel || initrd || cmdline))
                return fail(error, kernel ? "boot.kernel" : initrd ? "boot.initrd" : "boot.cmdline",
                            "is only for booting from \"kernel\" (boot.from is \"disk\")");
        if (kernel && !check_path("boot.kernel", kernel, error))
                return FALSE;
        if (initrd && !check_path("boot.initrd", initrd, error))
                return FALSE;
        if (cmdline && strlen(cmdline) > CMDLINE_MAX)
                return fail(error, "boot.cmdline", "must be at most %d characters", CMDLINE_MAX);
        def->boot = from;
        def->kernel = g_strdup(kernel);
        def->initrd = g_strdup(initrd);
        def->cmdline = g_strdup(cmdline);
        return TRUE;
}

static gboolean parse_watchdog(json_object *obj, HvGuestDef *def, GError **error)
{
        static const char *const known[] = { "model", "action", NULL };
        const char *model;
        int action = HV_WATCHDOG_RESET;

        if (json_object_is_type(obj, json_type_null))
                return TRUE;
        if (!json_object_is_type(obj, json_type_object))
                return fail(error, "watchdog", "must be an object or null (got %s)", pk_json_type_name(obj));
        if (!check_keys(obj, "watchdog", known, error) ||
            !get_string(obj, "model", "watchdog.model", FALSE, &model, error))
                return FALSE;
        if (model && !g_str_equal(model, "i6300esb"))
                return fail(error, "watchdog.model", "must be \"i6300esb\" (got \"%s\")", model);
        if (!get_enum(obj, "action", "watchdog.action", watchdog_action_names, &action, error))
                return FALSE;
        def->watchdog = TRUE;
        def->watchdog_action = action;
        return TRUE;
}

HvGuestDef *hv_guest_def_from_json(json_object *obj, GError **error)
{
        static const char *const known[] = {
                "name", "memory", "vcpus", "accel", "disks", "nics", "boot",
                "watchdog", "pvpanic", "on_panic", NULL };
        g_autoptr(HvGuestDef) def = g_new0(HvGuestDef, 1);
        json_object *v;
        const char *name;
        int accel = HV_ACCEL_AUTO, panic = HV_PANIC_PAUSE;

        if (!obj || !json_object_is_type(obj, json_type_object)) {
                fail(error, "(top level)", "must be a JSON object (got %s)", pk_json_type_name(obj));
                return NULL;
        }
        if (!check_keys(obj, "", known, error) ||
            !get_string(obj, "name", "name", TRUE, &name, error))
                return NULL;
        if (!hv_guest_name_valid(name)) {
                fail(error, "name", "must match " HV_GUEST_NAME_RULE ": a lowercase letter, then up to 31 lowercase letters, digits or '-' (got \"%s\")",
                     name);
                return NULL;
        }
        def->name = g_strdup(name);
        def->memory_mib = HV_DEFAULT_MEMORY_MIB;
        def->vcpus = 1;
        def->pvpanic = TRUE;
        if (!get_uint(obj, "memory", "memory", MEMORY_MIN, MEMORY_MAX, " MiB", &def->memory_mib, error) ||
            !get_uint(obj, "vcpus", "vcpus", 1, VCPUS_MAX, "", &def->vcpus, error) ||
            !get_enum(obj, "accel", "accel", accel_names, &accel, error) ||
            !get_bool(obj, "pvpanic", "pvpanic", &def->pvpanic, error) ||
            !get_enum(obj, "on_panic", "on_panic", panic_names, &panic, error))
                return NULL;
        def->accel = accel;
        def->panic_action = panic;

        if (!get_array(obj, "disks", &v, &def->n_disks, error))
                return NULL;
        def->disks = g_new0(HvDisk, def->n_disks);
        for (guint i = 0; i < def->n_disks; i++) {
                if (!parse_disk(json_object_array_get_idx(v, i), i, &def->disks[i], error))
                        return NULL;
                for (guint j = 0; j < i; j++) {
                        if (g_str_equal(def->disks[j].path, def->disks[i].path)) {
                                g_autofree char *f = g_strdup_printf("disks[%u].path", i);
                                fail(error, f, "\"%s\" is already disks[%u]", def->disks[i].path, j);
                                return NULL;
                        }
                }
        }
        if (!get_array(obj, "nics", &v, &def->n_nics, error))
                return NULL;
        def->nics = g_new0(HvNic, def->n_nics);
        for (guint i = 0; i < def->n_nics; i++) {
                if (!parse_nic(json_object_array_get_idx(v, i), def->name, i, &def->nics[i], error))
                        return NULL;
                for (guint j = 0; j < i; j++) {
                        if (g_str_equal(def->nics[j].mac, def->nics[i].mac)) {
                                g_autofree char *f = g_strdup_printf("nics[%u].mac", i);
                                fail(error, f, "%s is already the address of nics[%u]", def->nics[i].mac, j);
                                return NULL;
                        }
                }
        }
        if (json_object_object_get_ex(obj, "boot", &v) && !json_object_is_type(v, json_type_null)) {
                if (!parse_boot(v, def, error))
                        return NULL;
        } else {
                def->boot = HV_BOOT_DISK;
        }
        if (def->boot == HV_BOOT_DISK && def->n_disks == 0) {
                fail(error, "boot", "the guest boots from disk but has no disks; add disks or boot from a kernel");
                return NULL;
        }
        if (json_object_object_get_ex(obj, "watchdog", &v) && !parse_watchdog(v, def, error))
                return NULL;
        if (!def->pvpanic && json_object_object_get_ex(obj, "on_panic", &v) &&
            !json_object_is_type(v, json_type_null)) {
                fail(error, "on_panic", "needs the pvpanic device (pvpanic is false)");
                return NULL;
        }
        return g_steal_pointer(&def);
}

HvGuestDef *hv_guest_def_from_file(const char *path, GError **error)
{
        g_autofree char *text = NULL;
        g_autoptr(GError) local = NULL;
        gsize len;

        if (!g_file_get_contents(path, &text, &len, &local)) {
                g_set_error(error, HV_ERROR, HV_ERROR_INVALID, "%s", local->message);
                return NULL;
        }
        g_autoptr(json_object) obj = pk_json_parse(text, (gssize)len, path, &local);
        if (!obj) {
                g_set_error(error, HV_ERROR, HV_ERROR_INVALID, "%s", local->message);
                return NULL;
        }
        HvGuestDef *def = hv_guest_def_from_json(obj, &local);
        if (!def)
                g_set_error(error, HV_ERROR, HV_ERROR_INVALID, "%s: %s", path, local->message);
        return def;
}

json_object *hv_guest_def_to_json(const HvGuestDef *def)
{
        json_object *o = json_object_new_object();
        json_object *disks = json_object_new_array();
        json_object *nics = json_object_new_array();

        json_object_object_add(o, "name", json_object_new_string(def->name));
        json_object_object_add(o, "memory", json_object_new_int64(def->memory_mib));
        json_object_object_add(o, "vcpus", json_object_new_int64(def->vcpus));
        json_object_object_add(o, "accel", json_object_new_string(accel_names[def->accel]));
        for (guint i = 0; i < def->n_disks; i++) {
                const HvDisk *d = &def->disks[i];
                json_object *j = json_object_new_object();
                json_object_object_add(j, "path", json_object_new_string(d->path));
                json_object_object_add(j, "bus", json_object_new_string("virtio"));
                json_object_object_add(j, "cache", json_object_new_string(cache_names[d->cache]));
                json_object_object_add(j, "aio", json_object_new_string(aio_names[d->aio]));
                json_object_object_add(j, "readonly", json_object_new_boolean(d->readonly));
                json_object_array_add(disks, j);
        }
        json_object_object_add(o, "disks", disks);
        for (guint i = 0; i < def->n_nics; i++) {
                const HvNic *n = &def->nics[i];
                json_object *j = json_object_new_object();
                json_object_object_add(j, "type", json_object_new_string(nic_names[n->type]));
                if (n->ifname)
                        json_object_object_add(j, "ifname", json_object_new_string(n->ifname));
                if (n->bridge)
                        json_object_object_add(j, "bridge", json_object_new_string(n->bridge));
                json_object_object_add(j, "mac", json_object_new_string(n->mac));
                json_object_object_add(j, "model", json_object_new_string("virtio"));
                json_object_array_add(nics, j);
        }
        json_object_object_add(o, "nics", nics);
        json_object *boot = json_object_new_object();
        json_object_object_add(boot, "from", json_object_new_string(boot_names[def->boot]));
        if (def->kernel)
                json_object_object_add(boot, "kernel", json_object_new_string(def->kernel));
        if (def->initrd)
                json_object_object_add(boot, "initrd", json_object_new_string(def->initrd));
        if (def->cmdline)
                json_object_object_add(boot, "cmdline", json_object_new_string(def->cmdline));
        json_object_object_add(o, "boot", boot);
        if (def->watchdog) {
                json_object *w = json_object_new_object();
                json_object_object_add(w, "model", json_object_new_string("i6300esb"));
                json_object_object_add(w, "action",
                                       json_object_new_string(watchdog_action_names[def->watchdog_action]));
                json_object_object_add(o, "watchdog", w);
        } else {
                json_object_object_add(o, "watchdog", NULL);
        }
        json_object_object_add(o, "pvpanic", json_object_new_boolean(def->pvpanic));
        if (def->pvpanic)
                json_object_object_add(o, "on_panic", json_object_new_string(panic_names[def->panic_action]));
        return o;
}

void hv_guest_def_free(HvGuestDef *def)
{
        if (!def)
                return;
        for (guint i = 0; i < def->n_disks; i++)
                g_free(def->disks[i].path);
        for (guint i = 0; i < def->n_nics; i++) {
                g_free(def->nics[i].ifname);
                g_free(def->nics[i].bridge);
        }
        g_free(def->disks);
        g_free(def->nics);
        g_free(def->name);
        g_free(def->kernel);
        g_free(def->initrd);
        g_free(def->cmdline);
        g_free(def);
}

const char *hv_accel_to_string(HvAccel accel)
{
        return accel <= HV_ACCEL_TCG ? accel_names[accel] : "auto";
}

gboolean hv_accel_from_string(const char *s, HvAccel *ret_accel)
{
        for (int i = 0; accel_names[i]; i++) {
                if (s && g_str_equal(s, accel_names[i])) {
                        *ret_accel = i;
                        return TRUE;
                }
        }
        return FALSE;
}
