/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  SB_TRANSFER_RUNNING,
  SB_TRANSFER_DONE,
  SB_TRANSFER_FAILED,
  SB_TRANSFER_CANCELLED,
} SbTransferState;

#define SB_TYPE_TRANSFER_ROW (sb_transfer_row_get_type ())
G_DECLARE_FINAL_TYPE (SbTransferRow, sb_transfer_row, SB, TRANSFER_ROW, GtkListBoxRow)

/* One upload or download in a list: name, progress bar, a line of status
 * and a button that cancels it (and, once it is over, removes the row). */
SbTransferRow   *sb_transfer_row_new             (const char      *title);
const char      *sb_transfer_row_get_title       (SbTransferRow   *self);
GCancellable    *sb_transfer_row_get_cancellable (SbTransferRow   *self);
SbTransferState  sb_transfer_row_get_state       (SbTransferRow   *self);
const char      *sb_transfer_row_get_status      (SbTransferRow   *self);
double           sb_transfer_row_get_fraction    (SbTransferRow   *self);
void             sb_transfer_row_set_progress    (SbTransferRow   *self,
                                                  guint64          done,
                                                  gint64           total);
void             sb_transfer_row_finish          (SbTransferRow   *self,
                                                  SbTransferState  state,
                                                  const char      *status);
void             sb_transfer_row_cancel          (SbTransferRow   *self);

G_END_DECLS
