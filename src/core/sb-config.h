/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-check.h"
#include "sb-store.h"

G_BEGIN_DECLS

typedef enum {
  SB_BACKEND_LOCAL,  /* SQLite + a directory of blobs under data-dir */
  SB_BACKEND_AWS,    /* DynamoDB + S3 (or compatible services) */
} SbBackend;

#define SB_TYPE_CONFIG (sb_config_get_type ())
G_DECLARE_FINAL_TYPE (SbConfig, sb_config, SB, CONFIG, GObject)

/**
 * SbConfig:
 *
 * Where StorageBox keeps its data, shared by every front end. Each setting
 * has a key (the name in the config file and, with "--", the command-line
 * flag), an environment variable, and a default:
 *
 * | key                     | environment                        | default                         |
 * |-------------------------|------------------------------------|---------------------------------|
 * | `backend`               | `STORAGEBOX_BACKEND`               | `local` (or `aws`)              |
 * | `data-dir`              | `STORAGEBOX_DATA_DIR`              | `$XDG_DATA_HOME/storagebox`     |
 * | `max-upload-size`       | `STORAGEBOX_MAX_UPLOAD_SIZE`       | `5GiB`                          |
 * | `bucket`                | `STORAGEBOX_BUCKET`                | none: required for aws          |
 * | `users-table`           | `STORAGEBOX_USERS_TABLE`           | `storagebox-users`              |
 * | `files-table`           | `STORAGEBOX_FILES_TABLE`           | `storagebox-files`              |
 * | `sessions-table`        | `STORAGEBOX_SESSIONS_TABLE`        | `storagebox-sessions`           |
 * | `region`                | `STORAGEBOX_REGION`                | the AWS chain (`AWS_REGION`, …) |
 * | `endpoint-url`          | `STORAGEBOX_ENDPOINT_URL`          | the AWS chain                   |
 * | `dynamodb-endpoint-url` | `STORAGEBOX_DYNAMODB_ENDPOINT_URL` | the AWS chain                   |
 * | `s3-endpoint-url`       | `STORAGEBOX_S3_ENDPOINT_URL`       | the AWS chain                   |
 *
 * Precedence: flags (sb_config_set()) > environment > config file > default.
 * The config file is the one given to sb_config_load(), else
 * `$XDG_CONFIG_HOME/storagebox/storagebox.conf` over
 * `/etc/storagebox/storagebox.conf` (a key in the first wins), a GKeyFile
 * with a `[storagebox]` group. Region and endpoints left unset fall back
 * to the AWS SDK's own variables and `~/.aws/config`; credentials always
 * come from the AWS chain (environment, `~/.aws/credentials`, ECS, EC2).
 *
 * Every error is one sentence saying what to fix and where the bad value
 * came from.
 */
SbConfig            *sb_config_new                  (const char * const  *envp);
gboolean             sb_config_load                 (SbConfig            *self,
                                                     const char          *file,
                                                     GError             **error);
gboolean             sb_config_set                  (SbConfig            *self,
                                                     const char          *key,
                                                     const char          *value,
                                                     GError             **error);
gboolean             sb_config_set_from             (SbConfig            *self,
                                                     const char          *key,
                                                     const char          *value,
                                                     const char          *origin,
                                                     GError             **error);
void                 sb_config_set_credentials      (SbConfig            *self,
                                                     const char          *access_key_id,
                                                     const char          *secret_access_key,
                                                     const char          *source);
const char          *sb_config_get                  (SbConfig            *self,
                                                     const char          *key);
const char          *sb_config_get_origin           (SbConfig            *self,
                                                     const char          *key);
const char * const  *sb_config_get_keys             (void);
const char          *sb_config_get_env_name         (const char          *key);
void                 sb_config_add_options          (SbConfig            *self,
                                                     GOptionContext      *context);
gboolean             sb_config_load_with_options    (SbConfig            *self,
                                                     GError             **error);
gboolean             sb_config_validate             (SbConfig            *self,
                                                     GError             **error);

/* From the file's [prices] group (STANDARD = 0.023): US dollars per
 * GB-month, or NULL. */
const char          *sb_config_get_price            (SbConfig            *self,
                                                     const char          *s3_class);
SbBackend            sb_config_get_backend          (SbConfig            *self);
const char          *sb_config_get_data_dir         (SbConfig            *self);
guint64              sb_config_get_max_upload_size  (SbConfig            *self);
char                *sb_config_describe             (SbConfig            *self);

void                 sb_config_check_async          (SbConfig            *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
SbCheck             *sb_config_check_finish         (SbConfig            *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void                 sb_config_provision_async      (SbConfig            *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
SbCheck             *sb_config_provision_finish     (SbConfig            *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

gboolean             sb_config_parse_size           (const char          *text,
                                                     guint64             *size,
                                                     GError             **error);

G_END_DECLS
