/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-store.h"
#include "sb-throttle.h"

G_BEGIN_DECLS

#define SB_TYPE_ACCOUNTS (sb_accounts_get_type ())
G_DECLARE_FINAL_TYPE (SbAccounts, sb_accounts, SB, ACCOUNTS, GObject)

#define SB_SESSION_DEFAULT_LIFETIME (7 * G_TIME_SPAN_DAY)

/* Accounts and sessions: sign up, log in and out, authenticate a session
 * token, change the password, read the profile. Errors are in SB_ERROR. */
SbAccounts *sb_accounts_new                    (SbStore              *store);
SbStore    *sb_accounts_get_store              (SbAccounts           *self);
SbThrottle *sb_accounts_get_throttle           (SbAccounts           *self);
void        sb_accounts_set_session_lifetime   (SbAccounts           *self,
                                                GTimeSpan             lifetime);

void        sb_accounts_sign_up_async          (SbAccounts           *self,
                                                const char           *username,
                                                const char           *email,
                                                const char           *password,
                                                const char           *client_address,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
SbSession  *sb_accounts_sign_up_finish         (SbAccounts           *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void        sb_accounts_log_in_async           (SbAccounts           *self,
                                                const char           *username,
                                                const char           *password,
                                                const char           *client_address,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
SbSession  *sb_accounts_log_in_finish          (SbAccounts           *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void        sb_accounts_authenticate_async     (SbAccounts           *self,
                                                const char           *token,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
SbSession  *sb_accounts_authenticate_finish    (SbAccounts           *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void        sb_accounts_log_out_async          (SbAccounts           *self,
                                                const char           *token,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean    sb_accounts_log_out_finish         (SbAccounts           *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void        sb_accounts_change_password_async  (SbAccounts           *self,
                                                SbSession            *session,
                                                const char           *old_password,
                                                const char           *new_password,
                                                const char           *client_address,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean    sb_accounts_change_password_finish (SbAccounts           *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void        sb_accounts_get_profile_async      (SbAccounts           *self,
                                                const char           *username,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
SbUser     *sb_accounts_get_profile_finish     (SbAccounts           *self,
                                                GAsyncResult         *result,
                                                guint                *n_files,
                                                guint64              *bytes_used,
                                                GError              **error);

#define SB_SERVER_KEY_BYTES 32
void        sb_accounts_get_server_key_async   (SbAccounts           *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GBytes     *sb_accounts_get_server_key_finish  (SbAccounts           *self,
                                                GAsyncResult         *result,
                                                GError              **error);

char       *sb_accounts_hash_token             (const char           *token);

G_END_DECLS
