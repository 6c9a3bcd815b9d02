#!/usr/bin/env bash
# govulncheck over the main module (what ships: cmd, internal, client),
# against the Go vulnerability database as of a pinned revision of
# golang.org/x/vulndb. vuln.go.dev is not reachable from the build
# machines, the Go module proxy is: the vulndb module carries every report
# as OSV JSON (data/osv), which its own cmd/indexdb turns into the database
# layout govulncheck reads (-db file://…). The database is built once per
# revision into ~/.cache/stsd/. Bump VULNDB to learn of newer
# vulnerabilities: `go mod download -json golang.org/x/vulndb@latest` (run
# outside the module) names the newest revision the proxy serves.
# Exit status: 0 when no vulnerable code is reachable, non-zero when some is
# (govulncheck exits 3, which go run reports as 1) or the check fails.
set -euo pipefail
export GOTOOLCHAIN=auto # the toolchain go.mod names, as make uses (README)
cd "$(dirname "$0")/.."
VULNDB=v0.0.0-20261105234957-e22db6528018
GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.9.0
db=${XDG_CACHE_HOME:-$HOME/.cache}/stsd/vulndb-$VULNDB
if [ ! -f "$db/index/db.json" ]; then
  mkdir -p "$(dirname "$db")"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # Outside the module, so neither go.mod nor go.sum learns of vulndb.
  src=$(cd "$work" && go mod download -json "golang.org/x/vulndb@$VULNDB" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  (cd "$work" && go run "golang.org/x/vulndb/cmd/indexdb@$VULNDB" -vulns "$src/data/osv" -out "$work/db")
  rm -rf "$db"
  mv "$work/db" "$db"
fi
go run "$GOVULNCHECK" -db "file://$db" ./...
