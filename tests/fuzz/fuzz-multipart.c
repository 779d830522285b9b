/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "sb-multipart-parser.h"

/* Input: a Content-Type header value, a newline, then the request body.
 *
 * The body is parsed three ways: in one chunk, in chunks of sizes drawn from
 * the input itself, and one byte at a time. All three must report the same
 * parts, the same bytes and the same outcome; that, the sanitizers and the
 * ordering of the callbacks are the oracles. A callback may be told (by the
 * input) to fail, to exercise the error paths too. */

typedef struct {
  GString  *log;
  gboolean  in_part;
  guint     n_calls;
  gboolean  had_data;  /* the current part has had a part_data call */
  guint     fail_at;   /* 1-based event number to fail at; 0 = never */
} Run;

static gboolean
maybe_fail (Run     *run,
            GError **error)
{
  if (++run->n_calls == run->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "callback failed");
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_begin (SbMultipartParser   *parser,
          SoupMessageHeaders  *headers,
          const char          *name,
          const char          *filename,
          const char          *content_type,
          gpointer             user_data,
          GError             **error)
{
  Run *run = user_data;

  FUZZ_CHECK (!run->in_part);
  FUZZ_CHECK (headers != NULL && name != NULL);
  FUZZ_CHECK (g_utf8_validate (name, -1, NULL));
  FUZZ_CHECK (filename == NULL || g_utf8_validate (filename, -1, NULL));
  FUZZ_CHECK (sb_multipart_parser_get_n_parts (parser) <= SB_MULTIPART_MAX_PARTS);
  run->in_part = TRUE;
  run->had_data = FALSE;
  g_string_append_printf (run->log, "begin %s|%s|%s\n", name, filename ? filename : "(null)",
                          content_type ? content_type : "(null)");
  return maybe_fail (run, error);
}

static gboolean
on_data (SbMultipartParser  *parser,
         const guint8       *data,
         gsize               len,
         gpointer            user_data,
         GError            **error)
{
  Run *run = user_data;

  FUZZ_CHECK (run->in_part);
  FUZZ_CHECK (len > 0);
  /* How a part's data is cut into calls depends on the chunking, so only
   * its first call counts as an event, and a failing call logs nothing. */
  if (!run->had_data)
    {
      run->had_data = TRUE;
      if (!maybe_fail (run, error))
        return FALSE;
    }
  /* consecutive data calls are merged so that chunking cannot show */
  g_string_append_len (run->log, (const char *) data, len);
  return TRUE;
}

static gboolean
on_end (SbMultipartParser  *parser,
        gpointer            user_data,
        GError            **error)
{
  Run *run = user_data;

  FUZZ_CHECK (run->in_part);
  run->in_part = FALSE;
  g_string_append (run->log, "\nend\n");
  return maybe_fail (run, error);
}

static const SbMultipartCallbacks callbacks = { on_begin, on_data, on_end };

/* @sizes: chunk sizes to cycle through (0 entries: one chunk). */
static char *
parse (const char   *boundary,
       const guint8 *body,
       gsize         len,
       const guint8 *sizes,
       gsize         n_sizes,
       guint         fail_at)
{
  g_autoptr(SbMultipartParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { g_string_new (NULL), FALSE, 0, FALSE, fail_at };
  gboolean ok = TRUE;
  gsize pos = 0;

  parser = sb_multipart_parser_new (boundary, &callbacks, &run);
  for (gsize i = 0; ok && pos < len; i++)
    {
      gsize n = n_sizes > 0 ? MIN ((gsize) sizes[i % n_sizes] + 1, len - pos) : len;

      ok = sb_multipart_parser_feed (parser, body + pos, n, &error);
      pos += n;
    }
  if (ok)
    ok = sb_multipart_parser_finish (parser, &error);

  if (ok)
    g_string_append (run.log, "OK");
  else
    g_string_append_printf (run.log, "ERROR %s %d %s", g_quark_to_string (error->domain),
                            error->code, error->message);
  return g_string_free (run.log, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *content_type = NULL;
  g_autofree char *boundary = NULL;
  g_autofree char *whole = NULL;
  g_autofree char *chunked = NULL;
  const guint8 *newline;
  const guint8 *body;
  gsize body_len;
  guint fail_at;

  fuzz_make_warnings_fatal ();

  newline = memchr (data, '\n', MIN (size, 256));
  if (newline == NULL)
    return 0;
  content_type = g_strndup ((const char *) data, newline - data);
  boundary = sb_multipart_boundary_from_content_type (content_type, NULL);
  if (boundary == NULL)
    return 0;

  body = newline + 1;
  body_len = size - (body - data);
  /* Drawn from the body's length, which the fuzzer varies freely: usually
   * no failure, sometimes one at an early callback. */
  fail_at = body_len % 7 == 3 ? 1 + body_len % 5 : 0;

  whole = parse (boundary, body, body_len, NULL, 0, fail_at);
  /* chunk sizes from the last bytes of the body, so the fuzzer steers them
   * and they are often small (a boundary split every which way) */
  chunked = parse (boundary, body, body_len, body + body_len - MIN (body_len, 16),
                   MIN (body_len, 16), fail_at);
  if (strcmp (whole, chunked) != 0)
    g_error ("one chunk and many chunks differ:\n%s\n---\n%s", whole, chunked);

  if (body_len <= 4096)
    {
      static const guint8 one = 0;
      g_autofree char *bytewise = parse (boundary, body, body_len, &one, 1, fail_at);

      if (strcmp (whole, bytewise) != 0)
        g_error ("one chunk and byte by byte differ:\n%s\n---\n%s", whole, bytewise);
    }

  return 0;
}
