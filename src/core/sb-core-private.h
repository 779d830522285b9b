/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_CORE_COMPILATION)
#error "sb-core-private.h is core's own; front ends use core's public headers."
#endif

#include "sb-store.h"

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
void     sb_config_set_system_file   (SbConfig             *self,
                                      const char           *path);

/* The configured store, alone: SbService opens it (front ends open the
 * service), check and provision look at it, tests plant things in it. */
SbStore *sb_config_open_store        (SbConfig             *self,
                                      GError              **error);
void     sb_config_open_store_async  (SbConfig             *self,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
SbStore *sb_config_open_store_finish (SbConfig             *self,
                                      GAsyncResult         *result,
                                      GError              **error);

G_END_DECLS
