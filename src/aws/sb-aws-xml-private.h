/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION)
#error "Only src/aws and its tests can include the aws layer's private headers."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* A tiny read-only tree over GMarkup for S3's small XML documents:
 * elements with their text and children, namespaces ignored. */
typedef struct _SbAwsXmlNode SbAwsXmlNode;

struct _SbAwsXmlNode
{
  char         *name;     /* local name, prefix stripped */
  GString      *text;
  GPtrArray    *children; /* SbAwsXmlNode */
};

SbAwsXmlNode *sb_aws_xml_parse      (const char    *data,
                                     gsize          length,
                                     GError       **error);
void          sb_aws_xml_free       (SbAwsXmlNode  *node);
SbAwsXmlNode *sb_aws_xml_child      (SbAwsXmlNode  *node,
                                     const char    *name);
const char   *sb_aws_xml_child_text (SbAwsXmlNode  *node,
                                     const char    *name);
/* Appends <name>escaped text</name>. */
void          sb_aws_xml_append     (GString       *out,
                                     const char    *name,
                                     const char    *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbAwsXmlNode, sb_aws_xml_free)

G_END_DECLS
