/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sb-accounts.h"
#include "sb-library.h"
#include "sb-store-factory.h"
#include "sb-window.h"

G_BEGIN_DECLS

/* A window on a fresh local store in a temporary directory. */
typedef struct
{
  char       *dir;
  char       *data_dir;
  SbStore    *store;
  SbAccounts *accounts;
  SbLibrary  *library;
  SbWindow   *window;
} GuiFixture;

void         gui_test_init          (int          *argc,
                                     char       ***argv);
void         gui_fixture_setup      (GuiFixture   *fixture,
                                     gconstpointer data);
void         gui_fixture_teardown   (GuiFixture   *fixture,
                                     gconstpointer data);
SbWindow    *gui_fixture_new_window (GuiFixture   *fixture,
                                     gboolean      remember_session);

/* Runs the main context until @cond holds; fails the test after 60 s. */
#define GUI_WAIT_UNTIL(cond) \
  G_STMT_START { \
    GuiWait _wait; \
    gui_wait_begin (&_wait); \
    while (!(cond)) \
      gui_wait_iterate (&_wait, #cond); \
    gui_wait_end (&_wait); \
  } G_STMT_END

typedef struct
{
  gint64 deadline;
  guint  tick;
} GuiWait;

void         gui_wait_begin         (GuiWait      *wait);
void         gui_wait_iterate       (GuiWait      *wait,
                                     const char   *what);
void         gui_wait_end           (GuiWait      *wait);
/* Lets pending redraws, transitions and idles run. */
void         gui_settle             (guint         ms);

GtkWidget   *gui_child              (gpointer      widget,
                                     GType         widget_type,
                                     const char   *name);
void         gui_set_text           (gpointer      widget,
                                     GType         widget_type,
                                     const char   *name,
                                     const char   *text);
void         gui_click              (gpointer      widget,
                                     GType         widget_type,
                                     const char   *name);

/* Drives the real pages; waits for the Profile page. */
void         gui_sign_up            (SbWindow     *window,
                                     const char   *username,
                                     const char   *email,
                                     const char   *password);
void         gui_log_in             (SbWindow     *window,
                                     const char   *username,
                                     const char   *password);
/* Uploads through sb_upload_page_add_files(), the function a drop calls,
 * and waits until every upload is over. */
void         gui_upload             (SbWindow     *window,
                                     const char   *description,
                                     GFile       **files,
                                     guint         n_files);
GFile       *gui_write_file         (const char   *dir,
                                     const char   *name,
                                     GBytes       *content);
GtkWindow   *gui_find_dialog        (GType         type);

G_END_DECLS
