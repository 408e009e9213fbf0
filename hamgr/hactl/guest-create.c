/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hactl guest create`'s steps (ham-guest.h): which steps a validated
 * create takes, in which order, and what a failure of each undoes; the
 * --dry-run text; what a failed guest-commit left behind. Pure;
 * golden-tested in tests/golden/guest-create (the --dry-run text) and
 * guest-create-steps (the steps, their undo, the commit verdicts).
 * hactl-guest.c carries the steps out.
 *
 * The order is the point. guest-prepare comes first: the minor and port
 * are the cluster's, allocated in hamgrd's transaction, and nothing else
 * can be done without the device. The volume is fresh, Inconsistent on
 * both nodes, so one node must be forced to be the source of the initial
 * full sync: this one, the only one an image can be written from; the
 * promotion waits until the peer is connected (the sync needs the
 * connection). The image goes onto the Primary; then the sync is awaited,
 * or left to run (--no-wait-sync: DRBD serves reads from the up-to-date
 * node meanwhile). The volume is demoted before the commit: Pacemaker's
 * DRBD clone promotes it where the guest is placed, which may be the peer
 * (--prefer). The commit comes last of the changes: until the guest is in
 * the CIB nothing of it is visible to Pacemaker, so a guest-abort leaves
 * nothing behind; once it is in, the guest exists and the wait for it to
 * run only watches.
 *
 * Undo. A failed guest-prepare leaves nothing (hamgrd answers once it
 * undid its part). Every failure after it, and before the commit, demotes
 * (best effort: the abort takes the resource down, which DRBD refuses for
 * a Primary in use) and aborts. A failed commit aborts too, unless the
 * CIB shows the guest committed or hamgrd aborted it itself
 * (ham_guest_commit_verdict()). Nothing undoes a committed guest.
 */
#include "ham-guest.h"
#include "ham-api.h"
#include "dg.h"
#include "pk.h"

static void step_free(gpointer data)
{
        HamGuestCreateStep *step = data;

        g_free(step->target);
        g_free(step->line);
        g_free(step->note);
        g_free(step);
}

static const HamGuestCreateUndo undo_volume[] = { HAM_CREATE_UNDO_DEMOTE, HAM_CREATE_UNDO_ABORT };
static const HamGuestCreateUndo undo_commit[] = { HAM_CREATE_UNDO_ABORT };

/* Adds a step; @undo and @n_undo: what its failure undoes. Takes @line. */
static HamGuestCreateStep *add(GPtrArray *steps, HamGuestCreateStepKind kind, const char *target,
                               const HamGuestCreateUndo *undo, guint n_undo, char *line)
{
        HamGuestCreateStep *step = g_new0(HamGuestCreateStep, 1);

        g_assert(n_undo <= HAM_CREATE_MAX_UNDO);
        step->kind = kind;
        step->target = g_strdup(target);
        step->line = line;
        step->n_undo = n_undo;
        for (guint i = 0; i < n_undo; i++)
                step->undo[i] = undo[i];
        g_ptr_array_add(steps, step);
        return step;
}

GPtrArray *ham_guest_create_steps(const HamGuestCreatePlan *plan)
{
        GPtrArray *steps = g_ptr_array_new_with_free_func(step_free);
        /* One volume: ham_guest_create_plan() refuses a second disk. */
        const HamVolume *root = plan->volumes->pdata[0];
        g_autofree char *res = dg_resource_name(root->guest, root->volume, NULL);
        g_autofree char *size = dg_size_format(root->size);
        HamGuestCreateStep *commit;

        add(steps, HAM_CREATE_PREPARE, res, NULL, 0,
            g_strdup_printf("guest-prepare: volume %s (%s) as DRBD resource %s on both nodes (minor and port "
                            "allocated by hamgrd)", root->volume, size, res));
        add(steps, HAM_CREATE_PROMOTE, res, undo_volume, G_N_ELEMENTS(undo_volume),
            g_strdup_printf("promote %s here with force: the initial full sync starts from this node", res));
        if (plan->image)
                add(steps, HAM_CREATE_WRITE_IMAGE, plan->image, undo_volume, G_N_ELEMENTS(undo_volume),
                    g_strdup_printf("write %s onto the DRBD device (qemu-img convert -f %s -O raw)", plan->image,
                                    plan->image_format));
        else
                add(steps, HAM_CREATE_LEAVE_EMPTY, res, undo_volume, G_N_ELEMENTS(undo_volume),
                    g_strdup("leave the disk empty (kernel boot)"));
        if (plan->no_wait_sync)
                add(steps, HAM_CREATE_SYNC_BACKGROUND, res, undo_volume, G_N_ELEMENTS(undo_volume),
                    g_strdup("let the initial sync finish in the background (--no-wait-sync)"));
        else
                add(steps, HAM_CREATE_WAIT_SYNC, res, undo_volume, G_N_ELEMENTS(undo_volume),
                    g_strdup("wait for the initial sync to finish"));
        add(steps, HAM_CREATE_DEMOTE, res, undo_volume, G_N_ELEMENTS(undo_volume),
            g_strdup_printf("demote %s", res));
        commit = add(steps, HAM_CREATE_COMMIT, plan->name, undo_commit, G_N_ELEMENTS(undo_commit),
                     g_strdup_printf("guest-commit: the DRBD clone, ocf:plastik:guest guest-%s, colocation with "
                                     "Promoted, order promote then start%s%s, priority %u", plan->name,
                                     plan->prefer ? ", preference for " : "", plan->prefer ? plan->prefer : "",
                                     plan->priority));
        if (plan->probe)
                commit->note = g_strdup_printf("its service probed at %s after a failover (hactl history)",
                                               plan->probe);
        add(steps, HAM_CREATE_WAIT_RUNNING, plan->name, NULL, 0, g_strdup("wait until Pacemaker runs the guest"));
        return steps;
}

const char *ham_guest_create_step_name(HamGuestCreateStepKind kind)
{
        switch (kind) {
        case HAM_CREATE_PREPARE: return "prepare";
        case HAM_CREATE_PROMOTE: return "promote";
        case HAM_CREATE_WRITE_IMAGE: return "write-image";
        case HAM_CREATE_LEAVE_EMPTY: return "leave-empty";
        case HAM_CREATE_WAIT_SYNC: return "wait-sync";
        case HAM_CREATE_SYNC_BACKGROUND: return "sync-background";
        case HAM_CREATE_DEMOTE: return "demote";
        case HAM_CREATE_COMMIT: return "commit";
        case HAM_CREATE_WAIT_RUNNING: return "wait-running";
        }
        return "?";
}

const char *ham_guest_create_undo_line(HamGuestCreateUndo undo)
{
        switch (undo) {
        case HAM_CREATE_UNDO_DEMOTE: return "demote the volume here (best effort)";
        case HAM_CREATE_UNDO_ABORT: return "guest-abort: hamgrd removes the volume on both nodes";
        }
        return "?";
}

HamGuestCommitVerdict ham_guest_commit_verdict(const GError *error, gboolean in_cib)
{
        if (in_cib)
                return HAM_COMMIT_IN_CIB;
        /* Only an answer hamgrd gave, and not "invalid", says it aborted. */
        if (!error || error->domain != HAM_API_ERROR || error->code == HAM_API_ERROR_PROTOCOL ||
            error->code == HAM_API_ERROR_TIMEOUT || error->code == HAM_API_ERROR_INVALID)
                return HAM_COMMIT_UNDO;
        return HAM_COMMIT_UNDONE;
}

const char *ham_guest_commit_verdict_name(HamGuestCommitVerdict verdict)
{
        switch (verdict) {
        case HAM_COMMIT_IN_CIB: return "in-cib";
        case HAM_COMMIT_UNDO: return "undo";
        case HAM_COMMIT_UNDONE: return "undone";
        }
        return "?";
}

guint ham_guest_create_undo_of(const HamGuestCreateStep *step, HamGuestCommitVerdict verdict,
                               HamGuestCreateUndo undo[HAM_CREATE_MAX_UNDO])
{
        if (step->kind == HAM_CREATE_COMMIT && verdict != HAM_COMMIT_UNDO)
                return 0;
        for (guint i = 0; i < step->n_undo; i++)
                undo[i] = step->undo[i];
        return step->n_undo;
}

char *ham_guest_create_plan_to_string(const HamGuestCreatePlan *plan)
{
        g_autoptr(GString) s = g_string_new(NULL);
        g_autoptr(json_object) shown = NULL;
        g_autofree char *config = NULL;
        json_object *disks;

        /* The real device is known after step 1 only. */
        if (json_object_deep_copy(plan->config, &shown, NULL) == 0 &&
            json_object_object_get_ex(shown, "disks", &disks) && json_object_array_length(disks) > 0)
                json_object_object_add(json_object_array_get_idx(disks, 0), "path",
                                       json_object_new_string("/dev/drbdN"));
        config = pk_json_to_string(shown ? shown : plan->config, FALSE);

        g_string_append_printf(s, "plan for guest %s:\n", plan->name);
        if (plan->without_fencing)
                g_string_append(s, "  warning: fencing is not set up (--without-fencing)\n");
        for (guint i = 0; i < plan->steps->len; i++) {
                const HamGuestCreateStep *step = plan->steps->pdata[i];
                g_string_append_printf(s, "  %u. %s\n", i + 1, step->line);
                if (step->note)
                        g_string_append_printf(s, "     %s\n", step->note);
        }
        g_string_append_printf(s, "definition (/dev/drbdN: the DRBD device allocated in step 1):\n  %s\n", config);
        return g_string_free(g_steal_pointer(&s), FALSE);
}
