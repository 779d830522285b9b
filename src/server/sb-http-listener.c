/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <gio/gnetworking.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sb-http-listener.h"
#include "sb-http-private.h"

#define DEFAULT_MAX_PER_ADDRESS 256
/* Accepted per wake-up: enough to empty a burst quickly, few enough that
 * requests already in do not wait long. */
#define ACCEPTS_PER_WAKEUP 64
#define RESUME_MS 100
#define SWEEP_MS 1000

struct _SbHttpListener
{
  GObject             parent_instance;
  SoupServer         *soup;
  GSocket            *anchor[2];
  GSocket            *socket;
  GSource            *accept_source;
  GSource            *resume_source;
  GSource            *sweep_source;
  GHashTable         *connections;    /* SbHttpConnection (owned) -> address key or NULL */
  GHashTable         *per_address;    /* address key -> number of connections */

  SbHttpIntakePolicy  policy;
  gpointer            policy_data;
  SbHttpAnswerFunc    answer;
  gpointer            answer_data;
  gint64              header_timeout;
  gint64              idle_timeout;
  guint               max_per_address;
};

enum {
  SIGNAL_REFUSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SbHttpListener, sb_http_listener, G_TYPE_OBJECT)

/* Stops *@source, if any, and clears it. */
void
sb_http_clear_source (GSource **source)
{
  if (*source)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
sb_http_listener_dispose (GObject *object)
{
  SbHttpListener *self = SB_HTTP_LISTENER (object);

  sb_http_clear_source (&self->accept_source);
  sb_http_clear_source (&self->resume_source);
  sb_http_clear_source (&self->sweep_source);
  if (self->socket)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);

  if (self->connections)
    {
      g_autoptr(GHashTable) connections = g_steal_pointer (&self->connections);
      GHashTableIter iter;
      gpointer connection;

      g_hash_table_iter_init (&iter, connections);
      while (g_hash_table_iter_next (&iter, &connection, NULL))
        sb_http_connection_force_close (connection);
    }
  g_clear_pointer (&self->per_address, g_hash_table_unref);

  for (guint i = 0; i < G_N_ELEMENTS (self->anchor); i++)
    {
      if (self->anchor[i])
        g_socket_close (self->anchor[i], NULL);
      g_clear_object (&self->anchor[i]);
    }
  g_clear_object (&self->soup);
  G_OBJECT_CLASS (sb_http_listener_parent_class)->dispose (object);
}

static void
sb_http_listener_class_init (SbHttpListenerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sb_http_listener_dispose;

  signals[SIGNAL_REFUSED] =
    g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING,
                  G_TYPE_STRING);
}

/* libsoup 3.2 drops a connection it is done with (the client hung up,
 * say) by unreffing it, without closing it. The listener's reference is a
 * toggle reference, so it learns when that happens and closes the
 * connection, which then frees its socket and its place in the count of
 * its address. */
#define TOGGLED "sb-listener-toggle"

static gboolean
close_dropped_cb (gpointer data)
{
  SbHttpConnection *connection = data;

  if (!sb_http_connection_is_closed (connection))
    g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return G_SOURCE_REMOVE;
}

static void
toggle_cb (gpointer  data,
           GObject  *object,
           gboolean  is_last_ref)
{
  /* Later, from the main loop: this runs inside libsoup's unref. */
  if (is_last_ref)
    g_idle_add_full (G_PRIORITY_DEFAULT, close_dropped_cb, g_object_ref (object),
                     g_object_unref);
}

static void
release_connection (gpointer data)
{
  GObject *connection = data;

  if (g_object_steal_data (connection, TOGGLED) != NULL)
    g_object_remove_toggle_ref (connection, toggle_cb, NULL);
  else
    g_object_unref (connection);
}

static void
sb_http_listener_init (SbHttpListener *self)
{
  self->connections = g_hash_table_new_full (NULL, NULL, release_connection, g_free);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->header_timeout = 10 * G_TIME_SPAN_SECOND;
  self->idle_timeout = 75 * G_TIME_SPAN_SECOND;
  self->max_per_address = DEFAULT_MAX_PER_ADDRESS;
}

/**
 * sb_http_listener_new:
 * @soup: the server that gets the connections
 *
 * Returns: (transfer full): a listener, not listening yet
 */
SbHttpListener *
sb_http_listener_new (SoupServer          *soup,
                      SbHttpIntakePolicy   policy,
                      gpointer             policy_data,
                      GError             **error)
{
  g_autoptr(SbHttpListener) self = NULL;
  int fds[2];

  g_return_val_if_fail (SOUP_IS_SERVER (soup), NULL);
  g_return_val_if_fail (policy != NULL, NULL);

  self = g_object_new (SB_TYPE_HTTP_LISTENER, NULL);
  self->soup = g_object_ref (soup);
  self->policy = policy;
  self->policy_data = policy_data;

  /* libsoup 3.2 keeps a connection alive after a response only while it
   * has a listener of its own (soup-server.c, request_finished()); ours
   * come through soup_server_accept_iostream(). So it gets one that can
   * never accept anything: one end of a socket pair whose other end stays
   * silent with us. */
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "socketpair: %s",
                   g_strerror (saved));
      return NULL;
    }
  for (guint i = 0; i < 2; i++)
    {
      self->anchor[i] = g_socket_new_from_fd (fds[i], error);
      if (self->anchor[i] == NULL)
        {
          for (guint j = i; j < 2; j++)
            close (fds[j]);
          return NULL;
        }
    }
  if (!soup_server_listen_socket (soup, self->anchor[0], 0, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
sb_http_listener_set_answer_func (SbHttpListener   *self,
                                  SbHttpAnswerFunc  func,
                                  gpointer          user_data)
{
  g_return_if_fail (SB_IS_HTTP_LISTENER (self));
  self->answer = func;
  self->answer_data = user_data;
}

void
sb_http_listener_set_timeouts (SbHttpListener *self,
                               guint           header_timeout,
                               guint           idle_timeout)
{
  g_return_if_fail (SB_IS_HTTP_LISTENER (self));
  if (header_timeout > 0)
    self->header_timeout = header_timeout * G_TIME_SPAN_SECOND;
  if (idle_timeout > 0)
    self->idle_timeout = idle_timeout * G_TIME_SPAN_SECOND;
}

void
sb_http_listener_set_max_connections_per_address (SbHttpListener *self,
                                                  guint           max)
{
  g_return_if_fail (SB_IS_HTTP_LISTENER (self));
  self->max_per_address = max;
}

/* One key per client: the IPv4 address, or the IPv6 /64 (one host's
 * usual share, which it can fill with addresses of its choosing). */
static char *
address_key (GInetAddress *address)
{
  const guint8 *bytes;
  guint8 masked[16];
  g_autoptr(GInetAddress) prefix = NULL;
  g_autofree char *text = NULL;

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return g_inet_address_to_string (address);
  bytes = g_inet_address_to_bytes (address);
  if (g_inet_address_get_is_loopback (address))
    return g_inet_address_to_string (address);
  /* ::ffff:a.b.c.d is an IPv4 client */
  if (memcmp (bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
    {
      g_autoptr(GInetAddress) v4 = g_inet_address_new_from_bytes (bytes + 12,
                                                                  G_SOCKET_FAMILY_IPV4);
      return g_inet_address_to_string (v4);
    }
  memcpy (masked, bytes, 8);
  memset (masked + 8, 0, 8);
  prefix = g_inet_address_new_from_bytes (masked, G_SOCKET_FAMILY_IPV6);
  text = g_inet_address_to_string (prefix);
  return g_strconcat (text, "/64", NULL);
}

static void
take_connection (SbHttpListener *self,
                 GSocket        *client)
{
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (client, NULL);
  g_autoptr(SbHttpIntake) intake = NULL;
  g_autoptr(SbHttpConnection) hold = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *peer = NULL;
  SbHttpConnection *connection;
  guint count;

  /* Gone already (reset while in the queue). */
  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    {
      g_socket_close (client, NULL);
      return;
    }
  peer = g_inet_address_to_string (g_inet_socket_address_get_address (
                                     G_INET_SOCKET_ADDRESS (remote)));
  key = address_key (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  g_socket_set_option (client, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);

  intake = sb_http_intake_new (self->policy, self->policy_data);
  connection = sb_http_connection_new (self, client, intake, peer);
  sb_http_connection_set_timeouts (connection, self->header_timeout, self->idle_timeout);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, key));

  if (self->max_per_address > 0 && count >= self->max_per_address)
    {
      g_autoptr(GBytes) answer = NULL;
      const char *message = _("There are too many connections from your address. "
                              "Please try again in a moment.");

      /* Not counted: it only lingers a moment. */
      g_hash_table_insert (self->connections, connection, NULL);
      g_signal_emit (self, signals[SIGNAL_REFUSED], 0, NULL, NULL,
                     SOUP_STATUS_SERVICE_UNAVAILABLE, peer, message);
      answer = sb_http_listener_render_answer (self, SOUP_STATUS_SERVICE_UNAVAILABLE, message,
                                               FALSE);
      sb_http_connection_answer_and_close (connection, answer);
      return;
    }

  g_hash_table_insert (self->per_address, g_strdup (key), GUINT_TO_POINTER (count + 1));
  g_hash_table_insert (self->connections, connection, g_steal_pointer (&key));
  /* libsoup may read at once, and a refused head closes the connection. */
  hold = g_object_ref (connection);
  if (sb_http_connection_get_local_address (connection) == NULL ||
      sb_http_connection_get_remote_address (connection) == NULL ||
      !soup_server_accept_iostream (self->soup, G_IO_STREAM (connection),
                                    sb_http_connection_get_local_address (connection),
                                    sb_http_connection_get_remote_address (connection), &error))
    {
      g_debug ("could not take a connection from %s: %s", peer,
               error ? error->message : "no address");
      sb_http_connection_force_close (connection);
      sb_http_listener_connection_closed (self, connection);
      return;
    }
  /* Ours becomes the toggle reference beside libsoup's, unless the
   * connection is over already. */
  if (g_hash_table_contains (self->connections, connection))
    {
      g_object_add_toggle_ref (G_OBJECT (connection), toggle_cb, NULL);
      g_object_set_data (G_OBJECT (connection), TOGGLED, GINT_TO_POINTER (1));
      g_object_unref (connection);
    }
}

static gboolean accept_cb (GSocket      *socket,
                           GIOCondition  condition,
                           gpointer      user_data);

static void
watch_socket (SbHttpListener *self)
{
  sb_http_clear_source (&self->accept_source);
  self->accept_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (accept_cb), self, NULL);
  g_source_attach (self->accept_source, NULL);
}

static gboolean
resume_cb (gpointer user_data)
{
  SbHttpListener *self = user_data;

  g_clear_pointer (&self->resume_source, g_source_unref);
  if (self->socket)
    watch_socket (self);
  return G_SOURCE_REMOVE;
}

static gboolean
accept_cb (GSocket      *socket,
           GIOCondition  condition,
           gpointer      user_data)
{
  SbHttpListener *self = user_data;

  for (guint i = 0; i < ACCEPTS_PER_WAKEUP; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) client = g_socket_accept (socket, NULL, &error);

      if (client != NULL)
        {
          take_connection (self, client);
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
        {
          /* The queue keeps the clients; try again once something closed. */
          g_warning ("cannot accept connections for now: %s", error->message);
          g_clear_pointer (&self->accept_source, g_source_unref);
          self->resume_source = g_timeout_source_new (RESUME_MS);
          g_source_set_callback (self->resume_source, resume_cb, self, NULL);
          g_source_attach (self->resume_source, NULL);
          return G_SOURCE_REMOVE;
        }
      g_debug ("accept failed: %s", error->message);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
sweep_cb (gpointer user_data)
{
  SbHttpListener *self = user_data;
  g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer connection;
  gint64 now = g_get_monotonic_time ();

  /* A check may close a connection, which leaves the table. */
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &connection, NULL))
    g_ptr_array_add (connections, g_object_ref (connection));
  for (guint i = 0; i < connections->len; i++)
    sb_http_connection_check_timeouts (g_ptr_array_index (connections, i), now);
  return G_SOURCE_CONTINUE;
}

/**
 * sb_http_listener_listen:
 * @address: an IPv4 or IPv6 address and port (0 for any free port)
 */
gboolean
sb_http_listener_listen (SbHttpListener  *self,
                         GSocketAddress  *address,
                         GError         **error)
{
  g_autoptr(GSocket) socket = NULL;
  GSocketFamily family;

  g_return_val_if_fail (SB_IS_HTTP_LISTENER (self), FALSE);
  g_return_val_if_fail (G_IS_SOCKET_ADDRESS (address), FALSE);
  g_return_val_if_fail (self->socket == NULL, FALSE);

  family = g_socket_address_get_family (address);
  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return FALSE;
  if (family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);
  g_socket_set_blocking (socket, FALSE);
  g_socket_set_listen_backlog (socket, SB_HTTP_LISTEN_BACKLOG);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;

  self->socket = g_steal_pointer (&socket);
  watch_socket (self);
  self->sweep_source = g_timeout_source_new (SWEEP_MS);
  g_source_set_callback (self->sweep_source, sweep_cb, self, NULL);
  g_source_attach (self->sweep_source, NULL);
  return TRUE;
}

guint16
sb_http_listener_get_port (SbHttpListener *self)
{
  g_autoptr(GSocketAddress) address = NULL;

  g_return_val_if_fail (SB_IS_HTTP_LISTENER (self), 0);

  if (self->socket == NULL)
    return 0;
  address = g_socket_get_local_address (self->socket, NULL);
  return G_IS_INET_SOCKET_ADDRESS (address)
           ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)) : 0;
}

void
sb_http_listener_stop (SbHttpListener *self)
{
  g_return_if_fail (SB_IS_HTTP_LISTENER (self));

  sb_http_clear_source (&self->accept_source);
  sb_http_clear_source (&self->resume_source);
  if (self->socket)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
}

guint
sb_http_listener_get_n_connections (SbHttpListener *self)
{
  g_return_val_if_fail (SB_IS_HTTP_LISTENER (self), 0);
  return self->connections ? g_hash_table_size (self->connections) : 0;
}

/* For the connections */

GBytes *
sb_http_listener_render_answer (SbHttpListener *self,
                                guint           status,
                                const char     *message,
                                gboolean        head_only)
{
  g_autofree char *text = NULL;
  g_autofree char *head = NULL;

  if (message == NULL)
    message = soup_status_get_phrase (status);
  if (self->answer)
    return self->answer (status, message, head_only, self->answer_data);

  text = g_strdup_printf ("%s\n", message);
  head = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                          "Content-Type: text/plain; charset=utf-8\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Connection: close\r\n\r\n%s",
                          status, soup_status_get_phrase (status), strlen (text),
                          head_only ? "" : text);
  return g_bytes_new_take (g_steal_pointer (&head), strlen (head));
}

void
sb_http_listener_connection_refused (SbHttpListener   *self,
                                     SbHttpConnection *connection,
                                     const char       *method,
                                     const char       *path,
                                     guint             status,
                                     const char       *message)
{
  g_signal_emit (self, signals[SIGNAL_REFUSED], 0, method, path, status,
                 sb_http_connection_get_peer (connection), message);
}

void
sb_http_listener_connection_closed (SbHttpListener   *self,
                                    SbHttpConnection *connection)
{
  gpointer key = NULL;

  if (self->connections == NULL ||
      !g_hash_table_lookup_extended (self->connections, connection, NULL, &key))
    return;
  if (key != NULL)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, key));

      if (count <= 1)
        g_hash_table_remove (self->per_address, key);
      else
        g_hash_table_insert (self->per_address, g_strdup (key), GUINT_TO_POINTER (count - 1));
    }
  g_hash_table_remove (self->connections, connection);
}
