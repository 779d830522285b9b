/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-aws-body-stream-private.h"

struct _SbAwsBodyStream
{
  GFilterInputStream parent_instance;
};

/* GFilterInputStream already forwards reads and skips and honours
 * close-base-stream; this type only exists because it is abstract. */
G_DEFINE_FINAL_TYPE (SbAwsBodyStream, sb_aws_body_stream, G_TYPE_FILTER_INPUT_STREAM)

static void
sb_aws_body_stream_class_init (SbAwsBodyStreamClass *klass)
{
}

static void
sb_aws_body_stream_init (SbAwsBodyStream *self)
{
}

GInputStream *
sb_aws_body_stream_new (GInputStream *base)
{
  return g_object_new (SB_TYPE_AWS_BODY_STREAM,
                       "base-stream", base,
                       "close-base-stream", FALSE,
                       NULL);
}
