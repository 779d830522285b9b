/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Turns an error from the store layer into an SB_ERROR a user can read;
 * @not_found / @exists give the message for those codes (may be NULL). */
GError *sb_error_from_store   (const GError *error,
                               const char   *not_found,
                               const char   *exists);
/* SB_ERROR_UNAVAILABLE: the translated sentence, with @detail (the
 * backend's explanation) as its detail. */
GError *sb_error_new_unavailable (const char  *detail);
void    sb_error_set_detail      (GError      *error,
                                  const char  *detail);

/* Tests read a system config file of their own instead of /etc's. */
typedef struct _SbConfig SbConfig;
void    sb_config_set_system_file (SbConfig     *self,
                                   const char   *path);

G_END_DECLS
