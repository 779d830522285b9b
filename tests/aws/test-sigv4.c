/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SigV4 behaviour the suite does not cover: S3 path rules, the signing-key
 * cache, signing a SoupMessage, presigned S3 URLs. */
#include "config.h"

#include "sb-aws-sigv4-private.h"

static void
test_uri_encode (void)
{
  g_autofree char *a = sb_aws_uri_encode ("a b+c%d~e/ü?#", TRUE);
  g_autofree char *b = sb_aws_uri_encode ("a/b", FALSE);

  g_assert_cmpstr (a, ==, "a%20b%2Bc%25d~e/%C3%BC%3F%23");
  g_assert_cmpstr (b, ==, "a%2Fb");
}

static void
test_s3_path_rules (void)
{
  g_autofree char *generic = sb_aws_sigv4_canonical_path ("/b//x/../a%20b", TRUE, TRUE);
  g_autofree char *s3 = sb_aws_sigv4_canonical_path ("/b//x/../a%20b", FALSE, FALSE);
  g_autofree char *empty = sb_aws_sigv4_canonical_path ("", FALSE, FALSE);
  SbAwsSigningConfig config;
  g_autoptr(SbAwsCredentials) creds = sb_aws_credentials_new ("AK", "SK", NULL, 0);

  g_assert_cmpstr (generic, ==, "/b/a%2520b");
  g_assert_cmpstr (s3, ==, "/b//x/../a%20b");
  g_assert_cmpstr (empty, ==, "/");

  sb_aws_signing_config_init (&config, "s3", "eu-west-1", creds, 0);
  g_assert_false (config.normalize_path);
  g_assert_false (config.double_encode_path);
  g_assert_true (config.content_sha256_header);
  sb_aws_signing_config_init (&config, "dynamodb", "eu-west-1", creds, 0);
  g_assert_true (config.normalize_path);
  g_assert_true (config.double_encode_path);
  g_assert_false (config.content_sha256_header);
}

static void
test_key_cache (void)
{
  guint8 k1[32], k2[32], k3[32];
  guint misses;

  sb_aws_sigv4_signing_key ("secret-cache-test", "20240101", "us-east-1", "s3", k1);
  misses = sb_aws_sigv4_key_cache_misses ();
  sb_aws_sigv4_signing_key ("secret-cache-test", "20240101T101010Z", "us-east-1", "s3", k2);
  g_assert_cmpuint (sb_aws_sigv4_key_cache_misses (), ==, misses);
  g_assert_cmpmem (k1, 32, k2, 32);
  /* Another day, secret, region or service is another key. */
  sb_aws_sigv4_signing_key ("secret-cache-test", "20240102", "us-east-1", "s3", k3);
  g_assert_cmpuint (sb_aws_sigv4_key_cache_misses (), ==, misses + 1);
  g_assert_true (memcmp (k1, k3, 32) != 0);
  sb_aws_sigv4_signing_key ("other-secret", "20240101", "us-east-1", "s3", k3);
  g_assert_true (memcmp (k1, k3, 32) != 0);
  sb_aws_sigv4_signing_key ("secret-cache-test", "20240101", "us-east-1", "dynamodb", k3);
  g_assert_true (memcmp (k1, k3, 32) != 0);
}

static void
test_sign_message (void)
{
  g_autoptr(SbAwsCredentials) creds = sb_aws_credentials_new ("AKID", "SECRET", "TOKEN", 0);
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT",
                                                 "http://127.0.0.1:9000/bucket/a%20b?uploads=");
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  SbAwsSigningConfig config;
  const char *auth;

  sb_aws_signing_config_init (&config, "s3", "us-east-1", creds, 1700000000);
  sb_aws_sigv4_sign_message (&config, msg, SB_AWS_UNSIGNED_PAYLOAD);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Host"), ==, "127.0.0.1:9000");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Amz-Date"), ==, "20231114T221320Z");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Amz-Security-Token"), ==, "TOKEN");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "x-amz-content-sha256"), ==,
                   SB_AWS_UNSIGNED_PAYLOAD);
  auth = soup_message_headers_get_one (headers, "Authorization");
  g_assert_true (g_str_has_prefix (auth, "AWS4-HMAC-SHA256 Credential=AKID/20231114/us-east-1/s3/"
                                         "aws4_request, SignedHeaders=host;x-amz-content-sha256;"
                                         "x-amz-date;x-amz-security-token, Signature="));

  /* Signing again (a retry) replaces, never duplicates, what we added. */
  config.time += 60;
  sb_aws_sigv4_sign_message (&config, msg, SB_AWS_UNSIGNED_PAYLOAD);
  g_assert_cmpstr (soup_message_headers_get_list (headers, "Authorization"), !=, NULL);
  g_assert_null (strchr (soup_message_headers_get_list (headers, "X-Amz-Date"), ','));
  g_assert_null (strchr (soup_message_headers_get_list (headers, "Authorization"), '\n'));
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Amz-Date"), ==, "20231114T221420Z");
}

static void
test_presign_uri (void)
{
  g_autoptr(SbAwsCredentials) creds = sb_aws_credentials_new ("AKID", "SECRET", NULL, 0);
  g_autoptr(GUri) uri = g_uri_parse ("https://bucket.s3.eu-west-1.amazonaws.com/k%20ey",
                                     SOUP_HTTP_URI_FLAGS, NULL);
  g_autofree char *url = NULL;
  SbAwsSigningConfig config;

  sb_aws_signing_config_init (&config, "s3", "eu-west-1", creds, 1700000000);
  url = sb_aws_sigv4_presign_uri (&config, "GET", uri, 900);
  g_assert_true (g_str_has_prefix (url, "https://bucket.s3.eu-west-1.amazonaws.com/k%20ey?"
                                        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
                                        "AKID%2F20231114%2Feu-west-1%2Fs3%2Faws4_request&"
                                        "X-Amz-Date=20231114T221320Z&X-Amz-SignedHeaders=host&"
                                        "X-Amz-Expires=900&X-Amz-Signature="));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/aws/sigv4/uri-encode", test_uri_encode);
  g_test_add_func ("/aws/sigv4/s3-path-rules", test_s3_path_rules);
  g_test_add_func ("/aws/sigv4/key-cache", test_key_cache);
  g_test_add_func ("/aws/sigv4/sign-message", test_sign_message);
  g_test_add_func ("/aws/sigv4/presign-uri", test_presign_uri);
  return g_test_run ();
}
