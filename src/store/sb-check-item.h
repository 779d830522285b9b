/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * SbCheckStatus:
 * @SB_CHECK_OK: works
 * @SB_CHECK_WARNING: works, but something optional is missing or the
 *   endpoint lacks a feature; StorageBox carries on without it
 * @SB_CHECK_MISSING: not there yet; `storagebox-cli init` creates it
 * @SB_CHECK_ERROR: broken; the message says what to fix
 *
 * Ordered from best to worst, so the worst of several is their maximum.
 */
typedef enum {
  SB_CHECK_OK,
  SB_CHECK_WARNING,
  SB_CHECK_MISSING,
  SB_CHECK_ERROR,
} SbCheckStatus;

#define SB_TYPE_CHECK_STATUS (sb_check_status_get_type ())
GType sb_check_status_get_type (void) G_GNUC_CONST;

#define SB_TYPE_CHECK_ITEM (sb_check_item_get_type ())
G_DECLARE_FINAL_TYPE (SbCheckItem, sb_check_item, SB, CHECK_ITEM, GObject)

/* One line of a check report: what was looked at ("Credentials",
 * "DynamoDB table storagebox-users"), how it is, and a sentence saying why
 * or what to do. Immutable; the properties are there for list views. */
SbCheckItem   *sb_check_item_new         (const char  *name,
                                          SbCheckStatus status,
                                          const char  *message);
const char    *sb_check_item_get_name    (SbCheckItem *self);
SbCheckStatus  sb_check_item_get_status  (SbCheckItem *self);
const char    *sb_check_item_get_message (SbCheckItem *self);

G_END_DECLS
