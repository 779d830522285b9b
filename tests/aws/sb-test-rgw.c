/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How the cluster is made fast: the OSD keeps objects in memory
 * (memstore), pools have one replica and 8 placement groups, the monitor
 * proposes every 50 ms instead of every second, clients retry a stalled
 * operation after 0.2 s instead of 5 s, and no manager daemon runs. Keys, the keyring and the configuration are written here instead
 * of by ceph-authtool, the initial OSD map comes from osdmaptool (so no
 * "ceph osd new" round trip through the Python CLI), and the monitor's and
 * the OSD's file systems are made side by side. Then radosgw-admin makes
 * the user (which also waits for the cluster to come up), names the
 * zonegroup after the region and adds the storage classes, and radosgw
 * starts; it is ready when it answers HTTP. */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "sb-test-rgw.h"
#include "sb-test-util.h"

#define START_TIMEOUT_S 60
/* A port chosen free can be taken before the daemon binds it: then the
 * monitor exits at once and the cluster is made again, or radosgw alone
 * starts again on another port. */
#define START_ATTEMPTS  3
#define DEFAULT_REGION  "us-east-1"

/* Besides STANDARD, each in a pool of its own as on a real deployment. */
static const char * const storage_classes[] = { "STANDARD_IA", "GLACIER" };

static const char * const programs[] = {
  "ceph-mon", "ceph-osd", "osdmaptool", "radosgw", "radosgw-admin",
};

typedef struct
{
  GSubprocess *process;
  char        *name;
  char        *log;
  gboolean     exited;
} Daemon;

struct _SbTestRgw
{
  char         *dir;
  char         *conf;
  char         *url;
  char         *access_key;
  char         *secret_key;
  char         *region;
  guint16       mon_port;
  guint16       rgw_port;
  guint         lc_debug_interval;
  gsize         min_part_size;
  GMainContext *context;    /* where the daemons' exits are noticed */
  GPtrArray    *daemons;    /* Daemon */
  GSubprocess  *watchdog;
  gint64        deadline;
  guint         n_runs;     /* tools run so far, to name their output */
};

static pid_t test_pid;

/* The daemons die with the test, however it ends (an assertion, a crash,
 * the harness's timeout). */
static void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* It may have died between fork() and prctl(). */
  if (getppid () != test_pid)
    _exit (1);
}

static GSubprocess *
spawn (SbTestRgw          *self,
       const char         *output,
       const char * const *argv,
       GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);

  /* The daemons log to files of their own; this catches the rest (an
   * assertion, an unknown option). */
  g_subprocess_launcher_set_stdout_file_path (launcher, output);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

static char *
tail (const char *path,
      guint       lines)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  const char *start;

  if (!g_file_get_contents (path, &contents, &length, NULL) || length == 0)
    return g_strdup ("(empty)");
  while (length > 0 && contents[length - 1] == '\n')
    contents[--length] = '\0';
  start = contents + length;
  while (start > contents && lines > 0)
    {
      start--;
      if (*start == '\n')
        lines--;
    }
  return g_strdup (lines == 0 ? start + 1 : start);
}

static void
daemon_exited_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Daemon *daemon = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  daemon->exited = TRUE;
}

static gboolean
start_daemon (SbTestRgw          *self,
              const char         *name,
              const char         *log,
              const char * const *argv,
              GError            **error)
{
  g_autofree char *output = g_strdup_printf ("%s/log/%s.stderr", self->dir, name);
  Daemon *daemon;
  GSubprocess *process = spawn (self, output, argv, error);

  if (process == NULL)
    return FALSE;
  daemon = g_new0 (Daemon, 1);
  daemon->process = process;
  daemon->name = g_strdup (name);
  daemon->log = g_strdup_printf ("%s/log/%s", self->dir, log);
  g_ptr_array_add (self->daemons, daemon);
  g_main_context_push_thread_default (self->context);
  g_subprocess_wait_async (process, NULL, daemon_exited_cb, daemon);
  g_main_context_pop_thread_default (self->context);
  return TRUE;
}

/* FALSE with @error if a daemon has exited: none is meant to. */
static char *
describe_exit (GSubprocess *process)
{
  if (g_subprocess_get_if_signaled (process))
    return g_strdup_printf ("killed by signal %d", g_subprocess_get_term_sig (process));
  return g_strdup_printf ("status %d", g_subprocess_get_exit_status (process));
}

static gboolean
daemons_alive (SbTestRgw  *self,
               GError    **error)
{
  while (g_main_context_iteration (self->context, FALSE))
    ;
  for (guint i = 0; i < self->daemons->len; i++)
    {
      Daemon *daemon = self->daemons->pdata[i];
      g_autofree char *log = NULL;
      g_autofree char *how = NULL;

      if (!daemon->exited)
        continue;
      log = tail (daemon->log, 15);
      how = describe_exit (daemon->process);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                   "%s exited (%s) while the cluster started; the end of %s:\n%s",
                   daemon->name, how, daemon->log, log);
      return FALSE;
    }
  return TRUE;
}

static gboolean
timed_out (SbTestRgw   *self,
           const char  *waiting_for,
           const char  *log,
           GError     **error)
{
  g_autofree char *last = NULL;

  if (g_get_monotonic_time () < self->deadline)
    return FALSE;
  last = tail (log, 15);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
               "RGW did not start within %d s: still waiting for %s; the end of %s:\n%s",
               START_TIMEOUT_S, waiting_for, log, last);
  return TRUE;
}

/* Runs tools side by side to their ends (not past the deadline) while the
 * daemons started so far stay up. @argvs: NULL-terminated. */
static gboolean
run_all (SbTestRgw           *self,
         const char * const **argvs,
         GError             **error)
{
  g_autoptr(GPtrArray) tools = g_ptr_array_new ();
  gboolean ok = TRUE;

  for (guint i = 0; argvs[i] != NULL; i++)
    {
      g_autofree char *output = g_strdup_printf ("%s/log/%02u-%s.out", self->dir, ++self->n_runs,
                                                 argvs[i][0]);
      GSubprocess *process = spawn (self, output, argvs[i], error);
      Daemon *tool;

      if (process == NULL)
        {
          ok = FALSE;
          break;
        }
      tool = g_new0 (Daemon, 1);
      tool->process = process;
      tool->name = g_strjoinv (" ", (char **) argvs[i]);
      tool->log = g_steal_pointer (&output);
      g_ptr_array_add (tools, tool);
      g_main_context_push_thread_default (self->context);
      g_subprocess_wait_async (process, NULL, daemon_exited_cb, tool);
      g_main_context_pop_thread_default (self->context);
    }

  for (guint i = 0; ok && i < tools->len; i++)
    {
      Daemon *tool = tools->pdata[i];

      while (ok && !tool->exited)
        {
          g_usleep (5000);
          ok = daemons_alive (self, error) && !timed_out (self, tool->name, tool->log, error);
        }
      if (ok && !g_subprocess_get_successful (tool->process))
        {
          g_autofree char *last = tail (tool->log, 15);
          g_autofree char *how = describe_exit (tool->process);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed (%s):\n%s",
                       tool->name, how, last);
          ok = FALSE;
        }
    }

  /* On failure, the others are not waited for. */
  for (guint i = 0; i < tools->len; i++)
    {
      Daemon *tool = tools->pdata[i];

      if (!tool->exited)
        g_subprocess_force_exit (tool->process);
      while (!tool->exited)
        g_main_context_iteration (self->context, TRUE);
      g_object_unref (tool->process);
      g_free (tool->name);
      g_free (tool->log);
      g_free (tool);
    }
  return ok;
}

static gboolean
run (SbTestRgw          *self,
     const char * const *argv,
     GError            **error)
{
  const char * const *argvs[] = { argv, NULL };

  return run_all (self, argvs, error);
}

/* A cephx secret as Ceph encodes it: type (AES), creation time, length,
 * 16 random bytes. */
static char *
ceph_key (void)
{
  guint8 raw[28] = { 1, 0, };
  guint32 now = (guint32) (g_get_real_time () / G_USEC_PER_SEC);

  for (guint i = 0; i < 4; i++)
    raw[2 + i] = (guint8) (now >> (8 * i));
  raw[10] = 16;
  for (guint i = 12; i < sizeof raw; i++)
    raw[i] = (guint8) g_random_int_range (0, 256);
  return g_base64_encode (raw, sizeof raw);
}

static char *
random_text (const char *alphabet,
             guint       length)
{
  GString *text = g_string_sized_new (length);
  gint32 size = (gint32) strlen (alphabet);

  for (guint i = 0; i < length; i++)
    g_string_append_c (text, alphabet[g_random_int_range (0, size)]);
  return g_string_free (text, FALSE);
}

static gboolean
write_files (SbTestRgw  *self,
             const char *fsid,
             GError    **error)
{
  g_autofree char *keyring_path = g_build_filename (self->dir, "keyring", NULL);
  g_autofree char *mon_key = ceph_key ();
  g_autofree char *admin_key = ceph_key ();
  g_autofree char *osd_key = ceph_key ();
  g_autofree char *rgw_key = ceph_key ();
  g_autofree char *keyring = NULL;
  g_autoptr(GString) conf = g_string_new (NULL);
  const char *dir = self->dir;

  /* The monitor imports every key of this keyring at mkfs. */
  keyring = g_strdup_printf ("[mon.]\n\tkey = %s\n\tcaps mon = \"allow *\"\n"
                             "[client.admin]\n\tkey = %s\n\tcaps mon = \"allow *\"\n"
                             "\tcaps osd = \"allow *\"\n\tcaps mgr = \"allow *\"\n"
                             "[osd.0]\n\tkey = %s\n\tcaps mon = \"allow profile osd\"\n"
                             "\tcaps osd = \"allow *\"\n"
                             "[client.rgw]\n\tkey = %s\n\tcaps mon = \"allow rw\"\n"
                             "\tcaps osd = \"allow rwx\"\n",
                             mon_key, admin_key, osd_key, rgw_key);
  if (!g_file_set_contents_full (keyring_path, keyring, -1, G_FILE_SET_CONTENTS_NONE, 0600,
                                 error))
    return FALSE;

  g_string_append_printf (conf,
    "[global]\n"
    "fsid = %s\n"
    "mon host = v2:127.0.0.1:%u\n"
    "public addr = 127.0.0.1\n"
    "ms bind msgr1 = false\n"
    "ms bind ipv6 = false\n"
    /* A port taken meanwhile fails at once (we start again on another)
     * rather than after three tries 5 s apart. */
    "ms bind retry count = 1\n"
    "auth allow insecure global id reclaim = false\n"
    "keyring = %s\n"
    "run dir = %s/run\n"
    "admin socket = %s/run/$name.asok\n"
    "crash dir = %s/crash\n"
    "log file = %s/log/$name.log\n"
    "mon cluster log file = %s/log/cluster.log\n"
    "log to stderr = false\n"
    "mon data = %s/mon\n"
    "osd data = %s/osd\n"
    /* Objects in memory; the size is what the OSD reports as its capacity. */
    "osd objectstore = memstore\n"
    "memstore device bytes = 17179869184\n"
    "mon allow pool size one = true\n"
    "mon warn on pool no redundancy = false\n"
    "osd pool default size = 1\n"
    "osd pool default min size = 1\n"
    "osd pool default pg num = 8\n"
    "osd pool default pgp num = 8\n"
    "osd pool default pg autoscale mode = off\n"
    "osd crush chooseleaf type = 0\n"
    /* With the default 1 s, every map change (each pool RGW makes) waits. */
    "paxos propose interval = 0.05\n"
    /* An operation sent before the OSD was up is otherwise retried only at
     * the next 5 s tick. */
    "[client]\n"
    "objecter tick interval = 0.2\n"
    "[client.admin]\n"
    "client mount timeout = %d\n"
    "rados mon op timeout = %d\n"
    "rados osd op timeout = %d\n"
    "[client.rgw]\n"
    "rgw data = %s/rgw\n"
    "rgw exit timeout secs = 5\n"
    "rgw thread pool size = 64\n"
    "rgw enable ops log = false\n",
    fsid, self->mon_port, keyring_path, dir, dir, dir, dir, dir, dir, dir,
    START_TIMEOUT_S, START_TIMEOUT_S, START_TIMEOUT_S, dir);
  if (self->lc_debug_interval > 0)
    g_string_append_printf (conf, "rgw lc debug interval = %u\n", self->lc_debug_interval);
  if (self->min_part_size > 0)
    g_string_append_printf (conf, "rgw multipart min part size = %" G_GSIZE_FORMAT "\n",
                            self->min_part_size);

  self->conf = g_build_filename (self->dir, "ceph.conf", NULL);
  return g_file_set_contents (self->conf, conf->str, -1, error);
}

/* An anonymous ListBuckets: 200 and a request ID from RGW, not from
 * whatever else may have taken the port. */
static gboolean
answers_http (SbTestRgw *self)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", self->url);
  g_autoptr(GBytes) body = NULL;

  soup_session_set_timeout (session, 2);
  body = soup_session_send_and_read (session, message, NULL, NULL);
  return body != NULL && soup_message_get_status (message) == SOUP_STATUS_OK &&
         soup_message_headers_get_one (soup_message_get_response_headers (message),
                                       "x-amz-request-id") != NULL;
}

static guint
resident_mib (SbTestRgw *self)
{
  guint64 kib = 0;

  for (guint i = 0; i < self->daemons->len; i++)
    {
      Daemon *daemon = self->daemons->pdata[i];
      const char *pid = g_subprocess_get_identifier (daemon->process);
      g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid ? pid : "none");
      g_autofree char *status = NULL;
      const char *line;

      if (g_file_get_contents (path, &status, NULL, NULL) &&
          (line = strstr (status, "\nVmRSS:")) != NULL)
        kib += g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
    }
  return (guint) (kib / 1024);
}

static void
stop_daemons (SbTestRgw *self)
{
  /* Nothing to save: memstore dies with the OSD, so no orderly shutdown
   * (radosgw's alone would take rgw_exit_timeout_secs). */
  for (guint i = 0; i < self->daemons->len; i++)
    {
      Daemon *daemon = self->daemons->pdata[i];

      if (!daemon->exited)
        g_subprocess_force_exit (daemon->process);
    }
  for (guint i = 0; i < self->daemons->len; i++)
    {
      Daemon *daemon = self->daemons->pdata[i];

      while (!daemon->exited)
        g_main_context_iteration (self->context, TRUE);
    }
  g_ptr_array_set_size (self->daemons, 0);
}

static void
daemon_free (gpointer data)
{
  Daemon *daemon = data;

  g_object_unref (daemon->process);
  g_free (daemon->name);
  g_free (daemon->log);
  g_free (daemon);
}

static gboolean
log_says (const char *path,
          const char *text)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, text) != NULL;
}

/* On a free port, which it can lose to someone else before it binds it:
 * then only radosgw starts again (it notices the taken port at once, but
 * takes seconds to exit). */
static gboolean
start_radosgw_on (SbTestRgw  *self,
                  guint16     port,
                  GError    **error)
{
  for (guint attempt = 1;; attempt++)
    {
      g_autofree char *log_name = g_strdup_printf ("client.rgw.%u.%" G_GINT64_FORMAT ".log",
                                                   attempt, g_get_monotonic_time ());
      g_autofree char *log = g_build_filename (self->dir, "log", log_name, NULL);
      g_autofree char *log_arg = g_strdup_printf ("--log-file=%s", log);
      g_autofree char *frontend = NULL;
      const char *rgw[] = { "radosgw", "-c", self->conf, "-n", "client.rgw", "-f", log_arg,
                            "--rgw-frontends", NULL, NULL };
      gboolean port_taken = FALSE;
      Daemon *daemon;

      self->rgw_port = port != 0 ? port : sb_test_free_port ();
      g_free (self->url);
      self->url = g_strdup_printf ("http://127.0.0.1:%u", self->rgw_port);
      frontend = g_strdup_printf ("beast endpoint=127.0.0.1:%u", self->rgw_port);
      rgw[8] = frontend;
      if (!start_daemon (self, "radosgw", log_name, rgw, error))
        return FALSE;
      daemon = self->daemons->pdata[self->daemons->len - 1];
      for (;;)
        {
          g_autoptr(GError) local_error = NULL;
          gboolean alive = daemons_alive (self, &local_error);

          /* Read after an exit is noticed: by then the log says why. */
          port_taken = port == 0 && attempt < START_ATTEMPTS &&
                       log_says (log, "failed to bind address");
          if (port_taken || (alive && answers_http (self)))
            break;
          if (!alive || timed_out (self, "radosgw to answer", log, &local_error))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          g_usleep (10000);
        }
      if (!port_taken)
        return TRUE;
      g_test_message ("radosgw could not bind port %u; trying another", self->rgw_port);
      if (!daemon->exited)
        g_subprocess_force_exit (daemon->process);
      while (!daemon->exited)
        g_main_context_iteration (self->context, TRUE);
      g_ptr_array_remove (self->daemons, daemon);
    }
}

static gboolean
start_radosgw (SbTestRgw  *self,
               GError    **error)
{
  return start_radosgw_on (self, 0, error);
}

/**
 * sb_test_rgw_kill_gateway:
 *
 * SIGKILLs radosgw alone: the cluster (and so every object) stays, as an
 * S3 front end that crashes would leave it.
 */
void
sb_test_rgw_kill_gateway (SbTestRgw *self)
{
  for (guint i = 0; i < self->daemons->len; i++)
    {
      Daemon *daemon = self->daemons->pdata[i];

      if (!g_str_equal (daemon->name, "radosgw"))
        continue;
      g_subprocess_send_signal (daemon->process, SIGKILL);
      while (!daemon->exited)
        g_main_context_iteration (self->context, TRUE);
      g_ptr_array_remove_index (self->daemons, i);
      return;
    }
}

/**
 * sb_test_rgw_restart_gateway:
 *
 * Starts radosgw again after sb_test_rgw_kill_gateway(), on the same port,
 * so that clients find it where it was; FALSE with @error if it does not
 * answer within the start timeout.
 */
gboolean
sb_test_rgw_restart_gateway (SbTestRgw  *self,
                             GError    **error)
{
  self->deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_USEC_PER_SEC;
  return start_radosgw_on (self, self->rgw_port, error);
}

/* One attempt: the directory and everything in it, up to a listening
 * radosgw. On failure the caller stops what was started. */
static gboolean
start_cluster (SbTestRgw  *self,
               GError    **error)
{
  g_autofree char *fsid = g_uuid_string_random ();
  g_autofree char *osd_uuid = g_uuid_string_random ();
  g_autofree char *mon_addr = NULL;
  g_autofree char *monmap = g_build_filename (self->dir, "monmap", NULL);
  g_autofree char *osdmap = g_build_filename (self->dir, "osdmap", NULL);
  g_autofree char *api_name = g_strdup_printf ("--api-name=%s", self->region);
  const char *c;
  const char *subdirs[] = { "log", "run", "crash", "mon", "osd", "rgw" };

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (self->dir, subdirs[i], NULL);
      g_mkdir (path, 0700);
    }
  self->mon_port = sb_test_free_port ();
  mon_addr = g_strdup_printf ("[v2:127.0.0.1:%u]", self->mon_port);
  g_clear_pointer (&self->conf, g_free);
  if (!write_files (self, fsid, error))
    return FALSE;
  c = self->conf;

  {
    /* The OSD map has osd.0 already, so it can boot without "osd new". */
    const char *mkmonmap[] = { "monmaptool", "--create", "--fsid", fsid, "--addv", "a",
                               mon_addr, monmap, NULL };
    const char *mkosdmap[] = { "osdmaptool", "--createsimple", "1", "--fsid", fsid, osdmap,
                               NULL };
    const char * const *maps[] = { mkmonmap, mkosdmap, NULL };
    const char *mkmon[] = { "ceph-mon", "-c", c, "-i", "a", "--mkfs", "--monmap", monmap,
                            "--osdmap", osdmap, NULL };
    /* No monitor to ask for its configuration yet. */
    const char *mkosd[] = { "ceph-osd", "-c", c, "-i", "0", "--mkfs", "--no-mon-config",
                            "--osd-uuid", osd_uuid, NULL };
    const char * const *mkfs[] = { mkmon, mkosd, NULL };

    if (!run_all (self, maps, error) || !run_all (self, mkfs, error))
      return FALSE;
  }
  {
    const char *mon[] = { "ceph-mon", "-c", c, "-i", "a", "-f", NULL };
    const char *osd[] = { "ceph-osd", "-c", c, "-i", "0", "-f", NULL };

    if (!start_daemon (self, "ceph-mon", "mon.a.log", mon, error) ||
        !start_daemon (self, "ceph-osd", "osd.0.log", osd, error))
      return FALSE;
  }
  {
    g_autofree char *access = g_strdup_printf ("--access-key=%s", self->access_key);
    g_autofree char *secret = g_strdup_printf ("--secret-key=%s", self->secret_key);
    /* The first one waits for the cluster, and makes the default zone. */
    const char *user[] = { "radosgw-admin", "-c", c, "user", "create", "--uid=storagebox-test",
                           "--display-name=StorageBox tests", access, secret, NULL };
    const char *region[] = { "radosgw-admin", "-c", c, "zonegroup", "modify",
                             "--rgw-zonegroup=default", api_name, NULL };

    if (!run (self, user, error) || !run (self, region, error))
      return FALSE;
  }
  for (guint i = 0; i < G_N_ELEMENTS (storage_classes); i++)
    {
      g_autofree char *storage_class = g_strdup_printf ("--storage-class=%s", storage_classes[i]);
      g_autofree char *lower = g_ascii_strdown (storage_classes[i], -1);
      g_autofree char *pool = g_strdup_printf ("--data-pool=default.rgw.%s.data", lower);
      const char *zonegroup[] = { "radosgw-admin", "-c", c, "zonegroup", "placement", "add",
                                  "--rgw-zonegroup=default", "--placement-id=default-placement",
                                  storage_class, NULL };
      const char *zone[] = { "radosgw-admin", "-c", c, "zone", "placement", "add",
                             "--rgw-zone=default", "--placement-id=default-placement",
                             storage_class, pool, NULL };

      if (!run (self, zonegroup, error) || !run (self, zone, error))
        return FALSE;
    }
  return start_radosgw (self, error);
}

gboolean
sb_test_rgw_check_installed (GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      g_autofree char *path = g_find_program_in_path (programs[i]);

      if (path == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s (no %s in PATH)",
                       SB_TEST_RGW_MISSING, programs[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/* Removes the directory should the test process die without stopping the
 * cluster: its standard input reaches end of file when we are gone. In a
 * session of its own, so the signals that end the test do not end it. */
static void
new_session (gpointer user_data)
{
  setsid ();
}

static GSubprocess *
start_watchdog (const char  *dir,
                GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* The daemons die with the test (PR_SET_PDEATHSIG); give them a moment
   * to stop writing their logs. */
  const char *argv[] = { "/bin/sh", "-c",
                         "while read -r line; do :; done; sleep 0.5; rm -rf \"$0\"; "
                         "sleep 2; rm -rf \"$0\"", dir, NULL };

  g_subprocess_launcher_set_child_setup (launcher, new_session, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

static void
remove_dir (SbTestRgw *self)
{
  if (self->watchdog != NULL)
    {
      g_subprocess_force_exit (self->watchdog);
      g_subprocess_wait (self->watchdog, NULL, NULL);
      g_clear_object (&self->watchdog);
    }
  if (g_getenv ("SB_TEST_RGW_KEEP") != NULL)
    g_printerr ("# RGW cluster kept in %s\n", self->dir);
  else
    sb_test_rm_rf (self->dir);
}

SbTestRgw *
sb_test_rgw_start (const SbTestRgwOptions  *options,
                   GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  SbTestRgw *self;
  gint64 started = g_get_monotonic_time ();

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!sb_test_rgw_check_installed (error))
    return NULL;

  test_pid = getpid ();
  self = g_new0 (SbTestRgw, 1);
  self->context = g_main_context_new ();
  self->daemons = g_ptr_array_new_with_free_func (daemon_free);
  self->region = g_strdup (options && options->region ? options->region : DEFAULT_REGION);
  self->lc_debug_interval = options ? options->lc_debug_interval : 0;
  self->min_part_size = options ? options->min_part_size : 0;
  self->access_key = random_text ("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20);
  self->secret_key = random_text ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                                  40);
  self->deadline = started + START_TIMEOUT_S * G_USEC_PER_SEC;

  for (guint attempt = 1; attempt <= START_ATTEMPTS; attempt++)
    {
      g_clear_error (&local_error);
      self->dir = sb_test_make_tmpdir ("sb-rgw-XXXXXX");
      self->watchdog = start_watchdog (self->dir, &local_error);
      if (self->watchdog != NULL && start_cluster (self, &local_error))
        {
          g_autofree char *report =
            g_strdup_printf ("RGW at %s ready in %.2f s; ceph-mon, ceph-osd and radosgw "
                             "resident: %u MiB; logs in %s/log", self->url,
                             (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC,
                             resident_mib (self), self->dir);

          if (g_test_initialized ())
            g_test_message ("%s", report);
          else
            g_debug ("%s", report);
          return self;
        }
      stop_daemons (self);
      remove_dir (self);
      g_clear_pointer (&self->dir, g_free);
      /* Only an early exit (a port taken meanwhile) is worth a new try. */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
        break;
      g_test_message ("RGW start attempt %u failed: %s", attempt, local_error->message);
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  sb_test_rgw_stop (self);
  return NULL;
}

const char *
sb_test_rgw_get_url (SbTestRgw *self)
{
  return self->url;
}

const char *
sb_test_rgw_get_access_key (SbTestRgw *self)
{
  return self->access_key;
}

const char *
sb_test_rgw_get_secret_key (SbTestRgw *self)
{
  return self->secret_key;
}

const char *
sb_test_rgw_get_region (SbTestRgw *self)
{
  return self->region;
}

const char *
sb_test_rgw_get_dir (SbTestRgw *self)
{
  return self->dir;
}

void
sb_test_rgw_stop (SbTestRgw *self)
{
  if (self == NULL)
    return;
  stop_daemons (self);
  if (self->dir != NULL)
    remove_dir (self);
  g_ptr_array_unref (self->daemons);
  g_main_context_unref (self->context);
  g_free (self->dir);
  g_free (self->conf);
  g_free (self->url);
  g_free (self->access_key);
  g_free (self->secret_key);
  g_free (self->region);
  g_free (self);
}
