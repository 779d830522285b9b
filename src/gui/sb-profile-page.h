/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-file.h"
#include "sb-page.h"
#include "sb-prices.h"

G_BEGIN_DECLS

#define SB_TYPE_PROFILE_PAGE (sb_profile_page_get_type ())
G_DECLARE_FINAL_TYPE (SbProfilePage, sb_profile_page, SB, PROFILE_PAGE, SbPage)

/* The seed's Profile and View files in one page: a welcome, the account's
 * e-mail and age, how many files use how much space, and the files in a
 * sortable, filterable GtkColumnView. Downloads (SbDownload) are shown here
 * with progress.
 *
 * The session (SbPage) is the user whose files these are. Whoever shows the
 * page handles "file-activated" (edit it) and "upload-files" (files dropped
 * on the list). */
void        sb_profile_page_load              (SbProfilePage *self);
/* What the usage line's estimate is computed with; list prices if unset. */
void        sb_profile_page_set_prices        (SbProfilePage *self,
                                               SbPrices      *prices);
void        sb_profile_page_clear             (SbProfilePage *self);
/* TRUE until the list is loaded, sorted and filtered. */
gboolean    sb_profile_page_get_loading       (SbProfilePage *self);

/* Every file of the user, unsorted and unfiltered (SbFile items). */
GListModel *sb_profile_page_get_files         (SbProfilePage *self);
/* What the column view shows: sorted, filtered, with the selection. */
GtkSelectionModel *sb_profile_page_get_view_model (SbProfilePage *self);
SbFile     *sb_profile_page_get_selected_file (SbProfilePage *self);
gboolean    sb_profile_page_select            (SbProfilePage *self,
                                               const char    *name);
void        sb_profile_page_set_filter        (SbProfilePage *self,
                                               const char    *text);
void        sb_profile_page_focus_search      (SbProfilePage *self);

/* Adds @file, or replaces the file that was called @old_name (or has the
 * same name). */
void        sb_profile_page_update_file       (SbProfilePage *self,
                                               const char    *old_name,
                                               SbFile        *file);

/* Download the selected file: asks where with a file chooser, then calls
 * sb_profile_page_download_to(). */
void        sb_profile_page_download          (SbProfilePage *self);
void        sb_profile_page_download_to       (SbProfilePage *self,
                                               SbFile        *file,
                                               GFile         *destination);
GtkListBox *sb_profile_page_get_downloads     (SbProfilePage *self);

/* Asks for confirmation, naming the file, then deletes it. */
void        sb_profile_page_delete            (SbProfilePage *self);

G_END_DECLS
