/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "sb-throttle.h"

/* Beyond this many entries, forgotten ones are swept on the next failure. */
#define SWEEP_THRESHOLD 10000

typedef struct
{
  guint  failures;
  gint64 last_failure;
  gint64 locked_until;
} Entry;

struct _SbThrottle
{
  GObject     parent_instance;
  GMutex      lock;
  GHashTable *entries;   /* "u\x1f<user>\x1f<addr>", "a\x1f<addr>" or "r\x1f<addr>" -> Entry */
};

G_DEFINE_FINAL_TYPE (SbThrottle, sb_throttle, G_TYPE_OBJECT)

static void
sb_throttle_finalize (GObject *object)
{
  SbThrottle *self = SB_THROTTLE (object);

  g_hash_table_unref (self->entries);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (sb_throttle_parent_class)->finalize (object);
}

static void
sb_throttle_class_init (SbThrottleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_throttle_finalize;
}

static void
sb_throttle_init (SbThrottle *self)
{
  g_mutex_init (&self->lock);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

SbThrottle *
sb_throttle_new (void)
{
  return g_object_new (SB_TYPE_THROTTLE, NULL);
}

static char *
pair_key (const char *username,
          const char *address)
{
  return g_strdup_printf ("u\x1f%s\x1f%s", username ? username : "", address ? address : "");
}

static char *
address_key (const char *address)
{
  return g_strdup_printf ("a\x1f%s", address ? address : "");
}

/* An entry whose last failure is older than the window starts afresh. */
static Entry *
lookup (SbThrottle *self,
        const char *key,
        gint64      now)
{
  Entry *entry = g_hash_table_lookup (self->entries, key);

  if (entry && now - entry->last_failure > SB_THROTTLE_WINDOW && now >= entry->locked_until)
    {
      g_hash_table_remove (self->entries, key);
      return NULL;
    }
  return entry;
}

/**
 * sb_throttle_check:
 *
 * Returns: 0 if a log-in attempt may proceed now, otherwise how many
 *   microseconds the client must wait.
 */
gint64
sb_throttle_check (SbThrottle *self,
                   const char *username,
                   const char *address,
                   gint64      now)
{
  g_autofree char *pkey = pair_key (username, address);
  g_autofree char *akey = address_key (address);
  g_autoptr(GMutexLocker) locker = NULL;
  gint64 wait = 0;
  Entry *entry;

  g_return_val_if_fail (SB_IS_THROTTLE (self), 0);

  locker = g_mutex_locker_new (&self->lock);
  if ((entry = lookup (self, pkey, now)) && entry->locked_until > now)
    wait = entry->locked_until - now;
  if ((entry = lookup (self, akey, now)) && entry->locked_until > now)
    wait = MAX (wait, entry->locked_until - now);
  return wait;
}

static void
sweep (SbThrottle *self,
       gint64      now)
{
  GHashTableIter iter;
  Entry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (now - entry->last_failure > SB_THROTTLE_WINDOW && now >= entry->locked_until)
      g_hash_table_iter_remove (&iter);
}

static Entry *
ensure (SbThrottle *self,
        char       *key,
        gint64      now)
{
  Entry *entry = lookup (self, key, now);

  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->entries, g_strdup (key), entry);
    }
  return entry;
}

void
sb_throttle_failed (SbThrottle *self,
                    const char *username,
                    const char *address,
                    gint64      now)
{
  g_autofree char *pkey = pair_key (username, address);
  g_autofree char *akey = address_key (address);
  g_autoptr(GMutexLocker) locker = NULL;
  Entry *entry;

  g_return_if_fail (SB_IS_THROTTLE (self));

  locker = g_mutex_locker_new (&self->lock);
  if (g_hash_table_size (self->entries) > SWEEP_THRESHOLD)
    sweep (self, now);

  entry = ensure (self, pkey, now);
  entry->failures++;
  entry->last_failure = now;
  if (entry->failures >= SB_THROTTLE_FREE_FAILURES)
    {
      guint doublings = MIN (entry->failures - SB_THROTTLE_FREE_FAILURES, 16);
      gint64 delay = MIN (SB_THROTTLE_FIRST_DELAY << doublings, SB_THROTTLE_MAX_DELAY);
      entry->locked_until = now + delay;
    }

  entry = ensure (self, akey, now);
  entry->failures++;
  entry->last_failure = now;
  if (entry->failures >= SB_THROTTLE_ADDRESS_FAILURES)
    entry->locked_until = now + SB_THROTTLE_WINDOW;
}

void
sb_throttle_succeeded (SbThrottle *self,
                       const char *username,
                       const char *address)
{
  g_autofree char *pkey = pair_key (username, address);
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (SB_IS_THROTTLE (self));

  locker = g_mutex_locker_new (&self->lock);
  g_hash_table_remove (self->entries, pkey);
}

/**
 * sb_throttle_take:
 * @limit: how many actions one address may take per %SB_THROTTLE_WINDOW
 *
 * Counts one costly action (an account created, a password hashed) from
 * @address, unless @address already took @limit of them in the current
 * window: counted and checked at once, so that a burst of simultaneous
 * requests cannot all slip in before the first is counted.
 *
 * Returns: 0 if the action may go ahead (and is counted), otherwise how
 *   many microseconds until the window starts afresh.
 */
gint64
sb_throttle_take (SbThrottle *self,
                  const char *address,
                  guint       limit,
                  gint64      now)
{
  g_autofree char *key = g_strdup_printf ("r\x1f%s", address ? address : "");
  g_autoptr(GMutexLocker) locker = NULL;
  Entry *entry;

  g_return_val_if_fail (SB_IS_THROTTLE (self), 0);

  locker = g_mutex_locker_new (&self->lock);
  if (g_hash_table_size (self->entries) > SWEEP_THRESHOLD)
    sweep (self, now);
  /* last_failure is when the window began: the entry is forgotten, and the
   * count starts again, a window later. */
  entry = lookup (self, key, now);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      entry->last_failure = now;
      g_hash_table_insert (self->entries, g_strdup (key), entry);
    }
  if (entry->failures >= limit)
    return MAX (entry->last_failure + SB_THROTTLE_WINDOW - now, 1);
  entry->failures++;
  return 0;
}

guint
sb_throttle_get_size (SbThrottle *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (SB_IS_THROTTLE (self), 0);

  locker = g_mutex_locker_new (&self->lock);
  return g_hash_table_size (self->entries);
}
