/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-error.h"
#include "sb-progress-input-stream.h"

struct _SbProgressInputStream
{
  GFilterInputStream     parent_instance;
  guint64                count;
  guint64                limit;
  gint64                 expected_size;
  GFileProgressCallback  progress;
  gpointer               progress_data;
  gboolean               failed;
};

G_DEFINE_FINAL_TYPE (SbProgressInputStream, sb_progress_input_stream, G_TYPE_FILTER_INPUT_STREAM)

static gboolean
account (SbProgressInputStream  *self,
         gssize                  n,
         GError                **error)
{
  self->count += (guint64) n;
  if (self->limit > 0 && self->count > self->limit)
    {
      g_autofree char *limit = g_format_size_full (self->limit, G_FORMAT_SIZE_IEC_UNITS);
      g_set_error (error, SB_ERROR, SB_ERROR_TOO_LARGE,
                   _("The file is too large: the limit is %s."), limit);
      return FALSE;
    }
  return TRUE;
}

static gssize
sb_progress_input_stream_read (GInputStream  *stream,
                               void          *buffer,
                               gsize          count,
                               GCancellable  *cancellable,
                               GError       **error)
{
  SbProgressInputStream *self = SB_PROGRESS_INPUT_STREAM (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  gssize n = g_input_stream_read (base, buffer, count, cancellable, error);

  if (n < 0 || (n > 0 && !account (self, n, error)))
    {
      self->failed = TRUE;
      return -1;
    }
  return n;
}

static void
base_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbProgressInputStream *self = g_task_get_source_object (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  if (n < 0 || (n > 0 && !account (self, n, &error)))
    {
      self->failed = TRUE;
      g_task_return_error (task, error);
      return;
    }
  if (n > 0 && self->progress)
    self->progress ((goffset) self->count, self->expected_size, self->progress_data);
  g_task_return_int (task, n);
}

/* Forwarded rather than left to GInputStream's default, which would run the
 * synchronous read in a thread: the base stream may have a better async path
 * (a socket, our upload pipe), and progress must come from the caller's
 * context. */
static void
sb_progress_input_stream_read_async (GInputStream        *stream,
                                     void                *buffer,
                                     gsize                count,
                                     int                  io_priority,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_progress_input_stream_read_async));
  g_input_stream_read_async (base, buffer, count, io_priority, cancellable, base_read_cb, task);
}

static gssize
sb_progress_input_stream_read_finish (GInputStream  *stream,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

static void
sb_progress_input_stream_class_init (SbProgressInputStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  stream_class->read_fn = sb_progress_input_stream_read;
  stream_class->read_async = sb_progress_input_stream_read_async;
  stream_class->read_finish = sb_progress_input_stream_read_finish;
}

static void
sb_progress_input_stream_init (SbProgressInputStream *self)
{
}

GInputStream *
sb_progress_input_stream_new (GInputStream          *base,
                              guint64                limit,
                              gint64                 expected_size,
                              GFileProgressCallback  progress,
                              gpointer               progress_data)
{
  SbProgressInputStream *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (base), NULL);

  self = g_object_new (SB_TYPE_PROGRESS_INPUT_STREAM, "base-stream", base, NULL);
  self->limit = limit;
  self->expected_size = expected_size;
  self->progress = progress;
  self->progress_data = progress_data;
  return G_INPUT_STREAM (self);
}

guint64
sb_progress_input_stream_get_count (SbProgressInputStream *self)
{
  g_return_val_if_fail (SB_IS_PROGRESS_INPUT_STREAM (self), 0);
  return self->count;
}

/**
 * sb_progress_input_stream_get_failed:
 *
 * Returns: whether reading failed here (the source broke off, or went over
 *   the limit), as opposed to wherever the data was going.
 */
gboolean
sb_progress_input_stream_get_failed (SbProgressInputStream *self)
{
  g_return_val_if_fail (SB_IS_PROGRESS_INPUT_STREAM (self), FALSE);
  return self->failed;
}
