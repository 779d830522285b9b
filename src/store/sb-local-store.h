/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include a backend's headers; core and front ends use sb-store.h and sb-store-factory.h."
#endif

#include "sb-store.h"

G_BEGIN_DECLS

#define SB_TYPE_LOCAL_STORE (sb_local_store_get_type ())
G_DECLARE_FINAL_TYPE (SbLocalStore, sb_local_store, SB, LOCAL_STORE, GObject)

/* The embedded store: SQLite (WAL) for records plus a directory of blobs, all
 * under @data_dir, which is created if needed. Opening is synchronous (it
 * runs once, at start-up); everything after that runs in worker threads. */
SbLocalStore *sb_local_store_new          (const char    *data_dir,
                                           GError       **error);
const char   *sb_local_store_get_data_dir (SbLocalStore  *self);

G_END_DECLS
