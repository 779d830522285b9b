/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-edit-page.h"
#include "sb-error.h"
#include "sb-gui-util.h"

struct _SbEditPage
{
  AdwBin          parent_instance;

  GtkLabel       *title_label;
  AdwEntryRow    *name_row;
  AdwEntryRow    *description_row;
  AdwActionRow   *content_row;
  AdwActionRow   *replacement_row;
  GtkProgressBar *progress_bar;
  GtkLabel       *error_label;

  SbFile         *file;
  GFile          *replacement;
  GCancellable   *cancellable;
  char           *owner;
  char           *new_name;
  char           *description;
  gint64          replacement_size;
};

G_DEFINE_FINAL_TYPE (SbEditPage, sb_edit_page, SB_TYPE_PAGE)

enum {
  FILE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static SbLibrary *
get_library (SbEditPage *self)
{
  return sb_page_get_library (SB_PAGE (self));
}

static void
show_error (SbEditPage *self,
            const char *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_busy (SbEditPage *self,
          gboolean    busy)
{
  /* Read-only rather than insensitive: GTK 4.8 loses track of the focus
   * when a focused entry turns insensitive (GTK issue 5845). */
  gtk_editable_set_editable (GTK_EDITABLE (self->name_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->description_row), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "edit.save", !busy && self->file != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "edit.choose-replacement", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "edit.keep-content", !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), busy && self->replacement != NULL);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
}

gboolean
sb_edit_page_get_busy (SbEditPage *self)
{
  g_return_val_if_fail (SB_IS_EDIT_PAGE (self), FALSE);
  return self->cancellable != NULL;
}

static void
update_content_rows (SbEditPage *self)
{
  g_autofree char *size = NULL;
  g_autofree char *modified = NULL;
  g_autofree char *subtitle = NULL;

  if (self->file != NULL)
    {
      size = sb_gui_format_size (sb_file_get_size (self->file));
      modified = sb_gui_format_time (sb_file_get_modified_at (self->file));
      /* Translators: “1.2 MB, last changed 2026-11-24 22:31” */
      subtitle = g_strdup_printf (_("%s, last changed %s"), size, modified);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->content_row),
                                     self->replacement ? _("Current content (to be replaced)")
                                                       : _("Current content"));
      adw_action_row_set_subtitle (self->content_row, subtitle);
    }
  if (self->replacement != NULL)
    {
      g_autofree char *where = g_file_get_parse_name (self->replacement);
      g_autofree char *basename = g_file_get_basename (self->replacement);
      g_autofree char *title = NULL;

      /* Translators: the file whose content will replace the current one. */
      title = g_strdup_printf (_("New content from “%s”"), basename);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->replacement_row), title);
      adw_action_row_set_subtitle (self->replacement_row, where);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->replacement_row), self->replacement != NULL);
}

void
sb_edit_page_reset (SbEditPage *self)
{
  g_return_if_fail (SB_IS_EDIT_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->file);
  g_clear_object (&self->replacement);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), "");
  gtk_label_set_text (self->title_label, "");
  show_error (self, NULL);
  set_busy (self, FALSE);
  update_content_rows (self);
}

void
sb_edit_page_set_file (SbEditPage *self,
                       SbFile     *file,
                       gboolean    focus_name)
{
  g_autofree char *title = NULL;

  g_return_if_fail (SB_IS_EDIT_PAGE (self));
  g_return_if_fail (SB_IS_FILE (file));

  sb_edit_page_reset (self);
  self->file = g_object_ref (file);
  /* Translators: the heading of the Edit page; %s is the file name. */
  title = g_strdup_printf (_("Edit “%s”"), sb_file_get_name (file));
  gtk_label_set_text (self->title_label, title);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), sb_file_get_name (file));
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), sb_file_get_description (file));
  set_busy (self, FALSE);
  update_content_rows (self);
  gtk_widget_grab_focus (GTK_WIDGET (focus_name ? self->name_row : self->description_row));
}

SbFile *
sb_edit_page_get_file (SbEditPage *self)
{
  g_return_val_if_fail (SB_IS_EDIT_PAGE (self), NULL);
  return self->file;
}

void
sb_edit_page_set_replacement (SbEditPage *self,
                              GFile      *replacement)
{
  g_return_if_fail (SB_IS_EDIT_PAGE (self));
  g_return_if_fail (replacement == NULL || G_IS_FILE (replacement));

  g_set_object (&self->replacement, replacement);
  update_content_rows (self);
}

/* Saving: [read the new content → stage it →] edit in one step. */

static void
save_failed (SbEditPage   *self,
             const GError *error)
{
  g_autofree char *message = NULL;

  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  message = sb_gui_error_message (error);
  show_error (self, message);
}

static void
edit_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SbEditPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = sb_library_edit_finish (SB_LIBRARY (object), result, &error);
  g_autofree char *old_name = NULL;
  g_autofree char *text = NULL;

  if (file == NULL)
    {
      save_failed (self, error);
      return;
    }
  g_clear_object (&self->cancellable);
  old_name = g_strdup (sb_file_get_name (self->file));
  sb_edit_page_reset (self);
  g_signal_emit (self, signals[FILE_CHANGED], 0, old_name, file);
  /* Translators: shown after a file was edited; %s is its (new) name. */
  text = g_strdup_printf (_("“%s” was saved."), sb_file_get_name (file));
  sb_page_toast (SB_PAGE (self), text);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", "profile");
}

static void
edit (SbEditPage      *self,
      SbStagedContent *content)
{
  /* The version the user saw: core refuses if someone changed it since. */
  sb_library_edit_async (get_library (self), self->owner,
                         sb_file_get_name (self->file), self->new_name, self->description,
                         content, sb_file_get_version (self->file), self->cancellable, edit_cb,
                         g_object_ref (self));
}

static void
progress_cb (goffset  current,
             goffset  total,
             gpointer user_data)
{
  SbEditPage *self = user_data;

  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double) current / (double) total);
  else
    gtk_progress_bar_pulse (self->progress_bar);
}

static void
stage_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SbEditPage) self = user_data;
  g_autoptr(GError) error = NULL;
  SbStagedContent *content = sb_library_stage_finish (SB_LIBRARY (object), result, &error);

  if (content == NULL)
    {
      save_failed (self, error);
      return;
    }
  if (get_library (self) == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      /* Freeing staged content deletes its bytes: nothing is left behind. */
      sb_staged_content_free (content);
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "");
      save_failed (self, error);
      return;
    }
  edit (self, content);
}

static void
replacement_read_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SbEditPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) stream = g_file_read_finish (G_FILE (object), result, &error);

  if (stream == NULL || get_library (self) == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "");
      save_failed (self, error);
      return;
    }
  /* Core guesses the content type from the name the file will have. */
  sb_library_stage_async (get_library (self), self->owner,
                          self->new_name ? self->new_name : sb_file_get_name (self->file), NULL,
                          G_INPUT_STREAM (stream), self->replacement_size, progress_cb, self,
                          self->cancellable, stage_cb, g_object_ref (self));
}

static void
replacement_info_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SbEditPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (object), result, &error);

  if (info == NULL)
    {
      save_failed (self, error);
      return;
    }
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, "");
      save_failed (self, error);
      return;
    }
  self->replacement_size = g_file_info_get_size (info);
  g_file_read_async (G_FILE (object), G_PRIORITY_DEFAULT, self->cancellable, replacement_read_cb,
                     g_object_ref (self));
}

void
sb_edit_page_save (SbEditPage *self)
{
  const char *name;
  const char *description;

  g_return_if_fail (SB_IS_EDIT_PAGE (self));

  if (self->file == NULL || self->cancellable != NULL || get_library (self) == NULL ||
      sb_page_get_username (SB_PAGE (self)) == NULL)
    return;

  name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  description = gtk_editable_get_text (GTK_EDITABLE (self->description_row));
  g_free (self->owner);
  self->owner = g_strdup (sb_page_get_username (SB_PAGE (self)));
  g_free (self->new_name);
  self->new_name = g_strcmp0 (name, sb_file_get_name (self->file)) != 0 ? g_strdup (name) : NULL;
  g_free (self->description);
  self->description = g_strdup (description);

  show_error (self, NULL);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  if (self->replacement != NULL)
    g_file_query_info_async (self->replacement,
                             G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                             G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, self->cancellable,
                             replacement_info_cb, g_object_ref (self));
  else
    edit (self, NULL);
}

static void
chooser_cb (GtkNativeDialog *chooser,
            int              response,
            gpointer         user_data)
{
  g_autoptr(SbEditPage) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      sb_edit_page_set_replacement (self, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

void
sb_edit_page_choose_replacement (SbEditPage *self)
{
  GtkFileChooserNative *chooser;

  g_return_if_fail (SB_IS_EDIT_PAGE (self));

  chooser = gtk_file_chooser_native_new (_("Replace Content"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Replace"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
save_cb (SbEditPage *self)
{
  sb_edit_page_save (self);
}

static void
cancel_cb (SbEditPage *self)
{
  /* Cancel stops a save in progress first; a second press goes back. */
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "win.back", NULL);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  sb_edit_page_save (SB_EDIT_PAGE (widget));
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  sb_edit_page_choose_replacement (SB_EDIT_PAGE (widget));
}

static void
keep_content_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  sb_edit_page_set_replacement (SB_EDIT_PAGE (widget), NULL);
}

static void
sb_edit_page_dispose (GObject *object)
{
  SbEditPage *self = SB_EDIT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->file);
  g_clear_object (&self->replacement);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_EDIT_PAGE);
  G_OBJECT_CLASS (sb_edit_page_parent_class)->dispose (object);
}

static void
sb_edit_page_finalize (GObject *object)
{
  SbEditPage *self = SB_EDIT_PAGE (object);

  g_free (self->owner);
  g_free (self->new_name);
  g_free (self->description);
  G_OBJECT_CLASS (sb_edit_page_parent_class)->finalize (object);
}

static void
sb_edit_page_class_init (SbEditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_edit_page_dispose;
  object_class->finalize = sb_edit_page_finalize;

  /**
   * SbEditPage::file-changed:
   * @old_name: the name the file had before
   * @file: the file as saved
   *
   * A save succeeded; then the page asks, through the "win.toast" and
   * "win.show-page" actions, to say so and to go back to the list.
   */
  signals[FILE_CHANGED] =
    g_signal_new ("file-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, SB_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               SB_RESOURCE_PATH "/sb-edit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SbEditPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, SbEditPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, SbEditPage, description_row);
  gtk_widget_class_bind_template_child (widget_class, SbEditPage, content_row);
  gtk_widget_class_bind_template_child (widget_class, SbEditPage, replacement_row);
  gtk_widget_class_bind_template_child (widget_class, SbEditPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SbEditPage, error_label);
  gtk_widget_class_bind_template_callback (widget_class, save_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_cb);

  gtk_widget_class_install_action (widget_class, "edit.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "edit.choose-replacement", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "edit.keep-content", NULL, keep_content_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "edit.save",
                                       NULL);
}

static void
sb_edit_page_init (SbEditPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  set_busy (self, FALSE);
}
