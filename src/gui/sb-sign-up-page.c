/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-error.h"
#include "sb-gui-util.h"
#include "sb-sign-up-page.h"

struct _SbSignUpPage
{
  SbFormPage   parent_instance;

  AdwEntryRow *email_row;
  AdwEntryRow *username_row;
  AdwEntryRow *password_row;
};

G_DEFINE_FINAL_TYPE (SbSignUpPage, sb_sign_up_page, SB_TYPE_FORM_PAGE)

static void
sb_sign_up_page_submit_async (SbFormPage          *page,
                              SbAccounts          *accounts,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  SbSignUpPage *self = SB_SIGN_UP_PAGE (page);

  /* Core validates every field and says what is wrong in plain words. */
  sb_accounts_sign_up_async (accounts, gtk_editable_get_text (GTK_EDITABLE (self->username_row)),
                             gtk_editable_get_text (GTK_EDITABLE (self->email_row)),
                             gtk_editable_get_text (GTK_EDITABLE (self->password_row)), NULL,
                             cancellable, callback, user_data);
}

static void
sb_sign_up_page_failed (SbFormPage   *page,
                        const GError *error)
{
  SbSignUpPage *self = SB_SIGN_UP_PAGE (page);

  gtk_widget_grab_focus (GTK_WIDGET (g_error_matches (error, SB_ERROR, SB_ERROR_EXISTS)
                                     ? self->username_row : self->email_row));
}

static void
sb_sign_up_page_class_init (SbSignUpPageClass *klass)
{
  SbFormPageClass *form_class = SB_FORM_PAGE_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  form_class->submit_async = sb_sign_up_page_submit_async;
  form_class->submit_finish = sb_accounts_sign_up_finish;
  form_class->failed = sb_sign_up_page_failed;

  sb_form_page_class_set_template_from_resource (widget_class,
                                                 SB_RESOURCE_PATH "/sb-sign-up-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SbSignUpPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, SbSignUpPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, SbSignUpPage, password_row);
}

static void
sb_sign_up_page_init (SbSignUpPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sb_form_page_add_field (SB_FORM_PAGE (self), GTK_EDITABLE (self->email_row));
  sb_form_page_add_field (SB_FORM_PAGE (self), GTK_EDITABLE (self->username_row));
  sb_form_page_add_field (SB_FORM_PAGE (self), GTK_EDITABLE (self->password_row));
}
