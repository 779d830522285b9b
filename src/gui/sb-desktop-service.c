/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-desktop-service.h"
#include "sb-error.h"
#include "sb-keyring.h"
#include "sb-service.h"

typedef struct
{
  SbDesktopBackend  kind;
  char          *data_dir;
  char          *access_key_id;
  char          *secret_access_key;
  gboolean       have_keys;
  gboolean       keys_typed;    /* as typed in Preferences, not from the keyring */
  gboolean       usable;
  char          *settings[8];
  void         (*after_keys) (GTask *task);
} Op;

/* GSettings keys for AWS, in the order of Op.settings, and the SbConfig
 * keys they set. */
static const char * const aws_settings[8] = {
  "aws-region", "aws-endpoint", "aws-dynamodb-endpoint", "aws-s3-endpoint", "aws-bucket",
  "aws-users-table", "aws-files-table", "aws-sessions-table",
};
static const char * const config_keys[8] = {
  "region", "endpoint-url", "dynamodb-endpoint-url", "s3-endpoint-url", "bucket",
  "users-table", "files-table", "sessions-table",
};

static void
wipe (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
op_free (Op *op)
{
  g_free (op->data_dir);
  g_free (op->access_key_id);
  wipe (op->secret_access_key);
  for (guint i = 0; i < G_N_ELEMENTS (op->settings); i++)
    g_free (op->settings[i]);
  g_free (op);
}

static Op *
op_new (GSettings  *settings,
        const char *data_dir)
{
  Op *op = g_new0 (Op, 1);

  op->kind = (SbDesktopBackend) g_settings_get_enum (settings, "backend");
  op->data_dir = g_strdup (data_dir);
  /* Only what the user set: GSettings' defaults must not hide the config
   * file and environment that storagebox-server and storagebox-cli read. */
  for (guint i = 0; i < G_N_ELEMENTS (aws_settings); i++)
    {
      g_autoptr(GVariant) value = g_settings_get_user_value (settings, aws_settings[i]);

      if (value != NULL && *g_variant_get_string (value, NULL) != '\0')
        op->settings[i] = g_variant_dup_string (value, NULL);
    }
  return op;
}


/* The shared configuration (config files and environment, as the server
 * and the CLI read them) with the Preferences on top. The access keys are
 * handed to the configuration in memory only: neither this process's
 * environment nor any file ever holds them. */
static SbConfig *
config_new (Op      *op,
            GError **error)
{
  g_autoptr(SbConfig) config = sb_config_new (NULL);
  const char *preferences = _("Preferences");

  if (op->have_keys && op->access_key_id != NULL && *op->access_key_id != '\0' &&
      op->secret_access_key != NULL && *op->secret_access_key != '\0')
    sb_config_set_credentials (config, op->access_key_id, op->secret_access_key,
                               op->keys_typed ? preferences : _("the keyring"));
  if (!sb_config_load (config, NULL, error) ||
      !sb_config_set_from (config, "backend",
                           op->kind == SB_DESKTOP_BACKEND_AWS ? "aws" : "local", preferences,
                           error) ||
      (op->data_dir != NULL && !sb_config_set (config, "data-dir", op->data_dir, error)))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
    if (op->settings[i] != NULL &&
        !sb_config_set_from (config, config_keys[i], op->settings[i], preferences, error))
      return NULL;
  return g_steal_pointer (&config);
}

/* An operation on the configuration, as sb_service_open_async() and
 * sb_config_check_async() are. */
typedef void (*ConfigCall) (SbConfig            *config,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);

/* Builds the configuration from the task's Op and starts @call on it, which
 * answers to @done; or returns the task's error. Takes @task. */
static void
with_config (GTask               *task,
             ConfigCall           call,
             GAsyncReadyCallback  done)
{
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  g_autoptr(SbConfig) config = config_new (op, &error);

  if (config == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  call (config, cancellable, done, task);
}

/* A task for one of the calls below, holding what it needs from @settings. */
static GTask *
op_task_new (GSettings           *settings,
             const char          *data_dir,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op_new (settings, data_dir), (GDestroyNotify) op_free);
  return task;
}

static void
keys_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* No keyring, or no keys in it: the AWS chain may still find credentials
   * (environment, ~/.aws/credentials, an instance role). */
  op->have_keys = sb_keyring_lookup_credentials_finish (result, &op->access_key_id,
                                                        &op->secret_access_key, &error);
  if (error != NULL)
    g_debug ("No AWS keys from the keyring: %s", error->message);
  op->after_keys (task);
}

/* Looks up the AWS keys in the keyring, then goes on with @after_keys. */
static void
with_keyring_keys (GTask  *task,
                   void  (*after_keys) (GTask *task))
{
  Op *op = g_task_get_task_data (task);

  op->after_keys = after_keys;
  sb_keyring_lookup_credentials_async (g_task_get_cancellable (task), keys_cb, task);
}

/* Opening */

static void
open_opened_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  SbService *service = sb_service_open_finish (result, &error);

  if (service == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, service, g_object_unref);
}

static void
open_with_config (GTask *task)
{
  with_config (task, sb_service_open_async, open_opened_cb);
}

void
sb_desktop_service_open_async (GSettings           *settings,
                               const char          *data_dir,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (G_IS_SETTINGS (settings));

  task = op_task_new (settings, data_dir, SB_SOURCE_TAG (sb_desktop_service_open_async),
                      cancellable, callback, user_data);
  op = g_task_get_task_data (task);

  if (op->kind == SB_DESKTOP_BACKEND_AWS)
    with_keyring_keys (g_steal_pointer (&task), open_with_config);
  else
    open_with_config (g_steal_pointer (&task));
}

/**
 * sb_desktop_service_open_finish:
 *
 * Returns: (transfer full): the open service, or %NULL with an error
 *   sentence
 */
SbService *
sb_desktop_service_open_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Checking */

static const char *
status_mark (SbCheckStatus status)
{
  switch (status)
    {
    case SB_CHECK_OK:
      return "✓";
    case SB_CHECK_WARNING:
      return "!";
    case SB_CHECK_MISSING:
      return "?";
    case SB_CHECK_ERROR:
    default:
      return "✗";
    }
}

static void
check_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(SbCheck) check = sb_config_check_finish (SB_CONFIG (object), result, &error);
  g_autoptr(GString) report = g_string_new (NULL);
  guint n;

  if (check == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (check));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbCheckItem) item = g_list_model_get_item (G_LIST_MODEL (check), i);

      if (report->len > 0)
        g_string_append_c (report, '\n');
      /* Translators: one line of the connection test: mark, what, how. */
      g_string_append_printf (report, _("%s %s: %s"),
                              status_mark (sb_check_item_get_status (item)),
                              sb_check_item_get_name (item), sb_check_item_get_message (item));
    }
  op->usable = sb_check_get_usable (check);
  g_task_return_pointer (task, g_string_free (g_steal_pointer (&report), FALSE), g_free);
}

static void
check_with_config (GTask *task)
{
  with_config (task, sb_config_check_async, check_done_cb);
}

void
sb_desktop_service_check_async (GSettings           *settings,
                                const char          *data_dir,
                                const char          *access_key_id,
                                const char          *secret_access_key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (G_IS_SETTINGS (settings));

  task = op_task_new (settings, data_dir, SB_SOURCE_TAG (sb_desktop_service_check_async),
                      cancellable, callback, user_data);
  op = g_task_get_task_data (task);

  if (op->kind == SB_DESKTOP_BACKEND_AWS && access_key_id == NULL)
    {
      with_keyring_keys (g_steal_pointer (&task), check_with_config);
      return;
    }
  op->access_key_id = g_strdup (access_key_id);
  op->secret_access_key = g_strdup (secret_access_key);
  op->have_keys = access_key_id != NULL;
  op->keys_typed = op->have_keys;
  check_with_config (g_steal_pointer (&task));
}

char *
sb_desktop_service_check_finish (GAsyncResult  *result,
                                 gboolean      *usable,
                                 GError       **error)
{
  char *report;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  report = g_task_propagate_pointer (G_TASK (result), error);
  if (usable != NULL)
    {
      *usable = report != NULL && ((Op *) g_task_get_task_data (G_TASK (result)))->usable;
    }
  return report;
}
