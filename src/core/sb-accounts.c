/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "sb-accounts.h"
#include "sb-core-private.h"
#include "sb-error.h"
#include "sb-password.h"
#include "sb-random.h"
#include "sb-validate.h"

/* base64url of 32 bytes, without padding */
#define TOKEN_LENGTH 43

/* Verified in place of a missing user's hash, so that "no such user" takes
 * as long as "wrong password" and reveals nothing. Same argon2id settings as
 * new hashes; the password behind it is random and thrown away. */
static const char dummy_hash[] =
  "$argon2id$v=19$m=65536,t=2,p=1$0IaOX8XKf/1mZTTDQdDoXg$"
  "vMkYdhcaqdzc96bfEiOIWjUm3qujm+c9fs5bsRGX22A";

struct _SbAccounts
{
  GObject     parent_instance;
  SbStore    *store;
  SbThrottle *throttle;            /* log-ins, and sign-ups per address */
  SbThrottle *password_throttle;   /* wrong current passwords when changing it */
  GTimeSpan   session_lifetime;
};

static char *describe_wait (gint64 wait);

G_DEFINE_FINAL_TYPE (SbAccounts, sb_accounts, G_TYPE_OBJECT)

static void
sb_accounts_dispose (GObject *object)
{
  SbAccounts *self = SB_ACCOUNTS (object);

  g_clear_object (&self->store);
  g_clear_object (&self->throttle);
  g_clear_object (&self->password_throttle);
  G_OBJECT_CLASS (sb_accounts_parent_class)->dispose (object);
}

static void
sb_accounts_class_init (SbAccountsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sb_accounts_dispose;
}

static void
sb_accounts_init (SbAccounts *self)
{
  self->throttle = sb_throttle_new ();
  self->password_throttle = sb_throttle_new ();
  self->session_lifetime = SB_SESSION_DEFAULT_LIFETIME;
}

SbAccounts *
sb_accounts_new (SbStore *store)
{
  SbAccounts *self;

  g_return_val_if_fail (SB_IS_STORE (store), NULL);

  self = g_object_new (SB_TYPE_ACCOUNTS, NULL);
  self->store = g_object_ref (store);
  return self;
}

SbStore *
sb_accounts_get_store (SbAccounts *self)
{
  g_return_val_if_fail (SB_IS_ACCOUNTS (self), NULL);
  return self->store;
}

SbThrottle *
sb_accounts_get_throttle (SbAccounts *self)
{
  g_return_val_if_fail (SB_IS_ACCOUNTS (self), NULL);
  return self->throttle;
}

void
sb_accounts_set_session_lifetime (SbAccounts *self,
                                  GTimeSpan   lifetime)
{
  g_return_if_fail (SB_IS_ACCOUNTS (self));
  g_return_if_fail (lifetime > 0);
  self->session_lifetime = lifetime;
}

/**
 * sb_accounts_hash_token:
 *
 * Returns: the hex SHA-256 of @token: what the store keeps instead of the
 *   token, so that reading the sessions table does not let anyone log in.
 */
char *
sb_accounts_hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static gboolean
token_is_well_formed (const char *token)
{
  if (token == NULL || strlen (token) != TOKEN_LENGTH)
    return FALSE;
  for (const char *p = token; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* Returns: the hash @token's session is kept under, or %NULL for what
 *   cannot be a token at all, which is never looked up. */
static char *
session_key_for_token (const char *token)
{
  return token_is_well_formed (token) ? sb_accounts_hash_token (token) : NULL;
}

static char *
taken_message (const char *username)
{
  return g_strdup_printf (_("The username “%s” is already taken. Please choose another."),
                          username);
}

static void
return_store_error (GTask        *task,
                    const GError *error,
                    const char   *not_found,
                    const char   *exists)
{
  g_task_return_error (task, sb_error_from_store (error, not_found, exists));
}

/* Operation state, shared by every chain below */

typedef struct
{
  char      *username;
  char      *email;
  char      *password;
  char      *new_password;
  char      *address;
  char      *token_hash;
  SbUser    *user;
  SbSession *session;
} Op;

static void
op_free (Op *op)
{
  g_free (op->username);
  g_free (op->email);
  if (op->password)
    sodium_memzero (op->password, strlen (op->password));
  g_free (op->password);
  if (op->new_password)
    sodium_memzero (op->new_password, strlen (op->new_password));
  g_free (op->new_password);
  g_free (op->address);
  g_free (op->token_hash);
  g_clear_object (&op->user);
  g_clear_object (&op->session);
  g_free (op);
}

static GTask *
op_task_new (SbAccounts          *self,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             Op                 **op_out)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  *op_out = op;
  return task;
}

/* Starting a session (after sign-up and log-in) */

static void
session_create_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sb_store_session_create_finish (SB_STORE (object), result, &error))
    {
      return_store_error (task, error, NULL, NULL);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&op->session), g_object_unref);
}

static void
start_session (GTask *task)
{
  SbAccounts *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autofree char *token = sb_random_token ();
  g_autofree char *token_hash = sb_accounts_hash_token (token);
  g_autofree char *csrf = sb_random_token ();
  gint64 now = g_get_real_time ();

  op->session = sb_session_new (token_hash, op->username, csrf, now,
                                now + self->session_lifetime);
  sb_session_set_token (op->session, token);
  sb_store_session_create_async (self->store, op->session, g_task_get_cancellable (task),
                                 session_create_cb, task);
}

/* Sign up */

static void
sign_up_create_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *taken = NULL;

  if (!sb_store_user_create_finish (SB_STORE (object), result, &error))
    {
      taken = taken_message (op->username);
      return_store_error (task, error, NULL, taken);
      return;
    }
  start_session (g_steal_pointer (&task));
}

static void
sign_up_hash_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAccounts *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *hash = sb_password_hash_finish (result, &error);
  gint64 now = g_get_real_time ();

  if (hash == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  op->user = sb_user_new (op->username, op->email, hash, "user", now, now);
  sb_store_user_create_async (self->store, op->user, g_task_get_cancellable (task),
                              sign_up_create_cb, g_object_ref (task));
}

static void
sign_up_check_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbUser) existing = sb_store_user_get_finish (SB_STORE (object), result, &error);

  /* A courtesy: say "taken" before spending a hash. The conditional create
   * below is what actually guarantees uniqueness. */
  if (existing != NULL)
    {
      g_autofree char *taken = taken_message (op->username);

      g_task_return_new_error (task, SB_ERROR, SB_ERROR_EXISTS, "%s", taken);
      return;
    }
  /* Each new account costs a password hash: one address gets so many. */
  if (op->address != NULL)
    {
      SbAccounts *self = g_task_get_source_object (task);
      gint64 wait = sb_throttle_take (self->throttle, op->address, SB_THROTTLE_SIGN_UPS,
                                      g_get_monotonic_time ());
      if (wait > 0)
        {
          g_autofree char *when = describe_wait (wait);
          g_task_return_new_error (task, SB_ERROR, SB_ERROR_THROTTLED,
                                   _("Too many accounts were created from your address. "
                                     "Please wait %s and try again."), when);
          return;
        }
    }
  if (!g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
    {
      return_store_error (task, error, NULL, NULL);
      return;
    }
  sb_password_hash_async (op->password, g_task_get_cancellable (task), sign_up_hash_cb,
                          g_object_ref (task));
}

/**
 * sb_accounts_sign_up_async:
 * @client_address: (nullable): where the request comes from; at most
 *   %SB_THROTTLE_SIGN_UPS accounts per address and window are created
 *   (%SB_ERROR_THROTTLED), checked before the password is hashed. %NULL
 *   for front ends on the user's own machine.
 *
 * Creates an account and logs it in: the result is a new session whose
 * token is set.
 */
void
sb_accounts_sign_up_async (SbAccounts          *self,
                           const char          *username,
                           const char          *email,
                           const char          *password,
                           const char          *client_address,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Op *op;

  g_return_if_fail (SB_IS_ACCOUNTS (self));

  task = op_task_new (self, SB_SOURCE_TAG (sb_accounts_sign_up_async), cancellable, callback,
                      user_data, &op);
  if ((op->username = sb_validate_username (username, &error)) == NULL ||
      (op->email = sb_validate_email (email, &error)) == NULL ||
      !sb_validate_password (password, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  op->address = g_strdup (client_address);
  op->password = g_strdup (password);
  sb_store_user_get_async (self->store, op->username, cancellable, sign_up_check_cb,
                           g_steal_pointer (&task));
}

SbSession *
sb_accounts_sign_up_finish (SbAccounts    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Log in */

static void
bad_credentials (GTask *task)
{
  SbAccounts *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  sb_throttle_failed (self->throttle, op->username, op->address, g_get_monotonic_time ());
  g_task_return_new_error (task, SB_ERROR, SB_ERROR_BAD_CREDENTIALS,
                           _("Incorrect username or password."));
}

static void
rehash_update_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!sb_store_user_update_finish (SB_STORE (object), result, &error))
    g_warning ("could not upgrade a password hash: %s", error->message);
}

static void
rehash_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SbUser) user = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = sb_password_hash_finish (result, &error);
  SbStore *store = g_object_get_data (G_OBJECT (user), "sb-store");

  if (hash == NULL)
    {
      g_warning ("could not upgrade a password hash: %s", error->message);
      return;
    }
  sb_user_set_password_hash (user, hash);
  sb_user_set_updated_at (user, g_get_real_time ());
  sb_store_user_update_async (store, user, NULL, rehash_update_cb, NULL);
}

static void
log_in_verify_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAccounts *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean needs_rehash = FALSE;
  gboolean ok = sb_password_verify_finish (result, &needs_rehash, &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!ok || op->user == NULL)
    {
      bad_credentials (task);
      return;
    }

  sb_throttle_succeeded (self->throttle, op->username, op->address);

  /* A legacy or weaker hash is upgraded now that we know the password; the
   * log-in does not wait for it. */
  if (needs_rehash)
    {
      SbUser *user = sb_user_copy (op->user);
      g_object_set_data_full (G_OBJECT (user), "sb-store", g_object_ref (self->store),
                              g_object_unref);
      sb_password_hash_async (op->password, NULL, rehash_cb, user);
    }

  start_session (g_steal_pointer (&task));
}

static void
log_in_user_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->user = sb_store_user_get_finish (SB_STORE (object), result, &error);
  if (op->user == NULL && !g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
    {
      return_store_error (task, error, NULL, NULL);
      return;
    }
  sb_password_verify_async (op->user ? sb_user_get_password_hash (op->user) : dummy_hash,
                            op->password, g_task_get_cancellable (task), log_in_verify_cb,
                            g_object_ref (task));
}

static char *
describe_wait (gint64 wait)
{
  gint64 seconds = (wait + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND;

  if (seconds < 120)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d second", "%d seconds",
                                         (gulong) seconds), (int) seconds);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes",
                                       (gulong) ((seconds + 59) / 60)),
                          (int) ((seconds + 59) / 60));
}

/**
 * sb_accounts_log_in_async:
 * @client_address: (nullable): where the attempt comes from, for throttling
 *
 * Checks the password and starts a new session (a new token on every
 * log-in). Repeated failures from one client are throttled with
 * %SB_ERROR_THROTTLED, before the password is even looked at.
 */
void
sb_accounts_log_in_async (SbAccounts          *self,
                          const char          *username,
                          const char          *password,
                          const char          *client_address,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  gint64 wait;
  Op *op;

  g_return_if_fail (SB_IS_ACCOUNTS (self));

  task = op_task_new (self, SB_SOURCE_TAG (sb_accounts_log_in_async), cancellable, callback,
                      user_data, &op);
  op->address = g_strdup (client_address ? client_address : "");
  op->username = sb_validate_username (username, &error);
  if (op->username == NULL || password == NULL || *password == '\0')
    {
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_BAD_CREDENTIALS,
                               _("Incorrect username or password."));
      return;
    }

  wait = sb_throttle_check (self->throttle, op->username, op->address, g_get_monotonic_time ());
  if (wait > 0)
    {
      g_autofree char *when = describe_wait (wait);
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_THROTTLED,
                               _("Too many failed log-in attempts. Please wait %s and try again."),
                               when);
      return;
    }

  op->password = g_strdup (password);
  sb_store_user_get_async (self->store, op->username, cancellable, log_in_user_cb,
                           g_steal_pointer (&task));
}

SbSession *
sb_accounts_log_in_finish (SbAccounts    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Authenticate */

static void
ignore_result_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!sb_store_session_delete_finish (SB_STORE (object), result, &error))
    g_debug ("could not delete a session: %s", error->message);
}

static void
not_authenticated (GTask *task)
{
  g_task_return_new_error (task, SB_ERROR, SB_ERROR_NOT_AUTHENTICATED,
                           _("Your session has ended. Please log in again."));
}

static void
authenticate_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = sb_store_session_get_finish (SB_STORE (object), result, &error);

  if (session == NULL)
    {
      if (g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
        not_authenticated (task);
      else
        return_store_error (task, error, NULL, NULL);
      return;
    }

  /* Stores may keep expired sessions for a while (DynamoDB TTL deletes
   * lazily), so expiry is decided here, on every read. */
  if (sb_session_get_expires_at (session) <= g_get_real_time ())
    {
      sb_store_session_delete_async (SB_STORE (object), sb_session_get_token_hash (session), NULL,
                                     ignore_result_cb, NULL);
      not_authenticated (task);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&session), g_object_unref);
}

void
sb_accounts_authenticate_async (SbAccounts          *self,
                                const char          *token,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *token_hash = NULL;
  Op *op;

  g_return_if_fail (SB_IS_ACCOUNTS (self));

  task = op_task_new (self, SB_SOURCE_TAG (sb_accounts_authenticate_async), cancellable, callback,
                      user_data, &op);
  token_hash = session_key_for_token (token);
  if (token_hash == NULL)
    {
      not_authenticated (task);
      return;
    }
  sb_store_session_get_async (self->store, token_hash, cancellable, authenticate_cb,
                              g_steal_pointer (&task));
}

SbSession *
sb_accounts_authenticate_finish (SbAccounts    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Log out */

static void
log_out_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!sb_store_session_delete_finish (SB_STORE (object), result, &error))
    return_store_error (task, error, NULL, NULL);
  else
    g_task_return_boolean (task, TRUE);
}

void
sb_accounts_log_out_async (SbAccounts          *self,
                           const char          *token,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *token_hash = NULL;
  Op *op;

  g_return_if_fail (SB_IS_ACCOUNTS (self));

  task = op_task_new (self, SB_SOURCE_TAG (sb_accounts_log_out_async), cancellable, callback,
                      user_data, &op);
  token_hash = session_key_for_token (token);
  if (token_hash == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  sb_store_session_delete_async (self->store, token_hash, cancellable, log_out_cb,
                                 g_steal_pointer (&task));
}

gboolean
sb_accounts_log_out_finish (SbAccounts    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Change password */

static void
change_password_sessions_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* The password did change; failing to end other sessions is logged, and
   * those sessions still expire on their own. */
  if (!sb_store_session_delete_for_user_finish (SB_STORE (object), result, &error))
    g_warning ("could not end other sessions after a password change: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
change_password_update_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sb_store_user_update_finish (SB_STORE (object), result, &error))
    {
      return_store_error (task, error, NULL, NULL);
      return;
    }
  sb_store_session_delete_for_user_async (SB_STORE (object), op->username, op->token_hash,
                                          g_task_get_cancellable (task),
                                          change_password_sessions_cb, g_object_ref (task));
}

static void
change_password_hash_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAccounts *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *hash = sb_password_hash_finish (result, &error);

  if (hash == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sb_user_set_password_hash (op->user, hash);
  sb_user_set_updated_at (op->user, g_get_real_time ());
  sb_store_user_update_async (self->store, op->user, g_task_get_cancellable (task),
                              change_password_update_cb, g_object_ref (task));
}

static void
change_password_verify_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAccounts *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!sb_password_verify_finish (result, NULL, &error))
    {
      if (error != NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      sb_throttle_failed (self->password_throttle, op->username, op->address,
                          g_get_monotonic_time ());
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_BAD_CREDENTIALS,
                               _("The current password is not correct."));
      return;
    }
  sb_throttle_succeeded (self->password_throttle, op->username, op->address);
  sb_password_hash_async (op->new_password, g_task_get_cancellable (task),
                          change_password_hash_cb, g_object_ref (task));
}

static void
change_password_user_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->user = sb_store_user_get_finish (SB_STORE (object), result, &error);
  if (op->user == NULL)
    {
      return_store_error (task, error, _("Your account no longer exists."), NULL);
      return;
    }
  sb_password_verify_async (sb_user_get_password_hash (op->user), op->password,
                            g_task_get_cancellable (task), change_password_verify_cb,
                            g_object_ref (task));
}

/**
 * sb_accounts_change_password_async:
 * @session: the session asking; it stays logged in, every other session of
 *   the user ends.
 * @client_address: (nullable): where the request comes from. Wrong current
 *   passwords are throttled like log-ins, per account and address and per
 *   address, on their own count: one user's mistakes never lock another
 *   user out (unless they share the address).
 */
void
sb_accounts_change_password_async (SbAccounts          *self,
                                   SbSession           *session,
                                   const char          *old_password,
                                   const char          *new_password,
                                   const char          *client_address,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  gint64 wait;
  Op *op;

  g_return_if_fail (SB_IS_ACCOUNTS (self));
  g_return_if_fail (SB_IS_SESSION (session));

  task = op_task_new (self, SB_SOURCE_TAG (sb_accounts_change_password_async), cancellable,
                      callback, user_data, &op);
  op->username = g_strdup (sb_session_get_username (session));
  op->token_hash = g_strdup (sb_session_get_token_hash (session));
  op->address = g_strdup (client_address ? client_address : "");

  wait = sb_throttle_check (self->password_throttle, op->username, op->address,
                            g_get_monotonic_time ());
  if (wait > 0)
    {
      g_autofree char *when = describe_wait (wait);
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_THROTTLED,
                               _("Too many wrong passwords. Please wait %s and try again."), when);
      return;
    }
  if (old_password == NULL || *old_password == '\0')
    {
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_INVALID,
                               _("Please enter your current password."));
      return;
    }
  if (!sb_validate_password (new_password, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  op->password = g_strdup (old_password);
  op->new_password = g_strdup (new_password);
  sb_store_user_get_async (self->store, op->username, cancellable, change_password_user_cb,
                           g_steal_pointer (&task));
}

gboolean
sb_accounts_change_password_finish (SbAccounts    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Profile */

typedef struct
{
  SbUser  *user;
  guint    n_files;
  guint64  bytes_used;
} Profile;

static void
profile_free (Profile *profile)
{
  g_clear_object (&profile->user);
  g_free (profile);
}

static void
profile_files_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = sb_store_file_list_finish (SB_STORE (object), result, &error);
  Profile *profile;

  if (files == NULL)
    {
      return_store_error (task, error, NULL, NULL);
      return;
    }

  profile = g_new0 (Profile, 1);
  profile->user = g_steal_pointer (&op->user);
  profile->n_files = files->len;
  for (guint i = 0; i < files->len; i++)
    profile->bytes_used += sb_file_get_size (g_ptr_array_index (files, i));
  g_task_return_pointer (task, profile, (GDestroyNotify) profile_free);
}

static void
profile_user_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->user = sb_store_user_get_finish (SB_STORE (object), result, &error);
  if (op->user == NULL)
    {
      return_store_error (task, error, _("There is no such account."), NULL);
      return;
    }
  sb_store_file_list_async (SB_STORE (object), op->username, g_task_get_cancellable (task),
                            profile_files_cb, g_object_ref (task));
}

void
sb_accounts_get_profile_async (SbAccounts          *self,
                               const char          *username,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (SB_IS_ACCOUNTS (self));
  g_return_if_fail (username != NULL);

  task = op_task_new (self, SB_SOURCE_TAG (sb_accounts_get_profile_async), cancellable, callback,
                      user_data, &op);
  op->username = g_strdup (username);
  sb_store_user_get_async (self->store, username, cancellable, profile_user_cb,
                           g_steal_pointer (&task));
}

/**
 * sb_accounts_get_profile_finish:
 * @n_files: (out) (optional): how many files the user has
 * @bytes_used: (out) (optional): their total size
 *
 * Returns: (transfer full): the user's account record
 */
SbUser *
sb_accounts_get_profile_finish (SbAccounts    *self,
                                GAsyncResult  *result,
                                guint         *n_files,
                                guint64       *bytes_used,
                                GError       **error)
{
  Profile *profile;
  SbUser *user;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  profile = g_task_propagate_pointer (G_TASK (result), error);
  if (profile == NULL)
    return NULL;
  if (n_files)
    *n_files = profile->n_files;
  if (bytes_used)
    *bytes_used = profile->bytes_used;
  user = g_steal_pointer (&profile->user);
  profile_free (profile);
  return user;
}

/* The server key */

/* Kept as a record in the users table under a name the username rule can
 * never produce, so no sign-up or log-in ever reaches it; the conditional
 * create makes two servers starting at once agree on one key. */
#define SERVER_KEY_RECORD "-server-key"
#define SERVER_KEY_PREFIX "server-key:"

static GBytes *
server_key_from_user (SbUser *user)
{
  const char *text = sb_user_get_password_hash (user);
  guchar *key;
  gsize len = 0;

  if (text == NULL || !g_str_has_prefix (text, SERVER_KEY_PREFIX))
    return NULL;
  key = g_base64_decode (text + strlen (SERVER_KEY_PREFIX), &len);
  if (len != SB_SERVER_KEY_BYTES)
    {
      g_free (key);
      return NULL;
    }
  return g_bytes_new_take (key, len);
}

static void server_key_get_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data);

static void
server_key_create_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (sb_store_user_create_finish (SB_STORE (object), result, &error))
    {
      g_task_return_pointer (task, server_key_from_user (op->user),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }
  /* Another server made it first: use that one. */
  if (g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      sb_store_user_get_async (SB_STORE (object), SERVER_KEY_RECORD, cancellable,
                               server_key_get_cb, g_steal_pointer (&task));
      return;
    }
  return_store_error (task, error, NULL, NULL);
}

static void
server_key_get_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbUser) user = sb_store_user_get_finish (SB_STORE (object), result, &error);
  guint8 raw[SB_SERVER_KEY_BYTES];
  g_autofree char *encoded = NULL;
  g_autofree char *text = NULL;
  gint64 now = g_get_real_time ();
  GCancellable *cancellable;
  GBytes *key;

  if (user != NULL)
    {
      key = server_key_from_user (user);
      if (key == NULL)
        g_task_return_new_error (task, SB_ERROR, SB_ERROR_FAILED,
                                 _("The server key kept in the store is damaged."));
      else
        g_task_return_pointer (task, key, (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (!g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND) || op->user != NULL)
    {
      return_store_error (task, error, NULL, NULL);
      return;
    }

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  randombytes_buf (raw, sizeof raw);
  encoded = g_base64_encode (raw, sizeof raw);
  sodium_memzero (raw, sizeof raw);
  text = g_strconcat (SERVER_KEY_PREFIX, encoded, NULL);
  op->user = sb_user_new (SERVER_KEY_RECORD, "-", text, "system", now, now);
  cancellable = g_task_get_cancellable (task);
  sb_store_user_create_async (SB_STORE (object), op->user, cancellable, server_key_create_cb,
                              g_steal_pointer (&task));
}

/**
 * sb_accounts_get_server_key_async:
 *
 * Gets the deployment's secret key: %SB_SERVER_KEY_BYTES random bytes that
 * every front end on this store shares, made on first use. Web servers
 * behind one load balancer sign what must verify on any of them with it
 * (the CSRF tokens of logged-out forms).
 */
void
sb_accounts_get_server_key_async (SbAccounts          *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (SB_IS_ACCOUNTS (self));

  task = op_task_new (self, SB_SOURCE_TAG (sb_accounts_get_server_key_async), cancellable,
                      callback, user_data, &op);
  sb_store_user_get_async (self->store, SERVER_KEY_RECORD, cancellable, server_key_get_cb,
                           g_steal_pointer (&task));
}

/**
 * sb_accounts_get_server_key_finish:
 *
 * Returns: (transfer full): the key, or %NULL with @error set
 */
GBytes *
sb_accounts_get_server_key_finish (SbAccounts    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
