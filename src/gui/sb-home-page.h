/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SB_TYPE_HOME_PAGE (sb_home_page_get_type ())
G_DECLARE_FINAL_TYPE (SbHomePage, sb_home_page, SB, HOME_PAGE, AdwBin)

/* The seed's Home: a welcome and the two ways in, Sign up and Log in. */

G_END_DECLS
