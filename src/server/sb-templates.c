/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "sb-templates-private.h"

G_DEFINE_QUARK (sb-templates-error-quark, sb_templates_error)

/* Deeper than any page needs; it keeps the renderer's recursion bounded
 * whatever a template says. */
#define MAX_SECTION_DEPTH 64

typedef enum {
  NODE_TEXT,
  NODE_VALUE,
  NODE_SECTION,
  NODE_INVERTED,
  NODE_PARTIAL,
} NodeKind;

typedef enum {
  FILTER_NONE,
  FILTER_URL,
} Filter;

typedef struct _Template Template;

typedef struct {
  NodeKind   kind;
  Filter     filter;
  guint      line;
  /* TEXT: the bytes to copy; VALUE and sections: the key as written, for
   * messages and for matching {{/key}}; PARTIAL: the template's name. */
  char      *text;
  gsize      text_len;
  char     **path;      /* VALUE and sections: the key split at dots; NULL for "." */
  GPtrArray *children;  /* sections: Node */
  Template  *partial;   /* PARTIAL: resolved once the whole set is known */
} Node;

typedef enum {
  MARK_NEW,
  MARK_VISITING,
  MARK_LINKED,
} Mark;

struct _Template {
  char      *name;
  GPtrArray *nodes;     /* Node */
  GPtrArray *partials;  /* Node, borrowed from the tree: the {{> }} tags */
  Mark       mark;
};

struct _SbTemplates
{
  GObject     parent_instance;
  GHashTable *templates;  /* name (owned by the Template) → Template */
  gsize       max_output;
  guint64     max_steps;
};

G_DEFINE_FINAL_TYPE (SbTemplates, sb_templates, G_TYPE_OBJECT)

static void
node_free (gpointer data)
{
  Node *node = data;

  g_free (node->text);
  g_strfreev (node->path);
  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_free (node);
}

static Template *
template_new (const char *name)
{
  Template *tmpl = g_new0 (Template, 1);

  tmpl->name = g_strdup (name);
  tmpl->nodes = g_ptr_array_new_with_free_func (node_free);
  tmpl->partials = g_ptr_array_new ();
  return tmpl;
}

static void
template_free (gpointer data)
{
  Template *tmpl = data;

  g_ptr_array_unref (tmpl->partials);
  g_ptr_array_unref (tmpl->nodes);
  g_free (tmpl->name);
  g_free (tmpl);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Template, template_free)

static void
sb_templates_finalize (GObject *object)
{
  SbTemplates *self = SB_TEMPLATES (object);

  g_clear_pointer (&self->templates, g_hash_table_unref);

  G_OBJECT_CLASS (sb_templates_parent_class)->finalize (object);
}

static void
sb_templates_class_init (SbTemplatesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_templates_finalize;
}

static void
sb_templates_init (SbTemplates *self)
{
  self->templates = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, template_free);
  self->max_output = G_MAXSIZE;
  self->max_steps = G_MAXUINT64;
}

/**
 * sb_templates_new:
 *
 * Returns: (transfer full): an empty template set
 */
SbTemplates *
sb_templates_new (void)
{
  return g_object_new (SB_TYPE_TEMPLATES, NULL);
}

void
sb_templates_set_render_limits (SbTemplates *self,
                                gsize        max_output,
                                guint64      max_steps)
{
  g_return_if_fail (SB_IS_TEMPLATES (self));

  self->max_output = max_output;
  self->max_steps = max_steps;
}

gboolean
sb_templates_has (SbTemplates *self,
                  const char  *name)
{
  g_return_val_if_fail (SB_IS_TEMPLATES (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return g_hash_table_contains (self->templates, name);
}

/* Every message starts with where the problem is, so a broken page can be
 * fixed from the log line alone. */
G_GNUC_PRINTF (5, 6) static gboolean
set_error (GError     **error,
           int          code,
           const char  *template_name,
           guint        line,
           const char  *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, SB_TEMPLATES_ERROR, code, "Template “%s”, line %u: %s",
               template_name, line, message);
  return FALSE;
}

static guint
count_lines (const char *start,
             const char *end)
{
  guint n = 0;

  while (start < end && (start = memchr (start, '\n', end - start)) != NULL)
    {
      n++;
      start++;
    }
  return n;
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-';
}

/* Template names end up in {{> name}} tags and come from file names. */
static gboolean
is_valid_template_name (const char *name,
                        gsize       len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!is_name_char (name[i]) && name[i] != '.')
      return FALSE;
  return TRUE;
}

/* "." or dot-separated non-empty segments of [A-Za-z0-9_-]. */
static char **
parse_key (const char *key)
{
  const char *p;
  gboolean segment_start = TRUE;

  if (strcmp (key, ".") == 0)
    return NULL;

  for (p = key; *p != '\0'; p++)
    {
      if (*p == '.')
        {
          if (segment_start)
            return NULL;
          segment_start = TRUE;
        }
      else if (is_name_char (*p))
        segment_start = FALSE;
      else
        return NULL;
    }
  if (segment_start)
    return NULL;

  return g_strsplit (key, ".", -1);
}

static char *
strip_dup (const char *start,
           const char *end)
{
  while (start < end && g_ascii_isspace (*start))
    start++;
  while (end > start && g_ascii_isspace (end[-1]))
    end--;
  return g_strndup (start, end - start);
}

/* Fills in node->text and node->path from the inside of a tag. */
static gboolean
node_set_key (Node        *node,
              const char  *template_name,
              const char  *start,
              const char  *end,
              GError     **error)
{
  node->text = strip_dup (start, end);
  if (node->text[0] == '\0')
    return set_error (error, SB_TEMPLATES_ERROR_COMPILE, template_name, node->line,
                      "a tag has no key");
  if (strcmp (node->text, ".") == 0)
    return TRUE;
  node->path = parse_key (node->text);
  if (node->path == NULL)
    return set_error (error, SB_TEMPLATES_ERROR_COMPILE, template_name, node->line,
                      "“%s” is not a valid key (letters, digits, “_”, “-”, dotted, or “.”)",
                      node->text);
  return TRUE;
}

typedef struct {
  Node      *section;
  GPtrArray *parent;  /* where the nodes after {{/key}} go */
} OpenSection;

/* One pass over the source: text between tags is copied into TEXT nodes, tags
 * become nodes, and a stack of open sections gives the tree its shape. The
 * parser does not recurse, so nesting costs no C stack here. */
static Template *
compile (const char  *name,
         const char  *source,
         GError     **error)
{
  g_autoptr(Template) tmpl = template_new (name);
  g_autoptr(GArray) open = g_array_new (FALSE, FALSE, sizeof (OpenSection));
  GPtrArray *current = tmpl->nodes;
  const char *end = source + strlen (source);
  const char *p = source;
  const char *invalid = NULL;
  guint line = 1;

  if (!g_utf8_validate (source, end - source, &invalid))
    {
      set_error (error, SB_TEMPLATES_ERROR_COMPILE, name, 1 + count_lines (source, invalid),
                 "the template is not valid UTF-8");
      return NULL;
    }

  while (p < end)
    {
      const char *tag = strstr (p, "{{");
      const char *text_end = tag != NULL ? tag : end;
      const char *body, *close;
      guint tag_line;
      Node *node;

      if (text_end > p)
        {
          node = g_new0 (Node, 1);
          node->kind = NODE_TEXT;
          node->line = line;
          node->text_len = text_end - p;
          node->text = g_strndup (p, node->text_len);
          g_ptr_array_add (current, node);
          line += count_lines (p, text_end);
        }
      if (tag == NULL)
        break;

      tag_line = line;
      body = tag + 2;
      if (*body == '{' || *body == '&')
        {
          set_error (error, SB_TEMPLATES_ERROR_COMPILE, name, tag_line,
                     "“{{%c” would print without escaping, which is not supported", *body);
          return NULL;
        }
      if (*body == '=')
        {
          set_error (error, SB_TEMPLATES_ERROR_COMPILE, name, tag_line,
                     "changing the delimiters with “{{=” is not supported");
          return NULL;
        }
      close = strstr (body, "}}");
      if (close == NULL)
        {
          set_error (error, SB_TEMPLATES_ERROR_COMPILE, name, tag_line,
                     "“{{” is never closed by “}}”");
          return NULL;
        }
      line += count_lines (body, close);
      p = close + 2;

      switch (*body)
        {
        case '!':
          break;

        case '#':
        case '^':
          {
            OpenSection entry;

            if (open->len >= MAX_SECTION_DEPTH)
              {
                set_error (error, SB_TEMPLATES_ERROR_COMPILE, name, tag_line,
                           "sections are nested more than %d deep", MAX_SECTION_DEPTH);
                return NULL;
              }
            node = g_new0 (Node, 1);
            node->kind = *body == '#' ? NODE_SECTION : NODE_INVERTED;
            node->line = tag_line;
            node->children = g_ptr_array_new_with_free_func (node_free);
            g_ptr_array_add (current, node);
            if (!node_set_key (node, name, body + 1, close, error))
              return NULL;
            entry.section = node;
            entry.parent = current;
            g_array_append_val (open, entry);
            current = node->children;
          }
          break;

        case '/':
          {
            g_autofree char *key = strip_dup (body + 1, close);
            OpenSection *top;

            if (open->len == 0)
              {
                set_error (error, SB_TEMPLATES_ERROR_COMPILE, name, tag_line,
                           "“{{/%s}}” closes no section", key);
                return NULL;
              }
            top = &g_array_index (open, OpenSection, open->len - 1);
            if (strcmp (key, top->section->text) != 0)
              {
                set_error (error, SB_TEMPLATES_ERROR_COMPILE, name, tag_line,
                           "“{{/%s}}” does not match “{{%c%s}}” from line %u", key,
                           top->section->kind == NODE_SECTION ? '#' : '^',
                           top->section->text, top->section->line);
                return NULL;
              }
            current = top->parent;
            g_array_set_size (open, open->len - 1);
          }
          break;

        case '>':
          node = g_new0 (Node, 1);
          node->kind = NODE_PARTIAL;
          node->line = tag_line;
          node->text = strip_dup (body + 1, close);
          g_ptr_array_add (current, node);
          if (!is_valid_template_name (node->text, strlen (node->text)))
            {
              set_error (error, SB_TEMPLATES_ERROR_COMPILE, name, tag_line,
                         "“%s” is not a valid template name", node->text);
              return NULL;
            }
          g_ptr_array_add (tmpl->partials, node);
          break;

        default:
          {
            const char *bar = memchr (body, '|', close - body);

            node = g_new0 (Node, 1);
            node->kind = NODE_VALUE;
            node->line = tag_line;
            g_ptr_array_add (current, node);
            if (!node_set_key (node, name, body, bar != NULL ? bar : close, error))
              return NULL;
            if (bar != NULL)
              {
                g_autofree char *filter = strip_dup (bar + 1, close);

                if (strcmp (filter, "url") == 0)
                  node->filter = FILTER_URL;
                else
                  {
                    set_error (error, SB_TEMPLATES_ERROR_COMPILE, name, tag_line,
                               "unknown filter “%s” (the only filter is “url”)", filter);
                    return NULL;
                  }
              }
          }
          break;
        }
    }

  if (open->len > 0)
    {
      OpenSection *top = &g_array_index (open, OpenSection, open->len - 1);

      set_error (error, SB_TEMPLATES_ERROR_COMPILE, name, top->section->line,
                 "“{{%c%s}}” is never closed", top->section->kind == NODE_SECTION ? '#' : '^',
                 top->section->text);
      return NULL;
    }

  return g_steal_pointer (&tmpl);
}

/* Depth-first search for a cycle through templates of the batch being added;
 * templates already in the set are MARK_LINKED and cannot lead back into the
 * batch, since they were complete before it existed. */
static gboolean
check_cycles (Template   *tmpl,
              GPtrArray  *chain,
              GError    **error)
{
  tmpl->mark = MARK_VISITING;
  g_ptr_array_add (chain, tmpl);

  for (guint i = 0; i < tmpl->partials->len; i++)
    {
      Node *node = g_ptr_array_index (tmpl->partials, i);
      Template *target = node->partial;

      if (target->mark == MARK_VISITING)
        {
          g_autoptr(GString) path = g_string_new (NULL);
          guint start;

          g_ptr_array_find (chain, target, &start);
          for (guint j = start; j < chain->len; j++)
            g_string_append_printf (path, "%s → ", ((Template *) chain->pdata[j])->name);
          g_string_append (path, target->name);
          return set_error (error, SB_TEMPLATES_ERROR_COMPILE, tmpl->name, node->line,
                            "including “%s” would recurse forever (%s)", target->name,
                            path->str);
        }
      if (target->mark == MARK_NEW && !check_cycles (target, chain, error))
        return FALSE;
    }

  g_ptr_array_set_size (chain, chain->len - 1);
  tmpl->mark = MARK_LINKED;
  return TRUE;
}

gboolean
sb_templates_add_many (SbTemplates        *self,
                       const char * const *names,
                       const char * const *sources,
                       gsize               n,
                       GError            **error)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (template_free);
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();

  g_return_val_if_fail (SB_IS_TEMPLATES (self), FALSE);
  g_return_val_if_fail (n == 0 || (names != NULL && sources != NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (gsize i = 0; i < n; i++)
    {
      Template *tmpl;

      g_return_val_if_fail (names[i] != NULL && sources[i] != NULL, FALSE);

      if (!is_valid_template_name (names[i], strlen (names[i])))
        return set_error (error, SB_TEMPLATES_ERROR_COMPILE, names[i], 1,
                          "not a valid template name (letters, digits, “_”, “-”, “.”)");
      if (g_hash_table_contains (self->templates, names[i]) ||
          g_hash_table_contains (by_name, names[i]))
        return set_error (error, SB_TEMPLATES_ERROR_COMPILE, names[i], 1,
                          "a template of this name was already added");

      tmpl = compile (names[i], sources[i], error);
      if (tmpl == NULL)
        return FALSE;
      g_ptr_array_add (batch, tmpl);
      g_hash_table_insert (by_name, tmpl->name, tmpl);
    }

  for (guint i = 0; i < batch->len; i++)
    {
      Template *tmpl = g_ptr_array_index (batch, i);

      for (guint j = 0; j < tmpl->partials->len; j++)
        {
          Node *node = g_ptr_array_index (tmpl->partials, j);

          node->partial = g_hash_table_lookup (by_name, node->text);
          if (node->partial == NULL)
            node->partial = g_hash_table_lookup (self->templates, node->text);
          if (node->partial == NULL)
            return set_error (error, SB_TEMPLATES_ERROR_COMPILE, tmpl->name, node->line,
                              "there is no template “%s” to include", node->text);
        }
    }

  for (guint i = 0; i < batch->len; i++)
    {
      Template *tmpl = g_ptr_array_index (batch, i);

      if (tmpl->mark == MARK_NEW && !check_cycles (tmpl, chain, error))
        return FALSE;
    }

  /* Only now, with every check passed, does the set change. */
  for (guint i = 0; i < batch->len; i++)
    {
      Template *tmpl = g_ptr_array_index (batch, i);

      g_hash_table_insert (self->templates, tmpl->name, tmpl);
    }
  g_ptr_array_set_free_func (batch, NULL);

  return TRUE;
}

/**
 * sb_templates_add:
 * @self: a template set
 * @name: the name to render it by and include it by: letters, digits, `_`, `-`, `.`
 * @source: the template, UTF-8
 * @error: %SB_TEMPLATES_ERROR_COMPILE, naming the template and the line
 *
 * Compiles @source and adds it. Every template it includes must already be
 * in the set, and @name must not be.
 *
 * Returns: %TRUE if added; on error the set is unchanged
 */
gboolean
sb_templates_add (SbTemplates  *self,
                  const char   *name,
                  const char   *source,
                  GError      **error)
{
  g_return_val_if_fail (SB_IS_TEMPLATES (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (source != NULL, FALSE);

  return sb_templates_add_many (self, &name, &source, 1, error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * sb_templates_add_from_resource:
 * @self: a template set
 * @resource_dir: a directory in the registered GResources, e.g. `/io/github/storagebox/web`
 * @error: %SB_TEMPLATES_ERROR_NOT_FOUND or %SB_TEMPLATES_ERROR_COMPILE
 *
 * Adds every `*.html` file directly in @resource_dir, named by its basename
 * without `.html`. They may include each other in any order.
 *
 * Returns: %TRUE if all were added; on error none is
 */
gboolean
sb_templates_add_from_resource (SbTemplates  *self,
                                const char   *resource_dir,
                                GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) children = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  g_autoptr(GPtrArray) blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_return_val_if_fail (SB_IS_TEMPLATES (self), FALSE);
  g_return_val_if_fail (resource_dir != NULL, FALSE);

  children = g_resources_enumerate_children (resource_dir, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                             &local_error);
  if (children == NULL)
    {
      g_set_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_NOT_FOUND,
                   "No templates at resource path “%s”: %s", resource_dir, local_error->message);
      return FALSE;
    }
  /* Sorted, so that which error is reported first never depends on the
   * order the resource compiler happened to store the files in. */
  qsort (children, g_strv_length (children), sizeof (char *), compare_strings);

  for (guint i = 0; children[i] != NULL; i++)
    {
      g_autofree char *path = NULL;
      g_autoptr(GBytes) bytes = NULL;
      const char *data;
      gsize size;

      if (!g_str_has_suffix (children[i], ".html"))
        continue;

      path = g_build_path ("/", resource_dir, children[i], NULL);
      bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
      if (bytes == NULL)
        {
          g_set_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_NOT_FOUND,
                       "Cannot read template resource “%s”: %s", path, local_error->message);
          return FALSE;
        }
      /* GResource data is always followed by a NUL byte, so it is a C string
       * exactly when it holds no NUL of its own. */
      data = g_bytes_get_data (bytes, &size);
      if (memchr (data, '\0', size) != NULL)
        {
          g_set_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_COMPILE,
                       "Template resource “%s” contains a NUL byte", path);
          return FALSE;
        }
      g_ptr_array_add (names, g_strndup (children[i], strlen (children[i]) - strlen (".html")));
      g_ptr_array_add (sources, (gpointer) data);
      g_ptr_array_add (blobs, g_steal_pointer (&bytes));
    }

  return sb_templates_add_many (self, (const char * const *) names->pdata,
                                (const char * const *) sources->pdata, names->len, error);
}

/* Rendering */

typedef struct {
  SbTemplates *self;
  GString     *out;
  GPtrArray   *stack;  /* JsonNode, borrowed from the caller's context */
  guint64      steps;
} Render;

static gboolean render_nodes (Render     *render,
                              Template   *tmpl,
                              GPtrArray  *nodes,
                              GError    **error);

/* Mustache lookup: the first part of the key in the innermost context that
 * has it; the rest strictly inside that value. NULL when missing. */
static JsonNode *
lookup (Render *render,
        Node   *node)
{
  JsonNode *found = NULL;

  if (node->path == NULL)
    return render->stack->len > 0 ? g_ptr_array_index (render->stack, render->stack->len - 1)
                                   : NULL;

  for (guint i = render->stack->len; i > 0 && found == NULL; i--)
    {
      JsonNode *frame = g_ptr_array_index (render->stack, i - 1);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (frame) || (object = json_node_get_object (frame)) == NULL)
        continue;
      found = json_object_get_member (object, node->path[0]);
    }

  for (guint j = 1; found != NULL && node->path[j] != NULL; j++)
    {
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (found) || (object = json_node_get_object (found)) == NULL)
        return NULL;
      found = json_object_get_member (object, node->path[j]);
    }

  return found;
}

/* &<>"' make text and quoted attribute values safe; ` and = also keep an
 * unquoted attribute value (a template bug, but cheap to survive) from being
 * split into a new attribute by the older parsers that honour them. */
static void
append_html_escaped (GString    *out,
                     const char *s,
                     gsize       len)
{
  const char *run = s;
  const char *end = s + len;

  for (const char *p = s; p < end; p++)
    {
      const char *entity;

      switch (*p)
        {
        case '&': entity = "&amp;"; break;
        case '<': entity = "&lt;"; break;
        case '>': entity = "&gt;"; break;
        case '"': entity = "&quot;"; break;
        case '\'': entity = "&#39;"; break;
        case '`': entity = "&#96;"; break;
        case '=': entity = "&#61;"; break;
        default: continue;
        }
      g_string_append_len (out, run, p - run);
      g_string_append (out, entity);
      run = p + 1;
    }
  g_string_append_len (out, run, end - run);
}

/* RFC 3986 unreserved characters stay; every other byte, UTF-8 ones
 * included, becomes %XX. The result is only [A-Za-z0-9-._~%], which has no
 * HTML meaning, so it is already HTML-escaped. */
static void
append_url_encoded (GString    *out,
                    const char *s,
                    gsize       len)
{
  static const char hex[] = "0123456789ABCDEF";

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) s[i];

      if (g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~')
        g_string_append_c (out, c);
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xf]);
        }
    }
}

static gboolean
render_value (Render    *render,
              Template  *tmpl,
              Node      *node,
              GError   **error)
{
  JsonNode *value = lookup (render, node);
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *valid = NULL;
  const char *text;
  gsize len;

  if (value == NULL)
    return set_error (error, SB_TEMPLATES_ERROR_RENDER, tmpl->name, node->line,
                      "no value for “%s”", node->text);

  switch (JSON_NODE_TYPE (value))
    {
    case JSON_NODE_NULL:
      return TRUE;
    case JSON_NODE_OBJECT:
      return set_error (error, SB_TEMPLATES_ERROR_RENDER, tmpl->name, node->line,
                        "“%s” is an object; only strings, numbers and null can be printed",
                        node->text);
    case JSON_NODE_ARRAY:
      return set_error (error, SB_TEMPLATES_ERROR_RENDER, tmpl->name, node->line,
                        "“%s” is an array; only strings, numbers and null can be printed",
                        node->text);
    case JSON_NODE_VALUE:
    default:
      break;
    }

  switch (json_node_get_value_type (value))
    {
    case G_TYPE_STRING:
      text = json_node_get_string (value);
      if (text == NULL)
        return TRUE;
      len = strlen (text);
      /* The page is UTF-8; a broken string must not break it. */
      if (!g_utf8_validate (text, len, NULL))
        {
          valid = g_utf8_make_valid (text, len);
          text = valid;
          len = strlen (valid);
        }
      break;
    case G_TYPE_INT64:
      len = g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, json_node_get_int (value));
      text = number;
      break;
    case G_TYPE_DOUBLE:
      /* 15 significant digits: 0.1 stays "0.1" and it never depends on the locale. */
      text = g_ascii_formatd (number, sizeof number, "%.15g", json_node_get_double (value));
      len = strlen (text);
      break;
    case G_TYPE_BOOLEAN:
      return set_error (error, SB_TEMPLATES_ERROR_RENDER, tmpl->name, node->line,
                        "“%s” is a boolean; only strings, numbers and null can be printed",
                        node->text);
    default:
      return set_error (error, SB_TEMPLATES_ERROR_RENDER, tmpl->name, node->line,
                        "“%s” holds a %s, which cannot be printed", node->text,
                        g_type_name (json_node_get_value_type (value)));
    }

  if (node->filter == FILTER_URL)
    append_url_encoded (render->out, text, len);
  else
    append_html_escaped (render->out, text, len);
  return TRUE;
}

static gboolean
render_pushed (Render     *render,
               Template   *tmpl,
               GPtrArray  *nodes,
               JsonNode   *frame,
               GError    **error)
{
  gboolean ok;

  g_ptr_array_add (render->stack, frame);
  ok = render_nodes (render, tmpl, nodes, error);
  g_ptr_array_set_size (render->stack, render->stack->len - 1);
  return ok;
}

/* Whether {{#key}} renders its body, by the rules in sb-templates.h. */
static gboolean
is_truthy (JsonNode *value)
{
  if (value == NULL)
    return FALSE;

  switch (JSON_NODE_TYPE (value))
    {
    case JSON_NODE_NULL:
      return FALSE;
    case JSON_NODE_OBJECT:
      return TRUE;
    case JSON_NODE_ARRAY:
      return json_node_get_array (value) != NULL &&
             json_array_get_length (json_node_get_array (value)) > 0;
    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (value))
        {
        case G_TYPE_BOOLEAN:
          return json_node_get_boolean (value);
        case G_TYPE_STRING:
          return json_node_get_string (value) != NULL && json_node_get_string (value)[0] != '\0';
        default:
          return TRUE;
        }
    }
}

static gboolean
render_section (Render    *render,
                Template  *tmpl,
                Node      *node,
                GError   **error)
{
  JsonNode *value = lookup (render, node);

  if (node->kind == NODE_INVERTED)
    return is_truthy (value) ? TRUE : render_nodes (render, tmpl, node->children, error);

  if (!is_truthy (value))
    return TRUE;

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      guint n = json_array_get_length (array);

      for (guint i = 0; i < n; i++)
        if (!render_pushed (render, tmpl, node->children, json_array_get_element (array, i), error))
          return FALSE;
      return TRUE;
    }

  /* true changes nothing; an object, string or number becomes {{.}} */
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN)
    return render_nodes (render, tmpl, node->children, error);

  return render_pushed (render, tmpl, node->children, value, error);
}

static gboolean
render_nodes (Render     *render,
              Template   *tmpl,
              GPtrArray  *nodes,
              GError    **error)
{
  for (guint i = 0; i < nodes->len; i++)
    {
      Node *node = g_ptr_array_index (nodes, i);
      gboolean ok = TRUE;

      if (++render->steps > render->self->max_steps)
        return set_error (error, SB_TEMPLATES_ERROR_RENDER, tmpl->name, node->line,
                          "rendering stopped after %" G_GUINT64_FORMAT " steps",
                          render->self->max_steps);

      switch (node->kind)
        {
        case NODE_TEXT:
          g_string_append_len (render->out, node->text, node->text_len);
          break;
        case NODE_VALUE:
          ok = render_value (render, tmpl, node, error);
          break;
        case NODE_SECTION:
        case NODE_INVERTED:
          ok = render_section (render, tmpl, node, error);
          break;
        case NODE_PARTIAL:
          ok = render_nodes (render, node->partial, node->partial->nodes, error);
          break;
        default:
          g_assert_not_reached ();
        }
      if (!ok)
        return FALSE;

      if (render->out->len > render->self->max_output)
        return set_error (error, SB_TEMPLATES_ERROR_RENDER, tmpl->name, node->line,
                          "rendering stopped at more than %" G_GSIZE_FORMAT " bytes",
                          render->self->max_output);
    }

  return TRUE;
}

/**
 * sb_templates_render:
 * @self: a template set
 * @name: the template to render
 * @context: (nullable): the values, usually a JSON object
 * @error: %SB_TEMPLATES_ERROR_NOT_FOUND or %SB_TEMPLATES_ERROR_RENDER
 *
 * Returns: (transfer full): the page, or %NULL with @error set
 */
GBytes *
sb_templates_render (SbTemplates  *self,
                     const char   *name,
                     JsonNode     *context,
                     GError      **error)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  Template *tmpl;
  GString *out;
  Render render;

  g_return_val_if_fail (SB_IS_TEMPLATES (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  tmpl = g_hash_table_lookup (self->templates, name);
  if (tmpl == NULL)
    {
      g_set_error (error, SB_TEMPLATES_ERROR, SB_TEMPLATES_ERROR_NOT_FOUND,
                   "There is no template “%s”", name);
      return NULL;
    }

  if (context != NULL)
    g_ptr_array_add (stack, context);

  out = g_string_sized_new (4096);
  render = (Render) { self, out, stack, 0 };
  if (!render_nodes (&render, tmpl, tmpl->nodes, error))
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free_to_bytes (out);
}
