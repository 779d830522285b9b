/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two storagebox-server processes on one AWS backend (dynalite + RGW), as
 * behind a load balancer: a session made through either is valid on both,
 * a log-out through either ends it on both, and files uploaded through one
 * are served by the other. */
#include "config.h"

#include "sb-test-util.h"
#include "server-fixture.h"

static SbTestServer *one;
static SbTestServer *two;

static char *
unique_user (const char *prefix)
{
  static guint counter;
  return g_strdup_printf ("%s%u%04x", prefix, ++counter, g_random_int_range (0, 0xffff));
}

/* A browser whose requests the load balancer sends to @server, carrying
 * the session cookie @from got. */
static SbTestClient *
same_browser_on (SbTestServer *server,
                 SbTestClient *from)
{
  SbTestClient *client = sb_test_client_new (server);
  g_autofree char *session = sb_test_client_cookie (from, "sb_session");

  g_assert_nonnull (session);
  sb_test_client_set_cookie (client, "sb_session", session);
  return client;
}

static void
log_out (SbTestClient *client)
{
  g_autofree char *csrf = sb_test_form_csrf (client, "/profile");
  g_autoptr(SbTestResponse) response = sb_test_post_form (client, "/logout", "csrf", csrf, NULL);

  sb_test_assert_redirect (response, "/");
}

static void
assert_logged_in (SbTestClient *client)
{
  g_autoptr(SbTestResponse) profile = sb_test_get (client, "/profile");
  sb_test_assert_status (profile, SOUP_STATUS_OK);
}

static void
assert_logged_out (SbTestClient *client)
{
  g_autoptr(SbTestResponse) profile = sb_test_get (client, "/profile");
  sb_test_assert_redirect (profile, "/login?next=/profile");
}

static void
test_session_on_both (void)
{
  g_autofree char *username = unique_user ("lb");
  SbTestClient *on_one = sb_test_client_new (one);
  SbTestClient *on_two = NULL;

  sb_test_sign_up (on_one, username, "balanced-password");
  on_two = same_browser_on (two, on_one);
  assert_logged_in (on_one);
  assert_logged_in (on_two);

  /* Logging out through the second ends the session made on the first. */
  log_out (on_two);
  assert_logged_out (on_two);
  sb_test_client_set_cookie (on_two, "sb_session", "");
  {
    SbTestClient *again = same_browser_on (one, on_one);
    assert_logged_out (again);
    sb_test_client_free (again);
  }
  sb_test_client_free (on_one);
  sb_test_client_free (on_two);
}

static void
test_log_out_through_first (void)
{
  g_autofree char *username = unique_user ("lb");
  SbTestClient *first = sb_test_client_new (one);
  SbTestClient *login = sb_test_client_new (two);
  SbTestClient *on_one = NULL;
  g_autofree char *csrf = NULL;
  g_autoptr(SbTestResponse) response = NULL;

  sb_test_sign_up (first, username, "balanced-password");
  log_out (first);

  /* Log in through the second, log out through the first. */
  csrf = sb_test_form_csrf (login, "/login");
  response = sb_test_post_form (login, "/login", "csrf", csrf, "username", username, "password",
                                "balanced-password", NULL);
  sb_test_assert_redirect (response, "/profile");
  on_one = same_browser_on (one, login);
  assert_logged_in (on_one);
  log_out (on_one);
  assert_logged_out (login);

  sb_test_client_free (first);
  sb_test_client_free (login);
  sb_test_client_free (on_one);
}

static void
test_files_on_both (void)
{
  g_autofree char *username = unique_user ("lb");
  SbTestClient *on_one = sb_test_client_new (one);
  SbTestClient *on_two = NULL;
  g_autoptr(GBytes) content = sb_test_random_bytes (300000, 9);
  g_autoptr(SbTestResponse) upload = NULL;
  g_autoptr(SbTestResponse) list = NULL;
  g_autoptr(SbTestResponse) download = NULL;
  g_autofree char *path = sb_test_file_path ("shared.bin", "download");

  sb_test_sign_up (on_one, username, "balanced-password");
  upload = sb_test_upload (on_one, "shared.bin", "through one", content, FALSE);
  sb_test_assert_redirect (upload, "/files");

  on_two = same_browser_on (two, on_one);
  list = sb_test_get (on_two, "/files");
  sb_test_assert_contains (list, "shared.bin");
  sb_test_assert_contains (list, "through one");
  download = sb_test_get (on_two, path);
  sb_test_assert_status (download, SOUP_STATUS_OK);
  g_assert_true (g_bytes_equal (download->body, content));

  sb_test_client_free (on_one);
  sb_test_client_free (on_two);
}

/* A log-in form served by one server and posted to the other: its CSRF
 * token is signed with a key both share through the store. A token of
 * another deployment (a server with its own data) is refused. */
static void
test_log_in_form_on_both (void)
{
  g_autofree char *username = unique_user ("form");
  SbTestClient *owner = sb_test_client_new (one);
  SbTestClient *form = sb_test_client_new (one);
  SbTestClient *post = sb_test_client_new (two);
  g_autofree char *csrf = NULL;
  g_autofree char *cookie = NULL;
  g_autoptr(SbTestResponse) response = NULL;

  sb_test_sign_up (owner, username, "balanced-password");
  csrf = sb_test_form_csrf (form, "/login");
  cookie = sb_test_client_cookie (form, "sb_csrf");
  g_assert_cmpstr (csrf, ==, cookie);
  sb_test_client_set_cookie (post, "sb_csrf", cookie);
  response = sb_test_post_form (post, "/login", "csrf", csrf, "username", username, "password",
                                "balanced-password", NULL);
  sb_test_assert_redirect (response, "/profile");

  {
    const char *quiet[] = { "--quiet", NULL };
    g_autofree char *dir = sb_test_make_tmpdir ("sb-server-test-XXXXXX");
    g_autoptr(SbTestResponse) refused = NULL;
    SbTestServer *elsewhere = NULL;
    SbTestClient *stranger = NULL;
    const char *local[] = { "STORAGEBOX_BACKEND=local", NULL };

    elsewhere = sb_test_server_start_with (dir, quiet, local);
    stranger = sb_test_client_new (elsewhere);
    sb_test_client_set_cookie (stranger, "sb_csrf", cookie);
    refused = sb_test_post_form (stranger, "/login", "csrf", csrf, "username", username,
                                 "password", "balanced-password", NULL);
    sb_test_assert_status (refused, SOUP_STATUS_FORBIDDEN);
    sb_test_client_free (stranger);
    sb_test_server_stop (elsewhere);
    sb_test_rm_rf (dir);
  }
  sb_test_client_free (owner);
  sb_test_client_free (form);
  sb_test_client_free (post);
}

int
main (int   argc,
      char *argv[])
{
  const char *quiet[] = { "--quiet", NULL };
  int status;

  g_test_init (&argc, &argv, NULL);
  sb_test_backend_use_aws ();
  if (sb_test_backend_add_skip ("/server/two-servers/skipped"))
    return g_test_run ();
  one = sb_test_server_start (quiet, NULL);
  two = sb_test_server_start (quiet, NULL);

  g_test_add_func ("/server/two-servers/session-valid-on-both", test_session_on_both);
  g_test_add_func ("/server/two-servers/log-out-through-either", test_log_out_through_first);
  g_test_add_func ("/server/two-servers/files-on-both", test_files_on_both);
  g_test_add_func ("/server/two-servers/log-in-form-on-both", test_log_in_form_on_both);

  status = g_test_run ();
  sb_test_server_stop (one);
  sb_test_server_stop (two);
  sb_test_backend_stop ();
  return status;
}
