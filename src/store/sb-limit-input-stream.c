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
sb_limit_input_stream_class_init (SbLimitInputStreamClass *klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = sb_limit_input_stream_read;
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
