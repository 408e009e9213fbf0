/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file hv-qmp-internal.h
 * @brief QMP internals shared with the tests and the fuzz target.
 */
#pragma once

#include "hv-qmp.h"

G_BEGIN_DECLS

/**
 * hv_qmp_parser_new_full:
 * Like hv_qmp_parser_new() with a different message size limit, so tests and
 * the fuzzer reach the oversize path without megabytes of input.
 * (transfer full): hv_qmp_parser_free().
 */
HvQmpParser *hv_qmp_parser_new_full(gsize max_message);

/**
 * hv_qmp_parser_pending:
 * Bytes of an incomplete line held by @parser (0 while dropping an
 * oversize line). Lets a caller tell "closed mid-message" from a clean end.
 */
gsize hv_qmp_parser_pending(HvQmpParser *parser);

G_END_DECLS
