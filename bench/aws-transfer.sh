#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Uploads and downloads one large file to one S3 server, in one run, with
# storagebox-cli (put/get: S3 object plus DynamoDB record on dynalite), with
# Debian's aws CLI (aws s3 cp), and with curl on presigned URLs (signed by
# botocore), the raw ceiling: no client does less per byte. Each transfer runs
# RUNS times; the medians of each client's wall time, CPU seconds (user +
# system) and peak RSS, from /usr/bin/time -v, are printed with the ratios.
#
#   bench/aws-transfer.sh [BUILD_DIR] [SIZE_MIB] [RUNS]   (defaults: _build 1024 3)
#
# The S3 server is Ceph RGW, started by the tests' sb-rgw-run (memstore, so
# the bytes stay in memory: keep SIZE_MIB well under the machine's RAM);
# SB_BENCH_S3=s3rver uses s3rver from tests/node instead. Needs node with
# tests/node installed (npm ci), /usr/bin/aws (awscli), python3-botocore,
# curl and /usr/bin/time. Servers listen on free loopback ports and stop at
# exit.
set -eu

build=${1:-_build}
size_mib=${2:-1024}
runs=${3:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
cli=$build/src/cli/storagebox-cli
modules=$top/tests/node/node_modules
s3_kind=${SB_BENCH_S3:-rgw}
[ -x "$cli" ] || { echo "no $cli: build first (./dev.sh build)" >&2; exit 2; }
[ -x /usr/bin/aws ] || { echo "/usr/bin/aws is needed: apt-get install awscli" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed: apt-get install time" >&2; exit 2; }
[ -d "$modules/dynalite" ] || { echo "run npm ci in tests/node first" >&2; exit 2; }
python3 -c 'import botocore' 2>/dev/null ||
  { echo "python3-botocore is needed: apt-get install python3-botocore" >&2; exit 2; }

# On RGW: run again beside a fresh cluster, which sets the endpoint and keys.
if [ "$s3_kind" = rgw ] && [ -z "${SB_RGW_DIR:-}" ]; then
  [ -x "$build/tests/aws/sb-rgw-run" ] || { echo "no $build/tests/aws/sb-rgw-run" >&2; exit 2; }
  command -v radosgw >/dev/null || { echo "radosgw is needed (./dev.sh test installs it)" >&2; exit 2; }
  exec "$build/tests/aws/sb-rgw-run" "$0" "$build" "$size_mib" "$runs"
fi

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
wait_for "$work/ddb.out" "listening at"
ddb_url=http://127.0.0.1:$(port_of "$work/ddb.out")

if [ "$s3_kind" = rgw ]; then
  s3_url=$AWS_ENDPOINT_URL_S3
  s3_name="Ceph RGW $(radosgw --version | awk '{ print $3 }') (memstore)"
  export AWS_DEFAULT_REGION=$AWS_REGION
else
  mkdir "$work/s3"
  node --openssl-legacy-provider "$modules/s3rver/bin/s3rver.js" --directory "$work/s3" \
    --address 127.0.0.1 --port 0 --silent > "$work/s3.out" 2>&1 &
  s3_pid=$!
  wait_for "$work/s3.out" "listening on"
  s3_url=http://127.0.0.1:$(port_of "$work/s3.out")
  s3_name="s3rver 3.7.1"
  # s3rver's fixed key pair.
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1
fi
unset AWS_ENDPOINT_URL_S3
# No ~/.aws, no instance metadata, no pager.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
export STORAGEBOX_BACKEND=aws STORAGEBOX_BUCKET=storagebox-bench STORAGEBOX_REGION=$AWS_DEFAULT_REGION
export STORAGEBOX_DYNAMODB_ENDPOINT_URL=$ddb_url STORAGEBOX_S3_ENDPOINT_URL=$s3_url
export STORAGEBOX_MAX_UPLOAD_SIZE=64GiB

"$cli" init > "$work/init.txt" || { cat "$work/init.txt" >&2; exit 1; }
printf 'benchmark-password\n' | "$cli" adduser bench --email bench@example.com

echo "Making a ${size_mib} MiB file of random bytes..."
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/payload.bin"
sync

presign() {
  python3 - "$s3_url" "$AWS_DEFAULT_REGION" "$1" "$2" <<'EOF'
import sys, botocore.session
from botocore.config import Config
url, region, method, key = sys.argv[1:]
client = botocore.session.get_session().create_client(
    's3', endpoint_url=url, region_name=region,
    config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}))
print(client.generate_presigned_url(method, Params={'Bucket': 'storagebox-bench', 'Key': key},
                                    ExpiresIn=3600))
EOF
}

# One measured run: appends "seconds cpu_seconds peak_mib" to file $1.
measure() {
  out=$1; shift
  /usr/bin/time -v -o "$work/time.txt" "$@" > /dev/null
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { y = $2 }
    /Maximum resident set size/ { r = $2 }
    END { printf "%.2f %.2f %.1f\n", s, u + y, r / 1024 }' "$work/time.txt" >> "$out"
}
same() { cmp -s "$work/payload.bin" "$1" || { echo "$2 download differs" >&2; exit 1; }; rm -f "$1"; }

put_url=$(presign put_object curl-copy.bin)
get_url=$(presign get_object curl-copy.bin)
for run in $(seq "$runs"); do
  echo "run $run of $runs"
  measure "$work/sb-up" "$cli" put --replace "$work/payload.bin" big.bin --user bench
  measure "$work/sb-down" "$cli" get big.bin "$work/back.bin" --user bench
  same "$work/back.bin" "storagebox-cli get"
  measure "$work/aws-up" /usr/bin/aws --endpoint-url "$s3_url" s3 cp --only-show-errors \
    "$work/payload.bin" s3://storagebox-bench/aws-copy.bin
  measure "$work/aws-down" /usr/bin/aws --endpoint-url "$s3_url" s3 cp --only-show-errors \
    s3://storagebox-bench/aws-copy.bin "$work/back.bin"
  same "$work/back.bin" "aws s3 cp"
  measure "$work/curl-up" curl -sf -T "$work/payload.bin" "$put_url"
  measure "$work/curl-down" curl -sf -o "$work/back.bin" "$get_url"
  same "$work/back.bin" "curl"
done

# The median of each column of a file of runs.
median() {
  for col in 1 2 3; do
    cut -d' ' -f"$col" "$1" | sort -n | awk '{ v[NR] = $1 } END { printf "%s ", v[int((NR + 1) / 2)] }'
  done
}

report() {
  # $1 label; the medians of storagebox, aws and curl
  echo "$2 $3 $4" | awk -v label="$1" -v mib="$size_mib" '{
    printf "| %s | storagebox-cli | %.2f | %.0f | %.2f | %.1f |\n", label, $1, mib / $1, $2, $3
    printf "| %s | aws s3 cp | %.2f | %.0f | %.2f | %.1f |\n", label, $4, mib / $4, $5, $6
    printf "| %s | curl, presigned | %.2f | %.0f | %.2f | %.1f |\n", label, $7, mib / $7, $8, $9
    printf "| %s | storagebox / curl | %.2f× wall | | %.2f× CPU | |\n", label, $1 / $7, $2 / $8
    printf "| %s | storagebox / aws | %.2f× wall | %.2f× throughput | %.2f× CPU | %.2f× RSS |\n",
           label, $1 / $4, $4 / $1, $2 / $5, $3 / $6
  }'
}

echo
echo "${size_mib} MiB through one $s3_name (plus dynalite for StorageBox's records), medians of $runs runs:"
echo
echo "| transfer | client | wall s | MiB/s | client CPU s | client peak RSS MiB |"
echo "|---|---|---:|---:|---:|---:|"
report upload "$(median "$work/sb-up")" "$(median "$work/aws-up")" "$(median "$work/curl-up")"
report download "$(median "$work/sb-down")" "$(median "$work/aws-down")" "$(median "$work/curl-down")"
