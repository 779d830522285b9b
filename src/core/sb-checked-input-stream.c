/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-checked-input-stream.h"
#include "sb-error.h"
#include "sb-sha256.h"

struct _SbCheckedInputStream
{
  SbMeteredInputStream  parent_instance;
  char                 *name;
  guint64               length;
  guint64               count;
  SbSha256             *sha256;    /* NULL: a range, or no recorded digest */
  char                 *expected;
  gboolean              done;
};

G_DEFINE_FINAL_TYPE (SbCheckedInputStream, sb_checked_input_stream, SB_TYPE_METERED_INPUT_STREAM)

/* Accounts for @n bytes just read into @buffer (0: the base ended). Returns
 * what the caller gets: @n, or -1 with @error once the content proves
 * short, long or damaged. */
static gssize
account (SbCheckedInputStream  *self,
         const void            *buffer,
         gssize                 n,
         GError               **error)
{
  if (n < 0)
    return n;
  if (n == 0 && self->count < self->length)
    {
      g_autofree char *got = g_format_size_full (self->count, G_FORMAT_SIZE_LONG_FORMAT);
      g_autofree char *want = g_format_size_full (self->length, G_FORMAT_SIZE_LONG_FORMAT);

      g_warning ("content of “%s” ended after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                 " bytes", self->name, self->count, self->length);
      g_set_error (error, SB_ERROR, SB_ERROR_CORRUPT,
                   _("The content of “%s” ended early (%s of %s): it is incomplete in "
                     "storage. Nothing was saved."), self->name, got, want);
      return -1;
    }
  if ((guint64) n > self->length - self->count)
    {
      g_set_error (error, SB_ERROR, SB_ERROR_CORRUPT,
                   _("Storage returned more content for “%s” than it holds."), self->name);
      return -1;
    }

  self->count += (guint64) n;
  if (self->sha256 != NULL)
    sb_sha256_update (self->sha256, buffer, (gsize) n);
  if (self->count == self->length && !self->done)
    {
      self->done = TRUE;
      if (self->sha256 != NULL)
        {
          g_autofree char *digest = sb_sha256_finish_hex (self->sha256);

          g_clear_pointer (&self->sha256, sb_sha256_free);

          if (g_ascii_strcasecmp (digest, self->expected) != 0)
            {
              g_warning ("content of “%s” has SHA-256 %s, its record says %s", self->name,
                         digest, self->expected);
              g_set_error (error, SB_ERROR, SB_ERROR_CORRUPT,
                           _("“%s” is damaged in storage: its content does not match the "
                             "checksum recorded when it was uploaded. Nothing was saved."),
                           self->name);
              return -1;
            }
        }
    }
  return n;
}

/* TRUE once everything was read and checked; an empty file (or one read
 * to its last byte elsewhere) gets its check here. */
static gboolean
finished (SbCheckedInputStream  *self,
          GError               **error)
{
  return self->done || (self->count == self->length && account (self, NULL, 0, error) == 0);
}

/* Never asks the base for more than the file holds: what comes after is
 * not the file's. */
static gssize
sb_checked_input_stream_clamp (SbMeteredInputStream  *stream,
                               gsize                  count,
                               GError               **error)
{
  SbCheckedInputStream *self = SB_CHECKED_INPUT_STREAM (stream);
  GError *local_error = NULL;

  if (count == 0 || finished (self, &local_error))
    return 0;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return -1;
    }
  return (gssize) MIN ((guint64) count, self->length - self->count);
}

static gssize
sb_checked_input_stream_account (SbMeteredInputStream  *stream,
                                 const void            *buffer,
                                 gssize                 n,
                                 GError               **error)
{
  return account (SB_CHECKED_INPUT_STREAM (stream), buffer, n, error);
}

static void
sb_checked_input_stream_finalize (GObject *object)
{
  SbCheckedInputStream *self = SB_CHECKED_INPUT_STREAM (object);

  g_free (self->name);
  g_clear_pointer (&self->sha256, sb_sha256_free);
  g_free (self->expected);
  G_OBJECT_CLASS (sb_checked_input_stream_parent_class)->finalize (object);
}

static void
sb_checked_input_stream_class_init (SbCheckedInputStreamClass *klass)
{
  SbMeteredInputStreamClass *metered_class = SB_METERED_INPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sb_checked_input_stream_finalize;
  metered_class->clamp = sb_checked_input_stream_clamp;
  metered_class->account = sb_checked_input_stream_account;
}

static void
sb_checked_input_stream_init (SbCheckedInputStream *self)
{
}

/**
 * sb_checked_input_stream_new:
 * @base: the content as storage returns it
 * @name: the file's name, for messages
 * @length: how many bytes @base must yield
 * @sha256: (nullable): the recorded hex digest when @base is the whole
 *   file, else %NULL (a range cannot be checked against it)
 */
GInputStream *
sb_checked_input_stream_new (GInputStream *base,
                             const char   *name,
                             guint64       length,
                             const char   *sha256)
{
  SbCheckedInputStream *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (base), NULL);

  self = g_object_new (SB_TYPE_CHECKED_INPUT_STREAM, "base-stream", base, NULL);
  self->name = g_strdup (name);
  self->length = length;
  if (sha256 != NULL && *sha256 != '\0')
    {
      self->sha256 = sb_sha256_new ();
      self->expected = g_strdup (sha256);
    }
  return G_INPUT_STREAM (self);
}
