/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-await.h"
#include "sb-service.h"

G_BEGIN_DECLS

/* storagebox-cli: one function per command, all alike. A command returns
 * the process's exit status: 0 done, 1 failed, 2 wrong usage or settings. */
#define SB_CLI_OK      0
#define SB_CLI_FAILED  1
#define SB_CLI_USAGE   2

typedef int (*SbCliCommand) (int    argc,
                             char **argv);

int           sb_cli_init      (int argc, char **argv);
int           sb_cli_check     (int argc, char **argv);
int           sb_cli_adduser   (int argc, char **argv);
int           sb_cli_put       (int argc, char **argv);
int           sb_cli_get       (int argc, char **argv);
int           sb_cli_ls        (int argc, char **argv);
int           sb_cli_rm        (int argc, char **argv);
int           sb_cli_fsck      (int argc, char **argv);
int           sb_cli_restore   (int argc, char **argv);
int           sb_cli_usage     (int argc, char **argv);

/* Parses a command's options (plus every storage setting, see SbConfig),
 * loads the configuration, and checks the positional argument count.
 * On failure prints one sentence and returns FALSE with *status set. */
gboolean      sb_cli_parse     (const char    *command,
                                const char    *parameters,
                                const char    *summary,
                                GOptionEntry  *entries,
                                guint          min_args,
                                guint          max_args,
                                int           *argc,
                                char        ***argv,
                                SbConfig      *config,
                                int           *status);
/* Opens the service on the configured store, verified (see
 * sb_service_open_async()). On failure prints one sentence and returns NULL
 * with *status set. */
SbService    *sb_cli_open      (SbConfig      *config,
                                int           *status);
/* Closes @service and drops it, once the work it still does in the
 * background (deleting the bytes of a deleted or refused file) is done. */
void          sb_cli_close     (SbService     *service);
/* Prints "storagebox-cli: <sentence>" for @error (the backend's detail
 * if it has one) and returns the exit status it calls for. */
int           sb_cli_fail      (const GError  *error);

/* FALSE with a sentence naming the fix if @username has no account. */
gboolean      sb_cli_user_exists (SbService   *service,
                                  const char  *username,
                                  GError     **error);
/* FALSE after telling the user that @command needs --user. */
gboolean      sb_cli_need_user   (const char  *command,
                                  const char  *user);

G_END_DECLS
