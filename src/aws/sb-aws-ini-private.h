/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION)
#error "Only src/aws and its tests can include the aws layer's private headers."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* The AWS shared config/credentials file format: `[section]`, `key = value`,
 * full-line `#`/`;` comments, and nested settings (a key with no value
 * followed by indented `sub = value` lines, stored as "key.sub"). GKeyFile
 * rejects the nested form, hence this small parser.
 *
 * Returns a table of section name -> (table of key -> value). */
GHashTable *sb_aws_ini_parse (const char  *text);
/* Like sb_aws_ini_parse() on a file; a missing file is an empty table. */
GHashTable *sb_aws_ini_load  (const char  *path,
                              GError     **error);

G_END_DECLS
