/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* The libFuzzer entry point, also called by fuzz-main.c for each seed file. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* A warning or critical on the way is a bug the fuzzer found, even when
 * nothing crashes; libFuzzer runs no test environment to make them fatal. */
static inline void
fuzz_make_warnings_fatal (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

/* The fuzzer checks its own oracles with this rather than g_assert, which
 * G_DISABLE_ASSERT could compile away. */
#define FUZZ_CHECK(cond)                                                   \
  G_STMT_START {                                                           \
    if (G_UNLIKELY (!(cond)))                                              \
      g_error ("%s:%d: fuzz check failed: %s", __FILE__, __LINE__, #cond); \
  } G_STMT_END
