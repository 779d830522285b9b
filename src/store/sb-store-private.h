/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include a backend's headers; core and front ends use sb-store.h and sb-store-factory.h."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

/* Shared by the store implementations; not for front ends. */
char         *sb_store_new_blob_id        (void);
gboolean      sb_store_owner_is_valid     (const char   *owner);
gboolean      sb_store_blob_key_is_valid  (const char   *key);
GInputStream *sb_limit_input_stream_new   (GInputStream *base,
                                           guint64       limit);

G_END_DECLS
