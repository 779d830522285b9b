/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-check.h"
#include "sb-store.h"

G_BEGIN_DECLS

#define SB_STORE_DEFAULT_USERS_TABLE    "storagebox-users"
#define SB_STORE_DEFAULT_FILES_TABLE    "storagebox-files"
#define SB_STORE_DEFAULT_SESSIONS_TABLE "storagebox-sessions"

typedef enum {
  SB_STORE_KIND_LOCAL,  /* SQLite + a directory of blobs (SbLocalStore) */
  SB_STORE_KIND_AWS,    /* DynamoDB + S3 or compatible services (SbAwsStore) */
} SbStoreKind;

/**
 * SbStoreSettings:
 * @kind: which store to build
 * @data_dir: local: the directory of the database and the blobs
 * @environ: (nullable): aws: the environment the AWS chain reads (`AWS_REGION`,
 *   `AWS_ENDPOINT_URL`, credentials, …); %NULL for this process's
 * @region: (nullable): aws: over the AWS chain's
 * @endpoint_url: (nullable): aws: for DynamoDB and S3, over the AWS chain's
 * @dynamodb_endpoint_url: (nullable): aws: for DynamoDB only
 * @s3_endpoint_url: (nullable): aws: for S3 only
 * @bucket: aws: the S3 bucket
 * @users_table: aws: the DynamoDB tables (see %SB_STORE_DEFAULT_USERS_TABLE)
 * @files_table: aws
 * @sessions_table: aws
 * @access_key_id: (nullable): aws: keys to use instead of the AWS chain's
 * @secret_access_key: (nullable): aws: with @access_key_id
 * @credentials_source: (nullable): aws: where those keys come from, as
 *   messages should name it
 * @max_blob_size: the largest blob that will be written (0: the store's
 *   own default); for aws it sizes the parts of multipart uploads
 *
 * Plain values describing a store, so that the store layer builds its
 * backends without knowing how StorageBox is configured. Nothing is kept:
 * the strings need only live during the call they are passed to.
 */
typedef struct
{
  SbStoreKind         kind;
  const char         *data_dir;
  const char * const *environ;
  const char         *region;
  const char         *endpoint_url;
  const char         *dynamodb_endpoint_url;
  const char         *s3_endpoint_url;
  const char         *bucket;
  const char         *users_table;
  const char         *files_table;
  const char         *sessions_table;
  const char         *access_key_id;
  const char         *secret_access_key;
  const char         *credentials_source;
  guint64             max_blob_size;
} SbStoreSettings;

SbStore  *sb_store_new_for_settings  (const SbStoreSettings  *settings,
                                      GError                **error);
void      sb_store_verify_async      (SbStore                *store,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data);
gboolean  sb_store_verify_finish     (SbStore                *store,
                                      GAsyncResult           *result,
                                      GError                **error);
void      sb_store_report_async      (SbStore                *store,
                                      gboolean                provision,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data);
SbCheck  *sb_store_report_finish     (SbStore                *store,
                                      GAsyncResult           *result,
                                      GError                **error);

G_END_DECLS
