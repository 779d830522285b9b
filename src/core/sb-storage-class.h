/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-file.h"

G_BEGIN_DECLS

/* What users are told about an S3 storage class (sb_file_get_storage_class(),
 * spelled as S3 spells it): a few translated words, or the name itself for
 * a class we have no words for. Never NULL; NULL or "" is STANDARD. */
const char *sb_storage_class_describe      (const char *s3_class);
/* TRUE if content of this class must be restored before it can be read
 * (GLACIER, DEEP_ARCHIVE); GLACIER_IR reads like any other. */
gboolean    sb_storage_class_needs_restore (const char *s3_class);

/* How fast an archived file comes back, and at what price. */
typedef enum {
  SB_RESTORE_TIER_EXPEDITED,
  SB_RESTORE_TIER_STANDARD,
  SB_RESTORE_TIER_BULK,
} SbRestoreTier;

#define SB_RESTORE_TIER_DEFAULT SB_RESTORE_TIER_STANDARD
#define SB_RESTORE_N_TIERS      3
/* How long a restored copy stays readable, in days. */
#define SB_RESTORE_DAYS_DEFAULT 7
#define SB_RESTORE_DAYS_MAX     365

/* "Expedited", "Standard", "Bulk": S3's spelling, also what users type. */
const char *sb_restore_tier_to_string   (SbRestoreTier  tier);
/* Case-insensitive; FALSE if @text names no tier. */
gboolean    sb_restore_tier_from_string (const char    *text,
                                         SbRestoreTier *tier);
/* The translated name of @tier, for a label. */
const char *sb_restore_tier_describe    (SbRestoreTier  tier);
/* Whether content of @s3_class can be restored at @tier (DEEP_ARCHIVE has
 * no Expedited), and the typical wait, translated ("3–5 hours"). */
gboolean    sb_restore_tier_available   (SbRestoreTier  tier,
                                         const char    *s3_class);
const char *sb_restore_tier_wait        (SbRestoreTier  tier,
                                         const char    *s3_class);

/* Where @file stands, in a sentence for a list or a page:
 * "Restoring, requested at 2 Dec 2026 18:40", "Restored until 9 Dec 2026
 * 18:40", "Archived: restore it to download", or NULL when the file reads
 * as it is (not archived, or GLACIER_IR). Local time. */
char       *sb_storage_class_describe_restore (SbFile *file);
/* TRUE when @file is archived and no restored copy is readable now. */
gboolean    sb_file_needs_restore             (SbFile *file);

G_END_DECLS
