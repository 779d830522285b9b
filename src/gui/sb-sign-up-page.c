/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-error.h"
#include "sb-gui-util.h"
#include "sb-sign-up-page.h"
#include "sb-window.h"

struct _SbSignUpPage
{
  AdwBin        parent_instance;

  AdwEntryRow  *email_row;
  AdwEntryRow  *username_row;
  AdwEntryRow  *password_row;
  GtkLabel     *error_label;
  GtkButton    *submit_button;
  GtkSpinner   *spinner;

  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (SbSignUpPage, sb_sign_up_page, ADW_TYPE_BIN)

static void
set_busy (SbSignUpPage *self,
          gboolean      busy)
{
  /* Read-only rather than insensitive: GTK 4.8 loses track of the focus
   * when a focused entry turns insensitive (GTK issue 5845). */
  gtk_editable_set_editable (GTK_EDITABLE (self->email_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->username_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static void
show_error (SbSignUpPage *self,
            const char   *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

void
sb_sign_up_page_reset (SbSignUpPage *self)
{
  g_return_if_fail (SB_IS_SIGN_UP_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_editable_set_text (GTK_EDITABLE (self->email_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  show_error (self, NULL);
  set_busy (self, FALSE);
}

gboolean
sb_sign_up_page_get_busy (SbSignUpPage *self)
{
  g_return_val_if_fail (SB_IS_SIGN_UP_PAGE (self), FALSE);
  return self->cancellable != NULL;
}

static void
sign_up_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SbSignUpPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = sb_accounts_sign_up_finish (SB_ACCOUNTS (object), result, &error);
  GtkRoot *root;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (session == NULL)
    {
      g_autofree char *message = sb_gui_error_message (error);

      show_error (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (g_error_matches (error, SB_ERROR, SB_ERROR_EXISTS)
                                         ? self->username_row : self->email_row));
      return;
    }
  if (SB_IS_WINDOW (root))
    {
      sb_window_logged_in (SB_WINDOW (root), session);
      /* The password should not stay in a hidden widget. */
      sb_sign_up_page_reset (self);
    }
}

void
sb_sign_up_page_submit (SbSignUpPage *self)
{
  GtkRoot *root;

  g_return_if_fail (SB_IS_SIGN_UP_PAGE (self));

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (self->cancellable != NULL || !SB_IS_WINDOW (root) ||
      sb_window_get_accounts (SB_WINDOW (root)) == NULL)
    return;

  show_error (self, NULL);
  set_busy (self, TRUE);
  self->cancellable = g_cancellable_new ();
  /* Core validates every field and says what is wrong in plain words. */
  sb_accounts_sign_up_async (sb_window_get_accounts (SB_WINDOW (root)),
                             gtk_editable_get_text (GTK_EDITABLE (self->username_row)),
                             gtk_editable_get_text (GTK_EDITABLE (self->email_row)),
                             gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                             NULL, self->cancellable, sign_up_cb, g_object_ref (self));
}

static void
submit_cb (SbSignUpPage *self)
{
  sb_sign_up_page_submit (self);
}

static void
next_cb (SbSignUpPage *self)
{
  gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

static void
sb_sign_up_page_dispose (GObject *object)
{
  SbSignUpPage *self = SB_SIGN_UP_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_SIGN_UP_PAGE);
  G_OBJECT_CLASS (sb_sign_up_page_parent_class)->dispose (object);
}

static void
sb_sign_up_page_class_init (SbSignUpPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_sign_up_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               SB_RESOURCE_PATH "/sb-sign-up-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SbSignUpPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, SbSignUpPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, SbSignUpPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, SbSignUpPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, SbSignUpPage, submit_button);
  gtk_widget_class_bind_template_child (widget_class, SbSignUpPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, submit_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_cb);
}

static void
sb_sign_up_page_init (SbSignUpPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
