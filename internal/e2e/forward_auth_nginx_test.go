package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestForwardAuthNginx: a real nginx (auth_request) in front of the echo
// upstream, asking stsd's /forward-auth; the configuration is the one
// docs/downstream.md shows.
func TestForwardAuthNginx(t *testing.T) {
	checkDocumented(t, nginxConf, "listen {{LISTEN}};", "location /direct/")
	forwardAuthSuite(t, startNginx)
}

// TestForwardAuthNginxTwoNodes: a revocation written on one node denies on
// the other node, through nginx, within a second.
func TestForwardAuthNginxTwoNodes(t *testing.T) {
	revocationAcrossNodes(t, startNginx)
}

// TestForwardAuthNginxLatency measures what forward-auth adds to a request
// through nginx: the same client alternates requests to /direct/ (nginx
// straight to the upstream) and to / (nginx, auth_request to stsd, then the
// upstream), every request signed the same way, and reports p50 and p99 of
// each. It runs only with STSD_BENCH_FORWARD_AUTH=1
// (scripts/bench-forward-auth.sh) and fails when the p50 added exceeds
// 1 ms. STSD_BENCH_FORWARD_AUTH_N sets the requests per side (default 5000).
func TestForwardAuthNginxLatency(t *testing.T) {
	if os.Getenv("STSD_BENCH_FORWARD_AUTH") != "1" {
		t.Skip("set STSD_BENCH_FORWARD_AUTH=1 (scripts/bench-forward-auth.sh)")
	}
	count := 5000
	if v, err := strconv.Atoi(os.Getenv("STSD_BENCH_FORWARD_AUTH_N")); err == nil && v > 0 {
		count = v
	}
	n := startAuthzNode(t, authzNodeOptions{trusted: []string{"127.0.0.1/32"}})
	up := newEchoUpstream(t)
	p := startNginx(t, n.authzAddr(), up.addr())
	c := newFAClient(t, n, p.url(), n.faSession(n.faRole("app"), "bench", 3600, ""))
	measure := func(uri string) time.Duration {
		req := c.signed("GET", uri, nil, nil)
		start := time.Now()
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", uri, resp.StatusCode)
		}
		return took
	}
	for range 500 { // warm up both paths and the connection pools
		measure("/direct/pets")
		measure("/pets")
	}
	direct := make([]time.Duration, 0, count)
	authed := make([]time.Duration, 0, count)
	for range count {
		direct = append(direct, measure("/direct/pets"))
		authed = append(authed, measure("/pets"))
	}
	q := func(d []time.Duration, p float64) time.Duration {
		s := slices.Clone(d)
		slices.Sort(s)
		return s[int(p*float64(len(s)-1))]
	}
	added := q(authed, 0.50) - q(direct, 0.50)
	fmt.Printf("forward-auth through nginx, %d requests each, alternated, one keep-alive client (GOMAXPROCS=%d):\n", count, runtime.GOMAXPROCS(0))
	fmt.Printf("  nginx -> upstream                        p50 %-12v p99 %v\n", q(direct, 0.50), q(direct, 0.99))
	fmt.Printf("  nginx -> stsd /forward-auth -> upstream  p50 %-12v p99 %v\n", q(authed, 0.50), q(authed, 0.99))
	fmt.Printf("  added by forward-auth                    p50 %-12v p99 %v\n", added, q(authed, 0.99)-q(direct, 0.99))
	if added > time.Millisecond {
		t.Errorf("forward-auth adds %v at p50, budget 1ms", added)
	}
}
