/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "sb-core-private.h"
#include "sb-error.h"
#include "sb-store.h"

/* An extended error domain (as SB_AWS_ERROR is), so that the detail
 * survives g_error_copy(), GTask hand-offs and g_propagate_error(). */
typedef struct
{
  char *detail;
} SbErrorPrivate;

static void
sb_error_private_init (SbErrorPrivate *priv)
{
}

static void
sb_error_private_copy (const SbErrorPrivate *src,
                       SbErrorPrivate       *dest)
{
  dest->detail = g_strdup (src->detail);
}

static void
sb_error_private_clear (SbErrorPrivate *priv)
{
  g_clear_pointer (&priv->detail, g_free);
}

G_DEFINE_EXTENDED_ERROR (SbError, sb_error)

/**
 * sb_error_get_detail:
 * @error: a #GError
 *
 * Returns: (nullable): what the backend said about the failure (for
 *   %SB_ERROR_UNAVAILABLE: which endpoint could not be reached, which table
 *   is missing, …), or %NULL if @error is not an %SB_ERROR or has none.
 *   Not translated; the message is the sentence for users.
 */
const char *
sb_error_get_detail (const GError *error)
{
  if (error == NULL || error->domain != SB_ERROR)
    return NULL;
  return sb_error_get_private (error)->detail;
}

void
sb_error_set_detail (GError     *error,
                     const char *detail)
{
  SbErrorPrivate *priv;

  g_return_if_fail (error != NULL && error->domain == SB_ERROR);

  priv = sb_error_get_private (error);
  g_free (priv->detail);
  priv->detail = g_strdup (detail);
}

GError *
sb_error_new_unavailable (const char *detail)
{
  GError *error = g_error_new_literal (SB_ERROR, SB_ERROR_UNAVAILABLE,
                                       _("The storage service cannot be reached right now. "
                                         "Please try again in a moment."));

  sb_error_set_detail (error, detail);
  return error;
}

/* Turns an error from the store layer into an SB_ERROR a user can read
 * (see sb-core-private.h). */
GError *
sb_error_from_store (const GError *error,
                     const char   *not_found,
                     const char   *exists)
{
  if (error->domain == SB_ERROR || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    {
      GError *store_error = g_error_new_literal (SB_STORE_ERROR, SB_STORE_ERROR_NO_SPACE,
                                                 error->message);
      GError *result = sb_error_from_store (store_error, not_found, exists);

      g_error_free (store_error);
      return result;
    }

  if (error->domain == SB_STORE_ERROR)
    switch ((SbStoreError) error->code)
      {
      case SB_STORE_ERROR_NOT_FOUND:
        if (not_found)
          return g_error_new_literal (SB_ERROR, SB_ERROR_NOT_FOUND, not_found);
        break;
      case SB_STORE_ERROR_EXISTS:
        if (exists)
          return g_error_new_literal (SB_ERROR, SB_ERROR_EXISTS, exists);
        break;
      case SB_STORE_ERROR_CONFLICT:
        return g_error_new_literal (SB_ERROR, SB_ERROR_CONFLICT,
                                    _("The file was changed by someone else in the meantime. "
                                      "Please reload and try again."));
      case SB_STORE_ERROR_UNAVAILABLE:
        /* The front end decides who sees the detail: a terminal prints
         * it, a web server logs it and shows the sentence. */
        return sb_error_new_unavailable (error->message);
      case SB_STORE_ERROR_INDETERMINATE:
        g_warning ("storage backend did not confirm a write: %s", error->message);
        return g_error_new_literal (SB_ERROR, SB_ERROR_UNCERTAIN,
                                    _("The storage service did not confirm whether the change "
                                      "was made. Nothing was lost: check again in a moment."));
      case SB_STORE_ERROR_NO_SPACE:
        g_warning ("storage backend is out of space: %s", error->message);
        return g_error_new_literal (SB_ERROR, SB_ERROR_NO_SPACE,
                                    _("The disk that holds the StorageBox data is full, so "
                                      "nothing was stored. Deleting files still works."));
      case SB_STORE_ERROR_ARCHIVED:
        return g_error_new_literal (SB_ERROR, SB_ERROR_ARCHIVED,
                                    _("The file is archived. Restore it first; it can be "
                                      "downloaded once the restore is done."));
      case SB_STORE_ERROR_NOT_SUPPORTED:
        return g_error_new_literal (SB_ERROR, SB_ERROR_INVALID,
                                    _("This file is not archived, so there is nothing to "
                                      "restore: it can be downloaded as it is."));
      case SB_STORE_ERROR_CORRUPT:
      case SB_STORE_ERROR_FAILED:
        break;
      }

  g_warning ("storage error: %s", error->message);
  return g_error_new (SB_ERROR, SB_ERROR_FAILED,
                      _("Something went wrong while storing your data: %s"), error->message);
}

