/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sb-web-server.h"

G_BEGIN_DECLS

typedef struct _SbUpload SbUpload;

/* Room for the form fields and multipart framing around an uploaded file:
 * an upload's body may be this much larger than the largest file. */
#define SB_WEB_FORM_OVERHEAD (1024 * 1024)

/* One HTTP request while StorageBox works on it. It lives as data on its
 * SoupServerMessage; every asynchronous step holds a reference to the
 * message, so the request lives exactly as long as someone needs it. */
typedef struct
{
  SbWebServer       *server;        /* borrowed: the server outlives requests */
  SoupServerMessage *msg;           /* borrowed: we are its data */
  char              *method;
  char              *path;
  GHashTable        *query;         /* (nullable) */
  GHashTable        *form;          /* (nullable) urlencoded body fields */
  char              *client_address;
  char              *token;         /* session cookie, if any */
  SbSession         *session;       /* set once authenticated */
  gboolean           session_checked;
  char              *anon_csrf;     /* double-submit token for logged-out forms */
  gboolean           new_anon_csrf;
  char              *flash_cookie;  /* flash from the previous response */
  GCancellable      *cancellable;   /* cancelled if the client goes away */
  SbUpload          *upload;
  gboolean           responded;
  gboolean           answer_now;    /* answer without reading the body, then close */
  gint64             started;
  char              *id;
} SbWebRequest;

/* sb-web-server.c */
SbAccounts   *sb_web_server_get_accounts    (SbWebServer   *self);
SbLibrary    *sb_web_server_get_library     (SbWebServer   *self);
/* The configured price table, or the list prices. */
SbPrices     *sb_web_server_get_prices      (SbWebServer   *self);
SbWebRequest *sb_web_request_get            (SoupServerMessage *msg);
SbWebRequest *sb_web_request_ensure         (SbWebServer   *self,
                                             SoupServerMessage *msg,
                                             const char    *path,
                                             GHashTable    *query);
void          sb_web_request_authenticate   (SbWebRequest  *req,
                                             void         (*then) (SbWebRequest *req));
const char   *sb_web_request_csrf           (SbWebRequest  *req);
gboolean      sb_web_request_check_csrf     (SbWebRequest  *req,
                                             const char    *submitted);
const char   *sb_web_request_username       (SbWebRequest  *req);
JsonObject   *sb_web_context_new            (void);
void          sb_web_respond_page           (SbWebRequest  *req,
                                             guint          status,
                                             const char    *template_name,
                                             const char    *title,
                                             JsonObject    *context,
                                             const char    *error_message);
void          sb_web_respond_redirect       (SbWebRequest  *req,
                                             const char    *location,
                                             const char    *flash_code,
                                             const char    *flash_arg);
void          sb_web_respond_error          (SbWebRequest  *req,
                                             guint          status,
                                             const char    *message);
void          sb_web_respond_failure        (SbWebRequest  *req,
                                             const GError  *error);
void          sb_web_set_session_cookie     (SbWebRequest  *req,
                                             SbSession     *session);
void          sb_web_clear_session_cookie   (SbWebRequest  *req);
void          sb_web_respond_login_needed   (SbWebRequest  *req);
void          sb_web_respond_forbidden      (SbWebRequest  *req);
guint         sb_web_status_for_error       (const GError  *error);
const char   *sb_web_error_message          (const GError  *error);
void          sb_web_file_to_json           (JsonObject    *object,
                                             SbFile        *file);
char         *sb_web_format_time            (gint64         usec,
                                             gboolean       iso);

/* sb-web-pages.c */
void          sb_web_route                  (SbWebRequest  *req);
gboolean      sb_web_parse_file_path        (const char    *path,
                                             char         **name,
                                             char         **action);

void          sb_web_render_upload          (SbWebRequest  *req,
                                             guint          status,
                                             const char    *description,
                                             gboolean       replace,
                                             const char    *error);
void          sb_web_render_edit            (SbWebRequest  *req,
                                             guint          status,
                                             SbFile        *file,
                                             const char    *name,
                                             const char    *description,
                                             const char    *error);

/* sb-web-upload.c */
gboolean      sb_web_upload_is_route        (const char    *method,
                                             const char    *path);
void          sb_web_upload_begin           (SbWebRequest  *req);
void          sb_web_upload_body_done       (SbWebRequest  *req);
void          sb_web_upload_abort           (SbWebRequest  *req);
void          sb_upload_free                (SbUpload      *upload);

/* sb-web-download.c */
void          sb_web_download               (SbWebRequest  *req,
                                             const char    *name);

G_END_DECLS
