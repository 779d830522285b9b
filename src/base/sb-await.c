/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-await.h"

void
sb_await_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert (*slot == NULL);
  *slot = g_object_ref (result);
}

GAsyncResult *
sb_await (GAsyncResult **slot)
{
  GMainContext *context = g_main_context_ref_thread_default ();

  g_return_val_if_fail (slot != NULL, NULL);

  while (*slot == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);
  return *slot;
}
