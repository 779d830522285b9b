/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "sb-error.h"
#include "sb-http-connection.h"
#include "sb-http-listener.h"
#include "sb-multipart-parser.h"
#include "sb-templates.h"
#include "sb-validate.h"
#include "sb-web-resources.h"
#include "sb-web-server-private.h"

#define SESSION_COOKIE "sb_session"
#define CSRF_COOKIE "sb_csrf"
#define FLASH_COOKIE "sb_flash"
/* Forms other than uploads are a few fields; anything bigger is not ours. */
#define MAX_FORM_BODY (64 * 1024)
/* The logged-out CSRF token: 16 random bytes, when it was made (seconds,
 * big-endian), and their MAC under the server key; base64url. */
#define ANON_CSRF_NONCE 16
#define ANON_CSRF_RAW (ANON_CSRF_NONCE + 8 + crypto_auth_BYTES)
#define ANON_CSRF_MAX_AGE (24 * 60 * 60)

/* Every response, whatever produced it. No inline script or style anywhere,
 * so the policy can be strict. */
static const char content_security_policy[] =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
  "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

struct _SbWebServer
{
  GObject         parent_instance;
  SoupServer     *soup;
  SbHttpListener *listener;
  SbAccounts     *accounts;
  SbLibrary      *library;
  SbPrices       *prices;
  SbTemplates    *templates;
  guint8          form_key[crypto_auth_KEYBYTES];
  gboolean        behind_proxy;
  gboolean        secure_cookies;
  gboolean        log_requests;
  guint           active;
};

G_DEFINE_FINAL_TYPE (SbWebServer, sb_web_server, G_TYPE_OBJECT)

/* Flash messages carried across a redirect: a code from this list and at
 * most a file or user name, so nobody can plant arbitrary text. */
static const struct
{
  const char *code;
  const char *format;
} flash_messages[] = {
  { "uploaded", N_("“%s” was uploaded.") },
  { "saved", N_("“%s” was saved.") },
  { "deleted", N_("“%s” was deleted.") },
  { "welcome", N_("Welcome to StorageBox, %s! Your account is ready.") },
  { "logged-out", N_("You have logged out.") },
  { "password", N_("Your password was changed. Your other sessions were logged out.") },
};

/* Requests */

static void
sb_web_request_free (SbWebRequest *req)
{
  if (req->server)
    req->server->active--;
  g_free (req->method);
  g_free (req->path);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->form, g_hash_table_unref);
  g_free (req->client_address);
  g_free (req->token);
  g_clear_object (&req->session);
  g_free (req->anon_csrf);
  g_free (req->flash_cookie);
  g_clear_object (&req->cancellable);
  g_clear_pointer (&req->upload, sb_upload_free);
  g_free (req->id);
  g_free (req);
}

SbWebRequest *
sb_web_request_get (SoupServerMessage *msg)
{
  return g_object_get_data (G_OBJECT (msg), "sb-request");
}

static char *
client_address (SbWebServer       *self,
                SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *forwarded = soup_message_headers_get_list (headers, "X-Forwarded-For");

  /* Behind a load balancer the peer is the balancer; it appends the real
   * client as the last entry. Earlier entries are whatever the client
   * claimed, so only the last one is trusted. */
  if (self->behind_proxy && forwarded)
    {
      const char *last = strrchr (forwarded, ',');
      g_autofree char *address = g_strdup (last ? last + 1 : forwarded);
      return g_strdup (g_strstrip (address));
    }
  return g_strdup (soup_server_message_get_remote_host (msg));
}

/* Logged-out CSRF tokens */

static char *
anon_csrf_new (SbWebServer *self)
{
  guint8 raw[ANON_CSRF_RAW];
  guint64 now = (guint64) (g_get_real_time () / G_USEC_PER_SEC);
  char out[sodium_base64_ENCODED_LEN (ANON_CSRF_RAW, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (raw, ANON_CSRF_NONCE);
  for (guint i = 0; i < 8; i++)
    raw[ANON_CSRF_NONCE + i] = (guint8) (now >> (56 - 8 * i));
  crypto_auth (raw + ANON_CSRF_NONCE + 8, raw, ANON_CSRF_NONCE + 8, self->form_key);
  sodium_bin2base64 (out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return g_strdup (out);
}

/* Only a token this deployment made, in the last day: a cookie planted by
 * someone else (or kept for long) is replaced, not believed. */
static gboolean
anon_csrf_is_valid (SbWebServer *self,
                    const char  *token)
{
  guint8 raw[ANON_CSRF_RAW];
  gsize len = 0;
  guint64 made = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (sodium_base642bin (raw, sizeof raw, token, strlen (token), NULL, &len, NULL,
                         sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != sizeof raw ||
      crypto_auth_verify (raw + ANON_CSRF_NONCE + 8, raw, ANON_CSRF_NONCE + 8,
                          self->form_key) != 0)
    return FALSE;
  for (guint i = 0; i < 8; i++)
    made = made << 8 | raw[ANON_CSRF_NONCE + i];
  return made <= (guint64) now + 300 && (guint64) now - MIN (made, (guint64) now) <= ANON_CSRF_MAX_AGE;
}

static void
read_cookies (SbWebRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *header = soup_message_headers_get_list (headers, "Cookie");
  GHashTable *cookies;
  const char *value;

  if (header == NULL)
    return;
  cookies = soup_header_parse_semi_param_list (header);
  if ((value = g_hash_table_lookup (cookies, SESSION_COOKIE)) && *value)
    req->token = g_strdup (value);
  if ((value = g_hash_table_lookup (cookies, CSRF_COOKIE)) && anon_csrf_is_valid (req->server, value))
    req->anon_csrf = g_strdup (value);
  if ((value = g_hash_table_lookup (cookies, FLASH_COOKIE)) && *value)
    req->flash_cookie = g_strdup (value);
  soup_header_free_param_list (cookies);
}

SbWebRequest *
sb_web_request_ensure (SbWebServer       *self,
                       SoupServerMessage *msg,
                       const char        *path,
                       GHashTable        *query)
{
  SbWebRequest *req = sb_web_request_get (msg);
  static guint64 counter;

  if (req != NULL)
    return req;

  req = g_new0 (SbWebRequest, 1);
  req->server = self;
  self->active++;
  req->msg = msg;
  req->method = g_strdup (soup_server_message_get_method (msg));
  req->path = g_strdup (path);
  req->query = query ? g_hash_table_ref (query) : NULL;
  req->client_address = client_address (self, msg);
  req->cancellable = g_cancellable_new ();
  req->started = g_get_monotonic_time ();
  req->id = g_strdup_printf ("%" G_GINT64_MODIFIER "x-%" G_GUINT64_FORMAT,
                             g_get_real_time () / G_USEC_PER_SEC, ++counter);
  read_cookies (req);
  g_object_set_data_full (G_OBJECT (msg), "sb-request", req,
                          (GDestroyNotify) sb_web_request_free);
  return req;
}

const char *
sb_web_request_username (SbWebRequest *req)
{
  return req->session ? sb_session_get_username (req->session) : NULL;
}

typedef struct
{
  SoupServerMessage *msg;
  void             (*then) (SbWebRequest *req);
} AuthStep;

static void
authenticate_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AuthStep *step = user_data;
  g_autoptr(SoupServerMessage) msg = step->msg;
  SbWebRequest *req = sb_web_request_get (msg);
  g_autoptr(GError) error = NULL;
  void (*then) (SbWebRequest *req) = step->then;

  g_free (step);
  req->session = sb_accounts_authenticate_finish (SB_ACCOUNTS (object), result, &error);
  if (req->session == NULL && !g_error_matches (error, SB_ERROR, SB_ERROR_NOT_AUTHENTICATED))
    {
      /* The store is down or similar: say so rather than pretend the user
       * is logged out, and keep the cookie, which may well be valid. */
      sb_web_respond_failure (req, error);
      return;
    }
  /* Only a definite answer (a session, or none) may end the cookie. */
  req->session_checked = TRUE;
  then (req);
}

/* Resolves the session cookie (if any), then continues with @then. */
void
sb_web_request_authenticate (SbWebRequest  *req,
                             void         (*then) (SbWebRequest *req))
{
  AuthStep *step;

  if (req->token == NULL)
    {
      then (req);
      return;
    }
  step = g_new0 (AuthStep, 1);
  step->msg = g_object_ref (req->msg);
  step->then = then;
  sb_accounts_authenticate_async (req->server->accounts, req->token, req->cancellable,
                                  authenticate_cb, step);
}

/* CSRF: logged in, the session's token; logged out (sign-up and log-in
 * forms), a random token in a cookie that the form must echo. */
const char *
sb_web_request_csrf (SbWebRequest *req)
{
  if (req->session)
    return sb_session_get_csrf (req->session);
  if (req->anon_csrf == NULL)
    {
      req->anon_csrf = anon_csrf_new (req->server);
      req->new_anon_csrf = TRUE;
    }
  return req->anon_csrf;
}

static gboolean
same_origin (SbWebRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *origin = soup_message_headers_get_one (headers, "Origin");
  const char *fetch_site = soup_message_headers_get_one (headers, "Sec-Fetch-Site");
  const char *host = soup_message_headers_get_one (headers, "Host");
  g_autoptr(GUri) uri = NULL;
  g_autofree char *origin_host = NULL;

  if (fetch_site && g_str_equal (fetch_site, "cross-site"))
    return FALSE;
  if (origin == NULL || g_str_equal (origin, "null"))
    return origin == NULL;
  uri = g_uri_parse (origin, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || host == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;
  origin_host = g_uri_get_port (uri) > 0
                  ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri))
                  : g_strdup (g_uri_get_host (uri));
  return g_ascii_strcasecmp (origin_host, host) == 0;
}

gboolean
sb_web_request_check_csrf (SbWebRequest *req,
                           const char   *submitted)
{
  const char *expected;

  if (submitted == NULL || !same_origin (req))
    return FALSE;
  expected = req->session ? sb_session_get_csrf (req->session) : req->anon_csrf;
  if (expected == NULL || strlen (expected) != strlen (submitted) || *expected == '\0')
    return FALSE;
  return sodium_memcmp (expected, submitted, strlen (expected)) == 0;
}

/* Responses */

JsonObject *
sb_web_context_new (void)
{
  return json_object_new ();
}

char *
sb_web_format_time (gint64   usec,
                    gboolean iso)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  if (time == NULL)
    return g_strdup ("");
  return g_date_time_format (time, iso ? "%Y-%m-%dT%H:%M:%SZ" : "%d %b %Y, %H:%M UTC");
}

void
sb_web_file_to_json (JsonObject *object,
                     SbFile     *file)
{
  g_autofree char *size = g_format_size (sb_file_get_size (file));
  g_autofree char *created = sb_web_format_time (sb_file_get_created_at (file), FALSE);
  g_autofree char *created_iso = sb_web_format_time (sb_file_get_created_at (file), TRUE);
  g_autofree char *modified = sb_web_format_time (sb_file_get_modified_at (file), FALSE);
  g_autofree char *modified_iso = sb_web_format_time (sb_file_get_modified_at (file), TRUE);

  json_object_set_string_member (object, "name", sb_file_get_name (file));
  json_object_set_string_member (object, "description", sb_file_get_description (file));
  json_object_set_string_member (object, "size", size);
  json_object_set_int_member (object, "bytes", (gint64) sb_file_get_size (file));
  json_object_set_int_member (object, "version", sb_file_get_version (file));
  json_object_set_string_member (object, "created", created);
  json_object_set_string_member (object, "created_iso", created_iso);
  json_object_set_string_member (object, "modified", modified);
  json_object_set_string_member (object, "modified_iso", modified_iso);
  json_object_set_string_member (object, "storage",
                                 sb_storage_class_describe (sb_file_get_storage_class (file)));
  {
    g_autofree char *restore = sb_storage_class_describe_restore (file);

    if (restore != NULL)
      json_object_set_string_member (object, "restore", restore);
  }
}

static void
add_cookie (SbWebRequest *req,
            const char   *name,
            const char   *value,
            gint64        max_age)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  g_autofree char *cookie =
    g_strdup_printf ("%s=%s; Path=/; Max-Age=%" G_GINT64_FORMAT "; HttpOnly; SameSite=Lax%s",
                     name, value, max_age, req->server->secure_cookies ? "; Secure" : "");

  soup_message_headers_append (headers, "Set-Cookie", cookie);
}

static void log_request (SbWebServer       *self,
                         SoupServerMessage *msg,
                         gboolean           aborted);

static void
append_security_headers (GString *out)
{
  g_string_append_printf (out,
                          "Content-Security-Policy: %s\r\n"
                          "X-Content-Type-Options: nosniff\r\n"
                          "X-Frame-Options: DENY\r\n"
                          "Referrer-Policy: same-origin\r\n",
                          content_security_policy);
}

/* The response libsoup would write, written by hand: libsoup 3.2 answers
 * only after reading the whole request body. */
static GBytes *
serialize_response (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  gboolean head = g_str_equal (soup_server_message_get_method (msg), "HEAD");
  guint status = soup_server_message_get_status (msg);
  const char *reason = soup_server_message_get_reason_phrase (msg);
  GString *out = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;

  soup_message_headers_replace (headers, "Connection", "close");
  soup_message_headers_set_content_length (headers, (goffset) g_bytes_get_size (body));
  g_string_append_printf (out, "HTTP/1.1 %u %s\r\n", status,
                          reason ? reason : soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (out, "%s: %s\r\n", name, value);
  g_string_append (out, "\r\n");
  if (!head)
    g_string_append_len (out, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body));
  return g_string_free_to_bytes (out);
}

/* Answers at once and closes the connection, without reading the body. */
static void
respond_now (SbWebRequest *req)
{
  SbHttpConnection *connection = sb_http_connection_for_message (req->msg);
  g_autoptr(SbHttpConnection) hold = connection ? g_object_ref (connection) : NULL;
  g_autoptr(SoupServerMessage) msg = g_object_ref (req->msg);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GIOStream) stolen = NULL;

  if (connection == NULL)
    {
      /* Not one of ours (cannot happen): libsoup reads the body first. */
      soup_server_message_unpause (req->msg);
      return;
    }
  response = serialize_response (msg);
  log_request (req->server, msg, FALSE);
  stolen = soup_server_message_steal_connection (msg);
  sb_http_connection_answer_and_close (connection, response);
}

static void
finish_response (SbWebRequest *req)
{
  if (req->new_anon_csrf)
    add_cookie (req, CSRF_COOKIE, req->anon_csrf, ANON_CSRF_MAX_AGE);
  /* A cookie that named no valid session is dropped (only once we looked:
   * an early refusal never checked it). */
  if (req->token && req->session == NULL && req->session_checked)
    add_cookie (req, SESSION_COOKIE, "", 0);
  req->responded = TRUE;
  if (req->answer_now)
    respond_now (req);
  else
    soup_server_message_unpause (req->msg);
}

/* A flash message as the header template shows it: the text before the
 * name, the name (shown isolated, in <bdi>, so that a right-to-left name
 * cannot reorder the sentence around it), and the text after it. */
static JsonObject *
flash_object (const char *kind,
              const char *role,
              const char *before,
              const char *name,
              const char *after)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "kind", kind);
  json_object_set_string_member (object, "role", role);
  json_object_set_string_member (object, "text", before);
  json_object_set_string_member (object, "name", name ? name : "");
  json_object_set_string_member (object, "after", after ? after : "");
  return object;
}

static JsonObject *
flash_from_cookie (const char *cookie)
{
  g_autofree char *code = g_strdup (cookie);
  g_autofree char *arg = NULL;
  char *dot = strchr (code, '.');

  if (dot)
    {
      gsize len = 0;
      guchar *raw;
      *dot = '\0';
      raw = g_base64_decode (dot + 1, &len);
      arg = g_strndup ((char *) raw, len);
      g_free (raw);
      if (!g_utf8_validate (arg, -1, NULL))
        return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (flash_messages); i++)
    if (g_str_equal (code, flash_messages[i].code))
      {
        /* The formats are the constants above (translated), never input. */
        const char *format = _(flash_messages[i].format);
        const char *at = strstr (format, "%s");
        g_autofree char *before = NULL;

        if (at == NULL)
          return flash_object ("success", "status", format, NULL, NULL);
        if (arg == NULL)
          return NULL;
        before = g_strndup (format, (gsize) (at - format));
        return flash_object ("success", "status", before, arg, at + 2);
      }
  return NULL;
}

static void
set_body (SbWebRequest *req,
          guint         status,
          const char   *content_type,
          GBytes       *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  gsize size;
  const char *data = g_bytes_get_data (body, &size);

  soup_server_message_set_status (req->msg, status, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_COPY, data, size);
}

/* What the forms tell the browser to check (minlength, maxlength, pattern)
 * and what their hints say: core's rules, so a page cannot promise other
 * limits than the ones core enforces. */
static JsonObject *
limits_object (void)
{
  JsonObject *limits = json_object_new ();
  g_autofree char *username_pattern = sb_validate_username_pattern ();

  json_object_set_int_member (limits, "username_min", SB_USERNAME_MIN_LENGTH);
  json_object_set_int_member (limits, "username_max", SB_USERNAME_MAX_LENGTH);
  json_object_set_string_member (limits, "username_pattern", username_pattern);
  json_object_set_int_member (limits, "password_min", SB_PASSWORD_MIN_LENGTH);
  json_object_set_int_member (limits, "password_max", SB_PASSWORD_MAX_LENGTH);
  json_object_set_int_member (limits, "file_name_max", SB_FILE_NAME_MAX_BYTES);
  json_object_set_int_member (limits, "description_max", SB_DESCRIPTION_MAX_LENGTH);
  return limits;
}

void
sb_web_respond_page (SbWebRequest *req,
                     guint         status,
                     const char   *template_name,
                     const char   *title,
                     JsonObject   *context,
                     const char   *error_message)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) html = NULL;
  JsonObject *flash = NULL;

  g_return_if_fail (!req->responded);

  json_object_set_string_member (context, "title", title);
  json_object_set_string_member (context, "csrf", sb_web_request_csrf (req));
  json_object_set_object_member (context, "limits", limits_object ());
  if (req->session)
    {
      JsonObject *user = json_object_new ();
      json_object_set_string_member (user, "username", sb_session_get_username (req->session));
      json_object_set_object_member (context, "user", user);
    }

  if (error_message)
    flash = flash_object ("error", "alert", error_message, NULL, NULL);
  else if (req->flash_cookie)
    flash = flash_from_cookie (req->flash_cookie);
  if (flash)
    json_object_set_object_member (context, "flash", flash);
  if (req->flash_cookie)
    add_cookie (req, FLASH_COOKIE, "", 0);

  json_node_take_object (root, json_object_ref (context));
  html = sb_templates_render (req->server->templates, template_name, root, &error);
  if (html == NULL)
    {
      /* A template bug: a 500 that says so, rather than half a page. */
      g_critical ("rendering %s failed: %s", template_name, error->message);
      g_clear_pointer (&html, g_bytes_unref);
      html = g_bytes_new_static ("Internal error\n", 15);
      set_body (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", html);
    }
  else
    set_body (req, status, "text/html; charset=utf-8", html);
  finish_response (req);
}

void
sb_web_respond_redirect (SbWebRequest *req,
                         const char   *location,
                         const char   *flash_code,
                         const char   *flash_arg)
{
  g_return_if_fail (!req->responded);

  if (flash_code)
    {
      g_autofree char *encoded = flash_arg ? g_base64_encode ((const guchar *) flash_arg,
                                                              strlen (flash_arg)) : NULL;
      g_autofree char *value = encoded ? g_strdup_printf ("%s.%s", flash_code, encoded)
                                       : g_strdup (flash_code);
      /* Base64 may contain '=', which cookie values allow. */
      add_cookie (req, FLASH_COOKIE, value, 60);
    }
  /* A relative Location: behind a load balancer we may not know the scheme
   * or host the browser used, and browsers resolve it correctly. */
  soup_server_message_set_status (req->msg, SOUP_STATUS_SEE_OTHER, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Location",
                                location);
  finish_response (req);
}

static const char *
error_heading (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_NOT_FOUND: return _("Not found");
    case SOUP_STATUS_FORBIDDEN: return _("Not allowed");
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
    case 431: /* Request Header Fields Too Large */
      return _("Too large");
    case SOUP_STATUS_REQUEST_TIMEOUT: return _("Too slow");
    case SOUP_STATUS_SERVICE_UNAVAILABLE: return _("Temporarily unavailable");
    case SOUP_STATUS_INSUFFICIENT_STORAGE: return _("The disk is full");
    case SOUP_STATUS_METHOD_NOT_ALLOWED:
    case SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE:
    case SOUP_STATUS_HTTP_VERSION_NOT_SUPPORTED:
      return _("Not supported");
    default: return status >= 500 ? _("Something went wrong") : _("That did not work");
    }
}

void
sb_web_respond_error (SbWebRequest *req,
                      guint         status,
                      const char   *message)
{
  g_autoptr(JsonObject) context = sb_web_context_new ();
  const char *heading = error_heading (status);

  json_object_set_string_member (context, "heading", heading);
  json_object_set_string_member (context, "message", message);
  json_object_set_string_member (context, "back", req->session ? "/files" : "/");
  json_object_set_string_member (context, "back_text",
                                 req->session ? _("Back to your files") : _("Back to the start"));
  sb_web_respond_page (req, status, "error", heading, context, NULL);
}

/* The error page for @error: the status and the sentence it calls for. */
void
sb_web_respond_failure (SbWebRequest *req,
                        const GError *error)
{
  sb_web_respond_error (req, sb_web_status_for_error (error), sb_web_error_message (error));
}

void
sb_web_respond_login_needed (SbWebRequest *req)
{
  g_autofree char *next = g_uri_escape_string (req->path, "/", FALSE);
  g_autofree char *location = g_strdup_printf ("/login?next=%s", next);

  sb_web_respond_redirect (req, location, NULL, NULL);
}

void
sb_web_respond_forbidden (SbWebRequest *req)
{
  sb_web_respond_error (req, SOUP_STATUS_FORBIDDEN,
                        _("This form has expired or did not come from StorageBox. "
                          "Please go back, reload the page and try again."));
}

guint
sb_web_status_for_error (const GError *error)
{
  if (error->domain != SB_ERROR)
    return SOUP_STATUS_INTERNAL_SERVER_ERROR;
  switch ((SbError) error->code)
    {
    case SB_ERROR_INVALID: return SOUP_STATUS_BAD_REQUEST;
    case SB_ERROR_EXISTS: return SOUP_STATUS_CONFLICT;
    case SB_ERROR_NOT_FOUND: return SOUP_STATUS_NOT_FOUND;
    case SB_ERROR_CONFLICT: return SOUP_STATUS_CONFLICT;
    case SB_ERROR_TOO_LARGE: return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
    case SB_ERROR_BAD_CREDENTIALS: return SOUP_STATUS_UNAUTHORIZED;
    case SB_ERROR_THROTTLED: return 429; /* Too Many Requests */
    case SB_ERROR_NOT_AUTHENTICATED: return SOUP_STATUS_UNAUTHORIZED;
    case SB_ERROR_UNAVAILABLE: return SOUP_STATUS_SERVICE_UNAVAILABLE;
    case SB_ERROR_UNCERTAIN: return SOUP_STATUS_SERVICE_UNAVAILABLE;
    case SB_ERROR_NO_SPACE: return SOUP_STATUS_INSUFFICIENT_STORAGE;
    case SB_ERROR_ARCHIVED: return SOUP_STATUS_CONFLICT; /* readable once restored */
    case SB_ERROR_CORRUPT: break;
    case SB_ERROR_FAILED: break;
    }
  return SOUP_STATUS_INTERNAL_SERVER_ERROR;
}

/* Core's sentence, except where the server can say it more exactly. */
const char *
sb_web_error_message (const GError *error)
{
  /* The backend's explanation is for the operator's log, not the page. */
  if (g_error_matches (error, SB_ERROR, SB_ERROR_UNAVAILABLE) && sb_error_get_detail (error))
    g_warning ("storage backend unavailable: %s", sb_error_get_detail (error));
  if (g_error_matches (error, SB_ERROR, SB_ERROR_NO_SPACE))
    return _("The server's disk is full, so nothing was stored. You can still delete files "
             "to make room; otherwise please try again later.");
  return error->message;
}

/* Session cookie helpers used by the pages */

void
sb_web_set_session_cookie (SbWebRequest *req,
                           SbSession    *session)
{
  gint64 max_age = (sb_session_get_expires_at (session) - g_get_real_time ()) / G_USEC_PER_SEC;

  g_free (req->token);
  req->token = g_strdup (sb_session_get_token (session));
  g_set_object (&req->session, session);
  add_cookie (req, SESSION_COOKIE, sb_session_get_token (session), MAX (max_age, 1));
}

void
sb_web_clear_session_cookie (SbWebRequest *req)
{
  add_cookie (req, SESSION_COOKIE, "", 0);
  g_clear_pointer (&req->token, g_free);
  g_clear_object (&req->session);
}

/* Server plumbing */

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  /* Keep in step with append_security_headers(). */
  soup_message_headers_replace (headers, "Content-Security-Policy", content_security_policy);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Referrer-Policy", "same-origin");
}

static void
log_request (SbWebServer       *self,
             SoupServerMessage *msg,
             gboolean           aborted)
{
  SbWebRequest *req = sb_web_request_get (msg);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;
  g_autofree char *now = NULL;
  g_autoptr(GDateTime) time = NULL;

  if (!self->log_requests || req == NULL)
    return;

  time = g_date_time_new_now_utc ();
  now = g_date_time_format_iso8601 (time);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, now);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, req->id);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, req->method);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, g_utf8_validate (req->path, -1, NULL) ? req->path : "?");
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, soup_server_message_get_status (msg));
  json_builder_set_member_name (builder, "ms");
  json_builder_add_int_value (builder, (g_get_monotonic_time () - req->started) / 1000);
  json_builder_set_member_name (builder, "client");
  json_builder_add_string_value (builder, req->client_address ? req->client_address : "");
  if (req->session)
    {
      json_builder_set_member_name (builder, "user");
      json_builder_add_string_value (builder, sb_session_get_username (req->session));
    }
  if (aborted)
    {
      json_builder_set_member_name (builder, "aborted");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);
  g_print ("%s\n", line);
}

static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  log_request (user_data, msg, FALSE);
}

static void
request_aborted_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  SbWebRequest *req = sb_web_request_get (msg);

  log_request (user_data, msg, TRUE);
  if (req)
    {
      g_cancellable_cancel (req->cancellable);
      sb_web_upload_abort (req);
    }
}

/* Request intake: before a request reaches libsoup, whether it may have a
 * body and how large. Framing itself is the intake's (sb-http-intake.c). */
static void
body_policy (const SbHttpHead *head,
             SbHttpVerdict    *verdict,
             gpointer          user_data)
{
  SbWebServer *self = user_data;

  if (sb_web_upload_is_route (head->method, head->path))
    {
      guint64 max_file = sb_library_get_max_file_size (self->library);
      g_autofree char *limit = g_format_size_full (max_file, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *boundary = sb_multipart_boundary_from_content_type (head->content_type,
                                                                          NULL);

      verdict->max_body = max_file + SB_WEB_FORM_OVERHEAD;
      verdict->too_large_message = g_strdup_printf (_("The file is too large: the limit is %s."),
                                                    limit);
      if (boundary == NULL)
        {
          verdict->status = SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE;
          verdict->message = g_strdup (_("Files must be sent as multipart/form-data."));
        }
      return;
    }

  if (g_str_equal (head->method, "POST"))
    {
      verdict->max_body = MAX_FORM_BODY;
      verdict->too_large_message = g_strdup (_("That form is too large."));
      if (head->body == SB_HTTP_BODY_CHUNKED)
        {
          verdict->status = SOUP_STATUS_LENGTH_REQUIRED;
          verdict->message = g_strdup (_("Forms must be sent with a length."));
        }
      return;
    }

  /* No other request of ours has a body. */
  verdict->max_body = 0;
  verdict->too_large_message = g_strdup (_("This request cannot have a body."));
  if (head->body == SB_HTTP_BODY_CHUNKED)
    {
      verdict->status = SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
      verdict->message = g_strdup (verdict->too_large_message);
    }
}

/* The page for a request the intake refused, with every header a page of
 * ours has. */
static GBytes *
render_answer (guint       status,
               const char *message,
               gboolean    head_only,
               gpointer    user_data)
{
  SbWebServer *self = user_data;
  g_autoptr(JsonObject) context = sb_web_context_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GBytes) html = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);
  const char *heading = error_heading (status);
  GString *out = g_string_new (NULL);

  json_object_set_string_member (context, "title", heading);
  json_object_set_string_member (context, "csrf", "");
  json_object_set_string_member (context, "heading", heading);
  json_object_set_string_member (context, "message", message);
  json_object_set_string_member (context, "back", "/");
  json_object_set_string_member (context, "back_text", _("Back to the start"));
  json_node_take_object (root, json_object_ref (context));
  html = sb_templates_render (self->templates, "error", root, NULL);
  if (html == NULL)
    html = g_bytes_new (message, strlen (message));

  g_string_append_printf (out, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  g_string_append_printf (out, "Date: %s\r\nServer: StorageBox\r\n", date);
  g_string_append (out, "Content-Type: text/html; charset=utf-8\r\n"
                        "Cache-Control: no-store\r\nConnection: close\r\n");
  append_security_headers (out);
  g_string_append_printf (out, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                          g_bytes_get_size (html));
  if (!head_only)
    g_string_append_len (out, g_bytes_get_data (html, NULL), (gssize) g_bytes_get_size (html));
  return g_string_free_to_bytes (out);
}

static void
refused_cb (SbHttpListener *listener,
            const char     *method,
            const char     *path,
            guint           status,
            const char     *client,
            const char     *message,
            gpointer        user_data)
{
  SbWebServer *self = user_data;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *now = NULL;
  g_autofree char *line = NULL;

  if (!self->log_requests)
    return;
  time = g_date_time_new_now_utc ();
  now = g_date_time_format_iso8601 (time);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, now);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, method ? method : "?");
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder,
                                 path && g_utf8_validate (path, -1, NULL) ? path : "?");
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  json_builder_set_member_name (builder, "client");
  json_builder_add_string_value (builder, client ? client : "");
  json_builder_set_member_name (builder, "refused");
  json_builder_add_string_value (builder, message ? message : "");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);
  g_print ("%s\n", line);
}

/* After the headers, before the body (which the intake already judged):
 * uploads start streaming here. */
static void
early_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SbWebServer *self = user_data;
  SbWebRequest *req;

  if (sb_web_upload_is_route (soup_server_message_get_method (msg), path))
    {
      req = sb_web_request_ensure (self, msg, path, query);
      sb_web_upload_begin (req);
    }
}

static void
parse_form (SbWebRequest *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  if (!g_str_equal (req->method, "POST"))
    return;
  if (type == NULL || g_ascii_strcasecmp (type, "application/x-www-form-urlencoded") != 0)
    {
      req->form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      return;
    }
  bytes = soup_message_body_flatten (body);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  req->form = soup_form_decode (text);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  SbWebServer *self = user_data;
  SbWebRequest *req = sb_web_request_ensure (self, msg, path, query);

  soup_server_message_pause (msg);
  if (req->upload)
    {
      sb_web_upload_body_done (req);
      return;
    }
  parse_form (req);
  sb_web_request_authenticate (req, sb_web_route);
}

/* GObject */

static void
sb_web_server_dispose (GObject *object)
{
  SbWebServer *self = SB_WEB_SERVER (object);

  /* libsoup lets go of its connections first; the listener then closes
   * whatever is left. */
  if (self->soup)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->listener);
  g_clear_object (&self->soup);
  g_clear_object (&self->accounts);
  g_clear_object (&self->library);
  g_clear_object (&self->prices);
  g_clear_object (&self->templates);
  G_OBJECT_CLASS (sb_web_server_parent_class)->dispose (object);
}

static void
sb_web_server_class_init (SbWebServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sb_web_server_dispose;
}

static void
sb_web_server_init (SbWebServer *self)
{
  self->log_requests = TRUE;
  /* Until sb_web_server_set_form_key(): good for one server on its own. */
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  crypto_auth_keygen (self->form_key);
}

SbWebServer *
sb_web_server_new (SbAccounts  *accounts,
                   SbLibrary   *library,
                   GError     **error)
{
  g_autoptr(SbWebServer) self = NULL;

  g_return_val_if_fail (SB_IS_ACCOUNTS (accounts), NULL);
  g_return_val_if_fail (SB_IS_LIBRARY (library), NULL);

  /* Referencing the resource keeps it in the link; the constructor in the
   * generated code registers it. */
  g_assert (sb_web_get_resource () != NULL);

  self = g_object_new (SB_TYPE_WEB_SERVER, NULL);
  self->accounts = g_object_ref (accounts);
  self->library = g_object_ref (library);
  self->templates = sb_templates_new ();
  if (!sb_templates_add_from_resource (self->templates, "/io/github/storagebox/web/templates",
                                       error))
    return NULL;

  self->soup = soup_server_new ("server-header", "StorageBox", NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_finished_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_aborted_cb), self);
  soup_server_add_early_handler (self->soup, NULL, early_handler, self, NULL);
  soup_server_add_handler (self->soup, NULL, handler, self, NULL);

  self->listener = sb_http_listener_new (self->soup, body_policy, self, error);
  if (self->listener == NULL)
    return NULL;
  sb_http_listener_set_answer_func (self->listener, render_answer, self);
  g_signal_connect (self->listener, "refused", G_CALLBACK (refused_cb), self);
  return g_steal_pointer (&self);
}

SbAccounts *
sb_web_server_get_accounts (SbWebServer *self)
{
  return self->accounts;
}

SbLibrary *
sb_web_server_get_library (SbWebServer *self)
{
  return self->library;
}

SbPrices *
sb_web_server_get_prices (SbWebServer *self)
{
  if (self->prices == NULL)
    self->prices = sb_prices_new (NULL);
  return self->prices;
}

void
sb_web_server_set_prices (SbWebServer *self,
                          SbPrices    *prices)
{
  g_return_if_fail (SB_IS_WEB_SERVER (self));
  g_set_object (&self->prices, prices);
}

void
sb_web_server_set_behind_proxy (SbWebServer *self,
                                gboolean     behind_proxy)
{
  g_return_if_fail (SB_IS_WEB_SERVER (self));
  self->behind_proxy = behind_proxy;
}

void
sb_web_server_set_secure_cookies (SbWebServer *self,
                                  gboolean     secure)
{
  g_return_if_fail (SB_IS_WEB_SERVER (self));
  self->secure_cookies = secure;
}

void
sb_web_server_set_log_requests (SbWebServer *self,
                                gboolean     log_requests)
{
  g_return_if_fail (SB_IS_WEB_SERVER (self));
  self->log_requests = log_requests;
}

/**
 * sb_web_server_set_form_key:
 * @key: crypto_auth_KEYBYTES bytes, the same for every server of the
 *   deployment ([method@Sb.Accounts.get_server_key_async])
 *
 * The key that signs the CSRF tokens of logged-out forms, so that a token
 * made by one server behind a load balancer is good on all of them.
 */
void
sb_web_server_set_form_key (SbWebServer *self,
                            GBytes      *key)
{
  g_return_if_fail (SB_IS_WEB_SERVER (self));
  g_return_if_fail (key != NULL && g_bytes_get_size (key) == sizeof self->form_key);
  memcpy (self->form_key, g_bytes_get_data (key, NULL), sizeof self->form_key);
}

/**
 * sb_web_server_set_timeouts:
 * @header_timeout: seconds a client has to send a request's head (0: 10)
 * @idle_timeout: seconds a client may stay silent between requests or in
 *   the middle of a body (0: 75, more than a load balancer's usual 60)
 */
void
sb_web_server_set_timeouts (SbWebServer *self,
                            guint        header_timeout,
                            guint        idle_timeout)
{
  g_return_if_fail (SB_IS_WEB_SERVER (self));
  sb_http_listener_set_timeouts (self->listener, header_timeout, idle_timeout);
}

/* 0: no limit (behind a load balancer, every connection comes from it). */
void
sb_web_server_set_max_connections_per_address (SbWebServer *self,
                                               guint        max)
{
  g_return_if_fail (SB_IS_WEB_SERVER (self));
  sb_http_listener_set_max_connections_per_address (self->listener, max);
}

gboolean
sb_web_server_listen (SbWebServer  *self,
                      const char   *address,
                      guint16       port,
                      GError      **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (SB_IS_WEB_SERVER (self), FALSE);

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address."), address);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet, port);
  return sb_http_listener_listen (self->listener, socket_address, error);
}

guint16
sb_web_server_get_port (SbWebServer *self)
{
  g_return_val_if_fail (SB_IS_WEB_SERVER (self), 0);
  return sb_http_listener_get_port (self->listener);
}

/* For a graceful stop: new connections are refused while the requests in
 * flight finish. */
void
sb_web_server_stop_listening (SbWebServer *self)
{
  g_return_if_fail (SB_IS_WEB_SERVER (self));
  sb_http_listener_stop (self->listener);
}

guint
sb_web_server_get_active_requests (SbWebServer *self)
{
  g_return_val_if_fail (SB_IS_WEB_SERVER (self), 0);
  return self->active;
}
