/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sb-error.h"
#include "sb-usage.h"
#include "sb-web-server-private.h"

/* Each page: a GET that renders, a POST that calls core once, then
 * redirects (success) or renders the form again with the error and what the
 * user typed (failure). */

static const char *
form_value (SbWebRequest *req,
            const char   *name)
{
  const char *value = req->form ? g_hash_table_lookup (req->form, name) : NULL;
  return value ? value : "";
}

static const char *
query_value (SbWebRequest *req,
             const char   *name)
{
  const char *value = req->query ? g_hash_table_lookup (req->query, name) : NULL;
  return value ? value : "";
}

static gboolean
is_get (SbWebRequest *req)
{
  return g_str_equal (req->method, "GET") || g_str_equal (req->method, "HEAD");
}

static gboolean
is_post (SbWebRequest *req)
{
  return g_str_equal (req->method, "POST");
}

static void
method_not_allowed (SbWebRequest *req,
                    const char   *allow)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Allow",
                                allow);
  sb_web_respond_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED,
                        _("This page cannot be used that way."));
}

/* Renders a form page with @status: empty, or again with what the user
 * typed and @error. */
typedef void (*FormRender) (SbWebRequest *req,
                            guint         status,
                            const char   *error);

/* The flow of a form page: GET and HEAD show the form, any other method but
 * POST is refused, and so is a POST without this site's CSRF token. Returns
 * TRUE when the caller is to submit the form; otherwise @req has its answer. */
static gboolean
form_submitted (SbWebRequest *req,
                FormRender    render)
{
  if (is_get (req))
    {
      render (req, SOUP_STATUS_OK, NULL);
      return FALSE;
    }
  if (!is_post (req))
    {
      method_not_allowed (req, "GET, HEAD, POST");
      return FALSE;
    }
  if (!sb_web_request_check_csrf (req, form_value (req, "csrf")))
    {
      sb_web_respond_forbidden (req);
      return FALSE;
    }
  return TRUE;
}

/* The form again, with what the user typed and why it failed. */
static void
form_failed (SbWebRequest *req,
             FormRender    render,
             const GError *error)
{
  render (req, sb_web_status_for_error (error), sb_web_error_message (error));
}

/* Async steps hold the message; this gets the request back from it. */
static SbWebRequest *
request_from (gpointer user_data)
{
  return sb_web_request_get (user_data);
}

/* After logging in, only a path on this site: never "//evil.example" or
 * "/\evil.example", which browsers treat as another host. */
static const char *
safe_next (const char *next)
{
  if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\' ||
      strlen (next) > 2048)
    return "/profile";
  for (const char *p = next; *p; p++)
    if (g_ascii_iscntrl (*p) || *p == '\\')
      return "/profile";
  return next;
}

/* Home */

static void
page_home (SbWebRequest *req)
{
  g_autoptr(JsonObject) context = sb_web_context_new ();

  if (!is_get (req))
    {
      method_not_allowed (req, "GET, HEAD");
      return;
    }
  sb_web_respond_page (req, SOUP_STATUS_OK, "home", _("Home"), context, NULL);
}

/* A new session (after sign-up or log-in) replaces whatever session the
 * request carried: that one ends in the store, not only in this browser,
 * so a token someone planted or kept is worthless after the log-in. */

typedef struct
{
  SoupServerMessage *msg;
  SbSession         *session;
  char              *location;
  const char        *flash_code;
} SessionSwitch;

static void
session_switch_free (SessionSwitch *sw)
{
  g_object_unref (sw->msg);
  g_object_unref (sw->session);
  g_free (sw->location);
  g_free (sw);
}

static void
enter_session (SbWebRequest *req,
               SbSession    *session,
               const char   *location,
               const char   *flash_code)
{
  sb_web_set_session_cookie (req, session);
  sb_web_respond_redirect (req, location, flash_code,
                           flash_code ? sb_session_get_username (session) : NULL);
}

static void
old_session_ended_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  SessionSwitch *sw = user_data;
  g_autoptr(GError) error = NULL;

  /* It expires on its own if the store could not be reached now. */
  if (!sb_accounts_log_out_finish (SB_ACCOUNTS (object), result, &error))
    g_warning ("could not end the session a log-in replaced: %s", error->message);
  enter_session (sb_web_request_get (sw->msg), sw->session, sw->location, sw->flash_code);
  session_switch_free (sw);
}

static void
switch_session (SbWebRequest *req,
                SbSession    *session,
                const char   *location,
                const char   *flash_code)
{
  SessionSwitch *sw;

  if (req->token == NULL || g_str_equal (req->token, sb_session_get_token (session)))
    {
      enter_session (req, session, location, flash_code);
      return;
    }
  sw = g_new0 (SessionSwitch, 1);
  sw->msg = g_object_ref (req->msg);
  sw->session = g_object_ref (session);
  sw->location = g_strdup (location);
  sw->flash_code = flash_code;
  sb_accounts_log_out_async (sb_web_server_get_accounts (req->server), req->token, NULL,
                             old_session_ended_cb, sw);
}

/* Sign up */

static void
render_signup (SbWebRequest *req,
               guint         status,
               const char   *error)
{
  g_autoptr(JsonObject) context = sb_web_context_new ();
  JsonObject *form = json_object_new ();

  json_object_set_string_member (form, "username", form_value (req, "username"));
  json_object_set_string_member (form, "email", form_value (req, "email"));
  json_object_set_object_member (context, "form", form);
  sb_web_respond_page (req, status, "signup", _("Sign up"), context, error);
}

static void
sign_up_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = request_from (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = sb_accounts_sign_up_finish (SB_ACCOUNTS (object), result,
                                                             &error);

  if (session == NULL)
    {
      form_failed (req, render_signup, error);
      return;
    }
  switch_session (req, session, "/profile", "welcome");
}

static void
page_signup (SbWebRequest *req)
{
  if (!form_submitted (req, render_signup))
    return;
  sb_accounts_sign_up_async (sb_web_server_get_accounts (req->server),
                             form_value (req, "username"), form_value (req, "email"),
                             form_value (req, "password"), req->client_address,
                             req->cancellable, sign_up_cb,
                             g_object_ref (req->msg));
}

/* Log in */

static void
render_login (SbWebRequest *req,
              guint         status,
              const char   *error)
{
  g_autoptr(JsonObject) context = sb_web_context_new ();
  JsonObject *form = json_object_new ();
  const char *next = is_post (req) ? form_value (req, "next") : query_value (req, "next");

  json_object_set_string_member (form, "username", form_value (req, "username"));
  json_object_set_string_member (form, "next", safe_next (next));
  json_object_set_object_member (context, "form", form);
  sb_web_respond_page (req, status, "login", _("Log in"), context, error);
}

static void
log_in_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = request_from (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbSession) session = sb_accounts_log_in_finish (SB_ACCOUNTS (object), result,
                                                            &error);

  if (session == NULL)
    {
      form_failed (req, render_login, error);
      return;
    }
  switch_session (req, session, safe_next (form_value (req, "next")), NULL);
}

static void
page_login (SbWebRequest *req)
{
  if (!form_submitted (req, render_login))
    return;
  sb_accounts_log_in_async (sb_web_server_get_accounts (req->server),
                            form_value (req, "username"), form_value (req, "password"),
                            req->client_address, req->cancellable, log_in_cb,
                            g_object_ref (req->msg));
}

/* Log out */

static void
log_out_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = request_from (msg);
  g_autoptr(GError) error = NULL;

  if (!sb_accounts_log_out_finish (SB_ACCOUNTS (object), result, &error))
    {
      sb_web_respond_failure (req, error);
      return;
    }
  sb_web_clear_session_cookie (req);
  sb_web_respond_redirect (req, "/", "logged-out", NULL);
}

static void
render_logout (SbWebRequest *req,
               guint         status,
               const char   *error)
{
  g_autoptr(JsonObject) context = sb_web_context_new ();

  sb_web_respond_page (req, status, "logout", _("Log out"), context, error);
}

static void
page_logout (SbWebRequest *req)
{
  /* Nothing to end: back to the start, whatever the form says. */
  if (is_post (req) && req->session == NULL)
    {
      sb_web_respond_redirect (req, "/", NULL, NULL);
      return;
    }
  if (!form_submitted (req, render_logout))
    return;
  sb_accounts_log_out_async (sb_web_server_get_accounts (req->server), req->token,
                             req->cancellable, log_out_cb, g_object_ref (req->msg));
}

/* Profile */

/* The profile, then the files, for their usage by storage class. */
static void
profile_files_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = request_from (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = sb_library_list_finish (SB_LIBRARY (object), result, &error);
  g_autoptr(JsonObject) context = g_object_steal_data (G_OBJECT (msg), "sb-profile-context");
  SbPrices *prices = sb_web_server_get_prices (req->server);
  g_autoptr(SbUsage) usage = NULL;
  g_autofree char *total_size = NULL;
  g_autofree char *total_cost = NULL;
  g_autofree char *basis = NULL;
  JsonArray *rows;
  JsonObject *totals;

  if (files == NULL)
    {
      sb_web_respond_failure (req, error);
      return;
    }
  usage = sb_usage_new (prices);
  sb_usage_add_files (usage, files);
  rows = json_array_new ();
  for (guint i = 0; i < sb_usage_get_n_rows (usage); i++)
    {
      const SbUsageRow *row = sb_usage_get_row (usage, i);
      JsonObject *entry = json_object_new ();
      g_autofree char *size = g_format_size (row->bytes);
      g_autofree char *cost = sb_prices_format (row->monthly_cost);

      json_object_set_string_member (entry, "storage",
                                     sb_storage_class_describe (row->storage_class));
      json_object_set_int_member (entry, "files", row->files);
      json_object_set_string_member (entry, "size", size);
      json_object_set_string_member (entry, "cost", cost);
      json_array_add_object_element (rows, entry);
    }
  total_size = g_format_size (sb_usage_get_bytes (usage));
  total_cost = sb_prices_format (sb_usage_get_monthly_cost (usage));
  basis = g_strdup_printf (_("Estimated storage cost per month, at the S3 list prices for %s "
                             "taken %s%s."), SB_PRICES_REGION, SB_PRICES_DATE,
                           sb_prices_is_configured (prices)
                           ? _(", with the prices this server is configured with") : "");
  totals = json_object_new ();
  json_object_set_int_member (totals, "files", sb_usage_get_files (usage));
  json_object_set_string_member (totals, "size", total_size);
  json_object_set_string_member (totals, "cost", total_cost);
  json_object_set_array_member (context, "usage", rows);
  json_object_set_object_member (context, "usage_total", totals);
  json_object_set_boolean_member (context, "has_usage", sb_usage_get_n_rows (usage) > 0);
  json_object_set_string_member (context, "usage_basis", basis);
  sb_web_respond_page (req, SOUP_STATUS_OK, "profile", _("Profile"), context, NULL);
}

static void
profile_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = request_from (msg);
  g_autoptr(GError) error = NULL;
  JsonObject *context;
  g_autoptr(SbUser) user = NULL;
  g_autofree char *used = NULL;
  g_autofree char *created = NULL;
  g_autofree char *created_iso = NULL;
  JsonObject *profile;
  guint n_files = 0;
  guint64 bytes = 0;

  user = sb_accounts_get_profile_finish (SB_ACCOUNTS (object), result, &n_files, &bytes, &error);
  if (user == NULL)
    {
      sb_web_respond_failure (req, error);
      return;
    }

  used = g_format_size (bytes);
  created = sb_web_format_time (sb_user_get_created_at (user), FALSE);
  created_iso = sb_web_format_time (sb_user_get_created_at (user), TRUE);
  context = sb_web_context_new ();
  profile = json_object_new ();
  json_object_set_string_member (profile, "username", sb_user_get_username (user));
  json_object_set_string_member (profile, "email", sb_user_get_email (user));
  json_object_set_string_member (profile, "created", created);
  json_object_set_string_member (profile, "created_iso", created_iso);
  json_object_set_int_member (profile, "n_files", n_files);
  json_object_set_string_member (profile, "used", used);
  json_object_set_object_member (context, "profile", profile);
  g_object_set_data_full (G_OBJECT (msg), "sb-profile-context", context,
                          (GDestroyNotify) json_object_unref);
  sb_library_list_async (sb_web_server_get_library (req->server), sb_web_request_username (req),
                         req->cancellable, profile_files_cb, g_steal_pointer (&msg));
}

static void
page_profile (SbWebRequest *req)
{
  if (!is_get (req))
    {
      method_not_allowed (req, "GET, HEAD");
      return;
    }
  sb_accounts_get_profile_async (sb_web_server_get_accounts (req->server),
                                 sb_web_request_username (req), req->cancellable, profile_cb,
                                 g_object_ref (req->msg));
}

/* Files */

static void
files_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = request_from (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = sb_library_list_finish (SB_LIBRARY (object), result, &error);
  g_autoptr(JsonObject) context = NULL;
  g_autofree char *count = NULL;
  g_autofree char *total_text = NULL;
  JsonArray *rows;
  guint64 total = 0;

  if (files == NULL)
    {
      sb_web_respond_failure (req, error);
      return;
    }

  context = sb_web_context_new ();
  rows = json_array_sized_new (files->len);
  for (guint i = 0; i < files->len; i++)
    {
      JsonObject *row = json_object_new ();
      sb_web_file_to_json (row, g_ptr_array_index (files, i));
      json_object_set_int_member (row, "index", i + 1);
      json_array_add_object_element (rows, row);
      total += sb_file_get_size (g_ptr_array_index (files, i));
    }
  total_text = g_format_size (total);
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file, %s", "%u files, %s",
                                        files->len), files->len, total_text);
  json_object_set_array_member (context, "files", rows);
  json_object_set_boolean_member (context, "has_files", files->len > 0);
  json_object_set_string_member (context, "count_text", count);
  sb_web_respond_page (req, SOUP_STATUS_OK, "files", _("Files"), context, NULL);
}

static void
page_files (SbWebRequest *req)
{
  if (!is_get (req))
    {
      method_not_allowed (req, "GET, HEAD");
      return;
    }
  sb_library_list_async (sb_web_server_get_library (req->server), sb_web_request_username (req),
                         req->cancellable, files_cb, g_object_ref (req->msg));
}

/* Upload form (the POST streams; see sb-web-upload.c) */

void
sb_web_render_upload (SbWebRequest *req,
                      guint         status,
                      const char   *description,
                      gboolean      replace,
                      const char   *error)
{
  g_autoptr(JsonObject) context = sb_web_context_new ();
  JsonObject *form = json_object_new ();
  /* In the binary units the limit is configured in: "5.0 GiB", not "5.4 GB". */
  g_autofree char *max = g_format_size_full (sb_library_get_max_file_size (
                                               sb_web_server_get_library (req->server)),
                                             G_FORMAT_SIZE_IEC_UNITS);

  json_object_set_string_member (form, "description", description ? description : "");
  json_object_set_boolean_member (form, "replace", replace);
  json_object_set_object_member (context, "form", form);
  json_object_set_string_member (context, "max_size", max);
  sb_web_respond_page (req, status, "upload", _("Upload"), context, error);
}

/* Change password */

static void
render_password (SbWebRequest *req,
                 guint         status,
                 const char   *error)
{
  g_autoptr(JsonObject) context = sb_web_context_new ();

  sb_web_respond_page (req, status, "password", _("Change password"), context, error);
}

static void
password_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = request_from (msg);
  g_autoptr(GError) error = NULL;

  if (!sb_accounts_change_password_finish (SB_ACCOUNTS (object), result, &error))
    {
      form_failed (req, render_password, error);
      return;
    }
  sb_web_respond_redirect (req, "/profile", "password", NULL);
}

static void
page_password (SbWebRequest *req)
{
  if (!form_submitted (req, render_password))
    return;
  sb_accounts_change_password_async (sb_web_server_get_accounts (req->server), req->session,
                                     form_value (req, "current"), form_value (req, "new"),
                                     req->client_address, req->cancellable, password_cb,
                                     g_object_ref (req->msg));
}

/* Edit and delete forms */

void
sb_web_render_edit (SbWebRequest *req,
                    guint         status,
                    SbFile       *file,
                    const char   *name,
                    const char   *description,
                    const char   *error)
{
  g_autoptr(JsonObject) context = sb_web_context_new ();
  JsonObject *object = json_object_new ();
  JsonObject *form = json_object_new ();

  sb_web_file_to_json (object, file);
  json_object_set_object_member (context, "file", object);
  json_object_set_string_member (form, "name", name ? name : sb_file_get_name (file));
  json_object_set_string_member (form, "description",
                                 description ? description : sb_file_get_description (file));
  json_object_set_object_member (context, "form", form);
  sb_web_respond_page (req, status, "edit", _("Edit"), context, error);
}

static void
edit_get_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = request_from (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = sb_library_get_finish (SB_LIBRARY (object), result, &error);

  if (file == NULL)
    {
      sb_web_respond_failure (req, error);
      return;
    }
  sb_web_render_edit (req, SOUP_STATUS_OK, file, NULL, NULL, NULL);
}

static void
delete_get_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = request_from (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = sb_library_get_finish (SB_LIBRARY (object), result, &error);
  g_autoptr(JsonObject) context = NULL;
  JsonObject *file_object;

  if (file == NULL)
    {
      sb_web_respond_failure (req, error);
      return;
    }
  context = sb_web_context_new ();
  file_object = json_object_new ();
  sb_web_file_to_json (file_object, file);
  json_object_set_object_member (context, "file", file_object);
  sb_web_respond_page (req, SOUP_STATUS_OK, "delete", _("Delete"), context, NULL);
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SbWebRequest *req = request_from (msg);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  if (!sb_library_delete_finish (SB_LIBRARY (object), result, &error))
    {
      sb_web_respond_failure (req, error);
      return;
    }
  sb_web_parse_file_path (req->path, &name, NULL);
  sb_web_respond_redirect (req, "/files", "deleted", name);
}

static gint64
parse_version (const char *text)
{
  guint64 version = 0;

  if (text == NULL || *text == '\0' ||
      !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &version, NULL))
    return -1;
  return (gint64) version;
}

static void
page_file (SbWebRequest *req,
           const char   *name,
           const char   *action)
{
  SbLibrary *library = sb_web_server_get_library (req->server);
  const char *owner = sb_web_request_username (req);

  if (g_str_equal (action, "download"))
    {
      if (!is_get (req))
        method_not_allowed (req, "GET, HEAD");
      else
        sb_web_download (req, name);
    }
  else if (g_str_equal (action, "edit"))
    {
      /* POST is streamed by the upload code before routing. */
      if (!is_get (req))
        method_not_allowed (req, "GET, HEAD, POST");
      else
        sb_library_get_async (library, owner, name, req->cancellable, edit_get_cb,
                              g_object_ref (req->msg));
    }
  else if (g_str_equal (action, "delete"))
    {
      if (is_get (req))
        sb_library_get_async (library, owner, name, req->cancellable, delete_get_cb,
                              g_object_ref (req->msg));
      else if (!is_post (req))
        method_not_allowed (req, "GET, HEAD, POST");
      else if (!sb_web_request_check_csrf (req, form_value (req, "csrf")))
        sb_web_respond_forbidden (req);
      else
        sb_library_delete_async (library, owner, name, parse_version (form_value (req, "version")),
                                 req->cancellable, delete_cb, g_object_ref (req->msg));
    }
  else
    sb_web_respond_error (req, SOUP_STATUS_NOT_FOUND, _("There is no such page."));
}

/* "/files/<name>/<action>". libsoup hands us the decoded path, and names
 * never contain "/", so the name is everything between the first and the
 * last slash after "/files". */
gboolean
sb_web_parse_file_path (const char  *path,
                        char       **name,
                        char       **action)
{
  const char *rest;
  const char *last;

  if (!g_str_has_prefix (path, "/files/"))
    return FALSE;
  rest = path + strlen ("/files/");
  last = strrchr (rest, '/');
  if (last == NULL || last == rest)
    return FALSE;
  if (name)
    *name = g_strndup (rest, (gsize) (last - rest));
  if (action)
    *action = g_strdup (last + 1);
  return TRUE;
}

/* Static files and health */

static void
serve_static (SbWebRequest *req,
              const char   *name,
              const char   *content_type)
{
  g_autofree char *path = g_strconcat ("/io/github/storagebox/web/", name, NULL);
  g_autoptr(GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  gsize size;
  const char *data;

  g_assert (bytes != NULL);
  data = g_bytes_get_data (bytes, &size);
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "public, max-age=3600");
  soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_COPY, data, size);
  req->responded = TRUE;
  soup_server_message_unpause (req->msg);
}

static void
page_style (SbWebRequest *req)
{
  serve_static (req, "style.css", "text/css; charset=utf-8");
}

static void
page_upload_script (SbWebRequest *req)
{
  serve_static (req, "upload.js", "text/javascript; charset=utf-8");
}

static void
page_favicon (SbWebRequest *req)
{
  serve_static (req, "favicon.svg", "image/svg+xml");
}

static void
page_health (SbWebRequest *req)
{
  static const char body[] = "{\"status\":\"ok\"}\n";
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_response (req->msg, "application/json", SOUP_MEMORY_STATIC, body,
                                    strlen (body));
  req->responded = TRUE;
  soup_server_message_unpause (req->msg);
}

static void
page_upload (SbWebRequest *req)
{
  /* The POST never gets here: it streams through sb-web-upload.c. */
  if (is_get (req))
    sb_web_render_upload (req, SOUP_STATUS_OK, NULL, FALSE, NULL);
  else
    method_not_allowed (req, "GET, HEAD, POST");
}

/* Routing */

static const struct
{
  const char  *path;
  void       (*page) (SbWebRequest *req);
  gboolean     login;
} pages[] = {
  { "/healthz", page_health, FALSE },
  { "/static/style.css", page_style, FALSE },
  { "/static/favicon.svg", page_favicon, FALSE },
  { "/static/upload.js", page_upload_script, FALSE },
  { "/favicon.ico", page_favicon, FALSE },
  { "/", page_home, FALSE },
  { "/home", page_home, FALSE },
  { "/signup", page_signup, FALSE },
  { "/login", page_login, FALSE },
  { "/logout", page_logout, FALSE },
  { "/profile", page_profile, TRUE },
  { "/files", page_files, TRUE },
  { "/view", page_files, TRUE },          /* the original app's address */
  { "/upload", page_upload, TRUE },
  { "/password", page_password, TRUE },
};

static gboolean
login_needed (SbWebRequest *req)
{
  if (req->session)
    return FALSE;
  if (is_get (req))
    sb_web_respond_login_needed (req);
  else
    sb_web_respond_error (req, SOUP_STATUS_UNAUTHORIZED,
                          _("Your session has ended. Please log in again."));
  return TRUE;
}

void
sb_web_route (SbWebRequest *req)
{
  g_autofree char *name = NULL;
  g_autofree char *action = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_str_equal (req->path, pages[i].path))
      {
        if (!pages[i].login || !login_needed (req))
          pages[i].page (req);
        return;
      }

  if (sb_web_parse_file_path (req->path, &name, &action))
    {
      if (!login_needed (req))
        page_file (req, name, action);
      return;
    }

  sb_web_respond_error (req, SOUP_STATUS_NOT_FOUND, _("There is no such page."));
}
