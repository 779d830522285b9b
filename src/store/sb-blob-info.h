/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * SbBlobInfo:
 * @key: the blob's key (`<owner>/<id>`); for an unfinished upload, the key
 *   it would get, or %NULL if the store does not know it yet
 * @upload_id: (nullable): unfinished uploads only: what discards it
 * @size: bytes stored (for an unfinished upload, as far as known)
 * @modified_at: Unix microseconds: when the blob was written (for an
 *   unfinished upload, when it started or was last written)
 * @owner: (nullable): the owner recorded with the bytes themselves
 * @name: (nullable): the file name recorded with the bytes themselves
 * @active: unfinished uploads only: a writer is known to be at work on it
 *   (a store that cannot tell says %FALSE)
 *
 * What a store can say about stored bytes without any record: what fsck
 * works from. Plain data: read the fields directly.
 */
typedef struct
{
  char    *key;
  char    *upload_id;
  guint64  size;
  gint64   modified_at;
  char    *owner;
  char    *name;
  gboolean active;
} SbBlobInfo;

#define SB_TYPE_BLOB_INFO (sb_blob_info_get_type ())

GType       sb_blob_info_get_type (void) G_GNUC_CONST;
SbBlobInfo *sb_blob_info_new      (const char       *key,
                                   guint64           size,
                                   gint64            modified_at);
SbBlobInfo *sb_blob_info_copy     (const SbBlobInfo *info);
void        sb_blob_info_free     (SbBlobInfo       *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbBlobInfo, sb_blob_info_free)

G_END_DECLS
