/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Presigned URLs: SigV4 in the query string, with credentials from the
 * client's provider. */
#include "config.h"

#include <string.h>

#include "sb-aws-s3-private.h"
#include "sb-aws-sigv4.h"

static void
presign_credentials_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsS3 *self = g_task_get_source_object (task);
  GUri *uri = g_task_get_task_data (task);
  g_autoptr(SbAwsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  SbAwsSigningConfig config;
  guint expires = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "sb-expires"));

  credentials = sb_aws_credentials_provider_get_finish (SB_AWS_CREDENTIALS_PROVIDER (object),
                                                        result, &error);
  if (credentials == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sb_aws_signing_config_init (&config, "s3",
                              sb_aws_config_get_region (sb_aws_client_get_config (self->client)),
                              credentials, sb_aws_client_get_time (self->client));
  g_task_return_pointer (task, sb_aws_sigv4_presign_uri (&config, "GET", uri, expires), g_free);
}

/**
 * sb_aws_s3_presign_get_async:
 * @expires_in: seconds the URL works for (at most 604800 on AWS, and no
 *   longer than temporary credentials last)
 *
 * A URL anyone can GET @key with, until it expires. The payload is
 * UNSIGNED-PAYLOAD, as for every presigned S3 URL: a GET has no body.
 */
void
sb_aws_s3_presign_get_async (SbAwsS3             *self,
                             const char          *bucket,
                             const char          *key,
                             guint                expires_in,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  g_autoptr(GError) error = NULL;
  GUri *uri;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && *key != '\0');

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_presign_get_async));
  uri = sb_aws_s3_build_uri (self, bucket, key, NULL, &error);
  if (uri == NULL)
    {
      sb_aws_s3_return_request_error (task, error);
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, uri, (GDestroyNotify) g_uri_unref);
  g_object_set_data (G_OBJECT (task), "sb-expires", GUINT_TO_POINTER (expires_in));
  sb_aws_credentials_provider_get_async (sb_aws_client_get_credentials_provider (self->client),
                                         cancellable, presign_credentials_cb, task);
}

/**
 * sb_aws_s3_presign_get_finish:
 *
 * Returns: (transfer full): the presigned URL
 */
char *
sb_aws_s3_presign_get_finish (SbAwsS3       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return sb_aws_s3_finish_pointer (self, result, SB_SOURCE_TAG (sb_aws_s3_presign_get_async),
                                   error);
}
