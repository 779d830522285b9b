/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-accounts.h"
#include "sb-error.h"
#include "sb-store-factory.h"
#include "sb-test-util.h"

typedef struct
{
  char       *dir;
  SbStore    *store;
  SbAccounts *accounts;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = sb_test_make_tmpdir ("sb-accounts-XXXXXX");
  f->store = sb_store_new_for_settings (
    &(SbStoreSettings) { .kind = SB_STORE_KIND_LOCAL, .data_dir = f->dir }, &error);
  g_assert_no_error (error);
  f->accounts = sb_accounts_new (f->store);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  sb_test_assert_finalized (f->accounts);
  sb_test_assert_finalized (f->store);
  sb_test_rm_rf (f->dir);
  g_free (f->dir);
}

static SbSession *
sign_up_from (Fixture    *f,
              const char *username,
              const char *email,
              const char *password,
              const char *address,
              GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_accounts_sign_up_async (f->accounts, username, email, password, address, NULL,
                             sb_test_result_cb, &result);
  return sb_accounts_sign_up_finish (f->accounts, sb_test_await (&result), error);
}

static SbSession *
sign_up (Fixture    *f,
         const char *username,
         const char *email,
         const char *password,
         GError    **error)
{
  return sign_up_from (f, username, email, password, NULL, error);
}

static SbSession *
log_in (Fixture    *f,
        const char *username,
        const char *password,
        const char *address,
        GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_accounts_log_in_async (f->accounts, username, password, address, NULL, sb_test_result_cb,
                            &result);
  return sb_accounts_log_in_finish (f->accounts, sb_test_await (&result), error);
}

static SbSession *
authenticate (Fixture    *f,
              const char *token,
              GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_accounts_authenticate_async (f->accounts, token, NULL, sb_test_result_cb, &result);
  return sb_accounts_authenticate_finish (f->accounts, sb_test_await (&result), error);
}

static gboolean
log_out (Fixture    *f,
         const char *token,
         GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_accounts_log_out_async (f->accounts, token, NULL, sb_test_result_cb, &result);
  return sb_accounts_log_out_finish (f->accounts, sb_test_await (&result), error);
}

static gboolean
change_password_from (Fixture    *f,
                      SbSession  *session,
                      const char *old_password,
                      const char *new_password,
                      const char *address,
                      GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_accounts_change_password_async (f->accounts, session, old_password, new_password, address,
                                     NULL, sb_test_result_cb, &result);
  return sb_accounts_change_password_finish (f->accounts, sb_test_await (&result), error);
}

static gboolean
change_password (Fixture    *f,
                 SbSession  *session,
                 const char *old_password,
                 const char *new_password,
                 GError    **error)
{
  return change_password_from (f, session, old_password, new_password, "10.0.0.1", error);
}

static SbUser *
get_user (Fixture    *f,
          const char *username)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SbUser *user;

  sb_store_user_get_async (f->store, username, NULL, sb_test_result_cb, &result);
  user = sb_store_user_get_finish (f->store, sb_test_await (&result), &error);
  g_assert_no_error (error);
  return user;
}

static void
assert_authenticated (Fixture    *f,
                      const char *token,
                      const char *username)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = authenticate (f, token, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (sb_session_get_username (session), ==, username);
}

static void
assert_not_authenticated (Fixture    *f,
                          const char *token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = authenticate (f, token, &error);

  g_assert_null (session);
  g_assert_error (error, SB_ERROR, SB_ERROR_NOT_AUTHENTICATED);
}

static void
test_sign_up_logs_in (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = sign_up (f, "Alice", " alice@example.com ", "correct horse",
                                          &error);
  g_autoptr(SbUser) user = NULL;
  const char *token;

  g_assert_no_error (error);
  token = sb_session_get_token (session);
  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), ==, 43);
  g_assert_cmpstr (sb_session_get_username (session), ==, "alice");
  g_assert_cmpuint (strlen (sb_session_get_csrf (session)), ==, 43);
  g_assert_cmpint (sb_session_get_expires_at (session), >, g_get_real_time ());

  /* The store keeps only the token's hash. */
  {
    g_autofree char *hash = sb_accounts_hash_token (token);
    g_assert_cmpstr (sb_session_get_token_hash (session), ==, hash);
    g_assert_cmpstr (hash, !=, token);
  }
  assert_authenticated (f, token, "alice");

  user = get_user (f, "alice");
  g_assert_cmpstr (sb_user_get_email (user), ==, "alice@example.com");
  g_assert_true (g_str_has_prefix (sb_user_get_password_hash (user), "$argon2id$"));
  g_assert_null (strstr (sb_user_get_password_hash (user), "correct horse"));
}

static void
test_sign_up_duplicate (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) first = sign_up (f, "bob", "bob@example.com", "password-one", &error);
  g_autoptr(SbSession) second = NULL;
  g_autoptr(SbUser) user = NULL;

  g_assert_no_error (error);
  /* Usernames are case-insensitive. */
  second = sign_up (f, "BOB", "other@example.com", "password-two", &error);
  g_assert_null (second);
  g_assert_error (error, SB_ERROR, SB_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "bob"));

  user = get_user (f, "bob");
  g_assert_cmpstr (sb_user_get_email (user), ==, "bob@example.com");
}

typedef struct
{
  guint done;
  guint ok;
  guint exists;
} Race;

static void
race_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Race *race = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = sb_accounts_sign_up_finish (SB_ACCOUNTS (object), result,
                                                             &error);

  if (session)
    race->ok++;
  else if (g_error_matches (error, SB_ERROR, SB_ERROR_EXISTS))
    race->exists++;
  race->done++;
}

static void
test_sign_up_race (Fixture       *f,
                   gconstpointer  data)
{
  Race race = { 0 };

  /* The original checked, then wrote: two at once both "succeeded". */
  for (guint i = 0; i < 6; i++)
    sb_accounts_sign_up_async (f->accounts, "racer", "r@example.com", "password-x", NULL, NULL,
                               race_cb, &race);
  while (race.done < 6)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (race.ok, ==, 1);
  g_assert_cmpuint (race.exists, ==, 5);
}

static void
test_sign_up_invalid (Fixture       *f,
                      gconstpointer  data)
{
  const struct { const char *user, *email, *password, *fragment; } cases[] = {
    { "ab", "a@example.com", "password1", "username" },
    { "<script>", "a@example.com", "password1", "username" },
    { "carol", "not-an-email", "password1", "e-mail" },
    { "carol", "a@example.com", "short", "8 characters" },
    { "carol", "a@example.com", "", "password" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SbSession) session = sign_up (f, cases[i].user, cases[i].email,
                                              cases[i].password, &error);
      g_assert_null (session);
      g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].fragment));
    }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    sb_store_user_get_async (f->store, "carol", NULL, sb_test_result_cb, &result);
    g_assert_null (sb_store_user_get_finish (f->store, sb_test_await (&result), &error));
    g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  }
}

static void
test_log_in_out (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) signed_up = sign_up (f, "dave", "d@example.com", "dave-password", NULL);
  g_autoptr(SbSession) one = log_in (f, "DAVE", "dave-password", "127.0.0.1", &error);
  g_autoptr(SbSession) two = log_in (f, "dave", "dave-password", "127.0.0.1", &error);

  g_assert_no_error (error);
  /* Every log-in is a new session with a new token. */
  g_assert_cmpstr (sb_session_get_token (one), !=, sb_session_get_token (two));
  g_assert_cmpstr (sb_session_get_token (one), !=, sb_session_get_token (signed_up));
  assert_authenticated (f, sb_session_get_token (one), "dave");
  assert_authenticated (f, sb_session_get_token (two), "dave");

  g_assert_true (log_out (f, sb_session_get_token (one), &error));
  g_assert_no_error (error);
  assert_not_authenticated (f, sb_session_get_token (one));
  assert_authenticated (f, sb_session_get_token (two), "dave");

  /* Logging out twice, or with garbage, is harmless. */
  g_assert_true (log_out (f, sb_session_get_token (one), &error));
  g_assert_true (log_out (f, "garbage", &error));
  g_assert_true (log_out (f, NULL, &error));
  g_assert_no_error (error);
}

static void
test_log_in_wrong (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SbSession) signed_up = sign_up (f, "erin", "e@example.com", "erin-password", NULL);
  const struct { const char *user, *password; } cases[] = {
    { "erin", "wrong-password" }, { "erin", "" }, { "nobody-here", "erin-password" },
    { "x", "erin-password" }, { NULL, "erin-password" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SbSession) session = log_in (f, cases[i].user, cases[i].password, "10.1.1.1",
                                             &error);
      g_assert_null (session);
      /* One message whether the user exists or not. */
      g_assert_error (error, SB_ERROR, SB_ERROR_BAD_CREDENTIALS);
      g_assert_cmpstr (error->message, ==, "Incorrect username or password.");
    }
}

static void
test_log_in_throttled (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SbSession) signed_up = sign_up (f, "frank", "f@example.com", "frank-password", NULL);
  g_autoptr(SbSession) session = NULL;
  g_autoptr(SbSession) elsewhere = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < SB_THROTTLE_FREE_FAILURES; i++)
    {
      g_autoptr(SbSession) s = log_in (f, "frank", "guess", "203.0.113.9", NULL);
      g_assert_null (s);
    }

  /* Even the right password is refused now, from that client... */
  session = log_in (f, "frank", "frank-password", "203.0.113.9", &error);
  g_assert_null (session);
  g_assert_error (error, SB_ERROR, SB_ERROR_THROTTLED);
  g_assert_nonnull (strstr (error->message, "seconds"));
  g_clear_error (&error);

  /* ...but not from the owner's own machine. */
  elsewhere = log_in (f, "frank", "frank-password", "198.51.100.1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (elsewhere);
}

static void
test_session_expiry (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SbSession) session = NULL;

  sb_accounts_set_session_lifetime (f->accounts, 1);
  session = sign_up (f, "gina", "g@example.com", "gina-password", NULL);
  g_usleep (1000);
  assert_not_authenticated (f, sb_session_get_token (session));
}

static void
test_garbage_tokens (Fixture       *f,
                     gconstpointer  data)
{
  const char *tokens[] = {
    "", "x", "not a token", "'; DROP TABLE sessions; --",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* well-formed, unknown */
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xff",
  };

  assert_not_authenticated (f, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    assert_not_authenticated (f, tokens[i]);
}

static void
test_change_password (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SbSession) here = sign_up (f, "hank", "h@example.com", "old-password", NULL);
  g_autoptr(SbSession) there = log_in (f, "hank", "old-password", "10.0.0.9", NULL);
  g_autoptr(SbSession) after = NULL;
  g_autoptr(SbSession) refused = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (change_password (f, here, "not-the-old-one", "new-password", &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_BAD_CREDENTIALS);
  g_clear_error (&error);
  g_assert_false (change_password (f, here, "old-password", "short", &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  g_clear_error (&error);
  assert_authenticated (f, sb_session_get_token (there), "hank");

  g_assert_true (change_password (f, here, "old-password", "new-password", &error));
  g_assert_no_error (error);

  /* This session stays; every other one ends. */
  assert_authenticated (f, sb_session_get_token (here), "hank");
  assert_not_authenticated (f, sb_session_get_token (there));

  refused = log_in (f, "hank", "old-password", "10.0.0.10", &error);
  g_assert_null (refused);
  g_assert_error (error, SB_ERROR, SB_ERROR_BAD_CREDENTIALS);
  g_clear_error (&error);
  after = log_in (f, "hank", "new-password", "10.0.0.10", &error);
  g_assert_no_error (error);
  g_assert_nonnull (after);
}

/* Wrong current passwords are counted per account and address, like
 * log-ins: they used to be counted under one key for everyone, so eleven
 * accounts times five mistakes locked every user out of changing theirs. */
static void
test_change_password_throttled (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(SbSession) kim = sign_up (f, "kim", "k@example.com", "kim-password", NULL);
  g_autoptr(SbSession) lee = sign_up (f, "lee", "l@example.com", "lee-password", NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < SB_THROTTLE_FREE_FAILURES; i++)
    {
      g_assert_false (change_password_from (f, kim, "guess", "new-password", "203.0.113.5",
                                            &error));
      g_assert_error (error, SB_ERROR, SB_ERROR_BAD_CREDENTIALS);
      g_clear_error (&error);
    }
  g_assert_false (change_password_from (f, kim, "kim-password", "new-password", "203.0.113.5",
                                        &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_THROTTLED);
  g_clear_error (&error);

  /* Another user, even from the same address, is not affected... */
  g_assert_true (change_password_from (f, lee, "lee-password", "lee-new-password",
                                       "203.0.113.5", &error));
  g_assert_no_error (error);
  /* ...nor Kim from elsewhere, nor Kim's log-ins. */
  g_assert_true (change_password_from (f, kim, "kim-password", "kim-new-password",
                                       "198.51.100.7", &error));
  g_assert_no_error (error);
  {
    g_autoptr(SbSession) again = log_in (f, "kim", "kim-new-password", "203.0.113.5", &error);
    g_assert_no_error (error);
  }

  /* Many accounts failing from many addresses lock out none of the others. */
  for (guint u = 0; u < 11; u++)
    {
      g_autofree char *name = g_strdup_printf ("many%u", u);
      g_autofree char *email = g_strdup_printf ("many%u@example.com", u);
      g_autofree char *address = g_strdup_printf ("192.0.2.%u", u + 1);
      g_autoptr(SbSession) session = sign_up (f, name, email, "many-password", NULL);

      for (guint i = 0; i < SB_THROTTLE_FREE_FAILURES; i++)
        {
          g_assert_false (change_password_from (f, session, "guess", "new-password", address,
                                                NULL));
        }
    }
  g_assert_true (change_password_from (f, lee, "lee-new-password", "lee-third-password",
                                       "198.51.100.8", &error));
  g_assert_no_error (error);
}

/* Each new account costs a hash: one address gets SB_THROTTLE_SIGN_UPS of
 * them per window, refused before hashing; other addresses, and the
 * desktop app and command line (no address), are not counted. */
static void
test_sign_up_throttled (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) refused = NULL;
  g_autoptr(SbSession) other = NULL;
  g_autoptr(SbSession) local = NULL;
  g_autoptr(SbUser) missing = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 started;

  for (guint i = 0; i < SB_THROTTLE_SIGN_UPS; i++)
    {
      g_autofree char *name = g_strdup_printf ("flood%u", i);
      g_autoptr(SbSession) session = sign_up_from (f, name, "f@example.com", "flood-password",
                                                   "203.0.113.66", &error);
      g_assert_no_error (error);
    }
  started = g_get_monotonic_time ();
  refused = sign_up_from (f, "flood-more", "f@example.com", "flood-password", "203.0.113.66",
                          &error);
  g_assert_null (refused);
  g_assert_error (error, SB_ERROR, SB_ERROR_THROTTLED);
  g_assert_nonnull (strstr (error->message, "minutes"));
  /* No hash was computed (an argon2id hash takes tens of milliseconds). */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 20 * G_TIME_SPAN_MILLISECOND);
  g_clear_error (&error);
  sb_store_user_get_async (f->store, "flood-more", NULL, sb_test_result_cb, &result);
  missing = sb_store_user_get_finish (f->store, sb_test_await (&result), &error);
  g_assert_null (missing);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  other = sign_up_from (f, "flood-other", "f@example.com", "flood-password", "203.0.113.67",
                        &error);
  g_assert_no_error (error);
  local = sign_up (f, "flood-local", "f@example.com", "flood-password", &error);
  g_assert_no_error (error);
}

/* One key for every server on a store, made once. */
static void
test_server_key (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SbAccounts) second = sb_accounts_new (f->store);
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  g_autoptr(GBytes) k1 = NULL;
  g_autoptr(GBytes) k2 = NULL;
  g_autoptr(GBytes) k3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = NULL;

  /* Two at once, as two servers starting together. */
  sb_accounts_get_server_key_async (f->accounts, NULL, sb_test_result_cb, &r1);
  sb_accounts_get_server_key_async (second, NULL, sb_test_result_cb, &r2);
  k1 = sb_accounts_get_server_key_finish (f->accounts, sb_test_await (&r1), &error);
  g_assert_no_error (error);
  k2 = sb_accounts_get_server_key_finish (second, sb_test_await (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (k1), ==, SB_SERVER_KEY_BYTES);
  g_assert_true (g_bytes_equal (k1, k2));
  sb_accounts_get_server_key_async (f->accounts, NULL, sb_test_result_cb, &r3);
  k3 = sb_accounts_get_server_key_finish (f->accounts, sb_test_await (&r3), &error);
  g_assert_true (g_bytes_equal (k1, k3));

  /* Its record is no account: nobody logs in as it. */
  session = log_in (f, "-server-key", "anything at all", "10.9.9.9", &error);
  g_assert_null (session);
  g_assert_error (error, SB_ERROR, SB_ERROR_BAD_CREDENTIALS);
}

static void
test_legacy_hash_upgraded (Fixture       *f,
                           gconstpointer  data)
{
  /* An account migrated from the original app, password "correct horse". */
  g_autoptr(SbUser) legacy = sb_user_new (
    "ivy", "ivy@example.com",
    "pbkdf2:sha256:150000$Fq8Pz0a1RqQe2bYx$"
    "48178c4242855fdcad3a5969daf378fef9f9accc0afffc2785ea519ea885f705", "user", 1, 1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SbSession) session = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  sb_store_user_create_async (f->store, legacy, NULL, sb_test_result_cb, &result);
  g_assert_true (sb_store_user_create_finish (f->store, sb_test_await (&result), NULL));

  session = log_in (f, "ivy", "correct horse", "10.2.2.2", &error);
  g_assert_no_error (error);

  /* The upgrade runs after the log-in answered; wait for it. */
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(SbUser) user = get_user (f, "ivy");
      if (g_str_has_prefix (sb_user_get_password_hash (user), "$argon2id$"))
        break;
      g_usleep (20000);
    }
  {
    g_autoptr(SbUser) user = get_user (f, "ivy");
    g_autoptr(SbSession) again = NULL;
    g_assert_true (g_str_has_prefix (sb_user_get_password_hash (user), "$argon2id$"));
    again = log_in (f, "ivy", "correct horse", "10.2.2.2", &error);
    g_assert_no_error (error);
  }
}

static void
test_profile (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SbSession) session = sign_up (f, "jane", "jane@example.com", "jane-password", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SbUser) user = NULL;
  g_autoptr(GError) error = NULL;
  guint n_files = 99;
  guint64 bytes = 99;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", i);
      g_autoptr(SbFile) file = sb_file_new ("jane", name);
      g_autoptr(GAsyncResult) created = NULL;
      sb_file_set_size (file, 1000 * (i + 1));
      sb_store_file_create_async (f->store, file, NULL, sb_test_result_cb, &created);
      g_assert_true (sb_store_file_create_finish (f->store, sb_test_await (&created), NULL));
    }

  sb_accounts_get_profile_async (f->accounts, "jane", NULL, sb_test_result_cb, &result);
  user = sb_accounts_get_profile_finish (f->accounts, sb_test_await (&result), &n_files, &bytes,
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_user_get_username (user), ==, "jane");
  g_assert_cmpstr (sb_user_get_email (user), ==, "jane@example.com");
  g_assert_cmpint (sb_user_get_created_at (user), <=, g_get_real_time ());
  g_assert_cmpint (sb_user_get_created_at (user), >, g_get_real_time () - G_TIME_SPAN_MINUTE);
  g_assert_cmpuint (n_files, ==, 3);
  g_assert_cmpuint (bytes, ==, 6000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/accounts/sign-up-logs-in", test_sign_up_logs_in);
  ADD ("/accounts/sign-up-duplicate-refused", test_sign_up_duplicate);
  ADD ("/accounts/sign-up-race-one-wins", test_sign_up_race);
  ADD ("/accounts/sign-up-invalid", test_sign_up_invalid);
  ADD ("/accounts/log-in-and-out", test_log_in_out);
  ADD ("/accounts/log-in-wrong", test_log_in_wrong);
  ADD ("/accounts/log-in-throttled", test_log_in_throttled);
  ADD ("/accounts/session-expiry", test_session_expiry);
  ADD ("/accounts/garbage-tokens", test_garbage_tokens);
  ADD ("/accounts/change-password", test_change_password);
  ADD ("/accounts/change-password-throttled", test_change_password_throttled);
  ADD ("/accounts/sign-up-throttled", test_sign_up_throttled);
  ADD ("/accounts/server-key", test_server_key);
  ADD ("/accounts/legacy-hash-upgraded", test_legacy_hash_upgraded);
  ADD ("/accounts/profile", test_profile);
#undef ADD
  return g_test_run ();
}
