/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as hamgrd's failover history file. What
 * parses must print back to a file that parses the same, and must take
 * events afterwards.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ham-timeline.h"
#include "pk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autoptr(HamTimeline) tl = ham_timeline_parse((const char *)data, size, 0, 0, NULL);
        if (!tl)
                return 0;
        g_autoptr(json_object) o = ham_timeline_to_json(tl);
        g_autofree char *s = pk_json_to_string(o, FALSE);
        g_autoptr(HamTimeline) again = ham_timeline_parse(s, strlen(s), 0, 0, NULL);
        if (!again)
                abort();
        g_autoptr(json_object) o2 = ham_timeline_to_json(again);
        g_autofree char *s2 = pk_json_to_string(o2, FALSE);
        if (strcmp(s, s2) != 0)
                abort();
        static const char *const guests[] = { "web1", NULL };
        HamTlEvent evs[] = {
                { .kind = HAM_TL_NODE_LOST, .at_ms = 1700000010000, .node = "node1", .guests = guests },
                { .kind = HAM_TL_FENCE_CONFIRMED, .at_ms = 1700000012000, .node = "node1" },
                { .kind = HAM_TL_GUEST_STARTED, .at_ms = 1700000014000, .node = "node2", .guest = "web1" },
                { .kind = HAM_TL_NODE_BACK, .at_ms = 1700000020000, .node = "node1" },
                { .kind = HAM_TL_TICK, .at_ms = 1800000000000 },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(evs); i++)
                ham_timeline_feed(again, &evs[i], NULL);
        g_autoptr(json_object) h = ham_timeline_history(again, NULL, 3);
        g_autofree char *text = ham_timeline_format(h);
        return 0;
}
