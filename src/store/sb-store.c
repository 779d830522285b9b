/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-store.h"

G_DEFINE_QUARK (sb-store-error-quark, sb_store_error)
G_DEFINE_INTERFACE (SbStore, sb_store, G_TYPE_OBJECT)

/* A store of one class has nothing to restore. */
static void
real_blob_restore_async (SbStore             *self,
                         const char          *key,
                         guint                days,
                         const char          *tier,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_task_report_new_error (self, callback, user_data, SB_SOURCE_TAG (real_blob_restore_async),
                           SB_STORE_ERROR, SB_STORE_ERROR_NOT_SUPPORTED,
                           "This store keeps every file readable; nothing needs restoring.");
}

static gboolean
real_blob_restore_finish (SbStore       *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sb_store_default_init (SbStoreInterface *iface)
{
  iface->blob_restore_async = real_blob_restore_async;
  iface->blob_restore_finish = real_blob_restore_finish;
}


void
sb_store_user_create_async (SbStore             *self,
                            SbUser              *user,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->user_create_async (self, user, cancellable, callback, user_data);
}

gboolean
sb_store_user_create_finish (SbStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  return SB_STORE_GET_IFACE (self)->user_create_finish (self, result, error);
}

void
sb_store_user_get_async (SbStore             *self,
                         const char          *username,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->user_get_async (self, username, cancellable, callback, user_data);
}

SbUser *
sb_store_user_get_finish (SbStore       *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  return SB_STORE_GET_IFACE (self)->user_get_finish (self, result, error);
}

void
sb_store_user_update_async (SbStore             *self,
                            SbUser              *user,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->user_update_async (self, user, cancellable, callback, user_data);
}

gboolean
sb_store_user_update_finish (SbStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  return SB_STORE_GET_IFACE (self)->user_update_finish (self, result, error);
}

void
sb_store_file_list_async (SbStore             *self,
                          const char          *owner,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->file_list_async (self, owner, cancellable, callback, user_data);
}

GPtrArray *
sb_store_file_list_finish (SbStore       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  return SB_STORE_GET_IFACE (self)->file_list_finish (self, result, error);
}

void
sb_store_file_get_async (SbStore             *self,
                         const char          *owner,
                         const char          *name,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->file_get_async (self, owner, name, cancellable, callback, user_data);
}

SbFile *
sb_store_file_get_finish (SbStore       *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  return SB_STORE_GET_IFACE (self)->file_get_finish (self, result, error);
}

void
sb_store_file_create_async (SbStore             *self,
                            SbFile              *file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->file_create_async (self, file, cancellable, callback, user_data);
}

gboolean
sb_store_file_create_finish (SbStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  return SB_STORE_GET_IFACE (self)->file_create_finish (self, result, error);
}

void
sb_store_file_update_async (SbStore             *self,
                            SbFile              *file,
                            gint64               expected_version,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->file_update_async (self, file, expected_version, cancellable, callback, user_data);
}

gboolean
sb_store_file_update_finish (SbStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  return SB_STORE_GET_IFACE (self)->file_update_finish (self, result, error);
}

void
sb_store_file_rename_async (SbStore             *self,
                            SbFile              *file,
                            const char          *old_name,
                            gint64               expected_version,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->file_rename_async (self, file, old_name, expected_version, cancellable, callback, user_data);
}

gboolean
sb_store_file_rename_finish (SbStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  return SB_STORE_GET_IFACE (self)->file_rename_finish (self, result, error);
}

void
sb_store_file_delete_async (SbStore             *self,
                            const char          *owner,
                            const char          *name,
                            gint64               expected_version,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->file_delete_async (self, owner, name, expected_version, cancellable, callback, user_data);
}

gboolean
sb_store_file_delete_finish (SbStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  return SB_STORE_GET_IFACE (self)->file_delete_finish (self, result, error);
}

void
sb_store_session_create_async (SbStore             *self,
                               SbSession           *session,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->session_create_async (self, session, cancellable, callback, user_data);
}

gboolean
sb_store_session_create_finish (SbStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  return SB_STORE_GET_IFACE (self)->session_create_finish (self, result, error);
}

void
sb_store_session_get_async (SbStore             *self,
                            const char          *token_hash,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->session_get_async (self, token_hash, cancellable, callback, user_data);
}

SbSession *
sb_store_session_get_finish (SbStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  return SB_STORE_GET_IFACE (self)->session_get_finish (self, result, error);
}

void
sb_store_session_delete_async (SbStore             *self,
                               const char          *token_hash,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->session_delete_async (self, token_hash, cancellable, callback, user_data);
}

gboolean
sb_store_session_delete_finish (SbStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  return SB_STORE_GET_IFACE (self)->session_delete_finish (self, result, error);
}

void
sb_store_session_delete_for_user_async (SbStore             *self,
                                        const char          *username,
                                        const char          *except_token_hash,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->session_delete_for_user_async (self, username, except_token_hash, cancellable, callback, user_data);
}

gboolean
sb_store_session_delete_for_user_finish (SbStore       *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  return SB_STORE_GET_IFACE (self)->session_delete_for_user_finish (self, result, error);
}

void
sb_store_blob_write_async (SbStore             *self,
                           const char          *owner,
                           const char          *name,
                           const char          *content_type,
                           GInputStream        *source,
                           gint64               size_hint,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->blob_write_async (self, owner, name, content_type, source, size_hint, cancellable, callback, user_data);
}

char *
sb_store_blob_write_finish (SbStore       *self,
                            GAsyncResult  *result,
                            guint64       *size,
                            char         **sha256,
                            GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  return SB_STORE_GET_IFACE (self)->blob_write_finish (self, result, size, sha256, error);
}

void
sb_store_blob_read_async (SbStore             *self,
                          const char          *key,
                          guint64              offset,
                          gint64               length,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->blob_read_async (self, key, offset, length, cancellable, callback, user_data);
}

GInputStream *
sb_store_blob_read_finish (SbStore       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  return SB_STORE_GET_IFACE (self)->blob_read_finish (self, result, error);
}

void
sb_store_blob_delete_async (SbStore             *self,
                            const char          *key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->blob_delete_async (self, key, cancellable, callback, user_data);
}

gboolean
sb_store_blob_delete_finish (SbStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  return SB_STORE_GET_IFACE (self)->blob_delete_finish (self, result, error);
}

void
sb_store_blob_restore_async (SbStore             *self,
                             const char          *key,
                             guint                days,
                             const char          *tier,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  g_return_if_fail (key != NULL && days > 0 && tier != NULL);
  SB_STORE_GET_IFACE (self)->blob_restore_async (self, key, days, tier, cancellable, callback,
                                                 user_data);
}

gboolean
sb_store_blob_restore_finish (SbStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  return SB_STORE_GET_IFACE (self)->blob_restore_finish (self, result, error);
}

void
sb_store_file_scan_async (SbStore             *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->file_scan_async (self, cancellable, callback, user_data);
}

GPtrArray *
sb_store_file_scan_finish (SbStore       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  return SB_STORE_GET_IFACE (self)->file_scan_finish (self, result, error);
}

void
sb_store_blob_list_async (SbStore             *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->blob_list_async (self, cancellable, callback, user_data);
}

GPtrArray *
sb_store_blob_list_finish (SbStore       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  return SB_STORE_GET_IFACE (self)->blob_list_finish (self, result, error);
}

void
sb_store_blob_stat_async (SbStore             *self,
                          const char          *key,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->blob_stat_async (self, key, cancellable, callback, user_data);
}

SbBlobInfo *
sb_store_blob_stat_finish (SbStore       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  return SB_STORE_GET_IFACE (self)->blob_stat_finish (self, result, error);
}

void
sb_store_upload_list_async (SbStore             *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->upload_list_async (self, cancellable, callback, user_data);
}

GPtrArray *
sb_store_upload_list_finish (SbStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  return SB_STORE_GET_IFACE (self)->upload_list_finish (self, result, error);
}

void
sb_store_upload_discard_async (SbStore             *self,
                               const SbBlobInfo    *upload,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (SB_IS_STORE (self));
  SB_STORE_GET_IFACE (self)->upload_discard_async (self, upload, cancellable, callback, user_data);
}

gboolean
sb_store_upload_discard_finish (SbStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  return SB_STORE_GET_IFACE (self)->upload_discard_finish (self, result, error);
}
