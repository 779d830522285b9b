#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Uploads and downloads one large file through storagebox-server (the web
# form, as a browser does) and through nginx (WebDAV PUT, static GET), the
# fastest plain file server at hand, on this machine, in one run. Reports
# throughput, the server's CPU time and its peak memory during each
# transfer, and the ratios.
#
#   bench/web-transfer.sh [BUILD_DIR] [SIZE_MIB]      (defaults: _build 1024)
#
# Needs curl and nginx (Debian packages). Peak memory is VmHWM of the server
# process, reset just before each transfer (/proc/PID/clear_refs), so the
# figure is what the transfer itself needed.
set -eu

build=${1:-_build}
size_mib=${2:-1024}
server_bin=$build/src/server/storagebox-server
[ -x "$server_bin" ] || { echo "no $server_bin: build first (./dev.sh build)" >&2; exit 2; }
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

hz=$(getconf CLK_TCK)
now() { date +%s.%N; }
cpu_seconds() { awk -v hz="$hz" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
reset_peak() { echo 5 > "/proc/$1/clear_refs"; }
peak_mib() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
rss_mib() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
rate() { awk -v mib="$size_mib" -v t0="$1" -v t1="$2" 'BEGIN { printf "%.0f", mib / (t1 - t0) }'; }

echo "Making a ${size_mib} MiB file of random bytes..."
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/payload.bin"

# StorageBox
"$server_bin" --listen=127.0.0.1:0 --data-dir="$work/sb" --quiet > "$work/sb.out" 2>/dev/null &
sb_pid=$!
while ! grep -q listening "$work/sb.out" 2>/dev/null; do sleep 0.05; done
url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$work/sb.out" | head -n 1)
jar=$work/jar
csrf() { grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//'; }
token=$(curl -s -c "$jar" -b "$jar" "${url}signup" | csrf)
curl -s -c "$jar" -b "$jar" -o /dev/null \
  -d "csrf=$token&username=bench&email=bench@example.com&password=benchmark-password" \
  "${url}signup"
token=$(curl -s -c "$jar" -b "$jar" "${url}upload" | csrf)

idle_rss=$(rss_mib "$sb_pid")
reset_peak "$sb_pid"
cpu0=$(cpu_seconds "$sb_pid")
t0=$(now)
status=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' \
  -F "csrf=$token" -F "description=benchmark" -F "file=@$work/payload.bin" "${url}upload")
t1=$(now)
[ "$status" = 303 ] || { echo "StorageBox upload failed: HTTP $status" >&2; exit 1; }
sb_up_rate=$(rate "$t0" "$t1")
sb_up_cpu=$(awk -v a="$cpu0" -v b="$(cpu_seconds "$sb_pid")" 'BEGIN { printf "%.2f", b - a }')
sb_up_peak=$(peak_mib "$sb_pid")

reset_peak "$sb_pid"
cpu0=$(cpu_seconds "$sb_pid")
t0=$(now)
curl -s -c "$jar" -b "$jar" -o "$work/back.bin" "${url}files/payload.bin/download"
t1=$(now)
cmp -s "$work/payload.bin" "$work/back.bin" || { echo "StorageBox download differs" >&2; exit 1; }
sb_down_rate=$(rate "$t0" "$t1")
sb_down_cpu=$(awk -v a="$cpu0" -v b="$(cpu_seconds "$sb_pid")" 'BEGIN { printf "%.2f", b - a }')
sb_down_peak=$(peak_mib "$sb_pid")
kill "$sb_pid"; wait "$sb_pid" 2>/dev/null || true; sb_pid=""
rm -f "$work/back.bin"; rm -rf "$work/sb"

# nginx, the peer: a worker that only moves bytes between socket and disk.
mkdir -p "$work/nginx/root"
chmod 777 "$work/nginx/root"
start_nginx '' "root $work/nginx/root; client_max_body_size 0; location / { dav_methods PUT; create_full_put_path on; }"

reset_peak "$worker"
cpu0=$(cpu_seconds "$worker")
t0=$(now)
status=$(curl -s -o /dev/null -w "%{http_code}" -T "$work/payload.bin" "http://127.0.0.1:$port/payload.bin")
[ "$status" = 201 ] || { echo "nginx upload failed: HTTP $status" >&2; cat "$work/nginx/error.log" >&2; exit 1; }
t1=$(now)
ng_up_rate=$(rate "$t0" "$t1")
ng_up_cpu=$(awk -v a="$cpu0" -v b="$(cpu_seconds "$worker")" 'BEGIN { printf "%.2f", b - a }')
ng_up_peak=$(peak_mib "$worker")

reset_peak "$worker"
cpu0=$(cpu_seconds "$worker")
t0=$(now)
curl -s -o "$work/back.bin" "http://127.0.0.1:$port/payload.bin"
t1=$(now)
cmp -s "$work/payload.bin" "$work/back.bin" || { echo "nginx download differs" >&2; exit 1; }
ng_down_rate=$(rate "$t0" "$t1")
ng_down_cpu=$(awk -v a="$cpu0" -v b="$(cpu_seconds "$worker")" 'BEGIN { printf "%.2f", b - a }')
ng_down_peak=$(peak_mib "$worker")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'; }

echo
echo "${size_mib} MiB through the server, $(nproc) cores, $(uname -r)"
echo "StorageBox idle RSS: ${idle_rss} MiB"
printf '%-10s %-12s %12s %12s %14s\n' "transfer" "server" "MiB/s" "CPU s" "peak RSS MiB"
printf '%-10s %-12s %12s %12s %14s\n' upload storagebox "$sb_up_rate" "$sb_up_cpu" "$sb_up_peak"
printf '%-10s %-12s %12s %12s %14s\n' upload nginx "$ng_up_rate" "$ng_up_cpu" "$ng_up_peak"
printf '%-10s %-12s %12s %12s %14s\n' download storagebox "$sb_down_rate" "$sb_down_cpu" "$sb_down_peak"
printf '%-10s %-12s %12s %12s %14s\n' download nginx "$ng_down_rate" "$ng_down_cpu" "$ng_down_peak"
echo
echo "ratios storagebox/nginx (throughput: higher is better; CPU and RSS: lower is better)"
echo "upload:   throughput $(ratio "$sb_up_rate" "$ng_up_rate")  CPU $(ratio "$sb_up_cpu" "$ng_up_cpu")  peak RSS $(ratio "$sb_up_peak" "$ng_up_peak")"
echo "download: throughput $(ratio "$sb_down_rate" "$ng_down_rate")  CPU $(ratio "$sb_down_cpu" "$ng_down_cpu")  peak RSS $(ratio "$sb_down_peak" "$ng_down_peak")"
