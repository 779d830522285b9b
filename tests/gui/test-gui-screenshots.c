/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Renders every page of the app and saves it as a PNG: into the build dir
 * always, and into data/screenshots/ in the source tree (which the README
 * and the AppStream metainfo show) when SB_UPDATE_SCREENSHOTS=1. */
#include "config.h"

#include <glib/gstdio.h>

#include "gui-test-util.h"
#include "sb-edit-page.h"
#include "sb-log-in-page.h"
#include "sb-preferences-window.h"
#include "sb-profile-page.h"
#include "sb-sign-up-page.h"
#include "sb-test-util.h"
#include "sb-upload-page.h"

#define PASSWORD "correct horse battery"

typedef struct
{
  const char *name;
  gsize       size;
  const char *description;
} Sample;

static const Sample samples[] = {
  { "annual-report-2026.pdf", 2411724, "Annual report, final version" },
  { "budget-2027.ods", 48213, "Budget for next year, with the board's comments" },
  { "summer-holiday.tar", 1843200, "Photos from the summer holiday" },
  { "meeting-notes.md", 5120, "Notes from the planning meeting" },
  { "launch-slides.odp", 912384, "Slides for the product launch" },
  { "thesis-chapter-3.odt", 130560, "Chapter 3 draft, reviewed" },
};

static gulong after_paint_id;

static void
after_paint_cb (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

/* Waits until the window has painted a frame with everything queued so far. */
static void
wait_for_frame (GtkWidget *window)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;

  GUI_WAIT_UNTIL (gtk_widget_get_mapped (window));
  gui_settle (100);
  clock = gtk_widget_get_frame_clock (window);
  after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (window);
  GUI_WAIT_UNTIL (painted);
  g_clear_signal_handler (&after_paint_id, clock);
}

static void
save_screenshot (GtkWidget  *window,
                 const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file_name = g_strconcat (name, ".png", NULL);
  g_autofree char *build_dir = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  g_autofree char *path = g_build_filename (build_dir, file_name, NULL);
  GtkSnapshot *snapshot;
  int width, height;

  if (SB_IS_WINDOW (window))
    sb_window_toast (SB_WINDOW (window), NULL);
  paintable = gtk_widget_paintable_new (window);

  /* The paintable has content once the widget was drawn with no layout
   * pending; a slow (sanitized) build may need a few more frames. */
  for (int attempt = 0; attempt < 50 && node == NULL; attempt++)
    {
      wait_for_frame (window);
      width = gtk_widget_get_width (window);
      height = gtk_widget_get_height (window);
      g_assert_cmpint (width, >, 0);
      g_assert_cmpint (height, >, 0);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);

  g_assert_cmpint (g_mkdir_with_parents (build_dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s (%d×%d)", path, width, height);

  if (g_strcmp0 (g_getenv ("SB_UPDATE_SCREENSHOTS"), "1") == 0)
    {
      const char *source_dir = g_getenv ("SB_GUI_SCREENSHOT_DIR");
      g_autofree char *source_path = NULL;

      g_assert_nonnull (source_dir);
      source_path = g_build_filename (source_dir, file_name, NULL);
      g_assert_true (gdk_texture_save_to_png (texture, source_path));
      g_test_message ("updated %s", source_path);
    }
}

static void
show_page (SbWindow   *window,
           const char *name)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", name);
  g_assert_cmpstr (sb_window_get_visible_page (window), ==, name);
}

static void
test_screenshots (GuiFixture    *f,
                  gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (f->window);
  GtkWidget *sign_up = sb_window_get_page (f->window, "sign-up");
  GtkWidget *log_in = sb_window_get_page (f->window, "log-in");
  SbProfilePage *profile = SB_PROFILE_PAGE (sb_window_get_page (f->window, "profile"));
  SbUploadPage *upload = SB_UPLOAD_PAGE (sb_window_get_page (f->window, "upload"));
  SbEditPage *edit = SB_EDIT_PAGE (sb_window_get_page (f->window, "edit"));
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) new_slides = sb_test_random_bytes (1048576, 99);
  g_autoptr(GFile) replacement = gui_write_file (f->dir, "launch-slides-v2.odp", new_slides);
  g_autoptr(GtkBuilder) builder = NULL;
  SbPreferencesWindow *preferences;
  GtkWindow *dialog;
  GtkWindow *shortcuts;

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(GBytes) content = sb_test_random_bytes (samples[i].size, i);
      g_ptr_array_add (files, gui_write_file (f->dir, samples[i].name, content));
    }

  /* Big enough that the Upload page shows three rows. */
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 720);

  /* Home */
  save_screenshot (window, "home");

  /* Sign up, filled in */
  show_page (f->window, "sign-up");
  gui_set_text (sign_up, SB_TYPE_SIGN_UP_PAGE, "email_row", "ada@example.com");
  gui_set_text (sign_up, SB_TYPE_SIGN_UP_PAGE, "username_row", "ada");
  gui_set_text (sign_up, SB_TYPE_SIGN_UP_PAGE, "password_row", PASSWORD);
  save_screenshot (window, "sign-up");

  /* Sign up for real, log out, then a wrong password on Log in */
  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  gtk_widget_activate_action (window, "win.log-out", NULL);
  gui_log_in (f->window, "ada", "not the password");
  gui_set_text (log_in, SB_TYPE_LOG_IN_PAGE, "password_row", "password");
  save_screenshot (window, "log-in");
  gui_log_in (f->window, "ada", PASSWORD);
  GUI_WAIT_UNTIL (!sb_profile_page_get_loading (profile));

  /* Upload: the samples (a drop of several files), then one again, refused */
  for (guint i = 0; i < files->len; i++)
    gui_upload (f->window, samples[i].description, (GFile **) &files->pdata[i], 1);
  {
    GtkListBox *rows = sb_upload_page_get_transfers (upload);
    GtkWidget *row;

    /* Keep the last two rows: with the refused one, they tell the most. */
    while ((row = GTK_WIDGET (gtk_list_box_get_row_at_index (rows, 2))) != NULL)
      gtk_list_box_remove (rows, GTK_WIDGET (gtk_list_box_get_row_at_index (rows, 0)));
  }
  gui_upload (f->window, "Notes, again", (GFile **) &files->pdata[3], 1);
  {
    GtkListBox *rows = sb_upload_page_get_transfers (upload);
    gtk_list_box_remove (rows, GTK_WIDGET (gtk_list_box_get_row_at_index (rows, 0)));
  }
  sb_upload_page_set_description (upload, "Scanned receipts for November");
  save_screenshot (window, "upload");

  /* Profile with the file list */
  show_page (f->window, "profile");
  GUI_WAIT_UNTIL (!sb_profile_page_get_loading (profile));
  g_assert_true (sb_profile_page_select (profile, "annual-report-2026.pdf"));
  gtk_widget_grab_focus (gui_child (profile, SB_TYPE_PROFILE_PAGE, "column_view"));
  save_screenshot (window, "profile");

  /* Edit, with new content chosen */
  GUI_WAIT_UNTIL (!sb_profile_page_get_loading (profile));
  g_assert_true (sb_profile_page_select (profile, "launch-slides.odp"));
  gtk_widget_activate_action (window, "win.edit", NULL);
  gui_set_text (edit, SB_TYPE_EDIT_PAGE, "description_row", "Slides for the product launch, v2");
  sb_edit_page_set_replacement (edit, replacement);
  save_screenshot (window, "edit");
  gtk_widget_activate_action (window, "win.back", NULL);

  /* Delete: the confirmation names the file */
  GUI_WAIT_UNTIL (!sb_profile_page_get_loading (profile));
  g_assert_true (sb_profile_page_select (profile, "meeting-notes.md"));
  gtk_widget_activate_action (window, "win.delete", NULL);
  dialog = gui_find_dialog (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  save_screenshot (GTK_WIDGET (dialog), "delete");
  gtk_window_destroy (dialog);

  /* Preferences */
  preferences = sb_preferences_window_new (GTK_WINDOW (window), f->data_dir);
  gtk_window_present (GTK_WINDOW (preferences));
  gui_click (preferences, SB_TYPE_PREFERENCES_WINDOW, "check_button");
  GUI_WAIT_UNTIL (!sb_preferences_window_get_busy (preferences));
  save_screenshot (GTK_WIDGET (preferences), "preferences");
  gtk_window_destroy (GTK_WINDOW (preferences));

  /* Keyboard shortcuts */
  builder = gtk_builder_new_from_resource ("/io/github/storagebox/StorageBox/gtk/help-overlay.ui");
  shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  gtk_window_set_transient_for (shortcuts, GTK_WINDOW (window));
  gtk_window_present (shortcuts);
  save_screenshot (GTK_WIDGET (shortcuts), "shortcuts");
  gtk_window_destroy (shortcuts);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);
  /* The same look everywhere: light style, the default font. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_object_set (gtk_settings_get_default (), "gtk-font-name", "Cantarell 11", NULL);

  g_test_add ("/gui/screenshots/every-page", GuiFixture, NULL, gui_fixture_setup,
              test_screenshots, gui_fixture_teardown);

  return g_test_run ();
}
