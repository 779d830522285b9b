/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-gui-util.h"
#include "sb-home-page.h"

struct _SbHomePage
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (SbHomePage, sb_home_page, ADW_TYPE_BIN)

static void
sb_home_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SB_TYPE_HOME_PAGE);
  G_OBJECT_CLASS (sb_home_page_parent_class)->dispose (object);
}

static void
sb_home_page_class_init (SbHomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_home_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               SB_RESOURCE_PATH "/sb-home-page.ui");
}

static void
sb_home_page_init (SbHomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
