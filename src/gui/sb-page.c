/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-page.h"

typedef struct
{
  SbAccounts *accounts;
  SbLibrary  *library;
  SbSession  *session;
} SbPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SbPage, sb_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ACCOUNTS,
  PROP_LIBRARY,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

SbAccounts *
sb_page_get_accounts (SbPage *self)
{
  SbPagePrivate *priv;

  g_return_val_if_fail (SB_IS_PAGE (self), NULL);

  priv = sb_page_get_instance_private (self);
  return priv->accounts;
}

SbLibrary *
sb_page_get_library (SbPage *self)
{
  SbPagePrivate *priv;

  g_return_val_if_fail (SB_IS_PAGE (self), NULL);

  priv = sb_page_get_instance_private (self);
  return priv->library;
}

SbSession *
sb_page_get_session (SbPage *self)
{
  SbPagePrivate *priv;

  g_return_val_if_fail (SB_IS_PAGE (self), NULL);

  priv = sb_page_get_instance_private (self);
  return priv->session;
}

const char *
sb_page_get_username (SbPage *self)
{
  SbSession *session = sb_page_get_session (self);

  return session ? sb_session_get_username (session) : NULL;
}

void
sb_page_toast (SbPage     *self,
               const char *text)
{
  g_return_if_fail (SB_IS_PAGE (self));
  g_return_if_fail (text != NULL);

  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

static void
sb_page_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  SbPagePrivate *priv = sb_page_get_instance_private (SB_PAGE (object));

  switch (prop_id)
    {
    case PROP_ACCOUNTS:
      g_value_set_object (value, priv->accounts);
      break;
    case PROP_LIBRARY:
      g_value_set_object (value, priv->library);
      break;
    case PROP_SESSION:
      g_value_set_object (value, priv->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_page_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  SbPagePrivate *priv = sb_page_get_instance_private (SB_PAGE (object));
  gboolean changed;

  switch (prop_id)
    {
    case PROP_ACCOUNTS:
      changed = g_set_object (&priv->accounts, g_value_get_object (value));
      break;
    case PROP_LIBRARY:
      changed = g_set_object (&priv->library, g_value_get_object (value));
      break;
    case PROP_SESSION:
      changed = g_set_object (&priv->session, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (changed)
    g_object_notify_by_pspec (object, pspec);
}

static void
sb_page_dispose (GObject *object)
{
  SbPagePrivate *priv = sb_page_get_instance_private (SB_PAGE (object));

  g_clear_object (&priv->session);
  g_clear_object (&priv->library);
  g_clear_object (&priv->accounts);
  G_OBJECT_CLASS (sb_page_parent_class)->dispose (object);
}

static void
sb_page_class_init (SbPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sb_page_get_property;
  object_class->set_property = sb_page_set_property;
  object_class->dispose = sb_page_dispose;

  properties[PROP_ACCOUNTS] =
    g_param_spec_object ("accounts", NULL, NULL, SB_TYPE_ACCOUNTS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, SB_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, SB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_page_init (SbPage *self)
{
}
