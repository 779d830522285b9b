/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION) && !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include the aws layer's headers directly; core and front ends use sb-store-factory.h."
#endif

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* How a service encodes its errors, so the executor can read them. */
typedef enum {
  SB_AWS_PROTOCOL_JSON,      /* DynamoDB: {"__type": "...#Code", "message": "..."} */
  SB_AWS_PROTOCOL_REST_XML,  /* S3: <Error><Code/><Message/><RequestId/></Error> */
} SbAwsProtocol;

#define SB_TYPE_AWS_REQUEST (sb_aws_request_get_type ())
G_DECLARE_FINAL_TYPE (SbAwsRequest, sb_aws_request, SB, AWS_REQUEST, GObject)

SbAwsRequest       *sb_aws_request_new              (const char    *service,
                                                     const char    *operation,
                                                     const char    *method,
                                                     GUri          *uri);
const char         *sb_aws_request_get_service      (SbAwsRequest  *self);
const char         *sb_aws_request_get_operation    (SbAwsRequest  *self);
const char         *sb_aws_request_get_method       (SbAwsRequest  *self);
GUri               *sb_aws_request_get_uri          (SbAwsRequest  *self);
SoupMessageHeaders *sb_aws_request_get_headers      (SbAwsRequest  *self);
void                sb_aws_request_set_protocol     (SbAwsRequest  *self,
                                                     SbAwsProtocol  protocol);
SbAwsProtocol       sb_aws_request_get_protocol     (SbAwsRequest  *self);
void                sb_aws_request_set_body         (SbAwsRequest  *self,
                                                     GBytes        *body,
                                                     const char    *content_type);
void                sb_aws_request_set_body_stream  (SbAwsRequest  *self,
                                                     GInputStream  *stream,
                                                     goffset        length,
                                                     const char    *content_type,
                                                     const char    *payload_sha256);
GBytes             *sb_aws_request_get_body         (SbAwsRequest  *self);
const char         *sb_aws_request_get_payload_hash (SbAwsRequest  *self);
void                sb_aws_request_set_replay_safe  (SbAwsRequest  *self,
                                                     gboolean       replay_safe);
gboolean            sb_aws_request_get_replay_safe  (SbAwsRequest  *self);

G_END_DECLS
