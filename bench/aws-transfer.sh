#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Uploads and downloads one large file to one s3rver with storagebox-cli
# (put/get: S3 object plus DynamoDB record on dynalite) and with Debian's aws
# CLI (aws s3 cp), in one run. Reports each client's throughput, CPU
# seconds (user + system) and peak RSS, from /usr/bin/time -v, and the
# ratios aws / storagebox-cli (above 1 means StorageBox does better).
#
#   bench/aws-transfer.sh [BUILD_DIR] [SIZE_MIB]      (defaults: _build 1024)
#
# Needs node with tests/node installed (npm ci), /usr/bin/aws (awscli) and
# /usr/bin/time (time). Servers listen on free loopback ports and stop at exit.
set -eu

build=${1:-_build}
size_mib=${2:-1024}
top=$(cd "$(dirname "$0")/.." && pwd)
cli=$build/src/cli/storagebox-cli
modules=$top/tests/node/node_modules
[ -x "$cli" ] || { echo "no $cli: build first (./dev.sh build)" >&2; exit 2; }
[ -x /usr/bin/aws ] || { echo "/usr/bin/aws is needed: apt-get install awscli" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed: apt-get install time" >&2; exit 2; }
[ -d "$modules/s3rver" ] || { echo "run npm ci in tests/node first" >&2; exit 2; }

work=$(mktemp -d /tmp/sb-aws-bench-XXXXXX)
ddb_pid=""
s3_pid=""
cleanup() {
  [ -n "$ddb_pid" ] && kill "$ddb_pid" 2>/dev/null || true
  [ -n "$s3_pid" ] && kill "$s3_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

wait_for() { while ! grep -q "$2" "$1" 2>/dev/null; do sleep 0.05; done; }
port_of() { sed -n 's/.*:\([0-9][0-9]*\)[^0-9]*$/\1/p' "$1" | head -n 1; }

# dynalite through its API (its cli.js turns --port 0 into 4567).
node -e "const s = require(process.argv[1])({createTableMs: 0});
s.listen(0, '127.0.0.1', () => console.log('listening at: http://127.0.0.1:' + s.address().port));" \
  "$modules/dynalite" > "$work/ddb.out" 2>&1 &
ddb_pid=$!
mkdir "$work/s3"
node --openssl-legacy-provider "$modules/s3rver/bin/s3rver.js" --directory "$work/s3" \
  --address 127.0.0.1 --port 0 --silent > "$work/s3.out" 2>&1 &
s3_pid=$!
wait_for "$work/ddb.out" "listening at"
wait_for "$work/s3.out" "listening on"
ddb_url=http://127.0.0.1:$(port_of "$work/ddb.out")
s3_url=http://127.0.0.1:$(port_of "$work/s3.out")

# s3rver's fixed key pair; no ~/.aws, no instance metadata, no pager.
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
export STORAGEBOX_BACKEND=aws STORAGEBOX_BUCKET=storagebox-bench STORAGEBOX_REGION=us-east-1
export STORAGEBOX_DYNAMODB_ENDPOINT_URL=$ddb_url STORAGEBOX_S3_ENDPOINT_URL=$s3_url
export STORAGEBOX_MAX_UPLOAD_SIZE=64GiB

"$cli" init > "$work/init.txt" || { cat "$work/init.txt" >&2; exit 1; }
printf 'benchmark-password\n' | "$cli" adduser bench --email bench@example.com

echo "Making a ${size_mib} MiB file of random bytes..."
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/payload.bin"
sync

# One measured run: prints "seconds cpu_seconds peak_mib".
measure() {
  /usr/bin/time -v -o "$work/time.txt" "$@" > /dev/null
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { y = $2 }
    /Maximum resident set size/ { r = $2 }
    END { printf "%.2f %.2f %.1f\n", s, u + y, r / 1024 }' "$work/time.txt"
}

sb_up=$(measure "$cli" put "$work/payload.bin" big.bin --user bench)
sb_down=$(measure "$cli" get big.bin "$work/sb-back.bin" --user bench)
cmp -s "$work/payload.bin" "$work/sb-back.bin" || { echo "storagebox-cli get differs" >&2; exit 1; }
rm -f "$work/sb-back.bin"

aws_up=$(measure /usr/bin/aws --endpoint-url "$s3_url" s3 cp --only-show-errors \
  "$work/payload.bin" s3://storagebox-bench/aws-copy.bin)
aws_down=$(measure /usr/bin/aws --endpoint-url "$s3_url" s3 cp --only-show-errors \
  s3://storagebox-bench/aws-copy.bin "$work/aws-back.bin")
cmp -s "$work/payload.bin" "$work/aws-back.bin" || { echo "aws s3 cp download differs" >&2; exit 1; }

report() {
  # $1 label, $2 storagebox "s cpu rss", $3 aws "s cpu rss"
  echo "$2 $3" | awk -v label="$1" -v mib="$size_mib" '{
    printf "| %s | storagebox-cli | %.0f | %.2f | %.1f |\n", label, mib / $1, $2, $3
    printf "| %s | aws s3 cp | %.0f | %.2f | %.1f |\n", label, mib / $4, $5, $6
    printf "| %s | **ratio aws / storagebox** | **%.2f** (speed: storagebox / aws) | **%.2f** | **%.2f** |\n",
           label, $4 / $1, $5 / $2, $6 / $3
  }'
}

echo
echo "${size_mib} MiB through one s3rver 3.7.1 (plus dynalite 4.0.0 for StorageBox's records):"
echo
echo "| transfer | client | MiB/s | client CPU s | client peak RSS MiB |"
echo "|---|---|---|---|---|"
report upload "$sb_up" "$aws_up"
report download "$sb_down" "$aws_down"
