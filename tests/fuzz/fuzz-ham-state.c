/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as a `state` CPG message from a peer hamgrd. What
 * parses must print back to a message that parses the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ham-status.h"
#include "pk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autoptr(HamFacts) m = ham_state_msg_parse((const char *)data, size, NULL);
        if (!m)
                return 0;
        g_autofree char *s = ham_state_msg_build(m);
        g_autoptr(HamFacts) again = ham_state_msg_parse(s, strlen(s), NULL);
        if (!again)
                abort();
        g_autofree char *s2 = ham_state_msg_build(again);
        if (strcmp(s, s2) != 0)
                abort();
        return 0;
}
