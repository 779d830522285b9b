/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-aws-test-util.h"
#include "sb-test-s3-archive.h"

struct _SbTestS3Archive
{
  SoupServer *server;
  char       *url;
  char       *bucket;
  GTree      *objects;  /* key -> SbTestS3State, in key order as S3 lists */
  char       *restore_body;
  char       *list_attributes;
};

static void
error_reply (SoupServerMessage *msg,
             guint              status,
             const char        *code,
             const char        *message,
             gboolean           archived)
{
  g_autofree char *xml = g_strdup_printf (
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message>"
      "%s<RequestId>4442587FB7D0A2F9</RequestId><HostId>"
      "eftixk72aD6Ap51TnqcoF8eFidJG9Z/2mkiDFu8yU9AS1ed4OpIszj7UDNEHGran</HostId></Error>",
      code, message, archived ? "<StorageClass>GLACIER</StorageClass>" : "");

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/xml", SOUP_MEMORY_COPY, xml,
                                    strlen (xml));
}

static void
object_headers (SoupServerMessage *msg,
                const char        *key,
                SbTestS3State      state)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "ETag", "\"0123456789abcdef0123456789abcdef\"");
  soup_message_headers_replace (headers, "Last-Modified", "Wed, 12 Oct 2011 17:50:00 GMT");
  /* S3 leaves the header out for STANDARD. */
  if (state != SB_TEST_S3_STANDARD)
    soup_message_headers_replace (headers, "x-amz-storage-class", "GLACIER");
  if (state == SB_TEST_S3_RESTORING)
    soup_message_headers_replace (headers, "x-amz-restore", "ongoing-request=\"true\"");
  else if (state == SB_TEST_S3_RESTORED)
    soup_message_headers_replace (headers, "x-amz-restore",
                                  "ongoing-request=\"false\", "
                                  "expiry-date=\"Fri, 21 Dec 2012 00:00:00 GMT\"");
}

typedef struct
{
  GString    *xml;
  const char *prefix;
  gboolean    restore_status;
} Listing;

static gboolean
append_contents (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  Listing *listing = user_data;
  SbTestS3State state = GPOINTER_TO_INT (value);
  g_autofree char *encoded = NULL;

  if (listing->prefix != NULL && !g_str_has_prefix (key, listing->prefix))
    return FALSE;
  /* encoding-type=url, as our client asks. */
  encoded = g_uri_escape_string (key, "/", FALSE);
  g_string_append_printf (listing->xml,
                          "<Contents><Key>%s</Key><LastModified>2011-10-12T17:50:00.000Z"
                          "</LastModified><ETag>&quot;0123456789abcdef0123456789abcdef&quot;"
                          "</ETag><Size>%zu</Size><StorageClass>%s</StorageClass>",
                          encoded, strlen (key),
                          state == SB_TEST_S3_STANDARD ? "STANDARD" : "GLACIER");
  /* Only when asked for, and only for objects with a restore to tell. */
  if (listing->restore_status && state == SB_TEST_S3_RESTORING)
    g_string_append (listing->xml,
                     "<RestoreStatus><IsRestoreInProgress>true</IsRestoreInProgress>"
                     "</RestoreStatus>");
  else if (listing->restore_status && state == SB_TEST_S3_RESTORED)
    g_string_append (listing->xml,
                     "<RestoreStatus><IsRestoreInProgress>false</IsRestoreInProgress>"
                     "<RestoreExpiryDate>2012-12-21T00:00:00.000Z</RestoreExpiryDate>"
                     "</RestoreStatus>");
  g_string_append (listing->xml, "</Contents>");
  return FALSE;
}

static void
list_reply (SbTestS3Archive   *self,
            SoupServerMessage *msg,
            GHashTable        *query)
{
  const char *attributes = soup_message_headers_get_one (
      soup_server_message_get_request_headers (msg), "x-amz-optional-object-attributes");
  Listing listing = { g_string_new (NULL), NULL, FALSE };
  g_autofree char *body = NULL;

  g_free (self->list_attributes);
  self->list_attributes = g_strdup (attributes);
  listing.prefix = query ? g_hash_table_lookup (query, "prefix") : NULL;
  listing.restore_status = g_strcmp0 (attributes, "RestoreStatus") == 0;
  g_string_append_printf (listing.xml,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
                          "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>%s</Name>"
                          "<Prefix>%s</Prefix><KeyCount>%d</KeyCount><MaxKeys>1000</MaxKeys>"
                          "<EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>",
                          self->bucket, listing.prefix ? listing.prefix : "",
                          g_tree_nnodes (self->objects));
  g_tree_foreach (self->objects, append_contents, &listing);
  g_string_append (listing.xml, "</ListBucketResult>");
  body = g_string_free (listing.xml, FALSE);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/xml", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

static void
restore_reply (SbTestS3Archive   *self,
               SoupServerMessage *msg,
               const char        *key,
               SbTestS3State      state)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  g_free (self->restore_body);
  self->restore_body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  switch (state)
    {
    case SB_TEST_S3_STANDARD:
      error_reply (msg, 403, "InvalidObjectState",
                   "Restore is not allowed for the object's current storage class", FALSE);
      break;
    case SB_TEST_S3_ARCHIVED:
      /* A new restore: 202 Accepted, and the object is being restored. */
      g_tree_replace (self->objects, g_strdup (key), GINT_TO_POINTER (SB_TEST_S3_RESTORING));
      soup_server_message_set_status (msg, 202, NULL);
      break;
    case SB_TEST_S3_RESTORING:
      error_reply (msg, 409, "RestoreAlreadyInProgress", "Object restore is already in progress",
                   FALSE);
      break;
    case SB_TEST_S3_RESTORED:
      /* The copy's life is extended: 200 OK. */
      soup_server_message_set_status (msg, 200, NULL);
      break;
    }
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  SbTestS3Archive *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *bucket_path = g_strconcat ("/", self->bucket, NULL);
  g_autofree char *key = NULL;
  gpointer value;
  SbTestS3State state;

  if (g_str_equal (path, bucket_path) ||
      (g_str_has_prefix (path, bucket_path) && g_str_equal (path + strlen (bucket_path), "/")))
    {
      if (g_str_equal (method, "GET") && query != NULL &&
          g_strcmp0 (g_hash_table_lookup (query, "list-type"), "2") == 0)
        list_reply (self, msg, query);
      else
        error_reply (msg, 501, "NotImplemented", "Not in this mock", FALSE);
      return;
    }
  if (!g_str_has_prefix (path, bucket_path) || path[strlen (bucket_path)] != '/')
    {
      error_reply (msg, 404, "NoSuchBucket", "The specified bucket does not exist", FALSE);
      return;
    }
  key = g_uri_unescape_string (path + strlen (bucket_path) + 1, NULL);
  if (!g_tree_lookup_extended (self->objects, key, NULL, &value))
    {
      if (g_str_equal (method, "HEAD"))
        soup_server_message_set_status (msg, 404, NULL);
      else
        error_reply (msg, 404, "NoSuchKey", "The specified key does not exist.", FALSE);
      return;
    }
  state = GPOINTER_TO_INT (value);

  /* Not in @query: soup_form_decode() drops a name without "=". */
  if (g_str_equal (method, "POST") &&
      g_strcmp0 (g_uri_get_query (soup_server_message_get_uri (msg)), "restore") == 0)
    restore_reply (self, msg, key, state);
  else if (g_str_equal (method, "HEAD"))
    {
      object_headers (msg, key, state);
      soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg),
                                               strlen (key));
      soup_server_message_set_status (msg, 200, NULL);
    }
  else if (g_str_equal (method, "GET"))
    {
      if (state == SB_TEST_S3_ARCHIVED || state == SB_TEST_S3_RESTORING)
        {
          error_reply (msg, 403, "InvalidObjectState",
                       "The operation is not valid for the object's storage class", TRUE);
          return;
        }
      object_headers (msg, key, state);
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY,
                                        key, strlen (key));
    }
  else
    error_reply (msg, 501, "NotImplemented", "Not in this mock", FALSE);
}

/* Byte order, as S3 lists keys. */
static int
compare_keys (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  return strcmp (a, b);
}

SbTestS3Archive *
sb_test_s3_archive_start (const char *bucket)
{
  SbTestS3Archive *self = g_new0 (SbTestS3Archive, 1);

  self->bucket = g_strdup (bucket);
  self->objects = g_tree_new_full (compare_keys, NULL, g_free, NULL);
  self->server = sb_test_server_new (&self->url);
  soup_server_add_handler (self->server, NULL, handler, self, NULL);
  return self;
}

const char *
sb_test_s3_archive_get_url (SbTestS3Archive *self)
{
  return self->url;
}

void
sb_test_s3_archive_put (SbTestS3Archive *self,
                        const char      *key,
                        SbTestS3State    state)
{
  g_tree_replace (self->objects, g_strdup (key), GINT_TO_POINTER (state));
}

SbTestS3State
sb_test_s3_archive_get_state (SbTestS3Archive *self,
                              const char      *key)
{
  return GPOINTER_TO_INT (g_tree_lookup (self->objects, key));
}

const char *
sb_test_s3_archive_get_restore_body (SbTestS3Archive *self)
{
  return self->restore_body;
}

const char *
sb_test_s3_archive_get_list_attributes (SbTestS3Archive *self)
{
  return self->list_attributes;
}

void
sb_test_s3_archive_stop (SbTestS3Archive *self)
{
  if (self == NULL)
    return;
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_tree_unref (self->objects);
  g_free (self->url);
  g_free (self->bucket);
  g_free (self->restore_body);
  g_free (self->list_attributes);
  g_free (self);
}
