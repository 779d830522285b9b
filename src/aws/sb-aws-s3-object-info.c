/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-aws-s3-object-info.h"

/* Written out rather than G_DEFINE_BOXED_TYPE, whose copy-function union
 * trips -Wpedantic. */
GType
sb_aws_s3_object_info_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_boxed_type_register_static (g_intern_static_string ("SbAwsS3ObjectInfo"),
                                                 (GBoxedCopyFunc) sb_aws_s3_object_info_copy,
                                                 (GBoxedFreeFunc) sb_aws_s3_object_info_free);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

/**
 * sb_aws_s3_object_info_new:
 *
 * Returns: (transfer full): an empty record for @key
 */
SbAwsS3ObjectInfo *
sb_aws_s3_object_info_new (const char *key)
{
  SbAwsS3ObjectInfo *info = g_new0 (SbAwsS3ObjectInfo, 1);

  info->key = g_strdup (key);
  return info;
}

SbAwsS3ObjectInfo *
sb_aws_s3_object_info_copy (const SbAwsS3ObjectInfo *info)
{
  SbAwsS3ObjectInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = sb_aws_s3_object_info_new (info->key);
  copy->size = info->size;
  copy->etag = g_strdup (info->etag);
  copy->content_type = g_strdup (info->content_type);
  copy->last_modified = info->last_modified;
  copy->storage_class = g_strdup (info->storage_class);
  copy->restore_in_progress = info->restore_in_progress;
  copy->restore_expiry = info->restore_expiry;
  if (info->metadata != NULL)
    {
      GHashTableIter iter;
      gpointer name, value;

      copy->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_iter_init (&iter, info->metadata);
      while (g_hash_table_iter_next (&iter, &name, &value))
        g_hash_table_insert (copy->metadata, g_strdup (name), g_strdup (value));
    }
  return copy;
}

void
sb_aws_s3_object_info_free (SbAwsS3ObjectInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->key);
  g_free (info->etag);
  g_free (info->content_type);
  g_free (info->storage_class);
  g_clear_pointer (&info->metadata, g_hash_table_unref);
  g_free (info);
}
