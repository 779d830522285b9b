/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-aws-dynamodb.h"
#include "sb-aws-error-private.h"

/* DynamoDB's JSON 1.0 protocol: every call is a POST to "/" with the
 * operation in X-Amz-Target and the input as a JSON document. Items are
 * passed through as attribute-value JSON (see sb-aws-item.h), so this class
 * adds no data model of its own. */
#define TARGET_PREFIX "DynamoDB_20120810."
#define CONTENT_TYPE  "application/x-amz-json-1.0"

struct _SbAwsDynamoDb
{
  GObject      parent_instance;
  SbAwsClient *client;
};

G_DEFINE_FINAL_TYPE (SbAwsDynamoDb, sb_aws_dynamodb, G_TYPE_OBJECT)

static void
sb_aws_dynamodb_dispose (GObject *object)
{
  SbAwsDynamoDb *self = SB_AWS_DYNAMODB (object);

  g_clear_object (&self->client);
  G_OBJECT_CLASS (sb_aws_dynamodb_parent_class)->dispose (object);
}

static void
sb_aws_dynamodb_class_init (SbAwsDynamoDbClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sb_aws_dynamodb_dispose;
}

static void
sb_aws_dynamodb_init (SbAwsDynamoDb *self)
{
}

/**
 * sb_aws_dynamodb_new:
 * @client: the executor; its configuration gives region and endpoint
 *
 * Returns: (transfer full): a DynamoDB client
 */
SbAwsDynamoDb *
sb_aws_dynamodb_new (SbAwsClient *client)
{
  SbAwsDynamoDb *self;

  g_return_val_if_fail (SB_IS_AWS_CLIENT (client), NULL);

  self = g_object_new (SB_TYPE_AWS_DYNAMODB, NULL);
  self->client = g_object_ref (client);
  return self;
}

static void
call_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *operation = g_task_get_task_data (task);
  JsonNode *root;

  body = sb_aws_client_send_finish (SB_AWS_CLIENT (object), result, NULL, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_bytes_get_size (body) == 0)
    {
      g_task_return_pointer (task, json_object_new (), (GDestroyNotify) json_object_unref);
      return;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                   &error) ||
      !JSON_NODE_HOLDS_OBJECT ((root = json_parser_get_root (parser))))
    {
      g_task_return_new_error (task, SB_AWS_ERROR, SB_AWS_ERROR_INVALID_RESPONSE,
                               "DynamoDB %s returned something that is not a JSON object",
                               operation);
      return;
    }
  g_task_return_pointer (task, json_object_ref (json_node_get_object (root)),
                         (GDestroyNotify) json_object_unref);
}

static void
call_internal (SbAwsDynamoDb       *self,
               const char          *operation,
               JsonObject          *input,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SbAwsRequest) request = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *target = g_strconcat (TARGET_PREFIX, operation, NULL);
  SoupMessageHeaders *headers;
  gsize length = 0;
  char *json;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_strdup (operation), g_free);

  uri = sb_aws_config_get_endpoint (sb_aws_client_get_config (self->client), "dynamodb", &error);
  if (uri == NULL)
    {
      g_task_return_new_error (task, SB_AWS_ERROR, SB_AWS_ERROR_INVALID_REQUEST,
                               "DynamoDB %s: %s", operation, error->message);
      return;
    }

  json_node_set_object (node, input);
  json = json_to_string (node, FALSE);
  length = strlen (json);
  body = g_bytes_new_take (json, length);

  request = sb_aws_request_new ("dynamodb", operation, "POST", uri);
  sb_aws_request_set_protocol (request, SB_AWS_PROTOCOL_JSON);
  headers = sb_aws_request_get_headers (request);
  soup_message_headers_replace (headers, "X-Amz-Target", target);
  sb_aws_request_set_body (request, body, CONTENT_TYPE);

  sb_aws_client_send_async (self->client, request, cancellable, call_cb,
                            g_steal_pointer (&task));
}

/**
 * sb_aws_dynamodb_call_async:
 * @self: a client
 * @operation: the API operation, such as "BatchWriteItem"
 * @input: the request document, as the API reference describes it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Any DynamoDB operation, for those without a typed wrapper here.
 */
void
sb_aws_dynamodb_call_async (SbAwsDynamoDb       *self,
                            const char          *operation,
                            JsonObject          *input,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SB_IS_AWS_DYNAMODB (self));
  g_return_if_fail (operation != NULL && input != NULL);

  call_internal (self, operation, input, cancellable, callback, user_data,
                 SB_SOURCE_TAG (sb_aws_dynamodb_call_async));
}

/**
 * sb_aws_dynamodb_call_finish:
 *
 * Returns: (transfer full): the response document
 */
JsonObject *
sb_aws_dynamodb_call_finish (SbAwsDynamoDb  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static JsonObject *
propagate (SbAwsDynamoDb  *self,
           GAsyncResult   *result,
           gpointer        source_tag,
           GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* For calls whose answer says nothing but that they succeeded. */
static gboolean
propagate_success (SbAwsDynamoDb  *self,
                   GAsyncResult   *result,
                   gpointer        source_tag,
                   GError        **error)
{
  g_autoptr(JsonObject) response = propagate (self, result, source_tag, error);

  return response != NULL;
}

/* The object member @name of @response (a new reference), or %NULL if
 * there is none. */
static JsonObject *
member_object_or_null (JsonObject *response,
                       const char *name)
{
  JsonNode *node = json_object_get_member (response, name);

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_object_ref (json_node_get_object (node))
                                               : NULL;
}

/* Likewise, but an empty object if there is none. */
static JsonObject *
member_object (JsonObject *response,
               const char *name)
{
  JsonObject *object = member_object_or_null (response, name);

  return object ? object : json_object_new ();
}

/* Adds the optional condition / expression attribute members. */
static void
add_expression (JsonObject *input,
                const char *member,
                const char *expression,
                JsonObject *names,
                JsonObject *values)
{
  if (expression != NULL)
    json_object_set_string_member (input, member, expression);
  if (names != NULL && json_object_get_size (names) > 0)
    json_object_set_object_member (input, "ExpressionAttributeNames", json_object_ref (names));
  if (values != NULL && json_object_get_size (values) > 0)
    json_object_set_object_member (input, "ExpressionAttributeValues", json_object_ref (values));
}

static JsonObject *
table_input (const char *table)
{
  JsonObject *input = json_object_new ();

  json_object_set_string_member (input, "TableName", table);
  return input;
}

/* The input of a call on one item: the table and @member ("Key" or
 * "Item") holding @object. */
static JsonObject *
item_input (const char *table,
            const char *member,
            JsonObject *object)
{
  JsonObject *input = table_input (table);

  json_object_set_object_member (input, member, json_object_ref (object));
  return input;
}

/**
 * sb_aws_dynamodb_get_item_async:
 * @key: the primary key, attribute-value JSON
 * @consistent_read: read the latest write rather than an eventually
 *   consistent copy
 */
void
sb_aws_dynamodb_get_item_async (SbAwsDynamoDb       *self,
                                const char          *table,
                                JsonObject          *key,
                                gboolean             consistent_read,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(JsonObject) input = NULL;

  g_return_if_fail (SB_IS_AWS_DYNAMODB (self));
  g_return_if_fail (table != NULL && key != NULL);

  input = item_input (table, "Key", key);
  if (consistent_read)
    json_object_set_boolean_member (input, "ConsistentRead", TRUE);
  call_internal (self, "GetItem", input, cancellable, callback, user_data,
                 SB_SOURCE_TAG (sb_aws_dynamodb_get_item_async));
}

/**
 * sb_aws_dynamodb_get_item_finish:
 * @out_item: (out) (transfer full) (nullable): the item, or %NULL if there
 *   is no item with that key
 *
 * Returns: %TRUE unless the call failed
 */
gboolean
sb_aws_dynamodb_get_item_finish (SbAwsDynamoDb  *self,
                                 GAsyncResult   *result,
                                 JsonObject    **out_item,
                                 GError        **error)
{
  g_autoptr(JsonObject) response = propagate (self, result,
                                              SB_SOURCE_TAG (sb_aws_dynamodb_get_item_async),
                                              error);

  if (response == NULL)
    return FALSE;
  if (out_item != NULL)
    *out_item = member_object_or_null (response, "Item");
  return TRUE;
}

/**
 * sb_aws_dynamodb_put_item_async:
 * @item: the whole item, attribute-value JSON
 * @condition: (nullable): a ConditionExpression, such as
 *   "attribute_not_exists(username)"
 * @names: (nullable): ExpressionAttributeNames, {"#n": "name"}
 * @values: (nullable): ExpressionAttributeValues, attribute-value JSON
 *
 * Writes @item, replacing any item with its key. A failed condition is
 * %SB_AWS_ERROR_CONDITION_FAILED with code `ConditionalCheckFailedException`.
 */
void
sb_aws_dynamodb_put_item_async (SbAwsDynamoDb       *self,
                                const char          *table,
                                JsonObject          *item,
                                const char          *condition,
                                JsonObject          *names,
                                JsonObject          *values,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(JsonObject) input = NULL;

  g_return_if_fail (SB_IS_AWS_DYNAMODB (self));
  g_return_if_fail (table != NULL && item != NULL);

  input = item_input (table, "Item", item);
  add_expression (input, "ConditionExpression", condition, names, values);
  call_internal (self, "PutItem", input, cancellable, callback, user_data,
                 SB_SOURCE_TAG (sb_aws_dynamodb_put_item_async));
}

gboolean
sb_aws_dynamodb_put_item_finish (SbAwsDynamoDb  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return propagate_success (self, result, SB_SOURCE_TAG (sb_aws_dynamodb_put_item_async), error);
}

/**
 * sb_aws_dynamodb_update_item_async:
 * @key: the primary key
 * @update: an UpdateExpression, such as "SET #d = :d, version = version + :one"
 * @condition: (nullable): a ConditionExpression, such as "version = :v"
 * @names: (nullable): ExpressionAttributeNames
 * @values: (nullable): ExpressionAttributeValues
 *
 * Updates (or creates) the item with @key. The result holds the item as it
 * is after the update (ReturnValues ALL_NEW).
 */
void
sb_aws_dynamodb_update_item_async (SbAwsDynamoDb       *self,
                                   const char          *table,
                                   JsonObject          *key,
                                   const char          *update,
                                   const char          *condition,
                                   JsonObject          *names,
                                   JsonObject          *values,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonObject) input = NULL;

  g_return_if_fail (SB_IS_AWS_DYNAMODB (self));
  g_return_if_fail (table != NULL && key != NULL && update != NULL);

  input = item_input (table, "Key", key);
  json_object_set_string_member (input, "UpdateExpression", update);
  add_expression (input, "ConditionExpression", condition, names, values);
  json_object_set_string_member (input, "ReturnValues", "ALL_NEW");
  call_internal (self, "UpdateItem", input, cancellable, callback, user_data,
                 SB_SOURCE_TAG (sb_aws_dynamodb_update_item_async));
}

/**
 * sb_aws_dynamodb_update_item_finish:
 *
 * Returns: (transfer full): the updated item
 */
JsonObject *
sb_aws_dynamodb_update_item_finish (SbAwsDynamoDb  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_autoptr(JsonObject) response = propagate (self, result,
                                              SB_SOURCE_TAG (sb_aws_dynamodb_update_item_async),
                                              error);

  return response ? member_object (response, "Attributes") : NULL;
}

/**
 * sb_aws_dynamodb_delete_item_async:
 * @condition: (nullable): a ConditionExpression
 *
 * Deletes the item with @key; deleting nothing is not an error.
 */
void
sb_aws_dynamodb_delete_item_async (SbAwsDynamoDb       *self,
                                   const char          *table,
                                   JsonObject          *key,
                                   const char          *condition,
                                   JsonObject          *names,
                                   JsonObject          *values,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonObject) input = NULL;

  g_return_if_fail (SB_IS_AWS_DYNAMODB (self));
  g_return_if_fail (table != NULL && key != NULL);

  input = item_input (table, "Key", key);
  add_expression (input, "ConditionExpression", condition, names, values);
  call_internal (self, "DeleteItem", input, cancellable, callback, user_data,
                 SB_SOURCE_TAG (sb_aws_dynamodb_delete_item_async));
}

gboolean
sb_aws_dynamodb_delete_item_finish (SbAwsDynamoDb  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return propagate_success (self, result, SB_SOURCE_TAG (sb_aws_dynamodb_delete_item_async),
                            error);
}

/**
 * sb_aws_dynamodb_query_async:
 * @index_name: (nullable): a secondary index to query instead of the table
 * @key_condition: a KeyConditionExpression, such as "#o = :owner"
 * @exclusive_start_key: (nullable): the previous page's LastEvaluatedKey
 * @limit: at most this many items per page; 0 for the service's limit (1 MB)
 *
 * One page of a query, in sort-key order. Loop, passing each page's
 * LastEvaluatedKey back, until it is %NULL.
 */
void
sb_aws_dynamodb_query_async (SbAwsDynamoDb       *self,
                             const char          *table,
                             const char          *index_name,
                             const char          *key_condition,
                             JsonObject          *names,
                             JsonObject          *values,
                             JsonObject          *exclusive_start_key,
                             guint                limit,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(JsonObject) input = NULL;

  g_return_if_fail (SB_IS_AWS_DYNAMODB (self));
  g_return_if_fail (table != NULL && key_condition != NULL);

  input = table_input (table);
  if (index_name != NULL)
    json_object_set_string_member (input, "IndexName", index_name);
  add_expression (input, "KeyConditionExpression", key_condition, names, values);
  if (exclusive_start_key != NULL)
    json_object_set_object_member (input, "ExclusiveStartKey",
                                   json_object_ref (exclusive_start_key));
  if (limit > 0)
    json_object_set_int_member (input, "Limit", limit);
  call_internal (self, "Query", input, cancellable, callback, user_data,
                 SB_SOURCE_TAG (sb_aws_dynamodb_query_async));
}

/**
 * sb_aws_dynamodb_query_finish:
 * @out_last_evaluated_key: (out) (optional) (transfer full) (nullable): where
 *   the next page starts, or %NULL after the last page
 *
 * Returns: (transfer container) (element-type JsonObject): the page's items
 */
GPtrArray *
sb_aws_dynamodb_query_finish (SbAwsDynamoDb  *self,
                              GAsyncResult   *result,
                              JsonObject    **out_last_evaluated_key,
                              GError        **error)
{
  g_autoptr(JsonObject) response = propagate (self, result,
                                              SB_SOURCE_TAG (sb_aws_dynamodb_query_async),
                                              error);
  GPtrArray *items;
  JsonNode *node;

  if (response == NULL)
    return NULL;
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  node = json_object_get_member (response, "Items");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element))
            g_ptr_array_add (items, json_object_ref (json_node_get_object (element)));
        }
    }
  if (out_last_evaluated_key != NULL)
    *out_last_evaluated_key = member_object_or_null (response, "LastEvaluatedKey");
  return items;
}

static const char *
key_type_name (SbAwsDynamoDbKeyType type)
{
  switch (type)
    {
    case SB_AWS_DYNAMODB_NUMBER:
      return "N";
    case SB_AWS_DYNAMODB_BINARY:
      return "B";
    case SB_AWS_DYNAMODB_STRING:
    default:
      return "S";
    }
}

static JsonArray *
key_schema (const char *partition_key,
            const char *sort_key)
{
  JsonArray *schema = json_array_new ();
  JsonObject *element = json_object_new ();

  json_object_set_string_member (element, "AttributeName", partition_key);
  json_object_set_string_member (element, "KeyType", "HASH");
  json_array_add_object_element (schema, element);
  if (sort_key != NULL)
    {
      element = json_object_new ();
      json_object_set_string_member (element, "AttributeName", sort_key);
      json_object_set_string_member (element, "KeyType", "RANGE");
      json_array_add_object_element (schema, element);
    }
  return schema;
}

static void
add_attribute_definition (JsonArray            *definitions,
                          GHashTable           *seen,
                          const char           *name,
                          SbAwsDynamoDbKeyType  type)
{
  JsonObject *definition;

  if (name == NULL || g_hash_table_contains (seen, name))
    return;
  g_hash_table_add (seen, (gpointer) name);
  definition = json_object_new ();
  json_object_set_string_member (definition, "AttributeName", name);
  json_object_set_string_member (definition, "AttributeType", key_type_name (type));
  json_array_add_object_element (definitions, definition);
}

/**
 * sb_aws_dynamodb_create_table_async:
 * @spec: the table's keys and optional index
 *
 * Creates an on-demand table. It starts in status CREATING; poll
 * sb_aws_dynamodb_describe_table_async() until "TableStatus" is "ACTIVE". A
 * table that exists already is %SB_AWS_ERROR_ALREADY_EXISTS.
 */
void
sb_aws_dynamodb_create_table_async (SbAwsDynamoDb                *self,
                                    const SbAwsDynamoDbTableSpec *spec,
                                    GCancellable                 *cancellable,
                                    GAsyncReadyCallback           callback,
                                    gpointer                      user_data)
{
  g_autoptr(JsonObject) input = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *definitions = json_array_new ();

  g_return_if_fail (SB_IS_AWS_DYNAMODB (self));
  g_return_if_fail (spec != NULL && spec->name != NULL && spec->partition_key != NULL);
  g_return_if_fail (spec->index_name == NULL || spec->index_partition_key != NULL);

  input = table_input (spec->name);
  add_attribute_definition (definitions, seen, spec->partition_key, spec->partition_key_type);
  add_attribute_definition (definitions, seen, spec->sort_key, spec->sort_key_type);
  add_attribute_definition (definitions, seen, spec->index_partition_key,
                            spec->index_partition_key_type);
  add_attribute_definition (definitions, seen, spec->index_sort_key, spec->index_sort_key_type);
  json_object_set_array_member (input, "AttributeDefinitions", definitions);
  json_object_set_array_member (input, "KeySchema", key_schema (spec->partition_key,
                                                                spec->sort_key));
  json_object_set_string_member (input, "BillingMode", "PAY_PER_REQUEST");
  if (spec->index_name != NULL)
    {
      JsonArray *indexes = json_array_new ();
      JsonObject *index = json_object_new ();
      JsonObject *projection = json_object_new ();

      json_object_set_string_member (index, "IndexName", spec->index_name);
      json_object_set_array_member (index, "KeySchema", key_schema (spec->index_partition_key,
                                                                    spec->index_sort_key));
      json_object_set_string_member (projection, "ProjectionType", "ALL");
      json_object_set_object_member (index, "Projection", projection);
      json_array_add_object_element (indexes, index);
      json_object_set_array_member (input, "GlobalSecondaryIndexes", indexes);
    }
  call_internal (self, "CreateTable", input, cancellable, callback, user_data,
                 SB_SOURCE_TAG (sb_aws_dynamodb_create_table_async));
}

/**
 * sb_aws_dynamodb_create_table_finish:
 *
 * Returns: (transfer full): the TableDescription
 */
JsonObject *
sb_aws_dynamodb_create_table_finish (SbAwsDynamoDb  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_autoptr(JsonObject) response = propagate (self, result,
                                              SB_SOURCE_TAG (sb_aws_dynamodb_create_table_async),
                                              error);
  return response ? member_object (response, "TableDescription") : NULL;
}

void
sb_aws_dynamodb_describe_table_async (SbAwsDynamoDb       *self,
                                      const char          *table,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(JsonObject) input = NULL;

  g_return_if_fail (SB_IS_AWS_DYNAMODB (self));
  g_return_if_fail (table != NULL);

  input = table_input (table);
  call_internal (self, "DescribeTable", input, cancellable, callback, user_data,
                 SB_SOURCE_TAG (sb_aws_dynamodb_describe_table_async));
}

/**
 * sb_aws_dynamodb_describe_table_finish:
 *
 * Returns: (transfer full): the Table description ("TableStatus",
 *   "KeySchema", "ItemCount", ...); %SB_AWS_ERROR_NOT_FOUND if no such table
 */
JsonObject *
sb_aws_dynamodb_describe_table_finish (SbAwsDynamoDb  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  g_autoptr(JsonObject) response = propagate (self, result,
                                              SB_SOURCE_TAG (sb_aws_dynamodb_describe_table_async),
                                              error);
  return response ? member_object (response, "Table") : NULL;
}

/**
 * sb_aws_dynamodb_update_time_to_live_async:
 * @attribute: the attribute holding each item's expiry (Unix seconds, N)
 * @enabled: turn expiry on or off
 *
 * Endpoints without TTL support (DynamoDB look-alikes) fail with
 * %SB_AWS_ERROR_NOT_SUPPORTED: "… is not supported by this endpoint".
 */
void
sb_aws_dynamodb_update_time_to_live_async (SbAwsDynamoDb       *self,
                                           const char          *table,
                                           const char          *attribute,
                                           gboolean             enabled,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(JsonObject) input = NULL;
  JsonObject *specification;

  g_return_if_fail (SB_IS_AWS_DYNAMODB (self));
  g_return_if_fail (table != NULL && attribute != NULL);

  input = table_input (table);
  specification = json_object_new ();
  json_object_set_boolean_member (specification, "Enabled", enabled);
  json_object_set_string_member (specification, "AttributeName", attribute);
  json_object_set_object_member (input, "TimeToLiveSpecification", specification);
  call_internal (self, "UpdateTimeToLive", input, cancellable, callback, user_data,
                 SB_SOURCE_TAG (sb_aws_dynamodb_update_time_to_live_async));
}

gboolean
sb_aws_dynamodb_update_time_to_live_finish (SbAwsDynamoDb  *self,
                                            GAsyncResult   *result,
                                            GError        **error)
{
  return propagate_success (self, result,
                            SB_SOURCE_TAG (sb_aws_dynamodb_update_time_to_live_async), error);
}
