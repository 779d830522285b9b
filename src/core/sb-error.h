/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SB_ERROR (sb_error_quark ())

/* What went wrong, in terms a front end can act on. Every SB_ERROR message is
 * a complete, translated sentence fit to show to the user as is. Some carry
 * a detail besides (sb_error_get_detail()): the backend's own explanation,
 * in English, for an operator or a terminal rather than a web page. */
typedef enum {
  SB_ERROR_FAILED,
  SB_ERROR_INVALID,            /* the input breaks a rule; nothing changed */
  SB_ERROR_EXISTS,             /* the name is taken */
  SB_ERROR_NOT_FOUND,          /* no such file (or not yours) */
  SB_ERROR_CONFLICT,           /* changed by someone else meanwhile */
  SB_ERROR_TOO_LARGE,          /* over the size limit */
  SB_ERROR_BAD_CREDENTIALS,    /* wrong username or password */
  SB_ERROR_THROTTLED,          /* too many failed attempts; try later */
  SB_ERROR_NOT_AUTHENTICATED,  /* no valid session */
  SB_ERROR_UNAVAILABLE,        /* the storage backend cannot be reached */
  SB_ERROR_UNCERTAIN,          /* a change may or may not have been made; nothing was lost */
  SB_ERROR_NO_SPACE,           /* the disk that holds the data is full */
  SB_ERROR_CORRUPT,            /* stored content is incomplete or fails its checksum */
  SB_ERROR_ARCHIVED,           /* the file is archived: restore it before downloading */
} SbError;

GQuark      sb_error_quark      (void);
const char *sb_error_get_detail (const GError *error);

G_END_DECLS
