/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sb-multipart-parser.h"

G_DEFINE_QUARK (sb-multipart-error-quark, sb_multipart_error)

#define MAX_BOUNDARY_LEN 70
/* CR LF "-" "-" boundary: the delimiter that ends a part (RFC 2046 §5.1.1) */
#define MAX_DELIMITER_LEN (4 + MAX_BOUNDARY_LEN)

typedef enum {
  STATE_PREAMBLE,      /* before the first delimiter; discarded */
  STATE_AFTER_DELIM,   /* just after a delimiter: "--" or padding then CRLF */
  STATE_CLOSE_DASH,    /* seen the first '-' of a close delimiter */
  STATE_PADDING,       /* transport padding (spaces, tabs) after a delimiter */
  STATE_PADDING_LF,    /* seen the CR ending a delimiter line */
  STATE_HEADERS,       /* a part's header block, up to the empty line */
  STATE_BODY,          /* a part's data, up to the next delimiter */
  STATE_EPILOGUE,      /* after the close delimiter; discarded */
  STATE_FAILED,
} State;

struct _SbMultipartParser
{
  GObject               parent_instance;

  SbMultipartCallbacks  callbacks;
  gpointer              user_data;

  State                 state;
  guint                 n_parts;
  gboolean              finished;
  GError               *error;  /* the first failure, repeated by every later call */

  guint8                delimiter[MAX_DELIMITER_LEN];
  gsize                 delimiter_len;
  /* The end of the last chunk when it was a proper prefix of the delimiter:
   * the only bytes ever held back from part_data. */
  guint8                pending[MAX_DELIMITER_LEN];
  gsize                 pending_len;

  GByteArray           *header_block;  /* the current part's headers, bounded */
};

G_DEFINE_FINAL_TYPE (SbMultipartParser, sb_multipart_parser, G_TYPE_OBJECT)

static void
sb_multipart_parser_finalize (GObject *object)
{
  SbMultipartParser *self = SB_MULTIPART_PARSER (object);

  g_clear_pointer (&self->header_block, g_byte_array_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (sb_multipart_parser_parent_class)->finalize (object);
}

static void
sb_multipart_parser_class_init (SbMultipartParserClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_multipart_parser_finalize;
}

static void
sb_multipart_parser_init (SbMultipartParser *self)
{
  self->header_block = g_byte_array_new ();
}

/* RFC 2046 bcharsnospace; a space is allowed too, but not last. */
static gboolean
is_boundary_char (char c)
{
  return g_ascii_isalnum (c) || strchr ("'()+_,-./:=? ", c) != NULL;
}

static gboolean
is_valid_boundary (const char *boundary)
{
  gsize len = strlen (boundary);

  if (len < 1 || len > MAX_BOUNDARY_LEN || boundary[len - 1] == ' ')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!is_boundary_char (boundary[i]))
      return FALSE;
  return TRUE;
}

/**
 * sb_multipart_parser_new:
 * @boundary: the boundary, as returned by sb_multipart_boundary_from_content_type()
 * @callbacks: (not nullable): the callbacks; copied, and each may be %NULL
 * @user_data: passed to the callbacks
 *
 * Returns: (transfer full): a parser waiting for the first bytes of the body
 */
SbMultipartParser *
sb_multipart_parser_new (const char                 *boundary,
                         const SbMultipartCallbacks *callbacks,
                         gpointer                    user_data)
{
  SbMultipartParser *self;
  gsize len;

  g_return_val_if_fail (boundary != NULL && is_valid_boundary (boundary), NULL);
  g_return_val_if_fail (callbacks != NULL, NULL);

  self = g_object_new (SB_TYPE_MULTIPART_PARSER, NULL);
  self->callbacks = *callbacks;
  self->user_data = user_data;

  len = strlen (boundary);
  memcpy (self->delimiter, "\r\n--", 4);
  memcpy (self->delimiter + 4, boundary, len);
  self->delimiter_len = 4 + len;

  /* The first delimiter may open the body without a CRLF before it; acting
   * as if the body began with one lets one matcher find every delimiter. */
  self->state = STATE_PREAMBLE;
  memcpy (self->pending, "\r\n", 2);
  self->pending_len = 2;

  return self;
}

/**
 * sb_multipart_boundary_from_content_type:
 * @content_type_header: the request's Content-Type header value
 * @error: set to %SB_MULTIPART_ERROR_BAD_CONTENT_TYPE on failure
 *
 * Checks that a request body is multipart/form-data and returns its boundary
 * (1 to 70 characters of RFC 2046's set, quotes removed).
 *
 * Returns: (transfer full): the boundary, or %NULL with @error set
 */
char *
sb_multipart_boundary_from_content_type (const char  *content_type_header,
                                         GError     **error)
{
  g_autofree char *media_type = NULL;
  GHashTable *params = NULL;
  const char *semi;
  const char *boundary;
  char *result = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (content_type_header == NULL)
    {
      g_set_error (error, SB_MULTIPART_ERROR, SB_MULTIPART_ERROR_BAD_CONTENT_TYPE,
                   _("Malformed form data: the request has no Content-Type."));
      return NULL;
    }

  semi = strchr (content_type_header, ';');
  media_type = g_strstrip (g_strndup (content_type_header,
                                      semi != NULL ? (gsize) (semi - content_type_header)
                                                   : strlen (content_type_header)));
  if (g_ascii_strcasecmp (media_type, "multipart/form-data") != 0)
    {
      g_set_error (error, SB_MULTIPART_ERROR, SB_MULTIPART_ERROR_BAD_CONTENT_TYPE,
                   _("Malformed form data: the request is not multipart/form-data."));
      return NULL;
    }

  /* The strict parser refuses a parameter given twice, so two different
   * boundaries can never be read two ways. Boundary characters include
   * neither quote nor backslash, so its quoted-string rules are harmless. */
  if (semi != NULL)
    params = soup_header_parse_semi_param_list_strict (semi + 1);
  boundary = params != NULL ? g_hash_table_lookup (params, "boundary") : NULL;
  if (boundary == NULL)
    g_set_error (error, SB_MULTIPART_ERROR, SB_MULTIPART_ERROR_BAD_CONTENT_TYPE,
                 _("Malformed form data: the Content-Type has no boundary."));
  else if (!is_valid_boundary (boundary))
    g_set_error (error, SB_MULTIPART_ERROR, SB_MULTIPART_ERROR_BAD_CONTENT_TYPE,
                 _("Malformed form data: the boundary in the Content-Type is not valid."));
  else
    result = g_strdup (boundary);

  g_clear_pointer (&params, soup_header_free_param_list);
  return result;
}

guint
sb_multipart_parser_get_n_parts (SbMultipartParser *self)
{
  g_return_val_if_fail (SB_IS_MULTIPART_PARSER (self), 0);

  return self->n_parts;
}

static gboolean
malformed (GError     **error,
           const char  *message)
{
  g_set_error_literal (error, SB_MULTIPART_ERROR, SB_MULTIPART_ERROR_MALFORMED, message);
  return FALSE;
}

/* A callback that fails must say why; one that does not still stops the
 * parse, with a generic error instead of a crash later on. */
static gboolean
callback_failed (GError **error)
{
  if (*error == NULL)
    g_set_error_literal (error, SB_MULTIPART_ERROR, SB_MULTIPART_ERROR_FAILED,
                         _("The upload was stopped."));
  return FALSE;
}

static gboolean
emit_data (SbMultipartParser  *self,
           const guint8       *data,
           gsize               len,
           GError            **error)
{
  if (self->state != STATE_BODY || len == 0 || self->callbacks.part_data == NULL)
    return TRUE;
  if (!self->callbacks.part_data (self, data, len, self->user_data, error))
    return callback_failed (error);
  return TRUE;
}

static gboolean
delimiter_found (SbMultipartParser  *self,
                 GError            **error)
{
  State was = self->state;

  self->state = STATE_AFTER_DELIM;
  if (was == STATE_BODY && self->callbacks.part_end != NULL &&
      !self->callbacks.part_end (self, self->user_data, error))
    return callback_failed (error);
  return TRUE;
}

/* Preamble and part data: everything up to the next delimiter. The delimiter
 * "\r\n--boundary" holds a CR only at its start (a boundary cannot contain
 * one), so memchr for CR finds every candidate, a failed comparison can never
 * hide a match starting inside it, and the scan is linear. Returns the bytes
 * used, stopping just after a delimiter, or -1 on error. */
static gssize
consume_body (SbMultipartParser  *self,
              const guint8       *data,
              gsize               len,
              GError            **error)
{
  const guint8 *delim = self->delimiter;
  gsize delim_len = self->delimiter_len;
  gsize pos = 0;

  if (self->pending_len > 0)
    {
      gsize have = self->pending_len;
      gsize want = MIN (delim_len - have, len);

      if (memcmp (data, delim + have, want) == 0)
        {
          if (have + want < delim_len)
            {
              memcpy (self->pending + have, data, want);
              self->pending_len += want;
              return len;
            }
          self->pending_len = 0;
          return delimiter_found (self, error) ? (gssize) want : -1;
        }

      /* Not a delimiter after all, and no other one can start inside the
       * held bytes (they hold no CR past the first): they were data. */
      self->pending_len = 0;
      if (!emit_data (self, self->pending, have, error))
        return -1;
    }

  while (pos < len)
    {
      const guint8 *cr = memchr (data + pos, '\r', len - pos);
      gsize at, avail;

      if (cr == NULL)
        break;
      at = cr - data;
      avail = len - at;

      if (avail >= delim_len)
        {
          if (memcmp (cr, delim, delim_len) == 0)
            {
              if (!emit_data (self, data, at, error) || !delimiter_found (self, error))
                return -1;
              return at + delim_len;
            }
        }
      else if (memcmp (cr, delim, avail) == 0)
        {
          /* The chunk ends in what may be the start of a delimiter. */
          if (!emit_data (self, data, at, error))
            return -1;
          memcpy (self->pending, cr, avail);
          self->pending_len = avail;
          return len;
        }
      pos = at + 1;
    }

  return emit_data (self, data, len, error) ? (gssize) len : -1;
}

/* RFC 7230 tchar */
static gboolean
is_token_char (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static const char *
skip_ows (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* The HTML standard's escaping of names and file names: %22 %0D %0A, and
 * nothing else, since a browser sends a literal "%41" unchanged. */
static char *
decode_browser_escapes (const char *s)
{
  GString *out = g_string_sized_new (strlen (s));

  while (*s != '\0')
    {
      if (s[0] == '%' && s[1] == '2' && s[2] == '2')
        g_string_append_c (out, '"'), s += 3;
      else if (s[0] == '%' && s[1] == '0' && (s[2] == 'D' || s[2] == 'd'))
        g_string_append_c (out, '\r'), s += 3;
      else if (s[0] == '%' && s[1] == '0' && (s[2] == 'A' || s[2] == 'a'))
        g_string_append_c (out, '\n'), s += 3;
      else
        g_string_append_c (out, *s++);
    }
  return g_string_free (out, FALSE);
}

/* RFC 8187 ext-value: charset "'" [ language ] "'" value-chars. NULL when it
 * cannot be read, in which case the plain filename is used. A NUL cannot
 * be given on as a C string ("safe.txt%00.exe" would arrive as "safe.txt"):
 * @has_nul says so, and the part is refused. */
static char *
decode_ext_value (const char *value,
                  gboolean   *has_nul)
{
  const char *q1 = strchr (value, '\'');
  const char *q2 = q1 != NULL ? strchr (q1 + 1, '\'') : NULL;
  g_autoptr(GString) raw = NULL;
  gsize charset_len;

  if (q2 == NULL)
    return NULL;

  raw = g_string_new (NULL);
  for (const char *p = q2 + 1; *p != '\0'; p++)
    {
      if (*p == '%')
        {
          int hi = g_ascii_xdigit_value (p[1]);
          int lo = hi >= 0 ? g_ascii_xdigit_value (p[2]) : -1;

          if (lo < 0)
            return NULL;
          g_string_append_c (raw, (char) (hi << 4 | lo));
          p += 2;
        }
      else
        g_string_append_c (raw, *p);
    }

  *has_nul = memchr (raw->str, '\0', raw->len) != NULL;
  if (*has_nul)
    return NULL;
  charset_len = q1 - value;
  if (charset_len == 5 && g_ascii_strncasecmp (value, "utf-8", 5) == 0)
    return g_string_free (g_steal_pointer (&raw), FALSE);
  if (charset_len == 10 && g_ascii_strncasecmp (value, "iso-8859-1", 10) == 0)
    return g_convert (raw->str, raw->len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  return NULL;
}

typedef struct {
  char     *name;
  char     *filename;
  char     *filename_ext;  /* filename*, still encoded */
  gboolean  backslashes;   /* quoted strings used RFC 9110 backslash escapes */
} Disposition;

static void
disposition_clear (Disposition *d)
{
  g_clear_pointer (&d->name, g_free);
  g_clear_pointer (&d->filename, g_free);
  g_clear_pointer (&d->filename_ext, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Disposition, disposition_clear)

/* form-data *( OWS ";" OWS token "=" ( token / quoted-string ) OWS ).
 * libsoup's parameter parser reads backslash escapes in quoted strings,
 * which browsers do not write: "C:\new.txt" would lose its backslash and a
 * name ending in one would swallow the closing quote. So this one follows
 * the HTML standard instead. */
static gboolean
parse_disposition (const char   *value,
                   gboolean      backslashes,
                   Disposition  *d,
                   GError      **error)
{
  const char *p = value;
  const char *start = p;

  while (is_token_char (*p))
    p++;
  if (p - start != 9 || g_ascii_strncasecmp (start, "form-data", 9) != 0)
    return malformed (error, _("Malformed form data: a part is not form-data."));

  for (p = skip_ows (p); *p != '\0'; p = skip_ows (p))
    {
      g_autofree char *param = NULL;
      g_autofree char *param_value = NULL;
      char **slot;

      if (*p != ';')
        return malformed (error, _("Malformed form data: bad Content-Disposition header."));
      p = skip_ows (p + 1);
      if (*p == '\0')
        break;  /* a trailing ";" is harmless */

      start = p;
      while (is_token_char (*p))
        p++;
      if (p == start)
        return malformed (error, _("Malformed form data: bad Content-Disposition header."));
      param = g_strndup (start, p - start);
      p = skip_ows (p);
      if (*p != '=')
        return malformed (error, _("Malformed form data: bad Content-Disposition header."));
      p = skip_ows (p + 1);

      if (*p == '"' && backslashes)
        {
          GString *unquoted = g_string_new (NULL);

          for (p++; *p != '\0' && *p != '"'; p++)
            {
              if (*p == '\\' && p[1] != '\0')
                p++;
              g_string_append_c (unquoted, *p);
            }
          if (*p != '"')
            {
              g_string_free (unquoted, TRUE);
              return malformed (error, _("Malformed form data: bad Content-Disposition header."));
            }
          param_value = g_string_free (unquoted, FALSE);
          p++;
        }
      else if (*p == '"')
        {
          const char *close = strchr (p + 1, '"');

          if (close == NULL)
            return malformed (error, _("Malformed form data: bad Content-Disposition header."));
          param_value = g_strndup (p + 1, close - p - 1);
          p = close + 1;
        }
      else
        {
          start = p;
          while (is_token_char (*p))
            p++;
          if (p == start)
            return malformed (error, _("Malformed form data: bad Content-Disposition header."));
          param_value = g_strndup (start, p - start);
        }

      if (g_ascii_strcasecmp (param, "name") == 0)
        slot = &d->name;
      else if (g_ascii_strcasecmp (param, "filename") == 0)
        slot = &d->filename;
      else if (g_ascii_strcasecmp (param, "filename*") == 0)
        slot = &d->filename_ext;
      else
        continue;
      if (*slot != NULL)
        return malformed (error,
                          _("Malformed form data: a Content-Disposition parameter is repeated."));
      *slot = g_steal_pointer (&param_value);
    }

  return TRUE;
}

/* Splits the header block into "Name: value" lines, strictly: no folded
 * lines, no control characters, a token before the colon. Browsers and curl
 * only ever send Content-Disposition and Content-Type here. */
static gboolean
parse_header_block (const char          *block,
                    gsize                len,
                    SoupMessageHeaders  *headers,
                    GError             **error)
{
  const char *end = block + len;
  const char *line = block;

  while (line < end)
    {
      const char *eol = g_strstr_len (line, end - line, "\r\n");
      const char *colon;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (eol == NULL)
        eol = end;
      for (const char *p = line; p < eol; p++)
        if (((guchar) *p < 0x20 && *p != '\t') || *p == 0x7f)
          return malformed (error,
                            _("Malformed form data: a part header holds a control character."));

      colon = line;
      while (colon < eol && is_token_char (*colon))
        colon++;
      if (colon == line || colon == eol || *colon != ':')
        return malformed (error, _("Malformed form data: a part header is not “Name: value”."));

      name = g_strndup (line, colon - line);
      value = g_strstrip (g_strndup (colon + 1, eol - colon - 1));
      soup_message_headers_append (headers, name, value);

      line = eol + 2;
    }

  return TRUE;
}

static gboolean
begin_part (SbMultipartParser  *self,
            GError            **error)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  g_auto(Disposition) d = { NULL, };
  g_autofree char *filename = NULL;
  g_autofree char *name = NULL;
  const char *disposition;
  const char *content_type;

  /* The block is "\r\n" (the end of the delimiter line), the header lines,
   * then "\r\n\r\n"; keep just the lines, each but the last ending in CRLF. */
  g_assert (self->header_block->len >= 4);
  if (self->header_block->len > 4 &&
      !parse_header_block ((const char *) self->header_block->data + 2,
                           self->header_block->len - 6, headers, error))
    return FALSE;

  /* Two Content-Disposition headers come back joined by ", ", which
   * parse_disposition() refuses: a part cannot have two names. */
  disposition = soup_message_headers_get_list (headers, "Content-Disposition");
  if (disposition == NULL)
    return malformed (error, _("Malformed form data: a part has no Content-Disposition."));
  /* Browsers and curl write quoted strings the HTML way. Clients built on
   * libsoup (GNOME apps) and older curl escape '"' and '\\' with a backslash
   * (RFC 9110); when the HTML reading fails and backslashes are there, that
   * reading is tried. The two agree whenever the name has no backslash. */
  if (!parse_disposition (disposition, FALSE, &d, NULL))
    {
      disposition_clear (&d);
      if (strchr (disposition, '\\') == NULL ||
          !parse_disposition (disposition, TRUE, &d, NULL))
        {
          disposition_clear (&d);
          return parse_disposition (disposition, FALSE, &d, error);
        }
      d.backslashes = TRUE;
    }
  if (d.name == NULL)
    return malformed (error, _("Malformed form data: a part has no name."));

  name = d.backslashes ? g_strdup (d.name) : decode_browser_escapes (d.name);
  if (!g_utf8_validate (name, -1, NULL))
    return malformed (error, _("Malformed form data: a field name is not valid UTF-8."));

  if (d.filename_ext != NULL)
    {
      gboolean has_nul = FALSE;

      filename = decode_ext_value (d.filename_ext, &has_nul);
      if (has_nul)
        return malformed (error, _("Malformed form data: a file name holds a NUL character."));
    }
  if (filename == NULL && d.filename != NULL)
    filename = d.backslashes ? g_strdup (d.filename) : decode_browser_escapes (d.filename);
  if (filename != NULL && !g_utf8_validate (filename, -1, NULL))
    return malformed (error, _("Malformed form data: a file name is not valid UTF-8."));

  content_type = soup_message_headers_get_content_type (headers, NULL);

  self->n_parts++;
  self->state = STATE_BODY;
  if (self->callbacks.part_begin != NULL &&
      !self->callbacks.part_begin (self, headers, name, filename, content_type,
                                   self->user_data, error))
    return callback_failed (error);
  return TRUE;
}

/* The header block ends at the first empty line; it is bounded so a body
 * that never sends one cannot make us hold more than
 * SB_MULTIPART_MAX_HEADER_SIZE. */
static gssize
consume_headers (SbMultipartParser  *self,
                 const guint8       *data,
                 gsize               len,
                 GError            **error)
{
  GByteArray *block = self->header_block;
  gsize pos = 0;

  while (pos < len)
    {
      const guint8 *lf = memchr (data + pos, '\n', len - pos);
      gsize take = lf != NULL ? (gsize) (lf - data) + 1 - pos : len - pos;

      /* header_block starts with two bytes that are not the part's */
      if (block->len - 2 + take > SB_MULTIPART_MAX_HEADER_SIZE)
        {
          g_set_error (error, SB_MULTIPART_ERROR, SB_MULTIPART_ERROR_TOO_LARGE,
                       _("Malformed form data: the headers of a part are larger than %d bytes."),
                       SB_MULTIPART_MAX_HEADER_SIZE);
          return -1;
        }
      g_byte_array_append (block, data + pos, take);
      pos += take;

      if (lf != NULL && block->len >= 4 &&
          memcmp (block->data + block->len - 4, "\r\n\r\n", 4) == 0)
        return begin_part (self, error) ? (gssize) pos : -1;
    }

  return len;
}

/* The rest of a delimiter line, one byte at a time: it is a few bytes per
 * part, and the states make it immune to chunking. */
static gboolean
consume_delimiter_tail (SbMultipartParser  *self,
                        guint8              c,
                        GError            **error)
{
  switch (self->state)
    {
    case STATE_AFTER_DELIM:
      if (c == '-')
        self->state = STATE_CLOSE_DASH;
      else if (c == ' ' || c == '\t')
        self->state = STATE_PADDING;
      else if (c == '\r')
        self->state = STATE_PADDING_LF;
      else
        return malformed (error, _("Malformed form data: a boundary is followed by other text."));
      return TRUE;

    case STATE_CLOSE_DASH:
      if (c != '-')
        return malformed (error, _("Malformed form data: a boundary is followed by other text."));
      self->state = STATE_EPILOGUE;
      return TRUE;

    case STATE_PADDING:
      if (c == '\r')
        self->state = STATE_PADDING_LF;
      else if (c != ' ' && c != '\t')
        return malformed (error, _("Malformed form data: a boundary is followed by other text."));
      return TRUE;

    case STATE_PADDING_LF:
      if (c != '\n')
        return malformed (error, _("Malformed form data: a boundary is followed by other text."));
      if (self->n_parts >= SB_MULTIPART_MAX_PARTS)
        {
          g_set_error (error, SB_MULTIPART_ERROR, SB_MULTIPART_ERROR_TOO_LARGE,
                       _("Malformed form data: more than %d parts."), SB_MULTIPART_MAX_PARTS);
          return FALSE;
        }
      g_byte_array_set_size (self->header_block, 0);
      g_byte_array_append (self->header_block, (const guint8 *) "\r\n", 2);
      self->state = STATE_HEADERS;
      return TRUE;

    case STATE_PREAMBLE:
    case STATE_HEADERS:
    case STATE_BODY:
    case STATE_EPILOGUE:
    case STATE_FAILED:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
fail (SbMultipartParser  *self,
      GError             *local_error,
      GError            **error)
{
  g_assert (local_error != NULL);

  self->state = STATE_FAILED;
  self->pending_len = 0;
  g_byte_array_set_size (self->header_block, 0);
  self->error = g_error_copy (local_error);
  g_propagate_error (error, local_error);
  return FALSE;
}

/**
 * sb_multipart_parser_feed:
 * @self: a parser
 * @data: (array length=len): the next bytes of the body
 * @len: how many
 * @error: the parse error, or the error a callback set
 *
 * Parses @data, calling back for what it completes. After a failure every
 * further call fails with the same error.
 *
 * Returns: %FALSE when parsing failed or a callback stopped it
 */
gboolean
sb_multipart_parser_feed (SbMultipartParser  *self,
                          const guint8       *data,
                          gsize               len,
                          GError            **error)
{
  GError *local_error = NULL;
  gsize pos = 0;

  g_return_val_if_fail (SB_IS_MULTIPART_PARSER (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->state == STATE_FAILED)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }

  while (pos < len)
    {
      gssize used;

      switch (self->state)
        {
        case STATE_PREAMBLE:
        case STATE_BODY:
          used = consume_body (self, data + pos, len - pos, &local_error);
          break;
        case STATE_HEADERS:
          used = consume_headers (self, data + pos, len - pos, &local_error);
          break;
        case STATE_EPILOGUE:
          used = len - pos;
          break;
        case STATE_AFTER_DELIM:
        case STATE_CLOSE_DASH:
        case STATE_PADDING:
        case STATE_PADDING_LF:
          used = consume_delimiter_tail (self, data[pos], &local_error) ? 1 : -1;
          break;
        case STATE_FAILED:
        default:
          g_assert_not_reached ();
        }

      if (used < 0)
        return fail (self, local_error, error);
      pos += used;
    }

  return TRUE;
}

/**
 * sb_multipart_parser_finish:
 * @self: a parser
 * @error: %SB_MULTIPART_ERROR_TRUNCATED unless the close delimiter was seen
 *
 * Says the body has ended. A part still open is not ended: the body was cut
 * off and that part is incomplete.
 *
 * Returns: %TRUE when the body was complete
 */
gboolean
sb_multipart_parser_finish (SbMultipartParser  *self,
                            GError            **error)
{
  g_return_val_if_fail (SB_IS_MULTIPART_PARSER (self), FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self->finished = TRUE;

  if (self->state == STATE_FAILED)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  if (self->state != STATE_EPILOGUE)
    {
      self->state = STATE_FAILED;
      self->error = g_error_new_literal (SB_MULTIPART_ERROR, SB_MULTIPART_ERROR_TRUNCATED,
                                         _("The upload was cut off before it finished."));
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }

  return TRUE;
}
