/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-http-connection.h"
#include "sb-http-listener.h"

G_BEGIN_DECLS

/* sb-http-connection.c, for its input stream */
gssize        sb_http_connection_read                (SbHttpConnection *self,
                                                      void             *buffer,
                                                      gsize             count,
                                                      GError          **error);
gboolean      sb_http_connection_is_readable         (SbHttpConnection *self);
GSource      *sb_http_connection_create_child_source (SbHttpConnection *self);

/* sb-http-listener.c, for its connections */
void          sb_http_clear_source                   (GSource         **source);
GBytes       *sb_http_listener_render_answer         (SbHttpListener   *self,
                                                      guint             status,
                                                      const char       *message,
                                                      gboolean          head_only);
void          sb_http_listener_connection_refused    (SbHttpListener   *self,
                                                      SbHttpConnection *connection,
                                                      const char       *method,
                                                      const char       *path,
                                                      guint             status,
                                                      const char       *message);
void          sb_http_listener_connection_closed     (SbHttpListener   *self,
                                                      SbHttpConnection *connection);

G_END_DECLS
