/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION)
#error "Only src/aws and its tests can include the aws layer's private headers."
#endif

/* What the parts of SbAwsS3 share: sb-aws-s3.c (the object, REST plumbing,
 * buckets, objects, listing), sb-aws-s3-multipart.c (the multipart calls),
 * sb-aws-s3-upload.c (the PutObject engine), sb-aws-s3-lifecycle.c
 * (lifecycle XML), sb-aws-s3-restore.c (RestoreObject) and
 * sb-aws-s3-presign.c (presigned URLs). */

#include "sb-aws-client.h"
#include "sb-aws-request.h"
#include "sb-aws-s3.h"
#include "sb-aws-xml-private.h"

G_BEGIN_DECLS

#define SB_AWS_S3_XMLNS     "http://s3.amazonaws.com/doc/2006-03-01/"
#define SB_AWS_S3_MAX_PARTS 10000

struct _SbAwsS3
{
  GObject      parent_instance;
  SbAwsClient *client;
  gsize        part_size;
  guint        max_in_flight;
};

typedef void (*SbAwsS3ResponseFunc) (GTask       *task,
                                     GBytes      *body,
                                     SoupMessage *message);

SbAwsRequest *sb_aws_s3_new_request          (SbAwsS3              *self,
                                              const char           *operation,
                                              const char           *method,
                                              const char           *bucket,
                                              const char           *key,
                                              const char           *query,
                                              GError              **error);
/* Fails @task with %SB_AWS_ERROR_INVALID_REQUEST: building its request or
 * URI failed with @error. */
void          sb_aws_s3_return_request_error (GTask                *task,
                                              const GError         *error);
/* Sends @request (NULL if building it failed with @error) and passes the
 * answer to @func; takes @request, @error and @task. */
void          sb_aws_s3_send                 (SbAwsS3              *self,
                                              SbAwsRequest         *request,
                                              GError               *error,
                                              GTask                *task,
                                              SbAwsS3ResponseFunc   func);
/* Builds a request without body or extra headers and sends it, as
 * sb_aws_s3_send() does; takes @task. */
void          sb_aws_s3_call                 (SbAwsS3              *self,
                                              GTask                *task,
                                              const char           *operation,
                                              const char           *method,
                                              const char           *bucket,
                                              const char           *key,
                                              const char           *query,
                                              SbAwsS3ResponseFunc   func);
/* A SbAwsS3ResponseFunc for calls whose answer is only their status. */
void          sb_aws_s3_return_true          (GTask                *task,
                                              GBytes               *body,
                                              SoupMessage          *message);
GTask        *sb_aws_s3_new_task             (SbAwsS3              *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data,
                                              gpointer              source_tag);
gboolean      sb_aws_s3_finish_boolean       (SbAwsS3              *self,
                                              GAsyncResult         *result,
                                              gpointer              source_tag,
                                              GError              **error);
gpointer      sb_aws_s3_finish_pointer       (SbAwsS3              *self,
                                              GAsyncResult         *result,
                                              gpointer              source_tag,
                                              GError              **error);
/* The parsed body, or NULL after returning an error on @task. */
SbAwsXmlNode *sb_aws_s3_parse_xml            (GTask                *task,
                                              GBytes               *body,
                                              const char           *operation);
/* Appends "&@name=@value", @value percent-encoded, unless @value is NULL. */
void          sb_aws_s3_append_query         (GString              *query,
                                              const char           *name,
                                              const char           *value);
void          sb_aws_s3_add_metadata_headers (SbAwsRequest         *request,
                                              const char           *content_type,
                                              GHashTable           *metadata);
/* One page of a listing: its entries and where the next page starts
 * (ListObjectsV2 has one marker, ListMultipartUploads two). */
typedef struct
{
  GPtrArray *items;
  char      *next_marker;
  char      *next_upload_id_marker;
} SbAwsS3ListPage;

SbAwsS3ListPage *sb_aws_s3_list_page_new   (GDestroyNotify        item_free);
void             sb_aws_s3_list_page_free  (SbAwsS3ListPage      *page);
/* Frees @page and returns its items, handing over the markers asked for. */
GPtrArray       *sb_aws_s3_list_page_steal (SbAwsS3ListPage      *page,
                                            char                **out_next_marker,
                                            char                **out_next_upload_id_marker);

/* encoding-type=url answers encode keys like a form: '+' is a space.
 * Returns a copy of @text, decoded if @decode. */
char         *sb_aws_s3_url_decode           (const char           *text,
                                              gboolean              decode);

G_END_DECLS
