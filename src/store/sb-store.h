/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sb-blob-info.h"
#include "sb-file.h"
#include "sb-session.h"
#include "sb-user.h"

G_BEGIN_DECLS

#define SB_STORE_ERROR (sb_store_error_quark ())

typedef enum {
  SB_STORE_ERROR_FAILED,
  SB_STORE_ERROR_NOT_FOUND,     /* no such record or blob */
  SB_STORE_ERROR_EXISTS,        /* a record with that key already exists */
  SB_STORE_ERROR_CONFLICT,      /* the record changed since it was read */
  SB_STORE_ERROR_UNAVAILABLE,   /* the backend cannot be reached or refuses us */
  SB_STORE_ERROR_CORRUPT,       /* stored data failed an integrity check */
  SB_STORE_ERROR_INDETERMINATE, /* a write was sent but whether it happened cannot be known */
  SB_STORE_ERROR_NO_SPACE,      /* the backend's disk is full */
  SB_STORE_ERROR_ARCHIVED,      /* the blob is archived and must be restored before reading */
  SB_STORE_ERROR_NOT_SUPPORTED, /* this store cannot do that (blob_restore on one class) */
} SbStoreError;

GQuark sb_store_error_quark (void);

#define SB_TYPE_STORE (sb_store_get_type ())
G_DECLARE_INTERFACE (SbStore, sb_store, SB, STORE, GObject)

/**
 * SbStoreInterface:
 *
 * Where StorageBox keeps users, file records, sessions and blobs. Every
 * method is asynchronous and none blocks the calling thread's main context.
 * Records are compared and replaced whole; a file record's `version` guards
 * conditional writes so two writers never silently overwrite each other.
 *
 * Blobs are written from a #GInputStream and read back as one, so no file is
 * ever held in memory; a blob becomes visible only once completely written,
 * and a failed or cancelled write leaves nothing behind.
 *
 * The contract every implementation keeps (tests/store/ checks it):
 * - user_create: %SB_STORE_ERROR_EXISTS if the (already lower-cased) username
 *   is taken, even when two creations race.
 * - user_update: replaces email, password hash, role and updated_at;
 *   %SB_STORE_ERROR_NOT_FOUND if there is no such user.
 * - file_list: every record of @owner, sorted by name (bytewise).
 * - file_create: %SB_STORE_ERROR_EXISTS if (owner, name) exists.
 * - file_update: replaces the record (owner, name) whole, including its new
 *   version, only if its stored version equals @expected_version
 *   (%SB_STORE_ERROR_CONFLICT otherwise, %SB_STORE_ERROR_NOT_FOUND if gone).
 * - file_rename: moves record (owner, @old_name), whose stored version must be
 *   @expected_version, to the name and contents of @file;
 *   %SB_STORE_ERROR_EXISTS if that name is taken.
 * - file_delete: @expected_version < 0 deletes whatever is there;
 *   %SB_STORE_ERROR_NOT_FOUND if nothing is.
 * - session_get: may return an expired session (stores sweep them lazily;
 *   the caller checks expires_at); session_delete and blob_delete succeed
 *   when there is nothing to delete.
 * - blob_write: returns a new key `<owner>/<random id>`, the byte count and
 *   the hex SHA-256 of what was read from @source until end of stream;
 *   @size_hint is the expected size or -1.
 * - blob_read: @length -1 reads to the end; %SB_STORE_ERROR_NOT_FOUND if the
 *   key does not exist.
 * - blob_write records @owner and @name with the bytes themselves, so that
 *   file_scan's records can be rebuilt from blob_stat alone.
 *
 * Maintenance (what `storagebox-cli fsck` uses; safe while others write):
 * - file_scan: every file record of every owner, in no particular order.
 * - blob_list: every complete blob (#SbBlobInfo without owner or name).
 * - blob_stat: one blob, with the owner and name recorded with it;
 *   %SB_STORE_ERROR_NOT_FOUND if it does not exist.
 * - upload_list: unfinished blob writes (temporary files, multipart
 *   uploads), each with an upload_id; an upload in flight is listed too.
 * - upload_discard: removes one of those; succeeds if it is gone already.
 *
 * Archives (a store with S3 storage classes; others answer
 * %SB_STORE_ERROR_NOT_SUPPORTED to blob_restore and never archive):
 * - file_list and file_get fill in each record's storage class, whether a
 *   restore is running and until when a restored copy can be read.
 * - blob_read of archived content with no restored copy:
 *   %SB_STORE_ERROR_ARCHIVED.
 * - blob_restore: asks for a copy of archived blob @key readable for @days
 *   days, retrieved at @tier ("Expedited", "Standard", "Bulk", as S3 spells
 *   them); succeeds too when a restore is already running (nothing new is
 *   asked) or a copy exists (its time is extended);
 *   %SB_STORE_ERROR_NOT_SUPPORTED if the content is
 *   not archived or cannot be restored at that tier.
 */
struct _SbStoreInterface
{
  GTypeInterface parent_iface;

  void          (*user_create_async)             (SbStore             *self,
                                                  SbUser              *user,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  gboolean      (*user_create_finish)            (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*user_get_async)                (SbStore             *self,
                                                  const char          *username,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  SbUser       *(*user_get_finish)               (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*user_update_async)             (SbStore             *self,
                                                  SbUser              *user,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  gboolean      (*user_update_finish)            (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

  void          (*file_list_async)               (SbStore             *self,
                                                  const char          *owner,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  GPtrArray    *(*file_list_finish)              (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*file_get_async)                (SbStore             *self,
                                                  const char          *owner,
                                                  const char          *name,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  SbFile       *(*file_get_finish)               (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*file_create_async)             (SbStore             *self,
                                                  SbFile              *file,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  gboolean      (*file_create_finish)            (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*file_update_async)             (SbStore             *self,
                                                  SbFile              *file,
                                                  gint64               expected_version,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  gboolean      (*file_update_finish)            (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*file_rename_async)             (SbStore             *self,
                                                  SbFile              *file,
                                                  const char          *old_name,
                                                  gint64               expected_version,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  gboolean      (*file_rename_finish)            (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*file_delete_async)             (SbStore             *self,
                                                  const char          *owner,
                                                  const char          *name,
                                                  gint64               expected_version,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  gboolean      (*file_delete_finish)            (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

  void          (*session_create_async)          (SbStore             *self,
                                                  SbSession           *session,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  gboolean      (*session_create_finish)         (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*session_get_async)             (SbStore             *self,
                                                  const char          *token_hash,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  SbSession    *(*session_get_finish)            (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*session_delete_async)          (SbStore             *self,
                                                  const char          *token_hash,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  gboolean      (*session_delete_finish)         (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*session_delete_for_user_async) (SbStore             *self,
                                                  const char          *username,
                                                  const char          *except_token_hash,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  gboolean      (*session_delete_for_user_finish) (SbStore            *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);

  void          (*blob_write_async)              (SbStore             *self,
                                                  const char          *owner,
                                                  const char          *name,
                                                  const char          *content_type,
                                                  GInputStream        *source,
                                                  gint64               size_hint,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  char         *(*blob_write_finish)             (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  guint64             *size,
                                                  char               **sha256,
                                                  GError             **error);
  void          (*blob_read_async)               (SbStore             *self,
                                                  const char          *key,
                                                  guint64              offset,
                                                  gint64               length,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  GInputStream *(*blob_read_finish)              (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*blob_delete_async)             (SbStore             *self,
                                                  const char          *key,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  gboolean      (*blob_delete_finish)            (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*blob_restore_async)            (SbStore             *self,
                                                  const char          *key,
                                                  guint                days,
                                                  const char          *tier,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  gboolean      (*blob_restore_finish)           (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

  void          (*file_scan_async)               (SbStore             *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  GPtrArray    *(*file_scan_finish)              (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*blob_list_async)               (SbStore             *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  GPtrArray    *(*blob_list_finish)              (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*blob_stat_async)               (SbStore             *self,
                                                  const char          *key,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  SbBlobInfo   *(*blob_stat_finish)              (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*upload_list_async)             (SbStore             *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  GPtrArray    *(*upload_list_finish)            (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
  void          (*upload_discard_async)          (SbStore             *self,
                                                  const SbBlobInfo    *upload,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
  gboolean      (*upload_discard_finish)         (SbStore             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
};

void          sb_store_user_create_async              (SbStore             *self,
                                                       SbUser              *user,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean      sb_store_user_create_finish             (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_user_get_async                 (SbStore             *self,
                                                       const char          *username,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
SbUser       *sb_store_user_get_finish                (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_user_update_async              (SbStore             *self,
                                                       SbUser              *user,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean      sb_store_user_update_finish             (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void          sb_store_file_list_async                (SbStore             *self,
                                                       const char          *owner,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray    *sb_store_file_list_finish               (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_file_get_async                 (SbStore             *self,
                                                       const char          *owner,
                                                       const char          *name,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
SbFile       *sb_store_file_get_finish                (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_file_create_async              (SbStore             *self,
                                                       SbFile              *file,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean      sb_store_file_create_finish             (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_file_update_async              (SbStore             *self,
                                                       SbFile              *file,
                                                       gint64               expected_version,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean      sb_store_file_update_finish             (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_file_rename_async              (SbStore             *self,
                                                       SbFile              *file,
                                                       const char          *old_name,
                                                       gint64               expected_version,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean      sb_store_file_rename_finish             (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_file_delete_async              (SbStore             *self,
                                                       const char          *owner,
                                                       const char          *name,
                                                       gint64               expected_version,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean      sb_store_file_delete_finish             (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void          sb_store_session_create_async           (SbStore             *self,
                                                       SbSession           *session,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean      sb_store_session_create_finish          (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_session_get_async              (SbStore             *self,
                                                       const char          *token_hash,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
SbSession    *sb_store_session_get_finish             (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_session_delete_async           (SbStore             *self,
                                                       const char          *token_hash,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean      sb_store_session_delete_finish          (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_session_delete_for_user_async  (SbStore             *self,
                                                       const char          *username,
                                                       const char          *except_token_hash,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean      sb_store_session_delete_for_user_finish (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void          sb_store_blob_write_async               (SbStore             *self,
                                                       const char          *owner,
                                                       const char          *name,
                                                       const char          *content_type,
                                                       GInputStream        *source,
                                                       gint64               size_hint,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
char         *sb_store_blob_write_finish              (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       guint64             *size,
                                                       char               **sha256,
                                                       GError             **error);
void          sb_store_blob_read_async                (SbStore             *self,
                                                       const char          *key,
                                                       guint64              offset,
                                                       gint64               length,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GInputStream *sb_store_blob_read_finish               (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_blob_delete_async              (SbStore             *self,
                                                       const char          *key,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean      sb_store_blob_delete_finish             (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_blob_restore_async             (SbStore             *self,
                                                       const char          *key,
                                                       guint                days,
                                                       const char          *tier,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean      sb_store_blob_restore_finish            (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void          sb_store_file_scan_async                (SbStore             *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray    *sb_store_file_scan_finish               (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_blob_list_async                (SbStore             *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray    *sb_store_blob_list_finish               (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_blob_stat_async                (SbStore             *self,
                                                       const char          *key,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
SbBlobInfo   *sb_store_blob_stat_finish               (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_upload_list_async              (SbStore             *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray    *sb_store_upload_list_finish             (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void          sb_store_upload_discard_async           (SbStore             *self,
                                                       const SbBlobInfo    *upload,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean      sb_store_upload_discard_finish          (SbStore             *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
