/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-aws-s3-lifecycle-rule.h"

GType
sb_aws_s3_lifecycle_rule_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_boxed_type_register_static (g_intern_static_string ("SbAwsS3LifecycleRule"),
                                                 (GBoxedCopyFunc) sb_aws_s3_lifecycle_rule_copy,
                                                 (GBoxedFreeFunc) sb_aws_s3_lifecycle_rule_free);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

/**
 * sb_aws_s3_lifecycle_rule_new:
 * @id: the rule's name
 * @prefix: (nullable): the key prefix, %NULL or "" for the whole bucket
 *
 * Returns: (transfer full): an enabled rule that does nothing yet
 */
SbAwsS3LifecycleRule *
sb_aws_s3_lifecycle_rule_new (const char *id,
                              const char *prefix)
{
  SbAwsS3LifecycleRule *rule = g_new0 (SbAwsS3LifecycleRule, 1);

  rule->id = g_strdup (id);
  rule->prefix = g_strdup (prefix ? prefix : "");
  rule->enabled = TRUE;
  return rule;
}

/**
 * sb_aws_s3_lifecycle_rule_add_transition:
 *
 * Returns: %FALSE if the rule already has %SB_AWS_S3_MAX_TRANSITIONS
 */
gboolean
sb_aws_s3_lifecycle_rule_add_transition (SbAwsS3LifecycleRule *rule,
                                         guint                 days,
                                         const char           *storage_class)
{
  g_return_val_if_fail (rule != NULL && storage_class != NULL, FALSE);

  if (rule->n_transitions >= SB_AWS_S3_MAX_TRANSITIONS)
    return FALSE;
  rule->transitions[rule->n_transitions].days = days;
  rule->transitions[rule->n_transitions].storage_class = g_strdup (storage_class);
  rule->n_transitions++;
  return TRUE;
}

SbAwsS3LifecycleRule *
sb_aws_s3_lifecycle_rule_copy (const SbAwsS3LifecycleRule *rule)
{
  SbAwsS3LifecycleRule *copy;

  g_return_val_if_fail (rule != NULL, NULL);

  copy = sb_aws_s3_lifecycle_rule_new (rule->id, rule->prefix);
  copy->enabled = rule->enabled;
  for (guint i = 0; i < rule->n_transitions; i++)
    sb_aws_s3_lifecycle_rule_add_transition (copy, rule->transitions[i].days,
                                             rule->transitions[i].storage_class);
  copy->expiration_days = rule->expiration_days;
  copy->abort_incomplete_multipart_days = rule->abort_incomplete_multipart_days;
  return copy;
}

void
sb_aws_s3_lifecycle_rule_free (SbAwsS3LifecycleRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->id);
  g_free (rule->prefix);
  for (guint i = 0; i < rule->n_transitions; i++)
    g_free (rule->transitions[i].storage_class);
  g_free (rule);
}
