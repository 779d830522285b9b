/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-store-private.h"

/* Reads at most a fixed number of bytes from its base stream: a byte range
 * of a stored blob. */

#define SB_TYPE_LIMIT_INPUT_STREAM (sb_limit_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (SbLimitInputStream, sb_limit_input_stream, SB, LIMIT_INPUT_STREAM,
                      GFilterInputStream)

struct _SbLimitInputStream
{
  GFilterInputStream parent_instance;
  guint64            remaining;
};

G_DEFINE_FINAL_TYPE (SbLimitInputStream, sb_limit_input_stream, G_TYPE_FILTER_INPUT_STREAM)

static gssize
sb_limit_input_stream_read (GInputStream  *stream,
                            void          *buffer,
                            gsize          count,
                            GCancellable  *cancellable,
                            GError       **error)
{
  SbLimitInputStream *self = SB_LIMIT_INPUT_STREAM (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  gssize n;

  if (self->remaining == 0)
    return 0;
  count = (gsize) MIN ((guint64) count, self->remaining);
  n = g_input_stream_read (base, buffer, count, cancellable, error);
  if (n > 0)
    self->remaining -= (guint64) n;
  return n;
}

static void
limit_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbLimitInputStream *self = g_task_get_source_object (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  if (n < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  self->remaining -= (guint64) n;
  g_task_return_int (task, n);
}

/* The base is usually a libsoup body: reading it asynchronously keeps every
 * chunk of a ranged download on the main loop instead of a worker thread
 * blocked in a synchronous read. */
static void
sb_limit_input_stream_read_async (GInputStream        *stream,
                                  void                *buffer,
                                  gsize                count,
                                  int                  io_priority,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  SbLimitInputStream *self = SB_LIMIT_INPUT_STREAM (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_limit_input_stream_read_async));
  g_task_set_priority (task, io_priority);
  if (self->remaining == 0 || count == 0)
    {
      g_task_return_int (task, 0);
      g_object_unref (task);
      return;
    }
  count = (gsize) MIN ((guint64) count, self->remaining);
  g_input_stream_read_async (base, buffer, count, io_priority, cancellable, limit_read_cb, task);
}

static gssize
sb_limit_input_stream_read_finish (GInputStream  *stream,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

static void
sb_limit_input_stream_class_init (SbLimitInputStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  stream_class->read_fn = sb_limit_input_stream_read;
  stream_class->read_async = sb_limit_input_stream_read_async;
  stream_class->read_finish = sb_limit_input_stream_read_finish;
}

static void
sb_limit_input_stream_init (SbLimitInputStream *self)
{
}

GInputStream *
sb_limit_input_stream_new (GInputStream *base,
                           guint64       limit)
{
  SbLimitInputStream *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (base), NULL);

  self = g_object_new (SB_TYPE_LIMIT_INPUT_STREAM, "base-stream", base, NULL);
  self->remaining = limit;
  return G_INPUT_STREAM (self);
}
