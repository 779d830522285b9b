/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The floor for bench/gui.sh's launch figure: the smallest libadwaita app
 * (one window, one label), timed exactly as `storagebox --bench` is. */
#include "config.h"

#include <adwaita.h>

static gint64 started_at;
static gulong after_paint_id;

static void
after_paint_cb (GdkFrameClock *clock,
                GApplication  *app)
{
  gint64 now = g_get_monotonic_time ();

  g_clear_signal_handler (&after_paint_id, clock);
  g_print ("first-frame-ms-since-main %.1f\n", (double) (now - started_at) / 1000.0);
  g_print ("first-frame-realtime-us %" G_GINT64_FORMAT "\n", g_get_real_time ());
  g_application_quit (app);
}

static void
mapped_cb (GtkWidget    *window,
           GApplication *app)
{
  after_paint_id = g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                                     G_CALLBACK (after_paint_cb), app);
}

static void
activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window),
                                      gtk_label_new ("Hello"));
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  g_signal_connect (window, "map", G_CALLBACK (mapped_cb), app);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;

  started_at = g_get_monotonic_time ();
  app = adw_application_new ("io.github.storagebox.BenchHello", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
