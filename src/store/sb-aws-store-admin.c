/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-aws-error.h"
#include "sb-aws-item.h"
#include "sb-aws-store-private.h"
#include "sb-store-private.h"

/* SbAwsStore, the operator's side: verify (can the store work at all?),
 * check (what exists, what is missing) and provision (create what is
 * missing: tables with on-demand billing, TTL on sessions, the bucket and
 * its lifecycle rules). Provisioning is idempotent, and a feature the
 * endpoint lacks (dynalite has no TTL, s3rver no lifecycle) is a warning,
 * not a failure: StorageBox works without either. */

#define LIFECYCLE_RULE_ID       "storagebox-tiering"
#define IA_DAYS                 75
#define GLACIER_DAYS            365
#define ABORT_MULTIPART_DAYS    7
#define TTL_ATTRIBUTE           "expires_at"
#define PROBE                   "#storagebox-probe"
/* Waiting for a new table to become ACTIVE: AWS takes seconds. */
#define TABLE_POLL_MS           1000
#define TABLE_POLL_MAX          300

enum {
  TABLE_USERS,
  TABLE_FILES,
  TABLE_SESSIONS,
  N_TABLES
};

static void
table_spec (SbAwsStore             *self,
            guint                   table,
            SbAwsDynamoDbTableSpec *spec)
{
  *spec = (SbAwsDynamoDbTableSpec) { 0 };
  switch (table)
    {
    case TABLE_USERS:
      spec->name = self->users_table;
      spec->partition_key = "username";
      break;
    case TABLE_FILES:
      spec->name = self->files_table;
      spec->partition_key = "owner";
      spec->sort_key = "name";
      break;
    default:
      spec->name = self->sessions_table;
      spec->partition_key = "token_hash";
      spec->index_name = SB_AWS_STORE_SESSIONS_BY_USER_INDEX;
      spec->index_partition_key = "username";
      break;
    }
}

static char *
table_label (const char *name)
{
  return g_strdup_printf ("DynamoDB table %s", name);
}

static char *
bucket_label (SbAwsStore *self)
{
  return g_strdup_printf ("S3 bucket %s", self->bucket);
}

/* Verify */

typedef struct
{
  guint   pending;
  GError *errors[N_TABLES + 1];
} Verify;

static void
verify_free (Verify *op)
{
  for (guint i = 0; i < G_N_ELEMENTS (op->errors); i++)
    g_clear_error (&op->errors[i]);
  g_free (op);
}

static void
verify_part_done (GTask *task)
{
  Verify *op = g_task_get_task_data (task);

  if (--op->pending > 0)
    return;
  /* The first in a fixed order, so the same problem always reads the same. */
  for (guint i = 0; i < G_N_ELEMENTS (op->errors); i++)
    if (op->errors[i] != NULL)
      {
        g_task_return_error (task, g_steal_pointer (&op->errors[i]));
        return;
      }
  g_task_return_boolean (task, TRUE);
}

typedef struct
{
  GTask *task;
  guint  table;
} VerifyTable;

static void
verify_table_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VerifyTable *part = user_data;
  g_autoptr(GTask) task = part->task;
  SbAwsStore *self = g_task_get_source_object (task);
  Verify *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) item = NULL;
  g_autoptr(GError) error = NULL;
  SbAwsDynamoDbTableSpec spec;

  table_spec (self, part->table, &spec);
  if (!sb_aws_dynamodb_get_item_finish (SB_AWS_DYNAMODB (object), result, &item, &error))
    op->errors[part->table] = sb_aws_store_explain_error (self, error, SB_AWS_RESOURCE_TABLE,
                                                          spec.name);
  g_free (part);
  verify_part_done (task);
}

static void
verify_bucket_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Verify *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GError) error = NULL;

  objects = sb_aws_s3_list_objects_finish (SB_AWS_S3 (object), result, NULL, &error);
  if (objects == NULL)
    op->errors[N_TABLES] = sb_aws_store_explain_error (self, error, SB_AWS_RESOURCE_BUCKET,
                                                       self->bucket);
  verify_part_done (task);
}

/**
 * sb_aws_store_verify_async:
 *
 * Proves that the store can work: one read from each table and one listing
 * of the bucket, side by side, with the same permissions the store uses
 * (no DescribeTable, which a least-privilege role may lack). Fails with the
 * first problem as an %SB_STORE_ERROR_UNAVAILABLE sentence saying what to
 * fix: no credentials, a key AWS does not know, a missing table or bucket,
 * the wrong region, access denied, an unreachable endpoint.
 */
void
sb_aws_store_verify_async (SbAwsStore          *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Verify *op;

  g_return_if_fail (SB_IS_AWS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_aws_store_verify_async));
  op = g_new0 (Verify, 1);
  g_task_set_task_data (task, op, (GDestroyNotify) verify_free);

  op->pending = N_TABLES + 1;
  for (guint i = 0; i < N_TABLES; i++)
    {
      SbAwsDynamoDbTableSpec spec;
      g_autoptr(JsonObject) key = sb_aws_item_new ();
      VerifyTable *part = g_new0 (VerifyTable, 1);

      table_spec (self, i, &spec);
      sb_aws_item_set_string (key, spec.partition_key, PROBE);
      if (spec.sort_key != NULL)
        sb_aws_item_set_string (key, spec.sort_key, PROBE);
      part->task = g_object_ref (task);
      part->table = i;
      sb_aws_dynamodb_get_item_async (self->ddb, spec.name, key, FALSE, cancellable,
                                      verify_table_cb, part);
    }
  sb_aws_s3_list_objects_async (self->s3, self->bucket, PROBE "/", NULL, 1, cancellable,
                                verify_bucket_cb, g_steal_pointer (&task));
}

gboolean
sb_aws_store_verify_finish (SbAwsStore    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return sb_store_task_finish_boolean (self, result, error);
}

/* Check and provision: one sequence of steps, each adding to the report */

typedef enum {
  STEP_ENDPOINTS,
  STEP_CREDENTIALS,
  STEP_TABLES,
  STEP_TTL,
  STEP_BUCKET,
  STEP_LIFECYCLE,
  STEP_DONE,
} Step;

typedef struct
{
  SbCheck  *report;
  gboolean  provision;
  Step      step;
  guint     table;
  guint     polls;
  gboolean  tables_missing[N_TABLES];
  gboolean  bucket_missing;
  gboolean  bucket_create_tried;
  gboolean  bucket_created;
  gboolean  no_credentials;
  char     *credentials_error;
} Admin;

static void
admin_free (Admin *op)
{
  g_clear_object (&op->report);
  g_free (op->credentials_error);
  g_free (op);
}

static void admin_run (GTask *task);

static void
admin_next (GTask *task)
{
  Admin *op = g_task_get_task_data (task);

  op->step++;
  op->table = 0;
  admin_run (task);
}

static SbCheckStatus
status_for_error (const GError *error)
{
  if (g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_SUPPORTED))
    return SB_CHECK_WARNING;
  return SB_CHECK_ERROR;
}

static void
add_error (GTask        *task,
           const char   *label,
           const GError *error,
           SbAwsResource resource,
           const char   *name)
{
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  g_autoptr(GError) explained = sb_aws_store_explain_error (self, error, resource, name);

  sb_check_add (op->report, label, status_for_error (error), "%s", explained->message);
}

/* Endpoints: what the configuration resolved to, for the reader. */
static void
step_endpoints (GTask *task)
{
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  SbAwsConfig *config = sb_aws_client_get_config (self->client);
  g_autofree char *ddb = sb_aws_config_get_endpoint_url (config, "dynamodb");
  g_autofree char *s3 = sb_aws_config_get_endpoint_url (config, "s3");

  sb_check_add (op->report, "Region and endpoints", SB_CHECK_OK,
                "Region %s; DynamoDB at %s; S3 at %s.", sb_aws_config_get_region (config), ddb,
                s3);
  admin_next (task);
}

static void
credentials_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Admin *op = g_task_get_task_data (task);
  g_autoptr(SbAwsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = sb_aws_credentials_provider_get_finish (SB_AWS_CREDENTIALS_PROVIDER (object),
                                                        result, &error);
  if (credentials == NULL)
    {
      op->no_credentials = TRUE;
      op->credentials_error = g_strdup_printf ("%s.", error->message);
      sb_check_add (op->report, "Credentials", SB_CHECK_ERROR, "%s", op->credentials_error);
    }
  else
    {
      const char *source = sb_aws_credentials_get_source (credentials);
      const char *akid = sb_aws_credentials_get_access_key_id (credentials);
      gsize len = strlen (akid);

      /* Enough of the key to tell which one it is, not the whole of it. */
      sb_check_add (op->report, "Credentials", SB_CHECK_OK,
                    "Access key …%s (from %s).", len > 4 ? akid + len - 4 : akid,
                    source ? source : "the configuration");
    }
  admin_next (g_steal_pointer (&task));
}

static void
step_credentials (GTask *task)
{
  SbAwsStore *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  sb_aws_credentials_provider_get_async (sb_aws_client_get_credentials_provider (self->client),
                                         cancellable, credentials_cb, task);
}

/* Without credentials every request fails the same way: one line says it. */
static gboolean
skip_without_credentials (GTask      *task,
                          const char *label)
{
  Admin *op = g_task_get_task_data (task);

  if (!op->no_credentials)
    return FALSE;
  sb_check_add (op->report, label, SB_CHECK_ERROR, "Not checked: no AWS credentials.");
  return TRUE;
}

static const char *
key_of_type (JsonObject *description,
             const char *member,
             const char *type)
{
  JsonArray *schema;

  if (!json_object_has_member (description, member))
    return NULL;
  schema = json_object_get_array_member (description, member);
  for (guint i = 0; schema != NULL && i < json_array_get_length (schema); i++)
    {
      JsonObject *key = json_array_get_object_element (schema, i);

      if (key && g_strcmp0 (json_object_get_string_member_with_default (key, "KeyType", ""),
                            type) == 0)
        return json_object_get_string_member_with_default (key, "AttributeName", NULL);
    }
  return NULL;
}

static gboolean
has_index (JsonObject *description,
           const char *index_name,
           const char *partition_key)
{
  JsonArray *indexes;

  if (!json_object_has_member (description, "GlobalSecondaryIndexes"))
    return FALSE;
  indexes = json_object_get_array_member (description, "GlobalSecondaryIndexes");
  for (guint i = 0; indexes != NULL && i < json_array_get_length (indexes); i++)
    {
      JsonObject *index = json_array_get_object_element (indexes, i);

      if (index && g_strcmp0 (json_object_get_string_member_with_default (index, "IndexName",
                                                                           ""),
                              index_name) == 0)
        return g_strcmp0 (key_of_type (index, "KeySchema", "HASH"), partition_key) == 0;
    }
  return FALSE;
}

static void table_describe (GTask *task);

static gboolean
table_poll_cb (gpointer user_data)
{
  table_describe (user_data);
  return G_SOURCE_REMOVE;
}

static void
table_next (GTask *task)
{
  Admin *op = g_task_get_task_data (task);

  op->polls = 0;
  if (++op->table < N_TABLES)
    admin_run (task);
  else
    admin_next (task);
}

static void
describe_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) table = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  SbAwsDynamoDbTableSpec spec;
  const char *status;

  table_spec (self, op->table, &spec);
  label = table_label (spec.name);
  table = sb_aws_dynamodb_describe_table_finish (SB_AWS_DYNAMODB (object), result, &error);
  if (table == NULL)
    {
      if (g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_FOUND))
        {
          op->tables_missing[op->table] = TRUE;
          sb_check_add (op->report, label, SB_CHECK_MISSING,
                        "The table does not exist in region %s: “storagebox-cli init” creates "
                        "it.", sb_aws_config_get_region (sb_aws_client_get_config (self->client)));
        }
      else
        add_error (task, label, error, SB_AWS_RESOURCE_TABLE, spec.name);
      table_next (g_steal_pointer (&task));
      return;
    }

  status = json_object_get_string_member_with_default (table, "TableStatus", "");
  if (op->provision && !g_str_equal (status, "ACTIVE") && op->polls++ < TABLE_POLL_MAX)
    {
      g_timeout_add (TABLE_POLL_MS, table_poll_cb, g_steal_pointer (&task));
      return;
    }

  if (g_strcmp0 (key_of_type (table, "KeySchema", "HASH"), spec.partition_key) != 0 ||
      g_strcmp0 (key_of_type (table, "KeySchema", "RANGE"), spec.sort_key) != 0)
    sb_check_add (op->report, label, SB_CHECK_ERROR,
                  "The table exists but its key is not %s%s%s: give StorageBox a table of "
                  "its own.", spec.partition_key, spec.sort_key ? " + " : "",
                  spec.sort_key ? spec.sort_key : "");
  else if (spec.index_name != NULL &&
           !has_index (table, spec.index_name, spec.index_partition_key))
    sb_check_add (op->report, label, SB_CHECK_ERROR,
                  "The table has no global secondary index %s on %s: delete the table and "
                  "run “storagebox-cli init” again.", spec.index_name, spec.index_partition_key);
  else if (!g_str_equal (status, "ACTIVE"))
    sb_check_add (op->report, label, SB_CHECK_WARNING,
                  "The table is %s, not yet ACTIVE; try again in a minute.", status);
  else
    sb_check_add (op->report, label, SB_CHECK_OK, "%s.",
                  op->provision && op->tables_missing[op->table]
                    ? "Created (on-demand billing)" : "Exists and is ACTIVE");
  table_next (g_steal_pointer (&task));
}

static void
table_describe (GTask *task)
{
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  SbAwsDynamoDbTableSpec spec;

  table_spec (self, op->table, &spec);
  sb_aws_dynamodb_describe_table_async (self->ddb, spec.name, cancellable, describe_cb, task);
}

static void
create_table_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) description = NULL;
  g_autoptr(GError) error = NULL;

  description = sb_aws_dynamodb_create_table_finish (SB_AWS_DYNAMODB (object), result, &error);
  if (description != NULL)
    op->tables_missing[op->table] = TRUE;
  else if (!g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_ALREADY_EXISTS))
    {
      SbAwsDynamoDbTableSpec spec;
      g_autofree char *label = NULL;

      table_spec (self, op->table, &spec);
      label = table_label (spec.name);
      add_error (task, label, error, SB_AWS_RESOURCE_TABLE, spec.name);
      table_next (g_steal_pointer (&task));
      return;
    }
  /* Created or already there: either way, wait until it is ACTIVE and
   * check that it is the table we expect. */
  table_describe (g_steal_pointer (&task));
}

static void
step_tables (GTask *task)
{
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  SbAwsDynamoDbTableSpec spec;
  g_autofree char *label = NULL;

  table_spec (self, op->table, &spec);
  label = table_label (spec.name);
  if (skip_without_credentials (task, label))
    {
      table_next (task);
      return;
    }
  if (op->provision)
    sb_aws_dynamodb_create_table_async (self->ddb, &spec, cancellable, create_table_cb, task);
  else
    table_describe (task);
}

static void
ttl_updated_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (sb_aws_dynamodb_update_time_to_live_finish (SB_AWS_DYNAMODB (object), result, &error))
    sb_check_add (op->report, "Session expiry (TTL)", SB_CHECK_OK,
                  "Enabled on %s of %s.", TTL_ATTRIBUTE, self->sessions_table);
  else if (g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_SUPPORTED))
    sb_check_add (op->report, "Session expiry (TTL)", SB_CHECK_WARNING,
                  "This DynamoDB endpoint does not support TTL (%s): expired sessions are "
                  "still refused, but stay in the table.", sb_aws_error_get_code (error));
  else
    add_error (task, "Session expiry (TTL)", error, SB_AWS_RESOURCE_TABLE, self->sessions_table);
  admin_next (g_steal_pointer (&task));
}

static void
ttl_described_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *description = NULL;
  const char *status = NULL;
  const char *attribute = NULL;

  response = sb_aws_dynamodb_call_finish (SB_AWS_DYNAMODB (object), result, &error);
  if (response != NULL && json_object_has_member (response, "TimeToLiveDescription"))
    description = json_object_get_object_member (response, "TimeToLiveDescription");
  if (description != NULL)
    {
      status = json_object_get_string_member_with_default (description, "TimeToLiveStatus", "");
      attribute = json_object_get_string_member_with_default (description, "AttributeName", "");
    }

  if (g_strcmp0 (status, "ENABLED") == 0 || g_strcmp0 (status, "ENABLING") == 0)
    {
      if (g_strcmp0 (attribute, TTL_ATTRIBUTE) == 0)
        sb_check_add (op->report, "Session expiry (TTL)", SB_CHECK_OK, "%s on %s.",
                      g_str_equal (status, "ENABLED") ? "Enabled" : "Being enabled",
                      TTL_ATTRIBUTE);
      else
        sb_check_add (op->report, "Session expiry (TTL)", SB_CHECK_WARNING,
                      "TTL is on the attribute %s, not %s: expired sessions stay in the table; "
                      "disable it in the console and run “storagebox-cli init”.", attribute,
                      TTL_ATTRIBUTE);
      admin_next (g_steal_pointer (&task));
      return;
    }
  if (response == NULL && g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_SUPPORTED) &&
      !op->provision)
    {
      sb_check_add (op->report, "Session expiry (TTL)", SB_CHECK_WARNING,
                    "This DynamoDB endpoint does not support TTL (%s): expired sessions are "
                    "still refused, but stay in the table.", sb_aws_error_get_code (error));
      admin_next (g_steal_pointer (&task));
      return;
    }
  if (response == NULL && !g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_SUPPORTED))
    {
      add_error (task, "Session expiry (TTL)", error, SB_AWS_RESOURCE_TABLE,
                 self->sessions_table);
      admin_next (g_steal_pointer (&task));
      return;
    }
  if (!op->provision)
    {
      /* Not fatal: expired sessions are refused when read anyway. */
      sb_check_add (op->report, "Session expiry (TTL)", SB_CHECK_WARNING,
                    "TTL is off, so expired sessions stay in the table (they are refused "
                    "when read): “storagebox-cli init” turns it on where the endpoint "
                    "supports it.");
      admin_next (g_steal_pointer (&task));
      return;
    }
  /* Enabling an enabled TTL is an error on AWS, hence asking first. */
  sb_aws_dynamodb_update_time_to_live_async (self->ddb, self->sessions_table, TTL_ATTRIBUTE, TRUE,
                                             g_task_get_cancellable (task), ttl_updated_cb,
                                             g_object_ref (task));
}

static void
step_ttl (GTask *task)
{
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(JsonObject) input = NULL;

  if (skip_without_credentials (task, "Session expiry (TTL)"))
    {
      admin_next (task);
      return;
    }
  if (op->tables_missing[TABLE_SESSIONS] && !op->provision)
    {
      sb_check_add (op->report, "Session expiry (TTL)", SB_CHECK_MISSING,
                    "Not checked: the sessions table does not exist.");
      admin_next (task);
      return;
    }
  input = json_object_new ();
  json_object_set_string_member (input, "TableName", self->sessions_table);
  sb_aws_dynamodb_call_async (self->ddb, "DescribeTimeToLive", input, cancellable,
                              ttl_described_cb, task);
}

static void bucket_created_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data);

static void
bucket_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = bucket_label (self);

  objects = sb_aws_s3_list_objects_finish (SB_AWS_S3 (object), result, NULL, &error);
  if (objects != NULL)
    sb_check_add (op->report, label, SB_CHECK_OK, "%s.",
                  op->bucket_created ? "Created" : "Exists and can be listed");
  else if (sb_aws_error_has_code (error, "NoSuchBucket") && op->provision &&
           !op->bucket_create_tried)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      sb_aws_s3_create_bucket_async (self->s3, self->bucket, cancellable, bucket_created_cb,
                                     g_steal_pointer (&task));
      return;
    }
  else if (sb_aws_error_has_code (error, "NoSuchBucket"))
    {
      op->bucket_missing = TRUE;
      sb_check_add (op->report, label, SB_CHECK_MISSING,
                    "The bucket does not exist: “storagebox-cli init” creates it.");
    }
  else if (op->provision && g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_ACCESS_DENIED))
    /* The name exists, and it is not ours to list. */
    sb_check_add (op->report, label, SB_CHECK_ERROR,
                  "The bucket name is taken, by another AWS account or without access for "
                  "these credentials: choose another name (STORAGEBOX_BUCKET).");
  else
    add_error (task, label, error, SB_AWS_RESOURCE_BUCKET, self->bucket);
  admin_next (g_steal_pointer (&task));
}

static void
bucket_created_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *label = bucket_label (self);

  /* Created, or made meanwhile (BucketAlreadyOwnedByYou, or
   * BucketAlreadyExists, which AWS says for another account's bucket but
   * s3rver, without accounts, for any): listing it again says whether it is
   * ours. */
  op->bucket_create_tried = TRUE;
  if (sb_aws_s3_create_bucket_finish (SB_AWS_S3 (object), result, &error))
    op->bucket_created = TRUE;
  else if (!g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_ALREADY_EXISTS))
    {
      add_error (task, label, error, SB_AWS_RESOURCE_BUCKET, self->bucket);
      admin_next (g_steal_pointer (&task));
      return;
    }
  sb_aws_s3_list_objects_async (self->s3, self->bucket, PROBE "/", NULL, 1,
                                g_task_get_cancellable (task), bucket_listed_cb,
                                g_object_ref (task));
}

static void
step_bucket (GTask *task)
{
  SbAwsStore *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *label = bucket_label (self);

  if (skip_without_credentials (task, label))
    {
      admin_next (task);
      return;
    }
  /* Looked at before it is created: CreateBucket on a bucket we own
   * answers 200 in us-east-1 and on RGW (not BucketAlreadyOwnedByYou), so
   * it cannot tell "created" from "was there". */
  sb_aws_s3_list_objects_async (self->s3, self->bucket, PROBE "/", NULL, 1, cancellable,
                                bucket_listed_cb, task);
}

static SbAwsS3LifecycleRule *
our_rule (void)
{
  SbAwsS3LifecycleRule *rule = sb_aws_s3_lifecycle_rule_new (LIFECYCLE_RULE_ID, "");

  sb_aws_s3_lifecycle_rule_add_transition (rule, IA_DAYS, "STANDARD_IA");
  sb_aws_s3_lifecycle_rule_add_transition (rule, GLACIER_DAYS, "GLACIER");
  rule->abort_incomplete_multipart_days = ABORT_MULTIPART_DAYS;
  return rule;
}

static gboolean
rule_is_ours (const SbAwsS3LifecycleRule *rule)
{
  g_autoptr(SbAwsS3LifecycleRule) ours = our_rule ();

  if (g_strcmp0 (rule->id, ours->id) != 0 || !rule->enabled ||
      (rule->prefix != NULL && *rule->prefix != '\0') ||
      rule->n_transitions != ours->n_transitions ||
      rule->abort_incomplete_multipart_days != ours->abort_incomplete_multipart_days ||
      rule->expiration_days != 0)
    return FALSE;
  for (guint i = 0; i < rule->n_transitions; i++)
    if (rule->transitions[i].days != ours->transitions[i].days ||
        g_strcmp0 (rule->transitions[i].storage_class, ours->transitions[i].storage_class) != 0)
      return FALSE;
  return TRUE;
}

static const char lifecycle_label[] = "Lifecycle rules";

static void
lifecycle_put_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (sb_aws_s3_put_bucket_lifecycle_finish (SB_AWS_S3 (object), result, &error))
    sb_check_add (op->report, lifecycle_label, SB_CHECK_OK,
                  "Set: Standard-IA after %u days, Glacier after %u days, incomplete uploads "
                  "aborted after %u days.", IA_DAYS, GLACIER_DAYS, ABORT_MULTIPART_DAYS);
  else if (g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_SUPPORTED))
    sb_check_add (op->report, lifecycle_label, SB_CHECK_WARNING,
                  "This S3 endpoint does not support lifecycle rules (%s): objects stay in "
                  "their first storage class and abandoned uploads are not cleaned up.",
                  sb_aws_error_get_code (error));
  else
    add_error (task, lifecycle_label, error, SB_AWS_RESOURCE_BUCKET, self->bucket);
  admin_next (g_steal_pointer (&task));
}

static void
lifecycle_got_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  rules = sb_aws_s3_get_bucket_lifecycle_finish (SB_AWS_S3 (object), result, &error);
  if (rules == NULL && !sb_aws_error_has_code (error, "NoSuchLifecycleConfiguration"))
    {
      if (g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_SUPPORTED))
        sb_check_add (op->report, lifecycle_label, SB_CHECK_WARNING,
                      "This S3 endpoint does not support lifecycle rules (%s): objects stay "
                      "in their first storage class and abandoned uploads are not cleaned up.",
                      sb_aws_error_get_code (error));
      else
        add_error (task, lifecycle_label, error, SB_AWS_RESOURCE_BUCKET, self->bucket);
      admin_next (g_steal_pointer (&task));
      return;
    }

  for (guint i = 0; rules != NULL && i < rules->len; i++)
    found = found || rule_is_ours (rules->pdata[i]);
  if (found)
    {
      sb_check_add (op->report, lifecycle_label, SB_CHECK_OK,
                    "Standard-IA after %u days, Glacier after %u days, incomplete uploads "
                    "aborted after %u days.", IA_DAYS, GLACIER_DAYS, ABORT_MULTIPART_DAYS);
      admin_next (g_steal_pointer (&task));
      return;
    }
  if (!op->provision)
    {
      /* Not fatal: files just stay in S3 Standard. */
      sb_check_add (op->report, lifecycle_label, SB_CHECK_WARNING,
                    "The bucket has no “%s” rule, so files stay in S3 Standard: "
                    "“storagebox-cli init” adds it.", LIFECYCLE_RULE_ID);
      admin_next (g_steal_pointer (&task));
      return;
    }

  /* PutBucketLifecycleConfiguration replaces every rule: keep the others. */
  {
    g_autoptr(GPtrArray) merged =
      g_ptr_array_new_with_free_func ((GDestroyNotify) sb_aws_s3_lifecycle_rule_free);

    for (guint i = 0; rules != NULL && i < rules->len; i++)
      {
        SbAwsS3LifecycleRule *rule = rules->pdata[i];
        if (g_strcmp0 (rule->id, LIFECYCLE_RULE_ID) != 0)
          g_ptr_array_add (merged, sb_aws_s3_lifecycle_rule_copy (rule));
      }
    g_ptr_array_add (merged, our_rule ());
    sb_aws_s3_put_bucket_lifecycle_async (self->s3, self->bucket, merged,
                                          g_task_get_cancellable (task), lifecycle_put_cb,
                                          g_object_ref (task));
  }
}

static void
step_lifecycle (GTask *task)
{
  SbAwsStore *self = g_task_get_source_object (task);
  Admin *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (skip_without_credentials (task, lifecycle_label))
    {
      admin_next (task);
      return;
    }
  if (op->bucket_missing && !op->provision)
    {
      sb_check_add (op->report, lifecycle_label, SB_CHECK_MISSING,
                    "Not checked: the bucket does not exist.");
      admin_next (task);
      return;
    }
  sb_aws_s3_get_bucket_lifecycle_async (self->s3, self->bucket, cancellable, lifecycle_got_cb,
                                        task);
}

/* Each step takes the task's reference it is given and passes it on. */
static void
admin_run (GTask *task)
{
  Admin *op = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  switch (op->step)
    {
    case STEP_ENDPOINTS:
      step_endpoints (task);
      break;
    case STEP_CREDENTIALS:
      step_credentials (task);
      break;
    case STEP_TABLES:
      step_tables (task);
      break;
    case STEP_TTL:
      step_ttl (task);
      break;
    case STEP_BUCKET:
      step_bucket (task);
      break;
    case STEP_LIFECYCLE:
      step_lifecycle (task);
      break;
    case STEP_DONE:
    default:
      g_task_return_pointer (task, g_steal_pointer (&op->report), g_object_unref);
      g_object_unref (task);
      break;
    }
}

static void
admin_start (SbAwsStore          *self,
             gboolean             provision,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Admin *op = g_new0 (Admin, 1);

  g_task_set_source_tag (task, source_tag);
  op->report = sb_check_new ();
  op->provision = provision;
  g_task_set_task_data (task, op, (GDestroyNotify) admin_free);
  admin_run (task);
}

/**
 * sb_aws_store_check_async:
 *
 * Looks at everything the store needs, changing nothing: credentials, each
 * table (exists, ACTIVE, the right keys and index), TTL on the sessions
 * table, the bucket, its lifecycle rules. The report has one item each.
 * Finishes with an error only when cancelled: problems are report items.
 */
void
sb_aws_store_check_async (SbAwsStore          *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (SB_IS_AWS_STORE (self));
  admin_start (self, FALSE, SB_SOURCE_TAG (sb_aws_store_check_async), cancellable, callback,
               user_data);
}

/**
 * sb_aws_store_check_finish:
 *
 * Returns: (transfer full): the report, or %NULL if cancelled
 */
SbCheck *
sb_aws_store_check_finish (SbAwsStore    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return sb_store_task_finish_pointer (self, result, error);
}

/**
 * sb_aws_store_provision_async:
 *
 * Creates whatever is missing, idempotently: the three tables (on-demand
 * billing; the sessions table with its username index) and waits until they
 * are ACTIVE, TTL on the sessions' expires_at, the bucket, and the lifecycle
 * rule "storagebox-tiering" (Standard-IA at 75 days, Glacier at 365, abort
 * incomplete multipart uploads after 7), keeping any other rules the bucket
 * has. A feature the endpoint lacks is a warning item; the rest carries on.
 */
void
sb_aws_store_provision_async (SbAwsStore          *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SB_IS_AWS_STORE (self));
  admin_start (self, TRUE, SB_SOURCE_TAG (sb_aws_store_provision_async), cancellable, callback,
               user_data);
}

/**
 * sb_aws_store_provision_finish:
 *
 * Returns: (transfer full): what was found, created or could not be; %NULL
 *   if cancelled
 */
SbCheck *
sb_aws_store_provision_finish (SbAwsStore    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return sb_store_task_finish_pointer (self, result, error);
}
