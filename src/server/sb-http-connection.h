/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "sb-http-intake.h"

G_BEGIN_DECLS

#define SB_TYPE_HTTP_CONNECTION (sb_http_connection_get_type ())
G_DECLARE_FINAL_TYPE (SbHttpConnection, sb_http_connection, SB, HTTP_CONNECTION, GIOStream)

/* One accepted TCP connection, as libsoup sees it: a GIOStream whose input
 * is what the SbHttpIntake lets through. Whatever the intake refuses is
 * answered here, on the socket, before libsoup reads a byte of it; so are
 * the timeouts: a request head that takes longer than the header timeout
 * gets a 408, a client silent for longer than the idle timeout (between
 * requests, or in the middle of a body) is disconnected.
 *
 * Closing never cuts the socket at once: the connection stops writing,
 * then reads and throws away what the client still sends for a moment
 * (a "lingering close"), so an early answer is not lost to a reset. */
typedef struct _SbHttpListener SbHttpListener;

SbHttpConnection *sb_http_connection_new              (SbHttpListener    *listener,
                                                       GSocket           *socket,
                                                       SbHttpIntake      *intake,
                                                       const char        *peer);
/* The connection @msg arrived on, or NULL if it is gone. */
SbHttpConnection *sb_http_connection_for_message      (SoupServerMessage *msg);
const char       *sb_http_connection_get_peer         (SbHttpConnection  *self);
GSocketAddress   *sb_http_connection_get_local_address  (SbHttpConnection *self);
GSocketAddress   *sb_http_connection_get_remote_address (SbHttpConnection *self);
void              sb_http_connection_set_timeouts     (SbHttpConnection  *self,
                                                       gint64             header_timeout,
                                                       gint64             idle_timeout);
/* Sends @response (a complete HTTP response, or NULL for none), then
 * closes. Nothing more is read for libsoup; a message it has in hand must
 * have been stolen (soup_server_message_steal_connection()) or be about
 * to fail. */
void              sb_http_connection_answer_and_close (SbHttpConnection  *self,
                                                       GBytes            *response);
void              sb_http_connection_check_timeouts   (SbHttpConnection  *self,
                                                       gint64             now);
/* Closes the socket now, for a server going away. */
void              sb_http_connection_force_close      (SbHttpConnection  *self);
gboolean          sb_http_connection_is_closed        (SbHttpConnection  *self);

G_END_DECLS
