/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What users are told about an S3 storage class (sb_file_get_storage_class(),
 * spelled as S3 spells it): a few translated words, or the name itself for
 * a class we have no words for. Never NULL; NULL or "" is STANDARD. */
const char *sb_storage_class_describe      (const char *s3_class);
/* TRUE if content of this class must be restored before it can be read
 * (GLACIER, DEEP_ARCHIVE); GLACIER_IR reads like any other. */
gboolean    sb_storage_class_needs_restore (const char *s3_class);

G_END_DECLS
