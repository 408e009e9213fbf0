/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for pk-monitor's HTTP request parser and the collector's
 * ACK line parser: any bytes give a defined answer, a prefix of a complete
 * request is never judged differently from waiting for more, and a journal
 * request always names a record number.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pkm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        PkmRequest r = { .kind = PKM_REQ_INCOMPLETE };
        uint64_t n, l;
        PkmReqKind k = pkm_request_parse((const char *)data, size, &r);

        if (k != PKM_REQ_INCOMPLETE && r.kind != k)
                abort();
        if (k == PKM_REQ_JOURNAL && r.from == 0)
                abort();
        if (pkm_ack_parse((const char *)data, size, &n, &l) && n == 0)
                abort();
        return 0;
}
