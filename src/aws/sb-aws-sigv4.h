/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION) && !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include the aws layer's headers directly; core and front ends use sb-store-factory.h."
#endif

#include <libsoup/soup.h>

#include "sb-aws-credentials.h"

G_BEGIN_DECLS

/* Payload hash values with a meaning of their own. */
#define SB_AWS_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
#define SB_AWS_EMPTY_SHA256     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/**
 * SbAwsSigningConfig:
 * @service: the signing name of the service ("s3", "dynamodb")
 * @region: the region in the credential scope
 * @credentials: what to sign with
 * @time: the signing time, seconds since the Unix epoch (UTC)
 * @normalize_path: remove `.`/`..` segments and repeated slashes before
 *   encoding (every service but S3)
 * @double_encode_path: percent-encode the path as sent on the wire once more
 *   (every service but S3, whose canonical path is the wire path)
 * @content_sha256_header: add and sign `x-amz-content-sha256` (S3)
 * @omit_session_token: leave the session token out of the signature and add
 *   it afterwards (a few services want that; none of ours)
 *
 * Fill with sb_aws_signing_config_init(), which picks the rules of the
 * service, then change fields if needed. Plain data: nothing to free.
 */
typedef struct
{
  const char       *service;
  const char       *region;
  SbAwsCredentials *credentials;
  gint64            time;
  gboolean          normalize_path;
  gboolean          double_encode_path;
  gboolean          content_sha256_header;
  gboolean          omit_session_token;
} SbAwsSigningConfig;

void      sb_aws_signing_config_init (SbAwsSigningConfig       *config,
                                      const char               *service,
                                      const char               *region,
                                      SbAwsCredentials         *credentials,
                                      gint64                    time);

gboolean  sb_aws_sigv4_sign_headers  (const SbAwsSigningConfig *config,
                                      const char               *method,
                                      const char               *path,
                                      const char               *query,
                                      SoupMessageHeaders       *headers,
                                      const char               *payload_hash);
char     *sb_aws_sigv4_presign_query (const SbAwsSigningConfig *config,
                                      const char               *method,
                                      const char               *path,
                                      const char               *query,
                                      SoupMessageHeaders       *headers,
                                      const char               *payload_hash,
                                      guint                     expires_in);
void      sb_aws_sigv4_sign_message  (const SbAwsSigningConfig *config,
                                      SoupMessage              *message,
                                      const char               *payload_hash);
char     *sb_aws_sigv4_presign_uri   (const SbAwsSigningConfig *config,
                                      const char               *method,
                                      GUri                     *uri,
                                      guint                     expires_in);

char     *sb_aws_sha256_hex          (gconstpointer             data,
                                      gsize                     length);
char     *sb_aws_uri_encode          (const char               *text,
                                      gboolean                  keep_slash);
char     *sb_aws_host_header_for_uri (GUri                     *uri);

G_END_DECLS
