/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-chunk-pipe.h"

struct _SbChunkPipe
{
  GInputStream  parent_instance;

  GMutex        lock;
  GCond         cond;
  GQueue        chunks;        /* GBytes, oldest first */
  gsize         offset;        /* consumed bytes of the head chunk */
  gsize         queued;
  gsize         high_water;
  gboolean      eof;
  gboolean      over;          /* went over high water since last drain */
  GError       *error;

  GTask        *pending;       /* an async read waiting for data */
  void         *pending_buffer;
  gsize         pending_count;
  gulong        pending_cancel_id;

  GMainContext *context;
  void        (*drained) (GObject *target);
  GWeakRef      drained_target;
};

typedef struct
{
  void    (*callback) (GObject *target);
  GWeakRef  target;
} Drained;

static gboolean
drained_cb (gpointer data)
{
  Drained *drained = data;
  g_autoptr(GObject) target = g_weak_ref_get (&drained->target);

  if (target)
    drained->callback (target);
  return G_SOURCE_REMOVE;
}

static void
drained_free (gpointer data)
{
  Drained *drained = data;

  g_weak_ref_clear (&drained->target);
  g_free (drained);
}

G_DEFINE_FINAL_TYPE (SbChunkPipe, sb_chunk_pipe, G_TYPE_INPUT_STREAM)

/* Copies queued data; called with the lock held. Returns bytes copied, or 0
 * if nothing is queued. */
static gsize
take_locked (SbChunkPipe *self,
             guint8      *buffer,
             gsize        count)
{
  gsize copied = 0;

  while (copied < count && !g_queue_is_empty (&self->chunks))
    {
      GBytes *head = g_queue_peek_head (&self->chunks);
      gsize size;
      const guint8 *data = g_bytes_get_data (head, &size);
      gsize n = MIN (count - copied, size - self->offset);

      memcpy (buffer + copied, data + self->offset, n);
      copied += n;
      self->offset += n;
      if (self->offset == size)
        {
          g_bytes_unref (g_queue_pop_head (&self->chunks));
          self->offset = 0;
        }
    }
  self->queued -= copied;
  return copied;
}

/* With the lock held: if the producer was told to pause and the queue is
 * now low, tell it to resume, from its own context. */
static void
maybe_drained_locked (SbChunkPipe *self)
{
  if (self->over && self->queued <= self->high_water / 2 && self->drained)
    {
      Drained *drained = g_new0 (Drained, 1);
      g_autoptr(GObject) target = g_weak_ref_get (&self->drained_target);

      self->over = FALSE;
      drained->callback = self->drained;
      g_weak_ref_init (&drained->target, target);
      g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, drained_cb, drained,
                                  drained_free);
    }
}

static gssize
sb_chunk_pipe_read (GInputStream  *stream,
                    void          *buffer,
                    gsize          count,
                    GCancellable  *cancellable,
                    GError       **error)
{
  SbChunkPipe *self = SB_CHUNK_PIPE (stream);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  gsize n;

  while (self->queued == 0 && !self->eof && self->error == NULL &&
         !g_cancellable_is_cancelled (cancellable))
    {
      gint64 until = g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND;
      /* Woken by push; the timeout re-checks the cancellable. */
      g_cond_wait_until (&self->cond, &self->lock, until);
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  if (self->queued == 0 && self->error)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return -1;
    }
  n = take_locked (self, buffer, count);
  maybe_drained_locked (self);
  return (gssize) n;
}

static void
pending_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  SbChunkPipe *self = user_data;
  GTask *task;

  g_mutex_lock (&self->lock);
  task = g_steal_pointer (&self->pending);
  if (task && self->pending_cancel_id)
    g_signal_handler_disconnect (cancellable, self->pending_cancel_id);
  self->pending_cancel_id = 0;
  g_mutex_unlock (&self->lock);

  if (task)
    {
      g_task_return_error_if_cancelled (task);
      g_object_unref (task);
    }
}

static void
sb_chunk_pipe_read_async (GInputStream        *stream,
                          void                *buffer,
                          gsize                count,
                          int                  io_priority,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  SbChunkPipe *self = SB_CHUNK_PIPE (stream);
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_chunk_pipe_read_async));

  if (self->queued > 0)
    {
      gsize n = take_locked (self, buffer, count);
      maybe_drained_locked (self);
      g_task_return_int (task, (gssize) n);
    }
  else if (self->error)
    g_task_return_error (task, g_error_copy (self->error));
  else if (self->eof)
    g_task_return_int (task, 0);
  else
    {
      g_assert (self->pending == NULL);
      self->pending = g_steal_pointer (&task);
      self->pending_buffer = buffer;
      self->pending_count = count;
      if (cancellable)
        {
          /* Connecting may call back at once if already cancelled, and the
           * callback takes the lock. */
          g_clear_pointer (&locker, g_mutex_locker_free);
          self->pending_cancel_id = g_cancellable_connect (cancellable,
                                                           G_CALLBACK (pending_cancelled_cb),
                                                           self, NULL);
        }
    }
}

static gssize
sb_chunk_pipe_read_finish (GInputStream  *stream,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/* With the lock held: completes a waiting async read if it can. Returns the
 * task to complete once the lock is dropped. */
static GTask *
wake_locked (SbChunkPipe *self,
             gssize      *result)
{
  GTask *task = self->pending;

  g_cond_broadcast (&self->cond);
  if (task == NULL || (self->queued == 0 && !self->eof && self->error == NULL))
    return NULL;

  self->pending = NULL;
  if (self->pending_cancel_id)
    {
      /* Not g_cancellable_disconnect(): it waits for a running handler,
       * which needs the lock we hold. The handler finds no pending task. */
      g_signal_handler_disconnect (g_task_get_cancellable (task), self->pending_cancel_id);
      self->pending_cancel_id = 0;
    }
  *result = self->queued > 0
              ? (gssize) take_locked (self, self->pending_buffer, self->pending_count)
              : (self->error ? -1 : 0);
  maybe_drained_locked (self);
  return task;
}

static void
complete (SbChunkPipe *self,
          GTask       *task,
          gssize       result)
{
  if (task == NULL)
    return;
  if (result < 0)
    {
      GError *error;
      g_mutex_lock (&self->lock);
      error = g_error_copy (self->error);
      g_mutex_unlock (&self->lock);
      g_task_return_error (task, error);
    }
  else
    g_task_return_int (task, result);
  g_object_unref (task);
}

/**
 * sb_chunk_pipe_push:
 *
 * Queues @chunk for the reader.
 *
 * Returns: %FALSE once the queue is over its high water mark: the producer
 *   should pause until the drained callback runs.
 */
gboolean
sb_chunk_pipe_push (SbChunkPipe *self,
                    GBytes      *chunk)
{
  GTask *task;
  gssize result = 0;
  gboolean below;

  g_return_val_if_fail (SB_IS_CHUNK_PIPE (self), FALSE);

  g_mutex_lock (&self->lock);
  if (self->eof || self->error || g_bytes_get_size (chunk) == 0)
    {
      g_mutex_unlock (&self->lock);
      return TRUE;
    }
  g_queue_push_tail (&self->chunks, g_bytes_ref (chunk));
  self->queued += g_bytes_get_size (chunk);
  task = wake_locked (self, &result);
  below = self->queued < self->high_water;
  if (!below)
    self->over = TRUE;
  g_mutex_unlock (&self->lock);

  complete (self, task, result);
  return below;
}

void
sb_chunk_pipe_close_write (SbChunkPipe *self)
{
  GTask *task;
  gssize result = 0;

  g_return_if_fail (SB_IS_CHUNK_PIPE (self));

  g_mutex_lock (&self->lock);
  self->eof = TRUE;
  task = wake_locked (self, &result);
  g_mutex_unlock (&self->lock);
  complete (self, task, result);
}

/* The producer broke off: the reader gets @error once the queue is empty. */
void
sb_chunk_pipe_fail (SbChunkPipe  *self,
                    const GError *error)
{
  GTask *task;
  gssize result = 0;

  g_return_if_fail (SB_IS_CHUNK_PIPE (self));

  g_mutex_lock (&self->lock);
  if (self->error == NULL && !self->eof)
    self->error = g_error_copy (error);
  /* Whatever is queued is worthless now. */
  g_queue_clear_full (&self->chunks, (GDestroyNotify) g_bytes_unref);
  self->queued = 0;
  self->offset = 0;
  task = wake_locked (self, &result);
  g_mutex_unlock (&self->lock);
  complete (self, task, result);
}

gsize
sb_chunk_pipe_get_queued (SbChunkPipe *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (SB_IS_CHUNK_PIPE (self), 0);

  locker = g_mutex_locker_new (&self->lock);
  return self->queued;
}

void
sb_chunk_pipe_set_drained_callback (SbChunkPipe *self,
                                    void       (*callback) (GObject *target),
                                    GObject     *target)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (SB_IS_CHUNK_PIPE (self));

  locker = g_mutex_locker_new (&self->lock);
  self->drained = callback;
  g_weak_ref_set (&self->drained_target, target);
}

static gboolean
sb_chunk_pipe_close (GInputStream  *stream,
                     GCancellable  *cancellable,
                     GError       **error)
{
  return TRUE;
}

static void
sb_chunk_pipe_finalize (GObject *object)
{
  SbChunkPipe *self = SB_CHUNK_PIPE (object);

  g_assert (self->pending == NULL);
  g_queue_clear_full (&self->chunks, (GDestroyNotify) g_bytes_unref);
  g_clear_error (&self->error);
  g_main_context_unref (self->context);
  g_weak_ref_clear (&self->drained_target);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (sb_chunk_pipe_parent_class)->finalize (object);
}

static void
sb_chunk_pipe_class_init (SbChunkPipeClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sb_chunk_pipe_finalize;
  stream_class->read_fn = sb_chunk_pipe_read;
  stream_class->read_async = sb_chunk_pipe_read_async;
  stream_class->read_finish = sb_chunk_pipe_read_finish;
  stream_class->close_fn = sb_chunk_pipe_close;
}

static void
sb_chunk_pipe_init (SbChunkPipe *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->chunks);
  self->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&self->drained_target, NULL);
}

SbChunkPipe *
sb_chunk_pipe_new (gsize high_water)
{
  SbChunkPipe *self = g_object_new (SB_TYPE_CHUNK_PIPE, NULL);

  self->high_water = MAX (high_water, 1);
  return self;
}
