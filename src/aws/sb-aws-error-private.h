/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION)
#error "Only src/aws and its tests can include the aws layer's private headers."
#endif

#include <gio/gio.h>

#include "sb-aws-error.h"

G_BEGIN_DECLS

/* Builds an SB_AWS_ERROR from what a service said. @aws_code, @aws_message
 * and @request_id may be NULL; the human message is a sentence such as
 * "DynamoDB PutItem failed: The conditional request failed
 * (ConditionalCheckFailedException, HTTP 400, request ID abc)". */
GError     *sb_aws_error_new_from_service  (const char   *service_label,
                                            const char   *operation,
                                            guint         http_status,
                                            const char   *aws_code,
                                            const char   *aws_message,
                                            const char   *request_id);
/* The domain code for an AWS error code string and HTTP status. */
SbAwsError  sb_aws_error_code_from_aws     (const char   *aws_code,
                                            guint         http_status);
/* Wraps a transport error (GIOError, GResolverError, TLS, SoupSession). */
GError     *sb_aws_error_new_from_transport (const char  *service_label,
                                             const char  *operation,
                                             const GError *cause);
void        sb_aws_error_set_maybe_applied (GError       *error,
                                            gboolean      maybe_applied);
/* Sets the AWS code, message, status and request id on any SB_AWS_ERROR. */
void        sb_aws_error_set_details       (GError       *error,
                                            guint         http_status,
                                            const char   *aws_code,
                                            const char   *aws_message,
                                            const char   *request_id);

G_END_DECLS
