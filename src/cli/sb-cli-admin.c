/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gunixinputstream.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>

#include "sb-cli.h"

/* init and check: both print a report, one line per item. */

static void
print_report (SbCheck  *report,
              gboolean  json)
{
  GListModel *items = G_LIST_MODEL (report);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;
      g_autoptr(GEnumClass) statuses = g_type_class_ref (SB_TYPE_CHECK_STATUS);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "usable");
      json_builder_add_boolean_value (builder, sb_check_get_usable (report));
      json_builder_set_member_name (builder, "items");
      json_builder_begin_array (builder);
      for (guint i = 0; i < g_list_model_get_n_items (items); i++)
        {
          g_autoptr(SbCheckItem) item = g_list_model_get_item (items, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, sb_check_item_get_name (item));
          json_builder_set_member_name (builder, "status");
          json_builder_add_string_value (builder,
                                         g_enum_get_value (statuses,
                                                           (int) sb_check_item_get_status (item))
                                           ->value_nick);
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, sb_check_item_get_message (item));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(SbCheckItem) item = g_list_model_get_item (items, i);
      static const char * const labels[] = { "ok", "warning", "missing", "error" };

      g_print ("%-8s %s: %s\n", labels[sb_check_item_get_status (item)],
               sb_check_item_get_name (item), sb_check_item_get_message (item));
    }
}

static int
report_command (int       argc,
                char    **argv,
                gboolean  provision)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the report as JSON"), NULL },
    { NULL }
  };
  g_autoptr(SbConfig) config = sb_config_new (NULL);
  g_autoptr(SbCheck) report = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!sb_cli_parse (provision ? "init" : "check", "",
                     provision
                       ? _("Create what the configured backend needs, if it is missing: the\n"
                           "DynamoDB tables (on-demand billing, TTL on sessions), the S3 "
                           "bucket\nand its lifecycle rules (Standard-IA after 75 days, Glacier "
                           "after\n365, incomplete uploads aborted after 7). Safe to run again.")
                       : _("Check the configured backend: credentials, tables, TTL, bucket,\n"
                           "lifecycle rules. Nothing on AWS is changed; the local backend's\n"
                           "data directory and database are created if missing, as any\n"
                           "command that opens them does."),
                     entries, 0, 0, &argc, &argv, config, &status))
    return status;

  if (provision)
    sb_config_provision_async (config, NULL, sb_await_cb, &result);
  else
    sb_config_check_async (config, NULL, sb_await_cb, &result);
  sb_await (&result);
  report = provision ? sb_config_provision_finish (config, result, &error)
                     : sb_config_check_finish (config, result, &error);
  if (report == NULL)
    return sb_cli_fail (error);

  print_report (report, json);
  if (!json)
    {
      if (sb_check_get_usable (report))
        g_print ("%s\n", _("StorageBox can run on this backend."));
      else
        g_print ("%s\n", provision ? _("StorageBox cannot run yet: fix the errors above.")
                                   : _("StorageBox cannot run yet: fix the errors above, or "
                                       "run “storagebox-cli init” for what is missing."));
    }
  return sb_check_get_usable (report) ? SB_CLI_OK : SB_CLI_FAILED;
}

int
sb_cli_init (int    argc,
             char **argv)
{
  return report_command (argc, argv, TRUE);
}

int
sb_cli_check (int    argc,
              char **argv)
{
  return report_command (argc, argv, FALSE);
}

/* One line of standard input, without its newline. */
static char *
read_password (GError **error)
{
  g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (in);
  char *line;

  /* The password exists in memory only as long as it must. */
  line = g_data_input_stream_read_line_utf8 (data, NULL, NULL, error);
  if (line == NULL && error != NULL && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("No password on standard input: pipe it in, one line."));
  return line;
}

static int
sign_up (SbService  *service,
         const char *username,
         const char *email,
         const char *password)
{
  SbAccounts *accounts = sb_service_get_accounts (service);
  g_autoptr(SbSession) session = NULL;
  g_autoptr(GAsyncResult) signed_up = NULL;
  g_autoptr(GAsyncResult) logged_out = NULL;
  g_autoptr(GError) error = NULL;

  sb_accounts_sign_up_async (accounts, username, email, password, NULL, NULL, sb_await_cb,
                             &signed_up);
  session = sb_accounts_sign_up_finish (accounts, sb_await (&signed_up), &error);
  if (session == NULL)
    return sb_cli_fail (error);

  /* Signing up logs in; nobody will use this session. */
  sb_accounts_log_out_async (accounts, sb_session_get_token (session), NULL, sb_await_cb,
                             &logged_out);
  sb_accounts_log_out_finish (accounts, sb_await (&logged_out), NULL);
  return SB_CLI_OK;
}

int
sb_cli_adduser (int    argc,
                char **argv)
{
  g_autofree char *email = NULL;
  GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("The account's e-mail address (required)"),
      N_("ADDRESS") },
    { NULL }
  };
  g_autoptr(SbConfig) config = sb_config_new (NULL);
  g_autoptr(SbService) service = NULL;
  g_autoptr(GError) error = NULL;
  char *password = NULL;
  int status;

  if (!sb_cli_parse ("adduser", "USERNAME",
                     _("Create an account, as signing up on the web does. The password is the\n"
                       "first line of standard input, e.g. printf %s \"$pw\" | storagebox-cli "
                       "adduser …"),
                     entries, 1, 1, &argc, &argv, config, &status))
    return status;
  if (email == NULL)
    {
      g_printerr ("%s\n", _("storagebox-cli adduser: --email is required."));
      return SB_CLI_USAGE;
    }
  password = read_password (&error);
  if (password == NULL)
    return sb_cli_fail (error);
  if ((service = sb_cli_open (config, &status)) == NULL)
    {
      sodium_memzero (password, strlen (password));
      g_free (password);
      return status;
    }

  status = sign_up (service, argv[1], email, password);
  sodium_memzero (password, strlen (password));
  g_free (password);
  sb_cli_close (g_steal_pointer (&service));
  return status;
}
