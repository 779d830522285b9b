/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sb-local-store.h"
#include "sb-web-server.h"

#define DRAIN_TIMEOUT (30 * G_TIME_SPAN_SECOND)

typedef struct
{
  GMainLoop   *loop;
  SbWebServer *server;
  gint64       deadline;
  int          status;
} App;

/* "5GiB", "512M", "1048576": binary units, since that is what file sizes
 * are shown in. */
static gboolean
parse_size (const char  *text,
            guint64     *size,
            GError     **error)
{
  static const struct { const char *suffix; guint64 factor; } units[] = {
    { "", 1 }, { "b", 1 },
    { "k", 1024 }, { "kb", 1024 }, { "kib", 1024 },
    { "m", 1024 * 1024 }, { "mb", 1024 * 1024 }, { "mib", 1024 * 1024 },
    { "g", 1024 * 1024 * 1024 }, { "gb", 1024 * 1024 * 1024 }, { "gib", 1024 * 1024 * 1024 },
    { "t", G_GUINT64_CONSTANT (1024) * 1024 * 1024 * 1024 },
    { "tb", G_GUINT64_CONSTANT (1024) * 1024 * 1024 * 1024 },
    { "tib", G_GUINT64_CONSTANT (1024) * 1024 * 1024 * 1024 },
  };
  char *end = NULL;
  guint64 number;
  g_autofree char *suffix = NULL;

  number = g_ascii_strtoull (text, &end, 10);
  if (end == text)
    goto invalid;
  suffix = g_ascii_strdown (g_strstrip (end), -1);
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_str_equal (suffix, units[i].suffix))
      {
        if (number == 0 || number > G_MAXUINT64 / units[i].factor)
          goto invalid;
        *size = number * units[i].factor;
        return TRUE;
      }

invalid:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not a size; try for example 5GiB or 100MiB."), text);
  return FALSE;
}

/* "127.0.0.1:5000", "[::1]:8080", "0.0.0.0:80" */
static gboolean
parse_listen (const char  *text,
              char       **address,
              guint16     *port,
              GError     **error)
{
  const char *colon = strrchr (text, ':');
  g_autofree char *host = NULL;
  guint64 number;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &number, NULL))
    goto invalid;
  host = g_strndup (text, (gsize) (colon - text));
  if (host[0] == '[' && g_str_has_suffix (host, "]"))
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);
      g_free (host);
      host = inner;
    }
  if (!g_hostname_is_ip_address (host))
    goto invalid;
  *address = g_steal_pointer (&host);
  *port = (guint16) number;
  return TRUE;

invalid:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not ADDRESS:PORT; try for example 127.0.0.1:5000 or [::1]:5000."),
               text);
  return FALSE;
}

static gboolean
drain_cb (gpointer user_data)
{
  App *app = user_data;

  if (sb_web_server_get_active_requests (app->server) == 0 ||
      g_get_monotonic_time () > app->deadline)
    {
      g_main_loop_quit (app->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* SIGTERM (a load balancer taking the instance out) and Ctrl+C: stop
 * accepting, let the requests in flight finish, then exit. */
static gboolean
stop_cb (gpointer user_data)
{
  App *app = user_data;

  if (app->deadline != 0)
    {
      g_main_loop_quit (app->loop);
      return G_SOURCE_CONTINUE;
    }
  g_printerr ("%s\n", _("Stopping: finishing the requests in progress…"));
  sb_web_server_stop_listening (app->server);
  app->deadline = g_get_monotonic_time () + DRAIN_TIMEOUT;
  g_timeout_add (100, drain_cb, app);
  return G_SOURCE_CONTINUE;
}

static char *
default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "storagebox", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *listen = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *max_upload = NULL;
  g_autofree char *address = NULL;
  g_autofree char *default_dir = NULL;
  gboolean behind_proxy = FALSE;
  gboolean secure_cookies = FALSE;
  gboolean quiet = FALSE;
  gboolean version = FALSE;
  guint16 port = 0;
  guint64 max_size = SB_DEFAULT_MAX_FILE_SIZE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbLocalStore) store = NULL;
  g_autoptr(SbAccounts) accounts = NULL;
  g_autoptr(SbLibrary) library = NULL;
  g_autoptr(SbWebServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  App app = { 0 };
  GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
      N_("Address and port to listen on (default 127.0.0.1:5000)"), N_("ADDRESS:PORT") },
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Where the embedded store keeps its files (default $XDG_DATA_HOME/storagebox)"),
      N_("DIR") },
    { "max-upload-size", 0, 0, G_OPTION_ARG_STRING, &max_upload,
      N_("Largest file that can be uploaded (default 5GiB)"), N_("SIZE") },
    { "behind-proxy", 0, 0, G_OPTION_ARG_NONE, &behind_proxy,
      N_("Trust X-Forwarded-For from a load balancer in front of this server"), NULL },
    { "secure-cookies", 0, 0, G_OPTION_ARG_NONE, &secure_cookies,
      N_("Mark cookies Secure (when clients reach the server over HTTPS)"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Do not log each request"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version and exit"), NULL },
    { NULL }
  };

  /* One JSON line per request: a log collector must see each one now. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Serve StorageBox to web browsers: sign up, log in, upload, list,\n"
                                  "download, edit and delete files."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("storagebox-server: %s\n", error->message);
      g_printerr ("%s\n", _("Run “storagebox-server --help” to see the options."));
      return 2;
    }
  if (version)
    {
      g_print ("storagebox-server %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (!parse_listen (listen ? listen : "127.0.0.1:5000", &address, &port, &error) ||
      (max_upload && !parse_size (max_upload, &max_size, &error)))
    {
      g_printerr ("storagebox-server: %s\n", error->message);
      return 2;
    }

  default_dir = default_data_dir ();
  store = sb_local_store_new (data_dir ? data_dir : default_dir, &error);
  if (store == NULL)
    {
      g_printerr ("storagebox-server: %s\n", error->message);
      return 1;
    }
  accounts = sb_accounts_new (SB_STORE (store));
  library = sb_library_new (SB_STORE (store), max_size);
  server = sb_web_server_new (accounts, library, &error);
  if (server == NULL)
    {
      g_printerr ("storagebox-server: %s\n", error->message);
      return 1;
    }
  sb_web_server_set_behind_proxy (server, behind_proxy);
  sb_web_server_set_secure_cookies (server, secure_cookies);
  sb_web_server_set_log_requests (server, !quiet);

  if (!sb_web_server_listen (server, address, port, &error))
    {
      g_printerr ("storagebox-server: %s %s:%u: %s\n", _("cannot listen on"), address, port,
                  error->message);
      return 1;
    }

  {
    gboolean v6 = strchr (address, ':') != NULL;
    g_autofree char *url = g_strdup_printf ("http://%s%s%s:%u/", v6 ? "[" : "", address,
                                            v6 ? "]" : "", sb_web_server_get_port (server));
    /* The first line says where we are, for people and for scripts. */
    g_print ("{\"event\":\"listening\",\"url\":\"%s\",\"data_dir\":", url);
    {
      g_autoptr(JsonNode) dir = json_node_init_string (json_node_alloc (),
                                                       sb_local_store_get_data_dir (store));
      g_autofree char *dir_json = json_to_string (dir, FALSE);
      g_print ("%s}\n", dir_json);
    }
    g_printerr (_("StorageBox is ready at %s\n"), url);
  }

  loop = g_main_loop_new (NULL, FALSE);
  app.loop = loop;
  app.server = server;
  g_unix_signal_add (SIGTERM, stop_cb, &app);
  g_unix_signal_add (SIGINT, stop_cb, &app);
  g_main_loop_run (loop);
  return app.status;
}
