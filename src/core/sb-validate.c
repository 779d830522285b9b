/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "sb-error.h"
#include "sb-validate.h"

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, SB_ERROR, SB_ERROR_INVALID, message);
  return FALSE;
}

/* The limits in the messages are the constants of sb-validate.h, given as
 * arguments, so the text cannot drift from the rule. */
G_GNUC_PRINTF (2, 3)
static gboolean
invalid_printf (GError     **error,
                const char  *format,
                ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (SB_ERROR, SB_ERROR_INVALID, format, args));
  va_end (args);
  return FALSE;
}

/* "1,024": digits grouped as the locale groups them. The C locale has no
 * separator, and its messages are the English source text, which groups
 * with commas. */
static char *
group_digits (int n)
{
  const char *sep = localeconv ()->thousands_sep;
  g_autofree char *digits = g_strdup_printf ("%d", n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  if (sep == NULL || *sep == '\0')
    sep = ",";
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, sep);
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/* ^[a-z0-9][a-z0-9._-]{MIN-1,MAX-1}$, compared case-insensitively: the
 * canonical form is lower case, so "Alice" and "alice" are one account. */
char *
sb_validate_username (const char  *username,
                      GError     **error)
{
  g_autofree char *lower = NULL;
  gsize len;

  if (username == NULL || *username == '\0')
    return invalid (error, _("Please enter a username.")), NULL;

  len = strlen (username);
  if (len < SB_USERNAME_MIN_LENGTH || len > SB_USERNAME_MAX_LENGTH)
    return invalid_printf (error,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "A username is %d to %d character long.",
                                        "A username is %d to %d characters long.",
                                        SB_USERNAME_MAX_LENGTH),
                           SB_USERNAME_MIN_LENGTH, SB_USERNAME_MAX_LENGTH), NULL;

  lower = g_ascii_strdown (username, (gssize) len);
  if (!g_ascii_isalnum (lower[0]))
    return invalid (error, _("A username starts with a letter or a digit.")), NULL;

  for (gsize i = 1; i < len; i++)
    {
      char c = lower[i];
      if (!(g_ascii_islower (c) || g_ascii_isdigit (c) || c == '.' || c == '_' || c == '-'))
        return invalid (error, _("A username may contain only letters a to z, digits, "
                                 "dots, dashes and underscores.")), NULL;
    }

  return g_steal_pointer (&lower);
}

/* The same rule for a browser to check before the form is sent. */
char *
sb_validate_username_pattern (void)
{
  return g_strdup_printf ("[A-Za-z0-9][A-Za-z0-9._\\-]{%d,%d}",
                          SB_USERNAME_MIN_LENGTH - 1, SB_USERNAME_MAX_LENGTH - 1);
}

/* Only the shape: one @, something before it, a dotted domain after it, no
 * spaces or controls. Whether the address works is the mail system's call. */
char *
sb_validate_email (const char  *email,
                   GError     **error)
{
  g_autofree char *trimmed = NULL;
  const char *at;
  const char *domain;

  if (email == NULL)
    return invalid (error, _("Please enter an e-mail address.")), NULL;

  trimmed = g_strstrip (g_strdup (email));
  if (*trimmed == '\0')
    return invalid (error, _("Please enter an e-mail address.")), NULL;
  if (strlen (trimmed) > SB_EMAIL_MAX_LENGTH || !g_utf8_validate (trimmed, -1, NULL))
    return invalid (error, _("That e-mail address is not valid.")), NULL;

  for (const char *p = trimmed; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isspace (c) || g_unichar_iscntrl (c) || c == '<' || c == '>' ||
          c == '"' || c == ',' || c == ';')
        return invalid (error, _("That e-mail address is not valid.")), NULL;
    }

  at = strchr (trimmed, '@');
  if (at == NULL || at == trimmed || strchr (at + 1, '@') != NULL || at - trimmed > 64)
    return invalid (error, _("That e-mail address is not valid.")), NULL;

  domain = at + 1;
  if (*domain == '\0' || *domain == '.' || strchr (domain, '.') == NULL ||
      g_str_has_suffix (domain, ".") || strstr (domain, "..") != NULL)
    return invalid (error, _("That e-mail address is not valid.")), NULL;

  return g_steal_pointer (&trimmed);
}

gboolean
sb_validate_password (const char  *password,
                      GError     **error)
{
  glong chars;
  g_autofree char *limit = NULL;

  if (password == NULL || *password == '\0')
    return invalid (error, _("Please enter a password."));
  if (!g_utf8_validate (password, -1, NULL))
    return invalid (error, _("The password is not valid text."));

  chars = g_utf8_strlen (password, -1);
  if (chars < SB_PASSWORD_MIN_LENGTH)
    return invalid_printf (error,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "A password has at least %d character.",
                                        "A password has at least %d characters.",
                                        SB_PASSWORD_MIN_LENGTH),
                           SB_PASSWORD_MIN_LENGTH);
  if (chars > SB_PASSWORD_MAX_LENGTH)
    {
      limit = group_digits (SB_PASSWORD_MAX_LENGTH);
      return invalid_printf (error,
                             g_dngettext (GETTEXT_PACKAGE,
                                          /* TRANSLATORS: %s is a number, such as 1,024 */
                                          "A password has at most %s character.",
                                          "A password has at most %s characters.",
                                          SB_PASSWORD_MAX_LENGTH),
                             limit);
    }
  return TRUE;
}

/* The invisible characters that change the direction of the text around
 * them: "invoice\u202Efdp.exe" shows as "invoiceexe.pdf". A name is shown
 * in many places (lists, dialogs, a shell); none of them should lie. */
static gboolean
is_bidi_control (gunichar c)
{
  return c == 0x061C ||                  /* ARABIC LETTER MARK */
         c == 0x200E || c == 0x200F ||   /* LEFT-TO-RIGHT / RIGHT-TO-LEFT MARK */
         (c >= 0x202A && c <= 0x202E) || /* embeddings, overrides, POP DIRECTIONAL FORMATTING */
         (c >= 0x2066 && c <= 0x2069);   /* isolates, POP DIRECTIONAL ISOLATE */
}

/* Any UTF-8 except "/", NUL, control characters and direction controls; at
 * most 255 bytes; not "." or "..". Names are stored in NFC so that a name
 * typed on one system and the same name typed on another are one file. */
char *
sb_validate_file_name (const char  *name,
                       GError     **error)
{
  return sb_validate_file_name_len (name, -1, error);
}

/**
 * sb_validate_file_name_len:
 * @len: the length of @name in bytes, or -1 if it ends at its first NUL
 *
 * Like sb_validate_file_name(), for names that come with a length (decoded
 * from a request, say) and so may hold a NUL, which is refused: cut there,
 * "safe.txt\0.exe" would become another name than the one sent.
 */
char *
sb_validate_file_name_len (const char  *name,
                           gssize       len,
                           GError     **error)
{
  g_autofree char *nfc = NULL;

  if (name == NULL || len == 0 || (len < 0 && *name == '\0'))
    return invalid (error, _("Please give the file a name.")), NULL;
  if (len > 0 && memchr (name, '\0', (gsize) len) != NULL)
    return invalid (error, _("A file name cannot contain control characters.")), NULL;
  if (!g_utf8_validate (name, len, NULL))
    return invalid (error, _("The file name is not valid UTF-8 text.")), NULL;

  nfc = g_utf8_normalize (name, len, G_NORMALIZE_NFC);
  if (nfc == NULL)
    return invalid (error, _("The file name is not valid UTF-8 text.")), NULL;

  for (const char *p = nfc; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c == '/')
        return invalid (error, _("A file name cannot contain “/”.")), NULL;
      if (g_unichar_iscntrl (c))
        return invalid (error, _("A file name cannot contain control characters.")), NULL;
      if (is_bidi_control (c))
        return invalid (error, _("A file name cannot contain invisible characters that change "
                                 "the direction of text (such as U+202E), because they can "
                                 "disguise what a file is.")), NULL;
    }

  if (strlen (nfc) > SB_FILE_NAME_MAX_BYTES)
    return invalid_printf (error,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "A file name is at most %d byte long.",
                                        "A file name is at most %d bytes long.",
                                        SB_FILE_NAME_MAX_BYTES),
                           SB_FILE_NAME_MAX_BYTES), NULL;
  if (strcmp (nfc, ".") == 0 || strcmp (nfc, "..") == 0)
    return invalid (error, _("“.” and “..” cannot be used as file names.")), NULL;

  return g_steal_pointer (&nfc);
}

/* At most 1,000 characters of text; line breaks and tabs are fine, other
 * control characters are not. An absent description is an empty one. */
char *
sb_validate_description (const char  *description,
                         GError     **error)
{
  if (description == NULL)
    return g_strdup ("");
  if (!g_utf8_validate (description, -1, NULL))
    return invalid (error, _("The description is not valid UTF-8 text.")), NULL;
  if (g_utf8_strlen (description, -1) > SB_DESCRIPTION_MAX_LENGTH)
    {
      g_autofree char *limit = group_digits (SB_DESCRIPTION_MAX_LENGTH);
      return invalid_printf (error,
                             g_dngettext (GETTEXT_PACKAGE,
                                          /* TRANSLATORS: %s is a number, such as 1,000 */
                                          "A description is at most %s character long.",
                                          "A description is at most %s characters long.",
                                          SB_DESCRIPTION_MAX_LENGTH),
                             limit), NULL;
    }

  for (const char *p = description; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c) && c != '\n' && c != '\r' && c != '\t')
        return invalid (error, _("A description cannot contain control characters.")), NULL;
    }

  return g_utf8_normalize (description, -1, G_NORMALIZE_NFC);
}
