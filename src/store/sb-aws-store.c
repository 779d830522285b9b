/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sb-aws-error.h"
#include "sb-aws-item.h"
#include "sb-aws-store-private.h"
#include "sb-store-private.h"

/* SbAwsStore: the SbStore methods. The data model (DESIGN.md):
 *
 * - users (pk `username`): email, password, role, created_at, updated_at
 * - files (pk `owner`, sk `name`): object_key, size (N), content_type,
 *   checksum, description, created_at, modified_at, version (N), partner,
 *   restore_requested_at (absent: no restore asked for)
 * - sessions (pk `token_hash`, GSI `username-index` on username): username,
 *   csrf, created_at, expires_at (N, Unix seconds: the TTL attribute),
 *   expires_at_usec (N, the exact expiry; TTL needs whole seconds)
 * - blobs: s3://bucket/<owner>/<random id> with x-amz-meta-owner and
 *   x-amz-meta-name (percent-encoded, since metadata must be ASCII)
 *
 * Times are ISO 8601 UTC strings with microseconds ("2024-05-01T12:00:00.000001Z"):
 * readable in the console and by `aws dynamodb get-item`, and they carry the
 * exact microseconds SbFile and SbUser hold. Every write that the contract
 * guards is a conditional write; a failed condition is explained by reading
 * the item back (strongly consistent), which also settles a retried write
 * whose first attempt had in fact succeeded (sb_aws_error_get_maybe_applied). */

#define SESSIONS_INDEX SB_AWS_STORE_SESSIONS_BY_USER_INDEX

static void sb_aws_store_iface_init (SbStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SbAwsStore, sb_aws_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SB_TYPE_STORE, sb_aws_store_iface_init))

/* Errors */

static const char *
region_of (SbAwsStore *self)
{
  return sb_aws_config_get_region (sb_aws_client_get_config (self->client));
}

GError *
sb_aws_store_explain_error (SbAwsStore    *self,
                            const GError  *error,
                            SbAwsResource  resource,
                            const char    *name)
{
  gboolean table = resource == SB_AWS_RESOURCE_TABLE;
  const char *kind = table ? "DynamoDB table" : "S3 bucket";
  const char *code = sb_aws_error_get_code (error);
  guint status = sb_aws_error_get_http_status (error);

  if (error->domain != SB_AWS_ERROR)
    return g_error_copy (error);

  /* A 403 that names the storage class, not the credentials. */
  if (!table && g_strcmp0 (code, "InvalidObjectState") == 0)
    return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_ARCHIVED,
                        "The content is archived in the S3 bucket “%s”: restore it first (%s).",
                        name, error->message);

  switch ((SbAwsError) error->code)
    {
    case SB_AWS_ERROR_NO_CREDENTIALS:
      return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE, "%s.", error->message);

    case SB_AWS_ERROR_ACCESS_DENIED:
      if (g_strv_contains ((const char * const[]) { "InvalidAccessKeyId",
                                                    "UnrecognizedClientException",
                                                    "InvalidClientTokenId", NULL },
                           code ? code : ""))
        return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                            "AWS does not recognise the access key (%s): check "
                            "AWS_ACCESS_KEY_ID or the profile in ~/.aws/credentials.", code);
      if (g_strcmp0 (code, "SignatureDoesNotMatch") == 0 ||
          g_strcmp0 (code, "InvalidSignatureException") == 0)
        return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                            "AWS rejected the request signature (%s): check that "
                            "AWS_SECRET_ACCESS_KEY (or the profile in ~/.aws/credentials) "
                            "belongs to the access key.", code);
      if (code != NULL && g_str_has_prefix (code, "ExpiredToken"))
        return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                            "The AWS session token has expired (%s): refresh the credentials.",
                            code);
      return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                          "AWS denied access to the %s “%s” (%s): allow StorageBox's actions "
                          "on it in the IAM policy of these credentials (see docs/aws.md).",
                          kind, name, code ? code : "HTTP 403");

    case SB_AWS_ERROR_NOT_FOUND:
      if (table || g_strcmp0 (code, "NoSuchBucket") == 0)
        {
          if (table)
            return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                                "The DynamoDB table “%s” does not exist in region %s: run "
                                "“storagebox-cli init”, or fix the table name or the region.",
                                name, region_of (self));
          return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                              "The S3 bucket “%s” does not exist: run “storagebox-cli init”, "
                              "or fix the bucket name (STORAGEBOX_BUCKET).", name);
        }
      return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "Not found in the %s “%s”.",
                          kind, name);

    case SB_AWS_ERROR_NETWORK:
    case SB_AWS_ERROR_TIMEOUT:
      {
        g_autofree char *url =
          sb_aws_config_get_endpoint_url (sb_aws_client_get_config (self->client),
                                          table ? "dynamodb" : "s3");
        return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                            "Cannot reach %s at %s: check the endpoint URL, the region and the "
                            "network (%s).", table ? "DynamoDB" : "S3", url, error->message);
      }

    case SB_AWS_ERROR_CLOCK_SKEW:
      return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                          "This computer's clock is too far from AWS's: set it right "
                          "(for example by enabling NTP).");

    case SB_AWS_ERROR_THROTTLED:
    case SB_AWS_ERROR_SERVICE_UNAVAILABLE:
      return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                          "The %s “%s” is overloaded or failing; try again later (%s).", kind,
                          name, error->message);

    default:
      break;
    }

  /* S3 tells a request sent to the wrong region in several ways. */
  if (!table && (status == 301 || g_strcmp0 (code, "PermanentRedirect") == 0 ||
                 g_strcmp0 (code, "AuthorizationHeaderMalformed") == 0 ||
                 g_strcmp0 (code, "IllegalLocationConstraintException") == 0))
    return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                        "The S3 bucket “%s” is not in region %s: set the region to the "
                        "bucket's (STORAGEBOX_REGION or AWS_REGION).", name, region_of (self));

  return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "%s", error->message);
}

static GError *
table_error (SbAwsStore   *self,
             const GError *error,
             const char   *table)
{
  return sb_aws_store_explain_error (self, error, SB_AWS_RESOURCE_TABLE, table);
}

static GError *
bucket_error (SbAwsStore   *self,
              const GError *error)
{
  return sb_aws_store_explain_error (self, error, SB_AWS_RESOURCE_BUCKET, self->bucket);
}

/* The item a get_item of @table found; NULL with the table's error or,
 * when there is no such item, %SB_STORE_ERROR_NOT_FOUND (@missing). */
static JsonObject *
found_item (SbAwsStore    *self,
            GObject       *ddb,
            GAsyncResult  *result,
            const char    *table,
            const char    *missing,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonObject *item = NULL;

  if (!sb_aws_dynamodb_get_item_finish (SB_AWS_DYNAMODB (ddb), result, &item, &local_error))
    {
      g_propagate_error (error, table_error (self, local_error, table));
      return NULL;
    }
  if (item == NULL)
    g_set_error_literal (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, missing);
  return item;
}

/* Times */

static char *
format_time (gint64 usec)
{
  gint64 secs = usec / G_USEC_PER_SEC;
  gint64 frac = usec % G_USEC_PER_SEC;
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *base = NULL;

  if (frac < 0)
    {
      frac += G_USEC_PER_SEC;
      secs -= 1;
    }
  time = g_date_time_new_from_unix_utc (secs);
  if (time == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, usec);
  base = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%06" G_GINT64_FORMAT "Z", base, frac);
}

/* Parses exactly what format_time() writes: going through GDateTime's
 * floating-point seconds could lose a microsecond. */
static gboolean
parse_time (const char *text,
            gint64     *usec)
{
  int year, month, day, hour, minute, second, consumed = 0;
  char frac[7] = "";
  g_autoptr(GDateTime) time = NULL;
  gint64 number;
  char *end;

  if (text == NULL)
    return FALSE;
  if (sscanf (text, "%4d-%2d-%2dT%2d:%2d:%2d.%6[0-9]Z%n", &year, &month, &day, &hour, &minute,
              &second, frac, &consumed) == 7 &&
      text[consumed] == '\0' && strlen (frac) == 6)
    {
      time = g_date_time_new_utc (year, month, day, hour, minute, 0);
      if (time == NULL || second < 0 || second > 59)
        return FALSE;
      *usec = (g_date_time_to_unix (time) + second) * G_USEC_PER_SEC +
              g_ascii_strtoll (frac, NULL, 10);
      return TRUE;
    }
  /* Outside GDateTime's range format_time() writes plain microseconds. */
  number = g_ascii_strtoll (text, &end, 10);
  if (end != text && *end == '\0')
    {
      *usec = number;
      return TRUE;
    }
  return FALSE;
}

/* Items */

/* Empty strings are left out: some DynamoDB-compatible services refuse
 * them, and a missing attribute reads back as "". */
static void
set_text (JsonObject *item,
          const char *name,
          const char *value)
{
  if (value != NULL && *value != '\0')
    sb_aws_item_set_string (item, name, value);
}

static const char *
get_text (JsonObject *item,
          const char *name)
{
  const char *value = sb_aws_item_get_string (item, name);
  return value ? value : "";
}

static void
set_time (JsonObject *item,
          const char *name,
          gint64      usec)
{
  g_autofree char *text = format_time (usec);
  sb_aws_item_set_string (item, name, text);
}

static gboolean
get_time (JsonObject *item,
          const char *name,
          gint64     *usec)
{
  return parse_time (sb_aws_item_get_string (item, name), usec);
}

static JsonObject *
names_new (const char *first_placeholder,
           ...)
{
  JsonObject *names = json_object_new ();
  const char *placeholder = first_placeholder;
  va_list args;

  va_start (args, first_placeholder);
  while (placeholder != NULL)
    {
      json_object_set_string_member (names, placeholder, va_arg (args, const char *));
      placeholder = va_arg (args, const char *);
    }
  va_end (args);
  return names;
}

static GError *
corrupt (const char *table)
{
  return g_error_new (SB_STORE_ERROR, SB_STORE_ERROR_CORRUPT,
                      "A record in the DynamoDB table “%s” is malformed.", table);
}

static JsonObject *
user_key (const char *username)
{
  JsonObject *key = sb_aws_item_new ();
  sb_aws_item_set_string (key, "username", username);
  return key;
}

static JsonObject *
user_to_item (SbUser *user)
{
  JsonObject *item = user_key (sb_user_get_username (user));

  set_text (item, "email", sb_user_get_email (user));
  set_text (item, "password", sb_user_get_password_hash (user));
  set_text (item, "role", sb_user_get_role (user));
  set_time (item, "created_at", sb_user_get_created_at (user));
  set_time (item, "updated_at", sb_user_get_updated_at (user));
  return item;
}

static SbUser *
user_from_item (SbAwsStore  *self,
                JsonObject  *item,
                GError     **error)
{
  gint64 created, updated;

  if (sb_aws_item_get_string (item, "username") == NULL ||
      !get_time (item, "created_at", &created) || !get_time (item, "updated_at", &updated))
    {
      g_propagate_error (error, corrupt (self->users_table));
      return NULL;
    }
  return sb_user_new (get_text (item, "username"), get_text (item, "email"),
                      get_text (item, "password"), get_text (item, "role"), created, updated);
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

static JsonObject *
file_to_item (SbFile *file)
{
  JsonObject *item = file_key (sb_file_get_owner (file), sb_file_get_name (file));

  set_text (item, "object_key", sb_file_get_object_key (file));
  sb_aws_item_set_int64 (item, "size", (gint64) sb_file_get_size (file));
  set_text (item, "content_type", sb_file_get_content_type (file));
  set_text (item, "checksum", sb_file_get_checksum (file));
  set_text (item, "description", sb_file_get_description (file));
  set_text (item, "partner", sb_file_get_partner (file));
  set_time (item, "created_at", sb_file_get_created_at (file));
  set_time (item, "modified_at", sb_file_get_modified_at (file));
  sb_aws_item_set_int64 (item, "version", sb_file_get_version (file));
  /* Left out until a restore is asked for, like the empty strings. */
  if (sb_file_get_restore_requested_at (file) != 0)
    set_time (item, "restore_requested_at", sb_file_get_restore_requested_at (file));
  return item;
}

static SbFile *
file_from_item (SbAwsStore  *self,
                JsonObject  *item,
                GError     **error)
{
  gint64 size, created, modified, version, restore_requested = 0;
  SbFile *file;

  if (sb_aws_item_get_string (item, "owner") == NULL ||
      sb_aws_item_get_string (item, "name") == NULL ||
      !sb_aws_item_get_int64 (item, "size", &size) || size < 0 ||
      !sb_aws_item_get_int64 (item, "version", &version) ||
      !get_time (item, "created_at", &created) || !get_time (item, "modified_at", &modified) ||
      (sb_aws_item_get_string (item, "restore_requested_at") != NULL &&
       !get_time (item, "restore_requested_at", &restore_requested)))
    {
      g_propagate_error (error, corrupt (self->files_table));
      return NULL;
    }
  file = sb_file_new (get_text (item, "owner"), get_text (item, "name"));
  sb_file_set_object_key (file, get_text (item, "object_key"));
  sb_file_set_size (file, (guint64) size);
  sb_file_set_content_type (file, get_text (item, "content_type"));
  sb_file_set_checksum (file, get_text (item, "checksum"));
  sb_file_set_description (file, get_text (item, "description"));
  sb_file_set_partner (file, get_text (item, "partner"));
  sb_file_set_created_at (file, created);
  sb_file_set_modified_at (file, modified);
  sb_file_set_version (file, version);
  sb_file_set_restore_requested_at (file, restore_requested);
  return file;
}

static JsonObject *
session_key (const char *token_hash)
{
  JsonObject *key = sb_aws_item_new ();
  sb_aws_item_set_string (key, "token_hash", token_hash);
  return key;
}

static JsonObject *
session_to_item (SbSession *session)
{
  JsonObject *item = session_key (sb_session_get_token_hash (session));
  gint64 expires = sb_session_get_expires_at (session);

  set_text (item, "username", sb_session_get_username (session));
  set_text (item, "csrf", sb_session_get_csrf (session));
  set_time (item, "created_at", sb_session_get_created_at (session));
  /* Rounded up, so TTL never removes a session before it expires. */
  sb_aws_item_set_int64 (item, "expires_at",
                         expires / G_USEC_PER_SEC + (expires % G_USEC_PER_SEC > 0 ? 1 : 0));
  sb_aws_item_set_int64 (item, "expires_at_usec", expires);
  return item;
}

static SbSession *
session_from_item (SbAwsStore  *self,
                   JsonObject  *item,
                   GError     **error)
{
  gint64 created, expires;

  if (sb_aws_item_get_string (item, "token_hash") == NULL ||
      sb_aws_item_get_string (item, "username") == NULL ||
      !get_time (item, "created_at", &created))
    {
      g_propagate_error (error, corrupt (self->sessions_table));
      return NULL;
    }
  if (!sb_aws_item_get_int64 (item, "expires_at_usec", &expires))
    {
      if (!sb_aws_item_get_int64 (item, "expires_at", &expires))
        {
          g_propagate_error (error, corrupt (self->sessions_table));
          return NULL;
        }
      expires *= G_USEC_PER_SEC;
    }
  return sb_session_new (get_text (item, "token_hash"), get_text (item, "username"),
                         get_text (item, "csrf"), created, expires);
}

static gboolean
items_equal (JsonObject *a,
             JsonObject *b)
{
  g_autoptr(JsonNode) node_a = json_node_init_object (json_node_alloc (), a);
  g_autoptr(JsonNode) node_b = json_node_init_object (json_node_alloc (), b);

  return json_node_equal (node_a, node_b);
}

/* Tasks */

static GTask *
new_task (SbAwsStore          *self,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  /* A write that happened must not be reported as cancelled. */
  g_task_set_check_cancellable (task, FALSE);
  return task;
}

static gboolean
finish_boolean (SbStore       *store,
                GAsyncResult  *result,
                GError       **error)
{
  return sb_store_task_finish_boolean (store, result, error);
}

SB_STORE_DEFINE_POINTER_FINISH (finish_user, SbUser)
SB_STORE_DEFINE_POINTER_FINISH (finish_files, GPtrArray)
SB_STORE_DEFINE_POINTER_FINISH (finish_file, SbFile)
SB_STORE_DEFINE_POINTER_FINISH (finish_session, SbSession)
SB_STORE_DEFINE_POINTER_FINISH (finish_stream, GInputStream)
SB_STORE_DEFINE_POINTER_FINISH (finish_blob_info, SbBlobInfo)

/* Conditional writes */

typedef enum {
  COND_CREATE,   /* put if no item has this key */
  COND_REPLACE,  /* put if the item's version is the expected one */
  COND_DELETE,   /* delete if it exists (expected < 0) or has the expected version */
} CondKind;

typedef struct
{
  CondKind    kind;
  char       *table;
  JsonObject *key;
  JsonObject *item;
  char       *exists_message;
  gboolean    maybe_applied;
  /* The write failed after it may have reached DynamoDB; what it said. */
  GError     *unknown;
  guint       readbacks;
  GSource    *delay;
} CondWrite;

/* How hard a write whose answer was lost tries to learn its outcome before
 * calling it unknown: this many consistent reads (each with the client's
 * own retries), READBACK_DELAY_MS, then twice that, ... apart. */
#define READBACK_ATTEMPTS 4
#define READBACK_DELAY_MS 250

static void
cond_write_free (CondWrite *op)
{
  g_free (op->table);
  g_clear_pointer (&op->key, json_object_unref);
  g_clear_pointer (&op->item, json_object_unref);
  g_free (op->exists_message);
  g_clear_error (&op->unknown);
  if (op->delay != NULL)
    {
      g_source_destroy (op->delay);
      g_source_unref (op->delay);
    }
  g_free (op);
}

static void cond_readback (GTask *task);

/* Settles a write whose answer was lost, from what the table now holds. */
static void
cond_settle_unknown (GTask      *task,
                     JsonObject *current)
{
  CondWrite *op = g_task_get_task_data (task);
  gboolean applied;

  if (op->kind == COND_DELETE)
    applied = current == NULL;
  else
    applied = current != NULL && items_equal (current, op->item);

  if (applied)
    g_task_return_boolean (task, TRUE);
  else
    /* Not applied: the failure is a known one, and the caller may clean up. */
    g_task_return_error (task, g_steal_pointer (&op->unknown));
}

static gboolean
readback_delay_cb (gpointer user_data)
{
  GTask *task = user_data;
  CondWrite *op = g_task_get_task_data (task);

  g_clear_pointer (&op->delay, g_source_unref);
  cond_readback (task);
  return G_SOURCE_REMOVE;
}

static void
cond_readback_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  CondWrite *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(GError) error = NULL;

  if (!sb_aws_dynamodb_get_item_finish (SB_AWS_DYNAMODB (object), result, &current, &error))
    {
      if (op->unknown == NULL)
        g_task_return_error (task, table_error (self, error, op->table));
      else if (++op->readbacks < READBACK_ATTEMPTS)
        {
          GMainContext *context = g_task_get_context (task);

          op->delay = g_timeout_source_new (READBACK_DELAY_MS << (op->readbacks - 1));
          g_source_set_callback (op->delay, readback_delay_cb, g_steal_pointer (&task), NULL);
          g_source_attach (op->delay, context);
        }
      else
        g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_INDETERMINATE,
                                 "A write to the DynamoDB table “%s” may or may not have been "
                                 "applied: its answer was lost (%s), and reading the item back "
                                 "failed too (%s).", op->table, op->unknown->message,
                                 error->message);
      return;
    }

  if (op->unknown != NULL)
    {
      cond_settle_unknown (task, current);
      return;
    }

  switch (op->kind)
    {
    case COND_CREATE:
      if (op->maybe_applied && current != NULL && items_equal (current, op->item))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS, "%s",
                                 op->exists_message);
      break;
    case COND_REPLACE:
      if (current == NULL)
        g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND,
                                 "No such record");
      else if (op->maybe_applied && items_equal (current, op->item))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_CONFLICT,
                                 "The record changed in the meantime");
      break;
    case COND_DELETE:
      if (current == NULL && op->maybe_applied)
        g_task_return_boolean (task, TRUE);
      else if (current == NULL)
        g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND,
                                 "No such record");
      else
        g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_CONFLICT,
                                 "The record changed in the meantime");
      break;
    }
}

/* Strongly consistent, and not cancellable once the write may have
 * happened: its outcome decides what the caller may delete. */
static void
cond_readback (GTask *task)
{
  SbAwsStore *self = g_task_get_source_object (task);
  CondWrite *op = g_task_get_task_data (task);
  GCancellable *cancellable = op->unknown ? NULL : g_task_get_cancellable (task);

  sb_aws_dynamodb_get_item_async (self->ddb, op->table, op->key, TRUE, cancellable,
                                  cond_readback_cb, task);
}

/* Whether a failed write may have been applied: it was (perhaps) received,
 * and the failure says nothing about what the service did with it. */
static gboolean
outcome_unknown (const GError *error)
{
  return error->domain == SB_AWS_ERROR && sb_aws_error_get_maybe_applied (error) &&
         (error->code == SB_AWS_ERROR_NETWORK || error->code == SB_AWS_ERROR_TIMEOUT ||
          error->code == SB_AWS_ERROR_SERVICE_UNAVAILABLE ||
          error->code == SB_AWS_ERROR_THROTTLED || error->code == SB_AWS_ERROR_FAILED ||
          error->code == SB_AWS_ERROR_INVALID_RESPONSE);
}

static void
cond_write_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  CondWrite *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (op->kind == COND_DELETE)
    ok = sb_aws_dynamodb_delete_item_finish (SB_AWS_DYNAMODB (object), result, &error);
  else
    ok = sb_aws_dynamodb_put_item_finish (SB_AWS_DYNAMODB (object), result, &error);
  if (ok)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (outcome_unknown (error))
    {
      g_debug ("write to %s may have been applied (%s); reading it back", op->table,
               error->message);
      op->unknown = table_error (self, error, op->table);
      cond_readback (g_steal_pointer (&task));
      return;
    }
  if (!g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_CONDITION_FAILED))
    {
      g_task_return_error (task, table_error (self, error, op->table));
      return;
    }

  op->maybe_applied = sb_aws_error_get_maybe_applied (error);
  cond_readback (g_steal_pointer (&task));
}

/* @key_attribute: the partition key's name, for attribute_not_exists(). */
static void
cond_write_async (SbAwsStore          *self,
                  CondKind             kind,
                  const char          *table,
                  const char          *key_attribute,
                  JsonObject          *key,
                  JsonObject          *item,
                  gint64               expected_version,
                  const char          *exists_message,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data,
                                    SB_SOURCE_TAG (cond_write_async));
  CondWrite *op = g_new0 (CondWrite, 1);
  g_autoptr(JsonObject) names = NULL;
  g_autoptr(JsonObject) values = NULL;
  const char *condition;

  op->kind = kind;
  op->table = g_strdup (table);
  op->key = json_object_ref (key);
  op->item = item ? json_object_ref (item) : NULL;
  op->exists_message = g_strdup (exists_message ? exists_message : "Already exists");
  g_task_set_task_data (task, op, (GDestroyNotify) cond_write_free);

  if (kind == COND_CREATE || (kind == COND_DELETE && expected_version < 0))
    {
      condition = kind == COND_CREATE ? "attribute_not_exists(#k)" : "attribute_exists(#k)";
      names = names_new ("#k", key_attribute, NULL);
    }
  else
    {
      condition = "#v = :v";
      names = names_new ("#v", "version", NULL);
      values = sb_aws_item_new ();
      sb_aws_item_set_int64 (values, ":v", expected_version);
    }

  if (kind == COND_DELETE)
    sb_aws_dynamodb_delete_item_async (self->ddb, table, key, condition, names, values,
                                       cancellable, cond_write_cb, g_steal_pointer (&task));
  else
    sb_aws_dynamodb_put_item_async (self->ddb, table, item, condition, names, values,
                                    cancellable, cond_write_cb, g_steal_pointer (&task));
}

static gboolean
cond_write_finish (GAsyncResult  *result,
                   GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Relays a sub-operation's boolean result to the caller's task. */
static void
relay_boolean_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (cond_write_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Users */

static void
sb_aws_store_user_create_async (SbStore             *store,
                                SbUser              *user,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_user_create_async));
  g_autoptr(JsonObject) key = user_key (sb_user_get_username (user));
  g_autoptr(JsonObject) item = user_to_item (user);

  /* One conditional put: two sign-ups of one name cannot both win. */
  cond_write_async (self, COND_CREATE, self->users_table, "username", key, item, -1,
                    "A user with that name already exists", cancellable, relay_boolean_cb,
                    task);
}

static void
user_get_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) item =
    found_item (self, object, result, self->users_table, "No such user", &error);
  SbUser *user;

  if (item == NULL || (user = user_from_item (self, item, &error)) == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, user, g_object_unref);
}

static void
sb_aws_store_user_get_async (SbStore             *store,
                             const char          *username,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_user_get_async));
  g_autoptr(JsonObject) key = user_key (username);

  sb_aws_dynamodb_get_item_async (self->ddb, self->users_table, key, TRUE, cancellable,
                                  user_get_cb, task);
}

static void
user_update_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) item = NULL;
  g_autoptr(GError) error = NULL;

  item = sb_aws_dynamodb_update_item_finish (SB_AWS_DYNAMODB (object), result, &error);
  if (item != NULL)
    g_task_return_boolean (task, TRUE);
  else if (g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_CONDITION_FAILED))
    g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No such user");
  else
    g_task_return_error (task, table_error (self, error, self->users_table));
}

static void
sb_aws_store_user_update_async (SbStore             *store,
                                SbUser              *user,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_user_update_async));
  g_autoptr(JsonObject) key = user_key (sb_user_get_username (user));
  g_autoptr(JsonObject) values = sb_aws_item_new ();
  g_autoptr(JsonObject) names =
    names_new ("#u", "username", "#e", "email", "#p", "password", "#r", "role",
               "#t", "updated_at", NULL);

  /* Core never stores an empty email, hash or role, so unlike set_text()
   * there is no attribute to leave out here. */
  sb_aws_item_set_string (values, ":e", sb_user_get_email (user));
  sb_aws_item_set_string (values, ":p", sb_user_get_password_hash (user));
  sb_aws_item_set_string (values, ":r", sb_user_get_role (user));
  set_time (values, ":t", sb_user_get_updated_at (user));
  /* Setting an attribute of an item that does not exist would create it;
   * the condition turns that into "no such user". Identical updates are
   * harmless to replay, so no read-back is needed. */
  sb_aws_dynamodb_update_item_async (self->ddb, self->users_table, key,
                                     "SET #e = :e, #p = :p, #r = :r, #t = :t",
                                     "attribute_exists(#u)", names, values, cancellable,
                                     user_update_cb, task);
}

/* Files */

typedef struct
{
  char       *owner;
  JsonObject *start_key;
  GPtrArray  *files;
  GHashTable *objects;  /* object key -> SbAwsS3ObjectInfo, from ListObjectsV2 */
  char       *marker;
} FileList;

static void
file_list_free (FileList *op)
{
  g_free (op->owner);
  g_free (op->marker);
  g_clear_pointer (&op->objects, g_hash_table_unref);
  g_clear_pointer (&op->start_key, json_object_unref);
  g_clear_pointer (&op->files, g_ptr_array_unref);
  g_free (op);
}

/* What S3 says of the content: its class and restore state (@info NULL:
 * not known, the defaults stay). */
static void
file_set_object_info (SbFile                  *file,
                      const SbAwsS3ObjectInfo *info)
{
  if (info == NULL)
    return;
  sb_file_set_storage_class (file, info->storage_class);
  sb_file_set_restore_in_progress (file, info->restore_in_progress);
  sb_file_set_restored_until (file, info->restore_expiry * G_USEC_PER_SEC);
}

static void file_list_next (GTask *task);
static void file_classes_next (GTask *task);

/* Takes one page of a Query or Scan of the files table into the task's
 * FileList. TRUE if another page is to be read; otherwise the task has
 * returned (the files, or @error). */
static gboolean
collect_files (GTask        *task,
               JsonObject   *response,
               const GError *error)
{
  SbAwsStore *self = g_task_get_source_object (task);
  FileList *op = g_task_get_task_data (task);
  JsonArray *items;

  if (response == NULL)
    {
      g_task_return_error (task, table_error (self, error, self->files_table));
      return FALSE;
    }
  items = json_object_has_member (response, "Items")
            ? json_object_get_array_member (response, "Items") : NULL;
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      g_autoptr(GError) item_error = NULL;
      SbFile *file = item ? file_from_item (self, item, &item_error) : NULL;

      if (file == NULL)
        {
          g_task_return_error (task, item_error ? g_steal_pointer (&item_error)
                                                : corrupt (self->files_table));
          return FALSE;
        }
      g_ptr_array_add (op->files, file);
    }

  g_clear_pointer (&op->start_key, json_object_unref);
  if (json_object_has_member (response, "LastEvaluatedKey"))
    op->start_key = json_object_ref (json_object_get_object_member (response,
                                                                     "LastEvaluatedKey"));
  if (op->start_key != NULL)
    return TRUE;
  /* A user's listing goes on to the classes of the content (a scan, which
   * has no owner, does not need them). */
  if (op->owner != NULL && op->files->len > 0)
    {
      op->objects = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) sb_aws_s3_object_info_free);
      file_classes_next (g_object_ref (task));
      return FALSE;
    }
  g_task_return_pointer (task, g_steal_pointer (&op->files), (GDestroyNotify) g_ptr_array_unref);
  return FALSE;
}

static void
file_classes_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FileList *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&op->marker, g_free);
  objects = sb_aws_s3_list_objects_finish (SB_AWS_S3 (object), result, &op->marker, &error);
  if (objects == NULL)
    {
      /* The records are the listing; a class is a detail of it. A file
       * whose class could not be read says the default rather than hide
       * every file behind a bucket that is briefly away. */
      g_debug ("Storage classes of %s's files not listed: %s", op->owner, error->message);
      g_clear_pointer (&op->marker, g_free);
    }
  for (guint i = 0; objects != NULL && i < objects->len; i++)
    {
      SbAwsS3ObjectInfo *object_info = objects->pdata[i];

      /* The table's key is the info's own. */
      g_hash_table_replace (op->objects, object_info->key,
                            sb_aws_s3_object_info_copy (object_info));
    }
  if (op->marker != NULL)
    {
      file_classes_next (g_steal_pointer (&task));
      return;
    }
  /* By key, not by file: two records (a rename half done) may share one
   * object. Not listed: the default stays. */
  for (guint i = 0; i < op->files->len; i++)
    {
      SbFile *file = op->files->pdata[i];

      file_set_object_info (file, g_hash_table_lookup (op->objects,
                                                       sb_file_get_object_key (file)));
    }
  g_task_return_pointer (task, g_steal_pointer (&op->files), (GDestroyNotify) g_ptr_array_unref);
}

/* ListObjectsV2 under the owner's prefix ("owner/", sb_store_blob_key_is_valid),
 * page by page: S3 has the class, which lifecycle rules change without
 * telling the table. */
static void
file_classes_next (GTask *task)
{
  SbAwsStore *self = g_task_get_source_object (task);
  FileList *op = g_task_get_task_data (task);
  g_autofree char *prefix = g_strconcat (op->owner, "/", NULL);

  sb_aws_s3_list_objects_async (self->s3, self->bucket, prefix, op->marker, 0,
                                g_task_get_cancellable (task), file_classes_cb, task);
}

static void
file_list_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(GError) error = NULL;

  response = sb_aws_dynamodb_call_finish (SB_AWS_DYNAMODB (object), result, &error);
  if (collect_files (task, response, error))
    file_list_next (g_steal_pointer (&task));
}

/* One Query per page, in sort-key order, which DynamoDB defines as the
 * UTF-8 bytes of the name: the order the contract asks for. */
static void
file_list_next (GTask *task)
{
  SbAwsStore *self = g_task_get_source_object (task);
  FileList *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) input = json_object_new ();
  g_autoptr(JsonObject) values = sb_aws_item_new ();
  GCancellable *cancellable = g_task_get_cancellable (task);

  sb_aws_item_set_string (values, ":o", op->owner);
  json_object_set_string_member (input, "TableName", self->files_table);
  json_object_set_string_member (input, "KeyConditionExpression", "#o = :o");
  json_object_set_object_member (input, "ExpressionAttributeNames",
                                 names_new ("#o", "owner", NULL));
  json_object_set_object_member (input, "ExpressionAttributeValues",
                                 json_object_ref (values));
  /* A listing right after an upload must show it. */
  json_object_set_boolean_member (input, "ConsistentRead", TRUE);
  if (op->start_key != NULL)
    json_object_set_object_member (input, "ExclusiveStartKey", json_object_ref (op->start_key));
  sb_aws_dynamodb_call_async (self->ddb, "Query", input, cancellable, file_list_cb, task);
}

static void
sb_aws_store_file_list_async (SbStore             *store,
                              const char          *owner,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_file_list_async));
  FileList *op = g_new0 (FileList, 1);

  op->owner = g_strdup (owner);
  op->files = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, op, (GDestroyNotify) file_list_free);
  file_list_next (task);
}

static void
file_head_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbFile *file = g_task_get_task_data (task);
  g_autoptr(SbAwsS3ObjectInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = sb_aws_s3_head_object_finish (SB_AWS_S3 (object), result, &error);
  if (info == NULL)
    /* As in a listing: the record is the answer, the class a detail. */
    g_debug ("Storage class of %s not read: %s", sb_file_get_object_key (file),
             error->message);
  file_set_object_info (file, info);
  g_task_return_pointer (task, g_object_ref (file), g_object_unref);
}

static void
file_get_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) item =
    found_item (self, object, result, self->files_table, "No such file", &error);
  GCancellable *cancellable;
  SbFile *file;

  if (item == NULL || (file = file_from_item (self, item, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, file, g_object_unref);
  if (!sb_store_blob_key_is_valid (sb_file_get_object_key (file)))
    {
      g_task_return_pointer (task, g_object_ref (file), g_object_unref);
      return;
    }
  /* S3 has the class and the restore state; the table has neither. */
  cancellable = g_task_get_cancellable (task);
  sb_aws_s3_head_object_async (self->s3, self->bucket, sb_file_get_object_key (file),
                               cancellable, file_head_cb, g_steal_pointer (&task));
}

static void
sb_aws_store_file_get_async (SbStore             *store,
                             const char          *owner,
                             const char          *name,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_file_get_async));
  g_autoptr(JsonObject) key = file_key (owner, name);

  sb_aws_dynamodb_get_item_async (self->ddb, self->files_table, key, TRUE, cancellable,
                                  file_get_cb, task);
}

static void
sb_aws_store_file_create_async (SbStore             *store,
                                SbFile              *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_file_create_async));
  g_autoptr(JsonObject) key = file_key (sb_file_get_owner (file), sb_file_get_name (file));
  g_autoptr(JsonObject) item = file_to_item (file);

  cond_write_async (self, COND_CREATE, self->files_table, "owner", key, item, -1,
                    "A file with that name already exists", cancellable, relay_boolean_cb,
                    task);
}

static void
sb_aws_store_file_update_async (SbStore             *store,
                                SbFile              *file,
                                gint64               expected_version,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_file_update_async));
  g_autoptr(JsonObject) key = file_key (sb_file_get_owner (file), sb_file_get_name (file));
  g_autoptr(JsonObject) item = file_to_item (file);

  cond_write_async (self, COND_REPLACE, self->files_table, "owner", key, item, expected_version,
                    NULL, cancellable, relay_boolean_cb, task);
}

/* Rename without transactions (dynalite and some DynamoDB-compatible
 * services have no TransactWriteItems):
 *
 *   1. read the old record: missing or another version ends it here;
 *   2. mark it with the new name as its partner (same version, on the
 *      condition that it is still the expected one);
 *   3. conditionally create the new record, the old name as its partner
 *      (EXISTS if the name is taken);
 *   4. conditionally delete the old one (its version must still be the
 *      expected one); if that definitely fails, delete the new record again.
 *
 * Both records point at the same object only between 3 and 4 (or its
 * rollback), a few milliseconds; a reader may list the file twice then.
 * If the store fails in between, both may stay until fsck --repair finishes
 * the rename; the partner marks make whoever deletes content look at the
 * other record first (sb_file_get_partner()), so the content stays while
 * either still refers to it. */
typedef struct
{
  SbFile *file;
  char   *old_name;
  gint64  expected_version;
  GError *error;
} Rename;

static void
rename_free (Rename *op)
{
  g_clear_object (&op->file);
  g_free (op->old_name);
  g_clear_error (&op->error);
  g_free (op);
}

static void
rename_rollback_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Rename *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!cond_write_finish (result, &error))
    {
      /* Both records may now point at the same content: the caller must
       * not treat this as a clean failure (fsck finishes the rename). */
      g_warning ("Could not undo the half-done rename of “%s” to “%s”: %s", op->old_name,
                 sb_file_get_name (op->file), error->message);
      g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_INDETERMINATE,
                               "The rename of “%s” to “%s” is half done: %s; undoing it failed: "
                               "%s", op->old_name, sb_file_get_name (op->file),
                               op->error->message, error->message);
      return;
    }
  g_task_return_error (task, g_steal_pointer (&op->error));
}

static void
rename_deleted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Rename *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) key = NULL;

  if (cond_write_finish (result, &op->error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* The old record may be gone already: undoing now could leave no record
   * at all. */
  if (g_error_matches (op->error, SB_STORE_ERROR, SB_STORE_ERROR_INDETERMINATE))
    {
      g_task_return_error (task, g_steal_pointer (&op->error));
      return;
    }
  /* Not cancellable: a half-done rename must be undone. */
  key = file_key (sb_file_get_owner (op->file), sb_file_get_name (op->file));
  cond_write_async (self, COND_DELETE, self->files_table, "owner", key, NULL,
                    sb_file_get_version (op->file), NULL, NULL, rename_rollback_cb,
                    g_steal_pointer (&task));
}

static void
rename_created_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Rename *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) key = NULL;
  GError *error = NULL;

  if (!cond_write_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->rename_hook != NULL)
    self->rename_hook (self, self->rename_hook_data);
  key = file_key (sb_file_get_owner (op->file), op->old_name);
  /* Not cancellable either: from here on the rename completes or undoes. */
  cond_write_async (self, COND_DELETE, self->files_table, "owner", key, NULL,
                    op->expected_version, NULL, NULL, rename_deleted_cb,
                    g_steal_pointer (&task));
}

static void
rename_marked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Rename *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) key = NULL;
  g_autoptr(JsonObject) item = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  if (!cond_write_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  sb_file_set_partner (op->file, op->old_name);
  key = file_key (sb_file_get_owner (op->file), sb_file_get_name (op->file));
  item = file_to_item (op->file);
  cancellable = g_task_get_cancellable (task);
  cond_write_async (self, COND_CREATE, self->files_table, "owner", key, item, -1,
                    "A file with that name already exists", cancellable, rename_created_cb,
                    g_steal_pointer (&task));
}

static void
rename_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Rename *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) current =
    found_item (self, object, result, self->files_table, "No such file", &error);
  g_autoptr(JsonObject) key = NULL;
  g_autoptr(JsonObject) item = NULL;
  GCancellable *cancellable;
  gint64 version;

  if (current == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!sb_aws_item_get_int64 (current, "version", &version) || version != op->expected_version)
    {
      g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_CONFLICT,
                               "The file changed in the meantime");
      return;
    }

  cancellable = g_task_get_cancellable (task);
  if (g_str_equal (op->old_name, sb_file_get_name (op->file)))
    {
      key = file_key (sb_file_get_owner (op->file), sb_file_get_name (op->file));
      item = file_to_item (op->file);
      cond_write_async (self, COND_REPLACE, self->files_table, "owner", key, item,
                        op->expected_version, NULL, cancellable, relay_boolean_cb,
                        g_steal_pointer (&task));
      return;
    }
  key = file_key (sb_file_get_owner (op->file), op->old_name);
  sb_aws_item_set_string (current, "partner", sb_file_get_name (op->file));
  cond_write_async (self, COND_REPLACE, self->files_table, "owner", key, current,
                    op->expected_version, NULL, cancellable, rename_marked_cb,
                    g_steal_pointer (&task));
}

static void
sb_aws_store_file_rename_async (SbStore             *store,
                                SbFile              *file,
                                const char          *old_name,
                                gint64               expected_version,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_file_rename_async));
  Rename *op = g_new0 (Rename, 1);
  g_autoptr(JsonObject) key = file_key (sb_file_get_owner (file), old_name);

  op->file = sb_file_copy (file);
  op->old_name = g_strdup (old_name);
  op->expected_version = expected_version;
  g_task_set_task_data (task, op, (GDestroyNotify) rename_free);
  sb_aws_dynamodb_get_item_async (self->ddb, self->files_table, key, TRUE, cancellable,
                                  rename_read_cb, task);
}

static void
sb_aws_store_file_delete_async (SbStore             *store,
                                const char          *owner,
                                const char          *name,
                                gint64               expected_version,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_file_delete_async));
  g_autoptr(JsonObject) key = file_key (owner, name);

  cond_write_async (self, COND_DELETE, self->files_table, "owner", key, NULL, expected_version,
                    NULL, cancellable, relay_boolean_cb, task);
}

/* Sessions */

static void
sb_aws_store_session_create_async (SbStore             *store,
                                   SbSession           *session,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_session_create_async));
  g_autoptr(JsonObject) key = session_key (sb_session_get_token_hash (session));
  g_autoptr(JsonObject) item = session_to_item (session);

  cond_write_async (self, COND_CREATE, self->sessions_table, "token_hash", key, item, -1,
                    "session: already exists", cancellable, relay_boolean_cb, task);
}

static void
session_get_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) item =
    found_item (self, object, result, self->sessions_table, "No such session", &error);
  SbSession *session;

  if (item == NULL || (session = session_from_item (self, item, &error)) == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, session, g_object_unref);
}

/* TTL deletion is lazy (up to days late), so this may return an expired
 * session: the contract lets it, and core checks expires_at. */
static void
sb_aws_store_session_get_async (SbStore             *store,
                                const char          *token_hash,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_session_get_async));
  g_autoptr(JsonObject) key = session_key (token_hash);

  /* Strongly consistent: a log-out through another server must count. */
  sb_aws_dynamodb_get_item_async (self->ddb, self->sessions_table, key, TRUE, cancellable,
                                  session_get_cb, task);
}

static void
session_delete_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (sb_aws_dynamodb_delete_item_finish (SB_AWS_DYNAMODB (object), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, table_error (self, error, self->sessions_table));
}

static void
sb_aws_store_session_delete_async (SbStore             *store,
                                   const char          *token_hash,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_session_delete_async));
  g_autoptr(JsonObject) key = session_key (token_hash);

  sb_aws_dynamodb_delete_item_async (self->ddb, self->sessions_table, key, NULL, NULL, NULL,
                                     cancellable, session_delete_cb, task);
}

typedef struct
{
  char       *username;
  char       *except;
  JsonObject *start_key;
  guint       pending;
  GError     *error;
} SessionSweep;

static void
session_sweep_free (SessionSweep *op)
{
  g_free (op->username);
  g_free (op->except);
  g_clear_pointer (&op->start_key, json_object_unref);
  g_clear_error (&op->error);
  g_free (op);
}

static void session_sweep_next (GTask *task);

static void
session_sweep_page_done (GTask *task)
{
  SessionSweep *op = g_task_get_task_data (task);

  if (op->error != NULL)
    g_task_return_error (task, g_steal_pointer (&op->error));
  else if (op->start_key != NULL)
    session_sweep_next (g_object_ref (task));
  else
    g_task_return_boolean (task, TRUE);
}

static void
session_sweep_deleted_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  SessionSweep *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sb_aws_dynamodb_delete_item_finish (SB_AWS_DYNAMODB (object), result, &error) &&
      op->error == NULL)
    op->error = table_error (self, error, self->sessions_table);
  if (--op->pending == 0)
    session_sweep_page_done (task);
}

static void
session_sweep_query_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  SessionSweep *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&op->start_key, json_object_unref);
  items = sb_aws_dynamodb_query_finish (SB_AWS_DYNAMODB (object), result, &op->start_key,
                                        &error);
  if (items == NULL)
    {
      g_task_return_error (task, table_error (self, error, self->sessions_table));
      return;
    }

  /* A user has a handful of sessions: delete one page's worth side by side. */
  op->pending = 1;
  for (guint i = 0; i < items->len; i++)
    {
      const char *hash = sb_aws_item_get_string (items->pdata[i], "token_hash");
      g_autoptr(JsonObject) key = NULL;

      if (hash == NULL || g_strcmp0 (hash, op->except) == 0)
        continue;
      key = session_key (hash);
      op->pending++;
      sb_aws_dynamodb_delete_item_async (self->ddb, self->sessions_table, key, NULL, NULL,
                                         NULL, NULL, session_sweep_deleted_cb,
                                         g_object_ref (task));
    }
  if (--op->pending == 0)
    session_sweep_page_done (task);
}

/* A Query on the username index, not a Scan. The index is eventually
 * consistent, so a session created a split second earlier may survive; a
 * password change (the caller) happens long after the sessions it ends. */
static void
session_sweep_next (GTask *task)
{
  SbAwsStore *self = g_task_get_source_object (task);
  SessionSweep *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) names = names_new ("#u", "username", NULL);
  g_autoptr(JsonObject) values = sb_aws_item_new ();
  GCancellable *cancellable = g_task_get_cancellable (task);

  sb_aws_item_set_string (values, ":u", op->username);
  sb_aws_dynamodb_query_async (self->ddb, self->sessions_table, SESSIONS_INDEX, "#u = :u", names,
                               values, op->start_key, 0, cancellable, session_sweep_query_cb,
                               task);
}

static void
sb_aws_store_session_delete_for_user_async (SbStore             *store,
                                            const char          *username,
                                            const char          *except_token_hash,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_session_delete_for_user_async));
  SessionSweep *op = g_new0 (SessionSweep, 1);

  op->username = g_strdup (username);
  op->except = g_strdup (except_token_hash);
  g_task_set_task_data (task, op, (GDestroyNotify) session_sweep_free);
  session_sweep_next (task);
}

/* Blobs */

/* The task data of a blob write is only what blob_write_finish returns. */
typedef SbBlobWritten BlobWrite;

static void
blob_write_free (BlobWrite *op)
{
  sb_blob_written_clear (op);
  g_free (op);
}

static void
blob_write_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  BlobWrite *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (sb_aws_s3_put_object_finish (SB_AWS_S3 (object), result, &op->size, &op->sha256, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, bucket_error (self, error));
}

/* Streams @source to S3 with bounded memory: one PUT up to the part size,
 * else a multipart upload with a few parts in flight (the aws layer aborts
 * it on failure or cancellation). The object only exists once complete. */
static void
sb_aws_store_blob_write_async (SbStore             *store,
                               const char          *owner,
                               const char          *name,
                               const char          *content_type,
                               GInputStream        *source,
                               gint64               size_hint,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_blob_write_async));
  g_autoptr(GHashTable) metadata = NULL;
  g_autofree char *id = NULL;
  g_autofree char *escaped = NULL;
  BlobWrite *op;

  if (!sb_store_owner_is_valid (owner))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Invalid owner for a blob");
      g_object_unref (task);
      return;
    }

  id = sb_store_new_blob_id ();
  op = g_new0 (BlobWrite, 1);
  op->key = g_strdup_printf ("%s/%s", owner, id);
  g_task_set_task_data (task, op, (GDestroyNotify) blob_write_free);

  /* So the index could be rebuilt from the bucket alone; S3 metadata must
   * be ASCII, hence the percent-encoding. */
  escaped = g_uri_escape_string (name ? name : "", NULL, FALSE);
  /* The upload keeps the table for later requests: it owns its strings. */
  metadata = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (metadata, "owner", g_strdup (owner));
  g_hash_table_insert (metadata, "name", g_steal_pointer (&escaped));
  sb_aws_s3_put_object_async (self->s3, self->bucket, op->key, source, size_hint,
                              content_type, metadata, cancellable, blob_write_cb, task);
}

static void
blob_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  gint64 *length = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = sb_aws_s3_get_object_finish (SB_AWS_S3 (object), result, NULL, &error);
  if (stream != NULL && length != NULL)
    /* Never more than asked for: s3rver 3.7.1 reads "bytes=0-0" as "from 0
     * to the end" and sends the whole object. */
    g_task_return_pointer (task, sb_limit_input_stream_new (stream, (guint64) *length),
                           g_object_unref);
  else if (stream != NULL)
    g_task_return_pointer (task, g_steal_pointer (&stream), g_object_unref);
  else if (g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_FOUND) &&
           !sb_aws_error_has_code (error, "NoSuchBucket"))
    g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND,
                             "The stored file is missing");
  else if (sb_aws_error_has_code (error, "InvalidRange") ||
           sb_aws_error_get_http_status (error) == 416)
    /* A range starting at the end of the object: nothing to read. S3
     * checks the key first, so the object does exist. */
    g_task_return_pointer (task, g_memory_input_stream_new (), g_object_unref);
  else
    g_task_return_error (task, bucket_error (self, error));
}

static void
sb_aws_store_blob_read_async (SbStore             *store,
                              const char          *key,
                              guint64              offset,
                              gint64               length,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_blob_read_async));

  if (!sb_store_blob_key_is_valid (key))
    {
      g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No such blob");
      g_object_unref (task);
      return;
    }
  if (length >= 0)
    g_task_set_task_data (task, g_memdup2 (&length, sizeof length), g_free);
  sb_aws_s3_get_object_async (self->s3, self->bucket, key, offset, length, cancellable,
                              blob_read_cb, task);
}

static void
blob_delete_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (sb_aws_s3_delete_object_finish (SB_AWS_S3 (object), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, bucket_error (self, error));
}

static void
sb_aws_store_blob_delete_async (SbStore             *store,
                                const char          *key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_blob_delete_async));

  /* A key we could never have written: nothing to delete. */
  if (!sb_store_blob_key_is_valid (key))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  /* S3 deletes are idempotent: a missing key succeeds. */
  sb_aws_s3_delete_object_async (self->s3, self->bucket, key, cancellable, blob_delete_cb, task);
}

static void
blob_restore_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (sb_aws_s3_restore_object_finish (SB_AWS_S3 (object), result, &error))
    g_task_return_boolean (task, TRUE);
  else if (g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_FOUND) &&
           !sb_aws_error_has_code (error, "NoSuchBucket"))
    g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND,
                             "The stored file is missing");
  else if (sb_aws_error_has_code (error, "InvalidObjectState"))
    /* Not archived: it is readable as it is. */
    g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_SUPPORTED,
                             "The content is not archived, so there is nothing to restore "
                             "(%s).", error->message);
  else if (g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_SUPPORTED))
    /* RGW and other S3 look-alikes archive nothing (501). */
    g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_SUPPORTED,
                             "This S3 endpoint cannot restore archived content (%s).",
                             error->message);
  else if (sb_aws_error_has_code (error, "InvalidArgument"))
    /* S3's answer to a tier the class does not offer (Expedited from
     * DEEP_ARCHIVE). */
    g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_SUPPORTED,
                             "S3 cannot restore this content at that speed (%s).",
                             error->message);
  else
    g_task_return_error (task, bucket_error (self, error));
}

static void
sb_aws_store_blob_restore_async (SbStore             *store,
                                 const char          *key,
                                 guint                days,
                                 const char          *tier,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_blob_restore_async));

  if (!sb_store_blob_key_is_valid (key))
    {
      g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No such blob");
      g_object_unref (task);
      return;
    }
  sb_aws_s3_restore_object_async (self->s3, self->bucket, key, days, tier, cancellable,
                                  blob_restore_cb, task);
}

/* Maintenance */

/* Every record of every owner: a Scan, page by page. */
static void file_scan_next (GTask *task);

static void
file_scan_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(GError) error = NULL;

  response = sb_aws_dynamodb_call_finish (SB_AWS_DYNAMODB (object), result, &error);
  if (collect_files (task, response, error))
    file_scan_next (g_steal_pointer (&task));
}

static void
file_scan_next (GTask *task)
{
  SbAwsStore *self = g_task_get_source_object (task);
  FileList *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) input = json_object_new ();

  json_object_set_string_member (input, "TableName", self->files_table);
  /* A record written just before must be seen: fsck compares against it. */
  json_object_set_boolean_member (input, "ConsistentRead", TRUE);
  if (op->start_key != NULL)
    json_object_set_object_member (input, "ExclusiveStartKey", json_object_ref (op->start_key));
  sb_aws_dynamodb_call_async (self->ddb, "Scan", input, g_task_get_cancellable (task),
                              file_scan_cb, task);
}

static void
sb_aws_store_file_scan_async (SbStore             *store,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_file_scan_async));
  FileList *op = g_new0 (FileList, 1);

  g_task_set_check_cancellable (task, TRUE);
  op->files = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, op, (GDestroyNotify) file_list_free);
  file_scan_next (task);
}

typedef struct
{
  GPtrArray *found;
  char      *marker;
  char      *upload_marker;
} Listing;

static void
listing_free (Listing *op)
{
  g_clear_pointer (&op->found, g_ptr_array_unref);
  g_free (op->marker);
  g_free (op->upload_marker);
  g_free (op);
}

static GTask *
listing_task_new (SbAwsStore          *self,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = new_task (self, cancellable, callback, user_data, source_tag);
  Listing *op = g_new0 (Listing, 1);

  g_task_set_check_cancellable (task, TRUE);
  op->found = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_blob_info_free);
  g_task_set_task_data (task, op, (GDestroyNotify) listing_free);
  return task;
}

static void
blob_list_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Listing *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&op->marker, g_free);
  objects = sb_aws_s3_list_objects_finish (SB_AWS_S3 (object), result, &op->marker, &error);
  if (objects == NULL)
    {
      g_task_return_error (task, bucket_error (self, error));
      return;
    }
  for (guint i = 0; i < objects->len; i++)
    {
      SbAwsS3ObjectInfo *object_info = objects->pdata[i];

      /* Only what blob_write could have made: anything else in the bucket
       * is somebody else's. */
      if (sb_store_blob_key_is_valid (object_info->key))
        g_ptr_array_add (op->found,
                         sb_blob_info_new (object_info->key, object_info->size,
                                           object_info->last_modified * G_USEC_PER_SEC));
    }
  if (op->marker != NULL)
    sb_aws_s3_list_objects_async (self->s3, self->bucket, NULL, op->marker, 0,
                                  g_task_get_cancellable (task), blob_list_cb,
                                  g_steal_pointer (&task));
  else
    g_task_return_pointer (task, g_steal_pointer (&op->found),
                           (GDestroyNotify) g_ptr_array_unref);
}

static void
sb_aws_store_blob_list_async (SbStore             *store,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = listing_task_new (self, SB_SOURCE_TAG (sb_aws_store_blob_list_async),
                                  cancellable, callback, user_data);

  sb_aws_s3_list_objects_async (self->s3, self->bucket, NULL, NULL, 0, cancellable,
                                blob_list_cb, task);
}

static void
blob_stat_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  g_autoptr(SbAwsS3ObjectInfo) object_info = NULL;
  g_autoptr(GError) error = NULL;
  SbBlobInfo *info;
  const char *name;

  object_info = sb_aws_s3_head_object_finish (SB_AWS_S3 (object), result, &error);
  if (object_info == NULL)
    {
      if (g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_FOUND) &&
          !sb_aws_error_has_code (error, "NoSuchBucket"))
        g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No such blob");
      else
        g_task_return_error (task, bucket_error (self, error));
      return;
    }
  info = sb_blob_info_new (g_task_get_task_data (task), object_info->size,
                           object_info->last_modified * G_USEC_PER_SEC);
  if (object_info->metadata != NULL)
    {
      info->owner = g_strdup (g_hash_table_lookup (object_info->metadata, "owner"));
      /* blob_write percent-encodes it: S3 metadata must be ASCII. */
      name = g_hash_table_lookup (object_info->metadata, "name");
      info->name = name ? g_uri_unescape_string (name, NULL) : NULL;
      if (info->name != NULL && !g_utf8_validate (info->name, -1, NULL))
        g_clear_pointer (&info->name, g_free);
    }
  g_task_return_pointer (task, info, (GDestroyNotify) sb_blob_info_free);
}

static void
sb_aws_store_blob_stat_async (SbStore             *store,
                              const char          *key,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_blob_stat_async));

  g_task_set_task_data (task, g_strdup (key), g_free);
  if (!sb_store_blob_key_is_valid (key))
    {
      g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No such blob");
      g_object_unref (task);
      return;
    }
  sb_aws_s3_head_object_async (self->s3, self->bucket, key, cancellable, blob_stat_cb, task);
}

static void
upload_list_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  Listing *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) uploads = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&op->marker, g_free);
  g_clear_pointer (&op->upload_marker, g_free);
  uploads = sb_aws_s3_list_multipart_uploads_finish (SB_AWS_S3 (object), result, &op->marker,
                                                     &op->upload_marker, &error);
  if (uploads == NULL && g_error_matches (error, SB_AWS_ERROR, SB_AWS_ERROR_NOT_SUPPORTED))
    {
      g_autofree char *url =
        sb_aws_config_get_endpoint_url (sb_aws_client_get_config (self->client), "s3");

      /* Some S3-compatible services (s3rver) cannot list them; the bucket's
       * lifecycle rule still aborts them after a week. */
      g_warning ("The S3 service at %s cannot list unfinished multipart uploads (%s): they "
                 "are not checked.", url, error->message);
      g_task_return_pointer (task, g_steal_pointer (&op->found),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  if (uploads == NULL)
    {
      g_task_return_error (task, bucket_error (self, error));
      return;
    }
  for (guint i = 0; i < uploads->len; i++)
    {
      SbAwsS3Upload *upload = uploads->pdata[i];
      SbBlobInfo *info;

      if (!sb_store_blob_key_is_valid (upload->key))
        continue;
      info = sb_blob_info_new (upload->key, 0, upload->initiated * G_USEC_PER_SEC);
      info->upload_id = g_strdup (upload->upload_id);
      g_ptr_array_add (op->found, info);
    }
  if (op->marker != NULL)
    sb_aws_s3_list_multipart_uploads_async (self->s3, self->bucket, op->marker,
                                            op->upload_marker, g_task_get_cancellable (task),
                                            upload_list_cb, g_steal_pointer (&task));
  else
    g_task_return_pointer (task, g_steal_pointer (&op->found),
                           (GDestroyNotify) g_ptr_array_unref);
}

static void
sb_aws_store_upload_list_async (SbStore             *store,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = listing_task_new (self, SB_SOURCE_TAG (sb_aws_store_upload_list_async),
                                  cancellable, callback, user_data);

  sb_aws_s3_list_multipart_uploads_async (self->s3, self->bucket, NULL, NULL, cancellable,
                                          upload_list_cb, task);
}

static void
upload_discard_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbAwsStore *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (sb_aws_s3_abort_multipart_upload_finish (SB_AWS_S3 (object), result, &error) ||
      sb_aws_error_has_code (error, "NoSuchUpload"))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, bucket_error (self, error));
}

static void
sb_aws_store_upload_discard_async (SbStore             *store,
                                   const SbBlobInfo    *upload,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  SbAwsStore *self = SB_AWS_STORE (store);
  GTask *task = new_task (self, cancellable, callback, user_data,
                          SB_SOURCE_TAG (sb_aws_store_upload_discard_async));

  if (!sb_store_blob_key_is_valid (upload->key) || upload->upload_id == NULL)
    {
      g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND,
                               "No such unfinished upload");
      g_object_unref (task);
      return;
    }
  sb_aws_s3_abort_multipart_upload_async (self->s3, self->bucket, upload->key,
                                          upload->upload_id, cancellable, upload_discard_cb,
                                          task);
}

/* GObject */

static void
sb_aws_store_dispose (GObject *object)
{
  SbAwsStore *self = SB_AWS_STORE (object);

  g_clear_object (&self->ddb);
  g_clear_object (&self->s3);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (sb_aws_store_parent_class)->dispose (object);
}

static void
sb_aws_store_finalize (GObject *object)
{
  SbAwsStore *self = SB_AWS_STORE (object);

  g_free (self->bucket);
  g_free (self->users_table);
  g_free (self->files_table);
  g_free (self->sessions_table);
  G_OBJECT_CLASS (sb_aws_store_parent_class)->finalize (object);
}

static void
sb_aws_store_class_init (SbAwsStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sb_aws_store_dispose;
  G_OBJECT_CLASS (klass)->finalize = sb_aws_store_finalize;
}

static void
sb_aws_store_iface_init (SbStoreInterface *iface)
{
  iface->user_create_async = sb_aws_store_user_create_async;
  iface->user_create_finish = finish_boolean;
  iface->user_get_async = sb_aws_store_user_get_async;
  iface->user_get_finish = finish_user;
  iface->user_update_async = sb_aws_store_user_update_async;
  iface->user_update_finish = finish_boolean;
  iface->file_list_async = sb_aws_store_file_list_async;
  iface->file_list_finish = finish_files;
  iface->file_get_async = sb_aws_store_file_get_async;
  iface->file_get_finish = finish_file;
  iface->file_create_async = sb_aws_store_file_create_async;
  iface->file_create_finish = finish_boolean;
  iface->file_update_async = sb_aws_store_file_update_async;
  iface->file_update_finish = finish_boolean;
  iface->file_rename_async = sb_aws_store_file_rename_async;
  iface->file_rename_finish = finish_boolean;
  iface->file_delete_async = sb_aws_store_file_delete_async;
  iface->file_delete_finish = finish_boolean;
  iface->session_create_async = sb_aws_store_session_create_async;
  iface->session_create_finish = finish_boolean;
  iface->session_get_async = sb_aws_store_session_get_async;
  iface->session_get_finish = finish_session;
  iface->session_delete_async = sb_aws_store_session_delete_async;
  iface->session_delete_finish = finish_boolean;
  iface->session_delete_for_user_async = sb_aws_store_session_delete_for_user_async;
  iface->session_delete_for_user_finish = finish_boolean;
  iface->blob_write_async = sb_aws_store_blob_write_async;
  iface->blob_write_finish = sb_store_blob_written_finish;
  iface->blob_read_async = sb_aws_store_blob_read_async;
  iface->blob_read_finish = finish_stream;
  iface->blob_delete_async = sb_aws_store_blob_delete_async;
  iface->blob_delete_finish = finish_boolean;
  iface->blob_restore_async = sb_aws_store_blob_restore_async;
  iface->blob_restore_finish = finish_boolean;
  iface->file_scan_async = sb_aws_store_file_scan_async;
  iface->file_scan_finish = finish_files;
  iface->blob_list_async = sb_aws_store_blob_list_async;
  iface->blob_list_finish = finish_files;
  iface->blob_stat_async = sb_aws_store_blob_stat_async;
  iface->blob_stat_finish = finish_blob_info;
  iface->upload_list_async = sb_aws_store_upload_list_async;
  iface->upload_list_finish = finish_files;
  iface->upload_discard_async = sb_aws_store_upload_discard_async;
  iface->upload_discard_finish = finish_boolean;
}

static void
sb_aws_store_init (SbAwsStore *self)
{
}

/**
 * sb_aws_store_new:
 * @client: the AWS client (one per process: it holds the connection pool,
 *   credentials and retry quota)
 * @bucket: the S3 bucket for file contents
 * @users_table: (nullable): default `storagebox-users`
 * @files_table: (nullable): default `storagebox-files`
 * @sessions_table: (nullable): default `storagebox-sessions`
 *
 * Returns: (transfer full): a store; nothing is checked or sent yet
 */
SbAwsStore *
sb_aws_store_new (SbAwsClient *client,
                  const char  *bucket,
                  const char  *users_table,
                  const char  *files_table,
                  const char  *sessions_table)
{
  SbAwsStore *self;

  g_return_val_if_fail (SB_IS_AWS_CLIENT (client), NULL);
  g_return_val_if_fail (bucket != NULL && *bucket != '\0', NULL);

  self = g_object_new (SB_TYPE_AWS_STORE, NULL);
  self->client = g_object_ref (client);
  self->ddb = sb_aws_dynamodb_new (client);
  self->s3 = sb_aws_s3_new (client);
  self->bucket = g_strdup (bucket);
  self->users_table = g_strdup (users_table ? users_table : SB_AWS_STORE_DEFAULT_USERS_TABLE);
  self->files_table = g_strdup (files_table ? files_table : SB_AWS_STORE_DEFAULT_FILES_TABLE);
  self->sessions_table = g_strdup (sessions_table ? sessions_table
                                                  : SB_AWS_STORE_DEFAULT_SESSIONS_TABLE);
  return self;
}

SbAwsClient *
sb_aws_store_get_client (SbAwsStore *self)
{
  g_return_val_if_fail (SB_IS_AWS_STORE (self), NULL);
  return self->client;
}

SbAwsDynamoDb *
sb_aws_store_get_dynamodb (SbAwsStore *self)
{
  g_return_val_if_fail (SB_IS_AWS_STORE (self), NULL);
  return self->ddb;
}

SbAwsS3 *
sb_aws_store_get_s3 (SbAwsStore *self)
{
  g_return_val_if_fail (SB_IS_AWS_STORE (self), NULL);
  return self->s3;
}

const char *
sb_aws_store_get_bucket (SbAwsStore *self)
{
  g_return_val_if_fail (SB_IS_AWS_STORE (self), NULL);
  return self->bucket;
}

const char *
sb_aws_store_get_users_table (SbAwsStore *self)
{
  g_return_val_if_fail (SB_IS_AWS_STORE (self), NULL);
  return self->users_table;
}

const char *
sb_aws_store_get_files_table (SbAwsStore *self)
{
  g_return_val_if_fail (SB_IS_AWS_STORE (self), NULL);
  return self->files_table;
}

const char *
sb_aws_store_get_sessions_table (SbAwsStore *self)
{
  g_return_val_if_fail (SB_IS_AWS_STORE (self), NULL);
  return self->sessions_table;
}
