/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "sb-application.h"
#include "sb-desktop-service.h"
#include "sb-error.h"
#include "sb-gui-util.h"
#include "sb-preferences-window.h"
#include "sb-window.h"

struct _SbApplication
{
  AdwApplication  parent_instance;

  char           *data_dir;
  SbService      *service;
  gint64          started_at;
  gulong          after_paint_id;
  gboolean        bench;
};

G_DEFINE_FINAL_TYPE (SbApplication, sb_application, ADW_TYPE_APPLICATION)

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SbWindow) window = user_data;
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (window));
  SbApplication *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbService) service = NULL;

  service = sb_desktop_service_open_finish (result, &error);
  /* Closed while the store was opening: nothing left to show it in. */
  if (application == NULL)
    return;
  self = SB_APPLICATION (application);
  if (service == NULL)
    {
      const char *detail = sb_error_get_detail (error);

      g_warning ("Could not open the store: %s", detail ? detail : error->message);
      /* What the user can fix in Preferences (a missing bucket, no keys)
       * is in the backend's explanation, so the window shows that. */
      if (detail != NULL)
        {
          g_autoptr(GError) shown = g_error_new_literal (error->domain, error->code, detail);
          sb_window_set_store_error (window, shown);
        }
      else
        sb_window_set_store_error (window, error);
      return;
    }
  /* A later main window (the first one closed while the app stayed up)
   * keeps the service opened first: one store per process, and the one
   * shutdown closes. */
  if (self->service == NULL)
    self->service = g_steal_pointer (&service);
  sb_window_set_core (window, sb_service_get_accounts (self->service),
                      sb_service_get_library (self->service));
  sb_window_set_prices (window, sb_service_get_prices (self->service));
  sb_window_start (window);
}

/* --bench: print how long it took from main() to the first frame painted,
 * then quit (bench/gui.sh runs this under Xvfb, beside bench-hello). */
static void
after_paint_cb (GdkFrameClock *clock,
                SbApplication *self)
{
  gint64 now = g_get_monotonic_time ();

  g_clear_signal_handler (&self->after_paint_id, clock);
  /* The wall clock too, so a script can add the time before main(): exec,
   * dynamic linking, GTK's constructors. */
  g_print ("first-frame-ms-since-main %.1f\n", (double) (now - self->started_at) / 1000.0);
  g_print ("first-frame-realtime-us %" G_GINT64_FORMAT "\n", g_get_real_time ());
  g_application_quit (G_APPLICATION (self));
}

static void
window_mapped_cb (GtkWidget     *window,
                  SbApplication *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  if (self->after_paint_id == 0)
    self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb),
                                             self);
}

static void
sb_application_activate (GApplication *application)
{
  SbApplication *self = SB_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
      SbWindow *main_window = sb_window_new (GTK_APPLICATION (self), NULL, NULL, !self->bench);

      /* The window shows a spinner until the store is open: for AWS that
       * means the keyring and a round trip to each service. */
      sb_desktop_service_open_async (settings, self->data_dir, NULL, store_opened_cb,
                                     g_object_ref (main_window));
      if (self->bench)
        g_signal_connect (main_window, "map", G_CALLBACK (window_mapped_cb), self);
      window = GTK_WINDOW (main_window);
    }
  gtk_window_present (window);
}

static int
sb_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  SbApplication *self = SB_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("storagebox %s\n", PACKAGE_VERSION);
      return 0;
    }
  g_variant_dict_lookup (options, "data-dir", "^ay", &self->data_dir);
  self->bench = g_variant_dict_contains (options, "bench");
  /* A measurement must start its own process, not raise a running one. */
  if (self->bench)
    g_application_set_flags (application,
                             g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);
  return -1;
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  SbApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  SbPreferencesWindow *preferences = sb_preferences_window_new (parent, self->data_dir);

  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  SbApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _("The StorageBox developers"), NULL };

  adw_show_about_window (parent,
                         "application-name", _("StorageBox"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The StorageBox developers"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://github.com/storagebox/storagebox",
                         "issue-url", "https://github.com/storagebox/storagebox/issues",
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  SbApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing (not destroying) lets the window save its size. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_application_quit (G_APPLICATION (self));
}

static void
sb_application_startup (GApplication *application)
{
  static const GActionEntry actions[] = {
    { "preferences", preferences_action, NULL, NULL, NULL, { 0 } },
    { "about", about_action, NULL, NULL, NULL, { 0 } },
    { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *quit_accels[] = { "<Control>q", NULL };
  SbApplication *self = SB_APPLICATION (application);

  G_APPLICATION_CLASS (sb_application_parent_class)->startup (application);

  sb_gui_init ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}

static void
service_closed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  gboolean *closed = user_data;
  g_autoptr(GError) error = NULL;

  if (!sb_service_close_finish (SB_SERVICE (object), result, &error))
    g_debug ("Closing: %s", error->message);
  *closed = TRUE;
}

/* Before the process exits: the windows let go of the accounts and the
 * library, then the service waits for what it still does in the
 * background (deleting the bytes of a deleted file), so that no worker
 * thread finalizes the store while the process exits. The main loop is
 * over; this runs the main context for as long as that takes. */
static void
sb_application_shutdown (GApplication *application)
{
  SbApplication *self = SB_APPLICATION (application);
  GList *windows;
  gboolean closed = FALSE;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (self))) != NULL)
    gtk_window_destroy (windows->data);

  G_APPLICATION_CLASS (sb_application_parent_class)->shutdown (application);

  if (self->service == NULL)
    return;
  sb_service_close_async (self->service, SB_SERVICE_CLOSE_TIMEOUT, NULL, service_closed_cb,
                          &closed);
  while (!closed)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&self->service);
}

static void
sb_application_finalize (GObject *object)
{
  SbApplication *self = SB_APPLICATION (object);

  g_clear_object (&self->service);
  g_free (self->data_dir);
  G_OBJECT_CLASS (sb_application_parent_class)->finalize (object);
}

static void
sb_application_class_init (SbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = sb_application_finalize;
  app_class->activate = sb_application_activate;
  app_class->startup = sb_application_startup;
  app_class->shutdown = sb_application_shutdown;
  app_class->handle_local_options = sb_application_handle_local_options;
}

static void
sb_application_init (SbApplication *self)
{
  const GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Where the local store keeps its files (default $XDG_DATA_HOME/storagebox)"),
      N_("DIR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
    { "bench", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, NULL, NULL, NULL },
    { NULL }
  };

  self->started_at = g_get_monotonic_time ();
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

SbApplication *
sb_application_new (void)
{
  /* NON_UNIQUE would let two instances write one store's WAL at once, which
   * SQLite allows; a unique app simply raises the open window instead. */
  return g_object_new (SB_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/storagebox/StorageBox",
                       NULL);
}
