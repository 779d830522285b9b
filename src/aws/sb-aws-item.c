/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "sb-aws-item.h"

/**
 * sb_aws_item_new:
 *
 * Returns: (transfer full): an empty item (or key, or value map)
 */
JsonObject *
sb_aws_item_new (void)
{
  return json_object_new ();
}

static void
set_typed (JsonObject *item,
           const char *name,
           const char *type,
           JsonNode   *value)
{
  JsonObject *attribute = json_object_new ();

  json_object_set_member (attribute, type, value);
  json_object_set_object_member (item, name, attribute);
}

void
sb_aws_item_set_string (JsonObject *item,
                        const char *name,
                        const char *value)
{
  g_return_if_fail (item != NULL && name != NULL && value != NULL);
  set_typed (item, name, "S", json_node_init_string (json_node_alloc (), value));
}

void
sb_aws_item_set_int64 (JsonObject *item,
                       const char *name,
                       gint64      value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  g_return_if_fail (item != NULL && name != NULL);
  /* Numbers travel as strings so no precision is lost on the way. */
  set_typed (item, name, "N", json_node_init_string (json_node_alloc (), text));
}

void
sb_aws_item_set_bool (JsonObject *item,
                      const char *name,
                      gboolean    value)
{
  g_return_if_fail (item != NULL && name != NULL);
  set_typed (item, name, "BOOL", json_node_init_boolean (json_node_alloc (), value));
}

static JsonNode *
get_typed (JsonObject *item,
           const char *name,
           const char *type)
{
  JsonNode *node = item ? json_object_get_member (item, name) : NULL;
  JsonObject *attribute;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  attribute = json_node_get_object (node);
  return json_object_get_member (attribute, type);
}

/**
 * sb_aws_item_get_string:
 *
 * Returns: (nullable): the S attribute @name, or %NULL if absent or another type
 */
const char *
sb_aws_item_get_string (JsonObject *item,
                        const char *name)
{
  JsonNode *node = get_typed (item, name, "S");

  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

/**
 * sb_aws_item_get_int64:
 *
 * Returns: %TRUE if @name is an N attribute holding an integer that fits
 */
gboolean
sb_aws_item_get_int64 (JsonObject *item,
                       const char *name,
                       gint64     *value)
{
  JsonNode *node = get_typed (item, name, "N");
  const char *text;
  char *end = NULL;
  gint64 parsed;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (text = json_node_get_string (node)) == NULL)
    return FALSE;
  errno = 0;
  parsed = g_ascii_strtoll (text, &end, 10);
  if (errno != 0 || end == text || *end != '\0')
    return FALSE;
  if (value)
    *value = parsed;
  return TRUE;
}

gboolean
sb_aws_item_get_bool (JsonObject *item,
                      const char *name,
                      gboolean   *value)
{
  JsonNode *node = get_typed (item, name, "BOOL");

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  if (value)
    *value = json_node_get_boolean (node);
  return TRUE;
}
