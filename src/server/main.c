/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sb-await.h"
#include "sb-error.h"
#include "sb-service.h"
#include "sb-web-server.h"

#define DRAIN_TIMEOUT (30 * G_TIME_SPAN_SECOND)

typedef struct
{
  GMainLoop   *loop;
  SbWebServer *server;
  gint64       deadline;
  int          status;
} App;

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

/* Proves the backend works before listening: a misconfigured server says
 * what to fix and exits, instead of failing every request. Start-up may
 * wait; nothing else is running yet. */
static SbService *
open_service (SbConfig  *config,
              GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_service_open_async (config, NULL, sb_await_cb, &result);
  return sb_service_open_finish (sb_await (&result), error);
}

/* Shared by every server on the store, so that a logged-out form served by
 * one is accepted by another behind the same load balancer. */
static GBytes *
load_server_key (SbAccounts  *accounts,
                 GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_accounts_get_server_key_async (accounts, NULL, sb_await_cb, &result);
  return sb_accounts_get_server_key_finish (accounts, sb_await (&result), error);
}

/* Lets background work (a blob deletion after a delete) finish, and the
 * store close in this thread, before the process exits. */
static void
close_service (SbService *service)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sb_service_close_async (service, DRAIN_TIMEOUT, NULL, sb_await_cb, &result);
  if (!sb_service_close_finish (service, sb_await (&result), &error))
    g_debug ("Closing: %s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *listen = NULL;
  g_autofree char *address = NULL;
  gboolean behind_proxy = FALSE;
  gboolean secure_cookies = FALSE;
  gboolean quiet = FALSE;
  gboolean version = FALSE;
  int header_timeout = 0;
  int idle_timeout = 0;
  int max_per_address = -1;
  g_autoptr(GBytes) server_key = NULL;
  guint16 port = 0;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbConfig) config = sb_config_new (NULL);
  g_autoptr(SbService) service = NULL;
  g_autoptr(SbWebServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  App app = { 0 };
  GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
      N_("Address and port to listen on (default 127.0.0.1:5000)"), N_("ADDRESS:PORT") },
    { "behind-proxy", 0, 0, G_OPTION_ARG_NONE, &behind_proxy,
      N_("Trust X-Forwarded-For from a load balancer in front of this server"), NULL },
    { "secure-cookies", 0, 0, G_OPTION_ARG_NONE, &secure_cookies,
      N_("Mark cookies Secure (when clients reach the server over HTTPS)"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Do not log each request"), NULL },
    { "header-timeout", 0, 0, G_OPTION_ARG_INT, &header_timeout,
      N_("Seconds a client has to send a request's headers (default 10)"), N_("SECONDS") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout,
      N_("Seconds a client may stay silent between requests or inside a body (default 75)"),
      N_("SECONDS") },
    { "max-connections-per-address", 0, 0, G_OPTION_ARG_INT, &max_per_address,
      N_("Open connections allowed from one client address, 0 for no limit "
         "(default 256; no limit with --behind-proxy)"), N_("N") },
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
  g_option_context_set_description (context,
                                    _("Settings also come from the environment (STORAGEBOX_BACKEND,\n"
                                      "STORAGEBOX_BUCKET, …) and storagebox.conf; see docs/aws.md."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  sb_config_add_options (config, context);
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

  if (header_timeout < 0 || idle_timeout < 0)
    {
      g_printerr ("storagebox-server: %s\n", _("A timeout is a number of seconds."));
      return 2;
    }
  if (!parse_listen (listen ? listen : "127.0.0.1:5000", &address, &port, &error) ||
      !sb_config_load_with_options (config, &error) || !sb_config_validate (config, &error))
    {
      g_printerr ("storagebox-server: %s\n", error->message);
      return 2;
    }

  service = open_service (config, &error);
  if (service == NULL)
    {
      /* The operator's fix is in the backend's own words. */
      g_printerr ("storagebox-server: %s\n",
                  sb_error_get_detail (error) ? sb_error_get_detail (error) : error->message);
      return 1;
    }
  server_key = load_server_key (sb_service_get_accounts (service), &error);
  if (server_key != NULL)
    server = sb_web_server_new (sb_service_get_accounts (service),
                                sb_service_get_library (service), &error);
  if (server == NULL)
    {
      g_printerr ("storagebox-server: %s\n", error->message);
      close_service (service);
      return 1;
    }
  sb_web_server_set_form_key (server, server_key);
  sb_web_server_set_prices (server, sb_service_get_prices (service));
  sb_web_server_set_timeouts (server, (guint) header_timeout, (guint) idle_timeout);
  /* Behind a load balancer every connection comes from it. */
  if (max_per_address < 0)
    max_per_address = behind_proxy ? 0 : 256;
  sb_web_server_set_max_connections_per_address (server, (guint) max_per_address);
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
    g_autoptr(JsonBuilder) line = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

    /* The first line says where we are, for people and for scripts. */
    json_builder_begin_object (line);
    json_builder_set_member_name (line, "event");
    json_builder_add_string_value (line, "listening");
    json_builder_set_member_name (line, "url");
    json_builder_add_string_value (line, url);
    json_builder_set_member_name (line, "backend");
    json_builder_add_string_value (line, sb_config_get (config, "backend"));
    json_builder_set_member_name (line, sb_config_get_backend (config) == SB_BACKEND_AWS
                                          ? "bucket" : "data_dir");
    json_builder_add_string_value (line, sb_config_get_backend (config) == SB_BACKEND_AWS
                                           ? sb_config_get (config, "bucket")
                                           : sb_config_get_data_dir (config));
    json_builder_end_object (line);
    root = json_builder_get_root (line);
    text = json_to_string (root, FALSE);
    g_print ("%s\n", text);
    g_printerr (_("StorageBox is ready at %s\n"), url);
  }

  loop = g_main_loop_new (NULL, FALSE);
  app.loop = loop;
  app.server = server;
  g_unix_signal_add (SIGTERM, stop_cb, &app);
  g_unix_signal_add (SIGINT, stop_cb, &app);
  g_main_loop_run (loop);

  g_clear_object (&server);
  close_service (service);
  return app.status;
}
