/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sb-http-intake.h"

/* A chunk-size line, with any extension, must fit libsoup 3.2's 128-byte
 * line buffer, or libsoup would read it differently. */
#define MAX_CHUNK_LINE 64
/* 15 hex digits are 2^60 - 1: no overflow, and far past any limit. */
#define MAX_CHUNK_DIGITS 15
#define MAX_LENGTH_DIGITS 19

typedef enum {
  STATE_HEAD,
  STATE_BODY,          /* Content-Length */
  STATE_CHUNK_SIZE,    /* hex digits */
  STATE_CHUNK_EXT,     /* after ';' up to CR */
  STATE_CHUNK_SIZE_LF,
  STATE_CHUNK_DATA,
  STATE_CHUNK_DATA_CR,
  STATE_CHUNK_DATA_LF,
  STATE_LAST_CR,       /* after "0\r\n": the empty line that ends the body */
  STATE_LAST_LF,
  STATE_REFUSED,
} State;

struct _SbHttpIntake
{
  GObject             parent_instance;
  SbHttpIntakePolicy  policy;
  gpointer            policy_data;

  State               state;
  gsize               head_searched;   /* bytes of this head already searched for its end */
  guint64             left;            /* STATE_BODY and STATE_CHUNK_DATA: bytes to go */
  guint64             body_total;      /* chunked: data bytes so far */
  guint64             max_body;
  guint64             chunk_size;
  guint               chunk_digits;
  guint               chunk_line;

  char               *method;
  char               *path;
  char               *too_large_message;
  guint64             n_requests;

  guint               refusal_status;
  char               *refusal_message;
};

G_DEFINE_FINAL_TYPE (SbHttpIntake, sb_http_intake, G_TYPE_OBJECT)

static void
sb_http_intake_finalize (GObject *object)
{
  SbHttpIntake *self = SB_HTTP_INTAKE (object);

  g_free (self->method);
  g_free (self->path);
  g_free (self->too_large_message);
  g_free (self->refusal_message);
  G_OBJECT_CLASS (sb_http_intake_parent_class)->finalize (object);
}

static void
sb_http_intake_class_init (SbHttpIntakeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_http_intake_finalize;
}

static void
sb_http_intake_init (SbHttpIntake *self)
{
  self->state = STATE_HEAD;
}

/**
 * sb_http_intake_new:
 * @policy: decides, for each head that is well formed, whether its request
 *   may come in and how large its body may be
 */
SbHttpIntake *
sb_http_intake_new (SbHttpIntakePolicy policy,
                    gpointer           user_data)
{
  SbHttpIntake *self;

  g_return_val_if_fail (policy != NULL, NULL);

  self = g_object_new (SB_TYPE_HTTP_INTAKE, NULL);
  self->policy = policy;
  self->policy_data = user_data;
  return self;
}

static SbHttpIntakeResult
refuse (SbHttpIntake *self,
        guint         status,
        const char   *message)
{
  self->state = STATE_REFUSED;
  self->refusal_status = status;
  g_free (self->refusal_message);
  self->refusal_message = g_strdup (message);
  return SB_HTTP_INTAKE_REFUSE;
}

static SbHttpIntakeResult
malformed (SbHttpIntake *self,
           const char   *message)
{
  return refuse (self, 400, message);
}

/* RFC 9110 §5.6.2 tchar */
static gboolean
is_tchar (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

/* RFC 9110 §5.5 field-vchar, SP and HTAB: no control character but HTAB. */
static gboolean
is_field_char (guchar c)
{
  return c == '\t' || c == ' ' || (c >= 0x21 && c != 0x7f);
}

/* RFC 3986 reg-name, IP-literal and port characters. */
static gboolean
is_host_char (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("-._~!$&'()*+,;=:[]%", c) != NULL);
}

typedef struct
{
  const char *start;
  gsize       len;
} Span;

static gboolean
span_is (Span        span,
         const char *text)
{
  return span.len == strlen (text) && memcmp (span.start, text, span.len) == 0;
}

static gboolean
span_is_ascii_ci (Span        span,
                  const char *text)
{
  return span.len == strlen (text) && g_ascii_strncasecmp (span.start, text, span.len) == 0;
}

/* Digits only: no sign, no space, no list ("5, 5"). Too many digits or an
 * overflow is still a length, just one larger than anything accepted. */
static gboolean
parse_length (Span     value,
              guint64 *length)
{
  guint64 n = 0;

  if (value.len == 0)
    return FALSE;
  for (gsize i = 0; i < value.len; i++)
    if (!g_ascii_isdigit (value.start[i]))
      return FALSE;
  if (value.len > MAX_LENGTH_DIGITS)
    {
      *length = G_MAXUINT64;
      return TRUE;
    }
  for (gsize i = 0; i < value.len; i++)
    n = n * 10 + (guint64) (value.start[i] - '0');
  *length = n;
  return TRUE;
}

/* The path the server will route on: decoded like libsoup decodes it, from
 * an origin-form ("/a?b") or absolute-form ("http://h/a?b") target, or "*". */
static char *
target_path (const char *target,
             const char *method)
{
  const char *path = target;
  const char *end;
  g_autofree char *raw = NULL;

  if (strcmp (target, "*") == 0)
    return g_str_equal (method, "OPTIONS") ? g_strdup ("*") : NULL;
  if (g_ascii_strncasecmp (target, "http://", 7) == 0)
    {
      path = target + 7;
      while (*path != '\0' && *path != '/' && *path != '?')
        path++;
      if (path == target + 7)
        return NULL;
      if (*path != '/')
        return g_strdup ("/");
    }
  else if (target[0] != '/')
    return NULL;
  if (strchr (path, '#') != NULL)
    return NULL;
  end = strchr (path, '?');
  raw = end ? g_strndup (path, (gsize) (end - path)) : g_strdup (path);
  /* NULL for a bad escape or an escaped NUL, which libsoup refuses too. */
  return g_uri_unescape_string (raw, NULL);
}

static SbHttpIntakeResult
judge_head (SbHttpIntake *self,
            const char   *head,
            gsize         len)
{
  const char *end = head + len - 2;  /* the CR of the empty line that ends the head */
  const char *line = head;
  const char *eol;
  const char *p;
  g_autofree char *method = NULL;
  g_autofree char *target = NULL;
  g_autofree char *path = NULL;
  g_autofree char *content_type = NULL;
  gboolean http_1_0;
  guint n_lines = 0;
  guint n_host = 0;
  guint n_length = 0;
  guint n_encoding = 0;
  guint n_type = 0;
  gboolean bad_host = FALSE;
  gboolean bad_length = FALSE;
  gboolean bad_encoding = FALSE;
  gboolean bad_expect = FALSE;
  guint64 length = 0;
  SbHttpHead request = { 0 };
  SbHttpVerdict verdict = { 0 };

  /* Every line ends in CRLF; a lone CR or LF is a second way to end one. */
  for (p = head; p < head + len; p++)
    if ((*p == '\r' && (p + 1 == head + len || p[1] != '\n')) ||
        (*p == '\n' && (p == head || p[-1] != '\r')))
      return malformed (self, _("Lines of a request must end in CR LF."));

  /* The request line: method SP request-target SP HTTP-version */
  eol = memchr (line, '\r', (gsize) (end - line) + 1);
  for (p = line; p < eol && is_tchar ((guchar) *p); p++)
    ;
  if (p == line || p == eol || *p != ' ')
    return malformed (self, _("The request line is malformed."));
  method = g_strndup (line, (gsize) (p - line));
  line = ++p;
  for (; p < eol && (guchar) *p > 0x20 && (guchar) *p < 0x7f; p++)
    ;
  if (p == line || p == eol || *p != ' ')
    return malformed (self, _("The request line is malformed."));
  target = g_strndup (line, (gsize) (p - line));
  line = ++p;
  if ((gsize) (eol - line) == 8 && memcmp (line, "HTTP/1.1", 8) == 0)
    http_1_0 = FALSE;
  else if ((gsize) (eol - line) == 8 && memcmp (line, "HTTP/1.0", 8) == 0)
    http_1_0 = TRUE;
  else if ((gsize) (eol - line) == 8 && memcmp (line, "HTTP/", 5) == 0 &&
           g_ascii_isdigit (line[5]) && line[6] == '.' && g_ascii_isdigit (line[7]))
    return refuse (self, 505, _("Only HTTP/1.1 and HTTP/1.0 are supported."));
  else
    return malformed (self, _("The request line is malformed."));
  path = target_path (target, method);
  g_free (self->method);
  self->method = g_strdup (method);
  if (path == NULL)
    return malformed (self, _("The request target is malformed."));
  g_free (self->path);
  self->path = g_strdup (path);

  /* Header fields: a token, a colon right after it (RFC 9112 §5.1: no space
   * before it), and a value without control characters. No line folding. */
  for (line = eol + 2; line < end; line = eol + 2)
    {
      Span name, value;

      eol = memchr (line, '\r', (gsize) (end - line) + 1);
      if (++n_lines > SB_HTTP_MAX_HEADER_LINES)
        return refuse (self, 431, _("The request has too many header fields."));
      if (*line == ' ' || *line == '\t')
        return malformed (self, _("Header fields may not be folded over several lines."));
      for (p = line; p < eol && is_tchar ((guchar) *p); p++)
        ;
      if (p == line || p == eol || *p != ':')
        return malformed (self, _("A header field is malformed."));
      name = (Span) { line, (gsize) (p - line) };
      for (p++; p < eol && (*p == ' ' || *p == '\t'); p++)
        ;
      value.start = p;
      for (; p < eol; p++)
        if (!is_field_char ((guchar) *p))
          return malformed (self, _("A header field holds a control character."));
      while (p > value.start && (p[-1] == ' ' || p[-1] == '\t'))
        p--;
      value.len = (gsize) (p - value.start);

      if (span_is_ascii_ci (name, "Host"))
        {
          n_host++;
          bad_host |= value.len == 0;
          for (gsize i = 0; i < value.len; i++)
            bad_host |= !is_host_char ((guchar) value.start[i]);
        }
      else if (span_is_ascii_ci (name, "Content-Length"))
        {
          n_length++;
          bad_length |= !parse_length (value, &length);
        }
      else if (span_is_ascii_ci (name, "Transfer-Encoding"))
        {
          /* Only the one coding, spelled the one way: every other spelling
           * ("CHUNKED", "chunked, identity", quoted) is read differently by
           * somebody on the way, which is how requests get smuggled. */
          n_encoding++;
          bad_encoding |= !span_is (value, "chunked");
        }
      else if (span_is_ascii_ci (name, "Content-Type"))
        {
          n_type++;
          g_free (content_type);
          content_type = g_strndup (value.start, value.len);
        }
      else if (span_is_ascii_ci (name, "Expect"))
        bad_expect |= !span_is_ascii_ci (value, "100-continue");
    }

  /* RFC 9112 §3.2: exactly one Host, with a valid value (HTTP/1.0 may omit it). */
  if (n_host > 1 || bad_host || (n_host == 0 && !http_1_0))
    return malformed (self, _("A request needs exactly one valid Host header field."));
  /* RFC 9112 §6.1 and §6.3: a message with both headers, several of either,
   * or a length that is not a number cannot be framed safely. */
  if (n_encoding > 0 && n_length > 0)
    return malformed (self, _("A request may not have both Content-Length and "
                              "Transfer-Encoding."));
  if (n_encoding > 1 || bad_encoding || (n_encoding > 0 && http_1_0))
    return malformed (self, _("The only transfer coding accepted is “chunked”, once."));
  if (n_length > 1 || bad_length)
    return malformed (self, _("The request needs one Content-Length that is a number."));
  if (n_type > 1)
    return malformed (self, _("A request may have only one Content-Type."));
  if (bad_expect)
    return refuse (self, 417, _("The only expectation supported is “100-continue”."));

  request.method = method;
  request.path = path;
  request.content_type = content_type;
  request.body = n_encoding > 0 ? SB_HTTP_BODY_CHUNKED
               : n_length > 0 ? SB_HTTP_BODY_LENGTH : SB_HTTP_BODY_NONE;
  request.length = length;
  request.http_1_0 = http_1_0;
  self->policy (&request, &verdict, self->policy_data);

  g_free (self->too_large_message);
  self->too_large_message = g_steal_pointer (&verdict.too_large_message);
  self->n_requests++;

  if (verdict.status == 0 && request.body == SB_HTTP_BODY_LENGTH && length > verdict.max_body)
    {
      verdict.status = 413;
      g_free (verdict.message);
      verdict.message = g_strdup (self->too_large_message);
    }
  if (verdict.status != 0)
    {
      refuse (self, verdict.status,
              verdict.message ? verdict.message : _("The request was refused."));
      g_free (verdict.message);
      return SB_HTTP_INTAKE_REFUSE;
    }
  g_free (verdict.message);

  self->max_body = verdict.max_body;
  self->body_total = 0;
  if (request.body == SB_HTTP_BODY_CHUNKED)
    {
      self->state = STATE_CHUNK_SIZE;
      self->chunk_size = 0;
      self->chunk_digits = 0;
      self->chunk_line = 0;
    }
  else if (request.body == SB_HTTP_BODY_LENGTH && length > 0)
    {
      self->state = STATE_BODY;
      self->left = length;
    }
  else
    self->state = STATE_HEAD;
  return SB_HTTP_INTAKE_PASS;
}

static SbHttpIntakeResult
scan_head (SbHttpIntake *self,
           const guint8 *data,
           gsize         len,
           gsize        *skip,
           gsize        *pass)
{
  gsize start = 0;
  gsize from;
  const guint8 *found = NULL;
  gsize head_len;
  SbHttpIntakeResult result;

  /* RFC 9112 §2.2: empty lines before a request line are ignored (and kept
   * from libsoup, which would count them). */
  if (self->head_searched == 0)
    {
      /* A new request: the last one's name no longer applies. */
      g_clear_pointer (&self->method, g_free);
      g_clear_pointer (&self->path, g_free);
      while (start + 1 < len && data[start] == '\r' && data[start + 1] == '\n')
        start += 2;
      *skip = start;
      if (start < len && data[start] == '\n')
        return malformed (self, _("Lines of a request must end in CR LF."));
      data += start;
      len -= start;
      if (len < 2)
        return SB_HTTP_INTAKE_MORE;
    }

  from = self->head_searched > 3 ? self->head_searched - 3 : 0;
  for (gsize i = from; i + 4 <= len && found == NULL; i++)
    {
      const guint8 *cr = memchr (data + i, '\r', len - i);
      if (cr == NULL || (gsize) (cr - data) + 4 > len)
        break;
      i = (gsize) (cr - data);
      if (memcmp (cr, "\r\n\r\n", 4) == 0)
        found = cr;
    }

  if (found == NULL)
    {
      if (len > SB_HTTP_MAX_HEAD_SIZE)
        return refuse (self, 431, _("The request head is too large."));
      self->head_searched = len;
      return SB_HTTP_INTAKE_MORE;
    }

  head_len = (gsize) (found - data) + 4;
  self->head_searched = 0;
  if (head_len > SB_HTTP_MAX_HEAD_SIZE)
    return refuse (self, 431, _("The request head is too large."));
  result = judge_head (self, (const char *) data, head_len);
  if (result == SB_HTTP_INTAKE_PASS)
    *pass = head_len;
  return result;
}

static SbHttpIntakeResult
scan_chunked (SbHttpIntake *self,
              const guint8 *data,
              gsize         len,
              gsize        *pass)
{
  const char *fault = NULL;
  guint status = 400;
  gsize i = 0;

  while (i < len && self->state != STATE_HEAD && fault == NULL)
    {
      guchar c = data[i];

      switch (self->state)
        {
        case STATE_CHUNK_SIZE:
        case STATE_CHUNK_EXT:
          if (++self->chunk_line > MAX_CHUNK_LINE)
            fault = _("A chunk-size line is too long.");
          else if (self->state == STATE_CHUNK_SIZE && g_ascii_isxdigit (c))
            {
              if (++self->chunk_digits > MAX_CHUNK_DIGITS)
                fault = self->too_large_message, status = 413;
              else
                self->chunk_size = self->chunk_size * 16 + (guint64) g_ascii_xdigit_value (c);
            }
          else if (c == '\r' && self->chunk_digits > 0)
            self->state = STATE_CHUNK_SIZE_LF;
          else if (self->state == STATE_CHUNK_SIZE && c == ';' && self->chunk_digits > 0)
            self->state = STATE_CHUNK_EXT;
          else if (self->state != STATE_CHUNK_EXT || !is_field_char (c))
            fault = _("The chunked body is malformed.");
          break;

        case STATE_CHUNK_SIZE_LF:
          if (c != '\n')
            fault = _("The chunked body is malformed.");
          else if (self->chunk_size == 0)
            self->state = STATE_LAST_CR;
          else if (self->chunk_size > self->max_body - self->body_total)
            fault = self->too_large_message, status = 413;
          else
            {
              self->left = self->chunk_size;
              self->state = STATE_CHUNK_DATA;
            }
          break;

        case STATE_CHUNK_DATA:
          {
            gsize take = (gsize) MIN (self->left, (guint64) (len - i));

            self->left -= take;
            self->body_total += take;
            i += take;
            if (self->left == 0)
              self->state = STATE_CHUNK_DATA_CR;
          }
          continue;

        case STATE_CHUNK_DATA_CR:
          if (c != '\r')
            fault = _("The chunked body is malformed.");
          else
            self->state = STATE_CHUNK_DATA_LF;
          break;

        case STATE_LAST_CR:
          if (c != '\r')
            fault = _("Trailer fields are not accepted.");
          else
            self->state = STATE_LAST_LF;
          break;

        case STATE_CHUNK_DATA_LF:
        case STATE_LAST_LF:
          if (c != '\n')
            fault = _("The chunked body is malformed.");
          else if (self->state == STATE_LAST_LF)
            self->state = STATE_HEAD;
          else
            {
              self->state = STATE_CHUNK_SIZE;
              self->chunk_size = 0;
              self->chunk_digits = 0;
              self->chunk_line = 0;
            }
          break;

        case STATE_HEAD:
        case STATE_BODY:
        case STATE_REFUSED:
        default:
          g_assert_not_reached ();
        }
      if (fault == NULL)
        i++;
    }

  *pass = i;
  if (fault != NULL)
    {
      refuse (self, status, fault);
      /* What came before the fault passes first, so that the outcome does
       * not depend on how the bytes were cut; the refusal comes next call. */
      return i > 0 ? SB_HTTP_INTAKE_PASS : SB_HTTP_INTAKE_REFUSE;
    }
  return i > 0 ? SB_HTTP_INTAKE_PASS : SB_HTTP_INTAKE_MORE;
}

/**
 * sb_http_intake_scan:
 * @data: the bytes after everything passed so far
 * @skip: (out): how many bytes at the front to drop (empty lines before a
 *   request); applies to every result but %SB_HTTP_INTAKE_REFUSE
 * @pass: (out): how many bytes after those may go on to the server
 *
 * Returns: whether bytes may pass, more are needed, or the connection must
 *   be refused. Once refused, it stays refused.
 */
SbHttpIntakeResult
sb_http_intake_scan (SbHttpIntake *self,
                     const guint8 *data,
                     gsize         len,
                     gsize        *skip,
                     gsize        *pass)
{
  g_return_val_if_fail (SB_IS_HTTP_INTAKE (self), SB_HTTP_INTAKE_REFUSE);
  g_return_val_if_fail (data != NULL || len == 0, SB_HTTP_INTAKE_REFUSE);
  g_return_val_if_fail (skip != NULL && pass != NULL, SB_HTTP_INTAKE_REFUSE);

  *skip = 0;
  *pass = 0;
  if (self->state == STATE_REFUSED)
    return SB_HTTP_INTAKE_REFUSE;
  if (len == 0)
    return SB_HTTP_INTAKE_MORE;

  switch (self->state)
    {
    case STATE_HEAD:
      return scan_head (self, data, len, skip, pass);
    case STATE_BODY:
      *pass = (gsize) MIN (self->left, (guint64) len);
      self->left -= *pass;
      if (self->left == 0)
        self->state = STATE_HEAD;
      return SB_HTTP_INTAKE_PASS;
    case STATE_CHUNK_SIZE:
    case STATE_CHUNK_EXT:
    case STATE_CHUNK_SIZE_LF:
    case STATE_CHUNK_DATA:
    case STATE_CHUNK_DATA_CR:
    case STATE_CHUNK_DATA_LF:
    case STATE_LAST_CR:
    case STATE_LAST_LF:
      return scan_chunked (self, data, len, pass);
    case STATE_REFUSED:
    default:
      g_assert_not_reached ();
    }
  return SB_HTTP_INTAKE_REFUSE;
}

gboolean
sb_http_intake_in_head (SbHttpIntake *self)
{
  g_return_val_if_fail (SB_IS_HTTP_INTAKE (self), FALSE);
  return self->state == STATE_HEAD;
}

guint64
sb_http_intake_get_body_left (SbHttpIntake *self)
{
  g_return_val_if_fail (SB_IS_HTTP_INTAKE (self), 0);
  return self->state == STATE_BODY ? self->left : 0;
}

guint
sb_http_intake_get_refusal (SbHttpIntake  *self,
                            const char   **message)
{
  g_return_val_if_fail (SB_IS_HTTP_INTAKE (self), 0);
  if (message)
    *message = self->refusal_message;
  return self->refusal_status;
}

const char *
sb_http_intake_get_method (SbHttpIntake *self)
{
  g_return_val_if_fail (SB_IS_HTTP_INTAKE (self), NULL);
  return self->method;
}

const char *
sb_http_intake_get_path (SbHttpIntake *self)
{
  g_return_val_if_fail (SB_IS_HTTP_INTAKE (self), NULL);
  return self->path;
}

guint64
sb_http_intake_get_n_requests (SbHttpIntake *self)
{
  g_return_val_if_fail (SB_IS_HTTP_INTAKE (self), 0);
  return self->n_requests;
}
