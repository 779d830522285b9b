/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "sb-cli.h"

static const struct
{
  const char   *name;
  SbCliCommand  run;
  const char   *summary;
} commands[] = {
  { "init", sb_cli_init, N_("Create the tables, bucket and lifecycle rules StorageBox needs") },
  { "check", sb_cli_check, N_("Report what works and what is missing") },
  { "adduser", sb_cli_adduser, N_("Create an account (password read from standard input)") },
  { "put", sb_cli_put, N_("Upload a file for a user") },
  { "get", sb_cli_get, N_("Download a user's file") },
  { "ls", sb_cli_ls, N_("List a user's files") },
  { "rm", sb_cli_rm, N_("Delete a user's file") },
  { "restore", sb_cli_restore, N_("Bring back an archived file so it can be downloaded") },
  { "usage", sb_cli_usage, N_("Storage by class and its estimated monthly cost") },
  { "fsck", sb_cli_fsck, N_("Find (and repair) content without a file and files without content") },
};

static void
usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: storagebox-cli COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _("Provision, check and use a StorageBox backend from scripts."));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("“storagebox-cli COMMAND --help” shows a command's options. Settings "
                            "come from\nflags, then STORAGEBOX_* variables, then storagebox.conf "
                            "(see docs/cli.md).\nExit status: 0 done, 1 failed, 2 wrong usage "
                            "or settings."));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      usage (stderr);
      return SB_CLI_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      usage (stdout);
      return SB_CLI_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("storagebox-cli %s\n", PACKAGE_VERSION);
      return SB_CLI_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  g_printerr (_("storagebox-cli: “%s” is not a command; run “storagebox-cli --help” for the "
                "list.\n"), argv[1]);
  return SB_CLI_USAGE;
}
