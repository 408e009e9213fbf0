/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: site, volume definition, facts (JSON) and an action in,
 * the plan out (one step per line with its exact command) or the refusal.
 * Actions: ensure, promote, promote-force, demote, down, remove,
 * split-brain-discard (with snapshot=NAME), split-brain-keep, force-current
 * (with snapshot=NAME).
 */
#include "../dg-case.h"
#include "pk.h"

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgPlan) plan = NULL;
        g_autoptr(json_object) obj = NULL;
        g_autofree char *action = NULL, *facts_text = NULL, *text = NULL;
        g_auto(DgCase) c = { 0 };
        DgFacts facts;

        if (argc != 2) {
                fprintf(stderr, "usage: golden-drbd-plan CASE.in\n");
                return 2;
        }
        if (!dg_case_load(argv[1], &c))
                return 1;
        action = g_key_file_get_string(c.kf, "case", "action", NULL);
        facts_text = g_key_file_get_string(c.kf, "case", "facts", NULL);
        obj = pk_json_parse(facts_text ? facts_text : "{}", -1, "facts", &error);
        if (!obj || !dg_facts_from_json(obj, &facts, &error)) {
                fprintf(stderr, "%s: %s\n", argv[1], error ? error->message : "facts must be an object");
                return 2;
        }
        if (!action) {
                fprintf(stderr, "%s: [case] action= is missing\n", argv[1]);
                return 2;
        } else if (g_str_equal(action, "ensure")) {
                plan = dg_plan_ensure(c.site, &c.def, &facts, &error);
        } else if (g_str_equal(action, "promote") || g_str_equal(action, "promote-force")) {
                plan = dg_plan_promote(c.site, &c.def, &facts, g_str_equal(action, "promote-force"), &error);
        } else if (g_str_equal(action, "demote")) {
                plan = dg_plan_demote(c.site, &c.def, &facts, &error);
        } else if (g_str_equal(action, "down")) {
                plan = dg_plan_down(c.site, &c.def, &facts, &error);
        } else if (g_str_equal(action, "remove")) {
                plan = dg_plan_remove(c.site, &c.def, &facts, &error);
        } else if (g_str_equal(action, "split-brain-discard") || g_str_equal(action, "split-brain-keep")) {
                g_autofree char *snapshot = g_key_file_get_string(c.kf, "case", "snapshot", NULL);
                plan = dg_plan_split_brain(c.site, &c.def, &facts, g_str_equal(action, "split-brain-discard"),
                                           snapshot, &error);
        } else if (g_str_equal(action, "force-current")) {
                g_autofree char *snapshot = g_key_file_get_string(c.kf, "case", "snapshot", NULL);
                plan = dg_plan_force_current(c.site, &c.def, &facts, snapshot, &error);
        } else {
                fprintf(stderr, "%s: unknown action %s\n", argv[1], action);
                return 2;
        }
        if (!plan) {
                dg_case_error(error);
                return 1;
        }
        text = dg_plan_to_string(plan);
        printf("%u step%s\n%s", dg_plan_length(plan), dg_plan_length(plan) == 1 ? "" : "s", text);
        for (guint i = 0; i < dg_plan_length(plan); i++)
                printf("step %u: %s\n", i + 1, dg_step_kind_name(dg_plan_step(plan, i)->kind));
        return 0;
}
