/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION)
#error "Only src/aws and its tests can include the aws layer's private headers."
#endif

#include "sb-aws-request.h"

G_BEGIN_DECLS

/* Whether the body can be sent again for a retry: bytes always; a stream
 * only if it can seek back to where it started. */
gboolean      sb_aws_request_body_is_replayable (SbAwsRequest  *self);
/* A fresh SoupMessage for one attempt, body attached (a stream body is
 * rewound first). NULL with @error if a stream cannot be rewound. */
SoupMessage  *sb_aws_request_build_message      (SbAwsRequest  *self,
                                                 GCancellable  *cancellable,
                                                 GError       **error);
/* "DynamoDB", "S3": for messages. */
const char   *sb_aws_request_get_service_label  (SbAwsRequest  *self);

G_END_DECLS
