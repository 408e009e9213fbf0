/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of pk-monitor's pure parts: records, the journal scan, requests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "pkm.h"

static void test_crc32_known(void **state)
{
        /* The standard check value of CRC-32/IEEE (zlib's crc32). */
        assert_int_equal(pkm_crc32(0, "123456789", 9), 0xcbf43926u);
        assert_int_equal(pkm_crc32(0, "", 0), 0);
        /* Continuing a CRC gives the CRC of the concatenation. */
        assert_int_equal(pkm_crc32(pkm_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
}

static void test_encode_parse_roundtrip(void **state)
{
        PkmRecord rec = { .number = 42, .time_ms = 1700000000123 }, back;
        char line[PKM_LINE_MAX + 1];
        int len;

        snprintf(rec.payload, sizeof(rec.payload), "check load=0.10 target=ok");
        len = pkm_record_encode(&rec, line, sizeof(line));
        assert_true(len > 0);
        assert_int_equal(line[len - 1], '\n');
        assert_memory_equal(line, "42 1700000000123 check load=0.10 target=ok ", 43);
        assert_true(pkm_record_parse(line, (size_t)len, &back));
        assert_int_equal(back.number, 42);
        assert_int_equal(back.time_ms, 1700000000123);
        assert_string_equal(back.payload, rec.payload);
}

static void test_encode_refuses(void **state)
{
        PkmRecord rec = { .number = 1 };
        char line[PKM_LINE_MAX + 1];

        snprintf(rec.payload, sizeof(rec.payload), "two\nlines");
        assert_int_equal(pkm_record_encode(&rec, line, sizeof(line)), -1);
        snprintf(rec.payload, sizeof(rec.payload), "ok");
        rec.number = 0;
        assert_int_equal(pkm_record_encode(&rec, line, sizeof(line)), -1);
        rec.number = 1;
        assert_int_equal(pkm_record_encode(&rec, line, 10), -1);
}

static void test_parse_rejects(void **state)
{
        PkmRecord rec = { .number = 7, .time_ms = 5 }, back;
        char line[PKM_LINE_MAX + 1];
        int len;

        snprintf(rec.payload, sizeof(rec.payload), "boot 2");
        len = pkm_record_encode(&rec, line, sizeof(line));
        /* Without its newline the line is torn. */
        assert_false(pkm_record_parse(line, (size_t)len - 1, &back));
        /* One flipped payload byte fails the CRC. */
        line[6] ^= 1;
        assert_false(pkm_record_parse(line, (size_t)len, &back));
        line[6] ^= 1;
        assert_true(pkm_record_parse(line, (size_t)len, &back));
        /* Uppercase hex or a leading zero is not the one spelling. */
        assert_false(pkm_record_parse("07 5 boot 2 00000000\n", 21, &back));
        assert_false(pkm_record_parse("garbage\n", 8, &back));
}

static size_t append(char *buf, size_t off, uint64_t n, const char *payload)
{
        PkmRecord rec = { .number = n, .time_ms = 1000 + (int64_t)n };

        snprintf(rec.payload, sizeof(rec.payload), "%s", payload);
        return off + (size_t)pkm_record_encode(&rec, buf + off, PKM_LINE_MAX + 1);
}

static void test_scan_torn_tail(void **state)
{
        char buf[4096];
        size_t off = 0, clean;
        PkmScan s;

        off = append(buf, off, 1, "boot 1");
        off = append(buf, off, 2, "check");
        off = append(buf, off, 3, "boot 2");
        off = append(buf, off, 4, "check");
        clean = off;
        pkm_journal_scan(buf, off, NULL, NULL, &s);
        assert_int_equal(s.records, 4);
        assert_int_equal(s.first, 1);
        assert_int_equal(s.last, 4);
        assert_int_equal(s.boots, 2);
        assert_int_equal(s.last_boot, 2);
        assert_int_equal(s.intact_len, clean);
        assert_int_equal(s.torn_len, 0);

        /* Half a record at the end: ignored, its bytes reported torn. */
        off = append(buf, off, 5, "check");
        pkm_journal_scan(buf, off - 7, NULL, NULL, &s);
        assert_int_equal(s.last, 4);
        assert_int_equal(s.intact_len, clean);
        assert_int_equal(s.torn_len, off - 7 - clean);
}

static void test_scan_stops_at_gap(void **state)
{
        char buf[4096];
        size_t off = 0, two;
        PkmScan s;

        off = append(buf, off, 1, "boot 1");
        off = append(buf, off, 2, "check");
        two = off;
        off = append(buf, off, 4, "check");
        off = append(buf, off, 5, "check");
        pkm_journal_scan(buf, off, NULL, NULL, &s);
        assert_int_equal(s.last, 2);
        assert_int_equal(s.intact_len, two);
        pkm_journal_scan("", 0, NULL, NULL, &s);
        assert_int_equal(s.records, 0);
        assert_int_equal(s.last, 0);
}

static bool count_until_3(const PkmRecord *rec, void *user)
{
        (*(int *)user)++;
        return rec->number < 3;
}

static void test_scan_callback(void **state)
{
        char buf[4096];
        size_t off = 0;
        int seen = 0;
        PkmScan s;

        for (uint64_t n = 1; n <= 6; n++)
                off = append(buf, off, n, "check");
        pkm_journal_scan(buf, off, count_until_3, &seen, &s);
        assert_int_equal(seen, 3);
        assert_int_equal(s.last, 3);
}

static void test_request_parse(void **state)
{
        PkmRequest r;
        const char *s;

        s = "GET /status HTTP/1.1\r\nHost: x\r\n\r\n";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_STATUS);
        s = "GET /journal?from=17 HTTP/1.0\r\n\r\n";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_JOURNAL);
        assert_int_equal(r.from, 17);
        s = "GET /journal HTTP/1.0\n\n";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_JOURNAL);
        assert_int_equal(r.from, 1);
        s = "GET /status HTTP/1.1\r\nHost: x\r\n";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_INCOMPLETE);
        s = "GET /other HTTP/1.1\r\n\r\n";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_NOT_FOUND);
        s = "POST /status HTTP/1.1\r\n\r\n";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_BAD);
        s = "POST /fault/panic HTTP/1.0\r\n\r\n";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_PANIC);
        s = "GET /fault/panic HTTP/1.0\r\n\r\n";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_NOT_FOUND);
        s = "POST";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_INCOMPLETE);
        s = "PUT /status HTTP/1.1\r\n\r\n";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_BAD);
        s = "POSTX";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_BAD);
        s = "POST  HTTP/1.1\r\n\r\n";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_BAD);
        s = "GET /journal?from=0 HTTP/1.1\r\n\r\n";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_BAD);
        s = "GET /journal?from=x HTTP/1.1\r\n\r\n";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_BAD);
        s = "GET /status HTTP/2\r\n\r\n";
        assert_int_equal(pkm_request_parse(s, strlen(s), &r), PKM_REQ_BAD);
}

static void test_ack_parse(void **state)
{
        uint64_t n, l;

        assert_true(pkm_ack_parse("ACK 12 345", 10, &n, &l));
        assert_int_equal(n, 12);
        assert_int_equal(l, 345);
        assert_true(pkm_ack_parse("ACK 1 0", 7, &n, &l));
        assert_int_equal(l, 0);
        assert_false(pkm_ack_parse("ACK 0 5", 7, &n, &l));
        assert_false(pkm_ack_parse("ACK 12", 6, &n, &l));
        assert_false(pkm_ack_parse("NAK 1 1", 7, &n, &l));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_crc32_known),
                cmocka_unit_test(test_encode_parse_roundtrip),
                cmocka_unit_test(test_encode_refuses),
                cmocka_unit_test(test_parse_rejects),
                cmocka_unit_test(test_scan_torn_tail),
                cmocka_unit_test(test_scan_stops_at_gap),
                cmocka_unit_test(test_scan_callback),
                cmocka_unit_test(test_request_parse),
                cmocka_unit_test(test_ack_parse),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
