/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-aws-error-private.h"
#include "sb-aws-s3.h"
#include "sb-aws-sigv4.h"
#include "sb-aws-xml-private.h"
#include "sb-sha256.h"

/* S3's REST-XML protocol. Every body we send is held in memory and hashed
 * (a single PUT up to the part size, or one part of a multipart upload), so
 * each request is signed with its payload's SHA-256 — S3 rejects a body
 * that does not match, which is our end-to-end integrity check on upload —
 * and can be retried. Memory per upload stays near part size × parts in
 * flight. Downloads are streamed straight from the response. */
#define DEFAULT_PART_SIZE       (8 * 1024 * 1024)
#define DEFAULT_PARTS_IN_FLIGHT 4
#define MAX_PARTS               10000
#define S3_XMLNS                "http://s3.amazonaws.com/doc/2006-03-01/"

struct _SbAwsS3
{
  GObject      parent_instance;
  SbAwsClient *client;
  gsize        part_size;
  guint        max_in_flight;
};

G_DEFINE_FINAL_TYPE (SbAwsS3, sb_aws_s3, G_TYPE_OBJECT)

static void
sb_aws_s3_dispose (GObject *object)
{
  SbAwsS3 *self = SB_AWS_S3 (object);

  g_clear_object (&self->client);
  G_OBJECT_CLASS (sb_aws_s3_parent_class)->dispose (object);
}

static void
sb_aws_s3_class_init (SbAwsS3Class *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sb_aws_s3_dispose;
}

static void
sb_aws_s3_init (SbAwsS3 *self)
{
  self->part_size = DEFAULT_PART_SIZE;
  self->max_in_flight = DEFAULT_PARTS_IN_FLIGHT;
}

/**
 * sb_aws_s3_new:
 * @client: the executor; its configuration gives region, endpoint and
 *   addressing style
 *
 * Returns: (transfer full): an S3 client
 */
SbAwsS3 *
sb_aws_s3_new (SbAwsClient *client)
{
  SbAwsS3 *self;

  g_return_val_if_fail (SB_IS_AWS_CLIENT (client), NULL);

  self = g_object_new (SB_TYPE_AWS_S3, NULL);
  self->client = g_object_ref (client);
  return self;
}

/**
 * sb_aws_s3_set_part_size:
 * @part_size: bytes per multipart part, and the largest single PUT
 *
 * Default 8 MiB. AWS wants at least 5 MiB per part (but the last) and at
 * most 10,000 parts, so 8 MiB parts cover objects up to 78 GiB.
 */
void
sb_aws_s3_set_part_size (SbAwsS3 *self,
                         gsize    part_size)
{
  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (part_size > 0);
  self->part_size = part_size;
}

gsize
sb_aws_s3_get_part_size (SbAwsS3 *self)
{
  g_return_val_if_fail (SB_IS_AWS_S3 (self), 0);
  return self->part_size;
}

/**
 * sb_aws_s3_set_max_parts_in_flight:
 * @n_parts: parts uploaded at once (default 4); also how many part buffers
 *   an upload holds at most
 */
void
sb_aws_s3_set_max_parts_in_flight (SbAwsS3 *self,
                                   guint    n_parts)
{
  g_return_if_fail (SB_IS_AWS_S3 (self));
  self->max_in_flight = MAX (n_parts, 1);
}

guint
sb_aws_s3_get_max_parts_in_flight (SbAwsS3 *self)
{
  g_return_val_if_fail (SB_IS_AWS_S3 (self), 0);
  return self->max_in_flight;
}

/**
 * sb_aws_s3_build_uri:
 * @bucket: the bucket
 * @key: (nullable): an object key, any characters; %NULL for the bucket
 * @query: (nullable): the query string, already encoded
 *
 * The URI of @bucket/@key at the configured endpoint, path-style or
 * virtual-hosted as sb_aws_config_s3_use_path_style() decides. The key is
 * percent-encoded once (every byte but unreserved ones and `/`), exactly as
 * S3 signs it.
 *
 * Returns: (transfer full): the URI, or %NULL if the endpoint is unusable
 */
GUri *
sb_aws_s3_build_uri (SbAwsS3     *self,
                     const char  *bucket,
                     const char  *key,
                     const char  *query,
                     GError     **error)
{
  SbAwsConfig *config;
  g_autoptr(GUri) endpoint = NULL;
  g_autofree char *encoded_key = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GString) path = NULL;
  const char *base_path;

  g_return_val_if_fail (SB_IS_AWS_S3 (self), NULL);
  g_return_val_if_fail (bucket != NULL && *bucket != '\0', NULL);

  config = sb_aws_client_get_config (self->client);
  endpoint = sb_aws_config_get_endpoint (config, "s3", error);
  if (endpoint == NULL)
    return NULL;

  base_path = g_uri_get_path (endpoint);
  path = g_string_new (base_path);
  if (path->len == 0 || path->str[path->len - 1] != '/')
    g_string_append_c (path, '/');

  if (sb_aws_config_s3_use_path_style (config, bucket))
    {
      host = g_strdup (g_uri_get_host (endpoint));
      g_string_append (path, bucket);
      if (key != NULL)
        g_string_append_c (path, '/');
    }
  else
    host = g_strconcat (bucket, ".", g_uri_get_host (endpoint), NULL);

  if (key != NULL)
    {
      encoded_key = sb_aws_uri_encode (key, TRUE);
      g_string_append (path, encoded_key);
    }

  /* Built, not parsed: parsing would remove "." and ".." segments, which
   * are legitimate parts of a key. */
  return g_uri_build (SOUP_HTTP_URI_FLAGS, g_uri_get_scheme (endpoint), NULL, host,
                      g_uri_get_port (endpoint), path->str, query, NULL);
}

/* Plumbing: build a request, send it, hand the body to a parser */

typedef void (*ResponseFunc) (GTask       *task,
                              GBytes      *body,
                              SoupMessage *message);

typedef struct
{
  GTask        *task;
  ResponseFunc  func;
} Pending;

static SbAwsRequest *
new_request (SbAwsS3     *self,
             const char  *operation,
             const char  *method,
             const char  *bucket,
             const char  *key,
             const char  *query,
             GError     **error)
{
  g_autoptr(GUri) uri = sb_aws_s3_build_uri (self, bucket, key, query, error);

  if (uri == NULL)
    return NULL;
  return sb_aws_request_new ("s3", operation, method, uri);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GTask) task = pending->task;
  ResponseFunc func = pending->func;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;

  g_free (pending);
  body = sb_aws_client_send_finish (SB_AWS_CLIENT (object), result, &message, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  func (task, body, message);
}

/* Sends @request (NULL if building it failed with @error) and passes the
 * answer to @func; takes @task. */
static void
send_request (SbAwsS3      *self,
              SbAwsRequest *request,
              GError       *error,
              GTask        *task,
              ResponseFunc  func)
{
  Pending *pending;

  if (request == NULL)
    {
      g_task_return_new_error (task, SB_AWS_ERROR, SB_AWS_ERROR_INVALID_REQUEST, "S3: %s",
                               error->message);
      g_error_free (error);
      g_object_unref (task);
      return;
    }
  pending = g_new0 (Pending, 1);
  pending->task = task;
  pending->func = func;
  sb_aws_client_send_async (self->client, request, g_task_get_cancellable (task), send_cb,
                            pending);
}

static void
return_true (GTask       *task,
             GBytes      *body,
             SoupMessage *message)
{
  g_task_return_boolean (task, TRUE);
}

static gboolean
finish_boolean (SbAwsS3       *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
finish_pointer (SbAwsS3       *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GTask *
new_task (SbAwsS3             *self,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static SbAwsXmlNode *
parse_xml (GTask      *task,
           GBytes     *body,
           const char *operation)
{
  g_autoptr(GError) error = NULL;
  SbAwsXmlNode *root = sb_aws_xml_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                         &error);

  if (root == NULL)
    g_task_return_new_error (task, SB_AWS_ERROR, SB_AWS_ERROR_INVALID_RESPONSE,
                             "S3 %s returned XML we cannot read: %s", operation, error->message);
  return root;
}

static void
add_metadata_headers (SbAwsRequest *request,
                      const char   *content_type,
                      GHashTable   *metadata)
{
  SoupMessageHeaders *headers = sb_aws_request_get_headers (request);

  if (content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", content_type);
  if (metadata != NULL)
    {
      GHashTableIter iter;
      gpointer name, value;

      g_hash_table_iter_init (&iter, metadata);
      while (g_hash_table_iter_next (&iter, &name, &value))
        {
          g_autofree char *header = g_strconcat ("x-amz-meta-", name, NULL);

          soup_message_headers_replace (headers, header, value);
        }
    }
}

/* Buckets */

/**
 * sb_aws_s3_create_bucket_async:
 *
 * Creates @bucket in the configured region (with a LocationConstraint
 * outside us-east-1). A bucket we own already is
 * %SB_AWS_ERROR_ALREADY_EXISTS with code `BucketAlreadyOwnedByYou`.
 */
void
sb_aws_s3_create_bucket_async (SbAwsS3             *self,
                               const char          *bucket,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  GError *error = NULL;
  SbAwsRequest *request;
  const char *region;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL);

  task = new_task (self, cancellable, callback, user_data,
                   SB_SOURCE_TAG (sb_aws_s3_create_bucket_async));
  request = new_request (self, "CreateBucket", "PUT", bucket, NULL, NULL, &error);
  region = sb_aws_config_get_region (sb_aws_client_get_config (self->client));
  if (request != NULL && g_strcmp0 (region, "us-east-1") != 0)
    {
      g_autoptr(GString) xml = g_string_new ("<CreateBucketConfiguration xmlns=\"" S3_XMLNS "\">");
      g_autoptr(GBytes) body = NULL;

      sb_aws_xml_append (xml, "LocationConstraint", region);
      g_string_append (xml, "</CreateBucketConfiguration>");
      body = g_string_free_to_bytes (g_steal_pointer (&xml));
      sb_aws_request_set_body (request, body, "application/xml");
    }
  send_request (self, request, error, task, return_true);
  g_clear_object (&request);
}

gboolean
sb_aws_s3_create_bucket_finish (SbAwsS3       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_boolean (self, result, SB_SOURCE_TAG (sb_aws_s3_create_bucket_async), error);
}

/* Objects */

static gint64
parse_http_date (const char *text)
{
  g_autoptr(GDateTime) dt = text ? soup_date_time_new_from_http_string (text) : NULL;

  return dt ? g_date_time_to_unix (dt) : 0;
}

static SbAwsS3ObjectInfo *
info_from_headers (const char  *key,
                   SoupMessage *message)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  SbAwsS3ObjectInfo *info = sb_aws_s3_object_info_new (key);
  const char *range = soup_message_headers_get_one (headers, "Content-Range");
  SoupMessageHeadersIter iter;
  const char *name, *value;

  info->size = soup_message_headers_get_content_length (headers);
  /* "bytes 0-9/1234": the whole object's size follows the slash. */
  if (range != NULL && strchr (range, '/') != NULL && strchr (range, '/')[1] != '*')
    info->size = g_ascii_strtoull (strchr (range, '/') + 1, NULL, 10);
  info->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  info->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  info->last_modified = parse_http_date (soup_message_headers_get_one (headers, "Last-Modified"));
  info->storage_class = g_strdup (soup_message_headers_get_one (headers, "x-amz-storage-class"));
  if (info->storage_class == NULL)
    info->storage_class = g_strdup ("STANDARD");
  info->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strncasecmp (name, "x-amz-meta-", 11) == 0)
      g_hash_table_insert (info->metadata, g_ascii_strdown (name + 11, -1), g_strdup (value));
  return info;
}

static void
head_response (GTask       *task,
               GBytes      *body,
               SoupMessage *message)
{
  g_task_return_pointer (task, info_from_headers (g_task_get_task_data (task), message),
                         (GDestroyNotify) sb_aws_s3_object_info_free);
}

/**
 * sb_aws_s3_head_object_async:
 *
 * What S3 knows about @key; %SB_AWS_ERROR_NOT_FOUND (code `NotFound`) if
 * there is no such object.
 */
void
sb_aws_s3_head_object_async (SbAwsS3             *self,
                             const char          *bucket,
                             const char          *key,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && *key != '\0');

  task = new_task (self, cancellable, callback, user_data,
                   SB_SOURCE_TAG (sb_aws_s3_head_object_async));
  g_task_set_task_data (task, g_strdup (key), g_free);
  request = new_request (self, "HeadObject", "HEAD", bucket, key, NULL, &error);
  send_request (self, request, error, task, head_response);
  g_clear_object (&request);
}

/**
 * sb_aws_s3_head_object_finish:
 *
 * Returns: (transfer full): the object's size, ETag, type and metadata
 */
SbAwsS3ObjectInfo *
sb_aws_s3_head_object_finish (SbAwsS3       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_pointer (self, result, SB_SOURCE_TAG (sb_aws_s3_head_object_async), error);
}

/**
 * sb_aws_s3_delete_object_async:
 *
 * Deletes @key; deleting a key that does not exist succeeds, as in S3.
 */
void
sb_aws_s3_delete_object_async (SbAwsS3             *self,
                               const char          *bucket,
                               const char          *key,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && *key != '\0');

  task = new_task (self, cancellable, callback, user_data,
                   SB_SOURCE_TAG (sb_aws_s3_delete_object_async));
  request = new_request (self, "DeleteObject", "DELETE", bucket, key, NULL, &error);
  send_request (self, request, error, task, return_true);
  g_clear_object (&request);
}

gboolean
sb_aws_s3_delete_object_finish (SbAwsS3       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_boolean (self, result, SB_SOURCE_TAG (sb_aws_s3_delete_object_async), error);
}

typedef struct
{
  char              *key;
  SbAwsS3ObjectInfo *info;
} GetData;

static void
get_data_free (GetData *data)
{
  g_free (data->key);
  sb_aws_s3_object_info_free (data->info);
  g_free (data);
}

static void
get_object_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GetData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  GInputStream *stream;

  stream = sb_aws_client_send_stream_finish (SB_AWS_CLIENT (object), result, &message, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->info = info_from_headers (data->key, message);
  g_task_return_pointer (task, stream, g_object_unref);
}

/**
 * sb_aws_s3_get_object_async:
 * @offset: the first byte to read
 * @length: how many bytes to read, or -1 for the rest of the object
 *
 * Starts a download. The result is a stream of the object's bytes (or the
 * requested range) read straight off the connection: nothing is buffered
 * whole, and the caller reads at its own pace. A failure after the stream
 * was handed over is the caller's; a ranged GET can resume.
 */
void
sb_aws_s3_get_object_async (SbAwsS3             *self,
                            const char          *bucket,
                            const char          *key,
                            guint64              offset,
                            gint64               length,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SbAwsRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  GetData *data;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && *key != '\0');

  task = new_task (self, cancellable, callback, user_data,
                   SB_SOURCE_TAG (sb_aws_s3_get_object_async));
  data = g_new0 (GetData, 1);
  data->key = g_strdup (key);
  g_task_set_task_data (task, data, (GDestroyNotify) get_data_free);

  if (length == 0)
    {
      /* A zero-length range cannot be expressed; nothing to fetch. */
      data->info = sb_aws_s3_object_info_new (key);
      g_task_return_pointer (task, g_memory_input_stream_new (), g_object_unref);
      return;
    }

  request = new_request (self, "GetObject", "GET", bucket, key, NULL, &error);
  if (request == NULL)
    {
      g_task_return_new_error (task, SB_AWS_ERROR, SB_AWS_ERROR_INVALID_REQUEST, "S3: %s",
                               error->message);
      return;
    }
  if (offset > 0 || length > 0)
    {
      g_autofree char *range = NULL;

      if (length > 0)
        range = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT, offset,
                                 offset + (guint64) length - 1);
      else
        range = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT "-", offset);
      soup_message_headers_replace (sb_aws_request_get_headers (request), "Range", range);
    }
  sb_aws_client_send_stream_async (self->client, request, cancellable, get_object_cb,
                                   g_steal_pointer (&task));
}

/**
 * sb_aws_s3_get_object_finish:
 * @out_info: (out) (optional) (transfer full): size (of the whole object),
 *   ETag, type, metadata
 *
 * Returns: (transfer full): the body stream; read it to the end or close it
 */
GInputStream *
sb_aws_s3_get_object_finish (SbAwsS3             *self,
                             GAsyncResult        *result,
                             SbAwsS3ObjectInfo  **out_info,
                             GError             **error)
{
  GetData *data;
  GInputStream *stream;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  stream = finish_pointer (self, result, SB_SOURCE_TAG (sb_aws_s3_get_object_async), error);
  if (stream != NULL && out_info != NULL)
    *out_info = g_steal_pointer (&data->info);
  return stream;
}

/* Listing */

typedef struct
{
  GPtrArray *objects;
  char      *next_token;
} ListPage;

static void
list_page_free (ListPage *page)
{
  g_clear_pointer (&page->objects, g_ptr_array_unref);
  g_free (page->next_token);
  g_free (page);
}

/* encoding-type=url answers encode keys like a form: '+' is a space. */
static char *
url_decode (const char *text,
            gboolean    decode)
{
  g_autofree char *plus = NULL;

  if (!decode || text == NULL)
    return g_strdup (text);
  plus = g_strdup (text);
  g_strdelimit (plus, "+", ' ');
  return g_uri_unescape_string (plus, NULL);
}

static void
list_response (GTask       *task,
               GBytes      *body,
               SoupMessage *message)
{
  g_autoptr(SbAwsXmlNode) root = parse_xml (task, body, "ListObjectsV2");
  ListPage *page;
  gboolean decode;

  if (root == NULL)
    return;
  decode = g_strcmp0 (sb_aws_xml_child_text (root, "EncodingType"), "url") == 0;
  page = g_new0 (ListPage, 1);
  page->objects = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_aws_s3_object_info_free);
  for (guint i = 0; i < root->children->len; i++)
    {
      SbAwsXmlNode *child = root->children->pdata[i];
      g_autofree char *key = NULL;
      SbAwsS3ObjectInfo *info;
      const char *text;

      if (!g_str_equal (child->name, "Contents"))
        continue;
      key = url_decode (sb_aws_xml_child_text (child, "Key"), decode);
      if (key == NULL)
        continue;
      info = sb_aws_s3_object_info_new (key);
      if ((text = sb_aws_xml_child_text (child, "Size")) != NULL)
        info->size = g_ascii_strtoull (text, NULL, 10);
      info->etag = g_strdup (sb_aws_xml_child_text (child, "ETag"));
      info->storage_class = g_strdup (sb_aws_xml_child_text (child, "StorageClass"));
      if ((text = sb_aws_xml_child_text (child, "LastModified")) != NULL)
        {
          g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (text, NULL);

          info->last_modified = dt ? g_date_time_to_unix (dt) : 0;
        }
      g_ptr_array_add (page->objects, info);
    }
  if (g_strcmp0 (sb_aws_xml_child_text (root, "IsTruncated"), "true") == 0)
    page->next_token = g_strdup (sb_aws_xml_child_text (root, "NextContinuationToken"));
  g_task_return_pointer (task, page, (GDestroyNotify) list_page_free);
}

/**
 * sb_aws_s3_list_objects_async:
 * @prefix: (nullable): only keys starting with this
 * @continuation_token: (nullable): the previous page's next token
 * @max_keys: at most this many keys per page; 0 for S3's 1000
 *
 * One page of ListObjectsV2, keys in UTF-8 binary order. Keys travel
 * URL-encoded (encoding-type=url) so that any character survives XML.
 */
void
sb_aws_s3_list_objects_async (SbAwsS3             *self,
                              const char          *bucket,
                              const char          *prefix,
                              const char          *continuation_token,
                              guint                max_keys,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GString) query = g_string_new ("list-type=2&encoding-type=url");
  GTask *task;
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL);

  task = new_task (self, cancellable, callback, user_data,
                   SB_SOURCE_TAG (sb_aws_s3_list_objects_async));
  if (prefix != NULL && *prefix != '\0')
    {
      g_autofree char *encoded = sb_aws_uri_encode (prefix, FALSE);
      g_string_append_printf (query, "&prefix=%s", encoded);
    }
  if (continuation_token != NULL)
    {
      g_autofree char *encoded = sb_aws_uri_encode (continuation_token, FALSE);
      g_string_append_printf (query, "&continuation-token=%s", encoded);
    }
  if (max_keys > 0)
    g_string_append_printf (query, "&max-keys=%u", max_keys);
  request = new_request (self, "ListObjectsV2", "GET", bucket, NULL, query->str, &error);
  send_request (self, request, error, task, list_response);
  g_clear_object (&request);
}

/**
 * sb_aws_s3_list_objects_finish:
 * @out_next_token: (out) (optional) (transfer full) (nullable): the token
 *   for the next page, %NULL after the last one
 *
 * Returns: (transfer container) (element-type SbAwsS3ObjectInfo): the page
 */
GPtrArray *
sb_aws_s3_list_objects_finish (SbAwsS3       *self,
                               GAsyncResult  *result,
                               char         **out_next_token,
                               GError       **error)
{
  ListPage *page = finish_pointer (self, result, SB_SOURCE_TAG (sb_aws_s3_list_objects_async),
                                   error);
  GPtrArray *objects;

  if (page == NULL)
    return NULL;
  objects = g_steal_pointer (&page->objects);
  if (out_next_token != NULL)
    *out_next_token = g_steal_pointer (&page->next_token);
  list_page_free (page);
  return objects;
}

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

typedef struct
{
  GPtrArray *uploads;
  char      *next_key_marker;
  char      *next_upload_id_marker;
} UploadPage;

static void
upload_page_free (UploadPage *page)
{
  g_clear_pointer (&page->uploads, g_ptr_array_unref);
  g_free (page->next_key_marker);
  g_free (page->next_upload_id_marker);
  g_free (page);
}

static void
list_uploads_response (GTask       *task,
                       GBytes      *body,
                       SoupMessage *message)
{
  g_autoptr(SbAwsXmlNode) root = parse_xml (task, body, "ListMultipartUploads");
  UploadPage *page;
  gboolean decode;

  if (root == NULL)
    return;
  decode = g_strcmp0 (sb_aws_xml_child_text (root, "EncodingType"), "url") == 0;
  page = g_new0 (UploadPage, 1);
  page->uploads = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_aws_s3_upload_free);
  for (guint i = 0; i < root->children->len; i++)
    {
      SbAwsXmlNode *child = root->children->pdata[i];
      g_autofree char *key = NULL;
      const char *upload_id;
      const char *initiated;
      SbAwsS3Upload *upload;

      if (!g_str_equal (child->name, "Upload"))
        continue;
      key = url_decode (sb_aws_xml_child_text (child, "Key"), decode);
      upload_id = sb_aws_xml_child_text (child, "UploadId");
      if (key == NULL || upload_id == NULL)
        continue;
      upload = g_new0 (SbAwsS3Upload, 1);
      upload->key = g_steal_pointer (&key);
      upload->upload_id = g_strdup (upload_id);
      if ((initiated = sb_aws_xml_child_text (child, "Initiated")) != NULL)
        {
          g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (initiated, NULL);

          upload->initiated = dt ? g_date_time_to_unix (dt) : 0;
        }
      g_ptr_array_add (page->uploads, upload);
    }
  if (g_strcmp0 (sb_aws_xml_child_text (root, "IsTruncated"), "true") == 0)
    {
      page->next_key_marker = url_decode (sb_aws_xml_child_text (root, "NextKeyMarker"), decode);
      page->next_upload_id_marker =
        g_strdup (sb_aws_xml_child_text (root, "NextUploadIdMarker"));
    }
  g_task_return_pointer (task, page, (GDestroyNotify) upload_page_free);
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
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL);

  task = new_task (self, cancellable, callback, user_data,
                   SB_SOURCE_TAG (sb_aws_s3_list_multipart_uploads_async));
  if (key_marker != NULL)
    {
      g_autofree char *encoded = sb_aws_uri_encode (key_marker, FALSE);
      g_string_append_printf (query, "&key-marker=%s", encoded);
    }
  if (upload_id_marker != NULL)
    {
      g_autofree char *encoded = sb_aws_uri_encode (upload_id_marker, FALSE);
      g_string_append_printf (query, "&upload-id-marker=%s", encoded);
    }
  g_string_append (query, "&uploads");
  request = new_request (self, "ListMultipartUploads", "GET", bucket, NULL, query->str, &error);
  send_request (self, request, error, task, list_uploads_response);
  g_clear_object (&request);
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
  UploadPage *page = finish_pointer (self, result,
                                     SB_SOURCE_TAG (sb_aws_s3_list_multipart_uploads_async),
                                     error);
  GPtrArray *uploads;

  if (page == NULL)
    return NULL;
  uploads = g_steal_pointer (&page->uploads);
  *out_key_marker = g_steal_pointer (&page->next_key_marker);
  *out_upload_id_marker = g_steal_pointer (&page->next_upload_id_marker);
  upload_page_free (page);
  return uploads;
}

/* Multipart upload, one call at a time */

static void
create_multipart_response (GTask       *task,
                           GBytes      *body,
                           SoupMessage *message)
{
  g_autoptr(SbAwsXmlNode) root = parse_xml (task, body, "CreateMultipartUpload");
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

  task = new_task (self, cancellable, callback, user_data,
                   SB_SOURCE_TAG (sb_aws_s3_create_multipart_upload_async));
  request = new_request (self, "CreateMultipartUpload", "POST", bucket, key, "uploads", &error);
  if (request != NULL)
    add_metadata_headers (request, content_type, metadata);
  send_request (self, request, error, task, create_multipart_response);
  g_clear_object (&request);
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
  return finish_pointer (self, result, SB_SOURCE_TAG (sb_aws_s3_create_multipart_upload_async),
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
  g_autofree char *encoded_id = NULL;
  g_autofree char *query = NULL;
  GTask *task;
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && upload_id != NULL && data != NULL);
  g_return_if_fail (part_number >= 1 && part_number <= MAX_PARTS);

  task = new_task (self, cancellable, callback, user_data,
                   SB_SOURCE_TAG (sb_aws_s3_upload_part_async));
  encoded_id = sb_aws_uri_encode (upload_id, FALSE);
  query = g_strdup_printf ("partNumber=%u&uploadId=%s", part_number, encoded_id);
  request = new_request (self, "UploadPart", "PUT", bucket, key, query, &error);
  if (request != NULL)
    sb_aws_request_set_body (request, data, NULL);
  send_request (self, request, error, task, etag_response);
  g_clear_object (&request);
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
  return finish_pointer (self, result, SB_SOURCE_TAG (sb_aws_s3_upload_part_async), error);
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
      (root = parse_xml (task, body, "CompleteMultipartUpload")) == NULL)
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
  g_autoptr(GString) xml = g_string_new ("<CompleteMultipartUpload xmlns=\"" S3_XMLNS "\">");
  g_autoptr(GBytes) body = NULL;
  g_autofree char *encoded_id = NULL;
  g_autofree char *query = NULL;
  GTask *task;
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && upload_id != NULL && etags != NULL);

  task = new_task (self, cancellable, callback, user_data,
                   SB_SOURCE_TAG (sb_aws_s3_complete_multipart_upload_async));
  for (guint i = 0; i < etags->len; i++)
    {
      g_autofree char *number = g_strdup_printf ("%u", i + 1);

      g_string_append (xml, "<Part>");
      sb_aws_xml_append (xml, "PartNumber", number);
      sb_aws_xml_append (xml, "ETag", etags->pdata[i]);
      g_string_append (xml, "</Part>");
    }
  g_string_append (xml, "</CompleteMultipartUpload>");
  body = g_string_free_to_bytes (g_steal_pointer (&xml));

  encoded_id = sb_aws_uri_encode (upload_id, FALSE);
  query = g_strdup_printf ("uploadId=%s", encoded_id);
  request = new_request (self, "CompleteMultipartUpload", "POST", bucket, key, query, &error);
  if (request != NULL)
    sb_aws_request_set_body (request, body, "application/xml");
  send_request (self, request, error, task, complete_response);
  g_clear_object (&request);
}

gboolean
sb_aws_s3_complete_multipart_upload_finish (SbAwsS3       *self,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  return finish_boolean (self, result,
                         SB_SOURCE_TAG (sb_aws_s3_complete_multipart_upload_async), error);
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
  g_autofree char *encoded_id = NULL;
  g_autofree char *query = NULL;
  GTask *task;
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && upload_id != NULL);

  task = new_task (self, cancellable, callback, user_data,
                   SB_SOURCE_TAG (sb_aws_s3_abort_multipart_upload_async));
  encoded_id = sb_aws_uri_encode (upload_id, FALSE);
  query = g_strdup_printf ("uploadId=%s", encoded_id);
  request = new_request (self, "AbortMultipartUpload", "DELETE", bucket, key, query, &error);
  send_request (self, request, error, task, return_true);
  g_clear_object (&request);
}

gboolean
sb_aws_s3_abort_multipart_upload_finish (SbAwsS3       *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return finish_boolean (self, result, SB_SOURCE_TAG (sb_aws_s3_abort_multipart_upload_async),
                         error);
}

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

  request = new_request (upload->self, "PutObject", "PUT", upload->bucket, upload->key, NULL,
                         &error);
  if (request == NULL)
    {
      upload->error = g_error_new (SB_AWS_ERROR, SB_AWS_ERROR_INVALID_REQUEST, "S3: %s",
                                   error->message);
      g_error_free (error);
      upload_return (task);
      return;
    }
  add_metadata_headers (request, upload->content_type, upload->metadata);
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
      if (upload->parts_started >= MAX_PARTS)
        {
          upload_fail (task, g_error_new (SB_AWS_ERROR, SB_AWS_ERROR_INVALID_REQUEST,
                                          "S3: the object needs more than %u parts of %"
                                          G_GSIZE_FORMAT " bytes", MAX_PARTS, upload->part_size));
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

  task = new_task (self, cancellable, callback, user_data,
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
  if (!finish_boolean (self, result, SB_SOURCE_TAG (sb_aws_s3_put_object_async), error))
    return FALSE;
  if (out_size != NULL)
    *out_size = upload->total;
  if (upload->sha256_hex == NULL)
    upload->sha256_hex = sb_sha256_finish_hex (upload->sha256);
  if (out_sha256 != NULL)
    *out_sha256 = g_strdup (upload->sha256_hex);
  return TRUE;
}

/* Lifecycle */

static GBytes *
lifecycle_xml (GPtrArray *rules)
{
  GString *xml = g_string_new ("<LifecycleConfiguration xmlns=\"" S3_XMLNS "\">");

  for (guint i = 0; i < rules->len; i++)
    {
      SbAwsS3LifecycleRule *rule = rules->pdata[i];
      g_autofree char *number = NULL;

      g_string_append (xml, "<Rule>");
      if (rule->id != NULL)
        sb_aws_xml_append (xml, "ID", rule->id);
      g_string_append (xml, "<Filter>");
      sb_aws_xml_append (xml, "Prefix", rule->prefix ? rule->prefix : "");
      g_string_append (xml, "</Filter>");
      sb_aws_xml_append (xml, "Status", rule->enabled ? "Enabled" : "Disabled");
      for (guint t = 0; t < rule->n_transitions; t++)
        {
          g_autofree char *days = g_strdup_printf ("%u", rule->transitions[t].days);

          g_string_append (xml, "<Transition>");
          sb_aws_xml_append (xml, "Days", days);
          sb_aws_xml_append (xml, "StorageClass", rule->transitions[t].storage_class);
          g_string_append (xml, "</Transition>");
        }
      if (rule->expiration_days > 0)
        {
          number = g_strdup_printf ("%u", rule->expiration_days);
          g_string_append (xml, "<Expiration>");
          sb_aws_xml_append (xml, "Days", number);
          g_string_append (xml, "</Expiration>");
          g_clear_pointer (&number, g_free);
        }
      if (rule->abort_incomplete_multipart_days > 0)
        {
          number = g_strdup_printf ("%u", rule->abort_incomplete_multipart_days);
          g_string_append (xml, "<AbortIncompleteMultipartUpload>");
          sb_aws_xml_append (xml, "DaysAfterInitiation", number);
          g_string_append (xml, "</AbortIncompleteMultipartUpload>");
        }
      g_string_append (xml, "</Rule>");
    }
  g_string_append (xml, "</LifecycleConfiguration>");
  return g_string_free_to_bytes (xml);
}

/**
 * sb_aws_s3_put_bucket_lifecycle_async:
 * @rules: (element-type SbAwsS3LifecycleRule): the whole configuration
 *
 * Replaces the bucket's lifecycle configuration. The body carries the
 * Content-MD5 S3 demands for this call. Endpoints without lifecycle support
 * fail with %SB_AWS_ERROR_NOT_SUPPORTED.
 */
void
sb_aws_s3_put_bucket_lifecycle_async (SbAwsS3             *self,
                                      const char          *bucket,
                                      GPtrArray           *rules,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;
  GTask *task;
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && rules != NULL);

  task = new_task (self, cancellable, callback, user_data,
                   SB_SOURCE_TAG (sb_aws_s3_put_bucket_lifecycle_async));
  body = lifecycle_xml (rules);
  request = new_request (self, "PutBucketLifecycleConfiguration", "PUT", bucket, NULL,
                         "lifecycle", &error);
  if (request != NULL)
    {
      g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
      guint8 digest[16];
      gsize length = sizeof digest;
      g_autofree char *encoded = NULL;

      g_checksum_update (md5, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      g_checksum_get_digest (md5, digest, &length);
      encoded = g_base64_encode (digest, length);
      soup_message_headers_replace (sb_aws_request_get_headers (request), "Content-MD5", encoded);
      sb_aws_request_set_body (request, body, "application/xml");
    }
  send_request (self, request, error, task, return_true);
  g_clear_object (&request);
}

gboolean
sb_aws_s3_put_bucket_lifecycle_finish (SbAwsS3       *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return finish_boolean (self, result, SB_SOURCE_TAG (sb_aws_s3_put_bucket_lifecycle_async),
                         error);
}

/* Transitions have no order in S3's model, and RGW answers them in
 * another order than they were put (365 days GLACIER before 75 days
 * STANDARD_IA): by days, so rules compare equal however they were sent. */
static void
sort_transitions (SbAwsS3LifecycleRule *rule)
{
  for (guint i = 1; i < rule->n_transitions; i++)
    for (guint j = i; j > 0 && rule->transitions[j - 1].days > rule->transitions[j].days; j--)
      {
        SbAwsS3Transition swap = rule->transitions[j - 1];

        rule->transitions[j - 1] = rule->transitions[j];
        rule->transitions[j] = swap;
      }
}

static void
get_lifecycle_response (GTask       *task,
                        GBytes      *body,
                        SoupMessage *message)
{
  g_autoptr(SbAwsXmlNode) root = parse_xml (task, body, "GetBucketLifecycleConfiguration");
  GPtrArray *rules;

  if (root == NULL)
    return;
  rules = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_aws_s3_lifecycle_rule_free);
  for (guint i = 0; i < root->children->len; i++)
    {
      SbAwsXmlNode *node = root->children->pdata[i];
      SbAwsS3LifecycleRule *rule;
      SbAwsXmlNode *filter, *part;
      const char *prefix;

      if (!g_str_equal (node->name, "Rule"))
        continue;
      filter = sb_aws_xml_child (node, "Filter");
      prefix = filter ? sb_aws_xml_child_text (filter, "Prefix")
                      : sb_aws_xml_child_text (node, "Prefix");
      rule = sb_aws_s3_lifecycle_rule_new (sb_aws_xml_child_text (node, "ID"), prefix);
      rule->enabled = g_strcmp0 (sb_aws_xml_child_text (node, "Status"), "Enabled") == 0;
      for (guint j = 0; j < node->children->len; j++)
        {
          SbAwsXmlNode *transition = node->children->pdata[j];
          const char *days = sb_aws_xml_child_text (transition, "Days");

          if (g_str_equal (transition->name, "Transition") && days != NULL)
            sb_aws_s3_lifecycle_rule_add_transition (
                rule, (guint) g_ascii_strtoull (days, NULL, 10),
                sb_aws_xml_child_text (transition, "StorageClass"));
        }
      sort_transitions (rule);
      if ((part = sb_aws_xml_child (node, "Expiration")) && sb_aws_xml_child_text (part, "Days"))
        rule->expiration_days = g_ascii_strtoull (sb_aws_xml_child_text (part, "Days"), NULL, 10);
      if ((part = sb_aws_xml_child (node, "AbortIncompleteMultipartUpload")) &&
          sb_aws_xml_child_text (part, "DaysAfterInitiation"))
        rule->abort_incomplete_multipart_days =
          g_ascii_strtoull (sb_aws_xml_child_text (part, "DaysAfterInitiation"), NULL, 10);
      g_ptr_array_add (rules, rule);
    }
  g_task_return_pointer (task, rules, (GDestroyNotify) g_ptr_array_unref);
}

void
sb_aws_s3_get_bucket_lifecycle_async (SbAwsS3             *self,
                                      const char          *bucket,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;
  GError *error = NULL;
  SbAwsRequest *request;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL);

  task = new_task (self, cancellable, callback, user_data,
                   SB_SOURCE_TAG (sb_aws_s3_get_bucket_lifecycle_async));
  request = new_request (self, "GetBucketLifecycleConfiguration", "GET", bucket, NULL,
                         "lifecycle", &error);
  send_request (self, request, error, task, get_lifecycle_response);
  g_clear_object (&request);
}

/**
 * sb_aws_s3_get_bucket_lifecycle_finish:
 *
 * Returns: (transfer container) (element-type SbAwsS3LifecycleRule): the
 *   rules, each with its transitions in order of days;
 *   %SB_AWS_ERROR_NOT_FOUND (NoSuchLifecycleConfiguration) if none
 */
GPtrArray *
sb_aws_s3_get_bucket_lifecycle_finish (SbAwsS3       *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return finish_pointer (self, result, SB_SOURCE_TAG (sb_aws_s3_get_bucket_lifecycle_async),
                         error);
}

/* Presigned URLs */

static void
presign_credentials_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsS3 *self = g_task_get_source_object (task);
  GUri *uri = g_task_get_task_data (task);
  g_autoptr(SbAwsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  SbAwsSigningConfig config;
  guint expires = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "sb-expires"));

  credentials = sb_aws_credentials_provider_get_finish (SB_AWS_CREDENTIALS_PROVIDER (object),
                                                        result, &error);
  if (credentials == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sb_aws_signing_config_init (&config, "s3",
                              sb_aws_config_get_region (sb_aws_client_get_config (self->client)),
                              credentials, sb_aws_client_get_time (self->client));
  g_task_return_pointer (task, sb_aws_sigv4_presign_uri (&config, "GET", uri, expires), g_free);
}

/**
 * sb_aws_s3_presign_get_async:
 * @expires_in: seconds the URL works for (at most 604800 on AWS, and no
 *   longer than temporary credentials last)
 *
 * A URL anyone can GET @key with, until it expires. The payload is
 * UNSIGNED-PAYLOAD, as for every presigned S3 URL: a GET has no body.
 */
void
sb_aws_s3_presign_get_async (SbAwsS3             *self,
                             const char          *bucket,
                             const char          *key,
                             guint                expires_in,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  g_autoptr(GError) error = NULL;
  GUri *uri;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && *key != '\0');

  task = new_task (self, cancellable, callback, user_data,
                   SB_SOURCE_TAG (sb_aws_s3_presign_get_async));
  uri = sb_aws_s3_build_uri (self, bucket, key, NULL, &error);
  if (uri == NULL)
    {
      g_task_return_new_error (task, SB_AWS_ERROR, SB_AWS_ERROR_INVALID_REQUEST, "S3: %s",
                               error->message);
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, uri, (GDestroyNotify) g_uri_unref);
  g_object_set_data (G_OBJECT (task), "sb-expires", GUINT_TO_POINTER (expires_in));
  sb_aws_credentials_provider_get_async (sb_aws_client_get_credentials_provider (self->client),
                                         cancellable, presign_credentials_cb, task);
}

/**
 * sb_aws_s3_presign_get_finish:
 *
 * Returns: (transfer full): the presigned URL
 */
char *
sb_aws_s3_presign_get_finish (SbAwsS3       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_pointer (self, result, SB_SOURCE_TAG (sb_aws_s3_presign_get_async), error);
}
