/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SB_TYPE_METERED_INPUT_STREAM (sb_metered_input_stream_get_type ())
G_DECLARE_DERIVABLE_TYPE (SbMeteredInputStream, sb_metered_input_stream, SB,
                          METERED_INPUT_STREAM, GFilterInputStream)

/**
 * SbMeteredInputStreamClass:
 * @clamp: how many of @count bytes the next read may ask of the base
 *   stream: 0 ends the read without asking (end of stream), -1 fails it with
 *   @error. %NULL: all of them.
 * @account: what a read of @n bytes into @buffer (-1: the base failed, with
 *   @error already set) gives the caller: @n, or -1 with @error.
 * @async_read_done: called in the caller's context after an asynchronous
 *   read gave @n > 0 bytes (never from the synchronous read, which may run
 *   in a worker thread). May be %NULL.
 *
 * A filter stream that meters every read of its base, synchronous or
 * asynchronous, through these hooks. The asynchronous read is forwarded to
 * the base rather than left to GInputStream's default, which would run the
 * synchronous read in a thread: the base may have a better async path (a
 * libsoup body, a socket, an upload pipe).
 */
struct _SbMeteredInputStreamClass
{
  GFilterInputStreamClass parent_class;

  gssize (*clamp)           (SbMeteredInputStream  *self,
                             gsize                  count,
                             GError               **error);
  gssize (*account)         (SbMeteredInputStream  *self,
                             const void            *buffer,
                             gssize                 n,
                             GError               **error);
  void   (*async_read_done) (SbMeteredInputStream  *self,
                             gssize                 n);
};

G_END_DECLS
