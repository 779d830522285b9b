/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sb-test-util.h"
#include "store-conformance.h"

static const SbStoreBackend *backend;
static SbStore *store;
static gpointer backend_data;

/* Every test gets fresh names: "<prefix><counter>x<random>". */
static char *
unique_name (const char *prefix)
{
  static guint counter;
  return g_strdup_printf ("%s%u-%08x", prefix, ++counter, g_random_int ());
}

/* Synchronous wrappers: the store is async; the tests read better straight. */

static gboolean
user_create (SbUser  *user,
             GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_user_create_async (store, user, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_user_create_finish (store, result, error);
}

static SbUser *
user_get (const char  *username,
          GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_user_get_async (store, username, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_user_get_finish (store, result, error);
}

static gboolean
user_update (SbUser  *user,
             GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_user_update_async (store, user, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_user_update_finish (store, result, error);
}

static GPtrArray *
file_list (const char  *owner,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_file_list_async (store, owner, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_file_list_finish (store, result, error);
}

static SbFile *
file_get (const char  *owner,
          const char  *name,
          GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_file_get_async (store, owner, name, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_file_get_finish (store, result, error);
}

static gboolean
file_create (SbFile  *file,
             GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_file_create_async (store, file, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_file_create_finish (store, result, error);
}

static gboolean
file_update (SbFile  *file,
             gint64   expected,
             GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_file_update_async (store, file, expected, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_file_update_finish (store, result, error);
}

static gboolean
file_rename (SbFile     *file,
             const char *old_name,
             gint64      expected,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_file_rename_async (store, file, old_name, expected, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_file_rename_finish (store, result, error);
}

static gboolean
file_delete (const char *owner,
             const char *name,
             gint64      expected,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_file_delete_async (store, owner, name, expected, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_file_delete_finish (store, result, error);
}

static gboolean
session_create (SbSession *session,
                GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_session_create_async (store, session, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_session_create_finish (store, result, error);
}

static SbSession *
session_get (const char *token_hash,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_session_get_async (store, token_hash, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_session_get_finish (store, result, error);
}

static gboolean
session_delete (const char *token_hash,
                GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_session_delete_async (store, token_hash, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_session_delete_finish (store, result, error);
}

static gboolean
session_delete_for_user (const char *username,
                         const char *except,
                         GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_session_delete_for_user_async (store, username, except, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_session_delete_for_user_finish (store, result, error);
}

static char *
blob_write (const char    *owner,
            GInputStream  *source,
            gint64         size_hint,
            GCancellable  *cancellable,
            guint64       *size,
            char         **sha256,
            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_blob_write_async (store, owner, "name.bin", "application/octet-stream", source, size_hint, cancellable, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_blob_write_finish (store, result, size, sha256, error);
}

static GInputStream *
blob_read (const char *key,
           guint64     offset,
           gint64      length,
           GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_blob_read_async (store, key, offset, length, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_blob_read_finish (store, result, error);
}

static gboolean
blob_delete (const char *key,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_blob_delete_async (store, key, NULL, sb_test_result_cb, &result);
  sb_test_await (&result);
  return sb_store_blob_delete_finish (store, result, error);
}

static GBytes *
read_all (GInputStream *stream)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (out, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                          G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static SbFile *
make_file (const char *owner,
           const char *name,
           const char *key)
{
  SbFile *file = sb_file_new (owner, name);

  sb_file_set_object_key (file, key);
  sb_file_set_size (file, 42);
  sb_file_set_content_type (file, "text/plain");
  sb_file_set_checksum (file, "0123abcd");
  sb_file_set_description (file, "A file");
  sb_file_set_created_at (file, 1700000000000000);
  sb_file_set_modified_at (file, 1700000000000001);
  sb_file_set_version (file, 1);
  return file;
}

static void
assert_same_file (SbFile *a,
                  SbFile *b)
{
  g_assert_cmpstr (sb_file_get_owner (a), ==, sb_file_get_owner (b));
  g_assert_cmpstr (sb_file_get_name (a), ==, sb_file_get_name (b));
  g_assert_cmpstr (sb_file_get_object_key (a), ==, sb_file_get_object_key (b));
  g_assert_cmpuint (sb_file_get_size (a), ==, sb_file_get_size (b));
  g_assert_cmpstr (sb_file_get_content_type (a), ==, sb_file_get_content_type (b));
  g_assert_cmpstr (sb_file_get_checksum (a), ==, sb_file_get_checksum (b));
  g_assert_cmpstr (sb_file_get_description (a), ==, sb_file_get_description (b));
  g_assert_cmpint (sb_file_get_created_at (a), ==, sb_file_get_created_at (b));
  g_assert_cmpint (sb_file_get_modified_at (a), ==, sb_file_get_modified_at (b));
  g_assert_cmpint (sb_file_get_version (a), ==, sb_file_get_version (b));
}

/* Users */

static void
test_users_create_get (void)
{
  g_autofree char *name = unique_name ("user");
  g_autoptr(SbUser) user = sb_user_new (name, "a@example.com", "$argon2id$hash", "user",
                                        1700000000000000, 1700000000000002);
  g_autoptr(SbUser) got = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (user_create (user, &error));
  g_assert_no_error (error);

  got = user_get (name, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_user_get_username (got), ==, name);
  g_assert_cmpstr (sb_user_get_email (got), ==, "a@example.com");
  g_assert_cmpstr (sb_user_get_password_hash (got), ==, "$argon2id$hash");
  g_assert_cmpstr (sb_user_get_role (got), ==, "user");
  g_assert_cmpint (sb_user_get_created_at (got), ==, 1700000000000000);
  g_assert_cmpint (sb_user_get_updated_at (got), ==, 1700000000000002);
}

static void
test_users_missing (void)
{
  g_autofree char *name = unique_name ("nobody");
  g_autoptr(GError) error = NULL;
  g_autoptr(SbUser) got = user_get (name, &error);

  g_assert_null (got);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
}

static void
test_users_duplicate (void)
{
  g_autofree char *name = unique_name ("dup");
  g_autoptr(SbUser) first = sb_user_new (name, "first@example.com", "h1", "user", 1, 1);
  g_autoptr(SbUser) second = sb_user_new (name, "second@example.com", "h2", "user", 2, 2);
  g_autoptr(SbUser) got = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (user_create (first, NULL));
  g_assert_false (user_create (second, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS);

  /* The first account is untouched. */
  got = user_get (name, NULL);
  g_assert_cmpstr (sb_user_get_email (got), ==, "first@example.com");
  g_assert_cmpstr (sb_user_get_password_hash (got), ==, "h1");
}

typedef struct
{
  guint done;
  guint succeeded;
  guint exists;
} Race;

static void
race_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Race *race = user_data;
  g_autoptr(GError) error = NULL;

  if (sb_store_user_create_finish (SB_STORE (object), result, &error))
    race->succeeded++;
  else if (g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS))
    race->exists++;
  race->done++;
}

static void
test_users_concurrent_create (void)
{
  g_autofree char *name = unique_name ("race");
  Race race = { 0 };
  const guint n = 16;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *email = g_strdup_printf ("racer%u@example.com", i);
      g_autoptr(SbUser) user = sb_user_new (name, email, "h", "user", i, i);
      sb_store_user_create_async (store, user, NULL, race_cb, &race);
    }
  while (race.done < n)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (race.succeeded, ==, 1);
  g_assert_cmpuint (race.exists, ==, n - 1);
}

static void
test_users_update (void)
{
  g_autofree char *name = unique_name ("upd");
  g_autoptr(SbUser) user = sb_user_new (name, "old@example.com", "old-hash", "user", 10, 10);
  g_autoptr(SbUser) got = NULL;
  g_autoptr(SbUser) ghost = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (user_create (user, NULL));
  sb_user_set_email (user, "new@example.com");
  sb_user_set_password_hash (user, "new-hash");
  sb_user_set_updated_at (user, 20);
  g_assert_true (user_update (user, &error));
  g_assert_no_error (error);

  got = user_get (name, NULL);
  g_assert_cmpstr (sb_user_get_email (got), ==, "new@example.com");
  g_assert_cmpstr (sb_user_get_password_hash (got), ==, "new-hash");
  g_assert_cmpint (sb_user_get_created_at (got), ==, 10);
  g_assert_cmpint (sb_user_get_updated_at (got), ==, 20);

  ghost = sb_user_new ("ghost-never-created", "g@example.com", "h", "user", 1, 1);
  g_assert_false (user_update (ghost, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (user_get ("ghost-never-created", &error));
}

/* File records */

static void
test_files_create_get_list (void)
{
  g_autofree char *owner = unique_name ("own");
  const char *names[] = { "b.txt", "A.txt", "a.txt", "é.txt", "z z.txt" };
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  list = file_list (owner, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *key = g_strdup_printf ("%s/key%u", owner, i);
      g_autoptr(SbFile) file = make_file (owner, names[i], key);
      g_autoptr(SbFile) got = NULL;

      g_assert_true (file_create (file, &error));
      g_assert_no_error (error);
      got = file_get (owner, names[i], &error);
      g_assert_no_error (error);
      assert_same_file (file, got);
    }

  /* Sorted bytewise by name: "A.txt" < "a.txt" < "b.txt" < "z z.txt" < "é.txt" */
  list = file_list (owner, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 5);
  g_assert_cmpstr (sb_file_get_name (g_ptr_array_index (list, 0)), ==, "A.txt");
  g_assert_cmpstr (sb_file_get_name (g_ptr_array_index (list, 1)), ==, "a.txt");
  g_assert_cmpstr (sb_file_get_name (g_ptr_array_index (list, 2)), ==, "b.txt");
  g_assert_cmpstr (sb_file_get_name (g_ptr_array_index (list, 3)), ==, "z z.txt");
  g_assert_cmpstr (sb_file_get_name (g_ptr_array_index (list, 4)), ==, "é.txt");
}

static void
test_files_odd_names (void)
{
  g_autofree char *owner = unique_name ("odd");
  g_autofree char *long_name = g_strnfill (255, 'n');
  const char *names[] = {
    "with space.txt", "quote\"and'apostrophe", "<script>alert(1)</script>", "日本語のファイル",
    "percent%20name", "plus+name", "emoji 😀.png", "back\\slash", "..dots..", "#hash?query&amp",
    long_name,
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(SbFile) file = make_file (owner, names[i], "k");
      g_autoptr(SbFile) got = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (file_create (file, &error));
      g_assert_no_error (error);
      got = file_get (owner, names[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (sb_file_get_name (got), ==, names[i]);
    }
  {
    g_autoptr(GPtrArray) list = file_list (owner, NULL);
    g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (names));
  }
}

static void
test_files_duplicate (void)
{
  g_autofree char *owner = unique_name ("fdup");
  g_autoptr(SbFile) file = make_file (owner, "same.txt", "k1");
  g_autoptr(SbFile) other = make_file (owner, "same.txt", "k2");
  g_autoptr(SbFile) got = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (file_create (file, NULL));
  g_assert_false (file_create (other, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS);
  got = file_get (owner, "same.txt", NULL);
  g_assert_cmpstr (sb_file_get_object_key (got), ==, "k1");
}

static void
test_files_owners_isolated (void)
{
  g_autofree char *alice = unique_name ("alice");
  g_autofree char *bob = unique_name ("bob");
  g_autoptr(SbFile) a = make_file (alice, "shared-name.txt", "ka");
  g_autoptr(SbFile) b = make_file (bob, "shared-name.txt", "kb");
  g_autoptr(SbFile) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  /* The original app keyed metadata by bare file name; two users collided. */
  g_assert_true (file_create (a, NULL));
  g_assert_true (file_create (b, &error));
  g_assert_no_error (error);

  got = file_get (alice, "shared-name.txt", NULL);
  g_assert_cmpstr (sb_file_get_object_key (got), ==, "ka");
  g_clear_object (&got);
  got = file_get (bob, "shared-name.txt", NULL);
  g_assert_cmpstr (sb_file_get_object_key (got), ==, "kb");

  g_assert_true (file_delete (bob, "shared-name.txt", -1, NULL));
  list = file_list (alice, NULL);
  g_assert_cmpuint (list->len, ==, 1);
}

static void
test_files_update_versions (void)
{
  g_autofree char *owner = unique_name ("ver");
  g_autoptr(SbFile) file = make_file (owner, "v.txt", "k1");
  g_autoptr(SbFile) got = NULL;
  g_autoptr(SbFile) ghost = make_file (owner, "ghost.txt", "k");
  g_autoptr(GError) error = NULL;

  g_assert_true (file_create (file, NULL));

  sb_file_set_object_key (file, "k2");
  sb_file_set_description (file, "second");
  sb_file_set_size (file, 7);
  sb_file_set_version (file, 2);
  g_assert_true (file_update (file, 1, &error));
  g_assert_no_error (error);
  got = file_get (owner, "v.txt", NULL);
  assert_same_file (file, got);
  g_clear_object (&got);

  /* A writer that read version 1 must not overwrite version 2. */
  sb_file_set_description (file, "stale");
  sb_file_set_version (file, 2);
  g_assert_false (file_update (file, 1, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  got = file_get (owner, "v.txt", NULL);
  g_assert_cmpstr (sb_file_get_description (got), ==, "second");

  g_assert_false (file_update (ghost, 1, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
}

static void
test_files_rename (void)
{
  g_autofree char *owner = unique_name ("ren");
  g_autoptr(SbFile) file = make_file (owner, "old.txt", "k1");
  g_autoptr(SbFile) blocker = make_file (owner, "taken.txt", "k2");
  g_autoptr(SbFile) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (file_create (file, NULL));
  g_assert_true (file_create (blocker, NULL));

  /* Onto an existing name: refused, nothing changes. */
  sb_file_set_name (file, "taken.txt");
  sb_file_set_version (file, 2);
  g_assert_false (file_rename (file, "old.txt", 1, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  got = file_get (owner, "taken.txt", NULL);
  g_assert_cmpstr (sb_file_get_object_key (got), ==, "k2");
  g_clear_object (&got);
  got = file_get (owner, "old.txt", NULL);
  g_assert_nonnull (got);
  g_clear_object (&got);

  /* From a stale version: refused. */
  sb_file_set_name (file, "new.txt");
  g_assert_false (file_rename (file, "old.txt", 7, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  /* Properly: the old name is gone, the new one has every field. */
  g_assert_true (file_rename (file, "old.txt", 1, &error));
  g_assert_no_error (error);
  got = file_get (owner, "new.txt", NULL);
  assert_same_file (file, got);
  g_assert_null (file_get (owner, "old.txt", &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  list = file_list (owner, NULL);
  g_assert_cmpuint (list->len, ==, 2);

  /* From a name that does not exist. */
  sb_file_set_name (file, "newer.txt");
  g_assert_false (file_rename (file, "missing.txt", 1, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
}

static void
test_files_delete (void)
{
  g_autofree char *owner = unique_name ("del");
  g_autoptr(SbFile) file = make_file (owner, "d.txt", "k");
  g_autoptr(SbFile) again = make_file (owner, "d.txt", "k");
  g_autoptr(GError) error = NULL;

  g_assert_true (file_create (file, NULL));
  g_assert_false (file_delete (owner, "d.txt", 5, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_true (file_delete (owner, "d.txt", 1, &error));
  g_assert_no_error (error);
  g_assert_false (file_delete (owner, "d.txt", -1, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (file_create (again, NULL));
  g_assert_true (file_delete (owner, "d.txt", -1, &error));
  g_assert_no_error (error);
}

static void
test_files_many (void)
{
  g_autofree char *owner = unique_name ("many");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  const guint n = 250;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("file-%04u.dat", i);
      g_autoptr(SbFile) file = make_file (owner, name, "k");
      /* Long descriptions make pages big, so paging backends must page. */
      g_autofree char *description = g_strnfill (900, 'd');
      sb_file_set_description (file, description);
      g_assert_true (file_create (file, NULL));
    }
  list = file_list (owner, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("file-%04u.dat", i);
      g_assert_cmpstr (sb_file_get_name (g_ptr_array_index (list, i)), ==, name);
    }
}

/* Sessions */

static void
test_sessions (void)
{
  g_autofree char *user = unique_name ("sess");
  g_autofree char *h1 = unique_name ("hash-one");
  g_autofree char *h2 = unique_name ("hash-two");
  g_autofree char *h3 = unique_name ("hash-three");
  gint64 later = g_get_real_time () + G_TIME_SPAN_HOUR;
  g_autoptr(SbSession) s1 = sb_session_new (h1, user, "csrf-1", 100, later);
  g_autoptr(SbSession) s2 = sb_session_new (h2, user, "csrf-2", 200, later + 1);
  g_autoptr(SbSession) s3 = sb_session_new (h3, user, "csrf-3", 300, later + 2);
  g_autoptr(SbSession) got = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (session_create (s1, &error));
  g_assert_no_error (error);
  g_assert_true (session_create (s2, NULL));
  g_assert_true (session_create (s3, NULL));

  got = session_get (h1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_session_get_username (got), ==, user);
  g_assert_cmpstr (sb_session_get_csrf (got), ==, "csrf-1");
  g_assert_cmpint (sb_session_get_created_at (got), ==, 100);
  g_assert_cmpint (sb_session_get_expires_at (got), ==, later);
  g_assert_null (sb_session_get_token (got));
  g_clear_object (&got);

  g_assert_true (session_delete (h1, &error));
  g_assert_null (session_get (h1, &error));
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (session_delete (h1, &error));
  g_assert_no_error (error);

  /* Ending every other session of the user keeps the one asked for. */
  g_assert_true (session_delete_for_user (user, h3, &error));
  g_assert_no_error (error);
  g_assert_null (session_get (h2, NULL));
  got = session_get (h3, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
}

/* Blobs */

/* Clean-up after a failure may still be in flight when the call returns. */
static void
wait_for_no_blobs (const char *owner)
{
  for (guint i = 0; i < 200 && backend->count_blobs (backend_data, owner) > 0; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }
}

static void
roundtrip (gsize size)
{
  g_autofree char *owner = unique_name ("blob");
  g_autoptr(GBytes) data = sb_test_random_bytes (size, (guint32) size);
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (data);
  g_autoptr(GInputStream) back = NULL;
  g_autoptr(GBytes) read = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *expected_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  g_autofree char *key = NULL;
  guint64 written = 0;

  key = blob_write (owner, source, (gint64) size, NULL, &written, &sha, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (key, owner));
  g_assert_cmpint (key[strlen (owner)], ==, '/');
  g_assert_cmpuint (written, ==, size);
  g_assert_cmpstr (sha, ==, expected_sha);
  g_assert_cmpuint (backend->count_blobs (backend_data, owner), ==, 1);

  back = blob_read (key, 0, -1, &error);
  g_assert_no_error (error);
  read = read_all (back);
  g_assert_true (g_bytes_equal (read, data));

  g_assert_true (blob_delete (key, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (backend->count_blobs (backend_data, owner), ==, 0);
}

static void
test_blobs_roundtrip_empty (void)
{
  roundtrip (0);
}

static void
test_blobs_roundtrip_small (void)
{
  roundtrip (1);
  roundtrip (4095);
}

static void
test_blobs_roundtrip_large (void)
{
  /* Not a multiple of any buffer or part size. */
  roundtrip (3 * 1024 * 1024 + 12345);
}

static void
test_blobs_unknown_size (void)
{
  g_autofree char *owner = unique_name ("nosize");
  g_autoptr(GBytes) data = sb_test_random_bytes (700000, 7);
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (data);
  g_autoptr(GInputStream) back = NULL;
  g_autoptr(GBytes) read = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  guint64 written = 0;

  key = blob_write (owner, source, -1, NULL, &written, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, 700000);
  back = blob_read (key, 0, -1, &error);
  g_assert_no_error (error);
  read = read_all (back);
  g_assert_true (g_bytes_equal (read, data));
}

static void
test_blobs_range (void)
{
  g_autofree char *owner = unique_name ("range");
  g_autoptr(GBytes) data = sb_test_random_bytes (100000, 99);
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (data);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = blob_write (owner, source, 100000, NULL, NULL, NULL, &error);
  const struct { guint64 offset; gint64 length; } ranges[] = {
    { 0, 1 }, { 0, 100000 }, { 99999, 1 }, { 12345, 54321 }, { 50000, -1 }, { 100000, -1 },
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      g_autoptr(GInputStream) back = blob_read (key, ranges[i].offset, ranges[i].length, &error);
      g_autoptr(GBytes) read = NULL;
      g_autoptr(GBytes) expected = NULL;
      gsize len = ranges[i].length < 0 ? 100000 - ranges[i].offset : (gsize) ranges[i].length;

      g_assert_no_error (error);
      read = read_all (back);
      expected = g_bytes_new_from_bytes (data, ranges[i].offset, len);
      g_assert_true (g_bytes_equal (read, expected));
    }
}

static void
test_blobs_missing (void)
{
  g_autofree char *owner = unique_name ("gone");
  g_autofree char *key = g_strdup_printf ("%s/0123456789abcdef0123456789abcdef", owner);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) back = blob_read (key, 0, -1, &error);

  g_assert_null (back);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Deleting what is not there is not an error. */
  g_assert_true (blob_delete (key, &error));
  g_assert_no_error (error);
}

static void
test_blobs_failed_source_leaves_nothing (void)
{
  g_autofree char *owner = unique_name ("fail");
  g_autoptr(GInputStream) source = sb_test_failing_stream_new (2 * 1024 * 1024 + 17);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = blob_write (owner, source, 4 * 1024 * 1024, NULL, NULL, NULL, &error);

  g_assert_null (key);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  /* Give asynchronous clean-up a chance to run before counting. */
  wait_for_no_blobs (owner);
  g_assert_cmpuint (backend->count_blobs (backend_data, owner), ==, 0);
}

static void
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
}

static void
test_blobs_cancelled_leaves_nothing (void)
{
  g_autofree char *owner = unique_name ("cancel");
  g_autoptr(GBytes) data = sb_test_random_bytes (8 * 1024 * 1024, 5);
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (data);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  g_idle_add_once (cancel_soon, cancellable);
  key = blob_write (owner, source, 8 * 1024 * 1024, cancellable, NULL, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  wait_for_no_blobs (owner);
  g_assert_cmpuint (backend->count_blobs (backend_data, owner), ==, 0);
}

/* Maintenance (what fsck works from) */

static GPtrArray *
file_scan (GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_file_scan_async (store, NULL, sb_test_result_cb, &result);
  return sb_store_file_scan_finish (store, sb_test_await (&result), error);
}

static GPtrArray *
blob_list (GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_blob_list_async (store, NULL, sb_test_result_cb, &result);
  return sb_store_blob_list_finish (store, sb_test_await (&result), error);
}

static SbBlobInfo *
blob_stat (const char *key,
           GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_blob_stat_async (store, key, NULL, sb_test_result_cb, &result);
  return sb_store_blob_stat_finish (store, sb_test_await (&result), error);
}

static GPtrArray *
upload_list (GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_upload_list_async (store, NULL, sb_test_result_cb, &result);
  return sb_store_upload_list_finish (store, sb_test_await (&result), error);
}

static gboolean
upload_discard (const SbBlobInfo *upload,
                GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sb_store_upload_discard_async (store, upload, NULL, sb_test_result_cb, &result);
  return sb_store_upload_discard_finish (store, sb_test_await (&result), error);
}

static SbBlobInfo *
find_blob (GPtrArray  *blobs,
           const char *key)
{
  for (guint i = 0; i < blobs->len; i++)
    {
      SbBlobInfo *info = blobs->pdata[i];

      if (g_strcmp0 (info->key, key) == 0)
        return info;
    }
  return NULL;
}

static SbBlobInfo *
find_upload (GPtrArray  *uploads,
             const char *upload_id)
{
  for (guint i = 0; i < uploads->len; i++)
    {
      SbBlobInfo *info = uploads->pdata[i];

      if (g_strcmp0 (info->upload_id, upload_id) == 0)
        return info;
    }
  return NULL;
}

static void
test_maintenance_scan_every_owner (void)
{
  g_autofree char *alice = unique_name ("scana");
  g_autofree char *bob = unique_name ("scanb");
  g_autoptr(SbFile) a = make_file (alice, "one.txt", "ka");
  g_autoptr(SbFile) b = make_file (bob, "two.txt", "kb");
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  guint found = 0;

  g_assert_true (file_create (a, &error));
  g_assert_true (file_create (b, &error));
  all = file_scan (&error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      SbFile *file = all->pdata[i];

      if (g_str_equal (sb_file_get_owner (file), alice))
        {
          assert_same_file (file, a);
          found++;
        }
      else if (g_str_equal (sb_file_get_owner (file), bob))
        {
          assert_same_file (file, b);
          found++;
        }
    }
  g_assert_cmpuint (found, ==, 2);
}

/* Owner and name are kept with the bytes, so a record can be rebuilt from
 * them alone; the listing has every complete blob with its size and date. */
static void
test_maintenance_blobs (void)
{
  g_autofree char *owner = unique_name ("keep");
  const char *name = "Résumé – final (2).pdf";
  g_autoptr(GBytes) data = sb_test_random_bytes (12345, 3);
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (data);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) blobs = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(SbBlobInfo) info = NULL;
  g_autoptr(SbBlobInfo) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *missing_key = NULL;
  gint64 before = g_get_real_time ();
  SbBlobInfo *listed;

  sb_store_blob_write_async (store, owner, name, "application/pdf", source, 12345, NULL,
                             sb_test_result_cb, &result);
  key = sb_store_blob_write_finish (store, sb_test_await (&result), NULL, NULL, &error);
  g_assert_no_error (error);

  blobs = blob_list (&error);
  g_assert_no_error (error);
  listed = find_blob (blobs, key);
  g_assert_nonnull (listed);
  g_assert_cmpuint (listed->size, ==, 12345);
  /* Some stores keep whole seconds. */
  g_assert_cmpint (listed->modified_at, >=, before - 2 * G_USEC_PER_SEC);
  g_assert_cmpint (listed->modified_at, <=, g_get_real_time () + 2 * G_USEC_PER_SEC);

  info = blob_stat (key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->key, ==, key);
  g_assert_cmpuint (info->size, ==, 12345);
  g_assert_cmpstr (info->owner, ==, owner);
  g_assert_cmpstr (info->name, ==, name);

  missing_key = g_strdup_printf ("%s/0123456789abcdef0123456789abcdef", owner);
  missing = blob_stat (missing_key, &error);
  g_assert_null (missing);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (blob_delete (key, &error));
  after = blob_list (&error);
  g_assert_no_error (error);
  g_assert_null (find_blob (after, key));
}

static void
test_maintenance_unfinished_uploads (void)
{
  g_autofree char *owner = unique_name ("stale");
  g_autoptr(SbBlobInfo) planted = NULL;
  g_autoptr(GPtrArray) uploads = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  SbBlobInfo *listed;

  planted = backend->plant_upload (backend_data, owner, &error);
  if (planted == NULL)
    {
      g_test_skip (error->message);
      return;
    }
  uploads = upload_list (&error);
  g_assert_no_error (error);
  listed = find_upload (uploads, planted->upload_id);
  g_assert_nonnull (listed);
  g_assert_false (listed->active);
  g_assert_cmpint (listed->modified_at, <=, g_get_real_time () + 2 * G_USEC_PER_SEC);

  g_assert_true (upload_discard (listed, &error));
  g_assert_no_error (error);
  after = upload_list (&error);
  g_assert_no_error (error);
  g_assert_null (find_upload (after, planted->upload_id));
  /* Gone already: still a success. */
  g_assert_true (upload_discard (planted, &error));
  g_assert_no_error (error);
}

/* A freshly uploaded file lists as STANDARD, whatever the record says:
 * the class is the store's to tell (on S3 it is the object's), and a file
 * whose content the store does not find still lists, as STANDARD. */
static void
test_files_storage_class (void)
{
  g_autofree char *owner = unique_name ("class");
  g_autoptr(GBytes) data = sb_test_random_bytes (5000, 11);
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (data);
  g_autofree char *missing_key = g_strdup_printf ("%s/%064x", owner, 0);
  g_autoptr(SbFile) uploaded = NULL;
  g_autoptr(SbFile) lost = NULL;
  g_autoptr(SbFile) copy = NULL;
  g_autoptr(SbFile) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  key = blob_write (owner, source, 5000, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  uploaded = make_file (owner, "uploaded.bin", key);
  g_assert_cmpstr (sb_file_get_storage_class (uploaded), ==, "STANDARD");
  sb_file_set_storage_class (uploaded, "GLACIER");
  copy = sb_file_copy (uploaded);
  g_assert_cmpstr (sb_file_get_storage_class (copy), ==, "GLACIER");
  sb_file_set_storage_class (copy, NULL);
  g_assert_cmpstr (sb_file_get_storage_class (copy), ==, "STANDARD");
  g_assert_true (file_create (uploaded, &error));
  g_assert_no_error (error);
  lost = make_file (owner, "lost.bin", missing_key);
  g_assert_true (file_create (lost, &error));
  g_assert_no_error (error);

  list = file_list (owner, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (sb_file_get_name (g_ptr_array_index (list, 0)), ==, "lost.bin");
  g_assert_cmpstr (sb_file_get_storage_class (g_ptr_array_index (list, 0)), ==, "STANDARD");
  g_assert_cmpstr (sb_file_get_name (g_ptr_array_index (list, 1)), ==, "uploaded.bin");
  g_assert_cmpstr (sb_file_get_storage_class (g_ptr_array_index (list, 1)), ==, "STANDARD");
  got = file_get (owner, "uploaded.bin", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sb_file_get_storage_class (got), ==, "STANDARD");

  g_assert_true (file_delete (owner, "uploaded.bin", 1, &error));
  g_assert_no_error (error);
  g_assert_true (file_delete (owner, "lost.bin", 1, &error));
  g_assert_no_error (error);
  g_assert_true (blob_delete (key, &error));
  g_assert_no_error (error);
}

/* Content that is not archived (all a fresh upload ever is, on either
 * backend): no restore running, no restored copy, and nothing to restore.
 * The embedded store has one class; RGW archives nothing. */
static void
test_blobs_restore_not_archived (void)
{
  g_autofree char *owner = unique_name ("restore");
  g_autoptr(GBytes) data = sb_test_random_bytes (300, 13);
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_bytes (data);
  g_autoptr(SbFile) file = NULL;
  g_autoptr(SbFile) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GAsyncResult) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  key = blob_write (owner, source, 300, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  file = make_file (owner, "plain.bin", key);
  g_assert_true (file_create (file, &error));
  g_assert_no_error (error);

  list = file_list (owner, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_false (sb_file_get_restore_in_progress (list->pdata[0]));
  g_assert_cmpint (sb_file_get_restored_until (list->pdata[0]), ==, 0);
  g_assert_cmpint (sb_file_get_restore_requested_at (list->pdata[0]), ==, 0);
  got = file_get (owner, "plain.bin", &error);
  g_assert_no_error (error);
  g_assert_false (sb_file_get_restore_in_progress (got));
  g_assert_cmpint (sb_file_get_restored_until (got), ==, 0);

  sb_store_blob_restore_async (store, key, 1, "Standard", NULL, sb_test_result_cb, &restored);
  g_assert_false (sb_store_blob_restore_finish (store, sb_test_await (&restored), &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_SUPPORTED);

  g_assert_true (file_delete (owner, "plain.bin", 1, NULL));
  g_assert_true (blob_delete (key, NULL));
}

/* Registration */

static void
add (const char *path,
     GTestFunc   func)
{
  g_autofree char *full = g_strdup_printf ("/store/%s/%s", backend->name, path);
  g_test_add_func (full, func);
}

void
sb_store_conformance_add_tests (const SbStoreBackend *b)
{
  backend = b;
  store = backend->open (&backend_data);

  add ("users/create-get", test_users_create_get);
  add ("users/missing", test_users_missing);
  add ("users/duplicate-refused", test_users_duplicate);
  add ("users/concurrent-create-one-wins", test_users_concurrent_create);
  add ("users/update", test_users_update);
  add ("files/create-get-list-sorted", test_files_create_get_list);
  add ("files/odd-names", test_files_odd_names);
  add ("files/duplicate-refused", test_files_duplicate);
  add ("files/owners-isolated", test_files_owners_isolated);
  add ("files/update-checks-version", test_files_update_versions);
  add ("files/rename", test_files_rename);
  add ("files/delete", test_files_delete);
  add ("files/list-many", test_files_many);
  add ("files/storage-class", test_files_storage_class);
  add ("sessions/create-get-delete", test_sessions);
  add ("blobs/roundtrip-empty", test_blobs_roundtrip_empty);
  add ("blobs/roundtrip-small", test_blobs_roundtrip_small);
  add ("blobs/roundtrip-large", test_blobs_roundtrip_large);
  add ("blobs/unknown-size", test_blobs_unknown_size);
  add ("blobs/range", test_blobs_range);
  add ("blobs/missing", test_blobs_missing);
  add ("blobs/restore-not-archived", test_blobs_restore_not_archived);
  add ("blobs/failed-source-leaves-nothing", test_blobs_failed_source_leaves_nothing);
  add ("blobs/cancelled-leaves-nothing", test_blobs_cancelled_leaves_nothing);
  add ("maintenance/scan-every-owner", test_maintenance_scan_every_owner);
  add ("maintenance/blobs-keep-owner-and-name", test_maintenance_blobs);
  add ("maintenance/unfinished-uploads", test_maintenance_unfinished_uploads);
}

int
sb_store_conformance_run (void)
{
  int status = g_test_run ();

  backend->close (store, backend_data);
  store = NULL;
  return status;
}
