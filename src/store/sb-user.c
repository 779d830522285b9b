/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-user.h"

struct _SbUser
{
  GObject  parent_instance;
  char    *username;
  char    *email;
  char    *password_hash;
  char    *role;
  gint64   created_at;
  gint64   updated_at;
};

G_DEFINE_FINAL_TYPE (SbUser, sb_user, G_TYPE_OBJECT)

static void
sb_user_finalize (GObject *object)
{
  SbUser *self = SB_USER (object);

  g_free (self->username);
  g_free (self->email);
  /* The hash is a secret too: do not leave it lying in freed memory. */
  if (self->password_hash)
    memset (self->password_hash, 0, strlen (self->password_hash));
  g_free (self->password_hash);
  g_free (self->role);

  G_OBJECT_CLASS (sb_user_parent_class)->finalize (object);
}

static void
sb_user_class_init (SbUserClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_user_finalize;
}

static void
sb_user_init (SbUser *self)
{
}

SbUser *
sb_user_new (const char *username,
             const char *email,
             const char *password_hash,
             const char *role,
             gint64      created_at,
             gint64      updated_at)
{
  SbUser *self;

  g_return_val_if_fail (username != NULL, NULL);

  self = g_object_new (SB_TYPE_USER, NULL);
  self->username = g_strdup (username);
  self->email = g_strdup (email ? email : "");
  self->password_hash = g_strdup (password_hash ? password_hash : "");
  self->role = g_strdup (role ? role : "user");
  self->created_at = created_at;
  self->updated_at = updated_at;
  return self;
}

SbUser *
sb_user_copy (SbUser *self)
{
  g_return_val_if_fail (SB_IS_USER (self), NULL);
  return sb_user_new (self->username, self->email, self->password_hash, self->role,
                      self->created_at, self->updated_at);
}

const char *
sb_user_get_username (SbUser *self)
{
  g_return_val_if_fail (SB_IS_USER (self), NULL);
  return self->username;
}

const char *
sb_user_get_email (SbUser *self)
{
  g_return_val_if_fail (SB_IS_USER (self), NULL);
  return self->email;
}

void
sb_user_set_email (SbUser     *self,
                   const char *email)
{
  g_return_if_fail (SB_IS_USER (self));
  g_free (self->email);
  self->email = g_strdup (email ? email : "");
}

const char *
sb_user_get_password_hash (SbUser *self)
{
  g_return_val_if_fail (SB_IS_USER (self), NULL);
  return self->password_hash;
}

void
sb_user_set_password_hash (SbUser     *self,
                           const char *password_hash)
{
  g_return_if_fail (SB_IS_USER (self));
  g_free (self->password_hash);
  self->password_hash = g_strdup (password_hash ? password_hash : "");
}

const char *
sb_user_get_role (SbUser *self)
{
  g_return_val_if_fail (SB_IS_USER (self), NULL);
  return self->role;
}

gint64
sb_user_get_created_at (SbUser *self)
{
  g_return_val_if_fail (SB_IS_USER (self), 0);
  return self->created_at;
}

gint64
sb_user_get_updated_at (SbUser *self)
{
  g_return_val_if_fail (SB_IS_USER (self), 0);
  return self->updated_at;
}

void
sb_user_set_updated_at (SbUser *self,
                        gint64  updated_at)
{
  g_return_if_fail (SB_IS_USER (self));
  self->updated_at = updated_at;
}
