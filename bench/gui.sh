#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmarks of the desktop app, on Xvfb with the cairo renderer (as the
# tests run it). Results go to stdout; docs/BENCHMARKS.md records them.
#
#   bench/gui.sh [BUILD_DIR] [RUNS]
#
# 1. Launch to first frame: RUNS starts each (the first a warm-up, not
#    counted) of `storagebox --bench` and of bench-hello, the smallest
#    libadwaita app, timed the same way, interleaved; once as is, once with
#    GDK_DEBUG=gl-disable (no OpenGL probe). Measured from the shell's clock
#    just before exec, and from main(), to the end of the first frame.
# 2. bench-gui: 10,000 files listed (time, longest main-loop stall, memory),
#    scrolling through them, and a 1 GiB upload through the Upload page.
set -eu
cd "$(dirname "$0")/.."
build=${1:-_build}
runs=${2:-11}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sb-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

export GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory LC_ALL=C.UTF-8

tests/gui/run-gui-test.sh sh -c '
  build=$1; runs=$2; tmp=$3
  one() {
    start=$(date +%s%N)
    out=$("$@")
    frame_us=$(printf "%s\n" "$out" | sed -n "s/^first-frame-realtime-us //p")
    since_main=$(printf "%s\n" "$out" | sed -n "s/^first-frame-ms-since-main //p")
    echo "$(( (frame_us * 1000 - start) / 1000000 )) $since_main"
  }
  for gl in default gl-disable; do
    i=0
    while [ $i -lt $runs ]; do
      if [ $gl = gl-disable ]; then export GDK_DEBUG=gl-disable; else unset GDK_DEBUG; fi
      app=$(one "$build/src/gui/storagebox" --bench --data-dir "$tmp/data")
      hello=$(one "$build/bench/bench-hello")
      [ $i -gt 0 ] && echo "$gl storagebox $app hello $hello"
      i=$((i + 1))
    done
  done
' sh "$build" "$runs" "$tmp" > "$tmp/launch"

median() {
  sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
for gl in default gl-disable; do
  grep "^$gl " "$tmp/launch" > "$tmp/$gl"
  app_exec=$(awk '{ print $3 }' "$tmp/$gl" | median)
  app_main=$(awk '{ print $4 }' "$tmp/$gl" | median)
  hello_exec=$(awk '{ print $6 }' "$tmp/$gl" | median)
  hello_main=$(awk '{ print $7 }' "$tmp/$gl" | median)
  echo "launch ($gl, median of $((runs - 1))): storagebox exec-to-frame ${app_exec} ms" \
       "(main-to-frame ${app_main} ms); bench-hello ${hello_exec} ms (${hello_main} ms);" \
       "ratio $(awk -v a="$app_exec" -v b="$hello_exec" 'BEGIN { printf "%.2f", a / b }')"
done

tests/gui/run-gui-test.sh "$build/bench/bench-gui" --files 10000 --upload-mib 1024 2>/dev/null |
  grep -v '^#'
