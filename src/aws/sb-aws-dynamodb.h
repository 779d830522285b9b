/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION) && !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include the aws layer's headers directly; core and front ends use sb-store-factory.h."
#endif

#include <json-glib/json-glib.h>

#include "sb-aws-client.h"
#include "sb-aws-item.h"

G_BEGIN_DECLS

typedef enum {
  SB_AWS_DYNAMODB_STRING,
  SB_AWS_DYNAMODB_NUMBER,
  SB_AWS_DYNAMODB_BINARY,
} SbAwsDynamoDbKeyType;

/**
 * SbAwsDynamoDbTableSpec:
 * @name: the table name
 * @partition_key: the partition (hash) key attribute
 * @sort_key: (nullable): the sort (range) key attribute, if any
 * @index_name: (nullable): a global secondary index to create, if any
 *   (projection ALL)
 * @index_partition_key: the index's partition key
 * @index_sort_key: (nullable): the index's sort key
 *
 * A table with on-demand (PAY_PER_REQUEST) billing. Key types: strings
 * unless the *_type fields say otherwise.
 */
typedef struct
{
  const char           *name;
  const char           *partition_key;
  SbAwsDynamoDbKeyType  partition_key_type;
  const char           *sort_key;
  SbAwsDynamoDbKeyType  sort_key_type;
  const char           *index_name;
  const char           *index_partition_key;
  SbAwsDynamoDbKeyType  index_partition_key_type;
  const char           *index_sort_key;
  SbAwsDynamoDbKeyType  index_sort_key_type;
} SbAwsDynamoDbTableSpec;

#define SB_TYPE_AWS_DYNAMODB (sb_aws_dynamodb_get_type ())
G_DECLARE_FINAL_TYPE (SbAwsDynamoDb, sb_aws_dynamodb, SB, AWS_DYNAMODB, GObject)

SbAwsDynamoDb *sb_aws_dynamodb_new (SbAwsClient *client);

void        sb_aws_dynamodb_call_async  (SbAwsDynamoDb      *self,
                                         const char         *operation,
                                         JsonObject         *input,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
JsonObject *sb_aws_dynamodb_call_finish (SbAwsDynamoDb      *self,
                                         GAsyncResult       *result,
                                         GError            **error);

void sb_aws_dynamodb_get_item_async (SbAwsDynamoDb      *self,
                                     const char         *table,
                                     JsonObject         *key,
                                     gboolean            consistent_read,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
gboolean sb_aws_dynamodb_get_item_finish (SbAwsDynamoDb *self,
                                          GAsyncResult  *result,
                                          JsonObject   **out_item,
                                          GError       **error);
void sb_aws_dynamodb_put_item_async (SbAwsDynamoDb      *self,
                                     const char         *table,
                                     JsonObject         *item,
                                     const char         *condition,
                                     JsonObject         *names,
                                     JsonObject         *values,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
gboolean sb_aws_dynamodb_put_item_finish (SbAwsDynamoDb *self,
                                          GAsyncResult  *result,
                                          GError       **error);
void sb_aws_dynamodb_update_item_async (SbAwsDynamoDb      *self,
                                        const char         *table,
                                        JsonObject         *key,
                                        const char         *update,
                                        const char         *condition,
                                        JsonObject         *names,
                                        JsonObject         *values,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
JsonObject *sb_aws_dynamodb_update_item_finish (SbAwsDynamoDb *self,
                                                GAsyncResult  *result,
                                                GError       **error);
void sb_aws_dynamodb_delete_item_async (SbAwsDynamoDb      *self,
                                        const char         *table,
                                        JsonObject         *key,
                                        const char         *condition,
                                        JsonObject         *names,
                                        JsonObject         *values,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
gboolean sb_aws_dynamodb_delete_item_finish (SbAwsDynamoDb *self,
                                             GAsyncResult  *result,
                                             GError       **error);
void sb_aws_dynamodb_query_async (SbAwsDynamoDb      *self,
                                  const char         *table,
                                  const char         *index_name,
                                  const char         *key_condition,
                                  JsonObject         *names,
                                  JsonObject         *values,
                                  JsonObject         *exclusive_start_key,
                                  guint               limit,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
GPtrArray *sb_aws_dynamodb_query_finish (SbAwsDynamoDb *self,
                                         GAsyncResult  *result,
                                         JsonObject   **out_last_evaluated_key,
                                         GError       **error);
void sb_aws_dynamodb_create_table_async (SbAwsDynamoDb                *self,
                                         const SbAwsDynamoDbTableSpec *spec,
                                         GCancellable                 *cancellable,
                                         GAsyncReadyCallback           callback,
                                         gpointer                      user_data);
JsonObject *sb_aws_dynamodb_create_table_finish (SbAwsDynamoDb *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);
void sb_aws_dynamodb_describe_table_async (SbAwsDynamoDb      *self,
                                           const char         *table,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
JsonObject *sb_aws_dynamodb_describe_table_finish (SbAwsDynamoDb *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);
void sb_aws_dynamodb_update_time_to_live_async (SbAwsDynamoDb      *self,
                                                const char         *table,
                                                const char         *attribute,
                                                gboolean            enabled,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
gboolean sb_aws_dynamodb_update_time_to_live_finish (SbAwsDynamoDb *self,
                                                     GAsyncResult  *result,
                                                     GError       **error);

G_END_DECLS
