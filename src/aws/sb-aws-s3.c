/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-aws-error-private.h"
#include "sb-aws-s3-private.h"
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

typedef struct
{
  GTask               *task;
  SbAwsS3ResponseFunc  func;
} Pending;

SbAwsRequest *
sb_aws_s3_new_request (SbAwsS3     *self,
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
  SbAwsS3ResponseFunc func = pending->func;
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

void
sb_aws_s3_return_request_error (GTask        *task,
                                const GError *error)
{
  g_task_return_new_error (task, SB_AWS_ERROR, SB_AWS_ERROR_INVALID_REQUEST, "S3: %s",
                           error->message);
}

void
sb_aws_s3_send (SbAwsS3             *self,
                SbAwsRequest        *request,
                GError              *error,
                GTask               *task,
                SbAwsS3ResponseFunc  func)
{
  g_autoptr(SbAwsRequest) owned = request;
  Pending *pending;

  if (owned == NULL)
    {
      sb_aws_s3_return_request_error (task, error);
      g_error_free (error);
      g_object_unref (task);
      return;
    }
  pending = g_new0 (Pending, 1);
  pending->task = task;
  pending->func = func;
  sb_aws_client_send_async (self->client, owned, g_task_get_cancellable (task), send_cb,
                            pending);
}

void
sb_aws_s3_call (SbAwsS3             *self,
                GTask               *task,
                const char          *operation,
                const char          *method,
                const char          *bucket,
                const char          *key,
                const char          *query,
                SbAwsS3ResponseFunc  func)
{
  GError *error = NULL;
  SbAwsRequest *request = sb_aws_s3_new_request (self, operation, method, bucket, key, query,
                                                 &error);

  sb_aws_s3_send (self, request, error, task, func);
}

void
sb_aws_s3_return_true (GTask       *task,
                       GBytes      *body,
                       SoupMessage *message)
{
  g_task_return_boolean (task, TRUE);
}

gboolean
sb_aws_s3_finish_boolean (SbAwsS3       *self,
                          GAsyncResult  *result,
                          gpointer       source_tag,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gpointer
sb_aws_s3_finish_pointer (SbAwsS3       *self,
                          GAsyncResult  *result,
                          gpointer       source_tag,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GTask *
sb_aws_s3_new_task (SbAwsS3             *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data,
                    gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

SbAwsXmlNode *
sb_aws_s3_parse_xml (GTask      *task,
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

void
sb_aws_s3_append_query (GString    *query,
                        const char *name,
                        const char *value)
{
  g_autofree char *encoded = NULL;

  if (value == NULL)
    return;
  encoded = sb_aws_uri_encode (value, FALSE);
  g_string_append_printf (query, "&%s=%s", name, encoded);
}

void
sb_aws_s3_add_metadata_headers (SbAwsRequest *request,
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

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_create_bucket_async));
  request = sb_aws_s3_new_request (self, "CreateBucket", "PUT", bucket, NULL, NULL, &error);
  region = sb_aws_config_get_region (sb_aws_client_get_config (self->client));
  if (request != NULL && g_strcmp0 (region, "us-east-1") != 0)
    {
      g_autoptr(GString) xml = g_string_new ("<CreateBucketConfiguration "
                                             "xmlns=\"" SB_AWS_S3_XMLNS "\">");
      g_autoptr(GBytes) body = NULL;

      sb_aws_xml_append (xml, "LocationConstraint", region);
      g_string_append (xml, "</CreateBucketConfiguration>");
      body = g_string_free_to_bytes (g_steal_pointer (&xml));
      sb_aws_request_set_body (request, body, "application/xml");
    }
  sb_aws_s3_send (self, request, error, task, sb_aws_s3_return_true);
}

gboolean
sb_aws_s3_create_bucket_finish (SbAwsS3       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return sb_aws_s3_finish_boolean (self, result, SB_SOURCE_TAG (sb_aws_s3_create_bucket_async),
                                   error);
}

/* Objects */

static gint64
parse_http_date (const char *text)
{
  g_autoptr(GDateTime) dt = text ? soup_date_time_new_from_http_string (text) : NULL;

  return dt ? g_date_time_to_unix (dt) : 0;
}

/* The value of @name="..." in an x-amz-restore header, or NULL. */
static char *
restore_field (const char *header,
               const char *name)
{
  g_autofree char *needle = g_strconcat (name, "=\"", NULL);
  const char *start = strstr (header, needle);
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen (needle);
  end = strchr (start, '"');
  return end ? g_strndup (start, end - start) : NULL;
}

/* `ongoing-request="true"` while a restore runs, then
 * `ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"`
 * while the restored copy lasts. */
static void
parse_restore_header (SbAwsS3ObjectInfo *info,
                      const char        *header)
{
  g_autofree char *ongoing = NULL;
  g_autofree char *expiry = NULL;

  if (header == NULL)
    return;
  ongoing = restore_field (header, "ongoing-request");
  expiry = restore_field (header, "expiry-date");
  info->restore_in_progress = g_strcmp0 (ongoing, "true") == 0;
  info->restore_expiry = info->restore_in_progress ? 0 : parse_http_date (expiry);
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
  parse_restore_header (info, soup_message_headers_get_one (headers, "x-amz-restore"));
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

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && *key != '\0');

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_head_object_async));
  g_task_set_task_data (task, g_strdup (key), g_free);
  sb_aws_s3_call (self, task, "HeadObject", "HEAD", bucket, key, NULL, head_response);
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
  return sb_aws_s3_finish_pointer (self, result, SB_SOURCE_TAG (sb_aws_s3_head_object_async),
                                   error);
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

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL && key != NULL && *key != '\0');

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_delete_object_async));
  sb_aws_s3_call (self, task, "DeleteObject", "DELETE", bucket, key, NULL,
                  sb_aws_s3_return_true);
}

gboolean
sb_aws_s3_delete_object_finish (SbAwsS3       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return sb_aws_s3_finish_boolean (self, result, SB_SOURCE_TAG (sb_aws_s3_delete_object_async),
                                   error);
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

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
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

  request = sb_aws_s3_new_request (self, "GetObject", "GET", bucket, key, NULL, &error);
  if (request == NULL)
    {
      sb_aws_s3_return_request_error (task, error);
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
  stream = sb_aws_s3_finish_pointer (self, result, SB_SOURCE_TAG (sb_aws_s3_get_object_async),
                                     error);
  if (stream != NULL && out_info != NULL)
    *out_info = g_steal_pointer (&data->info);
  return stream;
}

/* Listing */

SbAwsS3ListPage *
sb_aws_s3_list_page_new (GDestroyNotify item_free)
{
  SbAwsS3ListPage *page = g_new0 (SbAwsS3ListPage, 1);

  page->items = g_ptr_array_new_with_free_func (item_free);
  return page;
}

void
sb_aws_s3_list_page_free (SbAwsS3ListPage *page)
{
  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_free (page->next_marker);
  g_free (page->next_upload_id_marker);
  g_free (page);
}

GPtrArray *
sb_aws_s3_list_page_steal (SbAwsS3ListPage  *page,
                           char            **out_next_marker,
                           char            **out_next_upload_id_marker)
{
  GPtrArray *items = g_steal_pointer (&page->items);

  if (out_next_marker != NULL)
    *out_next_marker = g_steal_pointer (&page->next_marker);
  if (out_next_upload_id_marker != NULL)
    *out_next_upload_id_marker = g_steal_pointer (&page->next_upload_id_marker);
  sb_aws_s3_list_page_free (page);
  return items;
}

char *
sb_aws_s3_url_decode (const char *text,
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
  g_autoptr(SbAwsXmlNode) root = sb_aws_s3_parse_xml (task, body, "ListObjectsV2");
  SbAwsXmlNode *child;
  SbAwsS3ListPage *page;
  gboolean decode;
  guint index = 0;

  if (root == NULL)
    return;
  decode = sb_aws_xml_child_text_is (root, "EncodingType", "url");
  page = sb_aws_s3_list_page_new ((GDestroyNotify) sb_aws_s3_object_info_free);
  while ((child = sb_aws_xml_next_child (root, "Contents", &index)) != NULL)
    {
      g_autofree char *key = sb_aws_s3_url_decode (sb_aws_xml_child_text (child, "Key"), decode);
      SbAwsS3ObjectInfo *info;
      SbAwsXmlNode *restore;
      const char *size;

      if (key == NULL)
        continue;
      info = sb_aws_s3_object_info_new (key);
      if ((size = sb_aws_xml_child_text (child, "Size")) != NULL)
        info->size = g_ascii_strtoull (size, NULL, 10);
      info->etag = g_strdup (sb_aws_xml_child_text (child, "ETag"));
      info->storage_class = g_strdup (sb_aws_xml_child_text (child, "StorageClass"));
      info->last_modified = sb_aws_xml_child_time (child, "LastModified");
      if ((restore = sb_aws_xml_child (child, "RestoreStatus")) != NULL)
        {
          info->restore_in_progress = sb_aws_xml_child_text_is (restore, "IsRestoreInProgress",
                                                                "true");
          info->restore_expiry = sb_aws_xml_child_time (restore, "RestoreExpiryDate");
        }
      g_ptr_array_add (page->items, info);
    }
  if (sb_aws_xml_child_text_is (root, "IsTruncated", "true"))
    page->next_marker = g_strdup (sb_aws_xml_child_text (root, "NextContinuationToken"));
  g_task_return_pointer (task, page, (GDestroyNotify) sb_aws_s3_list_page_free);
}

/**
 * sb_aws_s3_list_objects_async:
 * @prefix: (nullable): only keys starting with this
 * @continuation_token: (nullable): the previous page's next token
 * @max_keys: at most this many keys per page; 0 for S3's 1000
 *
 * One page of ListObjectsV2, keys in UTF-8 binary order. Keys travel
 * URL-encoded (encoding-type=url) so that any character survives XML.
 * Each entry carries its restore state too: S3 adds RestoreStatus only
 * when asked (`x-amz-optional-object-attributes`).
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
  SbAwsRequest *request;
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (SB_IS_AWS_S3 (self));
  g_return_if_fail (bucket != NULL);

  task = sb_aws_s3_new_task (self, cancellable, callback, user_data,
                             SB_SOURCE_TAG (sb_aws_s3_list_objects_async));
  sb_aws_s3_append_query (query, "prefix", prefix != NULL && *prefix != '\0' ? prefix : NULL);
  sb_aws_s3_append_query (query, "continuation-token", continuation_token);
  if (max_keys > 0)
    g_string_append_printf (query, "&max-keys=%u", max_keys);
  request = sb_aws_s3_new_request (self, "ListObjectsV2", "GET", bucket, NULL, query->str,
                                   &error);
  if (request != NULL)
    soup_message_headers_replace (sb_aws_request_get_headers (request),
                                  "x-amz-optional-object-attributes", "RestoreStatus");
  sb_aws_s3_send (self, request, error, task, list_response);
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
  SbAwsS3ListPage *page = sb_aws_s3_finish_pointer (self, result,
                                                    SB_SOURCE_TAG (sb_aws_s3_list_objects_async),
                                                    error);

  return page ? sb_aws_s3_list_page_steal (page, out_next_token, NULL) : NULL;
}
