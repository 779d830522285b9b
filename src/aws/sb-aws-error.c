/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>

#include "sb-aws-error-private.h"

/* An extended error domain, so the AWS details survive g_error_copy(), GTask
 * hand-offs and g_propagate_error() without a side table. */
typedef struct
{
  char     *aws_code;
  char     *aws_message;
  char     *request_id;
  guint     http_status;
  gboolean  maybe_applied;
} SbAwsErrorPrivate;

static void
sb_aws_error_private_init (SbAwsErrorPrivate *priv)
{
}

static void
sb_aws_error_private_copy (const SbAwsErrorPrivate *src,
                           SbAwsErrorPrivate       *dest)
{
  dest->aws_code = g_strdup (src->aws_code);
  dest->aws_message = g_strdup (src->aws_message);
  dest->request_id = g_strdup (src->request_id);
  dest->http_status = src->http_status;
  dest->maybe_applied = src->maybe_applied;
}

static void
sb_aws_error_private_clear (SbAwsErrorPrivate *priv)
{
  g_clear_pointer (&priv->aws_code, g_free);
  g_clear_pointer (&priv->aws_message, g_free);
  g_clear_pointer (&priv->request_id, g_free);
}

G_DEFINE_EXTENDED_ERROR (SbAwsError, sb_aws_error)

static SbAwsErrorPrivate *
get_private (const GError *error)
{
  if (error == NULL || error->domain != SB_AWS_ERROR)
    return NULL;
  return sb_aws_error_get_private (error);
}

/**
 * sb_aws_error_get_code:
 * @error: a #GError
 *
 * Returns: (nullable): the AWS error code string the service sent, such as
 *   `ConditionalCheckFailedException` or `NoSuchKey`; %NULL if @error is not
 *   an %SB_AWS_ERROR or the failure did not come from the service.
 */
const char *
sb_aws_error_get_code (const GError *error)
{
  SbAwsErrorPrivate *priv = get_private (error);
  return priv ? priv->aws_code : NULL;
}

/**
 * sb_aws_error_get_aws_message:
 * @error: a #GError
 *
 * Returns: (nullable): the service's own message text, if it sent one.
 */
const char *
sb_aws_error_get_aws_message (const GError *error)
{
  SbAwsErrorPrivate *priv = get_private (error);
  return priv ? priv->aws_message : NULL;
}

/**
 * sb_aws_error_get_request_id:
 * @error: a #GError
 *
 * Returns: (nullable): the request id (`x-amzn-RequestId`, `x-amz-request-id`
 *   or the one in the error body), to quote to AWS support.
 */
const char *
sb_aws_error_get_request_id (const GError *error)
{
  SbAwsErrorPrivate *priv = get_private (error);
  return priv ? priv->request_id : NULL;
}

/**
 * sb_aws_error_get_http_status:
 * @error: a #GError
 *
 * Returns: the HTTP status of the failed response, or 0 if there was none.
 */
guint
sb_aws_error_get_http_status (const GError *error)
{
  SbAwsErrorPrivate *priv = get_private (error);
  return priv ? priv->http_status : 0;
}

/**
 * sb_aws_error_get_maybe_applied:
 * @error: a #GError
 *
 * Whether an earlier attempt of the failed request may have been carried out
 * by the service although we never saw its answer (the connection broke
 * after the request was sent, then a retry failed). A conditional write that
 * fails with %SB_AWS_ERROR_CONDITION_FAILED and this flag set may have failed
 * only because our own first attempt succeeded: read the item back to know.
 *
 * Returns: %TRUE if the outcome of an earlier attempt is unknown
 */
gboolean
sb_aws_error_get_maybe_applied (const GError *error)
{
  SbAwsErrorPrivate *priv = get_private (error);
  return priv ? priv->maybe_applied : FALSE;
}

/**
 * sb_aws_error_has_code:
 * @error: (nullable): a #GError
 * @aws_code: an AWS error code such as `NoSuchKey`
 *
 * Returns: %TRUE if @error is an %SB_AWS_ERROR carrying @aws_code
 */
gboolean
sb_aws_error_has_code (const GError *error,
                       const char   *aws_code)
{
  return g_strcmp0 (sb_aws_error_get_code (error), aws_code) == 0 && aws_code != NULL;
}

void
sb_aws_error_set_details (GError     *error,
                          guint       http_status,
                          const char *aws_code,
                          const char *aws_message,
                          const char *request_id)
{
  SbAwsErrorPrivate *priv = get_private (error);

  g_return_if_fail (priv != NULL);
  g_free (priv->aws_code);
  priv->aws_code = g_strdup (aws_code);
  g_free (priv->aws_message);
  priv->aws_message = g_strdup (aws_message);
  g_free (priv->request_id);
  priv->request_id = g_strdup (request_id);
  priv->http_status = http_status;
}

void
sb_aws_error_set_maybe_applied (GError   *error,
                                gboolean  maybe_applied)
{
  SbAwsErrorPrivate *priv = get_private (error);

  if (priv != NULL)
    priv->maybe_applied = maybe_applied;
}

SbAwsError
sb_aws_error_code_from_aws (const char *aws_code,
                            guint       http_status)
{
  static const char * const not_found[] = {
    "NoSuchKey", "NoSuchBucket", "NoSuchUpload", "NotFound", "ResourceNotFoundException",
    "NoSuchLifecycleConfiguration", "TableNotFoundException", NULL
  };
  static const char * const condition[] = {
    "ConditionalCheckFailedException", "PreconditionFailed", "TransactionCanceledException",
    NULL
  };
  static const char * const exists[] = {
    "ResourceInUseException", "BucketAlreadyOwnedByYou", "BucketAlreadyExists",
    "TableAlreadyExistsException", NULL
  };
  static const char * const denied[] = {
    "AccessDenied", "AccessDeniedException", "UnrecognizedClientException",
    "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidSignatureException",
    "MissingAuthenticationToken", "MissingAuthenticationTokenException", "ExpiredToken",
    "ExpiredTokenException", "InvalidToken", "InvalidClientTokenId", "AuthFailure",
    "AllAccessDisabled", "AccountProblem", NULL
  };
  static const char * const throttled[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "EC2ThrottledException", NULL
  };
  static const char * const not_supported[] = {
    "UnknownOperationException", "NotImplemented", "InvalidAction", NULL
  };
  static const char * const skew[] = {
    "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", NULL
  };
  static const char * const invalid[] = {
    "ValidationException", "SerializationException", "InvalidArgument", "InvalidRequest",
    "MalformedXML", "InvalidBucketName", "KeyTooLongError", "EntityTooSmall", "EntityTooLarge",
    "InvalidPart", "InvalidPartOrder", "InvalidRange", "ItemCollectionSizeLimitExceededException",
    /* 403, but about the object's storage class, not the credentials. */
    "InvalidObjectState",
    NULL
  };

  /* In this order: the first list holding the code wins. */
  static const struct
  {
    const char * const *codes;
    SbAwsError          error;
  } by_code[] = {
    { not_found,     SB_AWS_ERROR_NOT_FOUND },
    { condition,     SB_AWS_ERROR_CONDITION_FAILED },
    { exists,        SB_AWS_ERROR_ALREADY_EXISTS },
    { throttled,     SB_AWS_ERROR_THROTTLED },
    { not_supported, SB_AWS_ERROR_NOT_SUPPORTED },
    { skew,          SB_AWS_ERROR_CLOCK_SKEW },
    { denied,        SB_AWS_ERROR_ACCESS_DENIED },
    { invalid,       SB_AWS_ERROR_INVALID_REQUEST },
  };

  for (gsize i = 0; aws_code != NULL && i < G_N_ELEMENTS (by_code); i++)
    {
      if (g_strv_contains (by_code[i].codes, aws_code))
        return by_code[i].error;
    }

  switch (http_status)
    {
    case SOUP_STATUS_NOT_FOUND:
      return SB_AWS_ERROR_NOT_FOUND;
    case SOUP_STATUS_PRECONDITION_FAILED:
      return SB_AWS_ERROR_CONDITION_FAILED;
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
      return SB_AWS_ERROR_ACCESS_DENIED;
    case 429: /* Too Many Requests; libsoup 3.2 has no name for it */
      return SB_AWS_ERROR_THROTTLED;
    case SOUP_STATUS_NOT_IMPLEMENTED:
      return SB_AWS_ERROR_NOT_SUPPORTED;
    default:
      break;
    }
  if (http_status >= 500)
    return SB_AWS_ERROR_SERVICE_UNAVAILABLE;
  if (http_status >= 400)
    return SB_AWS_ERROR_INVALID_REQUEST;
  return SB_AWS_ERROR_FAILED;
}

/* A message meant for a person: the service's own sentence when it sent
 * one, else a description of the status; never a raw body. */
GError *
sb_aws_error_new_from_service (const char *service_label,
                               const char *operation,
                               guint       http_status,
                               const char *aws_code,
                               const char *aws_message,
                               const char *request_id)
{
  SbAwsError code = sb_aws_error_code_from_aws (aws_code, http_status);
  g_autoptr(GString) details = g_string_new (NULL);
  g_autofree char *what = NULL;
  const char *text;
  GError *error;

  if (aws_code != NULL)
    g_string_append (details, aws_code);
  if (http_status != 0)
    g_string_append_printf (details, "%sHTTP %u", details->len ? ", " : "", http_status);
  if (request_id != NULL)
    g_string_append_printf (details, "%srequest ID %s", details->len ? ", " : "", request_id);

  what = g_strdup_printf ("%s%s%s", service_label ? service_label : "AWS",
                          operation ? " " : "", operation ? operation : "");

  if (code == SB_AWS_ERROR_NOT_SUPPORTED)
    {
      error = g_error_new (SB_AWS_ERROR, code,
                           "%s is not supported by this endpoint (%s)", what, details->str);
    }
  else
    {
      text = aws_message;
      if (text == NULL || *text == '\0')
        text = http_status ? soup_status_get_phrase (http_status) : "unknown error";
      error = g_error_new (SB_AWS_ERROR, code, "%s failed: %s (%s)", what, text, details->str);
    }

  sb_aws_error_set_details (error, http_status, aws_code, aws_message, request_id);
  return error;
}

GError *
sb_aws_error_new_from_transport (const char   *service_label,
                                 const char   *operation,
                                 const GError *cause)
{
  SbAwsError code = SB_AWS_ERROR_NETWORK;

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    code = SB_AWS_ERROR_TIMEOUT;

  return g_error_new (SB_AWS_ERROR, code, "%s%s%s failed: could not reach the endpoint: %s",
                      service_label ? service_label : "AWS", operation ? " " : "",
                      operation ? operation : "", cause->message);
}
