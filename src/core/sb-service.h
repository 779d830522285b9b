/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-accounts.h"
#include "sb-config.h"
#include "sb-library.h"
#include "sb-usage.h"

G_BEGIN_DECLS

#define SB_TYPE_SERVICE (sb_service_get_type ())
G_DECLARE_FINAL_TYPE (SbService, sb_service, SB, SERVICE, GObject)

/* How long closing waits, by default, for the background work still running
 * (a blob deletion after a delete or a refused upload). */
#define SB_SERVICE_CLOSE_TIMEOUT (30 * G_TIME_SPAN_SECOND)

/**
 * SbService:
 *
 * StorageBox, opened: the store the configuration names (proven to work),
 * the accounts and the library on it, with the configured limits. Every
 * front end opens one at start and closes it before exiting; nothing else
 * builds accounts or a library.
 */
void        sb_service_open_async    (SbConfig             *config,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
SbService  *sb_service_open_finish   (GAsyncResult         *result,
                                      GError              **error);

SbAccounts *sb_service_get_accounts  (SbService            *self);
SbLibrary  *sb_service_get_library   (SbService            *self);
SbPrices   *sb_service_get_prices    (SbService            *self);
/* For the operations that work on the store as a whole (sb_fsck_run_async()). */
SbStore    *sb_service_get_store     (SbService            *self);

void        sb_service_close_async   (SbService            *self,
                                      GTimeSpan             timeout,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean    sb_service_close_finish  (SbService            *self,
                                      GAsyncResult         *result,
                                      GError              **error);

G_END_DECLS
