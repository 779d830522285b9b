/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sb-accounts.h"
#include "sb-library.h"

G_BEGIN_DECLS

#define SB_TYPE_PAGE (sb_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (SbPage, sb_page, SB, PAGE, AdwBin)

/* A page of the window. Whoever shows it sets what it works with, the
 * "accounts" and "library" of the store and the "session" of the user
 * logged in (NULL when nobody is), and takes them back when it goes; a page
 * never reaches for the window. It reports through its own signals and
 * through the "win.toast" action. */
struct _SbPageClass
{
  AdwBinClass parent_class;
};

SbAccounts *sb_page_get_accounts (SbPage     *self);
SbLibrary  *sb_page_get_library  (SbPage     *self);
SbSession  *sb_page_get_session  (SbPage     *self);
/* The user logged in, or NULL. */
const char *sb_page_get_username (SbPage     *self);
/* Asks whoever shows the page to tell the user @text. */
void        sb_page_toast        (SbPage     *self,
                                  const char *text);

G_END_DECLS
