/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION) && !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include the aws layer's headers directly; core and front ends use sb-store-factory.h."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * SbAwsS3ObjectInfo:
 * @key: the object key (decoded)
 * @size: the object's full size in bytes
 * @etag: the entity tag, quotes included as S3 sends it
 * @content_type: (nullable): the media type, if known (not in listings)
 * @last_modified: seconds since the epoch, or 0 if unknown
 * @storage_class: (nullable): "STANDARD", "STANDARD_IA", "GLACIER", ...
 * @metadata: (nullable): user metadata without the `x-amz-meta-` prefix
 *   (lower-case names), from HeadObject/GetObject
 * @restore_in_progress: a restore of the archived object is running
 *   (`x-amz-restore`, or RestoreStatus in listings)
 * @restore_expiry: seconds since the epoch until which a restored copy
 *   can be read, or 0 if there is none
 *
 * What S3 says about an object. Plain data: read the fields directly.
 */
typedef struct
{
  char       *key;
  guint64     size;
  char       *etag;
  char       *content_type;
  gint64      last_modified;
  char       *storage_class;
  GHashTable *metadata;
  gboolean    restore_in_progress;
  gint64      restore_expiry;
} SbAwsS3ObjectInfo;

#define SB_TYPE_AWS_S3_OBJECT_INFO (sb_aws_s3_object_info_get_type ())

GType              sb_aws_s3_object_info_get_type (void) G_GNUC_CONST;
SbAwsS3ObjectInfo *sb_aws_s3_object_info_new      (const char              *key);
SbAwsS3ObjectInfo *sb_aws_s3_object_info_copy     (const SbAwsS3ObjectInfo *info);
void               sb_aws_s3_object_info_free     (SbAwsS3ObjectInfo       *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbAwsS3ObjectInfo, sb_aws_s3_object_info_free)

G_END_DECLS
