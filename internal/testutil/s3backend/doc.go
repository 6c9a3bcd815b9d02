// Package s3backend starts a real S3 server for tests: versitygw (Apache-2.0)
// with its POSIX backend, rooted in a temp directory, on a free loopback port,
// signing with a random root key pair. Tests of the S3 gateway use it as the
// backend the gateway forwards to, and read Dir to check what reached the
// disk.
//
// The binary comes from `go install github.com/versity/versitygw/cmd/versitygw@v1.8.0`
// (.ci/run does it); Start looks for it on PATH and in $(go env GOPATH)/bin.
// A test without it is skipped, unless STSD_REQUIRE_VERSITYGW=1 makes that a
// failure.
package s3backend
