/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include <gio/gunixinputstream.h>

#include "sb-local-store.h"
#include "sb-test-util.h"
#include "store-conformance.h"

static SbStore *
local_open (gpointer *backend_data)
{
  g_autoptr(GError) error = NULL;
  char *dir = sb_test_make_tmpdir ("sb-local-store-XXXXXX");
  SbLocalStore *store = sb_local_store_new (dir, &error);

  g_assert_no_error (error);
  *backend_data = dir;
  return SB_STORE (store);
}

static void
local_close (SbStore  *store,
             gpointer  backend_data)
{
  sb_test_assert_finalized (store);
  sb_test_rm_rf (backend_data);
  g_free (backend_data);
}

/* Complete blobs of the owner plus any partial write in progress. */
static guint
local_count_blobs (gpointer    backend_data,
                   const char *owner)
{
  g_autofree char *blobs = g_build_filename (backend_data, "blobs", owner, NULL);
  g_autofree char *tmp = g_build_filename (backend_data, "tmp", NULL);

  return sb_test_count_files (blobs) + sb_test_count_files (tmp);
}

/* What a writer that died leaves: an unlocked temporary file, unchanged
 * for a while. */
static SbBlobInfo *
local_plant_upload (gpointer    backend_data,
                    const char *owner,
                    GError    **error)
{
  g_autofree char *id = g_strdup_printf ("%032x", g_random_int ());
  g_autofree char *path = g_build_filename (backend_data, "tmp", id, NULL);
  struct utimbuf long_ago = { .actime = time (NULL) - 3600, .modtime = time (NULL) - 3600 };
  SbBlobInfo *info;

  g_assert_true (g_file_set_contents (path, "partial", -1, NULL));
  g_assert_cmpint (utime (path, &long_ago), ==, 0);
  info = sb_blob_info_new (NULL, 7, (gint64) long_ago.modtime * G_USEC_PER_SEC);
  info->upload_id = g_steal_pointer (&id);
  return info;
}

static const SbStoreBackend local_backend = {
  .name = "local",
  .open = local_open,
  .close = local_close,
  .count_blobs = local_count_blobs,
  .plant_upload = local_plant_upload,
};

/* What only the local store promises: its files survive a reopen, and a
 * crash's leftovers in tmp/ are swept at start-up, but not what another
 * process (a server beside the CLI) is writing right now: its file is
 * locked. */
static void
test_reopen_keeps_data_and_sweeps_tmp (void)
{
  g_autofree char *dir = sb_test_make_tmpdir ("sb-local-reopen-XXXXXX");
  g_autofree char *tmp_file = g_build_filename (dir, "tmp", "leftover", NULL);
  g_autofree char *recent = g_build_filename (dir, "tmp", "recent", NULL);
  g_autofree char *busy = g_build_filename (dir, "tmp", "busy", NULL);
  struct utimbuf long_ago = { .actime = time (NULL) - 600, .modtime = time (NULL) - 600 };
  int busy_fd;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  SbLocalStore *store = sb_local_store_new (dir, &error);
  g_autoptr(SbUser) user = sb_user_new ("keeper", "k@example.com", "h", "user", 1, 1);
  g_autoptr(SbUser) got = NULL;

  g_assert_no_error (error);
  sb_store_user_create_async (SB_STORE (store), user, NULL, sb_test_result_cb, &result);
  g_assert_true (sb_store_user_create_finish (SB_STORE (store), sb_test_await (&result), &error));
  g_clear_object (&result);
  sb_test_assert_finalized (store);

  g_assert_true (g_file_set_contents (tmp_file, "partial", -1, NULL));
  g_assert_cmpint (utime (tmp_file, &long_ago), ==, 0);
  g_assert_true (g_file_set_contents (recent, "partial", -1, NULL));
  g_assert_true (g_file_set_contents (busy, "partial", -1, NULL));
  g_assert_cmpint (utime (busy, &long_ago), ==, 0);
  busy_fd = g_open (busy, O_RDONLY, 0);
  g_assert_cmpint (flock (busy_fd, LOCK_EX), ==, 0);
  store = sb_local_store_new (dir, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (tmp_file, G_FILE_TEST_EXISTS));
  /* A few minutes' grace covers a writer between creating and locking. */
  g_assert_true (g_file_test (recent, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (busy, G_FILE_TEST_EXISTS));
  close (busy_fd);

  sb_store_user_get_async (SB_STORE (store), "keeper", NULL, sb_test_result_cb, &result);
  got = sb_store_user_get_finish (SB_STORE (store), sb_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_user_get_email (got), ==, "k@example.com");

  g_clear_object (&result);
  sb_test_assert_finalized (store);
  sb_test_rm_rf (dir);
}

/* An upload in flight is listed as active, and nothing (fsck included)
 * can discard it from under its writer. */
static void
test_upload_in_flight_is_locked (void)
{
  g_autofree char *dir = sb_test_make_tmpdir ("sb-local-inflight-XXXXXX");
  g_autofree char *tmp_dir = g_build_filename (dir, "tmp", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) written = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GAsyncResult) discarded = NULL;
  g_autoptr(GPtrArray) uploads = NULL;
  g_autoptr(GInputStream) source = NULL;
  g_autofree char *key = NULL;
  SbLocalStore *store = sb_local_store_new (dir, &error);
  SbBlobInfo *upload = NULL;
  int pipe_fds[2];

  g_assert_no_error (error);
  g_assert_cmpint (pipe (pipe_fds), ==, 0);
  source = g_unix_input_stream_new (pipe_fds[0], TRUE);
  g_assert_cmpint (write (pipe_fds[1], "first part", 10), ==, 10);
  sb_store_blob_write_async (SB_STORE (store), "writer", "slow.bin", NULL, source, -1, NULL,
                             sb_test_result_cb, &written);
  while (sb_test_count_files (tmp_dir) == 0)
    g_main_context_iteration (NULL, TRUE);

  sb_store_upload_list_async (SB_STORE (store), NULL, sb_test_result_cb, &listed);
  uploads = sb_store_upload_list_finish (SB_STORE (store), sb_test_await (&listed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uploads->len, ==, 1);
  upload = uploads->pdata[0];
  g_assert_true (upload->active);

  sb_store_upload_discard_async (SB_STORE (store), upload, NULL, sb_test_result_cb, &discarded);
  g_assert_false (sb_store_upload_discard_finish (SB_STORE (store), sb_test_await (&discarded),
                                                  &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  g_assert_cmpint (write (pipe_fds[1], " and the rest", 13), ==, 13);
  close (pipe_fds[1]);
  key = sb_store_blob_write_finish (SB_STORE (store), sb_test_await (&written), NULL, NULL,
                                    &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpuint (sb_test_count_files (tmp_dir), ==, 0);

  g_clear_object (&written);
  g_clear_object (&listed);
  g_clear_object (&discarded);
  sb_test_assert_finalized (store);
  sb_test_rm_rf (dir);
}

static void
test_unusable_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = sb_test_make_tmpdir ("sb-local-bad-XXXXXX");
  g_autofree char *file = g_build_filename (dir, "not-a-dir", NULL);
  SbLocalStore *store;

  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  store = sb_local_store_new (file, &error);
  g_assert_null (store);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "not-a-dir"));
  sb_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/local/reopen-keeps-data-and-sweeps-tmp",
                   test_reopen_keeps_data_and_sweeps_tmp);
  g_test_add_func ("/store/local/unusable-data-dir", test_unusable_data_dir);
  g_test_add_func ("/store/local/upload-in-flight-is-locked", test_upload_in_flight_is_locked);
  sb_store_conformance_add_tests (&local_backend);
  return sb_store_conformance_run ();
}
