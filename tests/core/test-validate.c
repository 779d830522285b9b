/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-error.h"
#include "sb-validate.h"

typedef char *(*Validator) (const char *input, GError **error);

static void
assert_invalid (Validator   validate,
                const char *input,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *result = validate (input, &error);

  g_assert_null (result);
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  if (fragment)
    g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_username (void)
{
  struct { const char *in; const char *out; } good[] = {
    { "abc", "abc" }, { "Alice", "alice" }, { "ALICE.B_c-9", "alice.b_c-9" },
    { "0day", "0day" }, { "a23456789012345678901234567890ab", "a23456789012345678901234567890ab" },
  };
  const char *bad[] = {
    "", "ab", "a23456789012345678901234567890abc", ".abc", "-abc", "_abc", "ab c", "ab/c",
    "über", "a\tb", "abc!", "<script>", "a@b",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      GError *error = NULL;
      g_autofree char *out = sb_validate_username (good[i].in, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, good[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_invalid (sb_validate_username, bad[i], NULL);
  assert_invalid (sb_validate_username, NULL, "username");
  assert_invalid (sb_validate_username, "ab", "3 to 32");
}

/* The HTML pattern the sign-up form carries agrees with the validator on
 * every length around the limits and on each character class. */
static void
test_username_pattern (void)
{
  g_autofree char *pattern = sb_validate_username_pattern ();
  g_autofree char *anchored = g_strdup_printf ("^(?:%s)$", pattern);
  g_autoptr(GRegex) regex = g_regex_new (anchored, 0, 0, NULL);
  const char *samples[] = {
    "Alice", "a.b", "0day", "a-b_c.d", ".abc", "-abc", "ab c", "ab/c", "über", "abc!",
  };

  g_assert_nonnull (regex);
  for (int len = 1; len <= SB_USERNAME_MAX_LENGTH + 1; len++)
    {
      g_autofree char *name = g_strnfill ((gsize) len, 'a');
      g_autoptr(GError) error = NULL;
      g_autofree char *valid = sb_validate_username (name, &error);

      g_assert_cmpint (g_regex_match (regex, name, 0, NULL), ==, valid != NULL);
      g_assert_cmpint (valid != NULL, ==,
                       len >= SB_USERNAME_MIN_LENGTH && len <= SB_USERNAME_MAX_LENGTH);
    }
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *valid = sb_validate_username (samples[i], &error);

      g_assert_cmpint (g_regex_match (regex, samples[i], 0, NULL), ==, valid != NULL);
    }
}

static void
test_email (void)
{
  struct { const char *in; const char *out; } good[] = {
    { "a@example.com", "a@example.com" }, { "  first.last+tag@sub.example.org ", "first.last+tag@sub.example.org" },
    { "ü@bücher.de", "ü@bücher.de" },
  };
  const char *bad[] = {
    "", "   ", "plain", "@example.com", "a@", "a@b", "a@@b.com", "a@b@c.com", "a b@c.com",
    "a@.com", "a@b.com.", "a@b..com", "<a@b.com>", "a\n@b.com",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      GError *error = NULL;
      g_autofree char *out = sb_validate_email (good[i].in, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, good[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_invalid (sb_validate_email, bad[i], NULL);
  {
    g_autofree char *local = g_strnfill (65, 'a');
    g_autofree char *too_long = g_strdup_printf ("%s@example.com", local);
    assert_invalid (sb_validate_email, too_long, "not valid");
  }
}

static void
test_password (void)
{
  g_autofree char *max = g_strnfill (1024, 'p');
  g_autofree char *over = g_strnfill (1025, 'p');
  GError *error = NULL;

  g_assert_true (sb_validate_password ("12345678", &error));
  g_assert_true (sb_validate_password ("ééééééé€", &error));  /* 8 characters, more bytes */
  g_assert_true (sb_validate_password (max, &error));
  g_assert_no_error (error);

  g_assert_false (sb_validate_password ("1234567", &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "8"));
  g_clear_error (&error);
  g_assert_false (sb_validate_password ("ééé", &error));
  g_clear_error (&error);
  g_assert_false (sb_validate_password (over, &error));
  g_assert_nonnull (strstr (error->message, "1,024"));
  g_clear_error (&error);
  g_assert_false (sb_validate_password ("", &error));
  g_clear_error (&error);
  g_assert_false (sb_validate_password ("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", &error));
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  g_clear_error (&error);
}

static void
test_file_name (void)
{
  g_autofree char *max = g_strnfill (255, 'n');
  g_autofree char *over = g_strnfill (256, 'n');
  /* 85 three-byte characters = 255 bytes; one more is over. */
  GString *cjk_max = g_string_new (NULL);
  const char *good[] = {
    "a", "report.pdf", "with space.txt", " leading and trailing ", "日本語.txt",
    "<img src=x onerror=alert(1)>", "quote\"s", "...", ".hidden", "a..b", "100%", "C:\\x",
    "emoji 😀", max,
  };
  const char *bad[] = { "", ".", "..", "a/b", "/", "../etc/passwd", "tab\there", "new\nline",
                        "del\x7f", "c1\xc2\x85", over, "\xff\xfe" };

  for (guint i = 0; i < 85; i++)
    g_string_append (cjk_max, "語");

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      GError *error = NULL;
      g_autofree char *out = sb_validate_file_name (good[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, good[i]);
    }
  {
    GError *error = NULL;
    g_autofree char *out = sb_validate_file_name (cjk_max->str, &error);
    g_assert_no_error (error);
    g_string_append (cjk_max, "語");
    assert_invalid (sb_validate_file_name, cjk_max->str, "255 bytes");
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_invalid (sb_validate_file_name, bad[i], NULL);
  assert_invalid (sb_validate_file_name, "a/b", "/");
  assert_invalid (sb_validate_file_name, "..", "..");
  g_string_free (cjk_max, TRUE);
}

static void
test_file_name_nfc (void)
{
  /* "é" typed as e + combining acute (macOS) is the same name as U+00E9. */
  GError *error = NULL;
  g_autofree char *out = sb_validate_file_name ("caf\x65\xcc\x81.txt", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "caf\xc3\xa9.txt");
}

/* Every character that turns the direction of the text around it, so
 * that "invoice\u202Efdp.exe" would show as "invoiceexe.pdf". */
static void
test_file_name_bidi (void)
{
  const gunichar controls[] = {
    0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
    0x2066, 0x2067, 0x2068, 0x2069,
  };
  /* Right-to-left letters themselves are fine: a Hebrew or Arabic name. */
  const char *good[] = { "שלום.txt", "مرحبا.pdf", "abc\u2060def", "zero\u200bwidth" };

  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    {
      char utf8[8] = { 0 };
      g_autofree char *name = NULL;

      g_unichar_to_utf8 (controls[i], utf8);
      name = g_strdup_printf ("invoice%sfdp.exe", utf8);
      assert_invalid (sb_validate_file_name, name, "direction of text");
      g_clear_pointer (&name, g_free);
      name = g_strdup_printf ("%sleading", utf8);
      assert_invalid (sb_validate_file_name, name, "U+202E");
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      GError *error = NULL;
      g_autofree char *out = sb_validate_file_name (good[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, good[i]);
    }
}

/* A name that comes with its length may hold a NUL, which is refused
 * rather than cut at. */
static void
test_file_name_nul (void)
{
  static const char with_nul[] = "safe.txt\0.exe";
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *whole = NULL;

  out = sb_validate_file_name_len (with_nul, sizeof with_nul - 1, &error);
  g_assert_null (out);
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "control characters"));
  g_clear_error (&error);

  out = sb_validate_file_name_len ("\0", 1, &error);
  g_assert_null (out);
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
  g_clear_error (&error);

  /* The length is honoured: only the first 8 bytes are the name. */
  whole = sb_validate_file_name_len (with_nul, 8, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (whole, ==, "safe.txt");
  g_clear_pointer (&whole, g_free);
  whole = sb_validate_file_name_len ("safe.txt", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (whole, ==, "safe.txt");
  g_clear_pointer (&whole, g_free);
  out = sb_validate_file_name_len ("", 0, &error);
  g_assert_null (out);
  g_assert_error (error, SB_ERROR, SB_ERROR_INVALID);
}

static void
test_description (void)
{
  g_autofree char *max = g_strnfill (1000, 'd');
  g_autofree char *over = g_strnfill (1001, 'd');
  GString *wide = g_string_new (NULL);
  GError *error = NULL;
  char *out;

  for (guint i = 0; i < 1000; i++)
    g_string_append (wide, "€");

  out = sb_validate_description (NULL, &error);
  g_assert_cmpstr (out, ==, "");
  g_free (out);
  out = sb_validate_description ("", &error);
  g_assert_cmpstr (out, ==, "");
  g_free (out);
  out = sb_validate_description ("Two lines\nand a\ttab", &error);
  g_assert_cmpstr (out, ==, "Two lines\nand a\ttab");
  g_free (out);
  out = sb_validate_description ("<b>not bold</b> & \"quoted\"", &error);
  g_assert_cmpstr (out, ==, "<b>not bold</b> & \"quoted\"");
  g_free (out);
  out = sb_validate_description (max, &error);
  g_assert_no_error (error);
  g_free (out);
  out = sb_validate_description (wide->str, &error);  /* 1000 characters, 3000 bytes */
  g_assert_no_error (error);
  g_free (out);

  assert_invalid (sb_validate_description, over, "1,000");
  assert_invalid (sb_validate_description, "bell\a", "control");
  assert_invalid (sb_validate_description, "\xc3\x28", "UTF-8");
  g_string_free (wide, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/validate/username", test_username);
  g_test_add_func ("/validate/username-pattern", test_username_pattern);
  g_test_add_func ("/validate/email", test_email);
  g_test_add_func ("/validate/password", test_password);
  g_test_add_func ("/validate/file-name", test_file_name);
  g_test_add_func ("/validate/file-name-nfc", test_file_name_nfc);
  g_test_add_func ("/validate/file-name-bidi", test_file_name_bidi);
  g_test_add_func ("/validate/file-name-nul", test_file_name_nul);
  g_test_add_func ("/validate/description", test_description);
  return g_test_run ();
}
