/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/mount.h>
#include <unistd.h>

#include "gui-test-util.h"
#include "sb-error.h"
#include "sb-application.h"
#include "sb-desktop-service.h"
#include "sb-download.h"
#include "sb-edit-page.h"
#include "sb-gui-util.h"
#include "sb-log-in-page.h"
#include "sb-preferences-window.h"
#include "sb-profile-page.h"
#include "sb-sign-up-page.h"
#include "sb-test-util.h"
#include "sb-transfer-row.h"
#include "sb-upload-page.h"

#define PASSWORD "correct horse battery"

static SbProfilePage *
profile_page (GuiFixture *f)
{
  return SB_PROFILE_PAGE (sb_window_get_page (f->window, "profile"));
}

static SbFile *
find_listed (GuiFixture *f,
             const char *name)
{
  GListModel *files = sb_profile_page_get_files (profile_page (f));

  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(SbFile) file = g_list_model_get_item (files, i);
      if (g_str_equal (sb_file_get_name (file), name))
        return file;
    }
  return NULL;
}

/* What the store holds, read through core rather than through the window. */
static GPtrArray *
store_files (GuiFixture *f,
             const char *owner)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *files;

  sb_library_list_async (f->library, owner, NULL, sb_test_result_cb, &result);
  files = sb_library_list_finish (f->library, sb_test_await (&result), &error);
  g_assert_no_error (error);
  return files;
}

/* Selects a file as a click would, once the list is settled. */
static void
select_file (GuiFixture *f,
             const char *name)
{
  GUI_WAIT_UNTIL (!sb_profile_page_get_loading (profile_page (f)));
  g_assert_true (sb_profile_page_select (profile_page (f), name));
}

static SbTransferRow *
nth_row (GtkListBox *list,
         int         n)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, n);

  g_assert_true (SB_IS_TRANSFER_ROW (row));
  return SB_TRANSFER_ROW (row);
}

static void
test_home (GuiFixture    *f,
           gconstpointer  data)
{
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "home");
  g_assert_null (sb_window_get_session (f->window));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "log-in");
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "log-in");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "home");

  /* Pages that need an account are out of reach. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "profile");
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "home");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.upload", NULL);
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "home");
}

static void
test_sign_up_duplicate (GuiFixture    *f,
                        gconstpointer  data)
{
  GtkWidget *page = sb_window_get_page (f->window, "sign-up");
  GtkLabel *error_label;

  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "profile");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.log-out", NULL);
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "home");
  g_assert_cmpstr (sb_window_get_last_toast (f->window), ==, "You are logged out.");

  /* The same name again: the page says so and stays. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "sign-up");
  gui_set_text (page, SB_TYPE_SIGN_UP_PAGE, "email_row", "other@example.com");
  gui_set_text (page, SB_TYPE_SIGN_UP_PAGE, "username_row", "ada");
  gui_set_text (page, SB_TYPE_SIGN_UP_PAGE, "password_row", PASSWORD);
  gui_click (page, SB_TYPE_SIGN_UP_PAGE, "submit_button");
  GUI_WAIT_UNTIL (!sb_form_page_get_busy (SB_FORM_PAGE (page)));
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "sign-up");
  error_label = GTK_LABEL (gui_child (page, SB_TYPE_SIGN_UP_PAGE, "error_label"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==,
                   "The username “ada” is already taken. Please choose another.");
  g_assert_null (sb_window_get_session (f->window));

  /* A bad e-mail address is refused in plain words too. */
  gui_set_text (page, SB_TYPE_SIGN_UP_PAGE, "email_row", "not an address");
  gui_set_text (page, SB_TYPE_SIGN_UP_PAGE, "username_row", "grace");
  gui_click (page, SB_TYPE_SIGN_UP_PAGE, "submit_button");
  GUI_WAIT_UNTIL (!sb_form_page_get_busy (SB_FORM_PAGE (page)));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==, "That e-mail address is not valid.");
}

static void
test_log_in (GuiFixture    *f,
             gconstpointer  data)
{
  GtkWidget *page = sb_window_get_page (f->window, "log-in");
  GtkLabel *error_label = GTK_LABEL (gui_child (page, SB_TYPE_LOG_IN_PAGE, "error_label"));
  GtkEditable *password_row = GTK_EDITABLE (gui_child (page, SB_TYPE_LOG_IN_PAGE,
                                                       "password_row"));

  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.log-out", NULL);

  gui_log_in (f->window, "ada", "wrong password");
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "log-in");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==, "Incorrect username or password.");
  /* The wrong password is gone; the username stays for the next try. */
  g_assert_cmpstr (gtk_editable_get_text (password_row), ==, "");
  g_assert_null (sb_window_get_session (f->window));

  gui_log_in (f->window, "ada", PASSWORD);
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "profile");
  g_assert_cmpstr (sb_window_get_username (f->window), ==, "ada");
  GUI_WAIT_UNTIL (!sb_profile_page_get_loading (profile_page (f)));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gui_child (profile_page (f),
                                                             SB_TYPE_PROFILE_PAGE,
                                                             "welcome_label"))),
                   ==, "Welcome, ada");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gui_child (profile_page (f),
                                                                      SB_TYPE_PROFILE_PAGE,
                                                                      "details_label"))),
                            "ada@example.com"));
  /* The log-in form does not keep the password once it is used. */
  g_assert_cmpstr (gtk_editable_get_text (password_row), ==, "");
}

static void
delete_through_dialog (GuiFixture *f,
                       const char *name)
{
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;
  guint n_before = g_list_model_get_n_items (sb_profile_page_get_files (profile_page (f)));

  select_file (f, name);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.delete", NULL);
  dialog = ADW_MESSAGE_DIALOG (gui_find_dialog (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  heading = g_strdup_printf ("Delete “%s”?", name);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  adw_message_dialog_response (dialog, "delete");
  gtk_window_destroy (GTK_WINDOW (dialog));
  GUI_WAIT_UNTIL (g_list_model_get_n_items (sb_profile_page_get_files (profile_page (f))) ==
                  n_before - 1);
}

static void
test_flow (GuiFixture    *f,
           gconstpointer  data)
{
  g_autoptr(GBytes) a_content = sb_test_random_bytes (700 * 1024, 1);
  g_autoptr(GBytes) b_content = sb_test_random_bytes (1234, 2);
  g_autoptr(GBytes) c_content = sb_test_random_bytes (300 * 1024 + 7, 3);
  g_autoptr(GFile) a = gui_write_file (f->dir, "report.pdf", a_content);
  g_autoptr(GFile) b = gui_write_file (f->dir, "notes.txt", b_content);
  g_autoptr(GFile) c = gui_write_file (f->dir, "new-report.pdf", c_content);
  GFile *files[] = { a, b };
  SbUploadPage *upload = SB_UPLOAD_PAGE (sb_window_get_page (f->window, "upload"));
  SbEditPage *edit = SB_EDIT_PAGE (sb_window_get_page (f->window, "edit"));
  GtkListBox *rows = sb_upload_page_get_transfers (upload);
  g_autoptr(GPtrArray) stored = NULL;
  g_autofree char *destination_path = g_build_filename (f->dir, "downloaded.pdf", NULL);
  g_autoptr(GFile) destination = g_file_new_for_path (destination_path);
  g_autofree char *downloaded = NULL;
  gsize downloaded_size = 0;
  g_autofree char *token = NULL;
  SbFile *file;
  g_autoptr(GError) error = NULL;

  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  GUI_WAIT_UNTIL (!sb_profile_page_get_loading (profile_page (f)));
  token = g_strdup (sb_session_get_token (sb_window_get_session (f->window)));

  /* Upload two files at once, the way a drop does. */
  gui_upload (f->window, "Quarterly figures", files, G_N_ELEMENTS (files));
  g_assert_cmpint (sb_transfer_row_get_state (nth_row (rows, 0)), ==, SB_TRANSFER_DONE);
  g_assert_cmpint (sb_transfer_row_get_state (nth_row (rows, 1)), ==, SB_TRANSFER_DONE);
  g_assert_cmpstr (sb_transfer_row_get_title (nth_row (rows, 0)), ==, "report.pdf");
  g_assert_cmpfloat (sb_transfer_row_get_fraction (nth_row (rows, 0)), ==, 1.0);

  /* Both listed with their description, in the window and in the store. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "profile");
  g_assert_cmpuint (g_list_model_get_n_items (sb_profile_page_get_files (profile_page (f))), ==, 2);
  g_assert_cmpstr (sb_file_get_description (find_listed (f, "report.pdf")), ==,
                   "Quarterly figures");
  g_assert_cmpstr (sb_file_get_description (find_listed (f, "notes.txt")), ==,
                   "Quarterly figures");
  g_assert_cmpuint (sb_file_get_size (find_listed (f, "report.pdf")), ==, 700 * 1024);
  stored = store_files (f, "ada");
  g_assert_cmpuint (stored->len, ==, 2);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gui_child (profile_page (f),
                                                             SB_TYPE_PROFILE_PAGE,
                                                             "usage_label"))),
                   ==, "2 files, 718.0\u00a0kB used · less than $0.01 a month (estimate)");
  {
    /* The breakdown by class, and what the estimate rests on. */
    const char *tooltip = gtk_widget_get_tooltip_text (gui_child (profile_page (f),
                                                                  SB_TYPE_PROFILE_PAGE,
                                                                  "usage_label"));
    GtkColumnView *view = GTK_COLUMN_VIEW (gui_child (profile_page (f), SB_TYPE_PROFILE_PAGE,
                                                      "column_view"));
    g_autoptr(GtkColumnViewColumn) storage = g_list_model_get_item (
      gtk_column_view_get_columns (view), 2);

    g_assert_nonnull (strstr (tooltip, "Standard: 2, 718.0\u00a0kB, less than $0.01 a month"));
    g_assert_nonnull (strstr (tooltip, "Estimated storage cost at S3 list prices for us-east-1"));
    g_assert_cmpstr (gtk_column_view_column_get_title (storage), ==, "Storage");
  }

  /* The list is sorted by name: notes.txt before report.pdf. */
  GUI_WAIT_UNTIL (!sb_profile_page_get_loading (profile_page (f)));
  {
    GListModel *view = G_LIST_MODEL (sb_profile_page_get_view_model (profile_page (f)));
    g_autoptr(SbFile) first = g_list_model_get_item (view, 0);
    g_assert_cmpstr (sb_file_get_name (first), ==, "notes.txt");
  }

  /* Edit the description (Ctrl+E's action). */
  select_file (f, "report.pdf");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.edit", NULL);
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "edit");
  gui_set_text (edit, SB_TYPE_EDIT_PAGE, "description_row", "Figures for Q3");
  gtk_widget_activate_action (GTK_WIDGET (edit), "edit.save", NULL);
  GUI_WAIT_UNTIL (!sb_edit_page_get_busy (edit));
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "profile");
  g_assert_cmpstr (sb_file_get_description (find_listed (f, "report.pdf")), ==, "Figures for Q3");
  g_assert_cmpstr (sb_window_get_last_toast (f->window), ==, "“report.pdf” was saved.");

  /* Rename (F2's action) and replace the content in the same save. */
  select_file (f, "report.pdf");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.rename", NULL);
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "edit");
  gui_set_text (edit, SB_TYPE_EDIT_PAGE, "name_row", "q3-report.pdf");
  sb_edit_page_set_replacement (edit, c);
  gtk_widget_activate_action (GTK_WIDGET (edit), "edit.save", NULL);
  GUI_WAIT_UNTIL (!sb_edit_page_get_busy (edit));
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "profile");
  g_assert_null (find_listed (f, "report.pdf"));
  file = find_listed (f, "q3-report.pdf");
  g_assert_nonnull (file);
  g_assert_cmpuint (sb_file_get_size (file), ==, g_bytes_get_size (c_content));
  g_assert_cmpstr (sb_file_get_description (file), ==, "Figures for Q3");

  /* Download, byte for byte. */
  select_file (f, "q3-report.pdf");
  sb_profile_page_download_to (profile_page (f),
                               sb_profile_page_get_selected_file (profile_page (f)), destination);
  {
    SbTransferRow *row = nth_row (sb_profile_page_get_downloads (profile_page (f)), 0);

    GUI_WAIT_UNTIL (sb_transfer_row_get_state (row) != SB_TRANSFER_RUNNING);
    g_assert_cmpint (sb_transfer_row_get_state (row), ==, SB_TRANSFER_DONE);
  }
  g_file_get_contents (destination_path, &downloaded, &downloaded_size, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (downloaded, downloaded_size, g_bytes_get_data (c_content, NULL),
                   g_bytes_get_size (c_content));

  /* Delete, after a confirmation that names the file. */
  delete_through_dialog (f, "notes.txt");
  g_assert_null (find_listed (f, "notes.txt"));
  g_clear_pointer (&stored, g_ptr_array_unref);
  stored = store_files (f, "ada");
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_cmpstr (sb_file_get_name (g_ptr_array_index (stored, 0)), ==, "q3-report.pdf");
  g_assert_cmpstr (sb_window_get_last_toast (f->window), ==, "“notes.txt” was deleted.");

  /* Log out: back home, and the session is over in the store too. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.log-out", NULL);
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "home");
  g_assert_cmpuint (g_list_model_get_n_items (sb_profile_page_get_files (profile_page (f))), ==, 0);
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(SbSession) session = NULL;
    gboolean ended = FALSE;

    for (guint i = 0; i < 200 && !ended; i++)
      {
        g_clear_error (&error);
        sb_accounts_authenticate_async (f->accounts, token, NULL, sb_test_result_cb, &result);
        session = sb_accounts_authenticate_finish (f->accounts, sb_test_await (&result), &error);
        g_clear_object (&result);
        ended = session == NULL;
        g_clear_object (&session);
        if (!ended)
          gui_settle (10);
      }
    g_assert_true (ended);
    g_assert_error (error, SB_ERROR, SB_ERROR_NOT_AUTHENTICATED);
  }
}

static void
test_upload_cancel (GuiFixture    *f,
                    gconstpointer  data)
{
  /* Big enough to be cancelled half way: the local store takes 256 KiB a
   * step, and each step goes through the main loop. */
  g_autoptr(GBytes) content = sb_test_random_bytes (48 * 1024 * 1024, 4);
  g_autoptr(GFile) big = gui_write_file (f->dir, "big.iso", content);
  SbUploadPage *upload = SB_UPLOAD_PAGE (sb_window_get_page (f->window, "upload"));
  g_autoptr(GListStore) list = g_list_store_new (G_TYPE_FILE);
  g_autoptr(GPtrArray) stored = NULL;
  g_autofree char *blobs = g_build_filename (f->data_dir, "blobs", NULL);
  g_autofree char *tmp = g_build_filename (f->data_dir, "tmp", NULL);
  SbTransferRow *row;

  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.upload", NULL);
  g_list_store_append (list, big);
  sb_upload_page_add_files (upload, G_LIST_MODEL (list));
  row = nth_row (sb_upload_page_get_transfers (upload), 0);
  GUI_WAIT_UNTIL (sb_transfer_row_get_fraction (row) > 0.0);
  g_assert_cmpint (sb_transfer_row_get_state (row), ==, SB_TRANSFER_RUNNING);

  /* The row's own Cancel button. */
  gui_click (row, SB_TYPE_TRANSFER_ROW, "button");
  GUI_WAIT_UNTIL (sb_upload_page_get_n_running (upload) == 0);
  g_assert_cmpint (sb_transfer_row_get_state (row), ==, SB_TRANSFER_CANCELLED);
  g_assert_cmpstr (sb_transfer_row_get_status (row), ==, "Cancelled");

  /* Nothing behind: no record, no blob, no temporary file. */
  stored = store_files (f, "ada");
  g_assert_cmpuint (stored->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (sb_profile_page_get_files (profile_page (f))), ==, 0);
  g_assert_cmpuint (sb_test_count_files (blobs), ==, 0);
  g_assert_cmpuint (sb_test_count_files (tmp), ==, 0);

  /* Once over, the same button clears the row away. */
  gui_click (row, SB_TYPE_TRANSFER_ROW, "button");
  g_assert_null (gtk_list_box_get_row_at_index (sb_upload_page_get_transfers (upload), 0));
}

static void
cancel_download (GuiFixture *f,
                 GFile      *destination)
{
  GtkListBox *downloads = sb_profile_page_get_downloads (profile_page (f));
  SbTransferRow *row;

  select_file (f, "big.iso");
  sb_profile_page_download_to (profile_page (f),
                               sb_profile_page_get_selected_file (profile_page (f)), destination);
  row = nth_row (downloads, 0);
  GUI_WAIT_UNTIL (sb_transfer_row_get_fraction (row) > 0.0 ||
                  sb_transfer_row_get_state (row) != SB_TRANSFER_RUNNING);
  gui_click (row, SB_TYPE_TRANSFER_ROW, "button");
  GUI_WAIT_UNTIL (sb_transfer_row_get_state (row) != SB_TRANSFER_RUNNING);
  g_assert_cmpint (sb_transfer_row_get_state (row), ==, SB_TRANSFER_CANCELLED);
  gui_settle (200);
}

static void
test_download_cancel (GuiFixture    *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) content = sb_test_random_bytes (64 * 1024 * 1024, 9);
  g_autoptr(GFile) big = gui_write_file (f->dir, "big.iso", content);
  GFile *files[] = { big };
  g_autofree char *out_dir = g_build_filename (f->dir, "downloads", NULL);
  g_autofree char *new_path = g_build_filename (out_dir, "new.iso", NULL);
  g_autofree char *old_path = g_build_filename (out_dir, "old.iso", NULL);
  g_autoptr(GFile) new_file = g_file_new_for_path (new_path);
  g_autoptr(GFile) old_file = g_file_new_for_path (old_path);
  g_autofree char *old_content = NULL;
  g_autoptr(GError) error = NULL;

  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  gui_upload (f->window, "", files, 1);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
  g_assert_cmpint (g_mkdir (out_dir, 0700), ==, 0);

  /* A new file: the part already written is removed. */
  cancel_download (f, new_file);
  g_assert_false (g_file_query_exists (new_file, NULL));
  g_assert_cmpuint (sb_test_count_files (out_dir), ==, 0);

  /* Replacing a file: it is left as it was, with nothing beside it. */
  g_file_set_contents (old_path, "old", -1, &error);
  g_assert_no_error (error);
  cancel_download (f, old_file);
  g_file_get_contents (old_path, &old_content, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (old_content, ==, "old");
  g_assert_cmpuint (sb_test_count_files (out_dir), ==, 1);
}

typedef struct
{
  GCancellable *cancellable;
  guint         reports;
  GAsyncResult *result;
  gboolean      exists_when_reported;
} CancelOnProgress;

static void
cancel_on_progress_cb (goffset  current,
                       goffset  total,
                       gpointer user_data)
{
  CancelOnProgress *cancel = user_data;

  cancel->reports++;
  g_cancellable_cancel (cancel->cancellable);
}

/* Looks at the destination the moment the download reports. */
static void
cancelled_download_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  CancelOnProgress *cancel = user_data;

  cancel->exists_when_reported =
    g_file_query_exists (sb_download_get_destination (SB_DOWNLOAD (object)), NULL);
  cancel->result = g_object_ref (result);
}

/* SbDownload on its own, without the page: a complete copy, and a copy
 * cancelled midway whose new file is already gone when it reports. */
static void
test_download_engine (GuiFixture    *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) content = sb_test_random_bytes (8 * 1024 * 1024, 12);
  g_autoptr(GFile) big = gui_write_file (f->dir, "big.iso", content);
  GFile *files[] = { big };
  g_autofree char *out_path = g_build_filename (f->dir, "out.iso", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (out_path);
  g_autoptr(SbDownload) download = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copied = NULL;
  gsize copied_size;
  CancelOnProgress cancel = { g_cancellable_new (), 0, NULL, TRUE };

  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  gui_upload (f->window, "", files, 1);
  GUI_WAIT_UNTIL (find_listed (f, "big.iso") != NULL);
  download = sb_download_new (f->library, find_listed (f, "big.iso"), out);

  sb_download_save_async (download, NULL, NULL, NULL, sb_test_result_cb, &saved);
  g_assert_true (sb_download_save_finish (download, sb_test_await (&saved), &error));
  g_assert_no_error (error);
  g_file_get_contents (out_path, &copied, &copied_size, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (copied, copied_size, g_bytes_get_data (content, NULL),
                   g_bytes_get_size (content));

  g_assert_cmpint (g_unlink (out_path), ==, 0);
  sb_download_save_async (download, cancel_on_progress_cb, &cancel, cancel.cancellable,
                          cancelled_download_cb, &cancel);
  GUI_WAIT_UNTIL (cancel.result != NULL);
  g_assert_false (sb_download_save_finish (download, cancel.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (cancel.reports, >, 0);
  g_assert_false (cancel.exists_when_reported);
  g_clear_object (&cancel.result);
  g_object_unref (cancel.cancellable);
}

/* A download whose content is short or damaged in storage fails, says so,
 * and lands nowhere: a new file is removed, a replaced one stays as it was
 * (issue 7: the app used to say "Saved" after a short read). */
static void
download_must_fail (GuiFixture *f,
                    GFile      *destination,
                    const char *why)
{
  GtkListBox *downloads = sb_profile_page_get_downloads (profile_page (f));
  SbTransferRow *row;

  select_file (f, "album.zip");
  sb_profile_page_download_to (profile_page (f),
                               sb_profile_page_get_selected_file (profile_page (f)), destination);
  row = nth_row (downloads, 0);
  GUI_WAIT_UNTIL (sb_transfer_row_get_state (row) != SB_TRANSFER_RUNNING);
  g_assert_cmpint (sb_transfer_row_get_state (row), ==, SB_TRANSFER_FAILED);
  g_assert_nonnull (strstr (sb_transfer_row_get_status (row), why));
  gui_settle (200);
  /* Clear the finished row away for the next one. */
  gui_click (row, SB_TYPE_TRANSFER_ROW, "button");
}

static void
test_download_refuses_bad_content (GuiFixture    *f,
                                   gconstpointer  data)
{
  g_autoptr(GBytes) content = sb_test_random_bytes (3 * 1024 * 1024, 21);
  g_autoptr(GFile) album = gui_write_file (f->dir, "album.zip", content);
  GFile *files[] = { album };
  g_autofree char *out_dir = g_build_filename (f->dir, "downloads", NULL);
  g_autofree char *new_path = g_build_filename (out_dir, "new.zip", NULL);
  g_autofree char *old_path = g_build_filename (out_dir, "old.zip", NULL);
  g_autoptr(GFile) new_file = g_file_new_for_path (new_path);
  g_autoptr(GFile) old_file = g_file_new_for_path (old_path);
  g_autoptr(GPtrArray) stored = NULL;
  g_autofree char *blob = NULL;
  g_autofree char *old_content = NULL;
  g_autofree guint8 *damaged = NULL;
  g_autoptr(GError) error = NULL;

  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  gui_upload (f->window, "", files, 1);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
  g_assert_cmpint (g_mkdir (out_dir, 0700), ==, 0);
  stored = store_files (f, "ada");
  blob = g_build_filename (f->data_dir, "blobs",
                           sb_file_get_object_key (stored->pdata[0]), NULL);

  /* Cut short in storage. */
  g_assert_true (g_file_set_contents (blob, g_bytes_get_data (content, NULL), 1024 * 1024, NULL));
  g_test_expect_message ("sb-core", G_LOG_LEVEL_WARNING, "content of “album.zip” ended after*");
  download_must_fail (f, new_file, "ended early");
  g_test_assert_expected_messages ();
  g_assert_false (g_file_query_exists (new_file, NULL));
  g_assert_cmpuint (sb_test_count_files (out_dir), ==, 0);

  /* Damaged in place, over a file of the user's own. */
  damaged = g_memdup2 (g_bytes_get_data (content, NULL), g_bytes_get_size (content));
  damaged[12345] ^= 0x40;
  g_assert_true (g_file_set_contents (blob, (const char *) damaged,
                                      (gssize) g_bytes_get_size (content), NULL));
  g_file_set_contents (old_path, "mine", -1, &error);
  g_assert_no_error (error);
  g_test_expect_message ("sb-core", G_LOG_LEVEL_WARNING, "content of “album.zip” has SHA-256*");
  download_must_fail (f, old_file, "damaged");
  g_test_assert_expected_messages ();
  g_file_get_contents (old_path, &old_content, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (old_content, ==, "mine");
  g_assert_cmpuint (sb_test_count_files (out_dir), ==, 1);
}

/* A full disk is named as the user's own, whether it is where StorageBox
 * keeps its data or where a download goes. */
static void
test_disk_full_in_plain_words (GuiFixture    *f,
                               gconstpointer  data)
{
  g_autoptr(GError) store_full = g_error_new_literal (SB_ERROR, SB_ERROR_NO_SPACE, "core");
  g_autofree char *message = sb_gui_error_message (store_full);
  g_autoptr(GBytes) content = sb_test_random_bytes (2 * 1024 * 1024, 22);
  g_autoptr(GFile) file = gui_write_file (f->dir, "movie.mkv", content);
  GFile *files[] = { file };
  g_autofree char *small_disk = g_build_filename (f->dir, "small-disk", NULL);
  g_autofree char *target_path = g_build_filename (small_disk, "movie.mkv", NULL);
  g_autoptr(GFile) target = g_file_new_for_path (target_path);
  GtkListBox *downloads = sb_profile_page_get_downloads (profile_page (f));
  SbTransferRow *row;

  g_assert_nonnull (strstr (message, "Your disk is full"));
  if (geteuid () != 0)
    {
      g_test_skip ("mounting a small tmpfs needs root");
      return;
    }
  g_assert_cmpint (g_mkdir (small_disk, 0700), ==, 0);
  if (mount ("tmpfs", small_disk, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") != 0)
    {
      g_test_skip_printf ("cannot mount a tmpfs here: %s", g_strerror (errno));
      return;
    }

  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  gui_upload (f->window, "", files, 1);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
  select_file (f, "movie.mkv");
  sb_profile_page_download_to (profile_page (f),
                               sb_profile_page_get_selected_file (profile_page (f)), target);
  row = nth_row (downloads, 0);
  GUI_WAIT_UNTIL (sb_transfer_row_get_state (row) != SB_TRANSFER_RUNNING);
  g_assert_cmpint (sb_transfer_row_get_state (row), ==, SB_TRANSFER_FAILED);
  g_assert_nonnull (strstr (sb_transfer_row_get_status (row), "Your disk is full"));
  gui_settle (200);
  g_assert_false (g_file_query_exists (target, NULL));
  g_assert_cmpint (umount (small_disk), ==, 0);
}

static void
test_upload_errors (GuiFixture    *f,
                    gconstpointer  data)
{
  g_autoptr(GBytes) content = sb_test_random_bytes (100, 5);
  g_autoptr(GFile) file = gui_write_file (f->dir, "a.txt", content);
  g_autoptr(GFile) folder = g_file_new_for_path (f->dir);
  g_autoptr(GFile) missing = g_file_get_child (folder, "missing.txt");
  GFile *first[] = { file };
  GFile *second[] = { file, folder, missing };
  SbUploadPage *upload = SB_UPLOAD_PAGE (sb_window_get_page (f->window, "upload"));
  GtkListBox *rows = sb_upload_page_get_transfers (upload);
  g_autoptr(GPtrArray) stored = NULL;

  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  gui_upload (f->window, "first", first, 1);
  gui_upload (f->window, "second", second, G_N_ELEMENTS (second));

  g_assert_cmpint (sb_transfer_row_get_state (nth_row (rows, 1)), ==, SB_TRANSFER_FAILED);
  g_assert_cmpstr (sb_transfer_row_get_status (nth_row (rows, 1)), ==,
                   "A file named “a.txt” already exists. Choose another name, or "
                   "replace the existing file.");
  g_assert_cmpint (sb_transfer_row_get_state (nth_row (rows, 2)), ==, SB_TRANSFER_FAILED);
  g_assert_cmpstr (sb_transfer_row_get_status (nth_row (rows, 2)), ==,
                   "Folders cannot be uploaded; choose the files inside.");
  g_assert_cmpint (sb_transfer_row_get_state (nth_row (rows, 3)), ==, SB_TRANSFER_FAILED);
  g_assert_cmpstr (sb_transfer_row_get_status (nth_row (rows, 3)), ==,
                   "The file no longer exists.");

  /* With “replace” on, the same name gets the new description. */
  sb_upload_page_set_replace (upload, TRUE);
  gui_upload (f->window, "replaced", first, 1);
  g_assert_cmpint (sb_transfer_row_get_state (nth_row (rows, 4)), ==, SB_TRANSFER_DONE);
  stored = store_files (f, "ada");
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_cmpstr (sb_file_get_description (g_ptr_array_index (stored, 0)), ==, "replaced");
  g_assert_cmpstr (sb_file_get_description (find_listed (f, "a.txt")), ==, "replaced");
}

/* Drops the files on the Profile page's list, through its own drop target. */
static gboolean
drop_on_list (GuiFixture *f,
              GFile     **files,
              guint       n_files)
{
  GtkWidget *list_stack = gui_child (profile_page (f), SB_TYPE_PROFILE_PAGE, "list_stack");
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (list_stack);
  GtkDropTarget *target = NULL;
  GSList *list = NULL;
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);
  for (guint i = n_files; i > 0; i--)
    list = g_slist_prepend (list, files[i - 1]);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, list);
  g_signal_emit_by_name (target, "drop", &value, 0.0, 0.0, &handled);
  g_value_unset (&value);
  g_slist_free (list);
  return handled;
}

/* The Profile page's own hand-offs: a row activated opens it in Edit, files
 * dropped on the list are uploaded from the Upload page. */
static void
test_profile_hand_offs (GuiFixture    *f,
                        gconstpointer  data)
{
  g_autoptr(GBytes) content = sb_test_random_bytes (1000, 11);
  g_autoptr(GFile) a = gui_write_file (f->dir, "a.txt", content);
  g_autoptr(GFile) b = gui_write_file (f->dir, "b.txt", content);
  GFile *first[] = { a };
  GFile *dropped[] = { b };
  SbUploadPage *upload = SB_UPLOAD_PAGE (sb_window_get_page (f->window, "upload"));
  SbEditPage *edit = SB_EDIT_PAGE (sb_window_get_page (f->window, "edit"));
  GtkWidget *column_view = gui_child (profile_page (f), SB_TYPE_PROFILE_PAGE, "column_view");

  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  gui_upload (f->window, "first", first, 1);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
  select_file (f, "a.txt");
  g_signal_emit_by_name (column_view, "activate", 0);
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "edit");
  g_assert_cmpstr (sb_file_get_name (sb_edit_page_get_file (edit)), ==, "a.txt");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "profile");

  g_assert_true (drop_on_list (f, dropped, G_N_ELEMENTS (dropped)));
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "upload");
  GUI_WAIT_UNTIL (sb_upload_page_get_n_running (upload) == 0);
  g_assert_cmpint (sb_transfer_row_get_state (nth_row (sb_upload_page_get_transfers (upload), 1)),
                   ==, SB_TRANSFER_DONE);
  g_assert_nonnull (find_listed (f, "b.txt"));

  /* Logged out, a drop on the (hidden) list is not taken. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.log-out", NULL);
  g_assert_false (drop_on_list (f, dropped, G_N_ELEMENTS (dropped)));
  g_assert_cmpstr (sb_window_get_visible_page (f->window), ==, "home");
}

static void
test_filter_sort (GuiFixture    *f,
                  gconstpointer  data)
{
  g_autoptr(GBytes) small = sb_test_random_bytes (10, 6);
  g_autoptr(GBytes) medium = sb_test_random_bytes (1000, 7);
  g_autoptr(GBytes) large = sb_test_random_bytes (100000, 8);
  g_autoptr(GFile) a = gui_write_file (f->dir, "b-medium.txt", medium);
  g_autoptr(GFile) b = gui_write_file (f->dir, "a-large.bin", large);
  g_autoptr(GFile) c = gui_write_file (f->dir, "C-small.md", small);
  GFile *holiday[] = { a };
  GFile *work[] = { b, c };
  GListModel *view;
  GtkColumnView *column_view;
  GListModel *columns;
  g_autoptr(GtkColumnViewColumn) size_column = NULL;
  g_autoptr(SbFile) first = NULL;

  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  gui_upload (f->window, "Holiday photos", holiday, 1);
  gui_upload (f->window, "Work", work, 2);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
  view = G_LIST_MODEL (sb_profile_page_get_view_model (profile_page (f)));
  GUI_WAIT_UNTIL (!sb_profile_page_get_loading (profile_page (f)));
  g_assert_cmpuint (g_list_model_get_n_items (view), ==, 3);

  /* Names sort without regard to case. */
  first = g_list_model_get_item (view, 2);
  g_assert_cmpstr (sb_file_get_name (first), ==, "C-small.md");
  g_clear_object (&first);

  /* Filtering matches names and descriptions. */
  sb_profile_page_set_filter (profile_page (f), "holiday");
  GUI_WAIT_UNTIL (!sb_profile_page_get_loading (profile_page (f)));
  g_assert_cmpuint (g_list_model_get_n_items (view), ==, 1);
  first = g_list_model_get_item (view, 0);
  g_assert_cmpstr (sb_file_get_name (first), ==, "b-medium.txt");
  g_clear_object (&first);
  sb_profile_page_set_filter (profile_page (f), "SMALL");
  GUI_WAIT_UNTIL (!sb_profile_page_get_loading (profile_page (f)));
  g_assert_cmpuint (g_list_model_get_n_items (view), ==, 1);
  sb_profile_page_set_filter (profile_page (f), "nothing like it");
  GUI_WAIT_UNTIL (g_list_model_get_n_items (view) == 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gui_child (profile_page (f),
                                                                           SB_TYPE_PROFILE_PAGE,
                                                                           "list_stack"))),
                   ==, "no-match");
  sb_profile_page_set_filter (profile_page (f), "");
  GUI_WAIT_UNTIL (g_list_model_get_n_items (view) == 3);

  /* Clicking the Size header sorts by size. */
  column_view = GTK_COLUMN_VIEW (gui_child (profile_page (f), SB_TYPE_PROFILE_PAGE,
                                            "column_view"));
  columns = gtk_column_view_get_columns (column_view);
  size_column = g_list_model_get_item (columns, 1);
  g_assert_cmpstr (gtk_column_view_column_get_title (size_column), ==, "Size");
  gtk_column_view_sort_by_column (column_view, size_column, GTK_SORT_DESCENDING);
  GUI_WAIT_UNTIL (!sb_profile_page_get_loading (profile_page (f)));
  first = g_list_model_get_item (view, 0);
  g_assert_cmpstr (sb_file_get_name (first), ==, "a-large.bin");
}

static void
test_preferences (GuiFixture    *f,
                  gconstpointer  data)
{
  SbPreferencesWindow *preferences = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

  /* “Test connection” on this computer: the store opens and is writable. */
  preferences = sb_preferences_window_new (GTK_WINDOW (f->window), f->data_dir);
  gtk_window_present (GTK_WINDOW (preferences));
  gui_click (preferences, SB_TYPE_PREFERENCES_WINDOW, "check_button");
  GUI_WAIT_UNTIL (!sb_preferences_window_get_busy (preferences));
  g_assert_true (g_str_has_prefix (sb_preferences_window_get_report (preferences), "✓ "));
  g_assert_null (strstr (sb_preferences_window_get_report (preferences), "✗"));

  /* Choosing AWS is kept in GSettings; table names are bound both ways. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (gui_child (preferences,
                                                            SB_TYPE_PREFERENCES_WINDOW,
                                                            "aws_check")), TRUE);
  g_assert_cmpint (g_settings_get_enum (settings, "backend"), ==, 1);
  gui_set_text (preferences, SB_TYPE_PREFERENCES_WINDOW, "bucket_row", "my-bucket");
  /* Whatever the core does with it, nothing may leave this machine: a
   * loopback port where nothing listens. */
  gui_set_text (preferences, SB_TYPE_PREFERENCES_WINDOW, "endpoint_row", "http://127.0.0.1:9");
  {
    g_autofree char *bucket = g_settings_get_string (settings, "aws-bucket");
    g_assert_cmpstr (bucket, ==, "my-bucket");
  }
  gui_click (preferences, SB_TYPE_PREFERENCES_WINDOW, "check_button");
  GUI_WAIT_UNTIL (!sb_preferences_window_get_busy (preferences));
  {
    g_autofree char *report = g_ascii_strdown (sb_preferences_window_get_report (preferences), -1);

    /* No credentials here (and nothing may leave the machine): the report
     * says what is wrong. */
    g_test_message ("AWS report: %s", report);
    g_assert_nonnull (strstr (report, "aws"));
    g_assert_nonnull (strstr (report, "✗ credentials"));
  }
  g_settings_reset (settings, "backend");
  g_settings_reset (settings, "aws-bucket");
  g_settings_reset (settings, "aws-endpoint");
  gtk_window_destroy (GTK_WINDOW (preferences));
}

static void
check_buttons_named (GtkWidget *widget)
{
  /* GTK names its own window buttons. */
  if (GTK_IS_WINDOW_CONTROLS (widget))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_buttons_named (child);

  /* A button that shows only an icon must say what it does. */
  if ((GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL &&
       (gtk_button_get_child (GTK_BUTTON (widget)) == NULL ||
        GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (widget))))) ||
      (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) == NULL))
    {
      GtkWidget *ancestor = gtk_widget_get_ancestor (widget, GTK_TYPE_MENU_BUTTON);

      /* The menu button's own inner toggle button is named by it. */
      if (ancestor != NULL && ancestor != widget)
        return;
      g_test_message ("icon button %s", G_OBJECT_TYPE_NAME (widget));
      if (gtk_widget_get_tooltip_text (widget) == NULL)
        g_error ("%s in %s has neither a label nor a tooltip", G_OBJECT_TYPE_NAME (widget),
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
    }
}

static void
test_keyboard_and_names (GuiFixture    *f,
                         gconstpointer  data)
{
  static const struct { const char *trigger; const char *action; } expected[] = {
    { "<Control>u", "win.upload" },
    { "<Control>s", "win.download" },
    { "F2", "win.rename" },
    { "<Control>e", "win.edit" },
    { "Delete", "win.delete" },
    { "<Control>f", "win.search" },
    { "F5", "win.refresh" },
    { "<Alt>Left", "win.back" },
  };
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->window));
  g_autoptr(GHashTable) bindings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* Another ID: a registered app stays on the bus for the rest of the
   * process, and /gui/application/first-frame registers the real one. */
  g_autoptr(SbApplication) app = g_object_new (SB_TYPE_APPLICATION,
                                               "application-id", APPLICATION_ID ".Test",
                                               "flags", G_APPLICATION_NON_UNIQUE,
                                               NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) quit = NULL;
  g_auto(GStrv) preferences = NULL;

  /* The window's class shortcuts, as a key press would find them. */
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_NAMED_ACTION (action))
            g_hash_table_insert (bindings, gtk_shortcut_trigger_to_string (trigger),
                                 g_strdup (gtk_named_action_get_action_name (
                                   GTK_NAMED_ACTION (action))));
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_hash_table_lookup (bindings, expected[i].trigger), ==, expected[i].action);

  /* The app-wide ones. */
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  quit = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  preferences = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
  g_assert_cmpstr (quit[0], ==, "<Control>q");
  g_assert_cmpstr (preferences[0], ==, "<Control>comma");

  /* Every page's icon-only buttons have a name for screen readers. */
  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  check_buttons_named (GTK_WIDGET (f->window));
}

static void
test_backend (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *dir = sb_test_make_tmpdir ("sb-backend-XXXXXX");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbService) service = NULL;
  g_autoptr(SbStore) store = NULL;
  g_autofree char *report = NULL;
  guint64 max_file_size = 0;
  gboolean usable = FALSE;

  /* This computer: the store opens in the directory given. */
  sb_desktop_service_open_async (settings, dir, NULL, sb_test_result_cb, &result);
  service = sb_desktop_service_open_finish (sb_test_await (&result), &error);
  g_assert_no_error (error);
  store = g_object_ref (sb_service_get_store (service));
  max_file_size = sb_library_get_max_file_size (sb_service_get_library (service));
  g_clear_object (&service);
  g_assert_true (SB_IS_STORE (store));
  g_assert_cmpuint (max_file_size, >, 0);
  g_clear_object (&result);
  sb_test_assert_finalized (g_steal_pointer (&store));

  sb_desktop_service_check_async (settings, dir, NULL, NULL, NULL, sb_test_result_cb, &result);
  report = sb_desktop_service_check_finish (sb_test_await (&result), &usable, &error);
  g_assert_no_error (error);
  g_assert_true (usable);
  g_assert_nonnull (report);
  g_clear_object (&result);

  /* AWS with no bucket anywhere cannot work, and says so in a sentence. */
  g_settings_set_enum (settings, "backend", SB_DESKTOP_BACKEND_AWS);
  sb_desktop_service_open_async (settings, dir, NULL, sb_test_result_cb, &result);
  service = sb_desktop_service_open_finish (sb_test_await (&result), &error);
  g_assert_null (service);
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "No S3 bucket is configured"));
  g_test_message ("AWS without a bucket: %s", error->message);
  g_settings_reset (settings, "backend");
  sb_test_rm_rf (dir);
}

/* g_test_message() prints through g_print(): stderr, not back here. */
static void
print_to_stderr (const char *text)
{
  g_printerr ("%s", text);
}

/* The real application, from g_application_run() to its first frame. */
static void
test_application (void)
{
  g_autofree char *dir = sb_test_make_tmpdir ("sb-app-XXXXXX");
  char *args[] = { (char *) "storagebox", (char *) "--data-dir", dir, (char *) "--bench", NULL };
  SbApplication *app = sb_application_new ();
  GPrintFunc print = g_set_print_handler (print_to_stderr);

  /* --bench prints its timing on stdout, which is TAP here. */
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 4, args), ==, 0);
  g_set_print_handler (print);
  /* Quitting leaves the window to the program's exit; a test closes it. */
  while (g_list_model_get_n_items (gtk_window_get_toplevels ()) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (gtk_window_get_toplevels (), 0);
      gtk_window_destroy (window);
    }
  sb_test_assert_finalized (app);
  sb_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/gui/backend/open-and-check", test_backend);
  g_test_add_func ("/gui/application/first-frame", test_application);

#define ADD(path, func) \
  g_test_add (path, GuiFixture, NULL, gui_fixture_setup, func, gui_fixture_teardown)
  ADD ("/gui/home/navigation", test_home);
  ADD ("/gui/sign-up/duplicate-and-invalid", test_sign_up_duplicate);
  ADD ("/gui/log-in/wrong-password", test_log_in);
  ADD ("/gui/flow/upload-list-edit-rename-download-delete-log-out", test_flow);
  ADD ("/gui/upload/cancel-leaves-nothing", test_upload_cancel);
  ADD ("/gui/upload/errors-in-plain-words", test_upload_errors);
  ADD ("/gui/download/cancel-leaves-nothing", test_download_cancel);
  ADD ("/gui/download/engine-copies-or-leaves-nothing", test_download_engine);
  ADD ("/gui/download/refuses-short-or-damaged-content", test_download_refuses_bad_content);
  ADD ("/gui/download/disk-full-in-plain-words", test_disk_full_in_plain_words);
  ADD ("/gui/profile/filter-and-sort", test_filter_sort);
  ADD ("/gui/profile/activate-edits-drop-uploads", test_profile_hand_offs);
  ADD ("/gui/preferences/test-connection", test_preferences);
  ADD ("/gui/keyboard-and-accessible-names", test_keyboard_and_names);
#undef ADD

  return g_test_run ();
}
