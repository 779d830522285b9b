/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-form-page.h"
#include "sb-gui-util.h"

typedef struct
{
  /* Template children of the subclass, bound by
   * sb_form_page_class_set_template_from_resource(). */
  GtkLabel     *error_label;
  GtkWidget    *submit_button;
  GtkSpinner   *spinner;

  /* Not referenced: they belong to the template. */
  GPtrArray    *fields;
  GCancellable *cancellable;
} SbFormPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SbFormPage, sb_form_page, SB_TYPE_PAGE)

enum {
  LOGGED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_busy (SbFormPage *self,
          gboolean    busy)
{
  SbFormPagePrivate *priv = sb_form_page_get_instance_private (self);

  /* Read-only rather than insensitive: GTK 4.8 loses track of the focus
   * when a focused entry turns insensitive (GTK issue 5845). */
  for (guint i = 0; i < priv->fields->len; i++)
    gtk_editable_set_editable (g_ptr_array_index (priv->fields, i), !busy);
  gtk_widget_set_sensitive (priv->submit_button, !busy);
  gtk_widget_set_visible (GTK_WIDGET (priv->spinner), busy);
  gtk_spinner_set_spinning (priv->spinner, busy);
}

static void
show_error (SbFormPage *self,
            const char *message)
{
  SbFormPagePrivate *priv = sb_form_page_get_instance_private (self);

  gtk_label_set_text (priv->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (priv->error_label), message != NULL);
}

void
sb_form_page_reset (SbFormPage *self)
{
  SbFormPagePrivate *priv;

  g_return_if_fail (SB_IS_FORM_PAGE (self));

  priv = sb_form_page_get_instance_private (self);
  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  for (guint i = 0; i < priv->fields->len; i++)
    gtk_editable_set_text (g_ptr_array_index (priv->fields, i), "");
  show_error (self, NULL);
  set_busy (self, FALSE);
}

gboolean
sb_form_page_get_busy (SbFormPage *self)
{
  SbFormPagePrivate *priv;

  g_return_val_if_fail (SB_IS_FORM_PAGE (self), FALSE);

  priv = sb_form_page_get_instance_private (self);
  return priv->cancellable != NULL;
}

static void
submitted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SbFormPage) self = user_data;
  SbFormPagePrivate *priv = sb_form_page_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = NULL;

  session = SB_FORM_PAGE_GET_CLASS (self)->submit_finish (SB_ACCOUNTS (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&priv->cancellable);
  set_busy (self, FALSE);
  if (session == NULL)
    {
      g_autofree char *message = sb_gui_error_message (error);

      show_error (self, message);
      if (SB_FORM_PAGE_GET_CLASS (self)->failed != NULL)
        SB_FORM_PAGE_GET_CLASS (self)->failed (self, error);
      return;
    }
  g_signal_emit (self, signals[LOGGED_IN], 0, session);
  /* The password should not stay in a hidden widget. */
  sb_form_page_reset (self);
}

void
sb_form_page_submit (SbFormPage *self)
{
  SbFormPagePrivate *priv;
  SbAccounts *accounts;

  g_return_if_fail (SB_IS_FORM_PAGE (self));

  priv = sb_form_page_get_instance_private (self);
  accounts = sb_page_get_accounts (SB_PAGE (self));
  if (priv->cancellable != NULL || accounts == NULL)
    return;

  show_error (self, NULL);
  set_busy (self, TRUE);
  priv->cancellable = g_cancellable_new ();
  SB_FORM_PAGE_GET_CLASS (self)->submit_async (self, accounts, priv->cancellable, submitted_cb,
                                               g_object_ref (self));
}

void
sb_form_page_add_field (SbFormPage  *self,
                        GtkEditable *field)
{
  SbFormPagePrivate *priv;

  g_return_if_fail (SB_IS_FORM_PAGE (self));
  g_return_if_fail (GTK_IS_EDITABLE (field));

  priv = sb_form_page_get_instance_private (self);
  g_ptr_array_add (priv->fields, field);
}

static void
submit_cb (SbFormPage *self)
{
  sb_form_page_submit (self);
}

static void
next_cb (SbFormPage *self)
{
  gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

void
sb_form_page_class_set_template_from_resource (GtkWidgetClass *widget_class,
                                               const char     *resource_name)
{
  g_return_if_fail (g_type_is_a (G_TYPE_FROM_CLASS (widget_class), SB_TYPE_FORM_PAGE));

  gtk_widget_class_set_template_from_resource (widget_class, resource_name);
  /* Private data sits at the same offset in every subclass's instance. */
  gtk_widget_class_bind_template_child_full (widget_class, "error_label", FALSE,
                                             G_PRIVATE_OFFSET (SbFormPage, error_label));
  gtk_widget_class_bind_template_child_full (widget_class, "submit_button", FALSE,
                                             G_PRIVATE_OFFSET (SbFormPage, submit_button));
  gtk_widget_class_bind_template_child_full (widget_class, "spinner", FALSE,
                                             G_PRIVATE_OFFSET (SbFormPage, spinner));
  gtk_widget_class_bind_template_callback (widget_class, submit_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_cb);
}

static void
sb_form_page_dispose (GObject *object)
{
  SbFormPage *self = SB_FORM_PAGE (object);
  SbFormPagePrivate *priv = sb_form_page_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  g_ptr_array_set_size (priv->fields, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), G_OBJECT_TYPE (self));
  G_OBJECT_CLASS (sb_form_page_parent_class)->dispose (object);
}

static void
sb_form_page_finalize (GObject *object)
{
  SbFormPage *self = SB_FORM_PAGE (object);
  SbFormPagePrivate *priv = sb_form_page_get_instance_private (self);

  g_ptr_array_unref (priv->fields);
  G_OBJECT_CLASS (sb_form_page_parent_class)->finalize (object);
}

static void
sb_form_page_class_init (SbFormPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_form_page_dispose;
  object_class->finalize = sb_form_page_finalize;

  /**
   * SbFormPage::logged-in:
   * @session: the new session
   *
   * The form was accepted: whoever shows the page takes the session on.
   */
  signals[LOGGED_IN] =
    g_signal_new ("logged-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, SB_TYPE_SESSION);
}

static void
sb_form_page_init (SbFormPage *self)
{
  SbFormPagePrivate *priv = sb_form_page_get_instance_private (self);

  priv->fields = g_ptr_array_new ();
}
