/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Drops the caller's reference to @object once every other holder (tasks in
 * flight, such as a background blob deletion) has let go, so that @object
 * is finalized in the calling thread and nothing is left half done; waits
 * for at most @timeout, then drops it all the same. For a front end about
 * to exit: a worker thread finalizing a store while the process exits
 * would race with the exit. SbService's close is built on it.
 *
 * The async form runs in the thread-default main context; the finish
 * function fails with %G_IO_ERROR_TIMED_OUT if others still held @object
 * at the deadline. The plain form runs that context until it is done. */
void     sb_release_when_idle_async  (gpointer              object,
                                      GTimeSpan             timeout,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean sb_release_when_idle_finish (GAsyncResult         *result,
                                      GError              **error);
void     sb_release_when_idle        (gpointer              object,
                                      GTimeSpan             timeout);

G_END_DECLS
