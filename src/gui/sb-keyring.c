/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "sb-keyring.h"

#define KIND_KEY_ID "access-key-id"
#define KIND_SECRET "secret-access-key"

static const SecretSchema *
session_schema (void)
{
  static const SecretSchema schema = {
    APPLICATION_ID ".Session", SECRET_SCHEMA_NONE,
    {
      { "app", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };
  return &schema;
}

static const SecretSchema *
credentials_schema (void)
{
  static const SecretSchema schema = {
    APPLICATION_ID ".Credentials", SECRET_SCHEMA_NONE,
    {
      { "app", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };
  return &schema;
}

/* Session */

typedef struct
{
  char *username;
  char *token;
} StoreSession;

static void
store_session_free (StoreSession *data)
{
  g_free (data->username);
  if (data->token != NULL)
    memset (data->token, 0, strlen (data->token));
  g_free (data->token);
  g_free (data);
}

static void
store_session_stored_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Only one session is remembered: whoever logged in last. */
static void
store_session_cleared_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StoreSession *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *label = NULL;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Translators: the name of the keyring item that keeps a log-in. */
  label = g_strdup_printf (_("StorageBox log-in for %s"), data->username);
  secret_password_store (session_schema (), SECRET_COLLECTION_DEFAULT, label, data->token,
                         cancellable, store_session_stored_cb, g_steal_pointer (&task),
                         "app", APPLICATION_ID,
                         "username", data->username,
                         NULL);
}

void
sb_keyring_store_session_async (const char          *username,
                                const char          *token,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StoreSession *data;

  g_return_if_fail (username != NULL);
  g_return_if_fail (token != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_keyring_store_session_async));
  data = g_new0 (StoreSession, 1);
  data->username = g_strdup (username);
  data->token = g_strdup (token);
  g_task_set_task_data (task, data, (GDestroyNotify) store_session_free);
  secret_password_clear (session_schema (), cancellable, store_session_cleared_cb,
                         g_steal_pointer (&task),
                         "app", APPLICATION_ID,
                         NULL);
}

gboolean
sb_keyring_store_session_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_session_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *token = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, g_free);
}

void
sb_keyring_lookup_session_async (GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_keyring_lookup_session_async));
  secret_password_lookup (session_schema (), cancellable, lookup_session_cb,
                          g_steal_pointer (&task),
                          "app", APPLICATION_ID,
                          NULL);
}

char *
sb_keyring_lookup_session_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE with no error only means there was nothing to clear. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
sb_keyring_clear_session_async (GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_keyring_clear_session_async));
  secret_password_clear (session_schema (), cancellable, clear_cb, g_steal_pointer (&task),
                         "app", APPLICATION_ID,
                         NULL);
}

gboolean
sb_keyring_clear_session_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Credentials: each step handles one of the two items, in order. */

typedef struct
{
  char  *values[2];
  guint  step;
} Credentials;

static const char * const kinds[2] = { KIND_KEY_ID, KIND_SECRET };

static void
credentials_free (Credentials *data)
{
  for (guint i = 0; i < G_N_ELEMENTS (data->values); i++)
    {
      if (data->values[i] != NULL)
        memset (data->values[i], 0, strlen (data->values[i]));
      g_free (data->values[i]);
    }
  g_free (data);
}

/* Ends the step on one item: on to the next item, or done after the last,
 * or stopped by @error (taken). Takes @task. */
static void
credentials_step_done (GTask   *task,
                       GError  *error,
                       void   (*next) (GTask *task))
{
  g_autoptr(GTask) owned = task;
  Credentials *data = g_task_get_task_data (owned);

  if (error != NULL)
    g_task_return_error (owned, error);
  else if (++data->step == G_N_ELEMENTS (data->values))
    g_task_return_boolean (owned, TRUE);
  else
    next (g_steal_pointer (&owned));
}

static void store_credentials_next (GTask *task);

static void
store_credentials_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Credentials *data = g_task_get_task_data (task);
  GError *error = NULL;
  const char *value = data->values[data->step];

  if (value != NULL && *value != '\0')
    secret_password_store_finish (result, &error);
  else
    secret_password_clear_finish (result, &error);
  credentials_step_done (g_steal_pointer (&task), error, store_credentials_next);
}

static void
store_credentials_next (GTask *task)
{
  Credentials *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  const char *value = data->values[data->step];

  if (value != NULL && *value != '\0')
    {
      const char *label = data->step == 0
        ? _("StorageBox AWS access key ID")
        : _("StorageBox AWS secret access key");

      secret_password_store (credentials_schema (), SECRET_COLLECTION_DEFAULT, label, value,
                             cancellable, store_credentials_cb, task,
                             "app", APPLICATION_ID,
                             "kind", kinds[data->step],
                             NULL);
    }
  else
    secret_password_clear (credentials_schema (), cancellable, store_credentials_cb, task,
                           "app", APPLICATION_ID,
                           "kind", kinds[data->step],
                           NULL);
}

void
sb_keyring_store_credentials_async (const char          *access_key_id,
                                    const char          *secret_access_key,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Credentials *data = g_new0 (Credentials, 1);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_keyring_store_credentials_async));
  data->values[0] = g_strdup (access_key_id);
  data->values[1] = g_strdup (secret_access_key);
  g_task_set_task_data (task, data, (GDestroyNotify) credentials_free);
  store_credentials_next (task);
}

gboolean
sb_keyring_store_credentials_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void lookup_credentials_next (GTask *task);

static void
lookup_credentials_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Credentials *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->values[data->step] = secret_password_lookup_finish (result, &error);
  credentials_step_done (g_steal_pointer (&task), error, lookup_credentials_next);
}

static void
lookup_credentials_next (GTask *task)
{
  Credentials *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  secret_password_lookup (credentials_schema (), cancellable, lookup_credentials_cb, task,
                          "app", APPLICATION_ID,
                          "kind", kinds[data->step],
                          NULL);
}

void
sb_keyring_lookup_credentials_async (GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_keyring_lookup_credentials_async));
  g_task_set_task_data (task, g_new0 (Credentials, 1), (GDestroyNotify) credentials_free);
  lookup_credentials_next (task);
}

gboolean
sb_keyring_lookup_credentials_finish (GAsyncResult  *result,
                                      char         **access_key_id,
                                      char         **secret_access_key,
                                      GError       **error)
{
  GTask *task = G_TASK (result);
  Credentials *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  if (!g_task_propagate_boolean (task, error))
    return FALSE;
  data = g_task_get_task_data (task);
  if (access_key_id != NULL)
    *access_key_id = g_steal_pointer (&data->values[0]);
  if (secret_access_key != NULL)
    *secret_access_key = g_steal_pointer (&data->values[1]);
  return TRUE;
}
