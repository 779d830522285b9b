/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined (SB_AWS_COMPILATION)
#error "Only src/aws and its tests can include the aws layer's private headers."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

/* Reads through to a base stream but never closes it. libsoup closes a
 * request body stream once sent; a retry needs the base stream still open
 * to rewind and send it again. */
#define SB_TYPE_AWS_BODY_STREAM (sb_aws_body_stream_get_type ())
G_DECLARE_FINAL_TYPE (SbAwsBodyStream, sb_aws_body_stream, SB, AWS_BODY_STREAM,
                      GFilterInputStream)

GInputStream *sb_aws_body_stream_new (GInputStream *base);

G_END_DECLS
