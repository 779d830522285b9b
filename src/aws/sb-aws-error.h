/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION) && !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include the aws layer's headers directly; core and front ends use sb-store-factory.h."
#endif

#include <glib.h>

G_BEGIN_DECLS

#define SB_AWS_ERROR (sb_aws_error_quark ())

/* What kind of failure an AWS call ended in. The exact AWS error code string
 * ("ConditionalCheckFailedException", "NoSuchKey", ...), the HTTP status and
 * the request id travel with the GError; read them with the helpers below. */
typedef enum {
  SB_AWS_ERROR_FAILED,             /* anything not listed below */
  SB_AWS_ERROR_NOT_FOUND,          /* no such key, bucket, table, upload */
  SB_AWS_ERROR_CONDITION_FAILED,   /* ConditionalCheckFailedException, PreconditionFailed */
  SB_AWS_ERROR_ALREADY_EXISTS,     /* ResourceInUseException, BucketAlreadyOwnedByYou */
  SB_AWS_ERROR_ACCESS_DENIED,      /* bad or insufficient credentials */
  SB_AWS_ERROR_THROTTLED,          /* still throttled after every retry */
  SB_AWS_ERROR_SERVICE_UNAVAILABLE,/* 5xx after every retry */
  SB_AWS_ERROR_NETWORK,            /* could not talk to the endpoint */
  SB_AWS_ERROR_TIMEOUT,            /* the endpoint stopped answering */
  SB_AWS_ERROR_INVALID_REQUEST,    /* the service rejected our input (ValidationException) */
  SB_AWS_ERROR_NOT_SUPPORTED,      /* the endpoint does not implement the operation */
  SB_AWS_ERROR_NO_CREDENTIALS,     /* no credentials anywhere in the provider chain */
  SB_AWS_ERROR_INVALID_RESPONSE,   /* the service answered something we cannot parse */
  SB_AWS_ERROR_CLOCK_SKEW,         /* our clock is too far from the service's */
} SbAwsError;

GQuark      sb_aws_error_quark            (void);

const char *sb_aws_error_get_code         (const GError *error);
const char *sb_aws_error_get_aws_message  (const GError *error);
const char *sb_aws_error_get_request_id   (const GError *error);
guint       sb_aws_error_get_http_status  (const GError *error);
gboolean    sb_aws_error_get_maybe_applied (const GError *error);
gboolean    sb_aws_error_has_code         (const GError *error,
                                           const char   *aws_code);

G_END_DECLS
