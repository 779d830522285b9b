/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sb-check-item.h"

G_BEGIN_DECLS

#define SB_TYPE_CHECK (sb_check_get_type ())
G_DECLARE_FINAL_TYPE (SbCheck, sb_check, SB, CHECK, GObject)

/**
 * SbCheck:
 *
 * The report of a backend check ("does everything StorageBox needs exist and
 * answer?") or of provisioning ("what did init create?"): an ordered
 * #GListModel of #SbCheckItem, one per thing looked at, so a GtkListView can
 * show it as is. sb_check_get_status() is the worst item's status;
 * sb_check_get_usable() says whether StorageBox can run (only OK and WARNING
 * items).
 */
SbCheck       *sb_check_new         (void);
void           sb_check_add         (SbCheck     *self,
                                     const char  *name,
                                     SbCheckStatus status,
                                     const char  *format,
                                     ...) G_GNUC_PRINTF (4, 5);
SbCheckStatus  sb_check_get_status  (SbCheck     *self);
gboolean       sb_check_get_usable  (SbCheck     *self);
SbCheckItem   *sb_check_find        (SbCheck     *self,
                                     const char  *name);

G_END_DECLS
