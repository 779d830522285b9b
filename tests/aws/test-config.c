/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Region and endpoint resolution, S3 addressing style, the shared-file
 * parser. */
#include "config.h"

#include "sb-aws-config-private.h"
#include "sb-aws-ini-private.h"
#include "sb-aws-test-util.h"

static SbAwsConfig *
config_for (const char *first_name,
            ...)
{
  g_auto(GStrv) env = g_environ_setenv (NULL, "HOME", "/nonexistent-sb-test-home", TRUE);
  const char *name = first_name;
  va_list args;

  va_start (args, first_name);
  while (name != NULL)
    {
      const char *value = va_arg (args, const char *);

      env = g_environ_setenv (env, name, value, TRUE);
      name = va_arg (args, const char *);
    }
  va_end (args);
  return sb_aws_config_new ((const char * const *) env);
}

static void
test_region (void)
{
  g_autofree char *home = sb_test_make_tmpdir ("sb-aws-test-XXXXXX");
  g_autofree char *config_path = g_build_filename (home, ".aws", "config", NULL);

  {
    g_autoptr(SbAwsConfig) config = config_for (NULL);
    g_assert_cmpstr (sb_aws_config_get_region (config), ==, "us-east-1");
  }
  {
    g_autoptr(SbAwsConfig) config = config_for ("AWS_DEFAULT_REGION", "eu-west-3", NULL);
    g_assert_cmpstr (sb_aws_config_get_region (config), ==, "eu-west-3");
  }
  {
    g_autoptr(SbAwsConfig) config = config_for ("AWS_DEFAULT_REGION", "eu-west-3",
                                                "AWS_REGION", "eu-north-1", NULL);
    g_assert_cmpstr (sb_aws_config_get_region (config), ==, "eu-north-1");
    sb_aws_config_set_region (config, "ap-east-1");
    g_assert_cmpstr (sb_aws_config_get_region (config), ==, "ap-east-1");
  }

  sb_test_write_file (config_path, "[default]\nregion = ca-central-1\n"
                                   "[profile p]\nregion = me-south-1\n");
  {
    g_autoptr(SbAwsConfig) config = config_for ("HOME", home, NULL);
    g_assert_cmpstr (sb_aws_config_get_region (config), ==, "ca-central-1");
  }
  {
    g_autoptr(SbAwsConfig) config = config_for ("HOME", home, "AWS_PROFILE", "p", NULL);
    g_assert_cmpstr (sb_aws_config_get_region (config), ==, "me-south-1");
    g_assert_cmpstr (sb_aws_config_get_profile_name (config), ==, "p");
  }
  {
    g_autoptr(SbAwsConfig) config = config_for ("HOME", home, "AWS_PROFILE", "p",
                                                "AWS_REGION", "us-west-2", NULL);
    g_assert_cmpstr (sb_aws_config_get_region (config), ==, "us-west-2");
  }
  sb_test_rm_rf (home);
}

static char *
endpoint_string (SbAwsConfig *config,
                 const char  *service)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = sb_aws_config_get_endpoint (config, service, &error);

  g_assert_no_error (error);
  return g_uri_to_string (uri);
}

static void
test_endpoints (void)
{
  {
    g_autoptr(SbAwsConfig) config = config_for ("AWS_REGION", "eu-west-1", NULL);
    g_autofree char *ddb = endpoint_string (config, "dynamodb");
    g_autofree char *s3 = endpoint_string (config, "s3");

    g_assert_cmpstr (ddb, ==, "https://dynamodb.eu-west-1.amazonaws.com/");
    g_assert_cmpstr (s3, ==, "https://s3.eu-west-1.amazonaws.com/");
    g_assert_null (sb_aws_config_get_endpoint_url (config, "s3"));
  }
  {
    g_autoptr(SbAwsConfig) config = config_for ("AWS_REGION", "cn-north-1", NULL);
    g_autofree char *s3 = endpoint_string (config, "s3");

    g_assert_cmpstr (s3, ==, "https://s3.cn-north-1.amazonaws.com.cn/");
  }
  {
    g_autoptr(SbAwsConfig) config = config_for ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                                                "AWS_ENDPOINT_URL_DYNAMODB",
                                                "http://localhost:8000", NULL);
    g_autofree char *ddb = endpoint_string (config, "dynamodb");
    g_autofree char *s3 = endpoint_string (config, "s3");

    g_assert_cmpstr (ddb, ==, "http://localhost:8000/");
    g_assert_cmpstr (s3, ==, "http://127.0.0.1:4566/");
  }
  {
    g_autoptr(SbAwsConfig) config = config_for ("AWS_ENDPOINT_URL_S3", "http://minio:9000",
                                                NULL);
    g_autofree char *ddb = endpoint_string (config, "dynamodb");
    g_autofree char *s3 = NULL;
    g_autofree char *s3_app = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GUri) bad = NULL;

    g_assert_cmpstr (ddb, ==, "https://dynamodb.us-east-1.amazonaws.com/");
    s3 = endpoint_string (config, "s3");
    g_assert_cmpstr (s3, ==, "http://minio:9000/");
    /* The application's own setting wins. */
    sb_aws_config_set_endpoint_url (config, "s3", "https://s3.example.org");
    s3_app = endpoint_string (config, "s3");
    g_assert_cmpstr (s3_app, ==, "https://s3.example.org/");
    sb_aws_config_set_endpoint_url (config, "s3", "ftp://nope");
    bad = sb_aws_config_get_endpoint (config, "s3", &error);
    g_assert_null (bad);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
  {
    g_autoptr(SbAwsConfig) config = config_for ("AWS_ENDPOINT_URL_S3", "http://minio:9000",
                                                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true",
                                                NULL);
    g_assert_null (sb_aws_config_get_endpoint_url (config, "s3"));
  }
}

static void
test_s3_addressing (void)
{
  g_autofree char *home = sb_test_make_tmpdir ("sb-aws-test-XXXXXX");
  g_autofree char *config_path = g_build_filename (home, ".aws", "config", NULL);

  {
    g_autoptr(SbAwsConfig) config = config_for (NULL);

    g_assert_false (sb_aws_config_s3_use_path_style (config, "my-bucket"));
    g_assert_true (sb_aws_config_s3_use_path_style (config, "my.dotted.bucket"));
    g_assert_true (sb_aws_config_s3_use_path_style (config, "Upper"));
    g_assert_true (sb_aws_config_s3_use_path_style (config, "ab"));
    sb_aws_config_set_s3_force_path_style (config, TRUE);
    g_assert_true (sb_aws_config_s3_use_path_style (config, "my-bucket"));
  }
  {
    g_autoptr(SbAwsConfig) config = config_for ("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000",
                                                NULL);
    g_assert_true (sb_aws_config_s3_use_path_style (config, "my-bucket"));
  }
  sb_test_write_file (config_path, "[default]\ns3 =\n  addressing_style = virtual\n"
                                   "[profile pathy]\ns3 =\n    addressing_style = path\n"
                                   "region = eu-west-2\n");
  {
    g_autoptr(SbAwsConfig) config = config_for ("HOME", home, "AWS_ENDPOINT_URL_S3",
                                                "http://s3.local:9000", NULL);
    g_assert_cmpstr (sb_aws_config_get_profile_value (config, "s3.addressing_style"), ==,
                     "virtual");
    g_assert_false (sb_aws_config_s3_use_path_style (config, "my-bucket"));
  }
  {
    g_autoptr(SbAwsConfig) config = config_for ("HOME", home, "AWS_PROFILE", "pathy", NULL);
    g_assert_true (sb_aws_config_s3_use_path_style (config, "my-bucket"));
    g_assert_cmpstr (sb_aws_config_get_region (config), ==, "eu-west-2");
  }
  sb_test_rm_rf (home);
}

static void
test_ini (void)
{
  g_autoptr(GHashTable) sections =
    sb_aws_ini_parse ("top = ignored\n"
                      "# c\n; c\n"
                      "[ default ]\n"
                      "  key =  spaced value  \n"
                      "empty =\n"
                      "[profile   x]\n"
                      "a=1\n"
                      "s3 =\n"
                      "  max_concurrent_requests = 20\n"
                      "  addressing_style = path\n"
                      "b = 2\n"
                      "[broken\n"
                      "c = 3\n");
  GHashTable *def = g_hash_table_lookup (sections, "default");
  GHashTable *x = g_hash_table_lookup (sections, "profile x");

  g_assert_nonnull (def);
  g_assert_nonnull (x);
  g_assert_cmpstr (g_hash_table_lookup (def, "key"), ==, "spaced value");
  g_assert_cmpstr (g_hash_table_lookup (def, "empty"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (x, "a"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (x, "s3.addressing_style"), ==, "path");
  g_assert_cmpstr (g_hash_table_lookup (x, "s3.max_concurrent_requests"), ==, "20");
  g_assert_cmpstr (g_hash_table_lookup (x, "b"), ==, "2");
  g_assert_null (g_hash_table_lookup (x, "c"));
  g_assert_cmpuint (g_hash_table_size (sections), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/aws/config/region", test_region);
  g_test_add_func ("/aws/config/endpoints", test_endpoints);
  g_test_add_func ("/aws/config/s3-addressing", test_s3_addressing);
  g_test_add_func ("/aws/config/ini", test_ini);
  return g_test_run ();
}
