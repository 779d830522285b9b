/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-error.h"
#include "sb-library.h"
#include "sb-store-factory.h"
#include "sb-test-util.h"

#define OWNER "kate"
#define MAX_SIZE 100000

typedef struct
{
  char      *dir;
  SbStore   *store;
  SbLibrary *library;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = sb_test_make_tmpdir ("sb-library-XXXXXX");
  f->store = sb_store_new_for_settings (
    &(SbStoreSettings) { .kind = SB_STORE_KIND_LOCAL, .data_dir = f->dir }, &error);
  g_assert_no_error (error);
  f->library = sb_library_new (f->store, MAX_SIZE);
}

static guint
count_blobs (Fixture    *f,
             const char *owner)
{
  g_autofree char *blobs = g_build_filename (f->dir, "blobs", owner, NULL);
  g_autofree char *tmp = g_build_filename (f->dir, "tmp", NULL);

  /* Deleting replaced or unused content happens in the background. */
  for (guint i = 0; i < 50; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
  return sb_test_count_files (blobs) + sb_test_count_files (tmp);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  sb_test_assert_finalized (f->library);
  sb_test_assert_finalized (f->store);
  sb_test_rm_rf (f->dir);
  g_free (f->dir);
}

static SbFile *
upload (Fixture       *f,
        const char    *owner,
        const char    *name,
        const char    *description,
        GBytes        *data,
        SbUploadFlags  flags,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (data);

  sb_library_upload_async (f->library, owner, name, description, NULL, source,
                           (gint64) g_bytes_get_size (data), flags, NULL, NULL, NULL,
                           sb_test_result_cb, &result);
  return sb_library_upload_finish (f->library, sb_test_await (&result), error);
}

static SbStagedContent *
stage (Fixture *f,
       GBytes  *data,
       GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (data);

  sb_library_stage_async (f->library, OWNER, "staged.bin", NULL, source, -1, NULL, NULL, NULL,
                          sb_test_result_cb, &result);
  return sb_library_stage_finish (f->library, sb_test_await (&result), error);
}

static GPtrArray *
list (Fixture    *f,
      const char *owner)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *files;

  sb_library_list_async (f->library, owner, NULL, sb_test_result_cb, &result);
  files = sb_library_list_finish (f->library, sb_test_await (&result), &error);
  g_assert_no_error (error);
  return files;
}

static SbFile *
get (Fixture    *f,
     const char *owner,
     const char *name,
     GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_get_async (f->library, owner, name, NULL, sb_test_result_cb, &result);
  return sb_library_get_finish (f->library, sb_test_await (&result), error);
}

static GBytes *
download (Fixture    *f,
          const char *owner,
          const char *name,
          guint64     offset,
          gint64      length,
          GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) out = NULL;

  sb_library_open_async (f->library, owner, name, offset, length, NULL, sb_test_result_cb,
                         &result);
  stream = sb_library_open_finish (f->library, sb_test_await (&result), NULL, error);
  if (stream == NULL)
    return NULL;
  out = g_memory_output_stream_new_resizable ();
  g_output_stream_splice (out, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static SbFile *
edit (Fixture         *f,
      const char      *name,
      const char      *new_name,
      const char      *description,
      SbStagedContent *content,
      gint64           expected_version,
      GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_edit_async (f->library, OWNER, name, new_name, description, content,
                         expected_version, NULL, sb_test_result_cb, &result);
  return sb_library_edit_finish (f->library, sb_test_await (&result), error);
}

static gboolean
delete (Fixture    *f,
        const char *owner,
        const char *name,
        gint64      expected_version,
        GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_delete_async (f->library, owner, name, expected_version, NULL, sb_test_result_cb,
                           &result);
  return sb_library_delete_finish (f->library, sb_test_await (&result), error);
}

static void
test_upload_list_download (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GBytes) content = sb_test_random_bytes (54321, 1);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, content);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = upload (f, OWNER, "photo.png", "Holiday", content, 0, &error);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GBytes) back = NULL;
  SbFile *listed;

  g_assert_no_error (error);
  g_assert_cmpstr (sb_file_get_name (file), ==, "photo.png");
  g_assert_cmpuint (sb_file_get_size (file), ==, 54321);
  g_assert_cmpstr (sb_file_get_checksum (file), ==, sha);
  g_assert_cmpstr (sb_file_get_description (file), ==, "Holiday");
  g_assert_cmpstr (sb_file_get_content_type (file), ==, "image/png");
  g_assert_cmpint (sb_file_get_version (file), ==, 1);
  g_assert_cmpint (sb_file_get_created_at (file), ==, sb_file_get_modified_at (file));

  files = list (f, OWNER);
  g_assert_cmpuint (files->len, ==, 1);
  listed = g_ptr_array_index (files, 0);
  g_assert_cmpstr (sb_file_get_name (listed), ==, "photo.png");
  g_assert_cmpstr (sb_file_get_description (listed), ==, "Holiday");

  back = download (f, OWNER, "photo.png", 0, -1, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, content));
  g_assert_cmpuint (count_blobs (f, OWNER), ==, 1);
}

static void
test_download_range (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GBytes) content = sb_test_random_bytes (10000, 2);
  g_autoptr(SbFile) file = upload (f, OWNER, "r.bin", "", content, 0, NULL);
  g_autoptr(GBytes) part = NULL;
  g_autoptr(GBytes) expected = g_bytes_new_from_bytes (content, 100, 900);
  g_autoptr(GError) error = NULL;

  part = download (f, OWNER, "r.bin", 100, 900, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (part, expected));

  g_assert_null (download (f, OWNER, "r.bin", 9000, 2000, &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
}

static void
test_other_owner_not_found (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GBytes) content = g_bytes_new_static ("secret", 6);
  g_autoptr(SbFile) file = upload (f, OWNER, "mine.txt", "", content, 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) theirs = list (f, "mallory");

  g_assert_cmpuint (theirs->len, ==, 0);
  g_assert_null (get (f, "mallory", "mine.txt", &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (download (f, "mallory", "mine.txt", 0, -1, &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (delete (f, "mallory", "mine.txt", -1, &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autoptr(GAsyncResult) result = NULL;
    sb_library_edit_async (f->library, "mallory", "mine.txt", NULL, "pwned", NULL, -1, NULL,
                           sb_test_result_cb, &result);
    g_assert_null (sb_library_edit_finish (f->library, sb_test_await (&result), &error));
    g_assert_error (error, SB_ERROR, SB_ERROR_NOT_FOUND);
  }
  g_clear_object (&file);
  file = get (f, OWNER, "mine.txt", NULL);
  g_assert_cmpstr (sb_file_get_description (file), ==, "");
}

static void
test_upload_existing_refused (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GBytes) first = g_bytes_new_static ("first", 5);
  g_autoptr(GBytes) second = g_bytes_new_static ("second", 6);
  g_autoptr(SbFile) file = upload (f, OWNER, "a.txt", "one", first, 0, NULL);
  g_autoptr(SbFile) refused = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;

  refused = upload (f, OWNER, "a.txt", "two", second, 0, &error);
  g_assert_null (refused);
  g_assert_error (error, SB_ERROR, SB_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "a.txt"));

  back = download (f, OWNER, "a.txt", 0, -1, NULL);
  g_assert_true (g_bytes_equal (back, first));
  /* The refused upload's bytes are gone too. */
  g_assert_cmpuint (count_blobs (f, OWNER), ==, 1);
}

static void
test_upload_replace_keeps_created (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GBytes) first = g_bytes_new_static ("first", 5);
  g_autoptr(GBytes) second = g_bytes_new_static ("second!", 7);
  g_autoptr(SbFile) file = upload (f, OWNER, "b.txt", "kept", first, 0, NULL);
  g_autoptr(SbFile) replaced = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;

  g_usleep (2000);
  replaced = upload (f, OWNER, "b.txt", "", second, SB_UPLOAD_REPLACE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_file_get_created_at (replaced), ==, sb_file_get_created_at (file));
  g_assert_cmpint (sb_file_get_modified_at (replaced), >, sb_file_get_modified_at (file));
  g_assert_cmpint (sb_file_get_version (replaced), ==, 2);
  g_assert_cmpuint (sb_file_get_size (replaced), ==, 7);
  /* An empty description keeps the old one. */
  g_assert_cmpstr (sb_file_get_description (replaced), ==, "kept");

  back = download (f, OWNER, "b.txt", 0, -1, NULL);
  g_assert_true (g_bytes_equal (back, second));
  /* The old content is deleted. */
  g_assert_cmpuint (count_blobs (f, OWNER), ==, 1);

  /* Replacing a name that does not exist yet simply creates it. */
  g_clear_object (&replaced);
  replaced = upload (f, OWNER, "new.txt", "fresh", second, SB_UPLOAD_REPLACE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sb_file_get_version (replaced), ==, 1);
}

static void
test_upload_too_large (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GBytes) just_right = sb_test_random_bytes (MAX_SIZE, 3);
  g_autoptr(GBytes) too_big = sb_test_random_bytes (MAX_SIZE + 1, 4);
  g_autoptr(SbFile) ok = upload (f, OWNER, "max.bin", "", just_right, 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (too_big);
  g_autoptr(SbFile) refused = NULL;

  g_assert_nonnull (ok);

  /* Size unknown in advance: found out while streaming. */
  sb_library_upload_async (f->library, OWNER, "big.bin", "", NULL, source, -1, 0, NULL, NULL,
                           NULL, sb_test_result_cb, &result);
  refused = sb_library_upload_finish (f->library, sb_test_await (&result), &error);
  g_assert_null (refused);
  g_assert_error (error, SB_ERROR, SB_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "limit"));
  g_clear_error (&error);

  /* Size announced: refused before reading anything. */
  g_assert_null (upload (f, OWNER, "big.bin", "", too_big, 0, &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_TOO_LARGE);

  g_assert_cmpuint (count_blobs (f, OWNER), ==, 1);
  g_assert_null (get (f, OWNER, "big.bin", NULL));
}

static void
test_upload_bad_input (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GBytes) content = g_bytes_new_static ("x", 1);
  g_autofree char *long_description = g_strnfill (1001, 'd');
  const struct { const char *name, *description; } cases[] = {
    { "", "" }, { "..", "" }, { "../etc/passwd", "" }, { "a/b", "" }, { "ctl\x01", "" },
    { "ok.txt", long_description }, { "ok.txt", "bell\a" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SbFile) file = upload (f, OWNER, cases[i].name, cases[i].description, content, 0,
                                       &error);
      g_assert_null (file);
      g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
    }
  {
    g_autoptr(GPtrArray) files = list (f, OWNER);
    g_assert_cmpuint (files->len, ==, 0);
  }
  g_assert_cmpuint (count_blobs (f, OWNER), ==, 0);
}

static void
test_upload_failed_source (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GInputStream) source = sb_test_failing_stream_new (50000);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = NULL;

  sb_library_upload_async (f->library, OWNER, "cut.bin", "", NULL, source, 90000, 0, NULL, NULL,
                           NULL, sb_test_result_cb, &result);
  file = sb_library_upload_finish (f->library, sb_test_await (&result), &error);
  g_assert_null (file);
  g_assert_nonnull (error);
  g_assert_cmpuint (count_blobs (f, OWNER), ==, 0);
  g_assert_null (get (f, OWNER, "cut.bin", NULL));
}

typedef struct
{
  guint   calls;
  goffset last;
  goffset total;
} Progress;

static void
progress_cb (goffset  current,
             goffset  total,
             gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_cmpint (current, >, progress->last);
  progress->calls++;
  progress->last = current;
  progress->total = total;
}

static void
test_upload_progress (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) content = sb_test_random_bytes (MAX_SIZE, 5);
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (content);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SbFile) file = NULL;
  Progress progress = { 0 };

  sb_library_upload_async (f->library, OWNER, "p.bin", "", NULL, source, MAX_SIZE, 0, progress_cb,
                           &progress, NULL, sb_test_result_cb, &result);
  file = sb_library_upload_finish (f->library, sb_test_await (&result), NULL);
  g_assert_nonnull (file);
  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_cmpint (progress.last, ==, MAX_SIZE);
  g_assert_cmpint (progress.total, ==, MAX_SIZE);
}

static void
test_edit_description_and_rename (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GBytes) content = g_bytes_new_static ("hello", 5);
  g_autoptr(SbFile) file = upload (f, OWNER, "draft.txt", "first", content, 0, NULL);
  g_autoptr(SbFile) described = NULL;
  g_autoptr(SbFile) renamed = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;

  g_usleep (2000);
  described = edit (f, "draft.txt", NULL, "second", NULL, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_file_get_description (described), ==, "second");
  g_assert_cmpint (sb_file_get_version (described), ==, 2);
  g_assert_cmpint (sb_file_get_modified_at (described), >, sb_file_get_modified_at (file));

  renamed = edit (f, "draft.txt", "final copy.txt", NULL, NULL, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_file_get_name (renamed), ==, "final copy.txt");
  g_assert_cmpstr (sb_file_get_description (renamed), ==, "second");
  g_assert_cmpint (sb_file_get_created_at (renamed), ==, sb_file_get_created_at (file));
  /* A rename alone keeps the modification time. */
  g_assert_cmpint (sb_file_get_modified_at (renamed), ==, sb_file_get_modified_at (described));

  g_assert_null (get (f, OWNER, "draft.txt", &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  back = download (f, OWNER, "final copy.txt", 0, -1, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, content));
}

static void
test_edit_rename_onto_existing (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GBytes) one = g_bytes_new_static ("one", 3);
  g_autoptr(GBytes) two = g_bytes_new_static ("two", 3);
  g_autoptr(SbFile) a = upload (f, OWNER, "one.txt", "1", one, 0, NULL);
  g_autoptr(SbFile) b = upload (f, OWNER, "two.txt", "2", two, 0, NULL);
  g_autoptr(SbFile) refused = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;

  refused = edit (f, "one.txt", "two.txt", "changed", NULL, -1, &error);
  g_assert_null (refused);
  g_assert_error (error, SB_ERROR, SB_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "two.txt"));

  /* Neither file changed. */
  back = download (f, OWNER, "two.txt", 0, -1, NULL);
  g_assert_true (g_bytes_equal (back, two));
  g_clear_object (&a);
  a = get (f, OWNER, "one.txt", NULL);
  g_assert_cmpstr (sb_file_get_description (a), ==, "1");
}

static void
test_edit_replace_content (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GBytes) old_content = g_bytes_new_static ("old content", 11);
  g_autoptr(GBytes) new_content = sb_test_random_bytes (5000, 6);
  g_autoptr(SbFile) file = upload (f, OWNER, "doc.txt", "d", old_content, 0, NULL);
  g_autoptr(SbFile) replaced = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GError) error = NULL;
  SbStagedContent *staged;

  g_usleep (2000);
  staged = stage (f, new_content, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sb_staged_content_get_size (staged), ==, 5000);

  replaced = edit (f, "doc.txt", "doc v2.txt", "new", staged, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sb_file_get_size (replaced), ==, 5000);
  g_assert_cmpint (sb_file_get_created_at (replaced), ==, sb_file_get_created_at (file));
  g_assert_cmpint (sb_file_get_modified_at (replaced), >, sb_file_get_modified_at (file));

  back = download (f, OWNER, "doc v2.txt", 0, -1, NULL);
  g_assert_true (g_bytes_equal (back, new_content));
  g_assert_cmpuint (count_blobs (f, OWNER), ==, 1);
}

static void
test_edit_stale_version (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GBytes) content = g_bytes_new_static ("v", 1);
  g_autoptr(GBytes) other = g_bytes_new_static ("other", 5);
  g_autoptr(SbFile) file = upload (f, OWNER, "v.txt", "original", content, 0, NULL);
  g_autoptr(SbFile) first = edit (f, "v.txt", NULL, "first edit", NULL, 1, NULL);
  g_autoptr(SbFile) second = NULL;
  g_autoptr(GError) error = NULL;
  SbStagedContent *staged = stage (f, other, NULL);

  /* Someone edited it since this user loaded version 1. */
  second = edit (f, "v.txt", NULL, "stale edit", staged, 1, &error);
  g_assert_null (second);
  g_assert_error (error, SB_ERROR, SB_ERROR_CONFLICT);
  g_clear_object (&file);
  file = get (f, OWNER, "v.txt", NULL);
  g_assert_cmpstr (sb_file_get_description (file), ==, "first edit");
  /* The staged content of the refused edit is gone. */
  g_assert_cmpuint (count_blobs (f, OWNER), ==, 1);
}

static void
test_edit_invalid (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) content = g_bytes_new_static ("v", 1);
  g_autoptr(SbFile) file = upload (f, OWNER, "keep.txt", "same", content, 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) edited = edit (f, "keep.txt", "a/b", "new", NULL, -1, &error);

  g_assert_null (edited);
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  g_clear_object (&file);
  file = get (f, OWNER, "keep.txt", NULL);
  g_assert_cmpstr (sb_file_get_description (file), ==, "same");
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GBytes) content = g_bytes_new_static ("bye", 3);
  g_autoptr(SbFile) file = upload (f, OWNER, "bye.txt", "", content, 0, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (delete (f, OWNER, "bye.txt", 9, &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_CONFLICT);
  g_clear_error (&error);

  g_assert_true (delete (f, OWNER, "bye.txt", 1, &error));
  g_assert_no_error (error);
  g_assert_null (get (f, OWNER, "bye.txt", NULL));
  g_assert_cmpuint (count_blobs (f, OWNER), ==, 0);

  g_assert_false (delete (f, OWNER, "bye.txt", -1, &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "bye.txt"));
}

static SbFile *
restore (Fixture       *f,
         const char    *name,
         SbRestoreTier  tier,
         guint          days,
         GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_restore_async (f->library, OWNER, name, tier, days, NULL, sb_test_result_cb,
                            &result);
  return sb_library_restore_finish (f->library, sb_test_await (&result), error);
}

/* The embedded store has one class: nothing is archived, nothing restores,
 * and asking changes nothing. */
static void
test_restore_not_archived (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GBytes) content = g_bytes_new_static ("warm", 4);
  g_autoptr(SbFile) file = upload (f, OWNER, "warm.txt", "", content, 0, NULL);
  g_autoptr(SbFile) after = NULL;
  g_autoptr(SbFile) restored = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (sb_file_get_storage_class (file), ==, "STANDARD");
  restored = restore (f, "warm.txt", SB_RESTORE_TIER_STANDARD, 7, &error);
  g_assert_null (restored);
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“warm.txt” is not archived"));
  g_clear_error (&error);

  g_assert_null (restore (f, "warm.txt", SB_RESTORE_TIER_BULK, 0, &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "1 to 365 days"));
  g_clear_error (&error);
  g_assert_null (restore (f, "warm.txt", SB_RESTORE_TIER_BULK, SB_RESTORE_DAYS_MAX + 1, &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (restore (f, "gone.txt", SB_RESTORE_TIER_STANDARD, 7, &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "gone.txt"));

  after = get (f, OWNER, "warm.txt", NULL);
  g_assert_cmpint (sb_file_get_version (after), ==, sb_file_get_version (file));
  g_assert_cmpint (sb_file_get_restore_requested_at (after), ==, 0);
}

/* Downloads the way the web server does: asynchronous reads, a chunk at a
 * time; returns what was handed out before the stream ended or failed. */
static GBytes *
download_chunks (Fixture    *f,
                 const char *name,
                 GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) got = g_byte_array_new ();

  sb_library_open_async (f->library, OWNER, name, 0, -1, NULL, sb_test_result_cb, &result);
  stream = sb_library_open_finish (f->library, sb_test_await (&result), NULL, error);
  if (stream == NULL)
    return NULL;
  for (;;)
    {
      g_autoptr(GAsyncResult) chunk_result = NULL;
      g_autoptr(GBytes) chunk = NULL;

      g_input_stream_read_bytes_async (stream, 4096, G_PRIORITY_DEFAULT, NULL, sb_test_result_cb,
                                       &chunk_result);
      chunk = g_input_stream_read_bytes_finish (stream, sb_test_await (&chunk_result), error);
      if (chunk == NULL || g_bytes_get_size (chunk) == 0)
        break;
      g_byte_array_append (got, g_bytes_get_data (chunk, NULL), (guint) g_bytes_get_size (chunk));
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&got));
}

static char *
blob_file (Fixture *f,
           SbFile  *file)
{
  return g_build_filename (f->dir, "blobs", sb_file_get_object_key (file), NULL);
}

/* The one download rule (issue 7): content cut short in storage fails the
 * download, whichever way it is read. */
static void
test_download_short_content_fails (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GBytes) content = sb_test_random_bytes (20000, 11);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = upload (f, OWNER, "cut.bin", "", content, 0, &error);
  g_autofree char *path = blob_file (f, file);
  g_autoptr(GBytes) got = NULL;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (content, NULL), 15000, NULL));

  g_test_expect_message ("sb-core", G_LOG_LEVEL_WARNING, "content of “cut.bin” ended after*");
  got = download (f, OWNER, "cut.bin", 0, -1, &error);
  g_test_assert_expected_messages ();
  g_assert_error (error, SB_ERROR, SB_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "cut.bin"));
  g_clear_error (&error);
  g_clear_pointer (&got, g_bytes_unref);

  g_test_expect_message ("sb-core", G_LOG_LEVEL_WARNING, "content of “cut.bin” ended after*");
  got = download_chunks (f, "cut.bin", &error);
  g_test_assert_expected_messages ();
  g_assert_error (error, SB_ERROR, SB_ERROR_CORRUPT);
}

/* Damaged content fails its SHA-256, and the chunk that would complete it
 * is never handed out: no front end can deliver it as a whole file. A
 * range cannot be checked against the digest and reads as stored. */
static void
test_download_damaged_content_fails (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GBytes) content = sb_test_random_bytes (20000, 12);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = upload (f, OWNER, "bad.bin", "", content, 0, &error);
  g_autofree char *path = blob_file (f, file);
  g_autofree guint8 *damaged = g_memdup2 (g_bytes_get_data (content, NULL), 20000);
  g_autoptr(GBytes) got = NULL;

  g_assert_no_error (error);
  damaged[19999] ^= 0x01;
  g_assert_true (g_file_set_contents (path, (const char *) damaged, 20000, NULL));

  g_test_expect_message ("sb-core", G_LOG_LEVEL_WARNING, "content of “bad.bin” has SHA-256*");
  got = download_chunks (f, "bad.bin", &error);
  g_test_assert_expected_messages ();
  g_assert_error (error, SB_ERROR, SB_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_assert_cmpuint (g_bytes_get_size (got), <, 20000);
  g_clear_error (&error);
  g_clear_pointer (&got, g_bytes_unref);

  got = download (f, OWNER, "bad.bin", 100, 500, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 500);
}

/* An empty file is checked too (its digest is that of nothing). */
static void
test_download_empty_checked (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = upload (f, OWNER, "empty.txt", "", empty, 0, &error);
  g_autofree char *path = blob_file (f, file);
  g_autoptr(GBytes) got = NULL;

  g_assert_no_error (error);
  got = download_chunks (f, "empty.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
  g_clear_pointer (&got, g_bytes_unref);

  /* Bytes where there should be none: the file is longer than its record,
   * and only the recorded (empty) part is handed out. */
  g_assert_true (g_file_set_contents (path, "x", 1, NULL));
  got = download_chunks (f, "empty.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
}

static void
test_content_type_guess (void)
{
  const struct { const char *name, *declared, *expected; } cases[] = {
    { "a.png", NULL, "image/png" },
    { "a.txt", "application/octet-stream", "text/plain" },
    { "a.bin", "Text/CSV", "text/csv" },
    { "noext", NULL, "application/octet-stream" },
    { "a.png", "image/png\r\nX-Injected: 1", "image/png" },
    { "noext", "text/plain; charset=utf-8", "application/octet-stream" },
    { "noext", "a b/c", "application/octet-stream" },
    { "noext", "/", "application/octet-stream" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *type = sb_library_guess_content_type (cases[i].name, cases[i].declared);
      g_assert_cmpstr (type, ==, cases[i].expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/library/upload-list-download", test_upload_list_download);
  ADD ("/library/download-range", test_download_range);
  ADD ("/library/other-owner-not-found", test_other_owner_not_found);
  ADD ("/library/upload-existing-refused", test_upload_existing_refused);
  ADD ("/library/upload-replace-keeps-created", test_upload_replace_keeps_created);
  ADD ("/library/upload-too-large", test_upload_too_large);
  ADD ("/library/upload-bad-input", test_upload_bad_input);
  ADD ("/library/upload-failed-source", test_upload_failed_source);
  ADD ("/library/upload-progress", test_upload_progress);
  ADD ("/library/edit-description-and-rename", test_edit_description_and_rename);
  ADD ("/library/edit-rename-onto-existing", test_edit_rename_onto_existing);
  ADD ("/library/edit-replace-content", test_edit_replace_content);
  ADD ("/library/edit-stale-version", test_edit_stale_version);
  ADD ("/library/edit-invalid", test_edit_invalid);
  ADD ("/library/delete", test_delete);
  ADD ("/library/restore-not-archived", test_restore_not_archived);
  ADD ("/library/download/short-content-fails", test_download_short_content_fails);
  ADD ("/library/download/damaged-content-fails", test_download_damaged_content_fails);
  ADD ("/library/download/empty-checked", test_download_empty_checked);
#undef ADD
  g_test_add_func ("/library/content-type-guess", test_content_type_guess);
  return g_test_run ();
}
