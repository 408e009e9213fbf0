/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file pcmk-internal.h
 * @brief Shared between the pcmk*.c files only: the connection's insides.
 */
#pragma once

#include <crm/cib.h>
#include <glib.h>

struct HamPcmk {
        cib_t *cib;
};

/**
 * ham_pcmk_failed: sets HAM_ERROR_PCMK "WHAT: Pacemaker's text for @rc"
 * (@fmt and its arguments say what failed) and returns FALSE.
 */
gboolean ham_pcmk_failed(GError **error, int rc, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
