/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sb-store.h"

G_BEGIN_DECLS

/* The values of the GSettings key “backend”. (Not SbConfig's SbBackend:
 * the GUI keeps its choice in GSettings, and this names that.) */
typedef enum {
  SB_BACKEND_KIND_LOCAL,
  SB_BACKEND_KIND_AWS,
} SbBackendKind;

/* The only place the desktop app decides which store to open. @settings is
 * the app's GSettings; @data_dir (nullable) overrides the local store's
 * directory, which is otherwise $XDG_DATA_HOME/storagebox, the same as
 * storagebox-server's. */
char    *sb_backend_default_data_dir (void);
SbStore *sb_backend_open_store       (GSettings            *settings,
                                      const char           *data_dir,
                                      GError              **error);

/* Runs the checks that “storagebox-cli check” runs against the configured
 * backend and returns a report, one line per check. */
void     sb_backend_check_async      (GSettings            *settings,
                                      const char           *data_dir,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
char    *sb_backend_check_finish     (GAsyncResult         *result,
                                      GError              **error);

G_END_DECLS
