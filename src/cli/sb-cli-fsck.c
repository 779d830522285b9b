/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sb-cli.h"
#include "sb-fsck.h"

/* fsck: the checks and repairs are core's (sb-fsck.h); this prints them. */

/* "90s", "30m", "24h", "7d", or plain seconds; FALSE if it is none. */
static gboolean
parse_duration (const char *text,
                gint64     *usec)
{
  guint64 number;
  char *end;
  gint64 unit = G_USEC_PER_SEC;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  number = g_ascii_strtoull (text, &end, 10);
  if (g_str_equal (end, "") || g_str_equal (end, "s"))
    unit = G_USEC_PER_SEC;
  else if (g_str_equal (end, "m"))
    unit = (gint64) 60 * G_USEC_PER_SEC;
  else if (g_str_equal (end, "h"))
    unit = (gint64) 60 * 60 * G_USEC_PER_SEC;
  else if (g_str_equal (end, "d"))
    unit = (gint64) 24 * 60 * 60 * G_USEC_PER_SEC;
  else
    return FALSE;
  if (number > (guint64) (G_MAXINT64 / unit))
    return FALSE;
  *usec = (gint64) number * unit;
  return TRUE;
}

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return time ? g_date_time_format_iso8601 (time) : g_strdup ("-");
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static void
print_json (SbFsckReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  add_int (builder, "records", report->records);
  add_int (builder, "blobs", report->blobs);
  add_int (builder, "bytes", (gint64) report->bytes);
  add_int (builder, "uploads", report->uploads);
  add_int (builder, "in_flight", report->in_flight);
  add_int (builder, "verified", report->verified);
  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->problems->len; i++)
    {
      SbFsckProblem *problem = report->problems->pdata[i];
      g_autofree char *modified = format_time (problem->modified_at);

      json_builder_begin_object (builder);
      add_string (builder, "kind", sb_fsck_kind_to_string (problem->kind));
      add_string (builder, "action", sb_fsck_action_to_string (problem->action));
      add_string (builder, "owner", problem->owner);
      add_string (builder, "name", problem->name);
      add_string (builder, "key", problem->key);
      add_string (builder, "upload_id", problem->upload_id);
      add_int (builder, "size", (gint64) problem->size);
      add_string (builder, "modified_at", modified);
      add_string (builder, "detail", problem->detail);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_int (builder, "remaining", sb_fsck_report_remaining (report));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);
  g_print ("%s\n", text);
}

static const char *
describe_kind (SbFsckKind kind)
{
  switch (kind)
    {
    case SB_FSCK_ORPHAN: return _("stored bytes that no file refers to");
    case SB_FSCK_STALE_UPLOAD: return _("an abandoned unfinished upload");
    case SB_FSCK_MISSING: return _("a file whose content is missing");
    case SB_FSCK_WRONG_SIZE: return _("a file whose content has the wrong size");
    case SB_FSCK_CHECKSUM: return _("a file whose content does not match its SHA-256");
    case SB_FSCK_SHARED: return _("two files on the same content (a rename left half done)");
    }
  g_return_val_if_reached ("");
}

static char *
describe_action (SbFsckProblem *problem)
{
  switch (problem->action)
    {
    case SB_FSCK_REPORTED:
      return g_strdup (_("left as it is"));
    case SB_FSCK_REMOVED:
      return g_strdup (_("removed"));
    case SB_FSCK_RECOVERED:
      return g_strdup_printf (_("recovered as “%s”"), problem->detail);
    case SB_FSCK_FINISHED:
      return g_strdup_printf (_("rename finished: kept “%s”"), problem->detail);
    case SB_FSCK_FAILED:
      return g_strdup_printf (_("could not be repaired: %s"), problem->detail);
    }
  g_return_val_if_reached (g_strdup (""));
}

static void
print_text (SbFsckReport *report)
{
  g_autofree char *bytes = g_format_size (report->bytes);
  guint remaining = sb_fsck_report_remaining (report);

  g_print (_("Checked %u file records, %u stored blobs (%s) and %u unfinished uploads.\n"),
           report->records, report->blobs, bytes, report->uploads);
  if (report->verified > 0)
    g_print (_("Read %u files in full: their SHA-256 matches.\n"), report->verified);
  for (guint i = 0; i < report->problems->len; i++)
    {
      SbFsckProblem *problem = report->problems->pdata[i];
      g_autofree char *size = g_format_size (problem->size);
      g_autofree char *modified = format_time (problem->modified_at);
      g_autofree char *action = describe_action (problem);

      /* Translators: one finding of fsck: what it is, whose, which file,
       * where it is stored, its size and date, and what was done. */
      g_print (_("%s: %s, user “%s”, “%s” (%s, %s, %s): %s.\n"),
               sb_fsck_kind_to_string (problem->kind), describe_kind (problem->kind),
               problem->owner ? problem->owner : "-", problem->name ? problem->name : "-",
               problem->key ? problem->key : problem->upload_id, size, modified, action);
    }
  if (report->in_flight > 0)
    g_print (_("Left alone: %u uploads or new blobs younger than the grace period (they may be "
               "in flight).\n"), report->in_flight);
  if (report->problems->len == 0)
    g_print ("%s\n", _("No problems found."));
  else if (remaining == 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u problem found and repaired.\n",
                          "%u problems found, all repaired.\n", report->problems->len),
             report->problems->len);
  else
    g_print (_("Problems found: %u; left: %u (“--repair” removes orphans and abandoned "
               "uploads, “--recover” gives orphans back to their owners).\n"),
             report->problems->len, remaining);
}

int
sb_cli_fsck (int    argc,
             char **argv)
{
  gboolean repair = FALSE;
  gboolean verify = FALSE;
  gboolean recover = FALSE;
  gboolean json = FALSE;
  g_autofree char *grace_text = NULL;
  GOptionEntry entries[] = {
    { "repair", 0, 0, G_OPTION_ARG_NONE, &repair,
      N_("Remove orphaned content and abandoned uploads older than the grace period, and "
         "finish half-done renames; never touches content a file refers to"), NULL },
    { "recover", 0, 0, G_OPTION_ARG_NONE, &recover,
      N_("Make a file record for orphaned content older than the grace period, from the "
         "owner and name stored with it (instead of removing it)"), NULL },
    { "verify", 0, 0, G_OPTION_ARG_NONE, &verify,
      N_("Also read every file and check its SHA-256"), NULL },
    { "grace", 0, 0, G_OPTION_ARG_STRING, &grace_text,
      N_("Leave content and uploads younger than this alone (default 24h), e.g. 30m, 2d"),
      N_("DURATION") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("The report as JSON"), NULL },
    { NULL }
  };
  g_autoptr(SbConfig) config = sb_config_new (NULL);
  g_autoptr(SbService) service = NULL;
  g_autoptr(SbFsckReport) report = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 grace = SB_FSCK_DEFAULT_GRACE;
  SbFsckFlags flags = SB_FSCK_NONE;
  int status;

  if (!sb_cli_parse ("fsck", "",
                     _("Check that every file's content is stored, whole, and that all stored "
                       "content\nbelongs to a file; with --repair or --recover, fix what can be "
                       "fixed. Safe to run\nwhile servers are serving. Exit status 1 if "
                       "problems remain."),
                     entries, 0, 0, &argc, &argv, config, &status))
    return status;
  if (grace_text != NULL && !parse_duration (grace_text, &grace))
    {
      g_printerr (_("storagebox-cli fsck: “%s” is not a duration; write for example 90s, 30m, "
                    "24h or 7d.\n"), grace_text);
      return SB_CLI_USAGE;
    }
  if (repair)
    flags |= SB_FSCK_REPAIR;
  if (verify)
    flags |= SB_FSCK_VERIFY;
  if (recover)
    flags |= SB_FSCK_RECOVER;

  if ((service = sb_cli_open (config, &status)) == NULL)
    return status;
  sb_fsck_run_async (sb_service_get_store (service), flags, grace, NULL, sb_await_cb, &result);
  report = sb_fsck_run_finish (sb_await (&result), &error);
  g_clear_object (&result);
  sb_cli_close (g_steal_pointer (&service));
  if (report == NULL)
    return sb_cli_fail (error);

  if (json)
    print_json (report);
  else
    print_text (report);
  return sb_fsck_report_remaining (report) == 0 ? SB_CLI_OK : SB_CLI_FAILED;
}
