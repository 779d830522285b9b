/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A loopback HTTP/1.1 proxy between a client and one upstream server (a
 * DynamoDB endpoint, say) that can lose answers the way networks do. It
 * serves in threads of its own, so a test may drive it while its main
 * loop, or another process, uses the proxy. Requests must carry a
 * Content-Length (or no body); answers too, which DynamoDB's always do. */
typedef struct _SbTestProxy SbTestProxy;

typedef enum {
  SB_TEST_PROXY_FORWARD,      /* pass the request and the answer */
  SB_TEST_PROXY_DROP_ANSWER,  /* pass the request, wait for the answer, then close the
                               * client's connection instead of answering: the upstream
                               * acted, the client cannot know */
  SB_TEST_PROXY_RESET,        /* close the client's connection once the request is read,
                               * without passing it on */
  SB_TEST_PROXY_DROP_AND_FAIL,/* like DROP_ANSWER, and from then on RESET every request
                               * until sb_test_proxy_clear(): the network went away right
                               * after the write arrived */
} SbTestProxyAction;

SbTestProxy *sb_test_proxy_new        (const char        *upstream_url);
/* "http://127.0.0.1:PORT" */
const char  *sb_test_proxy_get_url    (SbTestProxy       *self);
/* The next @count requests (0: every one until cleared) whose X-Amz-Target
 * ends with @operation (NULL: any) and whose body contains @fragment
 * (NULL: any) get @action. Rules are tried in the order added. */
void         sb_test_proxy_add_rule   (SbTestProxy       *self,
                                       const char        *operation,
                                       const char        *fragment,
                                       SbTestProxyAction  action,
                                       guint              count);
void         sb_test_proxy_clear      (SbTestProxy       *self);
/* How many requests got @action so far. */
guint        sb_test_proxy_count      (SbTestProxy       *self,
                                       SbTestProxyAction  action);
void         sb_test_proxy_free       (SbTestProxy       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbTestProxy, sb_test_proxy_free)

G_END_DECLS
