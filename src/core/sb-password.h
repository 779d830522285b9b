/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Password hashing: argon2id (libsodium) PHC strings for new hashes; the
 * original app's Werkzeug "pbkdf2:sha256:<iterations>$<salt>$<hex>" hashes
 * still verify, and report that they need re-hashing.
 *
 * The async variants run on a small dedicated pool: each argon2id hash takes
 * 64 MiB and a good part of a CPU, so a burst of log-ins must queue instead of
 * exhausting memory or starving other work. */
char     *sb_password_hash         (const char           *password,
                                    GError              **error);
gboolean  sb_password_verify       (const char           *hash,
                                    const char           *password,
                                    gboolean             *needs_rehash);

void      sb_password_hash_async   (const char           *password,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
char     *sb_password_hash_finish  (GAsyncResult         *result,
                                    GError              **error);
void      sb_password_verify_async (const char           *hash,
                                    const char           *password,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  sb_password_verify_finish (GAsyncResult        *result,
                                     gboolean            *needs_rehash,
                                     GError             **error);

G_END_DECLS
