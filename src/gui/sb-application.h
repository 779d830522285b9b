/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SB_TYPE_APPLICATION (sb_application_get_type ())
G_DECLARE_FINAL_TYPE (SbApplication, sb_application, SB, APPLICATION, AdwApplication)

/* The desktop app: opens the store chosen in Preferences (once, at start),
 * makes the one main window and owns the app-wide actions (preferences,
 * about, quit) and their shortcuts. */
SbApplication *sb_application_new (void);

G_END_DECLS
