/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "sb-aws-s3.h"
#include "sb-aws-test-util.h"
#include "sb-test-rgw.h"
#include "sb-test-util.h"
#include "server-fixture.h"

#define TEST_BUCKET "storagebox-server-test"

/* If the test dies, its server dies with it instead of holding the test's
 * output open until the harness times out. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static const char *
server_binary (void)
{
  const char *path = g_getenv ("STORAGEBOX_SERVER");

  g_assert_nonnull (path);
  return path;
}

/* Keeps reading the server's stdout, so its log never fills the pipe. */
static gpointer
read_log (gpointer data)
{
  SbTestServer *server = data;
  g_autoptr(GDataInputStream) out =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  char *line;

  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL)))
    {
      g_mutex_lock (&server->log_lock);
      g_ptr_array_add (server->log, line);
      g_mutex_unlock (&server->log_lock);
    }
  return NULL;
}

static gboolean
logged_now (SbTestServer       *server,
            const char * const *fragments)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&server->log_lock);

  for (guint i = 0; i < server->log->len; i++)
    {
      const char *line = g_ptr_array_index (server->log, i);
      gboolean all = TRUE;
      for (guint j = 0; fragments[j] && all; j++)
        all = strstr (line, fragments[j]) != NULL;
      if (all)
        return TRUE;
    }
  return FALSE;
}

/* The server logs a request once it is finished, which may be a moment
 * after the client has the whole answer; the line then still has to pass
 * through the reader thread. */
gboolean
sb_test_server_logged (SbTestServer       *server,
                       const char * const *fragments)
{
  for (guint i = 0; i < 250; i++)
    {
      if (logged_now (server, fragments))
        return TRUE;
      g_usleep (20000);
    }
  return FALSE;
}

/* The backend */

static gboolean use_aws;
static SbTestNodeServer *dynalite;
static SbTestRgw *rgw;
static GStrv aws_env;

void
sb_test_backend_use_aws (void)
{
  use_aws = TRUE;
}

gboolean
sb_test_backend_is_aws (void)
{
  return use_aws || g_strcmp0 (g_getenv ("SB_TEST_BACKEND"), "aws") == 0;
}

static void
skip_test (gconstpointer data)
{
  g_test_skip (data);
}

gboolean
sb_test_backend_add_skip (const char *path)
{
  static char *reason;
  g_autoptr(GError) error = NULL;

  /* Everything the AWS backend's servers need: a missing tool is a skip
   * that names it, not an abort in sb_test_backend_env(). */
  if (!sb_test_backend_is_aws () ||
      (sb_test_node_server_check_installed ("dynalite", &error) &&
       sb_test_rgw_check_installed (&error)))
    return FALSE;
  g_clear_pointer (&reason, g_free);
  reason = g_strdup (error->message);
  g_test_add_data_func (path, reason, skip_test);
  return TRUE;
}

static const char *
cli_binary (void)
{
  const char *path = g_getenv ("STORAGEBOX_CLI");

  g_assert_nonnull (path);
  return path;
}

static char **
merge_env (const char * const *extra)
{
  char **env = g_get_environ ();

  for (guint i = 0; aws_env && aws_env[i]; i++)
    {
      g_auto(GStrv) pair = g_strsplit (aws_env[i], "=", 2);
      env = g_environ_setenv (env, pair[0], pair[1], TRUE);
    }
  for (guint i = 0; extra && extra[i]; i++)
    {
      g_auto(GStrv) pair = g_strsplit (extra[i], "=", 2);
      env = g_environ_setenv (env, pair[0], pair[1], TRUE);
    }
  return env;
}

int
sb_test_run_cli (const char * const *args,
                 const char * const *env,
                 const char         *input,
                 char              **out,
                 char              **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_autoptr(GBytes) input_bytes = NULL;
  g_autoptr(GBytes) stdout_bytes = NULL;
  g_autoptr(GBytes) stderr_bytes = NULL;
  g_auto(GStrv) full_env = NULL;

  sb_test_backend_env ();
  full_env = merge_env (env);
  g_subprocess_launcher_set_environ (launcher, full_env);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_ptr_array_add (argv, (char *) cli_binary ());
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  /* Bytes, not UTF-8: "get NAME -" writes the file's content. */
  input_bytes = g_bytes_new (input ? input : "", input ? strlen (input) : 0);
  g_subprocess_communicate (process, input_bytes, NULL, &stdout_bytes, &stderr_bytes, &error);
  g_assert_no_error (error);
  stdout_text = g_strndup (g_bytes_get_size (stdout_bytes) ? g_bytes_get_data (stdout_bytes, NULL)
                                                           : "", g_bytes_get_size (stdout_bytes));
  stderr_text = g_strndup (g_bytes_get_size (stderr_bytes) ? g_bytes_get_data (stderr_bytes, NULL)
                                                           : "", g_bytes_get_size (stderr_bytes));
  if (!g_subprocess_get_if_exited (process))
    g_error ("storagebox-cli %s died (signal %d); its standard error:\n%s", args[0],
             g_subprocess_get_term_sig (process), stderr_text);
  if (out)
    *out = g_steal_pointer (&stdout_text);
  if (err)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_exit_status (process);
}

const char * const *
sb_test_backend_env (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *init[] = { "init", NULL };
  int status;

  if (!sb_test_backend_is_aws ())
    return NULL;
  if (aws_env != NULL)
    return (const char * const *) aws_env;

  dynalite = sb_test_node_server_start ("dynalite", &error);
  g_assert_no_error (error);
  rgw = sb_test_rgw_start (NULL, &error);
  g_assert_no_error (error);
  aws_env = g_new0 (char *, 10);
  aws_env[0] = g_strdup ("STORAGEBOX_BACKEND=aws");
  aws_env[1] = g_strdup ("STORAGEBOX_BUCKET=" TEST_BUCKET);
  aws_env[2] = g_strdup_printf ("STORAGEBOX_DYNAMODB_ENDPOINT_URL=%s",
                                sb_test_node_server_get_url (dynalite));
  aws_env[3] = g_strdup_printf ("STORAGEBOX_S3_ENDPOINT_URL=%s",
                                sb_test_rgw_get_url (rgw));
  aws_env[4] = g_strdup_printf ("STORAGEBOX_REGION=%s", sb_test_rgw_get_region (rgw));
  /* RGW's user; dynalite takes any key. */
  aws_env[5] = g_strdup_printf ("AWS_ACCESS_KEY_ID=%s", sb_test_rgw_get_access_key (rgw));
  aws_env[6] = g_strdup_printf ("AWS_SECRET_ACCESS_KEY=%s", sb_test_rgw_get_secret_key (rgw));
  /* Never ask for instance credentials from a test. */
  aws_env[7] = g_strdup ("AWS_EC2_METADATA_DISABLED=true");
  aws_env[8] = g_strdup ("AWS_CONFIG_FILE=/dev/null");

  status = sb_test_run_cli (init, NULL, NULL, &out, &err);
  if (status != 0)
    g_error ("storagebox-cli init failed (%d):\n%s%s", status, out, err);
  g_test_message ("storagebox-cli init:\n%s", out);
  return (const char * const *) aws_env;
}

const char *
sb_test_backend_dynamodb_url (void)
{
  sb_test_backend_env ();
  return dynalite ? sb_test_node_server_get_url (dynalite) : NULL;
}

const char *
sb_test_backend_s3_url (void)
{
  sb_test_backend_env ();
  return rgw ? sb_test_rgw_get_url (rgw) : NULL;
}

const char *
sb_test_backend_access_key (void)
{
  sb_test_backend_env ();
  return rgw ? sb_test_rgw_get_access_key (rgw) : NULL;
}

const char *
sb_test_backend_secret_key (void)
{
  sb_test_backend_env ();
  return rgw ? sb_test_rgw_get_secret_key (rgw) : NULL;
}

const char *
sb_test_backend_bucket (void)
{
  return TEST_BUCKET;
}

void
sb_test_backend_stop (void)
{
  g_clear_pointer (&rgw, sb_test_rgw_stop);
  g_clear_pointer (&dynalite, sb_test_node_server_stop);
  g_clear_pointer (&aws_env, g_strfreev);
}

static guint
count_objects (const char *prefix)
{
  g_auto(GStrv) env = NULL;
  g_autoptr(SbAwsConfig) config = NULL;
  g_autoptr(SbAwsCredentials) creds =
    sb_aws_credentials_new (sb_test_backend_access_key (), sb_test_backend_secret_key (), NULL, 0);
  g_autoptr(SbAwsCredentialsProvider) provider = sb_aws_credentials_provider_new_static (creds);
  g_autoptr(SbAwsClient) client = NULL;
  g_autoptr(SbAwsS3) s3 = NULL;
  g_autofree char *token = NULL;
  guint count = 0;

  env = g_environ_setenv (env, "AWS_ENDPOINT_URL_S3", sb_test_backend_s3_url (), TRUE);
  env = g_environ_setenv (env, "AWS_REGION", "us-east-1", TRUE);
  config = sb_aws_config_new ((const char * const *) env);
  client = sb_aws_client_new (config, provider);
  s3 = sb_aws_s3_new (client);
  do
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) page = NULL;
      g_autoptr(GError) error = NULL;
      char *next = NULL;

      sb_aws_s3_list_objects_async (s3, TEST_BUCKET, prefix, token, 0, NULL, sb_test_result_cb,
                                    &result);
      page = sb_aws_s3_list_objects_finish (s3, sb_test_await (&result), &next, &error);
      g_assert_no_error (error);
      count += page->len;
      g_free (token);
      token = next;
    }
  while (token != NULL);
  return count;
}

guint
sb_test_server_count_blobs (SbTestServer *server,
                            const char   *owner)
{
  g_autofree char *lower = g_ascii_strdown (owner, -1);

  if (sb_test_backend_is_aws ())
    {
      g_autofree char *prefix = g_strconcat (lower, "/", NULL);
      return count_objects (prefix);
    }
  else
    {
      g_autofree char *blobs = g_build_filename (server->data_dir, "blobs", lower, NULL);
      g_autofree char *tmp = g_build_filename (server->data_dir, "tmp", NULL);
      return sb_test_count_files (blobs) + sb_test_count_files (tmp);
    }
}

SbTestServer *
sb_test_server_start_with (const char         *data_dir,
                           const char * const *extra_args,
                           const char * const *env)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) full_env = NULL;
  GInputStream *out;
  GString *first = g_string_new (NULL);
  char c;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *url;
  SbTestServer *server = g_new0 (SbTestServer, 1);

  server->data_dir = g_strdup (data_dir);
  g_ptr_array_add (argv, (char *) server_binary ());
  g_ptr_array_add (argv, "--listen=127.0.0.1:0");
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, server->data_dir);
  for (guint i = 0; extra_args && extra_args[i]; i++)
    g_ptr_array_add (argv, (char *) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  sb_test_backend_env ();
  full_env = merge_env (env);
  g_subprocess_launcher_set_environ (launcher, full_env);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                  &error);
  g_assert_no_error (error);

  /* The first line says where it listens: port 0 means no race for ports.
   * Read byte by byte so that nothing after it is buffered away from the
   * log reader. */
  out = g_subprocess_get_stdout_pipe (server->process);
  while (g_input_stream_read (out, &c, 1, NULL, &error) == 1 && c != '\n')
    g_string_append_c (first, c);
  g_assert_no_error (error);
  line = g_string_free (first, FALSE);
  g_assert_cmpuint (strlen (line), >, 0);
  g_mutex_init (&server->log_lock);
  server->log = g_ptr_array_new_with_free_func (g_free);
  server->log_reader = g_thread_new ("server-log", read_log, server);
  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  url = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                       "url");
  server->url = g_strndup (url, strlen (url) - 1);
  return server;
}

SbTestServer *
sb_test_server_start (const char * const *extra_args,
                      const char * const *env)
{
  g_autofree char *dir = sb_test_make_tmpdir ("sb-server-test-XXXXXX");
  SbTestServer *server = sb_test_server_start_with (dir, extra_args, env);

  server->own_data_dir = TRUE;
  return server;
}

static void
server_free (SbTestServer *server)
{
  g_thread_join (server->log_reader);
  g_ptr_array_unref (server->log);
  g_mutex_clear (&server->log_lock);
  g_object_unref (server->process);
  if (server->own_data_dir)
    sb_test_rm_rf (server->data_dir);
  g_free (server->data_dir);
  g_free (server->url);
  g_free (server);
}

void
sb_test_server_kill (SbTestServer *server)
{
  g_subprocess_send_signal (server->process, SIGKILL);
  g_subprocess_wait (server->process, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (server->process));
  server_free (server);
}

void
sb_test_server_stop (SbTestServer *server)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  /* A clean exit: no crash, no sanitizer report. */
  g_assert_true (g_subprocess_get_if_exited (server->process));
  g_assert_cmpint (g_subprocess_get_exit_status (server->process), ==, 0);
  server_free (server);
}

SbTestClient *
sb_test_client_new (SbTestServer *server)
{
  SbTestClient *client = g_new0 (SbTestClient, 1);

  client->server = server;
  client->session = soup_session_new ();
  soup_session_set_timeout (client->session, 60);
  client->jar = soup_cookie_jar_new ();
  soup_session_add_feature (client->session, SOUP_SESSION_FEATURE (client->jar));
  /* SB_TEST_HTTP_LOG=1 prints every request and response header. */
  if (g_getenv ("SB_TEST_HTTP_LOG"))
    {
      g_autoptr(SoupLogger) logger = soup_logger_new (SOUP_LOGGER_LOG_HEADERS);
      soup_session_add_feature (client->session, SOUP_SESSION_FEATURE (logger));
    }
  return client;
}

void
sb_test_client_free (SbTestClient *client)
{
  g_object_unref (client->jar);
  g_object_unref (client->session);
  g_free (client);
}

char *
sb_test_client_cookie (SbTestClient *client,
                       const char   *name)
{
  GSList *cookies = soup_cookie_jar_all_cookies (client->jar);
  char *value = NULL;

  for (GSList *l = cookies; l; l = l->next)
    if (value == NULL && g_str_equal (soup_cookie_get_name (l->data), name))
      value = g_strdup (soup_cookie_get_value (l->data));
  g_slist_free_full (cookies, (GDestroyNotify) soup_cookie_free);
  return value;
}

void
sb_test_client_set_cookie (SbTestClient *client,
                           const char   *name,
                           const char   *value)
{
  g_autoptr(GUri) uri = g_uri_parse (client->server->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *cookie = g_strdup_printf ("%s=%s; Path=/", name, value);

  soup_cookie_jar_set_cookie (client->jar, uri, cookie);
}

static SbTestResponse *
send (SbTestClient *client,
      SoupMessage  *msg)
{
  g_autoptr(GError) error = NULL;
  SbTestResponse *response = g_new0 (SbTestResponse, 1);

  /* Redirects are part of what we test: never followed silently. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  response->body = soup_session_send_and_read (client->session, msg, NULL, &error);
  if (error != NULL && client->tolerant)
    {
      /* Status 0: no answer (the server was killed, the connection cut). */
      g_test_message ("%s %s: no answer: %s", soup_message_get_method (msg),
                      g_uri_get_path (soup_message_get_uri (msg)), error->message);
      response->body = g_bytes_new (NULL, 0);
      response->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
      response->text = g_strdup ("");
      return response;
    }
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  response->text = g_strndup (g_bytes_get_data (response->body, NULL),
                              g_bytes_get_size (response->body));
  return response;
}

static SoupMessage *
new_message (SbTestClient       *client,
             const char         *method,
             const char         *path,
             const char * const *headers)
{
  g_autofree char *url = g_strconcat (client->server->url, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  for (guint i = 0; headers && headers[i]; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (msg), headers[i],
                                  headers[i + 1]);
  return msg;
}

SbTestResponse *
sb_test_request (SbTestClient       *client,
                 const char         *method,
                 const char         *path,
                 const char * const *headers)
{
  g_autoptr(SoupMessage) msg = new_message (client, method, path, headers);
  return send (client, msg);
}

SbTestResponse *
sb_test_get (SbTestClient *client,
             const char   *path)
{
  return sb_test_request (client, "GET", path, NULL);
}

SbTestResponse *
sb_test_post_form (SbTestClient *client,
                   const char   *path,
                   ...)
{
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(SoupMessage) msg = new_message (client, "POST", path, NULL);
  g_autofree char *encoded = NULL;
  const char *key;
  va_list args;

  va_start (args, path);
  while ((key = va_arg (args, const char *)))
    g_hash_table_insert (form, (char *) key, va_arg (args, char *));
  va_end (args);

  encoded = soup_form_encode_hash (form);
  {
    g_autoptr(GBytes) body = g_bytes_new (encoded, strlen (encoded));
    soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  }
  return send (client, msg);
}

SbTestResponse *
sb_test_post_multipart (SbTestClient       *client,
                        const char         *path,
                        const char * const *fields,
                        const char         *file_field,
                        const char         *filename,
                        GBytes             *content)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new ("multipart/form-data");
  g_autofree char *url = g_strconcat (client->server->url, path, NULL);
  g_autoptr(SoupMessage) msg = NULL;

  for (guint i = 0; fields && fields[i]; i += 2)
    soup_multipart_append_form_string (multipart, fields[i], fields[i + 1]);
  if (file_field)
    soup_multipart_append_form_file (multipart, file_field, filename,
                                     "application/octet-stream", content);
  msg = soup_message_new_from_multipart (url, multipart);
  return send (client, msg);
}

SbTestResponse *
sb_test_post_raw (SbTestClient       *client,
                  const char         *path,
                  const char         *content_type,
                  GBytes             *body,
                  const char * const *headers)
{
  g_autoptr(SoupMessage) msg = new_message (client, "POST", path, headers);

  soup_message_set_request_body_from_bytes (msg, content_type, body);
  return send (client, msg);
}

void
sb_test_response_free (SbTestResponse *response)
{
  soup_message_headers_unref (response->headers);
  g_bytes_unref (response->body);
  g_free (response->text);
  g_free (response);
}

char *
sb_test_csrf (SbTestResponse *response)
{
  const char *start = strstr (response->text, "name=\"csrf\" value=\"");
  const char *end;

  g_assert_nonnull (start);
  start += strlen ("name=\"csrf\" value=\"");
  end = strchr (start, '"');
  g_assert_nonnull (end);
  return g_strndup (start, (gsize) (end - start));
}

char *
sb_test_form_csrf (SbTestClient *client,
                   const char   *path)
{
  g_autoptr(SbTestResponse) page = sb_test_get (client, path);

  sb_test_assert_status (page, SOUP_STATUS_OK);
  return sb_test_csrf (page);
}

void
sb_test_sign_up (SbTestClient *client,
                 const char   *username,
                 const char   *password)
{
  g_autofree char *csrf = sb_test_form_csrf (client, "/signup");
  g_autofree char *email = g_strdup_printf ("%s@example.com", username);
  g_autoptr(SbTestResponse) response =
    sb_test_post_form (client, "/signup", "csrf", csrf, "username", username, "email", email,
                       "password", password, NULL);

  sb_test_assert_redirect (response, "/profile");
}

SbTestResponse *
sb_test_upload (SbTestClient *client,
                const char   *filename,
                const char   *description,
                GBytes       *content,
                gboolean      replace)
{
  g_autofree char *csrf = sb_test_form_csrf (client, "/upload");
  const char *fields[] = {
    "csrf", csrf, "description", description, replace ? "replace" : NULL, "1", NULL,
  };

  return sb_test_post_multipart (client, "/upload", fields, "file", filename, content);
}

char *
sb_test_file_path (const char *name,
                   const char *action)
{
  g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);
  return g_strdup_printf ("/files/%s/%s", escaped, action);
}

void
sb_test_assert_status (SbTestResponse *response,
                       guint           status)
{
  if (response->status != status)
    g_error ("expected HTTP %u, got %u; body:\n%s", status, response->status, response->text);
}

void
sb_test_assert_contains (SbTestResponse *response,
                         const char     *text)
{
  if (strstr (response->text, text) == NULL)
    g_error ("expected the response to contain “%s”; body:\n%s", text, response->text);
}

void
sb_test_assert_lacks (SbTestResponse *response,
                      const char     *text)
{
  if (strstr (response->text, text) != NULL)
    g_error ("expected the response not to contain “%s”; body:\n%s", text, response->text);
}

void
sb_test_assert_redirect (SbTestResponse *response,
                         const char     *location)
{
  const char *actual = soup_message_headers_get_one (response->headers, "Location");

  if (response->status != SOUP_STATUS_SEE_OTHER || g_strcmp0 (actual, location) != 0)
    g_error ("expected a 303 to %s, got %u to %s; body:\n%s", location, response->status,
             actual ? actual : "(none)", response->text);
}
