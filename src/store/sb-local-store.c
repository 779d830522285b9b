/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gio/gunixinputstream.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "sb-local-store.h"
#include "sb-sha256.h"
#include "sb-store-private.h"

/* Big enough to amortise a thread hand-off per chunk, small enough that a
 * hundred concurrent uploads stay within a few hundred MiB. */
#define BLOB_CHUNK_SIZE (1024 * 1024)

/* Room kept back on the data's disk so that deleting a file (and logging
 * out) still commits when the disk is full: SQLite needs a few pages of
 * journal even to delete. Released when such a write hits a full disk,
 * made again once deleted blobs have freed space. */
#define RESERVE_SIZE (4 * 1024 * 1024)

/* A temporary file nobody holds locked, untouched this long, was left by a
 * writer that died; removed when a store opens. */
#define STALE_TMP_USEC (5 * 60 * G_USEC_PER_SEC)

/* The owner and name of a blob, kept with its bytes (like S3's
 * x-amz-meta-owner and -name) so records can be rebuilt from blobs alone. */
#define XATTR_OWNER "user.storagebox.owner"
#define XATTR_NAME  "user.storagebox.name"

struct _SbLocalStore
{
  GObject   parent_instance;
  char     *data_dir;
  char     *blob_dir;
  char     *tmp_dir;
  char     *reserve_path;
  sqlite3  *db;
  /* One connection, used from worker threads one call at a time; each call
   * takes microseconds, so a pool would buy nothing but complexity. */
  GMutex    db_lock;
  GMutex    reserve_lock;
};

static void sb_local_store_iface_init (SbStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SbLocalStore, sb_local_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SB_TYPE_STORE, sb_local_store_iface_init))

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS users ("
  "  username TEXT PRIMARY KEY,"
  "  email TEXT NOT NULL,"
  "  password TEXT NOT NULL,"
  "  role TEXT NOT NULL DEFAULT 'user',"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS files ("
  "  owner TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  object_key TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  content_type TEXT NOT NULL,"
  "  checksum TEXT NOT NULL,"
  "  description TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  modified_at INTEGER NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  PRIMARY KEY (owner, name)"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS sessions ("
  "  token_hash TEXT PRIMARY KEY,"
  "  username TEXT NOT NULL,"
  "  csrf TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (username);"
  "PRAGMA user_version = 1;";

static const char file_columns[] =
  "owner, name, object_key, size, content_type, checksum, description, created_at, "
  "modified_at, version";

/* Errors */

static gboolean
set_sqlite_error (sqlite3     *db,
                  int          rc,
                  const char  *what,
                  GError     **error)
{
  int code = SB_STORE_ERROR_FAILED;

  if ((rc & 0xff) == SQLITE_FULL)
    code = SB_STORE_ERROR_NO_SPACE;
  else if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_CANTOPEN ||
           rc == SQLITE_READONLY || (rc & 0xff) == SQLITE_IOERR)
    code = SB_STORE_ERROR_UNAVAILABLE;
  else if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
    code = SB_STORE_ERROR_CORRUPT;

  g_set_error (error, SB_STORE_ERROR, code, "Local database: %s failed: %s",
               what, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return FALSE;
}

static sqlite3_stmt *
prepare (SbLocalStore  *self,
         const char    *sql,
         GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self->db, rc, "prepare", error);
      return NULL;
    }
  return stmt;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  sqlite3_bind_text (stmt, index, text ? text : "", -1, SQLITE_TRANSIENT);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           index)
{
  const char *text = (const char *) sqlite3_column_text (stmt, index);
  return text ? text : "";
}

/* Steps a statement that returns no rows; reports constraint violations as
 * %SB_STORE_ERROR_EXISTS. */
static gboolean
step_done (SbLocalStore  *self,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE)
    return TRUE;
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS, "%s: already exists", what);
      return FALSE;
    }
  return set_sqlite_error (self->db, rc, what, error);
}

/* Steps a statement that reads one record: TRUE with the row to read, else
 * FALSE with %SB_STORE_ERROR_NOT_FOUND (@missing) or the SQLite error of
 * @reading. */
static gboolean
step_row (SbLocalStore  *self,
          sqlite3_stmt  *stmt,
          const char    *missing,
          const char    *reading,
          GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error_literal (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, missing);
  else
    set_sqlite_error (self->db, rc, reading, error);
  return FALSE;
}

static gboolean
exec_sql (SbLocalStore  *self,
          const char    *sql,
          GError       **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, SB_STORE_ERROR,
                   rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? SB_STORE_ERROR_CORRUPT
                   : (rc & 0xff) == SQLITE_FULL               ? SB_STORE_ERROR_NO_SPACE
                                                                : SB_STORE_ERROR_UNAVAILABLE,
                   "Local database: %s", message ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

/* Running database calls in worker threads */

typedef gpointer (*DbFunc) (SbLocalStore  *self,
                            gpointer       data,
                            GError       **error);

typedef struct
{
  DbFunc         func;
  gpointer       data;
  GDestroyNotify free_data;
  GDestroyNotify free_result;
  gboolean       frees_space;
} DbCall;

static gboolean release_reserve (SbLocalStore *self);

static void
db_call_free (DbCall *call)
{
  if (call->free_data)
    call->free_data (call->data);
  g_free (call);
}

static void
db_thread (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  SbLocalStore *self = source_object;
  DbCall *call = task_data;
  GError *error = NULL;
  gpointer result;

  g_mutex_lock (&self->db_lock);
  result = call->func (self, call->data, &error);
  /* A statement that failed on a full disk was rolled back: it can run
   * again, now with the reserve's room. */
  if (call->frees_space && g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NO_SPACE) &&
      release_reserve (self))
    {
      g_clear_error (&error);
      result = call->func (self, call->data, &error);
    }
  g_mutex_unlock (&self->db_lock);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, call->free_result);
}

static void
run_db_full (SbLocalStore        *self,
             gpointer             source_tag,
             DbFunc               func,
             gpointer             data,
             GDestroyNotify       free_data,
             GDestroyNotify       free_result,
             gboolean             frees_space,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  DbCall *call = g_new0 (DbCall, 1);

  call->frees_space = frees_space;
  call->func = func;
  call->data = data;
  call->free_data = free_data;
  call->free_result = free_result;
  g_task_set_source_tag (task, source_tag);
  /* A write that happened must not be reported as cancelled. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, call, (GDestroyNotify) db_call_free);
  g_task_run_in_thread (task, db_thread);
}

static void
run_db (SbLocalStore        *self,
        gpointer             source_tag,
        DbFunc               func,
        gpointer             data,
        GDestroyNotify       free_data,
        GDestroyNotify       free_result,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  run_db_full (self, source_tag, func, data, free_data, free_result, FALSE, cancellable, callback,
               user_data);
}

static gboolean
finish_boolean (SbStore       *store,
                GAsyncResult  *result,
                GError       **error)
{
  return sb_store_task_finish_pointer (store, result, error) != NULL;
}

/* A non-NULL result that means "done" for calls without a value. */
#define DONE GINT_TO_POINTER (1)

/* Users */

static SbUser *
user_from_row (sqlite3_stmt *stmt)
{
  return sb_user_new (column_text (stmt, 0), column_text (stmt, 1), column_text (stmt, 2),
                      column_text (stmt, 3), sqlite3_column_int64 (stmt, 4),
                      sqlite3_column_int64 (stmt, 5));
}

static gpointer
db_user_create (SbLocalStore  *self,
                gpointer       data,
                GError       **error)
{
  SbUser *user = data;
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "INSERT INTO users (username, email, password, role, created_at, updated_at)"
                   " VALUES (?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, sb_user_get_username (user));
  bind_text (stmt, 2, sb_user_get_email (user));
  bind_text (stmt, 3, sb_user_get_password_hash (user));
  bind_text (stmt, 4, sb_user_get_role (user));
  sqlite3_bind_int64 (stmt, 5, sb_user_get_created_at (user));
  sqlite3_bind_int64 (stmt, 6, sb_user_get_updated_at (user));
  return step_done (self, stmt, "user", error) ? DONE : NULL;
}

static void
sb_local_store_user_create_async (SbStore             *store,
                                  SbUser              *user,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  run_db (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_user_create_async), db_user_create,
          sb_user_copy (user), g_object_unref, NULL, cancellable, callback, user_data);
}

static gpointer
db_user_get (SbLocalStore  *self,
             gpointer       data,
             GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "SELECT username, email, password, role, created_at, updated_at"
                   " FROM users WHERE username = ?", error);

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, data);
  if (!step_row (self, stmt, "No such user", "reading a user", error))
    return NULL;
  return user_from_row (stmt);
}

static void
sb_local_store_user_get_async (SbStore             *store,
                               const char          *username,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  run_db (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_user_get_async), db_user_get,
          g_strdup (username), g_free, g_object_unref, cancellable, callback, user_data);
}

SB_STORE_DEFINE_POINTER_FINISH (sb_local_store_user_get_finish, SbUser)

static gpointer
db_user_update (SbLocalStore  *self,
                gpointer       data,
                GError       **error)
{
  SbUser *user = data;
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "UPDATE users SET email = ?, password = ?, role = ?, updated_at = ?"
                   " WHERE username = ?", error);

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, sb_user_get_email (user));
  bind_text (stmt, 2, sb_user_get_password_hash (user));
  bind_text (stmt, 3, sb_user_get_role (user));
  sqlite3_bind_int64 (stmt, 4, sb_user_get_updated_at (user));
  bind_text (stmt, 5, sb_user_get_username (user));
  if (!step_done (self, stmt, "user", error))
    return NULL;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No such user");
      return NULL;
    }
  return DONE;
}

static void
sb_local_store_user_update_async (SbStore             *store,
                                  SbUser              *user,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  run_db (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_user_update_async), db_user_update,
          sb_user_copy (user), g_object_unref, NULL, cancellable, callback, user_data);
}

/* Files */

static SbFile *
file_from_row (sqlite3_stmt *stmt)
{
  SbFile *file = sb_file_new (column_text (stmt, 0), column_text (stmt, 1));

  sb_file_set_object_key (file, column_text (stmt, 2));
  sb_file_set_size (file, (guint64) sqlite3_column_int64 (stmt, 3));
  sb_file_set_content_type (file, column_text (stmt, 4));
  sb_file_set_checksum (file, column_text (stmt, 5));
  sb_file_set_description (file, column_text (stmt, 6));
  sb_file_set_created_at (file, sqlite3_column_int64 (stmt, 7));
  sb_file_set_modified_at (file, sqlite3_column_int64 (stmt, 8));
  sb_file_set_version (file, sqlite3_column_int64 (stmt, 9));
  return file;
}

/* Binds every column of @file in file_columns order, starting at @first. */
static void
bind_file (sqlite3_stmt *stmt,
           int           first,
           SbFile       *file)
{
  bind_text (stmt, first + 0, sb_file_get_owner (file));
  bind_text (stmt, first + 1, sb_file_get_name (file));
  bind_text (stmt, first + 2, sb_file_get_object_key (file));
  sqlite3_bind_int64 (stmt, first + 3, (sqlite3_int64) sb_file_get_size (file));
  bind_text (stmt, first + 4, sb_file_get_content_type (file));
  bind_text (stmt, first + 5, sb_file_get_checksum (file));
  bind_text (stmt, first + 6, sb_file_get_description (file));
  sqlite3_bind_int64 (stmt, first + 7, sb_file_get_created_at (file));
  sqlite3_bind_int64 (stmt, first + 8, sb_file_get_modified_at (file));
  sqlite3_bind_int64 (stmt, first + 9, sb_file_get_version (file));
}

static gpointer
db_file_list (SbLocalStore  *self,
              gpointer       data,
              GError       **error)
{
  /* @data: the owner, or NULL for every owner's (file_scan). */
  g_autofree char *sql =
    data ? g_strdup_printf ("SELECT %s FROM files WHERE owner = ? ORDER BY name", file_columns)
         : g_strdup_printf ("SELECT %s FROM files", file_columns);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  if (stmt == NULL)
    return NULL;
  if (data != NULL)
    bind_text (stmt, 1, data);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (files, file_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self->db, rc, "listing files", error);
      return NULL;
    }
  return g_steal_pointer (&files);
}

static void
sb_local_store_file_list_async (SbStore             *store,
                                const char          *owner,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  run_db (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_file_list_async), db_file_list,
          g_strdup (owner), g_free, (GDestroyNotify) g_ptr_array_unref,
          cancellable, callback, user_data);
}

SB_STORE_DEFINE_POINTER_FINISH (sb_local_store_file_list_finish, GPtrArray)

static SbFile *
file_get_locked (SbLocalStore  *self,
                 const char    *owner,
                 const char    *name,
                 GError       **error)
{
  g_autofree char *sql =
    g_strdup_printf ("SELECT %s FROM files WHERE owner = ? AND name = ?", file_columns);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, owner);
  bind_text (stmt, 2, name);
  if (!step_row (self, stmt, "No such file", "reading a file record", error))
    return NULL;
  return file_from_row (stmt);
}

static gpointer
db_file_get (SbLocalStore  *self,
             gpointer       data,
             GError       **error)
{
  char **key = data;
  return file_get_locked (self, key[0], key[1], error);
}

static void
sb_local_store_file_get_async (SbStore             *store,
                               const char          *owner,
                               const char          *name,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  char *key[] = { (char *) owner, (char *) name, NULL };

  run_db (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_file_get_async), db_file_get,
          g_strdupv (key), (GDestroyNotify) g_strfreev, g_object_unref,
          cancellable, callback, user_data);
}

SB_STORE_DEFINE_POINTER_FINISH (sb_local_store_file_get_finish, SbFile)

static gboolean
file_insert_locked (SbLocalStore  *self,
                    SbFile        *file,
                    GError       **error)
{
  g_autofree char *sql =
    g_strdup_printf ("INSERT INTO files (%s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     file_columns);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_file (stmt, 1, file);
  return step_done (self, stmt, "A file with that name", error);
}

static gpointer
db_file_create (SbLocalStore  *self,
                gpointer       data,
                GError       **error)
{
  return file_insert_locked (self, data, error) ? DONE : NULL;
}

static void
sb_local_store_file_create_async (SbStore             *store,
                                  SbFile              *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  run_db (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_file_create_async), db_file_create,
          sb_file_copy (file), g_object_unref, NULL, cancellable, callback, user_data);
}

typedef struct
{
  SbFile *file;
  char   *old_name;
  gint64  expected_version;
} FileChange;

static void
file_change_free (FileChange *change)
{
  g_clear_object (&change->file);
  g_free (change->old_name);
  g_free (change);
}

static FileChange *
file_change_new (SbFile     *file,
                 const char *old_name,
                 gint64      expected_version)
{
  FileChange *change = g_new0 (FileChange, 1);

  change->file = sb_file_copy (file);
  change->old_name = g_strdup (old_name ? old_name : sb_file_get_name (file));
  change->expected_version = expected_version;
  return change;
}

/* Tells a missing record from a changed one after a conditional statement
 * touched no row. */
static void
explain_no_change (SbLocalStore  *self,
                   const char    *owner,
                   const char    *name,
                   GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SbFile) current = file_get_locked (self, owner, name, &local_error);

  if (current != NULL)
    g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_CONFLICT,
                 "The file changed in the meantime");
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
}

static gpointer
db_file_update (SbLocalStore  *self,
                gpointer       data,
                GError       **error)
{
  FileChange *change = data;
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "UPDATE files SET object_key = ?3, size = ?4, content_type = ?5,"
                   " checksum = ?6, description = ?7, created_at = ?8, modified_at = ?9,"
                   " version = ?10 WHERE owner = ?1 AND name = ?2 AND version = ?11", error);

  if (stmt == NULL)
    return NULL;
  bind_file (stmt, 1, change->file);
  sqlite3_bind_int64 (stmt, 11, change->expected_version);
  if (!step_done (self, stmt, "file record", error))
    return NULL;
  if (sqlite3_changes (self->db) == 0)
    {
      explain_no_change (self, sb_file_get_owner (change->file),
                         sb_file_get_name (change->file), error);
      return NULL;
    }
  return DONE;
}

static void
sb_local_store_file_update_async (SbStore             *store,
                                  SbFile              *file,
                                  gint64               expected_version,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  run_db (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_file_update_async), db_file_update,
          file_change_new (file, NULL, expected_version), (GDestroyNotify) file_change_free,
          NULL, cancellable, callback, user_data);
}

static gpointer
db_file_rename (SbLocalStore  *self,
                gpointer       data,
                GError       **error)
{
  FileChange *change = data;
  const char *owner = sb_file_get_owner (change->file);
  g_autoptr(sqlite3_stmt) del = NULL;

  if (!exec_sql (self, "BEGIN IMMEDIATE", error))
    return NULL;

  del = prepare (self, "DELETE FROM files WHERE owner = ? AND name = ? AND version = ?", error);
  if (del == NULL)
    goto rollback;
  bind_text (del, 1, owner);
  bind_text (del, 2, change->old_name);
  sqlite3_bind_int64 (del, 3, change->expected_version);
  if (!step_done (self, del, "file record", error))
    goto rollback;
  if (sqlite3_changes (self->db) == 0)
    {
      explain_no_change (self, owner, change->old_name, error);
      goto rollback;
    }
  if (!file_insert_locked (self, change->file, error))
    goto rollback;
  if (!exec_sql (self, "COMMIT", error))
    goto rollback;
  return DONE;

rollback:
  exec_sql (self, "ROLLBACK", NULL);
  return NULL;
}

static void
sb_local_store_file_rename_async (SbStore             *store,
                                  SbFile              *file,
                                  const char          *old_name,
                                  gint64               expected_version,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  run_db (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_file_rename_async), db_file_rename,
          file_change_new (file, old_name, expected_version), (GDestroyNotify) file_change_free,
          NULL, cancellable, callback, user_data);
}

static gpointer
db_file_delete (SbLocalStore  *self,
                gpointer       data,
                GError       **error)
{
  FileChange *change = data;
  const char *owner = sb_file_get_owner (change->file);
  const char *name = sb_file_get_name (change->file);
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "DELETE FROM files WHERE owner = ? AND name = ? AND (? < 0 OR version = ?)",
             error);

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, owner);
  bind_text (stmt, 2, name);
  sqlite3_bind_int64 (stmt, 3, change->expected_version);
  sqlite3_bind_int64 (stmt, 4, change->expected_version);
  if (!step_done (self, stmt, "file record", error))
    return NULL;
  if (sqlite3_changes (self->db) == 0)
    {
      explain_no_change (self, owner, name, error);
      return NULL;
    }
  return DONE;
}

static void
sb_local_store_file_delete_async (SbStore             *store,
                                  const char          *owner,
                                  const char          *name,
                                  gint64               expected_version,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(SbFile) key = sb_file_new (owner, name);

  run_db_full (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_file_delete_async),
               db_file_delete, file_change_new (key, NULL, expected_version),
               (GDestroyNotify) file_change_free, NULL, TRUE, cancellable, callback, user_data);
}

/* Sessions */

static gpointer
db_session_create (SbLocalStore  *self,
                   gpointer       data,
                   GError       **error)
{
  SbSession *session = data;
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "INSERT INTO sessions (token_hash, username, csrf, created_at, expires_at)"
                   " VALUES (?, ?, ?, ?, ?)", error);
  g_autoptr(sqlite3_stmt) sweep = NULL;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, sb_session_get_token_hash (session));
  bind_text (stmt, 2, sb_session_get_username (session));
  bind_text (stmt, 3, sb_session_get_csrf (session));
  sqlite3_bind_int64 (stmt, 4, sb_session_get_created_at (session));
  sqlite3_bind_int64 (stmt, 5, sb_session_get_expires_at (session));
  if (!step_done (self, stmt, "session", error))
    return NULL;

  /* Expired sessions are refused when read; sweeping them here, where a
   * write happens anyway, keeps the table from growing forever. */
  sweep = prepare (self, "DELETE FROM sessions WHERE expires_at < ?", NULL);
  if (sweep != NULL)
    {
      sqlite3_bind_int64 (sweep, 1, g_get_real_time ());
      sqlite3_step (sweep);
    }
  return DONE;
}

static void
sb_local_store_session_create_async (SbStore             *store,
                                     SbSession           *session,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  run_db (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_session_create_async), db_session_create,
          g_object_ref (session), g_object_unref, NULL, cancellable, callback, user_data);
}

static gpointer
db_session_get (SbLocalStore  *self,
                gpointer       data,
                GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "SELECT token_hash, username, csrf, created_at, expires_at"
                   " FROM sessions WHERE token_hash = ?", error);

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, data);
  if (!step_row (self, stmt, "No such session", "reading a session", error))
    return NULL;
  return sb_session_new (column_text (stmt, 0), column_text (stmt, 1), column_text (stmt, 2),
                         sqlite3_column_int64 (stmt, 3), sqlite3_column_int64 (stmt, 4));
}

static void
sb_local_store_session_get_async (SbStore             *store,
                                  const char          *token_hash,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  run_db (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_session_get_async), db_session_get,
          g_strdup (token_hash), g_free, g_object_unref, cancellable, callback, user_data);
}

SB_STORE_DEFINE_POINTER_FINISH (sb_local_store_session_get_finish, SbSession)

static gpointer
db_session_delete (SbLocalStore  *self,
                   gpointer       data,
                   GError       **error)
{
  char **args = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (args[0] != NULL)
    {
      stmt = prepare (self, "DELETE FROM sessions WHERE token_hash = ?", error);
      if (stmt == NULL)
        return NULL;
      bind_text (stmt, 1, args[0]);
    }
  else
    {
      stmt = prepare (self, "DELETE FROM sessions WHERE username = ? AND token_hash != ?",
                      error);
      if (stmt == NULL)
        return NULL;
      bind_text (stmt, 1, args[1]);
      bind_text (stmt, 2, args[2]);
    }
  return step_done (self, stmt, "session", error) ? DONE : NULL;
}

static void
free_args (gpointer data)
{
  char **args = data;

  for (guint i = 0; i < 3; i++)
    g_free (args[i]);
  g_free (args);
}

static char **
args_new (const char *a,
          const char *b,
          const char *c)
{
  char **args = g_new0 (char *, 3);

  args[0] = g_strdup (a);
  args[1] = g_strdup (b);
  args[2] = g_strdup (c);
  return args;
}

static void
sb_local_store_session_delete_async (SbStore             *store,
                                     const char          *token_hash,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  run_db_full (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_session_delete_async),
               db_session_delete, args_new (token_hash, NULL, NULL), free_args, NULL, TRUE,
               cancellable, callback, user_data);
}

static void
sb_local_store_session_delete_for_user_async (SbStore             *store,
                                              const char          *username,
                                              const char          *except_token_hash,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  run_db_full (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_session_delete_for_user_async),
               db_session_delete, args_new (NULL, username, except_token_hash), free_args, NULL,
               TRUE, cancellable, callback, user_data);
}

/* The reserve */

/* Makes the reserve if it is missing and the disk has room for it. */
static void
ensure_reserve (SbLocalStore *self)
{
  g_autofree char *partial = NULL;
  GStatBuf st;
  int fd;

  if (self->reserve_path == NULL)
    return;
  g_mutex_lock (&self->reserve_lock);
  if (g_stat (self->reserve_path, &st) == 0 && st.st_size >= RESERVE_SIZE)
    {
      g_mutex_unlock (&self->reserve_lock);
      return;
    }
  partial = g_strconcat (self->reserve_path, ".new", NULL);
  fd = g_open (partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  /* posix_fallocate: real blocks, so the room is there when it is needed. */
  if (fd >= 0 && posix_fallocate (fd, 0, RESERVE_SIZE) == 0 && fsync (fd) == 0 &&
      close (fd) == 0 && g_rename (partial, self->reserve_path) == 0)
    fd = -1;
  else
    {
      if (fd >= 0)
        close (fd);
      g_unlink (partial);
      g_debug ("no room for the reserve in %s yet", self->data_dir);
    }
  g_mutex_unlock (&self->reserve_lock);
}

/* Frees the reserve's room; FALSE if there was none to free. */
static gboolean
release_reserve (SbLocalStore *self)
{
  gboolean released;

  g_mutex_lock (&self->reserve_lock);
  released = self->reserve_path != NULL && g_unlink (self->reserve_path) == 0;
  g_mutex_unlock (&self->reserve_lock);
  if (released)
    g_warning ("the disk holding %s is full: used the space kept for deletes", self->data_dir);
  return released;
}

/* Temporary files */

/* Whether a writer still holds @path (tried without waiting), when it was
 * last written and how big it is; FALSE if it is gone or not a file. */
static gboolean
tmp_file_state (const char *path,
                gboolean   *active,
                gint64     *mtime,
                guint64    *size)
{
  struct stat st;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);

  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return FALSE;
    }
  *active = flock (fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  *mtime = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
  if (size != NULL)
    *size = (guint64) st.st_size;
  close (fd);
  return TRUE;
}

/* Blobs: written to tmp/, fsynced, then renamed into blobs/<owner>/, so a
 * blob under blobs/ is always complete. */

static char *
blob_path (SbLocalStore  *self,
           const char    *key,
           GError       **error)
{
  if (!sb_store_blob_key_is_valid (key))
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No such blob");
      return NULL;
    }
  return g_build_filename (self->blob_dir, key, NULL);
}

/* Two buffers: while a worker thread hashes and writes one, the other is
 * filled from the source, so disk and network overlap. */
#define N_BUFFERS 2

typedef enum
{
  BUFFER_FREE,
  BUFFER_READING,
  BUFFER_READY,
  BUFFER_WRITING,
} BufferState;

typedef struct
{
  SbBlobWritten written;       /* first: what blob_write_finish returns */
  GTask        *task;          /* the caller's, while anything is in flight */
  GInputStream *source;
  char         *tmp_path;
  char         *final_path;
  int           fd;
  SbSha256     *sha256;
  guint8       *buffers[N_BUFFERS];
  gsize         filled[N_BUFFERS];
  BufferState   state[N_BUFFERS];
  guint         next_read;     /* buffers are written in the order they were read */
  guint         next_write;
  gboolean      eof;
  gboolean      committing;
  GError       *error;
} BlobWrite;

static void
blob_write_free (BlobWrite *op)
{
  if (op->fd >= 0)
    {
      close (op->fd);
      /* Only reached when the write did not complete. */
      g_unlink (op->tmp_path);
    }
  g_clear_object (&op->source);
  sb_blob_written_clear (&op->written);
  g_free (op->tmp_path);
  g_free (op->final_path);
  g_clear_pointer (&op->sha256, sb_sha256_free);
  for (guint i = 0; i < N_BUFFERS; i++)
    g_free (op->buffers[i]);
  g_clear_error (&op->error);
  g_free (op);
}

static gboolean
fsync_dir (const char  *path,
           GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not sync %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static void
blob_write_commit_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  SbLocalStore *self = source_object;
  BlobWrite *op = task_data;
  g_autofree char *dir = g_path_get_dirname (op->final_path);
  GError *error = NULL;
  gboolean new_dir;
  int fd = op->fd;

  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;
      op->fd = -1;
      g_unlink (op->tmp_path);
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "Could not write the file to disk: %s", g_strerror (saved));
      return;
    }
  op->fd = -1;

  /* A new owner directory is an entry in blobs/ that must reach the disk
   * too, or a power cut could take the first file of a user with it. */
  new_dir = !g_file_test (dir, G_FILE_TEST_IS_DIR);
  if ((new_dir && g_mkdir_with_parents (dir, 0700) != 0) ||
      g_rename (op->tmp_path, op->final_path) != 0)
    {
      int saved = errno;
      g_unlink (op->tmp_path);
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "Could not store the file: %s", g_strerror (saved));
      return;
    }

  if (!fsync_dir (dir, &error) || (new_dir && !fsync_dir (self->blob_dir, &error)))
    {
      /* The record is not written yet: better to fail the upload than to
       * acknowledge bytes a power cut could lose. */
      g_unlink (op->final_path);
      g_task_return_error (task, error);
      return;
    }

  op->written.sha256 = sb_sha256_finish_hex (op->sha256);
  g_task_return_boolean (task, TRUE);
}

static void
blob_write_buffer_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  BlobWrite *op = task_data;
  guint index = op->next_write;
  const guint8 *data = op->buffers[index];
  gsize len = op->filled[index];

  sb_sha256_update (op->sha256, data, len);
  while (len > 0)
    {
      gssize n = write (op->fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                                   "Could not write the file to disk: %s", g_strerror (saved));
          return;
        }
      data += n;
      len -= (gsize) n;
    }
  g_task_return_boolean (task, TRUE);
}

static void blob_write_advance (BlobWrite *op);

static void
blob_write_step_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  BlobWrite *op = user_data;
  GError *error = NULL;

  if (op->committing)
    {
      GTask *task = g_steal_pointer (&op->task);

      if (!g_task_propagate_boolean (G_TASK (result), &error))
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  if (!g_task_propagate_boolean (G_TASK (result), &error) && op->error == NULL)
    op->error = error;
  else
    g_clear_error (&error);
  op->state[op->next_write] = BUFFER_FREE;
  op->next_write = (op->next_write + 1) % N_BUFFERS;
  blob_write_advance (op);
}

static void
blob_write_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  BlobWrite *op = user_data;
  guint index = (op->next_read + N_BUFFERS - 1) % N_BUFFERS;
  GError *error = NULL;
  gsize n = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (object), result, &n, &error))
    {
      if (op->error == NULL)
        op->error = error;
      else
        g_clear_error (&error);
      op->state[index] = BUFFER_FREE;
    }
  else
    {
      op->filled[index] = n;
      op->written.size += n;
      op->state[index] = n > 0 ? BUFFER_READY : BUFFER_FREE;
      /* read_all stops short only at the end of the stream. */
      if (n < BLOB_CHUNK_SIZE)
        op->eof = TRUE;
    }
  blob_write_advance (op);
}

static GTask *
blob_write_step_new (BlobWrite *op)
{
  GTask *step = g_task_new (g_task_get_source_object (op->task), NULL, blob_write_step_cb, op);

  g_task_set_task_data (step, op, NULL);
  return step;
}

/* Starts whatever can start; finishes once nothing is left to do. */
static void
blob_write_advance (BlobWrite *op)
{
  gboolean busy = FALSE;

  for (guint i = 0; i < N_BUFFERS; i++)
    busy |= op->state[i] == BUFFER_READING || op->state[i] == BUFFER_WRITING;

  if (op->error)
    {
      if (!busy)
        {
          GTask *task = g_steal_pointer (&op->task);
          g_task_return_error (task, g_steal_pointer (&op->error));
          g_object_unref (task);
        }
      return;
    }

  if (op->state[op->next_write] == BUFFER_READY)
    {
      g_autoptr(GTask) step = blob_write_step_new (op);
      op->state[op->next_write] = BUFFER_WRITING;
      g_task_run_in_thread (step, blob_write_buffer_thread);
      busy = TRUE;
    }

  if (!op->eof && op->state[op->next_read] == BUFFER_FREE)
    {
      guint index = op->next_read;
      gboolean reading = FALSE;

      for (guint i = 0; i < N_BUFFERS; i++)
        reading |= op->state[i] == BUFFER_READING;
      if (!reading)
        {
          if (op->buffers[index] == NULL)
            op->buffers[index] = g_malloc (BLOB_CHUNK_SIZE);
          op->state[index] = BUFFER_READING;
          op->next_read = (index + 1) % N_BUFFERS;
          g_input_stream_read_all_async (op->source, op->buffers[index], BLOB_CHUNK_SIZE,
                                         G_PRIORITY_DEFAULT, g_task_get_cancellable (op->task),
                                         blob_write_read_cb, op);
          busy = TRUE;
        }
    }

  if (op->eof && !busy)
    {
      g_autoptr(GTask) step = blob_write_step_new (op);
      op->committing = TRUE;
      g_task_run_in_thread (step, blob_write_commit_thread);
    }
}

static void
sb_local_store_blob_write_async (SbStore             *store,
                                 const char          *owner,
                                 const char          *name,
                                 const char          *content_type,
                                 GInputStream        *source,
                                 gint64               size_hint,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  SbLocalStore *self = SB_LOCAL_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *id = sb_store_new_blob_id ();
  BlobWrite *op;

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_local_store_blob_write_async));
  /* Once the blob is committed, success is the truth even if cancelled. */
  g_task_set_check_cancellable (task, FALSE);

  if (!sb_store_owner_is_valid (owner))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Invalid owner for a blob");
      return;
    }

  op = g_new0 (BlobWrite, 1);
  op->fd = -1;
  op->source = g_object_ref (source);
  op->written.key = g_strdup_printf ("%s/%s", owner, id);
  op->tmp_path = g_build_filename (self->tmp_dir, id, NULL);
  op->final_path = g_build_filename (self->blob_dir, owner, id, NULL);
  op->sha256 = sb_sha256_new ();
  g_task_set_task_data (task, op, (GDestroyNotify) blob_write_free);

  /* Creating an empty file in our own tmp/ directory is as cheap as the
   * stat() GLib would do; everything that moves data runs in a thread. */
  op->fd = g_open (op->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (op->fd < 0)
    {
      int saved = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "Could not create a file in %s: %s", self->tmp_dir,
                               g_strerror (saved));
      return;
    }
  /* Held until the file is renamed or removed: while it is, no other
   * process (a store opening, fsck) takes the file for an abandoned one. */
  flock (op->fd, LOCK_EX);
  /* Best effort: a filesystem without user xattrs loses only the name a
   * recovery would give the file. */
  fsetxattr (op->fd, XATTR_OWNER, owner, strlen (owner), 0);
  if (name != NULL)
    fsetxattr (op->fd, XATTR_NAME, name, strlen (name), 0);

  op->task = g_steal_pointer (&task);
  blob_write_advance (op);
}

typedef struct
{
  char    *key;
  guint64  offset;
  gint64   length;
} BlobRead;

static void
blob_read_free (BlobRead *op)
{
  g_free (op->key);
  g_free (op);
}

static void
blob_read_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SbLocalStore *self = source_object;
  BlobRead *op = task_data;
  g_autofree char *path = NULL;
  g_autoptr(GInputStream) stream = NULL;
  GError *error = NULL;
  int fd;

  path = blob_path (self, op->key, &error);
  if (path == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      if (saved == ENOENT)
        g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND,
                                 "The stored file is missing");
      else
        g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                                 "Could not open the stored file: %s", g_strerror (saved));
      return;
    }
  if (op->offset > 0 && lseek (fd, (off_t) op->offset, SEEK_SET) < 0)
    {
      int saved = errno;
      close (fd);
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "Could not seek in the stored file: %s", g_strerror (saved));
      return;
    }

  stream = g_unix_input_stream_new (fd, TRUE);
  if (op->length >= 0)
    {
      GInputStream *limited = sb_limit_input_stream_new (stream, (guint64) op->length);
      g_object_unref (stream);
      stream = limited;
    }
  g_task_return_pointer (task, g_steal_pointer (&stream), g_object_unref);
}

static void
sb_local_store_blob_read_async (SbStore             *store,
                                const char          *key,
                                guint64              offset,
                                gint64               length,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  BlobRead *op = g_new0 (BlobRead, 1);

  op->key = g_strdup (key);
  op->offset = offset;
  op->length = length;
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_local_store_blob_read_async));
  g_task_set_task_data (task, op, (GDestroyNotify) blob_read_free);
  g_task_run_in_thread (task, blob_read_thread);
}

SB_STORE_DEFINE_POINTER_FINISH (sb_local_store_blob_read_finish, GInputStream)

static void
blob_delete_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  SbLocalStore *self = source_object;
  g_autofree char *path = NULL;
  GError *error = NULL;

  path = blob_path (self, task_data, &error);
  if (path == NULL)
    {
      /* A key we could never have written: nothing to delete. */
      g_clear_error (&error);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "Could not delete the stored file: %s", g_strerror (saved));
      return;
    }
  /* Space was freed: the next delete on a full disk needs its room back. */
  ensure_reserve (self);
  g_task_return_boolean (task, TRUE);
}

static void
sb_local_store_blob_delete_async (SbStore             *store,
                                  const char          *key,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_local_store_blob_delete_async));
  g_task_set_task_data (task, g_strdup (key), g_free);
  g_task_run_in_thread (task, blob_delete_thread);
}

static gboolean
finish_task_boolean (SbStore       *store,
                     GAsyncResult  *result,
                     GError       **error)
{
  return sb_store_task_finish_boolean (store, result, error);
}

/* Maintenance */

static void
sb_local_store_file_scan_async (SbStore             *store,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  run_db (SB_LOCAL_STORE (store), SB_SOURCE_TAG (sb_local_store_file_scan_async), db_file_list,
          NULL, NULL, (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

SB_STORE_DEFINE_POINTER_FINISH (finish_array, GPtrArray)

static gint64
mtime_usec (const GStatBuf *st)
{
  return (gint64) st->st_mtim.tv_sec * G_USEC_PER_SEC + st->st_mtim.tv_nsec / 1000;
}

static void
blob_list_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SbLocalStore *self = source_object;
  g_autoptr(GPtrArray) blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_blob_info_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) top = g_dir_open (self->blob_dir, 0, &error);
  const char *owner;

  if (top == NULL)
    {
      g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                               "Cannot list %s: %s", self->blob_dir, error->message);
      return;
    }
  while ((owner = g_dir_read_name (top)) != NULL)
    {
      g_autofree char *dir_path = g_build_filename (self->blob_dir, owner, NULL);
      g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *id;

      while (dir != NULL && (id = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *key = g_strdup_printf ("%s/%s", owner, id);
          g_autofree char *path = g_build_filename (dir_path, id, NULL);
          GStatBuf st;

          /* Only what blob_write could have made: nothing else is ours. */
          if (sb_store_blob_key_is_valid (key) && g_lstat (path, &st) == 0 &&
              S_ISREG (st.st_mode))
            g_ptr_array_add (blobs, sb_blob_info_new (key, (guint64) st.st_size,
                                                      mtime_usec (&st)));
        }
      if (g_task_return_error_if_cancelled (task))
        return;
    }
  g_task_return_pointer (task, g_steal_pointer (&blobs), (GDestroyNotify) g_ptr_array_unref);
}

static void
sb_local_store_blob_list_async (SbStore             *store,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_local_store_blob_list_async));
  g_task_run_in_thread (task, blob_list_thread);
}

static char *
read_xattr (const char *path,
            const char *attribute)
{
  char value[1024];
  ssize_t n = getxattr (path, attribute, value, sizeof value - 1);

  if (n < 0)
    return NULL;
  value[n] = '\0';
  return g_utf8_validate (value, n, NULL) ? g_strdup (value) : NULL;
}

static void
blob_stat_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SbLocalStore *self = source_object;
  g_autofree char *path = NULL;
  SbBlobInfo *info;
  GError *error = NULL;
  GStatBuf st;

  path = blob_path (self, task_data, &error);
  if (path == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_lstat (path, &st) != 0)
    {
      int saved = errno;
      if (saved == ENOENT)
        g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No such blob");
      else
        g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                                 "Cannot read %s: %s", path, g_strerror (saved));
      return;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No such blob");
      return;
    }
  info = sb_blob_info_new (task_data, (guint64) st.st_size, mtime_usec (&st));
  info->owner = read_xattr (path, XATTR_OWNER);
  info->name = read_xattr (path, XATTR_NAME);
  g_task_return_pointer (task, info, (GDestroyNotify) sb_blob_info_free);
}

static void
sb_local_store_blob_stat_async (SbStore             *store,
                                const char          *key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_local_store_blob_stat_async));
  g_task_set_task_data (task, g_strdup (key), g_free);
  g_task_run_in_thread (task, blob_stat_thread);
}

SB_STORE_DEFINE_POINTER_FINISH (sb_local_store_blob_stat_finish, SbBlobInfo)

static void
upload_list_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  SbLocalStore *self = source_object;
  g_autoptr(GPtrArray) uploads =
    g_ptr_array_new_with_free_func ((GDestroyNotify) sb_blob_info_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (self->tmp_dir, 0, &error);
  const char *name;

  if (dir == NULL)
    {
      g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                               "Cannot list %s: %s", self->tmp_dir, error->message);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->tmp_dir, name, NULL);
      SbBlobInfo *info;
      gboolean active;
      gint64 mtime;
      guint64 size;

      if (!tmp_file_state (path, &active, &mtime, &size))
        continue;
      info = sb_blob_info_new (NULL, size, mtime);
      info->upload_id = g_strdup (name);
      info->active = active;
      g_ptr_array_add (uploads, info);
    }
  g_task_return_pointer (task, g_steal_pointer (&uploads), (GDestroyNotify) g_ptr_array_unref);
}

static void
sb_local_store_upload_list_async (SbStore             *store,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_local_store_upload_list_async));
  g_task_run_in_thread (task, upload_list_thread);
}

static void
upload_discard_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  SbLocalStore *self = source_object;
  const char *name = task_data;
  g_autofree char *path = NULL;
  int fd;

  if (name == NULL || *name == '\0' || strchr (name, '/') != NULL || g_str_equal (name, ".") ||
      g_str_equal (name, ".."))
    {
      g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND,
                               "No such unfinished upload");
      return;
    }
  path = g_build_filename (self->tmp_dir, name, NULL);
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* Removed while holding its lock, so never from under a live writer. */
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      g_task_return_new_error (task, SB_STORE_ERROR, SB_STORE_ERROR_CONFLICT,
                               "The upload is still being written");
      return;
    }
  g_unlink (path);
  close (fd);
  g_task_return_boolean (task, TRUE);
}

static void
sb_local_store_upload_discard_async (SbStore             *store,
                                     const SbBlobInfo    *upload,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_local_store_upload_discard_async));
  g_task_set_task_data (task, g_strdup (upload->upload_id), g_free);
  g_task_run_in_thread (task, upload_discard_thread);
}

/* GObject */

static void
sb_local_store_finalize (GObject *object)
{
  SbLocalStore *self = SB_LOCAL_STORE (object);

  if (self->db)
    sqlite3_close_v2 (self->db);
  g_mutex_clear (&self->db_lock);
  g_free (self->data_dir);
  g_free (self->blob_dir);
  g_free (self->tmp_dir);
  g_free (self->reserve_path);
  g_mutex_clear (&self->reserve_lock);

  G_OBJECT_CLASS (sb_local_store_parent_class)->finalize (object);
}

static void
sb_local_store_class_init (SbLocalStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_local_store_finalize;
}

static void
sb_local_store_iface_init (SbStoreInterface *iface)
{
  iface->user_create_async = sb_local_store_user_create_async;
  iface->user_create_finish = finish_boolean;
  iface->user_get_async = sb_local_store_user_get_async;
  iface->user_get_finish = sb_local_store_user_get_finish;
  iface->user_update_async = sb_local_store_user_update_async;
  iface->user_update_finish = finish_boolean;
  iface->file_list_async = sb_local_store_file_list_async;
  iface->file_list_finish = sb_local_store_file_list_finish;
  iface->file_get_async = sb_local_store_file_get_async;
  iface->file_get_finish = sb_local_store_file_get_finish;
  iface->file_create_async = sb_local_store_file_create_async;
  iface->file_create_finish = finish_boolean;
  iface->file_update_async = sb_local_store_file_update_async;
  iface->file_update_finish = finish_boolean;
  iface->file_rename_async = sb_local_store_file_rename_async;
  iface->file_rename_finish = finish_boolean;
  iface->file_delete_async = sb_local_store_file_delete_async;
  iface->file_delete_finish = finish_boolean;
  iface->session_create_async = sb_local_store_session_create_async;
  iface->session_create_finish = finish_boolean;
  iface->session_get_async = sb_local_store_session_get_async;
  iface->session_get_finish = sb_local_store_session_get_finish;
  iface->session_delete_async = sb_local_store_session_delete_async;
  iface->session_delete_finish = finish_boolean;
  iface->session_delete_for_user_async = sb_local_store_session_delete_for_user_async;
  iface->session_delete_for_user_finish = finish_boolean;
  iface->blob_write_async = sb_local_store_blob_write_async;
  iface->blob_write_finish = sb_store_blob_written_finish;
  iface->blob_read_async = sb_local_store_blob_read_async;
  iface->blob_read_finish = sb_local_store_blob_read_finish;
  iface->blob_delete_async = sb_local_store_blob_delete_async;
  iface->blob_delete_finish = finish_task_boolean;
  iface->file_scan_async = sb_local_store_file_scan_async;
  iface->file_scan_finish = finish_array;
  iface->blob_list_async = sb_local_store_blob_list_async;
  iface->blob_list_finish = finish_array;
  iface->blob_stat_async = sb_local_store_blob_stat_async;
  iface->blob_stat_finish = sb_local_store_blob_stat_finish;
  iface->upload_list_async = sb_local_store_upload_list_async;
  iface->upload_list_finish = finish_array;
  iface->upload_discard_async = sb_local_store_upload_discard_async;
  iface->upload_discard_finish = finish_task_boolean;
}

static void
sb_local_store_init (SbLocalStore *self)
{
  g_mutex_init (&self->db_lock);
  g_mutex_init (&self->reserve_lock);
}

static gboolean
make_dir (const char  *path,
          GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (path);
  gboolean existed = g_file_test (path, G_FILE_TEST_IS_DIR);

  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNAVAILABLE,
                   "Cannot create the data directory %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  /* A new directory lasts only once its parent's entry is on disk. */
  if (!existed && !fsync_dir (parent, NULL))
    g_debug ("could not fsync %s", parent);
  return TRUE;
}

/* A store that exists is opened without writing anything, so that it
 * opens (to delete files, say) on a full disk. */
static int
schema_version (SbLocalStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "PRAGMA user_version", NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int (stmt, 0);
}

/* Partial writes of a process that died are garbage; nothing refers to
 * them. Another process's writes in flight are locked and left alone. */
static void
clear_tmp_dir (const char *tmp_dir)
{
  g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
  gint64 now = g_get_real_time ();
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
      gboolean active;
      gint64 mtime;

      if (tmp_file_state (path, &active, &mtime, NULL) && !active &&
          now - mtime > STALE_TMP_USEC)
        g_unlink (path);
    }
}

static gboolean
open_db (SbLocalStore  *self,
         GError       **error)
{
  g_autofree char *db_path = g_build_filename (self->data_dir, "storagebox.db", NULL);
  int persist = 1;
  int rc;

  g_clear_pointer (&self->db, sqlite3_close_v2);
  rc = sqlite3_open_v2 (db_path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SB_STORE_ERROR,
                   (rc & 0xff) == SQLITE_FULL ? SB_STORE_ERROR_NO_SPACE
                                              : SB_STORE_ERROR_UNAVAILABLE,
                   "Cannot open the database %s: %s", db_path,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return FALSE;
    }
  sqlite3_busy_timeout (self->db, 5000);
  /* The write-ahead log stays when the last connection closes, so the next
   * one finds its room already taken (a full disk has none to give). */
  sqlite3_file_control (self->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);

  /* FULL: a file the user was told is stored survives a power cut. */
  return exec_sql (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", error) &&
         (schema_version (self) >= 1 || exec_sql (self, schema_sql, error));
}

SbLocalStore *
sb_local_store_new (const char  *data_dir,
                    GError     **error)
{
  g_autoptr(SbLocalStore) self = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (SB_TYPE_LOCAL_STORE, NULL);
  self->data_dir = g_canonicalize_filename (data_dir, NULL);
  self->blob_dir = g_build_filename (self->data_dir, "blobs", NULL);
  self->tmp_dir = g_build_filename (self->data_dir, "tmp", NULL);

  if (!make_dir (self->data_dir, error) || !make_dir (self->blob_dir, error) ||
      !make_dir (self->tmp_dir, error))
    return NULL;
  clear_tmp_dir (self->tmp_dir);
  self->reserve_path = g_build_filename (self->data_dir, "reserve", NULL);
  ensure_reserve (self);

  /* On a full disk, opening may need room for SQLite's shared-memory
   * index: the reserve gives it, since opening is what deleting needs. */
  if (!open_db (self, &local_error))
    {
      if (!release_reserve (self) || (g_clear_error (&local_error), !open_db (self, &local_error)))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  return g_steal_pointer (&self);
}

const char *
sb_local_store_get_data_dir (SbLocalStore *self)
{
  g_return_val_if_fail (SB_IS_LOCAL_STORE (self), NULL);
  return self->data_dir;
}
