/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "sb-aws-config-private.h"
#include "sb-aws-ini-private.h"

/* Where region, endpoints and shared-file profile settings come from, read
 * once from an environment snapshot (not the live process environment, so
 * tests and embedders can hand in their own) plus ~/.aws/config and
 * ~/.aws/credentials. Setters are for the application's own settings
 * (GSettings), which win over everything. */
struct _SbAwsConfig
{
  GObject     parent_instance;
  GStrv       environ;
  char       *home_dir;
  char       *profile;
  GHashTable *config_section;       /* key -> value, of the selected profile */
  GHashTable *credentials_section;  /* key -> value, of the selected profile */
  GError     *load_error;
  char       *region;
  GHashTable *endpoint_overrides;   /* service ("" for all) -> url */
  gboolean    force_path_style;
};

G_DEFINE_FINAL_TYPE (SbAwsConfig, sb_aws_config, G_TYPE_OBJECT)

static void
sb_aws_config_finalize (GObject *object)
{
  SbAwsConfig *self = SB_AWS_CONFIG (object);

  g_strfreev (self->environ);
  g_free (self->home_dir);
  g_free (self->profile);
  g_clear_pointer (&self->config_section, g_hash_table_unref);
  g_clear_pointer (&self->credentials_section, g_hash_table_unref);
  g_clear_error (&self->load_error);
  g_free (self->region);
  g_clear_pointer (&self->endpoint_overrides, g_hash_table_unref);
  G_OBJECT_CLASS (sb_aws_config_parent_class)->finalize (object);
}

static void
sb_aws_config_class_init (SbAwsConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_aws_config_finalize;
}

static void
sb_aws_config_init (SbAwsConfig *self)
{
  self->endpoint_overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static char *
expand_home (SbAwsConfig *self,
             const char  *path)
{
  if (path[0] == '~' && (path[1] == '/' || path[1] == '\0'))
    return g_build_filename (self->home_dir, path + 1, NULL);
  return g_strdup (path);
}

static GHashTable *
take_section (GHashTable *sections,
              const char *name)
{
  GHashTable *section = g_hash_table_lookup (sections, name);

  return section ? g_hash_table_ref (section) : NULL;
}

static void
load_shared_files (SbAwsConfig *self)
{
  const char *env_config = sb_aws_config_getenv (self, "AWS_CONFIG_FILE");
  const char *env_credentials = sb_aws_config_getenv (self, "AWS_SHARED_CREDENTIALS_FILE");
  g_autofree char *config_path = expand_home (self, env_config ? env_config : "~/.aws/config");
  g_autofree char *credentials_path =
    expand_home (self, env_credentials ? env_credentials : "~/.aws/credentials");
  g_autoptr(GHashTable) config = NULL;
  g_autoptr(GHashTable) credentials = NULL;
  g_autofree char *config_name = NULL;

  config = sb_aws_ini_load (config_path, &self->load_error);
  if (config != NULL)
    credentials = sb_aws_ini_load (credentials_path, &self->load_error);
  if (config == NULL || credentials == NULL)
    return;

  /* In the config file profiles are "[profile name]", except the default
   * profile, which may also be plain "[default]". */
  config_name = g_strconcat ("profile ", self->profile, NULL);
  self->config_section = take_section (config, config_name);
  if (self->config_section == NULL && g_str_equal (self->profile, "default"))
    self->config_section = take_section (config, "default");
  self->credentials_section = take_section (credentials, self->profile);
}

/**
 * sb_aws_config_new:
 * @envp: (nullable): the environment to read, as from g_get_environ();
 *   %NULL for this process's environment
 *
 * Reads the AWS settings of @envp and the shared files it points at
 * (`AWS_PROFILE`, `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `HOME`).
 * Unreadable files are remembered, not fatal: the credential chain reports
 * them if it ends up with nothing.
 *
 * Returns: (transfer full): a new configuration
 */
SbAwsConfig *
sb_aws_config_new (const char * const *envp)
{
  SbAwsConfig *self = g_object_new (SB_TYPE_AWS_CONFIG, NULL);
  const char *home;
  const char *profile;

  self->environ = envp ? g_strdupv ((char **) envp) : g_get_environ ();
  home = sb_aws_config_getenv (self, "HOME");
  self->home_dir = g_strdup (home && *home ? home : g_get_home_dir ());
  profile = sb_aws_config_getenv (self, "AWS_PROFILE");
  if (profile == NULL || *profile == '\0')
    profile = sb_aws_config_getenv (self, "AWS_DEFAULT_PROFILE");
  self->profile = g_strdup (profile && *profile ? profile : "default");
  load_shared_files (self);
  return self;
}

const char * const *
sb_aws_config_get_environ (SbAwsConfig *self)
{
  g_return_val_if_fail (SB_IS_AWS_CONFIG (self), NULL);
  return (const char * const *) self->environ;
}

/**
 * sb_aws_config_getenv:
 *
 * Returns: (nullable): @name in this configuration's environment
 */
const char *
sb_aws_config_getenv (SbAwsConfig *self,
                      const char  *name)
{
  g_return_val_if_fail (SB_IS_AWS_CONFIG (self), NULL);
  return g_environ_getenv (self->environ, name);
}

const char *
sb_aws_config_get_home_dir (SbAwsConfig *self)
{
  return self->home_dir;
}

const char *
sb_aws_config_get_profile_name (SbAwsConfig *self)
{
  g_return_val_if_fail (SB_IS_AWS_CONFIG (self), NULL);
  return self->profile;
}

/**
 * sb_aws_config_get_profile_value:
 * @key: a setting such as "region" or, nested, "s3.addressing_style"
 *
 * Returns: (nullable): the value in the selected profile of the config file
 */
const char *
sb_aws_config_get_profile_value (SbAwsConfig *self,
                                 const char  *key)
{
  g_return_val_if_fail (SB_IS_AWS_CONFIG (self), NULL);
  return self->config_section ? g_hash_table_lookup (self->config_section, key) : NULL;
}

const char *
sb_aws_config_get_credentials_value (SbAwsConfig *self,
                                     const char  *key)
{
  return self->credentials_section ? g_hash_table_lookup (self->credentials_section, key) : NULL;
}

gboolean
sb_aws_config_has_profile (SbAwsConfig *self)
{
  return self->config_section != NULL || self->credentials_section != NULL;
}

const GError *
sb_aws_config_get_load_error (SbAwsConfig *self)
{
  return self->load_error;
}

static const char *
nonempty (const char *s)
{
  return s && *s ? s : NULL;
}

/**
 * sb_aws_config_get_region:
 *
 * The region, from (first found) sb_aws_config_set_region(), `AWS_REGION`,
 * `AWS_DEFAULT_REGION`, the profile's `region`; else "us-east-1", which is
 * also what local DynamoDB/S3 look-alikes expect when they care at all.
 *
 * Returns: the region
 */
const char *
sb_aws_config_get_region (SbAwsConfig *self)
{
  const char *region;

  g_return_val_if_fail (SB_IS_AWS_CONFIG (self), NULL);

  if ((region = nonempty (self->region)) ||
      (region = nonempty (sb_aws_config_getenv (self, "AWS_REGION"))) ||
      (region = nonempty (sb_aws_config_getenv (self, "AWS_DEFAULT_REGION"))) ||
      (region = nonempty (sb_aws_config_get_profile_value (self, "region"))))
    return region;
  return "us-east-1";
}

void
sb_aws_config_set_region (SbAwsConfig *self,
                          const char  *region)
{
  g_return_if_fail (SB_IS_AWS_CONFIG (self));
  g_free (self->region);
  self->region = g_strdup (region);
}

static char *
service_env_name (const char *service)
{
  g_autofree char *upper = g_ascii_strup (service, -1);

  g_strdelimit (upper, " -", '_');
  return g_strconcat ("AWS_ENDPOINT_URL_", upper, NULL);
}

/**
 * sb_aws_config_get_endpoint_url:
 * @service: the service id, "dynamodb" or "s3"
 *
 * A custom endpoint for @service, from (first found): a per-service
 * sb_aws_config_set_endpoint_url(), `AWS_ENDPOINT_URL_<SERVICE>`, a
 * set-for-all sb_aws_config_set_endpoint_url(), `AWS_ENDPOINT_URL`, the
 * profile's `endpoint_url`. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` makes
 * the environment and profile ones count for nothing.
 *
 * Returns: (transfer full) (nullable): the URL, or %NULL for AWS itself
 */
char *
sb_aws_config_get_endpoint_url (SbAwsConfig *self,
                                const char  *service)
{
  g_autofree char *env_name = NULL;
  const char *ignore;
  gboolean use_configured;
  const char *url;

  g_return_val_if_fail (SB_IS_AWS_CONFIG (self), NULL);
  g_return_val_if_fail (service != NULL, NULL);

  ignore = sb_aws_config_getenv (self, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  use_configured = ignore == NULL || g_ascii_strcasecmp (ignore, "true") != 0;
  env_name = service_env_name (service);

  if ((url = nonempty (g_hash_table_lookup (self->endpoint_overrides, service))) ||
      (use_configured && (url = nonempty (sb_aws_config_getenv (self, env_name)))) ||
      (url = nonempty (g_hash_table_lookup (self->endpoint_overrides, ""))) ||
      (use_configured && (url = nonempty (sb_aws_config_getenv (self, "AWS_ENDPOINT_URL")))) ||
      (use_configured && (url = nonempty (sb_aws_config_get_profile_value (self,
                                                                             "endpoint_url")))))
    return g_strdup (url);
  return NULL;
}

/**
 * sb_aws_config_set_endpoint_url:
 * @service: (nullable): the service id, or %NULL for every service
 * @url: (nullable): the endpoint, or %NULL to go back to the default
 */
void
sb_aws_config_set_endpoint_url (SbAwsConfig *self,
                                const char  *service,
                                const char  *url)
{
  g_return_if_fail (SB_IS_AWS_CONFIG (self));

  if (url == NULL)
    g_hash_table_remove (self->endpoint_overrides, service ? service : "");
  else
    g_hash_table_insert (self->endpoint_overrides, g_strdup (service ? service : ""),
                         g_strdup (url));
}

/**
 * sb_aws_config_get_endpoint:
 * @service: the service id, "dynamodb" or "s3"
 *
 * The endpoint to send @service requests to: the custom one if any, else
 * `https://<service>.<region>.amazonaws.com` (`.amazonaws.com.cn` in China).
 * For S3 this is the path-style base; see sb_aws_config_s3_use_path_style().
 *
 * Returns: (transfer full): the endpoint, or %NULL if the custom one is not
 *   an http(s) URL
 */
GUri *
sb_aws_config_get_endpoint (SbAwsConfig  *self,
                            const char   *service,
                            GError      **error)
{
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *region;
  const char *scheme;

  g_return_val_if_fail (SB_IS_AWS_CONFIG (self), NULL);

  url = sb_aws_config_get_endpoint_url (self, service);
  if (url == NULL)
    {
      region = sb_aws_config_get_region (self);
      url = g_strdup_printf ("https://%s.%s.%s", service, region,
                             g_str_has_prefix (region, "cn-") ? "amazonaws.com.cn"
                                                              : "amazonaws.com");
    }
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, error);
  if (uri == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  if ((g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The %s endpoint “%s” is not an http:// or https:// URL", service, url);
      return NULL;
    }
  return g_steal_pointer (&uri);
}

gboolean
sb_aws_config_get_s3_force_path_style (SbAwsConfig *self)
{
  g_return_val_if_fail (SB_IS_AWS_CONFIG (self), FALSE);
  return self->force_path_style;
}

void
sb_aws_config_set_s3_force_path_style (SbAwsConfig *self,
                                       gboolean     force)
{
  g_return_if_fail (SB_IS_AWS_CONFIG (self));
  self->force_path_style = force;
}

/* A bucket name that can be a DNS label under TLS: no dots (they would not
 * match the wildcard certificate), 3-63 lower-case letters, digits and
 * hyphens, not starting or ending with a hyphen. */
static gboolean
bucket_is_virtual_host_compatible (const char *bucket)
{
  gsize len = strlen (bucket);

  if (len < 3 || len > 63 || bucket[0] == '-' || bucket[len - 1] == '-')
    return FALSE;
  for (const char *p = bucket; *p; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-'))
      return FALSE;
  return TRUE;
}

/**
 * sb_aws_config_s3_use_path_style:
 * @bucket: a bucket name
 *
 * Whether requests for @bucket go to `<endpoint>/<bucket>/<key>` (path
 * style) rather than `<bucket>.<endpoint>/<key>` (virtual-hosted). Path style
 * when forced (sb_aws_config_set_s3_force_path_style() or the profile's
 * `s3.addressing_style = path`), when the endpoint is custom (MinIO,
 * s3rver and friends rarely have wildcard DNS) unless the profile says
 * `virtual`, and when the bucket name is not a valid DNS label.
 *
 * Returns: %TRUE for path-style addressing
 */
gboolean
sb_aws_config_s3_use_path_style (SbAwsConfig *self,
                                 const char  *bucket)
{
  const char *style;
  g_autofree char *custom = NULL;

  g_return_val_if_fail (SB_IS_AWS_CONFIG (self), TRUE);

  style = sb_aws_config_get_profile_value (self, "s3.addressing_style");
  if (self->force_path_style || g_strcmp0 (style, "path") == 0)
    return TRUE;
  if (!bucket_is_virtual_host_compatible (bucket))
    return TRUE;
  if (g_strcmp0 (style, "virtual") == 0)
    return FALSE;
  custom = sb_aws_config_get_endpoint_url (self, "s3");
  return custom != NULL;
}
