/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "sb-config.h"
#include "sb-error.h"
#include "sb-prices.h"
#include "sb-usage.h"

static void
test_describe (void)
{
  const char *other = "INTELLIGENT_TIERING";

  g_assert_cmpstr (sb_storage_class_describe ("STANDARD"), ==, "Standard");
  g_assert_cmpstr (sb_storage_class_describe (NULL), ==, "Standard");
  g_assert_cmpstr (sb_storage_class_describe (""), ==, "Standard");
  g_assert_cmpstr (sb_storage_class_describe ("STANDARD_IA"), ==, "Infrequent access");
  g_assert_cmpstr (sb_storage_class_describe ("ONEZONE_IA"), ==, "Infrequent access");
  g_assert_cmpstr (sb_storage_class_describe ("GLACIER"), ==, "Archived");
  g_assert_cmpstr (sb_storage_class_describe ("DEEP_ARCHIVE"), ==, "Deep archive");
  g_assert_cmpstr (sb_storage_class_describe ("GLACIER_IR"), ==, "Instant retrieval archive");
  /* Anything else is shown as S3 names it. */
  g_assert_true (sb_storage_class_describe (other) == other);
  g_assert_cmpstr (sb_storage_class_describe ("standard"), ==, "standard");
}

static void
test_needs_restore (void)
{
  g_assert_true (sb_storage_class_needs_restore ("GLACIER"));
  g_assert_true (sb_storage_class_needs_restore ("DEEP_ARCHIVE"));
  g_assert_false (sb_storage_class_needs_restore ("GLACIER_IR"));
  g_assert_false (sb_storage_class_needs_restore ("STANDARD"));
  g_assert_false (sb_storage_class_needs_restore ("STANDARD_IA"));
  g_assert_false (sb_storage_class_needs_restore ("ONEZONE_IA"));
  g_assert_false (sb_storage_class_needs_restore (NULL));
  g_assert_false (sb_storage_class_needs_restore (""));
}

static void
test_tiers (void)
{
  SbRestoreTier tier = SB_RESTORE_TIER_BULK;

  g_assert_true (sb_restore_tier_from_string ("expedited", &tier));
  g_assert_cmpint (tier, ==, SB_RESTORE_TIER_EXPEDITED);
  g_assert_true (sb_restore_tier_from_string ("BULK", &tier));
  g_assert_cmpint (tier, ==, SB_RESTORE_TIER_BULK);
  g_assert_false (sb_restore_tier_from_string ("fast", &tier));
  g_assert_false (sb_restore_tier_from_string (NULL, &tier));
  g_assert_cmpint (tier, ==, SB_RESTORE_TIER_BULK);
  for (guint i = 0; i < SB_RESTORE_N_TIERS; i++)
    {
      SbRestoreTier back;

      g_assert_true (sb_restore_tier_from_string (sb_restore_tier_to_string (i), &back));
      g_assert_cmpint (back, ==, i);
      g_assert_true (sb_restore_tier_available (i, "GLACIER"));
    }
  /* Deep Archive has no Expedited retrieval. */
  g_assert_false (sb_restore_tier_available (SB_RESTORE_TIER_EXPEDITED, "DEEP_ARCHIVE"));
  g_assert_true (sb_restore_tier_available (SB_RESTORE_TIER_BULK, "DEEP_ARCHIVE"));
  g_assert_cmpstr (sb_restore_tier_wait (SB_RESTORE_TIER_EXPEDITED, "GLACIER"), ==, "1–5 minutes");
  g_assert_cmpstr (sb_restore_tier_wait (SB_RESTORE_TIER_STANDARD, "DEEP_ARCHIVE"), ==,
                   "within 12 hours");
}

static void
test_describe_restore (void)
{
  g_autoptr(SbFile) file = sb_file_new ("alice", "a.txt");
  g_autofree char *standard = sb_storage_class_describe_restore (file);
  g_autofree char *archived = NULL, *restoring = NULL, *restored = NULL, *expired = NULL;
  g_autofree char *instant = NULL;

  g_assert_null (standard);
  g_assert_false (sb_file_needs_restore (file));

  sb_file_set_storage_class (file, "GLACIER");
  archived = sb_storage_class_describe_restore (file);
  g_assert_cmpstr (archived, ==, "Archived: restore it to download");
  g_assert_true (sb_file_needs_restore (file));

  sb_file_set_restore_in_progress (file, TRUE);
  sb_file_set_restore_requested_at (file, G_GINT64_CONSTANT (1796220000) * G_USEC_PER_SEC);
  restoring = sb_storage_class_describe_restore (file);
  g_assert_true (g_str_has_prefix (restoring, "Restoring, requested at "));
  g_assert_nonnull (strstr (restoring, "2026"));
  g_assert_true (sb_file_needs_restore (file));

  sb_file_set_restore_in_progress (file, FALSE);
  sb_file_set_restored_until (file, g_get_real_time () + 7 * G_TIME_SPAN_DAY);
  restored = sb_storage_class_describe_restore (file);
  g_assert_true (g_str_has_prefix (restored, "Restored until "));
  g_assert_false (sb_file_needs_restore (file));

  /* A copy that has expired is gone: archived again. */
  sb_file_set_restored_until (file, g_get_real_time () - G_TIME_SPAN_HOUR);
  expired = sb_storage_class_describe_restore (file);
  g_assert_cmpstr (expired, ==, "Archived: restore it to download");

  sb_file_set_storage_class (file, "GLACIER_IR");
  instant = sb_storage_class_describe_restore (file);
  g_assert_null (instant);
  g_assert_false (sb_file_needs_restore (file));
}

#define GB ((guint64) 1 << 30)

static void
test_prices_default (void)
{
  g_autoptr(SbPrices) prices = sb_prices_new (NULL);
  g_autofree char *cents = NULL, *tiny = NULL, *zero = NULL;

  g_assert_false (sb_prices_is_configured (prices));
  g_assert_cmpfloat_with_epsilon (sb_prices_get_storage (prices, "STANDARD"), 0.023, 1e-9);
  g_assert_cmpfloat_with_epsilon (sb_prices_get_storage (prices, NULL), 0.023, 1e-9);
  g_assert_cmpfloat_with_epsilon (sb_prices_get_storage (prices, "DEEP_ARCHIVE"), 0.00099, 1e-9);
  /* A class we have no price for costs what Standard does, never nothing. */
  g_assert_cmpfloat_with_epsilon (sb_prices_get_storage (prices, "INTELLIGENT_TIERING"), 0.023,
                                  1e-9);
  g_assert_cmpfloat_with_epsilon (sb_prices_monthly_cost (prices, "STANDARD_IA", 10 * GB), 0.125,
                                  1e-9);
  /* 1 GiB from Glacier at Standard, kept 30 days: retrieval 0.01, one
   * request 0.00005, the copy a month of Standard 0.023. */
  g_assert_cmpfloat_with_epsilon (sb_prices_restore_cost (prices, "GLACIER",
                                                          SB_RESTORE_TIER_STANDARD, GB, 30),
                                  0.01 + 0.00005 + 0.023, 1e-9);
  g_assert_cmpfloat_with_epsilon (sb_prices_restore_cost (prices, "GLACIER",
                                                          SB_RESTORE_TIER_EXPEDITED, GB, 0),
                                  0.03 + 0.01, 1e-9);
  g_assert_cmpfloat (sb_prices_restore_cost (prices, "DEEP_ARCHIVE", SB_RESTORE_TIER_EXPEDITED,
                                             GB, 1), <, 0);
  g_assert_cmpfloat (sb_prices_restore_cost (prices, "STANDARD", SB_RESTORE_TIER_BULK, GB, 1), <,
                     0);

  cents = sb_prices_format (0.426);
  g_assert_cmpstr (cents, ==, "$0.43");
  tiny = sb_prices_format (0.0001);
  g_assert_cmpstr (tiny, ==, "less than $0.01");
  zero = sb_prices_format (0);
  g_assert_cmpstr (zero, ==, "$0.00");
}

static char *
write_config (const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("sb-prices-XXXXXX.conf", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_prices_configured (void)
{
  const char *envp[] = { NULL };
  g_autofree char *good = write_config ("[storagebox]\n[prices]\nSTANDARD = 0.02\nGLACIER=0.004\n");
  g_autofree char *unknown = write_config ("[storagebox]\n[prices]\nCHEAP = 0.001\n");
  g_autofree char *bad = write_config ("[storagebox]\n[prices]\nSTANDARD = -1\n");
  g_autofree char *words = write_config ("[storagebox]\n[prices]\nSTANDARD = cheap\n");
  g_autoptr(SbConfig) config = sb_config_new (envp);
  g_autoptr(SbPrices) prices = NULL;
  g_autoptr(GError) error = NULL;
  const char *refused[] = { unknown, bad, words };

  g_assert_true (sb_config_load (config, good, &error));
  g_assert_no_error (error);
  prices = sb_prices_new (config);
  g_assert_true (sb_prices_is_configured (prices));
  g_assert_cmpfloat_with_epsilon (sb_prices_get_storage (prices, "STANDARD"), 0.02, 1e-9);
  g_assert_cmpfloat_with_epsilon (sb_prices_get_storage (prices, "GLACIER"), 0.004, 1e-9);
  g_assert_cmpfloat_with_epsilon (sb_prices_get_storage (prices, "STANDARD_IA"), 0.0125, 1e-9);
  /* The restored copy is billed at the (configured) Standard price. */
  g_assert_cmpfloat_with_epsilon (sb_prices_restore_cost (prices, "GLACIER", SB_RESTORE_TIER_BULK,
                                                          GB, 30), 0.02, 1e-9);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(SbConfig) other = sb_config_new (envp);
      g_autoptr(GError) refusal = NULL;

      g_assert_false (sb_config_load (other, refused[i], &refusal));
      g_assert_error (refusal, SB_ERROR, SB_ERROR_INVALID);
      g_assert_nonnull (strstr (refusal->message, refused[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    g_unlink (refused[i]);
  g_unlink (good);
}

static SbFile *
file_of (const char *name,
         const char *s3_class,
         guint64     size)
{
  SbFile *file = sb_file_new ("alice", name);

  sb_file_set_storage_class (file, s3_class);
  sb_file_set_size (file, size);
  return file;
}

static void
test_usage (void)
{
  g_autoptr(SbPrices) prices = sb_prices_new (NULL);
  g_autoptr(SbUsage) usage = sb_usage_new (prices);
  g_autoptr(SbUsage) empty = sb_usage_new (prices);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  const SbUsageRow *row;

  g_ptr_array_add (files, file_of ("cold", "DEEP_ARCHIVE", 4 * GB));
  g_ptr_array_add (files, file_of ("a", "STANDARD", GB));
  g_ptr_array_add (files, file_of ("old", "GLACIER", 2 * GB));
  g_ptr_array_add (files, file_of ("b", "STANDARD", GB));
  g_ptr_array_add (files, file_of ("odd", "INTELLIGENT_TIERING", 10));
  sb_usage_add_files (usage, files);

  g_assert_cmpuint (sb_usage_get_n_rows (empty), ==, 0);
  g_assert_cmpuint (sb_usage_get_files (empty), ==, 0);
  g_assert_cmpfloat (sb_usage_get_monthly_cost (empty), ==, 0);

  g_assert_cmpuint (sb_usage_get_n_rows (usage), ==, 4);
  row = sb_usage_get_row (usage, 0);
  g_assert_cmpstr (row->storage_class, ==, "STANDARD");
  g_assert_cmpuint (row->files, ==, 2);
  g_assert_cmpuint (row->bytes, ==, 2 * GB);
  g_assert_cmpfloat_with_epsilon (row->monthly_cost, 0.046, 1e-9);
  row = sb_usage_get_row (usage, 1);
  g_assert_cmpstr (row->storage_class, ==, "GLACIER");
  g_assert_cmpfloat_with_epsilon (row->monthly_cost, 2 * 0.0036, 1e-9);
  row = sb_usage_get_row (usage, 2);
  g_assert_cmpstr (row->storage_class, ==, "DEEP_ARCHIVE");
  g_assert_cmpuint (row->files, ==, 1);
  row = sb_usage_get_row (usage, 3);
  g_assert_cmpstr (row->storage_class, ==, "INTELLIGENT_TIERING");
  g_assert_cmpuint (sb_usage_get_files (usage), ==, 5);
  g_assert_cmpuint (sb_usage_get_bytes (usage), ==, 8 * GB + 10);
  g_assert_cmpfloat_with_epsilon (sb_usage_get_monthly_cost (usage),
                                  0.046 + 0.0072 + 4 * 0.00099 + 0.023 * 10 / (double) GB, 1e-9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/storage-class/describe", test_describe);
  g_test_add_func ("/storage-class/needs-restore", test_needs_restore);
  g_test_add_func ("/storage-class/tiers", test_tiers);
  g_test_add_func ("/storage-class/describe-restore", test_describe_restore);
  g_test_add_func ("/prices/default", test_prices_default);
  g_test_add_func ("/prices/configured", test_prices_configured);
  g_test_add_func ("/usage/by-class", test_usage);
  return g_test_run ();
}
