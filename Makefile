# The README's test command is `make test`; .ci/run runs it on a clean checkout.
GO ?= go
# Build and test with the toolchain go.mod names (its toolchain line: the
# Go release with the standard library's security fixes), downloaded from
# the module proxy when the installed go is older — also where the machine
# sets GOTOOLCHAIN=local.
export GOTOOLCHAIN := auto

.PHONY: test vet unit fuzz etcd oidcprovider build bench

test: vet unit fuzz etcd oidcprovider

STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.7.0

vet:
	@test -z "$$(gofmt -l cmd internal client examples scripts test)" || { gofmt -l cmd internal client examples scripts test; echo 'gofmt: the files above are not formatted'; exit 1; }
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) mod tidy -diff
	scripts/vulncheck.sh

unit:
	$(GO) test -race -count=1 -timeout 20m ./...

# The etcd store against real embedded etcd servers: its own module
# (test/etcd), so the etcd server stays out of the main module's dependencies.
etcd:
	cd test/etcd && $(GO) vet ./...
	cd test/etcd && $(GO) run $(STATICCHECK) ./...
	cd test/etcd && $(GO) mod tidy -diff
	cd test/etcd && $(GO) test -race -count=1 -timeout 15m ./...

# stsd against a real OpenID Provider (github.com/zitadel/oidc/v3's op
# package, served by the test): its own module (test/oidcprovider), so the
# OP library stays out of the main module's dependencies.
oidcprovider:
	cd test/oidcprovider && $(GO) vet ./...
	cd test/oidcprovider && $(GO) run $(STATICCHECK) ./...
	cd test/oidcprovider && $(GO) mod tidy -diff
	cd test/oidcprovider && $(GO) test -race -count=1 -timeout 5m ./...

# Every Go fuzz target runs briefly (FUZZTIME each) so CI catches panics.
fuzz:
	FUZZTIME=$${FUZZTIME:-10s} scripts/fuzz-smoke.sh

build:
	CGO_ENABLED=0 $(GO) build -o bin/stsd ./cmd/stsd

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
