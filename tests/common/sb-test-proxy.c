/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-test-proxy.h"

/* Blocking sockets in threads: simple, and independent of whatever main
 * context the test runs. Each client connection gets a thread; each
 * request a fresh upstream connection. */

#define MAX_HEAD (64 * 1024)

typedef struct
{
  char              *operation;
  char              *fragment;
  SbTestProxyAction  action;
  guint              remaining;  /* 0: unlimited */
} Rule;

struct _SbTestProxy
{
  GSocket      *listener;
  char         *url;
  char         *upstream_host;
  guint16       upstream_port;
  GThread      *acceptor;
  GCancellable *cancellable;
  GMutex        lock;
  GList        *rules;
  GPtrArray    *clients;   /* GSocket, still open */
  GPtrArray    *threads;
  gboolean      down;
  guint         counts[SB_TEST_PROXY_DROP_AND_FAIL + 1];
};

static void
rule_free (Rule *rule)
{
  g_free (rule->operation);
  g_free (rule->fragment);
  g_free (rule);
}

typedef struct
{
  GByteArray *data;
  gsize       head_length;  /* up to and including the blank line */
  gint64      content_length;
} Message;

static void
message_clear (Message *message)
{
  g_clear_pointer (&message->data, g_byte_array_unref);
}

static const char *
find_header (const char *head,
             gsize       head_length,
             const char *name,
             gsize      *value_length)
{
  g_autofree char *needle = g_strdup_printf ("\r\n%s:", name);
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= head_length; i++)
    if (g_ascii_strncasecmp (head + i, needle, needle_length) == 0)
      {
        const char *value = head + i + needle_length;
        const char *end = g_strstr_len (value, (gssize) (head + head_length - value), "\r\n");

        while (*value == ' ')
          value++;
        *value_length = end ? (gsize) (end - value) : 0;
        return value;
      }
  return NULL;
}

/* Reads one message (head and Content-Length body) into @message, keeping
 * whatever came after it in @rest for the next one. FALSE at EOF/error. */
static gboolean
read_message (GSocket      *socket,
              GByteArray   *rest,
              Message      *message,
              GCancellable *cancellable)
{
  guint8 buffer[16384];
  const char *end = NULL;

  message->data = g_byte_array_new ();
  g_byte_array_append (message->data, rest->data, rest->len);
  g_byte_array_set_size (rest, 0);
  while (message->data->len == 0 ||
         (end = g_strstr_len ((const char *) message->data->data, (gssize) message->data->len,
                              "\r\n\r\n")) == NULL)
    {
      gssize n;

      if (message->data->len > MAX_HEAD)
        return FALSE;
      n = g_socket_receive (socket, (char *) buffer, sizeof buffer, cancellable, NULL);
      if (n <= 0)
        return FALSE;
      g_byte_array_append (message->data, buffer, (guint) n);
    }
  message->head_length = (gsize) (end + 4 - (const char *) message->data->data);
  {
    gsize length = 0;
    const char *value = find_header ((const char *) message->data->data, message->head_length,
                                     "Content-Length", &length);
    g_autofree char *text = value ? g_strndup (value, length) : NULL;

    message->content_length = text ? g_ascii_strtoll (text, NULL, 10) : 0;
  }
  while ((gint64) (message->data->len - message->head_length) < message->content_length)
    {
      gssize n = g_socket_receive (socket, (char *) buffer, sizeof buffer, cancellable, NULL);

      if (n <= 0)
        return FALSE;
      g_byte_array_append (message->data, buffer, (guint) n);
    }
  /* Pipelined bytes belong to the next message. */
  {
    gsize total = message->head_length + (gsize) message->content_length;

    if (message->data->len > total)
      {
        g_byte_array_append (rest, message->data->data + total, message->data->len - (guint) total);
        g_byte_array_set_size (message->data, (guint) total);
      }
  }
  return TRUE;
}

static gboolean
send_all (GSocket      *socket,
          const guint8 *data,
          gsize         length,
          GCancellable *cancellable)
{
  while (length > 0)
    {
      gssize n = g_socket_send (socket, (const char *) data, length, cancellable, NULL);

      if (n <= 0)
        return FALSE;
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

static SbTestProxyAction
decide (SbTestProxy *self,
        Message     *request)
{
  const char *head = (const char *) request->data->data;
  gsize target_length = 0;
  const char *target = find_header (head, request->head_length, "X-Amz-Target", &target_length);
  const char *body = head + request->head_length;
  gsize body_length = request->data->len - request->head_length;
  SbTestProxyAction action = SB_TEST_PROXY_FORWARD;

  g_mutex_lock (&self->lock);
  if (self->down)
    {
      self->counts[SB_TEST_PROXY_RESET]++;
      g_mutex_unlock (&self->lock);
      return SB_TEST_PROXY_RESET;
    }
  for (GList *l = self->rules; l != NULL; l = l->next)
    {
      Rule *rule = l->data;
      gsize op_length = rule->operation ? strlen (rule->operation) : 0;

      if (rule->operation != NULL &&
          (target == NULL || target_length < op_length ||
           memcmp (target + target_length - op_length, rule->operation, op_length) != 0))
        continue;
      if (rule->fragment != NULL &&
          g_strstr_len (body, (gssize) body_length, rule->fragment) == NULL)
        continue;
      action = rule->action;
      if (rule->remaining > 0 && --rule->remaining == 0)
        {
          self->rules = g_list_delete_link (self->rules, l);
          rule_free (rule);
        }
      break;
    }
  self->counts[action]++;
  if (action == SB_TEST_PROXY_DROP_AND_FAIL)
    {
      self->down = TRUE;
      action = SB_TEST_PROXY_DROP_ANSWER;
    }
  g_mutex_unlock (&self->lock);
  return action;
}

/* Sends @request upstream and reads the answer; NULL if upstream failed. */
static GByteArray *
exchange (SbTestProxy  *self,
          Message      *request)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GByteArray) rest = g_byte_array_new ();
  Message response = { 0 };
  GSocket *socket;

  connection = g_socket_client_connect_to_host (client, self->upstream_host, self->upstream_port,
                                                self->cancellable, NULL);
  if (connection == NULL)
    return NULL;
  socket = g_socket_connection_get_socket (connection);
  if (!send_all (socket, request->data->data, request->data->len, self->cancellable) ||
      !read_message (socket, rest, &response, self->cancellable))
    {
      message_clear (&response);
      return NULL;
    }
  return g_steal_pointer (&response.data);
}

static gpointer
serve_client (gpointer data)
{
  GSocket *socket = data;
  SbTestProxy *self = g_object_get_data (G_OBJECT (socket), "proxy");
  g_autoptr(GByteArray) rest = g_byte_array_new ();

  while (!g_cancellable_is_cancelled (self->cancellable))
    {
      Message request = { 0 };
      g_autoptr(GByteArray) response = NULL;
      SbTestProxyAction action;

      if (!read_message (socket, rest, &request, self->cancellable))
        {
          message_clear (&request);
          break;
        }
      action = decide (self, &request);
      if (action == SB_TEST_PROXY_RESET)
        {
          message_clear (&request);
          break;
        }
      response = exchange (self, &request);
      message_clear (&request);
      if (response == NULL || action == SB_TEST_PROXY_DROP_ANSWER ||
          !send_all (socket, response->data, response->len, self->cancellable))
        break;
    }
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
  g_socket_close (socket, NULL);
  return NULL;
}

static gpointer
accept_loop (gpointer data)
{
  SbTestProxy *self = data;

  for (;;)
    {
      GSocket *client = g_socket_accept (self->listener, self->cancellable, NULL);
      GThread *thread;

      if (client == NULL)
        break;
      g_object_set_data (G_OBJECT (client), "proxy", self);
      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->clients, client);
      thread = g_thread_new ("sb-test-proxy-client", serve_client, client);
      g_ptr_array_add (self->threads, thread);
      g_mutex_unlock (&self->lock);
    }
  return NULL;
}

SbTestProxy *
sb_test_proxy_new (const char *upstream_url)
{
  SbTestProxy *self = g_new0 (SbTestProxy, 1);
  g_autoptr(GUri) uri = g_uri_parse (upstream_url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (uri);
  self->upstream_host = g_strdup (g_uri_get_host (uri));
  self->upstream_port = (guint16) g_uri_get_port (uri);
  g_mutex_init (&self->lock);
  self->clients = g_ptr_array_new_with_free_func (g_object_unref);
  self->threads = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  self->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (self->listener, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (self->listener, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (self->listener, &error);
  g_assert_no_error (error);
  self->url = g_strdup_printf ("http://127.0.0.1:%u",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  self->acceptor = g_thread_new ("sb-test-proxy", accept_loop, self);
  return self;
}

const char *
sb_test_proxy_get_url (SbTestProxy *self)
{
  return self->url;
}

void
sb_test_proxy_add_rule (SbTestProxy       *self,
                        const char        *operation,
                        const char        *fragment,
                        SbTestProxyAction  action,
                        guint              count)
{
  Rule *rule = g_new0 (Rule, 1);

  rule->operation = g_strdup (operation);
  rule->fragment = g_strdup (fragment);
  rule->action = action;
  rule->remaining = count;
  g_mutex_lock (&self->lock);
  self->rules = g_list_append (self->rules, rule);
  g_mutex_unlock (&self->lock);
}

void
sb_test_proxy_clear (SbTestProxy *self)
{
  g_mutex_lock (&self->lock);
  g_list_free_full (g_steal_pointer (&self->rules), (GDestroyNotify) rule_free);
  self->down = FALSE;
  g_mutex_unlock (&self->lock);
}

guint
sb_test_proxy_count (SbTestProxy       *self,
                     SbTestProxyAction  action)
{
  guint count;

  g_mutex_lock (&self->lock);
  count = self->counts[action];
  g_mutex_unlock (&self->lock);
  return count;
}

void
sb_test_proxy_free (SbTestProxy *self)
{
  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_socket_shutdown (self->listener, TRUE, TRUE, NULL);
  g_socket_close (self->listener, NULL);
  g_thread_join (self->acceptor);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->clients->len; i++)
    g_socket_shutdown (self->clients->pdata[i], TRUE, TRUE, NULL);
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < self->threads->len; i++)
    g_thread_join (self->threads->pdata[i]);
  g_ptr_array_unref (self->threads);
  g_ptr_array_unref (self->clients);
  g_list_free_full (self->rules, (GDestroyNotify) rule_free);
  g_object_unref (self->listener);
  g_object_unref (self->cancellable);
  g_mutex_clear (&self->lock);
  g_free (self->upstream_host);
  g_free (self->url);
  g_free (self);
}
