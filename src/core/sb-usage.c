/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-usage.h"

/* Warmest first, as people think of them. */
static const char * const class_order[] = {
  "STANDARD", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE",
};

struct _SbUsage
{
  SbPrices *prices;
  GArray   *rows;  /* SbUsageRow, storage_class owned by @classes */
  GPtrArray *classes;
};

SbUsage *
sb_usage_new (SbPrices *prices)
{
  SbUsage *self = g_new0 (SbUsage, 1);

  g_return_val_if_fail (SB_IS_PRICES (prices), NULL);

  self->prices = g_object_ref (prices);
  self->rows = g_array_new (FALSE, TRUE, sizeof (SbUsageRow));
  self->classes = g_ptr_array_new_with_free_func (g_free);
  return self;
}

static guint
rank (const char *s3_class)
{
  for (guint i = 0; i < G_N_ELEMENTS (class_order); i++)
    if (g_str_equal (s3_class, class_order[i]))
      return i;
  return G_N_ELEMENTS (class_order);
}

static SbUsageRow *
row_for (SbUsage    *self,
         const char *s3_class)
{
  SbUsageRow row = { 0 };
  guint at = 0;
  char *name;

  for (guint i = 0; i < self->rows->len; i++)
    {
      SbUsageRow *existing = &g_array_index (self->rows, SbUsageRow, i);

      if (g_str_equal (existing->storage_class, s3_class))
        return existing;
      if (rank (existing->storage_class) <= rank (s3_class))
        at = i + 1;
    }
  name = g_strdup (s3_class);
  g_ptr_array_add (self->classes, name);
  row.storage_class = name;
  g_array_insert_val (self->rows, at, row);
  return &g_array_index (self->rows, SbUsageRow, at);
}

void
sb_usage_add (SbUsage *self,
              SbFile  *file)
{
  SbUsageRow *row;

  g_return_if_fail (self != NULL);
  g_return_if_fail (SB_IS_FILE (file));

  row = row_for (self, sb_file_get_storage_class (file));
  row->files++;
  row->bytes += sb_file_get_size (file);
  row->monthly_cost = sb_prices_monthly_cost (self->prices, row->storage_class, row->bytes);
}

void
sb_usage_add_files (SbUsage   *self,
                    GPtrArray *files)
{
  for (guint i = 0; files != NULL && i < files->len; i++)
    sb_usage_add (self, g_ptr_array_index (files, i));
}

guint
sb_usage_get_n_rows (SbUsage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->rows->len;
}

const SbUsageRow *
sb_usage_get_row (SbUsage *self,
                  guint    index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);
  return &g_array_index (self->rows, SbUsageRow, index);
}

guint
sb_usage_get_files (SbUsage *self)
{
  guint files = 0;

  for (guint i = 0; i < self->rows->len; i++)
    files += g_array_index (self->rows, SbUsageRow, i).files;
  return files;
}

guint64
sb_usage_get_bytes (SbUsage *self)
{
  guint64 bytes = 0;

  for (guint i = 0; i < self->rows->len; i++)
    bytes += g_array_index (self->rows, SbUsageRow, i).bytes;
  return bytes;
}

double
sb_usage_get_monthly_cost (SbUsage *self)
{
  double cost = 0;

  for (guint i = 0; i < self->rows->len; i++)
    cost += g_array_index (self->rows, SbUsageRow, i).monthly_cost;
  return cost;
}

SbPrices *
sb_usage_get_prices (SbUsage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->prices;
}

void
sb_usage_free (SbUsage *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->prices);
  g_array_unref (self->rows);
  g_ptr_array_unref (self->classes);
  g_free (self);
}
