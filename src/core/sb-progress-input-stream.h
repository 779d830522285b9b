/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sb-metered-input-stream.h"

G_BEGIN_DECLS

#define SB_TYPE_PROGRESS_INPUT_STREAM (sb_progress_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (SbProgressInputStream, sb_progress_input_stream, SB, PROGRESS_INPUT_STREAM,
                      SbMeteredInputStream)

/* Passes data through, counting it: fails with %SB_ERROR_TOO_LARGE once more
 * than @limit bytes went by (0 = no limit), and reports progress from the
 * context that reads asynchronously, so a GUI can update widgets from it. */
GInputStream *sb_progress_input_stream_new       (GInputStream          *base,
                                                  guint64                limit,
                                                  gint64                 expected_size,
                                                  GFileProgressCallback  progress,
                                                  gpointer               progress_data);
guint64       sb_progress_input_stream_get_count  (SbProgressInputStream *self);
gboolean      sb_progress_input_stream_get_failed (SbProgressInputStream *self);

G_END_DECLS
