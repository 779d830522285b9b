/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION) && !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include the aws layer's headers directly; core and front ends use sb-store-factory.h."
#endif

#include <libsoup/soup.h>

#include "sb-aws-config.h"
#include "sb-aws-credentials.h"

G_BEGIN_DECLS

#define SB_TYPE_AWS_CREDENTIALS_PROVIDER (sb_aws_credentials_provider_get_type ())
G_DECLARE_FINAL_TYPE (SbAwsCredentialsProvider, sb_aws_credentials_provider,
                      SB, AWS_CREDENTIALS_PROVIDER, GObject)

SbAwsCredentialsProvider *sb_aws_credentials_provider_new_default (SbAwsConfig *config,
                                                                   SoupSession *session);
SbAwsCredentialsProvider *sb_aws_credentials_provider_new_static (SbAwsCredentials *credentials);
void sb_aws_credentials_provider_get_async (SbAwsCredentialsProvider *self,
                                            GCancellable             *cancellable,
                                            GAsyncReadyCallback       callback,
                                            gpointer                  user_data);
SbAwsCredentials *sb_aws_credentials_provider_get_finish (SbAwsCredentialsProvider *self,
                                                          GAsyncResult             *result,
                                                          GError                  **error);
SbAwsCredentials *sb_aws_credentials_provider_peek (SbAwsCredentialsProvider *self);
void sb_aws_credentials_provider_invalidate (SbAwsCredentialsProvider *self);

G_END_DECLS
