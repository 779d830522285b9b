/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include a backend's headers; core and front ends use sb-store.h and sb-store-factory.h."
#endif

#include "sb-aws-store.h"

G_BEGIN_DECLS

/* Shared by sb-aws-store.c (the SbStore methods) and sb-aws-store-admin.c
 * (verify, check, provision). */
struct _SbAwsStore
{
  GObject        parent_instance;
  SbAwsClient   *client;
  SbAwsDynamoDb *ddb;
  SbAwsS3       *s3;
  char          *bucket;
  char          *users_table;
  char          *files_table;
  char          *sessions_table;
  /* Tests only: runs between the two writes of a rename. */
  void         (*rename_hook)      (SbAwsStore *self,
                                    gpointer    data);
  gpointer       rename_hook_data;
};

typedef enum {
  SB_AWS_RESOURCE_TABLE,
  SB_AWS_RESOURCE_BUCKET,
} SbAwsResource;

/* An error from the AWS layer as an SB_STORE_ERROR whose message is one
 * sentence naming what to fix; other domains (I/O, cancellation) are copied
 * unchanged. */
GError *sb_aws_store_explain_error (SbAwsStore    *self,
                                    const GError  *error,
                                    SbAwsResource  resource,
                                    const char    *name);

G_END_DECLS
