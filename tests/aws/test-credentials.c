/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The credential chain: environment, shared files, ECS and EC2 instance
 * metadata (served by a loopback SoupServer), caching, sharing of one
 * fetch between concurrent callers, refresh before expiry. Every test hands
 * the provider its own environment, so the real instance metadata address is
 * never contacted. */
#include "config.h"

#include "sb-aws-credentials-provider-private.h"
#include "sb-aws-error.h"
#include "sb-aws-test-util.h"

/* One server for the whole run: libsoup 3.2 leaks a little per listening
 * server, so tests do not make one each. */
static SoupServer *shared_server;
static char *shared_base_url;

/* Fixed "now" for expiry tests: 2030-01-01T00:00:00Z. */
#define NOW_USEC (G_GINT64_CONSTANT (1893456000) * G_USEC_PER_SEC)

typedef struct
{
  char       *home;
  GStrv       env;
  SoupServer *server;
  char       *base_url;
  gint64      now;
  guint       token_requests;
  guint       role_requests;
  guint       credential_requests;
  guint       ecs_requests;
  guint       rejected;
  gboolean    fail_credentials;
  char       *expiration;
} Fixture;

static gint64
fixture_clock (gpointer user_data)
{
  Fixture *f = user_data;
  return f->now;
}

static void
credentials_json (Fixture            *f,
                  SoupServerMessage  *msg,
                  const char         *akid)
{
  g_autofree char *body = g_strdup_printf (
      "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"%s\","
      "\"SecretAccessKey\":\"secret-%s\",\"Token\":\"token-%s\",\"Expiration\":\"%s\"}",
      akid, akid, akid, f->expiration);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

static void
imds_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);


  if (g_str_equal (path, "/latest/api/token"))
    {
      /* IMDSv2 insists on PUT with a TTL. */
      if (!g_str_equal (method, "PUT") ||
          soup_message_headers_get_one (headers, "X-aws-ec2-metadata-token-ttl-seconds") == NULL)
        {
          f->rejected++;
          soup_server_message_set_status (msg, 400, NULL);
          return;
        }
      f->token_requests++;
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "tok-123", 7);
      return;
    }
  if (g_strcmp0 (soup_message_headers_get_one (headers, "X-aws-ec2-metadata-token"),
                 "tok-123") != 0)
    {
      f->rejected++;
      soup_server_message_set_status (msg, 401, NULL);
      return;
    }
  if (g_str_equal (path, "/latest/meta-data/iam/security-credentials/"))
    {
      f->role_requests++;
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "my role\n", 8);
      return;
    }
  if (g_str_equal (path, "/latest/meta-data/iam/security-credentials/my role"))
    {
      f->credential_requests++;
      if (f->fail_credentials)
        {
          soup_server_message_set_status (msg, 500, NULL);
          return;
        }
      credentials_json (f, msg, f->credential_requests == 1 ? "IMDSKEY1" : "IMDSKEY2");
      return;
    }
  soup_server_message_set_status (msg, 404, NULL);
}

static void
ecs_handler (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  f->ecs_requests++;
  if (g_str_equal (path, "/ecs/full") &&
      g_strcmp0 (soup_message_headers_get_one (headers, "Authorization"), "ecs-secret") != 0)
    {
      f->rejected++;
      soup_server_message_set_status (msg, 401, NULL);
      return;
    }
  credentials_json (f, msg, "ECSKEY");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->home = sb_test_make_tmpdir ("sb-aws-test-XXXXXX");
  f->env = g_environ_setenv (NULL, "HOME", f->home, TRUE);
  /* Never the real metadata service, unless a test points it at ours. */
  f->env = g_environ_setenv (f->env, "AWS_EC2_METADATA_DISABLED", "true", TRUE);
  f->server = g_object_ref (shared_server);
  f->base_url = g_strdup (shared_base_url);
  soup_server_add_handler (f->server, "/latest", imds_handler, f, NULL);
  soup_server_add_handler (f->server, "/ecs", ecs_handler, f, NULL);
  f->now = NOW_USEC;
  f->expiration = g_strdup ("2030-01-01T00:10:00Z");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* Let the server see its clients hang up before the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  soup_server_remove_handler (f->server, "/latest");
  soup_server_remove_handler (f->server, "/ecs");
  g_object_unref (f->server);
  sb_test_rm_rf (f->home);
  g_free (f->home);
  g_strfreev (f->env);
  g_free (f->base_url);
  g_free (f->expiration);
}

static void
setenv_f (Fixture    *f,
          const char *name,
          const char *value)
{
  f->env = g_environ_setenv (f->env, name, value, TRUE);
}

static SbAwsCredentialsProvider *
make_provider (Fixture *f)
{
  g_autoptr(SbAwsConfig) config = sb_aws_config_new ((const char * const *) f->env);
  SbAwsCredentialsProvider *provider = sb_aws_credentials_provider_new_default (config, NULL);

  sb_aws_credentials_provider_set_clock (provider, fixture_clock, f);
  sb_aws_credentials_provider_set_ecs_base_url (provider, f->base_url);
  return provider;
}

static SbAwsCredentials *
get_credentials (SbAwsCredentialsProvider  *provider,
                 GError                   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_aws_credentials_provider_get_async (provider, NULL, sb_test_result_cb, &result);
  return sb_aws_credentials_provider_get_finish (provider, sb_test_await (&result), error);
}

static void
test_environment (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SbAwsCredentialsProvider) provider = NULL;
  g_autoptr(SbAwsCredentials) creds = NULL;
  g_autoptr(GError) error = NULL;

  setenv_f (f, "AWS_ACCESS_KEY_ID", "ENVKEY");
  setenv_f (f, "AWS_SECRET_ACCESS_KEY", "envsecret");
  setenv_f (f, "AWS_SESSION_TOKEN", "envtoken");
  /* The environment wins over a profile. */
  {
    g_autofree char *path = g_build_filename (f->home, ".aws", "credentials", NULL);

    sb_test_write_file (path, "[default]\naws_access_key_id = FILEKEY\n"
                              "aws_secret_access_key = x\n");
  }
  provider = make_provider (f);
  creds = get_credentials (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_aws_credentials_get_access_key_id (creds), ==, "ENVKEY");
  g_assert_cmpstr (sb_aws_credentials_get_secret_access_key (creds), ==, "envsecret");
  g_assert_cmpstr (sb_aws_credentials_get_session_token (creds), ==, "envtoken");
  g_assert_cmpstr (sb_aws_credentials_get_source (creds), ==, "environment");
  g_assert_cmpint (sb_aws_credentials_get_expiration (creds), ==, 0);
}

static void
test_environment_partial (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(SbAwsCredentialsProvider) provider = NULL;
  g_autoptr(SbAwsCredentials) creds = NULL;
  g_autoptr(GError) error = NULL;

  setenv_f (f, "AWS_ACCESS_KEY_ID", "ENVKEY");
  provider = make_provider (f);
  creds = get_credentials (provider, &error);
  g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NO_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "AWS_SECRET_ACCESS_KEY is not"));
}

static void
write_shared_files (Fixture *f)
{
  g_autofree char *credentials = g_build_filename (f->home, ".aws", "credentials", NULL);
  g_autofree char *config = g_build_filename (f->home, ".aws", "config", NULL);

  sb_test_write_file (credentials,
                      "# comment\n"
                      "[default]\n"
                      "aws_access_key_id = DEFAULTKEY\n"
                      "aws_secret_access_key = defaultsecret\n"
                      "\n"
                      "; another comment\n"
                      "[work]\n"
                      "aws_access_key_id=WORKKEY\n"
                      "aws_secret_access_key=worksecret\n"
                      "aws_session_token = worktoken\n");
  sb_test_write_file (config,
                      "[default]\n"
                      "region = eu-west-1\n"
                      "[profile cfgonly]\n"
                      "aws_access_key_id = CFGKEY\n"
                      "aws_secret_access_key = cfgsecret\n"
                      "region = ap-south-1\n"
                      "[profile assumer]\n"
                      "role_arn = arn:aws:iam::123456789012:role/x\n"
                      "source_profile = default\n");
}

static void
test_profile_default (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SbAwsCredentialsProvider) provider = NULL;
  g_autoptr(SbAwsCredentials) creds = NULL;
  g_autoptr(GError) error = NULL;

  write_shared_files (f);
  provider = make_provider (f);
  creds = get_credentials (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_aws_credentials_get_access_key_id (creds), ==, "DEFAULTKEY");
  g_assert_null (sb_aws_credentials_get_session_token (creds));
  g_assert_cmpstr (sb_aws_credentials_get_source (creds), ==, "profile default");
}

static void
test_profile_named (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  write_shared_files (f);
  setenv_f (f, "AWS_PROFILE", "work");
  {
    g_autoptr(SbAwsCredentialsProvider) provider = make_provider (f);
    g_autoptr(SbAwsCredentials) creds = get_credentials (provider, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (sb_aws_credentials_get_access_key_id (creds), ==, "WORKKEY");
    g_assert_cmpstr (sb_aws_credentials_get_session_token (creds), ==, "worktoken");
  }
  /* Keys may also sit in the config file's [profile x] section. */
  setenv_f (f, "AWS_PROFILE", "cfgonly");
  {
    g_autoptr(SbAwsCredentialsProvider) provider = make_provider (f);
    g_autoptr(SbAwsCredentials) creds = get_credentials (provider, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (sb_aws_credentials_get_access_key_id (creds), ==, "CFGKEY");
  }
  /* A profile nobody defined is an error, not a silent fallback. */
  setenv_f (f, "AWS_PROFILE", "nonesuch");
  {
    g_autoptr(SbAwsCredentialsProvider) provider = make_provider (f);
    g_autoptr(SbAwsCredentials) creds = get_credentials (provider, &error);

    g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NO_CREDENTIALS);
    g_assert_nonnull (strstr (error->message, "nonesuch"));
    g_clear_error (&error);
  }
  /* Delegating profiles are named as unsupported. */
  setenv_f (f, "AWS_PROFILE", "assumer");
  {
    g_autoptr(SbAwsCredentialsProvider) provider = make_provider (f);
    g_autoptr(SbAwsCredentials) creds = get_credentials (provider, &error);

    g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NO_CREDENTIALS);
    g_assert_nonnull (strstr (error->message, "role_arn"));
  }
}

static void
test_profile_custom_paths (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *credentials = g_build_filename (f->home, "elsewhere", "creds", NULL);
  g_autofree char *config = g_build_filename (f->home, "elsewhere", "conf", NULL);
  g_autoptr(SbAwsCredentialsProvider) provider = NULL;
  g_autoptr(SbAwsCredentials) creds = NULL;
  g_autoptr(GError) error = NULL;

  write_shared_files (f);
  sb_test_write_file (credentials, "[other]\naws_access_key_id = OTHERKEY\n"
                                   "aws_secret_access_key = othersecret\n");
  sb_test_write_file (config, "[profile other]\nregion = sa-east-1\n");
  setenv_f (f, "AWS_SHARED_CREDENTIALS_FILE", credentials);
  setenv_f (f, "AWS_CONFIG_FILE", config);
  setenv_f (f, "AWS_PROFILE", "other");
  provider = make_provider (f);
  creds = get_credentials (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_aws_credentials_get_access_key_id (creds), ==, "OTHERKEY");
}

static void
test_none (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SbAwsCredentialsProvider) provider = make_provider (f);
  g_autoptr(SbAwsCredentials) creds = NULL;
  g_autoptr(GError) error = NULL;

  creds = get_credentials (provider, &error);
  g_assert_null (creds);
  g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NO_CREDENTIALS);
  g_assert_true (g_str_has_prefix (error->message, "No AWS credentials found: set "
                                                   "AWS_ACCESS_KEY_ID"));
  g_test_message ("%s", error->message);
}

static void
use_imds (Fixture *f)
{
  setenv_f (f, "AWS_EC2_METADATA_DISABLED", "false");
  setenv_f (f, "AWS_EC2_METADATA_SERVICE_ENDPOINT", f->base_url);
}

static void
test_imds (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SbAwsCredentialsProvider) provider = NULL;
  g_autoptr(SbAwsCredentials) creds = NULL;
  g_autoptr(SbAwsCredentials) again = NULL;
  g_autoptr(GError) error = NULL;

  use_imds (f);
  provider = make_provider (f);
  creds = get_credentials (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_aws_credentials_get_access_key_id (creds), ==, "IMDSKEY1");
  g_assert_cmpstr (sb_aws_credentials_get_session_token (creds), ==, "token-IMDSKEY1");
  g_assert_cmpint (sb_aws_credentials_get_expiration (creds), ==,
                   NOW_USEC + 10 * 60 * G_USEC_PER_SEC);
  g_assert_cmpuint (f->token_requests, ==, 1);
  g_assert_cmpuint (f->role_requests, ==, 1);
  g_assert_cmpuint (f->credential_requests, ==, 1);
  g_assert_cmpuint (f->rejected, ==, 0);

  /* Cached while fresh. */
  f->now += 4 * 60 * G_USEC_PER_SEC;
  again = get_credentials (provider, &error);
  g_assert_no_error (error);
  g_assert_true (again == creds);
  g_assert_cmpuint (f->credential_requests, ==, 1);
  g_clear_pointer (&again, sb_aws_credentials_unref);

  /* Refreshed once inside the last five minutes. */
  f->now += 2 * 60 * G_USEC_PER_SEC;
  f->expiration[15] = '2';   /* 00:20:00 */
  again = get_credentials (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_aws_credentials_get_access_key_id (again), ==, "IMDSKEY2");
  g_assert_cmpuint (f->credential_requests, ==, 2);
  g_assert_cmpuint (f->token_requests, ==, 2);
  g_assert_cmpuint (sb_aws_credentials_provider_get_fetch_count (provider), ==, 2);
}

static void
test_imds_shared_fetch (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SbAwsCredentialsProvider) provider = NULL;
  GAsyncResult *results[4] = { NULL, };
  SbAwsCredentials *first = NULL;

  use_imds (f);
  provider = make_provider (f);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    sb_aws_credentials_provider_get_async (provider, NULL, sb_test_result_cb, &results[i]);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(GError) error = NULL;
      SbAwsCredentials *creds;

      creds = sb_aws_credentials_provider_get_finish (provider, sb_test_await (&results[i]),
                                                      &error);
      g_assert_no_error (error);
      if (first == NULL)
        first = sb_aws_credentials_ref (creds);
      g_assert_true (creds == first);
      sb_aws_credentials_unref (creds);
      g_clear_object (&results[i]);
    }
  sb_aws_credentials_unref (first);
  g_assert_cmpuint (sb_aws_credentials_provider_get_fetch_count (provider), ==, 1);
  g_assert_cmpuint (f->credential_requests, ==, 1);
}

static void
test_imds_refresh_failure_keeps_valid (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(SbAwsCredentialsProvider) provider = NULL;
  g_autoptr(SbAwsCredentials) creds = NULL;
  g_autoptr(SbAwsCredentials) again = NULL;
  g_autoptr(GError) error = NULL;

  use_imds (f);
  provider = make_provider (f);
  creds = get_credentials (provider, &error);
  g_assert_no_error (error);

  f->fail_credentials = TRUE;
  f->now += 7 * 60 * G_USEC_PER_SEC;   /* due for refresh, not yet expired */
  again = get_credentials (provider, &error);
  g_assert_no_error (error);
  g_assert_true (again == creds);
  g_assert_cmpuint (f->credential_requests, ==, 2);
  g_clear_pointer (&again, sb_aws_credentials_unref);

  f->now += 4 * 60 * G_USEC_PER_SEC;   /* expired: now the failure shows */
  again = get_credentials (provider, &error);
  g_assert_null (again);
  g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NO_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "EC2 instance metadata"));
}

static void
test_imds_unreachable (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SbAwsCredentialsProvider) provider = NULL;
  g_autoptr(SbAwsCredentials) creds = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;

  /* A port that is bound but not listening refuses connections. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  url = g_strdup_printf ("http://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  setenv_f (f, "AWS_EC2_METADATA_DISABLED", "false");
  setenv_f (f, "AWS_EC2_METADATA_SERVICE_ENDPOINT", url);
  provider = make_provider (f);
  creds = get_credentials (provider, &error);
  g_assert_null (creds);
  g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NO_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, url));
}

static void
test_ecs_relative (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SbAwsCredentialsProvider) provider = NULL;
  g_autoptr(SbAwsCredentials) creds = NULL;
  g_autoptr(GError) error = NULL;

  use_imds (f);  /* ECS comes first when configured */
  setenv_f (f, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/ecs/relative?id=1");
  provider = make_provider (f);
  creds = get_credentials (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_aws_credentials_get_access_key_id (creds), ==, "ECSKEY");
  g_assert_cmpstr (sb_aws_credentials_get_source (creds), ==, "ECS container credentials");
  g_assert_cmpuint (f->ecs_requests, ==, 1);
  g_assert_cmpuint (f->token_requests, ==, 0);
}

static void
test_ecs_full (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *url = g_strconcat (f->base_url, "/ecs/full", NULL);
  g_autoptr(GError) error = NULL;

  setenv_f (f, "AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
  {
    g_autoptr(SbAwsCredentialsProvider) provider = make_provider (f);
    g_autoptr(SbAwsCredentials) creds = get_credentials (provider, &error);

    /* Without the authorization token the endpoint refuses. */
    g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NO_CREDENTIALS);
    g_assert_nonnull (strstr (error->message, "401"));
    g_clear_error (&error);
  }
  setenv_f (f, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "ecs-secret");
  {
    g_autoptr(SbAwsCredentialsProvider) provider = make_provider (f);
    g_autoptr(SbAwsCredentials) creds = get_credentials (provider, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (sb_aws_credentials_get_access_key_id (creds), ==, "ECSKEY");
  }
}

static void
test_static (void)
{
  g_autoptr(SbAwsCredentials) in = sb_aws_credentials_new ("A", "B", NULL, 0);
  g_autoptr(SbAwsCredentialsProvider) provider = sb_aws_credentials_provider_new_static (in);
  g_autoptr(SbAwsCredentials) out = NULL;
  g_autoptr(GError) error = NULL;

  out = get_credentials (provider, &error);
  g_assert_no_error (error);
  g_assert_true (in == out);
  g_assert_true (sb_aws_credentials_provider_peek (provider) == in);
}

#define ADD(path, func) \
  g_test_add ("/aws/credentials/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  ADD ("environment", test_environment);
  ADD ("environment-partial", test_environment_partial);
  ADD ("profile-default", test_profile_default);
  ADD ("profile-named", test_profile_named);
  ADD ("profile-custom-paths", test_profile_custom_paths);
  ADD ("none", test_none);
  ADD ("imds", test_imds);
  ADD ("imds-shared-fetch", test_imds_shared_fetch);
  ADD ("imds-refresh-failure-keeps-valid", test_imds_refresh_failure_keeps_valid);
  ADD ("imds-unreachable", test_imds_unreachable);
  ADD ("ecs-relative", test_ecs_relative);
  ADD ("ecs-full", test_ecs_full);
  g_test_add_func ("/aws/credentials/static", test_static);

  shared_server = sb_test_server_new (&shared_base_url);
  status = g_test_run ();
  soup_server_disconnect (shared_server);
  g_assert_finalize_object (shared_server);
  g_free (shared_base_url);
  return status;
}
