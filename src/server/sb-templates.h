/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SB_TEMPLATES_ERROR (sb_templates_error_quark ())

typedef enum {
  /* the messages of the first two name the template and the line */
  SB_TEMPLATES_ERROR_COMPILE,    /* a template's source is not valid */
  SB_TEMPLATES_ERROR_RENDER,     /* the context does not fit the template */
  SB_TEMPLATES_ERROR_NOT_FOUND,  /* no template (or resource directory) of that name */
} SbTemplatesError;

GQuark sb_templates_error_quark (void);

#define SB_TYPE_TEMPLATES (sb_templates_get_type ())
G_DECLARE_FINAL_TYPE (SbTemplates, sb_templates, SB, TEMPLATES, GObject)

/* A set of HTML templates in a small Mustache dialect, compiled once and
 * rendered many times against a JSON context.
 *
 * Every value printed is HTML-escaped; there is no syntax to print raw
 * markup, so a template cannot forget to escape. The tags:
 *
 *   {{key}} {{a.b.c}} {{.}}   print a string, number or null (as nothing),
 *                            escaped so it is safe in text and in quoted
 *                            attribute values; a missing key, a boolean, an
 *                            object or an array is a render error
 *   {{key|url}}              percent-encode as one URL path segment or query
 *                            value (all but A-Z a-z 0-9 - . _ ~), then escape
 *   {{#key}}…{{/key}}        each element of an array, an object or a
 *                            non-empty string or any number (pushed on the
 *                            context stack), or once for true; nothing for
 *                            false, null, [], "" or a missing key
 *   {{^key}}…{{/key}}        once exactly when {{#key}} would render nothing
 *   {{> name}}               another template of this set
 *   {{! comment }}           nothing
 *
 * A key is looked up in the context stack innermost first; the later parts
 * of a dotted key must then exist inside the first. Numbers are always true
 * in sections (0 included): use a boolean for a condition. Whitespace is
 * copied verbatim, and there is no way to write a literal "{{" (give it as
 * a value). Templates are immutable once added and a partial must
 * already be in the set (or come in the same resource directory), so
 * inclusion can never recurse. */
SbTemplates *sb_templates_new                 (void);
gboolean     sb_templates_add                 (SbTemplates  *self,
                                               const char   *name,
                                               const char   *source,
                                               GError      **error);
gboolean     sb_templates_add_from_resource   (SbTemplates  *self,
                                               const char   *resource_dir,
                                               GError      **error);
gboolean     sb_templates_has                 (SbTemplates  *self,
                                               const char   *name);
GBytes      *sb_templates_render              (SbTemplates  *self,
                                               const char   *name,
                                               JsonNode     *context,
                                               GError      **error);

G_END_DECLS
