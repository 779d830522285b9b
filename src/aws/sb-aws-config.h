/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION) && !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include the aws layer's headers directly; core and front ends use sb-store-factory.h."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

#define SB_TYPE_AWS_CONFIG (sb_aws_config_get_type ())
G_DECLARE_FINAL_TYPE (SbAwsConfig, sb_aws_config, SB, AWS_CONFIG, GObject)

SbAwsConfig         *sb_aws_config_new                     (const char * const *envp);
const char * const  *sb_aws_config_get_environ             (SbAwsConfig        *self);
const char          *sb_aws_config_getenv                  (SbAwsConfig        *self,
                                                            const char         *name);
const char          *sb_aws_config_get_profile_name        (SbAwsConfig        *self);
const char          *sb_aws_config_get_profile_value       (SbAwsConfig        *self,
                                                            const char         *key);
const char          *sb_aws_config_get_region              (SbAwsConfig        *self);
void                 sb_aws_config_set_region              (SbAwsConfig        *self,
                                                            const char         *region);
char                *sb_aws_config_get_endpoint_url        (SbAwsConfig        *self,
                                                            const char         *service);
void                 sb_aws_config_set_endpoint_url        (SbAwsConfig        *self,
                                                            const char         *service,
                                                            const char         *url);
GUri                *sb_aws_config_get_endpoint            (SbAwsConfig        *self,
                                                            const char         *service,
                                                            GError            **error);
gboolean             sb_aws_config_get_s3_force_path_style (SbAwsConfig        *self);
void                 sb_aws_config_set_s3_force_path_style (SbAwsConfig        *self,
                                                            gboolean            force);
gboolean             sb_aws_config_s3_use_path_style       (SbAwsConfig        *self,
                                                            const char         *bucket);

G_END_DECLS
