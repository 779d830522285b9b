/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Runs the default main context until *@slot holds a result. */
GAsyncResult *sb_test_wait               (GAsyncResult **slot);
/* A GAsyncReadyCallback storing a reference to the result in @user_data,
 * a GAsyncResult ** slot. */
void          sb_test_store_result_cb    (GObject       *object,
                                          GAsyncResult  *result,
                                          gpointer       user_data);

char         *sb_test_make_temp_dir      (void);
void          sb_test_remove_tree        (const char    *path);
void          sb_test_write_file         (const char    *path,
                                          const char    *contents);

/* A SoupServer on an ephemeral loopback port, serving in this thread's main
 * context; *@base_url gets "http://127.0.0.1:PORT". */
SoupServer   *sb_test_server_new         (char         **base_url);

/* dynalite or s3rver from $SB_NODE_MODULES, on an ephemeral loopback port
 * (the port is read back from the server's own "listening" line, so there
 * is no race and no waiting). NULL with @error if node or the modules are
 * missing. */
typedef struct _SbTestNodeServer SbTestNodeServer;

SbTestNodeServer *sb_test_node_server_start   (const char        *kind,
                                               GError           **error);
const char       *sb_test_node_server_get_url (SbTestNodeServer  *server);
void              sb_test_node_server_stop    (SbTestNodeServer  *server);

G_END_DECLS
