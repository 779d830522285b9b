/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-throttle.h"

#define S G_TIME_SPAN_SECOND

static void
fail_n (SbThrottle *throttle,
        const char *user,
        const char *address,
        guint       n,
        gint64      now)
{
  for (guint i = 0; i < n; i++)
    sb_throttle_failed (throttle, user, address, now);
}

static void
test_pair_backoff (void)
{
  g_autoptr(SbThrottle) throttle = sb_throttle_new ();
  gint64 t = 1000 * S;

  fail_n (throttle, "alice", "10.0.0.1", SB_THROTTLE_FREE_FAILURES - 1, t);
  g_assert_cmpint (sb_throttle_check (throttle, "alice", "10.0.0.1", t), ==, 0);

  /* The fifth failure locks this client out of this account for 30 s... */
  sb_throttle_failed (throttle, "alice", "10.0.0.1", t);
  g_assert_cmpint (sb_throttle_check (throttle, "alice", "10.0.0.1", t), ==, 30 * S);
  g_assert_cmpint (sb_throttle_check (throttle, "alice", "10.0.0.1", t + 29 * S), ==, 1 * S);
  g_assert_cmpint (sb_throttle_check (throttle, "alice", "10.0.0.1", t + 30 * S), ==, 0);

  /* ...while the owner, from elsewhere, and other accounts are unaffected. */
  g_assert_cmpint (sb_throttle_check (throttle, "alice", "10.0.0.2", t), ==, 0);
  g_assert_cmpint (sb_throttle_check (throttle, "bob", "10.0.0.1", t), ==, 0);

  /* Each further failure doubles the wait, up to 15 minutes. */
  sb_throttle_failed (throttle, "alice", "10.0.0.1", t + 31 * S);
  g_assert_cmpint (sb_throttle_check (throttle, "alice", "10.0.0.1", t + 31 * S), ==, 60 * S);
  fail_n (throttle, "alice", "10.0.0.1", 10, t + 100 * S);
  g_assert_cmpint (sb_throttle_check (throttle, "alice", "10.0.0.1", t + 100 * S), ==,
                   SB_THROTTLE_MAX_DELAY);

  /* A success resets the pair. */
  sb_throttle_succeeded (throttle, "alice", "10.0.0.1");
  g_assert_cmpint (sb_throttle_check (throttle, "alice", "10.0.0.1", t + 100 * S), ==, 0);
}

static void
test_window_forgets (void)
{
  g_autoptr(SbThrottle) throttle = sb_throttle_new ();
  gint64 t = 5000 * S;

  fail_n (throttle, "carol", "10.0.0.3", SB_THROTTLE_FREE_FAILURES - 1, t);
  /* Long after, the old failures no longer count. */
  t += SB_THROTTLE_WINDOW + S;
  sb_throttle_failed (throttle, "carol", "10.0.0.3", t);
  g_assert_cmpint (sb_throttle_check (throttle, "carol", "10.0.0.3", t), ==, 0);
}

static void
test_address_sweep (void)
{
  g_autoptr(SbThrottle) throttle = sb_throttle_new ();
  gint64 t = 9000 * S;

  /* One client trying one password against many accounts. */
  for (guint i = 0; i < SB_THROTTLE_ADDRESS_FAILURES; i++)
    {
      g_autofree char *user = g_strdup_printf ("user%u", i);
      sb_throttle_failed (throttle, user, "192.0.2.7", t);
    }
  g_assert_cmpint (sb_throttle_check (throttle, "fresh-user", "192.0.2.7", t), ==,
                   SB_THROTTLE_WINDOW);
  g_assert_cmpint (sb_throttle_check (throttle, "fresh-user", "192.0.2.8", t), ==, 0);
}

/* sb_throttle_take(): a fixed count per address and window, checked and
 * counted at once. */
static void
test_take (void)
{
  g_autoptr(SbThrottle) throttle = sb_throttle_new ();
  gint64 t = 20000 * S;

  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (sb_throttle_take (throttle, "192.0.2.1", 3, t + i * S), ==, 0);
  g_assert_cmpint (sb_throttle_take (throttle, "192.0.2.1", 3, t + 10 * S), ==,
                   SB_THROTTLE_WINDOW - 10 * S);
  /* Another address has its own count, and so do log-in failures. */
  g_assert_cmpint (sb_throttle_take (throttle, "192.0.2.2", 3, t), ==, 0);
  g_assert_cmpint (sb_throttle_check (throttle, "anyone", "192.0.2.1", t), ==, 0);
  /* A window later the count starts again. */
  g_assert_cmpint (sb_throttle_take (throttle, "192.0.2.1", 3, t + SB_THROTTLE_WINDOW + S), ==,
                   0);
}

static void
test_memory_bounded (void)
{
  g_autoptr(SbThrottle) throttle = sb_throttle_new ();
  gint64 t = 0;

  /* Entries whose window has passed are swept, so the table does not grow
   * without bound however many distinct clients fail. */
  for (guint round = 0; round < 3; round++)
    {
      for (guint i = 0; i < 6000; i++)
        {
          g_autofree char *address = g_strdup_printf ("198.51.%u.%u", i / 256, i % 256);
          sb_throttle_failed (throttle, "victim", address, t);
        }
      t += SB_THROTTLE_WINDOW + S;
    }
  g_assert_cmpuint (sb_throttle_get_size (throttle), <=, 2 * 12000 + 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/throttle/pair-backoff", test_pair_backoff);
  g_test_add_func ("/throttle/window-forgets", test_window_forgets);
  g_test_add_func ("/throttle/address-sweep", test_address_sweep);
  g_test_add_func ("/throttle/take", test_take);
  g_test_add_func ("/throttle/memory-bounded", test_memory_bounded);
  return g_test_run ();
}
