/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sb-rgw-run [--lc-debug-interval=SECONDS] [--region=NAME] COMMAND [ARG…]
 *
 * Starts the tests' RGW cluster, runs COMMAND with AWS_ENDPOINT_URL_S3,
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and SB_RGW_DIR (the
 * cluster's directory, with its logs) in its environment, and stops the
 * cluster when COMMAND ends; exits with COMMAND's status. For poking at
 * RGW by hand ("sb-rgw-run aws s3api list-buckets", "sb-rgw-run sh") and
 * for benchmarks. */
#include "config.h"

#include <stdlib.h>

#include "sb-test-rgw.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("COMMAND [ARG…]");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) command = NULL;
  g_autofree char *region = NULL;
  int interval = 0;
  SbTestRgwOptions options = { 0, };
  GOptionEntry entries[] = {
    { "lc-debug-interval", 0, 0, G_OPTION_ARG_INT, &interval,
      "Seconds per lifecycle day", "SECONDS" },
    { "region", 0, 0, G_OPTION_ARG_STRING, &region, "The zonegroup's API name", "NAME" },
    { NULL },
  };
  SbTestRgw *rgw;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2)
    {
      g_printerr ("%s\n", error ? error->message : "Usage: sb-rgw-run [OPTION…] COMMAND [ARG…]");
      return 2;
    }
  options.lc_debug_interval = (guint) MAX (interval, 0);
  options.region = region;

  rgw = sb_test_rgw_start (&options, &error);
  if (rgw == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_printerr ("RGW at %s, logs in %s/log\n", sb_test_rgw_get_url (rgw), sb_test_rgw_get_dir (rgw));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_subprocess_launcher_setenv (launcher, "AWS_ENDPOINT_URL_S3", sb_test_rgw_get_url (rgw), TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_ACCESS_KEY_ID", sb_test_rgw_get_access_key (rgw),
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_SECRET_ACCESS_KEY",
                                sb_test_rgw_get_secret_key (rgw), TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_REGION", sb_test_rgw_get_region (rgw), TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_DEFAULT_REGION", sb_test_rgw_get_region (rgw),
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "SB_RGW_DIR", sb_test_rgw_get_dir (rgw), TRUE);
  command = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv + 1, &error);
  if (command == NULL)
    {
      g_printerr ("%s\n", error->message);
      status = 127;
    }
  else
    {
      g_subprocess_wait (command, NULL, NULL);
      status = g_subprocess_get_if_exited (command) ? g_subprocess_get_exit_status (command)
                                                     : 128 + g_subprocess_get_term_sig (command);
    }
  sb_test_rgw_stop (rgw);
  return status;
}
