/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-lifecycle.h"

typedef struct
{
  GThread *finalized_in;
  gboolean finalized;
} Watch;

static void
finalized_cb (gpointer  data,
              GObject  *where_the_object_was)
{
  Watch *watch = data;

  watch->finalized_in = g_thread_self ();
  watch->finalized = TRUE;
}

static gpointer
hold_then_release (gpointer object)
{
  g_usleep (50 * 1000);
  g_object_unref (object);
  return NULL;
}

/* A worker still holds the object when the front end lets go: the object
 * must not be finalized in that worker, but here, once it is done. */
static void
test_finalized_here_after_worker (void)
{
  GObject *object = g_object_new (G_TYPE_OBJECT, NULL);
  Watch watch = { 0 };
  GThread *worker;

  g_object_weak_ref (object, finalized_cb, &watch);
  worker = g_thread_new ("holder", hold_then_release, g_object_ref (object));
  sb_release_when_idle (object, 10 * G_TIME_SPAN_SECOND);
  g_assert_true (watch.finalized);
  g_assert_true (watch.finalized_in == g_thread_self ());
  g_thread_join (worker);
}

static void
test_sole_reference (void)
{
  GObject *object = g_object_new (G_TYPE_OBJECT, NULL);
  Watch watch = { 0 };

  g_object_weak_ref (object, finalized_cb, &watch);
  sb_release_when_idle (object, G_TIME_SPAN_SECOND);
  g_assert_true (watch.finalized);
  g_assert_true (watch.finalized_in == g_thread_self ());
  sb_release_when_idle (NULL, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lifecycle/finalized-here-after-worker", test_finalized_here_after_worker);
  g_test_add_func ("/lifecycle/sole-reference", test_sole_reference);
  return g_test_run ();
}
