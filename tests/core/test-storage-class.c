/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-storage-class.h"

static void
test_describe (void)
{
  const char *other = "INTELLIGENT_TIERING";

  g_assert_cmpstr (sb_storage_class_describe ("STANDARD"), ==, "Standard");
  g_assert_cmpstr (sb_storage_class_describe (NULL), ==, "Standard");
  g_assert_cmpstr (sb_storage_class_describe (""), ==, "Standard");
  g_assert_cmpstr (sb_storage_class_describe ("STANDARD_IA"), ==, "Infrequent access");
  g_assert_cmpstr (sb_storage_class_describe ("ONEZONE_IA"), ==, "Infrequent access");
  g_assert_cmpstr (sb_storage_class_describe ("GLACIER"), ==, "Archived");
  g_assert_cmpstr (sb_storage_class_describe ("DEEP_ARCHIVE"), ==, "Deep archive");
  g_assert_cmpstr (sb_storage_class_describe ("GLACIER_IR"), ==, "Instant retrieval archive");
  /* Anything else is shown as S3 names it. */
  g_assert_true (sb_storage_class_describe (other) == other);
  g_assert_cmpstr (sb_storage_class_describe ("standard"), ==, "standard");
}

static void
test_needs_restore (void)
{
  g_assert_true (sb_storage_class_needs_restore ("GLACIER"));
  g_assert_true (sb_storage_class_needs_restore ("DEEP_ARCHIVE"));
  g_assert_false (sb_storage_class_needs_restore ("GLACIER_IR"));
  g_assert_false (sb_storage_class_needs_restore ("STANDARD"));
  g_assert_false (sb_storage_class_needs_restore ("STANDARD_IA"));
  g_assert_false (sb_storage_class_needs_restore ("ONEZONE_IA"));
  g_assert_false (sb_storage_class_needs_restore (NULL));
  g_assert_false (sb_storage_class_needs_restore (""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/storage-class/describe", test_describe);
  g_test_add_func ("/storage-class/needs-restore", test_needs_restore);
  return g_test_run ();
}
