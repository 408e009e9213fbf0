/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for pk-monitor's journal scan: whatever a crash left in
 * the file, the scan stops at the first bad line, reports consistent counts,
 * and every record it hands out encodes back to the very line it came from.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct walk {
        const char *data;
        size_t off;
};

static bool check_record(const PkmRecord *rec, void *user)
{
        struct walk *w = user;
        char line[PKM_LINE_MAX + 1];
        int len = pkm_record_encode(rec, line, sizeof(line));

        if (len <= 0 || memcmp(line, w->data + w->off, (size_t)len) != 0)
                abort();
        w->off += (size_t)len;
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct walk w = { .data = (const char *)data };
        PkmScan s;

        pkm_journal_scan((const char *)data, size, check_record, &w, &s);
        if (s.intact_len != w.off || s.intact_len + s.torn_len != size ||
            (s.records > 0 && s.last != s.first + s.records - 1) || s.boots > s.records)
                abort();
        return 0;
}
