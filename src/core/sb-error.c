/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "sb-core-private.h"
#include "sb-error.h"
#include "sb-store.h"

G_DEFINE_QUARK (sb-error-quark, sb_error)

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
        g_warning ("storage backend unavailable: %s", error->message);
        return g_error_new_literal (SB_ERROR, SB_ERROR_UNAVAILABLE,
                                    _("The storage service cannot be reached right now. "
                                      "Please try again in a moment."));
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
      case SB_STORE_ERROR_CORRUPT:
      case SB_STORE_ERROR_FAILED:
        break;
      }

  g_warning ("storage error: %s", error->message);
  return g_error_new (SB_ERROR, SB_ERROR_FAILED,
                      _("Something went wrong while storing your data: %s"), error->message);
}

