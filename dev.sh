#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The newcomer's path, on Debian 12:
#   ./dev.sh serve   install what is missing, build, start the web server on
#                    the embedded store at http://127.0.0.1:5000/
#   ./dev.sh test    install what is missing, build, run every test (plain
#                    build, then again under AddressSanitizer + UBSan)
#   ./dev.sh build   install the build dependencies and build
#   ./dev.sh app     install what is missing, build, start the desktop app
set -eu

cd "$(dirname "$0")"
top=$(pwd)

build_pkgs="meson ninja-build pkg-config gcc libc6-dev libglib2.0-dev libglib2.0-bin
  libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libsodium-dev nettle-dev gettext"
gui_pkgs="libgtk-4-dev libadwaita-1-dev libsecret-1-dev desktop-file-utils appstream
  librsvg2-common"
# Ceph (monitor, OSD, RADOS Gateway) is the S3 of the AWS tests, which run
# their own cluster under a temporary directory (tests/aws/sb-test-rgw.c).
test_pkgs="chromium python3-botocore awscli xvfb xauth dbus dbus-x11 gnome-keyring time
  curl ca-certificates fonts-cantarell ceph-mon ceph-osd radosgw ceph-common"

say() { printf '==> %s\n' "$*"; }

installed() {
  dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q "install ok installed"
}

install_missing() {
  missing=""
  for p in "$@"; do
    installed "$p" || missing="$missing $p"
  done
  command -v node >/dev/null 2>&1 || missing="$missing nodejs"
  command -v npm >/dev/null 2>&1 || missing="$missing npm"
  [ -z "$missing" ] && return 0
  say "installing Debian packages:$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  had_ceph=no
  installed ceph-base && had_ceph=yes
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
  # On a systemd host, ceph-base's postinst starts ceph-crash (its units for
  # monitors, OSDs and gateways have no instance, so nothing else runs).
  # The tests need no daemon of the system's: stop it, unless Ceph was
  # installed before and so is someone's own.
  if [ "$had_ceph" = no ] && installed ceph-base && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now ceph-crash.service >/dev/null 2>&1 || true
  fi
}

npm_tools() {
  # Test-only servers (dynalite, s3rver) and the browser driver, pinned by
  # tests/node/package-lock.json.
  if [ ! -d tests/node/node_modules ] ||
     [ tests/node/package-lock.json -nt tests/node/node_modules/.package-lock.json ]; then
    say "installing pinned npm test tools"
    (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

setup_build() {
  dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
  ninja -C "$dir"
}

case "${1:-}" in
  serve|run)
    shift
    install_missing $build_pkgs
    setup_build _build
    say "StorageBox is at http://127.0.0.1:5000/ (Ctrl+C stops it)"
    exec _build/src/server/storagebox-server "$@"
    ;;
  build)
    install_missing $build_pkgs $gui_pkgs
    setup_build _build -Dgtk=enabled
    ;;
  app)
    shift
    install_missing $build_pkgs $gui_pkgs
    setup_build _build -Dgtk=enabled
    # Run from the build tree: the settings schema is compiled there.
    GSETTINGS_SCHEMA_DIR="$top/_build/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}" \
      exec _build/src/gui/storagebox "$@"
    ;;
  test)
    install_missing $build_pkgs $gui_pkgs $test_pkgs
    npm_tools
    status=0
    say "plain build"
    # Every optional test runs here: a tool that went missing is a
    # configure error (browser) or a named SKIP in the log, never a silent gap.
    setup_build _build -Dgtk=enabled -Dbrowser_tests=enabled
    meson test -C _build --print-errorlogs --num-processes 2 || status=1
    say "AddressSanitizer + UndefinedBehaviorSanitizer build"
    setup_build _build-asan -Dgtk=enabled -Db_sanitize=address,undefined -Db_lundef=false \
      -Dbuildtype=debug
    meson test -C _build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3 ||
      status=1
    exit $status
    ;;
  *)
    sed -n '3,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
