/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file pkm.h
 * @brief pk-monitor's pure parts: journal records, the journal scan and the
 * status server's request parser.
 *
 * Deliberately free of glib and of every other library: pk-monitor is linked
 * statically into a busybox guest, and the host-side helpers and the tests
 * share exactly this code.
 *
 * Journal format, one record a line:
 *
 *     NUMBER TIMESTAMP_MS PAYLOAD CRC32\n
 *
 * NUMBER counts from 1 without gaps, TIMESTAMP_MS is the guest's wall clock
 * in milliseconds, PAYLOAD is printable ASCII without newline, and CRC32 is
 * eight lowercase hex digits of the CRC-32 (IEEE, as zlib's crc32) of
 * everything before the space that precedes it. A line that is incomplete,
 * fails its CRC or breaks the numbering ends the journal: it is a torn tail
 * left by a crash and is ignored (and cut off by pk-monitor on start).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Longest payload a record may carry (bytes, without the terminating NUL). */
#define PKM_PAYLOAD_MAX 400
/** Longest encoded record line, newline included. */
#define PKM_LINE_MAX (PKM_PAYLOAD_MAX + 64)

typedef struct {
        uint64_t number;
        int64_t time_ms;
        char payload[PKM_PAYLOAD_MAX + 1];
} PkmRecord;

/** CRC-32 (IEEE 802.3, reflected, as zlib) of @p len bytes, continuing @p crc (start with 0). */
uint32_t pkm_crc32(uint32_t crc, const void *data, size_t len);

/**
 * Encodes @p rec as one journal line (with newline) into @p buf.
 * @return the line's length, or -1 when the payload is too long or holds a
 * byte outside printable ASCII, or @p size is too small.
 */
int pkm_record_encode(const PkmRecord *rec, char *buf, size_t size);

/**
 * Parses one journal line of @p len bytes (with its newline) into @p ret_rec.
 * @return true when the line is complete and intact; @p ret_rec is set only then.
 */
bool pkm_record_parse(const char *line, size_t len, PkmRecord *ret_rec);

typedef struct {
        uint64_t records;     /**< intact records */
        uint64_t first;       /**< number of the first intact record (0: none) */
        uint64_t last;        /**< number of the last intact record (0: none) */
        uint64_t boots;       /**< boot records seen; the last one's boot count is last_boot */
        uint64_t last_boot;   /**< B of the last "boot B" payload (0: none) */
        size_t intact_len;    /**< bytes of @p data that hold intact records */
        size_t torn_len;      /**< bytes after them (the torn tail; 0 when clean) */
} PkmScan;

/**
 * Scans journal contents: every intact record from the start, stopping at the
 * first incomplete or corrupt line or at a break in the numbering.
 * @p cb (may be NULL) is called for each intact record in order; returning
 * false stops the scan early (the counts then cover what was seen).
 */
void pkm_journal_scan(const char *data, size_t len,
                      bool (*cb)(const PkmRecord *rec, void *user), void *user,
                      PkmScan *ret_scan);

typedef enum {
        PKM_REQ_INCOMPLETE = 0, /**< more bytes needed (no blank line yet) */
        PKM_REQ_STATUS,         /**< GET /status */
        PKM_REQ_JOURNAL,        /**< GET /journal?from=N */
        PKM_REQ_PANIC,          /**< POST /fault/panic (fault injection) */
        PKM_REQ_NOT_FOUND,      /**< a well-formed request of an unknown path */
        PKM_REQ_BAD,            /**< not a request this server understands */
} PkmReqKind;

typedef struct {
        PkmReqKind kind;
        uint64_t from;          /**< for PKM_REQ_JOURNAL; 1 when not given */
} PkmRequest;

/** Requests larger than this are refused as bad. */
#define PKM_REQUEST_MAX 4096

/**
 * Parses the HTTP request in the first @p len bytes received (GET, and POST
 * for /fault/panic only; HTTP/1.0 or 1.1; headers are skipped). Fills @p ret_req unless the result is
 * PKM_REQ_INCOMPLETE.
 */
PkmReqKind pkm_request_parse(const char *buf, size_t len, PkmRequest *ret_req);

/**
 * Parses a decimal record number "N" (1 … 2^63) from exactly @p len bytes.
 * @return true and sets @p ret_n on success.
 */
bool pkm_parse_number(const char *s, size_t len, uint64_t *ret_n);

/**
 * Parses one collector line "ACK N LATENCY_US" (without newline).
 * @return true and sets the out-params on success.
 */
bool pkm_ack_parse(const char *line, size_t len, uint64_t *ret_n, uint64_t *ret_latency_us);
