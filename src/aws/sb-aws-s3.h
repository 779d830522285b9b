/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION) && !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include the aws layer's headers directly; core and front ends use sb-store-factory.h."
#endif

#include "sb-aws-client.h"
#include "sb-aws-s3-lifecycle-rule.h"
#include "sb-aws-s3-object-info.h"

G_BEGIN_DECLS

#define SB_TYPE_AWS_S3 (sb_aws_s3_get_type ())
G_DECLARE_FINAL_TYPE (SbAwsS3, sb_aws_s3, SB, AWS_S3, GObject)

SbAwsS3 *sb_aws_s3_new                     (SbAwsClient *client);
void     sb_aws_s3_set_part_size           (SbAwsS3     *self,
                                            gsize        part_size);
gsize    sb_aws_s3_get_part_size           (SbAwsS3     *self);
void     sb_aws_s3_set_max_parts_in_flight (SbAwsS3     *self,
                                            guint        n_parts);
guint    sb_aws_s3_get_max_parts_in_flight (SbAwsS3     *self);
GUri    *sb_aws_s3_build_uri               (SbAwsS3     *self,
                                            const char  *bucket,
                                            const char  *key,
                                            const char  *query,
                                            GError     **error);

void     sb_aws_s3_create_bucket_async  (SbAwsS3            *self,
                                         const char         *bucket,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
gboolean sb_aws_s3_create_bucket_finish (SbAwsS3            *self,
                                         GAsyncResult       *result,
                                         GError            **error);

void               sb_aws_s3_put_object_async     (SbAwsS3            *self,
                                                   const char         *bucket,
                                                   const char         *key,
                                                   GInputStream       *source,
                                                   gint64              size,
                                                   const char         *content_type,
                                                   GHashTable         *metadata,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
gboolean           sb_aws_s3_put_object_finish    (SbAwsS3            *self,
                                                   GAsyncResult       *result,
                                                   guint64            *out_size,
                                                   char              **out_sha256,
                                                   GError            **error);
void               sb_aws_s3_get_object_async     (SbAwsS3            *self,
                                                   const char         *bucket,
                                                   const char         *key,
                                                   guint64             offset,
                                                   gint64              length,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
GInputStream      *sb_aws_s3_get_object_finish    (SbAwsS3            *self,
                                                   GAsyncResult       *result,
                                                   SbAwsS3ObjectInfo **out_info,
                                                   GError            **error);
void               sb_aws_s3_head_object_async    (SbAwsS3            *self,
                                                   const char         *bucket,
                                                   const char         *key,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
SbAwsS3ObjectInfo *sb_aws_s3_head_object_finish   (SbAwsS3            *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);
void               sb_aws_s3_delete_object_async  (SbAwsS3            *self,
                                                   const char         *bucket,
                                                   const char         *key,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
gboolean           sb_aws_s3_delete_object_finish (SbAwsS3            *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);
void               sb_aws_s3_list_objects_async   (SbAwsS3            *self,
                                                   const char         *bucket,
                                                   const char         *prefix,
                                                   const char         *continuation_token,
                                                   guint               max_keys,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
GPtrArray         *sb_aws_s3_list_objects_finish  (SbAwsS3            *self,
                                                   GAsyncResult       *result,
                                                   char              **out_next_token,
                                                   GError            **error);

/**
 * SbAwsS3Upload:
 * @key: the key the object will have
 * @upload_id: what continues or aborts the upload
 * @initiated: seconds since the epoch, or 0 if unknown
 *
 * A multipart upload that was started and neither completed nor aborted.
 */
typedef struct
{
  char   *key;
  char   *upload_id;
  gint64  initiated;
} SbAwsS3Upload;

void       sb_aws_s3_upload_free                    (SbAwsS3Upload      *upload);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbAwsS3Upload, sb_aws_s3_upload_free)

void       sb_aws_s3_list_multipart_uploads_async   (SbAwsS3            *self,
                                                     const char         *bucket,
                                                     const char         *key_marker,
                                                     const char         *upload_id_marker,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
GPtrArray *sb_aws_s3_list_multipart_uploads_finish  (SbAwsS3            *self,
                                                     GAsyncResult       *result,
                                                     char              **out_key_marker,
                                                     char              **out_upload_id_marker,
                                                     GError            **error);

void      sb_aws_s3_create_multipart_upload_async    (SbAwsS3            *self,
                                                      const char         *bucket,
                                                      const char         *key,
                                                      const char         *content_type,
                                                      GHashTable         *metadata,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
char     *sb_aws_s3_create_multipart_upload_finish   (SbAwsS3            *self,
                                                      GAsyncResult       *result,
                                                      GError            **error);
void      sb_aws_s3_upload_part_async                (SbAwsS3            *self,
                                                      const char         *bucket,
                                                      const char         *key,
                                                      const char         *upload_id,
                                                      guint               part_number,
                                                      GBytes             *data,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
char     *sb_aws_s3_upload_part_finish               (SbAwsS3            *self,
                                                      GAsyncResult       *result,
                                                      GError            **error);
void      sb_aws_s3_complete_multipart_upload_async  (SbAwsS3            *self,
                                                      const char         *bucket,
                                                      const char         *key,
                                                      const char         *upload_id,
                                                      GPtrArray          *etags,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
gboolean  sb_aws_s3_complete_multipart_upload_finish (SbAwsS3            *self,
                                                      GAsyncResult       *result,
                                                      GError            **error);
void      sb_aws_s3_abort_multipart_upload_async     (SbAwsS3            *self,
                                                      const char         *bucket,
                                                      const char         *key,
                                                      const char         *upload_id,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
gboolean  sb_aws_s3_abort_multipart_upload_finish    (SbAwsS3            *self,
                                                      GAsyncResult       *result,
                                                      GError            **error);

void       sb_aws_s3_put_bucket_lifecycle_async  (SbAwsS3            *self,
                                                  const char         *bucket,
                                                  GPtrArray          *rules,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
gboolean   sb_aws_s3_put_bucket_lifecycle_finish (SbAwsS3            *self,
                                                  GAsyncResult       *result,
                                                  GError            **error);
void       sb_aws_s3_get_bucket_lifecycle_async  (SbAwsS3            *self,
                                                  const char         *bucket,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
GPtrArray *sb_aws_s3_get_bucket_lifecycle_finish (SbAwsS3            *self,
                                                  GAsyncResult       *result,
                                                  GError            **error);

void       sb_aws_s3_restore_object_async        (SbAwsS3            *self,
                                                  const char         *bucket,
                                                  const char         *key,
                                                  guint               days,
                                                  const char         *tier,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
gboolean   sb_aws_s3_restore_object_finish       (SbAwsS3            *self,
                                                  GAsyncResult       *result,
                                                  GError            **error);

void  sb_aws_s3_presign_get_async  (SbAwsS3            *self,
                                    const char         *bucket,
                                    const char         *key,
                                    guint               expires_in,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
char *sb_aws_s3_presign_get_finish (SbAwsS3            *self,
                                    GAsyncResult       *result,
                                    GError            **error);

G_END_DECLS
