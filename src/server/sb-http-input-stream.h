/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sb-http-connection.h"

G_BEGIN_DECLS

#define SB_TYPE_HTTP_INPUT_STREAM (sb_http_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (SbHttpInputStream, sb_http_input_stream, SB, HTTP_INPUT_STREAM,
                      GInputStream)

/* The input side of an SbHttpConnection: pollable, never blocking, and
 * made only of bytes the connection's intake let through. It does not own
 * its connection (the connection owns it); once detached, it reads as
 * closed. */
GInputStream *sb_http_input_stream_new    (SbHttpConnection  *connection);
void          sb_http_input_stream_detach (SbHttpInputStream *self);

G_END_DECLS
