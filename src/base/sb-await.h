/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* For a main() with nothing else to do while it waits (the CLI's commands,
 * the server's start-up and shutdown) and for tests (sb_test_await()), the
 * one place an async call becomes a synchronous one:
 *
 *   g_autoptr(GAsyncResult) result = NULL;
 *   sb_service_open_async (config, NULL, sb_await_cb, &result);
 *   service = sb_service_open_finish (sb_await (&result), &error);
 *
 * sb_await_cb() stores a reference to the result in the GAsyncResult *
 * its user data points at; sb_await() runs the thread-default main context
 * until that slot is set, and returns it (still owned by the slot). Never
 * for code that runs inside a main loop (the desktop app). */
void          sb_await_cb (GObject       *object,
                           GAsyncResult  *result,
                           gpointer       user_data);
GAsyncResult *sb_await    (GAsyncResult **slot);

G_END_DECLS
