/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-password.h"
#include "sb-test-util.h"

static void
test_hash_and_verify (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = sb_password_hash ("correct horse battery", &error);
  g_autofree char *again = sb_password_hash ("correct horse battery", &error);
  gboolean rehash = TRUE;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  /* Salted: the same password never gives the same hash. */
  g_assert_cmpstr (hash, !=, again);

  g_assert_true (sb_password_verify (hash, "correct horse battery", &rehash));
  g_assert_false (rehash);
  g_assert_false (sb_password_verify (hash, "correct horse batterY", &rehash));
  g_assert_false (sb_password_verify (hash, "", NULL));
  g_assert_false (sb_password_verify ("garbage", "correct horse battery", NULL));
  g_assert_false (sb_password_verify ("", "", NULL));
}

static void
test_unicode (void)
{
  g_autofree char *hash = sb_password_hash ("pässwörd 🔑", NULL);

  g_assert_true (sb_password_verify (hash, "pässwörd 🔑", NULL));
  g_assert_false (sb_password_verify (hash, "passwörd 🔑", NULL));
}

/* The original app stored Werkzeug's "pbkdf2:sha256:<n>$<salt>$<hex>". The
 * expected digests are the PBKDF2-HMAC-SHA256 vectors of RFC 7914 section 11
 * and values computed with Python's hashlib.pbkdf2_hmac. */
static void
test_werkzeug_legacy (void)
{
  const struct { const char *hash; const char *password; } good[] = {
    { "pbkdf2:sha256:1$salt$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
      "passwd" },
    { "pbkdf2:sha256:80000$NaCl$4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56",
      "Password" },
    { "pbkdf2:sha256:150000$Fq8Pz0a1RqQe2bYx$"
      "48178c4242855fdcad3a5969daf378fef9f9accc0afffc2785ea519ea885f705", "correct horse" },
    { "pbkdf2:sha256:260000$saltsalt$"
      "72c5c24be615a17a6751f8096053585fb05c5b89fee17dcc6881fd8a434b223a", "pässwörd" },
  };
  const char *bad[] = {
    "pbkdf2:sha256:1$salt$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbd",
    "pbkdf2:sha256:2$salt$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
    "pbkdf2:sha256:1$SALT$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
    "pbkdf2:sha256:0$salt$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
    "pbkdf2:sha256:999999999$salt$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
    "pbkdf2:sha256:1$salt$55ac",
    "pbkdf2:sha256:x$salt$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
    "pbkdf2:sha1:1$salt$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gboolean rehash = FALSE;
      g_assert_true (sb_password_verify (good[i].hash, good[i].password, &rehash));
      /* Right, but of the old kind: upgrade on log-in. */
      g_assert_true (rehash);
      g_assert_false (sb_password_verify (good[i].hash, "wrong", &rehash));
      g_assert_false (rehash);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (sb_password_verify (bad[i], "passwd", NULL));
}

static void
test_async_pool (void)
{
  g_autoptr(GAsyncResult) hashed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  GAsyncResult *verified[4] = { NULL, };
  const char *attempts[4] = { "secret-pass", "wrong-pass", "secret-pass", "" };

  sb_password_hash_async ("secret-pass", NULL, sb_test_result_cb, &hashed);
  hash = sb_password_hash_finish (sb_test_await (&hashed), &error);
  g_assert_no_error (error);

  /* More jobs than pool threads: they queue, and all complete. */
  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    sb_password_verify_async (hash, attempts[i], NULL, sb_test_result_cb, &verified[i]);
  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    {
      gboolean rehash = TRUE;
      gboolean ok = sb_password_verify_finish (sb_test_await (&verified[i]), &rehash, &error);
      g_assert_no_error (error);
      g_assert_cmpint (ok, ==, i % 2 == 0);
      g_assert_false (rehash);
      g_object_unref (verified[i]);
    }
}

static void
test_async_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  sb_password_hash_async ("secret-pass", cancellable, sb_test_result_cb, &result);
  g_assert_null (sb_password_hash_finish (sb_test_await (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/password/hash-and-verify", test_hash_and_verify);
  g_test_add_func ("/password/unicode", test_unicode);
  g_test_add_func ("/password/werkzeug-legacy", test_werkzeug_legacy);
  g_test_add_func ("/password/async-pool", test_async_pool);
  g_test_add_func ("/password/async-cancelled", test_async_cancelled);
  return g_test_run ();
}
