/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-error.h"

G_DEFINE_QUARK (sb-error-quark, sb_error)
