/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-metered-input-stream.h"

G_DEFINE_ABSTRACT_TYPE (SbMeteredInputStream, sb_metered_input_stream,
                        G_TYPE_FILTER_INPUT_STREAM)

static gssize
clamp (SbMeteredInputStream  *self,
       gsize                  count,
       GError               **error)
{
  SbMeteredInputStreamClass *klass = SB_METERED_INPUT_STREAM_GET_CLASS (self);

  /* GInputStream refuses counts above G_MAXSSIZE before calling us. */
  return klass->clamp != NULL ? klass->clamp (self, count, error) : (gssize) count;
}

static gssize
sb_metered_input_stream_read (GInputStream  *stream,
                              void          *buffer,
                              gsize          count,
                              GCancellable  *cancellable,
                              GError       **error)
{
  SbMeteredInputStream *self = SB_METERED_INPUT_STREAM (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  gssize ask = clamp (self, count, error);

  if (ask <= 0)
    return ask;
  return SB_METERED_INPUT_STREAM_GET_CLASS (self)->account (
    self, buffer, g_input_stream_read (base, buffer, (gsize) ask, cancellable, error), error);
}

static void
base_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbMeteredInputStream *self = g_task_get_source_object (task);
  SbMeteredInputStreamClass *klass = SB_METERED_INPUT_STREAM_GET_CLASS (self);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  n = klass->account (self, g_task_get_task_data (task), n, &error);
  if (n < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  if (n > 0 && klass->async_read_done != NULL)
    klass->async_read_done (self, n);
  g_task_return_int (task, n);
}

static void
sb_metered_input_stream_read_async (GInputStream        *stream,
                                    void                *buffer,
                                    gsize                count,
                                    int                  io_priority,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  SbMeteredInputStream *self = SB_METERED_INPUT_STREAM (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  GTask *task = g_task_new (stream, cancellable, callback, user_data);
  GError *error = NULL;
  gssize ask;

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_metered_input_stream_read_async));
  g_task_set_priority (task, io_priority);
  g_task_set_task_data (task, buffer, NULL);
  ask = clamp (self, count, &error);
  if (ask <= 0)
    {
      if (ask < 0)
        g_task_return_error (task, error);
      else
        g_task_return_int (task, 0);
      g_object_unref (task);
      return;
    }
  g_input_stream_read_async (base, buffer, (gsize) ask, io_priority, cancellable, base_read_cb,
                             task);
}

static gssize
sb_metered_input_stream_read_finish (GInputStream  *stream,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

static void
sb_metered_input_stream_class_init (SbMeteredInputStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  stream_class->read_fn = sb_metered_input_stream_read;
  stream_class->read_async = sb_metered_input_stream_read_async;
  stream_class->read_finish = sb_metered_input_stream_read_finish;
}

static void
sb_metered_input_stream_init (SbMeteredInputStream *self)
{
}
