/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-aws-credentials.h"

struct _SbAwsCredentials
{
  gatomicrefcount  ref_count;
  char            *access_key_id;
  char            *secret_access_key;
  char            *session_token;
  gint64           expiration;
  char            *source;
};

/* Written out rather than G_DEFINE_BOXED_TYPE, whose copy-function union
 * trips -Wpedantic. */
GType
sb_aws_credentials_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_boxed_type_register_static (g_intern_static_string ("SbAwsCredentials"),
                                                 (GBoxedCopyFunc) sb_aws_credentials_ref,
                                                 (GBoxedFreeFunc) sb_aws_credentials_unref);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

/**
 * sb_aws_credentials_new_with_source:
 * @access_key_id: the access key id
 * @secret_access_key: the secret access key
 * @session_token: (nullable): a session token for temporary credentials
 * @expiration: when they stop working, in microseconds since the Unix epoch
 *   (g_get_real_time() scale), or 0 if they never expire
 * @source: (nullable): where they came from ("environment", "profile default",
 *   "ECS", "EC2 instance metadata"), for messages and logs
 *
 * Returns: (transfer full): new credentials
 */
SbAwsCredentials *
sb_aws_credentials_new_with_source (const char *access_key_id,
                                    const char *secret_access_key,
                                    const char *session_token,
                                    gint64      expiration,
                                    const char *source)
{
  SbAwsCredentials *self;

  g_return_val_if_fail (access_key_id != NULL, NULL);
  g_return_val_if_fail (secret_access_key != NULL, NULL);

  self = g_new0 (SbAwsCredentials, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->access_key_id = g_strdup (access_key_id);
  self->secret_access_key = g_strdup (secret_access_key);
  self->session_token = session_token && *session_token ? g_strdup (session_token) : NULL;
  self->expiration = expiration;
  self->source = g_strdup (source ? source : "static");
  return self;
}

/**
 * sb_aws_credentials_new:
 *
 * Like sb_aws_credentials_new_with_source() with the source "static".
 *
 * Returns: (transfer full): new credentials
 */
SbAwsCredentials *
sb_aws_credentials_new (const char *access_key_id,
                        const char *secret_access_key,
                        const char *session_token,
                        gint64      expiration)
{
  return sb_aws_credentials_new_with_source (access_key_id, secret_access_key, session_token,
                                             expiration, NULL);
}

SbAwsCredentials *
sb_aws_credentials_ref (SbAwsCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
sb_aws_credentials_unref (SbAwsCredentials *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  /* Secrets should not linger in freed heap memory. */
  memset (self->secret_access_key, 0, strlen (self->secret_access_key));
  g_free (self->access_key_id);
  g_free (self->secret_access_key);
  g_free (self->session_token);
  g_free (self->source);
  g_free (self);
}

const char *
sb_aws_credentials_get_access_key_id (SbAwsCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->access_key_id;
}

const char *
sb_aws_credentials_get_secret_access_key (SbAwsCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->secret_access_key;
}

/**
 * sb_aws_credentials_get_session_token:
 *
 * Returns: (nullable): the session token, or %NULL for long-term keys
 */
const char *
sb_aws_credentials_get_session_token (SbAwsCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->session_token;
}

/**
 * sb_aws_credentials_get_expiration:
 *
 * Returns: the expiry in microseconds since the epoch, or 0 for never
 */
gint64
sb_aws_credentials_get_expiration (SbAwsCredentials *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->expiration;
}

const char *
sb_aws_credentials_get_source (SbAwsCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->source;
}
