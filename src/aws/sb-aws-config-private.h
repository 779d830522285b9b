/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION)
#error "Only src/aws and its tests can include the aws layer's private headers."
#endif

#include "sb-aws-config.h"

G_BEGIN_DECLS

/* The home directory as this configuration sees it ($HOME of its
 * environment, else the user's), for ~/.aws/... */
const char *sb_aws_config_get_home_dir             (SbAwsConfig *self);
/* A value of the selected profile's section in the credentials file. */
const char *sb_aws_config_get_credentials_value    (SbAwsConfig *self,
                                                    const char  *key);
/* Whether the selected profile exists in either shared file. */
gboolean    sb_aws_config_has_profile              (SbAwsConfig *self);
/* Why the shared files could not be read, if they could not. */
const GError *sb_aws_config_get_load_error         (SbAwsConfig *self);

G_END_DECLS
