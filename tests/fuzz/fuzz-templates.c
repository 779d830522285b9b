/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "sb-templates-private.h"

/* Input: a first line holding a JSON context (anything else means a fixed
 * context), then templates, each starting with a line "=== name":
 *
 *   {"files": [{"name": "a<b"}]}
 *   === page
 *   <ul>{{#files}}{{> row}}{{/files}}</ul>
 *   === row
 *   <li>{{name}}</li>
 *
 * All are compiled as one batch, then each is rendered. Besides the
 * sanitizers, the oracle is the escaping promise: a character that HTML
 * gives meaning to and that appears in no template source can never appear
 * in the output, whatever the context holds. */

static const char default_context[] =
  "{\"s\": \"<script>\\\"'`=&</script>\", \"n\": 42, \"d\": -1.5e300, \"z\": null,"
  " \"t\": true, \"f\": false, \"e\": \"\", \"u\": \"é /?#%\","
  " \"list\": [\"<a>\", 1, {\"s\": \"inner\\\"\"}, [\"x'y\"], null, true],"
  " \"obj\": {\"s\": \"o=o\", \"obj\": {\"s\": \"deep`\"}}, \"empty\": []}";

static JsonNode *
make_context (const char *line,
              gsize       len)
{
  g_autofree char *json = g_strndup (line, len);
  JsonNode *node = NULL;
  guint depth = 0;

  /* json-glib's parser recurses; deep nesting would fuzz it, not us */
  for (const char *p = json; *p != '\0'; p++)
    if (*p == '[' || *p == '{')
      depth++;
  if (depth <= 32)
    node = json_from_string (json, NULL);
  if (node == NULL)
    node = json_from_string (default_context, NULL);
  FUZZ_CHECK (node != NULL);
  return node;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = g_strndup ((const char *) data, size);  /* stops at a NUL */
  g_autoptr(SbTemplates) templates = sb_templates_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  g_autoptr(JsonNode) context = NULL;
  g_autoptr(GError) error = NULL;
  const char *absent = "<>\"'`=";
  char *p;
  char *eol;

  fuzz_make_warnings_fatal ();

  eol = strchr (input, '\n');
  if (eol == NULL)
    return 0;
  context = make_context (input, eol - input);

  /* split in place: "=== name\n" lines start templates */
  p = eol + 1;
  if (!g_str_has_prefix (p, "=== "))
    {
      g_ptr_array_add (names, (gpointer) "t");
      g_ptr_array_add (sources, p);
    }
  while ((p = strstr (p, "=== ")) != NULL)
    {
      if (p != input && p[-1] != '\n')
        {
          p += 4;
          continue;
        }
      if (p[-1] == '\n' && p - 1 > input)
        p[-1] = '\0';  /* ends the previous template */
      eol = strchr (p, '\n');
      if (eol == NULL)
        break;
      *eol = '\0';
      g_ptr_array_add (names, p + 4);
      g_ptr_array_add (sources, eol + 1);
      p = eol + 1;
    }

  if (!sb_templates_add_many (templates, (const char * const *) names->pdata,
                              (const char * const *) sources->pdata, names->len, &error))
    {
      FUZZ_CHECK (error->domain == SB_TEMPLATES_ERROR);
      FUZZ_CHECK (g_str_has_prefix (error->message, "Template “"));
      return 0;
    }

  sb_templates_set_render_limits (templates, 1024 * 1024, 100000);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(GBytes) out = NULL;
      const char *text;
      gsize len;

      FUZZ_CHECK (sb_templates_has (templates, name));
      out = sb_templates_render (templates, name, context, &error);
      if (out == NULL)
        {
          FUZZ_CHECK (error->domain == SB_TEMPLATES_ERROR);
          g_clear_error (&error);
          continue;
        }

      text = g_bytes_get_data (out, &len);
      FUZZ_CHECK (g_utf8_validate (text, len, NULL));
      for (const char *c = absent; *c != '\0'; c++)
        {
          gboolean in_sources = FALSE;

          for (guint j = 0; j < sources->len && !in_sources; j++)
            in_sources = strchr (g_ptr_array_index (sources, j), *c) != NULL;
          if (!in_sources && memchr (text, *c, len) != NULL)
            g_error ("“%c” in the output of “%s” comes from no template", *c, name);
        }
    }

  return 0;
}
