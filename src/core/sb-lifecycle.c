/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-await.h"
#include "sb-lifecycle.h"

/* How often the wait looks whether the object is idle. */
#define POLL_MS 5

typedef struct
{
  GObject   *object;
  GTimeSpan  timeout;
  gint64     deadline;
  GSource   *poll;
} Release;

static void
release_free (Release *release)
{
  g_assert (release->poll == NULL);
  g_clear_object (&release->object);
  g_free (release);
}

/* Idle once ours is the only reference. Looking at the count, rather than
 * being told by a toggle reference, leaves nothing a worker thread could
 * call after a timed-out wait is over. */
static gboolean
is_idle (GObject *object)
{
  return g_atomic_int_get ((int *) &object->ref_count) == 1;
}

static void
release_now (GTask *task)
{
  Release *release = g_task_get_task_data (task);
  gboolean idle = is_idle (release->object);

  if (release->poll != NULL)
    {
      g_source_destroy (release->poll);
      g_clear_pointer (&release->poll, g_source_unref);
    }
  /* When idle, the last reference: the object is finalized here. */
  g_clear_object (&release->object);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!idle)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                             _("Still in use after %" G_GINT64_FORMAT " ms."),
                             release->timeout / 1000);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
poll_cb (gpointer user_data)
{
  GTask *task = user_data;
  Release *release = g_task_get_task_data (task);

  if (is_idle (release->object) || g_get_monotonic_time () >= release->deadline ||
      g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      /* The source's reference to the task goes once this returns. */
      release_now (task);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

void
sb_release_when_idle_async (gpointer             object,
                            GTimeSpan            timeout,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Release *release;

  g_return_if_fail (object == NULL || G_IS_OBJECT (object));
  g_return_if_fail (timeout >= 0);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_release_when_idle_async));
  if (object == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  release = g_new0 (Release, 1);
  release->object = object;
  release->timeout = timeout;
  release->deadline = g_get_monotonic_time () + timeout;
  g_task_set_task_data (task, release, (GDestroyNotify) release_free);
  if (is_idle (release->object))
    {
      release_now (task);
      return;
    }
  /* In the task's context (the caller's thread-default), where its
   * callback runs too. */
  release->poll = g_timeout_source_new (POLL_MS);
  g_source_set_name (release->poll, "[storagebox] sb_release_when_idle_async");
  g_source_set_callback (release->poll, poll_cb, g_object_ref (task), g_object_unref);
  g_source_attach (release->poll, g_task_get_context (task));
}

gboolean
sb_release_when_idle_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sb_release_when_idle (gpointer  object,
                      GTimeSpan timeout)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_release_when_idle_async (object, timeout, NULL, sb_await_cb, &result);
  sb_release_when_idle_finish (sb_await (&result), NULL);
}
