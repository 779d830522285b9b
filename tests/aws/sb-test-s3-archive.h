/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A loopback S3 of one bucket whose objects can be archived, answering
 * HeadObject, GetObject, RestoreObject and ListObjectsV2 as AWS documents
 * them (no local S3 implements restore: RGW answers 501). Unsigned
 * requests are accepted; only the answers are under test. */
typedef struct _SbTestS3Archive SbTestS3Archive;

typedef enum {
  SB_TEST_S3_STANDARD,   /* readable; a restore is InvalidObjectState */
  SB_TEST_S3_ARCHIVED,   /* GLACIER, no copy: GET is InvalidObjectState */
  SB_TEST_S3_RESTORING,  /* GLACIER, restore running */
  SB_TEST_S3_RESTORED,   /* GLACIER, copy readable until SB_TEST_S3_EXPIRY */
} SbTestS3State;

/* "Fri, 21 Dec 2012 00:00:00 GMT", the AWS documentation's example. */
#define SB_TEST_S3_EXPIRY G_GINT64_CONSTANT (1356048000)

SbTestS3Archive *sb_test_s3_archive_start     (const char      *bucket);
const char      *sb_test_s3_archive_get_url   (SbTestS3Archive *archive);
/* Adds @key (or changes its state); its content is @key itself. */
void             sb_test_s3_archive_put       (SbTestS3Archive *archive,
                                               const char      *key,
                                               SbTestS3State    state);
SbTestS3State    sb_test_s3_archive_get_state (SbTestS3Archive *archive,
                                               const char      *key);
/* The last RestoreObject body received, or NULL. */
const char      *sb_test_s3_archive_get_restore_body (SbTestS3Archive *archive);
/* The x-amz-optional-object-attributes header of the last listing. */
const char      *sb_test_s3_archive_get_list_attributes (SbTestS3Archive *archive);
void             sb_test_s3_archive_stop      (SbTestS3Archive *archive);

G_END_DECLS
