/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "sb-backend.h"
#include "sb-error.h"
#include "sb-local-store.h"

char *
sb_backend_default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "storagebox", NULL);
}

static SbStore *
open_local (const char  *data_dir,
            GError     **error)
{
  g_autofree char *dir = data_dir ? g_strdup (data_dir) : sb_backend_default_data_dir ();

  return SB_STORE (sb_local_store_new (dir, error));
}

static void
set_aws_unavailable (GError **error)
{
  /* SbAwsStore and SbConfig are being written on another branch; until they
   * land this build can only say so, in words a user can act on. */
  g_set_error_literal (error, SB_ERROR, SB_ERROR_UNAVAILABLE,
                       _("This version of StorageBox cannot use AWS yet. "
                         "Choose “This computer” in Preferences."));
}

SbStore *
sb_backend_open_store (GSettings   *settings,
                       const char  *data_dir,
                       GError     **error)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  switch ((SbBackendKind) g_settings_get_enum (settings, "backend"))
    {
    case SB_BACKEND_KIND_AWS:
      set_aws_unavailable (error);
      return NULL;
    case SB_BACKEND_KIND_LOCAL:
    default:
      return open_local (data_dir, error);
    }
}

typedef struct
{
  SbBackendKind  kind;
  char          *data_dir;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_free (data->data_dir);
  g_free (data);
}

/* Opening the local store creates its directory and database and runs its
 * schema checks; a probe file then proves the blob directory is writable. */
static void
check_local_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  CheckData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbStore) store = open_local (data->data_dir, &error);
  g_autofree char *dir = data->data_dir ? g_strdup (data->data_dir)
                                        : sb_backend_default_data_dir ();
  g_autofree char *probe = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  int fd;

  if (store == NULL)
    {
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_UNAVAILABLE,
                               _("The storage folder %s cannot be used: %s"), dir,
                               error->message);
      return;
    }
  g_string_append_printf (report, _("✓ The database in %s opens."), dir);
  g_string_append_c (report, '\n');

  probe = g_build_filename (dir, ".storagebox-check-XXXXXX", NULL);
  fd = g_mkstemp (probe);
  if (fd < 0)
    {
      int saved = errno;
      g_task_return_new_error (task, SB_ERROR, SB_ERROR_UNAVAILABLE,
                               _("Files cannot be written in %s: %s"), dir, g_strerror (saved));
      return;
    }
  close (fd);
  g_unlink (probe);
  g_string_append_printf (report, _("✓ Files can be written in %s."), dir);
  g_task_return_pointer (task, g_string_free (g_steal_pointer (&report), FALSE), g_free);
}

void
sb_backend_check_async (GSettings           *settings,
                        const char          *data_dir,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckData *data;

  g_return_if_fail (G_IS_SETTINGS (settings));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, SB_SOURCE_TAG (sb_backend_check_async));
  data = g_new0 (CheckData, 1);
  data->kind = (SbBackendKind) g_settings_get_enum (settings, "backend");
  data->data_dir = g_strdup (data_dir);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);

  if (data->kind == SB_BACKEND_KIND_AWS)
    {
      GError *error = NULL;

      set_aws_unavailable (&error);
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, check_local_thread);
}

char *
sb_backend_check_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
