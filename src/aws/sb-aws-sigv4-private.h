/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION)
#error "Only src/aws and its tests can include the aws layer's private headers."
#endif

#include "sb-aws-sigv4.h"

G_BEGIN_DECLS

/* The stages of SigV4, exposed so each can be checked byte for byte against
 * the published test suite (tests/aws/test-sigv4-suite.c). */

char  *sb_aws_sigv4_canonical_path      (const char               *path,
                                         gboolean                  normalize,
                                         gboolean                  double_encode);
char  *sb_aws_sigv4_canonical_query     (const char               *query);
char  *sb_aws_sigv4_canonical_headers   (SoupMessageHeaders       *headers,
                                         char                    **signed_headers);
char  *sb_aws_sigv4_canonical_request   (const SbAwsSigningConfig *config,
                                         const char               *method,
                                         const char               *path,
                                         const char               *query,
                                         SoupMessageHeaders       *headers,
                                         const char               *payload_hash,
                                         char                    **signed_headers);
char  *sb_aws_sigv4_amz_date            (gint64                    time);
char  *sb_aws_sigv4_scope               (const SbAwsSigningConfig *config);
char  *sb_aws_sigv4_string_to_sign      (const char               *amz_date,
                                         const char               *scope,
                                         const char               *canonical_request);
void   sb_aws_sigv4_signing_key         (const char               *secret_access_key,
                                         const char               *date,
                                         const char               *region,
                                         const char               *service,
                                         guint8                    key[32]);
char  *sb_aws_sigv4_signature           (const guint8              key[32],
                                         const char               *string_to_sign);
/* Header-mode signing that also hands back the intermediate stages. */
gboolean sb_aws_sigv4_sign_headers_full (const SbAwsSigningConfig *config,
                                         const char               *method,
                                         const char               *path,
                                         const char               *query,
                                         SoupMessageHeaders       *headers,
                                         const char               *payload_hash,
                                         char                    **canonical_request,
                                         char                    **string_to_sign,
                                         char                    **signature);
char  *sb_aws_sigv4_presign_query_full  (const SbAwsSigningConfig *config,
                                         const char               *method,
                                         const char               *path,
                                         const char               *query,
                                         SoupMessageHeaders       *headers,
                                         const char               *payload_hash,
                                         guint                     expires_in,
                                         char                    **canonical_request,
                                         char                    **string_to_sign,
                                         char                    **signature);
/* How many times the signing-key cache had to derive a key. */
guint  sb_aws_sigv4_key_cache_misses    (void);

G_END_DECLS
