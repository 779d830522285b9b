/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Drops the caller's reference to @object once every other holder (tasks in
 * flight, such as a background blob deletion) has let go, so that @object
 * is finalized in the calling thread and nothing is left half done. Runs the
 * thread-default main context meanwhile, for at most @timeout. For a front
 * end about to exit: a worker thread finalizing a store while the process
 * exits would race with the exit. */
void sb_release_when_idle (gpointer  object,
                           GTimeSpan timeout);

G_END_DECLS
