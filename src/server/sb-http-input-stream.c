/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-http-input-stream.h"
#include "sb-http-private.h"

struct _SbHttpInputStream
{
  GInputStream      parent_instance;
  SbHttpConnection *connection;   /* borrowed; NULL once detached */
};

static void sb_http_input_stream_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SbHttpInputStream, sb_http_input_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      sb_http_input_stream_pollable_init))

static gssize
read_nonblocking (GPollableInputStream  *pollable,
                  void                  *buffer,
                  gsize                  count,
                  GError               **error)
{
  SbHttpInputStream *self = SB_HTTP_INPUT_STREAM (pollable);

  if (self->connection == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "The connection is closed");
      return -1;
    }
  return sb_http_connection_read (self->connection, buffer, count, error);
}

/* libsoup only reads without blocking; a blocking read waits for the
 * connection to become readable and tries again. */
static gssize
sb_http_input_stream_read (GInputStream  *stream,
                           void          *buffer,
                           gsize          count,
                           GCancellable  *cancellable,
                           GError       **error)
{
  SbHttpInputStream *self = SB_HTTP_INPUT_STREAM (stream);

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GMainContext) context = NULL;
      g_autoptr(GSource) source = NULL;
      gboolean ready = FALSE;
      gssize n = read_nonblocking (G_POLLABLE_INPUT_STREAM (self), buffer, count, &local_error);

      if (n >= 0 || !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (local_error)
            g_propagate_error (error, g_steal_pointer (&local_error));
          return n;
        }
      context = g_main_context_new ();
      source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self),
                                                      cancellable);
      g_source_set_dummy_callback (source);
      g_source_attach (source, context);
      while (!ready)
        {
          g_main_context_iteration (context, TRUE);
          ready = g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self)) ||
                  g_cancellable_is_cancelled (cancellable);
        }
      g_source_destroy (source);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;
    }
}

static gboolean
sb_http_input_stream_close (GInputStream  *stream,
                            GCancellable  *cancellable,
                            GError       **error)
{
  /* The connection decides when its socket closes. */
  return TRUE;
}

static gboolean
can_poll (GPollableInputStream *pollable)
{
  return TRUE;
}

static gboolean
is_readable (GPollableInputStream *pollable)
{
  SbHttpInputStream *self = SB_HTTP_INPUT_STREAM (pollable);

  return self->connection == NULL || sb_http_connection_is_readable (self->connection);
}

static GSource *
create_source (GPollableInputStream *pollable,
               GCancellable         *cancellable)
{
  SbHttpInputStream *self = SB_HTTP_INPUT_STREAM (pollable);
  g_autoptr(GSource) child = NULL;

  child = self->connection ? sb_http_connection_create_child_source (self->connection)
                           : g_timeout_source_new (0);
  return g_pollable_source_new_full (pollable, child, cancellable);
}

static void
sb_http_input_stream_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = can_poll;
  iface->is_readable = is_readable;
  iface->create_source = create_source;
  iface->read_nonblocking = read_nonblocking;
}

static void
sb_http_input_stream_class_init (SbHttpInputStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  stream_class->read_fn = sb_http_input_stream_read;
  stream_class->close_fn = sb_http_input_stream_close;
}

static void
sb_http_input_stream_init (SbHttpInputStream *self)
{
}

GInputStream *
sb_http_input_stream_new (SbHttpConnection *connection)
{
  SbHttpInputStream *self;

  g_return_val_if_fail (SB_IS_HTTP_CONNECTION (connection), NULL);

  self = g_object_new (SB_TYPE_HTTP_INPUT_STREAM, NULL);
  self->connection = connection;
  return G_INPUT_STREAM (self);
}

void
sb_http_input_stream_detach (SbHttpInputStream *self)
{
  g_return_if_fail (SB_IS_HTTP_INPUT_STREAM (self));
  self->connection = NULL;
}
