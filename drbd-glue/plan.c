/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lifecycle: pure planners (site + definition + facts in, plan out) and
 * the executor. Planning apart from doing lets --dry-run print exactly what
 * would run and lets the golden tests pin every decision down, as
 * Pacemaker's scheduler regression cases do.
 *
 * Every step carries the exact command: drbdadm's argv, or for LVM steps
 * "lvm SUBCOMMAND ..." — the line handed to liblvm2cmd's lvm2_run(), which
 * an administrator can paste as it is.
 */
#include "dg.h"
#include "dg-volume-internal.h"
#include "pk.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_RES_DIR "/etc/drbd.d"

struct DgPlan {
        GPtrArray *steps; /* DgStep* */
};

static void step_free(gpointer p)
{
        DgStep *step = p;
        g_free(step->summary);
        g_strfreev(step->argv);
        g_free(step);
}

static DgPlan *plan_new(void)
{
        DgPlan *plan = g_new0(DgPlan, 1);
        plan->steps = g_ptr_array_new_with_free_func(step_free);
        return plan;
}

void dg_plan_free(DgPlan *plan)
{
        if (!plan)
                return;
        g_ptr_array_unref(plan->steps);
        g_free(plan);
}

guint dg_plan_length(const DgPlan *plan)
{
        return plan->steps->len;
}

const DgStep *dg_plan_step(const DgPlan *plan, guint index)
{
        g_return_val_if_fail(index < plan->steps->len, NULL);
        return g_ptr_array_index(plan->steps, index);
}

const char *dg_step_kind_name(DgStepKind kind)
{
        static const char *const names[] = {
                "create-lv", "grow-lv", "write-res", "create-md", "up", "adjust", "resize",
                "primary", "primary-force", "secondary", "down", "wipe-md", "remove-res", "remove-lv",
                "snapshot-lv", "connect", "connect-discard",
        };
        G_STATIC_ASSERT(G_N_ELEMENTS(names) == DG_STEP_CONNECT_DISCARD + 1);
        return (guint)kind < G_N_ELEMENTS(names) ? names[kind] : "?";
}

static void add_step(DgPlan *plan, DgStepKind kind, char **argv, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void add_step(DgPlan *plan, DgStepKind kind, char **argv, const char *fmt, ...)
{
        DgStep *step = g_new0(DgStep, 1);
        va_list ap;

        va_start(ap, fmt);
        step->kind = kind;
        step->summary = g_strdup_vprintf(fmt, ap);
        step->argv = argv;
        va_end(ap);
        g_ptr_array_add(plan->steps, step);
}

/* Appends a copy of each string of @ap up to its NULL to @argv. */
static void append_args(GPtrArray *argv, va_list ap)
{
        const char *a;

        while ((a = va_arg(ap, const char *)))
                g_ptr_array_add(argv, g_strdup(a));
}

/* drbdadm reads /etc/drbd.conf, which includes the .res files in /etc/drbd.d; a site
 * with its resource files elsewhere names the file on every call. */
static char **drbdadm(const DgSite *site, const DgVolumeDef *def, const char *res, ...) G_GNUC_NULL_TERMINATED;
static char **drbdadm(const DgSite *site, const DgVolumeDef *def, const char *res, ...)
{
        GPtrArray *argv = g_ptr_array_new();
        va_list ap;

        g_ptr_array_add(argv, g_strdup("drbdadm"));
        if (!g_str_equal(site->res_dir, DEFAULT_RES_DIR)) {
                g_ptr_array_add(argv, g_strdup("-c"));
                g_ptr_array_add(argv, dg_res_path(site, def));
        }
        va_start(ap, res);
        append_args(argv, ap);
        va_end(ap);
        g_ptr_array_add(argv, g_strdup(res));
        g_ptr_array_add(argv, NULL);
        return (char **)g_ptr_array_free(argv, FALSE);
}

static char **lvm(const char *first, ...) G_GNUC_NULL_TERMINATED;
static char **lvm(const char *first, ...)
{
        GPtrArray *argv = g_ptr_array_new();
        va_list ap;

        g_ptr_array_add(argv, g_strdup("lvm"));
        g_ptr_array_add(argv, g_strdup(first));
        va_start(ap, first);
        append_args(argv, ap);
        va_end(ap);
        g_ptr_array_add(argv, NULL);
        return (char **)g_ptr_array_free(argv, FALSE);
}

static gboolean refuse(GError **error, int code, const char *res, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static gboolean refuse(GError **error, int code, const char *res, const char *fmt, ...)
{
        va_list ap;
        g_autofree char *why = NULL;

        va_start(ap, fmt);
        why = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_set_error(error, DG_ERROR, code, "%s: %s", res, why);
        return FALSE;
}

/* Common start of every planner: a valid site and definition. */
static char *begin(const DgSite *site, const DgVolumeDef *def, GError **error)
{
        if (!dg_site_validate(site, error) || !dg_volume_def_validate(def, error))
                return NULL;
        return dg_resource_name(def->guest, def->volume, error);
}

static const char *disk_words(DgDiskState disk)
{
        switch (disk) {
        case DG_DISK_UNKNOWN: return "not reported by DRBD";
        case DG_DISK_DISKLESS: return "Diskless (no backing LV attached)";
        case DG_DISK_OUTDATED: return "Outdated (it missed writes the peer has)";
        case DG_DISK_INCONSISTENT: return "Inconsistent (a sync to this node has not finished)";
        case DG_DISK_CONSISTENT: return "Consistent (whether the peer has newer data is unknown)";
        case DG_DISK_FAILED: return "Failed (I/O errors)";
        default: return dg_disk_name(disk);
        }
}

DgPlan *dg_plan_ensure(const DgSite *site, const DgVolumeDef *def, const DgFacts *facts, GError **error)
{
        g_autofree char *res = begin(site, def, error);
        g_autoptr(DgPlan) plan = NULL;
        const DgNode *local;
        g_autofree char *lv_path = NULL, *res_path = NULL, *size_text = NULL;
        guint64 want;
        gboolean up = facts->up, written = FALSE;

        if (!res)
                return NULL;
        if (facts->vg_extent == 0) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "%s: the volume group's extent size is 0", res);
                return NULL;
        }
        plan = plan_new();
        local = dg_site_local(site);
        want = dg_lv_size_for(def->size, facts->vg_extent);
        lv_path = g_strdup_printf("%s/%s", local->vg, res);
        res_path = dg_res_path(site, def);
        size_text = dg_size_format(want);

        if (facts->up && !facts->lv_exists) {
                refuse(error, DG_ERROR_FAILED, res,
                       "DRBD has the resource up but its LV %s is missing; inspect it by hand "
                       "(`drbdadm down %s` detaches it)", lv_path, res);
                return NULL;
        }
        if (facts->lv_exists && facts->lv_size > want) {
                g_autofree char *have = dg_size_format(facts->lv_size);
                refuse(error, DG_ERROR_UNSAFE, res,
                       "LV %s is %s, more than the %s this size needs; volumes are never shrunk "
                       "(it would cut off data and DRBD's metadata)", lv_path, have, size_text);
                return NULL;
        }
        if (facts->lv_exists && facts->lv_size < want && !facts->up && facts->md_exists) {
                refuse(error, DG_ERROR_UNSAFE, res,
                       "growing needs the resource up: DRBD's metadata sits at the end of the LV, and "
                       "growing it while down would lose the metadata; bring it up first at its current size");
                return NULL;
        }
        if (!facts->lv_exists) {
                g_autofree char *bytes = g_strdup_printf("%" G_GUINT64_FORMAT "b", want);
                if (want > facts->vg_free) {
                        g_autofree char *msg = dg_lv_no_space_message(local->vg, facts->vg_free, want);
                        g_set_error(error, DG_ERROR, DG_ERROR_NO_SPACE, "%s", msg);
                        return NULL;
                }
                add_step(plan, DG_STEP_CREATE_LV,
                         lvm("lvcreate", "--yes", "--activate", "y", "-n", res, "-L", bytes, local->vg, NULL),
                         "create LV %s (%s)", lv_path, size_text);
        }
        if (!facts->res_exists || !facts->res_current) {
                add_step(plan, DG_STEP_WRITE_RES, NULL, "%s %s", facts->res_exists ? "rewrite" : "write", res_path);
                written = TRUE;
        }
        /* Internal metadata lives past def->size at the LV's end, so
         * creating it never touches the data area; it is created only
         * where none is found, never over existing metadata. */
        if (!facts->md_exists && !facts->up)
                add_step(plan, DG_STEP_CREATE_MD, drbdadm(site, def, res, "--", "--force", "create-md", NULL),
                         "create DRBD metadata on %s", lv_path);
        if (!up) {
                add_step(plan, DG_STEP_UP, drbdadm(site, def, res, "up", NULL), "bring %s up", res);
        } else if (written) {
                add_step(plan, DG_STEP_ADJUST, drbdadm(site, def, res, "adjust", NULL),
                         "apply the new configuration to %s", res);
        }
        if (facts->lv_exists && facts->lv_size < want) {
                g_autofree char *bytes = g_strdup_printf("%" G_GUINT64_FORMAT "b", want);
                g_autofree char *have = dg_size_format(facts->lv_size);
                if (want - facts->lv_size > facts->vg_free) {
                        g_autofree char *msg = dg_lv_no_space_message(local->vg, facts->vg_free,
                                                                      want - facts->lv_size);
                        g_set_error(error, DG_ERROR, DG_ERROR_NO_SPACE, "%s more to grow %s to %s", msg, lv_path,
                                    size_text);
                        return NULL;
                }
                add_step(plan, DG_STEP_GROW_LV, lvm("lvextend", "-L", bytes, lv_path, NULL),
                         "grow LV %s from %s to %s", lv_path, have, size_text);
                /* DRBD takes the smaller of both nodes' sizes: the device
                 * grows once both LVs have grown and resize ran on either. */
                add_step(plan, DG_STEP_RESIZE, drbdadm(site, def, res, "resize", NULL),
                         "let DRBD use the grown LV (effective once the peer's LV has grown too)");
        } else if (facts->up && facts->dev_size && facts->dev_size < def->size &&
                   facts->lv_exists && facts->lv_size == want) {
                /* The LV grew earlier but DRBD did not follow (the peer's
                 * LV was smaller then, or the resize failed). */
                g_autofree char *dev = dg_size_format(facts->dev_size);
                add_step(plan, DG_STEP_RESIZE, drbdadm(site, def, res, "resize", NULL),
                         "let DRBD use the grown LV (the device has %s; effective once the peer's LV has grown too)",
                         dev);
        }
        return g_steal_pointer(&plan);
}

/*
 * The initial sync: a new volume's two LVs hold whatever their extents held
 * before (thick LVs are not zeroed), so both start Inconsistent and DRBD
 * must not call them equal. Proving them equal would mean reading or
 * zeroing both whole LVs; a full sync from the node that will be primary
 * costs the same, runs in the background and the primary is usable at once
 * as the SyncSource. So --force promotes only that case: connected, both
 * disks Inconsistent. Anything else would declare stale data current.
 */
DgPlan *dg_plan_promote(const DgSite *site, const DgVolumeDef *def, const DgFacts *facts,
                        gboolean force, GError **error)
{
        g_autofree char *res = begin(site, def, error);
        g_autoptr(DgPlan) plan = NULL;

        if (!res)
                return NULL;
        if (!facts->up) {
                refuse(error, DG_ERROR_NOT_FOUND, res, "is not up on this node; create it first (dgctl volume create)");
                return NULL;
        }
        plan = plan_new();
        if (facts->role == DG_ROLE_PRIMARY)
                return g_steal_pointer(&plan);
        if (facts->disk == DG_DISK_UPTODATE) {
                add_step(plan, DG_STEP_PRIMARY, drbdadm(site, def, res, "primary", NULL), "promote %s", res);
                return g_steal_pointer(&plan);
        }
        if (!force) {
                refuse(error, DG_ERROR_UNSAFE, res,
                       "refusing to promote: the local disk is %s; promote the node whose disk is UpToDate%s",
                       disk_words(facts->disk),
                       facts->disk == DG_DISK_INCONSISTENT && facts->peer_disk == DG_DISK_INCONSISTENT
                               ? " (a new volume: start its initial sync with --force on the node that is to be primary)"
                               : "");
                return NULL;
        }
        if (facts->disk != DG_DISK_INCONSISTENT || facts->peer_disk != DG_DISK_INCONSISTENT ||
            facts->conn != DG_CONN_CONNECTED) {
                refuse(error, DG_ERROR_UNSAFE, res,
                       "refusing to force: --force only starts a new volume's initial sync, which needs the "
                       "peer connected and both disks Inconsistent (here: local disk %s, peer disk %s, "
                       "connection %s)",
                       dg_disk_name(facts->disk), dg_disk_name(facts->peer_disk), dg_conn_name(facts->conn));
                return NULL;
        }
        add_step(plan, DG_STEP_PRIMARY_FORCE, drbdadm(site, def, res, "primary", "--force", NULL),
                 "promote %s and fully sync the peer from here (initial sync)", res);
        return g_steal_pointer(&plan);
}

DgPlan *dg_plan_demote(const DgSite *site, const DgVolumeDef *def, const DgFacts *facts, GError **error)
{
        g_autofree char *res = begin(site, def, error);
        g_autoptr(DgPlan) plan = NULL;

        if (!res)
                return NULL;
        plan = plan_new();
        if (facts->up && facts->role == DG_ROLE_PRIMARY)
                add_step(plan, DG_STEP_SECONDARY, drbdadm(site, def, res, "secondary", NULL), "demote %s", res);
        return g_steal_pointer(&plan);
}

/*
 * The start of the plans that take a resource down (down, remove): refused
 * while it is Primary, as "refusing to @what; demote it first"; else a plan
 * that takes it down first when it is up.
 */
static DgPlan *plan_down_first(const DgSite *site, const DgVolumeDef *def, const DgFacts *facts, const char *res,
                               const char *what, GError **error)
{
        DgPlan *plan;

        if (facts->up && facts->role == DG_ROLE_PRIMARY) {
                refuse(error, DG_ERROR_UNSAFE, res, "refusing to %s; demote it first", what);
                return NULL;
        }
        plan = plan_new();
        if (facts->up)
                add_step(plan, DG_STEP_DOWN, drbdadm(site, def, res, "down", NULL), "take %s down", res);
        return plan;
}

DgPlan *dg_plan_down(const DgSite *site, const DgVolumeDef *def, const DgFacts *facts, GError **error)
{
        g_autofree char *res = begin(site, def, error);

        if (!res)
                return NULL;
        return plan_down_first(site, def, facts, res, "take it down while Primary (a guest may be using it)", error);
}

DgPlan *dg_plan_remove(const DgSite *site, const DgVolumeDef *def, const DgFacts *facts, GError **error)
{
        g_autofree char *res = begin(site, def, error);
        g_autoptr(DgPlan) plan = NULL;
        g_autofree char *lv_path = NULL, *res_path = NULL;

        if (!res || !(plan = plan_down_first(site, def, facts, res, "remove it while Primary", error)))
                return NULL;
        lv_path = g_strdup_printf("%s/%s", dg_site_local(site)->vg, res);
        res_path = dg_res_path(site, def);
        /* Wiped rather than left: a later LV on the same extents would
         * otherwise find this volume's metadata and its generation UUIDs.
         * drbdmeta works on the LV itself, with or without a .res file. */
        if (facts->md_exists && facts->lv_exists) {
                g_autofree char *minor = g_strdup_printf("%u", def->minor);
                g_autofree char *dev = dg_lv_path(dg_site_local(site), res);
                char *argv[] = { "drbdmeta", "--force", minor, "v08", dev, "internal", "wipe-md", NULL };
                add_step(plan, DG_STEP_WIPE_MD, g_strdupv(argv), "wipe DRBD metadata on %s", lv_path);
        }
        if (facts->res_exists)
                add_step(plan, DG_STEP_REMOVE_RES, NULL, "remove %s", res_path);
        if (facts->lv_exists)
                add_step(plan, DG_STEP_REMOVE_LV, lvm("lvremove", "-f", lv_path, NULL), "remove LV %s", lv_path);
        return g_steal_pointer(&plan);
}

/* An LV name LVM accepts that is not one of plastik's own (pk-*: hamgrd
 * activates and manages those). */
static gboolean snapshot_name_valid(const char *name)
{
        /* 100: room for the VG's name in the device-mapper name. */
        return dg_lv_name_valid(name) && strlen(name) <= 100 && !g_str_has_prefix(name, "pk-");
}

char *dg_snapshot_name(const char *prefix, const char *resource, gint64 when_ms)
{
        g_autoptr(GDateTime) t = g_date_time_new_from_unix_local(when_ms / 1000);
        g_autofree char *stamp = t ? g_date_time_format(t, "%Y%m%d-%H%M%S") : g_strdup("0");
        return g_strdup_printf("%s-%s-%s", prefix, resource, stamp);
}

/* The snapshot step shared by the planners that give data up; FALSE (and
 * @error) when the name is bad or the VG cannot hold a full copy. */
static gboolean add_snapshot(DgPlan *plan, const DgSite *site, const DgFacts *facts, const char *res,
                             const char *snapshot, GError **error)
{
        const char *vg = dg_site_local(site)->vg;
        g_autofree char *lv_path = g_strdup_printf("%s/%s", vg, res);
        g_autofree char *size = dg_size_format(facts->lv_size);

        if (!snapshot_name_valid(snapshot)) {
                g_set_error(error, DG_ERROR, DG_ERROR_INVALID, "%s: \"%s\" is not a valid name for the snapshot LV "
                            "(letters, digits, '+_.-', at most 100, not starting with '-' or with \"pk-\", which "
                            "names plastik's volumes)", res, snapshot ? snapshot : "");
                return FALSE;
        }
        if (facts->lv_size > facts->vg_free) {
                g_autofree char *msg = dg_lv_no_space_message(vg, facts->vg_free, facts->lv_size);
                g_set_error(error, DG_ERROR, DG_ERROR_NO_SPACE,
                            "%s: a snapshot of %s (%s), kept before the copy changes, needs as much free space: %s",
                            res, lv_path, size, msg);
                return FALSE;
        }
        add_step(plan, DG_STEP_SNAPSHOT_LV,
                 lvm("lvcreate", "--yes", "--snapshot", "--name", snapshot, "--extents", "100%ORIGIN", lv_path, NULL),
                 "keep this node's copy in snapshot %s/%s (%s)", vg, snapshot, size);
        return TRUE;
}

/*
 * The start of the plans for a resource that lost its peer (split brain,
 * force current): refused unless it is up here and not connected (then
 * @connected is the reason); else an empty plan.
 */
static DgPlan *plan_disconnected(const DgFacts *facts, const char *res, const char *connected, GError **error)
{
        if (!facts->up) {
                refuse(error, DG_ERROR_NOT_FOUND, res, "is not up on this node; bring it up first (dgctl volume create)");
                return NULL;
        }
        if (facts->conn == DG_CONN_CONNECTED) {
                refuse(error, DG_ERROR_FAILED, res, "%s", connected);
                return NULL;
        }
        return plan_new();
}

/*
 * Split brain: both copies took writes the other lacks, so whichever is
 * kept, the other's are lost to DRBD. The discarded side's state is kept
 * in an LVM snapshot first (its writes may matter: a database's last
 * hour), the same reason drbdadm's own documentation gives for backing up
 * the victim. The snapshot is taken after the demotion, so it holds what
 * the copy's last writer left, and before the connection, which is when
 * DRBD starts overwriting. Which copy to keep is the operator's choice;
 * nothing here chooses.
 */
DgPlan *dg_plan_split_brain(const DgSite *site, const DgVolumeDef *def, const DgFacts *facts,
                            gboolean discard_here, const char *snapshot, GError **error)
{
        g_autofree char *res = begin(site, def, error);
        g_autoptr(DgPlan) plan = NULL;

        if (!res || !(plan = plan_disconnected(facts, res, "is connected: there is no split brain to resolve", error)))
                return NULL;
        if (!discard_here) {
                if (facts->conn == DG_CONN_STANDALONE)
                        add_step(plan, DG_STEP_CONNECT, drbdadm(site, def, res, "connect", NULL),
                                 "connect %s, keeping this node's copy", res);
                return g_steal_pointer(&plan);
        }
        if (facts->conn != DG_CONN_STANDALONE) {
                refuse(error, DG_ERROR_FAILED, res,
                       "is %s, not StandAlone: DRBD leaves a split brain StandAlone on both nodes; if you "
                       "know this is one, `drbdadm disconnect %s` first",
                       dg_conn_name(facts->conn), res);
                return NULL;
        }
        if (!facts->lv_exists) {
                refuse(error, DG_ERROR_FAILED, res, "its LV is missing on this node; there is nothing to keep a snapshot of");
                return NULL;
        }
        if (facts->role == DG_ROLE_PRIMARY)
                add_step(plan, DG_STEP_SECONDARY, drbdadm(site, def, res, "secondary", NULL),
                         "demote %s (whatever uses this copy must have stopped)", res);
        if (!add_snapshot(plan, site, facts, res, snapshot, error))
                return NULL;
        add_step(plan, DG_STEP_CONNECT_DISCARD, drbdadm(site, def, res, "connect", "--discard-my-data", NULL),
                 "connect %s, discarding this node's writes: the peer's copy overwrites what differs", res);
        return g_steal_pointer(&plan);
}

/*
 * Accepting a loss. The copy here lacks writes the other has: the fence
 * handler's constraint holds it back, and where DRBD knows it (Outdated),
 * DRBD refuses to promote it too. When that other copy is on a node that
 * is gone, an operator may choose to run on this one anyway, giving those
 * writes up. The snapshot keeps the copy as it was; for DRBD,
 * `primary --force` is its way to say so, and `secondary`
 * right after hands the now UpToDate copy back to the cluster manager,
 * which promotes it the normal way (and its fence-peer handler places the
 * constraint that keeps the gone node's copy from being promoted when it
 * returns: the two copies are then in split brain, resolved as such).
 */
DgPlan *dg_plan_force_current(const DgSite *site, const DgVolumeDef *def, const DgFacts *facts,
                              const char *snapshot, GError **error)
{
        g_autofree char *res = begin(site, def, error);
        g_autoptr(DgPlan) plan = NULL;

        if (!res || !(plan = plan_disconnected(facts, res, "is connected to its peer: DRBD knows which copy is "
                                                              "current, and nothing is given up", error)))
                return NULL;
        if (facts->disk != DG_DISK_UPTODATE && facts->disk != DG_DISK_OUTDATED &&
            facts->disk != DG_DISK_CONSISTENT) {
                refuse(error, DG_ERROR_UNSAFE, res,
                       "refusing: the local disk is %s, which is no copy that could be declared current",
                       disk_words(facts->disk));
                return NULL;
        }
        if (!facts->lv_exists) {
                refuse(error, DG_ERROR_FAILED, res, "its LV is missing on this node");
                return NULL;
        }
        if (!add_snapshot(plan, site, facts, res, snapshot, error))
                return NULL;
        /* DRBD counts a copy UpToDate that lost its peer while both were:
         * the fence handler's constraint, not DRBD, is what holds it back,
         * and DRBD promotes it once that is gone. */
        if (facts->disk == DG_DISK_UPTODATE)
                return g_steal_pointer(&plan);
        add_step(plan, DG_STEP_PRIMARY_FORCE, drbdadm(site, def, res, "primary", "--force", NULL),
                 "declare this node's %s copy of %s current (what only the other copy has is given up)",
                 dg_disk_name(facts->disk), res);
        add_step(plan, DG_STEP_SECONDARY, drbdadm(site, def, res, "secondary", NULL),
                 "demote %s again: the cluster manager promotes it", res);
        return g_steal_pointer(&plan);
}

char *dg_plan_to_string(const DgPlan *plan)
{
        GString *s = g_string_new(NULL);

        for (guint i = 0; i < plan->steps->len; i++) {
                const DgStep *step = g_ptr_array_index(plan->steps, i);
                g_string_append_printf(s, "%u. %s\n", i + 1, step->summary);
                if (step->argv) {
                        g_autofree char *cmd = g_strjoinv(" ", step->argv);
                        g_string_append_printf(s, "   $ %s\n", cmd);
                } else {
                        g_string_append(s, "   (done in-process)\n");
                }
        }
        return g_string_free(s, FALSE);
}

/* ---- execution -------------------------------------------------------------- */

static gboolean run_argv(const DgStep *step, GError **error)
{
        g_autofree char *err = NULL;
        g_autoptr(GError) e = NULL;
        int status;

        if (g_str_equal(step->argv[0], "lvm"))
                return dg_lvm_run((const char *const *)step->argv + 1, NULL, error);
        if (!pk_spawn_sync((const char *const *)step->argv, NULL, &err, &status, &e) ||
            !pk_spawn_check(step->argv[0], status, err, &e)) {
                g_autofree char *cmd = g_strjoinv(" ", step->argv);
                g_set_error(error, DG_ERROR, DG_ERROR_COMMAND, "%s: %s", cmd, e->message);
                return FALSE;
        }
        return TRUE;
}

static gboolean write_res(const DgSite *site, const DgVolumeDef *def, GError **error)
{
        g_autofree char *text = dg_res_render(site, def, error);
        g_autofree char *path = NULL;
        g_autoptr(GError) e = NULL;
        int r;

        if (!text)
                return FALSE;
        path = dg_res_path(site, def);
        if ((r = pk_mkdir_p(site->res_dir, 0755)) < 0) {
                g_set_error(error, DG_ERROR, DG_ERROR_FAILED, "cannot create %s: %s", site->res_dir, g_strerror(-r));
                return FALSE;
        }
        /* 0600: the file holds the replication secret. */
        if (!pk_file_write_atomic(path, text, strlen(text), 0600, &e)) {
                g_set_error(error, DG_ERROR, DG_ERROR_FAILED, "%s", e->message);
                return FALSE;
        }
        return TRUE;
}

static gboolean remove_res(const DgSite *site, const DgVolumeDef *def, GError **error)
{
        g_autofree char *path = dg_res_path(site, def);

        if (unlink(path) < 0 && errno != ENOENT) {
                int e = errno;
                g_set_error(error, DG_ERROR, DG_ERROR_FAILED, "cannot remove %s: %s", path, g_strerror(e));
                return FALSE;
        }
        return TRUE;
}

/*
 * A plan that created the LV made the volume from nothing: when a later step
 * fails, what it made is taken away again (down, .res, LV), so a failed
 * create leaves nothing half-made. Plans on an existing volume are not
 * undone: their steps only configure what is there.
 */
static void roll_back(const DgSite *site, const DgVolumeDef *def, const DgPlan *plan, guint done)
{
        for (guint i = done; i-- > 0;) {
                const DgStep *step = g_ptr_array_index(plan->steps, i);
                g_autoptr(GError) e = NULL;
                g_autofree char *res = dg_resource_name(def->guest, def->volume, NULL);
                g_autofree char *lv = g_strdup_printf("%s/%s", dg_site_local(site)->vg, res);

                if (step->kind == DG_STEP_UP) {
                        g_auto(GStrv) argv = g_strdupv(step->argv);
                        g_free(argv[g_strv_length(argv) - 2]);
                        argv[g_strv_length(argv) - 2] = g_strdup("down");
                        DgStep down = { DG_STEP_DOWN, NULL, argv };
                        run_argv(&down, &e);
                } else if (step->kind == DG_STEP_WRITE_RES) {
                        remove_res(site, def, &e);
                } else if (step->kind == DG_STEP_CREATE_LV) {
                        const char *argv[] = { "lvremove", "-f", lv, NULL };
                        dg_lvm_run(argv, NULL, &e);
                }
                if (e)
                        g_warning("undoing \"%s\": %s", step->summary, e->message);
        }
}

gboolean dg_plan_execute(const DgSite *site, const DgVolumeDef *def, const DgPlan *plan,
                         DgProgressFunc progress, gpointer user_data, GError **error)
{
        gboolean fresh = FALSE;

        for (guint i = 0; i < plan->steps->len; i++) {
                const DgStep *step = g_ptr_array_index(plan->steps, i);
                g_autoptr(GError) e = NULL;
                gboolean ok;

                if (progress)
                        progress(i, plan->steps->len, step, user_data);
                if (step->kind == DG_STEP_WRITE_RES)
                        ok = write_res(site, def, &e);
                else if (step->kind == DG_STEP_REMOVE_RES)
                        ok = remove_res(site, def, &e);
                else
                        ok = run_argv(step, &e);
                if (!ok) {
                        g_set_error(error, DG_ERROR, e->domain == DG_ERROR ? e->code : DG_ERROR_FAILED,
                                    "step %u of %u (%s) failed: %s%s", i + 1, plan->steps->len, step->summary,
                                    e->message, fresh ? "; the new volume was removed again" : "");
                        /* The failed step too: a failed "up" can leave
                         * the resource half-configured in the kernel. */
                        if (fresh)
                                roll_back(site, def, plan, i + 1);
                        return FALSE;
                }
                if (step->kind == DG_STEP_CREATE_LV)
                        fresh = TRUE;
        }
        return TRUE;
}
