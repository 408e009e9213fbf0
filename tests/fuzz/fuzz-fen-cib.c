/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: arbitrary bytes as the CIB the fence-peer handler reads. */
#include <stdint.h>
#include <stdlib.h>

#include "fen.h"
#include "ham-pcmk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        FenCibFacts f;
        g_autofree char *reason = NULL;
        g_autoptr(GPtrArray) devs = ham_fence_devices((const char *)data, size, NULL);

        if (fen_cib_facts((const char *)data, size, "pk-web-root", "drbd-pk-web-root-clone", "node1", NULL, &f,
                          NULL)) {
                if (f.peer > FEN_PEER_LOST || f.constraint > FEN_CONSTRAINT_FOREIGN)
                        abort();
                fen_cib_facts_clear(&f);
        }
        if (fen_peer_cib_judge((const char *)data, size, "pk-web-root", "drbd-pk-web-root-clone", "node1") >
            FEN_PEER_CIB_HOLDS)
                abort();
        if (!ham_fencing_configured((const char *)data, size, &reason) && !reason)
                abort();
        return 0;
}
