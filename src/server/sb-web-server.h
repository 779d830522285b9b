/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sb-accounts.h"
#include "sb-library.h"
#include "sb-prices.h"

G_BEGIN_DECLS

#define SB_TYPE_WEB_SERVER (sb_web_server_get_type ())
G_DECLARE_FINAL_TYPE (SbWebServer, sb_web_server, SB, WEB_SERVER, GObject)

/* The headless web front end: every StorageBox page as server-rendered HTML
 * over libsoup, for browsers, with no JavaScript needed. Request bodies and
 * downloads are streamed; the largest upload is the library's maximum file
 * size. Connections come in through an SbHttpListener, whose intake
 * refuses malformed or oversized requests before libsoup reads them. */
SbWebServer *sb_web_server_new                 (SbAccounts   *accounts,
                                                SbLibrary    *library,
                                                GError      **error);
/* What the Profile page's cost estimate uses; list prices if unset. */
void         sb_web_server_set_prices          (SbWebServer  *self,
                                                SbPrices     *prices);
void         sb_web_server_set_behind_proxy    (SbWebServer  *self,
                                                gboolean      behind_proxy);
void         sb_web_server_set_secure_cookies  (SbWebServer  *self,
                                                gboolean      secure);
void         sb_web_server_set_log_requests    (SbWebServer  *self,
                                                gboolean      log_requests);
void         sb_web_server_set_form_key        (SbWebServer  *self,
                                                GBytes       *key);
void         sb_web_server_set_timeouts        (SbWebServer  *self,
                                                guint         header_timeout,
                                                guint         idle_timeout);
void         sb_web_server_set_max_connections_per_address (SbWebServer *self,
                                                            guint        max);
gboolean     sb_web_server_listen              (SbWebServer  *self,
                                                const char   *address,
                                                guint16       port,
                                                GError      **error);
guint16      sb_web_server_get_port            (SbWebServer  *self);
void         sb_web_server_stop_listening      (SbWebServer  *self);
guint        sb_web_server_get_active_requests (SbWebServer  *self);

G_END_DECLS
