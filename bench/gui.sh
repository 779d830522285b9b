#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmarks of the desktop app, on Xvfb with the cairo renderer (as the
# tests run it). Results go to stdout; docs/BENCHMARKS.md records them.
#
#   bench/gui.sh [BUILD_DIR] [RUNS]
#
# 1. launch to first frame: RUNS starts of `storagebox --bench` (the first is
#    a warm-up and not counted), from the shell's clock before exec and from
#    main(), to the first frame painted;
# 2. bench-gui: 10,000 files listed (time, longest main-loop stall, memory),
#    and a 1 GiB upload through the Upload page.
set -eu
cd "$(dirname "$0")/.."
build=${1:-_build}
runs=${2:-11}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac

export GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory LC_ALL=C.UTF-8

tests/gui/run-gui-test.sh sh -c '
  build=$1; runs=$2
  data=$(mktemp -d)
  i=0
  while [ $i -lt $runs ]; do
    start=$(date +%s%N)
    out=$("$build/src/gui/storagebox" --bench --data-dir "$data")
    frame_us=$(printf "%s\n" "$out" | sed -n "s/^first-frame-realtime-us //p")
    since_main=$(printf "%s\n" "$out" | sed -n "s/^first-frame-ms-since-main //p")
    if [ $i -gt 0 ]; then
      echo "launch $i: exec-to-first-frame-ms $(( (frame_us * 1000 - start) / 1000000 ))" \
           "main-to-first-frame-ms $since_main"
    fi
    i=$((i + 1))
  done
  rm -rf "$data"
' sh "$build" "$runs" > "${TMPDIR:-/tmp}/sb-launch.$$"
cat "${TMPDIR:-/tmp}/sb-launch.$$"
median() {
  sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
echo "launch, median of $((runs - 1)):" \
  "exec-to-first-frame $(awk '{ print $4 }' "${TMPDIR:-/tmp}/sb-launch.$$" | median) ms," \
  "main-to-first-frame $(awk '{ print $6 }' "${TMPDIR:-/tmp}/sb-launch.$$" | median) ms"
rm -f "${TMPDIR:-/tmp}/sb-launch.$$"

tests/gui/run-gui-test.sh "$build/bench/bench-gui" --files 10000 --upload-mib 1024
