/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SB_RESOURCE_PATH "/io/github/storagebox/StorageBox"

/* Registers the GResource and the GUI's types; idempotent. */
void     sb_gui_init                  (void);

char    *sb_gui_format_time           (gint64       unix_usec);
char    *sb_gui_format_date           (gint64       unix_usec);
char    *sb_gui_format_size           (guint64      size);
/* A sentence for the user from any GError: SB_ERROR messages are already
 * written for people; anything else is wrapped in a plain sentence. */
char    *sb_gui_error_message         (const GError *error);

G_END_DECLS
