/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-aws-store.h"
#include "sb-local-store.h"
#include "sb-store-factory.h"
#include "sb-store-private.h"

/* S3 allows at most this many parts in one multipart upload. */
#define S3_MAX_PARTS 10000

static SbAwsStore *
new_aws_store (const SbStoreSettings *settings)
{
  g_autoptr(SbAwsConfig) aws_config = sb_aws_config_new (settings->environ);
  g_autoptr(SbAwsClient) client = NULL;
  SbAwsStore *store;
  SbAwsS3 *s3;

  if (settings->region != NULL)
    sb_aws_config_set_region (aws_config, settings->region);
  if (settings->endpoint_url != NULL)
    sb_aws_config_set_endpoint_url (aws_config, NULL, settings->endpoint_url);
  if (settings->dynamodb_endpoint_url != NULL)
    sb_aws_config_set_endpoint_url (aws_config, "dynamodb", settings->dynamodb_endpoint_url);
  if (settings->s3_endpoint_url != NULL)
    sb_aws_config_set_endpoint_url (aws_config, "s3", settings->s3_endpoint_url);

  if (settings->access_key_id != NULL && settings->secret_access_key != NULL)
    {
      g_autoptr(SbAwsCredentials) credentials =
        sb_aws_credentials_new_with_source (settings->access_key_id,
                                            settings->secret_access_key, NULL, 0,
                                            settings->credentials_source
                                              ? settings->credentials_source
                                              : "StorageBox");
      g_autoptr(SbAwsCredentialsProvider) provider =
        sb_aws_credentials_provider_new_static (credentials);

      client = sb_aws_client_new (aws_config, provider);
    }
  else
    client = sb_aws_client_new (aws_config, NULL);

  store = sb_aws_store_new (client, settings->bucket,
                            settings->users_table ? settings->users_table
                                                  : SB_STORE_DEFAULT_USERS_TABLE,
                            settings->files_table ? settings->files_table
                                                  : SB_STORE_DEFAULT_FILES_TABLE,
                            settings->sessions_table ? settings->sessions_table
                                                     : SB_STORE_DEFAULT_SESSIONS_TABLE);
  /* 8 MiB parts, 4 in flight (the aws layer's defaults) keep an upload
   * within about 40 MiB; only a size limit beyond what S3's 10,000 parts
   * of 8 MiB allow (78 GiB) needs bigger ones. */
  s3 = sb_aws_store_get_s3 (store);
  if (settings->max_blob_size > 0)
    sb_aws_s3_set_part_size (s3, (gsize) MAX (sb_aws_s3_get_part_size (s3),
                                              (settings->max_blob_size + S3_MAX_PARTS - 1) /
                                                S3_MAX_PARTS));
  return store;
}

/**
 * sb_store_new_for_settings:
 *
 * Builds the store @settings describe, without talking to any service (the
 * local store does open, and if needed create, its database).
 *
 * Returns: (transfer full): the store, or %NULL with an %SB_STORE_ERROR
 *   (%SB_STORE_ERROR_NO_SPACE, else %SB_STORE_ERROR_UNAVAILABLE)
 */
SbStore *
sb_store_new_for_settings (const SbStoreSettings  *settings,
                           GError                **error)
{
  g_return_val_if_fail (settings != NULL, NULL);

  switch (settings->kind)
    {
    case SB_STORE_KIND_AWS:
      g_return_val_if_fail (settings->bucket != NULL, NULL);
      return SB_STORE (new_aws_store (settings));
    case SB_STORE_KIND_LOCAL:
      {
        g_autoptr(GError) local_error = NULL;
        SbLocalStore *local;

        g_return_val_if_fail (settings->data_dir != NULL, NULL);
        local = sb_local_store_new (settings->data_dir, &local_error);
        if (local != NULL)
          return SB_STORE (local);
        if (local_error->domain == SB_STORE_ERROR &&
            (local_error->code == SB_STORE_ERROR_NO_SPACE ||
             local_error->code == SB_STORE_ERROR_UNAVAILABLE))
          g_propagate_error (error, g_steal_pointer (&local_error));
        else
          g_set_error_literal (error, SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                               local_error->message);
        return NULL;
      }
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
verified_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (sb_aws_store_verify_finish (SB_AWS_STORE (object), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * sb_store_verify_async:
 *
 * Proves that @store works: for AWS one read from each table and a listing
 * of the bucket (see sb_aws_store_verify_async()); the local store was
 * proven when it opened. The finish function fails with one
 * %SB_STORE_ERROR_UNAVAILABLE sentence saying what to fix.
 */
void
sb_store_verify_async (SbStore             *store,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_store_verify_async));
  if (SB_IS_AWS_STORE (store))
    sb_aws_store_verify_async (SB_AWS_STORE (store), cancellable, verified_cb,
                               g_steal_pointer (&task));
  else
    g_task_return_boolean (task, TRUE);
}

gboolean
sb_store_verify_finish (SbStore       *store,
                        GAsyncResult  *result,
                        GError       **error)
{
  return sb_store_task_finish_boolean (store, result, error);
}

static void
reported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  gboolean provision = GPOINTER_TO_INT (g_task_get_task_data (task));
  GError *error = NULL;
  SbCheck *report = provision
                      ? sb_aws_store_provision_finish (SB_AWS_STORE (object), result, &error)
                      : sb_aws_store_check_finish (SB_AWS_STORE (object), result, &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, g_object_unref);
}

/**
 * sb_store_report_async:
 * @provision: create what is missing (idempotent) instead of only looking
 *
 * The backend's own part of a check or of provisioning: for AWS region
 * and endpoints, credentials, each table, TTL on sessions, the bucket and
 * its lifecycle rules (see sb_aws_store_check_async() and
 * sb_aws_store_provision_async()). The local store has nothing to add:
 * its report is empty. Problems are items, not errors.
 */
void
sb_store_report_async (SbStore             *store,
                       gboolean             provision,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_store_report_async));
  g_task_set_task_data (task, GINT_TO_POINTER (provision ? 1 : 0), NULL);
  if (!SB_IS_AWS_STORE (store))
    g_task_return_pointer (task, sb_check_new (), g_object_unref);
  else if (provision)
    sb_aws_store_provision_async (SB_AWS_STORE (store), cancellable, reported_cb,
                                  g_steal_pointer (&task));
  else
    sb_aws_store_check_async (SB_AWS_STORE (store), cancellable, reported_cb,
                              g_steal_pointer (&task));
}

/**
 * sb_store_report_finish:
 *
 * Returns: (transfer full): the report, or %NULL if cancelled
 */
SbCheck *
sb_store_report_finish (SbStore       *store,
                        GAsyncResult  *result,
                        GError       **error)
{
  return sb_store_task_finish_pointer (store, result, error);
}
