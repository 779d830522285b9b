#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# How a health probe fares while the server is under attack: 200 slow-loris
# connections, four clients sending bodies declared as 256 MiB and, for
# StorageBox, 200 concurrent correct log-ins (a password hash each). The same
# attacks (but the log-ins) hit nginx, configured as production servers are
# (header and body timeouts, a 1 MiB body limit), in the same run. Prints,
# per phase, the probe's median, 99th percentile and maximum latency and the
# server's memory (bench-attack.c), then the ratios.
#
#   bench/security.sh [BUILD_DIR] [SECONDS_PER_PHASE]   (defaults: _build 5)
#
# Needs curl and nginx (Debian packages).
set -eu

build=${1:-_build}
seconds=${2:-5}
server_bin=$build/src/server/storagebox-server
attack=$build/bench/bench-attack
[ -x "$server_bin" ] && [ -x "$attack" ] || { echo "build first (./dev.sh build)" >&2; exit 2; }
command -v nginx >/dev/null || { echo "nginx is needed: apt-get install nginx" >&2; exit 2; }

work=$(mktemp -d /tmp/sb-bench-XXXXXX)
sb_pid=""
nginx_pid=""
cleanup() {
  [ -n "$sb_pid" ] && kill "$sb_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
. "$(dirname "$0")/nginx-peer.sh"

# StorageBox, with one account to log in to.
"$server_bin" --listen=127.0.0.1:0 --data-dir="$work/sb" --quiet > "$work/sb.out" 2>/dev/null &
sb_pid=$!
while ! grep -q listening "$work/sb.out" 2>/dev/null; do sleep 0.05; done
url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$work/sb.out" | head -n 1)
sb_port=$(echo "$url" | sed 's/.*:\([0-9]*\)\/$/\1/')
jar=$work/jar
token=$(curl -s -c "$jar" -b "$jar" "${url}signup" |
        grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
curl -s -c "$jar" -b "$jar" -o /dev/null \
  -d "csrf=$token&username=bench&email=bench@example.com&password=benchmark-password" \
  "${url}signup"

echo "storagebox-server ($(nproc) cores, $(uname -r), ${seconds} s per phase)"
"$attack" --port "$sb_port" --pid "$sb_pid" --seconds "$seconds" \
  --login bench:benchmark-password | tee "$work/sb.txt"
kill "$sb_pid"; wait "$sb_pid" 2>/dev/null || true; sb_pid=""

# nginx, the peer: /healthz answered by the server itself.
start_nginx 'client_header_timeout 10s; client_body_timeout 10s; client_max_body_size 1m;' \
  'location = /healthz { return 200 "ok\n"; } location / { return 200 "page\n"; }'

echo "nginx $(nginx -v 2>&1 | sed 's/.*\///')"
"$attack" --port "$port" --pid "$worker" --seconds "$seconds" | tee "$work/nginx.txt"

echo
echo "probe latency, storagebox / nginx (below 1 means StorageBox answers faster)"
for phase in idle slow-loris big-bodies; do
  sb=$(grep "^$phase " "$work/sb.txt")
  ng=$(grep "^$phase " "$work/nginx.txt")
  field() { echo "$1" | sed -n "s/.* $2 *\([0-9.]*\) ms.*/\1/p"; }
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'; }
  printf '%-12s median %6s  p99 %6s  max %6s\n' "$phase" \
    "$(ratio "$(field "$sb" median)" "$(field "$ng" median)")" \
    "$(ratio "$(field "$sb" p99)" "$(field "$ng" p99)")" \
    "$(ratio "$(field "$sb" max)" "$(field "$ng" max)")"
done
