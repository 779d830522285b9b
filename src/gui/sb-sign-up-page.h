/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SB_TYPE_SIGN_UP_PAGE (sb_sign_up_page_get_type ())
G_DECLARE_FINAL_TYPE (SbSignUpPage, sb_sign_up_page, SB, SIGN_UP_PAGE, AdwBin)

/* The seed's Sign up: e-mail, username and password. Signing up logs the
 * new user in (core returns a session), so it leads straight to Profile. */
void     sb_sign_up_page_reset    (SbSignUpPage *self);
void     sb_sign_up_page_submit   (SbSignUpPage *self);
gboolean sb_sign_up_page_get_busy (SbSignUpPage *self);

G_END_DECLS
