/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-test-util.h"
#include "sb-validate.h"
#include "server-fixture.h"

/* Every flow of the web front end through real HTTP against a real
 * storagebox-server process. One server for the file; each test signs up
 * users of its own. Run with --backend-args to pass extra server arguments
 * (the AWS backend runs the same tests). */

static SbTestServer *server;

static char *
unique_user (const char *prefix)
{
  static guint counter;
  return g_strdup_printf ("%s%u%04x", prefix, ++counter, g_random_int_range (0, 0xffff));
}

static SbTestClient *
new_user (char **username_out)
{
  SbTestClient *client = sb_test_client_new (server);
  g_autofree char *username = unique_user ("u");

  sb_test_sign_up (client, username, "correct horse battery");
  if (username_out)
    *username_out = g_steal_pointer (&username);
  return client;
}

static guint
count_rows (SbTestClient *client)
{
  g_autoptr(SbTestResponse) page = sb_test_get (client, "/files");
  guint count = 0;

  sb_test_assert_status (page, SOUP_STATUS_OK);
  for (const char *p = page->text; (p = strstr (p, "<td class=\"name\">")); p++)
    count++;
  return count;
}

static GBytes *
download (SbTestClient *client,
          const char   *name)
{
  g_autofree char *path = sb_test_file_path (name, "download");
  g_autoptr(SbTestResponse) response = sb_test_get (client, path);

  sb_test_assert_status (response, SOUP_STATUS_OK);
  return g_bytes_ref (response->body);
}

/* Pages */

static void
test_public_pages (void)
{
  SbTestClient *client = sb_test_client_new (server);
  const struct { const char *path; const char *texts[4]; } pages[] = {
    { "/", { "Welcome To Storage Box", "href=\"/signup\"", "href=\"/login\"", NULL } },
    { "/home", { "Easy Manage of File Storage", NULL } },
    { "/signup", { "<label for=\"email\">E-mail</label>", "<label for=\"username\">Username</label>",
                   "<label for=\"password\">Password</label>", NULL } },
    { "/login", { "<label for=\"username\">Username</label>",
                  "<label for=\"password\">Password</label>", NULL } },
    { "/logout", { "not logged in", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(SbTestResponse) page = sb_test_get (client, pages[i].path);
      sb_test_assert_status (page, SOUP_STATUS_OK);
      g_assert_cmpstr (soup_message_headers_get_content_type (page->headers, NULL), ==,
                       "text/html");
      for (guint j = 0; pages[i].texts[j]; j++)
        sb_test_assert_contains (page, pages[i].texts[j]);
      /* Our own stylesheet, nothing from elsewhere. */
      sb_test_assert_contains (page, "href=\"/static/style.css\"");
      sb_test_assert_lacks (page, "http://");
      sb_test_assert_lacks (page, "https://");
      sb_test_assert_lacks (page, "<script");
    }
  {
    g_autoptr(SbTestResponse) css = sb_test_get (client, "/static/style.css");
    g_autoptr(SbTestResponse) health = sb_test_get (client, "/healthz");
    g_autoptr(SbTestResponse) missing = sb_test_get (client, "/no/such/page");

    sb_test_assert_status (css, SOUP_STATUS_OK);
    g_assert_cmpstr (soup_message_headers_get_content_type (css->headers, NULL), ==, "text/css");
    sb_test_assert_status (health, SOUP_STATUS_OK);
    g_assert_cmpstr (health->text, ==, "{\"status\":\"ok\"}\n");
    sb_test_assert_status (missing, SOUP_STATUS_NOT_FOUND);
    sb_test_assert_contains (missing, "There is no such page.");
  }
  sb_test_client_free (client);
}

/* Every limit a form states (minlength, maxlength, pattern, its hint) is
 * core's constant, not a number written again in a template. */
static void
test_form_limits_from_core (void)
{
  g_autofree char *username = NULL;
  SbTestClient *client = new_user (&username);
  SbTestClient *anonymous = sb_test_client_new (server);
  g_autoptr(GBytes) content = g_bytes_new_static ("limits", 6);
  g_autoptr(SbTestResponse) upload = sb_test_upload (client, "limits.txt", "", content, FALSE);
  g_autoptr(SbTestResponse) signup = sb_test_get (anonymous, "/signup");
  g_autoptr(SbTestResponse) password = sb_test_get (client, "/password");
  g_autoptr(SbTestResponse) upload_form = sb_test_get (client, "/upload");
  g_autoptr(SbTestResponse) edit = sb_test_get (client, "/files/limits.txt/edit");
  g_autofree char *pattern = sb_validate_username_pattern ();
  g_autofree char *username_attrs =
    g_strdup_printf ("minlength=\"%d\" maxlength=\"%d\" pattern=\"%s\"",
                     SB_USERNAME_MIN_LENGTH, SB_USERNAME_MAX_LENGTH, pattern);
  g_autofree char *username_hint =
    g_strdup_printf (">%d to %d letters", SB_USERNAME_MIN_LENGTH, SB_USERNAME_MAX_LENGTH);
  g_autofree char *password_attrs = g_strdup_printf ("minlength=\"%d\" maxlength=\"%d\"",
                                                     SB_PASSWORD_MIN_LENGTH,
                                                     SB_PASSWORD_MAX_LENGTH);
  g_autofree char *password_hint = g_strdup_printf ("At least %d characters.",
                                                    SB_PASSWORD_MIN_LENGTH);
  g_autofree char *name_attr = g_strdup_printf ("maxlength=\"%d\"", SB_FILE_NAME_MAX_BYTES);
  g_autofree char *description_attr = g_strdup_printf ("maxlength=\"%d\"",
                                                       SB_DESCRIPTION_MAX_LENGTH);

  sb_test_assert_redirect (upload, "/files");
  sb_test_assert_status (signup, SOUP_STATUS_OK);
  sb_test_assert_contains (signup, username_attrs);
  sb_test_assert_contains (signup, username_hint);
  sb_test_assert_contains (signup, password_attrs);
  sb_test_assert_contains (signup, password_hint);
  sb_test_assert_status (password, SOUP_STATUS_OK);
  sb_test_assert_contains (password, password_attrs);
  sb_test_assert_contains (password, password_hint);
  sb_test_assert_status (upload_form, SOUP_STATUS_OK);
  sb_test_assert_contains (upload_form, description_attr);
  sb_test_assert_status (edit, SOUP_STATUS_OK);
  sb_test_assert_contains (edit, name_attr);
  sb_test_assert_contains (edit, description_attr);
  sb_test_client_free (anonymous);
  sb_test_client_free (client);
}

static void
test_security_headers (void)
{
  SbTestClient *client = sb_test_client_new (server);
  g_autoptr(SbTestResponse) page = sb_test_get (client, "/login");
  const char *csp = soup_message_headers_get_one (page->headers, "Content-Security-Policy");
  const char *cookie = soup_message_headers_get_one (page->headers, "Set-Cookie");

  g_assert_nonnull (csp);
  g_assert_nonnull (strstr (csp, "frame-ancestors 'none'"));
  g_assert_nonnull (strstr (csp, "default-src 'none'"));
  g_assert_null (strstr (csp, "unsafe-inline"));
  g_assert_cmpstr (soup_message_headers_get_one (page->headers, "X-Content-Type-Options"), ==,
                   "nosniff");
  g_assert_nonnull (cookie);
  g_assert_nonnull (strstr (cookie, "HttpOnly"));
  g_assert_nonnull (strstr (cookie, "SameSite=Lax"));
  sb_test_client_free (client);
}

static void
test_pages_need_login (void)
{
  SbTestClient *client = sb_test_client_new (server);
  const char *paths[] = { "/profile", "/files", "/view", "/upload", "/password",
                          "/files/a.txt/edit", "/files/a.txt/delete", "/files/a.txt/download" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(SbTestResponse) page = sb_test_get (client, paths[i]);
      g_autofree char *escaped = g_uri_escape_string (paths[i], "/", FALSE);
      g_autofree char *location = g_strdup_printf ("/login?next=%s", escaped);
      sb_test_assert_redirect (page, location);
    }
  sb_test_client_free (client);
}

/* Accounts */

static void
test_sign_up_log_out_log_in (void)
{
  SbTestClient *client = sb_test_client_new (server);
  g_autofree char *username = unique_user ("Flow");
  g_autofree char *lower = g_ascii_strdown (username, -1);
  g_autofree char *csrf = NULL;
  g_autofree char *session = NULL;
  g_autoptr(SbTestResponse) profile = NULL;
  g_autoptr(SbTestResponse) logout = NULL;
  g_autoptr(SbTestResponse) after = NULL;
  g_autoptr(SbTestResponse) login = NULL;
  g_autoptr(SbTestResponse) next = NULL;

  sb_test_sign_up (client, username, "flow-password");
  session = sb_test_client_cookie (client, "sb_session");
  g_assert_nonnull (session);

  profile = sb_test_get (client, "/profile");
  sb_test_assert_status (profile, SOUP_STATUS_OK);
  {
    g_autofree char *welcome = g_strdup_printf ("<h1>Welcome %s</h1>", lower);
    g_autofree char *email = g_strdup_printf ("%s@example.com", username);
    sb_test_assert_contains (profile, welcome);
    sb_test_assert_contains (profile, email);
    sb_test_assert_contains (profile, "Your account is ready.");
    sb_test_assert_contains (profile, "Member since");
    sb_test_assert_contains (profile, "<dt>Files</dt><dd>0</dd>");
    sb_test_assert_contains (profile, "No files yet, so nothing to pay for storage.");
  }

  csrf = sb_test_csrf (profile);
  logout = sb_test_post_form (client, "/logout", "csrf", csrf, NULL);
  sb_test_assert_redirect (logout, "/");
  g_assert_null (sb_test_client_cookie (client, "sb_session"));

  /* The old token is dead, even if someone kept it. */
  sb_test_client_set_cookie (client, "sb_session", session);
  after = sb_test_get (client, "/files");
  sb_test_assert_redirect (after, "/login?next=/files");

  g_clear_pointer (&csrf, g_free);
  csrf = sb_test_form_csrf (client, "/login?next=/files");
  login = sb_test_post_form (client, "/login", "csrf", csrf, "username", username, "password",
                             "flow-password", "next", "/files", NULL);
  sb_test_assert_redirect (login, "/files");
  next = sb_test_get (client, "/files");
  sb_test_assert_status (next, SOUP_STATUS_OK);
  sb_test_assert_contains (next, "You have no files yet.");
  sb_test_client_free (client);
}

static void
test_sign_up_duplicate (void)
{
  SbTestClient *first = sb_test_client_new (server);
  SbTestClient *second = sb_test_client_new (server);
  g_autofree char *username = unique_user ("dup");
  g_autofree char *upper = g_ascii_strup (username, -1);
  g_autofree char *csrf = NULL;
  g_autoptr(SbTestResponse) response = NULL;

  sb_test_sign_up (first, username, "first-password");
  csrf = sb_test_form_csrf (second, "/signup");
  response = sb_test_post_form (second, "/signup", "csrf", csrf, "username", upper,
                                "email", "other@example.com", "password", "second-password",
                                NULL);
  sb_test_assert_status (response, SOUP_STATUS_CONFLICT);
  sb_test_assert_contains (response, "is already taken");
  /* What the user typed is still in the form (never the password). */
  sb_test_assert_contains (response, "value=\"other@example.com\"");
  sb_test_assert_lacks (response, "second-password");
  g_assert_null (sb_test_client_cookie (second, "sb_session"));
  sb_test_client_free (first);
  sb_test_client_free (second);
}

static void
test_sign_up_invalid (void)
{
  SbTestClient *client = sb_test_client_new (server);
  const struct { const char *user, *email, *password, *message; } cases[] = {
    { "ab", "a@example.com", "long-enough", "3 to 32" },
    { "bad name", "a@example.com", "long-enough", "only letters" },
    { "<script>", "a@example.com", "long-enough", "username" },
    { "okname1", "not-an-address", "long-enough", "not valid" },
    { "okname2", "a@example.com", "short", "at least 8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *csrf = sb_test_form_csrf (client, "/signup");
      g_autoptr(SbTestResponse) response =
        sb_test_post_form (client, "/signup", "csrf", csrf, "username", cases[i].user,
                           "email", cases[i].email, "password", cases[i].password, NULL);
      sb_test_assert_status (response, SOUP_STATUS_BAD_REQUEST);
      sb_test_assert_contains (response, cases[i].message);
      sb_test_assert_contains (response, "role=\"alert\"");
      sb_test_assert_lacks (response, "<script>");
    }
  sb_test_client_free (client);
}

static void
test_log_in_wrong (void)
{
  SbTestClient *owner = NULL;
  SbTestClient *client = sb_test_client_new (server);
  g_autofree char *username = NULL;
  const char *attempts[][2] = { { NULL, "wrong-password" }, { "nobody-at-all", "whatever-pw" } };

  owner = new_user (&username);
  attempts[0][0] = username;
  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    {
      g_autofree char *csrf = sb_test_form_csrf (client, "/login");
      g_autoptr(SbTestResponse) response =
        sb_test_post_form (client, "/login", "csrf", csrf, "username", attempts[i][0],
                           "password", attempts[i][1], NULL);
      sb_test_assert_status (response, SOUP_STATUS_UNAUTHORIZED);
      sb_test_assert_contains (response, "Incorrect username or password.");
      g_assert_null (sb_test_client_cookie (client, "sb_session"));
    }
  sb_test_client_free (owner);
  sb_test_client_free (client);
}

static void
test_log_in_throttled (void)
{
  g_autofree char *username = NULL;
  SbTestClient *owner = new_user (&username);
  SbTestClient *attacker = sb_test_client_new (server);
  g_autofree char *csrf = sb_test_form_csrf (attacker, "/login");
  g_autoptr(SbTestResponse) refused = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(SbTestResponse) response =
        sb_test_post_form (attacker, "/login", "csrf", csrf, "username", username,
                           "password", "guess", NULL);
      sb_test_assert_status (response, SOUP_STATUS_UNAUTHORIZED);
    }
  refused = sb_test_post_form (attacker, "/login", "csrf", csrf, "username", username,
                               "password", "correct horse battery", NULL);
  sb_test_assert_status (refused, 429);
  sb_test_assert_contains (refused, "Too many failed log-in attempts");
  g_assert_null (sb_test_client_cookie (attacker, "sb_session"));
  sb_test_client_free (owner);
  sb_test_client_free (attacker);
}

/* A log-in replaces the session the browser carried: the old token ends
 * in the store, so one planted or kept before is worthless after it. */
static void
test_log_in_ends_carried_session (void)
{
  g_autofree char *username = NULL;
  SbTestClient *client = new_user (&username);
  SbTestClient *keeper = sb_test_client_new (server);
  g_autofree char *old = sb_test_client_cookie (client, "sb_session");
  g_autofree char *csrf = sb_test_form_csrf (client, "/login");
  g_autofree char *fresh = NULL;
  g_autoptr(SbTestResponse) login = NULL;
  g_autoptr(SbTestResponse) with_old = NULL;
  g_autoptr(SbTestResponse) with_new = NULL;

  login = sb_test_post_form (client, "/login", "csrf", csrf, "username", username, "password",
                             "correct horse battery", NULL);
  sb_test_assert_redirect (login, "/profile");
  fresh = sb_test_client_cookie (client, "sb_session");
  g_assert_cmpstr (fresh, !=, old);

  sb_test_client_set_cookie (keeper, "sb_session", old);
  with_old = sb_test_get (keeper, "/files");
  sb_test_assert_redirect (with_old, "/login?next=/files");
  with_new = sb_test_get (client, "/files");
  sb_test_assert_status (with_new, SOUP_STATUS_OK);
  sb_test_client_free (client);
  sb_test_client_free (keeper);
}

static void
test_no_open_redirect (void)
{
  g_autofree char *username = NULL;
  SbTestClient *owner = new_user (&username);
  const struct { const char *next, *expected; } cases[] = {
    { "/files", "/files" },
    { "//evil.example/", "/profile" },
    { "/\\evil.example", "/profile" },
    { "https://evil.example/", "/profile" },
    { "javascript:alert(1)", "/profile" },
    { "", "/profile" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SbTestClient *client = sb_test_client_new (server);
      g_autofree char *csrf = sb_test_form_csrf (client, "/login");
      g_autoptr(SbTestResponse) response =
        sb_test_post_form (client, "/login", "csrf", csrf, "username", username,
                           "password", "correct horse battery", "next", cases[i].next, NULL);
      sb_test_assert_redirect (response, cases[i].expected);
      sb_test_client_free (client);
    }
  sb_test_client_free (owner);
}

static void
test_change_password (void)
{
  g_autofree char *username = NULL;
  SbTestClient *client = new_user (&username);
  SbTestClient *other = sb_test_client_new (server);
  g_autofree char *csrf = NULL;
  g_autoptr(SbTestResponse) wrong = NULL;
  g_autoptr(SbTestResponse) changed = NULL;
  g_autoptr(SbTestResponse) old_login = NULL;
  g_autoptr(SbTestResponse) new_login = NULL;
  g_autoptr(SbTestResponse) other_page = NULL;

  {
    g_autofree char *login_csrf = sb_test_form_csrf (other, "/login");
    g_autoptr(SbTestResponse) response =
      sb_test_post_form (other, "/login", "csrf", login_csrf, "username", username,
                         "password", "correct horse battery", NULL);
    sb_test_assert_redirect (response, "/profile");
  }

  csrf = sb_test_form_csrf (client, "/password");
  wrong = sb_test_post_form (client, "/password", "csrf", csrf, "current", "not-it",
                             "new", "brand-new-password", NULL);
  sb_test_assert_status (wrong, SOUP_STATUS_UNAUTHORIZED);
  sb_test_assert_contains (wrong, "current password is not correct");

  changed = sb_test_post_form (client, "/password", "csrf", csrf, "current",
                               "correct horse battery", "new", "brand-new-password", NULL);
  sb_test_assert_redirect (changed, "/profile");

  /* The other session ended; this one goes on. */
  other_page = sb_test_get (other, "/files");
  sb_test_assert_redirect (other_page, "/login?next=/files");
  g_assert_cmpuint (count_rows (client), ==, 0);

  {
    SbTestClient *fresh = sb_test_client_new (server);
    g_autofree char *login_csrf = sb_test_form_csrf (fresh, "/login");
    old_login = sb_test_post_form (fresh, "/login", "csrf", login_csrf, "username", username,
                                   "password", "correct horse battery", NULL);
    sb_test_assert_status (old_login, SOUP_STATUS_UNAUTHORIZED);
    new_login = sb_test_post_form (fresh, "/login", "csrf", login_csrf, "username", username,
                                   "password", "brand-new-password", NULL);
    sb_test_assert_redirect (new_login, "/profile");
    sb_test_client_free (fresh);
  }
  sb_test_client_free (client);
  sb_test_client_free (other);
}

static void
test_garbage_cookies (void)
{
  const char *values[] = { "garbage", "", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                           "%00%ff", "x;y", "\"quoted\"" };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      SbTestClient *client = sb_test_client_new (server);
      g_autoptr(SbTestResponse) files = NULL;
      g_autoptr(SbTestResponse) home = NULL;
      const char *headers[] = { "Cookie", NULL, NULL };
      g_autofree char *cookie = g_strdup_printf ("sb_session=%s; sb_csrf=%s; sb_flash=%s",
                                                 values[i], values[i], values[i]);

      headers[1] = cookie;
      files = sb_test_request (client, "GET", "/files", headers);
      sb_test_assert_redirect (files, "/login?next=/files");
      home = sb_test_request (client, "GET", "/", headers);
      sb_test_assert_status (home, SOUP_STATUS_OK);
      sb_test_assert_lacks (home, "Log out");
      sb_test_client_free (client);
    }
}

/* Files */

static void
test_upload_list_download (void)
{
  g_autofree char *username = NULL;
  SbTestClient *client = new_user (&username);
  g_autoptr(GBytes) content = sb_test_random_bytes (2 * 1024 * 1024 + 3, 42);
  g_autoptr(SbTestResponse) upload = NULL;
  g_autoptr(SbTestResponse) list = NULL;
  g_autoptr(SbTestResponse) file = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autofree char *path = sb_test_file_path ("Holiday photos é.bin", "download");

  upload = sb_test_upload (client, "Holiday photos é.bin", "From the summer", content, FALSE);
  sb_test_assert_redirect (upload, "/files");

  list = sb_test_get (client, "/files");
  sb_test_assert_status (list, SOUP_STATUS_OK);
  sb_test_assert_contains (list, "“<bdi>Holiday photos é.bin</bdi>” was uploaded.");
  sb_test_assert_contains (list, "<td class=\"name\"><bdi>Holiday photos é.bin</bdi></td>");
  sb_test_assert_contains (list, "<td class=\"description\">From the summer</td>");
  sb_test_assert_contains (list, "<td class=\"num\">2.1\xc2\xa0MB</td>");
  sb_test_assert_contains (list, "href=\"/files/Holiday%20photos%20%C3%A9.bin/download\"");
  sb_test_assert_contains (list, "<th scope=\"col\">Created</th>");
  sb_test_assert_contains (list, "<th scope=\"col\">Last modified</th>");
  /* A fresh upload is Standard on either backend, with nothing to restore. */
  sb_test_assert_contains (list, "<th scope=\"col\">Storage</th>");
  sb_test_assert_contains (list, "<td class=\"storage\">Standard</td>");
  {
    /* The Profile page adds it up by class, with an estimate labelled so. */
    g_autoptr(SbTestResponse) profile = sb_test_get (client, "/profile");

    sb_test_assert_status (profile, SOUP_STATUS_OK);
    sb_test_assert_contains (profile, "<h2>Storage and estimated cost</h2>");
    sb_test_assert_contains (profile, "<tr><td>Standard</td><td class=\"num\">1</td>"
                                      "<td class=\"num\">2.1\xc2\xa0MB</td>"
                                      "<td class=\"num\">less than $0.01</td></tr>");
    sb_test_assert_contains (profile, "Estimated storage cost per month, at the S3 list prices "
                                      "for us-east-1 taken 2025-01.");
  }
  {
    /* The flash shows once. */
    g_autoptr(SbTestResponse) again = sb_test_get (client, "/files");
    sb_test_assert_lacks (again, "was uploaded");
  }

  file = sb_test_get (client, path);
  sb_test_assert_status (file, SOUP_STATUS_OK);
  g_assert_true (g_bytes_equal (file->body, content));
  g_assert_cmpint (soup_message_headers_get_content_length (file->headers), ==,
                   2 * 1024 * 1024 + 3);
  g_assert_cmpstr (soup_message_headers_get_one (file->headers, "Content-Disposition"), ==,
                   "attachment; filename=\"Holiday photos __.bin\"; "
                   "filename*=UTF-8''Holiday%20photos%20%C3%A9.bin");
  g_assert_cmpstr (soup_message_headers_get_one (file->headers, "Accept-Ranges"), ==, "bytes");
  g_assert_nonnull (strstr (soup_message_headers_get_one (file->headers,
                                                          "Content-Security-Policy"), "sandbox"));
  g_assert_cmpstr (soup_message_headers_get_one (file->headers, "X-Content-Type-Options"), ==,
                   "nosniff");
  g_assert_true (sb_test_server_logged (server, (const char *[]) {
    "\"method\":\"GET\"", "/download", "\"status\":200", username, NULL }));
  sb_test_client_free (client);
}

static void
test_download_ranges (void)
{
  SbTestClient *client = new_user (NULL);
  g_autoptr(GBytes) content = sb_test_random_bytes (10000, 7);
  g_autoptr(SbTestResponse) upload = sb_test_upload (client, "r.bin", "", content, FALSE);
  const struct { const char *range; guint status; gsize offset, length; const char *content_range; } cases[] = {
    { "bytes=0-99", 206, 0, 100, "bytes 0-99/10000" },
    { "bytes=9990-", 206, 9990, 10, "bytes 9990-9999/10000" },
    { "bytes=-5", 206, 9995, 5, "bytes 9995-9999/10000" },
    { "bytes=5000-99999", 206, 5000, 5000, "bytes 5000-9999/10000" },
    { "bytes=20000-30000", 416, 0, 0, "bytes */10000" },
    { "bytes=0-1,5-6", 200, 0, 10000, NULL },
  };

  sb_test_assert_redirect (upload, "/files");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *headers[] = { "Range", cases[i].range, NULL };
      g_autoptr(SbTestResponse) response =
        sb_test_request (client, "GET", "/files/r.bin/download", headers);

      sb_test_assert_status (response, cases[i].status);
      g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Content-Range"), ==,
                       cases[i].content_range);
      if (cases[i].status != 416)
        {
          g_autoptr(GBytes) expected = g_bytes_new_from_bytes (content, cases[i].offset,
                                                               cases[i].length);
          g_assert_true (g_bytes_equal (response->body, expected));
        }
    }
  {
    g_autoptr(SbTestResponse) head = sb_test_request (client, "HEAD", "/files/r.bin/download",
                                                      NULL);
    sb_test_assert_status (head, SOUP_STATUS_OK);
    g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);
    g_assert_cmpint (soup_message_headers_get_content_length (head->headers), ==, 10000);
  }
  sb_test_client_free (client);
}

/* The digest of the whole file, for ranges too (RFC 9530), and a strong
 * ETag; damaged content in storage cuts the connection before the last
 * chunk, so no client ever holds it as a whole file. */
static void
test_download_digest_and_damage (void)
{
  g_autofree char *username = NULL;
  SbTestClient *client = new_user (&username);
  g_autoptr(GBytes) content = sb_test_random_bytes (700 * 1024, 31);
  g_autoptr(SbTestResponse) upload = sb_test_upload (client, "d.bin", "", content, FALSE);
  g_autoptr(SbTestResponse) whole = NULL;
  g_autoptr(SbTestResponse) part = NULL;
  g_autoptr(SbTestResponse) damaged = NULL;
  g_autofree char *hex = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, content);
  g_autofree char *expected = NULL;
  g_autofree char *etag = g_strdup_printf ("\"%s\"", hex);
  const char *range[] = { "Range", "bytes=10-20", NULL };
  guint8 raw[32];
  gsize raw_length = sizeof raw;
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);

  sb_test_assert_redirect (upload, "/files");
  g_checksum_update (sha, g_bytes_get_data (content, NULL), g_bytes_get_size (content));
  g_checksum_get_digest (sha, raw, &raw_length);
  {
    g_autofree char *base64 = g_base64_encode (raw, raw_length);
    expected = g_strdup_printf ("sha-256=:%s:", base64);
  }
  whole = sb_test_get (client, "/files/d.bin/download");
  sb_test_assert_status (whole, SOUP_STATUS_OK);
  g_assert_cmpstr (soup_message_headers_get_one (whole->headers, "Repr-Digest"), ==, expected);
  g_assert_cmpstr (soup_message_headers_get_one (whole->headers, "ETag"), ==, etag);
  part = sb_test_request (client, "GET", "/files/d.bin/download", range);
  sb_test_assert_status (part, SOUP_STATUS_PARTIAL_CONTENT);
  g_assert_cmpstr (soup_message_headers_get_one (part->headers, "Repr-Digest"), ==, expected);

  if (sb_test_backend_is_aws ())
    {
      sb_test_client_free (client);
      return;
    }
  {
    g_autofree char *dir = g_build_filename (server->data_dir, "blobs", username, NULL);
    g_autoptr(GDir) blobs = g_dir_open (dir, 0, NULL);
    g_autofree char *path = g_build_filename (dir, g_dir_read_name (blobs), NULL);
    g_autofree guint8 *bad = g_memdup2 (g_bytes_get_data (content, NULL),
                                        g_bytes_get_size (content));

    bad[g_bytes_get_size (content) - 1] ^= 1;
    g_assert_true (g_file_set_contents (path, (const char *) bad,
                                        (gssize) g_bytes_get_size (content), NULL));
  }
  client->tolerant = TRUE;
  damaged = sb_test_get (client, "/files/d.bin/download");
  /* Either no answer at all, or a body that stops short: never the file. */
  g_assert_true (damaged->status == 0 ||
                 g_bytes_get_size (damaged->body) < g_bytes_get_size (content));
  g_assert_true (sb_test_server_logged (server, (const char * const[]) {
    "\"status\":200", "/files/d.bin/download", NULL }));
  sb_test_client_free (client);
}

/* Uploads one file with the Content-Type the client declared for it. */
static void
upload_typed (SbTestClient *client,
              const char   *name,
              const char   *type)
{
  g_autofree char *csrf = sb_test_form_csrf (client, "/upload");
  g_autofree char *body = g_strdup_printf (
    "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
    "Content-Type: %s\r\n\r\n<script>alert(1)</script>\r\n--XyZ--\r\n", csrf, name, type);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(SbTestResponse) response =
    sb_test_post_raw (client, "/upload", "multipart/form-data; boundary=XyZ", bytes, NULL);

  sb_test_assert_redirect (response, "/files");
}

/* A type a browser could run is never echoed back: HTML, SVG, XML and
 * scripts come down as bytes; passive types as declared. */
static void
test_download_content_type (void)
{
  SbTestClient *client = new_user (NULL);
  const struct { const char *name, *declared, *served; } cases[] = {
    { "page.html", "text/html", "application/octet-stream" },
    { "page2.html", "TEXT/HTML; charset=utf-8", "application/octet-stream" },
    { "drawing.svg", "image/svg+xml", "application/octet-stream" },
    { "page.xhtml", "application/xhtml+xml", "application/octet-stream" },
    { "data.xml", "text/xml", "application/octet-stream" },
    { "data2.xml", "application/xml", "application/octet-stream" },
    { "app.js", "text/javascript", "application/octet-stream" },
    { "app2.js", "application/javascript", "application/octet-stream" },
    { "odd.bin", "application/x-unheard-of", "application/octet-stream" },
    { "notes.txt", "text/plain; charset=utf-8", "text/plain" },
    { "photo.png", "image/png", "image/png" },
    { "paper.pdf", "application/pdf", "application/pdf" },
    { "clip.mp4", "video/mp4", "video/mp4" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = sb_test_file_path (cases[i].name, "download");
      g_autoptr(SbTestResponse) file = NULL;

      upload_typed (client, cases[i].name, cases[i].declared);
      file = sb_test_get (client, path);
      sb_test_assert_status (file, SOUP_STATUS_OK);
      g_assert_cmpstr (soup_message_headers_get_content_type (file->headers, NULL), ==,
                       cases[i].served);
      g_assert_cmpstr (soup_message_headers_get_one (file->headers, "X-Content-Type-Options"),
                       ==, "nosniff");
    }
  sb_test_client_free (client);
}

static void
test_empty_file (void)
{
  SbTestClient *client = new_user (NULL);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(SbTestResponse) upload = sb_test_upload (client, "empty.txt", "nothing", empty, FALSE);
  g_autoptr(GBytes) back = NULL;

  sb_test_assert_redirect (upload, "/files");
  back = download (client, "empty.txt");
  g_assert_cmpuint (g_bytes_get_size (back), ==, 0);
  sb_test_client_free (client);
}

static void
test_upload_same_name (void)
{
  SbTestClient *client = new_user (NULL);
  g_autoptr(GBytes) first = g_bytes_new_static ("first version", 13);
  g_autoptr(GBytes) second = g_bytes_new_static ("second version", 14);
  g_autoptr(SbTestResponse) a = sb_test_upload (client, "notes.txt", "v1", first, FALSE);
  g_autoptr(SbTestResponse) b = sb_test_upload (client, "notes.txt", "v2", second, FALSE);
  g_autoptr(SbTestResponse) c = NULL;
  g_autoptr(GBytes) back = NULL;

  sb_test_assert_redirect (a, "/files");
  sb_test_assert_status (b, SOUP_STATUS_CONFLICT);
  sb_test_assert_contains (b, "already exists");
  /* The form keeps what the user typed. */
  sb_test_assert_contains (b, "value=\"v2\"");
  back = download (client, "notes.txt");
  g_assert_true (g_bytes_equal (back, first));

  c = sb_test_upload (client, "notes.txt", "", second, TRUE);
  sb_test_assert_redirect (c, "/files");
  g_clear_pointer (&back, g_bytes_unref);
  back = download (client, "notes.txt");
  g_assert_true (g_bytes_equal (back, second));
  g_assert_cmpuint (count_rows (client), ==, 1);
  sb_test_client_free (client);
}

static char *
created_cell (SbTestClient *client)
{
  g_autoptr(SbTestResponse) list = sb_test_get (client, "/files");
  const char *cell = strstr (list->text, "<td><time datetime=\"");

  g_assert_nonnull (cell);
  return g_strndup (cell, 40);
}

static void
test_edit_rename_replace (void)
{
  SbTestClient *client = new_user (NULL);
  g_autoptr(GBytes) content = g_bytes_new_static ("original", 8);
  g_autoptr(GBytes) replacement = sb_test_random_bytes (300000, 9);
  g_autoptr(SbTestResponse) upload = sb_test_upload (client, "draft.txt", "first", content, FALSE);
  g_autoptr(SbTestResponse) form = NULL;
  g_autoptr(SbTestResponse) saved = NULL;
  g_autoptr(SbTestResponse) list = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autofree char *csrf = NULL;
  g_autofree char *created_before = created_cell (client);
  g_autofree char *created_after = NULL;

  sb_test_assert_redirect (upload, "/files");

  form = sb_test_get (client, "/files/draft.txt/edit");
  sb_test_assert_status (form, SOUP_STATUS_OK);
  sb_test_assert_contains (form, "<label for=\"name\">Name</label>");
  sb_test_assert_contains (form, "<label for=\"description\">Description</label>");
  sb_test_assert_contains (form, "value=\"draft.txt\"");
  sb_test_assert_contains (form, ">first</textarea>");
  sb_test_assert_contains (form, "name=\"version\" value=\"1\"");
  csrf = sb_test_csrf (form);

  {
    /* Description only; no new content chosen (an empty file input). */
    const char *fields[] = { "csrf", csrf, "version", "1", "name", "draft.txt",
                             "description", "second", NULL };
    g_autoptr(GBytes) nothing = g_bytes_new (NULL, 0);
    saved = sb_test_post_multipart (client, "/files/draft.txt/edit", fields, "file", "",
                                    nothing);
    sb_test_assert_redirect (saved, "/files");
    g_clear_pointer (&saved, sb_test_response_free);
  }
  {
    /* Rename and replace the content at once. */
    const char *fields[] = { "csrf", csrf, "version", "2", "name", "final copy.txt",
                             "description", "third", NULL };
    saved = sb_test_post_multipart (client, "/files/draft.txt/edit", fields, "file", "new.bin",
                                    replacement);
    sb_test_assert_redirect (saved, "/files");
  }

  list = sb_test_get (client, "/files");
  sb_test_assert_contains (list, "“<bdi>final copy.txt</bdi>” was saved.");
  sb_test_assert_contains (list, "<td class=\"name\"><bdi>final copy.txt</bdi></td>");
  sb_test_assert_contains (list, "<td class=\"description\">third</td>");
  sb_test_assert_lacks (list, "draft.txt");
  back = download (client, "final copy.txt");
  g_assert_true (g_bytes_equal (back, replacement));
  created_after = created_cell (client);
  g_assert_cmpstr (created_before, ==, created_after);
  {
    g_autoptr(SbTestResponse) gone = sb_test_get (client, "/files/draft.txt/download");
    sb_test_assert_status (gone, SOUP_STATUS_NOT_FOUND);
  }
  sb_test_client_free (client);
}

static void
test_edit_conflicts (void)
{
  SbTestClient *client = new_user (NULL);
  g_autoptr(GBytes) content = g_bytes_new_static ("x", 1);
  g_autoptr(SbTestResponse) a = sb_test_upload (client, "a.txt", "A", content, FALSE);
  g_autoptr(SbTestResponse) b = sb_test_upload (client, "b.txt", "B", content, FALSE);
  g_autofree char *csrf = sb_test_form_csrf (client, "/files/a.txt/edit");
  g_autoptr(SbTestResponse) onto = NULL;
  g_autoptr(SbTestResponse) stale = NULL;
  const char *rename_fields[] = { "csrf", csrf, "version", "1", "name", "b.txt",
                                  "description", "changed", NULL };
  const char *stale_fields[] = { "csrf", csrf, "version", "7", "name", "a.txt",
                                 "description", "stale", NULL };

  onto = sb_test_post_multipart (client, "/files/a.txt/edit", rename_fields, NULL, NULL, NULL);
  sb_test_assert_status (onto, SOUP_STATUS_CONFLICT);
  sb_test_assert_contains (onto, "A file named “b.txt” already exists.");
  /* The form shows what the user typed. */
  sb_test_assert_contains (onto, "value=\"b.txt\"");

  stale = sb_test_post_multipart (client, "/files/a.txt/edit", stale_fields, NULL, NULL, NULL);
  sb_test_assert_status (stale, SOUP_STATUS_CONFLICT);
  sb_test_assert_contains (stale, "changed by someone else");

  {
    g_autoptr(SbTestResponse) list = sb_test_get (client, "/files");
    sb_test_assert_contains (list, "<td class=\"description\">A</td>");
    sb_test_assert_contains (list, "<td class=\"description\">B</td>");
  }
  sb_test_client_free (client);
}

static void
test_delete (void)
{
  SbTestClient *client = new_user (NULL);
  g_autoptr(GBytes) content = g_bytes_new_static ("bye", 3);
  g_autoptr(SbTestResponse) upload = sb_test_upload (client, "old & unwanted.txt", "", content,
                                                     FALSE);
  g_autofree char *path = sb_test_file_path ("old & unwanted.txt", "delete");
  g_autoptr(SbTestResponse) confirm = NULL;
  g_autoptr(SbTestResponse) deleted = NULL;
  g_autoptr(SbTestResponse) list = NULL;
  g_autoptr(SbTestResponse) again = NULL;
  g_autofree char *csrf = NULL;

  sb_test_assert_redirect (upload, "/files");
  confirm = sb_test_get (client, path);
  sb_test_assert_status (confirm, SOUP_STATUS_OK);
  sb_test_assert_contains (confirm, "Are you sure you want to delete “<bdi>old &amp; unwanted.txt</bdi>”");
  csrf = sb_test_csrf (confirm);

  deleted = sb_test_post_form (client, path, "csrf", csrf, "version", "1", NULL);
  sb_test_assert_redirect (deleted, "/files");
  list = sb_test_get (client, "/files");
  sb_test_assert_contains (list, "“<bdi>old &amp; unwanted.txt</bdi>” was deleted.");
  sb_test_assert_contains (list, "You have no files yet.");

  again = sb_test_post_form (client, path, "csrf", csrf, "version", "1", NULL);
  sb_test_assert_status (again, SOUP_STATUS_NOT_FOUND);
  sb_test_client_free (client);
}

/* Bad input: a clear message, and nothing changes. */

static void
test_bad_file_names (void)
{
  SbTestClient *client = new_user (NULL);
  g_autoptr(GBytes) content = g_bytes_new_static ("data", 4);
  g_autofree char *long_name = g_strnfill (256, 'n');
  g_autofree char *long_description = g_strnfill (1001, 'd');
  const struct { const char *name, *description, *message; } bad[] = {
    { "", "x", "Please choose a file" },
    { "..", "x", "cannot be used as file names" },
    { "../etc/passwd", "x", "cannot contain" },
    { "tab\there", "x", "control characters" },
    { long_name, "x", "at most 255 bytes" },
    { "fine.txt", long_description, "at most 1,000 characters" },
    { "fine.txt", "bell\a", "control characters" },
  };
  const struct { const char *name, *description; } good[] = {
    { "with space.txt", "a b" },
    { "日本語 ünïcödé.txt", "ünïcödé" },
    { "<img src=x onerror=alert(1)>.txt", "<script>alert('x')</script>\"'><b>" },
    { "100% \"quoted\" & more.txt", "&amp; &lt;" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(SbTestResponse) response = sb_test_upload (client, bad[i].name,
                                                           bad[i].description, content, FALSE);
      sb_test_assert_status (response, SOUP_STATUS_BAD_REQUEST);
      sb_test_assert_contains (response, bad[i].message);
      sb_test_assert_contains (response, "role=\"alert\"");
    }
  g_assert_cmpuint (count_rows (client), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(SbTestResponse) response = sb_test_upload (client, good[i].name,
                                                           good[i].description, content, FALSE);
      g_autoptr(GBytes) back = NULL;
      sb_test_assert_redirect (response, "/files");
      back = download (client, good[i].name);
      g_assert_true (g_bytes_equal (back, content));
    }
  {
    g_autoptr(SbTestResponse) list = sb_test_get (client, "/files");
    /* Escaped, by construction: no tag from a user survives into the page. */
    sb_test_assert_lacks (list, "<script>");
    sb_test_assert_lacks (list, "<b>");
    sb_test_assert_contains (list, "&lt;img src&#61;x onerror&#61;alert(1)&gt;.txt");
    sb_test_assert_lacks (list, "<img");
    sb_test_assert_contains (list, "&amp;amp; &amp;lt;");
    sb_test_assert_contains (list, "100% &quot;quoted&quot; &amp; more.txt");
  }
  g_assert_cmpuint (count_rows (client), ==, G_N_ELEMENTS (good));
  sb_test_client_free (client);
}

static void
test_missing_file_field (void)
{
  SbTestClient *client = new_user (NULL);
  g_autofree char *csrf = sb_test_form_csrf (client, "/upload");
  const char *fields[] = { "csrf", csrf, "description", "no file here", NULL };
  g_autoptr(SbTestResponse) response = sb_test_post_multipart (client, "/upload", fields, NULL,
                                                               NULL, NULL);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("this is not multipart", 21);
  g_autoptr(SbTestResponse) not_multipart = NULL;
  g_autoptr(SbTestResponse) truncated = NULL;

  sb_test_assert_status (response, SOUP_STATUS_BAD_REQUEST);
  sb_test_assert_contains (response, "Please choose a file to upload.");
  sb_test_assert_contains (response, "value=\"no file here\"");

  not_multipart = sb_test_post_raw (client, "/upload", "text/plain", garbage, NULL);
  sb_test_assert_status (not_multipart, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE);

  {
    g_autofree char *body = g_strdup_printf (
      "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.bin\"\r\n\r\n"
      "only part of the da", csrf);
    g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
    truncated = sb_test_post_raw (client, "/upload", "multipart/form-data; boundary=XyZ", bytes,
                                  NULL);
    sb_test_assert_status (truncated, SOUP_STATUS_BAD_REQUEST);
    sb_test_assert_contains (truncated, "cut off");
  }
  g_assert_cmpuint (count_rows (client), ==, 0);
  sb_test_client_free (client);
}

static void
test_csrf_required (void)
{
  SbTestClient *client = new_user (NULL);
  g_autoptr(GBytes) content = g_bytes_new_static ("data", 4);
  g_autofree char *csrf = sb_test_form_csrf (client, "/upload");
  const char *no_token[] = { "description", "forged", NULL };
  const char *wrong_token[] = { "csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                "description", "forged", NULL };
  g_autoptr(SbTestResponse) r1 = NULL;
  g_autoptr(SbTestResponse) r2 = NULL;
  g_autoptr(SbTestResponse) r3 = NULL;
  g_autoptr(SbTestResponse) r4 = NULL;
  g_autoptr(SbTestResponse) r5 = NULL;
  g_autoptr(SbTestResponse) ok = sb_test_upload (client, "keep.txt", "keep", content, FALSE);

  sb_test_assert_redirect (ok, "/files");
  r1 = sb_test_post_multipart (client, "/upload", no_token, "file", "a.txt", content);
  sb_test_assert_status (r1, SOUP_STATUS_FORBIDDEN);
  sb_test_assert_contains (r1, "This form has expired or did not come from StorageBox.");
  r2 = sb_test_post_multipart (client, "/upload", wrong_token, "file", "b.txt", content);
  sb_test_assert_status (r2, SOUP_STATUS_FORBIDDEN);

  r3 = sb_test_post_form (client, "/files/keep.txt/delete", "version", "1", NULL);
  sb_test_assert_status (r3, SOUP_STATUS_FORBIDDEN);
  r4 = sb_test_post_form (client, "/files/keep.txt/delete", "csrf", "wrong", "version", "1",
                          NULL);
  sb_test_assert_status (r4, SOUP_STATUS_FORBIDDEN);

  {
    /* The right token, but posted from another site. */
    const char *headers[] = { "Origin", "http://evil.example", NULL };
    g_autofree char *body = g_strdup_printf ("csrf=%s&version=1", csrf);
    g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
    r5 = sb_test_post_raw (client, "/files/keep.txt/delete",
                           "application/x-www-form-urlencoded", bytes, headers);
    sb_test_assert_status (r5, SOUP_STATUS_FORBIDDEN);
  }

  /* Log-in and sign-up forms need their token too. */
  {
    SbTestClient *anonymous = sb_test_client_new (server);
    g_autoptr(SbTestResponse) login = sb_test_post_form (anonymous, "/login", "username", "x",
                                                         "password", "y", NULL);
    g_autoptr(SbTestResponse) signup = sb_test_post_form (anonymous, "/signup", "username",
                                                          "forged1", "email", "f@example.com",
                                                          "password", "long-enough", NULL);
    sb_test_assert_status (login, SOUP_STATUS_FORBIDDEN);
    sb_test_assert_status (signup, SOUP_STATUS_FORBIDDEN);
    sb_test_client_free (anonymous);
  }

  g_assert_cmpuint (count_rows (client), ==, 1);
  {
    g_autoptr(GBytes) back = download (client, "keep.txt");
    g_assert_true (g_bytes_equal (back, content));
  }
  sb_test_client_free (client);
}

static void
test_other_users_files (void)
{
  SbTestClient *alice = new_user (NULL);
  SbTestClient *bob = new_user (NULL);
  g_autoptr(GBytes) secret = g_bytes_new_static ("alice's secret", 14);
  g_autoptr(SbTestResponse) upload = sb_test_upload (alice, "secret.txt", "private", secret,
                                                     FALSE);
  g_autofree char *csrf = sb_test_form_csrf (bob, "/upload");
  const char *paths[] = { "/files/secret.txt/download", "/files/secret.txt/edit",
                          "/files/secret.txt/delete" };

  sb_test_assert_redirect (upload, "/files");
  g_assert_cmpuint (count_rows (bob), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(SbTestResponse) response = sb_test_get (bob, paths[i]);
      sb_test_assert_status (response, SOUP_STATUS_NOT_FOUND);
      sb_test_assert_lacks (response, "alice's secret");
    }
  {
    g_autoptr(SbTestResponse) del = sb_test_post_form (bob, "/files/secret.txt/delete", "csrf",
                                                       csrf, "version", "1", NULL);
    const char *fields[] = { "csrf", csrf, "name", "stolen.txt", "description", "mine", NULL };
    g_autoptr(SbTestResponse) edit = sb_test_post_multipart (bob, "/files/secret.txt/edit",
                                                             fields, NULL, NULL, NULL);
    sb_test_assert_status (del, SOUP_STATUS_NOT_FOUND);
    sb_test_assert_status (edit, SOUP_STATUS_NOT_FOUND);
  }
  {
    g_autoptr(GBytes) back = download (alice, "secret.txt");
    g_assert_true (g_bytes_equal (back, secret));
  }
  sb_test_client_free (alice);
  sb_test_client_free (bob);
}

static void
test_method_not_allowed (void)
{
  SbTestClient *client = new_user (NULL);
  g_autoptr(SbTestResponse) put = sb_test_request (client, "PUT", "/files", NULL);
  g_autoptr(SbTestResponse) del = sb_test_request (client, "DELETE", "/profile", NULL);

  sb_test_assert_status (put, SOUP_STATUS_METHOD_NOT_ALLOWED);
  g_assert_cmpstr (soup_message_headers_get_one (put->headers, "Allow"), ==, "GET, HEAD");
  sb_test_assert_status (del, SOUP_STATUS_METHOD_NOT_ALLOWED);
  sb_test_client_free (client);
}

/* Limits, on a server of their own with a small maximum */

static void
test_too_large (void)
{
  const char *args[] = { "--max-upload-size=1MiB", "--quiet", NULL };
  SbTestServer *small = sb_test_server_start (args, NULL);
  SbTestClient *client = sb_test_client_new (small);
  g_autofree char *username = unique_user ("big");
  g_autoptr(GBytes) at_limit = sb_test_random_bytes (1024 * 1024, 1);
  g_autoptr(GBytes) just_over = sb_test_random_bytes (1024 * 1024 + 1, 2);
  g_autoptr(GBytes) way_over = sb_test_random_bytes (3 * 1024 * 1024, 3);
  g_autoptr(SbTestResponse) ok = NULL;
  g_autoptr(SbTestResponse) over = NULL;
  g_autoptr(SbTestResponse) huge = NULL;

  sb_test_sign_up (client, username, "big-password");
  ok = sb_test_upload (client, "limit.bin", "", at_limit, FALSE);
  sb_test_assert_redirect (ok, "/files");

  /* Found out while streaming: the page says why. */
  over = sb_test_upload (client, "over.bin", "", just_over, FALSE);
  sb_test_assert_status (over, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  sb_test_assert_contains (over, "The file is too large: the limit is 1.0\xc2\xa0MiB.");

  /* Announced by Content-Length: refused before reading the body. */
  huge = sb_test_upload (client, "huge.bin", "", way_over, FALSE);
  sb_test_assert_status (huge, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  g_assert_cmpstr (soup_message_headers_get_one (huge->headers, "Connection"), ==, "close");

  {
    /* No length announced (chunked), and more than allowed: cut off. The
     * client sees a 413 or a closed connection, depending on timing. */
    g_autofree char *csrf = sb_test_form_csrf (client, "/upload");
    g_autofree char *url = g_strconcat (small->url, "/upload", NULL);
    g_autofree char *head = g_strdup_printf (
      "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chunked.bin\"\r\n"
      "\r\n", csrf);
    g_autoptr(GInputStream) body = g_memory_input_stream_new_from_data (g_strdup (head), -1,
                                                                        g_free);
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) reply = NULL;

    for (guint i = 0; i < 4; i++)
      g_memory_input_stream_add_bytes (G_MEMORY_INPUT_STREAM (body), way_over);
    soup_message_set_request_body (msg, "multipart/form-data; boundary=XyZ", body, -1);
    reply = soup_session_send_and_read (client->session, msg, NULL, &error);
    if (error == NULL)
      g_assert_cmpuint (soup_message_get_status (msg), ==,
                        SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  }
  {
    g_autoptr(SbTestResponse) list = sb_test_get (client, "/files");
    sb_test_assert_contains (list, "limit.bin");
    sb_test_assert_lacks (list, "over.bin");
    sb_test_assert_lacks (list, "huge.bin");
    sb_test_assert_lacks (list, "chunked.bin");
  }
  {
    /* Nothing of the refused uploads is left in storage. */
    for (guint i = 0; i < 100 && sb_test_server_count_blobs (small, username) > 1; i++)
      g_usleep (20000);
    g_assert_cmpuint (sb_test_server_count_blobs (small, username), ==, 1);
  }
  sb_test_client_free (client);
  sb_test_server_stop (small);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (sb_test_backend_add_skip ("/server/skipped"))
    return g_test_run ();
  server = sb_test_server_start (NULL, NULL);

  g_test_add_func ("/server/pages/public", test_public_pages);
  g_test_add_func ("/server/pages/security-headers", test_security_headers);
  g_test_add_func ("/server/pages/form-limits-from-core", test_form_limits_from_core);
  g_test_add_func ("/server/pages/need-login", test_pages_need_login);
  g_test_add_func ("/server/pages/method-not-allowed", test_method_not_allowed);
  g_test_add_func ("/server/accounts/sign-up-log-out-log-in", test_sign_up_log_out_log_in);
  g_test_add_func ("/server/accounts/sign-up-duplicate", test_sign_up_duplicate);
  g_test_add_func ("/server/accounts/sign-up-invalid", test_sign_up_invalid);
  g_test_add_func ("/server/accounts/log-in-wrong", test_log_in_wrong);
  g_test_add_func ("/server/accounts/log-in-throttled", test_log_in_throttled);
  g_test_add_func ("/server/accounts/log-in-ends-carried-session",
                   test_log_in_ends_carried_session);
  g_test_add_func ("/server/accounts/no-open-redirect", test_no_open_redirect);
  g_test_add_func ("/server/accounts/change-password", test_change_password);
  g_test_add_func ("/server/accounts/garbage-cookies", test_garbage_cookies);
  g_test_add_func ("/server/files/upload-list-download", test_upload_list_download);
  g_test_add_func ("/server/files/download-digest-and-damage", test_download_digest_and_damage);
  g_test_add_func ("/server/files/download-ranges", test_download_ranges);
  g_test_add_func ("/server/files/download-content-type", test_download_content_type);
  g_test_add_func ("/server/files/empty-file", test_empty_file);
  g_test_add_func ("/server/files/upload-same-name", test_upload_same_name);
  g_test_add_func ("/server/files/edit-rename-replace", test_edit_rename_replace);
  g_test_add_func ("/server/files/edit-conflicts", test_edit_conflicts);
  g_test_add_func ("/server/files/delete", test_delete);
  g_test_add_func ("/server/files/other-users-files", test_other_users_files);
  g_test_add_func ("/server/bad-input/file-names", test_bad_file_names);
  g_test_add_func ("/server/bad-input/missing-file-field", test_missing_file_field);
  g_test_add_func ("/server/bad-input/csrf", test_csrf_required);
  g_test_add_func ("/server/bad-input/too-large", test_too_large);

  status = g_test_run ();
  sb_test_server_stop (server);
  sb_test_backend_stop ();
  return status;
}
