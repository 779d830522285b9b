/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sb-service.h"

G_BEGIN_DECLS

/* The values of the GSettings key “backend”. (Not SbConfig's SbBackend:
 * the GUI keeps its choice in GSettings, and this names that.) */
typedef enum {
  SB_DESKTOP_BACKEND_LOCAL,
  SB_DESKTOP_BACKEND_AWS,
} SbDesktopBackend;

/* The desktop app's way to the service: SbConfig (the configuration
 * storagebox-server and storagebox-cli share: config files, STORAGEBOX_*
 * variables) with what the user set in Preferences on top, and for AWS the
 * access keys in the keyring; the only place the app decides which service
 * to open. @data_dir (nullable) overrides the local store's directory,
 * otherwise SbConfig's default, $XDG_DATA_HOME/storagebox, the same as
 * storagebox-server's. (It was sb-backend.[ch], a name core's SbBackend
 * owns.) */
void       sb_desktop_service_open_async   (GSettings            *settings,
                                            const char           *data_dir,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
SbService *sb_desktop_service_open_finish  (GAsyncResult         *result,
                                            GError              **error);

/* Runs the checks of “storagebox-cli check” against the backend chosen in
 * @settings and returns the report, one line per check; @usable says
 * whether StorageBox can run on it. @access_key_id and @secret_access_key
 * are the keys to try (NULL: those in the keyring). */
void       sb_desktop_service_check_async  (GSettings            *settings,
                                            const char           *data_dir,
                                            const char           *access_key_id,
                                            const char           *secret_access_key,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
char      *sb_desktop_service_check_finish (GAsyncResult         *result,
                                            gboolean             *usable,
                                            GError              **error);

G_END_DECLS
