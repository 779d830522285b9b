/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sb-cli.h"
#include "sb-error.h"

/* restore and usage: archived files and what storage costs. */

/* restore */

static int
restore_file (SbService     *service,
              const char    *user,
              const char    *name,
              SbRestoreTier  tier,
              guint          days)
{
  SbLibrary *library = sb_service_get_library (service);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = NULL;
  g_autofree char *state = NULL;
  g_autofree char *cost = NULL;
  gint64 started = g_get_real_time ();
  double dollars;

  sb_library_restore_async (library, user, name, tier, days, NULL, sb_await_cb, &result);
  file = sb_library_restore_finish (library, sb_await (&result), &error);
  if (file == NULL)
    return sb_cli_fail (error);

  state = sb_storage_class_describe_restore (file);
  if (sb_file_get_restore_in_progress (file) && sb_file_get_restore_requested_at (file) < started)
    {
      g_print (_("“%s” is already being restored; nothing new was asked for.\n%s\n"), name,
               state);
      return SB_CLI_OK;
    }
  dollars = sb_prices_restore_cost (sb_service_get_prices (service),
                                    sb_file_get_storage_class (file), tier,
                                    sb_file_get_size (file), days);
  cost = sb_prices_format (dollars);
  g_print (_("Restore of “%s” asked for: %s, usually %s; the copy stays readable for %u days.\n"
             "Estimated cost: %s.\n%s\n"), name, sb_restore_tier_describe (tier),
           sb_restore_tier_wait (tier, sb_file_get_storage_class (file)), days, cost, state);
  return SB_CLI_OK;
}

int
sb_cli_restore (int    argc,
                char **argv)
{
  g_autofree char *user = NULL;
  g_autofree char *tier_name = NULL;
  int days = SB_RESTORE_DAYS_DEFAULT;
  GOptionEntry entries[] = {
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("Whose file it is (required)"), N_("USER") },
    { "tier", 0, 0, G_OPTION_ARG_STRING, &tier_name,
      N_("Expedited (minutes), Standard (hours, the default) or Bulk (cheapest, slowest)"),
      N_("TIER") },
    { "days", 0, 0, G_OPTION_ARG_INT, &days,
      N_("How many days the restored copy stays readable (default 7)"), N_("DAYS") },
    { NULL }
  };
  g_autoptr(SbConfig) config = sb_config_new (NULL);
  g_autoptr(SbService) service = NULL;
  SbRestoreTier tier = SB_RESTORE_TIER_DEFAULT;
  int status;

  if (!sb_cli_parse ("restore", "NAME",
                     _("Ask for a temporary copy of --user's archived file NAME (storage class\n"
                       "Archived or Deep archive), so that it can be downloaded. Restoring takes\n"
                       "minutes to hours and costs money; “ls -l” shows how it stands."),
                     entries, 1, 1, &argc, &argv, config, &status) ||
      !sb_cli_need_user ("restore", user))
    return user ? status : SB_CLI_USAGE;
  if (tier_name != NULL && !sb_restore_tier_from_string (tier_name, &tier))
    {
      g_printerr (_("storagebox-cli restore: “%s” is not a tier: use Expedited, Standard or "
                    "Bulk.\n"), tier_name);
      return SB_CLI_USAGE;
    }
  if (days < 1 || days > SB_RESTORE_DAYS_MAX)
    {
      g_printerr (_("storagebox-cli restore: --days must be from 1 to %d.\n"),
                  SB_RESTORE_DAYS_MAX);
      return SB_CLI_USAGE;
    }

  if ((service = sb_cli_open (config, &status)) == NULL)
    return status;
  status = restore_file (service, user, argv[1], tier, (guint) days);
  sb_cli_close (g_steal_pointer (&service));
  return status;
}

/* usage */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
owners_of_every_file (SbService  *service,
                      GError    **error)
{
  SbStore *store = sb_service_get_store (service);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *owners = g_ptr_array_new_with_free_func (g_free);

  sb_store_file_scan_async (store, NULL, sb_await_cb, &result);
  records = sb_store_file_scan_finish (store, sb_await (&result), error);
  if (records == NULL)
    {
      g_ptr_array_unref (owners);
      return NULL;
    }
  for (guint i = 0; i < records->len; i++)
    {
      const char *owner = sb_file_get_owner (records->pdata[i]);

      if (g_hash_table_add (seen, (gpointer) owner))
        g_ptr_array_add (owners, g_strdup (owner));
    }
  g_ptr_array_sort (owners, compare_names);
  return owners;
}

static void
add_usage_json (JsonBuilder *builder,
                SbUsage     *usage)
{
  json_builder_set_member_name (builder, "files");
  json_builder_add_int_value (builder, sb_usage_get_files (usage));
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) sb_usage_get_bytes (usage));
  json_builder_set_member_name (builder, "estimated_monthly_cost_usd");
  json_builder_add_double_value (builder, sb_usage_get_monthly_cost (usage));
  json_builder_set_member_name (builder, "by_storage_class");
  json_builder_begin_array (builder);
  for (guint i = 0; i < sb_usage_get_n_rows (usage); i++)
    {
      const SbUsageRow *row = sb_usage_get_row (usage, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "storage_class");
      json_builder_add_string_value (builder, row->storage_class);
      json_builder_set_member_name (builder, "files");
      json_builder_add_int_value (builder, row->files);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, (gint64) row->bytes);
      json_builder_set_member_name (builder, "estimated_monthly_cost_usd");
      json_builder_add_double_value (builder, row->monthly_cost);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
print_usage_rows (const char *title,
                  SbUsage    *usage)
{
  g_autofree char *total_size = g_format_size (sb_usage_get_bytes (usage));
  g_autofree char *total_cost = sb_prices_format (sb_usage_get_monthly_cost (usage));

  g_print ("%s\n", title);
  for (guint i = 0; i < sb_usage_get_n_rows (usage); i++)
    {
      const SbUsageRow *row = sb_usage_get_row (usage, i);
      g_autofree char *size = g_format_size (row->bytes);
      g_autofree char *cost = sb_prices_format (row->monthly_cost);

      g_print ("  %-26s %6u %-12s %s\n", sb_storage_class_describe (row->storage_class),
               row->files, size, cost);
    }
  g_print ("  %-26s %6u %-12s %s\n", _("Total"), sb_usage_get_files (usage), total_size,
           total_cost);
}

int
sb_cli_usage (int    argc,
              char **argv)
{
  g_autofree char *user = NULL;
  gboolean all = FALSE;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("Whose files to count"), N_("USER") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Every user's, one after another, and the sum"),
      NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("As a JSON object"), NULL },
    { NULL }
  };
  g_autoptr(SbConfig) config = sb_config_new (NULL);
  g_autoptr(SbService) service = NULL;
  g_autoptr(GPtrArray) owners = NULL;
  g_autoptr(GPtrArray) usages = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_usage_free);
  g_autoptr(SbUsage) total = NULL;
  g_autoptr(GError) error = NULL;
  SbPrices *prices;
  int status;

  if (!sb_cli_parse ("usage", "",
                     _("Bytes and files by storage class, with the estimated monthly cost at S3\n"
                       "list prices (overridable under [prices] in storagebox.conf)."),
                     entries, 0, 0, &argc, &argv, config, &status))
    return status;
  if ((user == NULL) == !all)
    {
      g_printerr (_("storagebox-cli usage: give either --user USER or --all.\n"));
      return SB_CLI_USAGE;
    }

  if ((service = sb_cli_open (config, &status)) == NULL)
    return status;
  prices = sb_service_get_prices (service);
  total = sb_usage_new (prices);
  if (all)
    owners = owners_of_every_file (service, &error);
  else if (sb_cli_user_exists (service, user, &error))
    {
      owners = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (owners, g_strdup (user));
    }
  for (guint i = 0; owners != NULL && i < owners->len; i++)
    {
      SbLibrary *library = sb_service_get_library (service);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) files = NULL;
      SbUsage *usage;

      sb_library_list_async (library, owners->pdata[i], NULL, sb_await_cb, &result);
      files = sb_library_list_finish (library, sb_await (&result), &error);
      if (files == NULL)
        {
          g_clear_pointer (&owners, g_ptr_array_unref);
          break;
        }
      usage = sb_usage_new (prices);
      sb_usage_add_files (usage, files);
      sb_usage_add_files (total, files);
      g_ptr_array_add (usages, usage);
    }
  sb_cli_close (g_steal_pointer (&service));
  if (owners == NULL)
    return sb_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "estimate");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "region");
      json_builder_add_string_value (builder, SB_PRICES_REGION);
      json_builder_set_member_name (builder, "prices_taken");
      json_builder_add_string_value (builder, SB_PRICES_DATE);
      json_builder_set_member_name (builder, "prices_configured");
      json_builder_add_boolean_value (builder, sb_prices_is_configured (prices));
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "users");
      json_builder_begin_array (builder);
      for (guint i = 0; i < owners->len; i++)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "user");
          json_builder_add_string_value (builder, owners->pdata[i]);
          add_usage_json (builder, usages->pdata[i]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "total");
      json_builder_begin_object (builder);
      add_usage_json (builder, total);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
      return SB_CLI_OK;
    }

  for (guint i = 0; i < owners->len; i++)
    print_usage_rows (owners->pdata[i], usages->pdata[i]);
  if (all && owners->len != 1)
    print_usage_rows (_("All users"), total);
  g_print (_("Costs are estimates: storage only, at S3 list prices for %s taken %s%s.\n"),
           SB_PRICES_REGION, SB_PRICES_DATE,
           sb_prices_is_configured (prices) ? _(", with the prices in your configuration") : "");
  return SB_CLI_OK;
}
