/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-lifecycle.h"

static gboolean
keep_looking (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
last_reference_cb (gpointer  data,
                   GObject  *object,
                   gboolean  is_last_ref)
{
  if (is_last_ref)
    {
      g_atomic_int_set ((gint *) data, TRUE);
      g_main_context_wakeup (g_main_context_get_thread_default ());
    }
}

void
sb_release_when_idle (gpointer  object,
                      GTimeSpan timeout)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  g_autoptr(GSource) tick = NULL;
  gint idle = FALSE;
  gint64 deadline = g_get_monotonic_time () + timeout;

  if (object == NULL)
    {
      g_main_context_unref (context);
      return;
    }
  g_return_if_fail (G_IS_OBJECT (object));

  /* The toggle reference tells when ours is the only one left. */
  g_object_add_toggle_ref (object, last_reference_cb, &idle);
  g_object_unref (object);

  /* The last other holder may let go in a worker thread; a timer makes
   * sure the wait notices even if that wake-up is missed. */
  tick = g_timeout_source_new (5);
  g_source_set_callback (tick, keep_looking, NULL, NULL);
  g_source_attach (tick, context);
  while (!g_atomic_int_get (&idle) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (tick);

  g_object_remove_toggle_ref (object, last_reference_cb, &idle);
  g_main_context_unref (context);
}
