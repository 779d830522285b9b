/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include a backend's headers; core and front ends use sb-store.h and sb-store-factory.h."
#endif

#include "sb-aws-client.h"
#include "sb-aws-dynamodb.h"
#include "sb-aws-s3.h"
#include "sb-check.h"
#include "sb-store-factory.h"
#include "sb-store.h"

G_BEGIN_DECLS

#define SB_AWS_STORE_DEFAULT_USERS_TABLE    SB_STORE_DEFAULT_USERS_TABLE
#define SB_AWS_STORE_DEFAULT_FILES_TABLE    SB_STORE_DEFAULT_FILES_TABLE
#define SB_AWS_STORE_DEFAULT_SESSIONS_TABLE SB_STORE_DEFAULT_SESSIONS_TABLE
/* The sessions table's global secondary index on `username`. */
#define SB_AWS_STORE_SESSIONS_BY_USER_INDEX "username-index"

#define SB_TYPE_AWS_STORE (sb_aws_store_get_type ())
G_DECLARE_FINAL_TYPE (SbAwsStore, sb_aws_store, SB, AWS_STORE, GObject)

/* The distributed store: users, file records and sessions in three DynamoDB
 * tables, blobs in one S3 bucket at `<owner>/<random id>`. Construction does
 * no I/O; sb_aws_store_verify_async() proves the backend answers, _check_
 * reports on everything, _provision_ creates what is missing (idempotent).
 * Store errors for an unreachable or misconfigured backend are
 * %SB_STORE_ERROR_UNAVAILABLE with one sentence saying what to fix. */
SbAwsStore    *sb_aws_store_new                (SbAwsClient   *client,
                                                const char    *bucket,
                                                const char    *users_table,
                                                const char    *files_table,
                                                const char    *sessions_table);
SbAwsClient   *sb_aws_store_get_client         (SbAwsStore    *self);
SbAwsDynamoDb *sb_aws_store_get_dynamodb       (SbAwsStore    *self);
SbAwsS3       *sb_aws_store_get_s3             (SbAwsStore    *self);
const char    *sb_aws_store_get_bucket         (SbAwsStore    *self);
const char    *sb_aws_store_get_users_table    (SbAwsStore    *self);
const char    *sb_aws_store_get_files_table    (SbAwsStore    *self);
const char    *sb_aws_store_get_sessions_table (SbAwsStore    *self);

void           sb_aws_store_verify_async       (SbAwsStore          *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       sb_aws_store_verify_finish      (SbAwsStore          *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void           sb_aws_store_check_async        (SbAwsStore          *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
SbCheck       *sb_aws_store_check_finish       (SbAwsStore          *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void           sb_aws_store_provision_async    (SbAwsStore          *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
SbCheck       *sb_aws_store_provision_finish   (SbAwsStore          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
