/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "sb-http-intake.h"

G_BEGIN_DECLS

#define SB_HTTP_LISTEN_BACKLOG 1024

#define SB_TYPE_HTTP_LISTENER (sb_http_listener_get_type ())
G_DECLARE_FINAL_TYPE (SbHttpListener, sb_http_listener, SB, HTTP_LISTENER, GObject)

/* Renders the complete HTTP response (status line, headers, body) for a
 * request refused before the server saw it; @head_only: no body. */
typedef GBytes *(*SbHttpAnswerFunc) (guint        status,
                                     const char  *message,
                                     gboolean     head_only,
                                     gpointer     user_data);

/* Where connections come in, for a SoupServer: a listening socket with a
 * backlog of SB_HTTP_LISTEN_BACKLOG (libsoup's own is 10, so a burst of
 * clients got resets), an accept loop that drains the queue, at most so
 * many connections per client address (a /64 for IPv6), and for every
 * connection an SbHttpIntake with @policy in front of libsoup. Requests the
 * intake refuses are reported with the "refused" signal:
 *   void refused (SbHttpListener *listener, const char *method,
 *                 const char *path, guint status, const char *client,
 *                 const char *message)
 * where method and path may be NULL (the head could not be read). */
SbHttpListener *sb_http_listener_new                         (SoupServer         *soup,
                                                              SbHttpIntakePolicy  policy,
                                                              gpointer            policy_data,
                                                              GError            **error);
void            sb_http_listener_set_answer_func             (SbHttpListener     *self,
                                                              SbHttpAnswerFunc    func,
                                                              gpointer            user_data);
/* Seconds; 0 keeps the default (10 and 75). */
void            sb_http_listener_set_timeouts                (SbHttpListener     *self,
                                                              guint               header_timeout,
                                                              guint               idle_timeout);
/* 0: no limit. */
void            sb_http_listener_set_max_connections_per_address (SbHttpListener *self,
                                                                  guint           max);
gboolean        sb_http_listener_listen                      (SbHttpListener     *self,
                                                              GSocketAddress     *address,
                                                              GError            **error);
guint16         sb_http_listener_get_port                    (SbHttpListener     *self);
/* Stops accepting; the connections there are go on. */
void            sb_http_listener_stop                        (SbHttpListener     *self);
guint           sb_http_listener_get_n_connections           (SbHttpListener     *self);

G_END_DECLS
