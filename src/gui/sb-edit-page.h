/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-file.h"
#include "sb-page.h"

G_BEGIN_DECLS

#define SB_TYPE_EDIT_PAGE (sb_edit_page_get_type ())
G_DECLARE_FINAL_TYPE (SbEditPage, sb_edit_page, SB, EDIT_PAGE, SbPage)

/* The seed's Edit, grown up: description, name and content of one file,
 * saved in one step by core (all of it or nothing), as the user of the
 * page's session (SbPage). Whoever shows the page hears of a save through
 * "file-changed". */
void     sb_edit_page_set_file        (SbEditPage *self,
                                       SbFile     *file,
                                       gboolean    focus_name);
SbFile  *sb_edit_page_get_file        (SbEditPage *self);
/* New content for the file; NULL keeps the current content. The file
 * chooser of the Replace button ends here. */
void     sb_edit_page_set_replacement (SbEditPage *self,
                                       GFile      *replacement);
void     sb_edit_page_choose_replacement (SbEditPage *self);
void     sb_edit_page_save            (SbEditPage *self);
gboolean sb_edit_page_get_busy        (SbEditPage *self);
void     sb_edit_page_reset           (SbEditPage *self);

G_END_DECLS
