/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store's limit stream (a byte range of a blob) reads asynchronously
 * from its base, never by a blocking read in a worker thread. */
#include "config.h"

#include <string.h>

#include "sb-store-private.h"
#include "sb-test-util.h"

/* A base stream that only reads asynchronously, in the thread that asks,
 * and counts the blocking reads anybody tried. */
#define TEST_TYPE_ASYNC_STREAM (test_async_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestAsyncStream, test_async_stream, TEST, ASYNC_STREAM, GInputStream)

struct _TestAsyncStream
{
  GInputStream  parent_instance;
  guint64       left;
  guint         blocking_reads;
  GThread      *reader;
};

G_DEFINE_FINAL_TYPE (TestAsyncStream, test_async_stream, G_TYPE_INPUT_STREAM)

static gssize
test_async_stream_read (GInputStream  *stream,
                        void          *buffer,
                        gsize          count,
                        GCancellable  *cancellable,
                        GError       **error)
{
  TEST_ASYNC_STREAM (stream)->blocking_reads++;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "no blocking reads here");
  return -1;
}

static void
test_async_stream_read_async (GInputStream        *stream,
                              void                *buffer,
                              gsize                count,
                              int                  io_priority,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  TestAsyncStream *self = TEST_ASYNC_STREAM (stream);
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  gsize n = (gsize) MIN ((guint64) count, self->left);

  self->reader = g_thread_self ();
  memset (buffer, 'x', n);
  self->left -= n;
  g_task_return_int (task, (gssize) n);
}

static gssize
test_async_stream_read_finish (GInputStream  *stream,
                               GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}

static void
test_async_stream_class_init (TestAsyncStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  stream_class->read_fn = test_async_stream_read;
  stream_class->read_async = test_async_stream_read_async;
  stream_class->read_finish = test_async_stream_read_finish;
}

static void
test_async_stream_init (TestAsyncStream *self)
{
}

static void
test_limit_reads_asynchronously (void)
{
  TestAsyncStream *base = g_object_new (TEST_TYPE_ASYNC_STREAM, NULL);
  g_autoptr(GInputStream) limited = NULL;
  guint64 total = 0;
  char buffer[64];

  base->left = 1000;
  limited = sb_limit_input_stream_new (G_INPUT_STREAM (base), 150);
  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gssize n;

      g_input_stream_read_async (limited, buffer, sizeof buffer, G_PRIORITY_DEFAULT, NULL,
                                 sb_test_result_cb, &result);
      n = g_input_stream_read_finish (limited, sb_test_await (&result), &error);
      g_assert_no_error (error);
      if (n == 0)
        break;
      total += (guint64) n;
    }
  g_assert_cmpuint (total, ==, 150);
  g_assert_cmpuint (base->blocking_reads, ==, 0);
  g_assert_true (base->reader == g_thread_self ());
  g_object_unref (base);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/streams/limit-reads-asynchronously", test_limit_reads_asynchronously);
  return g_test_run ();
}
