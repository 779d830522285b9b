/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-download.h"
#include "sb-error.h"
#include "sb-gui-util.h"
#include "sb-profile-page.h"
#include "sb-transfer-row.h"
#include "sb-usage.h"

struct _SbProfilePage
{
  AdwBin              parent_instance;

  GtkLabel           *welcome_label;
  GtkLabel           *details_label;
  GtkLabel           *usage_label;
  GtkSearchEntry     *search_entry;
  GtkStack           *list_stack;
  GtkSpinner         *spinner;
  GtkColumnView      *column_view;
  GtkRevealer        *downloads_revealer;
  GtkListBox         *downloads_list;

  GListStore         *files;
  SbPrices           *prices;
  GtkSortListModel   *sort_model;
  GtkFilterListModel *filter_model;
  GtkSingleSelection *selection;
  GtkStringFilter    *name_filter;
  GtkStringFilter    *description_filter;

  GCancellable       *cancellable;
  guint               pending;
};

G_DEFINE_FINAL_TYPE (SbProfilePage, sb_profile_page, SB_TYPE_PAGE)

enum {
  PROP_0,
  PROP_SELECTED_FILE,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FILE_ACTIVATED,
  UPLOAD_FILES,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum {
  COLUMN_NAME,
  COLUMN_SIZE,
  COLUMN_STORAGE,
  COLUMN_CREATED,
  COLUMN_MODIFIED,
  COLUMN_DESCRIPTION,
} Column;

static const char *
get_username (SbProfilePage *self)
{
  return sb_page_get_username (SB_PAGE (self));
}

static SbLibrary *
get_library (SbProfilePage *self)
{
  return sb_page_get_library (SB_PAGE (self));
}

static void
toast (SbProfilePage *self,
       const char    *text)
{
  sb_page_toast (SB_PAGE (self), text);
}

/* The page's parts that follow the list */

void
sb_profile_page_set_prices (SbProfilePage *self,
                            SbPrices      *prices)
{
  g_return_if_fail (SB_IS_PROFILE_PAGE (self));
  g_set_object (&self->prices, prices);
}

static void
update_usage (SbProfilePage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->files));
  g_autoptr(SbUsage) usage = NULL;
  g_autoptr(GString) breakdown = g_string_new (NULL);
  g_autofree char *size = NULL;
  g_autofree char *cost = NULL;
  g_autofree char *text = NULL;

  if (self->prices == NULL)
    self->prices = sb_prices_new (NULL);
  usage = sb_usage_new (self->prices);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbFile) file = g_list_model_get_item (G_LIST_MODEL (self->files), i);
      sb_usage_add (usage, file);
    }
  size = sb_gui_format_size (sb_usage_get_bytes (usage));
  cost = sb_prices_format (sb_usage_get_monthly_cost (usage));
  /* Translators: “3 files, 1.2 MB used · $0.01 a month (estimate)” */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file, %s used · %s a month (estimate)",
                                       "%u files, %s used · %s a month (estimate)", n),
                          n, size, cost);
  gtk_label_set_text (self->usage_label, text);

  for (guint i = 0; i < sb_usage_get_n_rows (usage); i++)
    {
      const SbUsageRow *row = sb_usage_get_row (usage, i);
      g_autofree char *row_size = sb_gui_format_size (row->bytes);
      g_autofree char *row_cost = sb_prices_format (row->monthly_cost);

      /* Translators: “Archived: 2 files, 1.2 GB, $0.01 a month” */
      g_string_append_printf (breakdown, _("%s: %u, %s, %s a month\n"),
                              sb_storage_class_describe (row->storage_class), row->files, row_size,
                              row_cost);
    }
  g_string_append_printf (breakdown,
                          _("Estimated storage cost at S3 list prices for %s, taken %s%s."),
                          SB_PRICES_REGION, SB_PRICES_DATE,
                          sb_prices_is_configured (self->prices)
                          ? _(", with the prices in your configuration") : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->usage_label), breakdown->str);
}

static void
update_stack (SbProfilePage *self)
{
  const char *name;

  if (self->pending > 0 && g_list_model_get_n_items (G_LIST_MODEL (self->files)) == 0)
    name = "loading";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->files)) == 0)
    name = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
    name = "no-match";
  else
    name = "files";
  gtk_stack_set_visible_child_name (self->list_stack, name);
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
}

static void
files_changed_cb (SbProfilePage *self)
{
  update_usage (self);
  update_stack (self);
}

static void
view_changed_cb (SbProfilePage *self)
{
  update_stack (self);
}

static void
selected_item_changed_cb (SbProfilePage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_FILE]);
}

/* Loading */

static void
set_pending (SbProfilePage *self,
             guint          pending)
{
  self->pending = pending;
  update_stack (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
profile_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SbProfilePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbUser) user = sb_accounts_get_profile_finish (SB_ACCOUNTS (object), result, NULL,
                                                           NULL, &error);
  g_autofree char *since = NULL;
  g_autofree char *details = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_pending (self, self->pending - 1);
  if (user == NULL)
    {
      g_autofree char *message = sb_gui_error_message (error);
      toast (self, message);
      return;
    }
  since = sb_gui_format_date (sb_user_get_created_at (user));
  /* Translators: “ada@example.com · member since 24 November 2026” */
  details = g_strdup_printf (_("%s · member since %s"), sb_user_get_email (user), since);
  gtk_label_set_text (self->details_label, details);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SbProfilePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = sb_library_list_finish (SB_LIBRARY (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (files == NULL)
    {
      g_autofree char *message = sb_gui_error_message (error);

      set_pending (self, self->pending - 1);
      toast (self, message);
      return;
    }
  /* One splice: one items-changed for the whole list, however long. */
  g_list_store_splice (self->files, 0, g_list_model_get_n_items (G_LIST_MODEL (self->files)),
                       files->pdata, files->len);
  set_pending (self, self->pending - 1);
}

void
sb_profile_page_load (SbProfilePage *self)
{
  const char *username;
  g_autofree char *welcome = NULL;

  g_return_if_fail (SB_IS_PROFILE_PAGE (self));

  if ((username = get_username (self)) == NULL || sb_page_get_accounts (SB_PAGE (self)) == NULL ||
      get_library (self) == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  /* Translators: the greeting on the profile page, as in the original app. */
  welcome = g_strdup_printf (_("Welcome, %s"), username);
  gtk_label_set_text (self->welcome_label, welcome);
  set_pending (self, 2);
  sb_accounts_get_profile_async (sb_page_get_accounts (SB_PAGE (self)), username,
                                 self->cancellable, profile_cb, g_object_ref (self));
  sb_library_list_async (get_library (self), username, self->cancellable, list_cb,
                         g_object_ref (self));
}

void
sb_profile_page_clear (SbProfilePage *self)
{
  guint n;

  g_return_if_fail (SB_IS_PROFILE_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* Downloads belong to the session that started them. */
  while (gtk_widget_get_first_child (GTK_WIDGET (self->downloads_list)) != NULL)
    gtk_list_box_remove (self->downloads_list,
                         gtk_widget_get_first_child (GTK_WIDGET (self->downloads_list)));
  gtk_revealer_set_reveal_child (self->downloads_revealer, FALSE);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->files));
  g_list_store_splice (self->files, 0, n, NULL, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_label_set_text (self->welcome_label, "");
  gtk_label_set_text (self->details_label, "");
  set_pending (self, 0);
}

/* Also TRUE while the list is still being sorted or filtered in steps. */
gboolean
sb_profile_page_get_loading (SbProfilePage *self)
{
  g_return_val_if_fail (SB_IS_PROFILE_PAGE (self), FALSE);
  return self->pending > 0 ||
         gtk_sort_list_model_get_pending (self->sort_model) > 0 ||
         gtk_filter_list_model_get_pending (self->filter_model) > 0;
}

/* Model access */

GListModel *
sb_profile_page_get_files (SbProfilePage *self)
{
  g_return_val_if_fail (SB_IS_PROFILE_PAGE (self), NULL);
  return G_LIST_MODEL (self->files);
}

GtkSelectionModel *
sb_profile_page_get_view_model (SbProfilePage *self)
{
  g_return_val_if_fail (SB_IS_PROFILE_PAGE (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

SbFile *
sb_profile_page_get_selected_file (SbProfilePage *self)
{
  g_return_val_if_fail (SB_IS_PROFILE_PAGE (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

static gboolean
find_file (GListModel *model,
           const char *name,
           guint      *position)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SbFile) file = g_list_model_get_item (model, i);

      if (g_strcmp0 (sb_file_get_name (file), name) == 0)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
sb_profile_page_select (SbProfilePage *self,
                        const char    *name)
{
  guint position;

  g_return_val_if_fail (SB_IS_PROFILE_PAGE (self), FALSE);

  if (!find_file (G_LIST_MODEL (self->selection), name, &position))
    return FALSE;
  gtk_single_selection_set_selected (self->selection, position);
  return TRUE;
}

void
sb_profile_page_set_filter (SbProfilePage *self,
                            const char    *text)
{
  g_return_if_fail (SB_IS_PROFILE_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  /* Apply now rather than after the entry's typing delay. */
  gtk_string_filter_set_search (self->name_filter, text);
  gtk_string_filter_set_search (self->description_filter, text);
}

void
sb_profile_page_focus_search (SbProfilePage *self)
{
  g_return_if_fail (SB_IS_PROFILE_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
search_changed_cb (SbProfilePage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  gtk_string_filter_set_search (self->name_filter, text);
  gtk_string_filter_set_search (self->description_filter, text);
}

static void
stop_search_cb (SbProfilePage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

void
sb_profile_page_update_file (SbProfilePage *self,
                             const char    *old_name,
                             SbFile        *file)
{
  guint position;

  g_return_if_fail (SB_IS_PROFILE_PAGE (self));
  g_return_if_fail (SB_IS_FILE (file));

  if ((old_name != NULL && find_file (G_LIST_MODEL (self->files), old_name, &position)) ||
      find_file (G_LIST_MODEL (self->files), sb_file_get_name (file), &position))
    g_list_store_splice (self->files, position, 1, (gpointer *) &file, 1);
  else
    g_list_store_append (self->files, file);
  sb_profile_page_select (self, sb_file_get_name (file));
}

static void
activate_cb (SbProfilePage *self,
             guint          position)
{
  g_autoptr(SbFile) file = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (file != NULL)
    g_signal_emit (self, signals[FILE_ACTIVATED], 0, file);
}

/* Downloads: the page shows them, SbDownload does them. */

static void
download_progress_cb (goffset  current,
                      goffset  total,
                      gpointer user_data)
{
  sb_transfer_row_set_progress (SB_TRANSFER_ROW (user_data), (guint64) current, total);
}

static void
download_saved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SbTransferRow) row = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  g_autofree char *status = NULL;

  if (!sb_download_save_finish (SB_DOWNLOAD (object), result, &error))
    {
      gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      status = cancelled ? g_strdup (_("Cancelled")) : sb_gui_error_message (error);
      sb_transfer_row_finish (row, cancelled ? SB_TRANSFER_CANCELLED : SB_TRANSFER_FAILED,
                              status);
      return;
    }
  where = g_file_get_parse_name (sb_download_get_destination (SB_DOWNLOAD (object)));
  /* Translators: status of a finished download; %s is where it went. */
  status = g_strdup_printf (_("Saved as %s"), where);
  sb_transfer_row_finish (row, SB_TRANSFER_DONE, status);
}

void
sb_profile_page_download_to (SbProfilePage *self,
                             SbFile        *file,
                             GFile         *destination)
{
  g_autoptr(SbDownload) download = NULL;
  SbTransferRow *row;

  g_return_if_fail (SB_IS_PROFILE_PAGE (self));
  g_return_if_fail (SB_IS_FILE (file));
  g_return_if_fail (G_IS_FILE (destination));

  if (get_library (self) == NULL)
    return;

  download = sb_download_new (get_library (self), file, destination);
  row = sb_transfer_row_new (sb_file_get_name (file));
  gtk_list_box_prepend (self->downloads_list, GTK_WIDGET (row));
  gtk_revealer_set_reveal_child (self->downloads_revealer, TRUE);
  /* The row's button cancels; the row lives until the download is over. */
  sb_download_save_async (download, download_progress_cb, row,
                          sb_transfer_row_get_cancellable (row), download_saved_cb,
                          g_object_ref (row));
}

GtkListBox *
sb_profile_page_get_downloads (SbProfilePage *self)
{
  g_return_val_if_fail (SB_IS_PROFILE_PAGE (self), NULL);
  return self->downloads_list;
}

static void
download_chooser_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(SbFile) file = user_data;
  SbProfilePage *self = g_object_get_data (G_OBJECT (chooser), "sb-page");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) destination = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (destination != NULL && SB_IS_PROFILE_PAGE (self))
        sb_profile_page_download_to (self, file, destination);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

void
sb_profile_page_download (SbProfilePage *self)
{
  SbFile *file;
  GtkFileChooserNative *chooser;

  g_return_if_fail (SB_IS_PROFILE_PAGE (self));

  if ((file = sb_profile_page_get_selected_file (self)) == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Download File"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Download"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), sb_file_get_name (file));
  g_object_set_data_full (G_OBJECT (chooser), "sb-page", g_object_ref (self), g_object_unref);
  g_signal_connect (chooser, "response", G_CALLBACK (download_chooser_cb), g_object_ref (file));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Delete */

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SbProfilePage) self = NULL;
  g_autoptr(SbFile) file = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint position;

  self = g_object_steal_data (G_OBJECT (file), "sb-page");
  if (!sb_library_delete_finish (SB_LIBRARY (object), result, &error))
    {
      g_autofree char *message = sb_gui_error_message (error);
      toast (self, message);
      return;
    }
  if (find_file (G_LIST_MODEL (self->files), sb_file_get_name (file), &position))
    g_list_store_remove (self->files, position);
  /* Translators: shown after a file was deleted. */
  text = g_strdup_printf (_("“%s” was deleted."), sb_file_get_name (file));
  toast (self, text);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    SbProfilePage    *self)
{
  SbFile *file = g_object_get_data (G_OBJECT (dialog), "sb-file");

  if (!g_str_equal (response, "delete") || file == NULL || get_username (self) == NULL ||
      get_library (self) == NULL)
    return;
  /* The version guards against deleting a file someone changed meanwhile. */
  g_object_set_data_full (G_OBJECT (file), "sb-page", g_object_ref (self), g_object_unref);
  sb_library_delete_async (get_library (self), get_username (self), sb_file_get_name (file),
                           sb_file_get_version (file), NULL, delete_cb, g_object_ref (file));
}

void
sb_profile_page_delete (SbProfilePage *self)
{
  SbFile *file;
  GtkWidget *dialog;

  g_return_if_fail (SB_IS_PROFILE_PAGE (self));

  if ((file = sb_profile_page_get_selected_file (self)) == NULL)
    return;
  /* Translators: the question before deleting; %s is the file name. */
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete “%s”?"),
                                     sb_file_get_name (file));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("The file and its description are removed from your storage "
                                 "for good."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  /* Enter must not destroy anything by accident. */
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "sb-file", g_object_ref (file), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Drop: files dropped on the list go to whoever shows the page, which
 * uploads them as files dropped on the Upload page. */

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         SbProfilePage *self)
{
  GSList *list = g_value_get_boxed (value);
  g_autoptr(GListStore) files = g_list_store_new (G_TYPE_FILE);

  if (get_username (self) == NULL)
    return FALSE;
  for (GSList *l = list; l != NULL; l = l->next)
    g_list_store_append (files, l->data);
  g_signal_emit (self, signals[UPLOAD_FILES], 0, files);
  return TRUE;
}

/* Columns */

/* The full text of a cut-off name or description. Asked for when the
 * pointer rests on a cell: setting a tooltip on every bind instead makes
 * GTK 4.8 re-query tooltips each time, which made scrolling 10,000 files
 * crawl. */
static gboolean
cell_query_tooltip_cb (GtkWidget  *widget,
                       int         x,
                       int         y,
                       gboolean    keyboard,
                       GtkTooltip *tooltip,
                       gpointer    user_data)
{
  const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (widget));

  if (text == NULL || *text == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  Column column = GPOINTER_TO_UINT (user_data);
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription),
                                     column == COLUMN_NAME
                                     ? GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_MIDDLE
                                     : GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (column == COLUMN_SIZE)
    gtk_inscription_set_xalign (GTK_INSCRIPTION (inscription), 1.0);
  if (column == COLUMN_SIZE || column == COLUMN_CREATED || column == COLUMN_MODIFIED)
    gtk_widget_add_css_class (inscription, "numeric");
  if (column == COLUMN_NAME || column == COLUMN_DESCRIPTION || column == COLUMN_STORAGE)
    {
      gtk_widget_set_has_tooltip (inscription, TRUE);
      g_signal_connect (inscription, "query-tooltip", G_CALLBACK (cell_query_tooltip_cb), NULL);
    }
  gtk_list_item_set_child (item, inscription);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  Column column = GPOINTER_TO_UINT (user_data);
  GtkInscription *inscription = GTK_INSCRIPTION (gtk_list_item_get_child (item));
  SbFile *file = gtk_list_item_get_item (item);
  g_autofree char *text = NULL;

  switch (column)
    {
    case COLUMN_NAME:
      gtk_inscription_set_text (inscription, sb_file_get_name (file));
      break;
    case COLUMN_SIZE:
      text = sb_gui_format_size (sb_file_get_size (file));
      gtk_inscription_set_text (inscription, text);
      break;
    case COLUMN_STORAGE:
      /* Archived files say where their restore stands; others their class. */
      text = sb_storage_class_describe_restore (file);
      gtk_inscription_set_text (inscription,
                                text ? text
                                     : sb_storage_class_describe (sb_file_get_storage_class (file)));
      break;
    case COLUMN_CREATED:
      text = sb_gui_format_time (sb_file_get_created_at (file));
      gtk_inscription_set_text (inscription, text);
      break;
    case COLUMN_MODIFIED:
      text = sb_gui_format_time (sb_file_get_modified_at (file));
      gtk_inscription_set_text (inscription, text);
      break;
    case COLUMN_DESCRIPTION:
    default:
      gtk_inscription_set_text (inscription, sb_file_get_description (file));
      break;
    }
}


static GtkColumnViewColumn *
add_column (SbProfilePage *self,
            const char    *title,
            Column         column,
            GtkSorter     *sorter,
            gboolean       expand,
            int            fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GUINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GUINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (view_column, sorter);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (view_column, fixed_width);
  gtk_column_view_append_column (self->column_view, view_column);
  g_object_unref (sorter);
  /* The column view holds it from here on. */
  g_object_unref (view_column);
  return view_column;
}

static GtkExpression *
property (const char *name)
{
  return gtk_property_expression_new (SB_TYPE_FILE, NULL, name);
}

static void
setup_columns (SbProfilePage *self)
{
  GtkColumnViewColumn *name_column;
  GtkStringSorter *name_sorter = gtk_string_sorter_new (property ("name"));
  GtkStringSorter *description_sorter = gtk_string_sorter_new (property ("description"));

  gtk_string_sorter_set_ignore_case (name_sorter, TRUE);
  gtk_string_sorter_set_ignore_case (description_sorter, TRUE);
  name_column = add_column (self, _("Name"), COLUMN_NAME, GTK_SORTER (name_sorter), TRUE, -1);
  add_column (self, _("Size"), COLUMN_SIZE,
              GTK_SORTER (gtk_numeric_sorter_new (property ("size"))), FALSE, 96);
  add_column (self, _("Storage"), COLUMN_STORAGE,
              GTK_SORTER (gtk_string_sorter_new (property ("storage-class"))), FALSE, 130);
  add_column (self, _("Created"), COLUMN_CREATED,
              GTK_SORTER (gtk_numeric_sorter_new (property ("created-at"))), FALSE, 150);
  add_column (self, _("Modified"), COLUMN_MODIFIED,
              GTK_SORTER (gtk_numeric_sorter_new (property ("modified-at"))), FALSE, 150);
  add_column (self, _("Description"), COLUMN_DESCRIPTION, GTK_SORTER (description_sorter), TRUE,
              -1);
  gtk_column_view_sort_by_column (self->column_view, name_column, GTK_SORT_ASCENDING);
}

static void
setup_models (SbProfilePage *self)
{
  GtkAnyFilter *any = gtk_any_filter_new ();

  self->files = g_list_store_new (SB_TYPE_FILE);
  self->name_filter = gtk_string_filter_new (property ("name"));
  self->description_filter = gtk_string_filter_new (property ("description"));
  gtk_multi_filter_append (GTK_MULTI_FILTER (any), g_object_ref (GTK_FILTER (self->name_filter)));
  gtk_multi_filter_append (GTK_MULTI_FILTER (any),
                           g_object_ref (GTK_FILTER (self->description_filter)));

  /* Sort, then filter: typing in the filter does not re-sort. */
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);

  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->files)),
                                              g_object_ref (sorter));
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->sort_model)),
                                                  GTK_FILTER (any));
  /* Sorting or filtering 10,000 files at once would hold up the main loop
   * for a visible moment: do it in steps, between frames. */
  gtk_sort_list_model_set_incremental (self->sort_model, TRUE);
  gtk_filter_list_model_set_incremental (self->filter_model, TRUE);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filter_model)));
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->files, "items-changed", G_CALLBACK (files_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_model, "items-changed", G_CALLBACK (view_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selected_item_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
sb_profile_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SbProfilePage *self = SB_PROFILE_PAGE (object);

  switch (prop_id)
    {
    case PROP_SELECTED_FILE:
      g_value_set_object (value, sb_profile_page_get_selected_file (self));
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, sb_profile_page_get_loading (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_profile_page_dispose (GObject *object)
{
  SbProfilePage *self = SB_PROFILE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_PROFILE_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->name_filter);
  g_clear_object (&self->description_filter);
  g_clear_object (&self->files);
  g_clear_object (&self->prices);
  G_OBJECT_CLASS (sb_profile_page_parent_class)->dispose (object);
}

static void
sb_profile_page_class_init (SbProfilePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = sb_profile_page_get_property;
  object_class->dispose = sb_profile_page_dispose;

  properties[PROP_SELECTED_FILE] =
    g_param_spec_object ("selected-file", NULL, NULL, SB_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SbProfilePage::file-activated:
   * @file: the file
   *
   * A file was double-clicked or activated with Enter: it is to be edited.
   */
  signals[FILE_ACTIVATED] =
    g_signal_new ("file-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, SB_TYPE_FILE);
  /**
   * SbProfilePage::upload-files:
   * @files: a #GListModel of #GFile
   *
   * Files were dropped on the list: they are to be uploaded.
   */
  signals[UPLOAD_FILES] =
    g_signal_new ("upload-files", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_LIST_MODEL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               SB_RESOURCE_PATH "/sb-profile-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SbProfilePage, welcome_label);
  gtk_widget_class_bind_template_child (widget_class, SbProfilePage, details_label);
  gtk_widget_class_bind_template_child (widget_class, SbProfilePage, usage_label);
  gtk_widget_class_bind_template_child (widget_class, SbProfilePage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SbProfilePage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SbProfilePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SbProfilePage, column_view);
  gtk_widget_class_bind_template_child (widget_class, SbProfilePage, downloads_revealer);
  gtk_widget_class_bind_template_child (widget_class, SbProfilePage, downloads_list);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
}

static void
sb_profile_page_init (SbProfilePage *self)
{
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));
  setup_columns (self);
  setup_models (self);

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->list_stack), GTK_EVENT_CONTROLLER (target));
  update_usage (self);
  update_stack (self);
}
