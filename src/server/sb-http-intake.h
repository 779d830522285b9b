/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The largest request head (request line and header fields) accepted; below
 * libsoup 3.2's own limit of 64 KiB, so libsoup never sees one it refuses. */
#define SB_HTTP_MAX_HEAD_SIZE    (32 * 1024)
#define SB_HTTP_MAX_HEADER_LINES 100

typedef enum {
  SB_HTTP_BODY_NONE,
  SB_HTTP_BODY_LENGTH,     /* Content-Length */
  SB_HTTP_BODY_CHUNKED,    /* Transfer-Encoding: chunked */
} SbHttpBodyKind;

/* A request head that passed every syntax and framing rule, as the policy
 * sees it. The strings live until the policy returns. */
typedef struct
{
  const char     *method;
  const char     *path;          /* percent-decoded, without the query */
  const char     *content_type;  /* the header's value, or NULL */
  SbHttpBodyKind  body;
  guint64         length;        /* SB_HTTP_BODY_LENGTH: the declared length */
  gboolean        http_1_0;
} SbHttpHead;

/* What the policy decides about one request's body. */
typedef struct
{
  guint    status;             /* 0 lets the request in; else the status to refuse it with */
  char    *message;            /* (nullable) what a refusal says, for people */
  guint64  max_body;           /* how many body bytes it may bring */
  char    *too_large_message;  /* (nullable) what a chunked body past max_body is told */
} SbHttpVerdict;

typedef void (*SbHttpIntakePolicy) (const SbHttpHead *head,
                                    SbHttpVerdict    *verdict,
                                    gpointer          user_data);

typedef enum {
  SB_HTTP_INTAKE_MORE,     /* nothing may pass yet: offer the same bytes again, and more */
  SB_HTTP_INTAKE_PASS,     /* skip, then pass, bytes from the front */
  SB_HTTP_INTAKE_REFUSE,   /* answer with the refusal and close the connection */
} SbHttpIntakeResult;

#define SB_TYPE_HTTP_INTAKE (sb_http_intake_get_type ())
G_DECLARE_FINAL_TYPE (SbHttpIntake, sb_http_intake, SB, HTTP_INTAKE, GObject)

/* The one place where a request enters the server. It reads the bytes of
 * one connection before libsoup does, and lets through only requests whose
 * framing can be read one way (RFC 9112): a strictly formed head with one
 * Host, at most one Content-Length or exactly "Transfer-Encoding: chunked"
 * (never both), and a body no longer than the policy allows. Everything
 * else is refused with its status before a byte of its body is read, and
 * the connection is closed after the answer: after a framing error nobody
 * can tell where the next request would begin.
 *
 * Feed it with sb_http_intake_scan(): @data is every byte that follows what
 * has passed so far. A head passes whole once it is complete and judged; a
 * body passes as it arrives, up to its end, so a pipelined request is
 * judged only when the server asks for it. Chunked framing is followed
 * chunk by chunk (trailer fields are refused: libsoup 3.2 would end the
 * body at the first of them). */
SbHttpIntake       *sb_http_intake_new              (SbHttpIntakePolicy  policy,
                                                     gpointer            user_data);
SbHttpIntakeResult  sb_http_intake_scan             (SbHttpIntake       *self,
                                                     const guint8       *data,
                                                     gsize               len,
                                                     gsize              *skip,
                                                     gsize              *pass);
/* Between requests, or inside a head not yet complete. */
gboolean            sb_http_intake_in_head          (SbHttpIntake       *self);
/* Body bytes that may pass without being looked at: the rest of a
 * Content-Length body (0 otherwise). */
guint64             sb_http_intake_get_body_left    (SbHttpIntake       *self);
/* The refusal, once sb_http_intake_scan() returned SB_HTTP_INTAKE_REFUSE. */
guint               sb_http_intake_get_refusal      (SbHttpIntake       *self,
                                                     const char        **message);
/* The request being read or last read (NULL before the first head). */
const char         *sb_http_intake_get_method       (SbHttpIntake       *self);
const char         *sb_http_intake_get_path         (SbHttpIntake       *self);
guint64             sb_http_intake_get_n_requests   (SbHttpIntake       *self);

G_END_DECLS
