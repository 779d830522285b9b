/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-gui-util.h"
#include "sb-transfer-row.h"

struct _SbTransferRow
{
  GtkListBoxRow    parent_instance;

  GtkImage        *icon;
  GtkLabel        *title_label;
  GtkProgressBar  *progress_bar;
  GtkLabel        *status_label;
  GtkButton       *button;

  char            *title;
  GCancellable    *cancellable;
  SbTransferState  state;
  gint64           last_update;
};

G_DEFINE_FINAL_TYPE (SbTransferRow, sb_transfer_row, GTK_TYPE_LIST_BOX_ROW)

/* Progress arrives every 256 KiB; redrawing more than ~20 times a second
 * would only cost CPU that the transfer could use. */
#define PROGRESS_INTERVAL (G_USEC_PER_SEC / 20)

static void
update_accessible_label (SbTransferRow *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  gtk_label_get_text (self->status_label),
                                  -1);
}

void
sb_transfer_row_cancel (SbTransferRow *self)
{
  g_return_if_fail (SB_IS_TRANSFER_ROW (self));

  if (self->state == SB_TRANSFER_RUNNING)
    {
      gtk_label_set_text (self->status_label, _("Cancelling…"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->button), FALSE);
      g_cancellable_cancel (self->cancellable);
    }
}

static void
button_clicked_cb (SbTransferRow *self)
{
  GtkWidget *parent;

  if (self->state == SB_TRANSFER_RUNNING)
    {
      sb_transfer_row_cancel (self);
      return;
    }
  /* Over: the button now clears the row away. */
  parent = gtk_widget_get_parent (GTK_WIDGET (self));
  if (GTK_IS_LIST_BOX (parent))
    gtk_list_box_remove (GTK_LIST_BOX (parent), GTK_WIDGET (self));
}

static void
sb_transfer_row_dispose (GObject *object)
{
  SbTransferRow *self = SB_TRANSFER_ROW (object);

  /* A row that goes away takes its transfer with it. */
  if (self->state == SB_TRANSFER_RUNNING)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_TRANSFER_ROW);
  G_OBJECT_CLASS (sb_transfer_row_parent_class)->dispose (object);
}

static void
sb_transfer_row_finalize (GObject *object)
{
  SbTransferRow *self = SB_TRANSFER_ROW (object);

  g_clear_object (&self->cancellable);
  g_free (self->title);
  G_OBJECT_CLASS (sb_transfer_row_parent_class)->finalize (object);
}

static void
sb_transfer_row_class_init (SbTransferRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_transfer_row_dispose;
  object_class->finalize = sb_transfer_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               SB_RESOURCE_PATH "/sb-transfer-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SbTransferRow, icon);
  gtk_widget_class_bind_template_child (widget_class, SbTransferRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, SbTransferRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SbTransferRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, SbTransferRow, button);
  gtk_widget_class_bind_template_callback (widget_class, button_clicked_cb);
}

static void
sb_transfer_row_init (SbTransferRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->state = SB_TRANSFER_RUNNING;
  gtk_label_set_text (self->status_label, _("Waiting…"));
}

SbTransferRow *
sb_transfer_row_new (const char *title)
{
  SbTransferRow *self = g_object_new (SB_TYPE_TRANSFER_ROW, NULL);

  self->title = g_strdup (title);
  gtk_label_set_text (self->title_label, title);
  /* Translators: tooltip of the button that stops one upload or download. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), _("Cancel"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cancel"), -1);
  update_accessible_label (self);
  return self;
}

const char *
sb_transfer_row_get_title (SbTransferRow *self)
{
  g_return_val_if_fail (SB_IS_TRANSFER_ROW (self), NULL);
  return self->title;
}

GCancellable *
sb_transfer_row_get_cancellable (SbTransferRow *self)
{
  g_return_val_if_fail (SB_IS_TRANSFER_ROW (self), NULL);
  return self->cancellable;
}

SbTransferState
sb_transfer_row_get_state (SbTransferRow *self)
{
  g_return_val_if_fail (SB_IS_TRANSFER_ROW (self), SB_TRANSFER_FAILED);
  return self->state;
}

const char *
sb_transfer_row_get_status (SbTransferRow *self)
{
  g_return_val_if_fail (SB_IS_TRANSFER_ROW (self), NULL);
  return gtk_label_get_text (self->status_label);
}

double
sb_transfer_row_get_fraction (SbTransferRow *self)
{
  g_return_val_if_fail (SB_IS_TRANSFER_ROW (self), 0.0);
  return gtk_progress_bar_get_fraction (self->progress_bar);
}

void
sb_transfer_row_set_progress (SbTransferRow *self,
                              guint64        done,
                              gint64         total)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *done_text = NULL;
  g_autofree char *status = NULL;

  g_return_if_fail (SB_IS_TRANSFER_ROW (self));

  if (self->state != SB_TRANSFER_RUNNING || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (now - self->last_update < PROGRESS_INTERVAL && (total <= 0 || (gint64) done < total))
    return;
  self->last_update = now;

  done_text = sb_gui_format_size (done);
  if (total > 0)
    {
      g_autofree char *total_text = sb_gui_format_size ((guint64) total);

      gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) done / (double) total));
      /* Translators: progress of a transfer, e.g. “3.1 MB of 10.0 MB”. */
      status = g_strdup_printf (_("%s of %s"), done_text, total_text);
    }
  else
    {
      gtk_progress_bar_pulse (self->progress_bar);
      status = g_strdup (done_text);
    }
  gtk_label_set_text (self->status_label, status);
}

void
sb_transfer_row_finish (SbTransferRow   *self,
                        SbTransferState  state,
                        const char      *status)
{
  g_return_if_fail (SB_IS_TRANSFER_ROW (self));
  g_return_if_fail (state != SB_TRANSFER_RUNNING);

  self->state = state;
  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_sensitive (GTK_WIDGET (self->button), TRUE);
  gtk_button_set_icon_name (self->button, "window-close-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), _("Remove from the list"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove from the list"), -1);

  switch (state)
    {
    case SB_TRANSFER_DONE:
      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      gtk_image_set_from_icon_name (self->icon, "emblem-ok-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->icon), "success");
      break;
    case SB_TRANSFER_FAILED:
      /* The reason says it all; a bar stopped half way would only confuse. */
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
      gtk_image_set_from_icon_name (self->icon, "dialog-error-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->icon), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
      break;
    case SB_TRANSFER_CANCELLED:
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
      gtk_image_set_from_icon_name (self->icon, "process-stop-symbolic");
      break;
    case SB_TRANSFER_RUNNING:
    default:
      g_assert_not_reached ();
    }
  update_accessible_label (self);
}
