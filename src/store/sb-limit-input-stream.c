/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-metered-input-stream.h"
#include "sb-store-private.h"

/* Reads at most a fixed number of bytes from its base stream: a byte range
 * of a stored blob. The base is usually a libsoup body: SbMeteredInputStream
 * reads it asynchronously, which keeps every chunk of a ranged download on
 * the main loop instead of a worker thread blocked in a synchronous read. */

#define SB_TYPE_LIMIT_INPUT_STREAM (sb_limit_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (SbLimitInputStream, sb_limit_input_stream, SB, LIMIT_INPUT_STREAM,
                      SbMeteredInputStream)

struct _SbLimitInputStream
{
  SbMeteredInputStream parent_instance;
  guint64              remaining;
};

G_DEFINE_FINAL_TYPE (SbLimitInputStream, sb_limit_input_stream, SB_TYPE_METERED_INPUT_STREAM)

static gssize
sb_limit_input_stream_clamp (SbMeteredInputStream  *stream,
                             gsize                  count,
                             GError               **error)
{
  SbLimitInputStream *self = SB_LIMIT_INPUT_STREAM (stream);

  if (self->remaining == 0 || count == 0)
    return 0;
  return (gssize) MIN ((guint64) count, self->remaining);
}

static gssize
sb_limit_input_stream_account (SbMeteredInputStream  *stream,
                               const void            *buffer,
                               gssize                 n,
                               GError               **error)
{
  SbLimitInputStream *self = SB_LIMIT_INPUT_STREAM (stream);

  if (n > 0)
    self->remaining -= (guint64) n;
  return n;
}

static void
sb_limit_input_stream_class_init (SbLimitInputStreamClass *klass)
{
  SbMeteredInputStreamClass *metered_class = SB_METERED_INPUT_STREAM_CLASS (klass);

  metered_class->clamp = sb_limit_input_stream_clamp;
  metered_class->account = sb_limit_input_stream_account;
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
