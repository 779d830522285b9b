/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Integrity under faults, with real processes (issue 7):
 *
 * - embedded store: storagebox-server is SIGKILLed again and again while
 *   workers upload, replace, rename and delete, and restarted on the same
 *   data;
 * - AWS backend: dynalite (on disk) and Ceph RGW's gateway are SIGKILLed
 *   and restarted under the same load while one storagebox-server keeps
 *   running and must recover by itself; nobody may be logged out by the
 *   outage;
 * - a proxy that lets a DynamoDB write through and drops its answer;
 * - a full disk (a small tmpfs, as root).
 *
 * Every worker keeps a model of its files: for each name, the states it
 * may be in (absent, or a content digest). An acknowledged operation makes
 * the state exact; one whose answer never came adds its outcome to the
 * possible states, until a download shows which one it is. At every
 * check, every name must be in a state it may be in, every listed file
 * must download whole, and at the end fsck must find no record without
 * its bytes and, after --repair, no orphan.
 *
 * SB_FAULTS_REPORT=FILE appends the counts of each run to FILE. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "sb-aws-test-util.h"
#include "sb-test-proxy.h"
#include "sb-test-rgw.h"
#include "sb-test-util.h"
#include "server-fixture.h"

#define ABSENT ""

typedef struct
{
  guint ops;
  guint acknowledged;
  guint refused;        /* a definite "no" (the state did not change) */
  guint unknown;        /* no answer, or the server could not say */
  guint not_attempted;  /* the form could not even be fetched */
  guint verified;       /* downloads checked against the model */
  guint kills;
} Counts;

typedef struct
{
  char          *user;
  SbTestServer  *handle;    /* the URL clients use; survives restarts */
  SbTestClient  *client;
  GHashTable    *model;     /* name -> GPtrArray of digests (ABSENT: not there) */
  GRand         *rand;
  guint          next_name;
  gint           stop;
  gint           logged_in; /* kills wait for every worker's log-in */
  gboolean       aws;
  Counts         counts;
  GThread       *thread;
} Worker;

/* Content: reproducible from a seed, so only digests are kept. */
static GBytes *
content_for (guint32 seed,
             gsize   size)
{
  return sb_test_random_bytes (size, seed);
}

static char *
digest (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static GPtrArray *
states_new (const char *first)
{
  GPtrArray *states = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (states, g_strdup (first));
  return states;
}

static GPtrArray *
states_of (Worker     *worker,
           const char *name)
{
  GPtrArray *states = g_hash_table_lookup (worker->model, name);

  if (states == NULL)
    {
      states = states_new (ABSENT);
      g_hash_table_insert (worker->model, g_strdup (name), states);
    }
  return states;
}

static gboolean
states_contain (GPtrArray  *states,
                const char *state)
{
  for (guint i = 0; i < states->len; i++)
    if (g_str_equal (states->pdata[i], state))
      return TRUE;
  return FALSE;
}

static void
states_add (GPtrArray  *states,
            const char *state)
{
  if (!states_contain (states, state))
    g_ptr_array_add (states, g_strdup (state));
}

static void
set_exact (Worker     *worker,
           const char *name,
           const char *state)
{
  g_hash_table_insert (worker->model, g_strdup (name), states_new (state));
}

static gboolean
is_certain (Worker     *worker,
            const char *name)
{
  return states_of (worker, name)->len == 1;
}

/* HTTP, tolerating a dead server */

static char *
find_value (const char *html,
            const char *field)
{
  g_autofree char *needle = g_strdup_printf ("name=\"%s\" value=\"", field);
  const char *start = html ? strstr (html, needle) : NULL;
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen (needle);
  end = strchr (start, '"');
  return end ? g_strndup (start, (gsize) (end - start)) : NULL;
}

static gboolean
answered (guint status)
{
  return status != 0 && status < 500;
}

static void
assert_not_logged_out (Worker         *worker,
                       SbTestResponse *response)
{
  const char *location = soup_message_headers_get_one (response->headers, "Location");

  /* Nothing in these runs ends a session: a redirect to the log-in page
   * would mean a fault (a restart, an outage) logged the user out. */
  if (location != NULL && g_str_has_prefix (location, "/login"))
    g_error ("%s was sent to the log-in page (%u %s): a fault ended the session",
             worker->user, response->status, location);
}

/* The outcome of a request that changes something: TRUE acknowledged,
 * FALSE refused; *unknown when no definite answer came. */
static gboolean
outcome (Worker         *worker,
         SbTestResponse *response,
         gboolean       *unknown)
{
  assert_not_logged_out (worker, response);
  *unknown = !answered (response->status);
  return response->status == SOUP_STATUS_SEE_OTHER;
}

static void
record_outcome (Worker     *worker,
                gboolean    acknowledged,
                gboolean    unknown)
{
  worker->counts.ops++;
  if (acknowledged)
    worker->counts.acknowledged++;
  else if (unknown)
    worker->counts.unknown++;
  else
    worker->counts.refused++;
}

static char *
form_page (Worker     *worker,
           const char *path,
           char      **version)
{
  g_autoptr(SbTestResponse) page = sb_test_get (worker->client, path);
  char *csrf;

  assert_not_logged_out (worker, page);
  if (page->status != SOUP_STATUS_OK)
    return NULL;
  csrf = find_value (page->text, "csrf");
  if (version != NULL)
    *version = find_value (page->text, "version");
  return csrf;
}

/* The server is down or cannot say: wait a moment rather than spin. */
static void
not_attempted (Worker *worker)
{
  worker->counts.not_attempted++;
  g_usleep (20000);
}

static void
op_upload (Worker     *worker,
           const char *name,
           gboolean    replace)
{
  guint32 seed = g_rand_int (worker->rand);
  guint kind = (guint) g_rand_int_range (worker->rand, 0, 40);
  /* Mostly small; now and then a few MiB; rarely more than a part (8 MiB),
   * so that kills also meet multipart uploads. */
  gsize size = kind == 0   ? (gsize) g_rand_int_range (worker->rand, 9 * 1024 * 1024,
                                                       12 * 1024 * 1024)
               : kind < 6  ? (gsize) g_rand_int_range (worker->rand, 1, 3 * 1024 * 1024)
                           : (gsize) g_rand_int_range (worker->rand, 0, 64 * 1024);
  g_autoptr(GBytes) content = content_for (seed, size);
  g_autofree char *hash = digest (content);
  g_autofree char *csrf = form_page (worker, "/upload", NULL);
  g_autoptr(SbTestResponse) response = NULL;
  gboolean unknown, acknowledged;

  if (csrf == NULL)
    {
      not_attempted (worker);
      return;
    }
  {
    const char *fields[] = { "csrf", csrf, "description", "chaos",
                             replace ? "replace" : NULL, "1", NULL };
    response = sb_test_post_multipart (worker->client, "/upload", fields, "file", name,
                                       content);
  }
  acknowledged = outcome (worker, response, &unknown);
  record_outcome (worker, acknowledged, unknown);
  if (acknowledged)
    set_exact (worker, name, hash);
  else if (unknown)
    states_add (states_of (worker, name), hash);
}

static void
op_rename (Worker     *worker,
           const char *name)
{
  g_autofree char *new_name = g_strdup_printf ("f%u.bin", worker->next_name++);
  g_autofree char *path = sb_test_file_path (name, "edit");
  g_autofree char *version = NULL;
  g_autofree char *csrf = form_page (worker, path, &version);
  g_autoptr(SbTestResponse) response = NULL;
  g_autofree char *state = NULL;
  gboolean unknown, acknowledged;

  if (csrf == NULL || version == NULL)
    {
      not_attempted (worker);
      return;
    }
  {
    const char *fields[] = { "csrf", csrf, "version", version, "name", new_name,
                             "description", "renamed", NULL };
    response = sb_test_post_multipart (worker->client, path, fields, NULL, NULL, NULL);
  }
  acknowledged = outcome (worker, response, &unknown);
  record_outcome (worker, acknowledged, unknown);
  state = g_strdup (states_of (worker, name)->pdata[0]);
  if (acknowledged)
    {
      set_exact (worker, name, ABSENT);
      set_exact (worker, new_name, state);
    }
  else if (unknown)
    {
      states_add (states_of (worker, name), ABSENT);
      states_add (states_of (worker, new_name), state);
    }
}

static void
op_delete (Worker     *worker,
           const char *name)
{
  g_autofree char *path = sb_test_file_path (name, "delete");
  g_autofree char *version = NULL;
  g_autofree char *csrf = form_page (worker, path, &version);
  g_autoptr(SbTestResponse) response = NULL;
  gboolean unknown, acknowledged;

  if (csrf == NULL || version == NULL)
    {
      not_attempted (worker);
      return;
    }
  response = sb_test_post_form (worker->client, path, "csrf", csrf, "version", version, NULL);
  acknowledged = outcome (worker, response, &unknown);
  record_outcome (worker, acknowledged, unknown);
  if (acknowledged)
    set_exact (worker, name, ABSENT);
  else if (unknown)
    states_add (states_of (worker, name), ABSENT);
}

/* What a name holds now, as a download shows it: a digest, ABSENT, or
 * NULL if the server could not say. A download that is cut short or
 * damaged fails the test: every listed file must download whole. */
static char *
observe (Worker     *worker,
         const char *name)
{
  g_autofree char *path = sb_test_file_path (name, "download");
  g_autoptr(SbTestResponse) response = sb_test_get (worker->client, path);
  const char *length;

  assert_not_logged_out (worker, response);
  if (response->status == SOUP_STATUS_NOT_FOUND)
    return g_strdup (ABSENT);
  if (response->status == 0 || response->status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    {
      g_test_message ("%s's “%s”: no answer yet (HTTP %u): %s", worker->user, name,
                      response->status,
                      strstr (response->text, "<main>") ? strstr (response->text, "<main>")
                                                        : response->text);
      return NULL;
    }
  if (response->status != SOUP_STATUS_OK)
    g_error ("downloading %s's “%s”: HTTP %u\n%s", worker->user, name, response->status,
             response->text);
  length = soup_message_headers_get_one (response->headers, "Content-Length");
  g_assert_cmpuint (g_ascii_strtoull (length, NULL, 10), ==, g_bytes_get_size (response->body));
  worker->counts.verified++;
  return digest (response->body);
}

/* Checks every name against the model, and makes uncertain ones exact.
 * FALSE if the server could not answer for some name (try again later). */
static gboolean
reconcile (Worker   *worker,
           gboolean  all)
{
  g_autoptr(GList) names = g_hash_table_get_keys (worker->model);
  gboolean complete = TRUE;

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      GPtrArray *states = states_of (worker, name);
      g_autofree char *seen = NULL;

      if (!all && states->len == 1)
        continue;
      seen = observe (worker, name);
      if (seen == NULL)
        {
          complete = FALSE;
          continue;
        }
      if (!states_contain (states, seen))
        g_error ("%s's “%s” holds %s, which no acknowledged or unanswered operation could "
                 "have left (%u possible states, first %s)",
                 worker->user, name, *seen ? seen : "nothing", states->len,
                 *(char *) states->pdata[0] ? (char *) states->pdata[0] : "nothing");
      set_exact (worker, name, seen);
    }
  return complete;
}

static char *
pick_present (Worker *worker)
{
  g_autoptr(GPtrArray) present = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, worker->model);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *states = value;

      if (states->len == 1 && *(char *) states->pdata[0] != '\0')
        g_ptr_array_add (present, key);
    }
  if (present->len == 0)
    return NULL;
  return g_strdup (present->pdata[g_rand_int_range (worker->rand, 0, (gint32) present->len)]);
}

static gpointer
work (gpointer data)
{
  Worker *worker = data;
  g_autoptr(GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  worker->client = sb_test_client_new (worker->handle);
  worker->client->tolerant = TRUE;
  {
    g_autofree char *csrf = NULL;
    g_autoptr(SbTestResponse) response = NULL;

    for (guint i = 0; i < 100 && csrf == NULL; i++)
      if ((csrf = form_page (worker, "/login", NULL)) == NULL)
        g_usleep (50000);
    g_assert_nonnull (csrf);
    response = sb_test_post_form (worker->client, "/login", "csrf", csrf, "username",
                                  worker->user, "password", "chaos-password", NULL);
    sb_test_assert_redirect (response, "/profile");
    g_atomic_int_set (&worker->logged_in, 1);
  }

  while (!g_atomic_int_get (&worker->stop))
    {
      g_autofree char *name = NULL;
      guint choice = (guint) g_rand_int_range (worker->rand, 0, 10);

      reconcile (worker, FALSE);
      name = pick_present (worker);
      if (name == NULL || choice < 4)
        {
          g_autofree char *fresh = g_strdup_printf ("f%u.bin", worker->next_name++);
          op_upload (worker, fresh, FALSE);
        }
      else if (choice < 6 && is_certain (worker, name))
        op_upload (worker, name, TRUE);
      else if (choice < 8)
        op_rename (worker, name);
      else
        op_delete (worker, name);
    }
  g_main_context_pop_thread_default (context);
  return NULL;
}

static Worker *
worker_new (SbTestServer *handle,
            const char   *user,
            guint32       seed,
            gboolean      aws)
{
  Worker *worker = g_new0 (Worker, 1);

  worker->user = g_strdup (user);
  worker->handle = handle;
  worker->aws = aws;
  worker->rand = g_rand_new_with_seed (seed);
  worker->model = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  return worker;
}

static void
worker_free (Worker *worker)
{
  if (worker->client != NULL)
    sb_test_client_free (worker->client);
  g_hash_table_unref (worker->model);
  g_rand_free (worker->rand);
  g_free (worker->user);
  g_free (worker);
}

/* The final check, with the server up and nothing else running: every
 * name as the model says, and the CLI's listing exactly the present ones. */
static void
verify_all (Worker             *worker,
            const char * const *cli_env)
{
  const char *ls[] = { "ls", "--json", "--user", worker->user, NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  GHashTableIter iter;
  gpointer key, value;
  JsonArray *listed;
  guint present = 0;

  for (guint i = 0; !reconcile (worker, TRUE); i++)
    {
      if (i == 100)
        g_error ("%s: the server still cannot answer for every file after 10 s", worker->user);
      g_usleep (100000);
    }

  g_assert_cmpint (sb_test_run_cli (ls, cli_env, NULL, &out, &err), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  listed = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (listed); i++)
    {
      JsonObject *file = json_array_get_object_element (listed, i);
      const char *name = json_object_get_string_member (file, "name");
      GPtrArray *states = g_hash_table_lookup (worker->model, name);

      if (states == NULL || states->len != 1 ||
          g_strcmp0 (states->pdata[0], json_object_get_string_member (file, "sha256")) != 0)
        g_error ("%s's listing has “%s” with SHA-256 %s, not what was stored (%s)", worker->user,
                 name, json_object_get_string_member (file, "sha256"),
                 states == NULL ? "a name never used" : states->len != 1 ? "still uncertain"
                 : *(char *) states->pdata[0] ? (char *) states->pdata[0] : "it was deleted");
    }
  g_hash_table_iter_init (&iter, worker->model);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (*(char *) ((GPtrArray *) value)->pdata[0] != '\0')
      present++;
  g_assert_cmpuint (present, ==, json_array_get_length (listed));
}

/* No Set-Cookie of @response touches the session cookie. */
static void
assert_session_kept (SbTestResponse *response)
{
  const char *cookies = soup_message_headers_get_list (response->headers, "Set-Cookie");

  if (cookies != NULL && strstr (cookies, "sb_session=") != NULL)
    g_error ("a response changed the session cookie: %s", cookies);
}

static void
add_counts (Counts       *total,
            const Counts *counts)
{
  total->ops += counts->ops;
  total->acknowledged += counts->acknowledged;
  total->refused += counts->refused;
  total->unknown += counts->unknown;
  total->not_attempted += counts->not_attempted;
  total->verified += counts->verified;
}

static JsonObject *
run_fsck (const char * const *cli_env,
          const char         *first,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list args;

  g_ptr_array_add (argv, "fsck");
  g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, "--grace");
  g_ptr_array_add (argv, "0");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  sb_test_run_cli ((const char * const *) argv->pdata, cli_env, NULL, &out, &err);
  g_test_message ("fsck: %s%s", out, err);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static guint
count_kind (JsonObject *report,
            const char *kind)
{
  JsonArray *problems = json_object_get_array_member (report, "problems");
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (problems); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (problems, i),
                                                    "kind"), kind))
      count++;
  return count;
}

/* fsck after the chaos: no record may lack its bytes (nor hold the wrong
 * ones), and --repair leaves no orphan. */
static void
fsck_after (const char * const *cli_env,
            const char         *label,
            const Counts       *totals)
{
  g_autoptr(JsonObject) before = run_fsck (cli_env, "--verify", NULL);
  g_autoptr(JsonObject) repaired = NULL;
  g_autoptr(JsonObject) after = NULL;
  guint orphans = count_kind (before, "orphan");
  guint stale = count_kind (before, "stale-upload");
  guint shared;
  const char *report_path = g_getenv ("SB_FAULTS_REPORT");

  g_assert_cmpuint (count_kind (before, "missing"), ==, 0);
  g_assert_cmpuint (count_kind (before, "wrong-size"), ==, 0);
  g_assert_cmpuint (count_kind (before, "checksum-mismatch"), ==, 0);
  /* Two names on one content is allowed: a rename the outage left half
   * done, which --repair finishes. */
  shared = count_kind (before, "shared");
  repaired = run_fsck (cli_env, "--repair", NULL);
  g_assert_cmpint (json_object_get_int_member (repaired, "remaining"), ==, 0);
  after = run_fsck (cli_env, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (after, "problems")),
                    ==, 0);

  g_test_message ("%s: %u operations (%u acknowledged, %u refused, %u unanswered, %u not "
                  "attempted), %u kills, %u downloads verified, %" G_GINT64_FORMAT " files; "
                  "fsck: %u orphans, %u abandoned uploads and %u half-done renames before "
                  "--repair, none after",
                  label, totals->ops, totals->acknowledged, totals->refused, totals->unknown,
                  totals->not_attempted, totals->kills, totals->verified,
                  json_object_get_int_member (after, "records"), orphans, stale, shared);
  if (report_path != NULL)
    {
      g_autofree char *line =
        g_strdup_printf ("%s\t%u ops\t%u acknowledged\t%u refused\t%u unanswered\t"
                         "%u not attempted\t%u kills\t%u verified\t%" G_GINT64_FORMAT " files\t"
                         "%u orphans\t%u stale uploads\t%u half-done renames\n",
                         label, totals->ops, totals->acknowledged, totals->refused,
                         totals->unknown, totals->not_attempted, totals->kills,
                         totals->verified, json_object_get_int_member (after, "records"),
                         orphans, stale, shared);
      FILE *file = fopen (report_path, "a");

      g_assert_nonnull (file);
      fputs (line, file);
      fclose (file);
    }
}

static void
sign_up (SbTestServer *server,
         const char   *user)
{
  SbTestClient *client = sb_test_client_new (server);

  sb_test_sign_up (client, user, "chaos-password");
  sb_test_client_free (client);
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);

  return value ? (guint) g_ascii_strtoull (value, NULL, 10) : fallback;
}

#define N_WORKERS 4

/* The faults start once every worker has logged in: a log-in refused
 * during an outage is right, but it would end the worker before its work. */
static void
wait_for_log_ins (Worker **workers)
{
  for (guint i = 0; i < N_WORKERS; i++)
    for (guint t = 0; !g_atomic_int_get (&workers[i]->logged_in); t++)
      {
        if (t == 600)
          g_error ("%s did not log in within 60 s", workers[i]->user);
        g_usleep (100000);
      }
}

/* Embedded store: storagebox-server killed under load */

static void
test_local_kill_server (void)
{
  g_autofree char *dir = sb_test_make_tmpdir ("sb-faults-local-XXXXXX");
  g_autofree char *data_env = g_strdup_printf ("STORAGEBOX_DATA_DIR=%s", dir);
  const char *cli_env[] = { data_env, NULL };
  guint16 port = sb_test_free_port ();
  g_autofree char *listen = g_strdup_printf ("--listen=127.0.0.1:%u", port);
  const char *args[] = { listen, "--quiet", NULL };
  guint kills = env_uint ("SB_FAULTS_KILLS", 8);
  SbTestServer handle = { .url = g_strdup_printf ("http://127.0.0.1:%u", port),
                          .data_dir = dir };
  SbTestServer *server;
  Worker *workers[N_WORKERS];
  Counts totals = { 0 };
  guint32 seed = g_test_rand_int ();

  g_test_message ("seed %u", seed);
  server = sb_test_server_start_with (dir, args, NULL);
  for (guint i = 0; i < N_WORKERS; i++)
    {
      g_autofree char *user = g_strdup_printf ("worker%u", i);

      sign_up (server, user);
      workers[i] = worker_new (&handle, user, seed + i, FALSE);
      workers[i]->thread = g_thread_new ("worker", work, workers[i]);
    }
  wait_for_log_ins (workers);

  for (guint k = 0; k < kills; k++)
    {
      g_usleep (g_random_int_range (300, 1200) * 1000);
      sb_test_server_kill (server);
      totals.kills++;
      g_usleep (g_random_int_range (50, 400) * 1000);
      server = sb_test_server_start_with (dir, args, NULL);
    }
  g_usleep (500000);
  for (guint i = 0; i < N_WORKERS; i++)
    g_atomic_int_set (&workers[i]->stop, 1);
  for (guint i = 0; i < N_WORKERS; i++)
    {
      g_thread_join (workers[i]->thread);
      verify_all (workers[i], cli_env);
      add_counts (&totals, &workers[i]->counts);
      worker_free (workers[i]);
    }
  sb_test_server_stop (server);
  g_assert_cmpuint (totals.acknowledged, >, 0);
  fsck_after (cli_env, "embedded store, server killed", &totals);
  g_free (handle.url);
  sb_test_rm_rf (dir);
}

/* AWS backend: dynalite and s3rver killed under load */

typedef struct
{
  const char  *kind;
  guint16      port;
  char        *dir;
  GSubprocess *process;
} Service;

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
service_start (Service *service)
{
  const char *modules = g_getenv ("SB_NODE_MODULES");
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", service->port);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  if (g_str_equal (service->kind, "dynalite"))
    {
      g_autofree char *module = g_build_filename (modules, "dynalite", NULL);
      /* On disk, so what it acknowledged survives a SIGKILL. */
      g_autofree char *script =
        g_strdup_printf ("require(process.argv[1])({path: process.argv[2], createTableMs: 0,"
                         " deleteTableMs: 0, updateTableMs: 0})"
                         ".listen(Number(process.argv[3]), '127.0.0.1')");

      service->process = g_subprocess_launcher_spawn (launcher, &error, "node", "-e", script,
                                                      module, service->dir, port, NULL);
    }
  else
    {
      g_autofree char *script = g_build_filename (modules, "s3rver", "bin", "s3rver.js", NULL);

      service->process = g_subprocess_launcher_spawn (launcher, &error, "node",
                                                      "--openssl-legacy-provider", script,
                                                      "--directory", service->dir, "--address",
                                                      "127.0.0.1", "--port", port, "--silent",
                                                      NULL);
    }
  g_assert_no_error (error);
  /* Up once it accepts connections. */
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketConnection) connection =
        g_socket_client_connect_to_host (client, "127.0.0.1", service->port, NULL, NULL);

      if (connection != NULL)
        return;
      g_usleep (50000);
    }
  g_error ("%s did not start on port %u", service->kind, service->port);
}

static void
service_kill (Service *service)
{
  g_subprocess_send_signal (service->process, SIGKILL);
  g_subprocess_wait (service->process, NULL, NULL);
  g_clear_object (&service->process);
}

static gboolean
need_node (void)
{
  g_autofree char *dynalite = NULL;

  if (g_getenv ("SB_NODE_MODULES") == NULL)
    {
      g_test_skip ("SB_NODE_MODULES is not set (run npm ci in tests/node)");
      return FALSE;
    }
  dynalite = g_build_filename (g_getenv ("SB_NODE_MODULES"), "dynalite", NULL);
  if (!g_file_test (dynalite, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("dynalite is not installed (run npm ci in tests/node)");
      return FALSE;
    }
  return TRUE;
}

/* dynalite on disk and Ceph RGW (whose cluster outlives its gateway), on
 * ports of their own, provisioned by storagebox-cli init; env holds the
 * settings that point at them. */
typedef struct
{
  Service    dynalite;
  SbTestRgw *rgw;
  char     **env;
} Stack;

static gboolean
stack_start (Stack      *stack,
             const char *bucket)
{
  const char *init[] = { "init", NULL };
  g_autoptr(GError) error = NULL;
  char **env;

  memset (stack, 0, sizeof *stack);
  if (!need_node ())
    return FALSE;
  stack->rgw = sb_test_rgw_start (NULL, &error);
  if (stack->rgw == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_test_skip (error->message);
      return FALSE;
    }
  g_assert_no_error (error);
  stack->dynalite = (Service) { "dynalite", sb_test_free_port (),
                                sb_test_make_tmpdir ("sb-faults-dynalite-XXXXXX"), NULL };
  service_start (&stack->dynalite);

  env = g_new0 (char *, 9);
  env[0] = g_strdup ("STORAGEBOX_BACKEND=aws");
  env[1] = g_strdup_printf ("STORAGEBOX_BUCKET=%s", bucket);
  env[2] = g_strdup_printf ("STORAGEBOX_DYNAMODB_ENDPOINT_URL=http://127.0.0.1:%u",
                            stack->dynalite.port);
  env[3] = g_strdup_printf ("STORAGEBOX_S3_ENDPOINT_URL=%s", sb_test_rgw_get_url (stack->rgw));
  env[4] = g_strdup_printf ("STORAGEBOX_REGION=%s", sb_test_rgw_get_region (stack->rgw));
  env[5] = g_strdup_printf ("AWS_ACCESS_KEY_ID=%s", sb_test_rgw_get_access_key (stack->rgw));
  env[6] = g_strdup_printf ("AWS_SECRET_ACCESS_KEY=%s",
                            sb_test_rgw_get_secret_key (stack->rgw));
  env[7] = g_strdup ("AWS_EC2_METADATA_DISABLED=true");
  stack->env = env;
  g_assert_cmpint (sb_test_run_cli (init, (const char * const *) stack->env, NULL, NULL, NULL),
                   ==, 0);
  return TRUE;
}

static void
stack_stop (Stack *stack)
{
  if (stack->dynalite.process != NULL)
    service_kill (&stack->dynalite);
  if (stack->dynalite.dir != NULL)
    sb_test_rm_rf (stack->dynalite.dir);
  g_free (stack->dynalite.dir);
  sb_test_rgw_stop (stack->rgw);
  g_strfreev (stack->env);
}

static void
test_aws_kill_services (void)
{
  Stack stack;
  guint16 port = sb_test_free_port ();
  g_autofree char *listen = g_strdup_printf ("--listen=127.0.0.1:%u", port);
  const char *args[] = { listen, "--quiet", NULL };
  guint kills = env_uint ("SB_FAULTS_KILLS", 8);
  SbTestServer handle = { .url = g_strdup_printf ("http://127.0.0.1:%u", port) };
  SbTestServer *server;
  Worker *workers[N_WORKERS];
  Counts totals = { 0 };
  guint32 seed = g_test_rand_int ();

  if (!stack_start (&stack, "storagebox-faults"))
    return;
  g_test_message ("seed %u", seed);
  server = sb_test_server_start ((const char * const *) args, (const char * const *) stack.env);
  for (guint i = 0; i < N_WORKERS; i++)
    {
      g_autofree char *user = g_strdup_printf ("aws%u", i);

      sign_up (server, user);
      workers[i] = worker_new (&handle, user, seed + i, TRUE);
      workers[i]->thread = g_thread_new ("worker", work, workers[i]);
    }
  wait_for_log_ins (workers);

  for (guint k = 0; k < kills; k++)
    {
      g_autoptr(GError) error = NULL;

      /* DynamoDB and S3 in turn; RGW's gateway alone, as its cluster is
       * where the objects are. */
      g_usleep (g_random_int_range (400, 1200) * 1000);
      if (k % 2 == 0)
        service_kill (&stack.dynalite);
      else
        sb_test_rgw_kill_gateway (stack.rgw);
      totals.kills++;
      g_usleep (g_random_int_range (100, 800) * 1000);
      if (k % 2 == 0)
        service_start (&stack.dynalite);
      else
        g_assert_true (sb_test_rgw_restart_gateway (stack.rgw, &error));
      g_assert_no_error (error);
    }
  g_usleep (1000000);
  for (guint i = 0; i < N_WORKERS; i++)
    g_atomic_int_set (&workers[i]->stop, 1);
  for (guint i = 0; i < N_WORKERS; i++)
    {
      g_thread_join (workers[i]->thread);
      verify_all (workers[i], (const char * const *) stack.env);
      add_counts (&totals, &workers[i]->counts);
      worker_free (workers[i]);
    }
  /* The same process served throughout: it recovered by itself. */
  sb_test_server_stop (server);
  g_assert_cmpuint (totals.acknowledged, >, 0);
  fsck_after ((const char * const *) stack.env, "AWS backend, dynalite and radosgw killed", &totals);
  stack_stop (&stack);
  g_free (handle.url);
}

/* AWS backend: the files table's write goes through, its answer is lost,
 * then nothing gets through for a while (the 10 KiB put, 12 MiB
 * multipart upload and 64 KiB replace). The user hears the outcome is
 * uncertain; afterwards the file is there and downloads whole. */
static void
test_aws_lost_answer (void)
{
  Stack stack;
  g_auto(GStrv) proxied = NULL;
  g_autoptr(SbTestProxy) proxy = NULL;
  g_autofree char *dynamodb_url = NULL;
  SbTestServer *server;
  SbTestClient *client;
  struct { const char *name; gsize size; gboolean replace; } cases[] = {
    { "small.bin", 10 * 1024, FALSE },
    { "large.bin", 12 * 1024 * 1024, FALSE },
    { "small.bin", 64 * 1024, TRUE },
  };

  if (!stack_start (&stack, "storagebox-lost"))
    return;
  dynamodb_url = g_strdup_printf ("http://127.0.0.1:%u", stack.dynalite.port);
  proxy = sb_test_proxy_new (dynamodb_url);
  proxied = g_strdupv (stack.env);
  g_free (proxied[2]);
  proxied[2] = g_strdup_printf ("STORAGEBOX_DYNAMODB_ENDPOINT_URL=%s",
                                sb_test_proxy_get_url (proxy));
  server = sb_test_server_start (NULL, (const char * const *) proxied);
  client = sb_test_client_new (server);
  sb_test_sign_up (client, "lostanswer", "chaos-password");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) content = sb_test_random_bytes (cases[i].size, i + 1);
      g_autofree char *expected = digest (content);
      g_autofree char *path = sb_test_file_path (cases[i].name, "download");
      g_autoptr(SbTestResponse) response = NULL;
      g_autoptr(SbTestResponse) download = NULL;
      g_autoptr(SbTestResponse) files = NULL;
      g_autofree char *got = NULL;
      g_autofree char *csrf = sb_test_form_csrf (client, "/upload");
      const char *fields[] = { "csrf", csrf, "description", "", cases[i].replace ? "replace" : NULL,
                               "1", NULL };

      /* The replace's own write carries its version condition. */
      sb_test_proxy_add_rule (proxy, "PutItem",
                              cases[i].replace ? "#v = :v" : "storagebox-files",
                              SB_TEST_PROXY_DROP_AND_FAIL, 1);
      response = sb_test_post_multipart (client, "/upload", fields, "file", cases[i].name,
                                         content);
      sb_test_assert_status (response, SOUP_STATUS_SERVICE_UNAVAILABLE);
      sb_test_assert_contains (response, "did not confirm whether");
      /* The outage did not log the user out. */
      assert_session_kept (response);
      g_assert_cmpuint (sb_test_proxy_count (proxy, SB_TEST_PROXY_DROP_AND_FAIL), ==, i + 1);

      sb_test_proxy_clear (proxy);
      files = sb_test_get (client, "/files");
      sb_test_assert_status (files, SOUP_STATUS_OK);
      sb_test_assert_contains (files, cases[i].name);
      download = sb_test_get (client, path);
      sb_test_assert_status (download, SOUP_STATUS_OK);
      got = digest (download->body);
      g_assert_cmpstr (got, ==, expected);
    }

  /* The replaced content stayed (its record's write was uncertain): fsck
   * finds it an orphan, and nothing a record refers to is missing. */
  {
    g_autoptr(JsonObject) report = run_fsck ((const char * const *) stack.env, NULL);

    g_assert_cmpuint (count_kind (report, "missing"), ==, 0);
    g_assert_cmpuint (count_kind (report, "orphan"), ==, 1);
  }

  sb_test_client_free (client);
  sb_test_server_stop (server);
  stack_stop (&stack);
}

/* AWS backend: while the sessions table cannot be reached every page says
 * so, and nobody is logged out; once it is back, the same browser is still
 * logged in. */
static void
test_aws_outage_keeps_sessions (void)
{
  Stack stack;
  SbTestServer *server;
  SbTestClient *client;

  if (!stack_start (&stack, "storagebox-outage"))
    return;
  server = sb_test_server_start (NULL, (const char * const *) stack.env);
  client = sb_test_client_new (server);
  sb_test_sign_up (client, "stayloggedin", "chaos-password");

  service_kill (&stack.dynalite);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SbTestResponse) page = sb_test_get (client, i == 0 ? "/files" : "/profile");

      sb_test_assert_status (page, SOUP_STATUS_SERVICE_UNAVAILABLE);
      sb_test_assert_contains (page, "try again in a moment");
      assert_session_kept (page);
    }
  service_start (&stack.dynalite);
  {
    g_autoptr(SbTestResponse) page = sb_test_get (client, "/profile");

    sb_test_assert_status (page, SOUP_STATUS_OK);
    sb_test_assert_contains (page, "stayloggedin");
    sb_test_assert_contains (page, "Log out");
  }

  sb_test_client_free (client);
  sb_test_server_stop (server);
  stack_stop (&stack);
}

/* Embedded store on a full disk */

static gboolean
mount_small_disk (const char *dir,
                  guint       mebibytes,
                  char      **why)
{
  g_autofree char *options = g_strdup_printf ("size=%um", mebibytes);

  if (geteuid () != 0)
    {
      *why = g_strdup ("mounting a small tmpfs needs root");
      return FALSE;
    }
  if (mount ("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
    {
      *why = g_strdup_printf ("cannot mount a tmpfs here: %s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* Fills what is left of the disk with a file of its own. */
static void
fill_disk (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "filler", NULL);
  g_autofree char *block = g_malloc0 (64 * 1024);
  FILE *file = fopen (path, "ab");
  struct statvfs st;

  g_assert_nonnull (file);
  setvbuf (file, NULL, _IONBF, 0);
  while (fwrite (block, 1, 64 * 1024, file) == 64 * 1024)
    ;
  while (fwrite (block, 1, 1, file) == 1)
    ;
  fclose (file);
  g_assert_cmpint (statvfs (dir, &st), ==, 0);
  g_assert_cmpuint (st.f_bavail, ==, 0);
}

static void
test_local_disk_full (void)
{
  g_autofree char *dir = sb_test_make_tmpdir ("sb-faults-full-XXXXXX");
  g_autofree char *why = NULL;
  g_autofree char *data = NULL;
  g_autofree char *filler = NULL;
  SbTestServer *server;
  SbTestClient *client;
  SbTestClient *other;
  guint stored = 0;

  if (!mount_small_disk (dir, 24, &why))
    {
      g_test_skip (why);
      sb_test_rm_rf (dir);
      return;
    }
  data = g_build_filename (dir, "data", NULL);
  server = sb_test_server_start_with (data, NULL, NULL);
  client = sb_test_client_new (server);
  other = sb_test_client_new (server);
  sb_test_sign_up (client, "fullness", "chaos-password");
  sb_test_sign_up (other, "bystander", "chaos-password");
  {
    g_autofree char *csrf = sb_test_form_csrf (other, "/files");
    g_autoptr(SbTestResponse) out = sb_test_post_form (other, "/logout", "csrf", csrf, NULL);
  }

  /* Uploads until the disk says no: in the disk's words. */
  for (;; stored++)
    {
      g_autoptr(GBytes) content = sb_test_random_bytes (3 * 1024 * 1024, stored);
      g_autofree char *name = g_strdup_printf ("big%u.bin", stored);
      g_autoptr(SbTestResponse) response = sb_test_upload (client, name, "", content, FALSE);

      if (response->status == SOUP_STATUS_SEE_OTHER)
        continue;
      sb_test_assert_status (response, SOUP_STATUS_INSUFFICIENT_STORAGE);
      sb_test_assert_contains (response, "The server&#39;s disk is full");
      sb_test_assert_lacks (response, "cannot be reached");
      break;
    }
  g_assert_cmpuint (stored, >=, 2);

  /* Not one byte left. */
  fill_disk (dir);
  {
    g_autoptr(GBytes) tiny = sb_test_random_bytes (100, 1);
    g_autoptr(SbTestResponse) small = sb_test_upload (client, "tiny.txt", "", tiny, FALSE);
    g_autofree char *csrf = sb_test_form_csrf (other, "/login");
    g_autoptr(SbTestResponse) login =
      sb_test_post_form (other, "/login", "csrf", csrf, "username", "bystander", "password",
                         "chaos-password", NULL);

    sb_test_assert_status (small, SOUP_STATUS_INSUFFICIENT_STORAGE);
    sb_test_assert_contains (small, "disk is full");
    /* A log-in writes a session: SQLite may still find room in pages it
     * had, or else it must say why it cannot. */
    if (login->status != SOUP_STATUS_SEE_OTHER)
      {
        sb_test_assert_status (login, SOUP_STATUS_INSUFFICIENT_STORAGE);
        sb_test_assert_contains (login, "disk is full");
      }
    sb_test_assert_lacks (login, "cannot be reached");
  }
  /* The command line says it too, in its own words. */
  {
    g_autofree char *data_env = g_strdup_printf ("STORAGEBOX_DATA_DIR=%s", data);
    const char *env[] = { data_env, NULL };
    const char *put[] = { "put", "-", "from-cli.txt", "--user", "fullness", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (sb_test_run_cli (put, env, "some text", NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "The disk that holds the StorageBox data is full"));
  }
  /* Reading works, and so does deleting, which makes room. */
  {
    g_autoptr(SbTestResponse) page = sb_test_get (client, "/files");
    g_autoptr(SbTestResponse) download = sb_test_get (client, "/files/big0.bin/download");
    g_autofree char *path = sb_test_file_path ("big1.bin", "delete");
    g_autofree char *version = NULL;
    g_autofree char *csrf = NULL;
    g_autoptr(SbTestResponse) form = sb_test_get (client, path);
    g_autoptr(SbTestResponse) deleted = NULL;
    g_autoptr(GBytes) tiny = sb_test_random_bytes (100, 2);
    g_autoptr(SbTestResponse) after = NULL;

    sb_test_assert_status (page, SOUP_STATUS_OK);
    sb_test_assert_status (download, SOUP_STATUS_OK);
    g_assert_cmpuint (g_bytes_get_size (download->body), ==, 3 * 1024 * 1024);
    sb_test_assert_status (form, SOUP_STATUS_OK);
    csrf = find_value (form->text, "csrf");
    version = find_value (form->text, "version");
    deleted = sb_test_post_form (client, path, "csrf", csrf, "version", version, NULL);
    sb_test_assert_redirect (deleted, "/files");
    after = sb_test_upload (client, "tiny.txt", "", tiny, FALSE);
    sb_test_assert_status (after, SOUP_STATUS_SEE_OTHER);
  }

  sb_test_client_free (client);
  sb_test_client_free (other);
  sb_test_server_stop (server);

  /* With no server holding the database open, on a disk full again, the
   * command line still opens the store and deletes. */
  fill_disk (dir);
  {
    g_autofree char *data_env = g_strdup_printf ("STORAGEBOX_DATA_DIR=%s", data);
    const char *env[] = { data_env, NULL };
    const char *rm[] = { "rm", "big0.bin", "--user", "fullness", NULL };
    const char *ls[] = { "ls", "--user", "fullness", NULL };
    g_autofree char *listing = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (sb_test_run_cli (rm, env, NULL, NULL, &err), ==, 0);
    g_assert_cmpint (sb_test_run_cli (ls, env, NULL, &listing, NULL), ==, 0);
    g_assert_null (strstr (listing, "big0.bin"));
  }
  g_assert_cmpint (umount (dir), ==, 0);
  sb_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/faults/local/server-killed", test_local_kill_server);
  g_test_add_func ("/faults/local/disk-full", test_local_disk_full);
  g_test_add_func ("/faults/aws/services-killed", test_aws_kill_services);
  g_test_add_func ("/faults/aws/lost-answer", test_aws_lost_answer);
  g_test_add_func ("/faults/aws/outage-keeps-sessions", test_aws_outage_keeps_sessions);
  return g_test_run ();
}
