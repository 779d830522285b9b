/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sb-chunk-pipe.h"
#include "sb-error.h"
#include "sb-multipart-parser.h"
#include "sb-validate.h"
#include "sb-web-server-private.h"

/* Streaming uploads (POST /upload and POST /files/<name>/edit).
 *
 * The body goes chunk by chunk through the multipart parser; the file part
 * goes on through a bounded pipe into sb_library_stage_async(), and when
 * the pipe is full the message is paused, so a slow disk or S3 slows the
 * client down instead of filling memory. Text fields are small and kept.
 * The CSRF field must come before the file (our forms put it first), so no
 * byte is stored for a forged request.
 *
 * How long the body may be was decided before it started, by the request
 * intake (sb-http-intake.c, with the limit from sb-web-server.c): this code
 * only ever sees bodies within it. A request refused before its body is
 * read (not logged in) is answered at once and its connection closed. Once
 * something is wrong in the middle of the body, the rest is read and
 * thrown away (bounded by that limit, and never kept), then the form is
 * shown again with the message: the browser gets a page, not a reset
 * connection. */

#define MAX_FIELD_SIZE (64 * 1024)
/* All text fields together: our forms send a few hundred bytes. */
#define MAX_FIELDS_SIZE (64 * 1024)
#define PIPE_HIGH_WATER (4 * 1024 * 1024)

typedef enum {
  FORM_UPLOAD,
  FORM_EDIT,
} FormKind;

struct _SbUpload
{
  FormKind           kind;
  SoupServerMessage *msg;             /* borrowed: the upload is the message's */
  char              *path_name;       /* the file being edited */
  gulong             got_chunk_id;

  SbMultipartParser *parser;
  GHashTable        *fields;          /* name -> value, for the text fields */
  char              *field_name;
  GString           *field_value;
  gsize              fields_size;     /* every text field's bytes so far */
  gboolean           in_file;
  gboolean           seen_file;
  gboolean           skip_file;       /* edit form with no new content */
  char              *file_name;       /* the uploaded file's name */
  char              *content_type;
  gboolean           csrf_ok;

  SbChunkPipe       *pipe;
  gboolean           paused;
  gboolean           staging;
  SbStagedContent   *staged;

  guint              reject_status;   /* set: the request failed; discard the rest */
  char              *reject_message;
  gboolean           body_done;
};

void
sb_upload_free (SbUpload *upload)
{
  if (upload->pipe)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                                     "The upload was abandoned");
      sb_chunk_pipe_fail (upload->pipe, error);
      g_clear_object (&upload->pipe);
    }
  g_clear_pointer (&upload->staged, sb_staged_content_free);
  g_clear_object (&upload->parser);
  g_clear_pointer (&upload->fields, g_hash_table_unref);
  g_free (upload->field_name);
  if (upload->field_value)
    g_string_free (upload->field_value, TRUE);
  g_free (upload->path_name);
  g_free (upload->file_name);
  g_free (upload->content_type);
  g_free (upload->reject_message);
  g_free (upload);
}

gboolean
sb_web_upload_is_route (const char *method,
                        const char *path)
{
  g_autofree char *action = NULL;

  if (!g_str_equal (method, "POST"))
    return FALSE;
  if (g_str_equal (path, "/upload"))
    return TRUE;
  return sb_web_parse_file_path (path, NULL, &action) && g_str_equal (action, "edit");
}

static const char *
field (SbUpload   *upload,
       const char *name)
{
  return g_hash_table_lookup (upload->fields, name);
}

static void
resume (SbUpload *upload)
{
  if (upload->paused)
    {
      upload->paused = FALSE;
      soup_server_message_unpause (upload->msg);
    }
}

/* Remembers the first failure; from now on the body is only drained. */
static void
reject (SbUpload   *upload,
        guint       status,
        const char *message)
{
  if (upload->reject_status != 0)
    return;
  upload->reject_status = status;
  upload->reject_message = g_strdup (message);
  if (upload->pipe)
    {
      g_autoptr(GError) error = g_error_new_literal (SB_ERROR, SB_ERROR_INVALID, message);
      sb_chunk_pipe_fail (upload->pipe, error);
    }
  resume (upload);
}

static void
reject_error (SbUpload     *upload,
              const GError *error)
{
  reject (upload, sb_web_status_for_error (error), sb_web_error_message (error));
}

/* Multipart callbacks */

static void
pipe_drained_cb (GObject *target)
{
  SbWebRequest *req = sb_web_request_get (SOUP_SERVER_MESSAGE (target));

  if (req && req->upload)
    resume (req->upload);
}

static void complete (SbWebRequest *req);

static void
stage_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = sb_web_request_get (msg);
  SbUpload *upload = req->upload;
  g_autoptr(GError) error = NULL;

  upload->staging = FALSE;
  upload->staged = sb_library_stage_finish (SB_LIBRARY (object), result, &error);
  if (upload->staged == NULL && !g_cancellable_is_cancelled (req->cancellable))
    reject_error (upload, error);
  if (upload->body_done)
    complete (req);
}

static gboolean
start_file (SbWebRequest  *req,
            const char    *filename,
            const char    *content_type,
            GError       **error)
{
  SbUpload *upload = req->upload;
  g_autoptr(GError) invalid = NULL;
  const char *name;

  if (upload->seen_file)
    {
      g_set_error_literal (error, SB_ERROR, SB_ERROR_INVALID,
                           _("Please upload one file at a time."));
      return FALSE;
    }
  upload->seen_file = TRUE;
  upload->in_file = TRUE;

  if (filename == NULL || *filename == '\0')
    {
      if (upload->kind == FORM_EDIT)
        {
          /* No new content chosen: keep the current one. */
          upload->skip_file = TRUE;
          return TRUE;
        }
      g_set_error_literal (error, SB_ERROR, SB_ERROR_INVALID,
                           _("Please choose a file to upload."));
      return FALSE;
    }

  if (upload->kind == FORM_UPLOAD)
    {
      upload->file_name = sb_validate_file_name (filename, &invalid);
      if (upload->file_name == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&invalid));
          return FALSE;
        }
      name = upload->file_name;
    }
  else
    name = upload->path_name;

  upload->content_type = g_strdup (content_type);
  upload->pipe = sb_chunk_pipe_new (PIPE_HIGH_WATER);
  sb_chunk_pipe_set_drained_callback (upload->pipe, pipe_drained_cb, G_OBJECT (req->msg));
  upload->staging = TRUE;
  sb_library_stage_async (sb_web_server_get_library (req->server), sb_web_request_username (req),
                          name, content_type, G_INPUT_STREAM (upload->pipe), -1, NULL, NULL,
                          req->cancellable, stage_cb, g_object_ref (req->msg));
  return TRUE;
}

static gboolean
part_begin (SbMultipartParser   *parser,
            SoupMessageHeaders  *headers,
            const char          *name,
            const char          *filename,
            const char          *content_type,
            gpointer             user_data,
            GError             **error)
{
  SbWebRequest *req = user_data;
  SbUpload *upload = req->upload;

  if (g_strcmp0 (name, "file") == 0)
    {
      if (!upload->csrf_ok)
        {
          reject (upload, SOUP_STATUS_FORBIDDEN, "forbidden");
          g_set_error_literal (error, SB_ERROR, SB_ERROR_INVALID, "forbidden");
          return FALSE;
        }
      return start_file (req, filename, content_type, error);
    }

  g_free (upload->field_name);
  upload->field_name = g_strdup (name ? name : "");
  if (upload->field_value)
    g_string_truncate (upload->field_value, 0);
  else
    upload->field_value = g_string_new (NULL);
  return TRUE;
}

static gboolean
part_data (SbMultipartParser  *parser,
           const guint8       *data,
           gsize               len,
           gpointer            user_data,
           GError            **error)
{
  SbWebRequest *req = user_data;
  SbUpload *upload = req->upload;

  if (upload->in_file)
    {
      g_autoptr(GBytes) bytes = NULL;

      if (upload->pipe == NULL)
        return TRUE;
      bytes = g_bytes_new (data, len);
      if (!sb_chunk_pipe_push (upload->pipe, bytes) && !upload->paused)
        {
          upload->paused = TRUE;
          soup_server_message_pause (req->msg);
        }
      return TRUE;
    }

  if (upload->field_value->len + len > MAX_FIELD_SIZE)
    {
      g_set_error (error, SB_ERROR, SB_ERROR_INVALID, _("The form field “%s” is too long."),
                   upload->field_name);
      return FALSE;
    }
  /* Each field within its limit is not enough: a thousand of them would
   * still be held at once. */
  upload->fields_size += len;
  if (upload->fields_size > MAX_FIELDS_SIZE)
    {
      reject (upload, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, _("The form is too large."));
      g_set_error_literal (error, SB_ERROR, SB_ERROR_TOO_LARGE, _("The form is too large."));
      return FALSE;
    }
  g_string_append_len (upload->field_value, (const char *) data, (gssize) len);
  return TRUE;
}

static gboolean
part_end (SbMultipartParser  *parser,
          gpointer            user_data,
          GError            **error)
{
  SbWebRequest *req = user_data;
  SbUpload *upload = req->upload;

  if (upload->in_file)
    {
      upload->in_file = FALSE;
      if (upload->pipe)
        sb_chunk_pipe_close_write (upload->pipe);
      return TRUE;
    }

  if (memchr (upload->field_value->str, '\0', upload->field_value->len) != NULL ||
      !g_utf8_validate (upload->field_value->str, (gssize) upload->field_value->len, NULL))
    {
      g_set_error (error, SB_ERROR, SB_ERROR_INVALID,
                   _("The form field “%s” is not valid text."), upload->field_name);
      return FALSE;
    }
  g_hash_table_replace (upload->fields, g_strdup (upload->field_name),
                        g_strdup (upload->field_value->str));

  if (g_str_equal (upload->field_name, "csrf"))
    upload->csrf_ok = sb_web_request_check_csrf (req, upload->field_value->str);
  return TRUE;
}

static const SbMultipartCallbacks callbacks = {
  .part_begin = part_begin,
  .part_data = part_data,
  .part_end = part_end,
};

/* Body */

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  SbWebRequest *req = sb_web_request_get (msg);
  SbUpload *upload = req->upload;
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (chunk, &size);

  if (upload->reject_status != 0)
    return;
  /* A callback may have rejected the request already, with its reason. */
  if (!sb_multipart_parser_feed (upload->parser, data, size, &error) &&
      upload->reject_status == 0)
    {
      if (error->domain == SB_MULTIPART_ERROR)
        reject (upload, SOUP_STATUS_BAD_REQUEST, error->message);
      else
        reject_error (upload, error);
    }
}

/* The body is not read at all: the answer goes out now, and the
 * connection closes after it. */
static void
refuse_now (SbWebRequest *req,
            guint         status,
            const char   *message)
{
  g_clear_signal_handler (&req->upload->got_chunk_id, req->msg);
  req->answer_now = TRUE;
  sb_web_respond_error (req, status, message);
}

static void
upload_authenticated (SbWebRequest *req)
{
  if (req->session == NULL)
    {
      refuse_now (req, SOUP_STATUS_UNAUTHORIZED, _("Your session has ended. Please log in again."));
      return;
    }
  /* Now read the body. */
  soup_server_message_unpause (req->msg);
}

void
sb_web_upload_begin (SbWebRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *content_type = soup_message_headers_get_one (headers, "Content-Type");
  g_autoptr(GError) error = NULL;
  g_autofree char *boundary = NULL;
  SbUpload *upload;

  upload = g_new0 (SbUpload, 1);
  req->upload = upload;
  upload->msg = req->msg;
  upload->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (g_str_equal (req->path, "/upload"))
    upload->kind = FORM_UPLOAD;
  else
    {
      upload->kind = FORM_EDIT;
      sb_web_parse_file_path (req->path, &upload->path_name, NULL);
    }

  /* The intake let only multipart/form-data in; this is the same rule. */
  boundary = sb_multipart_boundary_from_content_type (content_type, &error);
  if (boundary == NULL)
    {
      soup_server_message_pause (req->msg);
      refuse_now (req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                  _("Files must be sent as multipart/form-data."));
      return;
    }

  upload->parser = sb_multipart_parser_new (boundary, &callbacks, req);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (req->msg), FALSE);
  upload->got_chunk_id = g_signal_connect (req->msg, "got-chunk", G_CALLBACK (got_chunk_cb),
                                           NULL);
  /* Nothing is read until we know who is sending it. */
  soup_server_message_pause (req->msg);
  sb_web_request_authenticate (req, upload_authenticated);
}

/* Finishing */

static void
rerender_edit_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = sb_web_request_get (msg);
  SbUpload *upload = req->upload;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = sb_library_get_finish (SB_LIBRARY (object), result, &error);

  if (file == NULL)
    sb_web_respond_failure (req, error);
  else
    sb_web_render_edit (req, upload->reject_status, file, field (upload, "name"),
                        field (upload, "description"), upload->reject_message);
}

/* Shows the form again, with what the user typed and what went wrong. */
static void
respond_rejected (SbWebRequest *req)
{
  SbUpload *upload = req->upload;

  if (upload->reject_status == SOUP_STATUS_FORBIDDEN)
    sb_web_respond_forbidden (req);
  else if (upload->reject_status == SOUP_STATUS_UNAUTHORIZED || req->session == NULL)
    sb_web_respond_error (req, SOUP_STATUS_UNAUTHORIZED, upload->reject_message);
  else if (upload->kind == FORM_UPLOAD)
    sb_web_render_upload (req, upload->reject_status, field (upload, "description"),
                          field (upload, "replace") != NULL, upload->reject_message);
  else
    sb_library_get_async (sb_web_server_get_library (req->server),
                          sb_web_request_username (req), upload->path_name, NULL,
                          rerender_edit_cb, g_object_ref (req->msg));
}

/* Ends a form that stores a file: back to the list, saying @flash_code
 * about @file, or the form again with what went wrong. */
static void
respond_saved (SbWebRequest *req,
               SbFile       *file,
               const GError *error,
               const char   *flash_code)
{
  if (file == NULL)
    {
      reject_error (req->upload, error);
      respond_rejected (req);
      return;
    }
  sb_web_respond_redirect (req, "/files", flash_code, sb_file_get_name (file));
}

static void
create_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = sb_web_request_get (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = sb_library_create_finish (SB_LIBRARY (object), result, &error);

  respond_saved (req, file, error, "uploaded");
}

static void
edit_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = sb_web_request_get (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = sb_library_edit_finish (SB_LIBRARY (object), result, &error);

  respond_saved (req, file, error, "saved");
}

static gint64
version_field (SbUpload *upload)
{
  const char *text = field (upload, "version");
  guint64 version;

  if (text && g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &version, NULL))
    return (gint64) version;
  return -1;
}

/* Body read and content staged (or failed): answer. */
static void
complete (SbWebRequest *req)
{
  SbUpload *upload = req->upload;
  SbLibrary *library = sb_web_server_get_library (req->server);

  if (req->responded || upload->staging)
    return;

  if (upload->reject_status != 0)
    {
      g_clear_pointer (&upload->staged, sb_staged_content_free);
      respond_rejected (req);
      return;
    }

  /* Committing does not take the request's cancellable: the whole body
   * arrived, so the upload happened even if the client stops listening. */
  if (upload->kind == FORM_UPLOAD)
    {
      guint flags = field (upload, "replace") ? SB_UPLOAD_REPLACE : SB_UPLOAD_NONE;
      sb_library_create_async (library, sb_web_request_username (req), upload->file_name,
                               field (upload, "description"), g_steal_pointer (&upload->staged),
                               flags, NULL, create_cb, g_object_ref (req->msg));
    }
  else
    sb_library_edit_async (library, sb_web_request_username (req), upload->path_name,
                           field (upload, "name"), field (upload, "description"),
                           g_steal_pointer (&upload->staged), version_field (upload), NULL,
                           edit_cb, g_object_ref (req->msg));
}

void
sb_web_upload_body_done (SbWebRequest *req)
{
  SbUpload *upload = req->upload;
  g_autoptr(GError) error = NULL;

  upload->body_done = TRUE;
  g_clear_signal_handler (&upload->got_chunk_id, req->msg);

  if (upload->reject_status == 0 && !sb_multipart_parser_finish (upload->parser, &error))
    reject (upload, SOUP_STATUS_BAD_REQUEST, error->message);
  if (upload->reject_status == 0 && !upload->csrf_ok)
    reject (upload, SOUP_STATUS_FORBIDDEN, "forbidden");
  if (upload->reject_status == 0 && upload->kind == FORM_UPLOAD && !upload->seen_file)
    reject (upload, SOUP_STATUS_BAD_REQUEST, _("Please choose a file to upload."));
  complete (req);
}

void
sb_web_upload_abort (SbWebRequest *req)
{
  SbUpload *upload = req->upload;

  if (upload == NULL || upload->pipe == NULL)
    return;
  {
    g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                                   _("The upload was interrupted."));
    sb_chunk_pipe_fail (upload->pipe, error);
  }
}
