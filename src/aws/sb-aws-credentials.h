/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION) && !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include the aws layer's headers directly; core and front ends use sb-store-factory.h."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

#define SB_TYPE_AWS_CREDENTIALS (sb_aws_credentials_get_type ())

/* An immutable, reference-counted set of AWS credentials. */
typedef struct _SbAwsCredentials SbAwsCredentials;

GType             sb_aws_credentials_get_type              (void) G_GNUC_CONST;
SbAwsCredentials *sb_aws_credentials_new                   (const char       *access_key_id,
                                                            const char       *secret_access_key,
                                                            const char       *session_token,
                                                            gint64            expiration);
SbAwsCredentials *sb_aws_credentials_ref                   (SbAwsCredentials *self);
void              sb_aws_credentials_unref                 (SbAwsCredentials *self);
const char       *sb_aws_credentials_get_access_key_id     (SbAwsCredentials *self);
const char       *sb_aws_credentials_get_secret_access_key (SbAwsCredentials *self);
const char       *sb_aws_credentials_get_session_token     (SbAwsCredentials *self);
gint64            sb_aws_credentials_get_expiration        (SbAwsCredentials *self);
const char       *sb_aws_credentials_get_source            (SbAwsCredentials *self);
SbAwsCredentials *sb_aws_credentials_new_with_source       (const char       *access_key_id,
                                                            const char       *secret_access_key,
                                                            const char       *session_token,
                                                            gint64            expiration,
                                                            const char       *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbAwsCredentials, sb_aws_credentials_unref)

G_END_DECLS
