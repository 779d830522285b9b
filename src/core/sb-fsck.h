/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-store.h"

G_BEGIN_DECLS

#define SB_FSCK_DEFAULT_GRACE (G_GINT64_CONSTANT (24) * 60 * 60 * G_USEC_PER_SEC)

typedef enum {
  SB_FSCK_NONE    = 0,
  SB_FSCK_REPAIR  = 1 << 0,  /* remove old orphans and stale uploads, finish half-done renames */
  SB_FSCK_VERIFY  = 1 << 1,  /* read every file and check its SHA-256 */
  SB_FSCK_RECOVER = 1 << 2,  /* make records for old orphans from what their bytes say */
} SbFsckFlags;

typedef enum {
  SB_FSCK_ORPHAN,        /* stored bytes that no record refers to */
  SB_FSCK_STALE_UPLOAD,  /* an upload that was started and abandoned */
  SB_FSCK_MISSING,       /* a record whose bytes are gone */
  SB_FSCK_WRONG_SIZE,    /* a record whose bytes have another size */
  SB_FSCK_CHECKSUM,      /* a record whose bytes fail its SHA-256 (with --verify) */
  SB_FSCK_SHARED,        /* two records on the same bytes: a rename left half done */
} SbFsckKind;

typedef enum {
  SB_FSCK_REPORTED,      /* found, nothing done */
  SB_FSCK_REMOVED,       /* the orphan or upload was removed */
  SB_FSCK_RECOVERED,     /* a record now refers to the bytes (@detail: its name) */
  SB_FSCK_FINISHED,      /* the half-done rename was completed (@detail: the name kept) */
  SB_FSCK_FAILED,        /* the repair was tried and failed (@detail: why) */
} SbFsckAction;

typedef struct
{
  SbFsckKind    kind;
  SbFsckAction  action;
  char         *owner;      /* nullable */
  char         *name;       /* the record's name, or the name kept with the bytes */
  char         *key;        /* the blob, nullable for a local temporary file */
  char         *upload_id;  /* stale uploads */
  guint64       size;
  gint64        modified_at;
  char         *detail;     /* nullable */
} SbFsckProblem;

typedef struct
{
  guint      records;
  guint      blobs;
  guint64    bytes;
  guint      uploads;
  guint      in_flight;  /* young orphans and live uploads: left alone */
  guint      verified;   /* files whose SHA-256 was checked */
  GPtrArray *problems;   /* SbFsckProblem */
} SbFsckReport;

void          sb_fsck_report_free      (SbFsckReport *report);
guint         sb_fsck_report_remaining (SbFsckReport *report);
const char   *sb_fsck_kind_to_string   (SbFsckKind    kind);
const char   *sb_fsck_action_to_string (SbFsckAction  action);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbFsckReport, sb_fsck_report_free)

/* Checks that every record's bytes are there (and, with %SB_FSCK_VERIFY,
 * intact) and that every stored byte belongs to a record. Safe while
 * servers are serving: bytes younger than @grace_usec may be an upload in
 * flight and are never touched, every finding is read again right before
 * acting on it, and nothing a record refers to is ever deleted. */
void          sb_fsck_run_async        (SbStore              *store,
                                        SbFsckFlags           flags,
                                        gint64                grace_usec,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
SbFsckReport *sb_fsck_run_finish       (GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
