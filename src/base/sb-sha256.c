/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <nettle/sha2.h>

#include "sb-sha256.h"

struct _SbSha256
{
  struct sha256_ctx ctx;
};

SbSha256 *
sb_sha256_new (void)
{
  SbSha256 *self = g_new (SbSha256, 1);

  sha256_init (&self->ctx);
  return self;
}

void
sb_sha256_update (SbSha256   *self,
                  const void *data,
                  gsize       length)
{
  sha256_update (&self->ctx, length, data);
}

/* Returns the lower-case hex digest; @self starts over afterwards. */
char *
sb_sha256_finish_hex (SbSha256 *self)
{
  static const char hex[] = "0123456789abcdef";
  guint8 digest[SHA256_DIGEST_SIZE];
  char *out = g_malloc (2 * SHA256_DIGEST_SIZE + 1);

  sha256_digest (&self->ctx, sizeof digest, digest);
  for (gsize i = 0; i < sizeof digest; i++)
    {
      out[2 * i] = hex[digest[i] >> 4];
      out[2 * i + 1] = hex[digest[i] & 0xf];
    }
  out[2 * SHA256_DIGEST_SIZE] = '\0';
  return out;
}

void
sb_sha256_free (SbSha256 *self)
{
  g_free (self);
}

char *
sb_sha256_hex (const void *data,
               gsize       length)
{
  SbSha256 sha;

  sha256_init (&sha.ctx);
  sha256_update (&sha.ctx, length, data);
  return sb_sha256_finish_hex (&sha);
}
