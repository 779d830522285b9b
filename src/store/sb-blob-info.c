/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-blob-info.h"

G_DEFINE_BOXED_TYPE (SbBlobInfo, sb_blob_info, sb_blob_info_copy, sb_blob_info_free)

SbBlobInfo *
sb_blob_info_new (const char *key,
                  guint64     size,
                  gint64      modified_at)
{
  SbBlobInfo *info = g_new0 (SbBlobInfo, 1);

  info->key = g_strdup (key);
  info->size = size;
  info->modified_at = modified_at;
  return info;
}

SbBlobInfo *
sb_blob_info_copy (const SbBlobInfo *info)
{
  SbBlobInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = sb_blob_info_new (info->key, info->size, info->modified_at);
  copy->upload_id = g_strdup (info->upload_id);
  copy->owner = g_strdup (info->owner);
  copy->name = g_strdup (info->name);
  copy->active = info->active;
  return copy;
}

void
sb_blob_info_free (SbBlobInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->key);
  g_free (info->upload_id);
  g_free (info->owner);
  g_free (info->name);
  g_free (info);
}
