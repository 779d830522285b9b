/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-aws-xml-private.h"

void
sb_aws_xml_free (SbAwsXmlNode *node)
{
  if (node == NULL)
    return;
  g_free (node->name);
  g_string_free (node->text, TRUE);
  g_ptr_array_unref (node->children);
  g_free (node);
}

static SbAwsXmlNode *
node_new (const char *name)
{
  SbAwsXmlNode *node = g_new0 (SbAwsXmlNode, 1);
  const char *colon = strchr (name, ':');

  node->name = g_strdup (colon ? colon + 1 : name);
  node->text = g_string_new (NULL);
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_aws_xml_free);
  return node;
}

typedef struct
{
  SbAwsXmlNode *root;
  GPtrArray    *stack;
} Builder;

static void
start_element (GMarkupParseContext  *context,
               const char           *name,
               const char          **attribute_names,
               const char          **attribute_values,
               gpointer              user_data,
               GError              **error)
{
  Builder *b = user_data;
  SbAwsXmlNode *node = node_new (name);

  if (b->stack->len == 0)
    {
      if (b->root != NULL)
        {
          sb_aws_xml_free (node);
          g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                               "more than one root element");
          return;
        }
      b->root = node;
    }
  else
    g_ptr_array_add (((SbAwsXmlNode *) b->stack->pdata[b->stack->len - 1])->children, node);
  g_ptr_array_add (b->stack, node);
}

static void
end_element (GMarkupParseContext  *context,
             const char           *name,
             gpointer              user_data,
             GError              **error)
{
  Builder *b = user_data;

  g_ptr_array_remove_index (b->stack, b->stack->len - 1);
}

static void
text (GMarkupParseContext  *context,
      const char           *data,
      gsize                 length,
      gpointer              user_data,
      GError              **error)
{
  Builder *b = user_data;

  if (b->stack->len > 0)
    g_string_append_len (((SbAwsXmlNode *) b->stack->pdata[b->stack->len - 1])->text, data,
                         length);
}

SbAwsXmlNode *
sb_aws_xml_parse (const char  *data,
                  gsize        length,
                  GError     **error)
{
  static const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };
  Builder b = { NULL, g_ptr_array_new () };
  g_autoptr(GMarkupParseContext) context =
    g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &b, NULL);
  gboolean ok;

  if (data == NULL || length == 0)
    {
      g_ptr_array_unref (b.stack);
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY, "empty document");
      return NULL;
    }

  /* GMarkup stops at the XML declaration's absence no more than at its
   * presence; it does choke on a leading BOM, which S3 never sends. */
  ok = g_markup_parse_context_parse (context, data, length, error) &&
       g_markup_parse_context_end_parse (context, error);
  g_ptr_array_unref (b.stack);
  if (!ok || b.root == NULL)
    {
      if (ok)
        g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY, "empty document");
      sb_aws_xml_free (b.root);
      return NULL;
    }
  return b.root;
}

SbAwsXmlNode *
sb_aws_xml_next_child (SbAwsXmlNode *node,
                       const char   *name,
                       guint        *index)
{
  while (node != NULL && *index < node->children->len)
    {
      SbAwsXmlNode *child = node->children->pdata[(*index)++];

      if (g_str_equal (child->name, name))
        return child;
    }
  return NULL;
}

SbAwsXmlNode *
sb_aws_xml_child (SbAwsXmlNode *node,
                  const char   *name)
{
  guint index = 0;

  return sb_aws_xml_next_child (node, name, &index);
}

const char *
sb_aws_xml_child_text (SbAwsXmlNode *node,
                       const char   *name)
{
  SbAwsXmlNode *child = sb_aws_xml_child (node, name);

  return child ? child->text->str : NULL;
}

gboolean
sb_aws_xml_child_text_is (SbAwsXmlNode *node,
                          const char   *name,
                          const char   *text)
{
  return g_strcmp0 (sb_aws_xml_child_text (node, name), text) == 0;
}

gint64
sb_aws_xml_child_time (SbAwsXmlNode *node,
                       const char   *name)
{
  const char *text = sb_aws_xml_child_text (node, name);
  g_autoptr(GDateTime) dt = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return dt ? g_date_time_to_unix (dt) : 0;
}

void
sb_aws_xml_append (GString    *out,
                   const char *name,
                   const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append_printf (out, "<%s>%s</%s>", name, escaped, name);
}

void
sb_aws_xml_append_uint (GString    *out,
                        const char *name,
                        guint       value)
{
  g_string_append_printf (out, "<%s>%u</%s>", name, value, name);
}
