/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sb-await.h"
#include "sb-test-util.h"

void
sb_test_result_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  sb_await_cb (object, result, user_data);
  g_main_context_wakeup (NULL);
}

GAsyncResult *
sb_test_await (GAsyncResult **result)
{
  return sb_await (result);
}

void
sb_test_wait_until (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

void
sb_test_assert_finalized (gpointer object)
{
  gpointer weak = object;
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  while (weak != NULL && g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (weak != NULL)
        g_usleep (1000);
    }
  if (weak != NULL)
    g_error ("%s %p was not finalized: something still holds a reference",
             G_OBJECT_TYPE_NAME (weak), weak);
}

char *
sb_test_make_tmpdir (const char *template_)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp (template_ ? template_ : "sb-test-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

void
sb_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      sb_test_rm_rf (child);
    }
  g_rmdir (path);
}

/* Regular files under @dir, recursively. */
guint
sb_test_count_files (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint count = 0;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (dir_path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        count += sb_test_count_files (child);
      else
        count++;
    }
  return count;
}

guint16
sb_test_free_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

GBytes *
sb_test_random_bytes (gsize   size,
                      guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (size ? size : 1);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int_range (rand, 0, 256);
  return g_bytes_new_take (data, size);
}

/* A stream that breaks partway, like a client that disconnects. */

#define SB_TYPE_TEST_FAILING_STREAM (sb_test_failing_stream_get_type ())
G_DECLARE_FINAL_TYPE (SbTestFailingStream, sb_test_failing_stream, SB, TEST_FAILING_STREAM,
                      GInputStream)

struct _SbTestFailingStream
{
  GInputStream parent_instance;
  gsize        remaining;
};

G_DEFINE_FINAL_TYPE (SbTestFailingStream, sb_test_failing_stream, G_TYPE_INPUT_STREAM)

static gssize
sb_test_failing_stream_read (GInputStream  *stream,
                             void          *buffer,
                             gsize          count,
                             GCancellable  *cancellable,
                             GError       **error)
{
  SbTestFailingStream *self = SB_TEST_FAILING_STREAM (stream);

  if (self->remaining == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                           "The client went away");
      return -1;
    }
  count = MIN (count, self->remaining);
  memset (buffer, 'x', count);
  self->remaining -= count;
  return (gssize) count;
}

static gboolean
sb_test_failing_stream_close (GInputStream  *stream,
                              GCancellable  *cancellable,
                              GError       **error)
{
  return TRUE;
}

static void
sb_test_failing_stream_class_init (SbTestFailingStreamClass *klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = sb_test_failing_stream_read;
  G_INPUT_STREAM_CLASS (klass)->close_fn = sb_test_failing_stream_close;
}

static void
sb_test_failing_stream_init (SbTestFailingStream *self)
{
}

GInputStream *
sb_test_failing_stream_new (gsize good_bytes)
{
  SbTestFailingStream *self = g_object_new (SB_TYPE_TEST_FAILING_STREAM, NULL);

  self->remaining = good_bytes;
  return G_INPUT_STREAM (self);
}
