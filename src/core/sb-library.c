/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sb-checked-input-stream.h"
#include "sb-core-private.h"
#include "sb-error.h"
#include "sb-library.h"
#include "sb-progress-input-stream.h"
#include "sb-validate.h"

/* Replacing content races with other writers only through the version
 * check; a few attempts settle any realistic contention. */
#define REPLACE_ATTEMPTS 3

struct _SbStagedContent
{
  SbStore *store;
  char    *object_key;
  char    *checksum;
  char    *content_type;
  guint64  size;
};

struct _SbLibrary
{
  GObject  parent_instance;
  SbStore *store;
  guint64  max_file_size;
};

G_DEFINE_FINAL_TYPE (SbLibrary, sb_library, G_TYPE_OBJECT)

static void
sb_library_dispose (GObject *object)
{
  SbLibrary *self = SB_LIBRARY (object);

  g_clear_object (&self->store);
  G_OBJECT_CLASS (sb_library_parent_class)->dispose (object);
}

static void
sb_library_class_init (SbLibraryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sb_library_dispose;
}

static void
sb_library_init (SbLibrary *self)
{
}

SbLibrary *
sb_library_new (SbStore *store,
                guint64  max_file_size)
{
  SbLibrary *self;

  g_return_val_if_fail (SB_IS_STORE (store), NULL);
  g_return_val_if_fail (max_file_size > 0, NULL);

  self = g_object_new (SB_TYPE_LIBRARY, NULL);
  self->store = g_object_ref (store);
  self->max_file_size = max_file_size;
  return self;
}

SbStore *
sb_library_get_store (SbLibrary *self)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), NULL);
  return self->store;
}

guint64
sb_library_get_max_file_size (SbLibrary *self)
{
  g_return_val_if_fail (SB_IS_LIBRARY (self), 0);
  return self->max_file_size;
}

/**
 * sb_library_guess_content_type:
 * @declared: (nullable): what the client said, if anything
 *
 * Returns: a MIME type for a file: the declared one if it is specific,
 *   otherwise a guess from the name, otherwise application/octet-stream.
 */
static gboolean
is_mime_token (const char *start,
               gsize       len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (start[i]) && strchr ("!#$&^_.+-", start[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* Only a plain "type/subtype": whatever else a client sends is ignored
 * rather than echoed into a response header later. */
static gboolean
is_plain_mime_type (const char *type)
{
  const char *slash = strchr (type, '/');

  return slash != NULL && strlen (type) < 128 && is_mime_token (type, (gsize) (slash - type)) &&
         is_mime_token (slash + 1, strlen (slash + 1));
}

char *
sb_library_guess_content_type (const char *name,
                               const char *declared)
{
  g_autofree char *guessed = NULL;
  gboolean uncertain = FALSE;

  if (declared && is_plain_mime_type (declared) &&
      g_ascii_strcasecmp (declared, "application/octet-stream") != 0)
    return g_ascii_strdown (declared, -1);

  guessed = g_content_type_guess (name, NULL, 0, &uncertain);
  if (guessed && !uncertain)
    {
      char *mime = g_content_type_get_mime_type (guessed);
      if (mime)
        return mime;
    }
  return g_strdup ("application/octet-stream");
}

/* Staged content */

guint64
sb_staged_content_get_size (SbStagedContent *content)
{
  g_return_val_if_fail (content != NULL, 0);
  return content->size;
}

static void
orphan_deleted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autofree char *key = user_data;
  g_autoptr(GError) error = NULL;

  if (!sb_store_blob_delete_finish (SB_STORE (object), result, &error))
    g_warning ("could not delete unused content %s: %s", key, error->message);
}

static void
delete_blob_later (SbStore    *store,
                   const char *key)
{
  sb_store_blob_delete_async (store, key, NULL, orphan_deleted_cb, g_strdup (key));
}

typedef struct
{
  SbStore *store;
  SbFile  *former;
} Release;

static void
release_free (Release *release)
{
  g_object_unref (release->store);
  g_object_unref (release->former);
  g_free (release);
}

static void
partner_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Release *release = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) partner = sb_store_file_get_finish (SB_STORE (object), result, &error);
  const char *key = sb_file_get_object_key (release->former);

  if (partner != NULL && g_str_equal (sb_file_get_object_key (partner), key))
    g_message ("kept %s: “%s” still refers to it (a rename left half done; fsck --repair "
               "finishes it)", key, sb_file_get_name (partner));
  else if (partner == NULL && !g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
    g_warning ("kept %s: could not check “%s”, which may refer to it too: %s", key,
               sb_file_get_partner (release->former), error->message);
  else
    delete_blob_later (release->store, key);
  release_free (release);
}

/* Deletes the content @former referred to, unless the record a rename
 * left beside it (its partner) still refers to the same content. */
static void
release_content (SbStore *store,
                 SbFile  *former)
{
  Release *release;

  if (*sb_file_get_partner (former) == '\0')
    {
      delete_blob_later (store, sb_file_get_object_key (former));
      return;
    }
  release = g_new0 (Release, 1);
  release->store = g_object_ref (store);
  release->former = g_object_ref (former);
  sb_store_file_get_async (store, sb_file_get_owner (former), sb_file_get_partner (former), NULL,
                           partner_read_cb, release);
}

void
sb_staged_content_free (SbStagedContent *content)
{
  if (content == NULL)
    return;
  if (content->object_key)
    delete_blob_later (content->store, content->object_key);
  g_clear_object (&content->store);
  g_free (content->object_key);
  g_free (content->checksum);
  g_free (content->content_type);
  g_free (content);
}

/* Makes @file refer to @content, which from now on belongs to the record. */
static void
apply_content (SbFile          *file,
               SbStagedContent *content)
{
  sb_file_set_object_key (file, content->object_key);
  sb_file_set_size (file, content->size);
  sb_file_set_checksum (file, content->checksum);
  sb_file_set_content_type (file, content->content_type);
}

static void
commit_content (SbStagedContent *content)
{
  g_clear_pointer (&content->object_key, g_free);
}

/* Operation state */

typedef struct
{
  char            *owner;
  char            *name;
  char            *new_name;
  char            *description;
  char            *content_type;
  GInputStream    *source;
  SbStagedContent *content;
  SbFile          *current;
  SbFile          *file;
  SbUploadFlags    flags;
  gint64           expected_version;
  guint            attempts;
  guint64          offset;
  gint64           length;
} Op;

static void
op_free (Op *op)
{
  g_free (op->owner);
  g_free (op->name);
  g_free (op->new_name);
  g_free (op->description);
  g_free (op->content_type);
  g_clear_object (&op->source);
  g_clear_pointer (&op->content, sb_staged_content_free);
  g_clear_object (&op->current);
  g_clear_object (&op->file);
  g_free (op);
}

static GTask *
op_task_new (SbLibrary           *self,
             gpointer             source_tag,
             const char          *owner,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             Op                 **op_out)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  /* Once a record is written, success is what happened, whatever the
   * cancellable says afterwards. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  op->owner = g_strdup (owner);
  *op_out = op;
  return task;
}

static char *
not_found_message (const char *name)
{
  return g_strdup_printf (_("There is no file named “%s”."), name);
}

static char *
exists_message (const char *name)
{
  return g_strdup_printf (_("A file named “%s” already exists."), name);
}

static void
return_store_error (GTask        *task,
                    const GError *error,
                    const char   *name)
{
  g_autofree char *not_found = not_found_message (name);
  g_autofree char *exists = exists_message (name);

  if (error->domain == G_IO_ERROR && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    {
      g_warning ("storage I/O error: %s", error->message);
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_FAILED,
                               _("The file could not be stored: %s"), error->message);
      return;
    }
  g_task_return_error (task, sb_error_from_store (error, not_found, exists));
}

/* A record write whose outcome the store could not learn: the record may
 * now point at the new content, or still at the old one, so neither is
 * deleted (fsck reclaims whichever ends up unreferenced). */
static gboolean
return_if_uncertain (GTask        *task,
                     const GError *error,
                     gboolean      deleting)
{
  Op *op = g_task_get_task_data (task);

  if (!g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_INDETERMINATE))
    return FALSE;
  g_warning ("outcome of a write to %s/%s unknown, keeping its content: %s", op->owner,
             op->name, error->message);
  if (op->content != NULL)
    commit_content (op->content);
  if (deleting)
    g_task_return_new_error (task, SB_ERROR, SB_ERROR_UNCERTAIN,
                             _("The storage service did not confirm whether “%s” was deleted. "
                               "Look at your files again in a moment."), op->name);
  else
    g_task_return_new_error (task, SB_ERROR, SB_ERROR_UNCERTAIN,
                             _("The storage service did not confirm whether “%s” was saved. "
                               "Nothing was lost: look at your files again in a moment."),
                             op->name);
  return TRUE;
}

/* Stage */

static void
stage_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *checksum = NULL;
  guint64 size = 0;
  char *key = sb_store_blob_write_finish (SB_STORE (object), result, &size, &checksum, &error);
  SbStagedContent *content;

  if (key == NULL)
    {
      /* The uploader's side broke off (or sent too much): not a storage
       * problem, and the error already says what happened. */
      if (sb_progress_input_stream_get_failed (SB_PROGRESS_INPUT_STREAM (op->source)))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        return_store_error (task, error, op->name);
      return;
    }

  content = g_new0 (SbStagedContent, 1);
  content->store = g_object_ref (SB_STORE (object));
  content->object_key = key;
  content->checksum = g_steal_pointer (&checksum);
  content->content_type = g_steal_pointer (&op->content_type);
  content->size = size;
  g_task_return_pointer (task, content, (GDestroyNotify) sb_staged_content_free);
}

/**
 * sb_library_stage_async:
 * @name: the file name the content is for (checked now, so that a bad name
 *   fails before any byte is stored)
 * @content_type: (nullable): the declared MIME type
 * @size_hint: the expected size, or -1
 *
 * Streams @source into storage without making it part of any file yet.
 * More than the library's maximum file size fails with %SB_ERROR_TOO_LARGE
 * and stores nothing.
 */
void
sb_library_stage_async (SbLibrary             *self,
                        const char            *owner,
                        const char            *name,
                        const char            *content_type,
                        GInputStream          *source,
                        gint64                 size_hint,
                        GFileProgressCallback  progress,
                        gpointer               progress_data,
                        GCancellable          *cancellable,
                        GAsyncReadyCallback    callback,
                        gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Op *op;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (owner != NULL);
  g_return_if_fail (G_IS_INPUT_STREAM (source));

  task = op_task_new (self, SB_SOURCE_TAG (sb_library_stage_async), owner, cancellable,
                      callback, user_data, &op);
  if ((op->name = sb_validate_file_name (name, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->max_file_size > 0 && size_hint > 0 && (guint64) size_hint > self->max_file_size)
    {
      g_autofree char *limit = g_format_size_full (self->max_file_size, G_FORMAT_SIZE_IEC_UNITS);
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_TOO_LARGE,
                               _("The file is too large: the limit is %s."), limit);
      return;
    }

  op->content_type = sb_library_guess_content_type (op->name, content_type);
  op->source = sb_progress_input_stream_new (source, self->max_file_size, size_hint, progress,
                                             progress_data);
  sb_store_blob_write_async (self->store, owner, op->name, op->content_type, op->source, size_hint,
                             cancellable, stage_cb, g_steal_pointer (&task));
}

SbStagedContent *
sb_library_stage_finish (SbLibrary     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Create (or replace) */

static void replace_get_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data);

static void
replace_update_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbLibrary *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sb_store_file_update_finish (SB_STORE (object), result, &error))
    {
      if (return_if_uncertain (task, error, FALSE))
        return;
      /* Someone else changed or deleted it in between: look again. */
      if ((g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_CONFLICT) ||
           g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND)) &&
          ++op->attempts < REPLACE_ATTEMPTS)
        {
          sb_store_file_get_async (self->store, op->owner, op->name, NULL, replace_get_cb,
                                   g_steal_pointer (&task));
          return;
        }
      return_store_error (task, error, op->name);
      return;
    }

  commit_content (op->content);
  release_content (self->store, op->current);
  g_task_return_pointer (task, g_steal_pointer (&op->file), g_object_unref);
}

static void create_record (GTask *task);

static void
replace_get_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbLibrary *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_clear_object (&op->current);
  op->current = sb_store_file_get_finish (SB_STORE (object), result, &error);
  if (op->current == NULL)
    {
      if (g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND) &&
          ++op->attempts < REPLACE_ATTEMPTS)
        create_record (g_steal_pointer (&task));
      else
        return_store_error (task, error, op->name);
      return;
    }

  g_clear_object (&op->file);
  op->file = sb_file_copy (op->current);
  apply_content (op->file, op->content);
  if (op->description && *op->description)
    sb_file_set_description (op->file, op->description);
  sb_file_set_modified_at (op->file, g_get_real_time ());
  sb_file_set_version (op->file, sb_file_get_version (op->current) + 1);
  sb_store_file_update_async (self->store, op->file, sb_file_get_version (op->current), NULL,
                              replace_update_cb, g_steal_pointer (&task));
}

static void
create_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbLibrary *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sb_store_file_create_finish (SB_STORE (object), result, &error))
    {
      if (return_if_uncertain (task, error, FALSE))
        return;
      if (g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS) &&
          (op->flags & SB_UPLOAD_REPLACE) && op->attempts < REPLACE_ATTEMPTS)
        {
          sb_store_file_get_async (self->store, op->owner, op->name, NULL, replace_get_cb,
                                   g_steal_pointer (&task));
          return;
        }
      if (g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS))
        {
          g_task_return_new_error (task, SB_ERROR, SB_ERROR_EXISTS,
                                   _("A file named “%s” already exists. Choose another name, "
                                     "or replace the existing file."), op->name);
          return;
        }
      return_store_error (task, error, op->name);
      return;
    }

  commit_content (op->content);
  g_task_return_pointer (task, g_steal_pointer (&op->file), g_object_unref);
}

static void
create_record (GTask *task)
{
  SbLibrary *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  gint64 now = g_get_real_time ();

  g_clear_object (&op->file);
  op->file = sb_file_new (op->owner, op->name);
  apply_content (op->file, op->content);
  sb_file_set_description (op->file, op->description);
  sb_file_set_created_at (op->file, now);
  sb_file_set_modified_at (op->file, now);
  sb_file_set_version (op->file, 1);
  sb_store_file_create_async (self->store, op->file, NULL, create_cb, task);
}

/**
 * sb_library_create_async:
 * @content: (transfer full): staged content; committed on success, deleted
 *   on failure
 * @flags: %SB_UPLOAD_REPLACE to give an existing file of that name the new
 *   content (keeping its creation date; its description too, unless
 *   @description is non-empty)
 *
 * Makes staged content a file. Without %SB_UPLOAD_REPLACE an existing name
 * fails with %SB_ERROR_EXISTS and changes nothing.
 */
void
sb_library_create_async (SbLibrary           *self,
                         const char          *owner,
                         const char          *name,
                         const char          *description,
                         SbStagedContent     *content,
                         SbUploadFlags        flags,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Op *op;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (owner != NULL);
  g_return_if_fail (content != NULL);

  task = op_task_new (self, SB_SOURCE_TAG (sb_library_create_async), owner, cancellable,
                      callback, user_data, &op);
  op->content = content;
  op->flags = flags;
  if ((op->name = sb_validate_file_name (name, &error)) == NULL ||
      (op->description = sb_validate_description (description, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  create_record (g_steal_pointer (&task));
}

SbFile *
sb_library_create_finish (SbLibrary     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Upload = stage + create */

static void
upload_create_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  SbFile *file = sb_library_create_finish (SB_LIBRARY (object), result, &error);

  if (file == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, file, g_object_unref);
}

static void
upload_stage_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  SbStagedContent *content = sb_library_stage_finish (SB_LIBRARY (object), result, &error);

  if (content == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sb_library_create_async (SB_LIBRARY (object), op->owner, op->name, op->description, content,
                           op->flags, NULL, upload_create_cb, g_steal_pointer (&task));
}

/**
 * sb_library_upload_async:
 *
 * Stores @source as the file @name with @description: the bytes first, then
 * the record. A failure at any point leaves nothing behind.
 */
void
sb_library_upload_async (SbLibrary             *self,
                         const char            *owner,
                         const char            *name,
                         const char            *description,
                         const char            *content_type,
                         GInputStream          *source,
                         gint64                 size_hint,
                         SbUploadFlags          flags,
                         GFileProgressCallback  progress,
                         gpointer               progress_data,
                         GCancellable          *cancellable,
                         GAsyncReadyCallback    callback,
                         gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *checked = NULL;
  GError *error = NULL;
  Op *op;

  g_return_if_fail (SB_IS_LIBRARY (self));

  task = op_task_new (self, SB_SOURCE_TAG (sb_library_upload_async), owner, cancellable,
                      callback, user_data, &op);
  op->flags = flags;
  op->name = g_strdup (name);
  /* Checked before any byte moves, so bad input costs nothing. */
  if ((checked = sb_validate_description (description, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  op->description = g_strdup (description);
  sb_library_stage_async (self, owner, name, content_type, source, size_hint, progress,
                          progress_data, cancellable, upload_stage_cb, g_steal_pointer (&task));
}

SbFile *
sb_library_upload_finish (SbLibrary     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* List and get */

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *files = sb_store_file_list_finish (SB_STORE (object), result, &error);

  if (files == NULL)
    return_store_error (task, error, "");
  else
    g_task_return_pointer (task, files, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * sb_library_list_async:
 *
 * Lists every file of @owner, sorted by name. The result is a #GPtrArray of
 * #SbFile.
 */
void
sb_library_list_async (SbLibrary           *self,
                       const char          *owner,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (SB_IS_LIBRARY (self));

  task = op_task_new (self, SB_SOURCE_TAG (sb_library_list_async), owner, cancellable, callback,
                      user_data, &op);
  g_task_set_check_cancellable (task, TRUE);
  sb_store_file_list_async (self->store, owner, cancellable, list_cb, g_steal_pointer (&task));
}

GPtrArray *
sb_library_list_finish (SbLibrary     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
get_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SbFile *file = sb_store_file_get_finish (SB_STORE (object), result, &error);

  if (file == NULL)
    return_store_error (task, error, op->name);
  else
    g_task_return_pointer (task, file, g_object_unref);
}

void
sb_library_get_async (SbLibrary           *self,
                      const char          *owner,
                      const char          *name,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (SB_IS_LIBRARY (self));

  task = op_task_new (self, SB_SOURCE_TAG (sb_library_get_async), owner, cancellable, callback,
                      user_data, &op);
  g_task_set_check_cancellable (task, TRUE);
  op->name = g_strdup (name ? name : "");
  sb_store_file_get_async (self->store, owner, op->name, cancellable, get_cb,
                           g_steal_pointer (&task));
}

SbFile *
sb_library_get_finish (SbLibrary     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Open (download) */

/* Takes @stream: the content of op->file from op->offset, held to the one
 * download rule (sb-checked-input-stream.h). */
static GInputStream *
checked_stream (Op           *op,
                GInputStream *stream)
{
  guint64 size = sb_file_get_size (op->file);
  guint64 length = op->length >= 0 ? (guint64) op->length : size - op->offset;
  gboolean whole = op->offset == 0 && length == size;
  GInputStream *checked = sb_checked_input_stream_new (stream, op->name, length,
                                                       whole ? sb_file_get_checksum (op->file)
                                                             : NULL);

  g_object_unref (stream);
  return checked;
}

static void
open_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GInputStream *stream = sb_store_blob_read_finish (SB_STORE (object), result, &error);

  if (stream == NULL)
    {
      if (g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
        {
          g_warning ("record %s/%s points at missing content %s", op->owner, op->name,
                     sb_file_get_object_key (op->file));
          g_task_return_new_error (task, SB_ERROR, SB_ERROR_FAILED,
                                   _("The content of “%s” is missing from storage."), op->name);
          return;
        }
      if (g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_ARCHIVED))
        {
          if (sb_file_get_restore_in_progress (op->file))
            g_task_return_new_error (task, SB_ERROR, SB_ERROR_ARCHIVED,
                                     _("“%s” is being restored from the archive. It can be "
                                       "downloaded once that is done."), op->name);
          else
            g_task_return_new_error (task, SB_ERROR, SB_ERROR_ARCHIVED,
                                     _("“%s” is archived. Restore it first; it can then be "
                                       "downloaded for as many days as you choose."), op->name);
          return;
        }
      return_store_error (task, error, op->name);
      return;
    }
  g_task_return_pointer (task, checked_stream (op, stream), g_object_unref);
}

/* Checks the range against the record, then opens the blob. */
static void
read_blob (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  SbLibrary *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint64 size = sb_file_get_size (op->file);

  if (op->offset > size || (op->length >= 0 && op->offset + (guint64) op->length > size))
    {
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_INVALID,
                               _("The requested range is outside the file."));
      g_object_unref (task);
      return;
    }
  sb_store_blob_read_async (self->store, sb_file_get_object_key (op->file), op->offset,
                            op->length, cancellable, open_read_cb, task);
}

static void
open_get_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->file = sb_store_file_get_finish (SB_STORE (object), result, &error);
  if (op->file == NULL)
    {
      return_store_error (task, error, op->name);
      return;
    }
  read_blob (g_steal_pointer (&task));
}

/**
 * sb_library_read_async:
 * @file: a record just read through this library
 * @length: bytes to read from @offset, or -1 for the rest of the file
 *
 * Opens the content of @file, when the caller already has its record (to
 * choose a range, say) and need not look it up again.
 */
void
sb_library_read_async (SbLibrary           *self,
                       SbFile              *file,
                       guint64              offset,
                       gint64               length,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (SB_IS_FILE (file));

  task = op_task_new (self, SB_SOURCE_TAG (sb_library_read_async), sb_file_get_owner (file),
                      cancellable, callback, user_data, &op);
  g_task_set_check_cancellable (task, TRUE);
  op->name = g_strdup (sb_file_get_name (file));
  op->file = g_object_ref (file);
  op->offset = offset;
  op->length = length;
  read_blob (task);
}

GInputStream *
sb_library_read_finish (SbLibrary     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sb_library_open_async:
 * @length: bytes to read from @offset, or -1 for the rest of the file
 *
 * Opens a file's content for reading, streamed from storage.
 */
void
sb_library_open_async (SbLibrary           *self,
                       const char          *owner,
                       const char          *name,
                       guint64              offset,
                       gint64               length,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (SB_IS_LIBRARY (self));

  task = op_task_new (self, SB_SOURCE_TAG (sb_library_open_async), owner, cancellable, callback,
                      user_data, &op);
  g_task_set_check_cancellable (task, TRUE);
  op->name = g_strdup (name ? name : "");
  op->offset = offset;
  op->length = length;
  sb_store_file_get_async (self->store, owner, op->name, cancellable, open_get_cb,
                           g_steal_pointer (&task));
}

/**
 * sb_library_open_finish:
 * @file: (out) (optional) (transfer full): the file's record
 *
 * Returns: (transfer full): the content stream
 */
GInputStream *
sb_library_open_finish (SbLibrary     *self,
                        GAsyncResult  *result,
                        SbFile       **file,
                        GError       **error)
{
  GInputStream *stream;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  stream = g_task_propagate_pointer (G_TASK (result), error);
  if (stream && file)
    {
      Op *op = g_task_get_task_data (G_TASK (result));
      *file = g_object_ref (op->file);
    }
  return stream;
}

/* Edit */

/* Reads the record an edit or a delete starts from into op->current.
 * Returns FALSE, with the task's error returned, when it is missing or is
 * no longer the version the user saw. */
static gboolean
take_current (GTask        *task,
              GObject      *object,
              GAsyncResult *result)
{
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->current = sb_store_file_get_finish (SB_STORE (object), result, &error);
  if (op->current == NULL)
    {
      return_store_error (task, error, op->name);
      return FALSE;
    }
  if (op->expected_version >= 0 && sb_file_get_version (op->current) != op->expected_version)
    {
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_CONFLICT,
                               _("“%s” was changed by someone else in the meantime. "
                                 "Please reload and try again."), op->name);
      return FALSE;
    }
  return TRUE;
}

static void
edit_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbLibrary *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_strcmp0 (op->new_name, op->name) != 0)
    ok = sb_store_file_rename_finish (SB_STORE (object), result, &error);
  else
    ok = sb_store_file_update_finish (SB_STORE (object), result, &error);

  if (!ok)
    {
      if (return_if_uncertain (task, error, FALSE))
        return;
      if (g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS))
        {
          g_autofree char *message = exists_message (op->new_name);
          g_task_return_new_error (task, SB_ERROR, SB_ERROR_EXISTS, "%s", message);
        }
      else
        return_store_error (task, error, op->name);
      return;
    }

  if (op->content)
    {
      commit_content (op->content);
      release_content (self->store, op->current);
    }
  g_task_return_pointer (task, g_steal_pointer (&op->file), g_object_unref);
}

static void
edit_get_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbLibrary *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  gboolean changed_content_or_text = FALSE;

  if (!take_current (task, object, result))
    return;

  op->file = sb_file_copy (op->current);
  if (op->new_name == NULL)
    op->new_name = g_strdup (op->name);
  sb_file_set_name (op->file, op->new_name);
  if (op->description && g_strcmp0 (op->description, sb_file_get_description (op->current)) != 0)
    {
      sb_file_set_description (op->file, op->description);
      changed_content_or_text = TRUE;
    }
  if (op->content)
    {
      apply_content (op->file, op->content);
      changed_content_or_text = TRUE;
    }

  if (!changed_content_or_text && g_strcmp0 (op->new_name, op->name) == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&op->file), g_object_unref);
      return;
    }

  /* A rename alone keeps the modification time, as file managers do. */
  if (changed_content_or_text)
    sb_file_set_modified_at (op->file, g_get_real_time ());
  sb_file_set_version (op->file, sb_file_get_version (op->current) + 1);

  if (g_strcmp0 (op->new_name, op->name) != 0)
    sb_store_file_rename_async (self->store, op->file, op->name,
                                sb_file_get_version (op->current), NULL, edit_done_cb,
                                g_steal_pointer (&task));
  else
    sb_store_file_update_async (self->store, op->file, sb_file_get_version (op->current), NULL,
                                edit_done_cb, g_steal_pointer (&task));
}

/**
 * sb_library_edit_async:
 * @new_name: (nullable): rename to this, or %NULL to keep the name
 * @description: (nullable): the new description, or %NULL to keep it
 * @content: (nullable) (transfer full): new content, or %NULL to keep it;
 *   the creation date stays either way
 * @expected_version: the version the user saw, or -1 to not check
 *
 * Changes a file in one step: either every change applies or none does.
 */
void
sb_library_edit_async (SbLibrary           *self,
                       const char          *owner,
                       const char          *name,
                       const char          *new_name,
                       const char          *description,
                       SbStagedContent     *content,
                       gint64               expected_version,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Op *op;

  g_return_if_fail (SB_IS_LIBRARY (self));

  task = op_task_new (self, SB_SOURCE_TAG (sb_library_edit_async), owner, cancellable, callback,
                      user_data, &op);
  op->content = content;
  op->name = g_strdup (name ? name : "");
  op->expected_version = expected_version;
  if ((new_name && (op->new_name = sb_validate_file_name (new_name, &error)) == NULL) ||
      (description && (op->description = sb_validate_description (description, &error)) == NULL))
    {
      g_task_return_error (task, error);
      return;
    }
  sb_store_file_get_async (self->store, owner, op->name, cancellable, edit_get_cb,
                           g_steal_pointer (&task));
}

SbFile *
sb_library_edit_finish (SbLibrary     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Delete */

static void
delete_record_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sb_store_file_delete_finish (SB_STORE (object), result, &error))
    {
      if (!return_if_uncertain (task, error, TRUE))
        return_store_error (task, error, op->name);
      return;
    }
  /* The record is gone, so the file is gone for the user; the bytes follow.
   * If that fails, `storagebox-cli fsck` finds the orphan. */
  release_content (SB_STORE (object), op->current);
  g_task_return_boolean (task, TRUE);
}

static void
delete_get_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);

  if (!take_current (task, object, result))
    return;
  sb_store_file_delete_async (SB_STORE (object), op->owner, op->name,
                              sb_file_get_version (op->current), NULL, delete_record_cb,
                              g_steal_pointer (&task));
}

/**
 * sb_library_delete_async:
 * @expected_version: the version the user saw, or -1 to not check
 *
 * Deletes a file: the record first, then its bytes, so that no record ever
 * points at missing content.
 */
void
sb_library_delete_async (SbLibrary           *self,
                         const char          *owner,
                         const char          *name,
                         gint64               expected_version,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (SB_IS_LIBRARY (self));

  task = op_task_new (self, SB_SOURCE_TAG (sb_library_delete_async), owner, cancellable,
                      callback, user_data, &op);
  op->name = g_strdup (name ? name : "");
  op->expected_version = expected_version;
  sb_store_file_get_async (self->store, owner, op->name, cancellable, delete_get_cb,
                           g_steal_pointer (&task));
}

gboolean
sb_library_delete_finish (SbLibrary     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Restore (archived content) */

typedef struct
{
  char          *owner;
  char          *name;
  SbRestoreTier  tier;
  guint          days;
  gint64         requested_at;
  guint          attempts;
} Restore;

static void
restore_free (Restore *restore)
{
  g_free (restore->owner);
  g_free (restore->name);
  g_free (restore);
}

static void restore_record_get_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data);

static void
restore_record_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Restore *restore = g_task_get_task_data (task);
  SbFile *file = g_object_get_data (G_OBJECT (task), "file");
  g_autoptr(GError) error = NULL;

  if (sb_store_file_update_finish (SB_STORE (object), result, &error))
    {
      g_task_return_pointer (task, g_object_ref (file), g_object_unref);
      return;
    }
  /* The restore itself was asked for; only its time is not kept yet. */
  if (g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_CONFLICT) && ++restore->attempts < 3)
    {
      sb_store_file_get_async (SB_STORE (object), restore->owner, restore->name,
                               g_task_get_cancellable (task), restore_record_get_cb,
                               g_steal_pointer (&task));
      return;
    }
  g_warning ("restore of %s/%s asked for, but its time was not recorded: %s", restore->owner,
             restore->name, error->message);
  g_task_return_pointer (task, g_object_ref (file), g_object_unref);
}

/* Keeps when the restore was asked for in the record (S3 does not say). */
static void
record_restore (GTask  *task,
                SbFile *current)
{
  SbLibrary *self = g_task_get_source_object (task);
  Restore *restore = g_task_get_task_data (task);
  g_autoptr(SbFile) file = sb_file_copy (current);

  sb_file_set_restore_requested_at (file, restore->requested_at);
  if (sb_file_get_restored_until (file) <= g_get_real_time ())
    sb_file_set_restore_in_progress (file, TRUE);
  sb_file_set_version (file, sb_file_get_version (current) + 1);
  g_object_set_data_full (G_OBJECT (task), "file", g_object_ref (file), g_object_unref);
  sb_store_file_update_async (self->store, file, sb_file_get_version (current), NULL,
                              restore_record_cb, task);
}

static void
restore_record_get_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  SbFile *file = g_object_get_data (G_OBJECT (task), "file");
  g_autoptr(SbFile) current = sb_store_file_get_finish (SB_STORE (object), result, NULL);

  if (current == NULL ||
      !g_str_equal (sb_file_get_object_key (current), sb_file_get_object_key (file)))
    {
      /* Deleted or replaced meanwhile: the restore was of content no longer there. */
      g_task_return_pointer (task, g_object_ref (file), g_object_unref);
      g_object_unref (task);
      return;
    }
  record_restore (task, current);
}

static void
restore_blob_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Restore *restore = g_task_get_task_data (task);
  SbFile *file = g_object_get_data (G_OBJECT (task), "file");
  g_autoptr(GError) error = NULL;

  if (!sb_store_blob_restore_finish (SB_STORE (object), result, &error))
    {
      return_store_error (task, error, restore->name);
      return;
    }
  restore->requested_at = g_get_real_time ();
  record_restore (g_steal_pointer (&task), file);
}

static void
restore_get_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Restore *restore = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = sb_store_file_get_finish (SB_STORE (object), result, &error);
  const char *s3_class;

  if (file == NULL)
    {
      return_store_error (task, error, restore->name);
      return;
    }
  s3_class = sb_file_get_storage_class (file);
  if (!sb_storage_class_needs_restore (s3_class))
    {
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_INVALID,
                               _("“%s” is not archived, so there is nothing to restore: it can "
                                 "be downloaded as it is."), restore->name);
      return;
    }
  if (!sb_restore_tier_available (restore->tier, s3_class))
    {
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_INVALID,
                               _("“%s” is in %s, which cannot be restored at %s speed: choose "
                                 "%s or %s."), restore->name,
                               sb_storage_class_describe (s3_class),
                               sb_restore_tier_describe (restore->tier),
                               sb_restore_tier_describe (SB_RESTORE_TIER_STANDARD),
                               sb_restore_tier_describe (SB_RESTORE_TIER_BULK));
      return;
    }
  /* Asking again while S3 works on it would change nothing. */
  if (sb_file_get_restore_in_progress (file))
    {
      g_task_return_pointer (task, g_steal_pointer (&file), g_object_unref);
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "file", g_object_ref (file), g_object_unref);
  sb_store_blob_restore_async (SB_STORE (object), sb_file_get_object_key (file), restore->days,
                               sb_restore_tier_to_string (restore->tier),
                               g_task_get_cancellable (task), restore_blob_cb,
                               g_steal_pointer (&task));
}

/**
 * sb_library_restore_async:
 * @tier: how fast (and at what price) S3 brings the content back
 * @days: how long the restored copy stays readable, 1 to
 *   %SB_RESTORE_DAYS_MAX
 *
 * Asks for an archived file's content to be restored, so that it can be
 * downloaded. Asking while a restore is running changes nothing; asking
 * while a restored copy exists makes it last @days from now. The result is
 * the file's record, its restore state as it now stands. %SB_ERROR_INVALID
 * if the file is not archived or @tier is not offered for its class.
 */
void
sb_library_restore_async (SbLibrary           *self,
                          const char          *owner,
                          const char          *name,
                          SbRestoreTier        tier,
                          guint                days,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Restore *restore;

  g_return_if_fail (SB_IS_LIBRARY (self));
  g_return_if_fail (owner != NULL);
  g_return_if_fail (tier < SB_RESTORE_N_TIERS);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_library_restore_async));
  g_task_set_check_cancellable (task, TRUE);
  restore = g_new0 (Restore, 1);
  restore->owner = g_strdup (owner);
  restore->name = g_strdup (name ? name : "");
  restore->tier = tier;
  restore->days = days;
  g_task_set_task_data (task, restore, (GDestroyNotify) restore_free);
  if (days < 1 || days > SB_RESTORE_DAYS_MAX)
    {
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_INVALID,
                               _("A restored copy can be kept from 1 to %d days."),
                               SB_RESTORE_DAYS_MAX);
      return;
    }
  sb_store_file_get_async (self->store, owner, restore->name, cancellable, restore_get_cb,
                           g_steal_pointer (&task));
}

SbFile *
sb_library_restore_finish (SbLibrary     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
