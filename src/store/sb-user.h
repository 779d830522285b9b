/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SB_TYPE_USER (sb_user_get_type ())
G_DECLARE_FINAL_TYPE (SbUser, sb_user, SB, USER, GObject)

/* An account record as the store keeps it. Times are Unix microseconds (UTC). */
SbUser      *sb_user_new              (const char *username,
                                       const char *email,
                                       const char *password_hash,
                                       const char *role,
                                       gint64      created_at,
                                       gint64      updated_at);
SbUser      *sb_user_copy             (SbUser     *self);
const char  *sb_user_get_username     (SbUser     *self);
const char  *sb_user_get_email        (SbUser     *self);
void         sb_user_set_email        (SbUser     *self,
                                       const char *email);
const char  *sb_user_get_password_hash (SbUser    *self);
void         sb_user_set_password_hash (SbUser    *self,
                                        const char *password_hash);
const char  *sb_user_get_role         (SbUser     *self);
gint64       sb_user_get_created_at   (SbUser     *self);
gint64       sb_user_get_updated_at   (SbUser     *self);
void         sb_user_set_updated_at   (SbUser     *self,
                                       gint64      updated_at);

G_END_DECLS
