/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desktop app on the AWS backend, end to end, against dynalite and
 * Ceph's RADOS Gateway on loopback (run under run-gui-test.sh --keyring):
 * Preferences' Test Connection with the keys as typed (RGW checks every
 * signature), saving them in the keyring, then opening the store the way
 * the app does (keys from the keyring) and signing up and uploading
 * through the real pages. Skipped when node, dynalite (tests/node) or Ceph
 * is not installed. */
#include "config.h"

#include "gui-test-util.h"
#include "sb-aws-test-util.h"
#include "sb-desktop-service.h"
#include "sb-preferences-window.h"
#include "sb-profile-page.h"
#include "sb-test-rgw.h"
#include "sb-test-util.h"
#include "sb-config.h"

#define PASSWORD "correct horse battery"
#define BUCKET   "storagebox-gui-test"

static void
configure (GSettings  *settings,
           const char *dynamodb,
           const char *s3)
{
  g_settings_set_enum (settings, "backend", SB_DESKTOP_BACKEND_AWS);
  g_settings_set_string (settings, "aws-region", "us-east-1");
  g_settings_set_string (settings, "aws-dynamodb-endpoint", dynamodb);
  g_settings_set_string (settings, "aws-s3-endpoint", s3);
  g_settings_set_string (settings, "aws-bucket", BUCKET);
}

/* What “storagebox-cli init” does, through core. */
static void
provision (const char *dynamodb,
           SbTestRgw  *rgw)
{
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(SbConfig) config = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbCheck) report = NULL;

  envp = g_environ_setenv (envp, "AWS_ACCESS_KEY_ID", sb_test_rgw_get_access_key (rgw), TRUE);
  envp = g_environ_setenv (envp, "AWS_SECRET_ACCESS_KEY", sb_test_rgw_get_secret_key (rgw), TRUE);
  config = sb_config_new ((const char * const *) envp);
  g_assert_true (sb_config_load (config, NULL, &error));
  g_assert_true (sb_config_set (config, "backend", "aws", &error));
  g_assert_true (sb_config_set (config, "region", "us-east-1", &error));
  g_assert_true (sb_config_set (config, "dynamodb-endpoint-url", dynamodb, &error));
  g_assert_true (sb_config_set (config, "s3-endpoint-url", sb_test_rgw_get_url (rgw), &error));
  g_assert_true (sb_config_set (config, "bucket", BUCKET, &error));
  sb_config_provision_async (config, NULL, sb_test_result_cb, &result);
  report = sb_config_provision_finish (config, sb_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_true (sb_check_get_usable (report));
}

static void
test_aws_end_to_end (void)
{
  g_autoptr(GError) error = NULL;
  SbTestNodeServer *dynalite = NULL;
  SbTestRgw *rgw = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  SbPreferencesWindow *preferences;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SbService) service = NULL;
  g_autoptr(SbStore) store = NULL;
  GuiFixture fixture = { 0 };
  g_autoptr(GBytes) content = sb_test_random_bytes (3 * 1024 * 1024 + 5, 7);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) listed = NULL;

  dynalite = sb_test_node_server_start ("dynalite", &error);
  if (dynalite != NULL)
    {
      rgw = sb_test_rgw_start (NULL, &error);
      if (rgw == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_assert_no_error (error);
    }
  if (rgw == NULL)
    {
      g_test_skip (error->message);
      g_clear_pointer (&dynalite, sb_test_node_server_stop);
      return;
    }
  configure (settings, sb_test_node_server_get_url (dynalite), sb_test_rgw_get_url (rgw));
  provision (sb_test_node_server_get_url (dynalite), rgw);

  /* Test Connection with the keys as typed, then save them. */
  preferences = sb_preferences_window_new (NULL, NULL);
  gtk_window_present (GTK_WINDOW (preferences));
  gui_set_text (preferences, SB_TYPE_PREFERENCES_WINDOW, "access_key_row",
                sb_test_rgw_get_access_key (rgw));
  gui_set_text (preferences, SB_TYPE_PREFERENCES_WINDOW, "secret_key_row",
                sb_test_rgw_get_secret_key (rgw));
  gui_click (preferences, SB_TYPE_PREFERENCES_WINDOW, "check_button");
  GUI_WAIT_UNTIL (!sb_preferences_window_get_busy (preferences));
  g_test_message ("report:\n%s", sb_preferences_window_get_report (preferences));
  g_assert_null (strstr (sb_preferences_window_get_report (preferences), "✗"));
  /* It names where things come from in the app's own words, not as flags
   * or environment variables. */
  g_assert_nonnull (strstr (sb_preferences_window_get_report (preferences),
                            "(from Preferences)"));
  g_assert_null (strstr (sb_preferences_window_get_report (preferences), "environment"));
  g_assert_null (strstr (sb_preferences_window_get_report (preferences), "(from --"));
  g_assert_false (gtk_widget_has_css_class (gui_child (preferences, SB_TYPE_PREFERENCES_WINDOW,
                                                       "check_row"), "error"));
  gui_click (preferences, SB_TYPE_PREFERENCES_WINDOW, "save_keys_button");
  GUI_WAIT_UNTIL (!sb_preferences_window_get_busy (preferences));
  gtk_window_destroy (GTK_WINDOW (preferences));

  /* Open the store as the app does: settings, keys from the keyring. */
  sb_desktop_service_open_async (settings, NULL, NULL, sb_test_result_cb, &result);
  service = sb_desktop_service_open_finish (sb_test_await (&result), &error);
  g_assert_no_error (error);
  store = g_object_ref (sb_service_get_store (service));
  g_clear_object (&service);

  /* Sign up and upload through the pages, on DynamoDB and S3. */
  fixture.dir = sb_test_make_tmpdir ("sb-gui-aws-XXXXXX");
  fixture.store = g_steal_pointer (&store);
  fixture.accounts = sb_accounts_new (fixture.store);
  fixture.library = sb_library_new (fixture.store, SB_DEFAULT_MAX_FILE_SIZE);
  fixture.window = gui_fixture_new_window (&fixture, FALSE);
  sb_window_start (fixture.window);
  gui_sign_up (fixture.window, "ada", "ada@example.com", PASSWORD);
  file = gui_write_file (fixture.dir, "on-s3.bin", content);
  gui_upload (fixture.window, "Kept in S3", &file, 1);
  g_clear_object (&result);
  sb_library_list_async (fixture.library, "ada", NULL, sb_test_result_cb, &result);
  listed = sb_library_list_finish (fixture.library, sb_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (sb_file_get_description (g_ptr_array_index (listed, 0)), ==, "Kept in S3");
  g_assert_cmpuint (sb_file_get_size (g_ptr_array_index (listed, 0)), ==,
                    g_bytes_get_size (content));

  g_clear_pointer (&listed, g_ptr_array_unref);
  /* The result is a task that holds the library. */
  g_clear_object (&result);
  gui_fixture_teardown (&fixture, NULL);
  g_settings_reset (settings, "backend");
  sb_test_rgw_stop (rgw);
  sb_test_node_server_stop (dynalite);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/gui/aws/test-connection-keyring-sign-up-upload", test_aws_end_to_end);
  return g_test_run ();
}
