/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file pcmk-internal.h
 * @brief Shared between the pcmk*.c files only: the connection's insides.
 */
#pragma once

#include <crm/cib.h>

struct HamPcmk {
        cib_t *cib;
};
