/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sb-http-connection.h"
#include "sb-http-input-stream.h"
#include "sb-http-private.h"

/* What one read from the socket takes while a head or chunked body is
 * looked at; a Content-Length body goes straight to libsoup's buffer. */
#define READ_CHUNK (16 * 1024)
/* How long a client gets to take our last answer, then to stop sending
 * after it. */
#define ANSWER_TIMEOUT_MS 10000
#define LINGER_MS 2000
/* Bytes thrown away per wake-up while lingering, so that a fast sender
 * cannot keep the main loop to itself. */
#define LINGER_BUDGET (256 * 1024)

#define DEFAULT_HEADER_TIMEOUT (10 * G_TIME_SPAN_SECOND)
#define DEFAULT_IDLE_TIMEOUT (75 * G_TIME_SPAN_SECOND)

struct _SbHttpConnection
{
  GIOStream          parent_instance;
  SbHttpListener    *listener;        /* borrowed: it holds us until we close */
  GSocket           *socket;
  GSocketConnection *io;              /* only for its output stream, which libsoup writes */
  GInputStream      *input;
  SbHttpIntake      *intake;
  char              *peer;
  GSocketAddress    *local;
  GSocketAddress    *remote;

  GByteArray        *pending;         /* read from the socket, not yet taken by libsoup */
  gsize              approved;        /* the bytes at its front that the intake let through */
  gboolean           stalled;         /* the intake has seen all of pending and needs more */
  GCancellable      *wakeup;          /* cancelled to wake libsoup's wait on us */

  gint64             header_timeout;
  gint64             idle_timeout;
  gint64             waiting_since;   /* libsoup waits for bytes from the client */
  gint64             head_started;    /* the first byte of the head being read arrived */

  gboolean           finishing;       /* our last answer and the close are under way */
  gboolean           closed;
  GBytes            *answer;
  gsize              written;
  gboolean           write_shut;
  GSource           *io_source;
  GSource           *deadline_source;
};

static void sb_http_connection_finish_step (SbHttpConnection *self);

G_DEFINE_FINAL_TYPE (SbHttpConnection, sb_http_connection, G_TYPE_IO_STREAM)

static GQuark
connection_quark (void)
{
  return g_quark_from_static_string ("sb-http-connection");
}

/* Ends everything now. The listener may drop its reference to us in its
 * callback: callers hold their own. */
static void
real_close (SbHttpConnection *self)
{
  SbHttpListener *listener;

  if (self->closed)
    return;
  self->closed = TRUE;
  self->finishing = TRUE;
  sb_http_clear_source (&self->io_source);
  sb_http_clear_source (&self->deadline_source);
  g_cancellable_cancel (self->wakeup);
  g_socket_close (self->socket, NULL);
  listener = g_steal_pointer (&self->listener);
  if (listener)
    sb_http_listener_connection_closed (listener, self);
}

static gboolean
deadline_cb (gpointer user_data)
{
  g_autoptr(SbHttpConnection) self = g_object_ref (user_data);

  g_clear_pointer (&self->deadline_source, g_source_unref);
  real_close (self);
  return G_SOURCE_REMOVE;
}

static void
set_deadline (SbHttpConnection *self,
              guint             ms)
{
  sb_http_clear_source (&self->deadline_source);
  self->deadline_source = g_timeout_source_new (ms);
  g_source_set_callback (self->deadline_source, deadline_cb, self, NULL);
  g_source_attach (self->deadline_source, NULL);
}

static gboolean
socket_ready_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  g_autoptr(SbHttpConnection) self = g_object_ref (user_data);

  g_clear_pointer (&self->io_source, g_source_unref);
  sb_http_connection_finish_step (self);
  return G_SOURCE_REMOVE;
}

static void
wait_for (SbHttpConnection *self,
          GIOCondition      condition)
{
  sb_http_clear_source (&self->io_source);
  self->io_source = g_socket_create_source (self->socket, condition, NULL);
  g_source_set_callback (self->io_source, G_SOURCE_FUNC (socket_ready_cb), self, NULL);
  g_source_attach (self->io_source, NULL);
}

/* Writes the answer, shuts our side, then reads and throws away whatever
 * the client still sends until it closes or the deadline passes. Closing
 * with unread input would make the kernel send a reset, which can destroy
 * the answer before the client reads it. */
static void
sb_http_connection_finish_step (SbHttpConnection *self)
{
  static guint8 discard[64 * 1024];
  gsize budget = LINGER_BUDGET;

  if (self->closed)
    return;

  while (self->answer && self->written < g_bytes_get_size (self->answer))
    {
      g_autoptr(GError) error = NULL;
      gsize size;
      const guint8 *data = g_bytes_get_data (self->answer, &size);
      gssize n = g_socket_send_with_blocking (self->socket, (const char *) data + self->written,
                                              size - self->written, FALSE, NULL, &error);

      if (n > 0)
        self->written += (gsize) n;
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          wait_for (self, G_IO_OUT);
          return;
        }
      else
        {
          real_close (self);
          return;
        }
    }

  if (!self->write_shut)
    {
      self->write_shut = TRUE;
      g_socket_shutdown (self->socket, FALSE, TRUE, NULL);
      set_deadline (self, LINGER_MS);
    }

  while (budget > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive_with_blocking (self->socket, (char *) discard, sizeof discard,
                                                 FALSE, NULL, &error);

      if (n > 0)
        budget -= MIN (budget, (gsize) n);
      else if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      else
        {
          real_close (self);
          return;
        }
    }
  wait_for (self, G_IO_IN);
}

static void
start_finishing (SbHttpConnection *self,
                 GBytes           *answer)
{
  if (self->finishing || self->closed)
    return;
  self->finishing = TRUE;
  self->answer = answer ? g_bytes_ref (answer) : NULL;
  self->written = 0;
  g_byte_array_set_size (self->pending, 0);
  self->approved = 0;
  /* If libsoup waits on us, it wakes up to find the connection closed. */
  g_cancellable_cancel (self->wakeup);
  set_deadline (self, ANSWER_TIMEOUT_MS);
  sb_http_connection_finish_step (self);
}

static gboolean
close_at_end_cb (gpointer data)
{
  start_finishing (data, NULL);
  return G_SOURCE_REMOVE;
}

static void
answer_refusal (SbHttpConnection *self,
                guint             status,
                const char       *message)
{
  g_autoptr(GBytes) answer = NULL;
  gboolean head_only = g_strcmp0 (sb_http_intake_get_method (self->intake), "HEAD") == 0;

  if (self->listener)
    {
      sb_http_listener_connection_refused (self->listener, self,
                                           sb_http_intake_get_method (self->intake),
                                           sb_http_intake_get_path (self->intake), status,
                                           message);
      answer = sb_http_listener_render_answer (self->listener, status, message, head_only);
    }
  start_finishing (self, answer);
}

static gssize
closed_error (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                       "The connection was closed by the server");
  return -1;
}

static void
note_waiting (SbHttpConnection *self)
{
  if (self->waiting_since == 0)
    self->waiting_since = g_get_monotonic_time ();
}

/* A read from the socket that does not block: its result, with
 * WOULD_BLOCK noted as libsoup waiting. */
static gssize
receive (SbHttpConnection  *self,
         guint8            *buffer,
         gsize              count,
         GError           **error)
{
  gssize n = g_socket_receive_with_blocking (self->socket, (char *) buffer, count, FALSE, NULL,
                                             error);

  if (n < 0 && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    note_waiting (self);
  return n;
}

/* The bytes libsoup gets: the front of what the intake approved, or, in a
 * Content-Length body with nothing held, straight from the socket into
 * libsoup's buffer (the upload path: no copy, no look at the bytes). */
gssize
sb_http_connection_read (SbHttpConnection  *self,
                         void              *buffer,
                         gsize              count,
                         GError           **error)
{
  g_return_val_if_fail (SB_IS_HTTP_CONNECTION (self), -1);

  if (self->finishing || self->closed)
    return closed_error (error);

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      guint64 body_left;
      gsize old_len;
      gssize n;

      if (self->approved > 0)
        {
          n = (gssize) MIN (count, self->approved);
          memcpy (buffer, self->pending->data, (gsize) n);
          g_byte_array_remove_range (self->pending, 0, (guint) n);
          self->approved -= (gsize) n;
          self->waiting_since = 0;
          return n;
        }

      if (self->pending->len > 0)
        {
          gboolean in_head = sb_http_intake_in_head (self->intake);
          gsize skip, pass;
          SbHttpIntakeResult result;

          if (in_head && self->head_started == 0)
            self->head_started = g_get_monotonic_time ();
          result = sb_http_intake_scan (self->intake, self->pending->data, self->pending->len,
                                        &skip, &pass);
          if (result == SB_HTTP_INTAKE_REFUSE)
            {
              const char *message;
              guint status = sb_http_intake_get_refusal (self->intake, &message);

              answer_refusal (self, status, message);
              return closed_error (error);
            }
          if (skip > 0)
            g_byte_array_remove_range (self->pending, 0, (guint) skip);
          self->approved = pass;
          self->stalled = pass == 0 && skip == 0;
          if (in_head && pass > 0)
            self->head_started = 0;
          if (pass > 0 || (skip > 0 && self->pending->len > 0))
            continue;
        }
      else if ((body_left = sb_http_intake_get_body_left (self->intake)) > 0)
        {
          gsize skip, pass;

          n = receive (self, buffer, (gsize) MIN ((guint64) count, body_left), &local_error);
          if (n > 0)
            {
              sb_http_intake_scan (self->intake, buffer, (gsize) n, &skip, &pass);
              g_assert (skip == 0 && pass == (gsize) n);
              self->waiting_since = 0;
            }
          else if (n < 0)
            g_propagate_error (error, g_steal_pointer (&local_error));
          return n;
        }

      old_len = self->pending->len;
      g_byte_array_set_size (self->pending, (guint) (old_len + READ_CHUNK));
      n = receive (self, self->pending->data + old_len, READ_CHUNK, &local_error);
      g_byte_array_set_size (self->pending, (guint) (old_len + MAX (n, 0)));
      if (n > 0)
        {
          self->stalled = FALSE;
          continue;
        }
      if (n < 0)
        g_propagate_error (error, g_steal_pointer (&local_error));
      /* At the end of input, whatever was not let through is dropped. The
       * client is gone: libsoup 3.2 would keep the connection (and its
       * socket, and its place in the address's count) without ever
       * closing it, so the connection closes itself, once this read is
       * over. */
      if (n == 0)
        g_idle_add_full (G_PRIORITY_DEFAULT, close_at_end_cb, g_object_ref (self),
                         g_object_unref);
      return n;
    }
}

/* Whether a read can make progress without the socket: approved bytes, a
 * pipelined request already read, or the end of the connection. */
static gboolean
has_input (SbHttpConnection *self)
{
  return self->approved > 0 || (self->pending->len > 0 && !self->stalled) || self->finishing ||
         self->closed;
}

gboolean
sb_http_connection_is_readable (SbHttpConnection *self)
{
  g_return_val_if_fail (SB_IS_HTTP_CONNECTION (self), TRUE);

  return has_input (self) || g_socket_condition_check (self->socket, G_IO_IN) != 0;
}

/* What libsoup's wait on our input stream polls: the socket, and our
 * wake-up for when the connection ends under it. */
GSource *
sb_http_connection_create_child_source (SbHttpConnection *self)
{
  GSource *source;
  g_autoptr(GSource) wake = NULL;

  g_return_val_if_fail (SB_IS_HTTP_CONNECTION (self), NULL);

  if (has_input (self))
    return g_timeout_source_new (0);
  /* libsoup waits here for the next request too, without reading first. */
  note_waiting (self);

  /* A cancellable stays cancelled: each wake-up gets a fresh one, so the
   * sources made after it do not fire at once. */
  if (g_cancellable_is_cancelled (self->wakeup))
    {
      g_object_unref (self->wakeup);
      self->wakeup = g_cancellable_new ();
    }
  source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  wake = g_cancellable_source_new (self->wakeup);
  g_source_set_dummy_callback (wake);
  g_source_add_child_source (source, wake);
  return source;
}

/* Timeouts, checked about once a second by the listener. */
void
sb_http_connection_check_timeouts (SbHttpConnection *self,
                                   gint64            now)
{
  g_return_if_fail (SB_IS_HTTP_CONNECTION (self));

  if (self->finishing || self->closed)
    return;

  if (self->head_started != 0)
    {
      if (now - self->head_started > self->header_timeout)
        answer_refusal (self, SOUP_STATUS_REQUEST_TIMEOUT,
                        _("The request took too long to arrive."));
    }
  else if (self->waiting_since != 0 && now - self->waiting_since > self->idle_timeout)
    start_finishing (self, NULL);
}

/* GIOStream */

static GInputStream *
sb_http_connection_get_input_stream (GIOStream *stream)
{
  return SB_HTTP_CONNECTION (stream)->input;
}

static GOutputStream *
sb_http_connection_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (G_IO_STREAM (SB_HTTP_CONNECTION (stream)->io));
}

/* libsoup closing us: the socket closes gracefully, on its own time. */
static gboolean
sb_http_connection_close_fn (GIOStream     *stream,
                             GCancellable  *cancellable,
                             GError       **error)
{
  SbHttpConnection *self = SB_HTTP_CONNECTION (stream);

  if (!self->finishing && !self->closed)
    {
      g_autoptr(SbHttpConnection) hold = g_object_ref (self);
      start_finishing (self, NULL);
    }
  return TRUE;
}

/* GIOStream would close in a worker thread; ours only starts main-loop
 * work, so it is done here. */
static void
sb_http_connection_close_async (GIOStream           *stream,
                                int                  io_priority,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_http_connection_close_async));
  sb_http_connection_close_fn (stream, cancellable, NULL);
  g_task_return_boolean (task, TRUE);
}

static gboolean
sb_http_connection_close_finish (GIOStream     *stream,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sb_http_connection_dispose (GObject *object)
{
  SbHttpConnection *self = SB_HTTP_CONNECTION (object);

  if (self->remote && g_object_get_qdata (G_OBJECT (self->remote), connection_quark ()) == self)
    g_object_set_qdata (G_OBJECT (self->remote), connection_quark (), NULL);
  if (self->input)
    sb_http_input_stream_detach (SB_HTTP_INPUT_STREAM (self->input));
  self->listener = NULL;
  if (self->socket)
    real_close (self);
  G_OBJECT_CLASS (sb_http_connection_parent_class)->dispose (object);
}

static void
sb_http_connection_finalize (GObject *object)
{
  SbHttpConnection *self = SB_HTTP_CONNECTION (object);

  g_clear_object (&self->input);
  g_clear_object (&self->io);
  g_clear_object (&self->socket);
  g_clear_object (&self->intake);
  g_clear_object (&self->local);
  g_clear_object (&self->remote);
  g_clear_object (&self->wakeup);
  g_clear_pointer (&self->pending, g_byte_array_unref);
  g_clear_pointer (&self->answer, g_bytes_unref);
  g_free (self->peer);
  G_OBJECT_CLASS (sb_http_connection_parent_class)->finalize (object);
}

static void
sb_http_connection_class_init (SbHttpConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->dispose = sb_http_connection_dispose;
  object_class->finalize = sb_http_connection_finalize;
  stream_class->get_input_stream = sb_http_connection_get_input_stream;
  stream_class->get_output_stream = sb_http_connection_get_output_stream;
  stream_class->close_fn = sb_http_connection_close_fn;
  stream_class->close_async = sb_http_connection_close_async;
  stream_class->close_finish = sb_http_connection_close_finish;
}

static void
sb_http_connection_init (SbHttpConnection *self)
{
  self->pending = g_byte_array_new ();
  self->wakeup = g_cancellable_new ();
  self->header_timeout = DEFAULT_HEADER_TIMEOUT;
  self->idle_timeout = DEFAULT_IDLE_TIMEOUT;
}

/**
 * sb_http_connection_new:
 * @listener: (nullable): told when the connection refuses a request and
 *   when it closes; it holds a reference until then
 * @peer: the client's address, for the log
 *
 * Returns: (transfer full): the connection, ready for
 *   soup_server_accept_iostream()
 */
SbHttpConnection *
sb_http_connection_new (SbHttpListener *listener,
                        GSocket        *socket,
                        SbHttpIntake   *intake,
                        const char     *peer)
{
  SbHttpConnection *self;

  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);
  g_return_val_if_fail (SB_IS_HTTP_INTAKE (intake), NULL);

  self = g_object_new (SB_TYPE_HTTP_CONNECTION, NULL);
  self->listener = listener;
  self->socket = g_object_ref (socket);
  self->io = g_socket_connection_factory_create_connection (socket);
  self->input = sb_http_input_stream_new (self);
  self->intake = g_object_ref (intake);
  self->peer = g_strdup (peer);
  self->local = g_socket_get_local_address (socket, NULL);
  self->remote = g_socket_get_remote_address (socket, NULL);
  /* How a request finds its connection: libsoup hands every message the
   * address object we gave it. */
  if (self->remote)
    g_object_set_qdata (G_OBJECT (self->remote), connection_quark (), self);
  return self;
}

SbHttpConnection *
sb_http_connection_for_message (SoupServerMessage *msg)
{
  GSocketAddress *remote;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), NULL);

  remote = soup_server_message_get_remote_address (msg);
  return remote ? g_object_get_qdata (G_OBJECT (remote), connection_quark ()) : NULL;
}

const char *
sb_http_connection_get_peer (SbHttpConnection *self)
{
  g_return_val_if_fail (SB_IS_HTTP_CONNECTION (self), NULL);
  return self->peer;
}

GSocketAddress *
sb_http_connection_get_local_address (SbHttpConnection *self)
{
  g_return_val_if_fail (SB_IS_HTTP_CONNECTION (self), NULL);
  return self->local;
}

GSocketAddress *
sb_http_connection_get_remote_address (SbHttpConnection *self)
{
  g_return_val_if_fail (SB_IS_HTTP_CONNECTION (self), NULL);
  return self->remote;
}

void
sb_http_connection_set_timeouts (SbHttpConnection *self,
                                 gint64            header_timeout,
                                 gint64            idle_timeout)
{
  g_return_if_fail (SB_IS_HTTP_CONNECTION (self));
  self->header_timeout = header_timeout;
  self->idle_timeout = idle_timeout;
}

void
sb_http_connection_answer_and_close (SbHttpConnection *self,
                                     GBytes           *response)
{
  g_autoptr(SbHttpConnection) hold = NULL;

  g_return_if_fail (SB_IS_HTTP_CONNECTION (self));

  hold = g_object_ref (self);
  start_finishing (self, response);
}

void
sb_http_connection_force_close (SbHttpConnection *self)
{
  g_autoptr(SbHttpConnection) hold = NULL;

  g_return_if_fail (SB_IS_HTTP_CONNECTION (self));

  hold = g_object_ref (self);
  self->listener = NULL;
  real_close (self);
}

gboolean
sb_http_connection_is_closed (SbHttpConnection *self)
{
  g_return_val_if_fail (SB_IS_HTTP_CONNECTION (self), TRUE);
  return self->closed;
}
