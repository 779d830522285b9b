/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The request executor against a loopback SoupServer that answers 500, 503,
 * throttling and clock-skew errors, drops connections and stops answering:
 * attempt counts, eventual success, the contents of final errors. */
#include "config.h"

#include <string.h>

#include "sb-aws-body-stream-private.h"
#include "sb-aws-client-private.h"
#include "sb-aws-error.h"
#include "sb-aws-test-util.h"

static SoupServer *server;
static char *base_url;

typedef struct
{
  SbAwsClient *client;
  GHashTable  *hits;        /* path -> count */
  GPtrArray   *bodies;      /* request bodies seen, as GBytes */
  GPtrArray   *amz_dates;   /* X-Amz-Date of each request */
  guint        host_headers_max;
  GPtrArray   *paused;
} Fixture;

static Fixture *current;

static guint
hit (const char *path)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (current->hits, path)) + 1;

  g_hash_table_insert (current->hits, g_strdup (path), GUINT_TO_POINTER (n));
  return n;
}

static guint
hits (Fixture    *f,
      const char *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (f->hits, path));
}

static void
json_error (SoupServerMessage *msg,
            guint              status,
            const char        *type,
            const char        *message)
{
  g_autofree char *body = g_strdup_printf ("{\"__type\":\"com.amazonaws.test#%s\","
                                           "\"message\":\"%s\"}", type, message);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "x-amzn-RequestId", "REQ-123");
  soup_server_message_set_response (msg, "application/x-amz-json-1.0", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

static void
ok (SoupServerMessage *msg)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"ok\":1}",
                                    8);
}

static void
handler (SoupServer        *srv,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (request_body);
  const char *host_list = soup_message_headers_get_list (headers, "Host");
  guint n = hit (path);
  guint host_count = 1;

  for (const char *p = host_list; p && *p; p++)
    host_count += *p == ',';
  current->host_headers_max = MAX (current->host_headers_max, host_count);
  g_ptr_array_add (current->bodies, g_bytes_ref (body));
  g_ptr_array_add (current->amz_dates,
                   g_strdup (soup_message_headers_get_one (headers, "X-Amz-Date")));
  g_assert_nonnull (soup_message_headers_get_one (headers, "Authorization"));

  if (g_str_equal (path, "/ok"))
    ok (msg);
  else if (g_str_equal (path, "/500-then-ok"))
    n < 3 ? json_error (msg, 500, "InternalServerError", "oops") : ok (msg);
  else if (g_str_equal (path, "/503-then-ok"))
    n < 2 ? json_error (msg, 503, "ServiceUnavailable", "busy") : ok (msg);
  else if (g_str_equal (path, "/500"))
    json_error (msg, 500, "InternalServerError", "oops");
  else if (g_str_equal (path, "/throttle"))
    json_error (msg, 400, "ThrottlingException", "Rate exceeded");
  else if (g_str_equal (path, "/throttle-then-ok"))
    n < 3 ? json_error (msg, 400, "ProvisionedThroughputExceededException", "slow down")
          : ok (msg);
  else if (g_str_equal (path, "/conditional"))
    json_error (msg, 400, "ConditionalCheckFailedException", "The conditional request failed");
  else if (g_str_equal (path, "/skew"))
    {
      if (n == 1)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          g_autoptr(GDateTime) ahead = g_date_time_add_hours (now, 1);
          g_autofree char *date = soup_date_time_to_string (ahead, SOUP_DATE_HTTP);

          json_error (msg, 400, "InvalidSignatureException",
                      "Signature expired: 20240101T000000Z is now earlier than ...");
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Date", date);
        }
      else
        ok (msg);
    }
  else if (g_str_equal (path, "/xml-404"))
    {
      static const char xml[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
        "<Message>The specified key does not exist.</Message><Key>a b</Key>"
        "<RequestId>XMLREQ</RequestId></Error>";

      soup_server_message_set_status (msg, 404, NULL);
      soup_server_message_set_response (msg, "application/xml", SOUP_MEMORY_STATIC, xml,
                                        strlen (xml));
    }
  else if (g_str_equal (path, "/head-404"))
    soup_server_message_set_status (msg, 404, NULL);
  else if (g_str_equal (path, "/drop-then-ok"))
    {
      if (n == 1)
        {
          g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

          g_io_stream_close (stream, NULL, NULL);
        }
      else
        ok (msg);
    }
  else if (g_str_equal (path, "/hang"))
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (current->paused, g_object_ref (msg));
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_auto(GStrv) env = g_environ_setenv (NULL, "AWS_REGION", "eu-west-1", TRUE);
  g_autoptr(SbAwsConfig) config = sb_aws_config_new ((const char * const *) env);
  g_autoptr(SbAwsCredentials) creds = sb_aws_credentials_new ("AKID", "SECRET", NULL, 0);
  g_autoptr(SbAwsCredentialsProvider) provider = sb_aws_credentials_provider_new_static (creds);

  f->client = sb_aws_client_new (config, provider);
  sb_aws_client_set_backoff (f->client, 1, 10);
  f->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  f->amz_dates = g_ptr_array_new_with_free_func (g_free);
  f->paused = g_ptr_array_new_with_free_func (g_object_unref);
  current = f;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  for (guint i = 0; i < f->paused->len; i++)
    {
      SoupServerMessage *msg = f->paused->pdata[i];

      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_unpause (msg);
    }
  g_assert_finalize_object (f->client);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_hash_table_unref (f->hits);
  g_ptr_array_unref (f->bodies);
  g_ptr_array_unref (f->amz_dates);
  g_ptr_array_unref (f->paused);
  current = NULL;
}

static SbAwsRequest *
make_request (const char *path,
              const char *method)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);

  return sb_aws_request_new ("dynamodb", "TestOp", method, uri);
}

static GBytes *
send (Fixture       *f,
      SbAwsRequest  *request,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_aws_client_send_async (f->client, request, cancellable, sb_test_result_cb, &result);
  return sb_aws_client_send_finish (f->client, sb_test_await (&result), NULL, error);
}

static void
test_ok (Fixture       *f,
         gconstpointer  data)
{
  g_autoptr(SbAwsRequest) request = make_request ("/ok", "POST");
  g_autoptr(GBytes) in = g_bytes_new_static ("{\"x\":1}", 7);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;

  sb_aws_request_set_body (request, in, "application/x-amz-json-1.0");
  out = send (f, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), "{\"ok\":1}", 8);
  g_assert_cmpuint (hits (f, "/ok"), ==, 1);
  g_assert_cmpuint (f->host_headers_max, ==, 1);
  g_assert_true (g_bytes_equal (f->bodies->pdata[0], in));
}

static void
test_retry_500 (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SbAwsRequest) request = make_request ("/500-then-ok", "POST");
  g_autoptr(GBytes) in = g_bytes_new_static ("payload", 7);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;

  sb_aws_request_set_body (request, in, NULL);
  out = send (f, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits (f, "/500-then-ok"), ==, 3);
  /* Every attempt carried the whole body again. */
  for (guint i = 0; i < f->bodies->len; i++)
    g_assert_true (g_bytes_equal (f->bodies->pdata[i], in));
  /* The quota took its due and the success refunded it. */
  g_assert_cmpuint (sb_aws_client_get_retry_tokens (f->client), ==, 500);
}

static void
test_retry_503 (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SbAwsRequest) request = make_request ("/503-then-ok", "GET");
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;

  out = send (f, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits (f, "/503-then-ok"), ==, 2);
}

static void
test_throttled_gives_up (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SbAwsRequest) request = make_request ("/throttle", "POST");
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;

  out = send (f, request, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_THROTTLED);
  g_assert_cmpuint (hits (f, "/throttle"), ==, 3);
  g_assert_cmpstr (sb_aws_error_get_code (error), ==, "ThrottlingException");
  g_assert_cmpstr (sb_aws_error_get_aws_message (error), ==, "Rate exceeded");
  g_assert_cmpstr (sb_aws_error_get_request_id (error), ==, "REQ-123");
  g_assert_cmpuint (sb_aws_error_get_http_status (error), ==, 400);
  g_assert_false (sb_aws_error_get_maybe_applied (error));
  g_assert_cmpstr (error->message, ==,
                   "DynamoDB TestOp failed: Rate exceeded (ThrottlingException, HTTP 400, "
                   "request ID REQ-123); gave up after 3 attempts");
}

static void
test_throttled_then_ok (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SbAwsRequest) request = make_request ("/throttle-then-ok", "POST");
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;

  out = send (f, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits (f, "/throttle-then-ok"), ==, 3);
}

static void
test_max_attempts (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SbAwsRequest) request = make_request ("/500", "GET");
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;

  sb_aws_client_set_max_attempts (f->client, 5);
  out = send (f, request, NULL, &error);
  g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_SERVICE_UNAVAILABLE);
  g_assert_cmpuint (hits (f, "/500"), ==, 5);
  g_assert_true (sb_aws_error_get_maybe_applied (error));
}

static void
test_not_retried (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* A definite answer is final. */
  {
    g_autoptr(SbAwsRequest) request = make_request ("/conditional", "POST");
    g_autoptr(GBytes) out = send (f, request, NULL, &error);

    g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_CONDITION_FAILED);
    g_assert_cmpstr (sb_aws_error_get_code (error), ==, "ConditionalCheckFailedException");
    g_assert_cmpuint (hits (f, "/conditional"), ==, 1);
    g_clear_error (&error);
  }
  /* A request that must not run twice is not retried after a 500, which
   * may come after the work was done. */
  {
    g_autoptr(SbAwsRequest) request = make_request ("/500", "POST");
    g_autoptr(GBytes) out = NULL;

    sb_aws_request_set_replay_safe (request, FALSE);
    out = send (f, request, NULL, &error);
    g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_SERVICE_UNAVAILABLE);
    g_assert_cmpuint (hits (f, "/500"), ==, 1);
    g_assert_true (sb_aws_error_get_maybe_applied (error));
    g_clear_error (&error);
  }
  /* ...but it is after a throttle, which certainly did nothing. */
  {
    g_autoptr(SbAwsRequest) request = make_request ("/throttle", "POST");
    g_autoptr(GBytes) out = NULL;

    sb_aws_request_set_replay_safe (request, FALSE);
    out = send (f, request, NULL, &error);
    g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_THROTTLED);
    g_assert_cmpuint (hits (f, "/throttle"), ==, 3);
  }
}

static void
test_stream_bodies (Fixture       *f,
                    gconstpointer  data)
{
  static const char payload[] = "streamed body bytes";
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, payload, -1);
  g_autoptr(GError) error = NULL;

  /* A seekable stream is rewound for each attempt. */
  {
    g_autoptr(SbAwsRequest) request = make_request ("/500-then-ok", "PUT");
    g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (payload,
                                                                          strlen (payload),
                                                                          NULL);
    g_autoptr(GBytes) out = NULL;

    sb_aws_request_set_body_stream (request, stream, strlen (payload), NULL, hash);
    out = send (f, request, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (hits (f, "/500-then-ok"), ==, 3);
    for (guint i = 0; i < f->bodies->len; i++)
      g_assert_cmpmem (g_bytes_get_data (f->bodies->pdata[i], NULL),
                       g_bytes_get_size (f->bodies->pdata[i]), payload, strlen (payload));
  }
  /* One that cannot seek gets a single attempt. */
  {
    g_autoptr(SbAwsRequest) request = make_request ("/500", "PUT");
    g_autoptr(GInputStream) base = g_memory_input_stream_new_from_data (payload,
                                                                        strlen (payload), NULL);
    g_autoptr(GInputStream) stream = sb_aws_body_stream_new (base);  /* cannot seek */
    g_autoptr(GBytes) out = NULL;

    g_assert_false (G_IS_SEEKABLE (stream) && g_seekable_can_seek (G_SEEKABLE (stream)));
    sb_aws_request_set_body_stream (request, stream, strlen (payload), NULL, hash);
    out = send (f, request, NULL, &error);
    g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_SERVICE_UNAVAILABLE);
    g_assert_cmpuint (hits (f, "/500"), ==, 1);
  }
}

static void
test_clock_skew (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SbAwsRequest) request = make_request ("/skew", "POST");
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) second = NULL;
  gint64 offset;

  out = send (f, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits (f, "/skew"), ==, 2);
  offset = sb_aws_client_get_clock_offset (f->client);
  /* The server's Date is an hour ahead (give or take the test's runtime). */
  g_assert_cmpint (offset, >, 3600 - 120);
  g_assert_cmpint (offset, <, 3600 + 120);
  /* The retry was signed with the corrected clock. */
  g_assert_cmpuint (f->amz_dates->len, ==, 2);
  first = g_date_time_new_from_iso8601 (f->amz_dates->pdata[0], NULL);
  second = g_date_time_new_from_iso8601 (f->amz_dates->pdata[1], NULL);
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_cmpint (g_date_time_difference (second, first) / G_USEC_PER_SEC, >, 3600 - 120);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  {
    g_autofree char *url = g_strconcat (base_url, "/xml-404", NULL);
    g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
    g_autoptr(SbAwsRequest) request = sb_aws_request_new ("s3", "GetObject", "GET", uri);
    g_autoptr(GBytes) out = send (f, request, NULL, &error);

    g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_FOUND);
    g_assert_cmpstr (sb_aws_error_get_code (error), ==, "NoSuchKey");
    g_assert_cmpstr (sb_aws_error_get_request_id (error), ==, "XMLREQ");
    g_assert_cmpstr (error->message, ==,
                     "S3 GetObject failed: The specified key does not exist. "
                     "(NoSuchKey, HTTP 404, request ID XMLREQ)");
    g_assert_cmpuint (hits (f, "/xml-404"), ==, 1);
    g_clear_error (&error);
  }
  {
    g_autofree char *url = g_strconcat (base_url, "/head-404", NULL);
    g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
    g_autoptr(SbAwsRequest) request = sb_aws_request_new ("s3", "HeadObject", "HEAD", uri);
    g_autoptr(GBytes) out = send (f, request, NULL, &error);

    g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_FOUND);
    g_assert_cmpstr (sb_aws_error_get_code (error), ==, "NotFound");
  }
}

static void
test_dropped_connection (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SbAwsRequest) request = make_request ("/drop-then-ok", "POST");
  g_autoptr(GBytes) in = g_bytes_new_static ("x", 1);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;

  sb_aws_request_set_body (request, in, NULL);
  out = send (f, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits (f, "/drop-then-ok"), ==, 2);
  g_assert_cmpuint (sb_aws_client_get_attempt_count (f->client), ==, 2);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SbAwsRequest) request = make_request ("/hang", "GET");
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;

  sb_aws_client_set_timeout (f->client, 1);
  sb_aws_client_set_max_attempts (f->client, 2);
  out = send (f, request, NULL, &error);
  g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_TIMEOUT);
  g_assert_cmpuint (hits (f, "/hang"), ==, 2);
  g_assert_true (sb_aws_error_get_maybe_applied (error));
  g_test_message ("%s", error->message);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_while_retrying (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(SbAwsRequest) request = make_request ("/throttle", "GET");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;

  /* Cancelled as the throttled answer goes out: whether that lands while the
   * answer is read or during the (up to an hour long) backoff, the caller
   * gets G_IO_ERROR_CANCELLED at once and there is no second attempt. */
  sb_aws_client_set_backoff (f->client, 3600 * 1000, 3600 * 1000);
  g_signal_connect_swapped (server, "request-finished", G_CALLBACK (cancel_cb), cancellable);
  out = send (f, request, cancellable, &error);
  g_signal_handlers_disconnect_by_data (server, cancellable);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (hits (f, "/throttle"), ==, 1);
}

#define ADD(path, func) \
  g_test_add ("/aws/client/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  ADD ("ok", test_ok);
  ADD ("retry-500", test_retry_500);
  ADD ("retry-503", test_retry_503);
  ADD ("throttled-gives-up", test_throttled_gives_up);
  ADD ("throttled-then-ok", test_throttled_then_ok);
  ADD ("max-attempts", test_max_attempts);
  ADD ("not-retried", test_not_retried);
  ADD ("stream-bodies", test_stream_bodies);
  ADD ("clock-skew", test_clock_skew);
  ADD ("errors", test_errors);
  ADD ("dropped-connection", test_dropped_connection);
  ADD ("timeout", test_timeout);
  ADD ("cancel-while-retrying", test_cancel_while_retrying);

  server = sb_test_server_new (&base_url);
  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  status = g_test_run ();
  soup_server_disconnect (server);
  g_assert_finalize_object (server);
  g_free (base_url);
  return status;
}
