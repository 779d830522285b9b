/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The RGW fixture itself: it answers signed requests with the keys it
 * hands out and refuses others, and it leaves nothing behind — not when
 * stopped, not when the test process dies, and without Ceph installed the
 * tests say why they skip. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "sb-aws-error.h"
#include "sb-aws-s3.h"
#include "sb-aws-test-util.h"
#include "sb-test-rgw.h"

static SbAwsS3 *
make_s3 (SbTestRgw  *rgw,
         const char *secret)
{
  g_auto(GStrv) env = NULL;
  g_autoptr(SbAwsConfig) config = NULL;
  g_autoptr(SbAwsCredentials) creds =
    sb_aws_credentials_new (sb_test_rgw_get_access_key (rgw), secret, NULL, 0);
  g_autoptr(SbAwsCredentialsProvider) provider = sb_aws_credentials_provider_new_static (creds);
  g_autoptr(SbAwsClient) client = NULL;

  env = g_environ_setenv (env, "AWS_ENDPOINT_URL_S3", sb_test_rgw_get_url (rgw), TRUE);
  env = g_environ_setenv (env, "AWS_REGION", sb_test_rgw_get_region (rgw), TRUE);
  config = sb_aws_config_new ((const char * const *) env);
  client = sb_aws_client_new (config, provider);
  sb_aws_client_set_max_attempts (client, 1);
  return sb_aws_s3_new (client);
}

/* Processes whose command line names @dir's ceph.conf and that have not
 * exited (zombies count as gone: they run nothing). */
static guint
count_daemons (const char *dir)
{
  g_autofree char *conf = g_build_filename (dir, "ceph.conf", NULL);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint count = 0;

  while (proc && (name = g_dir_read_name (proc)))
    {
      g_autofree char *cmdline_path = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *cmdline = NULL;
      g_autofree char *stat = NULL;
      gsize length = 0;
      const char *state;
      gboolean mentions = FALSE;

      if (!g_ascii_isdigit (name[0]) ||
          !g_file_get_contents (cmdline_path, &cmdline, &length, NULL) ||
          !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      for (gsize i = 0; i < length; i += strlen (cmdline + i) + 1)
        mentions |= g_str_equal (cmdline + i, conf);
      state = strrchr (stat, ')');
      if (mentions && state != NULL && state[1] == ' ' && state[2] != 'Z')
        count++;
    }
  return count;
}

static gboolean
gone_within (const char *dir,
             guint       seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      if (count_daemons (dir) == 0 && !g_file_test (dir, G_FILE_TEST_EXISTS))
        return TRUE;
      g_usleep (20000);
    }
  return FALSE;
}

static void
test_signed_requests (void)
{
  g_autoptr(GError) error = NULL;
  SbTestRgw *rgw = sb_test_rgw_start (NULL, &error);
  g_autoptr(SbAwsS3) s3 = NULL;
  g_autoptr(SbAwsS3) forged = NULL;
  g_autoptr(GAsyncResult) created = NULL;
  g_autoptr(GAsyncResult) put = NULL;
  g_autoptr(GAsyncResult) head = NULL;
  g_autoptr(GAsyncResult) refused = NULL;
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_data ("hello", 5, NULL);
  g_autoptr(SbAwsS3ObjectInfo) info = NULL;
  g_autoptr(SbAwsS3ObjectInfo) none = NULL;
  g_autofree char *dir = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_test_skip (SB_TEST_RGW_MISSING);
      return;
    }
  g_assert_no_error (error);
  dir = g_strdup (sb_test_rgw_get_dir (rgw));
  g_assert_cmpuint (count_daemons (dir), ==, 3);

  s3 = make_s3 (rgw, sb_test_rgw_get_secret_key (rgw));
  sb_aws_s3_create_bucket_async (s3, "fixture", NULL, sb_test_result_cb, &created);
  g_assert_true (sb_aws_s3_create_bucket_finish (s3, sb_test_await (&created), &error));
  g_assert_no_error (error);
  sb_aws_s3_put_object_async (s3, "fixture", "k", source, 5, "text/plain", NULL, NULL,
                              sb_test_result_cb, &put);
  g_assert_true (sb_aws_s3_put_object_finish (s3, sb_test_await (&put), NULL, NULL, &error));
  g_assert_no_error (error);
  sb_aws_s3_head_object_async (s3, "fixture", "k", NULL, sb_test_result_cb, &head);
  info = sb_aws_s3_head_object_finish (s3, sb_test_await (&head), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->size, ==, 5);

  /* Unlike s3rver, it checks every signature. */
  forged = make_s3 (rgw, "not-the-secret");
  sb_aws_s3_head_object_async (forged, "fixture", "k", NULL, sb_test_result_cb, &refused);
  none = sb_aws_s3_head_object_finish (forged, sb_test_await (&refused), &error);
  g_assert_null (none);
  g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_ACCESS_DENIED);
  g_clear_error (&error);

  g_clear_object (&s3);
  g_clear_object (&forged);
  sb_test_rgw_stop (rgw);
  /* Killed and reaped before stop returns, the directory removed. */
  g_assert_cmpuint (count_daemons (dir), ==, 0);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

/* Where the child says which directory its cluster lives in. */
static char *
note_path (pid_t parent)
{
  g_autofree char *name = g_strdup_printf ("sb-rgw-death-%d", (int) parent);
  return g_build_filename (g_get_tmp_dir (), name, NULL);
}

static void
test_dies_with_test (void)
{
  g_autofree char *note = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *radosgw = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      SbTestRgw *rgw = sb_test_rgw_start (NULL, &error);

      g_assert_no_error (error);
      note = note_path (getppid ());
      g_file_set_contents (note, sb_test_rgw_get_dir (rgw), -1, &error);
      g_assert_no_error (error);
      /* As a failed assertion would, without stopping anything. */
      kill (getpid (), SIGKILL);
      return;
    }
  radosgw = g_find_program_in_path ("radosgw");
  if (radosgw == NULL)
    {
      g_test_skip (SB_TEST_RGW_MISSING);
      return;
    }
  g_test_trap_subprocess (NULL, 90 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_failed ();
  note = note_path (getpid ());
  g_assert_true (g_file_get_contents (note, &dir, NULL, NULL));
  g_unlink (note);
  g_test_message ("the dead test's cluster was in %s", dir);
  g_assert_true (gone_within (dir, 10));
}

static void
test_not_installed (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      SbTestRgw *rgw;

      g_setenv ("PATH", "/nonexistent", TRUE);
      rgw = sb_test_rgw_start (NULL, &error);
      g_assert_null (rgw);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      g_assert_true (g_str_has_prefix (error->message, SB_TEST_RGW_MISSING));
      g_print ("%s\n", error->message);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("radosgw not installed (no ceph-mon in PATH)*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/aws/rgw/signed-requests", test_signed_requests);
  g_test_add_func ("/aws/rgw/dies-with-test", test_dies_with_test);
  g_test_add_func ("/aws/rgw/not-installed", test_not_installed);
  return g_test_run ();
}
