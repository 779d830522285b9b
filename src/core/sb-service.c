/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-core-private.h"
#include "sb-lifecycle.h"
#include "sb-service.h"

struct _SbService
{
  GObject     parent_instance;
  SbStore    *store;
  SbAccounts *accounts;
  SbLibrary  *library;
  SbPrices   *prices;
  gboolean    closing;
};

G_DEFINE_FINAL_TYPE (SbService, sb_service, G_TYPE_OBJECT)

static void
sb_service_dispose (GObject *object)
{
  SbService *self = SB_SERVICE (object);

  g_clear_object (&self->library);
  g_clear_object (&self->prices);
  g_clear_object (&self->accounts);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (sb_service_parent_class)->dispose (object);
}

static void
sb_service_class_init (SbServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sb_service_dispose;
}

static void
sb_service_init (SbService *self)
{
}

/* Opening */

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbConfig *config = SB_CONFIG (object);
  g_autoptr(SbService) self = NULL;
  GError *error = NULL;
  g_autoptr(SbStore) store = sb_config_open_store_finish (config, result, &error);

  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  self = g_object_new (SB_TYPE_SERVICE, NULL);
  self->store = g_steal_pointer (&store);
  self->accounts = sb_accounts_new (self->store);
  /* sb_config_validate() refused a size of 0, so this is a real limit. */
  self->library = sb_library_new (self->store, sb_config_get_max_upload_size (config));
  self->prices = sb_prices_new (config);
  g_task_return_pointer (task, g_steal_pointer (&self), g_object_unref);
}

/**
 * sb_service_open_async:
 * @config: the loaded configuration (see sb_config_load_with_options())
 *
 * Validates @config, opens the store it names and proves it works (see
 * sb_config_open_store_async()), then makes the accounts and the library
 * on it, the library with the configured `max-upload-size`.
 */
void
sb_service_open_async (SbConfig            *config,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_CONFIG (config));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_service_open_async));
  sb_config_open_store_async (config, cancellable, store_opened_cb, g_steal_pointer (&task));
}

/**
 * sb_service_open_finish:
 *
 * Returns: (transfer full): the open service, or %NULL with an %SB_ERROR
 *   sentence (or %G_IO_ERROR_CANCELLED)
 */
SbService *
sb_service_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        SB_SOURCE_TAG (sb_service_open_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sb_service_get_accounts:
 *
 * Returns: (transfer none): sign-up, log-in and sessions on this service
 */
SbAccounts *
sb_service_get_accounts (SbService *self)
{
  g_return_val_if_fail (SB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (!self->closing, NULL);
  return self->accounts;
}

/**
 * sb_service_get_prices:
 *
 * Returns: (transfer none): the price table for estimates, with the
 *   configuration's [prices]
 */
SbPrices *
sb_service_get_prices (SbService *self)
{
  g_return_val_if_fail (SB_IS_SERVICE (self), NULL);
  return self->prices;
}

/**
 * sb_service_get_library:
 *
 * Returns: (transfer none): the users' files, with the configured size limit
 */
SbLibrary *
sb_service_get_library (SbService *self)
{
  g_return_val_if_fail (SB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (!self->closing, NULL);
  return self->library;
}

/**
 * sb_service_get_store:
 *
 * Returns: (transfer none): the store, for the few operations on the store
 *   as a whole (fsck); files and accounts go through the library and the
 *   accounts
 */
SbStore *
sb_service_get_store (SbService *self)
{
  g_return_val_if_fail (SB_IS_SERVICE (self), NULL);
  g_return_val_if_fail (!self->closing, NULL);
  return self->store;
}

/* Closing */

static void
released_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (sb_release_when_idle_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * sb_service_close_async:
 * @timeout: how long to wait for the background work, at most (for example
 *   %SB_SERVICE_CLOSE_TIMEOUT)
 *
 * Lets go of the accounts and the library, then waits until the work they
 * started in the background (deleting the bytes of a deleted, replaced or
 * refused file) is done, for at most @timeout, and releases the store in
 * the calling thread. For a front end about to exit: a worker thread
 * finalizing the store while the process exits would race with the exit.
 *
 * Drop your own references to the accounts and the library (and to what
 * holds them: a web server, a window) first, or the wait lasts @timeout.
 * Afterwards the getters must not be called; only unreferencing is left.
 * The finish function fails with %G_IO_ERROR_TIMED_OUT if the store was
 * still busy at the deadline (it is released all the same).
 */
void
sb_service_close_async (SbService           *self,
                        GTimeSpan            timeout,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_SERVICE (self));
  g_return_if_fail (!self->closing);
  g_return_if_fail (timeout >= 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_service_close_async));
  self->closing = TRUE;
  g_clear_object (&self->library);
  g_clear_object (&self->accounts);
  sb_release_when_idle_async (g_steal_pointer (&self->store), timeout, cancellable, released_cb,
                              g_steal_pointer (&task));
}

/**
 * sb_service_close_finish:
 *
 * Returns: %TRUE if the background work was done in time
 */
gboolean
sb_service_close_finish (SbService     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
