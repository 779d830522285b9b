/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-session.h"

struct _SbSession
{
  GObject  parent_instance;
  char    *token_hash;
  char    *username;
  char    *csrf;
  char    *token;
  gint64   created_at;
  gint64   expires_at;
};

G_DEFINE_FINAL_TYPE (SbSession, sb_session, G_TYPE_OBJECT)

static void
sb_session_finalize (GObject *object)
{
  SbSession *self = SB_SESSION (object);

  g_free (self->token_hash);
  g_free (self->username);
  g_free (self->csrf);
  if (self->token)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);

  G_OBJECT_CLASS (sb_session_parent_class)->finalize (object);
}

static void
sb_session_class_init (SbSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_session_finalize;
}

static void
sb_session_init (SbSession *self)
{
}

SbSession *
sb_session_new (const char *token_hash,
                const char *username,
                const char *csrf,
                gint64      created_at,
                gint64      expires_at)
{
  SbSession *self;

  g_return_val_if_fail (token_hash != NULL, NULL);
  g_return_val_if_fail (username != NULL, NULL);

  self = g_object_new (SB_TYPE_SESSION, NULL);
  self->token_hash = g_strdup (token_hash);
  self->username = g_strdup (username);
  self->csrf = g_strdup (csrf ? csrf : "");
  self->created_at = created_at;
  self->expires_at = expires_at;
  return self;
}

const char *
sb_session_get_token_hash (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  return self->token_hash;
}

const char *
sb_session_get_username (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  return self->username;
}

const char *
sb_session_get_csrf (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  return self->csrf;
}

gint64
sb_session_get_created_at (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), 0);
  return self->created_at;
}

gint64
sb_session_get_expires_at (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), 0);
  return self->expires_at;
}

/**
 * sb_session_get_token:
 *
 * Returns: (nullable): the secret token, known only to the session that was
 *   just created by logging in; %NULL for sessions read back from a store.
 */
const char *
sb_session_get_token (SbSession *self)
{
  g_return_val_if_fail (SB_IS_SESSION (self), NULL);
  return self->token;
}

void
sb_session_set_token (SbSession  *self,
                      const char *token)
{
  g_return_if_fail (SB_IS_SESSION (self));
  g_free (self->token);
  self->token = g_strdup (token);
}
