/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Times a health probe while an HTTP server is under attack, phase by
 * phase, and samples the server's memory (bench/security.sh runs it against
 * storagebox-server and nginx).
 *
 *   bench-attack --port N --pid PID [--probe PATH] [--seconds S]
 *                [--login USER:PASSWORD]
 *
 * Phases: idle; 200 slow-loris connections (one header line a second);
 * four clients sending bodies declared as 256 MiB; and, with --login,
 * 200 concurrent correct log-ins (each a password hash on the server).
 * For each: probe requests, median, 99th percentile and maximum latency,
 * failed probes, and VmRSS at the start, at most and half a second after
 * the attack (MiB). */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SLOW_CONNECTIONS 200
#define BODY_CLIENTS     4
#define LOGIN_CLIENTS    200
#define PROBE_GAP_US     (10 * 1000)

static guint16 port;
static int server_pid;
static const char *probe_path = "/healthz";
static int phase_seconds = 5;
static char *login_user;
static char *login_password;
static gint stop;

static int
connect_server (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port),
                              .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;

  if (fd < 0)
    return -1;
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static gboolean
send_all (int         fd,
          const char *data,
          gsize       len)
{
  while (len > 0)
    {
      ssize_t n = send (fd, data, len, MSG_NOSIGNAL);
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Reads a whole "Connection: close" exchange. */
static GString *
exchange (const char *request)
{
  GString *reply = g_string_new (NULL);
  char buf[16384];
  int fd = connect_server ();
  ssize_t n;

  if (fd < 0)
    return reply;
  if (send_all (fd, request, strlen (request)))
    while ((n = recv (fd, buf, sizeof buf, 0)) > 0)
      g_string_append_len (reply, buf, n);
  close (fd);
  return reply;
}

static double
rss_mib (void)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", server_pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) ||
      (line = strstr (text, "VmRSS:")) == NULL)
    return 0;
  return g_ascii_strtod (line + strlen ("VmRSS:"), NULL) / 1024;
}

/* The probe */

static GMutex probe_lock;
static GArray *probe_ms;
static guint probe_failures;
static double probe_rss_max;

static gpointer
probe_thread (gpointer data)
{
  g_autofree char *request =
    g_strdup_printf ("GET %s HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n", probe_path);

  while (!g_atomic_int_get (&stop))
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GString) reply = exchange (request);
      double ms = (double) (g_get_monotonic_time () - start) / 1000;
      double rss = rss_mib ();

      g_mutex_lock (&probe_lock);
      if (g_str_has_prefix (reply->str, "HTTP/1.1 200"))
        g_array_append_val (probe_ms, ms);
      else
        probe_failures++;
      probe_rss_max = MAX (probe_rss_max, rss);
      g_mutex_unlock (&probe_lock);
      g_usleep (PROBE_GAP_US);
    }
  return NULL;
}

/* The attacks */

static gpointer
slow_loris_thread (gpointer data)
{
  int fds[SLOW_CONNECTIONS];
  guint line = 0;

  for (guint i = 0; i < SLOW_CONNECTIONS; i++)
    {
      fds[i] = connect_server ();
      if (fds[i] >= 0 && !send_all (fds[i], "GET / HTTP/1.1\r\nHost: x\r\n", 26))
        {
          close (fds[i]);
          fds[i] = -1;
        }
    }
  while (!g_atomic_int_get (&stop))
    {
      g_autofree char *header = g_strdup_printf ("X-%u: y\r\n", line++);

      /* A server that closed one is not re-opened: what counts is what it
       * does with the ones it keeps. */
      for (guint i = 0; i < SLOW_CONNECTIONS; i++)
        if (fds[i] >= 0 && !send_all (fds[i], header, strlen (header)))
          {
            close (fds[i]);
            fds[i] = -1;
          }
      g_usleep (G_USEC_PER_SEC);
    }
  for (guint i = 0; i < SLOW_CONNECTIONS; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  return NULL;
}

static gpointer
body_thread (gpointer data)
{
  static const char head[] = "POST /login HTTP/1.1\r\nHost: x\r\n"
                             "Content-Type: application/x-www-form-urlencoded\r\n"
                             "Content-Length: 268435456\r\n\r\n";
  g_autofree char *chunk = g_malloc0 (65536);

  while (!g_atomic_int_get (&stop))
    {
      int fd = connect_server ();
      guint64 sent = 0;

      if (fd < 0)
        {
          g_usleep (10000);
          continue;
        }
      if (send_all (fd, head, strlen (head)))
        while (!g_atomic_int_get (&stop) && sent < 128 * 1024 * 1024 &&
               send_all (fd, chunk, 65536))
          sent += 65536;
      close (fd);
    }
  return NULL;
}

static char *
between (const char *text,
         const char *start,
         const char *end)
{
  const char *from = strstr (text, start);
  const char *to;

  if (from == NULL)
    return NULL;
  from += strlen (start);
  to = strstr (from, end);
  return to ? g_strndup (from, (gsize) (to - from)) : NULL;
}

static gpointer
login_thread (gpointer data)
{
  guint *ok = data;

  while (!g_atomic_int_get (&stop))
    {
      g_autoptr(GString) form = exchange ("GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      g_autofree char *cookie = between (form->str, "Set-Cookie: sb_csrf=", ";");
      g_autofree char *token = between (form->str, "name=\"csrf\" value=\"", "\"");
      g_autofree char *body = NULL;
      g_autofree char *request = NULL;
      g_autoptr(GString) reply = NULL;

      if (cookie == NULL || token == NULL)
        continue;
      body = g_strdup_printf ("csrf=%s&username=%s&password=%s", token, login_user, login_password);
      request = g_strdup_printf ("POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                 "Cookie: sb_csrf=%s\r\n"
                                 "Content-Type: application/x-www-form-urlencoded\r\n"
                                 "Content-Length: %zu\r\n\r\n%s",
                                 cookie, strlen (body), body);
      reply = exchange (request);
      if (g_str_has_prefix (reply->str, "HTTP/1.1 303"))
        g_atomic_int_inc ((gint *) ok);
    }
  return NULL;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
run_phase (const char   *name,
           GThreadFunc   attack,
           guint         n_attackers,
           guint        *counter)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  GThread *probe;
  double rss_start = rss_mib ();
  double median = 0, p99 = 0, max = 0;

  probe_ms = g_array_new (FALSE, FALSE, sizeof (double));
  probe_failures = 0;
  probe_rss_max = rss_start;
  g_atomic_int_set (&stop, 0);
  for (guint i = 0; i < n_attackers; i++)
    g_ptr_array_add (threads, g_thread_new ("attack", attack, counter));
  probe = g_thread_new ("probe", probe_thread, NULL);
  g_usleep ((gulong) phase_seconds * G_USEC_PER_SEC);
  g_atomic_int_set (&stop, 1);
  g_thread_join (probe);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);

  if (probe_ms->len > 0)
    {
      g_array_sort (probe_ms, compare_doubles);
      median = g_array_index (probe_ms, double, probe_ms->len / 2);
      p99 = g_array_index (probe_ms, double, probe_ms->len * 99 / 100);
      max = g_array_index (probe_ms, double, probe_ms->len - 1);
    }
  /* Settled: what the attack left behind once its connections are gone. */
  g_usleep (G_USEC_PER_SEC / 2);
  printf ("%-12s probes %5u  failed %3u  median %7.2f ms  p99 %7.2f ms  max %7.2f ms  "
          "rss %6.1f, max %6.1f, after %6.1f MiB", name, probe_ms->len, probe_failures,
          median, p99, max, rss_start, probe_rss_max, rss_mib ());
  if (counter != NULL)
    printf ("  (%u log-ins)", *counter);
  printf ("\n");
  fflush (stdout);
  g_array_unref (probe_ms);
}

int
main (int    argc,
      char **argv)
{
  int port_arg = 0;
  g_autofree char *login = NULL;
  g_autofree char *path = NULL;
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port_arg, "Server port on 127.0.0.1", "N" },
    { "pid", 0, 0, G_OPTION_ARG_INT, &server_pid, "Server process, for its memory", "PID" },
    { "probe", 0, 0, G_OPTION_ARG_STRING, &path, "Path to probe (default /healthz)", "PATH" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &phase_seconds, "Seconds per phase (default 5)", "S" },
    { "login", 0, 0, G_OPTION_ARG_STRING, &login, "Log in as USER:PASSWORD", "USER:PASSWORD" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  guint logins = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (port_arg <= 0 || port_arg > 65535 || server_pid <= 0)
    {
      g_printerr ("--port and --pid are needed\n");
      return 2;
    }
  port = (guint16) port_arg;
  if (path != NULL)
    probe_path = path;
  if (login != NULL)
    {
      char *colon = strchr (login, ':');
      if (colon == NULL)
        {
          g_printerr ("--login takes USER:PASSWORD\n");
          return 2;
        }
      login_user = g_strndup (login, (gsize) (colon - login));
      login_password = g_strdup (colon + 1);
    }

  run_phase ("idle", NULL, 0, NULL);
  run_phase ("slow-loris", slow_loris_thread, 1, NULL);
  run_phase ("big-bodies", body_thread, BODY_CLIENTS, NULL);
  if (login_user != NULL)
    run_phase ("log-ins", login_thread, LOGIN_CLIENTS, &logins);
  g_free (login_user);
  g_free (login_password);
  return 0;
}
