/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-blob-info.h"

/* Written out rather than G_DEFINE_BOXED_TYPE, whose copy-function union
 * trips -Wpedantic. */
GType
sb_blob_info_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_boxed_type_register_static (g_intern_static_string ("SbBlobInfo"),
                                                 (GBoxedCopyFunc) sb_blob_info_copy,
                                                 (GBoxedFreeFunc) sb_blob_info_free);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

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
