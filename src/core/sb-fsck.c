/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sb-checked-input-stream.h"
#include "sb-core-private.h"
#include "sb-error.h"
#include "sb-fsck.h"
#include "sb-library.h"
#include "sb-sha256.h"
#include "sb-validate.h"

/* How fsck works: one snapshot of records, blobs and unfinished uploads,
 * compared in memory (a few hundred bytes per file); then every finding is
 * looked at again, one at a time, right before it is reported or acted on,
 * because servers may be writing all along. */

#define READ_BUFFER (1024 * 1024)
/* Names tried for a recovered file before giving up: "a.txt", then
 * "a (recovered).txt", "a (recovered 2).txt", ... */
#define RECOVER_NAMES 20

typedef enum {
  WORK_RECORD,   /* its bytes looked missing or of the wrong size */
  WORK_ORPHAN,   /* bytes no record seemed to refer to */
  WORK_UPLOAD,   /* an old unfinished upload */
  WORK_SHARED,   /* records that seemed to share bytes */
  WORK_VERIFY,   /* a file whose SHA-256 is to be checked */
} WorkKind;

typedef struct
{
  WorkKind    kind;
  SbFile     *file;
  SbBlobInfo *blob;
  GPtrArray  *files;   /* WORK_SHARED: the snapshot's records on one blob */
  GPtrArray  *fresh;   /* ... and those that still are, read afresh */
  guint       index;
} Work;

typedef struct
{
  SbStore      *store;
  SbFsckFlags   flags;
  gint64        grace;
  gint64        now;
  GPtrArray    *records;
  GPtrArray    *blobs;
  GPtrArray    *uploads;
  GHashTable   *owner_keys;   /* owner -> set of keys its records refer to, read afresh */
  GQueue        work;
  Work         *current;
  SbFsckReport *report;
  /* Reading a blob to its end */
  GInputStream *stream;
  SbSha256     *sha256;
  guint8       *buffer;
  void        (*read_done) (GTask        *task,
                            const GError *error);
  /* Recovering an orphan */
  SbBlobInfo   *stat;
  char         *checksum;
  char         *recover_name;
  guint         recover_try;
} Fsck;

static void
work_free (Work *work)
{
  if (work == NULL)
    return;
  g_clear_object (&work->file);
  g_clear_pointer (&work->blob, sb_blob_info_free);
  g_clear_pointer (&work->files, g_ptr_array_unref);
  g_clear_pointer (&work->fresh, g_ptr_array_unref);
  g_free (work);
}

static void
problem_free (SbFsckProblem *problem)
{
  g_free (problem->owner);
  g_free (problem->name);
  g_free (problem->key);
  g_free (problem->upload_id);
  g_free (problem->detail);
  g_free (problem);
}

void
sb_fsck_report_free (SbFsckReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->problems, g_ptr_array_unref);
  g_free (report);
}

/* Problems still there after this run: what the exit status reports. */
guint
sb_fsck_report_remaining (SbFsckReport *report)
{
  guint remaining = 0;

  g_return_val_if_fail (report != NULL, 0);

  for (guint i = 0; i < report->problems->len; i++)
    {
      SbFsckProblem *problem = report->problems->pdata[i];

      if (problem->action == SB_FSCK_REPORTED || problem->action == SB_FSCK_FAILED)
        remaining++;
    }
  return remaining;
}

const char *
sb_fsck_kind_to_string (SbFsckKind kind)
{
  switch (kind)
    {
    case SB_FSCK_ORPHAN: return "orphan";
    case SB_FSCK_STALE_UPLOAD: return "stale-upload";
    case SB_FSCK_MISSING: return "missing";
    case SB_FSCK_WRONG_SIZE: return "wrong-size";
    case SB_FSCK_CHECKSUM: return "checksum-mismatch";
    case SB_FSCK_SHARED: return "shared";
    }
  g_return_val_if_reached ("unknown");
}

const char *
sb_fsck_action_to_string (SbFsckAction action)
{
  switch (action)
    {
    case SB_FSCK_REPORTED: return "reported";
    case SB_FSCK_REMOVED: return "removed";
    case SB_FSCK_RECOVERED: return "recovered";
    case SB_FSCK_FINISHED: return "finished";
    case SB_FSCK_FAILED: return "failed";
    }
  g_return_val_if_reached ("unknown");
}

static void
fsck_free (Fsck *fsck)
{
  g_clear_object (&fsck->store);
  g_clear_pointer (&fsck->records, g_ptr_array_unref);
  g_clear_pointer (&fsck->blobs, g_ptr_array_unref);
  g_clear_pointer (&fsck->uploads, g_ptr_array_unref);
  g_clear_pointer (&fsck->owner_keys, g_hash_table_unref);
  g_queue_clear_full (&fsck->work, (GDestroyNotify) work_free);
  g_clear_pointer (&fsck->current, work_free);
  g_clear_pointer (&fsck->report, sb_fsck_report_free);
  g_clear_object (&fsck->stream);
  g_clear_pointer (&fsck->sha256, sb_sha256_free);
  g_free (fsck->buffer);
  g_clear_pointer (&fsck->stat, sb_blob_info_free);
  g_free (fsck->checksum);
  g_free (fsck->recover_name);
  g_free (fsck);
}

static SbFsckProblem *
add_problem (Fsck         *fsck,
             SbFsckKind    kind,
             SbFile       *file,
             SbBlobInfo   *blob)
{
  SbFsckProblem *problem = g_new0 (SbFsckProblem, 1);

  problem->kind = kind;
  if (file != NULL)
    {
      problem->owner = g_strdup (sb_file_get_owner (file));
      problem->name = g_strdup (sb_file_get_name (file));
      problem->key = g_strdup (sb_file_get_object_key (file));
      problem->size = sb_file_get_size (file);
      problem->modified_at = sb_file_get_modified_at (file);
    }
  if (blob != NULL)
    {
      if (problem->key == NULL)
        problem->key = g_strdup (blob->key);
      if (problem->owner == NULL && blob->key != NULL)
        problem->owner = g_strndup (blob->key, strcspn (blob->key, "/"));
      problem->upload_id = g_strdup (blob->upload_id);
      problem->size = blob->size;
      problem->modified_at = blob->modified_at;
    }
  g_ptr_array_add (fsck->report->problems, problem);
  return problem;
}

static SbFsckProblem *
last_problem (Fsck *fsck)
{
  GPtrArray *problems = fsck->report->problems;

  return problems->pdata[problems->len - 1];
}

static void
set_action (SbFsckProblem *problem,
            SbFsckAction   action,
            const char    *detail)
{
  problem->action = action;
  g_free (problem->detail);
  problem->detail = g_strdup (detail);
}

static void next_work (GTask *task);

/* Records how the repair of the last problem ended, then moves on: a repair
 * that fails is reported with the problem and does not end the run. */
static void
repair_done (GTask        *task,
             SbFsckAction  action,
             const char   *detail,
             const GError *error)
{
  Fsck *fsck = g_task_get_task_data (task);

  if (error == NULL)
    set_action (last_problem (fsck), action, detail);
  else
    set_action (last_problem (fsck), SB_FSCK_FAILED, error->message);
  next_work (task);
}

static gboolean
old_enough (Fsck   *fsck,
            gint64  modified_at)
{
  return fsck->now - modified_at > fsck->grace;
}

/* Errors end the run: a store that cannot answer cannot be checked. */
static void
fail (GTask        *task,
      const GError *error)
{
  g_task_return_error (task, sb_error_from_store (error, NULL, NULL));
  g_object_unref (task);
}

/* Reading a whole blob (verify, recover) */

static void read_more (GTask *task);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  if (n > 0)
    {
      if (fsck->sha256 != NULL)
        sb_sha256_update (fsck->sha256, fsck->buffer, (gsize) n);
      read_more (task);
      return;
    }
  g_clear_object (&fsck->stream);
  fsck->read_done (task, error);
}

static void
read_more (GTask *task)
{
  Fsck *fsck = g_task_get_task_data (task);

  g_input_stream_read_async (fsck->stream, fsck->buffer, READ_BUFFER, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), read_cb, task);
}

static void
read_blob_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = sb_store_blob_read_finish (SB_STORE (object), result, &error);
  SbFile *file = fsck->current->file;

  if (stream == NULL)
    {
      fsck->read_done (task, error);
      return;
    }
  if (fsck->buffer == NULL)
    fsck->buffer = g_malloc (READ_BUFFER);
  /* Verifying goes through the one rule downloads follow. */
  fsck->stream = file != NULL
                   ? sb_checked_input_stream_new (stream, sb_file_get_name (file),
                                                  sb_file_get_size (file),
                                                  sb_file_get_checksum (file))
                   : g_object_ref (stream);
  read_more (task);
}

static void
read_blob (GTask       *task,
           const char  *key,
           void       (*done) (GTask        *task,
                               const GError *error))
{
  Fsck *fsck = g_task_get_task_data (task);

  fsck->read_done = done;
  sb_store_blob_read_async (fsck->store, key, 0, -1, g_task_get_cancellable (task),
                            read_blob_cb, task);
}

/* WORK_RECORD: is the record still the same, and are its bytes really
 * missing or of another size? */

static void
record_stat_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  SbFile *file = fsck->current->file;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbBlobInfo) blob = sb_store_blob_stat_finish (SB_STORE (object), result, &error);

  if (blob == NULL && g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
    add_problem (fsck, SB_FSCK_MISSING, file, NULL);
  else if (blob == NULL)
    {
      fail (task, error);
      return;
    }
  else if (blob->size != sb_file_get_size (file))
    {
      SbFsckProblem *problem = add_problem (fsck, SB_FSCK_WRONG_SIZE, file, NULL);
      problem->detail = g_strdup_printf ("%" G_GUINT64_FORMAT, blob->size);
    }
  next_work (task);
}

static void
record_get_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) current = sb_store_file_get_finish (SB_STORE (object), result, &error);

  if (current == NULL && !g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
    {
      fail (task, error);
      return;
    }
  /* Deleted or given new content since the snapshot: nothing to report. */
  if (current == NULL || g_strcmp0 (sb_file_get_object_key (current),
                                    sb_file_get_object_key (fsck->current->file)) != 0)
    {
      next_work (task);
      return;
    }
  g_set_object (&fsck->current->file, current);
  sb_store_blob_stat_async (fsck->store, sb_file_get_object_key (current),
                            g_task_get_cancellable (task), record_stat_cb, task);
}

static void
check_record (GTask *task)
{
  Fsck *fsck = g_task_get_task_data (task);
  SbFile *file = fsck->current->file;

  sb_store_file_get_async (fsck->store, sb_file_get_owner (file), sb_file_get_name (file),
                           g_task_get_cancellable (task), record_get_cb, task);
}

/* WORK_VERIFY */

static void
verify_recheck_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  SbFile *file = fsck->current->file;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) current = sb_store_file_get_finish (SB_STORE (object), result, &error);

  if (current == NULL && !g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
    {
      fail (task, error);
      return;
    }
  if (current != NULL &&
      g_strcmp0 (sb_file_get_object_key (current), sb_file_get_object_key (file)) == 0 &&
      g_strcmp0 (sb_file_get_checksum (current), sb_file_get_checksum (file)) == 0)
    add_problem (fsck, SB_FSCK_CHECKSUM, current, NULL);
  next_work (task);
}

static void
verify_read_done (GTask        *task,
                  const GError *error)
{
  Fsck *fsck = g_task_get_task_data (task);
  SbFile *file = fsck->current->file;

  if (error == NULL)
    {
      fsck->report->verified++;
      next_work (task);
      return;
    }
  if (g_error_matches (error, SB_ERROR, SB_ERROR_CORRUPT))
    {
      /* A mismatch counts only if the record still says what was checked. */
      sb_store_file_get_async (fsck->store, sb_file_get_owner (file), sb_file_get_name (file),
                               g_task_get_cancellable (task), verify_recheck_cb, task);
      return;
    }
  /* Gone since the snapshot, or reported as missing already. */
  if (g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
    {
      next_work (task);
      return;
    }
  fail (task, error);
}

/* WORK_UPLOAD */

static void
upload_discard_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  sb_store_upload_discard_finish (SB_STORE (object), result, &error);
  repair_done (task, SB_FSCK_REMOVED, NULL, error);
}

static void
check_upload (GTask *task)
{
  Fsck *fsck = g_task_get_task_data (task);

  add_problem (fsck, SB_FSCK_STALE_UPLOAD, NULL, fsck->current->blob);
  if (!(fsck->flags & SB_FSCK_REPAIR))
    {
      next_work (task);
      return;
    }
  sb_store_upload_discard_async (fsck->store, fsck->current->blob,
                                 g_task_get_cancellable (task), upload_discard_cb, task);
}

/* WORK_SHARED: a rename whose second step (deleting the old name) never
 * happened leaves the new record at version + 1; finishing it deletes the
 * older one, on the condition that it has not changed. */

static void
shared_deleted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SbFile *kept = fsck->current->fresh->pdata[1];

  sb_store_file_delete_finish (SB_STORE (object), result, &error);
  repair_done (task, SB_FSCK_FINISHED, sb_file_get_name (kept), error);
}

static gint
by_version (gconstpointer a,
            gconstpointer b)
{
  gint64 va = sb_file_get_version (*(SbFile **) a);
  gint64 vb = sb_file_get_version (*(SbFile **) b);

  return va < vb ? -1 : va > vb;
}

static void
shared_decide (GTask *task)
{
  Fsck *fsck = g_task_get_task_data (task);
  GPtrArray *fresh = fsck->current->fresh;
  SbFile *older, *newer;

  if (fresh->len < 2)
    {
      next_work (task);
      return;
    }
  g_ptr_array_sort (fresh, by_version);
  older = fresh->pdata[0];
  newer = fresh->pdata[1];
  add_problem (fsck, SB_FSCK_SHARED, older, NULL);
  set_action (last_problem (fsck), SB_FSCK_REPORTED, sb_file_get_name (newer));
  if (!(fsck->flags & SB_FSCK_REPAIR) || fresh->len != 2 ||
      sb_file_get_version (older) == sb_file_get_version (newer))
    {
      next_work (task);
      return;
    }
  sb_store_file_delete_async (fsck->store, sb_file_get_owner (older), sb_file_get_name (older),
                              sb_file_get_version (older), g_task_get_cancellable (task),
                              shared_deleted_cb, task);
}

static void shared_reread (GTask *task);

static void
shared_get_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  Work *work = fsck->current;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbFile) current = sb_store_file_get_finish (SB_STORE (object), result, &error);
  SbFile *first = work->files->pdata[0];

  if (current == NULL && !g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
    {
      fail (task, error);
      return;
    }
  if (current != NULL &&
      g_strcmp0 (sb_file_get_object_key (current), sb_file_get_object_key (first)) == 0)
    g_ptr_array_add (work->fresh, g_steal_pointer (&current));
  shared_reread (task);
}

/* Reads the snapshot's records again, one by one. */
static void
shared_reread (GTask *task)
{
  Fsck *fsck = g_task_get_task_data (task);
  Work *work = fsck->current;
  SbFile *file;

  if (work->fresh == NULL)
    work->fresh = g_ptr_array_new_with_free_func (g_object_unref);
  if (work->index == work->files->len)
    {
      shared_decide (task);
      return;
    }
  file = work->files->pdata[work->index++];
  sb_store_file_get_async (fsck->store, sb_file_get_owner (file), sb_file_get_name (file),
                           g_task_get_cancellable (task), shared_get_cb, task);
}

/* WORK_ORPHAN */

static void recover_try_name (GTask *task);

static char *
recovered_name (const char *name,
                guint       attempt)
{
  const char *dot = strrchr (name, '.');
  g_autofree char *stem = NULL;
  const char *extension = "";

  if (attempt == 0)
    return g_strdup (name);
  if (dot != NULL && dot != name)
    {
      stem = g_strndup (name, (gsize) (dot - name));
      extension = dot;
    }
  else
    stem = g_strdup (name);
  /* Translators: the name given to a file rebuilt from its stored bytes
   * when its own name is taken: "report (recovered).pdf". */
  if (attempt == 1)
    return g_strdup_printf (_("%s (recovered)%s"), stem, extension);
  /* Translators: likewise, when that is taken too: "report (recovered 2).pdf". */
  return g_strdup_printf (_("%s (recovered %u)%s"), stem, attempt, extension);
}

static void
recover_created_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  sb_store_file_create_finish (SB_STORE (object), result, &error);
  if (g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS) &&
      ++fsck->recover_try < RECOVER_NAMES)
    {
      recover_try_name (task);
      return;
    }
  repair_done (task, SB_FSCK_RECOVERED, fsck->recover_name, error);
}

static void
recover_try_name (GTask *task)
{
  Fsck *fsck = g_task_get_task_data (task);
  SbBlobInfo *stat = fsck->stat;
  const char *owner = last_problem (fsck)->owner;
  g_autofree char *base = NULL;
  g_autofree char *valid = NULL;
  g_autofree char *type = NULL;
  g_autoptr(SbFile) file = NULL;

  /* The name kept with the bytes if it is still a valid one, else one made
   * from the blob's id. */
  if (stat->name != NULL)
    valid = sb_validate_file_name (stat->name, NULL);
  base = valid ? g_steal_pointer (&valid)
               : g_strdup_printf ("recovered-%s", strchr (stat->key, '/') + 1);
  g_free (fsck->recover_name);
  fsck->recover_name = recovered_name (base, fsck->recover_try);
  type = sb_library_guess_content_type (fsck->recover_name, NULL);

  file = sb_file_new (owner, fsck->recover_name);
  sb_file_set_object_key (file, stat->key);
  sb_file_set_size (file, stat->size);
  sb_file_set_checksum (file, fsck->checksum);
  sb_file_set_content_type (file, type);
  sb_file_set_description (file, "");
  sb_file_set_created_at (file, stat->modified_at);
  sb_file_set_modified_at (file, stat->modified_at);
  sb_file_set_version (file, 1);
  sb_store_file_create_async (fsck->store, file, g_task_get_cancellable (task),
                              recover_created_cb, task);
}

static void
recover_read_done (GTask        *task,
                   const GError *error)
{
  Fsck *fsck = g_task_get_task_data (task);

  if (error != NULL)
    {
      g_clear_pointer (&fsck->sha256, sb_sha256_free);
      repair_done (task, SB_FSCK_FAILED, NULL, error);
      return;
    }
  g_free (fsck->checksum);
  fsck->checksum = sb_sha256_finish_hex (fsck->sha256);
  g_clear_pointer (&fsck->sha256, sb_sha256_free);
  fsck->recover_try = 0;
  recover_try_name (task);
}

static void
recover_user_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SbUser) user = sb_store_user_get_finish (SB_STORE (object), result, &error);
  g_autofree char *why = NULL;

  if (user == NULL && !g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
    {
      fail (task, error);
      return;
    }
  /* Never hand bytes to whoever signs up under a vanished user's name. */
  if (user == NULL)
    {
      why = g_strdup_printf (_("There is no account “%s” to give the file back to."),
                             last_problem (fsck)->owner);
      set_action (last_problem (fsck), SB_FSCK_FAILED, why);
      next_work (task);
      return;
    }
  fsck->sha256 = sb_sha256_new ();
  read_blob (task, fsck->stat->key, recover_read_done);
}

static void
orphan_deleted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  sb_store_blob_delete_finish (SB_STORE (object), result, &error);
  repair_done (task, SB_FSCK_REMOVED, NULL, error);
}

static void
orphan_stat_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&fsck->stat, sb_blob_info_free);
  fsck->stat = sb_store_blob_stat_finish (SB_STORE (object), result, &error);
  if (fsck->stat == NULL)
    {
      if (!g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
        {
          fail (task, error);
          return;
        }
      /* Deleted meanwhile: no longer a problem. */
      g_ptr_array_remove_index (fsck->report->problems, fsck->report->problems->len - 1);
      next_work (task);
      return;
    }
  if (fsck->stat->name != NULL)
    {
      g_free (last_problem (fsck)->name);
      last_problem (fsck)->name = g_strdup (fsck->stat->name);
    }
  /* Recovering wins over removing: bytes are only ever deleted when the
   * user asked to repair, not to recover. */
  if (fsck->flags & SB_FSCK_RECOVER)
    /* The key's owner part decides whose it is, whatever the metadata says. */
    sb_store_user_get_async (fsck->store, last_problem (fsck)->owner,
                             g_task_get_cancellable (task), recover_user_cb, task);
  else if (fsck->flags & SB_FSCK_REPAIR)
    sb_store_blob_delete_async (fsck->store, fsck->stat->key, g_task_get_cancellable (task),
                                orphan_deleted_cb, task);
  else
    next_work (task);
}

static void
orphan_decide (GTask *task)
{
  Fsck *fsck = g_task_get_task_data (task);
  SbBlobInfo *blob = fsck->current->blob;
  g_autofree char *owner = g_strndup (blob->key, strcspn (blob->key, "/"));
  GHashTable *keys = g_hash_table_lookup (fsck->owner_keys, owner);

  if (g_hash_table_contains (keys, blob->key))
    {
      next_work (task);   /* committed since the snapshot */
      return;
    }
  add_problem (fsck, SB_FSCK_ORPHAN, NULL, blob);
  /* For the name kept with the bytes: the report shows it, recovery uses it. */
  sb_store_blob_stat_async (fsck->store, blob->key, g_task_get_cancellable (task),
                            orphan_stat_cb, task);
}

static void
orphan_list_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  SbBlobInfo *blob = fsck->current->blob;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = sb_store_file_list_finish (SB_STORE (object), result, &error);
  GHashTable *keys;

  if (files == NULL)
    {
      fail (task, error);
      return;
    }
  keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < files->len; i++)
    g_hash_table_add (keys, g_strdup (sb_file_get_object_key (files->pdata[i])));
  g_hash_table_insert (fsck->owner_keys, g_strndup (blob->key, strcspn (blob->key, "/")), keys);
  orphan_decide (task);
}

static void
check_orphan (GTask *task)
{
  Fsck *fsck = g_task_get_task_data (task);
  SbBlobInfo *blob = fsck->current->blob;
  g_autofree char *owner = g_strndup (blob->key, strcspn (blob->key, "/"));

  /* The owner's records, read again now: a record may have been committed
   * since the snapshot. */
  if (g_hash_table_contains (fsck->owner_keys, owner))
    orphan_decide (task);
  else
    sb_store_file_list_async (fsck->store, owner, g_task_get_cancellable (task), orphan_list_cb,
                              task);
}

/* Driving the work queue */

static void
next_work (GTask *task)
{
  Fsck *fsck = g_task_get_task_data (task);

  g_clear_pointer (&fsck->current, work_free);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  fsck->current = g_queue_pop_head (&fsck->work);
  if (fsck->current == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&fsck->report),
                             (GDestroyNotify) sb_fsck_report_free);
      g_object_unref (task);
      return;
    }
  switch (fsck->current->kind)
    {
    case WORK_RECORD:
      check_record (task);
      break;
    case WORK_ORPHAN:
      check_orphan (task);
      break;
    case WORK_UPLOAD:
      check_upload (task);
      break;
    case WORK_SHARED:
      shared_reread (task);
      break;
    case WORK_VERIFY:
      read_blob (task, sb_file_get_object_key (fsck->current->file), verify_read_done);
      break;
    }
}

static void
queue_work (Fsck       *fsck,
            WorkKind    kind,
            SbFile     *file,
            SbBlobInfo *blob)
{
  Work *work = g_new0 (Work, 1);

  work->kind = kind;
  work->file = file ? g_object_ref (file) : NULL;
  work->blob = blob ? sb_blob_info_copy (blob) : NULL;
  g_queue_push_tail (&fsck->work, work);
}

/* Compares the snapshot and queues what needs a second look. */
static void
analyse (GTask *task)
{
  Fsck *fsck = g_task_get_task_data (task);
  g_autoptr(GHashTable) blobs = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) referenced =
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  GHashTableIter iter;
  gpointer key, value;

  fsck->report->records = fsck->records->len;
  fsck->report->blobs = fsck->blobs->len;
  fsck->report->uploads = fsck->uploads->len;
  for (guint i = 0; i < fsck->blobs->len; i++)
    {
      SbBlobInfo *blob = fsck->blobs->pdata[i];

      g_hash_table_insert (blobs, blob->key, blob);
      fsck->report->bytes += blob->size;
    }

  for (guint i = 0; i < fsck->records->len; i++)
    {
      SbFile *file = fsck->records->pdata[i];
      const char *object_key = sb_file_get_object_key (file);
      SbBlobInfo *blob = g_hash_table_lookup (blobs, object_key);
      GPtrArray *sharing = g_hash_table_lookup (referenced, object_key);

      if (sharing == NULL)
        {
          sharing = g_ptr_array_new_with_free_func (g_object_unref);
          g_hash_table_insert (referenced, (gpointer) object_key, sharing);
        }
      g_ptr_array_add (sharing, g_object_ref (file));

      if (blob == NULL || blob->size != sb_file_get_size (file))
        queue_work (fsck, WORK_RECORD, file, NULL);
      else if (fsck->flags & SB_FSCK_VERIFY)
        queue_work (fsck, WORK_VERIFY, file, NULL);
    }

  g_hash_table_iter_init (&iter, referenced);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *sharing = value;

      if (sharing->len > 1)
        {
          Work *work = g_new0 (Work, 1);

          work->kind = WORK_SHARED;
          work->files = g_ptr_array_ref (sharing);
          g_queue_push_tail (&fsck->work, work);
        }
    }

  for (guint i = 0; i < fsck->blobs->len; i++)
    {
      SbBlobInfo *blob = fsck->blobs->pdata[i];

      if (g_hash_table_contains (referenced, blob->key))
        continue;
      if (old_enough (fsck, blob->modified_at))
        queue_work (fsck, WORK_ORPHAN, NULL, blob);
      else
        fsck->report->in_flight++;
    }

  for (guint i = 0; i < fsck->uploads->len; i++)
    {
      SbBlobInfo *upload = fsck->uploads->pdata[i];

      if (!upload->active && old_enough (fsck, upload->modified_at))
        queue_work (fsck, WORK_UPLOAD, NULL, upload);
      else
        fsck->report->in_flight++;
    }

  next_work (task);
}

static void
uploads_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  fsck->uploads = sb_store_upload_list_finish (SB_STORE (object), result, &error);
  if (fsck->uploads == NULL)
    fail (task, error);
  else
    analyse (task);
}

static void
blobs_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  fsck->blobs = sb_store_blob_list_finish (SB_STORE (object), result, &error);
  if (fsck->blobs == NULL)
    fail (task, error);
  else
    sb_store_upload_list_async (fsck->store, g_task_get_cancellable (task), uploads_cb, task);
}

static void
records_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Fsck *fsck = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  fsck->records = sb_store_file_scan_finish (SB_STORE (object), result, &error);
  if (fsck->records == NULL)
    fail (task, error);
  else
    /* Records first, then blobs: a blob is written before its record, so
     * every record of the snapshot has its blob in the listing (unless it
     * was deleted meanwhile, which the second look finds out). */
    sb_store_blob_list_async (fsck->store, g_task_get_cancellable (task), blobs_cb, task);
}

/**
 * sb_fsck_run_async:
 * @flags: what to do besides reporting
 * @grace_usec: bytes and uploads younger than this are left alone
 */
void
sb_fsck_run_async (SbStore             *store,
                   SbFsckFlags          flags,
                   gint64               grace_usec,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task;
  Fsck *fsck;

  g_return_if_fail (SB_IS_STORE (store));
  g_return_if_fail (grace_usec >= 0);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_fsck_run_async));
  fsck = g_new0 (Fsck, 1);
  fsck->store = g_object_ref (store);
  fsck->flags = flags;
  fsck->grace = grace_usec;
  fsck->now = g_get_real_time ();
  fsck->owner_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_hash_table_unref);
  fsck->report = g_new0 (SbFsckReport, 1);
  fsck->report->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) problem_free);
  g_queue_init (&fsck->work);
  g_task_set_task_data (task, fsck, (GDestroyNotify) fsck_free);
  sb_store_file_scan_async (store, cancellable, records_cb, task);
}

/**
 * sb_fsck_run_finish:
 *
 * Returns: (transfer full): what was found and done
 */
SbFsckReport *
sb_fsck_run_finish (GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
