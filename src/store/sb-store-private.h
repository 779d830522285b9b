/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include a backend's headers; core and front ends use sb-store.h and sb-store-factory.h."
#endif

#include <gio/gio.h>

#include "sb-store.h"

G_BEGIN_DECLS

/* Shared by the store implementations; not for front ends. */
char         *sb_store_new_blob_id        (void);
gboolean      sb_store_owner_is_valid     (const char   *owner);
gboolean      sb_store_blob_key_is_valid  (const char   *key);
GInputStream *sb_limit_input_stream_new   (GInputStream *base,
                                           guint64       limit);

/* The body every typed _finish shares: checks that @result is a GTask of
 * @source and propagates what it returned. */
gpointer      sb_store_task_finish_pointer (gpointer       source,
                                            GAsyncResult  *result,
                                            GError       **error);
gboolean      sb_store_task_finish_boolean (gpointer       source,
                                            GAsyncResult  *result,
                                            GError       **error);

/* Defines `static Type *name (SbStore *, GAsyncResult *, GError **)`, the
 * _finish vfunc of a method whose task returns a Type *. The vtable needs
 * one function of the exact type per result type: calling through a cast
 * function pointer would be undefined behaviour. */
#define SB_STORE_DEFINE_POINTER_FINISH(name, Type)             \
  static Type *                                                \
  name (SbStore       *store,                                  \
        GAsyncResult  *result,                                 \
        GError       **error)                                  \
  {                                                            \
    return sb_store_task_finish_pointer (store, result, error); \
  }

/* What blob_write_finish hands back. A backend's blob write keeps it as the
 * first member of its task data, and its task returns TRUE once the blob is
 * complete; sb_store_blob_written_finish() is then its blob_write_finish. */
typedef struct
{
  char    *key;
  guint64  size;
  char    *sha256;   /* hex */
} SbBlobWritten;

void          sb_blob_written_clear        (SbBlobWritten  *written);
char         *sb_store_blob_written_finish (SbStore        *store,
                                            GAsyncResult   *result,
                                            guint64        *size,
                                            char          **sha256,
                                            GError        **error);

G_END_DECLS
