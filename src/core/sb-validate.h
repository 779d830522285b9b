/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SB_USERNAME_MIN_LENGTH     3
#define SB_USERNAME_MAX_LENGTH     32
#define SB_PASSWORD_MIN_LENGTH     8
#define SB_PASSWORD_MAX_LENGTH     1024
#define SB_EMAIL_MAX_LENGTH        254
#define SB_FILE_NAME_MAX_BYTES     255
#define SB_DESCRIPTION_MAX_LENGTH  1000

/* The rules for user input, written once. Each returns the canonical form of
 * a valid value (newly allocated) or %NULL with an %SB_ERROR_INVALID error
 * whose message tells the user what to change. */
char     *sb_validate_username     (const char  *username,
                                    GError     **error);
/* An HTML `pattern` attribute for sb_validate_username()'s length and
 * characters (in either case), so that a form can say what core will say. */
char     *sb_validate_username_pattern (void);
char     *sb_validate_email        (const char  *email,
                                    GError     **error);
gboolean  sb_validate_password     (const char  *password,
                                    GError     **error);
char     *sb_validate_file_name    (const char  *name,
                                    GError     **error);
char     *sb_validate_file_name_len (const char *name,
                                     gssize      len,
                                     GError    **error);
char     *sb_validate_description  (const char  *description,
                                    GError     **error);

G_END_DECLS
