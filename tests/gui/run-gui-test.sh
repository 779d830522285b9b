#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs one GUI test program on its own X server (Xvfb) and its own D-Bus
# session bus, so tests never touch the user's display, bus or keyring:
#
#   run-gui-test.sh [--keyring] PROGRAM [ARGS...]
#
# With --keyring, an unlocked gnome-keyring (Secret Service only) runs on that
# bus with its files in a temporary directory, for the libsecret tests.
set -eu

if [ "${1:-}" = "--inside-bus" ]; then
  shift
  if [ "${1:-}" = "--keyring" ]; then
    shift
    # --unlock reads the login keyring's password from stdin and creates
    # that keyring, unlocked, as the default collection. The password must
    # not be empty: with none, storing a secret pops up a prompt and waits.
    # The daemon forks and lives until the bus goes away.
    eval "$(printf 'sb-test' | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
  fi
  exec "$@"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sb-gui-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -m 700 "$tmp/run" "$tmp/data" "$tmp/config" "$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/run" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
export XDG_CACHE_HOME="$tmp/cache"
# Deterministic rendering and no accessibility bus to wait for.
export GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none NO_AT_BRIDGE=1

status=0
xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" \
  dbus-run-session -- "$0" --inside-bus "$@" || status=$?
exit $status
