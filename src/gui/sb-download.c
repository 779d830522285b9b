/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-download.h"
#include "sb-progress-input-stream.h"

struct _SbDownload
{
  GObject    parent_instance;

  SbLibrary *library;
  SbFile    *file;
  GFile     *destination;
};

G_DEFINE_FINAL_TYPE (SbDownload, sb_download, G_TYPE_OBJECT)

/* One run of sb_download_save_async(), the task's data. */
typedef struct
{
  GFileProgressCallback  progress;
  gpointer               progress_data;
  GInputStream          *input;
  GOutputStream         *output;
  /* The copy's error, reported once the output is closed. */
  GError                *error;
  gboolean               created;
} Save;

static void
save_free (Save *save)
{
  g_clear_object (&save->input);
  g_clear_object (&save->output);
  g_clear_error (&save->error);
  g_free (save);
}

static void
removed_partial_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Save *save = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_file_delete_finish (G_FILE (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_warning ("Could not remove a partial download: %s", error->message);
  g_task_return_error (task, g_steal_pointer (&save->error));
}

/* Takes @task and @error. */
static void
save_failed (GTask  *task,
             GError *error)
{
  SbDownload *self = g_task_get_source_object (task);
  Save *save = g_task_get_task_data (task);

  g_clear_error (&save->error);
  save->error = error;
  /* A file we created holds only part of the content: remove it, even when
   * cancelled, before saying it is over. */
  if (save->created)
    {
      g_file_delete_async (self->destination, G_PRIORITY_DEFAULT, NULL, removed_partial_cb,
                           task);
      return;
    }
  g_task_return_error (task, g_steal_pointer (&save->error));
  g_object_unref (task);
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Save *save = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (object), result, &error) ||
      save->error != NULL)
    {
      save_failed (g_steal_pointer (&task),
                   save->error ? g_steal_pointer (&save->error) : g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
spliced_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Save *save = g_task_get_task_data (task);
  g_autoptr(GCancellable) discard = NULL;

  /* Closing a replacing stream renames its content over the file, unless
   * the close is cancelled: only a complete, checked download may land. */
  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &save->error) < 0)
    {
      discard = g_cancellable_new ();
      g_cancellable_cancel (discard);
    }
  g_output_stream_close_async (save->output, G_PRIORITY_DEFAULT, discard, closed_cb,
                               g_steal_pointer (&task));
}

/* Takes @task. */
static void
start_copy (GTask             *task,
            GFileOutputStream *output)
{
  SbDownload *self = g_task_get_source_object (task);
  Save *save = g_task_get_task_data (task);
  g_autoptr(GInputStream) counted = NULL;

  GCancellable *cancellable = g_task_get_cancellable (task);

  save->output = G_OUTPUT_STREAM (g_object_ref (output));
  counted = sb_progress_input_stream_new (save->input, 0, (gint64) sb_file_get_size (self->file),
                                          save->progress, save->progress_data);
  g_output_stream_splice_async (save->output, counted, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE,
                                G_PRIORITY_DEFAULT, cancellable, spliced_cb, task);
}

static void
replaced_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) output = g_file_replace_finish (G_FILE (object), result, &error);

  if (output == NULL)
    {
      save_failed (g_steal_pointer (&task), g_steal_pointer (&error));
      return;
    }
  start_copy (g_steal_pointer (&task), output);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Save *save = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) output = g_file_create_finish (G_FILE (object), result, &error);

  if (output == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      /* Whoever chose the destination already agreed to replace it. */
      g_file_replace_async (G_FILE (object), NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                            G_PRIORITY_DEFAULT, cancellable, replaced_cb,
                            g_steal_pointer (&task));
      return;
    }
  if (output == NULL)
    {
      save_failed (g_steal_pointer (&task), g_steal_pointer (&error));
      return;
    }
  save->created = TRUE;
  start_copy (g_steal_pointer (&task), output);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbDownload *self = g_task_get_source_object (task);
  Save *save = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  save->input = sb_library_read_finish (SB_LIBRARY (object), result, &error);
  if (save->input == NULL)
    {
      save_failed (g_steal_pointer (&task), g_steal_pointer (&error));
      return;
    }
  g_file_create_async (self->destination, G_FILE_CREATE_NONE, G_PRIORITY_DEFAULT, cancellable,
                       created_cb, g_steal_pointer (&task));
}

/**
 * sb_download_save_async:
 * @progress: (nullable): called with the bytes written so far and the size
 * @progress_data: for @progress, alive until @callback runs
 *
 * Reads the file from the library and writes it to the destination.
 */
void
sb_download_save_async (SbDownload            *self,
                        GFileProgressCallback  progress,
                        gpointer               progress_data,
                        GCancellable          *cancellable,
                        GAsyncReadyCallback    callback,
                        gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  Save *save;

  g_return_if_fail (SB_IS_DOWNLOAD (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_download_save_async));
  /* A download that landed says so, even if cancelled a moment too late. */
  g_task_set_check_cancellable (task, FALSE);
  save = g_new0 (Save, 1);
  save->progress = progress;
  save->progress_data = progress_data;
  g_task_set_task_data (task, save, (GDestroyNotify) save_free);
  sb_library_read_async (self->library, self->file, 0, -1, cancellable, read_cb,
                         g_steal_pointer (&task));
}

gboolean
sb_download_save_finish (SbDownload    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (SB_IS_DOWNLOAD (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        SB_SOURCE_TAG (sb_download_save_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

SbFile *
sb_download_get_file (SbDownload *self)
{
  g_return_val_if_fail (SB_IS_DOWNLOAD (self), NULL);
  return self->file;
}

GFile *
sb_download_get_destination (SbDownload *self)
{
  g_return_val_if_fail (SB_IS_DOWNLOAD (self), NULL);
  return self->destination;
}

static void
sb_download_finalize (GObject *object)
{
  SbDownload *self = SB_DOWNLOAD (object);

  g_clear_object (&self->library);
  g_clear_object (&self->file);
  g_clear_object (&self->destination);
  G_OBJECT_CLASS (sb_download_parent_class)->finalize (object);
}

static void
sb_download_class_init (SbDownloadClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_download_finalize;
}

static void
sb_download_init (SbDownload *self)
{
}

SbDownload *
sb_download_new (SbLibrary *library,
                 SbFile    *file,
                 GFile     *destination)
{
  SbDownload *self;

  g_return_val_if_fail (SB_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (SB_IS_FILE (file), NULL);
  g_return_val_if_fail (G_IS_FILE (destination), NULL);

  self = g_object_new (SB_TYPE_DOWNLOAD, NULL);
  self->library = g_object_ref (library);
  self->file = g_object_ref (file);
  self->destination = g_object_ref (destination);
  return self;
}
