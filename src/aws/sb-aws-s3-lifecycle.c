/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A bucket's lifecycle configuration: SbAwsS3LifecycleRule to and from
 * S3's XML. */
#include "config.h"

#include <string.h>

#include "sb-aws-error-private.h"
#include "sb-aws-s3-private.h"
#include "sb-aws-xml-private.h"

static GBytes *
lifecycle_xml (GPtrArray *rules)
{
  GString *xml = g_string_new ("<LifecycleConfiguration xmlns=\"" SB_AWS_S3_XMLNS "\">");

  for (guint i = 0; i < rules->len; i++)
    {
      SbAwsS3LifecycleRule *rule = rules->pdata[i];

      g_string_append (xml, "<Rule>");
      if (rule->id != NULL)
        sb_aws_xml_append (xml, "ID", rule->id);
      g_string_append (xml, "<Filter>");
      sb_aws_xml_append (xml, "Prefix", rule->prefix ? rule->prefix : "");
      g_string_append (xml, "</Filter>");
      sb_aws_xml_append (xml, "Status", rule->enabled ? "Enabled" : "Disabled");
      for (guint t = 0; t < rule->n_transitions; t++)
        {
          g_string_append (xml, "<Transition>");
          sb_aws_xml_append_uint (xml, "Days", rule->transitions[t].days);
          sb_aws_xml_append (xml, "StorageClass", rule->transitions[t].storage_class);
          g_string_append (xml, "</Transition>");
        }
      if (rule->expiration_days > 0)
        {
          g_string_append (xml, "<Expiration>");
          sb_aws_xml_append_uint (xml, "Days", rule->expiration_days);
          g_string_append (xml, "</Expiration>");
        }
      if (rule->abort_incomplete_multipart_days > 0)
        {
          g_string_append (xml, "<AbortIncompleteMultipartUpload>");
          sb_aws_xml_append_uint (xml, "DaysAfterInitiation",
                                  rule->abort_incomplete_multipart_days);
          g_string_append (xml, "</AbortIncompleteMultipartUpload>");
        }
      g_string_append (xml, "</Rule>");
    }
  g_string_append (xml, "</LifecycleConfiguration>");
  return g_string_free_to_bytes (xml);
}

/**
 * sb_aws_s3_put_bucket_lifecycle_async:
 * @rules: (element-type SbAwsS3LifecycleRule): the whole configuration
 *
 * Replaces the bucket's lifecycle configuration. The body carries the
 * Content-MD5 S3 demands for this call. Endpoints without lifecycle support
 * fail with %SB_AWS_ERROR_NOT_SUPPORTED.
 */
void
sb_aws_s3_put_bucket_lifecycle_async (SbAwsS3             *self,
                                      const char          *bucket,
                                      GPtrArray           *rules,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;
  GTask *task;
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && rules != NULL);

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_put_bucket_lifecycle_async));
  body = lifecycle_xml (rules);
  request = sb_aws_s3_new_request (self, "PutBucketLifecycleConfiguration", "PUT", bucket, NULL,
                                   "lifecycle", &error);
  if (request != NULL)
    {
      g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
      guint8 digest[16];
      gsize length = sizeof digest;
      g_autofree char *encoded = NULL;

      g_checksum_update (md5, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      g_checksum_get_digest (md5, digest, &length);
      encoded = g_base64_encode (digest, length);
      soup_message_headers_replace (sb_aws_request_get_headers (request), "Content-MD5", encoded);
      sb_aws_request_set_body (request, body, "application/xml");
    }
  sb_aws_s3_send (self, request, error, task, sb_aws_s3_return_true);
}

gboolean
sb_aws_s3_put_bucket_lifecycle_finish (SbAwsS3       *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return sb_aws_s3_finish_boolean (self, result,
                                   SB_SOURCE_TAG (sb_aws_s3_put_bucket_lifecycle_async),
                                   error);
}

/* Transitions have no order in S3's model, and RGW answers them in
 * another order than they were put (365 days GLACIER before 75 days
 * STANDARD_IA): by days, so rules compare equal however they were sent. */
static void
sort_transitions (SbAwsS3LifecycleRule *rule)
{
  for (guint i = 1; i < rule->n_transitions; i++)
    for (guint j = i; j > 0 && rule->transitions[j - 1].days > rule->transitions[j].days; j--)
      {
        SbAwsS3Transition swap = rule->transitions[j - 1];

        rule->transitions[j - 1] = rule->transitions[j];
        rule->transitions[j] = swap;
      }
}

static void
get_lifecycle_response (GTask       *task,
                        GBytes      *body,
                        SoupMessage *message)
{
  g_autoptr(SbAwsXmlNode) root = sb_aws_s3_parse_xml (task, body,
                                                      "GetBucketLifecycleConfiguration");
  SbAwsXmlNode *node;
  GPtrArray *rules;
  guint index = 0;

  if (root == NULL)
    return;
  rules = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_aws_s3_lifecycle_rule_free);
  while ((node = sb_aws_xml_next_child (root, "Rule", &index)) != NULL)
    {
      SbAwsXmlNode *filter = sb_aws_xml_child (node, "Filter");
      SbAwsXmlNode *transition, *part;
      SbAwsS3LifecycleRule *rule;
      const char *prefix;
      guint t = 0;

      prefix = filter ? sb_aws_xml_child_text (filter, "Prefix")
                      : sb_aws_xml_child_text (node, "Prefix");
      rule = sb_aws_s3_lifecycle_rule_new (sb_aws_xml_child_text (node, "ID"), prefix);
      rule->enabled = sb_aws_xml_child_text_is (node, "Status", "Enabled");
      while ((transition = sb_aws_xml_next_child (node, "Transition", &t)) != NULL)
        {
          const char *days = sb_aws_xml_child_text (transition, "Days");

          if (days != NULL)
            sb_aws_s3_lifecycle_rule_add_transition (
                rule, (guint) g_ascii_strtoull (days, NULL, 10),
                sb_aws_xml_child_text (transition, "StorageClass"));
        }
      sort_transitions (rule);
      if ((part = sb_aws_xml_child (node, "Expiration")) && sb_aws_xml_child_text (part, "Days"))
        rule->expiration_days = g_ascii_strtoull (sb_aws_xml_child_text (part, "Days"), NULL, 10);
      if ((part = sb_aws_xml_child (node, "AbortIncompleteMultipartUpload")) &&
          sb_aws_xml_child_text (part, "DaysAfterInitiation"))
        rule->abort_incomplete_multipart_days =
          g_ascii_strtoull (sb_aws_xml_child_text (part, "DaysAfterInitiation"), NULL, 10);
      g_ptr_array_add (rules, rule);
    }
  g_task_return_pointer (task, rules, (GDestroyNotify) g_ptr_array_unref);
}

void
sb_aws_s3_get_bucket_lifecycle_async (SbAwsS3             *self,
                                      const char          *bucket,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL);

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_get_bucket_lifecycle_async));
  sb_aws_s3_call (self, task, "GetBucketLifecycleConfiguration", "GET", bucket, NULL,
                  "lifecycle", get_lifecycle_response);
}

/**
 * sb_aws_s3_get_bucket_lifecycle_finish:
 *
 * Returns: (transfer container) (element-type SbAwsS3LifecycleRule): the
 *   rules, each with its transitions in order of days;
 *   %SB_AWS_ERROR_NOT_FOUND (NoSuchLifecycleConfiguration) if none
 */
GPtrArray *
sb_aws_s3_get_bucket_lifecycle_finish (SbAwsS3       *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return sb_aws_s3_finish_pointer (self, result,
                                   SB_SOURCE_TAG (sb_aws_s3_get_bucket_lifecycle_async),
                                   error);
}
