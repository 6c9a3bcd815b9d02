package e2e

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/sigv4"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
	"github.com/stsd/stsd/internal/testutil/s3backend"
)

// The S3 gateway's benchmarks (issue 11), run by scripts/bench-s3.sh:
//
//   - 64 MiB PutObject and GetObject with aws-sdk-go-v2, through the
//     gateway and straight to the same versitygw, alternated in one run,
//     in the same payload mode on both sides (goal: gateway ≥ 80 % of
//     direct throughput);
//   - the CPU the gateway spends per 1 KiB GetObject, read from the stsd
//     process's /proc/PID/stat (goal ≤ 60 µs);
//   - the stsd process's peak RSS (VmHWM, reset through clear_refs before
//     each upload) while 1 GiB is uploaded from a generator in each
//     payload mode (goal < 64 MiB).
//
// stsd runs as `stsd serve` in a subprocess (STSD_BENCH_S3_BIN, else built
// here), on a bbolt data directory, with the default audit mode (denied
// requests only), its S3 gateway in front of a real versitygw.
const benchS3Env = "STSD_BENCH_S3"

func TestS3GatewayBench(t *testing.T) {
	if os.Getenv(benchS3Env) != "1" {
		t.Skipf("set %s=1 (scripts/bench-s3.sh) to run the S3 gateway benchmarks", benchS3Env)
	}
	rounds := benchEnvInt(t, "STSD_BENCH_S3_ROUNDS", 5)
	gets := benchEnvInt(t, "STSD_BENCH_S3_GETS", 4000)
	bigMiB := benchEnvInt(t, "STSD_BENCH_S3_BIG_MIB", 1024)

	be := s3backend.Start(t)
	be.CreateBucket(t, "bench")
	gw := startServeGateway(t, be)
	creds := gw.session(t)
	direct := aws.Credentials{AccessKeyID: be.AccessKeyID, SecretAccessKey: be.SecretAccessKey}
	backendPID := pidListeningOn(strings.TrimPrefix(be.URL, "http://"))

	floorURL, floorPID := startFloorProxy(t, be.URL)

	fmt.Printf("machine: %s, %d cores, %s, load before: %s\n", goVersion(), numCPU(), cpuModel(), loadAvg())
	fmt.Printf("stsd pid %d (gateway %s), floor proxy pid %d (%s), versitygw pid %d (%s); %d rounds, %d × 1 KiB GET per side and round\n",
		gw.cmd.Process.Pid, gw.s3URL, floorPID, floorURL, backendPID, be.URL, rounds, gets)

	payload := make([]byte, 64<<20)
	fillRandom(payload)
	small := make([]byte, 1024)
	fillRandom(small)
	ctx := context.Background()
	if _, err := benchS3Client(be.URL, direct, false).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"),
		Key: aws.String("small"), Body: bytesReadSeeker(small)}); err != nil {
		t.Fatalf("put 1 KiB: %v", err)
	}

	type side struct {
		name string
		url  string
		cred aws.Credentials
		pid  int // the proxy's process (0: none)
	}
	sides := []side{{"direct", be.URL, direct, 0}, {"floor", floorURL, direct, floorPID}, {"gateway", gw.s3URL, creds, gw.cmd.Process.Pid}}
	modes := []struct {
		name     string
		unsigned bool
	}{{"PUT 64 MiB, SDK default (signed SHA-256 + CRC32 header)", false}, {"PUT 64 MiB, UNSIGNED-PAYLOAD", true}}
	figures := []string{modes[0].name, modes[1].name, "GET 64 MiB"}
	mibps := map[string][]float64{}
	ratios := map[string][]float64{}
	cpu := map[string][]float64{}
	for r := range rounds {
		order := slices.Clone(sides)
		if r%2 == 1 {
			slices.Reverse(order)
		}
		got := map[string]float64{}
		for _, m := range modes {
			for _, s := range order {
				c := benchS3Client(s.url, s.cred, m.unsigned)
				start := time.Now()
				if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String("big-" + s.name),
					Body: bytesReadSeeker(payload)}); err != nil {
					t.Fatalf("%s %s: %v", m.name, s.name, err)
				}
				got[m.name+"|"+s.name] = 64 / time.Since(start).Seconds()
			}
		}
		for _, s := range order {
			c := benchS3Client(s.url, s.cred, false)
			start := time.Now()
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String("big-" + s.name)})
			if err != nil {
				t.Fatalf("GET %s: %v", s.name, err)
			}
			n, err := io.Copy(io.Discard, out.Body)
			out.Body.Close()
			if err != nil || n != int64(len(payload)) {
				t.Fatalf("GET %s: %d bytes, %v", s.name, n, err)
			}
			got["GET 64 MiB|"+s.name] = 64 / time.Since(start).Seconds()
		}
		for _, name := range figures {
			d, f, g := got[name+"|direct"], got[name+"|floor"], got[name+"|gateway"]
			for _, s := range sides {
				mibps[name+"|"+s.name] = append(mibps[name+"|"+s.name], got[name+"|"+s.name])
			}
			ratios[name] = append(ratios[name], g/d)
			ratios[name+"|floor"] = append(ratios[name+"|floor"], f/d)
			fmt.Printf("round %d  %-56s direct %6.1f  floor %6.1f  gateway %6.1f MiB/s  gateway/direct %.2f  floor/direct %.2f\n",
				r+1, name, d, f, g, g/d, f/d)
		}

		// 1 KiB GETs: each proxy's CPU per request, and the backend's
		// (the same work on every path).
		for _, s := range order {
			c := benchS3Client(s.url, s.cred, false)
			before, bBefore := procCPU(s.pid), procCPU(backendPID)
			start := time.Now()
			runGets(t, c, gets, 4)
			took := time.Since(start)
			pCPU, beCPU := procCPU(s.pid)-before, procCPU(backendPID)-bBefore
			perReq := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(gets) }
			fmt.Printf("round %d  1 KiB GET %-7s %6.0f req/s  proxy CPU %6.1f µs/req  versitygw CPU %6.1f µs/req\n",
				r+1, s.name, float64(gets)/took.Seconds(), perReq(pCPU), perReq(beCPU))
			cpu[s.name+"|proxy"] = append(cpu[s.name+"|proxy"], perReq(pCPU))
			cpu[s.name+"|backend"] = append(cpu[s.name+"|backend"], perReq(beCPU))
		}
		cpu["added"] = append(cpu["added"], cpu["gateway|proxy"][r]-cpu["floor|proxy"][r])
	}

	// 1 GiB uploads from a generator, one per payload mode; the peak RSS
	// of the stsd process is reset before each.
	big := int64(bigMiB) << 20
	uploads := []struct {
		name string
		do   func() error
	}{
		{"SDK default (signed SHA-256 + CRC32 header, seekable generator)", func() error {
			_, err := benchS3Client(gw.s3URL, creds, false).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"),
				Key: aws.String("huge"), Body: &genReader{size: big}, ContentLength: aws.Int64(big)})
			return err
		}},
		{"UNSIGNED-PAYLOAD (SDK, generator)", func() error {
			_, err := benchS3Client(gw.s3URL, creds, true).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"),
				Key: aws.String("huge"), Body: io.LimitReader(&genReader{size: big}, big), ContentLength: aws.Int64(big)})
			return err
		}},
		{"STREAMING-AWS4-HMAC-SHA256-PAYLOAD (64 KiB chunks, generator)", func() error {
			return putChunkSigned(gw.s3URL+"/bench/huge", creds, &genReader{size: big}, big, 64<<10)
		}},
	}
	var hwms []float64
	for _, u := range uploads {
		pid := gw.cmd.Process.Pid
		base := procStatusKB(t, pid, "VmRSS")
		if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
			t.Fatalf("reset VmHWM: %v", err)
		}
		start := time.Now()
		if err := u.do(); err != nil {
			t.Fatalf("1 GiB upload, %s: %v", u.name, err)
		}
		took := time.Since(start)
		hwm := procStatusKB(t, pid, "VmHWM")
		if fi, err := os.Stat(be.Path("bench", "huge")); err != nil || fi.Size() != big {
			t.Fatalf("the backend holds %v (%v), want %d bytes", fi, err, big)
		}
		hwms = append(hwms, float64(hwm)/1024)
		fmt.Printf("upload %d MiB  %-64s %5.1f s  stsd RSS before %5.1f MiB, peak %5.1f MiB\n",
			bigMiB, u.name, took.Seconds(), float64(base)/1024, float64(hwm)/1024)
	}

	fmt.Printf("\nSummary (medians of %d rounds; ranges in brackets)\n", rounds)
	fmt.Printf("| Figure | Goal | Direct | Floor proxy | Gateway | Gateway ÷ direct | Floor ÷ direct |\n|---|---|---|---|---|---|---|\n")
	for _, name := range figures {
		fmt.Printf("| %s, MiB/s | gateway ÷ direct ≥ 0.80 | %s | %s | %s | **%s** | %s |\n", name,
			medRange(mibps[name+"|direct"], "%.0f"), medRange(mibps[name+"|floor"], "%.0f"), medRange(mibps[name+"|gateway"], "%.0f"),
			medRange(ratios[name], "%.2f"), medRange(ratios[name+"|floor"], "%.2f"))
	}
	fmt.Printf("| 1 KiB GET, proxy process CPU per request, µs | ≤ 60 (gateway) | — | %s | **%s** | — | — |\n",
		medRange(cpu["floor|proxy"], "%.0f"), medRange(cpu["gateway|proxy"], "%.0f"))
	fmt.Printf("| 1 KiB GET, gateway − floor CPU per request (round by round), µs | — | — | — | %s | — | — |\n", medRange(cpu["added"], "%.0f"))
	fmt.Printf("| 1 KiB GET, versitygw CPU per request, µs | — | %s | %s | %s | — | — |\n",
		medRange(cpu["direct|backend"], "%.0f"), medRange(cpu["floor|backend"], "%.0f"), medRange(cpu["gateway|backend"], "%.0f"))
	fmt.Printf("| %d MiB upload, stsd peak RSS (VmHWM), MiB | < 64 | — | — | **%s** (max of %d modes) | — | — |\n", bigMiB, fmtMax(hwms), len(hwms))
}

// TestS3FloorProxyHelper is the floor the gateway's CPU is compared with,
// run by TestS3GatewayBench as a process of its own: a bare Go reverse
// proxy (net/http/httputil, pooled buffers, the gateway's connection pool
// settings) that forwards each request to versitygw unchanged, with no
// authentication, authorization, re-signing, audit or metrics. Clients sign
// for the backend's key; the Host header is kept, so the backend checks
// their signature.
func TestS3FloorProxyHelper(t *testing.T) {
	listen, backend := os.Getenv("STSD_BENCH_S3_FLOOR_LISTEN"), os.Getenv("STSD_BENCH_S3_FLOOR_BACKEND")
	if listen == "" {
		t.Skip("a helper process of TestS3GatewayBench")
	}
	u, err := url.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	rp.Transport = tr
	rp.BufferPool = &bufferPool{p: sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}}
	_ = http.ListenAndServe(listen, rp)
}

type bufferPool struct{ p sync.Pool }

func (b *bufferPool) Get() []byte  { return *b.p.Get().(*[]byte) }
func (b *bufferPool) Put(x []byte) { b.p.Put(&x) }

// startFloorProxy runs TestS3FloorProxyHelper in a child process.
func startFloorProxy(t *testing.T, backend string) (url string, pid int) {
	t.Helper()
	addr := benchFreeAddr(t)
	cmd := exec.Command(os.Args[0], "-test.run", "^TestS3FloorProxyHelper$")
	cmd.Env = append(os.Environ(), "STSD_BENCH_S3_FLOOR_LISTEN="+addr, "STSD_BENCH_S3_FLOOR_BACKEND="+backend)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for range 200 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr, cmd.Process.Pid
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("the floor proxy did not start")
	return "", 0
}

// serveGateway is `stsd serve` running as a subprocess with its gateway.
type serveGateway struct {
	cmd     *exec.Cmd
	stsURL  string
	s3URL   string
	roleARN string
	idp     *fakeidp.IdP
}

// startServeGateway writes a bootstrap file (the fake IdP as a provider, a
// role trusting it allowed to read and write the bucket "bench"), and runs
// `stsd serve` with the gateway in front of be.
func startServeGateway(t *testing.T, be *s3backend.Backend) *serveGateway {
	t.Helper()
	bin := os.Getenv("STSD_BENCH_S3_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "stsd")
		build := exec.Command("go", "build", "-o", bin, "../../cmd/stsd")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	idp := fakeidp.New(t, fakeidp.Options{})
	provider := "arn:aws:iam::" + account + ":oidc-provider/" + strings.TrimPrefix(idp.Issuer(), "http://")
	dir := t.TempDir()
	boot := filepath.Join(dir, "bootstrap.yaml")
	yaml := fmt.Sprintf(`version: 1
oidc_providers:
  - url: %s
    client_ids: [%s]
roles:
  - name: bench
    trust_policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"%s"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"%s:aud":"%s"}}}]}'
    inline_policies:
      s3: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bench","arn:aws:s3:::bench/*"]}]}'
`, idp.Issuer(), aud, provider, strings.TrimPrefix(idp.Issuer(), "http://"), aud)
	if err := os.WriteFile(boot, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	stsAddr, s3Addr := benchFreeAddr(t), benchFreeAddr(t)
	args := []string{"serve", "--addr", stsAddr, "--data-dir", filepath.Join(dir, "data"), "--account-id", account,
		"--allow-http-issuers", "--bootstrap", boot, "--log-format", "text", "--log-level", "warn",
		"--s3-addr", s3Addr, "--s3-backend", be.URL, "--s3-backend-region", be.Region}
	if a := os.Getenv("STSD_BENCH_S3_DEBUG_ADDR"); a != "" {
		args = append(args, "--debug-addr", a) // pprof while the benchmark runs
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), config.S3BackendAccessKeyEnv+"="+be.AccessKeyID,
		config.S3BackendSecretKeyEnv+"="+be.SecretAccessKey)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	var mu sync.Mutex
	serving := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			logs.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if strings.Contains(sc.Text(), "stsd: serving") {
				once.Do(func() { close(serving) })
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		if t.Failed() {
			mu.Lock()
			t.Logf("stsd serve output:\n%s", logs.String())
			mu.Unlock()
		}
	})
	select {
	case <-serving:
	case <-time.After(60 * time.Second):
		mu.Lock()
		t.Fatalf("stsd serve did not start:\n%s", logs.String())
	}
	return &serveGateway{cmd: cmd, stsURL: "http://" + stsAddr, s3URL: "http://" + s3Addr,
		roleARN: "arn:aws:iam::" + account + ":role/bench", idp: idp}
}

// session exchanges a fresh token for the bench role's credentials.
func (g *serveGateway) session(t *testing.T) aws.Credentials {
	t.Helper()
	now := time.Now().Unix()
	tok := g.idp.Mint(map[string]any{"iss": g.idp.Issuer(), "sub": "bench", "aud": aud, "iat": now, "exp": now + 3600})
	c := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(g.stsURL), Credentials: aws.AnonymousCredentials{}})
	out, err := c.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(g.roleARN), RoleSessionName: aws.String("bench"), WebIdentityToken: aws.String(tok)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey,
		SessionToken: *out.Credentials.SessionToken}
}

// benchTransport is shared by every benchmark client, so connections are
// kept alive across operations on both sides alike.
var benchTransport = func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	return t
}()

// benchS3Client is an aws-sdk-go-v2 S3 client as config.LoadDefaultConfig
// sets it up (request and response checksums when supported), path style;
// unsigned swaps the payload hash for UNSIGNED-PAYLOAD and sends no
// checksum.
func benchS3Client(endpoint string, c aws.Credentials, unsigned bool) *s3.Client {
	o := s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
		Credentials: credentials.StaticCredentialsProvider{Value: c}, RetryMaxAttempts: 1,
		HTTPClient:                 &http.Client{Transport: benchTransport},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}
	if unsigned {
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.APIOptions = append(o.APIOptions, v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware)
	}
	return s3.New(o)
}

// runGets sends n GetObject requests for bench/small from workers
// goroutines.
func runGets(t *testing.T, c *s3.Client, n, workers int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	next := make(chan struct{}, n)
	for range n {
		next <- struct{}{}
	}
	close(next)
	for range workers {
		wg.Go(func() {
			for range next {
				out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String("small")})
				if err == nil {
					_, err = io.Copy(io.Discard, out.Body)
					out.Body.Close()
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatalf("1 KiB GET: %v", err)
	}
}

// genReader yields size deterministic pseudo-random bytes without holding
// them: a 1 MiB random block repeated. It seeks, so the SDK can hash it
// and rewind, as it does with a file.
type genReader struct {
	size, off int64
}

var genBlock = func() []byte {
	b := make([]byte, 1<<20)
	fillRandom(b)
	return b
}()

func (g *genReader) Read(p []byte) (int, error) {
	if g.off >= g.size {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), g.size-g.off)]
	n := 0
	for n < len(p) {
		n += copy(p[n:], genBlock[(g.off+int64(n))%int64(len(genBlock)):])
	}
	g.off += int64(n)
	return n, nil
}

func (g *genReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += g.off
	case io.SeekEnd:
		offset += g.size
	}
	if offset < 0 {
		return 0, errors.New("genReader: negative position")
	}
	g.off = offset
	return offset, nil
}

// putChunkSigned uploads size bytes of src to url as
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD, signing each chunk as it is sent
// (the SigV4 streaming chain), with the standard library's client.
func putChunkSigned(url string, c aws.Credentials, src io.Reader, size int64, chunk int) error {
	req, err := http.NewRequest(http.MethodPut, url, nil)
	if err != nil {
		return err
	}
	now := time.Now()
	req.Header.Set("X-Amz-Content-Sha256", sigv4.StreamingSignedPayload)
	req.Header.Set("X-Amz-Decoded-Content-Length", strconv.FormatInt(size, 10))
	req.Header.Set("Content-Encoding", "aws-chunked")
	if err := v4.NewSigner().SignHTTP(context.Background(), c, req, sigv4.StreamingSignedPayload, "s3", "us-east-1", now,
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }); err != nil {
		return err
	}
	auth := req.Header.Get("Authorization")
	amzDate := now.UTC().Format("20060102T150405Z")
	scope := sigv4.Scope{Date: amzDate[:8], Region: "us-east-1", Service: "s3", Terminator: "aws4_request"}
	cs := &chunkSigner{src: src, left: size, buf: make([]byte, chunk), key: sigv4.SigningKey(c.SecretAccessKey, scope),
		prev: auth[strings.Index(auth, "Signature=")+len("Signature="):], head: amzDate + "\n" + scope.String() + "\n"}
	req.Body = io.NopCloser(cs)
	// Each chunk: hex size, ";chunk-signature=", 64 hex digits, CRLF, data,
	// CRLF; then the final empty chunk.
	framing := func(n int64) int64 { return int64(len(strconv.FormatInt(n, 16))) + 17 + 64 + 2 + n + 2 }
	req.ContentLength = (size/int64(chunk))*framing(int64(chunk)) + framing(0)
	if rest := size % int64(chunk); rest > 0 {
		req.ContentLength += framing(rest)
	}
	resp, err := (&http.Client{Transport: benchTransport}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%d %s", resp.StatusCode, b)
	}
	return nil
}

type chunkSigner struct {
	src        io.Reader
	left       int64
	buf        []byte
	key        [32]byte
	prev, head string
	pend       []byte
	done       bool
}

var emptySHA256Hex = func() string { s := sha256.Sum256(nil); return hex.EncodeToString(s[:]) }()

func (c *chunkSigner) Read(p []byte) (int, error) {
	for len(c.pend) == 0 {
		if c.done {
			return 0, io.EOF
		}
		d := c.buf[:min(int64(len(c.buf)), c.left)]
		if _, err := io.ReadFull(c.src, d); err != nil {
			return 0, err
		}
		c.left -= int64(len(d))
		h := sha256.Sum256(d)
		m := hmac.New(sha256.New, c.key[:])
		m.Write([]byte("AWS4-HMAC-SHA256-PAYLOAD\n" + c.head + c.prev + "\n" + emptySHA256Hex + "\n" + hex.EncodeToString(h[:])))
		c.prev = hex.EncodeToString(m.Sum(nil))
		c.pend = append(append([]byte(strconv.FormatInt(int64(len(d)), 16)+";chunk-signature="+c.prev+"\r\n"), d...), '\r', '\n')
		c.done = len(d) == 0
	}
	n := copy(p, c.pend)
	c.pend = c.pend[n:]
	return n, nil
}

// bytesReadSeeker is a fresh reader over b for each request.
func bytesReadSeeker(b []byte) io.ReadSeeker { return &genBytes{b: b} }

type genBytes struct {
	b   []byte
	off int64
}

func (r *genBytes) Read(p []byte) (int, error) {
	if r.off >= int64(len(r.b)) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.off:])
	r.off += int64(n)
	return n, nil
}

func (r *genBytes) Seek(offset int64, whence int) (int64, error) {
	g := genReader{size: int64(len(r.b)), off: r.off}
	off, err := g.Seek(offset, whence)
	r.off = off
	return off, err
}

func fillRandom(b []byte) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i+8 <= len(b); i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
}

// procCPU is the user + system CPU time of process pid so far (0 when
// pid is 0 or unreadable).
func procCPU(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name in parentheses: utime and stime are
	// the 14th and 15th fields of the line, in clock ticks.
	rest := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	u, _ := strconv.ParseInt(rest[11], 10, 64)
	s, _ := strconv.ParseInt(rest[12], 10, 64)
	return time.Duration(u+s) * time.Second / time.Duration(clockTicks())
}

// clockTicks is sysconf(_SC_CLK_TCK), 100 on Linux.
func clockTicks() int64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err != nil {
		return 100
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil || n <= 0 {
		return 100
	}
	return n
}

// procStatusKB reads a "Vm…: N kB" line of /proc/PID/status.
func procStatusKB(t *testing.T, pid int, field string) int64 {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// pidListeningOn finds the process (among this user's) whose command line
// names addr: the versitygw this test started. 0 when none is found.
func pidListeningOn(addr string) int {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		args := strings.Split(string(cmdline), "\x00")
		if len(args) > 0 && filepath.Base(args[0]) == "versitygw" && slices.Contains(args, addr) {
			return pid
		}
	}
	return 0
}

func benchFreeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func benchEnvInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// medRange formats the median of v and its range.
func medRange(v []float64, format string) string {
	if len(v) == 0 {
		return "n/a"
	}
	s := slices.Clone(v)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return fmt.Sprintf(format+" ["+format+"–"+format+"]", med, s[0], s[len(s)-1])
}

func fmtMax(v []float64) string {
	if len(v) == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f", slices.Max(v))
}

func goVersion() string {
	out, _ := exec.Command("go", "env", "GOVERSION").Output()
	return strings.TrimSpace(string(out))
}

func numCPU() int {
	out, _ := exec.Command("nproc").Output()
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n
}

func cpuModel() string {
	raw, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown CPU"
}

func loadAvg() string {
	raw, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
