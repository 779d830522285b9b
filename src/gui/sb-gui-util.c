/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-error.h"
#include "sb-gui-resources.h"
#include "sb-gui-util.h"

void
sb_gui_init (void)
{
  /* The resource lives in a static library: referencing it keeps its object
   * file (and the constructor that registers it) in every program. */
  (void) sb_gui_get_resource ();
}

static char *
format (gint64      unix_usec,
        const char *fmt)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (unix_usec <= 0)
    return g_strdup ("");
  utc = g_date_time_new_from_unix_utc (unix_usec / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, fmt);
}

char *
sb_gui_format_time (gint64 unix_usec)
{
  /* Translators: date and time of a file in the list, a strftime() format
   * (see “man strftime”); year first keeps the column easy to scan. */
  return format (unix_usec, _("%Y-%m-%d %H:%M"));
}

char *
sb_gui_format_date (gint64 unix_usec)
{
  /* Translators: a day, as in “Member since 24 November 2026”; strftime() format. */
  return format (unix_usec, _("%-d %B %Y"));
}

char *
sb_gui_format_size (guint64 size)
{
  return g_format_size (size);
}

char *
sb_gui_error_message (const GError *error)
{
  /* On this computer the data's disk is the user's own. */
  if (g_error_matches (error, SB_ERROR, SB_ERROR_NO_SPACE))
    return g_strdup (_("Your disk is full, so nothing was stored. Free some space (deleting "
                       "files here helps too) and try again."));
  if (error->domain == SB_ERROR)
    return g_strdup (error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return g_strdup (_("The file no longer exists."));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return g_strdup (_("You are not allowed to read or write that file."));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
    return g_strdup (_("Folders cannot be uploaded; choose the files inside."));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    return g_strdup (_("Your disk is full: there is no room left to save the file."));
  return g_strdup_printf (_("Something went wrong: %s"), error->message);
}
