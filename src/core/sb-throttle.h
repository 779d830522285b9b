/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SB_TYPE_THROTTLE (sb_throttle_get_type ())
G_DECLARE_FINAL_TYPE (SbThrottle, sb_throttle, SB, THROTTLE, GObject)

/* Throttling of password guesses (log-in, and the current password when
 * changing it: each has its own SbThrottle). Failures are counted per
 * (username, client address) pair, so guessing one account's password gets
 * slower and slower while its owner, elsewhere, can still log in; and per
 * client address, so one client cannot sweep many accounts. One user's
 * failures never count against another user, except through the address
 * they share. sb_throttle_take() limits costly actions per address (sign-
 * ups). Times are monotonic microseconds. Memory is bounded: old entries
 * are forgotten. Thread-safe. */
SbThrottle *sb_throttle_new       (void);
gint64      sb_throttle_check     (SbThrottle *self,
                                   const char *username,
                                   const char *address,
                                   gint64      now);
void        sb_throttle_failed    (SbThrottle *self,
                                   const char *username,
                                   const char *address,
                                   gint64      now);
void        sb_throttle_succeeded (SbThrottle *self,
                                   const char *username,
                                   const char *address);
gint64      sb_throttle_take      (SbThrottle *self,
                                   const char *address,
                                   guint       limit,
                                   gint64      now);
guint       sb_throttle_get_size  (SbThrottle *self);

/* The policy, public so tests and documentation can state it. */
#define SB_THROTTLE_FREE_FAILURES      5
#define SB_THROTTLE_FIRST_DELAY        (30 * G_TIME_SPAN_SECOND)
#define SB_THROTTLE_MAX_DELAY          (15 * G_TIME_SPAN_MINUTE)
#define SB_THROTTLE_WINDOW             (15 * G_TIME_SPAN_MINUTE)
#define SB_THROTTLE_ADDRESS_FAILURES   50
/* New accounts per client address per SB_THROTTLE_WINDOW: each costs an
 * argon2id hash. Enough for a classroom behind one NAT. */
#define SB_THROTTLE_SIGN_UPS           60

G_END_DECLS
