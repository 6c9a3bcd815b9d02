# The README's test command is `make test`; .ci/run runs it on a clean checkout.
GO ?= go

.PHONY: test vet unit fuzz build bench

test: vet unit fuzz

STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.7.0

vet:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) mod tidy -diff

unit:
	$(GO) test -race -count=1 -timeout 20m ./...

# Every Go fuzz target runs briefly (FUZZTIME each) so CI catches panics.
fuzz:
	FUZZTIME=$${FUZZTIME:-10s} scripts/fuzz-smoke.sh

build:
	CGO_ENABLED=0 $(GO) build -o bin/stsd ./cmd/stsd

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
