/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file hv-error.h
 * @brief Error domain of the hypervisor core.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HV_ERROR (hv_error_quark())
GQuark hv_error_quark(void);

/** Error codes of HV_ERROR. Commands map them to exit codes (see hvctl(1)). */
typedef enum {
        HV_ERROR_FAILED,       /**< anything else; the message says what */
        HV_ERROR_INVALID,      /**< bad definition or argument; names the field */
        HV_ERROR_NOT_FOUND,    /**< no such guest */
        HV_ERROR_RUNNING,      /**< the guest is already running */
        HV_ERROR_NOT_RUNNING,  /**< the guest is not running */
        HV_ERROR_TIMEOUT,      /**< an operation did not finish in time */
        HV_ERROR_PROTOCOL,     /**< a QMP peer sent something we do not accept */
        HV_ERROR_CLOSED,       /**< the QMP connection was closed */
        HV_ERROR_COMMAND,      /**< QEMU answered a command with an error */
} HvError;

G_END_DECLS
