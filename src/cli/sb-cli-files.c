/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "sb-cli.h"
#include "sb-error.h"
#include "sb-storage-class.h"

/* put, get, ls, rm: a user's files, through SbLibrary like every front
 * end, so the same rules (names, sizes, versions) apply. */

/* Big enough that a 1 GiB download is a thousand round trips through the
 * main loop, not a hundred thousand. */
#define COPY_BUFFER (1024 * 1024)

gboolean
sb_cli_user_exists (SbService   *service,
             const char  *username,
             GError     **error)
{
  SbAccounts *accounts = sb_service_get_accounts (service);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SbUser) user = NULL;

  sb_accounts_get_profile_async (accounts, username, NULL, sb_await_cb, &result);
  user = sb_accounts_get_profile_finish (accounts, sb_await (&result), NULL, NULL, error);
  if (user == NULL && error && g_error_matches (*error, SB_ERROR, SB_ERROR_NOT_FOUND))
    {
      g_clear_error (error);
      g_set_error (error, SB_ERROR, SB_ERROR_NOT_FOUND,
                   _("There is no user “%s”: check --user, or create the account with "
                     "“storagebox-cli adduser”."), username);
    }
  return user != NULL;
}

gboolean
sb_cli_need_user (const char *command,
           const char *user)
{
  if (user != NULL)
    return TRUE;
  g_printerr (_("storagebox-cli %s: --user is required.\n"), command);
  return FALSE;
}

/* put */

static int
put_file (SbService     *service,
          const char    *user,
          const char    *name,
          const char    *description,
          const char    *content_type,
          GInputStream  *source,
          gint64         size_hint,
          gboolean       replace)
{
  SbLibrary *library = sb_service_get_library (service);
  g_autoptr(SbFile) stored = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *type = NULL;

  if (!sb_cli_user_exists (service, user, &error))
    return sb_cli_fail (error);

  type = sb_library_guess_content_type (name, content_type);
  sb_library_upload_async (library, user, name, description ? description : "", type, source,
                           size_hint, replace ? SB_UPLOAD_REPLACE : SB_UPLOAD_NONE, NULL, NULL,
                           NULL, sb_await_cb, &result);
  stored = sb_library_upload_finish (library, sb_await (&result), &error);
  if (stored == NULL)
    return sb_cli_fail (error);
  return SB_CLI_OK;
}

int
sb_cli_put (int    argc,
            char **argv)
{
  g_autofree char *user = NULL;
  g_autofree char *description = NULL;
  g_autofree char *content_type = NULL;
  gboolean replace = FALSE;
  GOptionEntry entries[] = {
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("Whose file it is (required)"), N_("USER") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("The file's description"),
      N_("TEXT") },
    { "content-type", 0, 0, G_OPTION_ARG_STRING, &content_type,
      N_("MIME type (default: guessed from the name)"), N_("TYPE") },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace,
      N_("Replace the content of a file of that name (keeps its description and creation "
         "date)"), NULL },
    { NULL }
  };
  g_autoptr(SbConfig) config = sb_config_new (NULL);
  g_autoptr(SbService) service = NULL;
  g_autoptr(GInputStream) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  gint64 size_hint = -1;
  int status;

  if (!sb_cli_parse ("put", "LOCAL [NAME]",
                     _("Upload LOCAL (a file, or - for standard input) as NAME (default: LOCAL's\n"
                       "base name) for --user, streamed with bounded memory whatever its size."),
                     entries, 1, 2, &argc, &argv, config, &status) ||
      !sb_cli_need_user ("put", user))
    return user ? status : SB_CLI_USAGE;

  if (argc > 2)
    name = g_strdup (argv[2]);
  else if (!g_str_equal (argv[1], "-"))
    name = g_path_get_basename (argv[1]);
  else
    {
      g_printerr ("%s\n", _("storagebox-cli put: give a NAME when reading standard input."));
      return SB_CLI_USAGE;
    }

  if (g_str_equal (argv[1], "-"))
    source = g_unix_input_stream_new (0, FALSE);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[1]);
      g_autoptr(GFileInfo) info = NULL;

      source = G_INPUT_STREAM (g_file_read (file, NULL, &error));
      if (source == NULL)
        return sb_cli_fail (error);
      info = g_file_input_stream_query_info (G_FILE_INPUT_STREAM (source),
                                             G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
      if (info != NULL)
        size_hint = g_file_info_get_size (info);
    }

  if ((service = sb_cli_open (config, &status)) == NULL)
    return status;
  /* A refused upload deletes what it stored in the background: closing
   * waits for that. */
  status = put_file (service, user, name, description, content_type, source, size_hint, replace);
  sb_cli_close (g_steal_pointer (&service));
  return status;
}

/* get */

typedef struct
{
  GInputStream  *in;
  GOutputStream *out;
  guint8        *buffer;
  guint64        copied;
  GError        *error;
  gboolean       done;
} Copy;

static void copy_next (Copy *copy);

static void
copy_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Copy *copy = user_data;
  gsize written = 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, &written,
                                         &copy->error))
    {
      copy->done = TRUE;
      return;
    }
  copy->copied += written;
  copy_next (copy);
}

static void
copy_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Copy *copy = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &copy->error);

  if (n <= 0)
    {
      copy->done = TRUE;
      return;
    }
  g_output_stream_write_all_async (copy->out, copy->buffer, (gsize) n, G_PRIORITY_DEFAULT, NULL,
                                   copy_written_cb, copy);
}

static void
copy_next (Copy *copy)
{
  g_input_stream_read_async (copy->in, copy->buffer, COPY_BUFFER, G_PRIORITY_DEFAULT, NULL,
                             copy_read_cb, copy);
}

/* Streams @in to @out, a buffer at a time, without blocking the loop. */
static gboolean
copy_stream (GInputStream   *in,
             GOutputStream  *out,
             guint64        *copied,
             GError        **error)
{
  Copy copy = { in, out, g_malloc (COPY_BUFFER), 0, NULL, FALSE };

  copy_next (&copy);
  while (!copy.done)
    g_main_context_iteration (NULL, TRUE);
  g_free (copy.buffer);
  *copied = copy.copied;
  if (copy.error != NULL)
    {
      g_propagate_error (error, copy.error);
      return FALSE;
    }
  return TRUE;
}

static int
get_file (SbService  *service,
          const char *user,
          const char *name,
          const char *local)
{
  SbLibrary *library = sb_service_get_library (service);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GFile) target = NULL;
  g_autoptr(SbFile) file = NULL;
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GAsyncResult) created = NULL;
  g_autoptr(GAsyncResult) closed = NULL;
  g_autoptr(GError) error = NULL;
  guint64 copied = 0;

  sb_library_open_async (library, user, name, 0, -1, NULL, sb_await_cb, &opened);
  stream = sb_library_open_finish (library, sb_await (&opened), &file, &error);
  if (stream == NULL)
    return sb_cli_fail (error);

  if (g_str_equal (local, "-"))
    out = g_unix_output_stream_new (1, FALSE);
  else
    {
      /* GIO writes beside the target and renames on close. */
      target = g_file_new_for_commandline_arg (local);
      g_file_replace_async (target, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                            G_PRIORITY_DEFAULT, NULL, sb_await_cb, &created);
      out = G_OUTPUT_STREAM (g_file_replace_finish (target, sb_await (&created), &error));
      if (out == NULL)
        return sb_cli_fail (error);
    }

  /* Core fails a short or damaged download (sb_library_open_async), so
   * nothing is left to check here. */
  if (!copy_stream (stream, out, &copied, &error))
    {
      /* A replace stream closed when cancelled discards what it wrote and
       * leaves the target as it was (closing it otherwise, as finalizing
       * would, puts the partial content in its place). */
      g_autoptr(GCancellable) discard = g_cancellable_new ();

      g_cancellable_cancel (discard);
      g_output_stream_close (out, discard, NULL);
      return sb_cli_fail (error);
    }
  g_output_stream_close_async (out, G_PRIORITY_DEFAULT, NULL, sb_await_cb, &closed);
  if (!g_output_stream_close_finish (out, sb_await (&closed), &error))
    return sb_cli_fail (error);
  return SB_CLI_OK;
}

int
sb_cli_get (int    argc,
            char **argv)
{
  g_autofree char *user = NULL;
  GOptionEntry entries[] = {
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("Whose file it is (required)"), N_("USER") },
    { NULL }
  };
  g_autoptr(SbConfig) config = sb_config_new (NULL);
  g_autoptr(SbService) service = NULL;
  int status;

  if (!sb_cli_parse ("get", "NAME [LOCAL]",
                     _("Download --user's file NAME to LOCAL (default: NAME in the current\n"
                       "directory; - for standard output), streamed with bounded memory. A file\n"
                       "appears at LOCAL only once complete."),
                     entries, 1, 2, &argc, &argv, config, &status) ||
      !sb_cli_need_user ("get", user))
    return user ? status : SB_CLI_USAGE;

  if ((service = sb_cli_open (config, &status)) == NULL)
    return status;
  status = get_file (service, user, argv[1], argc > 2 ? argv[2] : argv[1]);
  sb_cli_close (g_steal_pointer (&service));
  return status;
}

/* ls */

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return time ? g_date_time_format_iso8601 (time) : g_strdup ("-");
}

static GPtrArray *
list_files (SbService   *service,
            const char  *user,
            GError     **error)
{
  SbLibrary *library = sb_service_get_library (service);
  g_autoptr(GAsyncResult) result = NULL;

  if (!sb_cli_user_exists (service, user, error))
    return NULL;
  sb_library_list_async (library, user, NULL, sb_await_cb, &result);
  return sb_library_list_finish (library, sb_await (&result), error);
}

int
sb_cli_ls (int    argc,
           char **argv)
{
  g_autofree char *user = NULL;
  gboolean json = FALSE;
  gboolean long_format = FALSE;
  GOptionEntry entries[] = {
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("Whose files to list (required)"),
      N_("USER") },
    { "long", 'l', 0, G_OPTION_ARG_NONE, &long_format,
      N_("Size in bytes, modification time (UTC), storage class and name, separated by tabs"),
      NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Every field, as a JSON array"), NULL },
    { NULL }
  };
  g_autoptr(SbConfig) config = sb_config_new (NULL);
  g_autoptr(SbService) service = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!sb_cli_parse ("ls", "",
                     _("List --user's files sorted by name: one name per line, or with --long\n"
                       "or --json more."),
                     entries, 0, 0, &argc, &argv, config, &status) ||
      !sb_cli_need_user ("ls", user))
    return user ? status : SB_CLI_USAGE;

  if ((service = sb_cli_open (config, &status)) == NULL)
    return status;
  files = list_files (service, user, &error);
  sb_cli_close (g_steal_pointer (&service));
  if (files == NULL)
    return sb_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < files->len; i++)
        {
          SbFile *file = files->pdata[i];
          g_autofree char *created = format_time (sb_file_get_created_at (file));
          g_autofree char *modified = format_time (sb_file_get_modified_at (file));

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, sb_file_get_name (file));
          json_builder_set_member_name (builder, "size");
          json_builder_add_int_value (builder, (gint64) sb_file_get_size (file));
          json_builder_set_member_name (builder, "content_type");
          json_builder_add_string_value (builder, sb_file_get_content_type (file));
          json_builder_set_member_name (builder, "sha256");
          json_builder_add_string_value (builder, sb_file_get_checksum (file));
          json_builder_set_member_name (builder, "description");
          json_builder_add_string_value (builder, sb_file_get_description (file));
          json_builder_set_member_name (builder, "created_at");
          json_builder_add_string_value (builder, created);
          json_builder_set_member_name (builder, "modified_at");
          json_builder_add_string_value (builder, modified);
          json_builder_set_member_name (builder, "version");
          json_builder_add_int_value (builder, sb_file_get_version (file));
          json_builder_set_member_name (builder, "storage_class");
          json_builder_add_string_value (builder, sb_file_get_storage_class (file));
          if (sb_storage_class_needs_restore (sb_file_get_storage_class (file)))
            {
              g_autofree char *requested = format_time (sb_file_get_restore_requested_at (file));
              g_autofree char *until = format_time (sb_file_get_restored_until (file));

              json_builder_set_member_name (builder, "restore");
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "in_progress");
              json_builder_add_boolean_value (builder, sb_file_get_restore_in_progress (file));
              json_builder_set_member_name (builder, "requested_at");
              if (sb_file_get_restore_requested_at (file) > 0)
                json_builder_add_string_value (builder, requested);
              else
                json_builder_add_null_value (builder);
              json_builder_set_member_name (builder, "restored_until");
              if (sb_file_get_restored_until (file) > 0)
                json_builder_add_string_value (builder, until);
              else
                json_builder_add_null_value (builder);
              json_builder_end_object (builder);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
      return SB_CLI_OK;
    }

  for (guint i = 0; i < files->len; i++)
    {
      SbFile *file = files->pdata[i];

      if (long_format)
        {
          g_autofree char *modified = format_time (sb_file_get_modified_at (file));
          g_print ("%" G_GUINT64_FORMAT "\t%s\t%s\t%s\n", sb_file_get_size (file), modified,
                   sb_storage_class_describe (sb_file_get_storage_class (file)),
                   sb_file_get_name (file));
        }
      else
        g_print ("%s\n", sb_file_get_name (file));
    }
  return SB_CLI_OK;
}

/* rm */

static gboolean
remove_file (SbService   *service,
             const char  *user,
             const char  *name,
             GError     **error)
{
  SbLibrary *library = sb_service_get_library (service);
  g_autoptr(GAsyncResult) result = NULL;

  sb_library_delete_async (library, user, name, -1, NULL, sb_await_cb, &result);
  return sb_library_delete_finish (library, sb_await (&result), error);
}

int
sb_cli_rm (int    argc,
           char **argv)
{
  g_autofree char *user = NULL;
  GOptionEntry entries[] = {
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("Whose file it is (required)"), N_("USER") },
    { NULL }
  };
  g_autoptr(SbConfig) config = sb_config_new (NULL);
  g_autoptr(SbService) service = NULL;
  g_autoptr(GError) error = NULL;
  gboolean deleted;
  int status;

  if (!sb_cli_parse ("rm", "NAME",
                     _("Delete --user's file NAME: its record first, then its content."),
                     entries, 1, 1, &argc, &argv, config, &status) ||
      !sb_cli_need_user ("rm", user))
    return user ? status : SB_CLI_USAGE;

  if ((service = sb_cli_open (config, &status)) == NULL)
    return status;
  deleted = remove_file (service, user, argv[1], &error);
  /* Closing waits for the content's deletion, which runs after the
   * record's, in the background. */
  sb_cli_close (g_steal_pointer (&service));
  if (!deleted)
    return sb_cli_fail (error);
  return SB_CLI_OK;
}
