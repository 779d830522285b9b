/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION)
#error "Only src/aws and its tests can include the aws layer's private headers."
#endif

#include "sb-aws-credentials-provider.h"

G_BEGIN_DECLS

/* Wall-clock time in microseconds since the epoch, like g_get_real_time();
 * tests substitute their own to exercise expiry without waiting. */
typedef gint64 (*SbAwsClockFunc) (gpointer user_data);

void  sb_aws_credentials_provider_set_clock        (SbAwsCredentialsProvider *self,
                                                    SbAwsClockFunc            clock,
                                                    gpointer                  user_data);
/* The ECS agent's base URL for AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 * (http://169.254.170.2 in a real task). */
void  sb_aws_credentials_provider_set_ecs_base_url (SbAwsCredentialsProvider *self,
                                                    const char               *url);
/* How many times the chain was walked (tests check fetches are shared). */
guint sb_aws_credentials_provider_get_fetch_count  (SbAwsCredentialsProvider *self);

G_END_DECLS
