/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SbConfig: where each setting comes from (flags > environment > the user's
 * file > the system file > defaults), and one clear sentence per mistake. */
#include "config.h"

#include <string.h>

#include "sb-config.h"
#include "sb-core-private.h"
#include "sb-error.h"
#include "sb-test-util.h"

typedef struct
{
  char   *dir;
  char   *system_file;
  char   *user_file;
  GStrv   env;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *config_home = NULL;
  g_autofree char *user_dir = NULL;

  f->dir = sb_test_make_tmpdir ("sb-config-XXXXXX");
  f->system_file = g_build_filename (f->dir, "etc.conf", NULL);
  config_home = g_build_filename (f->dir, "config", NULL);
  f->user_file = g_build_filename (config_home, "storagebox", "storagebox.conf", NULL);
  user_dir = g_path_get_dirname (f->user_file);
  g_mkdir_with_parents (user_dir, 0700);
  f->env = g_environ_setenv (NULL, "XDG_CONFIG_HOME", config_home, TRUE);
  f->env = g_environ_setenv (f->env, "HOME", f->dir, TRUE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  sb_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->system_file);
  g_free (f->user_file);
  g_strfreev (f->env);
}

static SbConfig *
load (Fixture  *f,
      GError  **error)
{
  SbConfig *config = sb_config_new ((const char * const *) f->env);

  sb_config_set_system_file (config, f->system_file);
  if (!sb_config_load (config, NULL, error))
    g_clear_object (&config);
  return config;
}

static void
test_defaults (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SbConfig) config = load (f, NULL);
  g_autofree char *data_dir = g_build_filename (f->dir, ".local", "share", "storagebox", NULL);

  g_assert_cmpint (sb_config_get_backend (config), ==, SB_BACKEND_LOCAL);
  g_assert_cmpstr (sb_config_get_data_dir (config), ==, data_dir);
  g_assert_cmpstr (sb_config_get (config, "users-table"), ==, "storagebox-users");
  g_assert_cmpstr (sb_config_get (config, "files-table"), ==, "storagebox-files");
  g_assert_cmpstr (sb_config_get (config, "sessions-table"), ==, "storagebox-sessions");
  g_assert_null (sb_config_get (config, "bucket"));
  g_assert_null (sb_config_get (config, "region"));
  g_assert_cmpstr (sb_config_get_origin (config, "backend"), ==, "default");
  g_assert_cmpuint (sb_config_get_max_upload_size (config), ==, G_GUINT64_CONSTANT (5) << 30);
  g_assert_true (sb_config_validate (config, NULL));
}

static void
test_precedence (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SbConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (f->system_file,
                                      "[storagebox]\nbackend=aws\nbucket=from-etc\n"
                                      "region=eu-west-1\nusers-table=etc-users\n", -1, NULL));
  g_assert_true (g_file_set_contents (f->user_file,
                                      "# mine\n[storagebox]\nbucket = from-user\n"
                                      "files-table=user-files\n", -1, NULL));
  f->env = g_environ_setenv (f->env, "STORAGEBOX_FILES_TABLE", "env-files", TRUE);
  f->env = g_environ_setenv (f->env, "STORAGEBOX_SESSIONS_TABLE", "env-sessions", TRUE);

  config = load (f, &error);
  g_assert_no_error (error);
  g_assert_true (sb_config_set (config, "sessions-table", "flag-sessions", &error));
  g_assert_true (sb_config_set (config, "region", NULL, &error));

  g_assert_cmpint (sb_config_get_backend (config), ==, SB_BACKEND_AWS);
  g_assert_cmpstr (sb_config_get (config, "bucket"), ==, "from-user");
  g_assert_cmpstr (sb_config_get_origin (config, "bucket"), ==, f->user_file);
  g_assert_cmpstr (sb_config_get (config, "users-table"), ==, "etc-users");
  g_assert_cmpstr (sb_config_get_origin (config, "users-table"), ==, f->system_file);
  g_assert_cmpstr (sb_config_get (config, "files-table"), ==, "env-files");
  g_assert_cmpstr (sb_config_get_origin (config, "files-table"), ==, "STORAGEBOX_FILES_TABLE");
  g_assert_cmpstr (sb_config_get (config, "sessions-table"), ==, "flag-sessions");
  g_assert_cmpstr (sb_config_get_origin (config, "sessions-table"), ==, "--sessions-table");
  g_assert_cmpstr (sb_config_get (config, "region"), ==, "eu-west-1");
  g_assert_true (sb_config_validate (config, &error));
  g_assert_no_error (error);
}

static void
test_explicit_file (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *file = g_build_filename (f->dir, "explicit.conf", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.conf", NULL);
  g_autoptr(SbConfig) config = sb_config_new ((const char * const *) f->env);
  g_autoptr(SbConfig) other = sb_config_new ((const char * const *) f->env);
  g_autoptr(GError) error = NULL;

  /* Only the given file counts; the usual ones are not read. */
  g_assert_true (g_file_set_contents (f->user_file, "[storagebox]\nbucket=ignored\n", -1, NULL));
  g_assert_true (g_file_set_contents (file, "[storagebox]\nmax-upload-size=100MiB\n", -1, NULL));
  g_assert_true (sb_config_load (config, file, &error));
  g_assert_null (sb_config_get (config, "bucket"));
  g_assert_cmpuint (sb_config_get_max_upload_size (config), ==, 100 * 1024 * 1024);

  g_assert_false (sb_config_load (other, missing, &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Cannot read the configuration file "));
}

static void
assert_invalid (Fixture    *f,
                const char *contents,
                const char *fragment)
{
  g_autoptr(SbConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (f->system_file, contents, -1, NULL));
  config = load (f, &error);
  if (config != NULL)
    sb_config_validate (config, &error);
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, fragment));
  g_assert_true (g_str_has_suffix (error->message, "."));
}

static void
test_mistakes (Fixture       *f,
               gconstpointer  data)
{
  assert_invalid (f, "[storagebox]\nbuckt=x\n", "Unknown setting “buckt” in");
  assert_invalid (f, "bucket=x\n", "does not start with a group");
  assert_invalid (f, "[other]\nbucket=x\n", "has no [storagebox] group");
  assert_invalid (f, "[storagebox]\nbackend=s3\n", "The backend “s3” (from ");
  assert_invalid (f, "[storagebox]\nbackend=aws\n", "No S3 bucket is configured");
  assert_invalid (f, "[storagebox]\nbackend=aws\nbucket=My_Bucket\n",
                  "is not a valid S3 bucket name");
  assert_invalid (f, "[storagebox]\nbackend=aws\nbucket=ok-bucket\nusers-table=a b\n",
                  "The users-table “a b”");
  assert_invalid (f, "[storagebox]\nbackend=aws\nbucket=ok-bucket\nregion=Mars\n",
                  "is not an AWS region such as us-east-1");
  assert_invalid (f, "[storagebox]\nbackend=aws\nbucket=ok-bucket\nendpoint-url=localhost:4566\n",
                  "is not an http:// or https:// URL");
  assert_invalid (f, "[storagebox]\nmax-upload-size=lots\n", "is not a size");
}

/* The desktop app's settings are not flags: messages name them as it does. */
static void
test_front_end_origin (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SbConfig) config = load (f, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (sb_config_set_from (config, "backend", "aws", "Preferences", &error));
  g_assert_true (sb_config_set_from (config, "bucket", "Not_A_Bucket", "Preferences", &error));
  g_assert_cmpstr (sb_config_get_origin (config, "bucket"), ==, "Preferences");
  g_assert_false (sb_config_validate (config, &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "(from Preferences)"));
  g_assert_null (strstr (error->message, "--bucket"));
  g_clear_error (&error);
  g_assert_false (sb_config_set_from (config, "buckets", "x", "Preferences", &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
}

static void
test_parse_size (void)
{
  guint64 size = 0;

  g_assert_true (sb_config_parse_size ("5GiB", &size, NULL));
  g_assert_cmpuint (size, ==, G_GUINT64_CONSTANT (5) << 30);
  g_assert_true (sb_config_parse_size ("512 m", &size, NULL));
  g_assert_cmpuint (size, ==, 512 << 20);
  g_assert_true (sb_config_parse_size ("1048576", &size, NULL));
  g_assert_cmpuint (size, ==, 1048576);
  g_assert_false (sb_config_parse_size ("0", &size, NULL));
  g_assert_false (sb_config_parse_size ("-1", &size, NULL));
  g_assert_false (sb_config_parse_size ("12 parsecs", &size, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/config/defaults", Fixture, NULL, fixture_setup, test_defaults, fixture_teardown);
  g_test_add ("/config/precedence", Fixture, NULL, fixture_setup, test_precedence,
              fixture_teardown);
  g_test_add ("/config/explicit-file", Fixture, NULL, fixture_setup, test_explicit_file,
              fixture_teardown);
  g_test_add ("/config/mistakes", Fixture, NULL, fixture_setup, test_mistakes, fixture_teardown);
  g_test_add ("/config/front-end-origin", Fixture, NULL, fixture_setup, test_front_end_origin,
              fixture_teardown);
  g_test_add_func ("/config/parse-size", test_parse_size);
  return g_test_run ();
}
