/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-page.h"

G_BEGIN_DECLS

#define SB_TYPE_FORM_PAGE (sb_form_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (SbFormPage, sb_form_page, SB, FORM_PAGE, SbPage)

/* What Sign up and Log in share: a form of text fields whose submit button
 * sends them to the page's SbAccounts, a spinner and a read-only form while that runs,
 * the error in plain words when it fails, and the "logged-in" signal with the
 * new session when it succeeds (then the form is emptied). A subclass's
 * template must have a GtkLabel "error_label", a GtkButton "submit_button"
 * and a GtkSpinner "spinner", and may use the handlers "submit_cb" (send)
 * and "next_cb" (on to the next field). */
struct _SbFormPageClass
{
  SbPageClass parent_class;

  void        (*submit_async)  (SbFormPage          *self,
                                SbAccounts          *accounts,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
  SbSession  *(*submit_finish) (SbAccounts          *accounts,
                                GAsyncResult        *result,
                                GError             **error);
  /* Optional. After the error is shown: put the focus where the correction
   * goes. */
  void        (*failed)        (SbFormPage          *self,
                                const GError        *error);
};

/* For subclasses: class_init sets the template through this, init adds the
 * fields that reset empties and a running request makes read-only. */
void        sb_form_page_class_set_template_from_resource (GtkWidgetClass *widget_class,
                                                           const char     *resource_name);
void        sb_form_page_add_field    (SbFormPage  *self,
                                       GtkEditable *field);

void        sb_form_page_submit       (SbFormPage  *self);
/* TRUE while the request runs. */
gboolean    sb_form_page_get_busy     (SbFormPage  *self);
/* Cancels the request and empties the form. */
void        sb_form_page_reset        (SbFormPage  *self);

G_END_DECLS
