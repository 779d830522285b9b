/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-desktop-service.h"
#include "sb-gui-util.h"
#include "sb-keyring.h"
#include "sb-preferences-window.h"

struct _SbPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkCheckButton       *local_check;
  GtkCheckButton       *aws_check;
  AdwPreferencesGroup  *aws_group;
  AdwPreferencesGroup  *keys_group;
  AdwEntryRow          *region_row;
  AdwEntryRow          *endpoint_row;
  AdwEntryRow          *dynamodb_endpoint_row;
  AdwEntryRow          *s3_endpoint_row;
  AdwEntryRow          *bucket_row;
  AdwEntryRow          *users_table_row;
  AdwEntryRow          *files_table_row;
  AdwEntryRow          *sessions_table_row;
  AdwEntryRow          *access_key_row;
  AdwEntryRow          *secret_key_row;
  GtkButton            *save_keys_button;
  AdwActionRow         *check_row;
  GtkSpinner           *check_spinner;
  GtkButton            *check_button;

  GSettings            *settings;
  GCancellable         *cancellable;
  char                 *data_dir;
  char                 *report;
  guint                 busy;
};

G_DEFINE_FINAL_TYPE (SbPreferencesWindow, sb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Callbacks hold the window weakly: a strong reference could make the last
 * unref of a destroyed dialog come after its transient parent is gone,
 * which GTK 4.8 does not survive. */
static GWeakRef *
weak_new (SbPreferencesWindow *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

static SbPreferencesWindow *
weak_steal (gpointer user_data)
{
  GWeakRef *ref = user_data;
  SbPreferencesWindow *self = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);
  return self;
}

static void
update_sensitivity (SbPreferencesWindow *self)
{
  gboolean aws = gtk_check_button_get_active (self->aws_check);

  gtk_widget_set_sensitive (GTK_WIDGET (self->aws_group), aws);
  gtk_widget_set_sensitive (GTK_WIDGET (self->keys_group), aws);
}

static void
backend_toggled_cb (SbPreferencesWindow *self)
{
  SbDesktopBackend kind = gtk_check_button_get_active (self->aws_check)
                            ? SB_DESKTOP_BACKEND_AWS
                            : SB_DESKTOP_BACKEND_LOCAL;

  if ((SbDesktopBackend) g_settings_get_enum (self->settings, "backend") != kind)
    g_settings_set_enum (self->settings, "backend", kind);
  update_sensitivity (self);
}

static void
set_busy (SbPreferencesWindow *self,
          int                  delta)
{
  self->busy = (guint) ((int) self->busy + delta);
  gtk_widget_set_visible (GTK_WIDGET (self->check_spinner), self->busy > 0);
  gtk_spinner_set_spinning (self->check_spinner, self->busy > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->check_button), self->busy == 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_keys_button), self->busy == 0);
}

gboolean
sb_preferences_window_get_busy (SbPreferencesWindow *self)
{
  g_return_val_if_fail (SB_IS_PREFERENCES_WINDOW (self), FALSE);
  return self->busy > 0;
}

const char *
sb_preferences_window_get_report (SbPreferencesWindow *self)
{
  g_return_val_if_fail (SB_IS_PREFERENCES_WINDOW (self), NULL);
  return self->report;
}

static void
show_report (SbPreferencesWindow *self,
             const char          *report,
             gboolean             ok)
{
  g_free (self->report);
  self->report = g_strdup (report);
  adw_action_row_set_subtitle (self->check_row, report);
  if (ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->check_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->check_row), "error");
}

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SbPreferencesWindow) self = weak_steal (user_data);
  g_autoptr(GError) error = NULL;
  gboolean usable = FALSE;
  g_autofree char *report = sb_desktop_service_check_finish (result, &usable, &error);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, -1);
  if (report == NULL)
    {
      g_autofree char *message = sb_gui_error_message (error);
      show_report (self, message, FALSE);
      return;
    }
  show_report (self, report, usable);
}

void
sb_preferences_window_test (SbPreferencesWindow *self)
{
  const char *key_id;
  const char *secret;

  g_return_if_fail (SB_IS_PREFERENCES_WINDOW (self));

  if (self->busy > 0)
    return;
  key_id = gtk_editable_get_text (GTK_EDITABLE (self->access_key_row));
  secret = gtk_editable_get_text (GTK_EDITABLE (self->secret_key_row));
  set_busy (self, +1);
  show_report (self, _("Testing…"), TRUE);
  /* The keys as typed, saved or not: testing comes before saving. */
  sb_desktop_service_check_async (self->settings, self->data_dir, *key_id ? key_id : NULL,
                                  *secret ? secret : NULL, self->cancellable, check_cb,
                                  weak_new (self));
}

static void
test_cb (SbPreferencesWindow *self)
{
  sb_preferences_window_test (self);
}

static void
keys_saved_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SbPreferencesWindow) self = weak_steal (user_data);
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  if ((!sb_keyring_store_credentials_finish (result, &error) &&
       g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) || self == NULL)
    return;
  set_busy (self, -1);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The keys could not be saved in the "
                                                    "keyring: %s"), error->message);
      toast = adw_toast_new (message);
    }
  else
    toast = adw_toast_new (_("The access keys are saved in the keyring."));
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

void
sb_preferences_window_save_keys (SbPreferencesWindow *self)
{
  g_return_if_fail (SB_IS_PREFERENCES_WINDOW (self));

  if (self->busy > 0)
    return;
  set_busy (self, +1);
  sb_keyring_store_credentials_async (gtk_editable_get_text (GTK_EDITABLE (self->access_key_row)),
                                      gtk_editable_get_text (GTK_EDITABLE (self->secret_key_row)),
                                      self->cancellable, keys_saved_cb, weak_new (self));
}

static void
save_keys_cb (SbPreferencesWindow *self)
{
  sb_preferences_window_save_keys (self);
}

static void
keys_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SbPreferencesWindow) self = weak_steal (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *key_id = NULL;
  g_autofree char *secret = NULL;

  if (!sb_keyring_lookup_credentials_finish (result, &key_id, &secret, &error) || self == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No access keys from the keyring: %s", error->message);
      return;
    }
  /* Only fill fields the user has not started typing in. */
  if (key_id != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->access_key_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->access_key_row), key_id);
  if (secret != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->secret_key_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->secret_key_row), secret);
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
}

static void
sb_preferences_window_dispose (GObject *object)
{
  SbPreferencesWindow *self = SB_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (sb_preferences_window_parent_class)->dispose (object);
}

static void
sb_preferences_window_finalize (GObject *object)
{
  SbPreferencesWindow *self = SB_PREFERENCES_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_free (self->data_dir);
  g_free (self->report);
  G_OBJECT_CLASS (sb_preferences_window_parent_class)->finalize (object);
}

static void
sb_preferences_window_class_init (SbPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_preferences_window_dispose;
  object_class->finalize = sb_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               SB_RESOURCE_PATH "/sb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, local_check);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, aws_check);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, aws_group);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, keys_group);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, region_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, dynamodb_endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, s3_endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, bucket_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, users_table_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, files_table_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, sessions_table_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, access_key_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, secret_key_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, save_keys_button);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, check_row);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, check_spinner);
  gtk_widget_class_bind_template_child (widget_class, SbPreferencesWindow, check_button);
  gtk_widget_class_bind_template_callback (widget_class, backend_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_keys_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_cb);
}

static void
sb_preferences_window_init (SbPreferencesWindow *self)
{
  static const struct { const char *key; gsize offset; } rows[] = {
    { "aws-region", G_STRUCT_OFFSET (SbPreferencesWindow, region_row) },
    { "aws-endpoint", G_STRUCT_OFFSET (SbPreferencesWindow, endpoint_row) },
    { "aws-dynamodb-endpoint", G_STRUCT_OFFSET (SbPreferencesWindow, dynamodb_endpoint_row) },
    { "aws-s3-endpoint", G_STRUCT_OFFSET (SbPreferencesWindow, s3_endpoint_row) },
    { "aws-bucket", G_STRUCT_OFFSET (SbPreferencesWindow, bucket_row) },
    { "aws-users-table", G_STRUCT_OFFSET (SbPreferencesWindow, users_table_row) },
    { "aws-files-table", G_STRUCT_OFFSET (SbPreferencesWindow, files_table_row) },
    { "aws-sessions-table", G_STRUCT_OFFSET (SbPreferencesWindow, sessions_table_row) },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APPLICATION_ID);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GObject *row = G_STRUCT_MEMBER (GObject *, self, rows[i].offset);
      g_settings_bind (self->settings, rows[i].key, row, "text", G_SETTINGS_BIND_DEFAULT);
    }
  if ((SbDesktopBackend) g_settings_get_enum (self->settings, "backend") == SB_DESKTOP_BACKEND_AWS)
    gtk_check_button_set_active (self->aws_check, TRUE);
  else
    gtk_check_button_set_active (self->local_check, TRUE);
  update_sensitivity (self);
}

SbPreferencesWindow *
sb_preferences_window_new (GtkWindow  *parent,
                           const char *data_dir)
{
  SbPreferencesWindow *self = g_object_new (SB_TYPE_PREFERENCES_WINDOW,
                                            "transient-for", parent,
                                            NULL);

  self->data_dir = g_strdup (data_dir);
  sb_keyring_lookup_credentials_async (self->cancellable, keys_loaded_cb, weak_new (self));
  return self;
}
