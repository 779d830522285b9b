/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION)
#error "Only src/aws and its tests can include the aws layer's private headers."
#endif

#include "sb-aws-client.h"

G_BEGIN_DECLS

/* Totals since the client was made, for tests. */
guint  sb_aws_client_get_attempt_count (SbAwsClient *self);
guint  sb_aws_client_get_retry_tokens  (SbAwsClient *self);

/* Reads an AWS error body: the error code, message and request id it holds
 * (each NULL if absent). */
void   sb_aws_parse_error_body         (SbAwsProtocol  protocol,
                                        GBytes        *body,
                                        char         **code,
                                        char         **message,
                                        char         **request_id);

G_END_DECLS
