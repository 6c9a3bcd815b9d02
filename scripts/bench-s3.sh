#!/usr/bin/env bash
# The S3 gateway's benchmarks (issue 11), side by side in one run against a
# real versitygw v1.8.0 (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0):
#   - 64 MiB PutObject (SDK default payload mode, and UNSIGNED-PAYLOAD) and
#     GetObject with aws-sdk-go-v2 straight to versitygw, through a bare Go
#     reverse proxy (the floor) and through `stsd serve`'s gateway,
#     alternated round by round;
#   - the CPU per 1 KiB GetObject of each proxy process (utime + stime from
#     /proc/PID/stat over the run) and of versitygw;
#   - the peak RSS (VmHWM, reset before each upload) of the stsd process
#     while 1 GiB is uploaded from a generator in three payload modes.
# Prints every round, then a Markdown summary table (medians and ranges).
# Usage: scripts/bench-s3.sh [rounds, default 5] [1 KiB GETs per side and round, default 4000]
# Environment: STSD_BENCH_S3_BIG_MIB (upload size, default 1024),
#   STSD_BENCH_S3_DEBUG_ADDR=127.0.0.1:6061 (stsd's pprof while it runs).
set -euo pipefail
export GOTOOLCHAIN=auto # the toolchain go.mod names, as make uses (README)
cd "$(dirname "$0")/.."
CGO_ENABLED=0 go build -o bin/stsd ./cmd/stsd
go test -c -o bin/e2e-bench.test ./internal/e2e/
export STSD_BENCH_S3=1 STSD_REQUIRE_VERSITYGW=1
export STSD_BENCH_S3_BIN="$PWD/bin/stsd"
export STSD_BENCH_S3_ROUNDS="${1:-5}" STSD_BENCH_S3_GETS="${2:-4000}"
cd internal/e2e
../../bin/e2e-bench.test -test.run '^TestS3GatewayBench$' -test.v -test.timeout 30m | grep -v '^=== RUN'
