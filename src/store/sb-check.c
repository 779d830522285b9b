/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-check.h"

struct _SbCheck
{
  GObject    parent_instance;
  GPtrArray *items;
};

static void sb_check_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SbCheck, sb_check, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, sb_check_list_model_init))

static GType
sb_check_get_item_type (GListModel *model)
{
  return SB_TYPE_CHECK_ITEM;
}

static guint
sb_check_get_n_items (GListModel *model)
{
  return SB_CHECK (model)->items->len;
}

static gpointer
sb_check_get_item (GListModel *model,
                   guint       position)
{
  SbCheck *self = SB_CHECK (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
sb_check_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sb_check_get_item_type;
  iface->get_n_items = sb_check_get_n_items;
  iface->get_item = sb_check_get_item;
}

static void
sb_check_finalize (GObject *object)
{
  SbCheck *self = SB_CHECK (object);

  g_ptr_array_unref (self->items);
  G_OBJECT_CLASS (sb_check_parent_class)->finalize (object);
}

static void
sb_check_class_init (SbCheckClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_check_finalize;
}

static void
sb_check_init (SbCheck *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

SbCheck *
sb_check_new (void)
{
  return g_object_new (SB_TYPE_CHECK, NULL);
}

/**
 * sb_check_add:
 * @name: what was looked at, e.g. "DynamoDB table storagebox-users"
 * @format: a printf format for the sentence explaining @status
 *
 * Appends an item (and emits #GListModel::items-changed).
 */
void
sb_check_add (SbCheck       *self,
              const char    *name,
              SbCheckStatus  status,
              const char    *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  g_return_if_fail (SB_IS_CHECK (self));

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (self->items, sb_check_item_new (name, status, message));
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
}

/**
 * sb_check_get_status:
 *
 * Returns: the worst status of any item; %SB_CHECK_OK for an empty report
 */
SbCheckStatus
sb_check_get_status (SbCheck *self)
{
  SbCheckStatus worst = SB_CHECK_OK;

  g_return_val_if_fail (SB_IS_CHECK (self), SB_CHECK_ERROR);

  for (guint i = 0; i < self->items->len; i++)
    worst = MAX (worst, sb_check_item_get_status (g_ptr_array_index (self->items, i)));
  return worst;
}

/**
 * sb_check_get_usable:
 *
 * Returns: %TRUE if StorageBox can run on the checked backend: no item is
 *   missing or broken (warnings are fine)
 */
gboolean
sb_check_get_usable (SbCheck *self)
{
  return sb_check_get_status (self) <= SB_CHECK_WARNING;
}

/**
 * sb_check_find:
 *
 * Returns: (transfer none) (nullable): the first item called @name
 */
SbCheckItem *
sb_check_find (SbCheck    *self,
               const char *name)
{
  g_return_val_if_fail (SB_IS_CHECK (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    if (g_str_equal (sb_check_item_get_name (g_ptr_array_index (self->items, i)), name))
      return g_ptr_array_index (self->items, i);
  return NULL;
}
