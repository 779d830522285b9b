/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What StorageBox keeps in the user's keyring (the Secret Service, through
 * libsecret), and nowhere else: the token of the remembered session and the
 * AWS access keys. Nothing here ever touches GSettings or a file. */

/* A remembered session: item attributes “app” and “username”; secret = token. */
void     sb_keyring_store_session_async      (const char           *username,
                                              const char           *token,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean sb_keyring_store_session_finish     (GAsyncResult         *result,
                                              GError              **error);
/* Returns the token, or NULL with no error when nothing is remembered. */
void     sb_keyring_lookup_session_async     (GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
char    *sb_keyring_lookup_session_finish    (GAsyncResult         *result,
                                              GError              **error);
void     sb_keyring_clear_session_async      (GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean sb_keyring_clear_session_finish     (GAsyncResult         *result,
                                              GError              **error);

/* AWS access keys: two items with attributes “app” and “kind”
 * (access-key-id, secret-access-key). Empty strings remove them. */
void     sb_keyring_store_credentials_async  (const char           *access_key_id,
                                              const char           *secret_access_key,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean sb_keyring_store_credentials_finish (GAsyncResult         *result,
                                              GError              **error);
void     sb_keyring_lookup_credentials_async (GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean sb_keyring_lookup_credentials_finish (GAsyncResult        *result,
                                               char               **access_key_id,
                                               char               **secret_access_key,
                                               GError             **error);

G_END_DECLS
