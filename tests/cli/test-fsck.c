/* SPDX-License-Identifier: GPL-3.0-or-later */
/* storagebox-cli fsck, on the local backend or (SB_TEST_BACKEND=aws) on
 * dynalite + the S3 of the test backend: each kind of problem is planted
 * through the store itself (or, to damage bytes, under it), then what fsck
 * reports and what --repair, --recover and --verify do is checked, with a
 * CLI put in flight during a repair. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "sb-aws-store.h"
#include "sb-config.h"
#include "sb-core-private.h"
#include "sb-test-util.h"
#include "server-fixture.h"

static char *data_dir;
static const char *local_env[2];
static SbStore *store;

static char *
unique_user (void)
{
  static guint counter;
  return g_strdup_printf ("fsck%u%04x", ++counter, g_random_int_range (0, 0xffff));
}

static int
cli (const char * const *args,
     const char         *input,
     char              **out,
     char              **err)
{
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  int status = sb_test_run_cli (args, local_env, input, &stdout_text, &stderr_text);

  g_test_message ("storagebox-cli %s → %d\n%s%s", args[0], status, stdout_text, stderr_text);
  if (out)
    *out = g_steal_pointer (&stdout_text);
  if (err)
    *err = g_steal_pointer (&stderr_text);
  return status;
}

static char *
make_user (void)
{
  char *username = unique_user ();
  g_autofree char *email = g_strdup_printf ("%s@example.com", username);
  const char *args[] = { "adduser", username, "--email", email, NULL };

  g_assert_cmpint (cli (args, "fsck-password\n", NULL, NULL), ==, 0);
  return username;
}

static void
put (const char *user,
     const char *name,
     GBytes     *content)
{
  g_autofree char *dir = sb_test_make_tmpdir ("sb-fsck-file-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "upload", NULL);
  const char *args[] = { "put", path, name, "--user", user, NULL };

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (content, NULL),
                                      (gssize) g_bytes_get_size (content), NULL));
  g_assert_cmpint (cli (args, NULL, NULL, NULL), ==, 0);
  sb_test_rm_rf (dir);
}

/* The file through storagebox-cli get, or NULL if that fails; @target
 * (when not NULL) is where it goes. */
static GBytes *
get (const char *user,
     const char *name,
     const char *target)
{
  g_autofree char *dir = sb_test_make_tmpdir ("sb-fsck-get-XXXXXX");
  g_autofree char *path = target ? g_strdup (target) : g_build_filename (dir, "back", NULL);
  const char *args[] = { "get", name, path, "--user", user, NULL };
  g_autofree char *data = NULL;
  gsize length = 0;

  if (cli (args, NULL, NULL, NULL) != 0)
    {
      sb_test_rm_rf (dir);
      return NULL;
    }
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  sb_test_rm_rf (dir);
  return g_bytes_new_take (g_steal_pointer (&data), length);
}

/* Runs fsck with @args (NULL-terminated, "fsck" and "--json" added) and
 * returns its report; *@status gets the exit status. */
static JsonObject *
fsck (const char * const *args,
      int                *status,
      char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_ptr_array_add (argv, "fsck");
  g_ptr_array_add (argv, "--json");
  for (guint i = 0; args && args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  *status = cli ((const char * const *) argv->pdata, NULL, &out, err);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* The problems of @user in @report, of @kind (NULL: any). */
static GPtrArray *
problems_of (JsonObject *report,
             const char *user,
             const char *kind)
{
  JsonArray *problems = json_object_get_array_member (report, "problems");
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (problems); i++)
    {
      JsonObject *problem = json_array_get_object_element (problems, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (problem, "owner", ""),
                     user) == 0 &&
          (kind == NULL || g_str_equal (json_object_get_string_member (problem, "kind"), kind)))
        g_ptr_array_add (found, problem);
    }
  return found;
}

static guint
count_problems_of (JsonObject *report,
                   const char *user)
{
  g_autoptr(GPtrArray) found = problems_of (report, user, NULL);

  return found->len;
}

static const char *
member (JsonObject *object,
        const char *name)
{
  return json_object_get_string_member_with_default (object, name, NULL);
}

static GPtrArray *
problems_of_upload (JsonObject *report,
                    const char *upload_id)
{
  JsonArray *problems = json_object_get_array_member (report, "problems");
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (problems); i++)
    {
      JsonObject *problem = json_array_get_object_element (problems, i);

      if (g_strcmp0 (member (problem, "upload_id"), upload_id) == 0)
        g_ptr_array_add (found, problem);
    }
  return found;
}

/* Waits until the grace period of @seconds has passed for what was just
 * planted. */
static void
wait_past (guint seconds)
{
  g_usleep ((seconds * G_USEC_PER_SEC) + 200000);
}

/* Direct access to the store under test */

static SbFile *
record (const char *user,
        const char *name)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbFile *file;

  sb_store_file_get_async (store, user, name, NULL, sb_test_result_cb, &result);
  file = sb_store_file_get_finish (store, sb_test_await (&result), &error);
  if (file == NULL)
    g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  return file;
}

static void
delete_record (SbFile *file)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sb_store_file_delete_async (store, sb_file_get_owner (file), sb_file_get_name (file), -1, NULL,
                              sb_test_result_cb, &result);
  g_assert_true (sb_store_file_delete_finish (store, sb_test_await (&result), &error));
  g_assert_no_error (error);
}

static void
create_record (SbFile *file)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sb_store_file_create_async (store, file, NULL, sb_test_result_cb, &result);
  g_assert_true (sb_store_file_create_finish (store, sb_test_await (&result), &error));
  g_assert_no_error (error);
}

/* Bytes stored as a blob_write would, with no record. */
static char *
plant_blob (const char *user,
            const char *name,
            GBytes     *content)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (content);
  g_autoptr(GError) error = NULL;
  char *key;

  sb_store_blob_write_async (store, user, name, NULL, source, (gint64) g_bytes_get_size (content),
                             NULL, sb_test_result_cb, &result);
  key = sb_store_blob_write_finish (store, sb_test_await (&result), NULL, NULL, &error);
  g_assert_no_error (error);
  return key;
}

static gboolean
blob_exists (const char *key)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbBlobInfo) info = NULL;

  sb_store_blob_stat_async (store, key, NULL, sb_test_result_cb, &result);
  info = sb_store_blob_stat_finish (store, sb_test_await (&result), &error);
  return info != NULL;
}

static void
delete_blob (const char *key)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sb_store_blob_delete_async (store, key, NULL, sb_test_result_cb, &result);
  g_assert_true (sb_store_blob_delete_finish (store, sb_test_await (&result), &error));
}

/* Damage under the store: other bytes at the same key. */
static void
overwrite_blob (const char *key,
                GBytes     *content)
{
  if (SB_IS_AWS_STORE (store))
    {
      SbAwsStore *aws = SB_AWS_STORE (store);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (content);
      g_autoptr(GError) error = NULL;

      sb_aws_s3_put_object_async (sb_aws_store_get_s3 (aws), sb_aws_store_get_bucket (aws), key,
                                  source, (gint64) g_bytes_get_size (content), NULL, NULL, NULL,
                                  sb_test_result_cb, &result);
      g_assert_true (sb_aws_s3_put_object_finish (sb_aws_store_get_s3 (aws),
                                                  sb_test_await (&result), NULL, NULL, &error));
      g_assert_no_error (error);
    }
  else
    {
      g_autofree char *path = g_build_filename (data_dir, "blobs", key, NULL);

      g_assert_true (g_file_set_contents (path, g_bytes_get_data (content, NULL),
                                          (gssize) g_bytes_get_size (content), NULL));
    }
}

/* Tests */

static void
test_clean (void)
{
  g_autofree char *user = make_user ();
  g_autoptr(GBytes) one = sb_test_random_bytes (1000, 1);
  g_autoptr(GBytes) two = sb_test_random_bytes (70000, 2);
  g_autoptr(JsonObject) report = NULL;
  const char *plain[] = { "fsck", NULL };
  g_autofree char *out = NULL;
  int status;

  put (user, "one.txt", one);
  put (user, "two.bin", two);
  report = fsck (NULL, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (json_object_get_int_member (report, "remaining"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (report, "records"), >=, 2);
  g_assert_cmpint (cli (plain, NULL, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No problems found."));
}

/* An orphan is left alone while it may be an upload in flight, reported
 * once it is older than the grace period, and removed by --repair. */
static void
test_orphan (void)
{
  g_autofree char *user = make_user ();
  g_autoptr(GBytes) content = sb_test_random_bytes (5000, 3);
  g_autofree char *key = plant_blob (user, "lost & found.txt", content);
  g_autoptr(JsonObject) young = NULL;
  g_autoptr(JsonObject) old = NULL;
  g_autoptr(JsonObject) repaired = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) fixed = NULL;
  const char *repair_default[] = { "--repair", NULL };
  const char *report_only[] = { "--grace", "1s", NULL };
  const char *repair[] = { "--repair", "--grace", "1s", NULL };
  int status;

  /* The default grace (a day) protects it, even with --repair. */
  young = fsck (repair_default, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (count_problems_of (young, user), ==, 0);
  g_assert_cmpint (json_object_get_int_member (young, "in_flight"), >=, 1);
  g_assert_true (blob_exists (key));

  wait_past (1);
  old = fsck (report_only, &status, NULL);
  g_assert_cmpint (status, ==, 1);
  found = problems_of (old, user, "orphan");
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (member (found->pdata[0], "key"), ==, key);
  g_assert_cmpstr (member (found->pdata[0], "name"), ==, "lost & found.txt");
  g_assert_cmpstr (member (found->pdata[0], "action"), ==, "reported");
  g_assert_cmpint (json_object_get_int_member (found->pdata[0], "size"), ==, 5000);
  g_assert_true (blob_exists (key));

  repaired = fsck (repair, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  fixed = problems_of (repaired, user, "orphan");
  g_assert_cmpuint (fixed->len, ==, 1);
  g_assert_cmpstr (member (fixed->pdata[0], "action"), ==, "removed");
  g_assert_false (blob_exists (key));

  after = fsck (report_only, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (count_problems_of (after, user), ==, 0);
}

/* Records lost, bytes kept: --recover gives the files back under the name
 * stored with them, or beside a file that took the name meanwhile. */
static void
test_recover (void)
{
  g_autofree char *user = make_user ();
  g_autoptr(GBytes) report_pdf = sb_test_random_bytes (30000, 4);
  g_autoptr(GBytes) notes = sb_test_random_bytes (200, 5);
  g_autoptr(GBytes) newer = sb_test_random_bytes (10, 6);
  g_autoptr(SbFile) lost_report = NULL;
  g_autoptr(SbFile) lost_notes = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GBytes) back_clash = NULL;
  const char *recover[] = { "--recover", "--grace", "1s", NULL };
  const char *ls[] = { "ls", "--user", user, NULL };
  g_autofree char *listing = NULL;
  int status;

  put (user, "Quarterly report.pdf", report_pdf);
  put (user, "notes.txt", notes);
  lost_report = record (user, "Quarterly report.pdf");
  lost_notes = record (user, "notes.txt");
  delete_record (lost_report);
  delete_record (lost_notes);
  /* Someone uploads a new notes.txt before the recovery. */
  put (user, "notes.txt", newer);

  wait_past (1);
  result = fsck (recover, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  found = problems_of (result, user, "orphan");
  g_assert_cmpuint (found->len, ==, 2);
  for (guint i = 0; i < found->len; i++)
    g_assert_cmpstr (member (found->pdata[i], "action"), ==, "recovered");

  g_assert_cmpint (cli (ls, NULL, &listing, NULL), ==, 0);
  g_assert_cmpstr (listing, ==, "Quarterly report.pdf\nnotes (recovered).txt\nnotes.txt\n");
  back = get (user, "Quarterly report.pdf", NULL);
  g_assert_true (g_bytes_equal (back, report_pdf));
  back_clash = get (user, "notes (recovered).txt", NULL);
  g_assert_true (g_bytes_equal (back_clash, notes));
}

/* A record whose bytes are gone, or of another size, is reported, and
 * --repair never deletes the record (nor anything it refers to). */
static void
test_missing_and_wrong_size (void)
{
  g_autofree char *user = make_user ();
  g_autoptr(GBytes) content = sb_test_random_bytes (4000, 7);
  g_autoptr(GBytes) shorter = sb_test_random_bytes (3000, 8);
  g_autoptr(SbFile) gone = NULL;
  g_autoptr(SbFile) cut = NULL;
  g_autoptr(SbFile) still = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GPtrArray) wrong = NULL;
  const char *repair[] = { "--repair", "--grace", "0", NULL };
  const char *rm_gone[] = { "rm", "gone.bin", "--user", user, NULL };
  const char *rm_cut[] = { "rm", "cut.bin", "--user", user, NULL };
  int status;

  put (user, "gone.bin", content);
  put (user, "cut.bin", content);
  gone = record (user, "gone.bin");
  cut = record (user, "cut.bin");
  delete_blob (sb_file_get_object_key (gone));
  overwrite_blob (sb_file_get_object_key (cut), shorter);

  result = fsck (repair, &status, NULL);
  g_assert_cmpint (status, ==, 1);
  missing = problems_of (result, user, "missing");
  wrong = problems_of (result, user, "wrong-size");
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (member (missing->pdata[0], "name"), ==, "gone.bin");
  g_assert_cmpstr (member (missing->pdata[0], "action"), ==, "reported");
  g_assert_cmpuint (wrong->len, ==, 1);
  g_assert_cmpstr (member (wrong->pdata[0], "name"), ==, "cut.bin");
  g_assert_cmpstr (member (wrong->pdata[0], "detail"), ==, "3000");
  still = record (user, "cut.bin");
  g_assert_nonnull (still);
  g_assert_true (blob_exists (sb_file_get_object_key (cut)));
  g_assert_null (get (user, "cut.bin", NULL));

  /* Leave the store clean for the tests after. */
  g_assert_cmpint (cli (rm_gone, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli (rm_cut, NULL, NULL, NULL), ==, 0);
}

/* Bytes damaged in place: only --verify reads them; the download fails and
 * leaves the file it would have replaced as it was. */
static void
test_verify (void)
{
  g_autofree char *user = make_user ();
  g_autoptr(GBytes) content = sb_test_random_bytes (100000, 9);
  g_autoptr(GBytes) damaged = sb_test_random_bytes (100000, 10);
  g_autoptr(SbFile) file = NULL;
  g_autoptr(JsonObject) quick = NULL;
  g_autoptr(JsonObject) verified = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *dir = sb_test_make_tmpdir ("sb-fsck-target-XXXXXX");
  g_autofree char *target = g_build_filename (dir, "photo.jpg", NULL);
  g_autofree char *kept = NULL;
  const char *verify[] = { "--verify", NULL };
  const char *rm[] = { "rm", "photo.jpg", "--user", user, NULL };
  int status;

  put (user, "photo.jpg", content);
  file = record (user, "photo.jpg");
  overwrite_blob (sb_file_get_object_key (file), damaged);

  quick = fsck (NULL, &status, NULL);
  g_assert_cmpuint (count_problems_of (quick, user), ==, 0);
  verified = fsck (verify, &status, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpint (json_object_get_int_member (verified, "verified"), >=, 0);
  found = problems_of (verified, user, "checksum-mismatch");
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (member (found->pdata[0], "name"), ==, "photo.jpg");

  g_assert_true (g_file_set_contents (target, "my own photo", -1, NULL));
  g_assert_null (get (user, "photo.jpg", target));
  g_assert_true (g_file_get_contents (target, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "my own photo");
  g_assert_cmpuint (sb_test_count_files (dir), ==, 1);

  g_assert_cmpint (cli (rm, NULL, NULL, NULL), ==, 0);
  sb_test_rm_rf (dir);
}

/* Two records on one blob: the older name of a rename that never finished.
 * --repair finishes it: the newer record stays, the blob too. */
static void
test_shared (void)
{
  g_autofree char *user = make_user ();
  g_autoptr(GBytes) content = sb_test_random_bytes (2222, 11);
  g_autoptr(SbFile) before = NULL;
  g_autoptr(SbFile) renamed = NULL;
  g_autoptr(JsonObject) reported = NULL;
  g_autoptr(JsonObject) repaired = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) fixed = NULL;
  g_autoptr(GBytes) back = NULL;
  const char *repair[] = { "--repair", NULL };
  const char *ls[] = { "ls", "--user", user, NULL };
  g_autofree char *listing = NULL;
  int status;

  put (user, "draft.odt", content);
  before = record (user, "draft.odt");
  renamed = sb_file_copy (before);
  sb_file_set_name (renamed, "final.odt");
  sb_file_set_version (renamed, sb_file_get_version (before) + 1);
  create_record (renamed);

  reported = fsck (NULL, &status, NULL);
  g_assert_cmpint (status, ==, 1);
  found = problems_of (reported, user, "shared");
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (member (found->pdata[0], "name"), ==, "draft.odt");

  repaired = fsck (repair, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  fixed = problems_of (repaired, user, "shared");
  g_assert_cmpstr (member (fixed->pdata[0], "action"), ==, "finished");
  g_assert_cmpstr (member (fixed->pdata[0], "detail"), ==, "final.odt");
  g_assert_cmpint (cli (ls, NULL, &listing, NULL), ==, 0);
  g_assert_cmpstr (listing, ==, "final.odt\n");
  back = get (user, "final.odt", NULL);
  g_assert_true (g_bytes_equal (back, content));
}

/* An abandoned upload (a temporary file of a writer that died, or an
 * unfinished multipart upload) is reported and discarded by --repair. */
static void
test_stale_upload (void)
{
  g_autofree char *user = make_user ();
  g_autoptr(JsonObject) reported = NULL;
  g_autoptr(JsonObject) repaired = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) fixed = NULL;
  g_autofree char *err = NULL;
  const char *report[] = { "--grace", "1s", NULL };
  const char *repair[] = { "--repair", "--grace", "1s", NULL };
  g_autofree char *upload_id = NULL;
  int status;

  if (SB_IS_AWS_STORE (store))
    {
      SbAwsStore *aws = SB_AWS_STORE (store);
      g_autoptr(GAsyncResult) listed = NULL;
      g_autoptr(GAsyncResult) created = NULL;
      g_autoptr(GPtrArray) uploads = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("%s/%032x", user, g_random_int ());
      g_autofree char *next_key = NULL;
      g_autofree char *next_id = NULL;

      sb_aws_s3_create_multipart_upload_async (sb_aws_store_get_s3 (aws),
                                               sb_aws_store_get_bucket (aws), key, NULL, NULL,
                                               NULL, sb_test_result_cb, &created);
      upload_id = sb_aws_s3_create_multipart_upload_finish (sb_aws_store_get_s3 (aws),
                                                            sb_test_await (&created), &error);
      g_assert_no_error (error);
      sb_aws_s3_list_multipart_uploads_async (sb_aws_store_get_s3 (aws),
                                              sb_aws_store_get_bucket (aws), NULL, NULL, NULL,
                                              sb_test_result_cb, &listed);
      uploads = sb_aws_s3_list_multipart_uploads_finish (sb_aws_store_get_s3 (aws),
                                                         sb_test_await (&listed), &next_key,
                                                         &next_id, &error);
      if (uploads == NULL)
        {
          /* This S3 cannot list them: fsck says so and checks the rest. */
          g_autoptr(JsonObject) result = fsck (report, &status, &err);

          g_assert_cmpint (status, ==, 0);
          g_assert_nonnull (strstr (err, "cannot list unfinished multipart uploads"));
          g_test_skip (error->message);
          return;
        }
    }
  else
    {
      g_autofree char *path = NULL;

      upload_id = g_strdup_printf ("%032x", g_random_int ());
      path = g_build_filename (data_dir, "tmp", upload_id, NULL);
      g_assert_true (g_file_set_contents (path, "half an upload", -1, NULL));
    }

  wait_past (1);
  reported = fsck (report, &status, NULL);
  g_assert_cmpint (status, ==, 1);
  found = problems_of_upload (reported, upload_id);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (member (found->pdata[0], "kind"), ==, "stale-upload");

  repaired = fsck (repair, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  fixed = problems_of_upload (repaired, upload_id);
  g_assert_cmpuint (fixed->len, ==, 1);
  g_assert_cmpstr (member (fixed->pdata[0], "action"), ==, "removed");
}

/* A put in flight while --repair runs (every grace period set to zero
 * where the store can tell a live upload from an abandoned one) loses
 * nothing. */
static void
test_upload_in_flight (void)
{
  g_autofree char *user = make_user ();
  g_autoptr(GBytes) content = sb_test_random_bytes (12 * 1024 * 1024 + 5, 12);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autoptr(GSubprocess) put_process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GBytes) back = NULL;
  g_auto(GStrv) env = g_get_environ ();
  const char * const *backend_env = sb_test_backend_env ();
  GOutputStream *input;
  const char *grace_zero[] = { "--repair", "--grace", "0", NULL };
  const char *default_grace[] = { "--repair", NULL };
  const char *size_half = (const char *) g_bytes_get_data (content, NULL);
  gsize half = g_bytes_get_size (content) / 2;
  gboolean local = !SB_IS_AWS_STORE (store);
  int status;

  for (guint i = 0; backend_env && backend_env[i]; i++)
    {
      g_auto(GStrv) pair = g_strsplit (backend_env[i], "=", 2);
      env = g_environ_setenv (env, pair[0], pair[1], TRUE);
    }
  if (local)
    env = g_environ_setenv (env, "STORAGEBOX_DATA_DIR", data_dir, TRUE);
  g_subprocess_launcher_set_environ (launcher, env);
  put_process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("STORAGEBOX_CLI"), "put",
                                             "-", "big upload.bin", "--user", user, NULL);
  g_assert_no_error (error);
  input = g_subprocess_get_stdin_pipe (put_process);
  g_assert_true (g_output_stream_write_all (input, size_half, half, NULL, NULL, &error));
  g_assert_no_error (error);
  /* Let the writer get going before fsck looks. */
  g_usleep (500000);

  /* The local store knows a live temporary file from an abandoned one;
   * S3 cannot tell, and the grace period protects what is in flight. */
  result = fsck (local ? grace_zero : default_grace, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (json_object_get_int_member (result, "in_flight"), >=, local ? 1 : 0);

  g_assert_true (g_output_stream_write_all (input, size_half + half,
                                            g_bytes_get_size (content) - half, NULL, NULL,
                                            &error));
  g_assert_true (g_output_stream_close (input, NULL, &error));
  g_assert_true (g_subprocess_wait_check (put_process, NULL, &error));
  g_assert_no_error (error);
  back = get (user, "big upload.bin", NULL);
  g_assert_nonnull (back);
  g_assert_true (g_bytes_equal (back, content));
}

static void
test_usage (void)
{
  const char *bad_grace[] = { "fsck", "--grace", "soon", NULL };
  const char *extra[] = { "fsck", "everything", NULL };
  const char *help[] = { "fsck", "--help", NULL };
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (cli (bad_grace, NULL, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "“soon” is not a duration"));
  g_assert_cmpint (cli (extra, NULL, NULL, NULL), ==, 2);
  g_assert_cmpint (cli (help, NULL, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "--repair"));
  g_assert_nonnull (strstr (out, "--recover"));
  g_assert_nonnull (strstr (out, "--verify"));
  g_assert_nonnull (strstr (out, "--grace"));
}

static SbStore *
open_store (void)
{
  g_auto(GStrv) env = g_get_environ ();
  const char * const *backend_env = sb_test_backend_env ();
  g_autoptr(SbConfig) config = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbStore *opened;

  for (guint i = 0; backend_env && backend_env[i]; i++)
    {
      g_auto(GStrv) pair = g_strsplit (backend_env[i], "=", 2);
      env = g_environ_setenv (env, pair[0], pair[1], TRUE);
    }
  env = g_environ_setenv (env, "STORAGEBOX_DATA_DIR", data_dir, TRUE);
  config = sb_config_new ((const char * const *) env);
  g_assert_true (sb_config_load (config, NULL, &error));
  g_assert_no_error (error);
  sb_config_open_store_async (config, NULL, sb_test_result_cb, &result);
  opened = sb_config_open_store_finish (config, sb_test_await (&result), &error);
  g_assert_no_error (error);
  return opened;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_env = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (sb_test_backend_add_skip ("/fsck/skipped"))
    return g_test_run ();
  data_dir = sb_test_make_tmpdir ("sb-fsck-data-XXXXXX");
  data_env = g_strdup_printf ("STORAGEBOX_DATA_DIR=%s", data_dir);
  local_env[0] = data_env;
  store = open_store ();

  g_test_add_func ("/fsck/usage", test_usage);
  g_test_add_func ("/fsck/clean", test_clean);
  g_test_add_func ("/fsck/orphan", test_orphan);
  g_test_add_func ("/fsck/recover", test_recover);
  g_test_add_func ("/fsck/missing-and-wrong-size", test_missing_and_wrong_size);
  g_test_add_func ("/fsck/verify", test_verify);
  g_test_add_func ("/fsck/shared", test_shared);
  g_test_add_func ("/fsck/stale-upload", test_stale_upload);
  g_test_add_func ("/fsck/upload-in-flight", test_upload_in_flight);

  status = g_test_run ();
  sb_test_assert_finalized (g_steal_pointer (&store));
  sb_test_backend_stop ();
  sb_test_rm_rf (data_dir);
  g_free (data_dir);
  return status;
}
