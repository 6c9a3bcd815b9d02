#!/usr/bin/env bash
# Measures what stsd's forward-auth adds to a request through a real nginx:
# one client alternates requests nginx -> upstream and
# nginx -> auth_request to stsd /forward-auth -> upstream, and prints p50
# and p99 of each side (internal/e2e TestForwardAuthNginxLatency).
# Needs nginx (apt-get install nginx). Usage:
#   scripts/bench-forward-auth.sh [requests per side, default 5000]
set -euo pipefail
export GOTOOLCHAIN=auto # the toolchain go.mod names, as make uses (README)
cd "$(dirname "$0")/.."
export STSD_BENCH_FORWARD_AUTH=1 STSD_REQUIRE_NGINX=1
export STSD_BENCH_FORWARD_AUTH_N="${1:-5000}"
go test ./internal/e2e/ -run '^TestForwardAuthNginxLatency$' -count=1 -v | grep -v '^=== RUN'
