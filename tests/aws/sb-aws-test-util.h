/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The general helpers (awaiting results, temporary directories) are in
 * tests/common; these are the AWS tests' own. */
#include "sb-test-util.h"

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
/* FALSE with G_IO_ERROR_NOT_FOUND naming what is missing (node, the
 * modules): for a test to skip, by name, rather than fail to start one. */
gboolean          sb_test_node_server_check_installed (const char  *kind,
                                                       GError     **error);
const char       *sb_test_node_server_get_url (SbTestNodeServer  *server);
void              sb_test_node_server_stop    (SbTestNodeServer  *server);

/* As sb-aws-client.h declares it: tests outside the aws and store layers
 * include this header too, and must not see the aws layer's headers. */
typedef struct _SbAwsClient SbAwsClient;

/* A client of DynamoDB at @dynamodb_url and S3 at @s3_url with a static key
 * pair, in us-east-1, retrying as in production but without the waits. */
SbAwsClient      *sb_test_aws_client_new      (const char        *dynamodb_url,
                                               const char        *s3_url,
                                               const char        *key_id,
                                               const char        *secret);

G_END_DECLS
