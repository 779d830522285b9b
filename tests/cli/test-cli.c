/* SPDX-License-Identifier: GPL-3.0-or-later */
/* storagebox-cli as a script uses it: every command, --help, usage errors
 * and exit codes, on the local backend or (SB_TEST_BACKEND=aws) on dynalite
 * + RGW; there, Debian's aws CLI then reads back what we wrote, proving
 * the items and objects are what AWS tools expect. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sb-test-util.h"
#include "server-fixture.h"

#define AWS_CLI "/usr/bin/aws"

static char *data_dir;
static const char *local_env[2];

static char *
unique_user (const char *prefix)
{
  static guint counter;
  return g_strdup_printf ("%s%u%04x", prefix, ++counter, g_random_int_range (0, 0xffff));
}

/* Runs the CLI; @args NULL-terminated. */
static int
cli (const char * const *args,
     const char         *input,
     char              **out,
     char              **err)
{
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  int status = sb_test_run_cli (args, local_env, input, &stdout_text, &stderr_text);

  g_test_message ("storagebox-cli %s → %d\n%s%s", args[0], status, stdout_text, stderr_text);
  if (out)
    *out = g_steal_pointer (&stdout_text);
  if (err)
    *err = g_steal_pointer (&stderr_text);
  return status;
}

static int
cli_with_env (const char * const *args,
              const char * const *env,
              char              **err)
{
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  int status = sb_test_run_cli (args, env, NULL, &stdout_text, &stderr_text);

  g_test_message ("storagebox-cli %s → %d\n%s%s", args[0], status, stdout_text, stderr_text);
  if (err)
    *err = g_steal_pointer (&stderr_text);
  return status;
}

/* One sentence on one line, naming the program. */
static void
assert_one_sentence (const char *err,
                     const char *fragment)
{
  g_assert_true (g_str_has_prefix (err, "storagebox-cli"));
  g_assert_nonnull (strstr (err, fragment));
  g_assert_true (g_str_has_suffix (err, ".\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
  g_assert_null (strchr (err, '<'));
}

static guint
count_blobs (const char *owner)
{
  g_autofree char *blobs = g_build_filename (data_dir, "blobs", owner, NULL);
  g_autofree char *tmp = g_build_filename (data_dir, "tmp", NULL);

  if (sb_test_backend_is_aws ())
    return sb_test_server_count_blobs (NULL, owner);
  return sb_test_count_files (blobs) + sb_test_count_files (tmp);
}

static char *
make_user (void)
{
  char *username = unique_user ("cli");
  g_autofree char *email = g_strdup_printf ("%s@example.com", username);
  const char *args[] = { "adduser", username, "--email", email, NULL };

  g_assert_cmpint (cli (args, "cli-password\n", NULL, NULL), ==, 0);
  return username;
}

static char *
write_temp (GBytes *content)
{
  g_autofree char *dir = sb_test_make_tmpdir ("sb-cli-file-XXXXXX");
  char *path = g_build_filename (dir, "sample data.bin", NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (content, NULL),
                                      (gssize) g_bytes_get_size (content), NULL));
  return path;
}

static void
remove_temp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  sb_test_rm_rf (dir);
}

static void
test_help (void)
{
  const char *commands[] = { "init", "check", "adduser", "put", "get", "ls", "rm" };
  const char *help[] = { "--help", NULL };
  const char *none[] = { NULL };
  const char *unknown[] = { "frobnicate", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (cli (help, NULL, &out, NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (out, commands[i]));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *args[] = { commands[i], "--help", NULL };
      g_autofree char *text = NULL;

      g_assert_cmpint (cli (args, NULL, &text, NULL), ==, 0);
      g_assert_nonnull (strstr (text, "Usage:"));
      g_assert_nonnull (strstr (text, "--bucket"));
      g_assert_nonnull (strstr (text, "--config"));
      if (i >= 3)
        g_assert_nonnull (strstr (text, "--user"));
    }

  g_assert_cmpint (cli (none, NULL, NULL, NULL), ==, 2);
  g_assert_cmpint (cli (unknown, NULL, NULL, &err), ==, 2);
  assert_one_sentence (err, "is not a command");
}

static void
test_usage_errors (void)
{
  const char *no_user[] = { "ls", NULL };
  const char *too_many[] = { "rm", "a", "b", "--user", "x", NULL };
  const char *bad_flag[] = { "ls", "--user", "x", "--frob", NULL };
  const char *check[] = { "check", NULL };
  const char *bad_backend[] = { "STORAGEBOX_BACKEND=s3", NULL };
  const char *no_bucket[] = { "STORAGEBOX_BACKEND=aws", "STORAGEBOX_BUCKET=", NULL };
  const char *bad_size[] = { "STORAGEBOX_MAX_UPLOAD_SIZE=lots", NULL };
  g_autofree char *e1 = NULL;
  g_autofree char *e2 = NULL;
  g_autofree char *e3 = NULL;
  g_autofree char *e4 = NULL;
  g_autofree char *e5 = NULL;
  g_autofree char *e6 = NULL;

  g_assert_cmpint (cli (no_user, NULL, NULL, &e1), ==, 2);
  assert_one_sentence (e1, "--user is required");
  g_assert_cmpint (cli (too_many, NULL, NULL, &e2), ==, 2);
  assert_one_sentence (e2, "expected NAME");
  g_assert_cmpint (cli (bad_flag, NULL, NULL, &e3), ==, 2);
  g_assert_nonnull (strstr (e3, "--frob"));

  g_assert_cmpint (cli_with_env (check, bad_backend, &e4), ==, 2);
  assert_one_sentence (e4, "The backend “s3” (from STORAGEBOX_BACKEND) is not one of local, aws");
  g_assert_cmpint (cli_with_env (check, no_bucket, &e5), ==, 2);
  assert_one_sentence (e5, "No S3 bucket is configured");
  g_assert_cmpint (cli_with_env (check, bad_size, &e6), ==, 2);
  assert_one_sentence (e6, "max-upload-size “lots” (from STORAGEBOX_MAX_UPLOAD_SIZE)");
}

static void
test_config_file (void)
{
  g_autofree char *dir = sb_test_make_tmpdir ("sb-cli-conf-XXXXXX");
  g_autofree char *file = g_build_filename (dir, "storagebox.conf", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.conf", NULL);
  g_autofree char *flag = g_strdup_printf ("--config=%s", file);
  g_autofree char *bad_flag = g_strdup_printf ("--config=%s", bad);
  const char *check[] = { "check", flag, "--backend=local", NULL };
  const char *check_json[] = { "check", flag, "--json", NULL };
  const char *check_bad[] = { "check", bad_flag, NULL };
  /* The flag beats the environment, which beats the file. */
  const char *env[] = { "STORAGEBOX_BACKEND=", "STORAGEBOX_DATA_DIR=", "STORAGEBOX_BUCKET=", NULL };
  g_autofree char *contents = g_strdup_printf ("[storagebox]\nbackend = aws\ndata-dir = %s/data\n",
                                               dir);
  g_autofree char *out = NULL;
  g_autofree char *json = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err_json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (g_file_set_contents (file, contents, -1, NULL));
  g_assert_true (g_file_set_contents (bad, "[storagebox]\nbuckt = x\n", -1, NULL));

  g_assert_cmpint (sb_test_run_cli (check, env, NULL, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Backend local (from --backend)"));
  g_assert_nonnull (strstr (out, "/data (from "));

  /* aws from the file, but no bucket anywhere. */
  g_assert_cmpint (sb_test_run_cli (check_json, env, NULL, &json, &err_json), ==, 2);
  assert_one_sentence (err_json, "No S3 bucket is configured");

  g_assert_cmpint (sb_test_run_cli (check_bad, env, NULL, NULL, &err), ==, 2);
  assert_one_sentence (err, "Unknown setting “buckt” in");
  sb_test_rm_rf (dir);
}

static void
test_init_check (void)
{
  const char *init[] = { "init", NULL };
  const char *check[] = { "check", NULL };
  const char *check_json[] = { "check", "--json", NULL };
  g_autofree char *out = NULL;
  g_autofree char *checked = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  /* Idempotent: a second init finds everything there. */
  g_assert_cmpint (cli (init, NULL, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "StorageBox can run on this backend."));
  g_assert_cmpint (cli (check, NULL, &checked, NULL), ==, 0);
  g_assert_cmpint (cli (check_json, NULL, &json, NULL), ==, 0);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_boolean_member (root, "usable"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "items")), >, 1);
  if (sb_test_backend_is_aws ())
    {
      /* What dynalite lacks is one warning, not a failure. */
      g_assert_nonnull (strstr (out, "warning  Session expiry (TTL): This DynamoDB endpoint does "
                                     "not support TTL (UnknownOperationException)"));
      /* The bucket the first init made is seen to be there, not made again. */
      g_assert_nonnull (strstr (out, "ok       S3 bucket storagebox-server-test: Exists and can "
                                     "be listed."));
      /* RGW has lifecycle: the rule the first init set is found as it is. */
      for (guint i = 0; i < 2; i++)
        g_assert_nonnull (strstr (i == 0 ? out : checked,
                                  "ok       Lifecycle rules: Standard-IA after 75 days, Glacier "
                                  "after 365 days, incomplete uploads aborted after 7 days."));
    }
}

static void
test_files (void)
{
  g_autofree char *user = make_user ();
  g_autoptr(GBytes) content = sb_test_random_bytes (3 * 1024 * 1024 + 777, 17);
  g_autofree char *path = write_temp (content);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *back = g_build_filename (dir, "back.bin", NULL);
  const char *put[] = { "put", path, "--user", user, "--description", "Ünï data", NULL };
  const char *put_again[] = { "put", path, "--user", user, NULL };
  const char *put_replace[] = { "put", path, "--user", user, "--replace", NULL };
  const char *ls[] = { "ls", "--user", user, NULL };
  const char *ls_long[] = { "ls", "-l", "--user", user, NULL };
  const char *ls_json[] = { "ls", "--json", "--user", user, NULL };
  const char *get[] = { "get", "sample data.bin", back, "--user", user, NULL };
  const char *get_stdout[] = { "get", "sample data.bin", "-", "--user", user, NULL };
  const char *get_missing[] = { "get", "nope.bin", back, "--user", user, NULL };
  const char *rm[] = { "rm", "sample data.bin", "--user", user, NULL };
  g_autofree char *listing = NULL;
  g_autofree char *long_listing = NULL;
  g_autofree char *json = NULL;
  g_autofree char *again_err = NULL;
  g_autofree char *missing_err = NULL;
  g_autofree char *rm_err = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *expected_long = NULL;
  g_autofree char *expected_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, content);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *entry;
  char *downloaded = NULL;
  gsize length = 0;

  g_assert_cmpint (cli (put, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli (ls, NULL, &listing, NULL), ==, 0);
  g_assert_cmpstr (listing, ==, "sample data.bin\n");
  g_assert_cmpint (cli (ls_long, NULL, &long_listing, NULL), ==, 0);
  expected_long = g_strdup_printf ("%" G_GSIZE_FORMAT "\t", g_bytes_get_size (content));
  g_assert_true (g_str_has_prefix (long_listing, expected_long));
  /* Size, time, the class in words, name; a fresh upload is Standard on
   * either backend. */
  g_assert_true (g_str_has_suffix (long_listing, "Z\tStandard\tsample data.bin\n"));

  g_assert_cmpint (cli (ls_json, NULL, &json, NULL), ==, 0);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  entry = json_array_get_object_element (json_node_get_array (json_parser_get_root (parser)), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, "sample data.bin");
  g_assert_cmpint (json_object_get_int_member (entry, "size"), ==, g_bytes_get_size (content));
  g_assert_cmpstr (json_object_get_string_member (entry, "sha256"), ==, expected_sha);
  g_assert_cmpstr (json_object_get_string_member (entry, "description"), ==, "Ünï data");
  g_assert_cmpint (json_object_get_int_member (entry, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (entry, "storage_class"), ==, "STANDARD");

  g_assert_cmpint (cli (get, NULL, NULL, NULL), ==, 0);
  g_assert_true (g_file_get_contents (back, &downloaded, &length, NULL));
  g_assert_true (length == g_bytes_get_size (content) &&
                 memcmp (downloaded, g_bytes_get_data (content, NULL), length) == 0);
  g_free (downloaded);
  {
    g_autofree char *err = NULL;
    int status = sb_test_run_cli (get_stdout, local_env, NULL, NULL, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (err, ==, "");
  }

  /* The same name again: refused, unless replacing. */
  g_assert_cmpint (cli (put_again, NULL, NULL, &again_err), ==, 1);
  assert_one_sentence (again_err, "already exists");
  g_assert_cmpint (cli (put_replace, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli (get_missing, NULL, NULL, &missing_err), ==, 1);
  assert_one_sentence (missing_err, "There is no file named “nope.bin”");

  g_assert_cmpint (cli (rm, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli (rm, NULL, NULL, &rm_err), ==, 1);
  assert_one_sentence (rm_err, "There is no file named");
  g_assert_cmpint (cli (ls, NULL, &empty, NULL), ==, 0);
  g_assert_cmpstr (empty, ==, "");

  /* Refused and replaced content left nothing behind. */
  g_assert_cmpuint (count_blobs (user), ==, 0);
  remove_temp (path);
}

static void
test_stdin_and_unknown_user (void)
{
  g_autofree char *user = make_user ();
  const char *put[] = { "put", "-", "from-stdin.txt", "--user", user, NULL };
  const char *put_no_name[] = { "put", "-", "--user", user, NULL };
  const char *get[] = { "get", "from-stdin.txt", "-", "--user", user, NULL };
  const char *nobody[] = { "ls", "--user", "nobody-at-all", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;

  g_assert_cmpint (cli (put, "piped in\n", NULL, NULL), ==, 0);
  g_assert_cmpint (cli (get, NULL, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "piped in\n");
  g_assert_cmpint (cli (put_no_name, "x", NULL, &err2), ==, 2);
  assert_one_sentence (err2, "give a NAME");
  g_assert_cmpint (cli (nobody, NULL, NULL, &err), ==, 1);
  assert_one_sentence (err, "There is no user “nobody-at-all”");
}

static JsonObject *
parse_json (JsonParser *parser,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* usage: bytes and files by class with an estimated cost, labelled so;
 * restore: refused, in one sentence, for files that are not archived. */
static void
test_usage_and_restore (void)
{
  g_autofree char *user = make_user ();
  g_autofree char *dir = sb_test_make_tmpdir ("sb-cli-usage-XXXXXX");
  g_autofree char *conf = g_build_filename (dir, "storagebox.conf", NULL);
  g_autofree char *conf_flag = g_strdup_printf ("--config=%s", conf);
  const char *put_a[] = { "put", "-", "a.txt", "--user", user, NULL };
  const char *put_b[] = { "put", "-", "b.txt", "--user", user, NULL };
  const char *usage_json[] = { "usage", "--user", user, "--json", NULL };
  const char *usage_text[] = { "usage", "--user", user, NULL };
  const char *usage_all[] = { "usage", "--all", "--json", NULL };
  const char *usage_priced[] = { "usage", "--user", user, "--json", conf_flag, NULL };
  const char *usage_neither[] = { "usage", NULL };
  const char *usage_nobody[] = { "usage", "--user", "nobody-at-all", NULL };
  const char *restore[] = { "restore", "a.txt", "--user", user, NULL };
  const char *restore_missing[] = { "restore", "nope.txt", "--user", user, NULL };
  const char *restore_bad_tier[] = { "restore", "a.txt", "--user", user, "--tier", "fast", NULL };
  const char *restore_bad_days[] = { "restore", "a.txt", "--user", user, "--days", "0", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) all_parser = json_parser_new ();
  g_autoptr(JsonParser) priced_parser = json_parser_new ();
  g_autofree char *json = NULL, *text = NULL, *all = NULL, *priced = NULL;
  g_autofree char *err = NULL, *err_missing = NULL, *err_tier = NULL, *err_days = NULL;
  g_autofree char *err_neither = NULL, *err_nobody = NULL;
  JsonObject *root, *user_usage, *row, *estimate;
  JsonArray *users;
  gboolean found = FALSE;

  g_assert_cmpint (cli (put_a, "0123456789", NULL, NULL), ==, 0);
  g_assert_cmpint (cli (put_b, "abcde", NULL, NULL), ==, 0);

  g_assert_cmpint (cli (usage_json, NULL, &json, NULL), ==, 0);
  root = parse_json (parser, json);
  estimate = json_object_get_object_member (root, "estimate");
  g_assert_cmpstr (json_object_get_string_member (estimate, "region"), ==, "us-east-1");
  g_assert_cmpstr (json_object_get_string_member (estimate, "prices_taken"), ==, "2025-01");
  g_assert_false (json_object_get_boolean_member (estimate, "prices_configured"));
  users = json_object_get_array_member (root, "users");
  g_assert_cmpuint (json_array_get_length (users), ==, 1);
  user_usage = json_array_get_object_element (users, 0);
  g_assert_cmpstr (json_object_get_string_member (user_usage, "user"), ==, user);
  g_assert_cmpint (json_object_get_int_member (user_usage, "files"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (user_usage, "bytes"), ==, 15);
  row = json_array_get_object_element (json_object_get_array_member (user_usage,
                                                                     "by_storage_class"), 0);
  g_assert_cmpstr (json_object_get_string_member (row, "storage_class"), ==, "STANDARD");
  g_assert_cmpint (json_object_get_int_member (row, "files"), ==, 2);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row,
                                                                 "estimated_monthly_cost_usd"),
                                  15 * 0.023 / (1 << 30), 1e-15);

  g_assert_cmpint (cli (usage_text, NULL, &text, NULL), ==, 0);
  g_assert_nonnull (strstr (text, "Standard"));
  g_assert_nonnull (strstr (text, "15 bytes"));
  g_assert_nonnull (strstr (text, "estimates"));

  /* --all lists this user among everyone's. */
  g_assert_cmpint (cli (usage_all, NULL, &all, NULL), ==, 0);
  users = json_object_get_array_member (parse_json (all_parser, all), "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (users, i),
                                                    "user"), user))
      found = TRUE;
  g_assert_true (found);

  /* Prices from storagebox.conf replace the list prices. */
  g_assert_true (g_file_set_contents (conf, "[storagebox]\n[prices]\nSTANDARD = 2\n", -1, NULL));
  g_assert_cmpint (cli (usage_priced, NULL, &priced, NULL), ==, 0);
  root = parse_json (priced_parser, priced);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (root, "estimate"),
                                                 "prices_configured"));
  user_usage = json_array_get_object_element (json_object_get_array_member (root, "users"), 0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (user_usage,
                                                                 "estimated_monthly_cost_usd"),
                                  15 * 2.0 / (1 << 30), 1e-15);

  g_assert_cmpint (cli (usage_neither, NULL, NULL, &err_neither), ==, 2);
  g_assert_nonnull (strstr (err_neither, "--user USER or --all"));
  g_assert_cmpint (cli (usage_nobody, NULL, NULL, &err_nobody), ==, 1);
  assert_one_sentence (err_nobody, "There is no user “nobody-at-all”");

  /* Fresh uploads are Standard on either backend: nothing to restore. */
  g_assert_cmpint (cli (restore, NULL, NULL, &err), !=, 0);
  assert_one_sentence (err, "“a.txt” is not archived");
  g_assert_cmpint (cli (restore_missing, NULL, NULL, &err_missing), ==, 1);
  assert_one_sentence (err_missing, "nope.txt");
  g_assert_cmpint (cli (restore_bad_tier, NULL, NULL, &err_tier), ==, 2);
  g_assert_nonnull (strstr (err_tier, "Expedited, Standard or Bulk"));
  g_assert_cmpint (cli (restore_bad_days, NULL, NULL, &err_days), ==, 2);
  g_assert_nonnull (strstr (err_days, "--days"));
  sb_test_rm_rf (dir);
}

/* AWS only: a backend that cannot be reached, or is not provisioned. */
static void
test_misconfigured (void)
{
  g_autofree char *unreachable = g_strdup_printf ("STORAGEBOX_DYNAMODB_ENDPOINT_URL=http://127.0.0.1:%u",
                                                  sb_test_free_port ());
  const char *env_unreachable[] = { unreachable, "AWS_MAX_ATTEMPTS=1", NULL };
  const char *env_missing[] = { "STORAGEBOX_FILES_TABLE=not-made-yet", NULL };
  const char *env_no_creds[] = { "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=",
                                 "AWS_SHARED_CREDENTIALS_FILE=/dev/null", NULL };
  const char *ls[] = { "ls", "--user", "whoever", NULL };
  const char *check[] = { "check", NULL };
  g_autofree char *e1 = NULL;
  g_autofree char *e2 = NULL;
  g_autofree char *e3 = NULL;
  g_autofree char *e4 = NULL;

  if (!sb_test_backend_is_aws ())
    {
      g_test_skip ("AWS backend only");
      return;
    }
  g_assert_cmpint (cli_with_env (ls, env_unreachable, &e1), ==, 1);
  assert_one_sentence (e1, "Cannot reach DynamoDB at http://127.0.0.1:");
  g_assert_cmpint (cli_with_env (ls, env_missing, &e2), ==, 1);
  assert_one_sentence (e2, "The DynamoDB table “not-made-yet” does not exist in region us-east-1: "
                           "run “storagebox-cli init”");
  g_assert_cmpint (cli_with_env (ls, env_no_creds, &e3), ==, 1);
  assert_one_sentence (e3, "No AWS credentials found");
  g_assert_cmpint (cli_with_env (check, env_missing, &e4), ==, 1);
}

/* Debian's aws CLI reads back the item and the object a put wrote. */

static char *
run_aws (const char * const *args,
         int                *status)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;

  /* RGW's keys (dynalite takes any), no config, no instance metadata, no
   * pager. */
  g_subprocess_launcher_setenv (launcher, "AWS_ACCESS_KEY_ID", sb_test_backend_access_key (),
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_SECRET_ACCESS_KEY", sb_test_backend_secret_key (),
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_DEFAULT_REGION", "us-east-1", TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_CONFIG_FILE", "/dev/null", TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_SHARED_CREDENTIALS_FILE", "/dev/null", TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_EC2_METADATA_DISABLED", "true", TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_PAGER", "", TRUE);
  g_ptr_array_add (argv, AWS_CLI);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (process);
  if (*status != 0)
    g_test_message ("aws %s %s failed: %s", args[0], args[1], err);
  return out;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static const char *
typed (JsonObject *item,
       const char *name,
       const char *type)
{
  return json_object_get_string_member (json_object_get_object_member (item, name), type);
}

static void
test_awscli_readback (void)
{
  g_autofree char *user = NULL;
  g_autoptr(GBytes) content = sb_test_random_bytes (200000, 23);
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *fetched = NULL;
  g_autofree char *key_json = NULL;
  g_autofree char *item_text = NULL;
  g_autofree char *object_text = NULL;
  g_autofree char *expected_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, content);
  g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (content));
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(JsonObject) head = NULL;
  JsonObject *item;
  JsonObject *metadata;
  char *downloaded = NULL;
  gsize length = 0;
  int status;

  if (!sb_test_backend_is_aws ())
    {
      g_test_skip ("AWS backend only");
      return;
    }
  if (!g_file_test (AWS_CLI, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("Debian's awscli is not installed (" AWS_CLI ")");
      return;
    }

  user = make_user ();
  path = write_temp (content);
  dir = g_path_get_dirname (path);
  fetched = g_build_filename (dir, "fetched.bin", NULL);
  {
    const char *put[] = { "put", path, "report 2024.bin", "--user", user, "--description",
                          "Quarterly", NULL };
    g_assert_cmpint (cli (put, NULL, NULL, NULL), ==, 0);
  }

  key_json = g_strdup_printf ("{\"owner\": {\"S\": \"%s\"}, \"name\": {\"S\": \"report 2024.bin\"}}",
                              user);
  {
    const char *args[] = { "dynamodb", "get-item", "--endpoint-url",
                           sb_test_backend_dynamodb_url (), "--table-name", "storagebox-files",
                           "--consistent-read", "--key", key_json, "--output", "json", NULL };
    item_text = run_aws (args, &status);
    g_assert_cmpint (status, ==, 0);
  }
  response = parse_object (item_text);
  item = json_object_get_object_member (response, "Item");
  g_assert_nonnull (item);
  g_assert_cmpstr (typed (item, "owner", "S"), ==, user);
  g_assert_cmpstr (typed (item, "name", "S"), ==, "report 2024.bin");
  g_assert_cmpstr (typed (item, "size", "N"), ==, size);
  g_assert_cmpstr (typed (item, "version", "N"), ==, "1");
  g_assert_cmpstr (typed (item, "checksum", "S"), ==, expected_sha);
  g_assert_cmpstr (typed (item, "description", "S"), ==, "Quarterly");
  g_assert_true (g_regex_match_simple ("^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-9:]{8}\\.[0-9]{6}Z$",
                                       typed (item, "created_at", "S"), 0, 0));
  g_assert_true (g_str_has_prefix (typed (item, "object_key", "S"), user));

  {
    const char *args[] = { "s3api", "get-object", "--endpoint-url", sb_test_backend_s3_url (),
                           "--bucket", sb_test_backend_bucket (), "--key",
                           typed (item, "object_key", "S"), fetched, "--output", "json", NULL };
    object_text = run_aws (args, &status);
    g_assert_cmpint (status, ==, 0);
  }
  head = parse_object (object_text);
  g_assert_cmpint (json_object_get_int_member (head, "ContentLength"), ==,
                   g_bytes_get_size (content));
  metadata = json_object_get_object_member (head, "Metadata");
  g_assert_cmpstr (json_object_get_string_member (metadata, "owner"), ==, user);
  g_assert_cmpstr (json_object_get_string_member (metadata, "name"), ==, "report%202024.bin");
  g_assert_true (g_file_get_contents (fetched, &downloaded, &length, NULL));
  g_assert_true (length == g_bytes_get_size (content) &&
                 memcmp (downloaded, g_bytes_get_data (content, NULL), length) == 0);
  g_free (downloaded);
  remove_temp (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_env = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (sb_test_backend_add_skip ("/cli/skipped"))
    return g_test_run ();
  data_dir = sb_test_make_tmpdir ("sb-cli-data-XXXXXX");
  data_env = g_strdup_printf ("STORAGEBOX_DATA_DIR=%s", data_dir);
  local_env[0] = data_env;

  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/config-file", test_config_file);
  g_test_add_func ("/cli/init-check", test_init_check);
  g_test_add_func ("/cli/files", test_files);
  g_test_add_func ("/cli/stdin-and-unknown-user", test_stdin_and_unknown_user);
  g_test_add_func ("/cli/usage-and-restore", test_usage_and_restore);
  g_test_add_func ("/cli/misconfigured", test_misconfigured);
  g_test_add_func ("/cli/awscli-readback", test_awscli_readback);

  status = g_test_run ();
  sb_test_backend_stop ();
  sb_test_rm_rf (data_dir);
  g_free (data_dir);
  return status;
}
