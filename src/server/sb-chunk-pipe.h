/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SB_TYPE_CHUNK_PIPE (sb_chunk_pipe_get_type ())
G_DECLARE_FINAL_TYPE (SbChunkPipe, sb_chunk_pipe, SB, CHUNK_PIPE, GInputStream)

/* Turns pushed chunks (an HTTP request body arriving piece by piece) into a
 * #GInputStream that storage can pull from. Bounded: push() says when the
 * queue is over @high_water, and the drained callback fires (in the context
 * that created the pipe) once a reader has taken it back under half of
 * that, so the producer can pause and resume. The callback is not called once
 * @target is finalized. Safe to read from a thread. */
SbChunkPipe *sb_chunk_pipe_new                  (gsize           high_water);
gboolean     sb_chunk_pipe_push                 (SbChunkPipe    *self,
                                                 GBytes         *chunk);
void         sb_chunk_pipe_close_write          (SbChunkPipe    *self);
void         sb_chunk_pipe_fail                 (SbChunkPipe    *self,
                                                 const GError   *error);
gsize        sb_chunk_pipe_get_queued           (SbChunkPipe    *self);
void         sb_chunk_pipe_set_drained_callback (SbChunkPipe    *self,
                                                 void          (*callback) (GObject *target),
                                                 GObject        *target);

G_END_DECLS
