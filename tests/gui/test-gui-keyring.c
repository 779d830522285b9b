/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs under run-gui-test.sh --keyring: a private, unlocked gnome-keyring. */
#include "config.h"

#include "gui-test-util.h"
#include "sb-keyring.h"
#include "sb-profile-page.h"
#include "sb-test-util.h"

#define PASSWORD "correct horse battery"

static char *
lookup_session (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  sb_keyring_lookup_session_async (NULL, sb_test_result_cb, &result);
  token = sb_keyring_lookup_session_finish (sb_test_await (&result), &error);
  g_assert_no_error (error);
  return token;
}

static void
test_session (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *none = NULL;

  sb_keyring_store_session_async ("ada", "token-one", NULL, sb_test_result_cb, &result);
  g_assert_true (sb_keyring_store_session_finish (sb_test_await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* Only the last log-in is remembered. */
  sb_keyring_store_session_async ("grace", "token-two", NULL, sb_test_result_cb, &result);
  g_assert_true (sb_keyring_store_session_finish (sb_test_await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  token = lookup_session ();
  g_assert_cmpstr (token, ==, "token-two");

  sb_keyring_clear_session_async (NULL, sb_test_result_cb, &result);
  g_assert_true (sb_keyring_clear_session_finish (sb_test_await (&result), &error));
  g_assert_no_error (error);
  none = lookup_session ();
  g_assert_null (none);
}

static void
test_credentials (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key_id = NULL;
  g_autofree char *secret = NULL;

  sb_keyring_store_credentials_async ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", NULL,
                                      sb_test_result_cb, &result);
  g_assert_true (sb_keyring_store_credentials_finish (sb_test_await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  sb_keyring_lookup_credentials_async (NULL, sb_test_result_cb, &result);
  g_assert_true (sb_keyring_lookup_credentials_finish (sb_test_await (&result), &key_id, &secret,
                                                       &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (key_id, ==, "AKIDEXAMPLE");
  g_assert_cmpstr (secret, ==, "wJalrXUtnFEMI/K7MDENG");
  g_clear_pointer (&key_id, g_free);
  g_clear_pointer (&secret, g_free);

  /* Empty fields remove the keys. */
  sb_keyring_store_credentials_async ("", "", NULL, sb_test_result_cb, &result);
  g_assert_true (sb_keyring_store_credentials_finish (sb_test_await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  sb_keyring_lookup_credentials_async (NULL, sb_test_result_cb, &result);
  g_assert_true (sb_keyring_lookup_credentials_finish (sb_test_await (&result), &key_id, &secret,
                                                       &error));
  g_assert_null (key_id);
  g_assert_null (secret);
}

/* Log in once; a new window (the next start) is logged in straight away;
 * log out forgets it. */
static void
test_stay_logged_in (GuiFixture    *f,
                     gconstpointer  data)
{
  SbWindow *first;
  SbWindow *second;
  g_autofree char *token = NULL;
  g_autofree char *none = NULL;

  gtk_window_destroy (GTK_WINDOW (f->window));
  first = gui_fixture_new_window (f, TRUE);
  f->window = first;
  sb_window_start (first);
  GUI_WAIT_UNTIL (g_strcmp0 (sb_window_get_visible_page (first), "home") == 0);
  gui_sign_up (first, "ada", "ada@example.com", PASSWORD);
  GUI_WAIT_UNTIL ((token = lookup_session ()) != NULL);
  g_assert_cmpstr (token, ==, sb_session_get_token (sb_window_get_session (first)));
  gtk_window_destroy (GTK_WINDOW (first));

  second = gui_fixture_new_window (f, TRUE);
  f->window = second;
  sb_window_start (second);
  GUI_WAIT_UNTIL (g_strcmp0 (sb_window_get_visible_page (second), "profile") == 0);
  g_assert_cmpstr (sb_window_get_username (second), ==, "ada");

  gtk_widget_activate_action (GTK_WIDGET (second), "win.log-out", NULL);
  g_assert_cmpstr (sb_window_get_visible_page (second), ==, "home");
  GUI_WAIT_UNTIL ((none = lookup_session ()) == NULL);
}

/* A remembered session the store no longer accepts leads to Home, and is
 * forgotten. */
static void
test_stale_session (GuiFixture    *f,
                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *none = NULL;
  SbWindow *window;

  sb_keyring_store_session_async ("ada", "not-a-token", NULL, sb_test_result_cb, &result);
  g_assert_true (sb_keyring_store_session_finish (sb_test_await (&result), &error));
  gtk_window_destroy (GTK_WINDOW (f->window));
  window = gui_fixture_new_window (f, TRUE);
  f->window = window;
  sb_window_start (window);
  GUI_WAIT_UNTIL (g_strcmp0 (sb_window_get_visible_page (window), "home") == 0);
  GUI_WAIT_UNTIL ((none = lookup_session ()) == NULL);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/keyring/session", test_session);
  g_test_add_func ("/keyring/credentials", test_credentials);
  g_test_add ("/keyring/window/stay-logged-in", GuiFixture, NULL, gui_fixture_setup,
              test_stay_logged_in, gui_fixture_teardown);
  g_test_add ("/keyring/window/stale-session", GuiFixture, NULL, gui_fixture_setup,
              test_stale_session, gui_fixture_teardown);

  return g_test_run ();
}
