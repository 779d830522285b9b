/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-form-page.h"

G_BEGIN_DECLS

#define SB_TYPE_LOG_IN_PAGE (sb_log_in_page_get_type ())
G_DECLARE_FINAL_TYPE (SbLogInPage, sb_log_in_page, SB, LOG_IN_PAGE, SbFormPage)

/* The seed's Log in: username and password, leading to Profile (see
 * SbFormPage for how it is driven and what it reports). */

G_END_DECLS
