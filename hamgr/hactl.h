/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file hactl.h
 * @brief Shared between hactl's source files: exit codes and command groups.
 */
#pragma once

#include <glib.h>

/* Exit codes, documented in hactl(8). */
enum {
        EXIT_OK = 0,
        EXIT_FAIL = 1,
        EXIT_USAGE = 2,
        EXIT_INVALID = 3,
        EXIT_CONFLICT = 4,
        EXIT_PCMK = 5,
        EXIT_TIMEOUT = 6,
        EXIT_NOT_FOUND = 7,
};

/**
 * hactl_fence:
 * `hactl fence add|list|remove|test|NODE …`: @argv starts after "fence".
 * Returns an exit code.
 */
int hactl_fence(int argc, char **argv);
