/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "sb-store-private.h"

#define BLOB_ID_BYTES 16

/* 128 random bits: unguessable and, for all practical purposes, unique. */
char *
sb_store_new_blob_id (void)
{
  guint8 raw[BLOB_ID_BYTES];
  char *hex = g_malloc (BLOB_ID_BYTES * 2 + 1);

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  randombytes_buf (raw, sizeof raw);
  sodium_bin2hex (hex, BLOB_ID_BYTES * 2 + 1, raw, sizeof raw);
  return hex;
}

/* Owners are usernames, already validated by core; this is the store's own
 * guarantee that an owner is safe as a path component and an object key
 * prefix. */
gboolean
sb_store_owner_is_valid (const char *owner)
{
  gsize len;

  if (owner == NULL || !g_ascii_isalnum (owner[0]))
    return FALSE;
  len = strlen (owner);
  if (len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!(g_ascii_islower (owner[i]) || g_ascii_isdigit (owner[i]) ||
          owner[i] == '.' || owner[i] == '_' || owner[i] == '-'))
      return FALSE;
  return TRUE;
}

gboolean
sb_store_blob_key_is_valid (const char *key)
{
  const char *slash;
  g_autofree char *owner = NULL;

  if (key == NULL || (slash = strchr (key, '/')) == NULL)
    return FALSE;
  owner = g_strndup (key, (gsize) (slash - key));
  if (!sb_store_owner_is_valid (owner) || strlen (slash + 1) != BLOB_ID_BYTES * 2)
    return FALSE;
  for (const char *p = slash + 1; *p; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

gpointer
sb_store_task_finish_pointer (gpointer       source,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
sb_store_task_finish_boolean (gpointer       source,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sb_blob_written_clear (SbBlobWritten *written)
{
  g_clear_pointer (&written->key, g_free);
  g_clear_pointer (&written->sha256, g_free);
}

char *
sb_store_blob_written_finish (SbStore       *store,
                              GAsyncResult  *result,
                              guint64       *size,
                              char         **sha256,
                              GError       **error)
{
  const SbBlobWritten *written;

  if (!sb_store_task_finish_boolean (store, result, error))
    return NULL;
  written = g_task_get_task_data (G_TASK (result));
  if (size != NULL)
    *size = written->size;
  if (sha256 != NULL)
    *sha256 = g_strdup (written->sha256);
  return g_strdup (written->key);
}
