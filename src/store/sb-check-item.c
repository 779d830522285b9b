/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-check-item.h"

struct _SbCheckItem
{
  GObject        parent_instance;
  char          *name;
  SbCheckStatus  status;
  char          *message;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_STATUS,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (SbCheckStatus, sb_check_status,
                    G_DEFINE_ENUM_VALUE (SB_CHECK_OK, "ok"),
                    G_DEFINE_ENUM_VALUE (SB_CHECK_WARNING, "warning"),
                    G_DEFINE_ENUM_VALUE (SB_CHECK_MISSING, "missing"),
                    G_DEFINE_ENUM_VALUE (SB_CHECK_ERROR, "error"))

G_DEFINE_FINAL_TYPE (SbCheckItem, sb_check_item, G_TYPE_OBJECT)

static void
sb_check_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SbCheckItem *self = SB_CHECK_ITEM (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_check_item_finalize (GObject *object)
{
  SbCheckItem *self = SB_CHECK_ITEM (object);

  g_free (self->name);
  g_free (self->message);
  G_OBJECT_CLASS (sb_check_item_parent_class)->finalize (object);
}

static void
sb_check_item_class_init (SbCheckItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sb_check_item_get_property;
  object_class->finalize = sb_check_item_finalize;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, SB_TYPE_CHECK_STATUS, SB_CHECK_OK,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_check_item_init (SbCheckItem *self)
{
}

SbCheckItem *
sb_check_item_new (const char    *name,
                   SbCheckStatus  status,
                   const char    *message)
{
  SbCheckItem *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (SB_TYPE_CHECK_ITEM, NULL);
  self->name = g_strdup (name);
  self->status = status;
  self->message = g_strdup (message ? message : "");
  return self;
}

const char *
sb_check_item_get_name (SbCheckItem *self)
{
  g_return_val_if_fail (SB_IS_CHECK_ITEM (self), NULL);
  return self->name;
}

SbCheckStatus
sb_check_item_get_status (SbCheckItem *self)
{
  g_return_val_if_fail (SB_IS_CHECK_ITEM (self), SB_CHECK_ERROR);
  return self->status;
}

const char *
sb_check_item_get_message (SbCheckItem *self)
{
  g_return_val_if_fail (SB_IS_CHECK_ITEM (self), NULL);
  return self->message;
}
