/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "fuzz.h"
#include "sb-http-intake.h"

/* Input: one byte for the policy (the body limit, and whether chunked
 * bodies are refused), then the bytes a client sends on one connection.
 *
 * They go through the intake the way SbHttpConnection feeds it: whole, in
 * chunks whose sizes come from the input, and byte by byte. The oracles:
 * all three let the same bytes through and end the same way; every head let
 * through is one libsoup parses to the same method, path and framing (what
 * we accept can only be read one way); a Content-Length body passes whole
 * and no more; and the sanitizers. */

typedef struct {
  guint64  max_body;
  gboolean refuse_chunked;
  GString *log;             /* the heads the policy saw */
  SbHttpBodyKind kind;
  guint64  length;
  char    *method;
  char    *path;
} Run;

static void
policy (const SbHttpHead *head,
        SbHttpVerdict    *verdict,
        gpointer          user_data)
{
  Run *run = user_data;

  FUZZ_CHECK (head->method != NULL && head->path != NULL);
  g_string_append_printf (run->log, "head %s %s %d %" G_GUINT64_FORMAT "\n", head->method,
                          head->path, head->body, head->length);
  run->kind = head->body;
  run->length = head->length;
  g_free (run->method);
  run->method = g_strdup (head->method);
  g_free (run->path);
  run->path = g_strdup (head->path);
  verdict->max_body = run->max_body;
  verdict->too_large_message = g_strdup ("too large");
  if (run->refuse_chunked && head->body == SB_HTTP_BODY_CHUNKED)
    {
      verdict->status = 411;
      verdict->message = g_strdup ("length required");
    }
}

/* libsoup must read a head we let through exactly as we did. */
static void
check_with_libsoup (Run          *run,
                    const guint8 *head,
                    gsize         len)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *method = NULL;
  g_autofree char *target = NULL;
  g_autofree char *copy = g_strndup ((const char *) head, len);
  SoupHTTPVersion version;
  guint status;

  FUZZ_CHECK (len >= 4 && memcmp (head + len - 4, "\r\n\r\n", 4) == 0);
  /* libsoup is given the head without its final empty line. */
  status = soup_headers_parse_request (copy, (int) len - 2, headers, &method, &target, &version);
  if (status != SOUP_STATUS_OK)
    g_error ("libsoup refuses (%u) a head the intake let through:\n%s", status, copy);
  FUZZ_CHECK (g_strcmp0 (method, run->method) == 0);
  switch (run->kind)
    {
    case SB_HTTP_BODY_NONE:
      FUZZ_CHECK (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_NONE);
      break;
    case SB_HTTP_BODY_LENGTH:
      FUZZ_CHECK (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH);
      FUZZ_CHECK ((guint64) soup_message_headers_get_content_length (headers) == run->length);
      break;
    case SB_HTTP_BODY_CHUNKED:
      FUZZ_CHECK (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED);
      break;
    default:
      FUZZ_CHECK (FALSE);
    }
  /* One Host, and libsoup sees the same one. */
  FUZZ_CHECK (version == SOUP_HTTP_1_0 ||
              soup_message_headers_get_one (headers, "Host") != NULL);
}

/* @sizes: chunk sizes to cycle through (0 entries: one chunk). */
static char *
run_intake (guint8        policy_byte,
            const guint8 *data,
            gsize         len,
            const guint8 *sizes,
            gsize         n_sizes)
{
  Run run = { 0 };
  g_autoptr(SbHttpIntake) intake = NULL;
  g_autoptr(GByteArray) pending = g_byte_array_new ();
  GString *passed = g_string_new (NULL);
  SbHttpIntakeResult result = SB_HTTP_INTAKE_MORE;
  guint64 body_passed = 0;
  gsize pos = 0;

  /* 0 .. 255 bytes, or large */
  run.max_body = (policy_byte & 0x7f) == 0x7f ? G_MAXUINT64 / 2 : (guint64) (policy_byte & 0x7f) * 2;
  run.refuse_chunked = (policy_byte & 0x80) != 0;
  run.log = g_string_new (NULL);
  intake = sb_http_intake_new (policy, &run);

  for (gsize i = 0; pos < len && result != SB_HTTP_INTAKE_REFUSE; i++)
    {
      gsize n = n_sizes > 0 ? MIN ((gsize) sizes[i % n_sizes] + 1, len - pos) : len;

      g_byte_array_append (pending, data + pos, (guint) n);
      pos += n;
      for (;;)
        {
          gboolean in_head = sb_http_intake_in_head (intake);
          guint64 left_before = sb_http_intake_get_body_left (intake);
          gsize skip = 0, pass = 0;

          result = sb_http_intake_scan (intake, pending->data, pending->len, &skip, &pass);
          if (result == SB_HTTP_INTAKE_REFUSE)
            break;
          FUZZ_CHECK (skip + pass <= pending->len);
          if (result == SB_HTTP_INTAKE_MORE)
            FUZZ_CHECK (pass == 0);
          g_byte_array_remove_range (pending, 0, (guint) skip);
          if (pass > 0)
            {
              if (in_head)
                {
                  check_with_libsoup (&run, pending->data, pass);
                  body_passed = 0;
                }
              else
                {
                  body_passed += pass;
                  if (left_before > 0)
                    FUZZ_CHECK (pass <= left_before);
                }
              /* A Content-Length body never passes more than declared. */
              if (!in_head && run.kind == SB_HTTP_BODY_LENGTH)
                FUZZ_CHECK (body_passed <= run.length);
              g_string_append_len (passed, (const char *) pending->data, (gssize) pass);
              g_byte_array_remove_range (pending, 0, (guint) pass);
            }
          if ((pass == 0 && skip == 0) || pending->len == 0)
            break;
        }
    }

  if (result == SB_HTTP_INTAKE_REFUSE)
    {
      const char *message = NULL;
      guint status = sb_http_intake_get_refusal (intake, &message);

      FUZZ_CHECK (status >= 400 && status < 600);
      FUZZ_CHECK (message != NULL && g_utf8_validate (message, -1, NULL));
      g_string_append_printf (run.log, "refused %u\n", status);
    }
  g_string_append_printf (run.log, "passed %" G_GSIZE_FORMAT "\n", passed->len);
  g_string_append_len (run.log, passed->str, (gssize) passed->len);
  g_string_free (passed, TRUE);
  g_free (run.method);
  g_free (run.path);
  return g_string_free (run.log, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *whole = NULL;
  g_autofree char *chunked = NULL;

  fuzz_make_warnings_fatal ();
  if (size < 1)
    return 0;

  whole = run_intake (data[0], data + 1, size - 1, NULL, 0);
  /* chunk sizes from the last bytes, so the fuzzer steers them */
  chunked = run_intake (data[0], data + 1, size - 1, data + size - MIN (size, 16), MIN (size, 16));
  if (strcmp (whole, chunked) != 0)
    g_error ("one chunk and many chunks differ:\n%s\n---\n%s", whole, chunked);
  if (size <= 4096)
    {
      static const guint8 one = 0;
      g_autofree char *bytewise = run_intake (data[0], data + 1, size - 1, &one, 1);

      if (strcmp (whole, bytewise) != 0)
        g_error ("one chunk and byte by byte differ:\n%s\n---\n%s", whole, bytewise);
    }
  return 0;
}
