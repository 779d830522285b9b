/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "sb-aws-ini-private.h"

GHashTable *
sb_aws_ini_parse (const char *text)
{
  GHashTable *sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_hash_table_unref);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GHashTable *current = NULL;
  g_autofree char *parent = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gboolean indented = line[0] == ' ' || line[0] == '\t';
      char *eq;
      char *key;
      char *value;

      g_strstrip (line);
      if (*line == '\0' || *line == '#' || *line == ';')
        continue;

      if (*line == '[')
        {
          char *close = strchr (line, ']');
          g_autofree char *name = NULL;

          g_clear_pointer (&parent, g_free);
          current = NULL;
          if (close == NULL)
            continue;
          name = g_strstrip (g_strndup (line + 1, close - line - 1));
          /* "[profile  x]" and "[profile x]" name the same profile. */
          if (g_str_has_prefix (name, "profile ") || g_str_has_prefix (name, "profile\t"))
            {
              g_autofree char *rest = g_strstrip (g_strdup (name + strlen ("profile")));
              g_free (name);
              name = g_strconcat ("profile ", rest, NULL);
            }
          current = g_hash_table_lookup (sections, name);
          if (current == NULL)
            {
              current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
              g_hash_table_insert (sections, g_steal_pointer (&name), current);
            }
          continue;
        }

      if (current == NULL || (eq = strchr (line, '=')) == NULL)
        continue;
      *eq = '\0';
      key = g_strstrip (line);
      value = g_strstrip (eq + 1);

      if (indented && parent != NULL)
        {
          g_hash_table_insert (current, g_strconcat (parent, ".", key, NULL), g_strdup (value));
          continue;
        }
      g_clear_pointer (&parent, g_free);
      if (*value == '\0')
        parent = g_strdup (key);
      g_hash_table_insert (current, g_strdup (key), g_strdup (value));
    }
  return sections;
}

GHashTable *
sb_aws_ini_load (const char  *path,
                 GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, &text, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return sb_aws_ini_parse ("");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return sb_aws_ini_parse (text);
}
