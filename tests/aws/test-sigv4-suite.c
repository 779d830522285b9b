/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs every case of the AWS SigV4 test suite (tests/aws/sigv4-suite, data
 * from aws-c-auth; see its ORIGIN.md) in both header and query (presigned)
 * mode, comparing each stage byte for byte. No case is skipped. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sb-aws-sigv4-private.h"

typedef struct
{
  char               *method;
  char               *path;
  char               *query;
  SoupMessageHeaders *headers;
  GBytes             *body;
} ParsedRequest;

static void
parsed_request_free (ParsedRequest *req)
{
  g_free (req->method);
  g_free (req->path);
  g_free (req->query);
  soup_message_headers_unref (req->headers);
  g_bytes_unref (req->body);
  g_free (req);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParsedRequest, parsed_request_free)

static char *
read_case_file (const char *dir,
                const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* The suite's HTTP/1.1-like format: request line, "Name:value" lines (a line
 * starting with whitespace continues the previous value), then an empty line
 * and the body. Folded lines are joined with one space; the signer folds
 * whitespace runs anyway. */
static ParsedRequest *
parse_request (const char *text)
{
  ParsedRequest *req = g_new0 (ParsedRequest, 1);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;
  const char *eol = strchr (p, '\n');
  g_autofree char *line = g_strndup (p, eol ? eol - p : (gssize) strlen (p));
  const char *sp1 = strchr (line, ' ');
  const char *sp2 = g_strrstr (line, " HTTP/1.1");
  g_autofree char *target = NULL;
  char *q;

  g_assert_nonnull (sp1);
  g_assert_nonnull (sp2);
  req->method = g_strndup (line, sp1 - line);
  target = g_strndup (sp1 + 1, sp2 - sp1 - 1);
  q = strchr (target, '?');
  if (q != NULL)
    {
      *q = '\0';
      req->query = g_strdup (q + 1);
    }
  req->path = g_strdup (target);
  req->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);

  p = eol ? eol + 1 : p + strlen (p);
  while (*p != '\0')
    {
      g_autofree char *header = NULL;
      const char *colon;

      eol = strchr (p, '\n');
      header = g_strndup (p, eol ? eol - p : (gssize) strlen (p));
      p = eol ? eol + 1 : p + strlen (p);
      if (*header == '\0')
        break;
      if (header[0] == ' ' || header[0] == '\t')
        {
          char *prev;

          g_assert_cmpuint (values->len, >, 0);
          prev = g_ptr_array_index (values, values->len - 1);
          values->pdata[values->len - 1] = g_strconcat (prev, " ", g_strstrip (header), NULL);
          g_free (prev);
          continue;
        }
      colon = strchr (header, ':');
      g_assert_nonnull (colon);
      g_ptr_array_add (names, g_strndup (header, colon - header));
      g_ptr_array_add (values, g_strdup (colon + 1));
    }
  for (guint i = 0; i < names->len; i++)
    soup_message_headers_append (req->headers, names->pdata[i], values->pdata[i]);
  req->body = g_bytes_new (p, strlen (p));
  return req;
}

typedef struct
{
  char     *dir;
  gboolean  query_mode;
} CaseData;

static void
case_data_free (gpointer data)
{
  CaseData *c = data;

  g_free (c->dir);
  g_free (c);
}

static void
load_context (const char          *dir,
              SbAwsSigningConfig  *config,
              SbAwsCredentials   **out_credentials,
              gboolean            *sign_body,
              guint               *expires)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_build_filename (dir, "context.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) dt = NULL;
  JsonObject *root, *creds;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  creds = json_object_get_object_member (root, "credentials");
  *out_credentials = sb_aws_credentials_new (
      json_object_get_string_member (creds, "access_key_id"),
      json_object_get_string_member (creds, "secret_access_key"),
      json_object_get_string_member_with_default (creds, "token", NULL), 0);
  dt = g_date_time_new_from_iso8601 (json_object_get_string_member (root, "timestamp"), NULL);
  g_assert_nonnull (dt);

  /* The strings live as long as the parser; copy what outlives it. */
  sb_aws_signing_config_init (config,
                              g_intern_string (json_object_get_string_member (root, "service")),
                              g_intern_string (json_object_get_string_member (root, "region")),
                              *out_credentials, g_date_time_to_unix (dt));
  /* The suite's paths are raw, so the one encoding pass is what the
   * generic rules call double encoding; normalisation follows the case. */
  config->double_encode_path = TRUE;
  config->normalize_path = json_object_get_boolean_member (root, "normalize");
  *sign_body = json_object_get_boolean_member (root, "sign_body");
  config->content_sha256_header = *sign_body;
  config->omit_session_token =
    json_object_get_boolean_member_with_default (root, "omit_session_token", FALSE);
  *expires = json_object_get_int_member (root, "expiration_in_seconds");
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* Headers as a sorted list of "lower-name:value" lines, for comparing two
 * requests regardless of header order. */
static char *
header_set (SoupMessageHeaders *headers)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  GString *out = g_string_new (NULL);

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_autofree char *lower = g_ascii_strdown (name, -1);
      g_ptr_array_add (lines, g_strdup_printf ("%s:%s", lower, value));
    }
  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (char *) lines->pdata[i]);
  return g_string_free (out, FALSE);
}

static char *
sorted_query_params (const char *query)
{
  g_auto(GStrv) params = g_strsplit (query ? query : "", "&", -1);

  qsort (params, g_strv_length (params), sizeof (char *), compare_strings);
  return g_strjoinv ("&", params);
}

static void
test_case (gconstpointer data)
{
  const CaseData *c = data;
  g_autofree char *request_text = read_case_file (c->dir, "request.txt");
  g_autoptr(ParsedRequest) req = parse_request (request_text);
  g_autoptr(SbAwsCredentials) credentials = NULL;
  g_autofree char *payload_hash = NULL;
  g_autofree char *canonical_request = NULL;
  g_autofree char *string_to_sign = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *expected_cr = NULL;
  g_autofree char *expected_sts = NULL;
  g_autofree char *expected_sig = NULL;
  g_autofree char *signed_text = NULL;
  g_autoptr(ParsedRequest) expected = NULL;
  SbAwsSigningConfig config;
  gboolean sign_body;
  guint expires;
  const char *prefix = c->query_mode ? "query-" : "header-";
  g_autofree char *f_cr = g_strconcat (prefix, "canonical-request.txt", NULL);
  g_autofree char *f_sts = g_strconcat (prefix, "string-to-sign.txt", NULL);
  g_autofree char *f_sig = g_strconcat (prefix, "signature.txt", NULL);
  g_autofree char *f_sreq = g_strconcat (prefix, "signed-request.txt", NULL);

  load_context (c->dir, &config, &credentials, &sign_body, &expires);
  if (sign_body)
    payload_hash = sb_aws_sha256_hex (g_bytes_get_data (req->body, NULL),
                                      g_bytes_get_size (req->body));

  expected_cr = read_case_file (c->dir, f_cr);
  expected_sts = read_case_file (c->dir, f_sts);
  expected_sig = read_case_file (c->dir, f_sig);
  signed_text = read_case_file (c->dir, f_sreq);
  expected = parse_request (signed_text);

  if (!c->query_mode)
    {
      g_autofree char *ours = NULL;
      g_autofree char *theirs = NULL;

      sb_aws_sigv4_sign_headers_full (&config, req->method, req->path, req->query, req->headers,
                                      payload_hash, &canonical_request, &string_to_sign,
                                      &signature);
      g_assert_cmpstr (canonical_request, ==, expected_cr);
      g_assert_cmpstr (string_to_sign, ==, expected_sts);
      g_assert_cmpstr (signature, ==, expected_sig);
      /* The signed request: every original header plus what the signer
       * added, Authorization included, names case-insensitive. */
      ours = header_set (req->headers);
      theirs = header_set (expected->headers);
      g_assert_cmpstr (ours, ==, theirs);
      g_assert_cmpstr (req->path, ==, expected->path);
      g_assert_cmpstr (req->query, ==, expected->query);
    }
  else
    {
      g_autofree char *query = NULL;
      g_autofree char *ours = NULL;
      g_autofree char *theirs = NULL;
      g_autofree char *headers_before = header_set (req->headers);
      g_autofree char *headers_after = NULL;
      g_autofree char *expected_headers = header_set (expected->headers);

      query = sb_aws_sigv4_presign_query_full (&config, req->method, req->path, req->query,
                                               req->headers, payload_hash, expires,
                                               &canonical_request, &string_to_sign, &signature);
      g_assert_cmpstr (canonical_request, ==, expected_cr);
      g_assert_cmpstr (string_to_sign, ==, expected_sts);
      g_assert_cmpstr (signature, ==, expected_sig);
      /* The presigned target: same raw path, the same parameters (as a
       * set, like the reference runner), headers untouched. */
      g_assert_cmpstr (req->path, ==, expected->path);
      ours = sorted_query_params (query);
      theirs = sorted_query_params (expected->query);
      g_assert_cmpstr (ours, ==, theirs);
      headers_after = header_set (req->headers);
      g_assert_cmpstr (headers_after, ==, headers_before);
      g_assert_cmpstr (headers_after, ==, expected_headers);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *suite = NULL;
  const char *name;

  g_test_init (&argc, &argv, NULL);

  suite = g_test_build_filename (G_TEST_DIST, "aws", "sigv4-suite", NULL);
  dir = g_dir_open (suite, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (suite, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (cases, g_strdup (name));
    }
  g_ptr_array_sort (cases, compare_strings);
  /* 38 cases in the copied suite; fail loudly if the data went missing. */
  g_assert_cmpuint (cases->len, ==, 38);

  for (guint i = 0; i < cases->len; i++)
    {
      for (int mode = 0; mode < 2; mode++)
        {
          CaseData *c = g_new0 (CaseData, 1);
          g_autofree char *test_path = NULL;

          c->dir = g_build_filename (suite, cases->pdata[i], NULL);
          c->query_mode = mode == 1;
          test_path = g_strdup_printf ("/aws/sigv4/suite/%s/%s", mode ? "query" : "header",
                                       (char *) cases->pdata[i]);
          g_test_add_data_func_full (test_path, c, test_case, case_data_free);
        }
    }
  return g_test_run ();
}
