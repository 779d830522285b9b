/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sb-service.h"

G_BEGIN_DECLS

/* The values of the GSettings key “backend”. (Not SbConfig's SbBackend:
 * the GUI keeps its choice in GSettings, and this names that.) */
typedef enum {
  SB_BACKEND_KIND_LOCAL,
  SB_BACKEND_KIND_AWS,
} SbBackendKind;

/* The only place the desktop app decides which service to open: SbConfig
 * (the configuration storagebox-server and storagebox-cli share: config
 * files, STORAGEBOX_* variables) with what the user set in Preferences on
 * top, and for AWS the access keys in the keyring. @data_dir (nullable)
 * overrides the local store's directory, otherwise SbConfig's default,
 * $XDG_DATA_HOME/storagebox, the same as storagebox-server's. */
void     sb_backend_open_async       (GSettings            *settings,
                                      const char           *data_dir,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
SbService *sb_backend_open_finish    (GAsyncResult         *result,
                                      GError              **error);

/* Runs the checks of “storagebox-cli check” against the backend chosen in
 * @settings and returns the report, one line per check; @usable says
 * whether StorageBox can run on it. @access_key_id and @secret_access_key
 * are the keys to try (NULL: those in the keyring). */
void     sb_backend_check_async      (GSettings            *settings,
                                      const char           *data_dir,
                                      const char           *access_key_id,
                                      const char           *secret_access_key,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
char    *sb_backend_check_finish     (GAsyncResult         *result,
                                      gboolean             *usable,
                                      GError              **error);

G_END_DECLS
