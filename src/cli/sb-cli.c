/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-cli.h"
#include "sb-error.h"

int
sb_cli_fail (const GError *error)
{
  /* On a terminal the backend's own explanation (which endpoint, which
   * table) is the useful one; core's sentence is fit for a web page. */
  if (sb_error_get_detail (error) != NULL)
    g_printerr ("storagebox-cli: %s\n", sb_error_get_detail (error));
  else
    g_printerr ("storagebox-cli: %s\n", error->message);
  if (error->domain == G_OPTION_ERROR || g_error_matches (error, SB_ERROR, SB_ERROR_INVALID))
    return SB_CLI_USAGE;
  return SB_CLI_FAILED;
}

gboolean
sb_cli_parse (const char    *command,
              const char    *parameters,
              const char    *summary,
              GOptionEntry  *entries,
              guint          min_args,
              guint          max_args,
              int           *argc,
              char        ***argv,
              SbConfig      *config,
              int           *status)
{
  g_autofree char *usage = g_strdup_printf ("%s %s", command, parameters);
  g_autoptr(GOptionContext) context = g_option_context_new (usage);
  g_autoptr(GError) error = NULL;
  guint n_args;

  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context,
                                    _("Storage settings also come from STORAGEBOX_* variables and "
                                      "storagebox.conf;\nsee docs/cli.md. Exit status: 0 done, "
                                      "1 failed, 2 wrong usage or settings."));
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  sb_config_add_options (config, context);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("storagebox-cli %s: %s\n", command, error->message);
      *status = SB_CLI_USAGE;
      return FALSE;
    }
  /* (*argv)[0] is the command itself. */
  n_args = (guint) *argc - 1;
  if (n_args < min_args || n_args > max_args)
    {
      g_printerr (_("storagebox-cli %s: expected %s; see “storagebox-cli %s --help”.\n"),
                  command, parameters, command);
      *status = SB_CLI_USAGE;
      return FALSE;
    }
  if (!sb_config_load_with_options (config, &error) || !sb_config_validate (config, &error))
    {
      *status = sb_cli_fail (error);
      return FALSE;
    }
  return TRUE;
}

SbService *
sb_cli_open (SbConfig *config,
             int      *status)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbService *service;

  sb_service_open_async (config, NULL, sb_await_cb, &result);
  service = sb_service_open_finish (sb_await (&result), &error);
  if (service == NULL)
    *status = sb_cli_fail (error);
  return service;
}

void
sb_cli_close (SbService *service)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (service == NULL)
    return;
  sb_service_close_async (service, 60 * G_TIME_SPAN_SECOND, NULL, sb_await_cb, &result);
  if (!sb_service_close_finish (service, sb_await (&result), &error))
    g_debug ("Closing: %s", error->message);
  g_object_unref (service);
}
