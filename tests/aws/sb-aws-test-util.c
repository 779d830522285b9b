/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

#include "sb-aws-client.h"
#include "sb-aws-config.h"
#include "sb-aws-credentials-provider.h"
#include "sb-aws-test-util.h"

void
sb_test_write_file (const char *path,
                    const char *contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

SoupServer *
sb_test_server_new (char **base_url)
{
  g_autoptr(GError) error = NULL;
  SoupServer *server = soup_server_new (NULL, NULL);
  GSList *uris;
  GUri *uri;

  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  uri = uris->data;
  *base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uri));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return server;
}

/* A test that aborts must not leave its server running (and holding the
 * test harness's output pipe open). */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn (GError **error,
       ...)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}

static char *
node_server_script (const char *modules,
                    const char *kind)
{
  return g_str_equal (kind, "dynalite")
           ? g_build_filename (modules, "dynalite", NULL)
           : g_build_filename (modules, "s3rver", "bin", "s3rver.js", NULL);
}

gboolean
sb_test_node_server_check_installed (const char  *kind,
                                     GError     **error)
{
  const char *modules = g_getenv ("SB_NODE_MODULES");
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *script = NULL;

  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "node is not installed (Debian: nodejs), needed for %s", kind);
      return FALSE;
    }
  if (modules == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "SB_NODE_MODULES is not set");
      return FALSE;
    }
  script = node_server_script (modules, kind);
  if (!g_file_test (script, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s is not installed (run npm ci in tests/node)", script);
      return FALSE;
    }
  return TRUE;
}

struct _SbTestNodeServer
{
  GSubprocess *process;
  char        *url;
  char        *data_dir;
};

SbTestNodeServer *
sb_test_node_server_start (const char  *kind,
                           GError     **error)
{
  const char *modules = g_getenv ("SB_NODE_MODULES");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *script = NULL;
  g_autofree char *data_dir = NULL;
  SbTestNodeServer *server;
  const char *marker;

  if (modules == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "SB_NODE_MODULES is not set");
      return NULL;
    }
  if (g_str_equal (kind, "dynalite"))
    {
      /* dynalite's own cli.js reads "--port 0" as "no port" and takes 4567,
       * so tests running side by side would collide: listen through its
       * API instead. Tables become ACTIVE at once, so tests need not poll. */
      static const char launcher[] =
        "const server = require(process.argv[1])({createTableMs: 0, deleteTableMs: 0,"
        " updateTableMs: 0});"
        "server.listen(0, '127.0.0.1', () => console.log("
        "'Dynalite listening at: http://127.0.0.1:' + server.address().port));";

      script = node_server_script (modules, kind);
      marker = "listening at: ";
      if (!g_file_test (script, G_FILE_TEST_IS_DIR))
        goto missing;
      process = spawn (error, "node", "-e", launcher, script, NULL);
    }
  else
    {
      script = node_server_script (modules, kind);
      marker = "listening on ";
      if (!g_file_test (script, G_FILE_TEST_EXISTS))
        goto missing;
      data_dir = sb_test_make_tmpdir ("sb-aws-test-XXXXXX");
      /* s3rver's continuation tokens use DES, which OpenSSL 3 keeps in its
       * legacy provider; without it every second page is a 500. */
      process = spawn (error, "node", "--openssl-legacy-provider", script,
                       "--directory", data_dir, "--address", "127.0.0.1", "--port", "0",
                       "--silent", NULL);
    }
  if (process == NULL)
    return NULL;

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, error);
      const char *found;

      if (line == NULL)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s exited before listening",
                         kind);
          g_subprocess_force_exit (process);
          return NULL;
        }
      found = strstr (line, marker);
      if (found != NULL)
        {
          const char *colon = strrchr (found, ':');

          server = g_new0 (SbTestNodeServer, 1);
          server->process = g_steal_pointer (&process);
          server->url = g_strdup_printf ("http://127.0.0.1:%s", colon + 1);
          server->data_dir = g_steal_pointer (&data_dir);
          return server;
        }
    }

missing:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "%s is not installed (run npm ci in tests/node)", script);
  return NULL;
}

const char *
sb_test_node_server_get_url (SbTestNodeServer *server)
{
  return server->url;
}

void
sb_test_node_server_stop (SbTestNodeServer *server)
{
  if (server == NULL)
    return;
  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, NULL);
  g_object_unref (server->process);
  if (server->data_dir != NULL)
    sb_test_rm_rf (server->data_dir);
  g_free (server->data_dir);
  g_free (server->url);
  g_free (server);
}

/* GLib is built without frame pointers, so AddressSanitizer's fast unwinder
 * stops at g_malloc and leak reports (and tests/lsan.supp, which matches on
 * callers) see nothing useful. The environment's ASAN_OPTIONS still win. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

SbAwsClient *
sb_test_aws_client_new (const char *dynamodb_url,
                        const char *s3_url,
                        const char *key_id,
                        const char *secret)
{
  g_auto(GStrv) env = NULL;
  g_autoptr(SbAwsConfig) config = NULL;
  g_autoptr(SbAwsCredentials) creds = sb_aws_credentials_new (key_id, secret, NULL, 0);
  g_autoptr(SbAwsCredentialsProvider) provider = sb_aws_credentials_provider_new_static (creds);
  SbAwsClient *client;

  env = g_environ_setenv (env, "AWS_ENDPOINT_URL_DYNAMODB", dynamodb_url, TRUE);
  env = g_environ_setenv (env, "AWS_ENDPOINT_URL_S3", s3_url, TRUE);
  env = g_environ_setenv (env, "AWS_REGION", "us-east-1", TRUE);
  config = sb_aws_config_new ((const char * const *) env);
  client = sb_aws_client_new (config, provider);
  sb_aws_client_set_backoff (client, 1, 10);
  return client;
}
