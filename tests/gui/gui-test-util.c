/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "gui-test-util.h"
#include "sb-gui-util.h"
#include "sb-log-in-page.h"
#include "sb-sign-up-page.h"
#include "sb-test-util.h"
#include "sb-transfer-row.h"
#include "sb-upload-page.h"

#define WAIT_TIMEOUT (60 * G_USEC_PER_SEC)

void
gui_test_init (int    *argc,
               char ***argv)
{
  /* No G_TEST_OPTION_ISOLATE_DIRS: it hides the system data dirs, and with
   * them the icon theme and the MIME database. run-gui-test.sh gives every
   * test its own XDG_*_HOME instead. */
  g_test_init (argc, argv, NULL);
  gtk_init ();
  adw_init ();
  sb_gui_init ();
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
gui_wait_begin (GuiWait *wait)
{
  wait->deadline = g_get_monotonic_time () + WAIT_TIMEOUT;
  /* Wakes the loop now and then so the condition is re-checked even when
   * nothing else happens. */
  wait->tick = g_timeout_add (10, tick_cb, NULL);
}

void
gui_wait_iterate (GuiWait    *wait,
                  const char *what)
{
  if (g_get_monotonic_time () > wait->deadline)
    g_error ("Timed out waiting for: %s", what);
  g_main_context_iteration (NULL, TRUE);
}

void
gui_wait_end (GuiWait *wait)
{
  g_clear_handle_id (&wait->tick, g_source_remove);
}

static gboolean
settle_cb (gpointer user_data)
{
  gboolean *done = user_data;

  *done = TRUE;
  return G_SOURCE_REMOVE;
}

void
gui_settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, settle_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

SbWindow *
gui_fixture_new_window (GuiFixture *fixture,
                        gboolean    remember_session)
{
  SbWindow *window = sb_window_new (NULL, fixture->accounts, fixture->library, remember_session);

  /* Transitions would only make the tests wait for animations. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

void
gui_fixture_setup (GuiFixture    *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = sb_test_make_tmpdir ("sb-gui-XXXXXX");
  fixture->data_dir = g_build_filename (fixture->dir, "store", NULL);
  fixture->store = sb_store_new_for_settings (
    &(SbStoreSettings) { .kind = SB_STORE_KIND_LOCAL, .data_dir = fixture->data_dir }, &error);
  g_assert_no_error (error);
  fixture->accounts = sb_accounts_new (fixture->store);
  fixture->library = sb_library_new (fixture->store, SB_DEFAULT_MAX_FILE_SIZE);
  fixture->window = gui_fixture_new_window (fixture, FALSE);
  sb_window_start (fixture->window);
  GUI_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
}

static gboolean
all_gone (GPtrArray *weak)
{
  for (guint i = 0; i < weak->len; i++)
    {
      g_autoptr(GObject) object = g_weak_ref_get (weak->pdata[i]);

      if (object != NULL)
        return FALSE;
    }
  return TRUE;
}

static void
weak_ref_free (gpointer ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

static void
watch (GPtrArray *weak,
       gpointer   object)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, object);
  g_ptr_array_add (weak, ref);
}

void
gui_fixture_teardown (GuiFixture    *fixture,
                      gconstpointer  data)
{
  static const char * const pages[] = { "home", "sign-up", "log-in", "profile", "upload", "edit" };
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr(GPtrArray) weak = g_ptr_array_new_with_free_func (weak_ref_free);

  /* LSan cannot see leaks of objects made from inside GTK (its broad
   * suppressions hide them); a window or page still alive after its window
   * is destroyed is a leaked reference in our code, whatever made it. */
  if (fixture->window != NULL)
    {
      watch (weak, fixture->window);
      for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
        watch (weak, sb_window_get_page (fixture->window, pages[i]));
    }

  /* Every window of the test, dialogs included. */
  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      /* GTK 4.8 warns when a focused text entry is destroyed with its
       * window before it saw focus leave. */
      gtk_window_set_focus (window, NULL);
      gtk_window_destroy (window);
    }
  fixture->window = NULL;
  GUI_WAIT_UNTIL (all_gone (weak));
  sb_test_assert_finalized (g_steal_pointer (&fixture->library));
  sb_test_assert_finalized (g_steal_pointer (&fixture->accounts));
  sb_test_assert_finalized (g_steal_pointer (&fixture->store));
  sb_test_rm_rf (fixture->dir);
  g_free (fixture->data_dir);
  g_free (fixture->dir);
}

GtkWidget *
gui_child (gpointer    widget,
           GType       widget_type,
           const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), widget_type, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

void
gui_set_text (gpointer    widget,
              GType       widget_type,
              const char *name,
              const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (gui_child (widget, widget_type, name)), text);
}

void
gui_click (gpointer    widget,
           GType       widget_type,
           const char *name)
{
  GtkWidget *button = gui_child (widget, widget_type, name);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

void
gui_sign_up (SbWindow   *window,
             const char *username,
             const char *email,
             const char *password)
{
  GtkWidget *page;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "sign-up");
  g_assert_cmpstr (sb_window_get_visible_page (window), ==, "sign-up");
  page = sb_window_get_page (window, "sign-up");
  gui_set_text (page, SB_TYPE_SIGN_UP_PAGE, "email_row", email);
  gui_set_text (page, SB_TYPE_SIGN_UP_PAGE, "username_row", username);
  gui_set_text (page, SB_TYPE_SIGN_UP_PAGE, "password_row", password);
  gui_click (page, SB_TYPE_SIGN_UP_PAGE, "submit_button");
  GUI_WAIT_UNTIL (!sb_form_page_get_busy (SB_FORM_PAGE (page)));
  g_assert_cmpstr (sb_window_get_visible_page (window), ==, "profile");
  g_assert_cmpstr (sb_window_get_username (window), ==, username);
}

void
gui_log_in (SbWindow   *window,
            const char *username,
            const char *password)
{
  GtkWidget *page;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "log-in");
  page = sb_window_get_page (window, "log-in");
  gui_set_text (page, SB_TYPE_LOG_IN_PAGE, "username_row", username);
  gui_set_text (page, SB_TYPE_LOG_IN_PAGE, "password_row", password);
  gui_click (page, SB_TYPE_LOG_IN_PAGE, "submit_button");
  GUI_WAIT_UNTIL (!sb_form_page_get_busy (SB_FORM_PAGE (page)));
}

void
gui_upload (SbWindow    *window,
            const char  *description,
            GFile      **files,
            guint        n_files)
{
  SbUploadPage *page = SB_UPLOAD_PAGE (sb_window_get_page (window, "upload"));
  g_autoptr(GListStore) list = g_list_store_new (G_TYPE_FILE);

  for (guint i = 0; i < n_files; i++)
    g_list_store_append (list, files[i]);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.upload", NULL);
  g_assert_cmpstr (sb_window_get_visible_page (window), ==, "upload");
  sb_upload_page_set_description (page, description);
  sb_upload_page_add_files (page, G_LIST_MODEL (list));
  GUI_WAIT_UNTIL (sb_upload_page_get_n_running (page) == 0);
}

GFile *
gui_write_file (const char *dir,
                const char *name,
                GBytes     *content)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (content, &size);

  g_file_set_contents (path, data, (gssize) size, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

GtkWindow *
gui_find_dialog (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}
