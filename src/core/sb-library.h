/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-storage-class.h"
#include "sb-store.h"

G_BEGIN_DECLS

#define SB_DEFAULT_MAX_FILE_SIZE (G_GUINT64_CONSTANT (5) * 1024 * 1024 * 1024)
/* For sb_library_new(): no size limit at all (tests of other rules). A
 * limit of 0 is refused rather than read as "none". */
#define SB_LIBRARY_NO_SIZE_LIMIT G_MAXUINT64

typedef enum {
  SB_UPLOAD_NONE    = 0,
  SB_UPLOAD_REPLACE = 1 << 0,  /* a file of that name gets new content, keeping its creation date */
} SbUploadFlags;

/* Bytes written to storage but not yet part of any file. Freeing staged
 * content that was not committed deletes its bytes, so no error path can
 * leave an orphan behind. */
typedef struct _SbStagedContent SbStagedContent;

guint64      sb_staged_content_get_size   (SbStagedContent *content);
void         sb_staged_content_free       (SbStagedContent *content);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbStagedContent, sb_staged_content_free)

#define SB_TYPE_LIBRARY (sb_library_get_type ())
G_DECLARE_FINAL_TYPE (SbLibrary, sb_library, SB, LIBRARY, GObject)

/* A user's files: upload, list, download, edit (description, name, content)
 * and delete. Every operation is scoped to an owner; another owner's file is
 * simply not found. Errors are in SB_ERROR. Front ends get theirs from
 * sb_service_get_library(), with the configured size limit. */
SbLibrary       *sb_library_new                (SbStore                *store,
                                                guint64                 max_file_size);
SbStore         *sb_library_get_store          (SbLibrary              *self);
guint64          sb_library_get_max_file_size  (SbLibrary              *self);

void             sb_library_stage_async        (SbLibrary              *self,
                                                const char             *owner,
                                                const char             *name,
                                                const char             *content_type,
                                                GInputStream           *source,
                                                gint64                  size_hint,
                                                GFileProgressCallback   progress,
                                                gpointer                progress_data,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
SbStagedContent *sb_library_stage_finish       (SbLibrary              *self,
                                                GAsyncResult           *result,
                                                GError                **error);
void             sb_library_create_async       (SbLibrary              *self,
                                                const char             *owner,
                                                const char             *name,
                                                const char             *description,
                                                SbStagedContent        *content,
                                                SbUploadFlags           flags,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
SbFile          *sb_library_create_finish      (SbLibrary              *self,
                                                GAsyncResult           *result,
                                                GError                **error);
void             sb_library_upload_async       (SbLibrary              *self,
                                                const char             *owner,
                                                const char             *name,
                                                const char             *description,
                                                const char             *content_type,
                                                GInputStream           *source,
                                                gint64                  size_hint,
                                                SbUploadFlags           flags,
                                                GFileProgressCallback   progress,
                                                gpointer                progress_data,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
SbFile          *sb_library_upload_finish      (SbLibrary              *self,
                                                GAsyncResult           *result,
                                                GError                **error);

void             sb_library_list_async         (SbLibrary              *self,
                                                const char             *owner,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
GPtrArray       *sb_library_list_finish        (SbLibrary              *self,
                                                GAsyncResult           *result,
                                                GError                **error);
void             sb_library_get_async          (SbLibrary              *self,
                                                const char             *owner,
                                                const char             *name,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
SbFile          *sb_library_get_finish         (SbLibrary              *self,
                                                GAsyncResult           *result,
                                                GError                **error);
void             sb_library_open_async         (SbLibrary              *self,
                                                const char             *owner,
                                                const char             *name,
                                                guint64                 offset,
                                                gint64                  length,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
GInputStream    *sb_library_open_finish        (SbLibrary              *self,
                                                GAsyncResult           *result,
                                                SbFile                **file,
                                                GError                **error);
void             sb_library_read_async         (SbLibrary              *self,
                                                SbFile                 *file,
                                                guint64                 offset,
                                                gint64                  length,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
GInputStream    *sb_library_read_finish        (SbLibrary              *self,
                                                GAsyncResult           *result,
                                                GError                **error);
void             sb_library_edit_async         (SbLibrary              *self,
                                                const char             *owner,
                                                const char             *name,
                                                const char             *new_name,
                                                const char             *description,
                                                SbStagedContent        *content,
                                                gint64                  expected_version,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
SbFile          *sb_library_edit_finish        (SbLibrary              *self,
                                                GAsyncResult           *result,
                                                GError                **error);
void             sb_library_delete_async       (SbLibrary              *self,
                                                const char             *owner,
                                                const char             *name,
                                                gint64                  expected_version,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
gboolean         sb_library_delete_finish      (SbLibrary              *self,
                                                GAsyncResult           *result,
                                                GError                **error);

void             sb_library_restore_async      (SbLibrary              *self,
                                                const char             *owner,
                                                const char             *name,
                                                SbRestoreTier           tier,
                                                guint                   days,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
SbFile          *sb_library_restore_finish     (SbLibrary              *self,
                                                GAsyncResult           *result,
                                                GError                **error);

char            *sb_library_guess_content_type (const char             *name,
                                                const char             *declared);

G_END_DECLS
