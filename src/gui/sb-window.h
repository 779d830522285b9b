/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sb-accounts.h"
#include "sb-library.h"
#include "sb-prices.h"

G_BEGIN_DECLS

#define SB_TYPE_WINDOW (sb_window_get_type ())
G_DECLARE_FINAL_TYPE (SbWindow, sb_window, SB, WINDOW, AdwApplicationWindow)

/* The main window: a stack of the seed's pages (Home, Sign up, Log in,
 * Profile with the file list, Upload, Edit) under one header bar. It owns
 * the logged-in session and hands the pages what they work with (accounts,
 * library, session) as properties; they report back through signals and
 * the "win.toast" and "win.show-page" actions, never by calling it.
 *
 * @accounts and @library may be NULL while the store is being opened (the
 * window shows a spinner): then sb_window_set_core() and sb_window_start(),
 * or sb_window_set_store_error(), which explains why instead of showing the
 * pages. With @remember_session, log-ins are kept in the keyring and
 * restored by sb_window_start(). */
SbWindow    *sb_window_new               (GtkApplication *application,
                                          SbAccounts     *accounts,
                                          SbLibrary      *library,
                                          gboolean        remember_session);
void         sb_window_set_core          (SbWindow       *self,
                                          SbAccounts     *accounts,
                                          SbLibrary      *library);
/* The price table the Files page's estimate uses (list prices if unset). */
void         sb_window_set_prices        (SbWindow       *self,
                                          SbPrices       *prices);
void         sb_window_set_store_error   (SbWindow       *self,
                                          const GError   *error);
void         sb_window_start             (SbWindow       *self);

SbAccounts  *sb_window_get_accounts      (SbWindow       *self);
SbLibrary   *sb_window_get_library       (SbWindow       *self);
SbSession   *sb_window_get_session       (SbWindow       *self);
const char  *sb_window_get_username      (SbWindow       *self);

void         sb_window_logged_in         (SbWindow       *self,
                                          SbSession      *session);
void         sb_window_log_out           (SbWindow       *self);

void         sb_window_show_page         (SbWindow       *self,
                                          const char     *name);
const char  *sb_window_get_visible_page  (SbWindow       *self);
GtkWidget   *sb_window_get_page          (SbWindow       *self,
                                          const char     *name);
void         sb_window_toast             (SbWindow       *self,
                                          const char     *text);
/* The text of the last toast, so tests can check what the user was told. */
const char  *sb_window_get_last_toast    (SbWindow       *self);

/* Shows the Edit page for @file, with the focus on its name for @rename. */
void         sb_window_edit_file         (SbWindow       *self,
                                          SbFile         *file,
                                          gboolean        rename);

G_END_DECLS
