package s3backend

import (
	"crypto/rand"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/testutil/syncio"
)

// Region is the region versitygw is started with; requests must be signed
// for it.
const Region = "us-east-1"

// Backend is a running versitygw serving Dir over S3 at URL.
type Backend struct {
	URL             string // http://127.0.0.1:PORT, path-style buckets
	AccessKeyID     string // the root user's key: every bucket is its own
	SecretAccessKey string
	Region          string // always Region
	Dir             string // the POSIX root: Dir/BUCKET/KEY holds an object

	output *syncio.Buffer // versitygw's stdout and stderr
}

// Output returns what versitygw printed so far (its banner and errors;
// request logging is off).
func (b *Backend) Output() string { return b.output.String() }

// Path is the file that holds bucket/key on disk (the key's "/" are
// directories, as versitygw's POSIX backend stores them).
func (b *Backend) Path(bucket, key string) string {
	return filepath.Join(b.Dir, bucket, filepath.FromSlash(key))
}

// Start runs versitygw's POSIX backend in a fresh temp directory until the
// test ends, and returns once it answers HTTP. The process is killed and
// waited for on t.Cleanup; its output is logged when the test failed.
func Start(t testing.TB) *Backend {
	t.Helper()
	bin := binary(t)
	b := &Backend{
		AccessKeyID:     randomString(20, upperAlnum),
		SecretAccessKey: randomString(40, secretChars),
		Region:          Region,
		Dir:             t.TempDir(),
	}
	// A free port can be taken between our probe and versitygw's listen;
	// a start that fails on its address is tried again on another.
	for attempt := 1; ; attempt++ {
		err := b.start(t, bin)
		if err == nil {
			return b
		}
		if !errors.Is(err, errAddrInUse) || attempt == 3 {
			t.Fatalf("versitygw: %v\n%s", err, b.Output())
		}
	}
}

var errAddrInUse = errors.New("address already in use")

// start runs one versitygw process on a fresh port and waits until it
// answers, or until it exits.
func (b *Backend) start(t testing.TB, bin string) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	b.URL = "http://" + addr
	b.output = &syncio.Buffer{}
	home := t.TempDir()
	cmd := exec.Command(bin,
		"--port", addr,
		"--region", Region,
		"--quiet",      // no request log: the gateway's own logs tell the story
		"--keep-alive", // as a production backend would run
		"posix", b.Dir)
	// A clean environment: versitygw reads many VGW_* and ROOT_* variables,
	// and none of the test process's may change what the tests see. The
	// root key pair goes through the environment, not argv.
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"TMPDIR=" + home,
		"ROOT_ACCESS_KEY_ID=" + b.AccessKeyID,
		"ROOT_SECRET_ACCESS_KEY=" + b.SecretAccessKey,
	}
	cmd.Dir = home
	cmd.Stdout, cmd.Stderr = b.output, b.output
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() {
		_ = cmd.Process.Kill() // this process only, by its pid
		<-exited
	}
	if err := waitReady(b.URL, exited); err != nil {
		stop()
		if strings.Contains(b.output.String(), "address already in use") {
			return errAddrInUse
		}
		return err
	}
	output := b.output
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("versitygw output:\n%s", output.String())
		}
	})
	return nil
}

// waitReady polls url until versitygw answers any HTTP response (an
// unsigned GET / is its AccessDenied), it exits, or 20 s pass.
func waitReady(url string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := client.Get(url + "/")
		if err == nil {
			resp.Body.Close()
			if resp.Header.Get("Server") == "VERSITYGW" {
				return nil
			}
			return errors.New("something else answers on " + url + ": Server " + resp.Header.Get("Server"))
		}
		select {
		case <-exited:
			return errors.New("exited at start")
		default:
		}
		if time.Now().After(deadline) {
			return errors.New("not answering on " + url + ": " + err.Error())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// freeAddr returns a loopback address nobody listens on right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

const (
	upperAlnum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	secretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// randomString draws n characters uniformly from alphabet with
// crypto/rand.
func randomString(n int, alphabet string) string {
	out := make([]byte, n)
	for i := range out {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err) // crypto/rand does not fail on Linux
		}
		out[i] = alphabet[k.Int64()]
	}
	return string(out)
}
