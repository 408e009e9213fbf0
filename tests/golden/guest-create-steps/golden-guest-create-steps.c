/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: the steps of `hactl guest create` (ham_guest_create_steps())
 * for a case of ../guest-create-case.h: each with what it acts on, its
 * line and what its failure undoes. A case with a group [failure]
 * (step=NAME, and for the commit error=KIND in-cib=BOOL, KIND one of local,
 * failed, invalid, not-found, busy, connect, timeout, protocol: how guest-commit
 * failed) prints instead what that failure undoes
 * (ham_guest_commit_verdict(), ham_guest_create_undo_of()).
 */
#include "../guest-create-case.h"
#include "ham-api.h"
#include "pk.h"

static const struct {
        const char *name;
        int code; /* HAM_API_ERROR's, or -1: hactl's own (HAM_ERROR) */
} commit_errors[] = {
        { "local", -1 },
        { "failed", HAM_API_ERROR_FAILED },
        { "invalid", HAM_API_ERROR_INVALID },
        { "not-found", HAM_API_ERROR_NOT_FOUND },
        { "busy", HAM_API_ERROR_BUSY },
        { "connect", HAM_API_ERROR_CONNECT },
        { "timeout", HAM_API_ERROR_TIMEOUT },
        { "protocol", HAM_API_ERROR_PROTOCOL },
};

static void print_undo(const char *indent, const HamGuestCreateUndo *undo, guint n)
{
        if (n == 0)
                printf("%sundo: nothing\n", indent);
        for (guint i = 0; i < n; i++)
                printf("%sundo %u: %s\n", indent, i + 1, ham_guest_create_undo_line(undo[i]));
}

static int failure(GuestCreateCase *c, const HamGuestCreatePlan *plan)
{
        g_autofree char *name = g_key_file_get_string(c->kf, "failure", "step", NULL);
        g_autofree char *kind = g_key_file_get_string(c->kf, "failure", "error", NULL);
        g_autoptr(GError) error = NULL;
        const HamGuestCreateStep *step = NULL;
        HamGuestCommitVerdict verdict = HAM_COMMIT_UNDO;
        HamGuestCreateUndo undo[HAM_CREATE_MAX_UNDO];
        guint i, n;

        for (i = 0; i < plan->steps->len && !step; i++)
                if (g_strcmp0(name, ham_guest_create_step_name(((HamGuestCreateStep *)plan->steps->pdata[i])->kind)) == 0)
                        step = plan->steps->pdata[i];
        if (!step) {
                printf("failure: the plan has no step %s\n", name ? name : "(none given)");
                return 1;
        }
        printf("failure at step %u (%s %s)", i, name, step->target);
        if (step->kind == HAM_CREATE_COMMIT) {
                gboolean in_cib = g_key_file_get_boolean(c->kf, "failure", "in-cib", NULL);
                for (guint k = 0; k < G_N_ELEMENTS(commit_errors) && !error; k++)
                        if (g_strcmp0(kind, commit_errors[k].name) == 0)
                                error = commit_errors[k].code < 0 ?
                                        g_error_new_literal(HAM_ERROR, HAM_ERROR_FAILED, "local") :
                                        g_error_new_literal(HAM_API_ERROR, commit_errors[k].code, kind);
                if (!error) {
                        printf("\nfailure: error=%s is not a kind of failure\n", kind ? kind : "(none given)");
                        return 1;
                }
                verdict = ham_guest_commit_verdict(error, in_cib);
                printf(", %s, %s the CIB: %s", kind, in_cib ? "in" : "not in",
                       ham_guest_commit_verdict_name(verdict));
        }
        printf("\n");
        n = ham_guest_create_undo_of(step, verdict, undo);
        print_undo("", undo, n);
        return 0;
}

int main(int argc, char **argv)
{
        g_auto(GuestCreateCase) c = { 0 };
        g_autoptr(HamGuestCreatePlan) plan = NULL;

        if (!guest_create_case_load(&c, argc, argv))
                return 2;
        if (!(plan = guest_create_case_plan(&c)))
                return 1;
        if (g_key_file_has_group(c.kf, "failure"))
                return failure(&c, plan);
        for (guint i = 0; i < plan->steps->len; i++) {
                const HamGuestCreateStep *step = plan->steps->pdata[i];
                printf("%u. %s %s: %s\n", i + 1, ham_guest_create_step_name(step->kind), step->target, step->line);
                if (step->note)
                        printf("   note: %s\n", step->note);
                print_undo("   ", step->undo, step->n_undo);
        }
        return 0;
}
