/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Multipart uploads one call at a time (create, upload a part, complete,
 * abort) and the listing of unfinished ones, for callers that drive the
 * parts themselves (presigned part URLs, fsck's clean-up). */
#include "config.h"

#include <string.h>

#include "sb-aws-error-private.h"
#include "sb-aws-s3-private.h"
#include "sb-aws-sigv4.h"
#include "sb-aws-xml-private.h"

/* Unfinished multipart uploads */

void
sb_aws_s3_upload_free (SbAwsS3Upload *upload)
{
  if (upload == NULL)
    return;
  g_free (upload->key);
  g_free (upload->upload_id);
  g_free (upload);
}

static void
list_uploads_response (GTask       *task,
                       GBytes      *body,
                       SoupMessage *message)
{
  g_autoptr(SbAwsXmlNode) root = sb_aws_s3_parse_xml (task, body, "ListMultipartUploads");
  SbAwsXmlNode *child;
  SbAwsS3ListPage *page;
  gboolean decode;
  guint index = 0;

  if (root == NULL)
    return;
  decode = sb_aws_xml_child_text_is (root, "EncodingType", "url");
  page = sb_aws_s3_list_page_new ((GDestroyNotify) sb_aws_s3_upload_free);
  while ((child = sb_aws_xml_next_child (root, "Upload", &index)) != NULL)
    {
      g_autofree char *key = sb_aws_s3_url_decode (sb_aws_xml_child_text (child, "Key"), decode);
      const char *upload_id = sb_aws_xml_child_text (child, "UploadId");
      SbAwsS3Upload *upload;

      if (key == NULL || upload_id == NULL)
        continue;
      upload = g_new0 (SbAwsS3Upload, 1);
      upload->key = g_steal_pointer (&key);
      upload->upload_id = g_strdup (upload_id);
      upload->initiated = sb_aws_xml_child_time (child, "Initiated");
      g_ptr_array_add (page->items, upload);
    }
  if (sb_aws_xml_child_text_is (root, "IsTruncated", "true"))
    {
      page->next_marker = sb_aws_s3_url_decode (sb_aws_xml_child_text (root, "NextKeyMarker"),
                                                    decode);
      page->next_upload_id_marker =
        g_strdup (sb_aws_xml_child_text (root, "NextUploadIdMarker"));
    }
  g_task_return_pointer (task, page, (GDestroyNotify) sb_aws_s3_list_page_free);
}

/**
 * sb_aws_s3_list_multipart_uploads_async:
 * @key_marker: (nullable): from the previous page's finish, or %NULL
 * @upload_id_marker: (nullable): likewise
 *
 * Lists one page of the bucket's multipart uploads that were started but
 * neither completed nor aborted, in key order.
 */
void
sb_aws_s3_list_multipart_uploads_async (SbAwsS3             *self,
                                        const char          *bucket,
                                        const char          *key_marker,
                                        const char          *upload_id_marker,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GString) query = g_string_new ("encoding-type=url");
  GTask *task;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL);

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_list_multipart_uploads_async));
  sb_aws_s3_append_query (query, "key-marker", key_marker);
  sb_aws_s3_append_query (query, "upload-id-marker", upload_id_marker);
  g_string_append (query, "&uploads");
  sb_aws_s3_call (self, task, "ListMultipartUploads", "GET", bucket, NULL, query->str,
                  list_uploads_response);
}

/**
 * sb_aws_s3_list_multipart_uploads_finish:
 * @out_key_marker: (out) (transfer full) (nullable): for the next page,
 *   %NULL after the last one
 * @out_upload_id_marker: (out) (transfer full) (nullable): likewise
 *
 * Returns: (transfer container) (element-type SbAwsS3Upload): the page
 */
GPtrArray *
sb_aws_s3_list_multipart_uploads_finish (SbAwsS3       *self,
                                         GAsyncResult  *result,
                                         char         **out_key_marker,
                                         char         **out_upload_id_marker,
                                         GError       **error)
{
  gpointer tag = SB_SOURCE_TAG (sb_aws_s3_list_multipart_uploads_async);
  SbAwsS3ListPage *page = sb_aws_s3_finish_pointer (self, result, tag, error);

  return page ? sb_aws_s3_list_page_steal (page, out_key_marker, out_upload_id_marker) : NULL;
}

/* Multipart upload, one call at a time */

/* "uploadId=…", the query naming an upload. */
static char *
upload_id_query (const char *upload_id)
{
  g_autofree char *encoded_id = sb_aws_uri_encode (upload_id, FALSE);

  return g_strconcat ("uploadId=", encoded_id, NULL);
}

static void
create_multipart_response (GTask       *task,
                           GBytes      *body,
                           SoupMessage *message)
{
  g_autoptr(SbAwsXmlNode) root = sb_aws_s3_parse_xml (task, body, "CreateMultipartUpload");
  const char *upload_id;

  if (root == NULL)
    return;
  upload_id = sb_aws_xml_child_text (root, "UploadId");
  if (upload_id == NULL || *upload_id == '\0')
    {
      g_task_return_new_error (task, SB_AWS_ERROR, SB_AWS_ERROR_INVALID_RESPONSE,
                               "S3 CreateMultipartUpload returned no UploadId");
      return;
    }
  g_task_return_pointer (task, g_strdup (upload_id), g_free);
}

void
sb_aws_s3_create_multipart_upload_async (SbAwsS3             *self,
                                         const char          *bucket,
                                         const char          *key,
                                         const char          *content_type,
                                         GHashTable          *metadata,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && *key != '\0');

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_create_multipart_upload_async));
  request = sb_aws_s3_new_request (self, "CreateMultipartUpload", "POST", bucket, key, "uploads",
                                   &error);
  if (request != NULL)
    sb_aws_s3_add_metadata_headers (request, content_type, metadata);
  sb_aws_s3_send (self, request, error, task, create_multipart_response);
}

/**
 * sb_aws_s3_create_multipart_upload_finish:
 *
 * Returns: (transfer full): the upload id
 */
char *
sb_aws_s3_create_multipart_upload_finish (SbAwsS3       *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  return sb_aws_s3_finish_pointer (self, result,
                                   SB_SOURCE_TAG (sb_aws_s3_create_multipart_upload_async),
                                   error);
}

static void
etag_response (GTask       *task,
               GBytes      *body,
               SoupMessage *message)
{
  const char *etag = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                   "ETag");

  if (etag == NULL)
    {
      g_task_return_new_error (task, SB_AWS_ERROR, SB_AWS_ERROR_INVALID_RESPONSE,
                               "S3 returned no ETag for an uploaded part");
      return;
    }
  g_task_return_pointer (task, g_strdup (etag), g_free);
}

/**
 * sb_aws_s3_upload_part_async:
 * @part_number: 1 to 10000
 * @data: the part's bytes, signed with their SHA-256
 */
void
sb_aws_s3_upload_part_async (SbAwsS3             *self,
                             const char          *bucket,
                             const char          *key,
                             const char          *upload_id,
                             guint                part_number,
                             GBytes              *data,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *upload = NULL;
  g_autofree char *query = NULL;
  GTask *task;
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && upload_id != NULL && data != NULL);
  g_return_if_fail (part_number >= 1 && part_number <= SB_AWS_S3_MAX_PARTS);

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_upload_part_async));
  upload = upload_id_query (upload_id);
  query = g_strdup_printf ("partNumber=%u&%s", part_number, upload);
  request = sb_aws_s3_new_request (self, "UploadPart", "PUT", bucket, key, query, &error);
  if (request != NULL)
    sb_aws_request_set_body (request, data, NULL);
  sb_aws_s3_send (self, request, error, task, etag_response);
}

/**
 * sb_aws_s3_upload_part_finish:
 *
 * Returns: (transfer full): the part's ETag, for completing the upload
 */
char *
sb_aws_s3_upload_part_finish (SbAwsS3       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return sb_aws_s3_finish_pointer (self, result, SB_SOURCE_TAG (sb_aws_s3_upload_part_async),
                                   error);
}

static void
complete_response (GTask       *task,
                   GBytes      *body,
                   SoupMessage *message)
{
  g_autoptr(SbAwsXmlNode) root = NULL;

  /* CompleteMultipartUpload can fail after answering 200: the error is
   * then the body. */
  if (g_bytes_get_size (body) > 0 &&
      (root = sb_aws_s3_parse_xml (task, body, "CompleteMultipartUpload")) == NULL)
    return;
  if (root != NULL && g_str_equal (root->name, "Error"))
    {
      GError *error = sb_aws_error_new_from_service ("S3", "CompleteMultipartUpload",
                                                     soup_message_get_status (message),
                                                     sb_aws_xml_child_text (root, "Code"),
                                                     sb_aws_xml_child_text (root, "Message"),
                                                     sb_aws_xml_child_text (root, "RequestId"));
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * sb_aws_s3_complete_multipart_upload_async:
 * @etags: (element-type utf8): the ETag of part n at index n - 1
 */
void
sb_aws_s3_complete_multipart_upload_async (SbAwsS3             *self,
                                           const char          *bucket,
                                           const char          *key,
                                           const char          *upload_id,
                                           GPtrArray           *etags,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GString) xml = g_string_new ("<CompleteMultipartUpload xmlns=\"" SB_AWS_S3_XMLNS "\">");
  g_autoptr(GBytes) body = NULL;
  g_autofree char *query = NULL;
  GTask *task;
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && upload_id != NULL && etags != NULL);

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_complete_multipart_upload_async));
  for (guint i = 0; i < etags->len; i++)
    {
      g_string_append (xml, "<Part>");
      sb_aws_xml_append_uint (xml, "PartNumber", i + 1);
      sb_aws_xml_append (xml, "ETag", etags->pdata[i]);
      g_string_append (xml, "</Part>");
    }
  g_string_append (xml, "</CompleteMultipartUpload>");
  body = g_string_free_to_bytes (g_steal_pointer (&xml));

  query = upload_id_query (upload_id);
  request = sb_aws_s3_new_request (self, "CompleteMultipartUpload", "POST", bucket, key, query,
                                   &error);
  if (request != NULL)
    sb_aws_request_set_body (request, body, "application/xml");
  sb_aws_s3_send (self, request, error, task, complete_response);
}

gboolean
sb_aws_s3_complete_multipart_upload_finish (SbAwsS3       *self,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  return sb_aws_s3_finish_boolean (self, result,
                                   SB_SOURCE_TAG (sb_aws_s3_complete_multipart_upload_async),
                                   error);
}

/**
 * sb_aws_s3_abort_multipart_upload_async:
 *
 * Abandons an upload and frees its parts.
 */
void
sb_aws_s3_abort_multipart_upload_async (SbAwsS3             *self,
                                        const char          *bucket,
                                        const char          *key,
                                        const char          *upload_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autofree char *query = NULL;
  GTask *task;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && upload_id != NULL);

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_abort_multipart_upload_async));
  query = upload_id_query (upload_id);
  sb_aws_s3_call (self, task, "AbortMultipartUpload", "DELETE", bucket, key, query,
                  sb_aws_s3_return_true);
}

gboolean
sb_aws_s3_abort_multipart_upload_finish (SbAwsS3       *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return sb_aws_s3_finish_boolean (self, result,
                                   SB_SOURCE_TAG (sb_aws_s3_abort_multipart_upload_async),
                                   error);
}
