/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-multipart-parser.h"

/* What the callbacks saw, in a form two deliveries of one body can be
 * compared by: one line per part with its fields and all of its data. */
typedef struct {
  GString  *log;
  GString  *data;        /* the current part's data */
  gboolean  in_part;
  guint     n_data_calls;
  gsize     delivered;   /* part bytes delivered so far, all parts */
  /* to make a callback fail */
  guint     fail_begin_at;  /* 1-based part number; 0 = never */
  gboolean  fail_silently;
  gboolean  fail_in_data;
  gboolean  fail_in_end;
} Recorder;

static void
append_escaped (GString      *out,
                const guint8 *data,
                gsize         len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (data[i] >= 0x20 && data[i] < 0x7f && data[i] != '\\' && data[i] != '"')
        g_string_append_c (out, data[i]);
      else
        g_string_append_printf (out, "\\x%02x", data[i]);
    }
}

static gboolean
fail (Recorder  *r,
      GError   **error)
{
  if (!r->fail_silently)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "disk full");
  return FALSE;
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
  Recorder *r = user_data;

  g_assert_false (r->in_part);
  g_assert_nonnull (headers);
  g_assert_nonnull (name);
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_true (filename == NULL || g_utf8_validate (filename, -1, NULL));
  r->in_part = TRUE;
  g_string_set_size (r->data, 0);

  g_string_append (r->log, "part name=");
  append_escaped (r->log, (const guint8 *) name, strlen (name));
  if (filename != NULL)
    {
      g_string_append (r->log, " filename=");
      append_escaped (r->log, (const guint8 *) filename, strlen (filename));
    }
  if (content_type != NULL)
    g_string_append_printf (r->log, " type=%s", content_type);

  if (r->fail_begin_at == sb_multipart_parser_get_n_parts (parser))
    return fail (r, error);
  return TRUE;
}

static gboolean
on_data (SbMultipartParser  *parser,
         const guint8       *data,
         gsize               len,
         gpointer            user_data,
         GError            **error)
{
  Recorder *r = user_data;

  g_assert_true (r->in_part);
  g_assert_cmpuint (len, >, 0);
  g_string_append_len (r->data, (const char *) data, len);
  r->n_data_calls++;
  r->delivered += len;
  if (r->fail_in_data)
    return fail (r, error);
  return TRUE;
}

static gboolean
on_end (SbMultipartParser  *parser,
        gpointer            user_data,
        GError            **error)
{
  Recorder *r = user_data;

  g_assert_true (r->in_part);
  r->in_part = FALSE;
  g_string_append (r->log, " data=\"");
  append_escaped (r->log, (const guint8 *) r->data->str, r->data->len);
  g_string_append (r->log, "\"\n");
  if (r->fail_in_end)
    return fail (r, error);
  return TRUE;
}

static const SbMultipartCallbacks callbacks = { on_begin, on_data, on_end };

static void
recorder_init (Recorder *r)
{
  memset (r, 0, sizeof *r);
  r->log = g_string_new (NULL);
  r->data = g_string_new (NULL);
}

static void
recorder_clear (Recorder *r)
{
  g_string_free (r->log, TRUE);
  g_string_free (r->data, TRUE);
}

/* Feeds @body cut at each of @cuts (ascending offsets), then finishes, and
 * returns the log followed by the outcome. */
static char *
parse_cut (const char  *boundary,
           const char  *body,
           gsize        len,
           const gsize *cuts,
           gsize        n_cuts)
{
  g_autoptr(SbMultipartParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  Recorder r;
  gsize start = 0;
  gboolean ok = TRUE;
  char *result;

  recorder_init (&r);
  parser = sb_multipart_parser_new (boundary, &callbacks, &r);

  for (gsize i = 0; i <= n_cuts && ok; i++)
    {
      gsize end = i < n_cuts ? cuts[i] : len;

      ok = sb_multipart_parser_feed (parser, (const guint8 *) body + start, end - start, &error);
      start = end;
    }
  if (ok)
    ok = sb_multipart_parser_finish (parser, &error);

  if (ok)
    g_string_append (r.log, "OK");
  else
    g_string_append_printf (r.log, "ERROR %s %d: %s", g_quark_to_string (error->domain),
                            error->code, error->message);
  result = g_strdup (r.log->str);
  recorder_clear (&r);
  g_assert_finalize_object (g_steal_pointer (&parser));
  return result;
}

static char *
parse (const char *boundary,
       const char *body,
       gsize       len)
{
  return parse_cut (boundary, body, len, NULL, 0);
}

static char *
parse_bytewise (const char *boundary,
                const char *body,
                gsize       len)
{
  g_autofree gsize *cuts = g_new (gsize, len);

  for (gsize i = 0; i < len; i++)
    cuts[i] = i;
  return parse_cut (boundary, body, len, cuts, len);
}

/* Parses whole, byte by byte, and at every single cut, and checks that all
 * agree with @expected. */
static void
assert_parses (const char *boundary,
               const char *body,
               gsize       len,
               const char *expected)
{
  g_autofree char *whole = parse (boundary, body, len);
  g_autofree char *bytewise = parse_bytewise (boundary, body, len);

  g_assert_cmpstr (whole, ==, expected);
  g_assert_cmpstr (bytewise, ==, expected);
  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autofree char *split = parse_cut (boundary, body, len, &cut, 1);

      if (g_strcmp0 (split, expected) != 0)
        g_error ("cut at %" G_GSIZE_FORMAT ":\n%s\nexpected:\n%s", cut, split, expected);
    }
}

#define ASSERT_PARSES(boundary, body, expected) \
  assert_parses (boundary, body, sizeof (body) - 1, expected)

/* Chromium 120 on Linux: a text field, a file with a quote and non-ASCII in
 * its name, and a file input left empty. */
#define CHROMIUM_BOUNDARY "----WebKitFormBoundaryQ0pVfAh7Zc0qXm1f"
#define CHROMIUM_DELIM "------WebKitFormBoundaryQ0pVfAh7Zc0qXm1f"
static const char chromium_body[] =
  CHROMIUM_DELIM "\r\n"
  "Content-Disposition: form-data; name=\"description\"\r\n"
  "\r\n"
  "Notes for \"Q3\" – ünïcode\r\nsecond line\r\n"
  CHROMIUM_DELIM "\r\n"
  "Content-Disposition: form-data; name=\"file\"; filename=\"résumé %22final%22 ✓.txt\"\r\n"
  "Content-Type: text/plain\r\n"
  "\r\n"
  "hello\r\n"
  CHROMIUM_DELIM "\r\n"
  "Content-Disposition: form-data; name=\"other\"; filename=\"\"\r\n"
  "Content-Type: application/octet-stream\r\n"
  "\r\n"
  "\r\n"
  CHROMIUM_DELIM "--\r\n";

static const char chromium_expected[] =
  "part name=description data=\"Notes for \\x22Q3\\x22 \\xe2\\x80\\x93 "
  "\\xc3\\xbcn\\xc3\\xafcode\\x0d\\x0asecond line\"\n"
  "part name=file filename=r\\xc3\\xa9sum\\xc3\\xa9 \\x22final\\x22 \\xe2\\x9c\\x93.txt "
  "type=text/plain data=\"hello\"\n"
  "part name=other filename= type=application/octet-stream data=\"\"\n"
  "OK";

static void
test_chromium (void)
{
  ASSERT_PARSES (CHROMIUM_BOUNDARY, chromium_body, chromium_expected);
}

/* curl 7.88 -F desc=hi -F file=@data.bin: its boundary, and no epilogue. */
#define CURL_BOUNDARY "------------------------d74496d66958873e"
#define CURL_DELIM "--" CURL_BOUNDARY

static void
test_curl (void)
{
  static const char body[] =
    CURL_DELIM "\r\n"
    "Content-Disposition: form-data; name=\"desc\"\r\n"
    "\r\n"
    "hi\r\n"
    CURL_DELIM "\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"data.bin\"\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "\x00\x01\xff\r\n\r\n"
    CURL_DELIM "--";

  ASSERT_PARSES (CURL_BOUNDARY, body,
                 "part name=desc data=\"hi\"\n"
                 "part name=file filename=data.bin type=application/octet-stream "
                 "data=\"\\x00\\x01\\xff\\x0d\\x0a\"\n"
                 "OK");
}

/* Part data that looks like delimiters: every prefix of "\r\n--boundary",
 * the boundary without its CRLF, and a CR right before the real one. */
static void
test_binary_lookalikes (void)
{
  static const char body[] =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"f\"; filename=\"b.bin\"\r\n"
    "\r\n"
    "\r\r\n\r\n-\r\n--\r\n--X\r\n--Xy--XyZ\n--XyZ\r--XyZ \r\n-XyZ\r"
    "\r\n--XyZ\r\n"
    "Content-Disposition: form-data; name=\"g\"\r\n"
    "\r\n"
    "\r\n--Xy"
    "\r\n--XyZ--";

  ASSERT_PARSES ("XyZ", body,
                 "part name=f filename=b.bin data=\"\\x0d\\x0d\\x0a\\x0d\\x0a-\\x0d\\x0a--"
                 "\\x0d\\x0a--X\\x0d\\x0a--Xy--XyZ\\x0a--XyZ\\x0d--XyZ \\x0d\\x0a-XyZ\\x0d\"\n"
                 "part name=g data=\"\\x0d\\x0a--Xy\"\n"
                 "OK");
}

static void
test_preamble_epilogue_padding (void)
{
  static const char body[] =
    "This is the preamble. --b is not a boundary here, nor is\r\n-b.\r\n"
    "--b \t \r\n"
    "Content-Disposition: form-data; name=a\r\n"
    "\r\n"
    "1\r\n"
    "--b\t\r\n"
    "content-disposition: FORM-DATA ; NAME = \"b\" ; extra=\"x;y\";\r\n"
    "\r\n"
    "2\r\n"
    "--b--  \r\nepilogue\r\n--b\r\nignored";

  ASSERT_PARSES ("b", body, "part name=a data=\"1\"\npart name=b data=\"2\"\nOK");
  ASSERT_PARSES ("b", "\r\n--b--", "OK");
  ASSERT_PARSES ("b", "--b--", "OK");
  ASSERT_PARSES ("b", "--b\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n\r\n--b--",
                 "part name= data=\"\"\nOK");
}

static void
test_filenames (void)
{
  static const char body[] =
    "--b\r\n"
    "Content-Disposition: form-data; name=\"a%22b\"; filename=\"q%22%0D%0a%0d%0A.txt\"\r\n\r\n"
    "\r\n--b\r\n"
    "Content-Disposition: form-data; name=\"pct\"; filename=\"100%25 %41 %2 %.txt\"\r\n\r\n"
    "\r\n--b\r\n"
    "Content-Disposition: form-data; name=\"bs\"; filename=\"C:\\fakepath\\new.txt\"\r\n\r\n"
    "\r\n--b\r\n"
    "Content-Disposition: form-data; name=\"trailing\"; filename=\"dir\\\"\r\n\r\n"
    "\r\n--b\r\n"
    "Content-Disposition: form-data; name=\"semi\"; filename=\"a;b=c, d.txt\"\r\n\r\n"
    "\r\n--b\r\n"
    "Content-Disposition: form-data; name=\"ext\"; filename=\"fallback.txt\"; "
    "filename*=UTF-8''%E2%9C%93%20ok.txt\r\n\r\n"
    "\r\n--b\r\n"
    "Content-Disposition: form-data; name=\"latin\"; filename*=iso-8859-1'en'caf%E9.txt\r\n\r\n"
    "\r\n--b\r\n"
    "Content-Disposition: form-data; name=\"badext\"; filename=\"plain.txt\"; "
    "filename*=koi8-r''%C1\r\n\r\n"
    "\r\n--b\r\n"
    "Content-Disposition: form-data; name=\"badpct\"; filename=\"plain.txt\"; "
    "filename*=UTF-8''%G1\r\n\r\n"
    "\r\n--b\r\n"
    "Content-Disposition: form-data; filename=\"first.txt\"; name=\"order\"\r\n\r\n"
    "\r\n--b\r\n"
    "Content-Disposition: form-data; name=token_name; filename=token.txt\r\n\r\n"
    "\r\n--b--";

  ASSERT_PARSES ("b", body,
                 "part name=a\\x22b filename=q\\x22\\x0d\\x0a\\x0d\\x0a.txt data=\"\"\n"
                 "part name=pct filename=100%25 %41 %2 %.txt data=\"\"\n"
                 "part name=bs filename=C:\\x5cfakepath\\x5cnew.txt data=\"\"\n"
                 "part name=trailing filename=dir\\x5c data=\"\"\n"
                 "part name=semi filename=a;b=c, d.txt data=\"\"\n"
                 "part name=ext filename=\\xe2\\x9c\\x93 ok.txt data=\"\"\n"
                 "part name=latin filename=caf\\xc3\\xa9.txt data=\"\"\n"
                 "part name=badext filename=plain.txt data=\"\"\n"
                 "part name=badpct filename=plain.txt data=\"\"\n"
                 "part name=order filename=first.txt data=\"\"\n"
                 "part name=token_name filename=token.txt data=\"\"\n"
                 "OK");
}

/* libsoup's client (GNOME apps) and curl before 7.81 escape with backslashes
 * as RFC 9110 quoted-strings do; when the HTML reading cannot parse the
 * header, that reading is used instead. */
static void
test_backslash_escaped_filenames (void)
{
  static const char body[] =
    "--b\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"100% \\\"quoted\\\" & more.txt\"\r\n"
    "\r\n"
    "x\r\n--b\r\n"
    "Content-Disposition: form-data; name=\"file2\"; filename=\"back\\\\slash %22.txt\"; x=\"\\\"\"\r\n"
    "\r\n"
    "\r\n--b--";

  ASSERT_PARSES ("b", body,
                 "part name=file filename=100% \\x22quoted\\x22 & more.txt data=\"x\"\n"
                 "part name=file2 filename=back\\x5cslash %22.txt data=\"\"\n"
                 "OK");
}

static gboolean
check_headers (SbMultipartParser   *parser,
               SoupMessageHeaders  *headers,
               const char          *name,
               const char          *filename,
               const char          *content_type,
               gpointer             user_data,
               GError             **error)
{
  GHashTable *params = NULL;

  g_assert_cmpstr (content_type, ==, "text/plain");
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, &params), ==, "text/plain");
  g_assert_cmpstr (g_hash_table_lookup (params, "charset"), ==, "utf-8");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Extra"), ==, "a  b");
  g_hash_table_unref (params);
  (*(int *) user_data)++;
  return TRUE;
}

static void
test_headers_passed (void)
{
  static const char body[] =
    "--b\r\n"
    "Content-Disposition: form-data; name=\"t\"\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "X-Extra:   a  b \t\r\n"
    "\r\n"
    "x\r\n--b--";
  static const SbMultipartCallbacks only_begin = { check_headers, NULL, NULL };
  g_autoptr(SbMultipartParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  int seen = 0;

  parser = sb_multipart_parser_new ("b", &only_begin, &seen);
  g_assert_true (sb_multipart_parser_feed (parser, (const guint8 *) body, sizeof body - 1,
                                           &error));
  g_assert_true (sb_multipart_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seen, ==, 1);
  g_assert_cmpuint (sb_multipart_parser_get_n_parts (parser), ==, 1);
}

/* Every way to cut the Chromium body in two or three pieces gives the same
 * result; the three-piece loop covers every pair of cuts on a short body. */
static void
test_every_split (void)
{
  static const char body[] =
    "--bnd\r\n"
    "Content-Disposition: form-data; name=\"x\"; filename=\"y\"\r\n"
    "\r\n"
    "ab\r\n--bn\r\r\n\r\n"
    "--bnd \r\n"
    "Content-Disposition: form-data; name=z\r\n"
    "\r\n"
    "--bnd\r\n"
    "--bnd--\r\n";
  const gsize len = sizeof body - 1;
  g_autofree char *expected = parse ("bnd", body, len);

  g_assert_cmpstr (expected, ==,
                   "part name=x filename=y data=\"ab\\x0d\\x0a--bn\\x0d\\x0d\\x0a\"\n"
                   "part name=z data=\"--bnd\"\nOK");

  for (gsize i = 0; i <= len; i++)
    for (gsize j = i; j <= len; j++)
      {
        gsize cuts[2] = { i, j };
        g_autofree char *got = parse_cut ("bnd", body, len, cuts, 2);

        if (strcmp (got, expected) != 0)
          g_error ("cuts at %" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT ":\n%s", i, j, got);
      }

  /* and the realistic body, in pieces of every size */
  for (gsize step = 1; step <= 64; step++)
    {
      gsize n = (sizeof chromium_body - 1) / step;
      g_autofree gsize *cuts = g_new (gsize, n);
      g_autofree char *got = NULL;

      for (gsize k = 0; k < n; k++)
        cuts[k] = (k + 1) * step;
      got = parse_cut (CHROMIUM_BOUNDARY, chromium_body, sizeof chromium_body - 1, cuts, n);
      g_assert_cmpstr (got, ==, chromium_expected);
    }
}

/* Cut off anywhere before the close delimiter, a body is an error from
 * finish(), never a silent success. */
static void
test_truncated (void)
{
  const gsize len = sizeof chromium_body - 1;
  const gsize complete = len - 2;  /* the "\r\n" after "--" is epilogue */

  for (gsize n = 0; n < complete; n++)
    {
      g_autofree char *got = parse (CHROMIUM_BOUNDARY, chromium_body, n);

      if (!g_str_has_suffix (got, "ERROR sb-multipart-error-quark 3: "
                             "The upload was cut off before it finished."))
        g_error ("prefix of %" G_GSIZE_FORMAT " bytes: %s", n, got);
      /* an incomplete part is never ended */
      g_assert_null (strstr (got, "data=\"hel\""));
    }
  for (gsize n = complete; n <= len; n++)
    {
      g_autofree char *got = parse (CHROMIUM_BOUNDARY, chromium_body, n);

      g_assert_cmpstr (got, ==, chromium_expected);
    }

  ASSERT_PARSES ("b", "", "ERROR sb-multipart-error-quark 3: "
                 "The upload was cut off before it finished.");
  ASSERT_PARSES ("b", "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b\r\n",
                 "part name=a data=\"1\"\n"
                 "ERROR sb-multipart-error-quark 3: The upload was cut off before it finished.");
  ASSERT_PARSES ("b", "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n",
                 "part name=aERROR sb-multipart-error-quark 3: "
                 "The upload was cut off before it finished.");
  ASSERT_PARSES ("b", "no boundary at all",
                 "ERROR sb-multipart-error-quark 3: The upload was cut off before it finished.");
}

static void
assert_malformed (const char *body,
                  const char *message)
{
  g_autofree char *expected = g_strdup_printf ("ERROR sb-multipart-error-quark 2: "
                                               "Malformed form data: %s", message);
  g_autofree char *got = parse ("b", body, strlen (body));
  g_autofree char *bytewise = parse_bytewise ("b", body, strlen (body));

  if (!g_str_has_suffix (got, expected))
    g_error ("%s\ngives\n%s", body, got);
  g_assert_cmpstr (bytewise, ==, got);
}

#define PART(headers) "--b\r\n" headers "\r\n\r\ndata\r\n--b--"

static void
test_malformed (void)
{
  assert_malformed (PART ("Content-Disposition form-data; name=a"),
                    "a part header is not “Name: value”.");
  assert_malformed (PART ("Content-Disposition : form-data; name=a"),
                    "a part header is not “Name: value”.");
  assert_malformed (PART (": form-data"), "a part header is not “Name: value”.");
  assert_malformed (PART ("Content-Disposition: form-data;\r\n name=a"),
                    "a part header is not “Name: value”.");
  assert_malformed (PART ("Content-Disposition: form-data; name=a\nX: y"),
                    "a part header holds a control character.");
  assert_malformed (PART ("Content-Disposition: form-data; name=\"a\rb\""),
                    "a part header holds a control character.");
  assert_malformed (PART ("X-Only: 1"), "a part has no Content-Disposition.");
  assert_malformed ("--b\r\n\r\ndata\r\n--b--", "a part has no Content-Disposition.");
  assert_malformed (PART ("Content-Disposition: attachment; name=a"), "a part is not form-data.");
  assert_malformed (PART ("Content-Disposition: form-data2; name=a"), "a part is not form-data.");
  assert_malformed (PART ("Content-Disposition: form-data"), "a part has no name.");
  assert_malformed (PART ("Content-Disposition: form-data; filename=\"a\""),
                    "a part has no name.");
  assert_malformed (PART ("Content-Disposition: form-data; name=\"a"),
                    "bad Content-Disposition header.");
  assert_malformed (PART ("Content-Disposition: form-data; name=\"a\" x"),
                    "bad Content-Disposition header.");
  assert_malformed (PART ("Content-Disposition: form-data; name"),
                    "bad Content-Disposition header.");
  assert_malformed (PART ("Content-Disposition: form-data; name="),
                    "bad Content-Disposition header.");
  assert_malformed (PART ("Content-Disposition: form-data; =a"),
                    "bad Content-Disposition header.");
  assert_malformed (PART ("Content-Disposition: form-data name=a"),
                    "bad Content-Disposition header.");
  assert_malformed (PART ("Content-Disposition: form-data; name=a b"),
                    "bad Content-Disposition header.");
  assert_malformed (PART ("Content-Disposition: form-data; name=a; NAME=b"),
                    "a Content-Disposition parameter is repeated.");
  assert_malformed (PART ("Content-Disposition: form-data; name=a\r\n"
                          "Content-Disposition: form-data; name=b"),
                    "bad Content-Disposition header.");
  assert_malformed (PART ("Content-Disposition: form-data; name=\"\xff\""),
                    "a field name is not valid UTF-8.");
  assert_malformed (PART ("Content-Disposition: form-data; name=a; filename=\"\xc3(\""),
                    "a file name is not valid UTF-8.");
  assert_malformed (PART ("Content-Disposition: form-data; name=a; filename*=UTF-8''%FF"),
                    "a file name is not valid UTF-8.");
  /* Read as a C string, "safe.txt%00.exe" would be stored as "safe.txt". */
  assert_malformed (PART ("Content-Disposition: form-data; name=a; filename*=UTF-8''safe.txt%00.exe"),
                    "a file name holds a NUL character.");
  assert_malformed (PART ("Content-Disposition: form-data; name=a; filename=\"safe.txt\"; "
                          "filename*=UTF-8''safe.txt%00.exe"),
                    "a file name holds a NUL character.");
  assert_malformed ("--bx\r\n", "a boundary is followed by other text.");
  assert_malformed ("--b-x", "a boundary is followed by other text.");
  assert_malformed ("--b \tx\r\n", "a boundary is followed by other text.");
  assert_malformed ("--b\rx", "a boundary is followed by other text.");
  assert_malformed ("--b\n", "a boundary is followed by other text.");
  assert_malformed ("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--bb",
                    "a boundary is followed by other text.");
}

static void
test_boundary_from_content_type (void)
{
  static const struct {
    const char *header;
    const char *boundary;
  } good[] = {
    { "multipart/form-data; boundary=abc", "abc" },
    { "multipart/form-data;boundary=----WebKitFormBoundaryQ0pVfAh7Zc0qXm1f",
      "----WebKitFormBoundaryQ0pVfAh7Zc0qXm1f" },
    { "Multipart/Form-Data; Boundary=\"a b'()+_,-./:=?Z9\"", "a b'()+_,-./:=?Z9" },
    { "  multipart/form-data  ; charset=utf-8; boundary=x ", "x" },
    { "multipart/form-data; boundary=1234567890123456789012345678901234567890"
      "123456789012345678901234567890",
      "1234567890123456789012345678901234567890123456789012345678901234567890" },
  };
  static const char *bad[] = {
    "multipart/form-data; boundary=1234567890123456789012345678901234567890"
    "1234567890123456789012345678901",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=\"\"",
    "multipart/form-data; boundary=\"ends with space \"",
    "multipart/form-data; boundary=a@b",
    "multipart/form-data; boundary=\"a\\\"b\"",
    "multipart/form-data; boundary=\"é\"",
    "multipart/form-data",
    "multipart/form-data;",
    "multipart/form-data; charset=utf-8",
    "multipart/form-data; boundary=a; boundary=b",
    "multipart/form-data-x; boundary=x",
    "multipart/mixed; boundary=x",
    "text/plain; boundary=x",
    "application/x-www-form-urlencoded",
    "",
    NULL,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *boundary = sb_multipart_boundary_from_content_type (good[i].header, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (boundary, ==, good[i].boundary);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *boundary = sb_multipart_boundary_from_content_type (bad[i], &error);

      if (boundary != NULL)
        g_error ("“%s” gave boundary “%s”", bad[i], boundary);
      g_assert_error (error, SB_MULTIPART_ERROR, SB_MULTIPART_ERROR_BAD_CONTENT_TYPE);
      g_assert_true (g_str_has_prefix (error->message, "Malformed form data: "));
    }
}

static char *
many_parts (guint n)
{
  GString *body = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (body, "--b\r\nContent-Disposition: form-data; name=f%u\r\n\r\n%u\r\n",
                            i, i);
  g_string_append (body, "--b--\r\n");
  return g_string_free (body, FALSE);
}

static void
test_limits (void)
{
  g_autofree char *thousand = many_parts (SB_MULTIPART_MAX_PARTS);
  g_autofree char *too_many = many_parts (SB_MULTIPART_MAX_PARTS + 1);
  g_autofree char *got = parse ("b", thousand, strlen (thousand));
  g_autoptr(GString) big = g_string_new ("--b\r\nContent-Disposition: form-data; name=a\r\n");
  g_autofree char *got_big = NULL;

  g_assert_true (g_str_has_suffix (got, "part name=f999 data=\"999\"\nOK"));
  g_clear_pointer (&got, g_free);
  got = parse ("b", too_many, strlen (too_many));
  g_assert_true (g_str_has_suffix (got, "part name=f999 data=\"999\"\n"
                                   "ERROR sb-multipart-error-quark 4: "
                                   "Malformed form data: more than 1000 parts."));

  /* headers of exactly the limit pass; one byte more does not */
  while (big->len < SB_MULTIPART_MAX_HEADER_SIZE - 200)
    g_string_append (big, "X-Pad: 0123456789abcdef\r\n");
  g_string_append (big, "X-Last: ");
  while (big->len - 5 < SB_MULTIPART_MAX_HEADER_SIZE - 4)
    g_string_append_c (big, 'v');
  g_string_append (big, "\r\n\r\n");
  g_assert_cmpuint (big->len - 5, ==, SB_MULTIPART_MAX_HEADER_SIZE);
  g_string_append (big, "x\r\n--b--");
  got_big = parse ("b", big->str, big->len);
  g_assert_cmpstr (got_big, ==, "part name=a data=\"x\"\nOK");
  g_clear_pointer (&got_big, g_free);

  g_string_insert_c (big, 60, 'Y');
  got_big = parse_bytewise ("b", big->str, big->len);
  g_assert_cmpstr (got_big, ==, "ERROR sb-multipart-error-quark 4: "
                   "Malformed form data: the headers of a part are larger than 16384 bytes.");
}

/* A header block that never ends fails as soon as it passes the limit. */
static void
test_endless_headers (void)
{
  g_autoptr(SbMultipartParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  Recorder r;
  guint8 chunk[1000];
  gsize fed = 0;

  recorder_init (&r);
  memset (chunk, 'h', sizeof chunk);
  parser = sb_multipart_parser_new ("b", &callbacks, &r);
  g_assert_true (sb_multipart_parser_feed (parser, (const guint8 *) "--b\r\n", 5, &error));
  while (sb_multipart_parser_feed (parser, chunk, sizeof chunk, &error))
    fed += sizeof chunk;
  g_assert_error (error, SB_MULTIPART_ERROR, SB_MULTIPART_ERROR_TOO_LARGE);
  g_assert_cmpuint (fed, <=, SB_MULTIPART_MAX_HEADER_SIZE);
  recorder_clear (&r);
}

static void
test_callback_errors (void)
{
  static const char body[] = PART ("Content-Disposition: form-data; name=a");
  struct {
    guint fail_begin_at;
    gboolean fail_in_data;
    gboolean fail_in_end;
    gboolean silently;
    const char *expected;
  } cases[] = {
    { 1, FALSE, FALSE, FALSE, "part name=aERROR g-io-error-quark 12: disk full" },
    { 0, TRUE, FALSE, FALSE, "part name=aERROR g-io-error-quark 12: disk full" },
    { 0, FALSE, TRUE, FALSE, "part name=a data=\"data\"\nERROR g-io-error-quark 12: disk full" },
    { 1, FALSE, FALSE, TRUE, "part name=aERROR sb-multipart-error-quark 0: "
                             "The upload was stopped." },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SbMultipartParser) parser = NULL;
      g_autoptr(GError) error = NULL;
      Recorder r;

      recorder_init (&r);
      r.fail_begin_at = cases[i].fail_begin_at;
      r.fail_in_data = cases[i].fail_in_data;
      r.fail_in_end = cases[i].fail_in_end;
      r.fail_silently = cases[i].silently;
      parser = sb_multipart_parser_new ("b", &callbacks, &r);

      g_assert_false (sb_multipart_parser_feed (parser, (const guint8 *) body, sizeof body - 1,
                                                &error));
      g_string_append_printf (r.log, "ERROR %s %d: %s", g_quark_to_string (error->domain),
                              error->code, error->message);
      g_assert_cmpstr (r.log->str, ==, cases[i].expected);
      g_clear_error (&error);

      /* the parser stays failed, with the same error, and calls nothing */
      g_string_set_size (r.log, 0);
      g_assert_false (sb_multipart_parser_feed (parser, (const guint8 *) body, sizeof body - 1,
                                                &error));
      g_assert_nonnull (strstr (cases[i].expected, error->message));
      g_clear_error (&error);
      g_assert_false (sb_multipart_parser_finish (parser, &error));
      g_assert_nonnull (strstr (cases[i].expected, error->message));
      g_assert_cmpstr (r.log->str, ==, "");
      recorder_clear (&r);
    }
}

static void
test_no_callbacks (void)
{
  static const SbMultipartCallbacks none = { NULL, NULL, NULL };
  g_autoptr(SbMultipartParser) parser = sb_multipart_parser_new (CHROMIUM_BOUNDARY, &none, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (sb_multipart_parser_feed (parser, (const guint8 *) chromium_body,
                                           sizeof chromium_body - 1, &error));
  g_assert_true (sb_multipart_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sb_multipart_parser_get_n_parts (parser), ==, 3);
}

/* xorshift: reproducible data without a seed file */
static void
fill_random (guint8  *data,
             gsize    len,
             guint64 *state)
{
  for (gsize i = 0; i < len; i++)
    {
      *state ^= *state << 13;
      *state ^= *state >> 7;
      *state ^= *state << 17;
      data[i] = (guint8) *state;
    }
}

/* A large file goes through in chunks of a few KiB: each part_data call hands
 * over all but at most a delimiter's length of what was fed, so nothing
 * accumulates, and the bytes come out unchanged. */
static void
test_streaming (void)
{
  const char *head = "--" CHROMIUM_BOUNDARY "\r\n"
                     "Content-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                     "Content-Type: application/octet-stream\r\n\r\n";
  const char *tail = "\r\n--" CHROMIUM_BOUNDARY "--\r\n";
  const gsize size = 8 * 1024 * 1024 + 13;
  const gsize slack = strlen (CHROMIUM_BOUNDARY) + 4;
  g_autofree guint8 *file = g_malloc (size);
  g_autoptr(SbMultipartParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  GChecksum *expected_sum = g_checksum_new (G_CHECKSUM_SHA256);
  GChecksum *got_sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint64 state = 0x9e3779b97f4a7c15;
  Recorder r;
  gsize fed = 0;

  fill_random (file, size, &state);
  /* plenty of near-delimiters inside the file */
  for (gsize i = 0; i + 64 < size; i += 4093)
    memcpy (file + i, "\r\n--" CHROMIUM_BOUNDARY, 4 + (i / 4093) % strlen (CHROMIUM_BOUNDARY));
  g_checksum_update (expected_sum, file, size);

  recorder_init (&r);
  parser = sb_multipart_parser_new (CHROMIUM_BOUNDARY, &callbacks, &r);
  g_assert_true (sb_multipart_parser_feed (parser, (const guint8 *) head, strlen (head), &error));
  while (fed < size)
    {
      gsize n = MIN (size - fed, 1 + (fed * 7 + 4000) % 9000);

      g_assert_true (sb_multipart_parser_feed (parser, file + fed, n, &error));
      fed += n;
      g_assert_cmpuint (r.delivered + slack, >=, fed);
      /* hash and drop what came out, as the server would write it away */
      g_checksum_update (got_sum, (const guint8 *) r.data->str, r.data->len);
      g_string_set_size (r.data, 0);
    }
  g_assert_true (sb_multipart_parser_feed (parser, (const guint8 *) tail, strlen (tail), &error));
  g_assert_true (sb_multipart_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_checksum_update (got_sum, (const guint8 *) r.data->str, r.data->len);
  g_assert_cmpuint (r.delivered, ==, size);
  g_assert_cmpstr (g_checksum_get_string (got_sum), ==, g_checksum_get_string (expected_sum));

  g_checksum_free (expected_sum);
  g_checksum_free (got_sum);
  recorder_clear (&r);
}

static gboolean
count_data (SbMultipartParser  *parser,
            const guint8       *data,
            gsize               len,
            gpointer            user_data,
            GError            **error)
{
  *(gsize *) user_data += len;
  return TRUE;
}

static double
throughput (const guint8 *body,
            gsize         len,
            gsize         chunk,
            const char   *boundary,
            gsize         expected)
{
  static const SbMultipartCallbacks counting = { NULL, count_data, NULL };
  gsize delivered = 0;
  g_autoptr(SbMultipartParser) parser = sb_multipart_parser_new (boundary, &counting, &delivered);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double seconds;

  for (gsize pos = 0; pos < len; pos += chunk)
    g_assert_true (sb_multipart_parser_feed (parser, body + pos, MIN (chunk, len - pos), &error));
  g_assert_true (sb_multipart_parser_finish (parser, &error));
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_assert_cmpuint (delivered, ==, expected);
  return len / MAX (seconds, 1e-6) / 1e6;
}

/* Speed is checked loosely (sanitizer builds are slow); the point is linear
 * time on worst-case data, which a quadratic scan would fail by orders of
 * magnitude. The figures are in the test log. */
static void
test_throughput (void)
{
  const char *boundary = CHROMIUM_BOUNDARY;
  const char *head = "--" CHROMIUM_BOUNDARY "\r\n"
                     "Content-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n";
  const char *tail = "\r\n--" CHROMIUM_BOUNDARY "--";
  const gsize size = 64 * 1024 * 1024;
  const gsize total = strlen (head) + size + strlen (tail);
  g_autofree guint8 *body = g_malloc (total);
  guint8 *file = body + strlen (head);
  guint64 state = 42;
  double random_mbs, worst_mbs;
  gsize near_len = strlen (tail) - 3;  /* "\r\n--" + all but the boundary's last byte */

  memcpy (body, head, strlen (head));
  memcpy (file + size, tail, strlen (tail));

  fill_random (file, size, &state);
  random_mbs = throughput (body, total, 64 * 1024, boundary, size);

  /* worst case: the file is nothing but almost-delimiters */
  for (gsize i = 0; i < size; i += near_len)
    memcpy (file + i, tail, MIN (near_len, size - i));
  worst_mbs = throughput (body, total, 64 * 1024, boundary, size);

  g_test_message ("random data: %.0f MB/s; all near-delimiters: %.0f MB/s",
                  random_mbs, worst_mbs);
  g_assert_cmpfloat (random_mbs, >, 50);
  g_assert_cmpfloat (worst_mbs, >, 20);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/multipart/chromium", test_chromium);
  g_test_add_func ("/multipart/curl", test_curl);
  g_test_add_func ("/multipart/backslash-escaped-filenames", test_backslash_escaped_filenames);
  g_test_add_func ("/multipart/binary-lookalikes", test_binary_lookalikes);
  g_test_add_func ("/multipart/preamble-epilogue-padding", test_preamble_epilogue_padding);
  g_test_add_func ("/multipart/filenames", test_filenames);
  g_test_add_func ("/multipart/headers-passed", test_headers_passed);
  g_test_add_func ("/multipart/every-split", test_every_split);
  g_test_add_func ("/multipart/truncated", test_truncated);
  g_test_add_func ("/multipart/malformed", test_malformed);
  g_test_add_func ("/multipart/boundary-from-content-type", test_boundary_from_content_type);
  g_test_add_func ("/multipart/limits", test_limits);
  g_test_add_func ("/multipart/endless-headers", test_endless_headers);
  g_test_add_func ("/multipart/callback-errors", test_callback_errors);
  g_test_add_func ("/multipart/no-callbacks", test_no_callbacks);
  g_test_add_func ("/multipart/streaming", test_streaming);
  g_test_add_func ("/multipart/throughput", test_throughput);

  return g_test_run ();
}
