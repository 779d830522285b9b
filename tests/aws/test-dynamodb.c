/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The DynamoDB client against dynalite (started here on a loopback port),
 * plus a field-by-field comparison of our UpdateTimeToLive request with
 * botocore's serializer, captured by a loopback SoupServer. */
#include "config.h"

#include "sb-aws-dynamodb.h"
#include "sb-aws-error.h"
#include "sb-aws-test-util.h"

static SbTestNodeServer *dynalite;
static char *dynalite_error;

typedef struct
{
  SbAwsClient   *client;
  SbAwsDynamoDb *ddb;
} Fixture;

static SbAwsDynamoDb *
make_ddb (const char   *endpoint,
          SbAwsClient **out_client)
{
  g_auto(GStrv) env = g_environ_setenv (NULL, "AWS_ENDPOINT_URL_DYNAMODB", endpoint, TRUE);
  g_autoptr(SbAwsConfig) config = NULL;
  g_autoptr(SbAwsCredentials) creds = sb_aws_credentials_new ("AKIDLOCAL", "local", NULL, 0);
  g_autoptr(SbAwsCredentialsProvider) provider = sb_aws_credentials_provider_new_static (creds);

  env = g_environ_setenv (env, "AWS_REGION", "us-east-1", TRUE);
  config = sb_aws_config_new ((const char * const *) env);
  *out_client = sb_aws_client_new (config, provider);
  sb_aws_client_set_backoff (*out_client, 1, 10);
  return sb_aws_dynamodb_new (*out_client);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  if (dynalite == NULL)
    return;
  f->ddb = make_ddb (sb_test_node_server_get_url (dynalite), &f->client);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->ddb != NULL)
    g_assert_finalize_object (f->ddb);
  if (f->client != NULL)
    g_assert_finalize_object (f->client);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
need_dynalite (void)
{
  if (dynalite != NULL)
    return TRUE;
  g_test_skip_printf ("dynalite not available: %s", dynalite_error);
  return FALSE;
}

static JsonObject *
describe (Fixture    *f,
          const char *table,
          GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_aws_dynamodb_describe_table_async (f->ddb, table, NULL, sb_test_result_cb, &result);
  return sb_aws_dynamodb_describe_table_finish (f->ddb, sb_test_await (&result), error);
}

/* Creates the table and waits (by asking, as an SDK waiter does) until it
 * is ACTIVE; dynalite was told to activate tables at once. */
static void
create_table (Fixture                      *f,
              const SbAwsDynamoDbTableSpec *spec)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) description = NULL;
  g_autoptr(GError) error = NULL;

  sb_aws_dynamodb_create_table_async (f->ddb, spec, NULL, sb_test_result_cb, &result);
  description = sb_aws_dynamodb_create_table_finish (f->ddb, sb_test_await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (description, "TableName"), ==, spec->name);

  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(JsonObject) table = describe (f, spec->name, &error);

      g_assert_no_error (error);
      if (g_strcmp0 (json_object_get_string_member (table, "TableStatus"), "ACTIVE") == 0)
        return;
    }
  g_assert_not_reached ();
}

static gboolean
put (Fixture     *f,
     const char  *table,
     JsonObject  *item,
     const char  *condition,
     GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_aws_dynamodb_put_item_async (f->ddb, table, item, condition, NULL, NULL, NULL,
                                  sb_test_result_cb, &result);
  return sb_aws_dynamodb_put_item_finish (f->ddb, sb_test_await (&result), error);
}

static JsonObject *
get (Fixture    *f,
     const char *table,
     JsonObject *key)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *item = NULL;

  sb_aws_dynamodb_get_item_async (f->ddb, table, key, TRUE, NULL, sb_test_result_cb,
                                  &result);
  g_assert_true (sb_aws_dynamodb_get_item_finish (f->ddb, sb_test_await (&result), &item, &error));
  g_assert_no_error (error);
  return item;
}

static void
test_tables (Fixture       *f,
             gconstpointer  data)
{
  SbAwsDynamoDbTableSpec spec = {
    .name = "test-files",
    .partition_key = "owner",
    .sort_key = "name",
    .index_name = "by-object-key",
    .index_partition_key = "object_key",
  };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) table = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_dynalite ())
    return;
  create_table (f, &spec);
  table = describe (f, "test-files", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (table, "BillingModeSummary"), "BillingMode"),
                   ==, "PAY_PER_REQUEST");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      table, "GlobalSecondaryIndexes")), ==, 1);

  sb_aws_dynamodb_create_table_async (f->ddb, &spec, NULL, sb_test_result_cb, &result);
  again = sb_aws_dynamodb_create_table_finish (f->ddb, sb_test_await (&result), &error);
  g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_ALREADY_EXISTS);
  g_assert_cmpstr (sb_aws_error_get_code (error), ==, "ResourceInUseException");
  g_clear_error (&error);

  g_clear_pointer (&table, json_object_unref);
  table = describe (f, "no-such-table", &error);
  g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_FOUND);
  g_assert_cmpstr (sb_aws_error_get_code (error), ==, "ResourceNotFoundException");
}

static void
test_items (Fixture       *f,
            gconstpointer  data)
{
  SbAwsDynamoDbTableSpec spec = { .name = "test-users", .partition_key = "username" };
  g_autoptr(JsonObject) item = sb_aws_item_new ();
  g_autoptr(JsonObject) key = sb_aws_item_new ();
  g_autoptr(JsonObject) got = NULL;
  g_autoptr(JsonObject) missing_key = sb_aws_item_new ();
  g_autoptr(JsonObject) missing = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n = 0;
  gboolean admin = TRUE;

  if (!need_dynalite ())
    return;
  create_table (f, &spec);

  sb_aws_item_set_string (item, "username", "alice");
  sb_aws_item_set_string (item, "email", "alice@example.org ü");
  sb_aws_item_set_int64 (item, "created_at", G_GINT64_CONSTANT (1700000000123));
  sb_aws_item_set_bool (item, "admin", FALSE);
  g_assert_true (put (f, "test-users", item, "attribute_not_exists(username)", &error));
  g_assert_no_error (error);

  /* No duplicate accounts: the second conditional put fails, distinguishably. */
  g_assert_false (put (f, "test-users", item, "attribute_not_exists(username)", &error));
  g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_CONDITION_FAILED);
  g_assert_cmpstr (sb_aws_error_get_code (error), ==, "ConditionalCheckFailedException");
  g_assert_cmpuint (sb_aws_error_get_http_status (error), ==, 400);
  g_assert_nonnull (sb_aws_error_get_request_id (error));
  g_clear_error (&error);

  sb_aws_item_set_string (key, "username", "alice");
  got = get (f, "test-users", key);
  g_assert_nonnull (got);
  g_assert_cmpstr (sb_aws_item_get_string (got, "email"), ==, "alice@example.org ü");
  g_assert_true (sb_aws_item_get_int64 (got, "created_at", &n));
  g_assert_cmpint (n, ==, G_GINT64_CONSTANT (1700000000123));
  g_assert_true (sb_aws_item_get_bool (got, "admin", &admin));
  g_assert_false (admin);
  g_assert_null (sb_aws_item_get_string (got, "created_at"));

  sb_aws_item_set_string (missing_key, "username", "nobody");
  missing = get (f, "test-users", missing_key);
  g_assert_null (missing);
}

static JsonObject *
file_key (const char *owner,
          const char *name)
{
  JsonObject *key = sb_aws_item_new ();

  sb_aws_item_set_string (key, "owner", owner);
  sb_aws_item_set_string (key, "name", name);
  return key;
}

static void
test_update_delete (Fixture       *f,
                    gconstpointer  data)
{
  SbAwsDynamoDbTableSpec spec = { .name = "test-versions", .partition_key = "owner",
                                  .sort_key = "name" };
  g_autoptr(JsonObject) item = file_key ("bob", "report.pdf");
  g_autoptr(JsonObject) key = file_key ("bob", "report.pdf");
  g_autoptr(JsonObject) names = json_object_new ();
  g_autoptr(JsonObject) values = sb_aws_item_new ();
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(GError) error = NULL;
  gint64 version = 0;

  if (!need_dynalite ())
    return;
  create_table (f, &spec);
  sb_aws_item_set_string (item, "description", "old");
  sb_aws_item_set_int64 (item, "version", 1);
  g_assert_true (put (f, "test-versions", item, NULL, &error));

  /* Optimistic concurrency: update only the version we read. */
  json_object_set_string_member (names, "#d", "description");
  sb_aws_item_set_string (values, ":d", "new");
  sb_aws_item_set_int64 (values, ":v", 1);
  sb_aws_item_set_int64 (values, ":one", 1);
  {
    g_autoptr(GAsyncResult) result = NULL;

    sb_aws_dynamodb_update_item_async (f->ddb, "test-versions", key,
                                       "SET #d = :d, version = version + :one", "version = :v",
                                       names, values, NULL, sb_test_result_cb, &result);
    updated = sb_aws_dynamodb_update_item_finish (f->ddb, sb_test_await (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (sb_aws_item_get_string (updated, "description"), ==, "new");
    g_assert_true (sb_aws_item_get_int64 (updated, "version", &version));
    g_assert_cmpint (version, ==, 2);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonObject) stale = NULL;

    sb_aws_dynamodb_update_item_async (f->ddb, "test-versions", key,
                                       "SET #d = :d, version = version + :one", "version = :v",
                                       names, values, NULL, sb_test_result_cb, &result);
    stale = sb_aws_dynamodb_update_item_finish (f->ddb, sb_test_await (&result), &error);
    g_assert_null (stale);
    g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_CONDITION_FAILED);
    g_clear_error (&error);
  }
  /* Conditional delete: the stale version fails, the current one works. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    g_autoptr(JsonObject) stale_version = sb_aws_item_new ();

    sb_aws_item_set_int64 (stale_version, ":v", 1);
    sb_aws_dynamodb_delete_item_async (f->ddb, "test-versions", key, "version = :v", NULL,
                                       stale_version, NULL, sb_test_result_cb, &result);
    g_assert_false (sb_aws_dynamodb_delete_item_finish (f->ddb, sb_test_await (&result), &error));
    g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_CONDITION_FAILED);
    g_clear_error (&error);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JsonObject) current = sb_aws_item_new ();
    g_autoptr(JsonObject) gone = NULL;

    sb_aws_item_set_int64 (current, ":v", 2);
    sb_aws_dynamodb_delete_item_async (f->ddb, "test-versions", key, "version = :v", NULL,
                                       current, NULL, sb_test_result_cb, &result);
    g_assert_true (sb_aws_dynamodb_delete_item_finish (f->ddb, sb_test_await (&result), &error));
    g_assert_no_error (error);
    gone = get (f, "test-versions", key);
    g_assert_null (gone);
  }
}

static void
test_query_pages (Fixture       *f,
                  gconstpointer  data)
{
  SbAwsDynamoDbTableSpec spec = { .name = "test-query", .partition_key = "owner",
                                  .sort_key = "name", .index_name = "by-key",
                                  .index_partition_key = "object_key" };
  static const char * const names[] = { "e.txt", "a.txt", "d ü.txt", "b.txt", "c.txt" };
  g_autoptr(JsonObject) values = sb_aws_item_new ();
  g_autoptr(JsonObject) attr_names = json_object_new ();
  g_autoptr(JsonObject) start = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint pages = 0;

  if (!need_dynalite ())
    return;
  create_table (f, &spec);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(JsonObject) item = file_key ("carol", names[i]);
      g_autofree char *object_key = g_strdup_printf ("carol/%u", i);

      sb_aws_item_set_string (item, "object_key", object_key);
      g_assert_true (put (f, "test-query", item, NULL, &error));
    }
  {
    g_autoptr(JsonObject) other = file_key ("dave", "a.txt");

    sb_aws_item_set_string (other, "object_key", "dave/1");
    g_assert_true (put (f, "test-query", other, NULL, &error));
  }

  json_object_set_string_member (attr_names, "#o", "owner");
  sb_aws_item_set_string (values, ":o", "carol");
  do
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) items = NULL;
      JsonObject *next = NULL;

      sb_aws_dynamodb_query_async (f->ddb, "test-query", NULL, "#o = :o", attr_names, values,
                                   start, 2, NULL, sb_test_result_cb, &result);
      items = sb_aws_dynamodb_query_finish (f->ddb, sb_test_await (&result), &next, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (items->len, <=, 2);
      for (guint i = 0; i < items->len; i++)
        g_ptr_array_add (seen, g_strdup (sb_aws_item_get_string (items->pdata[i], "name")));
      g_clear_pointer (&start, json_object_unref);
      start = next;
      pages++;
    }
  while (start != NULL);

  g_assert_cmpuint (seen->len, ==, 5);
  g_assert_cmpuint (pages, >=, 3);
  g_assert_cmpstr (seen->pdata[0], ==, "a.txt");
  g_assert_cmpstr (seen->pdata[3], ==, "d ü.txt");
  g_assert_cmpstr (seen->pdata[4], ==, "e.txt");

  /* And through the global secondary index. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) items = NULL;
    g_autoptr(JsonObject) key_values = sb_aws_item_new ();

    sb_aws_item_set_string (key_values, ":k", "dave/1");
    sb_aws_dynamodb_query_async (f->ddb, "test-query", "by-key", "object_key = :k", NULL,
                                 key_values, NULL, 0, NULL, sb_test_result_cb, &result);
    items = sb_aws_dynamodb_query_finish (f->ddb, sb_test_await (&result), NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (items->len, ==, 1);
    g_assert_cmpstr (sb_aws_item_get_string (items->pdata[0], "owner"), ==, "dave");
  }
}

static void
test_ttl_not_supported (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_dynalite ())
    return;
  sb_aws_dynamodb_update_time_to_live_async (f->ddb, "test-users-ttl", "expires_at", TRUE, NULL,
                                             sb_test_result_cb, &result);
  g_assert_false (sb_aws_dynamodb_update_time_to_live_finish (f->ddb, sb_test_await (&result),
                                                              &error));
  g_assert_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (sb_aws_error_get_code (error), ==, "UnknownOperationException");
  g_assert_true (g_str_has_prefix (error->message, "DynamoDB UpdateTimeToLive is not supported "
                                                   "by this endpoint ("));
  g_test_message ("%s", error->message);
}

typedef struct
{
  GBytes *body;
  char   *target;
} Capture;

static void
capture_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Capture *capture = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  g_clear_pointer (&capture->body, g_bytes_unref);
  capture->body = soup_message_body_flatten (body);
  g_free (capture->target);
  capture->target = g_strdup (soup_message_headers_get_one (
                                soup_server_message_get_request_headers (msg), "X-Amz-Target"));
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/x-amz-json-1.0", SOUP_MEMORY_STATIC,
                                    "{}", 2);
}

static JsonNode *
parse_json (const char *data,
            gssize      length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, data, length, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_ttl_matches_botocore (void)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "aws", "botocore-serialize.py",
                                                   NULL);
  g_autofree char *base_url = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(SbAwsClient) client = NULL;
  g_autoptr(SbAwsDynamoDb) ddb = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) botocore = NULL;
  g_autoptr(JsonNode) ours = NULL;
  g_autoptr(JsonNode) theirs = NULL;
  Capture capture = { NULL, NULL };
  JsonObject *reference;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, SB_PYTHON3, script, "ttl",
                           "storagebox-sessions", "expires_at", NULL);
  if (proc == NULL || !g_subprocess_communicate (proc, NULL, NULL, &out, NULL, &error) ||
      !g_subprocess_get_successful (proc))
    {
      g_test_skip_printf ("botocore unavailable: %s", error ? error->message : "script failed");
      return;
    }

  server = sb_test_server_new (&base_url);
  soup_server_add_handler (server, NULL, capture_handler, &capture, NULL);
  ddb = make_ddb (base_url, &client);
  sb_aws_dynamodb_update_time_to_live_async (ddb, "storagebox-sessions", "expires_at", TRUE, NULL,
                                             sb_test_result_cb, &result);
  g_assert_true (sb_aws_dynamodb_update_time_to_live_finish (ddb, sb_test_await (&result),
                                                             &error));
  g_assert_no_error (error);

  botocore = parse_json (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  reference = json_node_get_object (botocore);
  ours = parse_json (g_bytes_get_data (capture.body, NULL), g_bytes_get_size (capture.body));
  theirs = parse_json (json_object_get_string_member (reference, "body"), -1);
  /* Field for field: same members, same values, whatever the order. */
  g_assert_true (json_node_equal (ours, theirs));
  g_assert_cmpstr (capture.target, ==, json_object_get_string_member (reference, "target"));

  g_clear_object (&ddb);
  g_clear_object (&client);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  soup_server_disconnect (server);
  g_clear_pointer (&capture.body, g_bytes_unref);
  g_free (capture.target);
}

#define ADD(path, func) \
  g_test_add ("/aws/dynamodb/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  ADD ("tables", test_tables);
  ADD ("items", test_items);
  ADD ("update-delete", test_update_delete);
  ADD ("query-pages", test_query_pages);
  ADD ("ttl-not-supported", test_ttl_not_supported);
  g_test_add_func ("/aws/dynamodb/ttl-matches-botocore", test_ttl_matches_botocore);

  dynalite = sb_test_node_server_start ("dynalite", &error);
  if (dynalite == NULL)
    dynalite_error = g_strdup (error->message);
  status = g_test_run ();
  sb_test_node_server_stop (dynalite);
  g_free (dynalite_error);
  return status;
}
