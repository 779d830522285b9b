/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-storage-class.h"

static const struct
{
  const char *s3_class;
  const char *words;
} classes[] = {
  { "STANDARD", N_("Standard") },
  { "STANDARD_IA", N_("Infrequent access") },
  { "ONEZONE_IA", N_("Infrequent access") },
  { "GLACIER", N_("Archived") },
  { "DEEP_ARCHIVE", N_("Deep archive") },
  { "GLACIER_IR", N_("Instant retrieval archive") },
};

const char *
sb_storage_class_describe (const char *s3_class)
{
  if (s3_class == NULL || *s3_class == '\0')
    s3_class = "STANDARD";
  for (gsize i = 0; i < G_N_ELEMENTS (classes); i++)
    if (g_str_equal (s3_class, classes[i].s3_class))
      return g_dgettext (GETTEXT_PACKAGE, classes[i].words);
  return s3_class;
}

gboolean
sb_storage_class_needs_restore (const char *s3_class)
{
  return g_strcmp0 (s3_class, "GLACIER") == 0 || g_strcmp0 (s3_class, "DEEP_ARCHIVE") == 0;
}

/* Tiers, with the typical waits AWS documents for S3 Glacier Flexible
 * Retrieval and Deep Archive (which has no Expedited). */
static const struct
{
  const char *name;
  const char *words;
  const char *glacier_wait;
  const char *deep_wait;
} tiers[SB_RESTORE_N_TIERS] = {
  [SB_RESTORE_TIER_EXPEDITED] = { "Expedited", N_("Expedited"), N_("1–5 minutes"), NULL },
  [SB_RESTORE_TIER_STANDARD] = { "Standard", N_("Standard"), N_("3–5 hours"),
                                 N_("within 12 hours") },
  [SB_RESTORE_TIER_BULK] = { "Bulk", N_("Bulk"), N_("5–12 hours"), N_("within 48 hours") },
};

const char *
sb_restore_tier_to_string (SbRestoreTier tier)
{
  g_return_val_if_fail (tier < SB_RESTORE_N_TIERS, NULL);
  return tiers[tier].name;
}

gboolean
sb_restore_tier_from_string (const char    *text,
                             SbRestoreTier *tier)
{
  for (guint i = 0; text != NULL && i < SB_RESTORE_N_TIERS; i++)
    if (g_ascii_strcasecmp (text, tiers[i].name) == 0)
      {
        *tier = (SbRestoreTier) i;
        return TRUE;
      }
  return FALSE;
}

const char *
sb_restore_tier_describe (SbRestoreTier tier)
{
  g_return_val_if_fail (tier < SB_RESTORE_N_TIERS, NULL);
  return g_dgettext (GETTEXT_PACKAGE, tiers[tier].words);
}

gboolean
sb_restore_tier_available (SbRestoreTier  tier,
                           const char    *s3_class)
{
  g_return_val_if_fail (tier < SB_RESTORE_N_TIERS, FALSE);
  return g_strcmp0 (s3_class, "DEEP_ARCHIVE") != 0 || tiers[tier].deep_wait != NULL;
}

const char *
sb_restore_tier_wait (SbRestoreTier  tier,
                      const char    *s3_class)
{
  const char *wait;

  g_return_val_if_fail (tier < SB_RESTORE_N_TIERS, NULL);
  wait = g_strcmp0 (s3_class, "DEEP_ARCHIVE") == 0 ? tiers[tier].deep_wait
                                                    : tiers[tier].glacier_wait;
  return wait ? g_dgettext (GETTEXT_PACKAGE, wait) : _("not available");
}

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  /* Translators: a date and time, as strftime() formats it. */
  return local ? g_date_time_format (local, _("%-d %b %Y %H:%M")) : g_strdup ("?");
}

gboolean
sb_file_needs_restore (SbFile *file)
{
  g_return_val_if_fail (SB_IS_FILE (file), FALSE);
  return sb_storage_class_needs_restore (sb_file_get_storage_class (file)) &&
         sb_file_get_restored_until (file) <= g_get_real_time ();
}

char *
sb_storage_class_describe_restore (SbFile *file)
{
  g_autofree char *when = NULL;

  g_return_val_if_fail (SB_IS_FILE (file), NULL);

  if (!sb_storage_class_needs_restore (sb_file_get_storage_class (file)))
    return NULL;
  if (sb_file_get_restore_in_progress (file))
    {
      if (sb_file_get_restore_requested_at (file) <= 0)
        return g_strdup (_("Restoring"));
      when = format_time (sb_file_get_restore_requested_at (file));
      return g_strdup_printf (_("Restoring, requested at %s"), when);
    }
  if (sb_file_get_restored_until (file) > g_get_real_time ())
    {
      when = format_time (sb_file_get_restored_until (file));
      return g_strdup_printf (_("Restored until %s"), when);
    }
  return g_strdup (_("Archived: restore it to download"));
}
