/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Stands in for libFuzzer's main() in ordinary builds: runs the target once
 * on every file named, or in every directory named, so the seed corpus is a
 * regression test under gcc and the sanitizers. Reports in TAP. */

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static void
collect (const char *path,
         GPtrArray  *files)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (files, g_strdup (path));
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, g_steal_pointer (&child));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++)
    collect (argv[i], files);
  g_ptr_array_sort (files, compare_paths);

  if (files->len == 0)
    {
      g_printerr ("usage: %s FILE-OR-DIRECTORY…  (no inputs found)\n", argv[0]);
      return EXIT_FAILURE;
    }

  g_print ("1..%u\n", files->len);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize size;

      if (!g_file_get_contents (path, &contents, &size, &error))
        {
          g_print ("not ok %u - %s: %s\n", i + 1, path, error->message);
          continue;
        }
      /* A copy of exactly @size bytes, so ASan sees any read past the end
       * (g_file_get_contents adds a NUL the fuzzer would not). */
      {
        g_autofree guint8 *exact = g_memdup2 (contents, size);

        LLVMFuzzerTestOneInput (exact, size);
      }
      g_print ("ok %u - %s\n", i + 1, path);
    }

  return EXIT_SUCCESS;
}
