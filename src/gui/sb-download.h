/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sb-file.h"
#include "sb-library.h"

G_BEGIN_DECLS

#define SB_TYPE_DOWNLOAD (sb_download_get_type ())
G_DECLARE_FINAL_TYPE (SbDownload, sb_download, SB, DOWNLOAD, GObject)

/* Saves one stored file to a local file. The content comes from the
 * library's checked stream and lands only when all of it arrived and
 * matched: a file the download created is removed if it fails or is
 * cancelled, and a file it replaces stays as it was (GIO writes beside it and
 * renames on success). Progress is reported on the caller's main context. */
SbDownload *sb_download_new             (SbLibrary             *library,
                                         SbFile                *file,
                                         GFile                 *destination);
SbFile     *sb_download_get_file        (SbDownload            *self);
GFile      *sb_download_get_destination (SbDownload            *self);
void        sb_download_save_async      (SbDownload            *self,
                                         GFileProgressCallback  progress,
                                         gpointer               progress_data,
                                         GCancellable          *cancellable,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data);
gboolean    sb_download_save_finish     (SbDownload            *self,
                                         GAsyncResult          *result,
                                         GError               **error);

G_END_DECLS
