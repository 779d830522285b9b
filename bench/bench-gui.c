/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desktop app under load, on its real widgets:
 *   --files N        seed N file records through core, log in through the
 *                    Log in page, and report how long until the list shows
 *                    them, the longest main-loop stall meanwhile, and memory;
 *   --upload-mib M   then upload an M MiB file through the Upload page (the
 *                    drop code path) and report throughput and the longest
 *                    stall during it.
 * Run it under bench/gui.sh (Xvfb, private D-Bus, cairo renderer). */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "gui-test-util.h"
#include "sb-log-in-page.h"
#include "sb-profile-page.h"
#include "sb-test-util.h"
#include "sb-upload-page.h"

#define PASSWORD "correct horse battery"
#define IN_FLIGHT 16

/* Longest gap between two runs of a 5 ms timer: how long the main loop, and
 * so the window, was unable to respond. */
typedef struct
{
  gint64 last;
  gint64 max_gap;
  guint  id;
} Stall;

static gboolean
stall_tick_cb (gpointer user_data)
{
  Stall *stall = user_data;
  gint64 now = g_get_monotonic_time ();

  if (stall->last != 0)
    stall->max_gap = MAX (stall->max_gap, now - stall->last);
  stall->last = now;
  return G_SOURCE_CONTINUE;
}

static void
stall_start (Stall *stall)
{
  stall->last = 0;
  stall->max_gap = 0;
  stall->id = g_timeout_add (5, stall_tick_cb, stall);
}

static double
stall_stop_ms (Stall *stall)
{
  g_clear_handle_id (&stall->id, g_source_remove);
  return (double) stall->max_gap / 1000.0;
}

static guint64
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, field)) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen (field), NULL, 10);
}

typedef struct
{
  SbLibrary *library;
  guint      next;
  guint      done;
  guint      total;
} Seed;

static void seed_next (Seed *seed);

static void
seed_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Seed *seed = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) file = sb_library_upload_finish (SB_LIBRARY (object), result, &error);

  g_assert_no_error (error);
  seed->done++;
  seed_next (seed);
}

static void
seed_next (Seed *seed)
{
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autofree char *content = NULL;
  guint i;

  if (seed->next >= seed->total)
    return;
  i = seed->next++;
  name = g_strdup_printf ("document-%05u.txt", i);
  description = g_strdup_printf ("Description of document number %u, for the benchmark", i);
  content = g_strdup_printf ("content of document %u\n", i);
  stream = g_memory_input_stream_new_from_data (g_strdup (content), (gssize) strlen (content),
                                                g_free);
  sb_library_upload_async (seed->library, "ada", name, description, "text/plain", stream,
                           (gint64) strlen (content), SB_UPLOAD_NONE, NULL, NULL, NULL, seed_cb,
                           seed);
}

static void
seed_files (GuiFixture *f,
            guint       n)
{
  Seed seed = { f->library, 0, 0, n };
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < IN_FLIGHT; i++)
    seed_next (&seed);
  /* In steps, each well within the wait's time limit. */
  while (seed.done < n)
    {
      guint target = MIN (n, seed.done + 200);
      GUI_WAIT_UNTIL (seed.done >= target);
    }
  g_print ("seed-files %u in %.1f s\n", n,
           (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
}

static GFile *
write_big_file (const char *dir,
                guint       mib)
{
  g_autofree char *path = g_build_filename (dir, "big-upload.bin", NULL);
  g_autofree char *block = g_malloc (1024 * 1024);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  for (gsize i = 0; i < 1024 * 1024; i++)
    block[i] = (char) (i * 2654435761u >> 24);
  for (guint i = 0; i < mib; i++)
    g_assert_cmpint (write (fd, block, 1024 * 1024), ==, 1024 * 1024);
  close (fd);
  return g_file_new_for_path (path);
}

int
main (int   argc,
      char *argv[])
{
  int n_files = 10000;
  int upload_mib = 0;
  GOptionEntry entries[] = {
    { "files", 0, 0, G_OPTION_ARG_INT, &n_files, "File records to list", "N" },
    { "upload-mib", 0, 0, G_OPTION_ARG_INT, &upload_mib, "Size of a file to upload", "MIB" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  GuiFixture fixture = { 0 };
  GuiFixture *f = &fixture;
  GtkWidget *log_in;
  SbProfilePage *profile;
  Stall stall = { 0 };
  gint64 start;
  guint64 rss_before;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  gui_test_init (&argc, &argv);

  gui_fixture_setup (f, NULL);
  gui_sign_up (f->window, "ada", "ada@example.com", PASSWORD);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.log-out", NULL);
  seed_files (f, (guint) n_files);
  gui_settle (500);
  rss_before = status_kib ("VmRSS:");

  /* Log in: the profile and the whole list load while the window stays
   * responsive. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "log-in");
  log_in = sb_window_get_page (f->window, "log-in");
  profile = SB_PROFILE_PAGE (sb_window_get_page (f->window, "profile"));
  gui_set_text (log_in, SB_TYPE_LOG_IN_PAGE, "username_row", "ada");
  gui_set_text (log_in, SB_TYPE_LOG_IN_PAGE, "password_row", PASSWORD);
  stall_start (&stall);
  gui_click (log_in, SB_TYPE_LOG_IN_PAGE, "submit_button");
  GUI_WAIT_UNTIL (!sb_form_page_get_busy (SB_FORM_PAGE (log_in)));
  start = g_get_monotonic_time ();
  GUI_WAIT_UNTIL (!sb_profile_page_get_loading (profile) &&
                  g_list_model_get_n_items (G_LIST_MODEL (sb_profile_page_get_view_model (profile)))
                  == (guint) n_files);
  gui_settle (200);
  g_print ("list-ms %.1f (from log-in accepted to %d files in the view)\n",
           (double) (g_get_monotonic_time () - start) / 1000.0, n_files);
  g_print ("list-max-stall-ms %.1f\n", stall_stop_ms (&stall));

  /* Scroll from the top to the bottom of the list. */
  {
    GtkWidget *view = gui_child (profile, SB_TYPE_PROFILE_PAGE, "column_view");
    GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
    gint64 in_set_value = 0;

    stall_start (&stall);
    start = g_get_monotonic_time ();
    for (int step = 0; step <= 50; step++)
      {
        gint64 before = g_get_monotonic_time ();

        gtk_adjustment_set_value (adjustment,
                                  gtk_adjustment_get_upper (adjustment) * step / 50.0);
        in_set_value += g_get_monotonic_time () - before;
        gui_settle (16);
      }
    g_print ("scroll-set-value-ms %.1f\n", (double) in_set_value / 1000.0);
    g_print ("scroll-50-steps-ms %.1f, max-stall-ms %.1f\n",
             (double) (g_get_monotonic_time () - start) / 1000.0, stall_stop_ms (&stall));
  }

  g_print ("rss-kib before-login %" G_GUINT64_FORMAT " with-list %" G_GUINT64_FORMAT
           " peak %" G_GUINT64_FORMAT "\n", rss_before, status_kib ("VmRSS:"),
           status_kib ("VmHWM:"));

  if (upload_mib > 0)
    {
      g_autoptr(GFile) big = write_big_file (f->dir, (guint) upload_mib);
      SbUploadPage *upload = SB_UPLOAD_PAGE (sb_window_get_page (f->window, "upload"));
      g_autoptr(GListStore) list = g_list_store_new (G_TYPE_FILE);
      double seconds;

      g_list_store_append (list, big);
      gtk_widget_activate_action (GTK_WIDGET (f->window), "win.upload", NULL);
      stall_start (&stall);
      start = g_get_monotonic_time ();
      sb_upload_page_add_files (upload, G_LIST_MODEL (list));
      GUI_WAIT_UNTIL (sb_upload_page_get_n_running (upload) == 0);
      seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
      g_print ("upload-mib %d in %.1f s (%.0f MiB/s), max-stall-ms %.1f, peak-rss-kib %"
               G_GUINT64_FORMAT "\n", upload_mib, seconds, upload_mib / seconds,
               stall_stop_ms (&stall), status_kib ("VmHWM:"));
    }

  gui_fixture_teardown (f, NULL);
  return 0;
}
