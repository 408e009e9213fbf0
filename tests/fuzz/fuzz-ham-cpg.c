/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as a CPG message from a peer hamgrd. What
 * parses must print back to a message that parses the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ham-txn.h"
#include "pk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autoptr(HamCpgMsg) m = ham_cpg_msg_parse((const char *)data, size, NULL);
        if (!m)
                return 0;
        g_autofree char *s = ham_cpg_msg_to_string(m);
        g_autoptr(HamCpgMsg) again = ham_cpg_msg_parse(s, strlen(s), NULL);
        if (!again)
                abort();
        g_autofree char *s2 = ham_cpg_msg_to_string(again);
        if (strcmp(s, s2) != 0)
                abort();
        return 0;
}
