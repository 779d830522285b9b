/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* SHA-256, as fast as the CPU allows (nettle uses the SHA extensions where
 * present: about four times GChecksum here). Every byte StorageBox stores
 * goes through it, for S3 payload signatures and end-to-end checksums. */
typedef struct _SbSha256 SbSha256;

SbSha256 *sb_sha256_new        (void);
void      sb_sha256_update     (SbSha256   *self,
                                const void *data,
                                gsize       length);
char     *sb_sha256_finish_hex (SbSha256   *self);
void      sb_sha256_free       (SbSha256   *self);
char     *sb_sha256_hex        (const void *data,
                                gsize       length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbSha256, sb_sha256_free)

G_END_DECLS
