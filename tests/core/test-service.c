/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-await.h"
#include "sb-core-private.h"
#include "sb-error.h"
#include "sb-service.h"
#include "sb-test-util.h"

#define OWNER "kate"

typedef struct
{
  char      *dir;
  SbService *service;
  GThread   *finalized_in;
  gboolean   finalized;
} Fixture;

static void
finalized_cb (gpointer  data,
              GObject  *where_the_object_was)
{
  Fixture *f = data;

  f->finalized_in = g_thread_self ();
  f->finalized = TRUE;
}

/* The embedded store in a directory of its own, with a limit of 1 KiB:
 * what a front end gets from its configuration. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *xdg = NULL;
  g_autofree char *none = NULL;
  g_auto(GStrv) env = NULL;
  g_autoptr(SbConfig) config = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = sb_test_make_tmpdir ("sb-service-XXXXXX");
  data_dir = g_build_filename (f->dir, "data", NULL);
  xdg = g_build_filename (f->dir, "config", NULL);
  none = g_build_filename (f->dir, "no-such.conf", NULL);
  env = g_environ_setenv (NULL, "HOME", f->dir, TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", xdg, TRUE);
  env = g_environ_setenv (env, "STORAGEBOX_DATA_DIR", data_dir, TRUE);
  env = g_environ_setenv (env, "STORAGEBOX_MAX_UPLOAD_SIZE", "1KiB", TRUE);

  config = sb_config_new ((const char * const *) env);
  sb_config_set_system_file (config, none);
  g_assert_true (sb_config_load (config, NULL, &error));
  g_assert_no_error (error);

  sb_service_open_async (config, NULL, sb_await_cb, &result);
  f->service = sb_service_open_finish (sb_await (&result), &error);
  g_assert_no_error (error);
  g_assert_true (SB_IS_SERVICE (f->service));
  g_object_weak_ref (G_OBJECT (sb_service_get_store (f->service)), finalized_cb, f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->service != NULL)
    sb_test_assert_finalized (g_steal_pointer (&f->service));
  sb_test_rm_rf (f->dir);
  g_free (f->dir);
}

static SbFile *
upload (Fixture  *f,
        gsize     size,
        GError  **error)
{
  SbLibrary *library = sb_service_get_library (f->service);
  g_autoptr(GBytes) bytes = sb_test_random_bytes (size, 7);
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *name = g_strdup_printf ("file-%" G_GSIZE_FORMAT ".bin", size);

  sb_library_upload_async (library, OWNER, name, "", "application/octet-stream", source,
                           (gint64) size, SB_UPLOAD_NONE, NULL, NULL, NULL, sb_await_cb,
                           &result);
  return sb_library_upload_finish (library, sb_await (&result), error);
}

static guint
count_blobs (Fixture *f)
{
  g_autofree char *blobs = g_build_filename (f->dir, "data", "blobs", OWNER, NULL);
  g_autofree char *tmp = g_build_filename (f->dir, "data", "tmp", NULL);

  return sb_test_count_files (blobs) + sb_test_count_files (tmp);
}

static void
close_service (Fixture   *f,
               GTimeSpan  timeout,
               GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_service_close_async (f->service, timeout, NULL, sb_await_cb, &result);
  sb_service_close_finish (f->service, sb_await (&result), error);
}

/* Opened from a configuration: the embedded store in the configured
 * directory, accounts and library on it, the configured limit enforced. */
static void
test_open_local (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SbFile) small = NULL;
  g_autoptr(SbFile) big = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_build_filename (f->dir, "data", NULL);

  g_assert_true (SB_IS_ACCOUNTS (sb_service_get_accounts (f->service)));
  g_assert_true (SB_IS_LIBRARY (sb_service_get_library (f->service)));
  g_assert_true (sb_library_get_store (sb_service_get_library (f->service)) ==
                 sb_service_get_store (f->service));
  g_assert_true (sb_accounts_get_store (sb_service_get_accounts (f->service)) ==
                 sb_service_get_store (f->service));
  g_assert_true (g_file_test (data_dir, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (sb_library_get_max_file_size (sb_service_get_library (f->service)), ==,
                    1024);

  small = upload (f, 1024, &error);
  g_assert_no_error (error);
  g_assert_nonnull (small);
  big = upload (f, 1025, &error);
  g_assert_error (error, SB_ERROR, SB_ERROR_TOO_LARGE);
  g_assert_null (big);
  g_clear_error (&error);

  close_service (f, SB_SERVICE_CLOSE_TIMEOUT, &error);
  g_assert_no_error (error);
  g_assert_true (f->finalized);
  g_assert_true (f->finalized_in == g_thread_self ());
}

/* Content staged for an upload that is then given up is deleted in the
 * background (as are the bytes of a deleted or replaced file): closing right
 * after waits for that, and the store ends in this thread. */
static void
test_close_waits_for_deletion (Fixture       *f,
                               gconstpointer  data)
{
  SbLibrary *library = sb_service_get_library (f->service);
  g_autoptr(GBytes) bytes = sb_test_random_bytes (1000, 9);
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbStagedContent *content;

  sb_library_stage_async (library, OWNER, "given-up.bin", NULL, source, -1, NULL, NULL, NULL,
                          sb_await_cb, &result);
  content = sb_library_stage_finish (library, sb_await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (content);
  g_clear_object (&result);
  g_assert_cmpuint (count_blobs (f), ==, 1);

  /* Starts the deletion; nothing has run it yet when closing starts. */
  sb_staged_content_free (content);
  close_service (f, SB_SERVICE_CLOSE_TIMEOUT, &error);
  g_assert_no_error (error);
  g_assert_true (f->finalized);
  g_assert_true (f->finalized_in == g_thread_self ());
  g_assert_cmpuint (count_blobs (f), ==, 0);
}

static gpointer
hold_then_release (gpointer store)
{
  g_usleep (200 * 1000);
  g_object_unref (store);
  return NULL;
}

/* Whatever holds the store (here a worker thread) is waited for, within
 * the timeout, and the store is finalized here, not in the worker. */
static void
test_close_waits_for_holder (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GThread *worker = g_thread_new ("holder", hold_then_release,
                                  g_object_ref (sb_service_get_store (f->service)));
  gint64 started = g_get_monotonic_time ();

  close_service (f, SB_SERVICE_CLOSE_TIMEOUT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 150 * G_TIME_SPAN_MILLISECOND);
  g_assert_true (f->finalized);
  g_assert_true (f->finalized_in == g_thread_self ());
  g_thread_join (worker);
}

/* The wait is bounded: a holder that does not let go in time is reported. */
static void
test_close_timeout (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GThread *worker = g_thread_new ("holder", hold_then_release,
                                  g_object_ref (sb_service_get_store (f->service)));

  close_service (f, 20 * G_TIME_SPAN_MILLISECOND, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_false (f->finalized);
  g_thread_join (worker);
  g_assert_true (f->finalized);
}

/* A store that cannot open: core's sentence for users, and the backend's
 * explanation as the error's detail, for a terminal or a log. */
static void
test_open_unavailable (void)
{
  g_autofree char *dir = sb_test_make_tmpdir ("sb-service-XXXXXX");
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_autofree char *data_dir = g_build_filename (file, "data", NULL);
  g_autofree char *none = g_build_filename (dir, "no-such.conf", NULL);
  g_auto(GStrv) env = NULL;
  g_autoptr(SbConfig) config = NULL;
  g_autoptr(SbService) service = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) copy = NULL;

  g_assert_true (g_file_set_contents (file, "not a directory", -1, NULL));
  env = g_environ_setenv (NULL, "HOME", dir, TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", dir, TRUE);
  env = g_environ_setenv (env, "STORAGEBOX_DATA_DIR", data_dir, TRUE);
  config = sb_config_new ((const char * const *) env);
  sb_config_set_system_file (config, none);
  g_assert_true (sb_config_load (config, NULL, NULL));

  sb_service_open_async (config, NULL, sb_await_cb, &result);
  service = sb_service_open_finish (sb_await (&result), &error);
  g_assert_null (service);
  g_assert_error (error, SB_ERROR, SB_ERROR_UNAVAILABLE);
  g_assert_nonnull (sb_error_get_detail (error));
  g_assert_cmpstr (sb_error_get_detail (error), !=, error->message);
  g_test_message ("message: %s; detail: %s", error->message, sb_error_get_detail (error));
  /* The detail travels with the error. */
  copy = g_error_copy (error);
  g_assert_cmpstr (sb_error_get_detail (copy), ==, sb_error_get_detail (error));
  g_assert_null (sb_error_get_detail (NULL));
  sb_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/service/open-local-with-configured-limit", test_open_local);
  ADD ("/service/close/waits-for-deletion", test_close_waits_for_deletion);
  ADD ("/service/close/waits-for-holder", test_close_waits_for_holder);
  ADD ("/service/close/bounded", test_close_timeout);
#undef ADD
  g_test_add_func ("/service/open/unavailable-has-detail", test_open_unavailable);
  return g_test_run ();
}
