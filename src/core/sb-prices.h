/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-storage-class.h"

G_BEGIN_DECLS

#include "sb-config.h"

#define SB_TYPE_PRICES (sb_prices_get_type ())
G_DECLARE_FINAL_TYPE (SbPrices, sb_prices, SB, PRICES, GObject)

/* When the built-in prices were taken, and where they apply. */
#define SB_PRICES_DATE   "2025-01"
#define SB_PRICES_REGION "us-east-1"

/**
 * SbPrices:
 *
 * What storing and restoring cost, for estimates only: the S3 list prices
 * of SB_PRICES_REGION taken on SB_PRICES_DATE (first 50 TB a month, no free
 * tier, no requests but a restore's), with the storage prices a
 * configuration's [prices] group overrides. Amounts are US dollars; a GB is
 * 2^30 bytes, as AWS bills.
 */
SbPrices   *sb_prices_new                (SbConfig      *config);
/* US dollars per GB-month of @s3_class (NULL or "" is STANDARD); an
 * unknown class costs what STANDARD does. */
double      sb_prices_get_storage        (SbPrices      *self,
                                          const char    *s3_class);
/* TRUE if any storage price comes from the configuration. */
gboolean    sb_prices_is_configured      (SbPrices      *self);
/* What @bytes of @s3_class cost a month. */
double      sb_prices_monthly_cost       (SbPrices      *self,
                                          const char    *s3_class,
                                          guint64        bytes);
/* What restoring one object of @bytes costs at @tier, its copy kept @days
 * days: retrieval per GB, the request, and the copy billed as STANDARD.
 * Negative if @s3_class cannot be restored at @tier. */
double      sb_prices_restore_cost       (SbPrices      *self,
                                          const char    *s3_class,
                                          SbRestoreTier  tier,
                                          guint64        bytes,
                                          guint          days);
/* "$0.42", "$1,234.00" is not attempted: "$1234.00"; "less than $0.01"
 * for amounts under a cent that are not zero. */
char       *sb_prices_format             (double         dollars);

gboolean    sb_prices_is_known_class     (const char    *s3_class);
/* A non-negative decimal number, in the C locale. */
gboolean    sb_prices_parse              (const char    *text,
                                          double        *dollars);

G_END_DECLS
