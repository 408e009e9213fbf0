/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure half of `hactl guest …` (ham-guest.h): options → definition,
 * volumes and plan (its steps: guest-create.c); the fencing rule; guests
 * read back from the CIB.
 */
#include "ham-guest.h"
#include "ham-health.h"
#include "ham-xml.h"
#include "ham-pcmk.h"
#include "ham-timeline.h"
#include "dg.h"
#include "hv.h"
#include "pk.h"

#include <string.h>

#define MIB ((guint64)1024 * 1024)
/* Stands in for the DRBD device until guest-prepare allocates the minor. */
#define DEVICE_PENDING "/dev/drbd0"

static gboolean invalid(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean invalid(GError **error, const char *fmt, ...)
{
        g_autofree char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_set_error_literal(error, HAM_ERROR, HAM_ERROR_INVALID, msg);
        return FALSE;
}

gboolean ham_memory_parse(const char *text, guint *ret_mib, GError **error)
{
        guint64 v = 0;
        g_autoptr(GError) e = NULL;

        if (!text || !*text)
                return invalid(error, "--memory: give the guest's memory, e.g. --memory 512 (MiB) or --memory 1G");
        if (g_ascii_isdigit(text[strlen(text) - 1])) {
                if (!g_ascii_string_to_unsigned(text, 10, 1, G_MAXUINT, &v, NULL))
                        return invalid(error, "--memory: \"%s\" is not a number of MiB", text);
        } else {
                if (!dg_size_parse(text, "--memory", &v, &e))
                        return invalid(error, "%s", e->message);
                if (v % MIB != 0)
                        return invalid(error, "--memory: %s is not a whole number of MiB", text);
                v /= MIB;
        }
        if (v > G_MAXUINT)
                return invalid(error, "--memory: %s is too large", text);
        *ret_mib = (guint)v;
        return TRUE;
}

void ham_guest_create_plan_free(HamGuestCreatePlan *plan)
{
        if (!plan)
                return;
        g_free(plan->name);
        if (plan->config)
                json_object_put(plan->config);
        if (plan->volumes)
                g_ptr_array_unref(plan->volumes);
        g_free(plan->prefer);
        g_free(plan->probe);
        g_free(plan->image);
        g_free(plan->image_format);
        if (plan->steps)
                g_ptr_array_unref(plan->steps);
        g_free(plan);
}

static json_object *build_config(const HamGuestCreateOpts *o, guint memory, guint vcpus,
                                 const char *device)
{
        json_object *c = json_object_new_object();
        json_object *disks = json_object_new_array();
        json_object *disk = json_object_new_object();

        json_object_object_add(c, "name", json_object_new_string(o->name));
        json_object_object_add(c, "memory", json_object_new_int64(memory));
        json_object_object_add(c, "vcpus", json_object_new_int64(vcpus));
        /* cache none + aio native: every write reaches DRBD before the guest
         * sees it complete (libhv's defaults, spelled out for the reader). */
        json_object_object_add(disk, "path", json_object_new_string(device));
        json_object_object_add(disk, "cache", json_object_new_string("none"));
        json_object_object_add(disk, "aio", json_object_new_string("native"));
        json_object_array_add(disks, disk);
        json_object_object_add(c, "disks", disks);
        if (o->kernel) {
                json_object *boot = json_object_new_object();
                json_object_object_add(boot, "from", json_object_new_string("kernel"));
                json_object_object_add(boot, "kernel", json_object_new_string(o->kernel));
                if (o->initrd)
                        json_object_object_add(boot, "initrd", json_object_new_string(o->initrd));
                if (o->cmdline)
                        json_object_object_add(boot, "cmdline", json_object_new_string(o->cmdline));
                json_object_object_add(c, "boot", boot);
        }
        return c;
}

/* --config: the administrator's definition, with the name and the first
 * disk made plastik's (the DRBD device, cache none + aio native), NULL
 * with an error naming the file otherwise. (transfer full) */
static json_object *config_from_file(const HamGuestCreateOpts *o, GError **error)
{
        const char *path = o->config_path ? o->config_path : "--config";
        g_autoptr(GError) e = NULL;
        g_autoptr(json_object) c = pk_json_parse(o->config, -1, path, &e);
        json_object *v, *disks, *disk;

        if (!c) {
                invalid(error, "%s", e->message);
                return NULL;
        }
        if (!json_object_is_type(c, json_type_object)) {
                invalid(error, "%s: a guest definition is a JSON object (hvctl(1))", path);
                return NULL;
        }
        if (json_object_object_get_ex(c, "name", &v) &&
            (!json_object_is_type(v, json_type_string) || g_strcmp0(json_object_get_string(v), o->name) != 0)) {
                invalid(error, "%s: \"name\" is not %s; use the guest's name there, or leave it out",
                        path, o->name);
                return NULL;
        }
        json_object_object_add(c, "name", json_object_new_string(o->name));
        if (!json_object_object_get_ex(c, "disks", &disks) || !json_object_is_type(disks, json_type_array) ||
            json_object_array_length(disks) < 1 ||
            !json_object_is_type((disk = json_object_array_get_idx(disks, 0)), json_type_object)) {
                invalid(error, "%s: \"disks\" must list at least one disk; the first becomes the guest's "
                        "replicated volume (its path is replaced by the DRBD device)", path);
                return NULL;
        }
        /* hactl creates one replicated volume; a second disk would keep its
         * own path, neither mirrored nor fenced (ham_guest_spec_from_json()
         * refuses such a guest at commit too). */
        if (json_object_array_length(disks) > 1) {
                json_object *p = json_object_object_get(json_object_array_get_idx(disks, 1), "path");
                invalid(error, "%s: \"disks\" lists %zu disks; a guest gets one replicated volume (the "
                        "first disk), and disks[1] (%s) would be neither mirrored nor fenced, so a failover "
                        "would lose it: remove it from the definition",
                        path, json_object_array_length(disks),
                        json_object_is_type(p, json_type_string) ? json_object_get_string(p) : "no path");
                return NULL;
        }
        json_object_object_add(disk, "path", json_object_new_string(DEVICE_PENDING));
        json_object_object_add(disk, "cache", json_object_new_string("none"));
        json_object_object_add(disk, "aio", json_object_new_string("native"));
        return g_steal_pointer(&c);
}

/* libhv's model has the last word on the definition; its message names the field. */
static json_object *validated(json_object *config, GError **error)
{
        g_autoptr(GError) e = NULL;
        g_autoptr(HvGuestDef) def = hv_guest_def_from_json(config, &e);

        if (!def) {
                invalid(error, "the guest definition is not valid: %s", e->message);
                json_object_put(config);
                return NULL;
        }
        json_object_put(config);
        return hv_guest_def_to_json(def);
}

/*
 * With the new guest, either node must still be able to run every guest,
 * as it does when the other fails (ham.h, "Capacity"; hactl verify E303
 * says the same of guests that exist). A node whose memory is not known is
 * not checked.
 */
static gboolean capacity_holds(const HamGuestCreateOpts *o, const HamGuestCreateEnv *env, json_object *config,
                               GError **error)
{
        json_object *m = NULL;
        guint64 memory = json_object_object_get_ex(config, "memory", &m) ? (guint64)json_object_get_int64(m) :
                         HV_DEFAULT_MEMORY_MIB;
        guint64 need = env->guests_mib + memory + HAM_GUEST_OVERHEAD_MIB + HAM_HOST_RESERVE_MIB;
        const char *node[2] = { env->local, env->peer };
        const guint64 have[2] = { env->mem_local_mib, env->mem_peer_mib };

        for (int k = 0; k < 2 && !o->overcommit; k++) {
                if (!have[k] || need <= have[k])
                        continue;
                g_set_error(error, HAM_ERROR, HAM_ERROR_UNSAFE,
                            "refusing to create %s: %s has %" G_GUINT64_FORMAT " MiB of memory, but with it every "
                            "guest on one node, as when %s fails, needs %" G_GUINT64_FORMAT " MiB (%s's %"
                            G_GUINT64_FORMAT " and the others' %" G_GUINT64_FORMAT ", %u MiB of QEMU overhead "
                            "each included, and %u MiB for the host): %" G_GUINT64_FORMAT " MiB short; give it "
                            "less memory, remove a guest, add memory to %s, or accept that %s could not run them "
                            "all with --overcommit", o->name, node[k], have[k], node[1 - k], need, o->name,
                            memory + HAM_GUEST_OVERHEAD_MIB, env->guests_mib, HAM_GUEST_OVERHEAD_MIB,
                            HAM_HOST_RESERVE_MIB, need - have[k], node[k], node[k]);
                return FALSE;
        }
        return TRUE;
}

HamGuestCreatePlan *ham_guest_create_plan(const HamGuestCreateOpts *o,
                                          const HamGuestCreateEnv *env, GError **error)
{
        g_autoptr(HamGuestCreatePlan) plan = NULL;
        g_autoptr(GError) e = NULL;
        guint memory = 0;
        guint64 vcpus = 1, size = 0, prio = HAM_GUEST_PRIORITY_DEFAULT;
        HamVolume *vol;

        if (!o->name || !hv_guest_name_valid(o->name)) {
                invalid(error, "guest name \"%s\" is not valid: a lowercase letter, then up to 31 lowercase "
                        "letters, digits or '-' ([a-z][a-z0-9-]{0,31})", o->name ? o->name : "");
                return NULL;
        }
        if (o->config) {
                const char *given = o->memory ? "--memory" : o->vcpus ? "--vcpus" : o->kernel ? "--kernel" :
                                    o->initrd ? "--initrd" : o->cmdline ? "--cmdline" : NULL;
                if (given) {
                        invalid(error, "%s and --config exclude each other: the definition in %s says it; "
                                "edit the file instead", given, o->config_path ? o->config_path : "--config");
                        return NULL;
                }
        } else {
                if (!o->memory) {
                        invalid(error, "--memory is required, e.g. --memory 512 (MiB) or --memory 1G");
                        return NULL;
                }
                if (!ham_memory_parse(o->memory, &memory, error))
                        return NULL;
                if (o->vcpus && !g_ascii_string_to_unsigned(o->vcpus, 10, 1, 255, &vcpus, NULL)) {
                        invalid(error, "--vcpus: \"%s\" is not a number of virtual CPUs between 1 and 255",
                                o->vcpus);
                        return NULL;
                }
        }
        if (!o->disk) {
                invalid(error, "--disk is required: the size of the guest's replicated disk, e.g. --disk 10G");
                return NULL;
        }
        if (!dg_size_parse(o->disk, "--disk", &size, &e)) {
                invalid(error, "%s", e->message);
                return NULL;
        }
        if (size < DG_VOLUME_SIZE_MIN) {
                invalid(error, "--disk: %s is too small; a guest disk has at least 4 MiB (DRBD's "
                        "metadata would fill a smaller one)", o->disk);
                return NULL;
        }
        if (!o->image && !o->kernel && !o->config) {
                invalid(error, "give --image FILE (a disk image to boot from), --kernel FILE "
                        "(with --initrd and --cmdline as needed) or --config FILE (a whole definition)");
                return NULL;
        }
        if (!o->kernel && (o->initrd || o->cmdline)) {
                invalid(error, "--%s needs --kernel", o->initrd ? "initrd" : "cmdline");
                return NULL;
        }
        if (o->prefer && g_strcmp0(o->prefer, env->local) != 0 && g_strcmp0(o->prefer, env->peer) != 0) {
                invalid(error, "--prefer: the cluster has no node %s (its nodes are %s and %s)",
                        o->prefer, env->local, env->peer);
                return NULL;
        }
        if (o->priority && (!g_ascii_string_to_unsigned(o->priority, 10, 0, HAM_GUEST_PRIORITY_MAX,
                                                        &prio, NULL))) {
                invalid(error, "--priority %s: must be an integer 0..%d (the node running the guests "
                        "with the higher total wins the fence race after a split; 0 takes no part)",
                        o->priority, HAM_GUEST_PRIORITY_MAX);
                return NULL;
        }
        if (o->probe && !ham_probe_target_parse(o->probe, NULL, NULL, &e)) {
                invalid(error, "--probe: %s", e->message);
                return NULL;
        }
        for (const char *const *g = env->guests; g && *g; g++)
                if (g_str_equal(*g, o->name)) {
                        g_set_error(error, HAM_ERROR, HAM_ERROR_CONFLICT,
                                    "guest %s exists already; choose another name, or remove it first "
                                    "with hactl guest remove %s", o->name, o->name);
                        return NULL;
                }
        if (o->image) {
                if (env->image_size < 0) {
                        g_set_error(error, HAM_ERROR, env->image_refused ? HAM_ERROR_INVALID : HAM_ERROR_NOT_FOUND,
                                    "--image %s: %s", o->image,
                                    env->image_error ? env->image_error : "cannot be read");
                        return NULL;
                }
                if ((guint64)env->image_size > size) {
                        g_autofree char *have = dg_size_format((guint64)env->image_size);
                        g_autofree char *want = dg_size_format(size);
                        invalid(error, "--image %s needs %s, more than the disk of %s; give --disk %"
                                G_GUINT64_FORMAT "M or more", o->image, have, want,
                                ((guint64)env->image_size + MIB - 1) / MIB);
                        return NULL;
                }
        }
        if (env->fencing_problem && !o->without_fencing) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_UNSAFE,
                            "refusing to create a guest while fencing is not set up (%s): without fencing "
                            "a split cluster may run the guest on both nodes and corrupt its disk; configure "
                            "a fence device (see hactl(8), FENCING), or accept the risk with --without-fencing",
                            env->fencing_problem);
                return NULL;
        }

        plan = g_new0(HamGuestCreatePlan, 1);
        plan->name = g_strdup(o->name);
        json_object *config = o->config ? config_from_file(o, error) :
                              build_config(o, memory, (guint)vcpus, DEVICE_PENDING);
        if (!config)
                return NULL;
        plan->config = validated(config, error);
        if (!plan->config || !capacity_holds(o, env, plan->config, error))
                return NULL;
        plan->volumes = g_ptr_array_new_with_free_func((GDestroyNotify)ham_volume_free);
        vol = g_new0(HamVolume, 1);
        vol->guest = g_strdup(o->name);
        vol->volume = g_strdup(HAM_GUEST_ROOT_VOLUME);
        vol->size = size;
        g_ptr_array_add(plan->volumes, vol);
        plan->prefer = g_strdup(o->prefer);
        plan->priority = (guint)prio;
        plan->probe = g_strdup(o->probe);
        plan->image = g_strdup(o->image);
        plan->image_format = o->image ? g_strdup(env->image_format ? env->image_format : "raw") : NULL;
        plan->kernel_boot = o->kernel != NULL;
        plan->without_fencing = env->fencing_problem && o->without_fencing;
        plan->no_wait_sync = o->no_wait_sync;
        plan->steps = ham_guest_create_steps(plan);
        return g_steal_pointer(&plan);
}

json_object *ham_guest_create_config(const HamGuestCreatePlan *plan, const char *device,
                                     GError **error)
{
        json_object *copy = NULL, *disks, *disk;

        if (json_object_deep_copy(plan->config, &copy, NULL) != 0) {
                g_set_error(error, HAM_ERROR, HAM_ERROR_FAILED, "out of memory copying the guest definition");
                return NULL;
        }
        if (json_object_object_get_ex(copy, "disks", &disks) && json_object_array_length(disks) > 0) {
                disk = json_object_array_get_idx(disks, 0);
                json_object_object_add(disk, "path", json_object_new_string(device));
        }
        return validated(copy, error);
}

const char *ham_guest_image_format(const guint8 *head, gsize len)
{
        static const guint8 qcow2[] = { 'Q', 'F', 'I', 0xfb };

        return len >= sizeof(qcow2) && memcmp(head, qcow2, sizeof(qcow2)) == 0 ? "qcow2" : "raw";
}

gboolean ham_guest_image_judge(const char *image, const char *format, const char *info_json,
                               gint64 *ret_size, GError **error)
{
        g_autoptr(json_object) info = pk_json_parse(info_json, -1, "qemu-img info", NULL);
        json_object *v, *spec, *data;

        if (!info || !json_object_is_type(info, json_type_object) ||
            !json_object_object_get_ex(info, "virtual-size", &v) || !json_object_is_type(v, json_type_int) ||
            json_object_get_int64(v) < 0) {
                invalid(error, "qemu-img info -f %s did not report a virtual size; is it a %s image?",
                        format, format);
                return FALSE;
        }
        if (json_object_object_get_ex(info, "backing-filename", NULL) ||
            json_object_object_get_ex(info, "full-backing-filename", NULL)) {
                json_object *b = json_object_object_get(info, "backing-filename");
                invalid(error, "it has a backing file (%s): its data would be read from that file, "
                        "which may be anything on this host; make a self-contained copy first "
                        "(qemu-img convert -O qcow2 %s flat.qcow2) and give that",
                        b ? json_object_get_string(b) : "?", image);
                return FALSE;
        }
        spec = json_object_object_get(info, "format-specific");
        data = spec ? json_object_object_get(spec, "data") : NULL;
        if (data && json_object_object_get_ex(data, "data-file", NULL)) {
                invalid(error, "it keeps its data in an external file (%s), which may be anything on "
                        "this host; make a self-contained copy first (qemu-img convert -O qcow2 %s flat.qcow2)",
                        json_object_get_string(json_object_object_get(data, "data-file")), image);
                return FALSE;
        }
        *ret_size = json_object_get_int64(v);
        return TRUE;
}

/* ---- fencing ------------------------------------------------------------------------ */

static xmlNode *configuration_of(xmlNode *root)
{
        return ham_xml_is(root, "cib") ? ham_xml_child(root, "configuration") : root;
}

gboolean ham_cib_fencing_problem(const char *xml, gsize len, char **ret_problem, GError **error)
{
        g_autoptr(xmlDoc) doc = ham_xml_parse(xml, len, "the CIB", error);

        if (!doc)
                return FALSE;
        switch (ham_cib_fencing(configuration_of(xmlDocGetRootElement(doc)), NULL)) {
        case HAM_FENCING_DISABLED:
                *ret_problem = g_strdup("the cluster property stonith-enabled is false");
                break;
        case HAM_FENCING_NO_DEVICE:
                *ret_problem = g_strdup("no fence device is configured: the CIB has no primitive of class stonith");
                break;
        case HAM_FENCING_ALL_STOPPED:
                *ret_problem = g_strdup("every fence device is stopped (target-role Stopped): "
                                        "Pacemaker runs none of them");
                break;
        case HAM_FENCING_USABLE:
        case HAM_FENCING_NOT_COVERED: /* not asked for a node */
                *ret_problem = NULL;
                break;
        }
        return TRUE;
}

/* ---- guests read back --------------------------------------------------------------- */

void ham_guest_info_free(HamGuestInfo *g)
{
        if (!g)
                return;
        g_free(g->name);
        if (g->config)
                json_object_put(g->config);
        g_free(g->target_role);
        g_free(g->prefer);
        g_free(g->move_to);
        if (g->volumes)
                g_ptr_array_unref(g->volumes);
        if (g->constraints)
                g_ptr_array_unref(g->constraints);
        g_free(g->node);
        g_free(g->state);
        if (g->volume_roles)
                g_ptr_array_unref(g->volume_roles);
        g_free(g->health);
        g_free(g);
}

char *ham_cib_move_id(const char *guest)
{
        return g_strdup_printf("cli-prefer-guest-%s", guest);
}

static HamGuestInfo *guest_from_primitive(xmlNode *prim)
{
        g_autofree char *id = ham_xml_prop(prim, "id");
        g_autofree char *type = ham_xml_prop(prim, "type");
        g_autofree char *provider = ham_xml_prop(prim, "provider");
        g_autofree char *config = NULL, *prio = NULL;
        HamGuestInfo *g;
        guint64 p = 0;

        if (!id || !g_str_has_prefix(id, "guest-") || g_strcmp0(type, "guest") != 0 ||
            g_strcmp0(provider, "plastik") != 0)
                return NULL;
        g = g_new0(HamGuestInfo, 1);
        g->name = g_strdup(id + strlen("guest-"));
        config = ham_xml_set_value(prim, "instance_attributes", "config");
        if (config)
                g->config = pk_json_parse(config, -1, "config", NULL);
        prio = ham_xml_set_value(prim, "meta_attributes", "priority");
        if (prio && g_ascii_string_to_unsigned(prio, 10, 0, G_MAXUINT, &p, NULL))
                g->priority = (guint)p;
        g->target_role = ham_xml_set_value(prim, "meta_attributes", "target-role");
        g->volumes = g_ptr_array_new_with_free_func((GDestroyNotify)ham_volume_free);
        g->constraints = g_ptr_array_new_with_free_func(g_free);
        g->volume_roles = g_ptr_array_new_with_free_func(g_free);
        return g;
}

HamGuestInfo *ham_guest_info_find(GPtrArray *guests, const char *name)
{
        for (guint i = 0; i < guests->len; i++) {
                HamGuestInfo *g = guests->pdata[i];
                if (g_str_equal(g->name, name))
                        return g;
        }
        return NULL;
}

static int info_cmp(gconstpointer a, gconstpointer b)
{
        const HamGuestInfo *x = *(HamGuestInfo *const *)a, *y = *(HamGuestInfo *const *)b;
        return strcmp(x->name, y->name);
}

/* Does constraint @c name a resource of guest @g? */
static gboolean constraint_of(xmlNode *c, const HamGuestInfo *g)
{
        static const char *const refs[] = { "rsc", "with-rsc", "first", "then", NULL };
        g_autofree char *gid = ham_cib_guest_id(g->name);

        for (const char *const *a = refs; *a; a++) {
                g_autofree char *v = ham_xml_prop(c, *a);
                if (!v)
                        continue;
                if (g_str_equal(v, gid))
                        return TRUE;
                for (guint i = 0; i < g->volumes->len; i++) {
                        const HamVolume *vol = g->volumes->pdata[i];
                        g_autofree char *did = ham_cib_drbd_id(vol->guest, vol->volume);
                        g_autofree char *cid = g_strdup_printf("%s-clone", did);
                        if (g_str_equal(v, did) || g_str_equal(v, cid))
                                return TRUE;
                }
        }
        return FALSE;
}

static void add_status(HamGuestInfo *g, const HamMonStatus *mon)
{
        g_autofree char *gid = ham_cib_guest_id(g->name);

        if (!mon || !mon->connected) {
                g->state = g_strdup("unknown");
                return;
        }
        for (guint i = 0; i < mon->resources->len; i++) {
                const HamMonResource *r = mon->resources->pdata[i];
                if (g_strcmp0(r->id, gid) == 0) {
                        if (r->active && r->node && !g->node)
                                g->node = g_strdup(r->node);
                        if (r->failed)
                                g->state = g_strdup("failed");
                        else if (!r->managed)
                                g->state = g_strdup("unmanaged");
                } else if (r->node) {
                        for (guint v = 0; v < g->volumes->len; v++) {
                                const HamVolume *vol = g->volumes->pdata[v];
                                g_autofree char *did = ham_cib_drbd_id(vol->guest, vol->volume);
                                if (g_strcmp0(r->id, did) == 0 || (r->id && g_str_has_prefix(r->id, did) &&
                                                                     r->id[strlen(did)] == ':'))
                                        g_ptr_array_add(g->volume_roles,
                                                        g_strdup_printf("%s:%s:%s", vol->volume, r->node,
                                                                        r->role ? r->role : "?"));
                        }
                }
        }
        if (!g->state)
                /* crm_mon may leave out resources that are not active. */
                g->state = g_strdup(g->node ? "running" : "stopped");
}

static void add_health(HamGuestInfo *g, xmlNode *status)
{
        g_autofree char *attr = ham_health_attr_guest(g->name);

        if (!g->node)
                return;
        for (xmlNode *ns = status ? status->children : NULL; ns; ns = ns->next) {
                g_autofree char *uname = ham_xml_prop(ns, "uname");
                xmlNode *ta;
                if (!ham_xml_is(ns, "node_state") || g_strcmp0(uname, g->node) != 0)
                        continue;
                ta = ham_xml_child(ns, "transient_attributes");
                if (ta && !g->health)
                        g->health = ham_xml_set_value(ta, "instance_attributes", attr);
        }
}

GPtrArray *ham_guests_collect(const char *cib_xml, gsize len, const HamMonStatus *mon, GError **error)
{
        g_autoptr(xmlDoc) doc = ham_xml_parse(cib_xml, len, "the CIB", error);
        g_autoptr(GPtrArray) out = NULL, vols = NULL;
        xmlNode *root, *conf, *res, *cons;

        if (!doc)
                return NULL;
        vols = ham_cib_volumes_parse(cib_xml, len, error);
        if (!vols)
                return NULL;
        root = xmlDocGetRootElement(doc);
        conf = configuration_of(root);
        res = ham_xml_child(conf, "resources");
        cons = ham_xml_child(conf, "constraints");
        out = g_ptr_array_new_with_free_func((GDestroyNotify)ham_guest_info_free);
        for (xmlNode *r = res ? res->children : NULL; r; r = r->next) {
                HamGuestInfo *g = ham_xml_is(r, "primitive") ? guest_from_primitive(r) : NULL;
                if (g)
                        g_ptr_array_add(out, g);
        }
        /* Volumes whose guest primitive is gone still show, under their guest:
         * a half-removed guest must be visible to be cleaned up. */
        for (guint i = 0; i < vols->len; i++) {
                HamVolume *v = vols->pdata[i];
                HamGuestInfo *g = ham_guest_info_find(out, v->guest);
                if (!g) {
                        g = g_new0(HamGuestInfo, 1);
                        g->name = g_strdup(v->guest);
                        g->volumes = g_ptr_array_new_with_free_func((GDestroyNotify)ham_volume_free);
                        g->constraints = g_ptr_array_new_with_free_func(g_free);
                        g->volume_roles = g_ptr_array_new_with_free_func(g_free);
                        g_ptr_array_add(out, g);
                }
                g_ptr_array_add(g->volumes, g_steal_pointer(&vols->pdata[i]));
        }
        for (guint i = 0; i < out->len; i++) {
                HamGuestInfo *g = out->pdata[i];
                g_autofree char *prefer_id = g_strdup_printf("location-guest-%s-prefer", g->name);
                g_autofree char *move_id = ham_cib_move_id(g->name);
                for (xmlNode *c = cons ? cons->children : NULL; c; c = c->next) {
                        g_autofree char *id = NULL;
                        if (c->type != XML_ELEMENT_NODE || !constraint_of(c, g))
                                continue;
                        id = ham_xml_prop(c, "id");
                        if (g_strcmp0(id, prefer_id) == 0)
                                g->prefer = ham_xml_prop(c, "node");
                        else if (g_strcmp0(id, move_id) == 0)
                                g->move_to = ham_xml_prop(c, "node");
                        g_ptr_array_add(g->constraints, g_steal_pointer(&id));
                }
                add_status(g, mon);
                add_health(g, ham_xml_child(root, "status"));
        }
        g_ptr_array_sort(out, info_cmp);
        return g_steal_pointer(&out);
}

json_object *ham_guest_info_to_json(const HamGuestInfo *g)
{
        json_object *o = json_object_new_object();
        json_object *vols = json_object_new_array();
        json_object *cons = json_object_new_array();
        json_object *roles = json_object_new_array();

        json_object_object_add(o, "name", json_object_new_string(g->name));
        json_object_object_add(o, "node", pk_json_string_or_null(g->node));
        json_object_object_add(o, "state", json_object_new_string(g->state ? g->state : "unknown"));
        json_object_object_add(o, "health", pk_json_string_or_null(g->health));
        json_object_object_add(o, "target_role", pk_json_string_or_null(g->target_role));
        json_object_object_add(o, "prefer", pk_json_string_or_null(g->prefer));
        json_object_object_add(o, "moving_to", pk_json_string_or_null(g->move_to));
        json_object_object_add(o, "priority", json_object_new_int64(g->priority));
        json_object_object_add(o, "config", g->config ? json_object_get(g->config) : NULL);
        for (guint i = 0; i < g->volumes->len; i++) {
                const HamVolume *v = g->volumes->pdata[i];
                json_object *j = json_object_new_object();
                g_autofree char *res = g_strdup_printf("pk-%s-%s", v->guest, v->volume);
                g_autofree char *dev = g_strdup_printf("/dev/drbd%u", v->minor);

                json_object_object_add(j, "volume", json_object_new_string(v->volume));
                json_object_object_add(j, "size", json_object_new_int64((gint64)v->size));
                json_object_object_add(j, "minor", json_object_new_int64(v->minor));
                json_object_object_add(j, "port", json_object_new_int64(v->port));
                json_object_object_add(j, "resource", json_object_new_string(res));
                json_object_object_add(j, "device", json_object_new_string(dev));
                json_object_array_add(vols, j);
        }
        json_object_object_add(o, "volumes", vols);
        for (guint i = 0; i < g->volume_roles->len; i++)
                json_object_array_add(roles, json_object_new_string(g->volume_roles->pdata[i]));
        json_object_object_add(o, "volume_roles", roles);
        for (guint i = 0; i < g->constraints->len; i++)
                json_object_array_add(cons, json_object_new_string(g->constraints->pdata[i]));
        json_object_object_add(o, "constraints", cons);
        return o;
}
