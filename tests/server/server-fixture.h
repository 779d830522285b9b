/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A real storagebox-server process on a free loopback port, with its own
 * data directory, and HTTP clients (each with its own cookie jar, like a
 * browser) to drive it. */
typedef struct
{
  GSubprocess *process;
  char        *url;       /* "http://127.0.0.1:<port>" without the final slash */
  char        *data_dir;
  gboolean     own_data_dir;
  GThread     *log_reader;
  GMutex       log_lock;
  GPtrArray   *log;       /* the server's request log, a JSON object a line */
} SbTestServer;

typedef struct
{
  SbTestServer  *server;
  SoupSession   *session;
  SoupCookieJar *jar;
  /* Set: a request that gets no answer returns status 0 instead of failing
   * the test (fault tests kill servers on purpose). */
  gboolean       tolerant;
} SbTestClient;

typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
  char               *text;     /* the body as a string, for HTML */
} SbTestResponse;

/* The backend every server (and storagebox-cli run) of this test process
 * uses: local (each server its own data directory) or, when
 * SB_TEST_BACKEND=aws or after sb_test_backend_use_aws(), one dynalite and
 * one RGW cluster shared by all, started on first use on free loopback ports
 * and provisioned with "storagebox-cli init". Tests that share it use
 * usernames of their own (and so object keys of their own). */
void                sb_test_backend_use_aws      (void);
gboolean            sb_test_backend_is_aws       (void);
/* For main(): TRUE, with one skipped test at @path saying why, if the AWS
 * backend is asked for and Ceph is not installed; the program then adds
 * none of its own tests. */
gboolean            sb_test_backend_add_skip     (const char         *path);
/* "NAME=value" settings pointing a process at the AWS test backend
 * (starting it if needed); NULL for the local backend. */
const char * const *sb_test_backend_env          (void);
/* The servers' URLs and keys, for tools run by the tests (aws CLI). */
const char         *sb_test_backend_dynamodb_url (void);
const char         *sb_test_backend_s3_url       (void);
const char         *sb_test_backend_access_key   (void);
const char         *sb_test_backend_secret_key   (void);
const char         *sb_test_backend_bucket       (void);
void                sb_test_backend_stop         (void);
/* Stored blobs of @owner, complete or partial. */
guint               sb_test_server_count_blobs   (SbTestServer       *server,
                                                  const char         *owner);
/* Runs storagebox-cli with the backend's settings plus @env; returns its
 * exit status, and its output in @out and @err if not NULL. */
int                 sb_test_run_cli              (const char * const *args,
                                                  const char * const *env,
                                                  const char         *input,
                                                  char              **out,
                                                  char              **err);

/* @extra_args: NULL-terminated, may be NULL; @env: NULL-terminated
 * "NAME=value" additions, may be NULL. */
SbTestServer   *sb_test_server_start       (const char * const *extra_args,
                                            const char * const *env);
SbTestServer   *sb_test_server_start_with  (const char          *data_dir,
                                            const char * const  *extra_args,
                                            const char * const  *env);
void            sb_test_server_stop        (SbTestServer        *server);
/* SIGKILL: no drain, no clean-up; the data directory stays. */
void            sb_test_server_kill        (SbTestServer        *server);
/* Whether a request log line contains all of @fragments (NULL-terminated). */
gboolean        sb_test_server_logged      (SbTestServer        *server,
                                            const char * const  *fragments);

SbTestClient   *sb_test_client_new         (SbTestServer        *server);
void            sb_test_client_free        (SbTestClient        *client);
char           *sb_test_client_cookie      (SbTestClient        *client,
                                            const char          *name);
void            sb_test_client_set_cookie  (SbTestClient        *client,
                                            const char          *name,
                                            const char          *value);

SbTestResponse *sb_test_get                (SbTestClient        *client,
                                            const char          *path);
SbTestResponse *sb_test_request            (SbTestClient        *client,
                                            const char          *method,
                                            const char          *path,
                                            const char * const  *headers);
/* key, value, ..., NULL */
SbTestResponse *sb_test_post_form          (SbTestClient        *client,
                                            const char          *path,
                                            ...) G_GNUC_NULL_TERMINATED;
/* Fields as key, value pairs ending with NULL; then the file part, if
 * @file_field is not NULL. */
SbTestResponse *sb_test_post_multipart     (SbTestClient        *client,
                                            const char          *path,
                                            const char * const  *fields,
                                            const char          *file_field,
                                            const char          *filename,
                                            GBytes              *content);
SbTestResponse *sb_test_post_raw           (SbTestClient        *client,
                                            const char          *path,
                                            const char          *content_type,
                                            GBytes              *body,
                                            const char * const  *headers);
void            sb_test_response_free      (SbTestResponse      *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbTestResponse, sb_test_response_free)

/* The CSRF token of the first form in a page. */
char           *sb_test_csrf               (SbTestResponse      *response);
char           *sb_test_form_csrf          (SbTestClient        *client,
                                            const char          *path);
/* Signs up (and so logs in) a user; asserts it worked. */
void            sb_test_sign_up            (SbTestClient        *client,
                                            const char          *username,
                                            const char          *password);
/* Uploads through the form; returns the response (a 303 on success). */
SbTestResponse *sb_test_upload             (SbTestClient        *client,
                                            const char          *filename,
                                            const char          *description,
                                            GBytes              *content,
                                            gboolean             replace);
char           *sb_test_file_path          (const char          *name,
                                            const char          *action);

void            sb_test_assert_status      (SbTestResponse      *response,
                                            guint                status);
void            sb_test_assert_contains    (SbTestResponse      *response,
                                            const char          *text);
void            sb_test_assert_lacks       (SbTestResponse      *response,
                                            const char          *text);
void            sb_test_assert_redirect    (SbTestResponse      *response,
                                            const char          *location);

G_END_DECLS
