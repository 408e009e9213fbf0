/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dg.h"

G_DEFINE_QUARK(dg-error-quark, dg_error)
