#!/usr/bin/env bash
# Endurance run: builds stsd and its load generator (scripts/loadgen),
# starts `stsd dev` (bbolt store and audit log in a temporary data
# directory, default audit rotation, the development RS256 issuer over
# loopback), measures the peak throughput of the request mix (half
# AssumeRoleWithWebIdentity, half GetCallerIdentity signed with the issued
# session), then offers SOAK_LOAD (80 %) of it for SOAK_DURATION, sampling
# the node's RSS, goroutines, open files and the p99 latency every
# SOAK_INTERVAL. It fails (exit 1) on any error or lost audit event, or if
# RSS, goroutines or open files grow more than 20 % over their mean in the
# first minute after warm-up. Loopback only. See docs/reliability.md.
#
# Environment (defaults in brackets):
#   SOAK_DURATION [10m]  SOAK_INTERVAL [10s]  SOAK_CONNS [32]
#   SOAK_PEAK_DURATION [20s]  SOAK_LOAD [0.8]  SOAK_RATE (requests/s; skips the peak measurement)
#   SOAK_WARMUP [min(30s, duration/6)]  SOAK_BASELINE [min(60s, duration/3)]
#   SOAK_KEEP=1 keeps the data directory (audit log) for inspection
set -euo pipefail
export GOTOOLCHAIN=auto # the toolchain go.mod names, as make uses (README)
cd "$(dirname "$0")/.."
duration=${SOAK_DURATION:-10m}
interval=${SOAK_INTERVAL:-10s}
conns=${SOAK_CONNS:-32}
peak_duration=${SOAK_PEAK_DURATION:-20s}
load=${SOAK_LOAD:-0.8}

secs() { # a Go duration (90s, 10m, 1h) in whole seconds
  case $1 in
    *h) echo $((${1%h} * 3600)) ;; *m) echo $((${1%m} * 60)) ;; *s) echo "${1%s}" ;; *) echo "$1" ;;
  esac
}
total=$(secs "$duration")
warmup=${SOAK_WARMUP:-$((total / 6 < 30 ? total / 6 : 30))s}
baseline=${SOAK_BASELINE:-$((total / 3 < 60 ? total / 3 : 60))s}

CGO_ENABLED=0 go build -o bin/stsd ./cmd/stsd
go build -o bin/loadgen ./scripts/loadgen
dir=$(mktemp -d)
out="$dir/stsd.out"
bin/stsd dev --addr 127.0.0.1:0 --data-dir "$dir/data" >"$out" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  if [ -n "${SOAK_KEEP:-}" ]; then echo "kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
for _ in $(seq 100); do grep -q 'Press Ctrl-C' "$out" && break; sleep 0.2; done
grep -q 'Press Ctrl-C' "$out" || { cat "$out"; echo "stsd dev did not start" >&2; exit 1; }
url=$(grep -o -- '--endpoint-url [^ ]*' "$out" | cut -d' ' -f2)
role=$(grep -o -- '--role-arn [^ ]*' "$out" | cut -d' ' -f2)

echo "machine: $(go version | cut -d' ' -f3), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
gen=(bin/loadgen -url "$url" -data-dir "$dir/data" -role-arn "$role" -conns "$conns")
if [ -n "${SOAK_RATE:-}" ]; then
  rate=$SOAK_RATE
else
  peak=$("${gen[@]}" -mode peak -duration "$peak_duration" | awk '/^peak_rps/ {print $2}')
  rate=$(awk -v p="$peak" -v l="$load" 'BEGIN {printf "%.0f", p * l}')
  echo "peak: $peak requests/s over $peak_duration; soaking at $load × peak = $rate requests/s"
fi
status=0
"${gen[@]}" -mode soak -pid "$pid" -rate "$rate" -duration "$duration" -interval "$interval" \
  -warmup "$warmup" -baseline "$baseline" || status=$?
echo "audit files: $(ls "$dir/data" | grep -c '^audit') ($(du -sh "$dir/data" | cut -f1) in the data directory; rotation at 100 MB, 10 kept)"
if ! kill -0 "$pid" 2>/dev/null; then echo "stsd exited during the run:"; cat "$out"; status=1; fi
exit $status
