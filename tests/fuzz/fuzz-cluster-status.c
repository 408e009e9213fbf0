/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as hamgrd's cluster-status and verify-facts
 * answers (ham_cluster_status_from_json(), ham_verify_facts_from_json()).
 * What reads must be judged by status, drill and verify without a crash;
 * what does not must say why.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ham-status.h"
#include "pk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *node = NULL, *reason = NULL;

        if (size > 1024 * 1024)
                return 0;
        g_autoptr(json_object) obj = pk_json_parse((const char *)data, (gssize)size, "answer", NULL);
        if (!obj)
                return 0;
        g_autoptr(HamVerifyFacts) vf = ham_verify_facts_from_json(obj, &error);
        if (vf) {
                g_autoptr(json_object) findings = ham_verify(vf);
                if (!findings || vf->facts->len != vf->facts_at->len)
                        abort();
        } else if (!error || !*error->message) {
                abort();
        }
        g_clear_error(&error);
        g_autoptr(HamClusterStatus) st = ham_cluster_status_from_json(obj, &error);
        if (!st) {
                if (!error || !*error->message)
                        abort();
                return 0;
        }
        g_autoptr(json_object) model = ham_status_build(st);
        if (!model)
                abort();
        if (st->facts->len != st->facts_at->len)
                abort();
        if (ham_drill_check(st, "pkmon", &node, &reason) == HAM_DRILL_GO ? !node : !reason)
                abort();
        return 0;
}
