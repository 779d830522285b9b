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

SbAwsXmlNode *sb_aws_xml_parse         (const char    *data,
                                        gsize          length,
                                        GError       **error);
void          sb_aws_xml_free          (SbAwsXmlNode  *node);
SbAwsXmlNode *sb_aws_xml_child         (SbAwsXmlNode  *node,
                                        const char    *name);
/* The first child named @name at or after *@index, which then points past
 * it; %NULL when there is none left. Start *@index at 0 to walk them all. */
SbAwsXmlNode *sb_aws_xml_next_child    (SbAwsXmlNode  *node,
                                        const char    *name,
                                        guint         *index);
const char   *sb_aws_xml_child_text    (SbAwsXmlNode  *node,
                                        const char    *name);
/* Whether the child @name exists and its text is @text. */
gboolean      sb_aws_xml_child_text_is (SbAwsXmlNode  *node,
                                        const char    *name,
                                        const char    *text);
/* The child @name's ISO 8601 time as Unix seconds; 0 if it is missing or
 * unreadable. */
gint64        sb_aws_xml_child_time    (SbAwsXmlNode  *node,
                                        const char    *name);
/* Appends <name>escaped text</name>. */
void          sb_aws_xml_append        (GString       *out,
                                        const char    *name,
                                        const char    *text);
/* Appends <name>value in decimal</name>. */
void          sb_aws_xml_append_uint   (GString       *out,
                                        const char    *name,
                                        guint          value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbAwsXmlNode, sb_aws_xml_free)

G_END_DECLS
