/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-gui-util.h"
#include "sb-log-in-page.h"

struct _SbLogInPage
{
  SbFormPage   parent_instance;

  AdwEntryRow *username_row;
  AdwEntryRow *password_row;
};

G_DEFINE_FINAL_TYPE (SbLogInPage, sb_log_in_page, SB_TYPE_FORM_PAGE)

static void
sb_log_in_page_submit_async (SbFormPage          *page,
                             SbAccounts          *accounts,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  SbLogInPage *self = SB_LOG_IN_PAGE (page);

  /* A desktop log-in has no network address; throttling then counts
   * attempts per username only. */
  sb_accounts_log_in_async (accounts, gtk_editable_get_text (GTK_EDITABLE (self->username_row)),
                            gtk_editable_get_text (GTK_EDITABLE (self->password_row)), NULL,
                            cancellable, callback, user_data);
}

static void
sb_log_in_page_failed (SbFormPage   *page,
                       const GError *error)
{
  SbLogInPage *self = SB_LOG_IN_PAGE (page);

  /* After a wrong password, the password is what to type again. */
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
sb_log_in_page_class_init (SbLogInPageClass *klass)
{
  SbFormPageClass *form_class = SB_FORM_PAGE_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  form_class->submit_async = sb_log_in_page_submit_async;
  form_class->submit_finish = sb_accounts_log_in_finish;
  form_class->failed = sb_log_in_page_failed;

  sb_form_page_class_set_template_from_resource (widget_class,
                                                 SB_RESOURCE_PATH "/sb-log-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SbLogInPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, SbLogInPage, password_row);
}

static void
sb_log_in_page_init (SbLogInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sb_form_page_add_field (SB_FORM_PAGE (self), GTK_EDITABLE (self->username_row));
  sb_form_page_add_field (SB_FORM_PAGE (self), GTK_EDITABLE (self->password_row));
}
