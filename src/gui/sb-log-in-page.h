/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SB_TYPE_LOG_IN_PAGE (sb_log_in_page_get_type ())
G_DECLARE_FINAL_TYPE (SbLogInPage, sb_log_in_page, SB, LOG_IN_PAGE, AdwBin)

/* The seed's Log in: username and password, leading to Profile. */
void     sb_log_in_page_reset    (SbLogInPage *self);
void     sb_log_in_page_submit   (SbLogInPage *self);
gboolean sb_log_in_page_get_busy (SbLogInPage *self);

G_END_DECLS
