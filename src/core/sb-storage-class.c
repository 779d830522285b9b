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
