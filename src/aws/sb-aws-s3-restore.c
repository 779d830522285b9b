/* SPDX-License-Identifier: GPL-3.0-or-later */
/* RestoreObject: a temporary readable copy of an archived object
 * (GLACIER, DEEP_ARCHIVE). */
#include "config.h"

#include "sb-aws-error.h"
#include "sb-aws-s3-private.h"
#include "sb-aws-xml-private.h"

/* Exactly what botocore serializes for RestoreObject with Days and
 * GlacierJobParameters.Tier (tests/aws/botocore-serialize.py). */
static GBytes *
restore_xml (guint       days,
             const char *tier)
{
  GString *xml = g_string_new ("<RestoreRequest xmlns=\"" SB_AWS_S3_XMLNS "\">");

  sb_aws_xml_append_uint (xml, "Days", days);
  g_string_append (xml, "<GlacierJobParameters>");
  sb_aws_xml_append (xml, "Tier", tier);
  g_string_append (xml, "</GlacierJobParameters></RestoreRequest>");
  return g_string_free_to_bytes (xml);
}

static void
restore_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (sb_aws_s3_finish_boolean (SB_AWS_S3 (g_task_get_source_object (task)), result,
                                SB_SOURCE_TAG (restore_cb), &error))
    g_task_return_boolean (task, TRUE);
  else if (sb_aws_error_has_code (error, "RestoreAlreadyInProgress"))
    /* 409: the restore asked for earlier is still running; nothing new is
     * asked, which is what the caller wanted. */
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * sb_aws_s3_restore_object_async:
 * @days: how long the restored copy stays readable
 * @tier: "Expedited", "Standard" or "Bulk"
 *
 * Asks S3 for a temporary copy of archived @key. Succeeds when S3 accepted
 * a new restore (202), extended the life of an existing copy (200), or
 * answered that a restore is already running (409
 * `RestoreAlreadyInProgress`). An object that is not archived fails with
 * code `InvalidObjectState` (403, %SB_AWS_ERROR_INVALID_REQUEST).
 */
void
sb_aws_s3_restore_object_async (SbAwsS3             *self,
                                const char          *bucket,
                                const char          *key,
                                guint                days,
                                const char          *tier,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;
  GTask *task, *inner;
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && *key != '\0');
  g_return_if_fail (days > 0 && tier != NULL);

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_restore_object_async));
  /* The plain send reports every 4xx; the outer task turns 409 into
   * success. */
  inner = sb_aws_s3_new_task (self, cancellable, restore_cb, task, SB_SOURCE_TAG (restore_cb));
  body = restore_xml (days, tier);
  request = sb_aws_s3_new_request (self, "RestoreObject", "POST", bucket, key, "restore",
                                   &error);
  if (request != NULL)
    sb_aws_request_set_body (request, body, "application/xml");
  sb_aws_s3_send (self, request, error, inner, sb_aws_s3_return_true);
}

gboolean
sb_aws_s3_restore_object_finish (SbAwsS3       *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return sb_aws_s3_finish_boolean (self, result,
                                   SB_SOURCE_TAG (sb_aws_s3_restore_object_async), error);
}
