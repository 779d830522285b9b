/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-edit-page.h"
#include "sb-gui-util.h"
#include "sb-home-page.h"
#include "sb-keyring.h"
#include "sb-log-in-page.h"
#include "sb-profile-page.h"
#include "sb-sign-up-page.h"
#include "sb-upload-page.h"
#include "sb-window.h"

struct _SbWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkButton            *back_button;
  GtkButton            *upload_button;
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  SbHomePage           *home_page;
  SbSignUpPage         *sign_up_page;
  SbLogInPage          *log_in_page;
  SbProfilePage        *profile_page;
  SbUploadPage         *upload_page;
  SbEditPage           *edit_page;

  GSettings            *settings;
  SbAccounts           *accounts;
  SbLibrary            *library;
  SbSession            *session;
  GCancellable         *cancellable;
  char                 *last_toast;
  AdwToast             *toast;
  char                 *restored_token;
  gboolean              remember_session;
};

G_DEFINE_FINAL_TYPE (SbWindow, sb_window, ADW_TYPE_APPLICATION_WINDOW)

static gboolean
is_page (SbWindow   *self,
         const char *name)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), name) == 0;
}

static void
update_actions (SbWindow *self)
{
  gboolean logged_in = self->session != NULL;
  gboolean on_profile = is_page (self, "profile");
  gboolean file_actions = logged_in && on_profile &&
                          sb_profile_page_get_selected_file (self->profile_page) != NULL;
  gboolean can_go_back = is_page (self, "sign-up") || is_page (self, "log-in") ||
                         is_page (self, "upload") || is_page (self, "edit");
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "win.back", can_go_back);
  gtk_widget_action_set_enabled (widget, "win.upload", logged_in);
  gtk_widget_action_set_enabled (widget, "win.download", file_actions);
  gtk_widget_action_set_enabled (widget, "win.rename", file_actions);
  gtk_widget_action_set_enabled (widget, "win.edit", file_actions);
  gtk_widget_action_set_enabled (widget, "win.delete", file_actions);
  gtk_widget_action_set_enabled (widget, "win.search", logged_in);
  gtk_widget_action_set_enabled (widget, "win.refresh", logged_in);
  gtk_widget_action_set_enabled (widget, "win.log-out", logged_in);

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), can_go_back);
  gtk_widget_set_visible (GTK_WIDGET (self->upload_button), logged_in && on_profile);
}

static void
visible_page_changed_cb (SbWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);
  GtkWidget *child = gtk_stack_get_visible_child (self->stack);
  GtkStackPage *page;
  const char *title = NULL;

  if (child != NULL && (page = gtk_stack_get_page (self->stack, child)) != NULL)
    title = gtk_stack_page_get_title (page);
  adw_window_title_set_title (self->window_title, title ? title : _("StorageBox"));
  adw_window_title_set_subtitle (self->window_title,
                                 self->session ? sb_session_get_username (self->session) : NULL);
  gtk_spinner_set_spinning (self->spinner, g_strcmp0 (name, "loading") == 0);
  update_actions (self);

  /* Put the keyboard where the work is on the page just shown. */
  if (child != NULL)
    gtk_widget_child_focus (child, GTK_DIR_TAB_FORWARD);
}

static void
selection_changed_cb (SbWindow *self)
{
  update_actions (self);
}

/* What the pages work with is handed to them, and taken back when the
 * window goes: they never reach for the window. */
static void
share_with_pages (SbWindow *self)
{
  GtkWidget *pages[] = {
    GTK_WIDGET (self->sign_up_page), GTK_WIDGET (self->log_in_page),
    GTK_WIDGET (self->profile_page), GTK_WIDGET (self->upload_page),
    GTK_WIDGET (self->edit_page),
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    g_object_set (pages[i], "accounts", self->accounts, "library", self->library,
                  "session", self->session, NULL);
}

/* Pages */

void
sb_window_show_page (SbWindow   *self,
                     const char *name)
{
  gboolean logged_in;

  g_return_if_fail (SB_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  logged_in = self->session != NULL;
  /* Pages that need an account fall back to Home, and the other way round. */
  if (!logged_in && (g_str_equal (name, "profile") || g_str_equal (name, "upload") ||
                     g_str_equal (name, "edit")))
    name = "home";
  else if (logged_in && (g_str_equal (name, "home") || g_str_equal (name, "sign-up") ||
                         g_str_equal (name, "log-in")))
    name = "profile";

  if (g_str_equal (name, "sign-up"))
    sb_form_page_reset (SB_FORM_PAGE (self->sign_up_page));
  else if (g_str_equal (name, "log-in"))
    sb_form_page_reset (SB_FORM_PAGE (self->log_in_page));
  gtk_stack_set_visible_child_name (self->stack, name);
}

const char *
sb_window_get_visible_page (SbWindow *self)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
sb_window_get_page (SbWindow   *self,
                    const char *name)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  return gtk_stack_get_child_by_name (self->stack, name);
}

/* Shows @text in a toast, in place of the one showing; NULL only hides it. */
void
sb_window_toast (SbWindow   *self,
                 const char *text)
{
  g_return_if_fail (SB_IS_WINDOW (self));

  if (self->toast != NULL)
    {
      adw_toast_dismiss (self->toast);
      g_clear_weak_pointer (&self->toast);
    }
  if (text == NULL)
    return;
  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
  g_set_weak_pointer (&self->toast, adw_toast_new (text));
  /* Errors are sentences; give people time to read them. */
  adw_toast_set_timeout (self->toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, self->toast);
}

const char *
sb_window_get_last_toast (SbWindow *self)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  return self->last_toast;
}

/* Session */

static void
remember_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sb_keyring_store_session_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_warning ("Could not keep the session in the keyring: %s", error->message);
      sb_window_toast (self, _("Your log-in could not be kept in the keyring; "
                               "you will have to log in again next time."));
    }
}

void
sb_window_logged_in (SbWindow  *self,
                     SbSession *session)
{
  g_return_if_fail (SB_IS_WINDOW (self));
  g_return_if_fail (SB_IS_SESSION (session));

  g_set_object (&self->session, session);
  share_with_pages (self);
  if (self->remember_session && sb_session_get_token (session) != NULL)
    sb_keyring_store_session_async (sb_session_get_username (session),
                                    sb_session_get_token (session), self->cancellable,
                                    remember_cb, g_object_ref (self));
  sb_profile_page_load (self->profile_page);
  sb_window_show_page (self, "profile");
}

static void
log_out_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The session is gone from this window whatever happened; a session the
   * store could not end expires on its own. */
  if (!sb_accounts_log_out_finish (SB_ACCOUNTS (object), result, &error))
    g_warning ("Could not end the session in the store: %s", error->message);
}

static void
forget_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sb_keyring_clear_session_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not remove the session from the keyring: %s", error->message);
}

void
sb_window_log_out (SbWindow *self)
{
  g_autoptr(SbSession) session = NULL;

  g_return_if_fail (SB_IS_WINDOW (self));

  if (self->session == NULL)
    return;
  session = g_steal_pointer (&self->session);
  share_with_pages (self);

  sb_upload_page_reset (self->upload_page);
  sb_edit_page_reset (self->edit_page);
  sb_profile_page_clear (self->profile_page);
  if (sb_session_get_token (session) != NULL)
    sb_accounts_log_out_async (self->accounts, sb_session_get_token (session), NULL, log_out_cb,
                               g_object_ref (self));
  if (self->remember_session)
    sb_keyring_clear_session_async (NULL, forget_cb, g_object_ref (self));
  sb_window_show_page (self, "home");
  sb_window_toast (self, _("You are logged out."));
}

static void
authenticate_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = sb_accounts_authenticate_finish (SB_ACCOUNTS (object), result,
                                                                  &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (session == NULL)
    {
      /* An expired or revoked session: forget it and start from Home. */
      g_debug ("Remembered session not accepted: %s", error->message);
      sb_keyring_clear_session_async (NULL, forget_cb, g_object_ref (self));
      sb_window_show_page (self, "home");
      return;
    }
  /* The store keeps only the token's hash; log-out needs the token itself. */
  if (sb_session_get_token (session) == NULL)
    sb_session_set_token (session, self->restored_token);
  g_set_object (&self->session, session);
  share_with_pages (self);
  sb_profile_page_load (self->profile_page);
  sb_window_show_page (self, "profile");
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = sb_keyring_lookup_session_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (token == NULL)
    {
      /* No keyring is not a reason to stop anyone from logging in. */
      if (error != NULL)
        g_debug ("No remembered session: %s", error->message);
      sb_window_show_page (self, "home");
      return;
    }
  g_free (self->restored_token);
  self->restored_token = g_strdup (token);
  sb_accounts_authenticate_async (self->accounts, token, self->cancellable, authenticate_cb,
                                  g_object_ref (self));
}

void
sb_window_start (SbWindow *self)
{
  g_return_if_fail (SB_IS_WINDOW (self));

  if (self->accounts == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  if (!self->remember_session)
    {
      sb_window_show_page (self, "home");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "loading");
  sb_keyring_lookup_session_async (self->cancellable, lookup_cb, g_object_ref (self));
}

void
sb_window_set_core (SbWindow   *self,
                    SbAccounts *accounts,
                    SbLibrary  *library)
{
  g_return_if_fail (SB_IS_WINDOW (self));
  g_return_if_fail (SB_IS_ACCOUNTS (accounts));
  g_return_if_fail (SB_IS_LIBRARY (library));

  g_set_object (&self->accounts, accounts);
  g_set_object (&self->library, library);
  share_with_pages (self);
}

void
sb_window_set_prices (SbWindow *self,
                      SbPrices *prices)
{
  g_return_if_fail (SB_IS_WINDOW (self));
  sb_profile_page_set_prices (self->profile_page, prices);
}

void
sb_window_set_store_error (SbWindow     *self,
                           const GError *error)
{
  g_autofree char *message = NULL;

  g_return_if_fail (SB_IS_WINDOW (self));

  message = sb_gui_error_message (error);
  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

/* Hand-offs */

void
sb_window_edit_file (SbWindow *self,
                     SbFile   *file,
                     gboolean  rename)
{
  g_return_if_fail (SB_IS_WINDOW (self));
  g_return_if_fail (SB_IS_FILE (file));

  sb_edit_page_set_file (self->edit_page, file, rename);
  sb_window_show_page (self, "edit");
}

/* Page signals */

static void
logged_in_cb (SbWindow  *self,
              SbSession *session)
{
  sb_window_logged_in (self, session);
}

static void
file_changed_cb (SbWindow   *self,
                 const char *old_name,
                 SbFile     *file)
{
  sb_profile_page_update_file (self->profile_page, old_name, file);
}

static void
file_activated_cb (SbWindow *self,
                   SbFile   *file)
{
  sb_window_edit_file (self, file, FALSE);
}

static void
upload_files_cb (SbWindow   *self,
                 GListModel *files)
{
  sb_window_show_page (self, "upload");
  sb_upload_page_add_files (self->upload_page, files);
}

/* Actions */

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  sb_window_show_page (SB_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  sb_window_toast (SB_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);

  if (is_page (self, "edit"))
    sb_edit_page_reset (self->edit_page);
  sb_window_show_page (self, self->session ? "profile" : "home");
}

static void
upload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  sb_window_show_page (SB_WINDOW (widget), "upload");
}

static void
file_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);
  SbFile *file = sb_profile_page_get_selected_file (self->profile_page);

  if (file == NULL)
    return;
  if (g_str_equal (action_name, "win.download"))
    sb_profile_page_download (self->profile_page);
  else if (g_str_equal (action_name, "win.delete"))
    sb_profile_page_delete (self->profile_page);
  else
    sb_window_edit_file (self, file, g_str_equal (action_name, "win.rename"));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);

  sb_window_show_page (self, "profile");
  sb_profile_page_focus_search (self->profile_page);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SbWindow *self = SB_WINDOW (widget);

  sb_profile_page_load (self->profile_page);
}

static void
log_out_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  sb_window_log_out (SB_WINDOW (widget));
}

/* Size */

static gboolean
sb_window_close_request (GtkWindow *window)
{
  SbWindow *self = SB_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (sb_window_parent_class)->close_request (window);
}

static void
sb_window_dispose (GObject *object)
{
  SbWindow *self = SB_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->toast);
  g_clear_object (&self->session);
  g_clear_object (&self->library);
  g_clear_object (&self->accounts);
  /* Pages kept alive by their own requests must not go on without us. */
  if (self->stack != NULL)
    share_with_pages (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (sb_window_parent_class)->dispose (object);
}

static void
sb_window_finalize (GObject *object)
{
  SbWindow *self = SB_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_free (self->last_toast);
  g_free (self->restored_token);
  G_OBJECT_CLASS (sb_window_parent_class)->finalize (object);
}

static void
sb_window_class_init (SbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sb_window_dispose;
  object_class->finalize = sb_window_finalize;
  window_class->close_request = sb_window_close_request;

  g_type_ensure (SB_TYPE_HOME_PAGE);
  g_type_ensure (SB_TYPE_SIGN_UP_PAGE);
  g_type_ensure (SB_TYPE_LOG_IN_PAGE);
  g_type_ensure (SB_TYPE_PROFILE_PAGE);
  g_type_ensure (SB_TYPE_UPLOAD_PAGE);
  g_type_ensure (SB_TYPE_EDIT_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               SB_RESOURCE_PATH "/sb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, upload_button);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, home_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, sign_up_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, log_in_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, profile_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, upload_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, edit_page);
  gtk_widget_class_bind_template_callback (widget_class, visible_page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, logged_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, file_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, upload_files_cb);
  gtk_widget_class_bind_template_callback (widget_class, file_changed_cb);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  /* How pages tell the user something. */
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.upload", NULL, upload_action);
  gtk_widget_class_install_action (widget_class, "win.download", NULL, file_action);
  gtk_widget_class_install_action (widget_class, "win.rename", NULL, file_action);
  gtk_widget_class_install_action (widget_class, "win.edit", NULL, file_action);
  gtk_widget_class_install_action (widget_class, "win.delete", NULL, file_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.log-out", NULL, log_out_action);

  /* Window-wide, so they work wherever the focus is; a focused text entry
   * still gets its own keys (Delete, Ctrl+A…) first. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_u, GDK_CONTROL_MASK,
                                       "win.upload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "win.download", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "win.rename", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "win.edit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "win.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.refresh", NULL);
}

static void
load_css_once (void)
{
  static gsize loaded = 0;

  /* Our few style rules and icons, once per process (the display outlives
   * windows). */
  if (g_once_init_enter (&loaded))
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (provider, SB_RESOURCE_PATH "/sb-style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      /* GtkApplication does this for its own resource path; tests and the
       * benchmark build windows without one. */
      gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                        SB_RESOURCE_PATH "/icons");
      g_once_init_leave (&loaded, 1);
    }
}

static void
sb_window_init (SbWindow *self)
{
  sb_gui_init ();
  gtk_widget_init_template (GTK_WIDGET (self));
  load_css_once ();

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APPLICATION_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  /* Starts on the spinner until the store is open. */
  visible_page_changed_cb (self);
}

SbWindow *
sb_window_new (GtkApplication *application,
               SbAccounts     *accounts,
               SbLibrary      *library,
               gboolean        remember_session)
{
  SbWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail ((accounts == NULL) == (library == NULL), NULL);

  self = g_object_new (SB_TYPE_WINDOW, "application", application, NULL);
  self->accounts = accounts ? g_object_ref (accounts) : NULL;
  self->library = library ? g_object_ref (library) : NULL;
  self->remember_session = remember_session;
  share_with_pages (self);
  return self;
}

SbAccounts *
sb_window_get_accounts (SbWindow *self)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  return self->accounts;
}

SbLibrary *
sb_window_get_library (SbWindow *self)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  return self->library;
}

SbSession *
sb_window_get_session (SbWindow *self)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  return self->session;
}

const char *
sb_window_get_username (SbWindow *self)
{
  g_return_val_if_fail (SB_IS_WINDOW (self), NULL);
  return self->session ? sb_session_get_username (self->session) : NULL;
}
