/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "sb-config.h"
#include "sb-prices.h"

#define GB ((double) (G_GUINT64_CONSTANT (1) << 30))
#define DAYS_PER_MONTH 30.0

/* S3 list prices, SB_PRICES_REGION, SB_PRICES_DATE: storage per GB-month;
 * for the archive classes, retrieval per GB and per 1,000 requests, by tier
 * (negative: no such tier). */
static const struct
{
  const char *s3_class;
  double      storage;
  double      per_gb[SB_RESTORE_N_TIERS];
  double      per_thousand[SB_RESTORE_N_TIERS];
} list_prices[] = {
  { "STANDARD", 0.023, { -1, -1, -1 }, { -1, -1, -1 } },
  { "STANDARD_IA", 0.0125, { -1, -1, -1 }, { -1, -1, -1 } },
  { "ONEZONE_IA", 0.01, { -1, -1, -1 }, { -1, -1, -1 } },
  { "GLACIER_IR", 0.004, { -1, -1, -1 }, { -1, -1, -1 } },
  { "GLACIER", 0.0036, { 0.03, 0.01, 0.0 }, { 10.0, 0.05, 0.0 } },
  { "DEEP_ARCHIVE", 0.00099, { -1, 0.02, 0.0025 }, { -1, 0.10, 0.025 } },
};

struct _SbPrices
{
  GObject  parent_instance;
  double   storage[G_N_ELEMENTS (list_prices)];
  gboolean configured;
};

G_DEFINE_FINAL_TYPE (SbPrices, sb_prices, G_TYPE_OBJECT)

static void
sb_prices_class_init (SbPricesClass *klass)
{
}

static void
sb_prices_init (SbPrices *self)
{
  for (gsize i = 0; i < G_N_ELEMENTS (list_prices); i++)
    self->storage[i] = list_prices[i].storage;
}

static int
class_index (const char *s3_class)
{
  if (s3_class == NULL || *s3_class == '\0')
    s3_class = "STANDARD";
  for (gsize i = 0; i < G_N_ELEMENTS (list_prices); i++)
    if (g_str_equal (s3_class, list_prices[i].s3_class))
      return (int) i;
  return -1;
}

gboolean
sb_prices_is_known_class (const char *s3_class)
{
  return s3_class != NULL && *s3_class != '\0' && class_index (s3_class) >= 0;
}

gboolean
sb_prices_parse (const char *text,
                 double     *dollars)
{
  char *end = NULL;
  double value;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value) || value < 0)
    return FALSE;
  *dollars = value;
  return TRUE;
}

/**
 * sb_prices_new:
 * @config: (nullable): whose [prices] to apply over the list prices
 */
SbPrices *
sb_prices_new (SbConfig *config)
{
  SbPrices *self = g_object_new (SB_TYPE_PRICES, NULL);

  for (gsize i = 0; config != NULL && i < G_N_ELEMENTS (list_prices); i++)
    {
      const char *text = sb_config_get_price (config, list_prices[i].s3_class);
      double value;

      if (text != NULL && sb_prices_parse (text, &value))
        {
          self->storage[i] = value;
          self->configured = TRUE;
        }
    }
  return self;
}

gboolean
sb_prices_is_configured (SbPrices *self)
{
  g_return_val_if_fail (SB_IS_PRICES (self), FALSE);
  return self->configured;
}

double
sb_prices_get_storage (SbPrices   *self,
                       const char *s3_class)
{
  int index = class_index (s3_class);

  g_return_val_if_fail (SB_IS_PRICES (self), 0);
  return self->storage[index >= 0 ? index : class_index ("STANDARD")];
}

double
sb_prices_monthly_cost (SbPrices   *self,
                        const char *s3_class,
                        guint64     bytes)
{
  return sb_prices_get_storage (self, s3_class) * ((double) bytes / GB);
}

double
sb_prices_restore_cost (SbPrices      *self,
                        const char    *s3_class,
                        SbRestoreTier  tier,
                        guint64        bytes,
                        guint          days)
{
  int index = class_index (s3_class);
  double gb = (double) bytes / GB;

  g_return_val_if_fail (SB_IS_PRICES (self), -1);
  g_return_val_if_fail (tier < SB_RESTORE_N_TIERS, -1);

  if (index < 0 || list_prices[index].per_gb[tier] < 0)
    return -1;
  return gb * list_prices[index].per_gb[tier] + list_prices[index].per_thousand[tier] / 1000.0 +
         gb * sb_prices_get_storage (self, "STANDARD") * days / DAYS_PER_MONTH;
}

char *
sb_prices_format (double dollars)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (dollars > 0 && dollars < 0.005)
    return g_strdup (_("less than $0.01"));
  /* Translators: an amount of US dollars; %s is the number, like 0.42. */
  return g_strdup_printf (_("$%s"), g_ascii_formatd (buffer, sizeof buffer, "%.2f", dollars));
}
