/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SB_TYPE_PREFERENCES_WINDOW (sb_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (SbPreferencesWindow, sb_preferences_window, SB, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* Where files are kept: this computer or AWS (region, endpoint, bucket and
 * table names in GSettings; access keys in the keyring), and a button that
 * tests the connection with the checks of “storagebox-cli check”.
 * @data_dir (nullable) is the local store's directory when overridden. */
SbPreferencesWindow *sb_preferences_window_new          (GtkWindow           *parent,
                                                         const char          *data_dir);
void                 sb_preferences_window_test         (SbPreferencesWindow *self);
void                 sb_preferences_window_save_keys    (SbPreferencesWindow *self);
gboolean             sb_preferences_window_get_busy     (SbPreferencesWindow *self);
const char          *sb_preferences_window_get_report   (SbPreferencesWindow *self);

G_END_DECLS
