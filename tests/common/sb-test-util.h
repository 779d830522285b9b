/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs the main context until *result is set by sb_test_result_cb: the
 * front ends' sb_await() and sb_await_cb() (src/base/sb-await.h). */
void           sb_test_result_cb        (GObject       *object,
                                         GAsyncResult  *result,
                                         gpointer       user_data);
GAsyncResult  *sb_test_await            (GAsyncResult **result);
void           sb_test_wait_until       (gboolean      *flag);
/* Unrefs @object and asserts it is finalized: worker threads may still hold
 * a task's reference for a moment after its callback ran, so this waits a
 * little (up to 5 s) instead of demanding it happen at once. */
void           sb_test_assert_finalized (gpointer       object);

char          *sb_test_make_tmpdir      (const char    *template_);
void           sb_test_rm_rf            (const char    *path);
guint          sb_test_count_files      (const char    *dir);

guint16        sb_test_free_port        (void);
GBytes        *sb_test_random_bytes     (gsize          size,
                                         guint32        seed);

/* A stream that yields @good_bytes of data then fails with G_IO_ERROR_FAILED. */
GInputStream  *sb_test_failing_stream_new (gsize        good_bytes);

G_END_DECLS
