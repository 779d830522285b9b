/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PutObject engine: sb_aws_s3_put_object_async() streams any input,
 * with a single PUT or a multipart upload over sb-aws-s3-multipart.c. */
#include "config.h"

#include <string.h>

#include "sb-aws-error-private.h"
#include "sb-aws-s3-private.h"
#include "sb-sha256.h"

/* PutObject: one PUT when the data fits in a part, else a multipart upload
 * with up to max_in_flight parts uploading while the next one is read. */

typedef struct
{
  SbAwsS3      *self;
  char         *bucket;
  char         *key;
  char         *content_type;
  GHashTable   *metadata;
  GInputStream *source;
  gint64        expected_size;
  gsize         part_size;
  SbSha256     *sha256;
  char         *sha256_hex;      /* once finished */
  guint64       total;
  GCancellable *cancellable;     /* ours: stops every part when one fails */
  gulong        cancelled_id;
  guint8       *buffer;          /* the part being read */
  char         *upload_id;
  GPtrArray    *etags;           /* index part - 1 */
  guint         parts_started;
  guint         in_flight;
  gboolean      reading;
  gboolean      eof;
  gboolean      completing;
  GError       *error;
} Upload;

static void
upload_free (Upload *upload)
{
  g_assert (upload->cancelled_id == 0);
  g_object_unref (upload->self);
  g_free (upload->bucket);
  g_free (upload->key);
  g_free (upload->content_type);
  g_clear_pointer (&upload->metadata, g_hash_table_unref);
  g_clear_object (&upload->source);
  sb_sha256_free (upload->sha256);
  g_free (upload->sha256_hex);
  g_clear_object (&upload->cancellable);
  g_free (upload->buffer);
  g_free (upload->upload_id);
  g_ptr_array_unref (upload->etags);
  g_clear_error (&upload->error);
  g_free (upload);
}

static void upload_pump (GTask *task);

static void
upload_cancelled_cb (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
upload_return (GTask *task)
{
  Upload *upload = g_task_get_task_data (task);
  GCancellable *caller = g_task_get_cancellable (task);

  if (upload->cancelled_id != 0)
    {
      g_cancellable_disconnect (caller, upload->cancelled_id);
      upload->cancelled_id = 0;
    }
  if (upload->error != NULL)
    g_task_return_error (task, g_steal_pointer (&upload->error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* The first error wins; the others are what cancelling it caused. */
static void
upload_fail (GTask  *task,
             GError *error)
{
  Upload *upload = g_task_get_task_data (task);

  if (upload->error == NULL)
    upload->error = error;
  else
    g_error_free (error);
  g_cancellable_cancel (upload->cancellable);
}

static void
abort_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  Upload *upload = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Best effort: the bucket's abort-incomplete-uploads rule is the backstop. */
  if (!sb_aws_s3_abort_multipart_upload_finish (SB_AWS_S3 (object), result, &error))
    g_message ("Could not abort S3 multipart upload %s: %s", upload->upload_id, error->message);
  upload_return (task);
}

static void
upload_finish_failed (GTask *task)
{
  Upload *upload = g_task_get_task_data (task);

  if (upload->upload_id == NULL)
    {
      upload_return (task);
      return;
    }
  /* Not cancellable: the upload must go even if the caller cancelled. */
  sb_aws_s3_abort_multipart_upload_async (upload->self, upload->bucket, upload->key,
                                          upload->upload_id, NULL, abort_cb, task);
}

static void
complete_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!sb_aws_s3_complete_multipart_upload_finish (SB_AWS_S3 (object), result, &error))
    {
      upload_fail (task, error);
      upload_finish_failed (task);
      return;
    }
  upload_return (task);
}

typedef struct
{
  GTask *task;
  guint  index;   /* part number - 1 */
} PartCall;

static void
part_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  PartCall *call = user_data;
  GTask *task = call->task;
  Upload *upload = g_task_get_task_data (task);
  GError *error = NULL;
  char *etag;

  upload->in_flight--;
  etag = sb_aws_s3_upload_part_finish (SB_AWS_S3 (object), result, &error);
  if (etag == NULL)
    upload_fail (task, error);
  else
    upload->etags->pdata[call->index] = etag;
  g_free (call);
  upload_pump (task);
}

static void
start_part (GTask  *task,
            GBytes *data)
{
  Upload *upload = g_task_get_task_data (task);
  PartCall *call = g_new0 (PartCall, 1);

  call->task = task;
  call->index = upload->parts_started++;
  g_ptr_array_add (upload->etags, NULL);
  upload->in_flight++;
  sb_aws_s3_upload_part_async (upload->self, upload->bucket, upload->key, upload->upload_id,
                               call->index + 1, data, upload->cancellable, part_cb, call);
}

static void
single_put_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Upload *upload = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  body = sb_aws_client_send_finish (SB_AWS_CLIENT (object), result, NULL, &error);
  if (body == NULL)
    upload->error = error;
  upload_return (task);
}

static void
single_put (GTask  *task,
            GBytes *data)
{
  Upload *upload = g_task_get_task_data (task);
  g_autoptr(SbAwsRequest) request = NULL;
  GError *error = NULL;

  request = sb_aws_s3_new_request (upload->self, "PutObject", "PUT", upload->bucket, upload->key,
                                   NULL,
                                   &error);
  if (request == NULL)
    {
      upload->error = g_error_new (SB_AWS_ERROR, SB_AWS_ERROR_INVALID_REQUEST, "S3: %s",
                                   error->message);
      g_error_free (error);
      upload_return (task);
      return;
    }
  sb_aws_s3_add_metadata_headers (request, upload->content_type, upload->metadata);
  sb_aws_request_set_body (request, data, upload->content_type);
  sb_aws_client_send_async (upload->self->client, request, upload->cancellable, single_put_cb,
                            task);
}

static void
create_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Upload *upload = g_task_get_task_data (task);
  GError *error = NULL;

  upload->upload_id = sb_aws_s3_create_multipart_upload_finish (SB_AWS_S3 (object), result,
                                                                &error);
  if (upload->upload_id == NULL)
    upload_fail (task, error);
  upload_pump (task);
}

static void read_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
start_read (GTask *task)
{
  Upload *upload = g_task_get_task_data (task);

  upload->reading = TRUE;
  upload->buffer = g_malloc (upload->part_size);
  g_input_stream_read_all_async (upload->source, upload->buffer, upload->part_size,
                                 G_PRIORITY_DEFAULT, upload->cancellable, read_cb, task);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Upload *upload = g_task_get_task_data (task);
  g_autoptr(GBytes) data = NULL;
  GError *error = NULL;
  gsize n_read = 0;

  upload->reading = FALSE;
  if (!g_input_stream_read_all_finish (upload->source, result, &n_read, &error))
    {
      g_clear_pointer (&upload->buffer, g_free);
      upload_fail (task, error);
      upload_pump (task);
      return;
    }
  if (n_read < upload->part_size)
    upload->eof = TRUE;
  upload->total += n_read;
  sb_sha256_update (upload->sha256, upload->buffer, n_read);
  data = g_bytes_new_take (g_steal_pointer (&upload->buffer), n_read);

  if (upload->error != NULL)
    {
      /* Another part failed while this one was read. */
      upload_pump (task);
      return;
    }
  if (upload->expected_size >= 0 &&
      (upload->total > (guint64) upload->expected_size ||
       (upload->eof && upload->total != (guint64) upload->expected_size)))
    {
      upload_fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                      "The source gave %s bytes than the %" G_GINT64_FORMAT
                                      " announced", upload->total > (guint64) upload->expected_size
                                      ? "more" : "fewer", upload->expected_size));
      upload_pump (task);
      return;
    }

  /* Everything in one part (or known to be): one plain PUT. */
  if (upload->parts_started == 0 && upload->upload_id == NULL &&
      (upload->eof || (upload->expected_size >= 0 &&
                       upload->total == (guint64) upload->expected_size)))
    {
      upload->eof = TRUE;
      single_put (task, data);
      return;
    }

  if (n_read > 0)
    {
      if (upload->parts_started >= SB_AWS_S3_MAX_PARTS)
        {
          upload_fail (task, g_error_new (SB_AWS_ERROR, SB_AWS_ERROR_INVALID_REQUEST,
                                          "S3: the object needs more than %u parts of %"
                                          G_GSIZE_FORMAT " bytes", SB_AWS_S3_MAX_PARTS,
                                          upload->part_size));
          upload_pump (task);
          return;
        }
      if (upload->upload_id == NULL)
        {
          /* The first part is read before the upload exists: hold it. */
          g_object_set_data_full (G_OBJECT (task), "sb-first-part", g_bytes_ref (data),
                                  (GDestroyNotify) g_bytes_unref);
          sb_aws_s3_create_multipart_upload_async (upload->self, upload->bucket, upload->key,
                                                   upload->content_type, upload->metadata,
                                                   upload->cancellable, create_cb, task);
          return;
        }
      start_part (task, data);
    }
  upload_pump (task);
}

/* Keeps the pipeline moving: read the next part while fewer than
 * max_in_flight are uploading, complete at the end, abort on failure. */
static void
upload_pump (GTask *task)
{
  Upload *upload = g_task_get_task_data (task);
  GBytes *first = g_object_get_data (G_OBJECT (task), "sb-first-part");

  if (upload->error != NULL)
    {
      if (upload->in_flight == 0 && !upload->reading)
        upload_finish_failed (task);
      return;
    }
  if (first != NULL && upload->upload_id != NULL)
    {
      g_autoptr(GBytes) data = g_bytes_ref (first);

      g_object_set_data (G_OBJECT (task), "sb-first-part", NULL);
      start_part (task, data);
    }
  if (!upload->eof && !upload->reading &&
      upload->in_flight + 1 <= upload->self->max_in_flight)
    {
      start_read (task);
      return;
    }
  if (upload->eof && upload->in_flight == 0 && !upload->reading && !upload->completing &&
      upload->upload_id != NULL)
    {
      upload->completing = TRUE;
      sb_aws_s3_complete_multipart_upload_async (upload->self, upload->bucket, upload->key,
                                                 upload->upload_id, upload->etags,
                                                 upload->cancellable, complete_cb, task);
    }
}

/**
 * sb_aws_s3_put_object_async:
 * @bucket: the bucket
 * @key: the object key, any characters
 * @source: the bytes, read to the end (or to @size)
 * @size: how many bytes @source holds, or -1 if unknown
 * @content_type: (nullable): the media type to store
 * @metadata: (nullable) (element-type utf8 utf8): user metadata, sent as
 *   `x-amz-meta-<name>`; values must be ASCII (percent-encode others)
 *
 * Uploads @source as @key. Data that fits in one part goes up in a single
 * PUT; anything larger as a multipart upload with several parts in flight,
 * memory bounded by part size × parts in flight. Each request is signed with
 * its payload's SHA-256. A failed or cancelled multipart upload is aborted,
 * so nothing is left behind and no object appears.
 */
void
sb_aws_s3_put_object_async (SbAwsS3             *self,
                            const char          *bucket,
                            const char          *key,
                            GInputStream        *source,
                            gint64               size,
                            const char          *content_type,
                            GHashTable          *metadata,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;
  Upload *upload;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && *key != '\0');
  g_return_if_fail (G_IS_INPUT_STREAM (source));

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_put_object_async));
  upload = g_new0 (Upload, 1);
  upload->self = g_object_ref (self);
  upload->bucket = g_strdup (bucket);
  upload->key = g_strdup (key);
  upload->content_type = g_strdup (content_type);
  upload->metadata = metadata ? g_hash_table_ref (metadata) : NULL;
  upload->source = g_object_ref (source);
  upload->expected_size = size;
  upload->part_size = self->part_size;
  /* A known small object needs a buffer of its size only. */
  if (size >= 0 && (guint64) size < upload->part_size)
    upload->part_size = MAX (size, 1);
  upload->sha256 = sb_sha256_new ();
  upload->etags = g_ptr_array_new_with_free_func (g_free);
  upload->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, upload, (GDestroyNotify) upload_free);
  if (cancellable != NULL)
    upload->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (upload_cancelled_cb),
                                                  g_object_ref (upload->cancellable),
                                                  g_object_unref);
  if (upload->cancelled_id == 0 && g_cancellable_is_cancelled (cancellable))
    {
      upload->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           "Operation was cancelled");
      upload_return (task);
      return;
    }
  upload_pump (task);
}

/**
 * sb_aws_s3_put_object_finish:
 * @out_size: (out) (optional): how many bytes were stored
 * @out_sha256: (out) (optional) (transfer full): hex SHA-256 of them
 *
 * Returns: %TRUE if the object now exists
 */
gboolean
sb_aws_s3_put_object_finish (SbAwsS3       *self,
                             GAsyncResult  *result,
                             guint64       *out_size,
                             char         **out_sha256,
                             GError       **error)
{
  Upload *upload;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  upload = g_task_get_task_data (G_TASK (result));
  if (!sb_aws_s3_finish_boolean (self, result, SB_SOURCE_TAG (sb_aws_s3_put_object_async), error))
    return FALSE;
  if (out_size != NULL)
    *out_size = upload->total;
  if (upload->sha256_hex == NULL)
    upload->sha256_hex = sb_sha256_finish_hex (upload->sha256);
  if (out_sha256 != NULL)
    *out_sha256 = g_strdup (upload->sha256_hex);
  return TRUE;
}
