/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION) && !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include the aws layer's headers directly; core and front ends use sb-store-factory.h."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

#define SB_AWS_S3_MAX_TRANSITIONS 4

typedef struct
{
  guint  days;
  char  *storage_class;
} SbAwsS3Transition;

/**
 * SbAwsS3LifecycleRule:
 * @id: the rule's name
 * @prefix: the key prefix it applies to; "" for the whole bucket
 * @enabled: whether S3 applies it
 * @n_transitions: how many of @transitions are used
 * @transitions: move objects to a storage class after so many days
 * @expiration_days: delete objects after this many days; 0 for never
 * @abort_incomplete_multipart_days: abort unfinished multipart uploads
 *   after this many days; 0 for never
 *
 * One rule of a bucket's lifecycle configuration. Plain data.
 */
typedef struct
{
  char              *id;
  char              *prefix;
  gboolean           enabled;
  guint              n_transitions;
  SbAwsS3Transition  transitions[SB_AWS_S3_MAX_TRANSITIONS];
  guint              expiration_days;
  guint              abort_incomplete_multipart_days;
} SbAwsS3LifecycleRule;

#define SB_TYPE_AWS_S3_LIFECYCLE_RULE (sb_aws_s3_lifecycle_rule_get_type ())

GType sb_aws_s3_lifecycle_rule_get_type (void) G_GNUC_CONST;
SbAwsS3LifecycleRule *sb_aws_s3_lifecycle_rule_new (const char *id,
                                                    const char *prefix);
gboolean sb_aws_s3_lifecycle_rule_add_transition (SbAwsS3LifecycleRule *rule,
                                                  guint                 days,
                                                  const char           *storage_class);
SbAwsS3LifecycleRule *sb_aws_s3_lifecycle_rule_copy (const SbAwsS3LifecycleRule *rule);
void sb_aws_s3_lifecycle_rule_free (SbAwsS3LifecycleRule *rule);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbAwsS3LifecycleRule, sb_aws_s3_lifecycle_rule_free)

G_END_DECLS
