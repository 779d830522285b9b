/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 256 random bits, base64url without padding (43 characters): session
 * tokens and CSRF tokens. */
char *sb_random_token (void);

G_END_DECLS
