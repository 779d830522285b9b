/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sb-aws-client-private.h"
#include "sb-aws-error-private.h"
#include "sb-aws-request-private.h"
#include "sb-aws-sigv4.h"

/* The SDKs' "standard" retry mode: 3 attempts, exponential backoff with full
 * jitter (base 100 ms, cap 20 s), and a client-wide retry quota so that a
 * struggling service is not hit by every caller's retries at once. */
#define DEFAULT_MAX_ATTEMPTS   3
#define DEFAULT_BASE_MS        100
#define DEFAULT_MAX_MS         20000
#define RETRY_QUOTA            500
#define RETRY_COST             5
#define TIMEOUT_RETRY_COST     10
#define NO_RETRY_INCREMENT     1
/* Inactivity limit on a connection; a whole transfer may take far longer. */
#define DEFAULT_TIMEOUT_S      60
/* Error bodies are small; anything larger is not an AWS error document. */
#define MAX_ERROR_BODY         (256 * 1024)
/* Clock differences below this are not worth correcting. */
#define SKEW_THRESHOLD_S       (4 * 60)

struct _SbAwsClient
{
  GObject                   parent_instance;
  SbAwsConfig              *config;
  SoupSession              *session;
  SbAwsCredentialsProvider *credentials;
  guint                     max_attempts;
  guint                     base_ms;
  guint                     max_ms;
  gint64                    clock_offset;   /* seconds to add to our clock */
  guint                     retry_tokens;
  guint                     attempt_count;
};

G_DEFINE_FINAL_TYPE (SbAwsClient, sb_aws_client, G_TYPE_OBJECT)

static void
sb_aws_client_dispose (GObject *object)
{
  SbAwsClient *self = SB_AWS_CLIENT (object);

  g_clear_object (&self->credentials);
  g_clear_object (&self->session);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (sb_aws_client_parent_class)->dispose (object);
}

static void
sb_aws_client_class_init (SbAwsClientClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sb_aws_client_dispose;
}

static void
sb_aws_client_init (SbAwsClient *self)
{
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->base_ms = DEFAULT_BASE_MS;
  self->max_ms = DEFAULT_MAX_MS;
  self->retry_tokens = RETRY_QUOTA;
}

/**
 * sb_aws_client_new:
 * @config: region, endpoints and environment
 * @credentials: (nullable): where credentials come from; %NULL for the
 *   default chain over @config
 *
 * Creates the executor: one #SoupSession for every request of every service
 * (connections are pooled per host, up to 16 at once), signing, retries,
 * timeouts and clock-skew correction.
 *
 * Returns: (transfer full): a new client
 */
SbAwsClient *
sb_aws_client_new (SbAwsConfig              *config,
                   SbAwsCredentialsProvider *credentials)
{
  SbAwsClient *self;

  g_return_val_if_fail (SB_IS_AWS_CONFIG (config), NULL);
  g_return_val_if_fail (credentials == NULL || SB_IS_AWS_CREDENTIALS_PROVIDER (credentials), NULL);

  self = g_object_new (SB_TYPE_AWS_CLIENT, NULL);
  self->config = g_object_ref (config);
  self->session = soup_session_new_with_options ("max-conns", 64,
                                                 "max-conns-per-host", 16,
                                                 "timeout", DEFAULT_TIMEOUT_S,
                                                 "idle-timeout", DEFAULT_TIMEOUT_S,
                                                 "user-agent", "sb-aws/" PACKAGE_VERSION " ",
                                                 NULL);
  /* Objects are stored and returned byte for byte: a transparent gunzip
   * would break sizes, ranges and checksums of objects that carry a
   * Content-Encoding of their own. */
  soup_session_remove_feature_by_type (self->session, SOUP_TYPE_CONTENT_DECODER);
  self->credentials = credentials ? g_object_ref (credentials)
                                  : sb_aws_credentials_provider_new_default (config,
                                                                             self->session);
  return self;
}

/**
 * sb_aws_client_get_config:
 *
 * Returns: (transfer none): the configuration
 */
SbAwsConfig *
sb_aws_client_get_config (SbAwsClient *self)
{
  g_return_val_if_fail (SB_IS_AWS_CLIENT (self), NULL);
  return self->config;
}

/**
 * sb_aws_client_get_session:
 *
 * Returns: (transfer none): the one session all requests go through
 */
SoupSession *
sb_aws_client_get_session (SbAwsClient *self)
{
  g_return_val_if_fail (SB_IS_AWS_CLIENT (self), NULL);
  return self->session;
}

/**
 * sb_aws_client_get_credentials_provider:
 *
 * Returns: (transfer none): the credentials provider
 */
SbAwsCredentialsProvider *
sb_aws_client_get_credentials_provider (SbAwsClient *self)
{
  g_return_val_if_fail (SB_IS_AWS_CLIENT (self), NULL);
  return self->credentials;
}

/**
 * sb_aws_client_set_max_attempts:
 * @max_attempts: attempts per request, retries included (at least 1)
 */
void
sb_aws_client_set_max_attempts (SbAwsClient *self,
                                guint        max_attempts)
{
  g_return_if_fail (SB_IS_AWS_CLIENT (self));
  self->max_attempts = MAX (max_attempts, 1);
}

guint
sb_aws_client_get_max_attempts (SbAwsClient *self)
{
  g_return_val_if_fail (SB_IS_AWS_CLIENT (self), 0);
  return self->max_attempts;
}

/**
 * sb_aws_client_set_backoff:
 * @base_ms: the first retry waits up to this long
 * @max_ms: no retry waits longer than this
 *
 * Retry n waits a uniformly random time in [0, min(@max_ms, @base_ms × 2ⁿ⁻¹)].
 */
void
sb_aws_client_set_backoff (SbAwsClient *self,
                           guint        base_ms,
                           guint        max_ms)
{
  g_return_if_fail (SB_IS_AWS_CLIENT (self));
  self->base_ms = base_ms;
  self->max_ms = MAX (max_ms, base_ms);
}

/**
 * sb_aws_client_set_timeout:
 * @seconds: how long a connection may stay silent (connect, send or
 *   receive) before the attempt fails with a timeout
 */
void
sb_aws_client_set_timeout (SbAwsClient *self,
                           guint        seconds)
{
  g_return_if_fail (SB_IS_AWS_CLIENT (self));
  g_object_set (self->session, "timeout", seconds, NULL);
}

/**
 * sb_aws_client_get_clock_offset:
 *
 * Returns: seconds added to the local clock when signing, learnt from a
 *   service that said our clock is off
 */
gint64
sb_aws_client_get_clock_offset (SbAwsClient *self)
{
  g_return_val_if_fail (SB_IS_AWS_CLIENT (self), 0);
  return self->clock_offset;
}

/**
 * sb_aws_client_get_time:
 *
 * Returns: the signing time: now, in seconds since the epoch, corrected by
 *   the clock offset
 */
gint64
sb_aws_client_get_time (SbAwsClient *self)
{
  g_return_val_if_fail (SB_IS_AWS_CLIENT (self), 0);
  return g_get_real_time () / G_USEC_PER_SEC + self->clock_offset;
}

guint
sb_aws_client_get_attempt_count (SbAwsClient *self)
{
  return self->attempt_count;
}

guint
sb_aws_client_get_retry_tokens (SbAwsClient *self)
{
  return self->retry_tokens;
}

/* Error documents */

typedef struct
{
  GString *text;
  char    *code;
  char    *message;
  char    *request_id;
  int      capture;   /* 0 none, 1 code, 2 message, 3 request id */
} XmlError;

static void
xml_error_start (GMarkupParseContext  *context,
                 const char           *element,
                 const char          **names,
                 const char          **values,
                 gpointer              user_data,
                 GError              **error)
{
  XmlError *x = user_data;

  g_string_truncate (x->text, 0);
  x->capture = g_str_equal (element, "Code") ? 1 :
               g_str_equal (element, "Message") ? 2 :
               g_str_equal (element, "RequestId") ? 3 : 0;
}

static void
xml_error_text (GMarkupParseContext  *context,
                const char           *text,
                gsize                 length,
                gpointer              user_data,
                GError              **error)
{
  XmlError *x = user_data;

  if (x->capture != 0)
    g_string_append_len (x->text, text, length);
}

static void
xml_error_end (GMarkupParseContext  *context,
               const char           *element,
               gpointer              user_data,
               GError              **error)
{
  XmlError *x = user_data;
  char **slot = x->capture == 1 ? &x->code : x->capture == 2 ? &x->message :
                x->capture == 3 ? &x->request_id : NULL;

  /* The first of each wins: nested documents repeat them. */
  if (slot != NULL && *slot == NULL)
    *slot = g_strstrip (g_strdup (x->text->str));
  x->capture = 0;
}

void
sb_aws_parse_error_body (SbAwsProtocol   protocol,
                         GBytes         *body,
                         char          **code,
                         char          **message,
                         char          **request_id)
{
  gsize size = 0;
  const char *data = body ? g_bytes_get_data (body, &size) : NULL;

  *code = *message = *request_id = NULL;
  if (data == NULL || size == 0)
    return;

  if (protocol == SB_AWS_PROTOCOL_JSON)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;
      const char *type, *text;

      if (!json_parser_load_from_data (parser, data, size, NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        return;
      object = json_node_get_object (json_parser_get_root (parser));
      type = json_object_get_string_member_with_default (object, "__type", NULL);
      if (type == NULL)
        type = json_object_get_string_member_with_default (object, "code", NULL);
      text = json_object_get_string_member_with_default (object, "message", NULL);
      if (text == NULL)
        text = json_object_get_string_member_with_default (object, "Message", NULL);
      if (type != NULL)
        {
          /* "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException" */
          const char *hash = strrchr (type, '#');
          *code = g_strdup (hash ? hash + 1 : type);
        }
      *message = g_strdup (text);
    }
  else
    {
      static const GMarkupParser parser = { xml_error_start, xml_error_end, xml_error_text,
                                            NULL, NULL };
      XmlError x = { g_string_new (NULL), NULL, NULL, NULL, 0 };
      g_autoptr(GMarkupParseContext) context =
        g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &x, NULL);

      /* A truncated or broken document still yields what was read. */
      if (g_markup_parse_context_parse (context, data, size, NULL))
        g_markup_parse_context_end_parse (context, NULL);
      g_string_free (x.text, TRUE);
      *code = x.code;
      *message = x.message;
      *request_id = x.request_id;
    }
}

/* Sending */

typedef enum {
  FAILURE_FATAL,
  FAILURE_THROTTLED,
  FAILURE_TRANSIENT,
  FAILURE_CLOCK_SKEW,
  FAILURE_EXPIRED_CREDENTIALS,
} FailureKind;

typedef struct
{
  SbAwsRequest *request;
  gboolean      stream_mode;
  guint         attempt;
  SoupMessage  *message;
  gboolean      wrote_body;
  gboolean      maybe_applied;
  guint         retry_cost;
  gboolean      skew_retried;
  gboolean      credentials_retried;
  GSource      *backoff;
  GInputStream *error_stream;
} Send;

static void
send_free (Send *send)
{
  if (send->backoff != NULL)
    {
      g_source_destroy (send->backoff);
      g_source_unref (send->backoff);
    }
  g_clear_object (&send->request);
  g_clear_object (&send->message);
  g_clear_object (&send->error_stream);
  g_free (send);
}

static void start_attempt (GTask *task);

static gboolean
code_is (const char        *code,
         const char * const *list)
{
  return code != NULL && g_strv_contains (list, code);
}

static const char * const throttling_codes[] = {
  "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
  "TooManyRequestsException", "ProvisionedThroughputExceededException",
  "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
  "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
  "EC2ThrottledException", NULL
};
static const char * const transient_codes[] = {
  "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
  "InternalServerError", "ServiceUnavailable", NULL
};
static const char * const skew_codes[] = {
  "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException",
  "SignatureDoesNotMatch", "AuthFailure", NULL
};
static const char * const expired_credential_codes[] = {
  "ExpiredToken", "ExpiredTokenException", "RequestExpiredToken", NULL
};

static guint
backoff_ms (SbAwsClient *self,
            guint        attempt)
{
  guint64 ceiling = self->base_ms;

  for (guint i = 1; i < attempt && ceiling < self->max_ms; i++)
    ceiling *= 2;
  ceiling = MIN (ceiling, self->max_ms);
  /* Full jitter: spreads retries of many clients over the whole window. */
  return (guint) (g_random_double () * (double) ceiling);
}

static gboolean
backoff_done_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Send *send = g_task_get_task_data (task);

  g_source_destroy (send->backoff);
  g_clear_pointer (&send->backoff, g_source_unref);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }
  start_attempt (task);   /* takes over the reference */
  return G_SOURCE_REMOVE;
}

static gboolean
backoff_timer_cb (gpointer user_data)
{
  /* Nothing to do: firing wakes the parent source, whose callback runs. */
  return G_SOURCE_CONTINUE;
}

/* Waits @delay_ms, or less if the caller cancels: the timeout is a child of
 * a cancellable source, so whichever fires first dispatches. */
static void
schedule_retry (GTask *task,
                guint  delay_ms)
{
  Send *send = g_task_get_task_data (task);
  GSource *timeout = g_timeout_source_new (delay_ms);

  send->backoff = g_cancellable_source_new (g_task_get_cancellable (task));
  g_source_set_callback (timeout, backoff_timer_cb, NULL, NULL);
  g_source_add_child_source (send->backoff, timeout);
  g_source_unref (timeout);
  g_source_set_callback (send->backoff, G_SOURCE_FUNC (backoff_done_cb), task, NULL);
  g_source_attach (send->backoff, g_task_get_context (task));
}

static void
finish_with_error (GTask  *task,
                   GError *error)
{
  Send *send = g_task_get_task_data (task);

  if (error->domain == SB_AWS_ERROR)
    {
      sb_aws_error_set_maybe_applied (error, send->maybe_applied);
      if (send->attempt > 1)
        {
          g_autofree char *message = g_strdup_printf ("%s; gave up after %u attempts",
                                                      error->message, send->attempt);
          g_free (error->message);
          error->message = g_steal_pointer (&message);
        }
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* Decides whether a failed attempt is tried again; takes @error and either
 * reports it or schedules the retry. @ambiguous: the service may have acted
 * on this attempt. */
static void
handle_failure (GTask       *task,
                FailureKind  kind,
                gboolean     ambiguous,
                GError      *error)
{
  SbAwsClient *self = g_task_get_source_object (task);
  Send *send = g_task_get_task_data (task);
  guint cost = 0;
  guint delay = 0;

  if (ambiguous)
    send->maybe_applied = TRUE;

  if (kind == FAILURE_FATAL || send->attempt >= self->max_attempts ||
      !sb_aws_request_body_is_replayable (send->request) ||
      (ambiguous && !sb_aws_request_get_replay_safe (send->request)))
    {
      finish_with_error (task, error);
      return;
    }

  switch (kind)
    {
    case FAILURE_CLOCK_SKEW:
      if (send->skew_retried)
        {
          finish_with_error (task, error);
          return;
        }
      send->skew_retried = TRUE;
      break;
    case FAILURE_EXPIRED_CREDENTIALS:
      if (send->credentials_retried)
        {
          finish_with_error (task, error);
          return;
        }
      send->credentials_retried = TRUE;
      sb_aws_credentials_provider_invalidate (self->credentials);
      break;
    case FAILURE_THROTTLED:
    case FAILURE_TRANSIENT:
      cost = g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_TIMEOUT) ? TIMEOUT_RETRY_COST
                                                                         : RETRY_COST;
      if (self->retry_tokens < cost)
        {
          g_debug ("Retry quota exhausted; not retrying %s",
                   sb_aws_request_get_operation (send->request));
          finish_with_error (task, error);
          return;
        }
      self->retry_tokens -= cost;
      send->retry_cost += cost;
      delay = backoff_ms (self, send->attempt);
      break;
    case FAILURE_FATAL:
    default:
      g_assert_not_reached ();
    }

  g_debug ("%s %s attempt %u failed (%s); retrying in %u ms",
           sb_aws_request_get_service_label (send->request),
           sb_aws_request_get_operation (send->request), send->attempt, error->message, delay);
  g_error_free (error);
  g_clear_object (&send->message);
  schedule_retry (task, delay);
}

static void
succeed (GTask *task)
{
  SbAwsClient *self = g_task_get_source_object (task);
  Send *send = g_task_get_task_data (task);

  /* A success refunds what its retries took, or slowly refills the quota. */
  if (send->retry_cost > 0)
    self->retry_tokens = MIN (RETRY_QUOTA, self->retry_tokens + send->retry_cost);
  else
    self->retry_tokens = MIN (RETRY_QUOTA, self->retry_tokens + NO_RETRY_INCREMENT);
}

static char *
response_request_id (SoupMessage *message)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  const char *id = soup_message_headers_get_one (headers, "x-amzn-RequestId");

  if (id == NULL)
    id = soup_message_headers_get_one (headers, "x-amz-request-id");
  return g_strdup (id);
}

/* Learns the service's clock from its Date header; TRUE if that moved our
 * offset enough to make a retry worthwhile. */
static gboolean
adjust_clock (SbAwsClient *self,
              SoupMessage *message,
              const char  *code,
              const char  *aws_message)
{
  const char *date = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                   "Date");
  g_autoptr(GDateTime) server = date ? soup_date_time_new_from_http_string (date) : NULL;
  gint64 local = g_get_real_time () / G_USEC_PER_SEC;
  gint64 offset;

  if (server == NULL)
    return FALSE;
  /* InvalidSignatureException also means a wrong secret; only its
   * "Signature expired" / "not yet current" variants are about time. */
  if (g_strcmp0 (code, "InvalidSignatureException") == 0 &&
      (aws_message == NULL || (strstr (aws_message, "Signature expired") == NULL &&
                               strstr (aws_message, "not yet current") == NULL)))
    return FALSE;
  offset = g_date_time_to_unix (server) - local;
  if (ABS (offset - self->clock_offset) < SKEW_THRESHOLD_S &&
      g_strcmp0 (code, "RequestTimeTooSkewed") != 0)
    return FALSE;
  g_debug ("Service clock differs from ours by %" G_GINT64_FORMAT " s; correcting", offset);
  self->clock_offset = offset;
  return TRUE;
}

static void
error_body_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  SbAwsClient *self = g_task_get_source_object (task);
  Send *send = g_task_get_task_data (task);
  GOutputStream *out = G_OUTPUT_STREAM (object);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *code = NULL;
  g_autofree char *aws_message = NULL;
  g_autofree char *body_request_id = NULL;
  g_autofree char *request_id = NULL;
  guint status = soup_message_get_status (send->message);
  FailureKind kind = FAILURE_FATAL;
  gboolean ambiguous = FALSE;
  GError *error;

  /* A body we could not read still leaves the status to go by. */
  g_output_stream_splice_finish (out, result, NULL);
  g_clear_object (&send->error_stream);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  body = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  if (g_bytes_get_size (body) <= MAX_ERROR_BODY)
    sb_aws_parse_error_body (sb_aws_request_get_protocol (send->request), body, &code,
                             &aws_message, &body_request_id);

  if (code == NULL)
    {
      /* HEAD responses and proxies carry no error document. */
      const char *type = soup_message_headers_get_one (
          soup_message_get_response_headers (send->message), "x-amzn-ErrorType");

      if (type != NULL)
        code = g_strndup (type, strcspn (type, ":"));
      else if (status == SOUP_STATUS_NOT_FOUND)
        code = g_strdup ("NotFound");
      else if (status == SOUP_STATUS_PRECONDITION_FAILED)
        code = g_strdup ("PreconditionFailed");
      else if (status == SOUP_STATUS_NOT_MODIFIED)
        code = g_strdup ("NotModified");
      else if (status == SOUP_STATUS_FORBIDDEN)
        code = g_strdup ("Forbidden");
    }
  request_id = response_request_id (send->message);
  if (request_id == NULL)
    request_id = g_steal_pointer (&body_request_id);

  error = sb_aws_error_new_from_service (sb_aws_request_get_service_label (send->request),
                                         sb_aws_request_get_operation (send->request), status,
                                         code, aws_message, request_id);

  if (code_is (code, throttling_codes) || status == 429)
    kind = FAILURE_THROTTLED;
  else if (code_is (code, skew_codes))
    kind = adjust_clock (self, send->message, code, aws_message) ? FAILURE_CLOCK_SKEW
                                                                  : FAILURE_FATAL;
  else if (code_is (code, expired_credential_codes))
    kind = FAILURE_EXPIRED_CREDENTIALS;
  else if (code_is (code, transient_codes) || status == 500 || status == 502 || status == 503 ||
           status == 504)
    {
      kind = FAILURE_TRANSIENT;
      /* 503 means the request was turned away; the others may come after
       * the work was done. */
      ambiguous = status != 503;
    }

  if (kind == FAILURE_CLOCK_SKEW && error->code == SB_AWS_ERROR_ACCESS_DENIED)
    error->code = SB_AWS_ERROR_CLOCK_SKEW;
  handle_failure (task, kind, ambiguous, error);
}

static void
read_error_body (GTask        *task,
                 GInputStream *stream)
{
  Send *send = g_task_get_task_data (task);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  send->error_stream = g_object_ref (stream);
  g_output_stream_splice_async (out, stream,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                error_body_cb, task);
}

static void
success_body_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  GOutputStream *out = G_OUTPUT_STREAM (object);
  g_autoptr(GError) error = NULL;

  if (g_output_stream_splice_finish (out, result, &error) < 0)
    {
      FailureKind kind = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                         ? FAILURE_FATAL : FAILURE_TRANSIENT;
      Send *send = g_task_get_task_data (task);
      GError *wrapped;

      if (kind == FAILURE_FATAL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      /* The answer was lost half-way: the service did act. */
      wrapped = sb_aws_error_new_from_transport (sb_aws_request_get_service_label (send->request),
                                                 sb_aws_request_get_operation (send->request),
                                                 error);
      handle_failure (task, kind, TRUE, wrapped);
      return;
    }
  succeed (task);
  g_task_return_pointer (task,
                         g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out)),
                         (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Send *send = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  guint status;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (stream == NULL)
    {
      GError *wrapped;
      gboolean ambiguous;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      if (g_task_return_error_if_cancelled (task))
        {
          g_object_unref (task);
          return;
        }
      /* Once the whole request went out, the service may have acted on it
       * even though no answer came back. */
      ambiguous = send->wrote_body;
      wrapped = sb_aws_error_new_from_transport (sb_aws_request_get_service_label (send->request),
                                                 sb_aws_request_get_operation (send->request),
                                                 error);
      handle_failure (task, FAILURE_TRANSIENT, ambiguous, wrapped);
      return;
    }

  status = soup_message_get_status (send->message);
  if (status < 200 || status > 299)
    {
      read_error_body (task, stream);
      return;
    }

  if (send->stream_mode)
    {
      succeed (task);
      g_task_return_pointer (task, g_steal_pointer (&stream), g_object_unref);
      g_object_unref (task);
      return;
    }

  {
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

    g_output_stream_splice_async (out, stream,
                                  G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                  G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                  G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                  success_body_cb, task);
  }
}

static void
wrote_body_cb (SoupMessage *message,
               gpointer     user_data)
{
  Send *send = user_data;

  if (message == send->message)
    send->wrote_body = TRUE;
}

static void
credentials_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  SbAwsClient *self = g_task_get_source_object (task);
  Send *send = g_task_get_task_data (task);
  g_autoptr(SbAwsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  SbAwsSigningConfig signing;

  credentials = sb_aws_credentials_provider_get_finish (SB_AWS_CREDENTIALS_PROVIDER (object),
                                                        result, &error);
  if (credentials == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  g_clear_object (&send->message);
  send->message = sb_aws_request_build_message (send->request, g_task_get_cancellable (task),
                                                &error);
  if (send->message == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  /* Redirects would be unsigned for the new host; S3's PermanentRedirect
   * is reported (it names the right region) rather than followed. */
  soup_message_add_flags (send->message, SOUP_MESSAGE_NO_REDIRECT);
  send->wrote_body = FALSE;
  g_signal_connect (send->message, "wrote-body", G_CALLBACK (wrote_body_cb), send);

  sb_aws_signing_config_init (&signing, sb_aws_request_get_service (send->request),
                              sb_aws_config_get_region (self->config), credentials,
                              sb_aws_client_get_time (self));
  sb_aws_sigv4_sign_message (&signing, send->message,
                             sb_aws_request_get_payload_hash (send->request));

  self->attempt_count++;
  soup_session_send_async (self->session, send->message, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), send_cb, task);
}

/* Takes a reference to @task and hands it on. */
static void
start_attempt (GTask *task)
{
  SbAwsClient *self = g_task_get_source_object (task);
  Send *send = g_task_get_task_data (task);

  send->attempt++;
  sb_aws_credentials_provider_get_async (self->credentials, g_task_get_cancellable (task),
                                         credentials_cb, task);
}

static void
send_common (SbAwsClient         *self,
             SbAwsRequest        *request,
             gboolean             stream_mode,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  Send *send;

  g_return_if_fail (SB_IS_AWS_CLIENT (self));
  g_return_if_fail (SB_IS_AWS_REQUEST (request));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  send = g_new0 (Send, 1);
  send->request = g_object_ref (request);
  send->stream_mode = stream_mode;
  g_task_set_task_data (task, send, (GDestroyNotify) send_free);
  start_attempt (g_steal_pointer (&task));
}

/* The result of a send (body or stream) and, on success, its last message. */
static gpointer
propagate_with_message (GAsyncResult  *result,
                        SoupMessage  **out_message,
                        GError       **error)
{
  Send *send = g_task_get_task_data (G_TASK (result));
  gpointer answer = g_task_propagate_pointer (G_TASK (result), error);

  if (answer != NULL && out_message != NULL)
    *out_message = g_object_ref (send->message);
  return answer;
}

/**
 * sb_aws_client_send_async:
 * @self: a client
 * @request: what to send
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the request succeeded or finally failed
 * @user_data: data for @callback
 *
 * Sends @request, signing each attempt and retrying as the standard retry
 * mode says, and reads the whole response body (for API calls whose answer
 * is a small document). A non-2xx answer becomes an %SB_AWS_ERROR carrying
 * the AWS error code, message, HTTP status and request id.
 */
void
sb_aws_client_send_async (SbAwsClient         *self,
                          SbAwsRequest        *request,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  send_common (self, request, FALSE, cancellable, callback, user_data,
               SB_SOURCE_TAG (sb_aws_client_send_async));
}

/**
 * sb_aws_client_send_finish:
 * @out_message: (out) (optional) (transfer full): the final attempt's
 *   message, for the status and response headers
 *
 * Returns: (transfer full): the response body
 */
GBytes *
sb_aws_client_send_finish (SbAwsClient   *self,
                           GAsyncResult  *result,
                           SoupMessage  **out_message,
                           GError       **error)
{
  g_return_val_if_fail (SB_IS_AWS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return propagate_with_message (result, out_message, error);
}

/**
 * sb_aws_client_send_stream_async:
 *
 * Like sb_aws_client_send_async(), but hands over the response body as a
 * stream as soon as a 2xx status and headers arrive, for downloads. Retries
 * happen only until then: a failure while the caller reads the stream is
 * the caller's to handle (a ranged GET can resume where it stopped).
 */
void
sb_aws_client_send_stream_async (SbAwsClient         *self,
                                 SbAwsRequest        *request,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  send_common (self, request, TRUE, cancellable, callback, user_data,
               SB_SOURCE_TAG (sb_aws_client_send_stream_async));
}

/**
 * sb_aws_client_send_stream_finish:
 * @out_message: (out) (optional) (transfer full): the final attempt's message
 *
 * Returns: (transfer full): the response body stream; read it to the end or
 *   close it to give its connection back
 */
GInputStream *
sb_aws_client_send_stream_finish (SbAwsClient   *self,
                                  GAsyncResult  *result,
                                  SoupMessage  **out_message,
                                  GError       **error)
{
  g_return_val_if_fail (SB_IS_AWS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return propagate_with_message (result, out_message, error);
}
