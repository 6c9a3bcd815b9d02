#!/usr/bin/env bash
# Loopback load test of AssumeRoleWithWebIdentity: builds stsd, starts
# `stsd dev` (bbolt store in a temporary data dir, RS256 development issuer,
# keys cached after the first request), and drives it with hey.
# Usage: scripts/loadtest.sh [concurrency] [duration]   (needs hey: apt-get install hey)
set -euo pipefail
export GOTOOLCHAIN=auto # the toolchain go.mod names, as make uses (README)
cd "$(dirname "$0")/.."
conc=${1:-32}
dur=${2:-20s}
CGO_ENABLED=0 go build -o bin/stsd ./cmd/stsd
out=$(mktemp)
bin/stsd dev --addr 127.0.0.1:18099 >"$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out" "$body"' EXIT
for _ in $(seq 50); do grep -q 'Press Ctrl-C' "$out" && break; sleep 0.2; done
token=$(grep -o 'web-identity-token [^ ]*' "$out" | cut -d' ' -f2)
role=$(grep -o 'role-arn [^ ]*' "$out" | cut -d' ' -f2)
body=$(mktemp)
printf 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=%s&RoleSessionName=load&WebIdentityToken=%s' "$role" "$token" >"$body"
curl -sf -o /dev/null -X POST --data-binary @"$body" http://127.0.0.1:18099/   # warm the key cache
echo "machine: $(go version | cut -d' ' -f3), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
hey -z "$dur" -c "$conc" -m POST -T application/x-www-form-urlencoded -D "$body" http://127.0.0.1:18099/
