// Package etcd holds the tests that run stsd against real etcd servers
// (embedded, package etcdtest): the store conformance suite on the etcd
// store, outages and restarts, lost watches and the IAM cache's resync,
// leader failure in a three-member cluster, the store benchmarks, and
// multi-node tests: three `stsd serve --store etcd` processes sharing one
// three-member cluster (propagation, sessions and keyring rotation across
// nodes, leader failure, a full etcd outage). It
// is its own Go module so that the etcd server stays out of the main
// module's dependencies and `go test ./...` at the root stays fast; run it
// with `make etcd`.
package etcd
