/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sb-store.h"

G_BEGIN_DECLS

/* One conformance suite, run against every SbStore implementation. A backend
 * opens one store for the whole run; each test uses owners and usernames of
 * its own, so tests never see each other's data. */
typedef struct
{
  const char *name;
  SbStore  *(*open)        (gpointer   *backend_data);
  void      (*close)       (SbStore    *store,
                            gpointer    backend_data);
  /* Blobs stored for @owner, complete or partial: proves failures leave
   * nothing behind. */
  guint     (*count_blobs) (gpointer    backend_data,
                            const char *owner);
  /* Leaves an abandoned unfinished upload for @owner, the way a writer
   * that died would; NULL with @error (the test is skipped) if the backend
   * cannot list them. */
  SbBlobInfo *(*plant_upload) (gpointer    backend_data,
                               const char *owner,
                               GError    **error);
} SbStoreBackend;

void sb_store_conformance_add_tests (const SbStoreBackend *backend);
int  sb_store_conformance_run       (void);

G_END_DECLS
