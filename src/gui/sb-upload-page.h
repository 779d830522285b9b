/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-page.h"

G_BEGIN_DECLS

#define SB_TYPE_UPLOAD_PAGE (sb_upload_page_get_type ())
G_DECLARE_FINAL_TYPE (SbUploadPage, sb_upload_page, SB, UPLOAD_PAGE, SbPage)

/* The seed's Upload: a drop target for files from the file manager (several
 * at once) and a file chooser, both feeding sb_upload_page_add_files(); a
 * description for the files added next; a row per file with progress and
 * cancel. A failed or cancelled upload leaves nothing in the store.
 *
 * The session (SbPage) is who uploads; whoever shows the page hears of each
 * stored file through "file-changed". */
void        sb_upload_page_add_files      (SbUploadPage *self,
                                           GListModel   *files);
void        sb_upload_page_choose_files   (SbUploadPage *self);
void        sb_upload_page_set_description (SbUploadPage *self,
                                            const char   *description);
void        sb_upload_page_set_replace    (SbUploadPage *self,
                                           gboolean      replace);
guint       sb_upload_page_get_n_running  (SbUploadPage *self);
GtkListBox *sb_upload_page_get_transfers  (SbUploadPage *self);
/* Cancels every upload and empties the list (on log-out). */
void        sb_upload_page_reset          (SbUploadPage *self);

G_END_DECLS
