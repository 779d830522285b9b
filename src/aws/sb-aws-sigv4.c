/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-aws-sigv4-private.h"
#include "sb-sha256.h"

#define ALGORITHM "AWS4-HMAC-SHA256"

/* Headers that proxies and HTTP stacks add, drop or rewrite on the way, so
 * signing them would break the signature (the same list the SDKs skip). */
static const char * const unsigned_headers[] = {
  "authorization", "user-agent", "expect", "x-amzn-trace-id", "connection",
  "transfer-encoding", "accept-encoding", "te", "upgrade", "proxy-authorization", NULL
};

void
sb_aws_signing_config_init (SbAwsSigningConfig *config,
                            const char         *service,
                            const char         *region,
                            SbAwsCredentials   *credentials,
                            gint64              time)
{
  gboolean s3;

  g_return_if_fail (config != NULL);
  g_return_if_fail (service != NULL);

  /* S3 signs the path exactly as sent: keys may legitimately contain "//"
   * or "..", and the key is encoded once by whoever builds the URL. */
  s3 = g_str_equal (service, "s3") || g_str_equal (service, "s3-outposts") ||
       g_str_equal (service, "s3express");

  memset (config, 0, sizeof *config);
  config->service = service;
  config->region = region;
  config->credentials = credentials;
  config->time = time;
  config->normalize_path = !s3;
  config->double_encode_path = !s3;
  config->content_sha256_header = s3;
  config->omit_session_token = FALSE;
}

/* Encoding */

static inline gboolean
is_unreserved (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static void
append_uri_encoded (GString    *out,
                    const char *text,
                    gssize      length,
                    gboolean    keep_slash)
{
  static const char hex[] = "0123456789ABCDEF";
  const guchar *p = (const guchar *) text;
  const guchar *end = length < 0 ? p + strlen (text) : p + length;

  for (; p < end; p++)
    {
      if (is_unreserved (*p) || (keep_slash && *p == '/'))
        g_string_append_c (out, (char) *p);
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[*p >> 4]);
          g_string_append_c (out, hex[*p & 0xf]);
        }
    }
}

/**
 * sb_aws_uri_encode:
 * @text: bytes to encode (UTF-8 for text)
 * @keep_slash: leave `/` as is (object keys in a path)
 *
 * Percent-encodes every byte outside `A-Z a-z 0-9 - . _ ~` with upper-case
 * hex, the one encoding SigV4 and S3 accept.
 *
 * Returns: (transfer full): the encoded string
 */
char *
sb_aws_uri_encode (const char *text,
                   gboolean    keep_slash)
{
  GString *out = g_string_sized_new (strlen (text) + 8);

  append_uri_encoded (out, text, -1, keep_slash);
  return g_string_free (out, FALSE);
}

/* Decodes %XX sequences; anything else, including a stray '%' or '+', is
 * kept as is, because SigV4 treats '+' as a literal plus. */
static char *
percent_decode (const char *text,
                gssize      length)
{
  GString *out = g_string_sized_new (length < 0 ? strlen (text) : (gsize) length);
  const char *end = length < 0 ? text + strlen (text) : text + length;

  for (const char *p = text; p < end; p++)
    {
      if (*p == '%' && end - p >= 3 && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
        {
          g_string_append_c (out, (char) (g_ascii_xdigit_value (p[1]) << 4 |
                                          g_ascii_xdigit_value (p[2])));
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

char *
sb_aws_sha256_hex (gconstpointer data,
                   gsize         length)
{
  return sb_sha256_hex (data, length);
}

/* Canonical request */

/* RFC 3986 dot-segment removal plus the AWS rule that empty segments go too;
 * a trailing slash survives when something is left before it. */
static char *
normalize_path (const char *path)
{
  g_auto(GStrv) segments = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  GString *out;
  gsize len = strlen (path);

  if (len == 0)
    return g_strdup ("/");

  segments = g_strsplit (path, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      const char *s = segments[i];

      if (*s == '\0' || g_str_equal (s, "."))
        continue;
      if (g_str_equal (s, ".."))
        {
          if (kept->len > 0)
            g_ptr_array_remove_index (kept, kept->len - 1);
          continue;
        }
      g_ptr_array_add (kept, (gpointer) s);
    }

  out = g_string_new (path[0] == '/' ? "/" : "");
  for (guint i = 0; i < kept->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, '/');
      g_string_append (out, g_ptr_array_index (kept, i));
    }
  if (path[len - 1] == '/' && kept->len > 0)
    g_string_append_c (out, '/');
  return g_string_free (out, FALSE);
}

char *
sb_aws_sigv4_canonical_path (const char *path,
                             gboolean    normalize,
                             gboolean    double_encode)
{
  g_autofree char *normalized = NULL;

  if (path == NULL || *path == '\0')
    path = "/";
  if (normalize)
    path = normalized = normalize_path (path);
  if (double_encode)
    return sb_aws_uri_encode (path, TRUE);
  return g_strdup (path);
}

/* A query parameter or a header line, both sorted into canonical order. */
typedef struct
{
  char *name;
  char *value;
} NameValue;

/* Takes @name and @value. */
static NameValue *
name_value_new (char *name,
                char *value)
{
  NameValue *pair = g_new0 (NameValue, 1);

  pair->name = name;
  pair->value = value;
  return pair;
}

static void
name_value_free (gpointer data)
{
  NameValue *pair = data;

  g_free (pair->name);
  g_free (pair->value);
  g_free (pair);
}

static int
name_value_compare_names (gconstpointer a,
                          gconstpointer b)
{
  const NameValue *pa = *(const NameValue * const *) a;
  const NameValue *pb = *(const NameValue * const *) b;

  return strcmp (pa->name, pb->name);
}

static int
name_value_compare (gconstpointer a,
                    gconstpointer b)
{
  const NameValue *pa = *(const NameValue * const *) a;
  const NameValue *pb = *(const NameValue * const *) b;
  int cmp = strcmp (pa->name, pb->name);

  return cmp != 0 ? cmp : strcmp (pa->value, pb->value);
}

/* Each parameter is decoded and re-encoded so that the canonical form does
 * not depend on how the caller happened to encode it, then sorted by
 * encoded key and value. */
char *
sb_aws_sigv4_canonical_query (const char *query)
{
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (name_value_free);
  GString *out = g_string_new (NULL);
  const char *p = query;

  while (p != NULL && *p != '\0')
    {
      const char *amp = strchr (p, '&');
      const char *end = amp ? amp : p + strlen (p);
      const char *eq = memchr (p, '=', end - p);

      if (end > p)
        {
          g_autofree char *key = percent_decode (p, (eq ? eq : end) - p);
          g_autofree char *value = eq ? percent_decode (eq + 1, end - eq - 1) : g_strdup ("");

          g_ptr_array_add (params, name_value_new (sb_aws_uri_encode (key, FALSE),
                                                   sb_aws_uri_encode (value, FALSE)));
        }
      p = amp ? amp + 1 : NULL;
    }

  g_ptr_array_sort (params, name_value_compare);
  for (guint i = 0; i < params->len; i++)
    {
      NameValue *param = g_ptr_array_index (params, i);

      if (i > 0)
        g_string_append_c (out, '&');
      g_string_append_printf (out, "%s=%s", param->name, param->value);
    }
  return g_string_free (out, FALSE);
}

static inline gboolean
is_header_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Trims the value and folds every run of whitespace to one space, as the
 * canonical form requires (values are not otherwise touched). */
static char *
canonical_header_value (const char *value)
{
  GString *out = g_string_sized_new (strlen (value));
  gboolean pending_space = FALSE;

  for (const char *p = value; *p; p++)
    {
      if (is_header_space (*p))
        {
          pending_space = out->len > 0;
          continue;
        }
      if (pending_space)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

char *
sb_aws_sigv4_canonical_headers (SoupMessageHeaders  *headers,
                                char               **signed_headers)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (name_value_free);
  GString *canonical = g_string_new (NULL);
  GString *names = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_autofree char *lower = g_ascii_strdown (name, -1);

      if (g_strv_contains (unsigned_headers, lower))
        continue;
      g_ptr_array_add (lines, name_value_new (g_steal_pointer (&lower),
                                              canonical_header_value (value)));
    }

  /* A stable sort keeps repeated headers in the order they were added,
   * which is the order their values must be joined in. */
  g_ptr_array_sort (lines, name_value_compare_names);

  for (guint i = 0; i < lines->len; i++)
    {
      NameValue *line = g_ptr_array_index (lines, i);
      NameValue *prev = i > 0 ? g_ptr_array_index (lines, i - 1) : NULL;

      if (prev != NULL && g_str_equal (prev->name, line->name))
        {
          /* Replace the "\n" that ended the previous value. */
          g_string_truncate (canonical, canonical->len - 1);
          g_string_append_printf (canonical, ",%s\n", line->value);
          continue;
        }
      g_string_append_printf (canonical, "%s:%s\n", line->name, line->value);
      if (names->len > 0)
        g_string_append_c (names, ';');
      g_string_append (names, line->name);
    }

  if (signed_headers != NULL)
    *signed_headers = g_string_free (names, FALSE);
  else
    g_string_free (names, TRUE);
  return g_string_free (canonical, FALSE);
}

char *
sb_aws_sigv4_canonical_request (const SbAwsSigningConfig  *config,
                                const char                *method,
                                const char                *path,
                                const char                *query,
                                SoupMessageHeaders        *headers,
                                const char                *payload_hash,
                                char                     **signed_headers)
{
  g_autofree char *canonical_path = NULL;
  g_autofree char *canonical_query = NULL;
  g_autofree char *canonical_headers = NULL;
  g_autofree char *names = NULL;
  char *request;

  canonical_path = sb_aws_sigv4_canonical_path (path, config->normalize_path,
                                                config->double_encode_path);
  canonical_query = sb_aws_sigv4_canonical_query (query);
  canonical_headers = sb_aws_sigv4_canonical_headers (headers, &names);

  request = g_strdup_printf ("%s\n%s\n%s\n%s\n%s\n%s", method, canonical_path, canonical_query,
                             canonical_headers, names,
                             payload_hash ? payload_hash : SB_AWS_EMPTY_SHA256);
  if (signed_headers != NULL)
    *signed_headers = g_steal_pointer (&names);
  return request;
}

/* String to sign and signature */

char *
sb_aws_sigv4_amz_date (gint64 time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (time);

  g_return_val_if_fail (dt != NULL, NULL);
  return g_date_time_format (dt, "%Y%m%dT%H%M%SZ");
}

char *
sb_aws_sigv4_scope (const SbAwsSigningConfig *config)
{
  g_autofree char *amz_date = sb_aws_sigv4_amz_date (config->time);

  return g_strdup_printf ("%.8s/%s/%s/aws4_request", amz_date, config->region, config->service);
}

char *
sb_aws_sigv4_string_to_sign (const char *amz_date,
                             const char *scope,
                             const char *canonical_request)
{
  g_autofree char *hash = sb_aws_sha256_hex (canonical_request, strlen (canonical_request));

  return g_strdup_printf (ALGORITHM "\n%s\n%s\n%s", amz_date, scope, hash);
}

static void
hmac_sha256 (const guint8 *key,
             gsize         key_length,
             const char   *data,
             guint8        out[32])
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_length);
  gsize length = 32;

  g_hmac_update (hmac, (const guchar *) data, strlen (data));
  g_hmac_get_digest (hmac, out, &length);
  g_assert (length == 32);
}

/* Deriving a key costs four HMACs and is the same all day for one secret,
 * region and service, so a handful of recent keys are kept. The cache is
 * keyed by a hash of the secret rather than the secret itself. */
#define KEY_CACHE_SIZE 8

typedef struct
{
  guint8  secret_hash[32];
  char    date[9];
  char   *region;
  char   *service;
  guint8  key[32];
} CachedKey;

static GMutex    key_cache_lock;
static CachedKey key_cache[KEY_CACHE_SIZE];
static guint     key_cache_next;
static guint     key_cache_miss_count;

void
sb_aws_sigv4_signing_key (const char *secret_access_key,
                          const char *date,
                          const char *region,
                          const char *service,
                          guint8      key[32])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *secret = NULL;
  guint8 secret_hash[32];
  guint8 k_date[32], k_region[32], k_service[32];
  gsize length = sizeof secret_hash;
  CachedKey *slot;

  g_checksum_update (checksum, (const guchar *) secret_access_key, strlen (secret_access_key));
  g_checksum_get_digest (checksum, secret_hash, &length);

  g_mutex_lock (&key_cache_lock);
  for (guint i = 0; i < KEY_CACHE_SIZE; i++)
    {
      CachedKey *entry = &key_cache[i];

      if (entry->service != NULL &&
          memcmp (entry->secret_hash, secret_hash, 32) == 0 &&
          strncmp (entry->date, date, 8) == 0 &&
          g_str_equal (entry->region, region) &&
          g_str_equal (entry->service, service))
        {
          memcpy (key, entry->key, 32);
          g_mutex_unlock (&key_cache_lock);
          return;
        }
    }
  key_cache_miss_count++;
  g_mutex_unlock (&key_cache_lock);

  secret = g_strconcat ("AWS4", secret_access_key, NULL);
  {
    g_autofree char *day = g_strndup (date, 8);

    hmac_sha256 ((const guint8 *) secret, strlen (secret), day, k_date);
  }
  hmac_sha256 (k_date, 32, region, k_region);
  hmac_sha256 (k_region, 32, service, k_service);
  hmac_sha256 (k_service, 32, "aws4_request", key);
  memset (secret, 0, strlen (secret));

  g_mutex_lock (&key_cache_lock);
  slot = &key_cache[key_cache_next];
  key_cache_next = (key_cache_next + 1) % KEY_CACHE_SIZE;
  g_free (slot->region);
  g_free (slot->service);
  memcpy (slot->secret_hash, secret_hash, 32);
  g_strlcpy (slot->date, date, sizeof slot->date);
  slot->region = g_strdup (region);
  slot->service = g_strdup (service);
  memcpy (slot->key, key, 32);
  g_mutex_unlock (&key_cache_lock);
}

guint
sb_aws_sigv4_key_cache_misses (void)
{
  guint misses;

  g_mutex_lock (&key_cache_lock);
  misses = key_cache_miss_count;
  g_mutex_unlock (&key_cache_lock);
  return misses;
}

char *
sb_aws_sigv4_signature (const guint8  key[32],
                        const char   *string_to_sign)
{
  guint8 digest[32];
  GString *out = g_string_sized_new (64);

  hmac_sha256 (key, 32, string_to_sign, digest);
  for (guint i = 0; i < 32; i++)
    g_string_append_printf (out, "%02x", digest[i]);
  return g_string_free (out, FALSE);
}

static char *
sign_string (const SbAwsSigningConfig *config,
             const char               *amz_date,
             const char               *string_to_sign)
{
  guint8 key[32];
  char *signature;

  sb_aws_sigv4_signing_key (sb_aws_credentials_get_secret_access_key (config->credentials),
                            amz_date, config->region, config->service, key);
  signature = sb_aws_sigv4_signature (key, string_to_sign);
  memset (key, 0, sizeof key);
  return signature;
}

/* The last stages, shared by both signing modes: the string to sign and the
 * signature of @canonical_request (which this takes), each stage handed
 * back when asked for. Returns the signature. */
static char *
sign_canonical_request (const SbAwsSigningConfig  *config,
                        const char                *amz_date,
                        const char                *scope,
                        char                      *canonical_request,
                        char                     **out_canonical_request,
                        char                     **out_string_to_sign,
                        char                     **out_signature)
{
  g_autofree char *request = canonical_request;
  g_autofree char *string_to_sign = sb_aws_sigv4_string_to_sign (amz_date, scope, request);
  char *signature = sign_string (config, amz_date, string_to_sign);

  if (out_canonical_request)
    *out_canonical_request = g_steal_pointer (&request);
  if (out_string_to_sign)
    *out_string_to_sign = g_steal_pointer (&string_to_sign);
  if (out_signature)
    *out_signature = g_strdup (signature);
  return signature;
}

/* Header signing */

gboolean
sb_aws_sigv4_sign_headers_full (const SbAwsSigningConfig  *config,
                                const char                *method,
                                const char                *path,
                                const char                *query,
                                SoupMessageHeaders        *headers,
                                const char                *payload_hash,
                                char                     **out_canonical_request,
                                char                     **out_string_to_sign,
                                char                     **out_signature)
{
  g_autofree char *amz_date = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *signed_headers = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *authorization = NULL;
  char *canonical_request;
  const char *token;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (config->credentials != NULL, FALSE);
  g_return_val_if_fail (config->region != NULL && config->service != NULL, FALSE);
  g_return_val_if_fail (method != NULL && headers != NULL, FALSE);

  if (payload_hash == NULL)
    payload_hash = SB_AWS_EMPTY_SHA256;
  amz_date = sb_aws_sigv4_amz_date (config->time);
  scope = sb_aws_sigv4_scope (config);
  token = sb_aws_credentials_get_session_token (config->credentials);

  /* A retry re-signs the same headers: drop what an earlier signing added. */
  soup_message_headers_remove (headers, "Authorization");
  soup_message_headers_remove (headers, "X-Amz-Date");
  soup_message_headers_remove (headers, "X-Amz-Security-Token");
  if (config->content_sha256_header)
    soup_message_headers_remove (headers, "x-amz-content-sha256");

  if (token != NULL && !config->omit_session_token)
    soup_message_headers_append (headers, "X-Amz-Security-Token", token);
  soup_message_headers_append (headers, "X-Amz-Date", amz_date);
  if (config->content_sha256_header)
    soup_message_headers_append (headers, "x-amz-content-sha256", payload_hash);

  canonical_request = sb_aws_sigv4_canonical_request (config, method, path, query, headers,
                                                      payload_hash, &signed_headers);
  signature = sign_canonical_request (config, amz_date, scope, canonical_request,
                                      out_canonical_request, out_string_to_sign, out_signature);

  authorization = g_strdup_printf (ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                                   sb_aws_credentials_get_access_key_id (config->credentials),
                                   scope, signed_headers, signature);
  if (token != NULL && config->omit_session_token)
    soup_message_headers_append (headers, "X-Amz-Security-Token", token);
  soup_message_headers_append (headers, "Authorization", authorization);
  return TRUE;
}

/**
 * sb_aws_sigv4_sign_headers:
 * @config: how to sign
 * @method: the HTTP method
 * @path: the request path as sent on the wire (percent-encoded)
 * @query: (nullable): the query string as sent, without `?`
 * @headers: the request headers, including `Host`; on return they also hold
 *   `X-Amz-Date`, `Authorization` and, as needed, `X-Amz-Security-Token` and
 *   `x-amz-content-sha256`
 * @payload_hash: (nullable): hex SHA-256 of the body,
 *   %SB_AWS_UNSIGNED_PAYLOAD, or %NULL for an empty body
 *
 * Signs a request with an `Authorization` header. Every header present is
 * signed except hop-by-hop ones and `User-Agent`, so add them all first.
 *
 * Returns: %TRUE
 */
gboolean
sb_aws_sigv4_sign_headers (const SbAwsSigningConfig *config,
                           const char               *method,
                           const char               *path,
                           const char               *query,
                           SoupMessageHeaders       *headers,
                           const char               *payload_hash)
{
  return sb_aws_sigv4_sign_headers_full (config, method, path, query, headers, payload_hash,
                                         NULL, NULL, NULL);
}

/* Query (presigned URL) signing */

char *
sb_aws_sigv4_presign_query_full (const SbAwsSigningConfig  *config,
                                 const char                *method,
                                 const char                *path,
                                 const char                *query,
                                 SoupMessageHeaders        *headers,
                                 const char                *payload_hash,
                                 guint                      expires_in,
                                 char                     **out_canonical_request,
                                 char                     **out_string_to_sign,
                                 char                     **out_signature)
{
  g_autofree char *amz_date = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *raw_credential = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *canonical_path = NULL;
  g_autofree char *canonical_query = NULL;
  g_autofree char *canonical_headers = NULL;
  g_autofree char *signed_headers = NULL;
  g_autofree char *encoded_names = NULL;
  g_autofree char *encoded_token = NULL;
  g_autofree char *signature = NULL;
  char *canonical_request;
  GString *result;
  const char *token;
  gboolean has_query = query != NULL && *query != '\0';

  g_return_val_if_fail (config != NULL && config->credentials != NULL, NULL);
  g_return_val_if_fail (config->region != NULL && config->service != NULL, NULL);
  g_return_val_if_fail (method != NULL && headers != NULL, NULL);

  if (payload_hash == NULL)
    payload_hash = SB_AWS_EMPTY_SHA256;
  amz_date = sb_aws_sigv4_amz_date (config->time);
  scope = sb_aws_sigv4_scope (config);
  token = sb_aws_credentials_get_session_token (config->credentials);

  raw_credential = g_strdup_printf ("%s/%s",
                                    sb_aws_credentials_get_access_key_id (config->credentials),
                                    scope);
  credential = sb_aws_uri_encode (raw_credential, FALSE);
  canonical_headers = sb_aws_sigv4_canonical_headers (headers, &signed_headers);
  encoded_names = sb_aws_uri_encode (signed_headers, FALSE);
  if (token != NULL)
    encoded_token = sb_aws_uri_encode (token, FALSE);

  /* The auth parameters go after the request's own, in the order the
   * reference signers append them; the canonical form sorts them anyway. */
  result = g_string_new (has_query ? query : "");
  if (has_query)
    g_string_append_c (result, '&');
  g_string_append_printf (result,
                          "X-Amz-Algorithm=" ALGORITHM "&X-Amz-Credential=%s&X-Amz-Date=%s"
                          "&X-Amz-SignedHeaders=%s&X-Amz-Expires=%u",
                          credential, amz_date, encoded_names, expires_in);
  if (token != NULL && !config->omit_session_token)
    g_string_append_printf (result, "&X-Amz-Security-Token=%s", encoded_token);

  canonical_path = sb_aws_sigv4_canonical_path (path, config->normalize_path,
                                                config->double_encode_path);
  canonical_query = sb_aws_sigv4_canonical_query (result->str);
  canonical_request = g_strdup_printf ("%s\n%s\n%s\n%s\n%s\n%s", method, canonical_path,
                                       canonical_query, canonical_headers, signed_headers,
                                       payload_hash);
  signature = sign_canonical_request (config, amz_date, scope, canonical_request,
                                      out_canonical_request, out_string_to_sign, out_signature);

  if (token != NULL && config->omit_session_token)
    g_string_append_printf (result, "&X-Amz-Security-Token=%s", encoded_token);
  g_string_append_printf (result, "&X-Amz-Signature=%s", signature);
  return g_string_free (result, FALSE);
}

/**
 * sb_aws_sigv4_presign_query:
 * @config: how to sign
 * @method: the HTTP method the URL will be used with
 * @path: the request path as sent on the wire
 * @query: (nullable): the request's own query string, without `?`
 * @headers: the headers the user of the URL will send; at least `Host`
 * @payload_hash: (nullable): %SB_AWS_UNSIGNED_PAYLOAD for S3 URLs, a hex
 *   SHA-256, or %NULL for an empty body
 * @expires_in: seconds the URL stays valid (at most 604800 on AWS)
 *
 * Returns: (transfer full): the full query string for the presigned URL:
 *   @query followed by the `X-Amz-*` parameters and `X-Amz-Signature`
 */
char *
sb_aws_sigv4_presign_query (const SbAwsSigningConfig *config,
                            const char               *method,
                            const char               *path,
                            const char               *query,
                            SoupMessageHeaders       *headers,
                            const char               *payload_hash,
                            guint                     expires_in)
{
  return sb_aws_sigv4_presign_query_full (config, method, path, query, headers, payload_hash,
                                          expires_in, NULL, NULL, NULL);
}

/**
 * sb_aws_host_header_for_uri:
 * @uri: an http(s) URI
 *
 * Returns: (transfer full): the `Host` header value libsoup sends for @uri:
 *   the host, bracketed if IPv6, with the port unless it is the default
 */
char *
sb_aws_host_header_for_uri (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  const char *scheme = g_uri_get_scheme (uri);
  int port = g_uri_get_port (uri);
  gboolean default_port;
  g_autofree char *bracketed = NULL;

  if (strchr (host, ':') != NULL)
    host = bracketed = g_strdup_printf ("[%s]", host);
  default_port = port == -1 ||
                 (port == 80 && g_ascii_strcasecmp (scheme, "http") == 0) ||
                 (port == 443 && g_ascii_strcasecmp (scheme, "https") == 0);
  if (default_port)
    return g_ascii_strdown (host, -1);
  return g_strdup_printf ("%s:%d", host, port);
}

/**
 * sb_aws_sigv4_sign_message:
 * @config: how to sign
 * @message: a request about to be sent, its body already set
 * @payload_hash: (nullable): hex SHA-256 of the body, %SB_AWS_UNSIGNED_PAYLOAD,
 *   or %NULL for an empty body
 *
 * Adds `Host` (if missing) and the SigV4 headers to @message's request
 * headers. The path and query are taken from the message URI as libsoup will
 * send them, so the URI must hold them already encoded.
 */
void
sb_aws_sigv4_sign_message (const SbAwsSigningConfig *config,
                           SoupMessage              *message,
                           const char               *payload_hash)
{
  SoupMessageHeaders *headers;
  GUri *uri;

  g_return_if_fail (SOUP_IS_MESSAGE (message));

  headers = soup_message_get_request_headers (message);
  uri = soup_message_get_uri (message);
  if (soup_message_headers_get_one (headers, "Host") == NULL)
    {
      g_autofree char *host = sb_aws_host_header_for_uri (uri);

      soup_message_headers_replace (headers, "Host", host);
    }
  sb_aws_sigv4_sign_headers (config, soup_message_get_method (message), g_uri_get_path (uri),
                             g_uri_get_query (uri), headers, payload_hash);
}

/**
 * sb_aws_sigv4_presign_uri:
 * @config: how to sign
 * @method: the method the URL is for (usually "GET")
 * @uri: the request URI, path and query already encoded
 * @expires_in: seconds the URL stays valid
 *
 * Presigns a request that carries no headers but `Host` and no body: the
 * payload is %SB_AWS_UNSIGNED_PAYLOAD for S3, the empty hash otherwise.
 *
 * Returns: (transfer full): the presigned URL
 */
char *
sb_aws_sigv4_presign_uri (const SbAwsSigningConfig *config,
                          const char               *method,
                          GUri                     *uri,
                          guint                     expires_in)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *host = sb_aws_host_header_for_uri (uri);
  g_autofree char *query = NULL;
  g_autoptr(GUri) signed_uri = NULL;

  soup_message_headers_append (headers, "Host", host);
  query = sb_aws_sigv4_presign_query (config, method, g_uri_get_path (uri), g_uri_get_query (uri),
                                      headers,
                                      config->content_sha256_header ? SB_AWS_UNSIGNED_PAYLOAD
                                                                    : SB_AWS_EMPTY_SHA256,
                                      expires_in);
  signed_uri = g_uri_build (g_uri_get_flags (uri), g_uri_get_scheme (uri), NULL,
                            g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_path (uri),
                            query, NULL);
  return g_uri_to_string (signed_uri);
}
