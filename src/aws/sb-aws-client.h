/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION) && !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include the aws layer's headers directly; core and front ends use sb-store-factory.h."
#endif

#include <libsoup/soup.h>

#include "sb-aws-config.h"
#include "sb-aws-credentials-provider.h"
#include "sb-aws-request.h"

G_BEGIN_DECLS

#define SB_TYPE_AWS_CLIENT (sb_aws_client_get_type ())
G_DECLARE_FINAL_TYPE (SbAwsClient, sb_aws_client, SB, AWS_CLIENT, GObject)

SbAwsClient *sb_aws_client_new (SbAwsConfig              *config,
                                SbAwsCredentialsProvider *credentials);
SbAwsConfig *sb_aws_client_get_config (SbAwsClient *self);
SoupSession *sb_aws_client_get_session (SbAwsClient *self);
SbAwsCredentialsProvider *sb_aws_client_get_credentials_provider (SbAwsClient *self);
void sb_aws_client_set_max_attempts (SbAwsClient *self,
                                     guint        max_attempts);
guint sb_aws_client_get_max_attempts (SbAwsClient *self);
void sb_aws_client_set_backoff (SbAwsClient *self,
                                guint        base_ms,
                                guint        max_ms);
void sb_aws_client_set_timeout (SbAwsClient *self,
                                guint        seconds);
gint64 sb_aws_client_get_clock_offset (SbAwsClient *self);
gint64 sb_aws_client_get_time (SbAwsClient *self);

void          sb_aws_client_send_async         (SbAwsClient        *self,
                                                SbAwsRequest       *request,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
GBytes       *sb_aws_client_send_finish        (SbAwsClient        *self,
                                                GAsyncResult       *result,
                                                SoupMessage       **out_message,
                                                GError            **error);
void          sb_aws_client_send_stream_async  (SbAwsClient        *self,
                                                SbAwsRequest       *request,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
GInputStream *sb_aws_client_send_stream_finish (SbAwsClient        *self,
                                                GAsyncResult       *result,
                                                SoupMessage       **out_message,
                                                GError            **error);

G_END_DECLS
