/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sb-config.h"
#include "sb-core-private.h"
#include "sb-error.h"
#include "sb-library.h"
#include "sb-prices.h"
#include "sb-store-factory.h"

#define SYSTEM_CONFIG_FILE "/etc/storagebox/storagebox.conf"
#define GROUP              "storagebox"
#define PRICES_GROUP       "prices"

typedef struct
{
  const char *key;
  const char *env;
  const char *help;
  const char *arg;
} Key;

static const Key keys[] = {
  { "backend", "STORAGEBOX_BACKEND", N_("Where data lives: local or aws (default local)"),
    N_("NAME") },
  { "data-dir", "STORAGEBOX_DATA_DIR",
    N_("Directory of the local backend (default $XDG_DATA_HOME/storagebox)"), N_("DIR") },
  { "max-upload-size", "STORAGEBOX_MAX_UPLOAD_SIZE",
    N_("Largest file that can be uploaded (default 5GiB)"), N_("SIZE") },
  { "bucket", "STORAGEBOX_BUCKET", N_("S3 bucket of the aws backend"), N_("NAME") },
  { "users-table", "STORAGEBOX_USERS_TABLE", N_("DynamoDB users table (default storagebox-users)"),
    N_("NAME") },
  { "files-table", "STORAGEBOX_FILES_TABLE", N_("DynamoDB files table (default storagebox-files)"),
    N_("NAME") },
  { "sessions-table", "STORAGEBOX_SESSIONS_TABLE",
    N_("DynamoDB sessions table (default storagebox-sessions)"), N_("NAME") },
  { "region", "STORAGEBOX_REGION", N_("AWS region (default: AWS_REGION, ~/.aws/config)"),
    N_("REGION") },
  { "endpoint-url", "STORAGEBOX_ENDPOINT_URL",
    N_("Endpoint for DynamoDB and S3, for compatible services"), N_("URL") },
  { "dynamodb-endpoint-url", "STORAGEBOX_DYNAMODB_ENDPOINT_URL", N_("Endpoint for DynamoDB only"),
    N_("URL") },
  { "s3-endpoint-url", "STORAGEBOX_S3_ENDPOINT_URL", N_("Endpoint for S3 only"), N_("URL") },
};

#define N_KEYS G_N_ELEMENTS (keys)

struct _SbConfig
{
  GObject   parent_instance;
  char    **environ;
  char     *system_file;
  char     *values[N_KEYS];
  char     *origins[N_KEYS];
  char     *default_data_dir;
  /* Command-line flags, parsed by GOption straight into these. */
  char     *flags[N_KEYS];
  char     *flag_config_file;
  GOptionEntry *entries;
  /* Given by the front end, over the AWS chain. */
  char     *access_key_id;
  char     *secret_access_key;
  char     *credentials_source;
  /* [prices]: S3 storage class -> US dollars per GB-month, as written. */
  GHashTable *prices;
};

G_DEFINE_FINAL_TYPE (SbConfig, sb_config, G_TYPE_OBJECT)

static int
key_index (const char *key)
{
  for (guint i = 0; i < N_KEYS; i++)
    if (g_strcmp0 (keys[i].key, key) == 0)
      return (int) i;
  return -1;
}

static void
clear_credentials (SbConfig *self)
{
  if (self->secret_access_key != NULL)
    memset (self->secret_access_key, 0, strlen (self->secret_access_key));
  g_clear_pointer (&self->secret_access_key, g_free);
  g_clear_pointer (&self->access_key_id, g_free);
  g_clear_pointer (&self->credentials_source, g_free);
}

static void
sb_config_finalize (GObject *object)
{
  SbConfig *self = SB_CONFIG (object);

  g_strfreev (self->environ);
  g_free (self->system_file);
  for (guint i = 0; i < N_KEYS; i++)
    {
      g_free (self->values[i]);
      g_free (self->origins[i]);
    }
  g_free (self->default_data_dir);
  for (guint i = 0; i < N_KEYS; i++)
    g_free (self->flags[i]);
  g_free (self->flag_config_file);
  g_free (self->entries);
  clear_credentials (self);
  g_hash_table_unref (self->prices);
  G_OBJECT_CLASS (sb_config_parent_class)->finalize (object);
}

static void
sb_config_class_init (SbConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_config_finalize;
}

static void
sb_config_init (SbConfig *self)
{
  self->system_file = g_strdup (SYSTEM_CONFIG_FILE);
  self->prices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static const char *
getenv_nonempty (SbConfig   *self,
                 const char *name)
{
  const char *value = g_environ_getenv (self->environ, name);
  return value && *value ? value : NULL;
}

/* The XDG base directories of @self's environment, which may not be this
 * process's (tests, or a front end configuring a child). */
static char *
xdg_dir (SbConfig   *self,
         const char *variable,
         const char *fallback)
{
  const char *value = getenv_nonempty (self, variable);
  const char *home = getenv_nonempty (self, "HOME");

  if (value != NULL && g_path_is_absolute (value))
    return g_strdup (value);
  return g_build_filename (home ? home : g_get_home_dir (), fallback, NULL);
}

/**
 * sb_config_new:
 * @envp: (nullable) (array zero-terminated=1): the environment to read,
 *   %NULL for this process's
 *
 * Returns: (transfer full): defaults only; call sb_config_load() for the
 *   config files and the environment
 */
SbConfig *
sb_config_new (const char * const *envp)
{
  SbConfig *self = g_object_new (SB_TYPE_CONFIG, NULL);
  g_autofree char *data_home = NULL;

  self->environ = envp ? g_strdupv ((char **) envp) : g_get_environ ();
  data_home = xdg_dir (self, "XDG_DATA_HOME", ".local/share");
  self->default_data_dir = g_build_filename (data_home, "storagebox", NULL);
  return self;
}

/* Tests read a system file of their own instead of /etc. */
void
sb_config_set_system_file (SbConfig   *self,
                           const char *path)
{
  g_return_if_fail (SB_IS_CONFIG (self));
  g_free (self->system_file);
  self->system_file = g_strdup (path);
}

static void
store_value (SbConfig   *self,
             int         index,
             const char *value,
             const char *origin)
{
  g_free (self->values[index]);
  self->values[index] = g_strdup (value);
  g_free (self->origins[index]);
  self->origins[index] = g_strdup (origin);
}

static char *
known_keys (void)
{
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; i < N_KEYS; i++)
    g_string_append_printf (list, "%s%s", i ? ", " : "", keys[i].key);
  return g_string_free (g_steal_pointer (&list), FALSE);
}

/* Applies one file. @required: whether a missing file is an error. */
/* [prices] STANDARD = 0.023: what one GB-month of a class costs, for
 * estimates (sb-prices.h). */
static gboolean
load_prices (SbConfig   *self,
             GKeyFile   *file,
             const char *path,
             GError    **error)
{
  g_auto(GStrv) names = g_key_file_get_keys (file, PRICES_GROUP, NULL, NULL);

  for (guint i = 0; names && names[i]; i++)
    {
      g_autofree char *value = g_key_file_get_string (file, PRICES_GROUP, names[i], NULL);
      double price;

      if (!sb_prices_is_known_class (names[i]))
        {
          g_set_error (error, SB_ERROR, SB_ERROR_INVALID,
                       _("Unknown storage class “%s” under [%s] in %s: the classes are "
                         "STANDARD, STANDARD_IA, ONEZONE_IA, GLACIER_IR, GLACIER and "
                         "DEEP_ARCHIVE."), names[i], PRICES_GROUP, path);
          return FALSE;
        }
      if (value == NULL || !sb_prices_parse (g_strstrip (value), &price))
        {
          g_set_error (error, SB_ERROR, SB_ERROR_INVALID,
                       _("The price of %s in %s is not a number of US dollars per GB-month, "
                         "like 0.023."), names[i], path);
          return FALSE;
        }
      g_hash_table_insert (self->prices, g_strdup (names[i]), g_steal_pointer (&value));
    }
  return TRUE;
}

static gboolean
load_file (SbConfig    *self,
           const char  *path,
           gboolean     required,
           GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) names = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (!required && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, SB_ERROR, SB_ERROR_INVALID,
                   _("Cannot read the configuration file %s: %s."), path, local_error->message);
      return FALSE;
    }
  if (!load_prices (self, file, path, error))
    return FALSE;
  if (!g_key_file_has_group (file, GROUP))
    {
      g_set_error (error, SB_ERROR, SB_ERROR_INVALID,
                   _("The configuration file %s has no [%s] group: put the settings under a "
                     "line “[%s]”."), path, GROUP, GROUP);
      return FALSE;
    }

  names = g_key_file_get_keys (file, GROUP, NULL, NULL);
  for (guint i = 0; names && names[i]; i++)
    {
      int index = key_index (names[i]);
      g_autofree char *value = NULL;

      if (index < 0)
        {
          g_autofree char *known = known_keys ();
          g_set_error (error, SB_ERROR, SB_ERROR_INVALID,
                       _("Unknown setting “%s” in %s: the settings are %s."), names[i], path,
                       known);
          return FALSE;
        }
      value = g_key_file_get_string (file, GROUP, names[i], &local_error);
      if (value == NULL)
        {
          g_set_error (error, SB_ERROR, SB_ERROR_INVALID,
                       _("The setting “%s” in %s cannot be read: %s."), names[i], path,
                       local_error->message);
          return FALSE;
        }
      g_strstrip (value);
      if (*value != '\0')
        store_value (self, index, value, path);
    }
  return TRUE;
}

/**
 * sb_config_load:
 * @file: (nullable): the config file to read instead of the usual ones
 *   (it must exist)
 *
 * Reads the config files, then the environment, over what is set. Flags
 * go after, with sb_config_set().
 *
 * Returns: %FALSE with an %SB_ERROR_INVALID sentence if a file cannot be
 *   read or has an unknown setting
 */
gboolean
sb_config_load (SbConfig    *self,
                const char  *file,
                GError     **error)
{
  g_return_val_if_fail (SB_IS_CONFIG (self), FALSE);

  if (file != NULL)
    {
      if (!load_file (self, file, TRUE, error))
        return FALSE;
    }
  else
    {
      g_autofree char *config_home = xdg_dir (self, "XDG_CONFIG_HOME", ".config");
      g_autofree char *user_file = g_build_filename (config_home, "storagebox",
                                                     "storagebox.conf", NULL);

      /* The system file first, so the user's overrides it. */
      if (!load_file (self, self->system_file, FALSE, error) ||
          !load_file (self, user_file, FALSE, error))
        return FALSE;
    }

  for (guint i = 0; i < N_KEYS; i++)
    {
      const char *value = getenv_nonempty (self, keys[i].env);
      if (value != NULL)
        store_value (self, (int) i, value, keys[i].env);
    }
  return TRUE;
}

/**
 * sb_config_get_price:
 *
 * Returns: (nullable): what the configuration says one GB-month of
 *   @s3_class costs, in US dollars, or %NULL if it does not say
 */
const char *
sb_config_get_price (SbConfig   *self,
                     const char *s3_class)
{
  g_return_val_if_fail (SB_IS_CONFIG (self), NULL);
  return g_hash_table_lookup (self->prices, s3_class);
}

/**
 * sb_config_set:
 * @key: a setting, e.g. "bucket"
 * @value: (nullable): its value; %NULL or "" leaves the setting as it is
 *
 * Sets @key from a command-line flag, over every other source.
 *
 * Returns: %FALSE if @key is not a setting
 */
gboolean
sb_config_set (SbConfig    *self,
               const char  *key,
               const char  *value,
               GError     **error)
{
  g_autofree char *origin = g_strconcat ("--", key, NULL);

  return sb_config_set_from (self, key, value, origin, error);
}

/**
 * sb_config_set_from:
 * @origin: where the value comes from, as messages should name it (the
 *   desktop app says "Preferences")
 *
 * Like sb_config_set(), for front ends whose settings are not flags.
 */
gboolean
sb_config_set_from (SbConfig    *self,
                    const char  *key,
                    const char  *value,
                    const char  *origin,
                    GError     **error)
{
  int index;

  g_return_val_if_fail (SB_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (origin != NULL, FALSE);

  index = key_index (key);
  if (index < 0)
    {
      g_autofree char *known = known_keys ();
      g_set_error (error, SB_ERROR, SB_ERROR_INVALID,
                   _("Unknown setting “%s”: the settings are %s."), key, known);
      return FALSE;
    }
  if (value == NULL || *value == '\0')
    return TRUE;
  store_value (self, index, value, origin);
  return TRUE;
}

/**
 * sb_config_set_credentials:
 * @source: where the keys come from, as messages should name it (e.g. "the
 *   keyring")
 *
 * Uses these AWS keys instead of the AWS credential chain (environment,
 * shared files, ECS, EC2): for a front end that keeps keys itself. They stay
 * in this object's memory; nothing is written anywhere.
 */
void
sb_config_set_credentials (SbConfig   *self,
                           const char *access_key_id,
                           const char *secret_access_key,
                           const char *source)
{
  g_return_if_fail (SB_IS_CONFIG (self));
  g_return_if_fail (access_key_id != NULL && secret_access_key != NULL);

  clear_credentials (self);
  self->access_key_id = g_strdup (access_key_id);
  self->secret_access_key = g_strdup (secret_access_key);
  self->credentials_source = g_strdup (source ? source : "StorageBox");
}

/**
 * sb_config_add_options:
 * @context: the front end's option context
 *
 * Adds a flag for every setting (`--backend`, `--bucket`, …) and
 * `--config FILE` to @context's main group. Parse, then call
 * sb_config_load_with_options(). @self must outlive the parsing.
 */
void
sb_config_add_options (SbConfig       *self,
                       GOptionContext *context)
{
  g_return_if_fail (SB_IS_CONFIG (self));
  g_return_if_fail (self->entries == NULL);

  self->entries = g_new0 (GOptionEntry, N_KEYS + 2);
  self->entries[0] = (GOptionEntry) {
    "config", 'c', 0, G_OPTION_ARG_FILENAME, &self->flag_config_file,
    N_("Read the settings from FILE instead of storagebox.conf"), N_("FILE")
  };
  for (guint i = 0; i < N_KEYS; i++)
    self->entries[i + 1] = (GOptionEntry) {
      keys[i].key, g_str_equal (keys[i].key, "data-dir") ? 'd' : 0, 0,
      g_str_equal (keys[i].key, "data-dir") ? G_OPTION_ARG_FILENAME
                                                                 : G_OPTION_ARG_STRING,
      &self->flags[i], keys[i].help, keys[i].arg
    };
  g_option_context_add_main_entries (context, self->entries, GETTEXT_PACKAGE);
}

/**
 * sb_config_load_with_options:
 *
 * After the command line was parsed: reads the config file (`--config` or
 * the usual ones) and the environment, then applies the flags given.
 */
gboolean
sb_config_load_with_options (SbConfig  *self,
                             GError   **error)
{
  g_return_val_if_fail (SB_IS_CONFIG (self), FALSE);

  if (!sb_config_load (self, self->flag_config_file, error))
    return FALSE;
  for (guint i = 0; i < N_KEYS; i++)
    if (!sb_config_set (self, keys[i].key, self->flags[i], error))
      return FALSE;
  return TRUE;
}

/**
 * sb_config_get:
 *
 * Returns: (nullable): the value of @key, or %NULL where the default is a
 *   computed one (the AWS chain for region and endpoints)
 */
const char *
sb_config_get (SbConfig   *self,
               const char *key)
{
  int index;

  g_return_val_if_fail (SB_IS_CONFIG (self), NULL);

  index = key_index (key);
  g_return_val_if_fail (index >= 0, NULL);
  if (self->values[index] != NULL)
    return self->values[index];
  if (g_str_equal (key, "backend"))
    return "local";
  if (g_str_equal (key, "data-dir"))
    return self->default_data_dir;
  if (g_str_equal (key, "max-upload-size"))
    return "5GiB";
  if (g_str_equal (key, "users-table"))
    return SB_STORE_DEFAULT_USERS_TABLE;
  if (g_str_equal (key, "files-table"))
    return SB_STORE_DEFAULT_FILES_TABLE;
  if (g_str_equal (key, "sessions-table"))
    return SB_STORE_DEFAULT_SESSIONS_TABLE;
  return NULL;
}

/**
 * sb_config_get_origin:
 *
 * Returns: where the value of @key came from: "--bucket" (a flag), an
 *   environment variable's name, a config file's path, or "default"
 */
const char *
sb_config_get_origin (SbConfig   *self,
                      const char *key)
{
  int index;

  g_return_val_if_fail (SB_IS_CONFIG (self), NULL);

  index = key_index (key);
  g_return_val_if_fail (index >= 0, NULL);
  return self->origins[index] ? self->origins[index] : "default";
}

/**
 * sb_config_get_keys:
 *
 * Returns: (transfer none): every setting's key, in a stable order
 */
const char * const *
sb_config_get_keys (void)
{
  static const char *list[N_KEYS + 1];

  if (list[0] == NULL)
    for (guint i = 0; i < N_KEYS; i++)
      list[i] = keys[i].key;
  return list;
}

const char *
sb_config_get_env_name (const char *key)
{
  int index = key_index (key);
  return index >= 0 ? keys[index].env : NULL;
}

SbBackend
sb_config_get_backend (SbConfig *self)
{
  return g_strcmp0 (sb_config_get (self, "backend"), "aws") == 0 ? SB_BACKEND_AWS
                                                                   : SB_BACKEND_LOCAL;
}

const char *
sb_config_get_data_dir (SbConfig *self)
{
  return sb_config_get (self, "data-dir");
}

guint64
sb_config_get_max_upload_size (SbConfig *self)
{
  guint64 size = SB_DEFAULT_MAX_FILE_SIZE;

  sb_config_parse_size (sb_config_get (self, "max-upload-size"), &size, NULL);
  return size;
}

/**
 * sb_config_parse_size:
 * @text: "5GiB", "512M", "1048576": binary units, as file sizes are shown
 *
 * Returns: %FALSE with an %SB_ERROR_INVALID sentence if @text is no size
 */
gboolean
sb_config_parse_size (const char  *text,
                      guint64     *size,
                      GError     **error)
{
  static const struct { const char *suffix; guint64 factor; } units[] = {
    { "", 1 }, { "b", 1 },
    { "k", 1024 }, { "kb", 1024 }, { "kib", 1024 },
    { "m", 1024 * 1024 }, { "mb", 1024 * 1024 }, { "mib", 1024 * 1024 },
    { "g", 1024 * 1024 * 1024 }, { "gb", 1024 * 1024 * 1024 }, { "gib", 1024 * 1024 * 1024 },
    { "t", G_GUINT64_CONSTANT (1024) * 1024 * 1024 * 1024 },
    { "tb", G_GUINT64_CONSTANT (1024) * 1024 * 1024 * 1024 },
    { "tib", G_GUINT64_CONSTANT (1024) * 1024 * 1024 * 1024 },
  };
  char *end = NULL;
  guint64 number;
  g_autofree char *suffix = NULL;

  if (text == NULL || !g_ascii_isdigit (*text))
    goto invalid;
  number = g_ascii_strtoull (text, &end, 10);
  if (end == text)
    goto invalid;
  suffix = g_ascii_strdown (end, -1);
  g_strstrip (suffix);
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_str_equal (suffix, units[i].suffix))
      {
        if (number == 0 || number > G_MAXUINT64 / units[i].factor)
          goto invalid;
        *size = number * units[i].factor;
        return TRUE;
      }

invalid:
  g_set_error (error, SB_ERROR, SB_ERROR_INVALID,
               _("“%s” is not a size; try for example 5GiB or 100MiB."), text ? text : "");
  return FALSE;
}

/* Validation */

static gboolean
invalid (SbConfig    *self,
         const char  *key,
         GError     **error,
         const char  *what)
{
  g_set_error (error, SB_ERROR, SB_ERROR_INVALID, _("The %s “%s” (from %s) %s."),
               key, sb_config_get (self, key), sb_config_get_origin (self, key), what);
  return FALSE;
}

static gboolean
is_table_name (const char *name)
{
  gsize len = strlen (name);

  if (len < 3 || len > 255)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && strchr ("_.-", name[i]) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
is_bucket_name (const char *name)
{
  gsize len = strlen (name);

  if (len < 3 || len > 63 || !g_ascii_isalnum (name[0]) || !g_ascii_isalnum (name[len - 1]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!(g_ascii_islower (name[i]) || g_ascii_isdigit (name[i]) || name[i] == '.' ||
          name[i] == '-'))
      return FALSE;
  return TRUE;
}

static gboolean
is_http_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         (g_str_equal (g_uri_get_scheme (uri), "http") ||
          g_str_equal (g_uri_get_scheme (uri), "https"));
}

/**
 * sb_config_validate:
 *
 * Returns: %FALSE with one %SB_ERROR_INVALID sentence naming the setting
 *   to fix and where its value came from
 */
gboolean
sb_config_validate (SbConfig  *self,
                    GError   **error)
{
  const char *backend = sb_config_get (self, "backend");
  const char *region = sb_config_get (self, "region");
  const char * const url_keys[] = { "endpoint-url", "dynamodb-endpoint-url", "s3-endpoint-url" };
  const char * const table_keys[] = { "users-table", "files-table", "sessions-table" };
  guint64 size;

  g_return_val_if_fail (SB_IS_CONFIG (self), FALSE);

  if (!g_str_equal (backend, "local") && !g_str_equal (backend, "aws"))
    return invalid (self, "backend", error, _("is not one of local, aws"));
  if (!sb_config_parse_size (sb_config_get (self, "max-upload-size"), &size, NULL))
    return invalid (self, "max-upload-size", error,
                    _("is not a size; try for example 5GiB or 100MiB"));
  if (sb_config_get_backend (self) == SB_BACKEND_LOCAL)
    return TRUE;

  if (sb_config_get (self, "bucket") == NULL)
    {
      g_set_error (error, SB_ERROR, SB_ERROR_INVALID,
                   _("No S3 bucket is configured for the aws backend: set STORAGEBOX_BUCKET, "
                     "or “bucket =” in storagebox.conf, or pass --bucket."));
      return FALSE;
    }
  if (!is_bucket_name (sb_config_get (self, "bucket")))
    return invalid (self, "bucket", error,
                    _("is not a valid S3 bucket name (3 to 63 lower-case letters, digits, dots "
                      "and hyphens)"));
  for (guint i = 0; i < G_N_ELEMENTS (table_keys); i++)
    if (!is_table_name (sb_config_get (self, table_keys[i])))
      return invalid (self, table_keys[i], error,
                      _("is not a valid DynamoDB table name (3 to 255 letters, digits, "
                        "“_”, “-” and “.”)"));
  if (region != NULL && !g_regex_match_simple ("^[a-z]{2}(-[a-z]+)+-[0-9]+$", region, 0, 0))
    return invalid (self, "region", error, _("is not an AWS region such as us-east-1"));
  for (guint i = 0; i < G_N_ELEMENTS (url_keys); i++)
    if (sb_config_get (self, url_keys[i]) != NULL && !is_http_url (sb_config_get (self, url_keys[i])))
      return invalid (self, url_keys[i], error, _("is not an http:// or https:// URL"));
  return TRUE;
}

/**
 * sb_config_describe:
 *
 * Returns: (transfer full): one line saying which backend and where, for
 *   logs and for the check report
 */
char *
sb_config_describe (SbConfig *self)
{
  if (sb_config_get_backend (self) == SB_BACKEND_LOCAL)
    return g_strdup_printf (_("Backend local (from %s), data in %s (from %s)."),
                            sb_config_get_origin (self, "backend"), sb_config_get_data_dir (self),
                            sb_config_get_origin (self, "data-dir"));
  return g_strdup_printf (_("Backend aws (from %s): bucket %s (from %s), tables %s, %s and %s."),
                          sb_config_get_origin (self, "backend"), sb_config_get (self, "bucket"),
                          sb_config_get_origin (self, "bucket"),
                          sb_config_get (self, "users-table"), sb_config_get (self, "files-table"),
                          sb_config_get (self, "sessions-table"));
}

/* Opening */

/* The plain settings the store layer builds a store from; the strings
 * stay @self's. */
static void
get_store_settings (SbConfig        *self,
                    SbStoreSettings *settings)
{
  *settings = (SbStoreSettings) {
    .kind = sb_config_get_backend (self) == SB_BACKEND_AWS ? SB_STORE_KIND_AWS
                                                             : SB_STORE_KIND_LOCAL,
    .data_dir = sb_config_get_data_dir (self),
    .environ = (const char * const *) self->environ,
    .region = sb_config_get (self, "region"),
    .endpoint_url = sb_config_get (self, "endpoint-url"),
    .dynamodb_endpoint_url = sb_config_get (self, "dynamodb-endpoint-url"),
    .s3_endpoint_url = sb_config_get (self, "s3-endpoint-url"),
    .bucket = sb_config_get (self, "bucket"),
    .users_table = sb_config_get (self, "users-table"),
    .files_table = sb_config_get (self, "files-table"),
    .sessions_table = sb_config_get (self, "sessions-table"),
    .access_key_id = self->access_key_id,
    .secret_access_key = self->secret_access_key,
    .credentials_source = self->credentials_source,
    .max_blob_size = sb_config_get_max_upload_size (self),
  };
}

/* A store that cannot be opened or does not work, as an SB_ERROR: the
 * sentence is ours, the backend's own explanation its detail. */
static GError *
unavailable_error (const GError *store_error)
{
  if (g_error_matches (store_error, SB_STORE_ERROR, SB_STORE_ERROR_NO_SPACE) ||
      g_error_matches (store_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return sb_error_from_store (store_error, NULL, NULL);
  return sb_error_new_unavailable (store_error->message);
}

/**
 * sb_config_open_store:
 *
 * Validates the configuration and builds the store it names, without
 * talking to any service (the local store does open its database).
 *
 * Returns: (transfer full): the store, or %NULL with an %SB_ERROR sentence
 */
SbStore *
sb_config_open_store (SbConfig  *self,
                      GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  SbStoreSettings settings;
  SbStore *store;

  g_return_val_if_fail (SB_IS_CONFIG (self), NULL);

  if (!sb_config_validate (self, error))
    return NULL;
  get_store_settings (self, &settings);
  store = sb_store_new_for_settings (&settings, &local_error);
  if (store == NULL)
    g_propagate_error (error, unavailable_error (local_error));
  return store;
}

static void
verify_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (sb_store_verify_finish (SB_STORE (object), result, &error))
    g_task_return_pointer (task, g_object_ref (object), g_object_unref);
  else
    g_task_return_error (task, unavailable_error (error));
}

/**
 * sb_config_open_store_async:
 *
 * Like sb_config_open_store(), then proves the backend works (for AWS: one
 * read from each table and a listing of the bucket), so that a front end
 * can refuse to start with one sentence saying what to fix: no credentials,
 * a key AWS does not know, a missing table or bucket, the wrong region,
 * access denied, an unreachable endpoint. That sentence is the
 * %SB_ERROR_UNAVAILABLE error's detail (sb_error_get_detail()).
 */
void
sb_config_open_store_async (SbConfig            *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SbStore) store = NULL;
  GError *error = NULL;

  g_return_if_fail (SB_IS_CONFIG (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_config_open_store_async));
  store = sb_config_open_store (self, &error);
  if (store == NULL)
    g_task_return_error (task, error);
  else
    sb_store_verify_async (store, cancellable, verify_cb, g_steal_pointer (&task));
}

/**
 * sb_config_open_store_finish:
 *
 * Returns: (transfer full): the working store, or %NULL with an %SB_ERROR
 *   sentence
 */
SbStore *
sb_config_open_store_finish (SbConfig      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Check and provision */

static void
report_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SbCheck *head = g_task_get_task_data (task);
  g_autoptr(SbCheck) report = NULL;
  GError *error = NULL;

  report = sb_store_report_finish (SB_STORE (object), result, &error);
  if (report == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (report)); i++)
    {
      g_autoptr(SbCheckItem) item = g_list_model_get_item (G_LIST_MODEL (report), i);
      sb_check_add (head, sb_check_item_get_name (item), sb_check_item_get_status (item), "%s",
                    sb_check_item_get_message (item));
    }
  g_task_return_pointer (task, g_object_ref (head), g_object_unref);
}

static void
report_start (SbConfig            *self,
              gboolean             provision,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SbCheck) report = sb_check_new ();
  g_autoptr(SbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;

  g_task_set_source_tag (task, source_tag);
  if (!sb_config_validate (self, &error))
    {
      sb_check_add (report, _("Configuration"), SB_CHECK_ERROR, "%s", error->message);
      g_task_return_pointer (task, g_steal_pointer (&report), g_object_unref);
      return;
    }
  description = sb_config_describe (self);
  sb_check_add (report, _("Configuration"), SB_CHECK_OK, "%s", description);

  /* Opening the local store creates its directory and database: that is
   * all provisioning means for it, and all a check can prove. */
  store = sb_config_open_store (self, &error);
  if (store == NULL)
    {
      const char *detail = sb_error_get_detail (error);

      sb_check_add (report, _("Data directory"), SB_CHECK_ERROR, "%s",
                    detail ? detail : error->message);
      g_task_return_pointer (task, g_steal_pointer (&report), g_object_unref);
      return;
    }
  if (sb_config_get_backend (self) == SB_BACKEND_LOCAL)
    {
      sb_check_add (report, _("Data directory"), SB_CHECK_OK,
                    _("%s holds the database and the files."), sb_config_get_data_dir (self));
      g_task_return_pointer (task, g_steal_pointer (&report), g_object_unref);
      return;
    }

  g_task_set_task_data (task, g_steal_pointer (&report), g_object_unref);
  sb_store_report_async (store, provision, cancellable, report_cb, g_steal_pointer (&task));
}

/**
 * sb_config_check_async:
 *
 * Checks the configured backend without changing anything, for
 * `storagebox-cli check` and the desktop app's "Test connection" button.
 * The report (an #SbCheck, a #GListModel of #SbCheckItem) lists the
 * configuration, then for AWS: region and endpoints, credentials, each
 * table, TTL on sessions, the bucket and its lifecycle rules; for the
 * local backend: the data directory. Problems are items, not errors:
 * the finish function fails only if cancelled.
 */
void
sb_config_check_async (SbConfig            *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (SB_IS_CONFIG (self));
  report_start (self, FALSE, SB_SOURCE_TAG (sb_config_check_async), cancellable, callback,
                user_data);
}

/**
 * sb_config_check_finish:
 *
 * Returns: (transfer full): the report; sb_check_get_usable() says whether
 *   StorageBox can run on this backend
 */
SbCheck *
sb_config_check_finish (SbConfig      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sb_config_provision_async:
 *
 * Creates what the configured backend needs, idempotently
 * (`storagebox-cli init`): for AWS the three tables, TTL, the bucket and
 * its lifecycle rules (see sb_store_report_async()); for the local
 * backend its data directory and database. The report says what was found,
 * created, or could not be (a feature the endpoint lacks is a warning).
 */
void
sb_config_provision_async (SbConfig            *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (SB_IS_CONFIG (self));
  report_start (self, TRUE, SB_SOURCE_TAG (sb_config_provision_async), cancellable, callback,
                user_data);
}

SbCheck *
sb_config_provision_finish (SbConfig      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
