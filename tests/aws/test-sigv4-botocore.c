/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Differential test: botocore-sign.py signs a few hundred generated requests
 * (odd paths and S3 keys, repeated and empty query parameters, unicode,
 * whitespace runs in header values, session tokens, generic and S3 rules,
 * presigned S3 URLs) with botocore at a fixed time; we sign the same inputs
 * and must produce the same Authorization header or presigned signature. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "sb-aws-sigv4-private.h"

static JsonParser *cases_parser;

static void
sign_case (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  const char *service = json_object_get_string_member (c, "service");
  const char *token = json_object_get_string_member_with_default (c, "token", NULL);
  g_autoptr(SbAwsCredentials) credentials = NULL;
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *uri_text = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  SbAwsSigningConfig config;
  const char *query = json_object_get_string_member (c, "query");

  credentials = sb_aws_credentials_new (json_object_get_string_member (c, "access_key_id"),
                                        json_object_get_string_member (c, "secret_access_key"),
                                        token, 0);
  sb_aws_signing_config_init (&config, service, json_object_get_string_member (c, "region"),
                              credentials, json_object_get_int_member (c, "timestamp"));

  uri_text = g_strconcat (json_object_get_string_member (c, "base"), "/", NULL);
  uri = g_uri_parse (uri_text, SOUP_HTTP_URI_FLAGS, &error);
  g_assert_no_error (error);
  host = sb_aws_host_header_for_uri (uri);
  soup_message_headers_append (headers, "Host", host);

  if (g_str_equal (json_object_get_string_member (c, "mode"), "header"))
    {
      JsonArray *list = json_object_get_array_member (c, "headers");
      g_autofree guchar *body = NULL;
      gsize body_length = 0;
      g_autofree char *payload_hash = NULL;
      const char *expected_sha = json_object_get_string_member_with_default (
          c, "expected_content_sha256", NULL);

      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonArray *pair = json_array_get_array_element (list, i);

          soup_message_headers_append (headers, json_array_get_string_element (pair, 0),
                                       json_array_get_string_element (pair, 1));
        }
      body = g_base64_decode (json_object_get_string_member (c, "body"), &body_length);
      if (json_object_get_boolean_member (c, "unsigned_payload"))
        payload_hash = g_strdup (SB_AWS_UNSIGNED_PAYLOAD);
      else
        payload_hash = sb_aws_sha256_hex (body, body_length);

      sb_aws_sigv4_sign_headers (&config, json_object_get_string_member (c, "method"),
                                 json_object_get_string_member (c, "path"), query, headers,
                                 payload_hash);
      g_assert_cmpstr (soup_message_headers_get_one (headers, "Authorization"), ==,
                       json_object_get_string_member (c, "expected_authorization"));
      g_assert_cmpstr (soup_message_headers_get_one (headers, "x-amz-content-sha256"), ==,
                       expected_sha);
    }
  else
    {
      g_autofree char *signed_query = NULL;
      const char *signature;

      signed_query = sb_aws_sigv4_presign_query (&config, "GET",
                                                 json_object_get_string_member (c, "path"),
                                                 query, headers, SB_AWS_UNSIGNED_PAYLOAD,
                                                 json_object_get_int_member (c, "expires"));
      signature = g_strrstr (signed_query, "X-Amz-Signature=");
      g_assert_nonnull (signature);
      g_assert_cmpstr (signature + strlen ("X-Amz-Signature="), ==,
                       json_object_get_string_member (c, "expected_signature"));
    }
}

static gboolean
run_botocore (GError **error)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "aws", "botocore-sign.py", NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error,
                           SB_PYTHON3, script, NULL);
  if (proc == NULL)
    return FALSE;
  if (!g_subprocess_communicate (proc, NULL, NULL, &out, &err, error))
    return FALSE;
  if (!g_subprocess_get_successful (proc))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "botocore-sign.py failed: %.*s",
                   (int) g_bytes_get_size (err), (const char *) g_bytes_get_data (err, NULL));
      return FALSE;
    }
  cases_parser = json_parser_new ();
  return json_parser_load_from_data (cases_parser, g_bytes_get_data (out, NULL),
                                     g_bytes_get_size (out), error);
}

static void
test_unavailable (gconstpointer data)
{
  g_test_skip (data);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  JsonArray *cases;
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!run_botocore (&error))
    {
      /* Debian's python3-botocore is a test dependency (dev.sh installs it);
       * say clearly why nothing was compared rather than pass silently. */
      g_autofree char *reason = g_strdup_printf ("botocore unavailable (%s)", error->message);

      g_test_add_data_func_full ("/aws/sigv4/botocore/unavailable", g_steal_pointer (&reason),
                                 test_unavailable, g_free);
      return g_test_run ();
    }

  cases = json_node_get_array (json_parser_get_root (cases_parser));
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      g_autofree char *path = g_strdup_printf ("/aws/sigv4/botocore/%s",
                                               json_object_get_string_member (c, "name"));

      g_test_add_data_func (path, c, sign_case);
    }
  status = g_test_run ();
  g_clear_object (&cases_parser);
  return status;
}
