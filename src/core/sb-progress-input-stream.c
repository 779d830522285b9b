/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-error.h"
#include "sb-progress-input-stream.h"

struct _SbProgressInputStream
{
  SbMeteredInputStream   parent_instance;
  guint64                count;
  guint64                limit;
  gint64                 expected_size;
  GFileProgressCallback  progress;
  gpointer               progress_data;
  gboolean               failed;
};

G_DEFINE_FINAL_TYPE (SbProgressInputStream, sb_progress_input_stream, SB_TYPE_METERED_INPUT_STREAM)

static gboolean
count_bytes (SbProgressInputStream  *self,
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
sb_progress_input_stream_account (SbMeteredInputStream  *stream,
                                  const void            *buffer,
                                  gssize                 n,
                                  GError               **error)
{
  SbProgressInputStream *self = SB_PROGRESS_INPUT_STREAM (stream);

  if (n < 0 || (n > 0 && !count_bytes (self, n, error)))
    {
      self->failed = TRUE;
      return -1;
    }
  return n;
}

/* Only from asynchronous reads: progress must come from the caller's
 * context, and a synchronous read may run in a worker thread. */
static void
sb_progress_input_stream_async_read_done (SbMeteredInputStream *stream,
                                          gssize                n)
{
  SbProgressInputStream *self = SB_PROGRESS_INPUT_STREAM (stream);

  if (self->progress)
    self->progress ((goffset) self->count, self->expected_size, self->progress_data);
}

static void
sb_progress_input_stream_class_init (SbProgressInputStreamClass *klass)
{
  SbMeteredInputStreamClass *metered_class = SB_METERED_INPUT_STREAM_CLASS (klass);

  metered_class->account = sb_progress_input_stream_account;
  metered_class->async_read_done = sb_progress_input_stream_async_read_done;
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
