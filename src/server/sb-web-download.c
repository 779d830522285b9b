/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sb-web-server-private.h"

/* Big enough to keep the socket busy, small enough that thousands of
 * downloads at once stay within memory. */
#define CHUNK_SIZE (256 * 1024)

typedef struct
{
  SoupServerMessage *msg;
  SbFile            *file;
  GInputStream      *stream;
  GCancellable      *cancellable;
  guint              status;
  guint64            offset;
  guint64            remaining;     /* still to be read from storage */
  gulong             wrote_chunk_id;
  GBytes            *ready;         /* read, waiting for the socket */
  gboolean           reading;
  gboolean           sending;       /* a chunk is with libsoup */
  gboolean           paused;
} Download;

static void
download_free (Download *download)
{
  g_clear_signal_handler (&download->wrote_chunk_id, download->msg);
  g_clear_object (&download->stream);
  g_clear_pointer (&download->ready, g_bytes_unref);
  g_clear_object (&download->file);
  g_clear_object (&download->cancellable);
  g_clear_object (&download->msg);
  g_free (download);
}

/* Headers are out with a Content-Length; the only honest way to report a
 * failure now is to cut the connection so the client sees a short body. */
static void
download_break (Download *download)
{
  g_autoptr(GIOStream) stream = NULL;

  g_clear_signal_handler (&download->wrote_chunk_id, download->msg);
  stream = soup_server_message_steal_connection (download->msg);
  if (stream)
    g_io_stream_close (stream, NULL, NULL);
  download_free (download);
}

static void pump (Download *download);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Download *download = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result,
                                                              &error);

  download->reading = FALSE;
  if (g_cancellable_is_cancelled (download->cancellable))
    {
      /* The client went away; libsoup has already given up on the message. */
      download_free (download);
      return;
    }
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      g_warning ("download broke off with %" G_GUINT64_FORMAT " bytes to go: %s",
                 download->remaining, error ? error->message : "unexpected end of content");
      download_break (download);
      return;
    }

  download->remaining -= MIN (download->remaining, g_bytes_get_size (bytes));
  download->ready = g_steal_pointer (&bytes);
  pump (download);
}

/* Keeps one chunk with the socket and the next one read ahead, so storage
 * and network work at the same time; memory stays at two chunks however
 * slow the client. */
static void
pump (Download *download)
{
  SoupMessageBody *body = soup_server_message_get_response_body (download->msg);

  if (!download->sending && download->ready)
    {
      soup_message_body_append_bytes (body, download->ready);
      g_clear_pointer (&download->ready, g_bytes_unref);
      download->sending = TRUE;
    }
  else if (!download->sending && !download->reading && download->remaining == 0)
    {
      soup_message_body_complete (body);
      if (download->paused)
        soup_server_message_unpause (download->msg);
      download_free (download);
      return;
    }

  if (download->sending && download->paused)
    {
      download->paused = FALSE;
      soup_server_message_unpause (download->msg);
    }
  else if (!download->sending && !download->paused)
    {
      download->paused = TRUE;
      soup_server_message_pause (download->msg);
    }

  if (!download->reading && download->ready == NULL && download->remaining > 0)
    {
      download->reading = TRUE;
      g_input_stream_read_bytes_async (download->stream, (gsize) MIN (download->remaining,
                                                                      CHUNK_SIZE),
                                       G_PRIORITY_DEFAULT, download->cancellable, read_cb,
                                       download);
    }
}

static void
wrote_chunk_cb (SoupServerMessage *msg,
                guint              chunk_size,
                gpointer           user_data)
{
  Download *download = user_data;

  download->sending = FALSE;
  pump (download);
}

/* RFC 6266: a plain ASCII fallback for old clients, and the exact UTF-8
 * name in filename* for everyone else. */
static char *
content_disposition (const char *name)
{
  g_autofree char *ascii = g_strdup (name);
  g_autofree char *encoded = g_uri_escape_string (name, NULL, FALSE);

  for (char *p = ascii; *p; p++)
    if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f || *p == '"' || *p == '\\' || *p == '%' ||
        *p == ';')
      *p = '_';
  return g_strdup_printf ("attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, encoded);
}

/* The type a download is served as: what the uploader declared only when
 * a browser cannot run it. HTML, SVG, XML, scripts and anything unknown
 * go out as bytes, so that no browser quirk (a missing sandbox, an old
 * plug-in) ever renders a user's file as a page of ours. */
static char *
served_content_type (const char *declared)
{
  static const char * const passive[] = {
    "text/plain", "text/csv", "application/pdf", "application/json", "application/zip",
    "application/gzip", "application/x-tar", "application/x-7z-compressed",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/msword", "application/vnd.ms-excel",
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp",
    "image/tiff", "image/heic",
  };
  g_autofree char *type = NULL;
  const char *semi;
  const char *subtype;

  if (declared == NULL)
    return g_strdup ("application/octet-stream");
  semi = strchr (declared, ';');
  type = g_ascii_strdown (declared, semi ? semi - declared : -1);
  g_strstrip (type);
  for (guint i = 0; i < G_N_ELEMENTS (passive); i++)
    if (g_str_equal (type, passive[i]))
      return g_steal_pointer (&type);
  /* Media players run no script; a "+xml" subtype (SVG's kin) is left out. */
  subtype = g_str_has_prefix (type, "audio/") || g_str_has_prefix (type, "video/") ? type + 6
                                                                                  : NULL;
  if (subtype != NULL && *subtype != '\0' && strstr (subtype, "xml") == NULL &&
      strspn (subtype, "abcdefghijklmnopqrstuvwxyz0123456789.+-") == strlen (subtype))
    return g_steal_pointer (&type);
  return g_strdup ("application/octet-stream");
}

static gboolean
if_range_matches (SoupMessageHeaders *request,
                  const char         *etag)
{
  const char *if_range = soup_message_headers_get_one (request, "If-Range");

  /* A date (or anything but our ETag) means the client's copy may be
   * stale: send the whole file. */
  return if_range == NULL || g_str_equal (if_range, etag);
}

/* RFC 9530: the digest of the whole file, for a 206 as well, so a client
 * can check what it assembles. Every download is also checked here, in
 * core: a mismatch cuts the connection before the last chunk. */
static char *
repr_digest_header (const char *sha256_hex)
{
  guint8 digest[32];
  g_autofree char *base64 = NULL;

  if (sha256_hex == NULL || strlen (sha256_hex) != 2 * sizeof digest)
    return NULL;
  for (gsize i = 0; i < sizeof digest; i++)
    {
      int hi = g_ascii_xdigit_value (sha256_hex[2 * i]);
      int lo = g_ascii_xdigit_value (sha256_hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return NULL;
      digest[i] = (guint8) (hi << 4 | lo);
    }
  base64 = g_base64_encode (digest, sizeof digest);
  return g_strdup_printf ("sha-256=:%s:", base64);
}

static void
send_headers (Download *download)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (download->msg);
  SbFile *file = download->file;
  g_autoptr(GDateTime) modified = NULL;
  g_autofree char *etag = g_strdup_printf ("\"%s\"", sb_file_get_checksum (file));
  g_autofree char *disposition = content_disposition (sb_file_get_name (file));
  g_autofree char *last_modified = NULL;
  g_autofree char *repr_digest = NULL;
  g_autofree char *type = served_content_type (sb_file_get_content_type (file));

  modified = g_date_time_new_from_unix_utc (sb_file_get_modified_at (file) / G_USEC_PER_SEC);
  last_modified = soup_date_time_to_string (modified, SOUP_DATE_HTTP);

  soup_server_message_set_status (download->msg, download->status, NULL);
  if (download->status == SOUP_STATUS_PARTIAL_CONTENT)
    soup_message_headers_set_content_range (response, (goffset) download->offset,
                                            (goffset) (download->offset + download->remaining - 1),
                                            (goffset) sb_file_get_size (file));
  soup_message_headers_set_content_type (response, type, NULL);
  soup_message_headers_set_content_length (response, (goffset) download->remaining);
  soup_message_headers_replace (response, "Content-Disposition", disposition);
  soup_message_headers_replace (response, "Accept-Ranges", "bytes");
  soup_message_headers_replace (response, "ETag", etag);
  repr_digest = repr_digest_header (sb_file_get_checksum (file));
  if (repr_digest != NULL)
    soup_message_headers_replace (response, "Repr-Digest", repr_digest);
  soup_message_headers_replace (response, "Last-Modified", last_modified);
  soup_message_headers_replace (response, "Cache-Control", "private, no-cache");
  /* Whatever the file is, it never runs as a page of ours. */
  soup_message_headers_replace (response, "Content-Security-Policy",
                                "default-src 'none'; sandbox");
  soup_message_body_set_accumulate (soup_server_message_get_response_body (download->msg), FALSE);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Download *download = user_data;
  SbWebRequest *req = sb_web_request_get (download->msg);
  g_autoptr(GError) error = NULL;

  download->stream = sb_library_read_finish (SB_LIBRARY (object), result, &error);
  if (download->stream == NULL)
    {
      if (!g_cancellable_is_cancelled (download->cancellable))
        sb_web_respond_failure (req, error);
      download_free (download);
      return;
    }

  send_headers (download);
  req->responded = TRUE;
  /* The handler paused the message; pump() unpauses it when a chunk is
   * ready (or the body is empty). */
  download->paused = TRUE;
  download->wrote_chunk_id = g_signal_connect (download->msg, "wrote-chunk",
                                               G_CALLBACK (wrote_chunk_cb), download);
  pump (download);
}

static void
get_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = sb_web_request_get (msg);
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = sb_library_get_finish (SB_LIBRARY (object), result, &error);
  g_autofree char *etag = NULL;
  SoupRange *ranges = NULL;
  int n_ranges = 0;
  Download *download;
  guint64 size;

  if (file == NULL)
    {
      sb_web_respond_failure (req, error);
      return;
    }

  size = sb_file_get_size (file);
  download = g_new0 (Download, 1);
  download->msg = g_object_ref (msg);
  download->file = g_object_ref (file);
  download->cancellable = g_object_ref (req->cancellable);
  download->status = SOUP_STATUS_OK;
  download->remaining = size;

  etag = g_strdup_printf ("\"%s\"", sb_file_get_checksum (file));
  /* A Range header we cannot parse is ignored (the whole file, as RFC 9110
   * says); one we can parse but that lies past the end gets a 416. */
  if (soup_message_headers_get_one (request, "Range") && if_range_matches (request, etag) &&
      soup_message_headers_get_ranges (request, (goffset) size, &ranges, &n_ranges))
    {
      /* One range is what download managers and media players ask for;
       * several at once (multipart/byteranges) get the whole file. */
      if (n_ranges == 1 && (guint64) ranges[0].start >= size)
        {
          g_autofree char *range = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT, size);
          soup_message_headers_free_ranges (request, ranges);
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Content-Range", range);
          sb_web_respond_error (req, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE,
                                _("The requested part of the file does not exist."));
          download_free (download);
          return;
        }
      if (n_ranges == 1)
        {
          /* "bytes=5000-99999" of a smaller file means "to the end". */
          goffset end = MIN (ranges[0].end, (goffset) size - 1);
          download->status = SOUP_STATUS_PARTIAL_CONTENT;
          download->offset = (guint64) ranges[0].start;
          download->remaining = (guint64) (end - ranges[0].start + 1);
        }
      soup_message_headers_free_ranges (request, ranges);
    }

  if (g_str_equal (req->method, "HEAD"))
    {
      send_headers (download);
      req->responded = TRUE;
      soup_server_message_unpause (msg);
      download_free (download);
      return;
    }

  sb_library_read_async (SB_LIBRARY (object), file, download->offset,
                         (gint64) download->remaining, req->cancellable, open_cb, download);
}

void
sb_web_download (SbWebRequest *req,
                 const char   *name)
{
  sb_library_get_async (sb_web_server_get_library (req->server), sb_web_request_username (req),
                        name, req->cancellable, get_cb, g_object_ref (req->msg));
}
