/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writes whose answer is lost, on the AWS backend: dynalite and s3rver
 * (tests/node), with a loopback proxy in front of dynalite that lets a
 * write through and drops its answer, or resets connections. The store
 * must find out what happened before anyone deletes bytes, and when it
 * cannot, the library must keep every byte and say the outcome is
 * uncertain. */
#include "config.h"

#include <string.h>

#include "sb-aws-store.h"
#include "sb-aws-test-util.h"
#include "sb-error.h"
#include "sb-library.h"
#include "sb-test-proxy.h"
#include "sb-test-util.h"

#define BUCKET "storagebox-outcomes"
#define PREFIX "outcomes"
#define FILES_TABLE PREFIX "-files"
#define OWNER "olive"

static SbTestNodeServer *dynalite;
static SbTestNodeServer *s3rver;
static char *servers_error;

typedef struct
{
  SbTestProxy *proxy;
  SbAwsClient *client;
  SbAwsStore  *store;
  SbLibrary   *library;
} Fixture;

/* Retries as in production, only without the waits. */
static SbAwsClient *
make_client (const char *dynamodb_url)
{
  return sb_test_aws_client_new (dynamodb_url, sb_test_node_server_get_url (s3rver),
                                 "S3RVER", "S3RVER");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SbCheck) report = NULL;
  g_autoptr(GError) error = NULL;

  if (s3rver == NULL)
    return;
  f->proxy = sb_test_proxy_new (sb_test_node_server_get_url (dynalite));
  f->client = make_client (sb_test_proxy_get_url (f->proxy));
  f->store = sb_aws_store_new (f->client, BUCKET, PREFIX "-users", FILES_TABLE,
                               PREFIX "-sessions");
  sb_aws_store_provision_async (f->store, NULL, sb_test_result_cb, &result);
  report = sb_aws_store_provision_finish (f->store, sb_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_true (sb_check_get_usable (report));
  f->library = sb_library_new (SB_STORE (f->store), SB_LIBRARY_NO_SIZE_LIMIT);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->store == NULL)
    return;
  /* Background deletions of unused bytes finish first. */
  for (guint i = 0; i < 20; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5000);
    }
  sb_test_assert_finalized (f->library);
  sb_test_assert_finalized (f->store);
  sb_test_assert_finalized (f->client);
  sb_test_proxy_free (f->proxy);
}

static gboolean
need_servers (void)
{
  if (s3rver != NULL)
    return TRUE;
  g_test_skip_printf ("dynalite or s3rver not available: %s", servers_error);
  return FALSE;
}

static char *
unique (const char *prefix)
{
  static guint counter;
  return g_strdup_printf ("%s-%u-%08x.bin", prefix, ++counter, g_random_int ());
}

static SbFile *
make_file (const char *name)
{
  SbFile *file = sb_file_new (OWNER, name);
  g_autofree char *key = g_strdup_printf (OWNER "/%032x", g_random_int ());

  sb_file_set_object_key (file, key);
  sb_file_set_size (file, 3);
  sb_file_set_content_type (file, "application/octet-stream");
  sb_file_set_checksum (file, "abc");
  sb_file_set_description (file, "");
  sb_file_set_created_at (file, 1700000000000000);
  sb_file_set_modified_at (file, 1700000000000000);
  sb_file_set_version (file, 1);
  return file;
}

static gboolean
store_create (Fixture *f,
              SbFile  *file,
              GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_file_create_async (SB_STORE (f->store), file, NULL, sb_test_result_cb, &result);
  return sb_store_file_create_finish (SB_STORE (f->store), sb_test_await (&result), error);
}

static SbFile *
store_get (Fixture    *f,
           const char *name)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbFile *file;

  sb_store_file_get_async (SB_STORE (f->store), OWNER, name, NULL, sb_test_result_cb, &result);
  file = sb_store_file_get_finish (SB_STORE (f->store), sb_test_await (&result), &error);
  if (file == NULL)
    g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  return file;
}

static SbFile *
upload (Fixture       *f,
        const char    *name,
        GBytes        *content,
        SbUploadFlags  flags,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (content);

  sb_library_upload_async (f->library, OWNER, name, "", NULL, source,
                           (gint64) g_bytes_get_size (content), flags, NULL, NULL, NULL,
                           sb_test_result_cb, &result);
  return sb_library_upload_finish (f->library, sb_test_await (&result), error);
}

static GBytes *
download (Fixture    *f,
          const char *name)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  sb_library_open_async (f->library, OWNER, name, 0, -1, NULL, sb_test_result_cb, &result);
  stream = sb_library_open_finish (f->library, sb_test_await (&result), NULL, &error);
  g_assert_no_error (error);
  g_output_stream_splice (out, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static gboolean
blob_exists (Fixture    *f,
             const char *key)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbBlobInfo) info = NULL;

  sb_store_blob_stat_async (SB_STORE (f->store), key, NULL, sb_test_result_cb, &result);
  info = sb_store_blob_stat_finish (SB_STORE (f->store), sb_test_await (&result), &error);
  if (info == NULL)
    g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  return info != NULL;
}

/* Every blob of OWNER in the bucket. */
static GPtrArray *
owner_blobs (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  GPtrArray *mine = g_ptr_array_new_with_free_func (g_free);

  sb_store_blob_list_async (SB_STORE (f->store), NULL, sb_test_result_cb, &result);
  all = sb_store_blob_list_finish (SB_STORE (f->store), sb_test_await (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      SbBlobInfo *info = all->pdata[i];
      if (g_str_has_prefix (info->key, OWNER "/"))
        g_ptr_array_add (mine, g_strdup (info->key));
    }
  return mine;
}

/* The store */

/* The retry meets the applied write's condition: the read-back settles it. */
static void
test_answer_lost_once (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *name = unique ("once");
  g_autoptr(SbFile) file = make_file (name);
  g_autoptr(SbFile) stored = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  sb_test_proxy_add_rule (f->proxy, "PutItem", FILES_TABLE, SB_TEST_PROXY_DROP_ANSWER, 1);
  g_assert_true (store_create (f, file, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sb_test_proxy_count (f->proxy, SB_TEST_PROXY_DROP_ANSWER), ==, 1);
  stored = store_get (f, name);
  g_assert_cmpstr (sb_file_get_object_key (stored), ==, sb_file_get_object_key (file));
}

/* Every retry is reset, but reads still work: the read-back finds it. */
static void
test_answer_lost_retries_reset (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *name = unique ("reset");
  g_autoptr(SbFile) file = make_file (name);
  g_autoptr(SbFile) stored = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  sb_test_proxy_add_rule (f->proxy, "PutItem", FILES_TABLE, SB_TEST_PROXY_DROP_ANSWER, 1);
  sb_test_proxy_add_rule (f->proxy, "PutItem", FILES_TABLE, SB_TEST_PROXY_RESET, 0);
  g_assert_true (store_create (f, file, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sb_test_proxy_count (f->proxy, SB_TEST_PROXY_RESET), >=, 1);
  sb_test_proxy_clear (f->proxy);
  stored = store_get (f, name);
  g_assert_nonnull (stored);
}

/* The answer is lost and then nothing gets through: unknown, said so. */
static void
test_answer_lost_store_gone (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *name = unique ("gone");
  g_autoptr(SbFile) file = make_file (name);
  g_autoptr(SbFile) stored = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  sb_test_proxy_add_rule (f->proxy, "PutItem", FILES_TABLE, SB_TEST_PROXY_DROP_AND_FAIL, 1);
  g_assert_false (store_create (f, file, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_INDETERMINATE);
  g_test_message ("%s", error->message);
  sb_test_proxy_clear (f->proxy);
  /* It had in fact been written. */
  stored = store_get (f, name);
  g_assert_nonnull (stored);
}

/* A request that never reached DynamoDB, with an answer the client cannot
 * tell from a lost one: the read-back shows nothing was written, so the
 * failure is an ordinary one and the caller may clean up. */
static void
test_request_lost (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *name = unique ("lost");
  g_autoptr(SbFile) file = make_file (name);
  g_autoptr(SbFile) stored = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  sb_test_proxy_add_rule (f->proxy, "PutItem", FILES_TABLE, SB_TEST_PROXY_RESET, 0);
  g_assert_false (store_create (f, file, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE);
  sb_test_proxy_clear (f->proxy);
  stored = store_get (f, name);
  g_assert_null (stored);
}

/* A rename whose second step (deleting the old name) was applied but not
 * confirmed: it must not be "undone" by deleting the new name. */
static void
test_rename_second_step_lost (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *name = unique ("from");
  g_autofree char *new_name = unique ("to");
  g_autoptr(SbFile) file = make_file (name);
  g_autoptr(SbFile) renamed = NULL;
  g_autoptr(SbFile) old = NULL;
  g_autoptr(SbFile) now = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  g_assert_true (store_create (f, file, &error));
  renamed = sb_file_copy (file);
  sb_file_set_name (renamed, new_name);
  sb_file_set_version (renamed, 2);
  sb_test_proxy_add_rule (f->proxy, "DeleteItem", FILES_TABLE, SB_TEST_PROXY_DROP_AND_FAIL, 1);
  sb_store_file_rename_async (SB_STORE (f->store), renamed, name, 1, NULL, sb_test_result_cb,
                              &result);
  g_assert_false (sb_store_file_rename_finish (SB_STORE (f->store), sb_test_await (&result),
                                               &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_INDETERMINATE);
  sb_test_proxy_clear (f->proxy);
  old = store_get (f, name);
  now = store_get (f, new_name);
  g_assert_null (old);
  g_assert_nonnull (now);
}

/* The library */

/* Operators learn of every write whose outcome stayed unknown. */
static void
expect_keeping_warning (void)
{
  g_test_expect_message ("sb-core", G_LOG_LEVEL_WARNING,
                         "outcome of a write to " OWNER "/* unknown, keeping its content: *");
}

/* The first report of issue 7: an upload whose record was written but
 * whose answer was lost used to be answered with an error after its bytes
 * were deleted, leaving a listed file that could not be downloaded. */
static void
test_upload_uncertain_keeps_bytes (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *name = unique ("upload");
  g_autoptr(GBytes) content = sb_test_random_bytes (10 * 1024, 7);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(SbFile) file = NULL;
  g_autoptr(SbFile) stored = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  sb_test_proxy_add_rule (f->proxy, "PutItem", FILES_TABLE, SB_TEST_PROXY_DROP_AND_FAIL, 1);
  expect_keeping_warning ();
  file = upload (f, name, content, SB_UPLOAD_NONE, &error);
  g_test_assert_expected_messages ();
  g_assert_null (file);
  g_assert_error (error, SB_ERROR, SB_ERROR_UNCERTAIN);
  g_assert_nonnull (strstr (error->message, name));
  sb_test_proxy_clear (f->proxy);

  stored = store_get (f, name);
  g_assert_nonnull (stored);
  g_assert_true (blob_exists (f, sb_file_get_object_key (stored)));
  got = download (f, name);
  g_assert_true (g_bytes_equal (got, content));
}

/* The same for a replace: the record may point at the new content or the
 * old, so both stay. */
static void
test_replace_uncertain_keeps_both (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *name = unique ("replace");
  g_autoptr(GBytes) first = sb_test_random_bytes (64 * 1024, 1);
  g_autoptr(GBytes) second = sb_test_random_bytes (64 * 1024, 2);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(SbFile) original = NULL;
  g_autoptr(SbFile) replaced = NULL;
  g_autoptr(SbFile) stored = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  original = upload (f, name, first, SB_UPLOAD_NONE, &error);
  g_assert_no_error (error);
  before = owner_blobs (f);
  /* The replacing put (not the create a replace tries first). */
  sb_test_proxy_add_rule (f->proxy, "PutItem", "#v = :v", SB_TEST_PROXY_DROP_AND_FAIL, 1);
  expect_keeping_warning ();
  replaced = upload (f, name, second, SB_UPLOAD_REPLACE, &error);
  g_test_assert_expected_messages ();
  g_assert_null (replaced);
  g_assert_error (error, SB_ERROR, SB_ERROR_UNCERTAIN);
  sb_test_proxy_clear (f->proxy);

  g_assert_true (blob_exists (f, sb_file_get_object_key (original)));
  after = owner_blobs (f);
  g_assert_cmpuint (after->len, ==, before->len + 1);
  stored = store_get (f, name);
  g_assert_cmpint (sb_file_get_version (stored), ==, 2);
  got = download (f, name);
  g_assert_true (g_bytes_equal (got, second));
}

/* A delete whose outcome stays unknown keeps the bytes (fsck finds the
 * orphan if the record did go). */
static void
test_delete_uncertain_keeps_bytes (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *name = unique ("delete");
  g_autoptr(GBytes) content = sb_test_random_bytes (1000, 3);
  g_autoptr(SbFile) file = NULL;
  g_autoptr(SbFile) stored = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  file = upload (f, name, content, SB_UPLOAD_NONE, &error);
  g_assert_no_error (error);
  sb_test_proxy_add_rule (f->proxy, "DeleteItem", FILES_TABLE, SB_TEST_PROXY_DROP_AND_FAIL, 1);
  expect_keeping_warning ();
  sb_library_delete_async (f->library, OWNER, name, -1, NULL, sb_test_result_cb, &result);
  g_assert_false (sb_library_delete_finish (f->library, sb_test_await (&result), &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, SB_ERROR, SB_ERROR_UNCERTAIN);
  sb_test_proxy_clear (f->proxy);

  stored = store_get (f, name);
  g_assert_null (stored);
  g_assert_true (blob_exists (f, sb_file_get_object_key (file)));
}

/* And a delete whose answer was lost but whose outcome the read-back
 * learns is a plain success, bytes deleted. */
static void
test_delete_answer_lost_settled (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *name = unique ("settled");
  g_autoptr(GBytes) content = sb_test_random_bytes (1000, 4);
  g_autoptr(SbFile) file = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  file = upload (f, name, content, SB_UPLOAD_NONE, &error);
  g_assert_no_error (error);
  sb_test_proxy_add_rule (f->proxy, "DeleteItem", FILES_TABLE, SB_TEST_PROXY_DROP_ANSWER, 1);
  sb_test_proxy_add_rule (f->proxy, "DeleteItem", FILES_TABLE, SB_TEST_PROXY_RESET, 0);
  sb_library_delete_async (f->library, OWNER, name, -1, NULL, sb_test_result_cb, &result);
  g_assert_true (sb_library_delete_finish (f->library, sb_test_await (&result), &error));
  g_assert_no_error (error);
  sb_test_proxy_clear (f->proxy);
  for (guint i = 0; i < 100 && blob_exists (f, sb_file_get_object_key (file)); i++)
    g_usleep (10000);
  g_assert_false (blob_exists (f, sb_file_get_object_key (file)));
}

/* A rename that the store could neither finish nor undo leaves two names
 * on one content; deleting either must keep the content for the other. */
static void
test_half_done_rename_keeps_shared_content (Fixture       *f,
                                            gconstpointer  data)
{
  g_autofree char *name = unique ("old");
  g_autofree char *new_name = unique ("new");
  g_autoptr(GBytes) content = sb_test_random_bytes (5000, 9);
  g_autoptr(SbFile) file = NULL;
  g_autoptr(SbFile) renamed = NULL;
  g_autoptr(SbFile) old = NULL;
  g_autoptr(SbFile) now = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GAsyncResult) edited = NULL;
  g_autoptr(GAsyncResult) deleted = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_servers ())
    return;
  file = upload (f, name, content, SB_UPLOAD_NONE, &error);
  g_assert_no_error (error);
  /* Neither the old name's delete nor the undo gets through. */
  sb_test_proxy_add_rule (f->proxy, "DeleteItem", FILES_TABLE, SB_TEST_PROXY_RESET, 0);
  g_test_expect_message ("sb-store", G_LOG_LEVEL_WARNING, "Could not undo the half-done rename*");
  expect_keeping_warning ();
  sb_library_edit_async (f->library, OWNER, name, new_name, NULL, NULL, -1, NULL,
                         sb_test_result_cb, &edited);
  renamed = sb_library_edit_finish (f->library, sb_test_await (&edited), &error);
  g_test_assert_expected_messages ();
  g_assert_null (renamed);
  g_assert_error (error, SB_ERROR, SB_ERROR_UNCERTAIN);
  g_clear_error (&error);
  sb_test_proxy_clear (f->proxy);

  old = store_get (f, name);
  now = store_get (f, new_name);
  g_assert_nonnull (old);
  g_assert_nonnull (now);
  g_assert_cmpstr (sb_file_get_object_key (old), ==, sb_file_get_object_key (now));
  g_assert_cmpstr (sb_file_get_partner (old), ==, new_name);
  g_assert_cmpstr (sb_file_get_partner (now), ==, name);

  /* The user deletes the old name: the new one still downloads. */
  g_test_expect_message ("sb-core", G_LOG_LEVEL_MESSAGE, "kept *: “*” still refers to it*");
  sb_library_delete_async (f->library, OWNER, name, -1, NULL, sb_test_result_cb, &deleted);
  g_assert_true (sb_library_delete_finish (f->library, sb_test_await (&deleted), &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 50; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5000);
    }
  g_test_assert_expected_messages ();
  g_assert_true (blob_exists (f, sb_file_get_object_key (now)));
  got = download (f, new_name);
  g_assert_true (g_bytes_equal (got, content));
}

static void
add (const char *path,
     void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  dynalite = sb_test_node_server_start ("dynalite", &error);
  if (dynalite != NULL)
    s3rver = sb_test_node_server_start ("s3rver", &error);
  if (s3rver == NULL)
    servers_error = g_strdup (error->message);

  add ("/outcomes/store/answer-lost-once", test_answer_lost_once);
  add ("/outcomes/store/answer-lost-retries-reset", test_answer_lost_retries_reset);
  add ("/outcomes/store/answer-lost-store-gone", test_answer_lost_store_gone);
  add ("/outcomes/store/request-lost", test_request_lost);
  add ("/outcomes/store/rename-second-step-lost", test_rename_second_step_lost);
  add ("/outcomes/library/upload-uncertain-keeps-bytes", test_upload_uncertain_keeps_bytes);
  add ("/outcomes/library/replace-uncertain-keeps-both", test_replace_uncertain_keeps_both);
  add ("/outcomes/library/delete-uncertain-keeps-bytes", test_delete_uncertain_keeps_bytes);
  add ("/outcomes/library/delete-answer-lost-settled", test_delete_answer_lost_settled);
  add ("/outcomes/library/half-done-rename-keeps-shared-content",
       test_half_done_rename_keeps_shared_content);
  status = g_test_run ();

  sb_test_node_server_stop (s3rver);
  sb_test_node_server_stop (dynalite);
  g_free (servers_error);
  return status;
}
