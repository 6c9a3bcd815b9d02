package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// BenchmarkS3GatewayGet1KiB is the gateway's own cost per 1 KiB GetObject,
// side by side with a bare Go reverse proxy in one loop: both in this
// process, both in front of the same real versitygw, the same keep-alive
// client sending a request signed once (for the gateway with a role
// session's key, for the floor with versitygw's own key). Sides alternate
// in batches; each batch's process CPU (getrusage) and bytes allocated
// (runtime/metrics) are charged to its side, so the client's and the
// Go HTTP stack's work cancel out in the difference:
//
//	added-cpu-µs/op = gateway batch CPU − floor batch CPU, per request
//	added-B/op      = the same for bytes allocated
//
// scripts/bench-s3.sh measures the same figure across processes;
// this one is for profiling (-cpuprofile, -memprofile) and quick
// before/after comparisons.
func BenchmarkS3GatewayGet1KiB(b *testing.B) {
	n := startS3Node(b, s3NodeOptions{audit: "denied"})
	n.backend.PutObject(b, "data", "bench/1k", make([]byte, 1024))
	role := n.s3Role("bench", map[string]string{"read": `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::data/bench/*"}]}`})
	session := n.s3Session(role, "bench", nil, "")

	backend, err := url.Parse(n.backend.URL)
	if err != nil {
		b.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(backend)
	rp.BufferPool = &bufferPool{p: sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}}
	floor := httptest.NewServer(rp)
	defer floor.Close()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	gwReq := signedGet(b, n.app.S3URL+"/data/bench/1k", session)
	floorReq := signedGet(b, floor.URL+"/data/bench/1k",
		aws.Credentials{AccessKeyID: n.backend.AccessKeyID, SecretAccessKey: n.backend.SecretAccessKey})
	get := func(req *http.Request) {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		m, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || m != 1024 {
			b.Fatalf("status %d, %d bytes", resp.StatusCode, m)
		}
	}
	for range 50 { // warm both sides' connections and caches
		get(gwReq)
		get(floorReq)
	}

	const batch = 50
	var gwCPU, floorCPU time.Duration
	var gwBytes, floorBytes uint64
	var gwN, floorN int
	run := func(req *http.Request, k int, cpu *time.Duration, bytes *uint64, count *int) {
		c0, a0 := processCPU(b), allocatedBytes()
		for range k {
			get(req)
		}
		*cpu += processCPU(b) - c0
		*bytes += allocatedBytes() - a0
		*count += k
	}
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		k := min(batch, b.N-i)
		if (i/batch)%2 == 0 {
			run(gwReq, k, &gwCPU, &gwBytes, &gwN)
			run(floorReq, k, &floorCPU, &floorBytes, &floorN)
		} else {
			run(floorReq, k, &floorCPU, &floorBytes, &floorN)
			run(gwReq, k, &gwCPU, &gwBytes, &gwN)
		}
	}
	b.StopTimer()
	perOp := func(d time.Duration, k int) float64 { return float64(d.Microseconds()) / float64(k) }
	b.ReportMetric(perOp(gwCPU, gwN), "gateway-cpu-µs/op")
	b.ReportMetric(perOp(floorCPU, floorN), "floor-cpu-µs/op")
	b.ReportMetric(perOp(gwCPU, gwN)-perOp(floorCPU, floorN), "added-cpu-µs/op")
	b.ReportMetric(float64(gwBytes)/float64(gwN)-float64(floorBytes)/float64(floorN), "added-B/op")
}

// signedGet is a GET of target signed once with c (header authentication,
// UNSIGNED-PAYLOAD as S3 clients send for a GET, valid for 15 minutes).
func signedGet(b *testing.B, target string, c aws.Credentials) *http.Request {
	b.Helper()
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	req.Header.Set("User-Agent", "stsd-bench")
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(context.Background(), c, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	return req
}

// processCPU is the user and system CPU this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// allocatedBytes is the total of heap bytes allocated so far.
func allocatedBytes() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
