/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SB_TYPE_FILE (sb_file_get_type ())
G_DECLARE_FINAL_TYPE (SbFile, sb_file, SB, FILE, GObject)

/* A file record: the metadata of one stored file. Every field is a GObject
 * property so list views can sort and bind on them. Times are Unix
 * microseconds (UTC); @version grows by one on every change and guards
 * conditional writes. */
SbFile      *sb_file_new                (const char *owner,
                                         const char *name);
SbFile      *sb_file_copy               (SbFile     *self);
const char  *sb_file_get_owner          (SbFile     *self);
const char  *sb_file_get_name           (SbFile     *self);
void         sb_file_set_name           (SbFile     *self,
                                         const char *name);
const char  *sb_file_get_object_key     (SbFile     *self);
void         sb_file_set_object_key     (SbFile     *self,
                                         const char *object_key);
guint64      sb_file_get_size           (SbFile     *self);
void         sb_file_set_size           (SbFile     *self,
                                         guint64     size);
const char  *sb_file_get_content_type   (SbFile     *self);
void         sb_file_set_content_type   (SbFile     *self,
                                         const char *content_type);
const char  *sb_file_get_checksum       (SbFile     *self);
void         sb_file_set_checksum       (SbFile     *self,
                                         const char *checksum);
const char  *sb_file_get_description    (SbFile     *self);
void         sb_file_set_description    (SbFile     *self,
                                         const char *description);
gint64       sb_file_get_created_at     (SbFile     *self);
void         sb_file_set_created_at     (SbFile     *self,
                                         gint64      created_at);
gint64       sb_file_get_modified_at    (SbFile     *self);
void         sb_file_set_modified_at    (SbFile     *self,
                                         gint64      modified_at);
gint64       sb_file_get_version        (SbFile     *self);
void         sb_file_set_version        (SbFile     *self,
                                         gint64      version);
/* Set by a store whose rename is two writes: the other name that may share
 * this record's content (a rename half done, or once half done); "" if
 * none. Whoever deletes content checks that record first. */
const char  *sb_file_get_partner        (SbFile     *self);
void         sb_file_set_partner        (SbFile     *self,
                                         const char *partner);
/* The S3 storage class of the content, as S3 spells it ("STANDARD",
 * "STANDARD_IA", "GLACIER", …); never NULL. A store with one class, or one
 * that could not tell, says SB_FILE_STORAGE_CLASS_DEFAULT. Setting NULL or
 * "" sets the default. */
#define SB_FILE_STORAGE_CLASS_DEFAULT "STANDARD"
const char  *sb_file_get_storage_class  (SbFile     *self);
void         sb_file_set_storage_class  (SbFile     *self,
                                         const char *storage_class);
/* Archived content (GLACIER, DEEP_ARCHIVE) is read only through a
 * temporary restored copy. When a restore was last asked for (kept in the
 * record: S3 does not say; 0 if never), and what S3 says now: a restore
 * is running, or the copy can be read until @restored_until (0: no copy).
 * The last two are not stored; file_list and file_get fill them in. */
gint64       sb_file_get_restore_requested_at (SbFile *self);
void         sb_file_set_restore_requested_at (SbFile *self,
                                               gint64  requested_at);
gboolean     sb_file_get_restore_in_progress  (SbFile *self);
void         sb_file_set_restore_in_progress  (SbFile *self,
                                               gboolean in_progress);
gint64       sb_file_get_restored_until       (SbFile *self);
void         sb_file_set_restored_until       (SbFile *self,
                                               gint64  restored_until);

G_END_DECLS
