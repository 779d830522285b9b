/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-test-util.h"
#include "server-fixture.h"

/* The attacks of issue 8, each sent over a raw socket to a real
 * storagebox-server: refused bodies are never read into memory, a huge
 * declared length is answered at once, smuggled framing is refused, bursts
 * and slow clients are handled, names cannot lie, and one user's mistakes
 * never lock out another. Each asserts the status, that the connection is
 * closed where it must be, and that the server's resident memory grows by
 * less than RSS_BOUND; /healthz is timed throughout. */

#define MiB (1024 * 1024)
#define RSS_BOUND (32 * 1024)                     /* KiB */
#define ATTACK_BODY ((guint64) 128 * MiB)         /* what the issue sent */
/* /healthz must answer in 20 ms; the bound asserted leaves room for a
 * sanitizer build on a loaded machine, and the real figure is reported. */
/* A probe slower than this means the main loop stalled. How fast /healthz
 * answers is measured by bench/security.sh (targets are benchmarks' to
 * check, not tests': this machine's other work would make them flaky). */
#define HEALTHZ_STALL_MS 5000
#define PASSWORD "correct horse battery"

static SbTestServer *server;

static char *
unique_user (const char *prefix)
{
  static guint counter;
  return g_strdup_printf ("%s%u%04x", prefix, ++counter, g_random_int_range (0, 0xffff));
}

/* Memory */

static guint64
server_rss (SbTestServer *s)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status",
                                           g_subprocess_get_identifier (s->process));
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

static void
assert_rss_growth (SbTestServer *s,
                   guint64       before,
                   const char   *what)
{
  guint64 after = server_rss (s);
  guint64 growth = after > before ? after - before : 0;

  g_test_message ("%s: server RSS %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT " KiB (+%"
                  G_GUINT64_FORMAT ")", what, before, after, growth);
#ifdef __SANITIZE_ADDRESS__
  /* AddressSanitizer keeps freed memory in quarantine (256 MiB by default),
   * so resident memory says nothing of what the server holds on to: the
   * bound is the plain build's to check. */
  return;
#endif
  if (growth >= RSS_BOUND)
    g_error ("%s: the server's RSS grew by %" G_GUINT64_FORMAT " KiB", what, growth);
}

/* Raw HTTP */

typedef struct
{
  guint    status;
  GString *text;      /* everything the server sent */
  gboolean closed;    /* it then closed the connection */
  guint    n_responses;
  gdouble  seconds;   /* from the end of the request to the end of the answer */
} Reply;

static void
reply_free (Reply *reply)
{
  g_string_free (reply->text, TRUE);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static GSocketConnection *
raw_connect (SbTestServer *s)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (s->url, G_URI_FLAGS_NONE, NULL);
  GSocketConnection *connection;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) g_uri_get_port (uri),
                                                NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 10);
  return connection;
}

static gboolean
send_all (GSocket    *socket,
          const void *data,
          gsize       len)
{
  while (len > 0)
    {
      gssize n = g_socket_send (socket, data, len, NULL, NULL);

      if (n <= 0)
        return FALSE;
      data = (const guint8 *) data + n;
      len -= (gsize) n;
    }
  return TRUE;
}

static guint
count_responses (const char *text)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, "HTTP/1.1 ")); p++)
    if (p == text || p[-1] == '\n')
      n++;
  return n;
}

/* Reads until the server closes (or 10 s pass). */
static Reply *
read_reply (GSocket *socket,
            gint64   since)
{
  Reply *reply = g_new0 (Reply, 1);
  char buffer[16384];

  reply->text = g_string_new (NULL);
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);

      if (n > 0)
        {
          g_string_append_len (reply->text, buffer, n);
          continue;
        }
      /* The end, or a reset after the answer: closed either way. */
      reply->closed = n == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
      break;
    }
  reply->seconds = (gdouble) (g_get_monotonic_time () - since) / G_USEC_PER_SEC;
  if (g_str_has_prefix (reply->text->str, "HTTP/1.1 "))
    reply->status = (guint) g_ascii_strtoull (reply->text->str + 9, NULL, 10);
  reply->n_responses = count_responses (reply->text->str);
  return reply;
}

/* Sends @head, then @body_bytes of body (zeros, or chunks of zeros when
 * @chunked) whatever the server answers, as an attacker would, then ends
 * its side and reads the answer. */
static Reply *
attack (SbTestServer *s,
        const char   *head,
        guint64       body_bytes,
        gboolean      chunked)
{
  g_autoptr(GSocketConnection) connection = raw_connect (s);
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autofree guint8 *zeros = g_malloc0 (64 * 1024);
  g_autofree char *chunk_head = g_strdup_printf ("%x\r\n", 64 * 1024);
  guint64 sent = 0;
  gint64 since;

  g_assert_true (send_all (socket, head, strlen (head)));
  since = g_get_monotonic_time ();
  while (sent < body_bytes)
    {
      if (chunked && !send_all (socket, chunk_head, strlen (chunk_head)))
        break;
      if (!send_all (socket, zeros, 64 * 1024))
        break;
      if (chunked && !send_all (socket, "\r\n", 2))
        break;
      sent += 64 * 1024;
    }
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  return read_reply (socket, since);
}

static Reply *
exchange (SbTestServer *s,
          const char   *request,
          gsize         len)
{
  g_autoptr(GSocketConnection) connection = raw_connect (s);
  GSocket *socket = g_socket_connection_get_socket (connection);

  g_assert_true (send_all (socket, request, len));
  return read_reply (socket, g_get_monotonic_time ());
}

static void
assert_refused (Reply      *reply,
                guint       status,
                const char *what)
{
  if (reply->status != status || !reply->closed || reply->n_responses != 1)
    g_error ("%s: expected one %u and a closed connection, got %u (%u responses, %s):\n%.600s",
             what, status, reply->status, reply->n_responses,
             reply->closed ? "closed" : "left open", reply->text->str);
  g_assert_nonnull (strstr (reply->text->str, "\r\nConnection: close\r\n"));
}

/* /healthz, timed from another thread all along */

typedef struct
{
  SbTestServer *server;
  GThread      *thread;
  gint          stop;
  GMutex        lock;
  GArray       *ms;         /* gdouble */
  guint         failures;
} Probe;

static Probe probe;

static gpointer
probe_thread (gpointer data)
{
  static const char request[] = "GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n";

  while (!g_atomic_int_get (&probe.stop))
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GSocketConnection) connection = raw_connect (probe.server);
      g_autoptr(Reply) reply = NULL;
      gdouble ms;

      g_assert_true (send_all (g_socket_connection_get_socket (connection), request,
                               strlen (request)));
      reply = read_reply (g_socket_connection_get_socket (connection), start);
      ms = (gdouble) (g_get_monotonic_time () - start) / 1000;
      g_mutex_lock (&probe.lock);
      if (reply->status == 200)
        g_array_append_val (probe.ms, ms);
      else
        probe.failures++;
      g_mutex_unlock (&probe.lock);
      g_usleep (20 * 1000);
    }
  return NULL;
}

static void
probe_start (SbTestServer *s)
{
  probe.server = s;
  g_atomic_int_set (&probe.stop, 0);
  probe.thread = g_thread_new ("healthz", probe_thread, NULL);
}

static void
probe_stop (void)
{
  g_atomic_int_set (&probe.stop, 1);
  g_thread_join (probe.thread);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;
  return x < y ? -1 : x > y;
}

static void
test_healthz_throughout (void)
{
  gdouble median, p99, max;

  g_assert_cmpuint (probe.failures, ==, 0);
  g_assert_cmpuint (probe.ms->len, >, 20);
  g_array_sort (probe.ms, compare_doubles);
  median = g_array_index (probe.ms, gdouble, probe.ms->len / 2);
  p99 = g_array_index (probe.ms, gdouble, probe.ms->len * 99 / 100);
  max = g_array_index (probe.ms, gdouble, probe.ms->len - 1);
  g_test_message ("/healthz during the attacks: %u requests, median %.2f ms, 99th percentile "
                  "%.2f ms, max %.2f ms", probe.ms->len, median, p99, max);
  g_assert_cmpfloat (max, <, HEALTHZ_STALL_MS);
}

/* 1. Refused or oversized bodies are never read into memory */

static void
test_refused_bodies (void)
{
  const struct { const char *what, *head; guint64 body; gboolean chunked; guint status; } cases[] = {
    { "POST /login, Content-Length 256 MiB",
      "POST /login HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: 268435456\r\n\r\n", ATTACK_BODY, FALSE, 413 },
    { "chunked POST /login",
      "POST /login HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Transfer-Encoding: chunked\r\n\r\n", ATTACK_BODY, TRUE, 411 },
    { "anonymous POST /upload of 10 GiB",
      "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=x\r\n"
      "Content-Length: 10737418240\r\n\r\n", ATTACK_BODY, FALSE, 413 },
    { "anonymous POST /upload of 1 GiB (within the limit)",
      "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=x\r\n"
      "Content-Length: 1073741824\r\n\r\n", ATTACK_BODY, FALSE, 401 },
    { "text/plain POST /upload",
      "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n"
      "Content-Length: 1073741824\r\n\r\n", ATTACK_BODY, FALSE, 415 },
    { "PUT /healthz",
      "PUT /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 268435456\r\n\r\n", ATTACK_BODY,
      FALSE, 413 },
    { "chunked GET /",
      "GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n", ATTACK_BODY, TRUE, 413 },
    { "anonymous chunked POST /upload",
      "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=x\r\n"
      "Transfer-Encoding: chunked\r\n\r\n", ATTACK_BODY, TRUE, 401 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 before = server_rss (server);
      g_autoptr(Reply) reply = attack (server, cases[i].head, cases[i].body, cases[i].chunked);

      assert_refused (reply, cases[i].status, cases[i].what);
      assert_rss_growth (server, before, cases[i].what);
    }
}

/* 2. A huge declared length is answered at once, without the body */

static void
test_huge_lengths (void)
{
  const char *paths[] = { "/login", "/upload", "/files/x.txt/edit" };
  const struct { const char *length; guint status; } lengths[] = {
    { "1000000000000", 413 }, { "1000000000000000", 413 }, { "18446744073709551617", 413 },
    /* Not a length at all: RFC 9112 §6.3 wants a 400. */
    { "-1", 400 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    for (guint j = 0; j < G_N_ELEMENTS (lengths); j++)
      {
        g_autofree char *request = g_strdup_printf (
          "POST %s HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=x\r\n"
          "Content-Length: %s\r\n\r\n", paths[i], lengths[j].length);
        g_autofree char *what = g_strdup_printf ("POST %s with Content-Length %s", paths[i],
                                                 lengths[j].length);
        /* No body is sent: the answer must not wait for one. */
        g_autoptr(Reply) reply = exchange (server, request, strlen (request));

        assert_refused (reply, lengths[j].status, what);
        g_assert_cmpfloat (reply->seconds, <, 2.0);
      }
}

static void
test_declared_over_small_limit (void)
{
  const char *args[] = { "--max-upload-size=1MiB", "--quiet", NULL };
  SbTestServer *small = sb_test_server_start (args, NULL);
  const char *request = "POST /upload HTTP/1.1\r\nHost: t\r\n"
                        "Content-Type: multipart/form-data; boundary=x\r\n"
                        "Content-Length: 3145728\r\n\r\n";
  g_autoptr(Reply) reply = exchange (small, request, strlen (request));

  assert_refused (reply, 413, "3 MiB declared, limit 1 MiB");
  g_assert_nonnull (strstr (reply->text->str, "the limit is 1.0\xc2\xa0MiB"));
  g_assert_cmpfloat (reply->seconds, <, 2.0);
  sb_test_server_stop (small);
}

/* 3. Text fields are capped in total */

/* Distinct names: the old code kept one value per name. */
#define PART_HEAD "--XyZ\r\nContent-Disposition: form-data; name=\"f%04u\"\r\n\r\n"
#define N_FIELDS 1000
#define FIELD_SIZE (64 * 1000)

static void
test_fields_total (void)
{
  SbTestClient *client = sb_test_client_new (server);
  g_autofree char *username = unique_user ("fields");
  g_autofree char *csrf = NULL;
  g_autofree char *session = NULL;
  g_autofree char *field = g_strnfill (FIELD_SIZE, 'f');
  g_autofree char *first = NULL;
  const char *part_head = PART_HEAD;
  const char *close = "--XyZ--\r\n";
  GSocketConnection *held[4];
  guint64 length;
  guint64 before;

  sb_test_sign_up (client, username, PASSWORD);
  csrf = sb_test_form_csrf (client, "/upload");
  session = sb_test_client_cookie (client, "sb_session");
  first = g_strdup_printf ("--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n",
                           csrf);
  /* Each part head is as long as the format with "f%04u" written out. */
  length = strlen (first) + (guint64) N_FIELDS * (strlen (part_head) + FIELD_SIZE + 2) +
           strlen (close);

  /* Four such forms at once, each a quarter of the way in. */
  before = server_rss (server);
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    {
      g_autofree char *head = g_strdup_printf (
        "POST /upload HTTP/1.1\r\nHost: t\r\nCookie: sb_session=%s\r\n"
        "Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: %" G_GUINT64_FORMAT
        "\r\n\r\n%s", session, length, first);
      GSocket *socket;

      held[i] = raw_connect (server);
      socket = g_socket_connection_get_socket (held[i]);
      g_assert_true (send_all (socket, head, strlen (head)));
      for (guint f = 0; f < N_FIELDS / 4; f++)
        {
          g_autofree char *part = g_strdup_printf (PART_HEAD, f);
          g_assert_true (send_all (socket, part, strlen (part)));
          g_assert_true (send_all (socket, field, FIELD_SIZE));
          g_assert_true (send_all (socket, "\r\n", 2));
        }
    }
  g_usleep (300 * 1000);
  assert_rss_growth (server, before, "4 upload forms, 250 fields of 64 KB each so far");

  /* One of them, finished: refused for its size, and nothing stored. */
  {
    GSocket *socket = g_socket_connection_get_socket (held[0]);
    g_autoptr(Reply) reply = NULL;

    for (guint f = N_FIELDS / 4; f < N_FIELDS; f++)
      {
        g_autofree char *part = g_strdup_printf (PART_HEAD, f);
        g_assert_true (send_all (socket, part, strlen (part)));
        g_assert_true (send_all (socket, field, FIELD_SIZE));
        g_assert_true (send_all (socket, "\r\n", 2));
      }
    g_assert_true (send_all (socket, close, strlen (close)));
    reply = read_reply (socket, g_get_monotonic_time ());
    g_assert_cmpuint (reply->status, ==, 413);
    g_assert_nonnull (strstr (reply->text->str, "The form is too large."));
  }
  assert_rss_growth (server, before, "the same, one finished");
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    g_object_unref (held[i]);
  sb_test_client_free (client);
}

/* 4. Request smuggling: every ambiguous framing is refused, and closed */

static void
test_smuggling (void)
{
  /* Each carries a second request that must never be answered. */
  static const char smuggled[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
  const struct { const char *what, *head, *body; } cases[] = {
    { "GET with Content-Length and chunked",
      "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
      "0\r\n\r\n" },
    { "POST /upload with Content-Length and chunked",
      "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=x\r\n"
      "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n", "0\r\n\r\n" },
    { "two Content-Length (40 then 5)",
      "POST /login HTTP/1.1\r\nHost: t\r\nContent-Length: 40\r\nContent-Length: 5\r\n\r\n",
      "a=b&c" },
    { "Content-Length 5, 5", "POST /login HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 5\r\n\r\n",
      "a=b&c" },
    { "Content-Length +5", "POST /login HTTP/1.1\r\nHost: t\r\nContent-Length: +5\r\n\r\n",
      "a=b&c" },
    { "Transfer-Encoding with a space before the colon",
      "POST /login HTTP/1.1\r\nHost: t\r\nTransfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n",
      "0\r\n\r\n" },
    { "Transfer-Encoding: xchunked",
      "POST /login HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\n\r\n", "0\r\n\r\n" },
    { "Transfer-Encoding: chunked, identity",
      "POST /login HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
      "0\r\n\r\n" },
    { "Transfer-Encoding: \\x0bchunked",
      "POST /login HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: \x0b" "chunked\r\n\r\n", "0\r\n\r\n" },
    { "Transfer-Encoding: \"chunked\"",
      "POST /login HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: \"chunked\"\r\n\r\n", "0\r\n\r\n" },
    { "Transfer-Encoding: CHUNKED",
      "POST /login HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: CHUNKED\r\n\r\n", "0\r\n\r\n" },
    { "two Transfer-Encoding",
      "POST /login HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
      "Transfer-Encoding: chunked\r\n\r\n", "0\r\n\r\n" },
    { "Transfer-Encoding in HTTP/1.0",
      "POST /login HTTP/1.0\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n", "0\r\n\r\n" },
    { "two Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "" },
    { "no Host", "GET / HTTP/1.1\r\n\r\n", "" },
    { "a folded header", "GET / HTTP/1.1\r\nHost: t\r\nX-A: b\r\n c\r\n\r\n", "" },
    { "a bare LF", "GET / HTTP/1.1\nHost: t\r\n\r\n", "" },
    { "a bare CR", "GET / HTTP/1.1\r\nHost: t\rX: y\r\n\r\n", "" },
    { "a NUL in a header", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\0b\r\n\r\n", "" },
  };
  /* The length of the head of "a NUL in a header", which strlen cannot tell. */
  static const char nul_head[] = "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\0b\r\n\r\n";

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize head_len = strstr (cases[i].what, "NUL") ? sizeof nul_head - 1
                                                     : strlen (cases[i].head);
      g_autoptr(GByteArray) request = g_byte_array_new ();
      g_autoptr(Reply) reply = NULL;

      g_byte_array_append (request, (const guint8 *) cases[i].head, (guint) head_len);
      g_byte_array_append (request, (const guint8 *) cases[i].body,
                           (guint) strlen (cases[i].body));
      g_byte_array_append (request, (const guint8 *) smuggled, sizeof smuggled - 1);
      reply = exchange (server, (const char *) request->data, request->len);
      assert_refused (reply, 400, cases[i].what);
      g_assert_null (strstr (reply->text->str, "{\"status\":\"ok\"}"));
    }

  /* The control: two honest pipelined requests get two answers. */
  {
    static const char two[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
                              "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    g_autoptr(Reply) reply = exchange (server, two, sizeof two - 1);

    g_assert_cmpuint (reply->status, ==, 200);
    g_assert_cmpuint (reply->n_responses, ==, 2);
    g_assert_true (reply->closed);
  }
}

/* 5. Connections */

typedef struct
{
  SbTestServer       *server;
  guint               n;
  GSocketConnection **connections;
  gint64              slowest;    /* the longest connect, in microseconds */
} Burst;

/* TcpExt ListenOverflows: connections the kernel dropped for a full
 * accept queue, machine-wide (reported, not asserted). */
static guint64
listen_overflows (void)
{
  g_autofree char *netstat = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/net/netstat", &netstat, NULL, NULL))
    return 0;
  lines = g_strsplit (netstat, "\n", -1);
  for (guint i = 0; lines[i] && lines[i + 1]; i++)
    if (g_str_has_prefix (lines[i], "TcpExt:") && g_str_has_prefix (lines[i + 1], "TcpExt:"))
      {
        g_auto(GStrv) names = g_strsplit (lines[i], " ", -1);
        g_auto(GStrv) values = g_strsplit (lines[i + 1], " ", -1);
        for (guint j = 0; names[j] && values[j]; j++)
          if (g_str_equal (names[j], "ListenOverflows"))
            return g_ascii_strtoull (values[j], NULL, 10);
      }
  return 0;
}

static gpointer
burst_connect (gpointer data)
{
  Burst *burst = data;

  /* Connect all, then send all: the connections arrive together. */
  for (guint i = 0; i < burst->n; i++)
    {
      gint64 start = g_get_monotonic_time ();
      burst->connections[i] = raw_connect (burst->server);
      burst->slowest = MAX (burst->slowest, g_get_monotonic_time () - start);
    }
  return NULL;
}

static void
test_log_in_burst (void)
{
  SbTestClient *client = sb_test_client_new (server);
  g_autofree char *username = unique_user ("burst");
  g_autofree char *csrf = NULL;
  g_autofree char *cookie = NULL;
  g_autofree char *body = NULL;
  g_autofree char *request = NULL;
  Burst bursts[8];
  GThread *threads[8];
  guint ok = 0;
  guint reset = 0;
  gint64 start;
  gint64 slowest = 0;
  guint64 overflows = listen_overflows ();

  sb_test_sign_up (client, username, PASSWORD);
  sb_test_client_free (client);
  client = sb_test_client_new (server);
  csrf = sb_test_form_csrf (client, "/login");
  cookie = sb_test_client_cookie (client, "sb_csrf");
  body = g_strdup_printf ("csrf=%s&username=%s&password=correct+horse+battery", csrf, username);
  request = g_strdup_printf ("POST /login HTTP/1.1\r\nHost: t\r\nCookie: sb_csrf=%s\r\n"
                             "Content-Type: application/x-www-form-urlencoded\r\n"
                             "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n%s",
                             cookie, strlen (body), body);

  start = g_get_monotonic_time ();
  for (guint t = 0; t < G_N_ELEMENTS (bursts); t++)
    {
      bursts[t] = (Burst) { server, 25, g_new0 (GSocketConnection *, 25), 0 };
      threads[t] = g_thread_new ("burst", burst_connect, &bursts[t]);
    }
  for (guint t = 0; t < G_N_ELEMENTS (bursts); t++)
    {
      g_thread_join (threads[t]);
      slowest = MAX (slowest, bursts[t].slowest);
    }
  for (guint t = 0; t < G_N_ELEMENTS (bursts); t++)
    for (guint i = 0; i < bursts[t].n; i++)
      {
        GSocket *socket = g_socket_connection_get_socket (bursts[t].connections[i]);
        g_socket_set_timeout (socket, 120);
        if (!send_all (socket, request, strlen (request)))
          reset++;
      }
  for (guint t = 0; t < G_N_ELEMENTS (bursts); t++)
    {
      for (guint i = 0; i < bursts[t].n; i++)
        {
          g_autoptr(Reply) reply = read_reply (g_socket_connection_get_socket (
                                                 bursts[t].connections[i]), start);
          if (reply->status == SOUP_STATUS_SEE_OTHER)
            ok++;
          else
            g_test_message ("log-in %u/%u: %u %.200s", t, i, reply->status, reply->text->str);
          g_object_unref (bursts[t].connections[i]);
        }
      g_free (bursts[t].connections);
    }
  g_test_message ("200 simultaneous log-ins: %u logged in, %u resets, in %.1f s; slowest "
                  "connect %.1f ms; ListenOverflows +%" G_GUINT64_FORMAT, ok, reset,
                  (gdouble) (g_get_monotonic_time () - start) / G_USEC_PER_SEC,
                  (gdouble) slowest / 1000, listen_overflows () - overflows);
  g_assert_cmpuint (reset, ==, 0);
  /* A full accept queue drops the handshake, which the client repeats a
   * second later: every connection got in at once, or the queue was full. */
  g_assert_cmpint (slowest, <, 900 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (ok, ==, 200);
  sb_test_client_free (client);
}

/* Slow clients and many connections, on a server with short timeouts. */
static void
test_slow_clients (void)
{
  const char *args[] = { "--header-timeout=1", "--idle-timeout=2",
                         "--max-connections-per-address=8", "--quiet", NULL };
  SbTestServer *strict = sb_test_server_start (args, NULL);
  GSocketConnection *held[8];

  /* The ninth connection from one address is turned away, politely. */
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    held[i] = raw_connect (strict);
  {
    g_autoptr(GSocketConnection) ninth = raw_connect (strict);
    g_autoptr(Reply) reply = read_reply (g_socket_connection_get_socket (ninth),
                                         g_get_monotonic_time ());
    assert_refused (reply, 503, "a ninth connection");
  }
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    g_object_unref (held[i]);
  g_usleep (500 * 1000);
  {
    const char *request = "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    g_autoptr(Reply) reply = exchange (strict, request, strlen (request));
    g_assert_cmpuint (reply->status, ==, 200);
  }

  /* Clients that come, ask and go (a browser closing a kept-alive
   * connection) give their place back: many more of them, one after the
   * other, than the limit allows at once. libsoup 3.2 drops such a
   * connection without closing it; the count used to keep it until the
   * idle timeout, and a busy address was refused after 256. */
  for (guint i = 0; i < 5 * G_N_ELEMENTS (held); i++)
    {
      SbTestClient *visitor = sb_test_client_new (strict);
      g_autoptr(SbTestResponse) health = sb_test_get (visitor, "/healthz");

      sb_test_assert_status (health, SOUP_STATUS_OK);
      sb_test_client_free (visitor);
      g_usleep (20 * 1000);
    }

  /* A head that never ends: 408 after the header timeout. */
  {
    const char *partial = "GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ";
    g_autoptr(GSocketConnection) connection = raw_connect (strict);
    GSocket *socket = g_socket_connection_get_socket (connection);
    g_autoptr(Reply) reply = NULL;

    g_assert_true (send_all (socket, partial, strlen (partial)));
    reply = read_reply (socket, g_get_monotonic_time ());
    assert_refused (reply, 408, "a head that never ends");
    g_assert_cmpfloat (reply->seconds, >=, 0.9);
    g_assert_cmpfloat (reply->seconds, <, 4.0);
  }
  /* Silence, between requests or inside a body: closed after the idle
   * timeout, without an answer. */
  {
    const char *keep = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    const char *part_body = "POST /login HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab";
    const char *requests[] = { "", keep, part_body };

    for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
      {
        g_autoptr(GSocketConnection) connection = raw_connect (strict);
        GSocket *socket = g_socket_connection_get_socket (connection);
        g_autoptr(Reply) reply = NULL;

        g_assert_true (send_all (socket, requests[i], strlen (requests[i])));
        reply = read_reply (socket, g_get_monotonic_time ());
        g_test_message ("silence %u: %s after %.1f s, %u answers", i,
                        reply->closed ? "closed" : "open", reply->seconds, reply->n_responses);
        g_assert_true (reply->closed);
        g_assert_cmpuint (reply->n_responses, ==, i == 1 ? 1 : 0);
        g_assert_cmpfloat (reply->seconds, >=, 1.9);
        g_assert_cmpfloat (reply->seconds, <, 5.0);
      }
  }
  sb_test_server_stop (strict);
}

/* 6. File names */

static void
test_file_names (void)
{
  SbTestClient *client = sb_test_client_new (server);
  g_autofree char *username = unique_user ("names");
  const struct { const char *disposition, *message; } cases[] = {
    { "filename*=UTF-8''safe.txt%00.exe", "a file name holds a NUL character" },
    { "filename=\"safe.txt\"; filename*=UTF-8''safe.txt%00.exe",
      "a file name holds a NUL character" },
    { "filename=\"invoice\xe2\x80\xae" "fdp.exe\"", "change the direction of text" },
    { "filename*=UTF-8''invoice%E2%80%AEfdp.exe", "change the direction of text" },
    { "filename=\"\xe2\x81\xa6" "x.txt\"", "change the direction of text" },
  };

  sb_test_sign_up (client, username, PASSWORD);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *csrf = sb_test_form_csrf (client, "/upload");
      g_autofree char *body = g_strdup_printf (
        "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; %s\r\n\r\nevil\r\n--XyZ--\r\n",
        csrf, cases[i].disposition);
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      g_autoptr(SbTestResponse) response =
        sb_test_post_raw (client, "/upload", "multipart/form-data; boundary=XyZ", bytes, NULL);

      sb_test_assert_status (response, SOUP_STATUS_BAD_REQUEST);
      sb_test_assert_contains (response, cases[i].message);
      sb_test_assert_contains (response, "role=\"alert\"");
    }
  {
    g_autoptr(SbTestResponse) list = sb_test_get (client, "/files");
    sb_test_assert_contains (list, "You have no files yet.");
  }
  g_assert_cmpuint (sb_test_server_count_blobs (server, username), ==, 0);
  sb_test_client_free (client);
}

/* 7 and 8. Throttles and CSRF, behind a pretend load balancer so that each
 * client has its own address (X-Forwarded-For). */

static SbTestResponse *
post_from (SbTestClient *client,
           const char   *address,
           const char   *path,
           const char   *body)
{
  const char *headers[] = { "X-Forwarded-For", address, NULL };
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  return sb_test_post_raw (client, path, "application/x-www-form-urlencoded", bytes, headers);
}

static void
test_password_change_throttle (void)
{
  const char *args[] = { "--behind-proxy", "--quiet", NULL };
  SbTestServer *proxied = sb_test_server_start (args, NULL);
  SbTestClient *victim = sb_test_client_new (proxied);
  g_autofree char *victim_name = unique_user ("victim");
  g_autofree char *csrf = NULL;
  g_autofree char *body = NULL;
  g_autoptr(SbTestResponse) changed = NULL;

  /* Eleven accounts make five mistakes each, from their own addresses. */
  for (guint u = 0; u < 11; u++)
    {
      SbTestClient *client = sb_test_client_new (proxied);
      g_autofree char *name = unique_user ("clumsy");
      g_autofree char *address = g_strdup_printf ("192.0.2.%u", u + 1);
      g_autofree char *token = NULL;
      g_autofree char *wrong = NULL;

      sb_test_sign_up (client, name, PASSWORD);
      token = sb_test_form_csrf (client, "/password");
      wrong = g_strdup_printf ("csrf=%s&current=wrong&new=another-password", token);
      for (guint i = 0; i < 5; i++)
        {
          g_autoptr(SbTestResponse) response = post_from (client, address, "/password", wrong);
          sb_test_assert_status (response, SOUP_STATUS_UNAUTHORIZED);
        }
      {
        /* Their own account is throttled now... */
        g_autoptr(SbTestResponse) response = post_from (client, address, "/password", wrong);
        sb_test_assert_status (response, 429);
      }
      sb_test_client_free (client);
    }

  /* ...nobody else's. */
  sb_test_sign_up (victim, victim_name, PASSWORD);
  csrf = sb_test_form_csrf (victim, "/password");
  body = g_strdup_printf ("csrf=%s&current=correct+horse+battery&new=a-brand-new-password", csrf);
  changed = post_from (victim, "198.51.100.20", "/password", body);
  sb_test_assert_redirect (changed, "/profile");
  sb_test_client_free (victim);
  sb_test_server_stop (proxied);
}

static void
test_sign_up_throttle (void)
{
  const char *args[] = { "--behind-proxy", "--quiet", NULL };
  SbTestServer *proxied = sb_test_server_start (args, NULL);
  SbTestClient *client = sb_test_client_new (proxied);
  g_autofree char *csrf = sb_test_form_csrf (client, "/signup");
  g_autoptr(SbTestResponse) refused = NULL;
  g_autoptr(SbTestResponse) elsewhere = NULL;
  gint64 start;

  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *name = unique_user ("flood");
      g_autofree char *body = g_strdup_printf (
        "csrf=%s&username=%s&email=f%%40example.com&password=flood-password", csrf, name);
      g_autoptr(SbTestResponse) response = post_from (client, "203.0.113.50", "/signup", body);

      sb_test_assert_status (response, SOUP_STATUS_SEE_OTHER);
      /* Signing up logs in: the next one starts logged out again. */
      sb_test_client_set_cookie (client, "sb_session", "");
    }
  start = g_get_monotonic_time ();
  {
    g_autofree char *body = g_strdup_printf (
      "csrf=%s&username=oneflood&email=f%%40example.com&password=flood-password", csrf);
    refused = post_from (client, "203.0.113.50", "/signup", body);
    sb_test_assert_status (refused, 429);
    sb_test_assert_contains (refused, "Too many accounts were created from your address.");
    g_test_message ("the refused sign-up took %.1f ms",
                    (gdouble) (g_get_monotonic_time () - start) / 1000);
    elsewhere = post_from (client, "203.0.113.51", "/signup", body);
    sb_test_assert_status (elsewhere, SOUP_STATUS_SEE_OTHER);
  }
  sb_test_client_free (client);
  sb_test_server_stop (proxied);
}

/* Any 43 characters used to pass as the logged-out CSRF token. */
static void
test_forged_csrf_cookie (void)
{
  const char *forged = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  g_autofree char *body = g_strdup_printf ("csrf=%s&username=nobody&password=whatever", forged);
  g_autofree char *request = g_strdup_printf (
    "POST /login HTTP/1.1\r\nHost: t\r\nCookie: sb_csrf=%s\r\nConnection: close\r\n"
    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %" G_GSIZE_FORMAT
    "\r\n\r\n%s", forged, strlen (body), body);
  g_autoptr(Reply) reply = exchange (server, request, strlen (request));

  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_FORBIDDEN);
  g_assert_nonnull (strstr (reply->text->str, "did not come from StorageBox"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = sb_test_server_start ((const char *[]) { "--quiet", NULL }, NULL);
  g_mutex_init (&probe.lock);
  probe.ms = g_array_new (FALSE, FALSE, sizeof (gdouble));
  probe_start (server);

  g_test_add_func ("/security/bodies/refused-not-read", test_refused_bodies);
  g_test_add_func ("/security/bodies/huge-length-answered-at-once", test_huge_lengths);
  g_test_add_func ("/security/bodies/declared-over-small-limit", test_declared_over_small_limit);
  g_test_add_func ("/security/bodies/form-fields-capped-in-total", test_fields_total);
  g_test_add_func ("/security/framing/smuggling-refused", test_smuggling);
  g_test_add_func ("/security/connections/log-in-burst", test_log_in_burst);
  g_test_add_func ("/security/connections/slow-clients", test_slow_clients);
  g_test_add_func ("/security/names/nul-and-direction-controls", test_file_names);
  g_test_add_func ("/security/throttle/password-change-per-account", test_password_change_throttle);
  g_test_add_func ("/security/throttle/sign-up-per-address", test_sign_up_throttle);
  g_test_add_func ("/security/csrf/forged-cookie", test_forged_csrf_cookie);
  /* Last: the probe has timed /healthz through everything above. */
  g_test_add_func ("/security/healthz/answers-throughout", test_healthz_throughout);

  status = g_test_run ();
  probe_stop ();
  g_array_unref (probe.ms);
  g_mutex_clear (&probe.lock);
  sb_test_server_stop (server);
  return status;
}
