/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SB_TYPE_SESSION (sb_session_get_type ())
G_DECLARE_FINAL_TYPE (SbSession, sb_session, SB, SESSION, GObject)

/* A login session. The store only ever sees @token_hash (hex SHA-256 of the
 * secret token); the token itself exists in memory just long enough to be
 * handed to the client after log-in. Times are Unix microseconds (UTC). */
SbSession   *sb_session_new             (const char *token_hash,
                                         const char *username,
                                         const char *csrf,
                                         gint64      created_at,
                                         gint64      expires_at);
const char  *sb_session_get_token_hash  (SbSession  *self);
const char  *sb_session_get_username    (SbSession  *self);
const char  *sb_session_get_csrf        (SbSession  *self);
gint64       sb_session_get_created_at  (SbSession  *self);
gint64       sb_session_get_expires_at  (SbSession  *self);
const char  *sb_session_get_token       (SbSession  *self);
void         sb_session_set_token       (SbSession  *self,
                                         const char *token);

G_END_DECLS
