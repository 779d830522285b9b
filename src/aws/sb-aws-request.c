/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-aws-body-stream-private.h"
#include "sb-aws-request-private.h"
#include "sb-aws-sigv4.h"

/* One AWS API call as data: what to send, how to sign it, how to read its
 * errors. The executor turns it into a fresh SoupMessage per attempt, so a
 * request can be retried as long as its body can be replayed. */
struct _SbAwsRequest
{
  GObject             parent_instance;
  char               *service;
  char               *operation;
  char               *method;
  GUri               *uri;
  SoupMessageHeaders *headers;
  SbAwsProtocol       protocol;
  GBytes             *body;
  GInputStream       *body_stream;
  goffset             body_length;
  goffset             body_start;     /* stream offset to rewind to, or -1 */
  char               *content_type;
  char               *payload_hash;
  gboolean            replay_safe;
};

G_DEFINE_FINAL_TYPE (SbAwsRequest, sb_aws_request, G_TYPE_OBJECT)

static void
sb_aws_request_dispose (GObject *object)
{
  SbAwsRequest *self = SB_AWS_REQUEST (object);

  g_clear_object (&self->body_stream);
  G_OBJECT_CLASS (sb_aws_request_parent_class)->dispose (object);
}

static void
sb_aws_request_finalize (GObject *object)
{
  SbAwsRequest *self = SB_AWS_REQUEST (object);

  g_free (self->service);
  g_free (self->operation);
  g_free (self->method);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_clear_pointer (&self->headers, soup_message_headers_unref);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self->content_type);
  g_free (self->payload_hash);
  G_OBJECT_CLASS (sb_aws_request_parent_class)->finalize (object);
}

static void
sb_aws_request_class_init (SbAwsRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_aws_request_dispose;
  object_class->finalize = sb_aws_request_finalize;
}

static void
sb_aws_request_init (SbAwsRequest *self)
{
  self->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  self->replay_safe = TRUE;
  self->body_start = -1;
}

/**
 * sb_aws_request_new:
 * @service: the service's signing name and endpoint id ("dynamodb", "s3")
 * @operation: the API operation, for messages ("PutItem", "GetObject")
 * @method: the HTTP method
 * @uri: the full request URI with path and query already percent-encoded;
 *   build it with %SOUP_HTTP_URI_FLAGS (g_uri_build()) so that libsoup sends
 *   it exactly as signed
 *
 * Returns: (transfer full): a request with no body
 */
SbAwsRequest *
sb_aws_request_new (const char *service,
                    const char *operation,
                    const char *method,
                    GUri       *uri)
{
  SbAwsRequest *self;

  g_return_val_if_fail (service != NULL && operation != NULL && method != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  self = g_object_new (SB_TYPE_AWS_REQUEST, NULL);
  self->service = g_strdup (service);
  self->operation = g_strdup (operation);
  self->method = g_strdup (method);
  self->uri = g_uri_ref (uri);
  self->protocol = g_str_equal (service, "s3") ? SB_AWS_PROTOCOL_REST_XML : SB_AWS_PROTOCOL_JSON;
  return self;
}

const char *
sb_aws_request_get_service (SbAwsRequest *self)
{
  g_return_val_if_fail (SB_IS_AWS_REQUEST (self), NULL);
  return self->service;
}

const char *
sb_aws_request_get_service_label (SbAwsRequest *self)
{
  if (g_str_equal (self->service, "dynamodb"))
    return "DynamoDB";
  if (g_str_equal (self->service, "s3"))
    return "S3";
  return self->service;
}

const char *
sb_aws_request_get_operation (SbAwsRequest *self)
{
  g_return_val_if_fail (SB_IS_AWS_REQUEST (self), NULL);
  return self->operation;
}

const char *
sb_aws_request_get_method (SbAwsRequest *self)
{
  g_return_val_if_fail (SB_IS_AWS_REQUEST (self), NULL);
  return self->method;
}

/**
 * sb_aws_request_get_uri:
 *
 * Returns: (transfer none): the request URI
 */
GUri *
sb_aws_request_get_uri (SbAwsRequest *self)
{
  g_return_val_if_fail (SB_IS_AWS_REQUEST (self), NULL);
  return self->uri;
}

/**
 * sb_aws_request_get_headers:
 *
 * Returns: (transfer none): the headers to send (and sign); add to them
 */
SoupMessageHeaders *
sb_aws_request_get_headers (SbAwsRequest *self)
{
  g_return_val_if_fail (SB_IS_AWS_REQUEST (self), NULL);
  return self->headers;
}

/**
 * sb_aws_request_set_protocol:
 *
 * How error responses are encoded; defaults to REST-XML for "s3" and JSON
 * otherwise.
 */
void
sb_aws_request_set_protocol (SbAwsRequest  *self,
                             SbAwsProtocol  protocol)
{
  g_return_if_fail (SB_IS_AWS_REQUEST (self));
  self->protocol = protocol;
}

SbAwsProtocol
sb_aws_request_get_protocol (SbAwsRequest *self)
{
  g_return_val_if_fail (SB_IS_AWS_REQUEST (self), SB_AWS_PROTOCOL_JSON);
  return self->protocol;
}

static void
clear_body (SbAwsRequest *self)
{
  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_object (&self->body_stream);
  g_clear_pointer (&self->content_type, g_free);
  g_clear_pointer (&self->payload_hash, g_free);
  self->body_length = 0;
  self->body_start = -1;
}

/**
 * sb_aws_request_set_body:
 * @body: the whole body
 * @content_type: (nullable): its media type
 *
 * A body in memory: always replayable, and signed with its SHA-256, so the
 * service rejects it if a byte changes on the way.
 */
void
sb_aws_request_set_body (SbAwsRequest *self,
                         GBytes       *body,
                         const char   *content_type)
{
  gsize size;
  gconstpointer data;

  g_return_if_fail (SB_IS_AWS_REQUEST (self));
  g_return_if_fail (body != NULL);

  clear_body (self);
  self->body = g_bytes_ref (body);
  self->content_type = g_strdup (content_type);
  data = g_bytes_get_data (body, &size);
  self->body_length = size;
  self->payload_hash = sb_aws_sha256_hex (data ? data : "", size);
}

/**
 * sb_aws_request_set_body_stream:
 * @stream: where the body comes from
 * @length: exactly how many bytes to send from @stream
 * @content_type: (nullable): its media type
 * @payload_sha256: (nullable): hex SHA-256 of those bytes if the caller
 *   knows it; %NULL signs `UNSIGNED-PAYLOAD`, which only S3 accepts
 *
 * A streamed body, read once while it is sent. If @stream is a #GSeekable
 * that can seek, each retry rewinds it to its current position; otherwise
 * the request gets exactly one attempt, because a failed attempt may have
 * consumed bytes that cannot be read again. (The S3 client avoids the
 * question by buffering each part, which it hashes anyway.)
 */
void
sb_aws_request_set_body_stream (SbAwsRequest *self,
                                GInputStream *stream,
                                goffset       length,
                                const char   *content_type,
                                const char   *payload_sha256)
{
  g_return_if_fail (SB_IS_AWS_REQUEST (self));
  g_return_if_fail (G_IS_INPUT_STREAM (stream));
  g_return_if_fail (length >= 0);
  g_return_if_fail (payload_sha256 != NULL || g_str_equal (self->service, "s3"));

  clear_body (self);
  self->body_stream = g_object_ref (stream);
  self->body_length = length;
  self->content_type = g_strdup (content_type);
  self->payload_hash = g_strdup (payload_sha256 ? payload_sha256 : SB_AWS_UNSIGNED_PAYLOAD);
  if (G_IS_SEEKABLE (stream) && g_seekable_can_seek (G_SEEKABLE (stream)))
    self->body_start = g_seekable_tell (G_SEEKABLE (stream));
}

/**
 * sb_aws_request_get_body:
 *
 * Returns: (transfer none) (nullable): the in-memory body, if any
 */
GBytes *
sb_aws_request_get_body (SbAwsRequest *self)
{
  g_return_val_if_fail (SB_IS_AWS_REQUEST (self), NULL);
  return self->body;
}

/**
 * sb_aws_request_get_payload_hash:
 *
 * Returns: the value signed as the payload hash
 */
const char *
sb_aws_request_get_payload_hash (SbAwsRequest *self)
{
  g_return_val_if_fail (SB_IS_AWS_REQUEST (self), NULL);
  return self->payload_hash ? self->payload_hash : SB_AWS_EMPTY_SHA256;
}

/**
 * sb_aws_request_set_replay_safe:
 * @replay_safe: whether doing the request twice is harmless
 *
 * Every DynamoDB and S3 call this layer makes is safe to replay: reads and
 * deletes are idempotent, puts replace whole objects, and conditional writes
 * cannot apply twice (a replay of an applied write fails its condition;
 * sb_aws_error_get_maybe_applied() tells the caller when that may be what
 * happened). A request marked unsafe is still retried when the service
 * certainly did not act on it (throttled, connection refused, not fully
 * sent), never after it may have.
 */
void
sb_aws_request_set_replay_safe (SbAwsRequest *self,
                                gboolean      replay_safe)
{
  g_return_if_fail (SB_IS_AWS_REQUEST (self));
  self->replay_safe = replay_safe;
}

gboolean
sb_aws_request_get_replay_safe (SbAwsRequest *self)
{
  g_return_val_if_fail (SB_IS_AWS_REQUEST (self), FALSE);
  return self->replay_safe;
}

gboolean
sb_aws_request_body_is_replayable (SbAwsRequest *self)
{
  return self->body_stream == NULL || self->body_start >= 0;
}

SoupMessage *
sb_aws_request_build_message (SbAwsRequest  *self,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(SoupMessage) message = soup_message_new_from_uri (self->method, self->uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  soup_message_headers_iter_init (&iter, self->headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_append (headers, name, value);

  if (self->body != NULL)
    soup_message_set_request_body_from_bytes (message, self->content_type, self->body);
  else if (self->body_stream != NULL)
    {
      if (self->body_start >= 0 &&
          !g_seekable_seek (G_SEEKABLE (self->body_stream), self->body_start, G_SEEK_SET,
                            cancellable, error))
        return NULL;
      {
        g_autoptr(GInputStream) body = sb_aws_body_stream_new (self->body_stream);

        soup_message_set_request_body (message, self->content_type, body, self->body_length);
      }
    }
  else if (g_str_equal (self->method, "PUT") || g_str_equal (self->method, "POST"))
    {
      /* An explicit empty body, so libsoup sends Content-Length: 0. */
      g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

      soup_message_set_request_body_from_bytes (message, self->content_type, empty);
    }
  return g_steal_pointer (&message);
}
