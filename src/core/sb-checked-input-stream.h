/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sb-metered-input-stream.h"

G_BEGIN_DECLS

#define SB_TYPE_CHECKED_INPUT_STREAM (sb_checked_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (SbCheckedInputStream, sb_checked_input_stream, SB, CHECKED_INPUT_STREAM,
                      SbMeteredInputStream)

/* The one rule for every download: content read from storage is exactly
 * @length bytes, and when it is a whole file with a recorded @sha256 its
 * digest matches. A short read or a mismatch fails the read with
 * %SB_ERROR_CORRUPT; the chunk that completes a mismatched file is never
 * handed out, so no front end can deliver it as whole. */
GInputStream *sb_checked_input_stream_new (GInputStream *base,
                                           const char   *name,
                                           guint64       length,
                                           const char   *sha256);

G_END_DECLS
