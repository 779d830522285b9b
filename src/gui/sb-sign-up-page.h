/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-form-page.h"

G_BEGIN_DECLS

#define SB_TYPE_SIGN_UP_PAGE (sb_sign_up_page_get_type ())
G_DECLARE_FINAL_TYPE (SbSignUpPage, sb_sign_up_page, SB, SIGN_UP_PAGE, SbFormPage)

/* The seed's Sign up: e-mail, username and password. Signing up logs the
 * new user in (core returns a session), so it leads straight to Profile
 * (see SbFormPage for how it is driven and what it reports). */

G_END_DECLS
