/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pkm.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

uint32_t pkm_crc32(uint32_t crc, const void *data, size_t len)
{
        const unsigned char *p = data;

        /* Bitwise is plenty for a record a second and keeps the code tiny. */
        crc = ~crc;
        while (len--) {
                crc ^= *p++;
                for (int k = 0; k < 8; k++)
                        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
        return ~crc;
}

static bool printable(const char *s, size_t len)
{
        for (size_t i = 0; i < len; i++)
                if (s[i] < 0x20 || s[i] > 0x7e)
                        return false;
        return true;
}

int pkm_record_encode(const PkmRecord *rec, char *buf, size_t size)
{
        size_t plen = strnlen(rec->payload, sizeof(rec->payload));
        int n;

        if (plen > PKM_PAYLOAD_MAX || !printable(rec->payload, plen) ||
            rec->number == 0 || rec->number > INT64_MAX || rec->time_ms < 0)
                return -1;
        n = snprintf(buf, size, "%" PRIu64 " %" PRId64 " %s", rec->number, rec->time_ms, rec->payload);
        if (n < 0 || (size_t)n + 10 >= size)
                return -1;
        n += snprintf(buf + n, size - (size_t)n, " %08x\n", pkm_crc32(0, buf, (size_t)n));
        return n;
}

bool pkm_parse_number(const char *s, size_t len, uint64_t *ret_n)
{
        uint64_t v = 0;

        /* No sign, no leading zero, no overflow: one spelling per number. */
        if (len == 0 || len > 19 || s[0] == '0')
                return false;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (uint64_t)(s[i] - '0');
        }
        if (v > INT64_MAX)
                return false;
        *ret_n = v;
        return true;
}

static bool parse_time(const char *s, size_t len, int64_t *ret_t)
{
        uint64_t v;

        if (len == 1 && s[0] == '0') {
                *ret_t = 0;
                return true;
        }
        if (!pkm_parse_number(s, len, &v))
                return false;
        *ret_t = (int64_t)v;
        return true;
}

static int hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

bool pkm_record_parse(const char *line, size_t len, PkmRecord *ret_rec)
{
        PkmRecord rec;
        const char *sp1, *sp2;
        uint32_t crc = 0;
        size_t body;

        /* "N T P CCCCCCCC\n": at least "1 0  xxxxxxxx\n" (empty payload). */
        if (len < 14 || len > PKM_LINE_MAX || line[len - 1] != '\n' || line[len - 10] != ' ')
                return false;
        for (size_t i = len - 9; i < len - 1; i++) {
                int h = hexval(line[i]);
                if (h < 0)
                        return false;
                crc = crc << 4 | (uint32_t)h;
        }
        body = len - 10;
        if (!printable(line, body) || pkm_crc32(0, line, body) != crc)
                return false;
        sp1 = memchr(line, ' ', body);
        if (!sp1)
                return false;
        sp2 = memchr(sp1 + 1, ' ', body - (size_t)(sp1 + 1 - line));
        if (!sp2)
                return false;
        if (!pkm_parse_number(line, (size_t)(sp1 - line), &rec.number) ||
            !parse_time(sp1 + 1, (size_t)(sp2 - sp1 - 1), &rec.time_ms))
                return false;
        size_t plen = body - (size_t)(sp2 + 1 - line);
        if (plen > PKM_PAYLOAD_MAX)
                return false;
        memcpy(rec.payload, sp2 + 1, plen);
        rec.payload[plen] = '\0';
        *ret_rec = rec;
        return true;
}

void pkm_journal_scan(const char *data, size_t len,
                      bool (*cb)(const PkmRecord *rec, void *user), void *user,
                      PkmScan *ret_scan)
{
        PkmScan s = { 0 };
        size_t off = 0;

        while (off < len) {
                const char *nl = memchr(data + off, '\n', len - off);
                PkmRecord rec;
                uint64_t b;

                if (!nl)
                        break;
                size_t l = (size_t)(nl - (data + off)) + 1;
                if (!pkm_record_parse(data + off, l, &rec))
                        break;
                /* A record that does not follow its predecessor cannot be
                 * trusted to be the one that was written there. */
                if (s.records > 0 && rec.number != s.last + 1)
                        break;
                if (s.records == 0)
                        s.first = rec.number;
                s.records++;
                s.last = rec.number;
                if (strncmp(rec.payload, "boot ", 5) == 0 &&
                    pkm_parse_number(rec.payload + 5, strcspn(rec.payload + 5, " "), &b)) {
                        s.boots++;
                        s.last_boot = b;
                }
                off += l;
                s.intact_len = off;
                if (cb && !cb(&rec, user))
                        break;
        }
        s.torn_len = len - s.intact_len;
        *ret_scan = s;
}

static bool starts(const char *s, size_t len, const char *prefix)
{
        size_t n = strlen(prefix);

        return len >= n && memcmp(s, prefix, n) == 0;
}

PkmReqKind pkm_request_parse(const char *buf, size_t len, PkmRequest *ret_req)
{
        PkmRequest req = { .kind = PKM_REQ_BAD, .from = 1 };
        const char *eol, *end, *path, *sp;
        size_t plen;

        if (len > PKM_REQUEST_MAX)
                goto out;
        /* The request is complete at the blank line ending the headers. */
        end = NULL;
        for (size_t i = 0; i + 1 < len && !end; i++) {
                if (buf[i] == '\n' && buf[i + 1] == '\n')
                        end = buf + i;
                else if (i + 3 < len && memcmp(buf + i, "\r\n\r\n", 4) == 0)
                        end = buf + i;
        }
        eol = memchr(buf, '\n', len);
        if (!end) {
                /* A first line that is already wrong need not wait for more. */
                if (len >= 4 && !starts(buf, len, "GET ") &&
                    memcmp(buf, "POST ", len < 5 ? len : 5) != 0)
                        goto out;
                if (eol && eol - buf > 1024)
                        goto out;
                return PKM_REQ_INCOMPLETE;
        }
        if (!eol)
                goto out;
        size_t mlen = starts(buf, len, "GET ") ? 4 : starts(buf, len, "POST ") ? 5 : 0;
        if (mlen == 0)
                goto out;
        size_t line = (size_t)(eol - buf);
        if (line > 0 && buf[line - 1] == '\r')
                line--;
        if (line <= mlen)
                goto out;
        path = buf + mlen;
        sp = memchr(path, ' ', line - mlen);
        if (!sp)
                goto out;
        plen = (size_t)(sp - path);
        size_t vlen = line - mlen - plen - 1;
        if (!(vlen == 8 && (memcmp(sp + 1, "HTTP/1.0", 8) == 0 || memcmp(sp + 1, "HTTP/1.1", 8) == 0)))
                goto out;
        /* POST is for the one thing that changes state: the fault. */
        if (mlen == 5) {
                if (plen == 12 && memcmp(path, "/fault/panic", 12) == 0)
                        req.kind = PKM_REQ_PANIC;
                goto out;
        }
        if (plen == 7 && memcmp(path, "/status", 7) == 0) {
                req.kind = PKM_REQ_STATUS;
        } else if (plen == 8 && memcmp(path, "/journal", 8) == 0) {
                req.kind = PKM_REQ_JOURNAL;
        } else if (starts(path, plen, "/journal?from=")) {
                if (!pkm_parse_number(path + 14, plen - 14, &req.from))
                        goto out;
                req.kind = PKM_REQ_JOURNAL;
        } else if (plen > 0 && path[0] == '/') {
                req.kind = PKM_REQ_NOT_FOUND;
        }
out:
        *ret_req = req;
        return req.kind;
}

bool pkm_ack_parse(const char *line, size_t len, uint64_t *ret_n, uint64_t *ret_latency_us)
{
        const char *sp;
        uint64_t n, lat;

        if (!starts(line, len, "ACK "))
                return false;
        sp = memchr(line + 4, ' ', len - 4);
        if (!sp || !pkm_parse_number(line + 4, (size_t)(sp - line - 4), &n))
                return false;
        size_t llen = len - (size_t)(sp + 1 - line);
        if (llen == 1 && sp[1] == '0')
                lat = 0;
        else if (!pkm_parse_number(sp + 1, llen, &lat))
                return false;
        *ret_n = n;
        *ret_latency_us = lat;
        return true;
}
