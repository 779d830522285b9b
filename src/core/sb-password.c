/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "sb-error.h"
#include "sb-password.h"

#define HASH_POOL_THREADS 2
/* Far above Werkzeug's defaults (150,000 to 600,000), low enough that a
 * forged record cannot pin a CPU for minutes. */
#define PBKDF2_MAX_ITERATIONS 5000000

static void
ensure_sodium (void)
{
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
}

char *
sb_password_hash (const char  *password,
                  GError     **error)
{
  char out[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);

  ensure_sodium ();
  if (crypto_pwhash_str (out, password, strlen (password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, SB_ERROR, SB_ERROR_FAILED,
                           _("The server is too busy to create an account right now. "
                             "Please try again in a moment."));
      return NULL;
    }
  return g_strdup (out);
}

static void
pbkdf2_hmac_sha256 (const guint8 *password,
                    gsize         password_len,
                    const guint8 *salt,
                    gsize         salt_len,
                    guint64       iterations,
                    guint8        out[crypto_auth_hmacsha256_BYTES])
{
  crypto_auth_hmacsha256_state key_state, state;
  guint8 u[crypto_auth_hmacsha256_BYTES];
  const guint8 block_index[4] = { 0, 0, 0, 1 };

  /* One output block is all SHA-256 Werkzeug hashes use. */
  crypto_auth_hmacsha256_init (&key_state, password, password_len);

  state = key_state;
  crypto_auth_hmacsha256_update (&state, salt, salt_len);
  crypto_auth_hmacsha256_update (&state, block_index, sizeof block_index);
  crypto_auth_hmacsha256_final (&state, u);
  memcpy (out, u, sizeof u);

  for (guint64 i = 1; i < iterations; i++)
    {
      state = key_state;
      crypto_auth_hmacsha256_update (&state, u, sizeof u);
      crypto_auth_hmacsha256_final (&state, u);
      for (gsize j = 0; j < sizeof u; j++)
        out[j] ^= u[j];
    }

  sodium_memzero (&key_state, sizeof key_state);
  sodium_memzero (&state, sizeof state);
  sodium_memzero (u, sizeof u);
}

static gboolean
verify_werkzeug (const char *hash,
                 const char *password)
{
  g_auto(GStrv) parts = g_strsplit (hash, "$", 3);
  guint8 expected[crypto_auth_hmacsha256_BYTES];
  guint8 actual[crypto_auth_hmacsha256_BYTES];
  const char *method;
  guint64 iterations;
  char *end = NULL;
  gboolean ok;

  if (g_strv_length (parts) != 3)
    return FALSE;
  method = parts[0];
  if (!g_str_has_prefix (method, "pbkdf2:sha256:"))
    return FALSE;
  iterations = g_ascii_strtoull (method + strlen ("pbkdf2:sha256:"), &end, 10);
  if (end == NULL || *end != '\0' || iterations == 0 || iterations > PBKDF2_MAX_ITERATIONS)
    return FALSE;
  if (strlen (parts[2]) != 2 * sizeof expected ||
      sodium_hex2bin (expected, sizeof expected, parts[2], strlen (parts[2]), NULL, NULL,
                      NULL) != 0)
    return FALSE;

  pbkdf2_hmac_sha256 ((const guint8 *) password, strlen (password),
                      (const guint8 *) parts[1], strlen (parts[1]), iterations, actual);
  ok = sodium_memcmp (expected, actual, sizeof actual) == 0;
  sodium_memzero (actual, sizeof actual);
  return ok;
}

/**
 * sb_password_verify:
 * @needs_rehash: (out) (optional): set to %TRUE when the password is right
 *   but the stored hash is of a legacy kind or weaker than today's settings.
 *
 * Returns: whether @password matches @hash. Runs in constant time with
 *   respect to the password.
 */
gboolean
sb_password_verify (const char *hash,
                    const char *password,
                    gboolean   *needs_rehash)
{
  gboolean ok = FALSE;
  gboolean rehash = FALSE;

  g_return_val_if_fail (hash != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  ensure_sodium ();
  if (g_str_has_prefix (hash, "$argon2id$"))
    {
      ok = crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
      rehash = ok && crypto_pwhash_str_needs_rehash (hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                     crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
    }
  else if (g_str_has_prefix (hash, "pbkdf2:sha256:"))
    {
      ok = verify_werkzeug (hash, password);
      rehash = ok;
    }

  if (needs_rehash)
    *needs_rehash = rehash;
  return ok;
}

/* The hashing pool */

typedef struct
{
  char     *hash;
  char     *password;
  gboolean  verify;
} Job;

static void
job_free (Job *job)
{
  g_free (job->hash);
  if (job->password)
    {
      sodium_memzero (job->password, strlen (job->password));
      g_free (job->password);
    }
  g_free (job);
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  g_autoptr(GTask) task = data;
  Job *job = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (job->verify)
    {
      gboolean rehash = FALSE;
      gboolean ok = sb_password_verify (job->hash, job->password, &rehash);
      /* 0 = wrong, 1 = right, 2 = right and needs re-hashing */
      g_task_return_int (task, ok ? (rehash ? 2 : 1) : 0);
    }
  else
    {
      GError *error = NULL;
      char *hash = sb_password_hash (job->password, &error);

      if (hash == NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, hash, g_free);
    }
}

static GThreadPool *
get_pool (void)
{
  static GThreadPool *pool;
  static gsize initialised;

  if (g_once_init_enter (&initialised))
    {
      pool = g_thread_pool_new (run_job, NULL, HASH_POOL_THREADS, FALSE, NULL);
      g_once_init_leave (&initialised, 1);
    }
  return pool;
}

static void
push_job (GTask *task,
          Job   *job)
{
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_thread_pool_push (get_pool (), task, NULL);
}

void
sb_password_hash_async (const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_password_hash_async));
  job->password = g_strdup (password);
  push_job (task, job);
}

char *
sb_password_hash_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sb_password_verify_async (const char          *hash,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_password_verify_async));
  job->verify = TRUE;
  job->hash = g_strdup (hash);
  job->password = g_strdup (password);
  push_job (task, job);
}

gboolean
sb_password_verify_finish (GAsyncResult  *result,
                           gboolean      *needs_rehash,
                           GError       **error)
{
  gssize verdict;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  verdict = g_task_propagate_int (G_TASK (result), error);
  if (needs_rehash)
    *needs_rehash = verdict == 2;
  return verdict > 0;
}
