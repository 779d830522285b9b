/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-error.h"
#include "sb-gui-util.h"
#include "sb-transfer-row.h"
#include "sb-upload-page.h"

#define QUERY_ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
                         G_FILE_ATTRIBUTE_STANDARD_SIZE "," \
                         G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," \
                         G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE

struct _SbUploadPage
{
  AdwBin        parent_instance;

  GtkWidget    *drop_area;
  AdwEntryRow  *description_row;
  GtkSwitch    *replace_switch;
  GtkWidget    *transfers_box;
  GtkListBox   *transfers_list;

  guint         n_running;
};

G_DEFINE_FINAL_TYPE (SbUploadPage, sb_upload_page, SB_TYPE_PAGE)

enum {
  PROP_0,
  PROP_N_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FILE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  SbUploadPage  *self;
  SbTransferRow *row;
  GFile         *file;
  char          *owner;
  char          *name;
  char          *description;
  char          *content_type;
  gint64         size;
  SbUploadFlags  flags;
} Upload;

static void
upload_free (Upload *upload)
{
  g_clear_object (&upload->self);
  g_clear_object (&upload->row);
  g_clear_object (&upload->file);
  g_free (upload->owner);
  g_free (upload->name);
  g_free (upload->description);
  g_free (upload->content_type);
  g_free (upload);
}

static const char *
get_username (SbUploadPage *self)
{
  return sb_page_get_username (SB_PAGE (self));
}

static void
set_n_running (SbUploadPage *self,
               guint         n_running)
{
  self->n_running = n_running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);
}

static void
upload_done (Upload       *upload,
             SbFile       *file,
             const GError *error)
{
  SbUploadPage *self = upload->self;

  if (file != NULL)
    {
      sb_transfer_row_finish (upload->row, SB_TRANSFER_DONE, _("Uploaded"));
      /* Only while the user who started it is still the one logged in. */
      if (g_strcmp0 (get_username (self), upload->owner) == 0)
        g_signal_emit (self, signals[FILE_CHANGED], 0, NULL, file);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    sb_transfer_row_finish (upload->row, SB_TRANSFER_CANCELLED, _("Cancelled"));
  else
    {
      g_autofree char *message = sb_gui_error_message (error);
      sb_transfer_row_finish (upload->row, SB_TRANSFER_FAILED, message);
    }
  set_n_running (self, self->n_running - 1);
  upload_free (upload);
}

static void
progress_cb (goffset  current,
             goffset  total,
             gpointer user_data)
{
  Upload *upload = user_data;

  sb_transfer_row_set_progress (upload->row, (guint64) current, total);
}

static void
uploaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = sb_library_upload_finish (SB_LIBRARY (object), result, &error);

  upload_done (user_data, file, error);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Upload *upload = user_data;
  SbLibrary *library = sb_page_get_library (SB_PAGE (upload->self));
  GCancellable *cancellable = sb_transfer_row_get_cancellable (upload->row);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) stream = g_file_read_finish (G_FILE (object), result, &error);

  if (stream == NULL)
    {
      upload_done (upload, NULL, error);
      return;
    }
  if (library == NULL)
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "");
      upload_done (upload, NULL, error);
      return;
    }
  /* Core streams the content in chunks and reports progress here, on the
   * main context; a cancelled or failed upload stores nothing. */
  sb_library_upload_async (library, upload->owner, upload->name,
                           upload->description, upload->content_type, G_INPUT_STREAM (stream),
                           upload->size, upload->flags, progress_cb, upload, cancellable,
                           uploaded_cb, upload);
}

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Upload *upload = user_data;
  GCancellable *cancellable = sb_transfer_row_get_cancellable (upload->row);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (object), result, &error);

  if (info == NULL)
    {
      upload_done (upload, NULL, error);
      return;
    }
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, "");
      upload_done (upload, NULL, error);
      return;
    }
  upload->size = g_file_info_get_size (info);
  upload->content_type = g_content_type_get_mime_type (g_file_info_get_content_type (info));
  g_file_read_async (upload->file, G_PRIORITY_DEFAULT, cancellable, read_cb, upload);
}

static char *
display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  if (basename != NULL && g_utf8_validate (basename, -1, NULL))
    return g_steal_pointer (&basename);
  return basename ? g_filename_display_name (basename) : g_file_get_parse_name (file);
}

static void
add_file (SbUploadPage *self,
          GFile        *file)
{
  Upload *upload = g_new0 (Upload, 1);

  upload->self = g_object_ref (self);
  upload->file = g_object_ref (file);
  upload->owner = g_strdup (get_username (self));
  /* The name shown is the name stored: core validates it. */
  upload->name = display_name (file);
  upload->description = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  upload->flags = gtk_switch_get_active (self->replace_switch) ? SB_UPLOAD_REPLACE
                                                                : SB_UPLOAD_NONE;
  upload->size = -1;
  upload->row = g_object_ref_sink (sb_transfer_row_new (upload->name));
  gtk_list_box_append (self->transfers_list, GTK_WIDGET (upload->row));
  set_n_running (self, self->n_running + 1);

  g_file_query_info_async (file, QUERY_ATTRIBUTES, G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT,
                           sb_transfer_row_get_cancellable (upload->row), query_cb, upload);
}

/**
 * sb_upload_page_add_files:
 * @files: a list of #GFile
 *
 * Starts one upload per file, each with the description typed so far. The
 * drop target and the file chooser both end here, so what a test drives is
 * exactly what a drop does.
 */
void
sb_upload_page_add_files (SbUploadPage *self,
                          GListModel   *files)
{
  guint n;

  g_return_if_fail (SB_IS_UPLOAD_PAGE (self));
  g_return_if_fail (G_IS_LIST_MODEL (files));

  if (get_username (self) == NULL)
    return;
  n = g_list_model_get_n_items (files);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      add_file (self, file);
    }
  gtk_widget_set_visible (self->transfers_box, TRUE);
}

static void
chooser_cb (GtkNativeDialog *chooser,
            int              response,
            gpointer         user_data)
{
  g_autoptr(SbUploadPage) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      sb_upload_page_add_files (self, files);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

void
sb_upload_page_choose_files (SbUploadPage *self)
{
  GtkFileChooserNative *chooser;

  g_return_if_fail (SB_IS_UPLOAD_PAGE (self));

  chooser = gtk_file_chooser_native_new (_("Upload Files"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Upload"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
sb_upload_page_set_description (SbUploadPage *self,
                                const char   *description)
{
  g_return_if_fail (SB_IS_UPLOAD_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), description ? description : "");
}

void
sb_upload_page_set_replace (SbUploadPage *self,
                            gboolean      replace)
{
  g_return_if_fail (SB_IS_UPLOAD_PAGE (self));
  gtk_switch_set_active (self->replace_switch, replace);
}

guint
sb_upload_page_get_n_running (SbUploadPage *self)
{
  g_return_val_if_fail (SB_IS_UPLOAD_PAGE (self), 0);
  return self->n_running;
}

GtkListBox *
sb_upload_page_get_transfers (SbUploadPage *self)
{
  g_return_val_if_fail (SB_IS_UPLOAD_PAGE (self), NULL);
  return self->transfers_list;
}

void
sb_upload_page_reset (SbUploadPage *self)
{
  GtkWidget *child;

  g_return_if_fail (SB_IS_UPLOAD_PAGE (self));

  /* Removing a row cancels its upload; the callbacks still run (with
   * CANCELLED) and free what they hold. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->transfers_list))) != NULL)
    {
      sb_transfer_row_cancel (SB_TRANSFER_ROW (child));
      gtk_list_box_remove (self->transfers_list, child);
    }
  gtk_widget_set_visible (self->transfers_box, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), "");
  gtk_switch_set_active (self->replace_switch, FALSE);
}

/* Drag and drop */

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         SbUploadPage  *self)
{
  GSList *list = g_value_get_boxed (value);
  g_autoptr(GListStore) files = g_list_store_new (G_TYPE_FILE);

  gtk_widget_remove_css_class (self->drop_area, "drop-highlight");
  for (GSList *l = list; l != NULL; l = l->next)
    g_list_store_append (files, l->data);
  sb_upload_page_add_files (self, G_LIST_MODEL (files));
  return g_list_model_get_n_items (G_LIST_MODEL (files)) > 0;
}

static GdkDragAction
drop_enter_cb (GtkDropTarget *target,
               double         x,
               double         y,
               SbUploadPage  *self)
{
  gtk_widget_add_css_class (self->drop_area, "drop-highlight");
  return GDK_ACTION_COPY;
}

static void
drop_leave_cb (GtkDropTarget *target,
               SbUploadPage  *self)
{
  gtk_widget_remove_css_class (self->drop_area, "drop-highlight");
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  sb_upload_page_choose_files (SB_UPLOAD_PAGE (widget));
}

static void
sb_upload_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SbUploadPage *self = SB_UPLOAD_PAGE (object);

  switch (prop_id)
    {
    case PROP_N_RUNNING:
      g_value_set_uint (value, self->n_running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_upload_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SB_TYPE_UPLOAD_PAGE);
  G_OBJECT_CLASS (sb_upload_page_parent_class)->dispose (object);
}

static void
sb_upload_page_class_init (SbUploadPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = sb_upload_page_get_property;
  object_class->dispose = sb_upload_page_dispose;

  properties[PROP_N_RUNNING] =
    g_param_spec_uint ("n-running", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SbUploadPage::file-changed:
   * @old_name: (nullable): always %NULL here: an upload adds or replaces
   * @file: the file as stored
   *
   * An upload of the user logged in is stored.
   */
  signals[FILE_CHANGED] =
    g_signal_new ("file-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, SB_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               SB_RESOURCE_PATH "/sb-upload-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SbUploadPage, drop_area);
  gtk_widget_class_bind_template_child (widget_class, SbUploadPage, description_row);
  gtk_widget_class_bind_template_child (widget_class, SbUploadPage, replace_switch);
  gtk_widget_class_bind_template_child (widget_class, SbUploadPage, transfers_box);
  gtk_widget_class_bind_template_child (widget_class, SbUploadPage, transfers_list);

  gtk_widget_class_install_action (widget_class, "upload.choose", NULL, choose_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "upload.choose", NULL);
}

static void
sb_upload_page_init (SbUploadPage *self)
{
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  g_signal_connect_object (target, "enter", G_CALLBACK (drop_enter_cb), self, 0);
  g_signal_connect_object (target, "leave", G_CALLBACK (drop_leave_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}
