/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "sb-aws-config-private.h"
#include "sb-aws-credentials-provider-private.h"
#include "sb-aws-error-private.h"

/* Temporary credentials are replaced this long before they expire, so a
 * request signed just before the deadline still arrives in time. */
#define REFRESH_MARGIN_USEC (5 * 60 * G_USEC_PER_SEC)
/* Instance metadata answers within milliseconds on EC2; off EC2 the
 * address does not answer at all, and start-up must not hang on it. */
#define IMDS_TIMEOUT_MS  1000
#define ECS_TIMEOUT_MS   2000
#define IMDS_TOKEN_TTL   "21600"
#define ECS_DEFAULT_BASE "http://169.254.170.2"
#define IMDS_DEFAULT     "http://169.254.169.254"

/* The AWS SDK's default chain: environment, shared files (credentials then
 * config, for AWS_PROFILE or "default"), ECS container credentials, EC2
 * instance metadata (IMDSv2). Results are cached; temporary ones are
 * refreshed REFRESH_MARGIN_USEC early, and every caller that asks while a
 * refresh is under way waits for that same refresh. */
struct _SbAwsCredentialsProvider
{
  GObject           parent_instance;
  SbAwsConfig      *config;        /* NULL for a static provider */
  SoupSession      *session;
  SbAwsCredentials *cached;
  GPtrArray        *waiting;       /* GTask, while a fetch runs */
  SbAwsClockFunc    clock;
  gpointer          clock_data;
  char             *ecs_base_url;
  guint             fetch_count;
};

G_DEFINE_FINAL_TYPE (SbAwsCredentialsProvider, sb_aws_credentials_provider, G_TYPE_OBJECT)

static gint64
real_clock (gpointer user_data)
{
  return g_get_real_time ();
}

static void
sb_aws_credentials_provider_dispose (GObject *object)
{
  SbAwsCredentialsProvider *self = SB_AWS_CREDENTIALS_PROVIDER (object);

  g_clear_object (&self->config);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (sb_aws_credentials_provider_parent_class)->dispose (object);
}

static void
sb_aws_credentials_provider_finalize (GObject *object)
{
  SbAwsCredentialsProvider *self = SB_AWS_CREDENTIALS_PROVIDER (object);

  g_assert (self->waiting->len == 0);
  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  g_clear_pointer (&self->cached, sb_aws_credentials_unref);
  g_free (self->ecs_base_url);
  G_OBJECT_CLASS (sb_aws_credentials_provider_parent_class)->finalize (object);
}

static void
sb_aws_credentials_provider_class_init (SbAwsCredentialsProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_aws_credentials_provider_dispose;
  object_class->finalize = sb_aws_credentials_provider_finalize;
}

static void
sb_aws_credentials_provider_init (SbAwsCredentialsProvider *self)
{
  self->waiting = g_ptr_array_new ();
  self->clock = real_clock;
  self->ecs_base_url = g_strdup (ECS_DEFAULT_BASE);
}

/**
 * sb_aws_credentials_provider_new_default:
 * @config: where to read the environment and shared files from
 * @session: (nullable): the session for ECS/EC2 metadata requests; a private
 *   one if %NULL
 *
 * Returns: (transfer full): the SDK-order credential chain
 */
SbAwsCredentialsProvider *
sb_aws_credentials_provider_new_default (SbAwsConfig *config,
                                         SoupSession *session)
{
  SbAwsCredentialsProvider *self;

  g_return_val_if_fail (SB_IS_AWS_CONFIG (config), NULL);
  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);

  self = g_object_new (SB_TYPE_AWS_CREDENTIALS_PROVIDER, NULL);
  self->config = g_object_ref (config);
  self->session = session ? g_object_ref (session) : soup_session_new ();
  return self;
}

/**
 * sb_aws_credentials_provider_new_static:
 * @credentials: the credentials to hand out
 *
 * Returns: (transfer full): a provider that always answers @credentials
 */
SbAwsCredentialsProvider *
sb_aws_credentials_provider_new_static (SbAwsCredentials *credentials)
{
  SbAwsCredentialsProvider *self;

  g_return_val_if_fail (credentials != NULL, NULL);

  self = g_object_new (SB_TYPE_AWS_CREDENTIALS_PROVIDER, NULL);
  self->cached = sb_aws_credentials_ref (credentials);
  return self;
}

void
sb_aws_credentials_provider_set_clock (SbAwsCredentialsProvider *self,
                                       SbAwsClockFunc            clock,
                                       gpointer                  user_data)
{
  self->clock = clock ? clock : real_clock;
  self->clock_data = user_data;
}

void
sb_aws_credentials_provider_set_ecs_base_url (SbAwsCredentialsProvider *self,
                                              const char               *url)
{
  g_free (self->ecs_base_url);
  self->ecs_base_url = g_strdup (url ? url : ECS_DEFAULT_BASE);
}

guint
sb_aws_credentials_provider_get_fetch_count (SbAwsCredentialsProvider *self)
{
  return self->fetch_count;
}

static gboolean
needs_refresh (SbAwsCredentialsProvider *self,
               SbAwsCredentials         *credentials)
{
  gint64 expiration = sb_aws_credentials_get_expiration (credentials);

  return expiration != 0 && self->clock (self->clock_data) >= expiration - REFRESH_MARGIN_USEC;
}

static gboolean
still_valid (SbAwsCredentialsProvider *self,
             SbAwsCredentials         *credentials)
{
  gint64 expiration = sb_aws_credentials_get_expiration (credentials);

  return expiration == 0 || self->clock (self->clock_data) < expiration;
}

/**
 * sb_aws_credentials_provider_peek:
 *
 * Returns: (transfer none) (nullable): the cached credentials if they need
 *   no refresh, without fetching anything
 */
SbAwsCredentials *
sb_aws_credentials_provider_peek (SbAwsCredentialsProvider *self)
{
  g_return_val_if_fail (SB_IS_AWS_CREDENTIALS_PROVIDER (self), NULL);

  if (self->cached != NULL && !needs_refresh (self, self->cached))
    return self->cached;
  return NULL;
}

/**
 * sb_aws_credentials_provider_invalidate:
 *
 * Forgets the cached credentials, so the next request walks the chain again
 * (for example after the service said the token expired).
 */
void
sb_aws_credentials_provider_invalidate (SbAwsCredentialsProvider *self)
{
  g_return_if_fail (SB_IS_AWS_CREDENTIALS_PROVIDER (self));

  if (self->config != NULL)
    g_clear_pointer (&self->cached, sb_aws_credentials_unref);
}

/* Small HTTP GET/PUT with a deadline, for the metadata endpoints. */

typedef struct
{
  SoupMessage  *message;
  GCancellable *cancellable;
  guint         timeout_id;
  gboolean      timed_out;
} HttpFetch;

static void
http_fetch_free (HttpFetch *fetch)
{
  g_clear_handle_id (&fetch->timeout_id, g_source_remove);
  g_clear_object (&fetch->message);
  g_clear_object (&fetch->cancellable);
  g_free (fetch);
}

static gboolean
http_fetch_timeout_cb (gpointer user_data)
{
  HttpFetch *fetch = user_data;

  fetch->timeout_id = 0;
  fetch->timed_out = TRUE;
  g_cancellable_cancel (fetch->cancellable);
  return G_SOURCE_REMOVE;
}

static void
http_fetch_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HttpFetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status;

  g_clear_handle_id (&fetch->timeout_id, g_source_remove);
  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      if (fetch->timed_out)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                 "no answer from %s", g_uri_get_host (
                                   soup_message_get_uri (fetch->message)));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  status = soup_message_get_status (fetch->message);
  if (status < 200 || status > 299)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s answered HTTP %u",
                               g_uri_get_host (soup_message_get_uri (fetch->message)), status);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

static void
http_fetch_async (SbAwsCredentialsProvider *self,
                  const char               *method,
                  const char               *url,
                  const char               *header_name,
                  const char               *header_value,
                  guint                     timeout_ms,
                  GAsyncReadyCallback       callback,
                  gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  HttpFetch *fetch = g_new0 (HttpFetch, 1);

  g_task_set_source_tag (task, SB_SOURCE_TAG (http_fetch_async));
  g_task_set_task_data (task, fetch, (GDestroyNotify) http_fetch_free);
  fetch->message = soup_message_new (method, url);
  if (fetch->message == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "“%s” is not a valid URL", url);
      return;
    }
  if (header_name != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (fetch->message),
                                  header_name, header_value);
  fetch->cancellable = g_cancellable_new ();
  fetch->timeout_id = g_timeout_add (timeout_ms, http_fetch_timeout_cb, fetch);
  soup_session_send_and_read_async (self->session, fetch->message, G_PRIORITY_DEFAULT,
                                    fetch->cancellable, http_fetch_cb, g_steal_pointer (&task));
}

static GBytes *
http_fetch_finish (SbAwsCredentialsProvider  *self,
                   GAsyncResult              *result,
                   GError                   **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The chain */

static GError *
no_credentials_error (SbAwsCredentialsProvider *self,
                      const char               *last_reason)
{
  const GError *load_error = sb_aws_config_get_load_error (self->config);
  g_autoptr(GString) message = g_string_new (NULL);

  g_string_append_printf (message,
                          "No AWS credentials found: set AWS_ACCESS_KEY_ID and "
                          "AWS_SECRET_ACCESS_KEY, or configure ~/.aws/credentials "
                          "(profile “%s”), or run on ECS or EC2 with an IAM role",
                          sb_aws_config_get_profile_name (self->config));
  if (last_reason != NULL)
    g_string_append_printf (message, " (%s)", last_reason);
  if (load_error != NULL)
    g_string_append_printf (message, "; the shared files could not be read: %s",
                            load_error->message);
  return g_error_new_literal (SB_AWS_ERROR, SB_AWS_ERROR_NO_CREDENTIALS, message->str);
}

static SbAwsCredentials *
credentials_from_json (GBytes      *body,
                       const char  *source,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  const char *akid, *secret, *token, *expiration, *code;
  gint64 expires = 0;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                   g_bytes_get_size (body), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SB_AWS_ERROR, SB_AWS_ERROR_INVALID_RESPONSE,
                   "%s returned credentials that are not JSON", source);
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  code = json_object_get_string_member_with_default (object, "Code", "Success");
  akid = json_object_get_string_member_with_default (object, "AccessKeyId", NULL);
  secret = json_object_get_string_member_with_default (object, "SecretAccessKey", NULL);
  token = json_object_get_string_member_with_default (object, "Token", NULL);
  expiration = json_object_get_string_member_with_default (object, "Expiration", NULL);
  if (g_strcmp0 (code, "Success") != 0 || akid == NULL || secret == NULL)
    {
      g_set_error (error, SB_AWS_ERROR, SB_AWS_ERROR_INVALID_RESPONSE,
                   "%s returned no usable credentials (Code %s)", source, code);
      return NULL;
    }
  if (expiration != NULL)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (expiration, NULL);

      if (dt == NULL)
        {
          g_set_error (error, SB_AWS_ERROR, SB_AWS_ERROR_INVALID_RESPONSE,
                       "%s returned an unreadable expiry time “%s”", source, expiration);
          return NULL;
        }
      expires = g_date_time_to_unix (dt) * G_USEC_PER_SEC;
    }
  return sb_aws_credentials_new_with_source (akid, secret, token, expires, source);
}

static void complete_fetch (SbAwsCredentialsProvider *self,
                            SbAwsCredentials         *credentials,
                            GError                   *error);

static gboolean
env_is_true (SbAwsCredentialsProvider *self,
             const char               *name)
{
  const char *value = sb_aws_config_getenv (self->config, name);

  return value != NULL && g_ascii_strcasecmp (value, "true") == 0;
}

static SbAwsCredentials *
credentials_from_environment (SbAwsCredentialsProvider  *self,
                              GError                   **error)
{
  const char *akid = sb_aws_config_getenv (self->config, "AWS_ACCESS_KEY_ID");
  const char *secret = sb_aws_config_getenv (self->config, "AWS_SECRET_ACCESS_KEY");
  const char *token = sb_aws_config_getenv (self->config, "AWS_SESSION_TOKEN");

  if ((akid == NULL || *akid == '\0') && (secret == NULL || *secret == '\0'))
    return NULL;
  if (akid == NULL || *akid == '\0' || secret == NULL || *secret == '\0')
    {
      g_set_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NO_CREDENTIALS,
                   "Incomplete AWS credentials in the environment: %s is set but %s is not",
                   akid && *akid ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                   akid && *akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
      return NULL;
    }
  return sb_aws_credentials_new_with_source (akid, secret, token, 0, "environment");
}

static SbAwsCredentials *
credentials_from_profile (SbAwsCredentialsProvider  *self,
                          GError                   **error)
{
  SbAwsConfig *config = self->config;
  const char *profile = sb_aws_config_get_profile_name (config);
  const char *akid = sb_aws_config_get_credentials_value (config, "aws_access_key_id");
  const char *secret = sb_aws_config_get_credentials_value (config, "aws_secret_access_key");
  const char *token = sb_aws_config_get_credentials_value (config, "aws_session_token");
  g_autofree char *source = NULL;
  const char *explicit_profile = sb_aws_config_getenv (config, "AWS_PROFILE");

  /* The credentials file wins; the config file may hold keys too. */
  if (akid == NULL || secret == NULL)
    {
      akid = sb_aws_config_get_profile_value (config, "aws_access_key_id");
      secret = sb_aws_config_get_profile_value (config, "aws_secret_access_key");
      token = sb_aws_config_get_profile_value (config, "aws_session_token");
    }
  if (akid != NULL && *akid != '\0' && secret != NULL && *secret != '\0')
    {
      source = g_strdup_printf ("profile %s", profile);
      return sb_aws_credentials_new_with_source (akid, secret, token, 0, source);
    }

  if (explicit_profile != NULL && *explicit_profile != '\0' && !sb_aws_config_has_profile (config))
    {
      g_set_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NO_CREDENTIALS,
                   "The AWS profile “%s” (AWS_PROFILE) is not in ~/.aws/credentials or "
                   "~/.aws/config", profile);
      return NULL;
    }
  /* Profiles that delegate (assume role, SSO, external process) need STS,
   * SSO or a subprocess, none of which this layer implements; say so
   * rather than silently fall through to instance metadata. */
  {
    static const char * const delegating[] = {
      "role_arn", "sso_session", "sso_start_url", "credential_process", "web_identity_token_file",
      NULL
    };

    for (guint i = 0; delegating[i] != NULL; i++)
      if (sb_aws_config_get_profile_value (config, delegating[i]) != NULL ||
          sb_aws_config_get_credentials_value (config, delegating[i]) != NULL)
        {
          g_set_error (error, SB_AWS_ERROR, SB_AWS_ERROR_NO_CREDENTIALS,
                       "The AWS profile “%s” uses %s, which StorageBox does not support; "
                       "give it static keys or use environment variables", profile,
                       delegating[i]);
          return NULL;
        }
  }
  return NULL;
}

static void
ecs_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  SbAwsCredentialsProvider *self = SB_AWS_CREDENTIALS_PROVIDER (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = http_fetch_finish (self, result, &error);
  SbAwsCredentials *credentials = NULL;

  if (body != NULL)
    credentials = credentials_from_json (body, "ECS container credentials", &error);
  else
    g_prefix_error (&error, "ECS container credentials: ");
  if (error != NULL && error->domain != SB_AWS_ERROR)
    {
      GError *wrapped = g_error_new (SB_AWS_ERROR, SB_AWS_ERROR_NO_CREDENTIALS,
                                     "Could not get AWS credentials: %s", error->message);
      g_clear_error (&error);
      error = wrapped;
    }
  complete_fetch (self, credentials, g_steal_pointer (&error));
  g_clear_pointer (&credentials, sb_aws_credentials_unref);
  g_object_unref (self);
}

static gboolean
start_ecs (SbAwsCredentialsProvider *self)
{
  const char *relative = sb_aws_config_getenv (self->config,
                                               "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const char *full = sb_aws_config_getenv (self->config, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  const char *token = sb_aws_config_getenv (self->config, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
  const char *token_file = sb_aws_config_getenv (self->config,
                                                 "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  g_autofree char *url = NULL;
  g_autofree char *file_token = NULL;

  if (relative != NULL && *relative != '\0')
    url = g_strconcat (self->ecs_base_url, relative, NULL);
  else if (full != NULL && *full != '\0')
    url = g_strdup (full);
  else
    return FALSE;

  /* EKS Pod Identity and newer agents rotate the token in a file. */
  if (token_file != NULL && *token_file != '\0' &&
      g_file_get_contents (token_file, &file_token, NULL, NULL))
    token = g_strstrip (file_token);

  http_fetch_async (self, "GET", url, token && *token ? "Authorization" : NULL, token,
                    ECS_TIMEOUT_MS, ecs_cb, g_object_ref (self));
  return TRUE;
}

static void imds_token_cb (GObject *object, GAsyncResult *result, gpointer user_data);
static void imds_role_cb (GObject *object, GAsyncResult *result, gpointer user_data);
static void imds_credentials_cb (GObject *object, GAsyncResult *result, gpointer user_data);

typedef struct
{
  SbAwsCredentialsProvider *self;
  char                     *base;
  char                     *token;
} ImdsFetch;

static void
imds_fetch_free (ImdsFetch *imds)
{
  g_object_unref (imds->self);
  g_free (imds->base);
  g_free (imds->token);
  g_free (imds);
}

static void
imds_fail (ImdsFetch *imds,
           GError    *error)
{
  g_autofree char *reason = g_strdup_printf ("EC2 instance metadata at %s: %s", imds->base,
                                             error->message);

  complete_fetch (imds->self, NULL, no_credentials_error (imds->self, reason));
  g_error_free (error);
  imds_fetch_free (imds);
}

static void
start_imds (SbAwsCredentialsProvider *self)
{
  ImdsFetch *imds = g_new0 (ImdsFetch, 1);
  const char *endpoint = sb_aws_config_getenv (self->config, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  g_autofree char *url = NULL;

  imds->self = g_object_ref (self);
  imds->base = g_strdup (endpoint && *endpoint ? endpoint : IMDS_DEFAULT);
  if (g_str_has_suffix (imds->base, "/"))
    imds->base[strlen (imds->base) - 1] = '\0';
  url = g_strconcat (imds->base, "/latest/api/token", NULL);
  /* IMDSv2: a session token first, sent with every later request. */
  http_fetch_async (self, "PUT", url, "X-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL,
                    IMDS_TIMEOUT_MS, imds_token_cb, imds);
}

static void
imds_token_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ImdsFetch *imds = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = http_fetch_finish (imds->self, result, &error);
  g_autofree char *url = NULL;

  if (body == NULL)
    {
      imds_fail (imds, g_steal_pointer (&error));
      return;
    }
  imds->token = g_strstrip (g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body)));
  url = g_strconcat (imds->base, "/latest/meta-data/iam/security-credentials/", NULL);
  http_fetch_async (imds->self, "GET", url, "X-aws-ec2-metadata-token", imds->token,
                    IMDS_TIMEOUT_MS, imds_role_cb, imds);
}

static void
imds_role_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ImdsFetch *imds = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = http_fetch_finish (imds->self, result, &error);
  g_autofree char *text = NULL;
  g_autofree char *role = NULL;
  g_autofree char *url = NULL;
  char *newline;

  if (body == NULL)
    {
      g_prefix_error (&error, "no IAM role attached to this instance: ");
      imds_fail (imds, g_steal_pointer (&error));
      return;
    }
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  newline = strchr (text, '\n');
  if (newline != NULL)
    *newline = '\0';
  g_strstrip (text);
  if (*text == '\0')
    {
      imds_fail (imds, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                            "no IAM role attached to this instance"));
      return;
    }
  role = g_uri_escape_string (text, NULL, FALSE);
  url = g_strconcat (imds->base, "/latest/meta-data/iam/security-credentials/", role, NULL);
  http_fetch_async (imds->self, "GET", url, "X-aws-ec2-metadata-token", imds->token,
                    IMDS_TIMEOUT_MS, imds_credentials_cb, imds);
}

static void
imds_credentials_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ImdsFetch *imds = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = http_fetch_finish (imds->self, result, &error);
  g_autoptr(SbAwsCredentials) credentials = NULL;

  if (body != NULL)
    credentials = credentials_from_json (body, "EC2 instance metadata", &error);
  if (credentials == NULL)
    {
      imds_fail (imds, g_steal_pointer (&error));
      return;
    }
  complete_fetch (imds->self, credentials, NULL);
  imds_fetch_free (imds);
}

static void
start_fetch (SbAwsCredentialsProvider *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SbAwsCredentials) credentials = NULL;

  self->fetch_count++;

  credentials = credentials_from_environment (self, &error);
  if (credentials == NULL && error == NULL)
    credentials = credentials_from_profile (self, &error);
  if (credentials != NULL || error != NULL)
    {
      complete_fetch (self, credentials, g_steal_pointer (&error));
      return;
    }
  if (start_ecs (self))
    return;
  if (env_is_true (self, "AWS_EC2_METADATA_DISABLED"))
    {
      complete_fetch (self, NULL, no_credentials_error (self, NULL));
      return;
    }
  start_imds (self);
}

/* Hands the outcome to every waiting caller. Takes @error. */
static void
complete_fetch (SbAwsCredentialsProvider *self,
                SbAwsCredentials         *credentials,
                GError                   *error)
{
  g_autoptr(GPtrArray) waiting = NULL;

  if (credentials != NULL)
    {
      g_clear_pointer (&self->cached, sb_aws_credentials_unref);
      self->cached = sb_aws_credentials_ref (credentials);
    }
  else if (self->cached != NULL && still_valid (self, self->cached))
    {
      /* A failed refresh is not fatal while the old ones still work. */
      g_debug ("Refreshing AWS credentials failed, keeping the current ones: %s",
               error->message);
      credentials = self->cached;
      g_clear_error (&error);
    }

  waiting = g_steal_pointer (&self->waiting);
  self->waiting = g_ptr_array_new ();
  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (credentials != NULL)
        g_task_return_pointer (task, sb_aws_credentials_ref (credentials),
                               (GDestroyNotify) sb_aws_credentials_unref);
      else
        g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
  g_clear_error (&error);
}

/**
 * sb_aws_credentials_provider_get_async:
 * @self: a provider
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the credentials
 * @user_data: data for @callback
 *
 * Gets credentials: the cached ones while fresh, else walks the chain. A
 * walk is shared by every caller that asks meanwhile and is bounded by short
 * timeouts; cancelling @cancellable makes this caller's result
 * %G_IO_ERROR_CANCELLED without stopping the shared walk.
 */
void
sb_aws_credentials_provider_get_async (SbAwsCredentialsProvider *self,
                                       GCancellable             *cancellable,
                                       GAsyncReadyCallback       callback,
                                       gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SB_IS_AWS_CREDENTIALS_PROVIDER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_aws_credentials_provider_get_async));

  if (self->cached != NULL && (self->config == NULL || !needs_refresh (self, self->cached)))
    {
      g_task_return_pointer (task, sb_aws_credentials_ref (self->cached),
                             (GDestroyNotify) sb_aws_credentials_unref);
      return;
    }

  g_ptr_array_add (self->waiting, g_steal_pointer (&task));
  if (self->waiting->len == 1)
    start_fetch (self);
}

/**
 * sb_aws_credentials_provider_get_finish:
 *
 * Returns: (transfer full): the credentials, or %NULL with an
 *   %SB_AWS_ERROR_NO_CREDENTIALS (or %SB_AWS_ERROR_INVALID_RESPONSE) error
 */
SbAwsCredentials *
sb_aws_credentials_provider_get_finish (SbAwsCredentialsProvider  *self,
                                        GAsyncResult              *result,
                                        GError                   **error)
{
  g_return_val_if_fail (SB_IS_AWS_CREDENTIALS_PROVIDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
