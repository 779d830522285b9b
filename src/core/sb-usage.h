/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-prices.h"

G_BEGIN_DECLS

/* One storage class's share of a user's files. */
typedef struct
{
  const char *storage_class;  /* as S3 spells it */
  guint       files;
  guint64     bytes;
  double      monthly_cost;   /* estimated, US dollars */
} SbUsageRow;

/* How much a user (or everyone) stores, by storage class, and what that is
 * estimated to cost a month (sb-prices.h). */
typedef struct _SbUsage SbUsage;

SbUsage          *sb_usage_new              (SbPrices  *prices);
void              sb_usage_add              (SbUsage   *self,
                                             SbFile    *file);
/* Adds each #SbFile of @files. */
void              sb_usage_add_files        (SbUsage   *self,
                                             GPtrArray *files);
/* Rows for the classes that hold files, Standard first, coldest last. */
guint             sb_usage_get_n_rows       (SbUsage   *self);
const SbUsageRow *sb_usage_get_row          (SbUsage   *self,
                                             guint      index);
guint             sb_usage_get_files        (SbUsage   *self);
guint64           sb_usage_get_bytes        (SbUsage   *self);
double            sb_usage_get_monthly_cost (SbUsage   *self);
SbPrices         *sb_usage_get_prices       (SbUsage   *self);
void              sb_usage_free             (SbUsage   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbUsage, sb_usage_free)

G_END_DECLS
