/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-file.h"

struct _SbFile
{
  GObject  parent_instance;
  char    *owner;
  char    *name;
  char    *object_key;
  char    *content_type;
  char    *checksum;
  char    *description;
  char    *partner;
  char    *storage_class;
  guint64  size;
  gint64   created_at;
  gint64   modified_at;
  gint64   version;
  gint64   restore_requested_at;
  gint64   restored_until;
  gboolean restore_in_progress;
};

G_DEFINE_FINAL_TYPE (SbFile, sb_file, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OWNER,
  PROP_NAME,
  PROP_OBJECT_KEY,
  PROP_SIZE,
  PROP_CONTENT_TYPE,
  PROP_CHECKSUM,
  PROP_DESCRIPTION,
  PROP_CREATED_AT,
  PROP_MODIFIED_AT,
  PROP_VERSION,
  PROP_PARTNER,
  PROP_STORAGE_CLASS,
  PROP_RESTORE_REQUESTED_AT,
  PROP_RESTORE_IN_PROGRESS,
  PROP_RESTORED_UNTIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sb_file_finalize (GObject *object)
{
  SbFile *self = SB_FILE (object);

  g_free (self->owner);
  g_free (self->name);
  g_free (self->object_key);
  g_free (self->content_type);
  g_free (self->checksum);
  g_free (self->description);
  g_free (self->partner);
  g_free (self->storage_class);

  G_OBJECT_CLASS (sb_file_parent_class)->finalize (object);
}

static void
sb_file_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  SbFile *self = SB_FILE (object);

  switch (prop_id)
    {
    case PROP_OWNER: g_value_set_string (value, self->owner); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_OBJECT_KEY: g_value_set_string (value, self->object_key); break;
    case PROP_SIZE: g_value_set_uint64 (value, self->size); break;
    case PROP_CONTENT_TYPE: g_value_set_string (value, self->content_type); break;
    case PROP_CHECKSUM: g_value_set_string (value, self->checksum); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case PROP_CREATED_AT: g_value_set_int64 (value, self->created_at); break;
    case PROP_MODIFIED_AT: g_value_set_int64 (value, self->modified_at); break;
    case PROP_VERSION: g_value_set_int64 (value, self->version); break;
    case PROP_PARTNER: g_value_set_string (value, self->partner); break;
    case PROP_STORAGE_CLASS: g_value_set_string (value, self->storage_class); break;
    case PROP_RESTORE_REQUESTED_AT: g_value_set_int64 (value, self->restore_requested_at); break;
    case PROP_RESTORE_IN_PROGRESS: g_value_set_boolean (value, self->restore_in_progress); break;
    case PROP_RESTORED_UNTIL: g_value_set_int64 (value, self->restored_until); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_file_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  SbFile *self = SB_FILE (object);

  switch (prop_id)
    {
    case PROP_OWNER:
      g_free (self->owner);
      self->owner = g_value_dup_string (value);
      break;
    case PROP_NAME: sb_file_set_name (self, g_value_get_string (value)); break;
    case PROP_OBJECT_KEY: sb_file_set_object_key (self, g_value_get_string (value)); break;
    case PROP_SIZE: sb_file_set_size (self, g_value_get_uint64 (value)); break;
    case PROP_CONTENT_TYPE: sb_file_set_content_type (self, g_value_get_string (value)); break;
    case PROP_CHECKSUM: sb_file_set_checksum (self, g_value_get_string (value)); break;
    case PROP_DESCRIPTION: sb_file_set_description (self, g_value_get_string (value)); break;
    case PROP_CREATED_AT: sb_file_set_created_at (self, g_value_get_int64 (value)); break;
    case PROP_MODIFIED_AT: sb_file_set_modified_at (self, g_value_get_int64 (value)); break;
    case PROP_VERSION: sb_file_set_version (self, g_value_get_int64 (value)); break;
    case PROP_PARTNER: sb_file_set_partner (self, g_value_get_string (value)); break;
    case PROP_STORAGE_CLASS:
      sb_file_set_storage_class (self, g_value_get_string (value));
      break;
    case PROP_RESTORE_REQUESTED_AT:
      sb_file_set_restore_requested_at (self, g_value_get_int64 (value));
      break;
    case PROP_RESTORE_IN_PROGRESS:
      sb_file_set_restore_in_progress (self, g_value_get_boolean (value));
      break;
    case PROP_RESTORED_UNTIL:
      sb_file_set_restored_until (self, g_value_get_int64 (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_file_class_init (SbFileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = sb_file_finalize;
  object_class->get_property = sb_file_get_property;
  object_class->set_property = sb_file_set_property;

  properties[PROP_OWNER] =
    g_param_spec_string ("owner", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_OBJECT_KEY] = g_param_spec_string ("object-key", NULL, NULL, NULL, rw);
  properties[PROP_SIZE] = g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, rw);
  properties[PROP_CONTENT_TYPE] = g_param_spec_string ("content-type", NULL, NULL, NULL, rw);
  properties[PROP_CHECKSUM] = g_param_spec_string ("checksum", NULL, NULL, NULL, rw);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, rw);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, G_MININT64, G_MAXINT64, 0, rw);
  properties[PROP_MODIFIED_AT] =
    g_param_spec_int64 ("modified-at", NULL, NULL, G_MININT64, G_MAXINT64, 0, rw);
  properties[PROP_VERSION] = g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_PARTNER] = g_param_spec_string ("partner", NULL, NULL, NULL, rw);
  properties[PROP_STORAGE_CLASS] =
    g_param_spec_string ("storage-class", NULL, NULL, SB_FILE_STORAGE_CLASS_DEFAULT, rw);
  properties[PROP_RESTORE_REQUESTED_AT] =
    g_param_spec_int64 ("restore-requested-at", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_RESTORE_IN_PROGRESS] =
    g_param_spec_boolean ("restore-in-progress", NULL, NULL, FALSE, rw);
  properties[PROP_RESTORED_UNTIL] =
    g_param_spec_int64 ("restored-until", NULL, NULL, 0, G_MAXINT64, 0, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_file_init (SbFile *self)
{
  self->storage_class = g_strdup (SB_FILE_STORAGE_CLASS_DEFAULT);
}

SbFile *
sb_file_new (const char *owner,
             const char *name)
{
  g_return_val_if_fail (owner != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (SB_TYPE_FILE, "owner", owner, "name", name, NULL);
}

SbFile *
sb_file_copy (SbFile *self)
{
  SbFile *copy;

  g_return_val_if_fail (SB_IS_FILE (self), NULL);

  copy = sb_file_new (self->owner, self->name);
  copy->object_key = g_strdup (self->object_key);
  copy->content_type = g_strdup (self->content_type);
  copy->checksum = g_strdup (self->checksum);
  copy->description = g_strdup (self->description);
  copy->partner = g_strdup (self->partner);
  g_free (copy->storage_class);
  copy->storage_class = g_strdup (self->storage_class);
  copy->size = self->size;
  copy->created_at = self->created_at;
  copy->modified_at = self->modified_at;
  copy->version = self->version;
  copy->restore_requested_at = self->restore_requested_at;
  copy->restore_in_progress = self->restore_in_progress;
  copy->restored_until = self->restored_until;
  return copy;
}

const char *
sb_file_get_owner (SbFile *self)
{
  g_return_val_if_fail (SB_IS_FILE (self), NULL);
  return self->owner;
}

static void
set_string (SbFile      *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

#define DEFINE_STRING(field, PROP)                                       \
  const char *                                                           \
  sb_file_get_##field (SbFile *self)                                     \
  {                                                                      \
    g_return_val_if_fail (SB_IS_FILE (self), NULL);                      \
    return self->field ? self->field : "";                               \
  }                                                                      \
  void                                                                   \
  sb_file_set_##field (SbFile *self, const char *value)                  \
  {                                                                      \
    g_return_if_fail (SB_IS_FILE (self));                                \
    set_string (self, &self->field, value, PROP);                        \
  }

#define DEFINE_NUMBER(type, field, PROP)                                 \
  type                                                                   \
  sb_file_get_##field (SbFile *self)                                     \
  {                                                                      \
    g_return_val_if_fail (SB_IS_FILE (self), 0);                         \
    return self->field;                                                  \
  }                                                                      \
  void                                                                   \
  sb_file_set_##field (SbFile *self, type value)                         \
  {                                                                      \
    g_return_if_fail (SB_IS_FILE (self));                                \
    if (self->field == value)                                            \
      return;                                                            \
    self->field = value;                                                 \
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);        \
  }

DEFINE_STRING (name, PROP_NAME)
DEFINE_STRING (object_key, PROP_OBJECT_KEY)
DEFINE_STRING (content_type, PROP_CONTENT_TYPE)
DEFINE_STRING (checksum, PROP_CHECKSUM)
DEFINE_STRING (description, PROP_DESCRIPTION)
DEFINE_STRING (partner, PROP_PARTNER)
DEFINE_NUMBER (guint64, size, PROP_SIZE)
DEFINE_NUMBER (gint64, created_at, PROP_CREATED_AT)
DEFINE_NUMBER (gint64, modified_at, PROP_MODIFIED_AT)
DEFINE_NUMBER (gint64, version, PROP_VERSION)
DEFINE_NUMBER (gint64, restore_requested_at, PROP_RESTORE_REQUESTED_AT)
DEFINE_NUMBER (gboolean, restore_in_progress, PROP_RESTORE_IN_PROGRESS)
DEFINE_NUMBER (gint64, restored_until, PROP_RESTORED_UNTIL)

const char *
sb_file_get_storage_class (SbFile *self)
{
  g_return_val_if_fail (SB_IS_FILE (self), NULL);
  return self->storage_class;
}

/* NULL or "" is STANDARD: what S3 means when it names no class. */
void
sb_file_set_storage_class (SbFile     *self,
                           const char *storage_class)
{
  g_return_if_fail (SB_IS_FILE (self));
  if (storage_class == NULL || *storage_class == '\0')
    storage_class = SB_FILE_STORAGE_CLASS_DEFAULT;
  set_string (self, &self->storage_class, storage_class, PROP_STORAGE_CLASS);
}
