#!/usr/bin/env bash
# Side-by-side CPU cost of AssumeRoleWithWebIdentity (issue 15): stsd (dev
# node: bbolt store, RS256 dev issuer, keys cached, audit on) against the
# floor, bench/verifyserver (form parse + RS256 verify + iss/aud/sub/exp +
# canned XML). Each server is pinned to CPU 0 and hey to CPU 1; they run
# alternately at 8 and 32 connections, ROUNDS times. Prints req/s, p50/p99
# and server CPU per request (utime+stime from /proc/PID/stat over the run)
# for each, and the CPU ratio stsd/floor.
# Usage: scripts/bench-sts.sh [duration per run, default 10s] [rounds, default 3]
# Needs: hey (apt-get install hey), taskset (util-linux), 2+ cores.
set -euo pipefail
export GOTOOLCHAIN=auto # the toolchain go.mod names, as make uses (README)
cd "$(dirname "$0")/.."
dur=${1:-10s}
rounds=${2:-3}
CGO_ENABLED=0 go build -o bin/stsd ./cmd/stsd
CGO_ENABLED=0 go build -o bin/verifyserver ./bench/verifyserver
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$work"' EXIT

taskset -c 0 bin/stsd dev --addr 127.0.0.1:18099 >"$work/dev.out" 2>&1 &
stsd_pid=$!
pids+=("$stsd_pid")
for _ in $(seq 100); do grep -q 'Press Ctrl-C' "$work/dev.out" && break; sleep 0.1; done
token=$(grep -o 'web-identity-token [^ ]*' "$work/dev.out" | cut -d' ' -f2)
role=$(grep -o 'role-arn [^ ]*' "$work/dev.out" | head -1 | cut -d' ' -f2)
issuer=$(grep -o 'development OIDC issuer: [^ ]*' "$work/dev.out" | cut -d' ' -f4)
taskset -c 0 bin/verifyserver -addr 127.0.0.1:18200 -issuer "$issuer" &
floor_pid=$!
pids+=("$floor_pid")
printf 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=%s&RoleSessionName=bench&WebIdentityToken=%s' "$role" "$token" >"$work/body"
for url in http://127.0.0.1:18099/ http://127.0.0.1:18200/; do
  for _ in $(seq 50); do curl -sf -o /dev/null -X POST --data-binary @"$work/body" "$url" && break; sleep 0.1; done
done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
echo "machine: $(go version | cut -d' ' -f3), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-6s %-5s %10s %9s %9s %12s\n' round conns server 'req/s' 'p50 ms' 'p99 ms' 'CPU µs/req'
declare -A cpu
for r in $(seq "$rounds"); do
  for c in 8 32; do
    for s in floor stsd; do
      if [ "$s" = stsd ]; then pid=$stsd_pid url=http://127.0.0.1:18099/; else pid=$floor_pid url=http://127.0.0.1:18200/; fi
      before=$(ticks "$pid")
      taskset -c 1 hey -z "$dur" -c "$c" -m POST -T application/x-www-form-urlencoded -D "$work/body" "$url" >"$work/hey.out"
      after=$(ticks "$pid")
      n=$(awk '/\[200\]/ {print $2}' "$work/hey.out")
      errs=$(grep -c 'Error distribution' "$work/hey.out" || true)
      rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$work/hey.out")
      p50=$(awk '/ 50% in/ {printf "%.2f", $3*1000}' "$work/hey.out")
      p99=$(awk '/ 99% in/ {printf "%.2f", $3*1000}' "$work/hey.out")
      us=$(awk -v a="$before" -v b="$after" -v n="${n:-0}" -v hz="$hz" 'BEGIN { if (n > 0) printf "%.1f", (b - a) * 1e6 / hz / n; else print "n/a" }')
      printf '%-6s %-6s %-5s %10s %9s %9s %12s%s\n' "$r" "$c" "$s" "$rps" "$p50" "$p99" "$us" "$([ "$errs" -gt 0 ] && echo '  ERRORS')"
      cpu[$r,$c,$s]=$us
    done
    awk -v a="${cpu[$r,$c,stsd]}" -v b="${cpu[$r,$c,floor]}" 'BEGIN { if (b > 0) printf "%-6s %-6s ratio stsd/floor CPU per request: %.2f\n", "", "", a / b }'
  done
done
