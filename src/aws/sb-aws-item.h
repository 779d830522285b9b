/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION) && !defined (SB_STORE_COMPILATION)
#error "Only the store layer can include the aws layer's headers directly; core and front ends use sb-store-factory.h."
#endif

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* DynamoDB items, keys and expression attribute values are JsonObjects in
 * the service's attribute-value JSON: {"name": {"S": "alice"}, "size":
 * {"N": "42"}, "admin": {"BOOL": false}}. These helpers build and read the
 * common shapes; anything else can be set with json-glib directly. */

JsonObject *sb_aws_item_new        (void);
void        sb_aws_item_set_string (JsonObject  *item,
                                    const char  *name,
                                    const char  *value);
void        sb_aws_item_set_int64  (JsonObject  *item,
                                    const char  *name,
                                    gint64       value);
void        sb_aws_item_set_bool   (JsonObject  *item,
                                    const char  *name,
                                    gboolean     value);
const char *sb_aws_item_get_string (JsonObject  *item,
                                    const char  *name);
gboolean    sb_aws_item_get_int64  (JsonObject  *item,
                                    const char  *name,
                                    gint64      *value);
gboolean    sb_aws_item_get_bool   (JsonObject  *item,
                                    const char  *name,
                                    gboolean    *value);

G_END_DECLS
