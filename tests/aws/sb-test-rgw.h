/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A real S3 for the tests: a one-node Ceph cluster (one monitor, one OSD on
 * memstore) and the RADOS Gateway, all under a temporary directory, on free
 * loopback ports, with a user whose keys the tests sign with. Debian 12's
 * Ceph 16.2 ("apt-get install ceph-mon ceph-osd radosgw ceph-common"; the
 * test packages of ./dev.sh). Start it from the main thread: its daemons
 * die with that thread (PR_SET_PDEATHSIG), and a watchdog removes the
 * directory if the test process dies without sb_test_rgw_stop(). */
typedef struct _SbTestRgw SbTestRgw;

typedef struct
{
  /* Seconds per lifecycle "day" (rgw_lc_debug_interval); 0: real days. */
  guint       lc_debug_interval;
  /* The zonegroup's API name, the only LocationConstraint CreateBucket
   * accepts; NULL: "us-east-1", whose buckets are made without one. */
  const char *region;
  /* Smallest part but the last that CompleteMultipartUpload accepts; 0:
   * 5 MiB, as S3. Lower for tests that upload in small parts. */
  gsize       min_part_size;
} SbTestRgwOptions;

/* The skip reason when the Ceph programs are missing. */
#define SB_TEST_RGW_MISSING "radosgw not installed"

/* FALSE with G_IO_ERROR_NOT_FOUND and SB_TEST_RGW_MISSING if a Ceph program
 * is not in PATH. */
gboolean    sb_test_rgw_check_installed (GError               **error);
/* NULL with @error if it did not answer within 60 s (the message ends with
 * the tail of the log that says why), or with G_IO_ERROR_NOT_FOUND and
 * SB_TEST_RGW_MISSING if Ceph is not installed. @options may be NULL. */
SbTestRgw  *sb_test_rgw_start          (const SbTestRgwOptions *options,
                                        GError                **error);
/* "http://127.0.0.1:PORT", path-style. */
const char *sb_test_rgw_get_url        (SbTestRgw              *rgw);
const char *sb_test_rgw_get_access_key (SbTestRgw              *rgw);
const char *sb_test_rgw_get_secret_key (SbTestRgw              *rgw);
const char *sb_test_rgw_get_region     (SbTestRgw              *rgw);
/* The cluster's directory: ceph.conf, keyring, log/ (one file a daemon). */
const char *sb_test_rgw_get_dir        (SbTestRgw              *rgw);
/* Kill radosgw alone, the cluster (and every object) staying; start it
 * again on the same port. */
void        sb_test_rgw_kill_gateway    (SbTestRgw              *rgw);
gboolean    sb_test_rgw_restart_gateway (SbTestRgw              *rgw,
                                         GError                **error);
/* Kills every daemon and removes the directory (kept, and named on
 * standard error, when SB_TEST_RGW_KEEP is set). NULL is ignored. */
void        sb_test_rgw_stop           (SbTestRgw              *rgw);

G_END_DECLS
