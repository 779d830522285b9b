/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define SB_MULTIPART_ERROR (sb_multipart_error_quark ())

typedef enum {
  SB_MULTIPART_ERROR_FAILED,            /* a callback returned FALSE without saying why */
  SB_MULTIPART_ERROR_BAD_CONTENT_TYPE,  /* not multipart/form-data, or no usable boundary */
  SB_MULTIPART_ERROR_MALFORMED,         /* the body breaks RFC 7578 / RFC 2046 */
  SB_MULTIPART_ERROR_TRUNCATED,         /* the body ended before the closing boundary */
  SB_MULTIPART_ERROR_TOO_LARGE,         /* over SB_MULTIPART_MAX_PARTS or _MAX_HEADER_SIZE */
} SbMultipartError;

GQuark sb_multipart_error_quark (void);

/* Limits that keep a hostile body from making the parser hold memory or call
 * back without end; part data itself is never held, so it has no limit here. */
#define SB_MULTIPART_MAX_PARTS        1000
#define SB_MULTIPART_MAX_HEADER_SIZE  (16 * 1024)

#define SB_TYPE_MULTIPART_PARSER (sb_multipart_parser_get_type ())
G_DECLARE_FINAL_TYPE (SbMultipartParser, sb_multipart_parser, SB, MULTIPART_PARSER, GObject)

/* Called in order for each part: part_begin, part_data zero or more times
 * (never with len 0), part_end. A callback returns FALSE, setting @error, to
 * stop parsing; that error is what feed() or finish() then returns. After any
 * error no further callback is made, so a part begun but not ended must be
 * thrown away by the caller.
 *
 * @name is the Content-Disposition "name" and @filename its "filename" (NULL
 * when the parameter is absent, "" when a browser sends a file input with no
 * file chosen), both valid UTF-8. @content_type is the part's media type
 * without parameters, or NULL. The strings and @headers live until the
 * callback returns. */
typedef struct {
  gboolean (*part_begin) (SbMultipartParser   *parser,
                          SoupMessageHeaders  *headers,
                          const char          *name,
                          const char          *filename,
                          const char          *content_type,
                          gpointer             user_data,
                          GError             **error);
  gboolean (*part_data)  (SbMultipartParser   *parser,
                          const guint8        *data,
                          gsize                len,
                          gpointer             user_data,
                          GError             **error);
  gboolean (*part_end)   (SbMultipartParser   *parser,
                          gpointer             user_data,
                          GError             **error);
} SbMultipartCallbacks;

/* A push parser for multipart/form-data request bodies (RFC 7578). Feed it
 * the body in chunks of any size as they arrive; it calls back with each
 * part's headers and then its data, holding back at most the length of the
 * boundary between calls, so a part of any size streams through. Any
 * chunking of the same body gives the same parts and the same bytes.
 *
 * File names are decoded the way the HTML standard (and curl since 7.81)
 * encodes them: the quoted string ends at the next '"', a backslash is an
 * ordinary character, and %22, %0D and %0A (any case) become '"', CR and LF;
 * no other percent sequence is touched. An RFC 5987 "filename*" in UTF-8 or
 * ISO-8859-1, which RFC 7578 forbids but a few clients still send, wins over
 * "filename". Names are not otherwise cleaned: the caller validates them. */
char              *sb_multipart_boundary_from_content_type (const char  *content_type_header,
                                                            GError     **error);

SbMultipartParser *sb_multipart_parser_new         (const char                 *boundary,
                                                    const SbMultipartCallbacks *callbacks,
                                                    gpointer                    user_data);
gboolean           sb_multipart_parser_feed        (SbMultipartParser          *self,
                                                    const guint8               *data,
                                                    gsize                       len,
                                                    GError                    **error);
gboolean           sb_multipart_parser_finish      (SbMultipartParser          *self,
                                                    GError                    **error);
guint              sb_multipart_parser_get_n_parts (SbMultipartParser          *self);

G_END_DECLS
