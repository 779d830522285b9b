/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A storage class S3 changes on its own is what the AWS store lists: a
 * cluster of its own (dynalite + RGW) whose lifecycle "days" last 10 s
 * (rgw_lc_debug_interval), a rule moving every object to STANDARD_IA after
 * one day, and a listing polled until the file shows the new class. Slow
 * (RGW's lifecycle pass takes its time), so a program of its own. */
#include "config.h"

#include "sb-aws-store-private.h"
#include "sb-aws-test-util.h"
#include "sb-test-rgw.h"
#include "sb-test-util.h"

#define BUCKET "storagebox-class-test"
/* Seconds per lifecycle day; the issue saw the class change within 20 s. */
#define LC_DAY 10
#define WAIT_SECONDS 90
#define POLL_SECONDS 2

static SbTestNodeServer *dynalite;
static SbTestRgw *rgw;
static char *servers_error;

static SbAwsClient *
make_client (void)
{
  return sb_test_aws_client_new (sb_test_node_server_get_url (dynalite), sb_test_rgw_get_url (rgw),
                                 sb_test_rgw_get_access_key (rgw),
                                 sb_test_rgw_get_secret_key (rgw));
}

static GPtrArray *
list_files (SbStore    *store,
            const char *owner)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *files;

  sb_store_file_list_async (store, owner, NULL, sb_test_result_cb, &result);
  files = sb_store_file_list_finish (store, sb_test_await (&result), &error);
  g_assert_no_error (error);
  return files;
}

static SbFile *
upload (SbStore    *store,
        const char *owner,
        const char *name)
{
  g_autoptr(GBytes) data = sb_test_random_bytes (4096, 5);
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (data);
  g_autoptr(GAsyncResult) written = NULL;
  g_autoptr(GAsyncResult) created = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *checksum = NULL;
  guint64 size = 0;
  SbFile *file;

  sb_store_blob_write_async (store, owner, name, "application/octet-stream", source, 4096, NULL,
                             sb_test_result_cb, &written);
  key = sb_store_blob_write_finish (store, sb_test_await (&written), &size, &checksum, &error);
  g_assert_no_error (error);
  file = sb_file_new (owner, name);
  sb_file_set_object_key (file, key);
  sb_file_set_size (file, size);
  sb_file_set_checksum (file, checksum);
  sb_file_set_content_type (file, "application/octet-stream");
  sb_file_set_created_at (file, g_get_real_time ());
  sb_file_set_modified_at (file, g_get_real_time ());
  sb_file_set_version (file, 1);
  sb_store_file_create_async (store, file, NULL, sb_test_result_cb, &created);
  g_assert_true (sb_store_file_create_finish (store, sb_test_await (&created), &error));
  g_assert_no_error (error);
  return file;
}

static void
test_lifecycle_change_is_listed (void)
{
  g_autoptr(SbAwsClient) client = NULL;
  g_autoptr(SbAwsStore) store = NULL;
  g_autoptr(SbCheck) report = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) lifecycle = NULL;
  g_autoptr(GPtrArray) rules =
    g_ptr_array_new_with_free_func ((GDestroyNotify) sb_aws_s3_lifecycle_rule_free);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(SbFile) file = NULL;
  g_autoptr(SbFile) partner = NULL;
  g_autoptr(GAsyncResult) created = NULL;
  g_autoptr(GError) error = NULL;
  SbAwsS3LifecycleRule *rule;
  const char *owner = "alice";
  gint64 start, elapsed;

  if (servers_error != NULL)
    {
      g_test_skip (servers_error);
      return;
    }

  client = make_client ();
  store = sb_aws_store_new (client, BUCKET, "class-users", "class-files", "class-sessions");
  sb_aws_store_provision_async (store, NULL, sb_test_result_cb, &result);
  report = sb_aws_store_provision_finish (store, sb_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_true (sb_check_get_usable (report));

  /* In place of the store's own rules (75 and 365 days): one day. */
  rule = sb_aws_s3_lifecycle_rule_new ("test-ia", "");
  g_assert_true (sb_aws_s3_lifecycle_rule_add_transition (rule, 1, "STANDARD_IA"));
  g_ptr_array_add (rules, rule);
  sb_aws_s3_put_bucket_lifecycle_async (sb_aws_store_get_s3 (store), BUCKET, rules, NULL,
                                        sb_test_result_cb, &lifecycle);
  g_assert_true (sb_aws_s3_put_bucket_lifecycle_finish (sb_aws_store_get_s3 (store),
                                                        sb_test_await (&lifecycle), &error));
  g_assert_no_error (error);

  file = upload (SB_STORE (store), owner, "report.pdf");
  /* A second record on the same object, as a rename half done leaves it:
   * it has the object's class too. */
  partner = sb_file_copy (file);
  sb_file_set_name (partner, "report (renamed).pdf");
  sb_store_file_create_async (SB_STORE (store), partner, NULL, sb_test_result_cb, &created);
  g_assert_true (sb_store_file_create_finish (SB_STORE (store), sb_test_await (&created),
                                              &error));
  g_assert_no_error (error);
  /* Fresh: STANDARD (a day has not passed). */
  files = list_files (SB_STORE (store), owner);
  g_assert_cmpuint (files->len, ==, 2);
  g_assert_cmpstr (sb_file_get_storage_class (files->pdata[0]), ==, "STANDARD");
  g_assert_cmpstr (sb_file_get_storage_class (files->pdata[1]), ==, "STANDARD");

  start = g_get_monotonic_time ();
  for (;;)
    {
      const char *storage_class;

      g_clear_pointer (&files, g_ptr_array_unref);
      files = list_files (SB_STORE (store), owner);
      g_assert_cmpuint (files->len, ==, 2);
      g_assert_cmpstr (sb_file_get_name (files->pdata[0]), ==, "report (renamed).pdf");
      g_assert_cmpstr (sb_file_get_name (files->pdata[1]), ==, "report.pdf");
      storage_class = sb_file_get_storage_class (files->pdata[1]);
      elapsed = (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
      if (g_str_equal (storage_class, "STANDARD_IA"))
        {
          /* One listing of the objects: both records agree. */
          g_assert_cmpstr (sb_file_get_storage_class (files->pdata[0]), ==, "STANDARD_IA");
          break;
        }
      g_assert_cmpstr (storage_class, ==, "STANDARD");
      if (elapsed >= WAIT_SECONDS)
        g_error ("Still STANDARD after %d s of %d s lifecycle days", WAIT_SECONDS, LC_DAY);
      g_usleep (POLL_SECONDS * G_USEC_PER_SEC);
    }
  g_test_message ("Listed as STANDARD_IA after %" G_GINT64_FORMAT " s", elapsed);

  /* The results hold their source objects. */
  g_clear_object (&result);
  g_clear_object (&lifecycle);
  g_clear_object (&created);
  g_clear_object (&report);
  sb_test_assert_finalized (g_steal_pointer (&store));
  sb_test_assert_finalized (g_steal_pointer (&client));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  dynalite = sb_test_node_server_start ("dynalite", &error);
  if (dynalite == NULL)
    servers_error = g_strdup_printf ("dynalite not available: %s", error->message);
  else
    {
      SbTestRgwOptions options = { .lc_debug_interval = LC_DAY };

      rgw = sb_test_rgw_start (&options, &error);
      /* Missing Ceph skips; a cluster that fails to start is a failure. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        servers_error = g_strdup (SB_TEST_RGW_MISSING);
      else
        g_assert_no_error (error);
    }

  g_test_add_func ("/store/aws-only/storage-class/lifecycle-change-is-listed",
                   test_lifecycle_change_is_listed);
  status = g_test_run ();

  sb_test_rgw_stop (rgw);
  sb_test_node_server_stop (dynalite);
  g_free (servers_error);
  return status;
}
