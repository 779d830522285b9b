/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SbAwsStore against dynalite (npm, pinned by tests/node's lockfile) and
 * Ceph's RADOS Gateway, started here on free loopback ports: the whole conformance
 * suite unchanged, then what only the AWS store promises (object metadata,
 * items AWS tools can read, rename rollback, the restore request kept in
 * the record, archived content over a loopback S3 that archives
 * (sb-test-s3-archive.h), provisioning, and one clear sentence for each
 * kind of misconfiguration). */
#include "config.h"

#include <string.h>

#include "sb-aws-error.h"
#include "sb-aws-item.h"
#include "sb-aws-store-private.h"
#include "sb-aws-test-util.h"
#include "sb-test-rgw.h"
#include "sb-test-s3-archive.h"
#include "sb-test-util.h"
#include "store-conformance.h"

#define BUCKET "storagebox-store-test"

static SbTestNodeServer *dynalite;
static SbTestRgw *rgw;
static char *servers_error;

/* A client for the test servers; RGW checks every signature against its
 * user's keys, dynalite checks none. */
static SbAwsClient *
make_client (const char *key_id,
             const char *secret)
{
  return sb_test_aws_client_new (sb_test_node_server_get_url (dynalite), sb_test_rgw_get_url (rgw),
                                 key_id, secret);
}

static SbAwsStore *
make_store (SbAwsClient *client,
            const char  *bucket,
            const char  *prefix)
{
  g_autofree char *users = g_strconcat (prefix, "-users", NULL);
  g_autofree char *files = g_strconcat (prefix, "-files", NULL);
  g_autofree char *sessions = g_strconcat (prefix, "-sessions", NULL);
  SbAwsStore *store = sb_aws_store_new (client, bucket, users, files, sessions);

  /* Small parts, so the conformance blobs go up as real multipart uploads. */
  sb_aws_s3_set_part_size (sb_aws_store_get_s3 (store), 1024 * 1024);
  return store;
}

static SbCheck *
provision (SbAwsStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbCheck *report;

  sb_aws_store_provision_async (store, NULL, sb_test_result_cb, &result);
  report = sb_aws_store_provision_finish (store, sb_test_await (&result), &error);
  g_assert_no_error (error);
  return report;
}

static SbCheck *
check (SbAwsStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbCheck *report;

  sb_aws_store_check_async (store, NULL, sb_test_result_cb, &result);
  report = sb_aws_store_check_finish (store, sb_test_await (&result), &error);
  g_assert_no_error (error);
  return report;
}

static gboolean
verify (SbAwsStore *store,
        GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_aws_store_verify_async (store, NULL, sb_test_result_cb, &result);
  return sb_aws_store_verify_finish (store, sb_test_await (&result), error);
}

static void
print_report (SbCheck *report)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (report)); i++)
    {
      g_autoptr(SbCheckItem) item = g_list_model_get_item (G_LIST_MODEL (report), i);
      g_test_message ("%s [%d]: %s", sb_check_item_get_name (item),
                      sb_check_item_get_status (item), sb_check_item_get_message (item));
    }
}

/* The backend for the conformance suite */

typedef struct
{
  SbAwsClient *client;
} Backend;

static SbStore *
aws_open (gpointer *backend_data)
{
  Backend *backend = g_new0 (Backend, 1);
  g_autoptr(SbCheck) report = NULL;
  SbAwsStore *store;

  backend->client = make_client (sb_test_rgw_get_access_key (rgw),
                                 sb_test_rgw_get_secret_key (rgw));
  store = make_store (backend->client, BUCKET, "conformance");
  report = provision (store);
  print_report (report);
  g_assert_true (sb_check_get_usable (report));
  *backend_data = backend;
  return SB_STORE (store);
}

static void
aws_close (SbStore  *store,
           gpointer  backend_data)
{
  Backend *backend = backend_data;

  sb_test_assert_finalized (store);
  sb_test_assert_finalized (backend->client);
  g_free (backend);
}

/* Complete objects under <owner>/; unfinished multipart uploads stay out
 * of listings, in RGW as in S3. */
static guint
aws_count_blobs (gpointer    backend_data,
                 const char *owner)
{
  Backend *backend = backend_data;
  g_autoptr(SbAwsS3) s3 = sb_aws_s3_new (backend->client);
  g_autofree char *prefix = g_strconcat (owner, "/", NULL);
  g_autofree char *token = NULL;
  guint count = 0;

  do
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) page = NULL;
      g_autoptr(GError) error = NULL;
      char *next = NULL;

      sb_aws_s3_list_objects_async (s3, BUCKET, prefix, token, 0, NULL, sb_test_result_cb,
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

/* A multipart upload started and never finished, as a writer that died
 * leaves it; NULL if this S3 cannot list them (s3rver answers 501). */
static SbBlobInfo *
aws_plant_upload (gpointer    backend_data,
                  const char *owner,
                  GError    **error)
{
  Backend *backend = backend_data;
  g_autoptr(SbAwsS3) s3 = sb_aws_s3_new (backend->client);
  g_autoptr(GAsyncResult) created = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GPtrArray) uploads = NULL;
  g_autofree char *key = g_strdup_printf ("%s/%032x", owner, g_random_int ());
  g_autofree char *upload_id = NULL;
  g_autofree char *next_key = NULL;
  g_autofree char *next_id = NULL;
  SbBlobInfo *info;

  sb_aws_s3_list_multipart_uploads_async (s3, BUCKET, NULL, NULL, NULL, sb_test_result_cb,
                                          &listed);
  uploads = sb_aws_s3_list_multipart_uploads_finish (s3, sb_test_await (&listed), &next_key,
                                                     &next_id, error);
  if (uploads == NULL)
    return NULL;
  sb_aws_s3_create_multipart_upload_async (s3, BUCKET, key, NULL, NULL, NULL, sb_test_result_cb,
                                           &created);
  upload_id = sb_aws_s3_create_multipart_upload_finish (s3, sb_test_await (&created), error);
  g_assert_nonnull (upload_id);
  info = sb_blob_info_new (key, 0, g_get_real_time ());
  info->upload_id = g_steal_pointer (&upload_id);
  return info;
}

static const SbStoreBackend aws_backend = {
  .name = "aws",
  .open = aws_open,
  .close = aws_close,
  .count_blobs = aws_count_blobs,
  .plant_upload = aws_plant_upload,
};

/* AWS-only tests, each on a store of its own */

typedef struct
{
  SbAwsClient *client;
  SbAwsStore  *store;
} Fixture;

static gboolean
need_servers (void)
{
  if (dynalite != NULL && rgw != NULL)
    return TRUE;
  g_test_skip (servers_error);
  return FALSE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SbCheck) report = NULL;

  if (dynalite == NULL || rgw == NULL)
    return;
  f->client = make_client (sb_test_rgw_get_access_key (rgw), sb_test_rgw_get_secret_key (rgw));
  f->store = make_store (f->client, BUCKET, "extra");
  report = provision (f->store);
  print_report (report);
  g_assert_true (sb_check_get_usable (report));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->store != NULL)
    sb_test_assert_finalized (f->store);
  if (f->client != NULL)
    sb_test_assert_finalized (f->client);
}

static SbFile *
make_file (const char *owner,
           const char *name)
{
  SbFile *file = sb_file_new (owner, name);

  sb_file_set_object_key (file, "k");
  sb_file_set_size (file, 42);
  sb_file_set_content_type (file, "text/plain");
  sb_file_set_checksum (file, "abcd");
  sb_file_set_description (file, "");
  sb_file_set_created_at (file, 1700000000000001);
  sb_file_set_modified_at (file, 1700000000123456);
  sb_file_set_version (file, 1);
  return file;
}

static gboolean
file_create (SbAwsStore *store,
             SbFile     *file,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_file_create_async (SB_STORE (store), file, NULL, sb_test_result_cb, &result);
  return sb_store_file_create_finish (SB_STORE (store), sb_test_await (&result), error);
}

static SbFile *
file_get (SbAwsStore *store,
          const char *owner,
          const char *name,
          GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_file_get_async (SB_STORE (store), owner, name, NULL, sb_test_result_cb, &result);
  return sb_store_file_get_finish (SB_STORE (store), sb_test_await (&result), error);
}

static JsonObject *
raw_item (Fixture    *f,
          const char *table,
          JsonObject *key)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *item = NULL;
  SbAwsDynamoDb *ddb = sb_aws_store_get_dynamodb (f->store);

  sb_aws_dynamodb_get_item_async (ddb, table, key, TRUE, NULL, sb_test_result_cb, &result);
  g_assert_true (sb_aws_dynamodb_get_item_finish (ddb, sb_test_await (&result), &item, &error));
  g_assert_no_error (error);
  return item;
}

/* What AWS tools see: times as ISO 8601 UTC with microseconds, sizes and
 * versions as numbers, sessions with an expires_at TTL in whole seconds. */
static void
test_items_readable (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SbFile) file = NULL;
  g_autoptr(SbFile) got = NULL;
  g_autoptr(JsonObject) key = sb_aws_item_new ();
  g_autoptr(JsonObject) skey = sb_aws_item_new ();
  g_autoptr(JsonObject) item = NULL;
  g_autoptr(JsonObject) sitem = NULL;
  g_autoptr(SbSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 number;

  if (!need_servers ())
    return;
  file = make_file ("reader", "report.txt");
  g_assert_true (file_create (f->store, file, &error));
  g_assert_no_error (error);

  sb_aws_item_set_string (key, "owner", "reader");
  sb_aws_item_set_string (key, "name", "report.txt");
  item = raw_item (f, sb_aws_store_get_files_table (f->store), key);
  g_assert_nonnull (item);
  g_assert_cmpstr (sb_aws_item_get_string (item, "created_at"), ==,
                   "2023-11-14T22:13:20.000001Z");
  g_assert_cmpstr (sb_aws_item_get_string (item, "modified_at"), ==,
                   "2023-11-14T22:13:20.123456Z");
  g_assert_true (sb_aws_item_get_int64 (item, "size", &number));
  g_assert_cmpint (number, ==, 42);
  g_assert_true (sb_aws_item_get_int64 (item, "version", &number));
  g_assert_cmpint (number, ==, 1);
  /* An empty description is no attribute, and reads back as "". */
  g_assert_null (sb_aws_item_get_string (item, "description"));
  got = file_get (f->store, "reader", "report.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_file_get_description (got), ==, "");
  g_assert_cmpint (sb_file_get_created_at (got), ==, 1700000000000001);

  session = sb_session_new ("hash-readable", "reader", "csrf", 5, 1700000000000001);
  sb_store_session_create_async (SB_STORE (f->store), session, NULL, sb_test_result_cb,
                                 &result);
  g_assert_true (sb_store_session_create_finish (SB_STORE (f->store), sb_test_await (&result),
                                                 &error));
  g_assert_no_error (error);
  sb_aws_item_set_string (skey, "token_hash", "hash-readable");
  sitem = raw_item (f, sb_aws_store_get_sessions_table (f->store), skey);
  g_assert_true (sb_aws_item_get_int64 (sitem, "expires_at", &number));
  /* Rounded up: TTL must never remove a live session. */
  g_assert_cmpint (number, ==, 1700000001);
}

/* Objects carry their owner and name, so the index could be rebuilt from
 * the bucket alone; the name is percent-encoded to stay ASCII. */
static void
test_blob_metadata (Fixture       *f,
                    gconstpointer  data)
{
  const char *name = "Ünïcode name 100%.txt";
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_data ("hello", 5, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) head = NULL;
  g_autoptr(SbAwsS3ObjectInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *decoded = NULL;
  SbAwsS3 *s3;

  if (!need_servers ())
    return;
  sb_store_blob_write_async (SB_STORE (f->store), "meta", name, "text/plain", source, 5, NULL,
                             sb_test_result_cb, &result);
  key = sb_store_blob_write_finish (SB_STORE (f->store), sb_test_await (&result), NULL, NULL,
                                    &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (key, "meta/"));

  s3 = sb_aws_store_get_s3 (f->store);
  sb_aws_s3_head_object_async (s3, BUCKET, key, NULL, sb_test_result_cb, &head);
  info = sb_aws_s3_head_object_finish (s3, sb_test_await (&head), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (info->metadata, "owner"), ==, "meta");
  g_assert_cmpstr (g_hash_table_lookup (info->metadata, "name"), ==,
                   "%C3%9Cn%C3%AFcode%20name%20100%25.txt");
  decoded = g_uri_unescape_string (g_hash_table_lookup (info->metadata, "name"), NULL);
  g_assert_cmpstr (decoded, ==, name);
  g_assert_cmpstr (info->content_type, ==, "text/plain");
}

typedef struct
{
  const char *owner;
  const char *name;
  gboolean    ran;
} Interference;

/* Another writer changes the old record between the two writes of a
 * rename. */
static void
interfere (SbAwsStore *store,
           gpointer    data)
{
  Interference *interference = data;
  g_autoptr(SbFile) changed = make_file (interference->owner, interference->name);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sb_file_set_description (changed, "changed meanwhile");
  sb_file_set_version (changed, 2);
  sb_store_file_update_async (SB_STORE (store), changed, 1, NULL, sb_test_result_cb, &result);
  g_assert_true (sb_store_file_update_finish (SB_STORE (store), sb_test_await (&result),
                                              &error));
  g_assert_no_error (error);
  interference->ran = TRUE;
}

static void
test_rename_rollback (Fixture       *f,
                      gconstpointer  data)
{
  Interference interference = { "roller", "before.txt", FALSE };
  g_autoptr(SbFile) file = NULL;
  g_autoptr(SbFile) old = NULL;
  g_autoptr(SbFile) gone = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  file = make_file ("roller", "before.txt");
  g_assert_true (file_create (f->store, file, NULL));

  f->store->rename_hook = interfere;
  f->store->rename_hook_data = &interference;
  sb_file_set_name (file, "after.txt");
  sb_file_set_version (file, 2);
  sb_store_file_rename_async (SB_STORE (f->store), file, "before.txt", 1, NULL,
                              sb_test_result_cb, &result);
  g_assert_false (sb_store_file_rename_finish (SB_STORE (f->store), sb_test_await (&result),
                                               &error));
  f->store->rename_hook = NULL;
  g_assert_true (interference.ran);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  /* The new record was taken back; the other writer's change stands. */
  gone = file_get (f->store, "roller", "after.txt", &error);
  g_assert_null (gone);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  old = file_get (f->store, "roller", "before.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_file_get_description (old), ==, "changed meanwhile");
  g_assert_cmpint (sb_file_get_version (old), ==, 2);
}

/* Provisioning: check finds things missing, init creates them (and says
 * which features the test servers lack), a second init changes nothing. */
static void
test_check_and_provision (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(SbAwsStore) fresh = NULL;
  g_autoptr(SbCheck) before = NULL;
  g_autoptr(SbCheck) created = NULL;
  g_autoptr(SbCheck) again = NULL;
  g_autoptr(SbCheck) after = NULL;
  g_autoptr(GError) error = NULL;
  SbCheckItem *item;

  if (!need_servers ())
    return;
  fresh = make_store (f->client, "storagebox-fresh", "fresh");

  before = check (fresh);
  print_report (before);
  g_assert_false (sb_check_get_usable (before));
  item = sb_check_find (before, "DynamoDB table fresh-users");
  g_assert_cmpint (sb_check_item_get_status (item), ==, SB_CHECK_MISSING);
  item = sb_check_find (before, "S3 bucket storagebox-fresh");
  g_assert_cmpint (sb_check_item_get_status (item), ==, SB_CHECK_MISSING);
  g_assert_cmpint (sb_check_item_get_status (sb_check_find (before, "Credentials")), ==,
                   SB_CHECK_OK);
  g_assert_false (verify (fresh, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==,
                   "The DynamoDB table “fresh-users” does not exist in region us-east-1: run "
                   "“storagebox-cli init”, or fix the table name or the region.");
  g_clear_error (&error);

  created = provision (fresh);
  print_report (created);
  g_assert_true (sb_check_get_usable (created));
  g_assert_cmpint (sb_check_get_status (created), ==, SB_CHECK_WARNING);
  item = sb_check_find (created, "DynamoDB table fresh-sessions");
  g_assert_cmpstr (sb_check_item_get_message (item), ==, "Created (on-demand billing).");
  item = sb_check_find (created, "S3 bucket storagebox-fresh");
  g_assert_cmpstr (sb_check_item_get_message (item), ==, "Created.");
  /* dynalite 4.0.0 has no UpdateTimeToLive (hence the warning); RGW has
   * lifecycle. */
  item = sb_check_find (created, "Session expiry (TTL)");
  g_assert_cmpint (sb_check_item_get_status (item), ==, SB_CHECK_WARNING);
  g_assert_nonnull (strstr (sb_check_item_get_message (item), "does not support TTL"));
  item = sb_check_find (created, "Lifecycle rules");
  g_assert_cmpint (sb_check_item_get_status (item), ==, SB_CHECK_OK);
  g_assert_cmpstr (sb_check_item_get_message (item), ==,
                   "Set: Standard-IA after 75 days, Glacier after 365 days, incomplete uploads "
                   "aborted after 7 days.");

  /* Read back from RGW, the rule is recognised as ours and left alone. */
  again = provision (fresh);
  g_assert_true (sb_check_get_usable (again));
  item = sb_check_find (again, "DynamoDB table fresh-users");
  g_assert_cmpstr (sb_check_item_get_message (item), ==, "Exists and is ACTIVE.");
  /* RGW, like us-east-1, answers 200 to CreateBucket for a bucket we own. */
  item = sb_check_find (again, "S3 bucket storagebox-fresh");
  g_assert_cmpstr (sb_check_item_get_message (item), ==, "Exists and can be listed.");
  item = sb_check_find (again, "Lifecycle rules");
  g_assert_cmpint (sb_check_item_get_status (item), ==, SB_CHECK_OK);
  g_assert_cmpstr (sb_check_item_get_message (item), ==,
                   "Standard-IA after 75 days, Glacier after 365 days, incomplete uploads "
                   "aborted after 7 days.");

  after = check (fresh);
  print_report (after);
  g_assert_true (sb_check_get_usable (after));
  g_assert_true (verify (fresh, &error));
  g_assert_no_error (error);
}

/* One sentence naming what to fix, for each way it can be misconfigured. */
static void
test_missing_table_sentence (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(SbAwsStore) wrong = NULL;
  g_autoptr(SbUser) user = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  wrong = sb_aws_store_new (f->client, BUCKET, "no-such-users", NULL, NULL);
  sb_store_user_get_async (SB_STORE (wrong), "alice", NULL, sb_test_result_cb, &result);
  user = sb_store_user_get_finish (SB_STORE (wrong), sb_test_await (&result), &error);
  g_assert_null (user);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==,
                   "The DynamoDB table “no-such-users” does not exist in region us-east-1: run "
                   "“storagebox-cli init”, or fix the table name or the region.");
}

static void
test_missing_bucket_sentence (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(SbAwsStore) wrong = NULL;
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_data ("x", 1, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  if (!need_servers ())
    return;
  wrong = sb_aws_store_new (f->client, "no-such-bucket", "extra-users", "extra-files",
                            "extra-sessions");
  sb_store_blob_write_async (SB_STORE (wrong), "alice", "x", NULL, source, 1, NULL,
                             sb_test_result_cb, &result);
  key = sb_store_blob_write_finish (SB_STORE (wrong), sb_test_await (&result), NULL, NULL,
                                    &error);
  g_assert_null (key);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==,
                   "The S3 bucket “no-such-bucket” does not exist: run “storagebox-cli init”, "
                   "or fix the bucket name (STORAGEBOX_BUCKET).");
}

static void
test_bad_credentials_sentence (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(SbAwsClient) client = NULL;
  g_autoptr(SbAwsStore) wrong = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  /* RGW knows its user's key only; dynalite accepts any, so S3 is what fails. */
  client = make_client ("AKIDUNKNOWN", "wrong-secret");
  wrong = make_store (client, BUCKET, "extra");
  g_assert_false (verify (wrong, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==,
                   "AWS does not recognise the access key (InvalidAccessKeyId): check "
                   "AWS_ACCESS_KEY_ID or the profile in ~/.aws/credentials.");
  g_clear_object (&wrong);
  sb_test_assert_finalized (g_steal_pointer (&client));
}

static void
test_no_credentials_sentence (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) env = NULL;
  g_autoptr(SbAwsConfig) config = NULL;
  g_autoptr(SbAwsClient) client = NULL;
  g_autoptr(SbAwsStore) store = NULL;
  g_autoptr(SbCheck) report = NULL;
  g_autoptr(GError) error = NULL;

  /* Made after the check, so that a skip leaves no directory behind. */
  if (!need_servers ())
    return;
  home = sb_test_make_tmpdir ("sb-aws-nocreds-XXXXXX");
  /* Nothing in the chain, and no instance metadata service to ask. */
  env = g_environ_setenv (env, "HOME", home, TRUE);
  env = g_environ_setenv (env, "AWS_EC2_METADATA_DISABLED", "true", TRUE);
  env = g_environ_setenv (env, "AWS_REGION", "us-east-1", TRUE);
  env = g_environ_setenv (env, "AWS_ENDPOINT_URL", sb_test_node_server_get_url (dynalite), TRUE);
  config = sb_aws_config_new ((const char * const *) env);
  client = sb_aws_client_new (config, NULL);
  store = sb_aws_store_new (client, BUCKET, NULL, NULL, NULL);

  g_assert_false (verify (store, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE);
  g_assert_true (g_str_has_prefix (error->message, "No AWS credentials found: set "
                                                   "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"));
  g_assert_true (g_str_has_suffix (error->message, "."));
  g_assert_null (strchr (error->message, '<'));

  report = check (store);
  print_report (report);
  g_assert_cmpint (sb_check_item_get_status (sb_check_find (report, "Credentials")), ==,
                   SB_CHECK_ERROR);
  g_assert_false (sb_check_get_usable (report));

  g_clear_object (&store);
  sb_test_assert_finalized (g_steal_pointer (&client));
  sb_test_rm_rf (home);
}

static void
test_unreachable_sentence (Fixture       *f,
                           gconstpointer  data)
{
  g_auto(GStrv) env = NULL;
  g_autoptr(SbAwsConfig) config = NULL;
  g_autoptr(SbAwsCredentials) creds = sb_aws_credentials_new ("AKID", "secret", NULL, 0);
  g_autoptr(SbAwsCredentialsProvider) provider = sb_aws_credentials_provider_new_static (creds);
  g_autoptr(SbAwsClient) client = NULL;
  g_autoptr(SbAwsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = sb_test_free_port ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);

  env = g_environ_setenv (env, "AWS_REGION", "eu-west-3", TRUE);
  env = g_environ_setenv (env, "AWS_ENDPOINT_URL", url, TRUE);
  config = sb_aws_config_new ((const char * const *) env);
  client = sb_aws_client_new (config, provider);
  sb_aws_client_set_max_attempts (client, 1);
  store = sb_aws_store_new (client, BUCKET, NULL, NULL, NULL);

  g_assert_false (verify (store, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Cannot reach DynamoDB at http://127.0.0.1:"));
  g_assert_nonnull (strstr (error->message, "check the endpoint URL, the region and the network"));
  g_clear_object (&store);
  sb_test_assert_finalized (g_steal_pointer (&client));
}

/* When a restore was asked for is the record's (S3 does not say): kept as
 * an ISO 8601 attribute, left out while there is none, and read back by
 * get and list, and after an update. */
static void
test_restore_requested_round_trip (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(SbFile) never = NULL;
  g_autoptr(SbFile) asked = NULL;
  g_autoptr(SbFile) got = NULL;
  g_autoptr(SbFile) again = NULL;
  g_autoptr(JsonObject) key = sb_aws_item_new ();
  g_autoptr(JsonObject) item = NULL;
  g_autoptr(JsonObject) never_item = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GAsyncResult) updated = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  never = make_file ("restorer", "never.bin");
  g_assert_true (file_create (f->store, never, &error));
  g_assert_no_error (error);
  asked = make_file ("restorer", "asked.bin");
  sb_file_set_restore_requested_at (asked, 1700000000654321);
  /* Not stored: S3's to tell. */
  sb_file_set_restore_in_progress (asked, TRUE);
  sb_file_set_restored_until (asked, 1800000000000000);
  g_assert_true (file_create (f->store, asked, &error));
  g_assert_no_error (error);

  sb_aws_item_set_string (key, "owner", "restorer");
  sb_aws_item_set_string (key, "name", "asked.bin");
  item = raw_item (f, sb_aws_store_get_files_table (f->store), key);
  g_assert_cmpstr (sb_aws_item_get_string (item, "restore_requested_at"), ==,
                   "2023-11-14T22:13:20.654321Z");
  g_assert_false (json_object_has_member (item, "restore_in_progress"));
  g_assert_false (json_object_has_member (item, "restored_until"));
  sb_aws_item_set_string (key, "name", "never.bin");
  never_item = raw_item (f, sb_aws_store_get_files_table (f->store), key);
  g_assert_false (json_object_has_member (never_item, "restore_requested_at"));

  got = file_get (f->store, "restorer", "asked.bin", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_file_get_restore_requested_at (got), ==, 1700000000654321);
  /* Its content ("k") is not in S3: nothing is being restored. */
  g_assert_false (sb_file_get_restore_in_progress (got));
  g_assert_cmpint (sb_file_get_restored_until (got), ==, 0);

  sb_store_file_list_async (SB_STORE (f->store), "restorer", NULL, sb_test_result_cb, &listed);
  list = sb_store_file_list_finish (SB_STORE (f->store), sb_test_await (&listed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (sb_file_get_name (list->pdata[0]), ==, "asked.bin");
  g_assert_cmpint (sb_file_get_restore_requested_at (list->pdata[0]), ==, 1700000000654321);
  g_assert_cmpint (sb_file_get_restore_requested_at (list->pdata[1]), ==, 0);

  sb_file_set_restore_requested_at (got, 1700000009000000);
  sb_file_set_version (got, 2);
  sb_store_file_update_async (SB_STORE (f->store), got, 1, NULL, sb_test_result_cb, &updated);
  g_assert_true (sb_store_file_update_finish (SB_STORE (f->store), sb_test_await (&updated),
                                              &error));
  g_assert_no_error (error);
  again = file_get (f->store, "restorer", "asked.bin", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_file_get_restore_requested_at (again), ==, 1700000009000000);
}

static gboolean
restore_blob (SbStore     *store,
              const char  *key,
              GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_blob_restore_async (store, key, 3, "Standard", NULL, sb_test_result_cb, &result);
  return sb_store_blob_restore_finish (store, sb_test_await (&result), error);
}

static GInputStream *
read_blob (SbStore     *store,
           const char  *key,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_blob_read_async (store, key, 0, -1, NULL, sb_test_result_cb, &result);
  return sb_store_blob_read_finish (store, sb_test_await (&result), error);
}

/* The store over archived content: this fixture's tables on dynalite, and
 * for S3 the loopback archive (no local S3 restores). */
static void
test_archived_content (Fixture       *f,
                       gconstpointer  data)
{
  static const struct
  {
    const char    *name;
    SbTestS3State  state;
  } cases[] = {
    { "archived.bin", SB_TEST_S3_ARCHIVED },
    { "restored.bin", SB_TEST_S3_RESTORED },
    { "restoring.bin", SB_TEST_S3_RESTORING },
    { "standard.bin", SB_TEST_S3_STANDARD },
  };
  SbTestS3Archive *archive = NULL;
  g_autoptr(SbAwsClient) client = NULL;
  g_autoptr(SbAwsStore) store = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  char keys[G_N_ELEMENTS (cases)][64];

  if (!need_servers ())
    return;
  archive = sb_test_s3_archive_start ("archive-bucket");
  client = sb_test_aws_client_new (sb_test_node_server_get_url (dynalite),
                                   sb_test_s3_archive_get_url (archive), "key", "secret");
  store = sb_aws_store_new (client, "archive-bucket", sb_aws_store_get_users_table (f->store),
                            sb_aws_store_get_files_table (f->store),
                            sb_aws_store_get_sessions_table (f->store));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SbFile) file = make_file ("archiver", cases[i].name);

      g_snprintf (keys[i], sizeof keys[i], "archiver/%032x", i + 1);
      sb_test_s3_archive_put (archive, keys[i], cases[i].state);
      sb_file_set_object_key (file, keys[i]);
      g_assert_true (file_create (store, file, &error));
      g_assert_no_error (error);
    }

  /* The listing (ListObjectsV2 with RestoreStatus) and file_get
   * (HeadObject) say the same; restored_until is in microseconds. */
  sb_store_file_list_async (SB_STORE (store), "archiver", NULL, sb_test_result_cb, &listed);
  list = sb_store_file_list_finish (SB_STORE (store), sb_test_await (&listed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (cases));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SbFile) got = file_get (store, "archiver", cases[i].name, &error);
      SbFile *listed_file = list->pdata[i];
      const char *class = cases[i].state == SB_TEST_S3_STANDARD ? "STANDARD" : "GLACIER";
      gint64 until = cases[i].state == SB_TEST_S3_RESTORED
                     ? SB_TEST_S3_EXPIRY * G_USEC_PER_SEC : 0;

      g_assert_no_error (error);
      g_assert_cmpstr (sb_file_get_name (listed_file), ==, cases[i].name);
      g_assert_cmpstr (sb_file_get_storage_class (listed_file), ==, class);
      g_assert_cmpstr (sb_file_get_storage_class (got), ==, class);
      g_assert_cmpint (sb_file_get_restore_in_progress (listed_file), ==,
                       cases[i].state == SB_TEST_S3_RESTORING);
      g_assert_cmpint (sb_file_get_restore_in_progress (got), ==,
                       cases[i].state == SB_TEST_S3_RESTORING);
      g_assert_cmpint (sb_file_get_restored_until (listed_file), ==, until);
      g_assert_cmpint (sb_file_get_restored_until (got), ==, until);
    }

  /* Reads: archived content is ARCHIVED until a copy is restored. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GInputStream) stream = read_blob (SB_STORE (store), keys[i], &error);

      if (cases[i].state == SB_TEST_S3_ARCHIVED || cases[i].state == SB_TEST_S3_RESTORING)
        {
          g_assert_null (stream);
          g_test_message ("%s", error->message);
          g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_ARCHIVED);
          g_clear_error (&error);
        }
      else
        {
          g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();

          g_assert_no_error (error);
          /* The mock's content is the key. */
          g_assert_cmpint (g_output_stream_splice (sink, stream,
                                                   G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                                   G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                                   NULL, &error), ==, strlen (keys[i]));
          g_assert_no_error (error);
          g_assert_cmpmem (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (sink)),
                           strlen (keys[i]), keys[i], strlen (keys[i]));
        }
    }

  /* Restores: a new one, one running, a copy extended all succeed; content
   * that is not archived is NOT_SUPPORTED. */
  g_assert_true (restore_blob (SB_STORE (store), keys[0], &error));
  g_assert_no_error (error);
  g_assert_cmpint (sb_test_s3_archive_get_state (archive, keys[0]), ==, SB_TEST_S3_RESTORING);
  g_assert_true (restore_blob (SB_STORE (store), keys[1], &error));
  g_assert_no_error (error);
  g_assert_true (restore_blob (SB_STORE (store), keys[2], &error));
  g_assert_no_error (error);
  g_assert_false (restore_blob (SB_STORE (store), keys[3], &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (restore_blob (SB_STORE (store), "archiver/0123456789abcdef0123456789abcdef",
                                &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The listing's result holds the store. */
  g_clear_object (&listed);
  g_clear_object (&store);
  sb_test_assert_finalized (g_steal_pointer (&client));
  sb_test_s3_archive_stop (archive);
}

static void
add (const char *path,
     void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown);
}

static void
test_skipped (void)
{
  g_test_skip (servers_error);
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
      /* One cluster for the whole program: starting it is the slow part. */
      /* The conformance blobs go up in 1 MiB parts (make_store()). */
      SbTestRgwOptions options = { .min_part_size = 1024 * 1024 };

      rgw = sb_test_rgw_start (&options, &error);
      /* Missing Ceph skips; a cluster that fails to start is a failure. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        servers_error = g_strdup (SB_TEST_RGW_MISSING);
      else
        g_assert_no_error (error);
    }

  add ("/store/aws-only/items-readable-by-aws-tools", test_items_readable);
  add ("/store/aws-only/blob-metadata", test_blob_metadata);
  add ("/store/aws-only/rename-rollback", test_rename_rollback);
  add ("/store/aws-only/restore-requested-round-trip", test_restore_requested_round_trip);
  add ("/store/aws-only/archived-content", test_archived_content);
  add ("/store/aws-only/check-and-provision", test_check_and_provision);
  add ("/store/aws-only/errors/missing-table", test_missing_table_sentence);
  add ("/store/aws-only/errors/missing-bucket", test_missing_bucket_sentence);
  add ("/store/aws-only/errors/bad-credentials", test_bad_credentials_sentence);
  add ("/store/aws-only/errors/no-credentials", test_no_credentials_sentence);
  add ("/store/aws-only/errors/unreachable", test_unreachable_sentence);

  if (rgw != NULL)
    {
      sb_store_conformance_add_tests (&aws_backend);
      status = sb_store_conformance_run ();
    }
  else
    {
      g_test_add_func ("/store/aws/skipped", test_skipped);
      status = g_test_run ();
    }

  sb_test_rgw_stop (rgw);
  sb_test_node_server_stop (dynalite);
  g_free (servers_error);
  return status;
}
