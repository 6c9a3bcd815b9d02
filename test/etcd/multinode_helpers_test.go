package etcd_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
	"github.com/stsd/stsd/internal/testutil/sdkhttp"
	"github.com/stsd/stsd/internal/testutil/syncio"
	"github.com/stsd/stsd/test/etcd/etcdtest"
)

// The multi-node tests run real `stsd serve --store etcd` processes, so
// what they exercise is the binary users run, configured by its flags.
const (
	mnRootKeyID  = "AKIAIOSFODNN7EXAMPLE"
	mnRootSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	mnAudience   = "sts.amazonaws.com"
	// mnRequestTimeout is every node's --etcd-request-timeout: how long a
	// write waits for an unreachable etcd before it answers 503.
	mnRequestTimeout = 2 * time.Second
	// mnPoll is how often the tests poll for something to propagate.
	mnPoll = 20 * time.Millisecond
)

// stsdBin is the stsd binary, built once per test run (see stsdBinary) and
// removed by TestMain.
var stsdBin struct {
	once      sync.Once
	dir, path string
	err       error
}

// TestMain removes the stsd binary after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if stsdBin.dir != "" {
		_ = os.RemoveAll(stsdBin.dir)
	}
	os.Exit(code)
}

// stsdBinary builds ./cmd/stsd of the main module (two levels up) the way
// a release does (CGO_ENABLED=0), once per test run.
func stsdBinary(t *testing.T) string {
	t.Helper()
	stsdBin.once.Do(func() {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			stsdBin.err = err
			return
		}
		if stsdBin.dir, err = os.MkdirTemp("", "stsd-multinode-"); err != nil {
			stsdBin.err = err
			return
		}
		stsdBin.path = filepath.Join(stsdBin.dir, "stsd")
		cmd := exec.Command("go", "build", "-o", stsdBin.path, "./cmd/stsd")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			stsdBin.err = fmt.Errorf("go build ./cmd/stsd in %s: %v\n%s", root, err, out)
		}
	})
	if stsdBin.err != nil {
		t.Fatal(stsdBin.err)
	}
	return stsdBin.path
}

// tail is the last max bytes of a process's stderr.
func tail(stderr *syncio.Buffer, max int) string {
	out := stderr.String()
	if len(out) > max {
		out = "…" + out[len(out)-max:]
	}
	return out
}

// stsdNode is one running `stsd serve` process.
type stsdNode struct {
	name    string
	url     string
	cmd     *exec.Cmd
	stderr  *syncio.Buffer // the process's stderr
	exited  chan struct{}  // closed once the process has exited
	err     error          // cmd.Wait's result, set before exited closes
	serving chan string    // receives the URL the node prints
	http    *http.Client
}

// multiNode is three stsd processes sharing one three-member etcd, with a
// fake identity provider registered (through node 1's IAM API) as an OIDC
// provider of the account.
type multiNode struct {
	t        *testing.T
	etcd     *etcdtest.Cluster
	idp      *fakeidp.IdP
	nodes    []*stsdNode
	provider string // the provider's ARN
	token    string // a web identity token every role here trusts
}

// startMultiNode starts etcd, the identity provider and three nodes; args
// are extra flags per node (index 0 is node 1). Everything is stopped when
// the test ends; the nodes' stderr is printed if it failed.
func startMultiNode(t *testing.T, args ...[]string) *multiNode {
	t.Helper()
	bin := stsdBinary(t)
	m := &multiNode{t: t, etcd: etcdtest.Start(t, 3), idp: fakeidp.New(t, fakeidp.Options{})}
	var key [32]byte
	_, _ = rand.Read(key[:])
	env := []string{
		creds.MasterKeyEnv + "=" + base64.StdEncoding.EncodeToString(key[:]),
		app.EnvRootAccessKeyID + "=" + mnRootKeyID,
		app.EnvRootSecretAccessKey + "=" + mnRootSecret,
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "STSD_") {
			env = append(env, kv)
		}
	}
	prefix := "/" + strings.ReplaceAll(t.Name(), "/", "_") + "/"
	for i := range 3 {
		var extra []string
		if i < len(args) {
			extra = args[i]
		}
		m.nodes = append(m.nodes, m.launch(bin, fmt.Sprintf("node%d", i+1), env, prefix, extra))
	}
	for _, n := range m.nodes {
		m.waitServing(n)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	out, err := m.nodes[0].iam().CreateOpenIDConnectProvider(ctx, &iamsdk.CreateOpenIDConnectProviderInput{
		Url: aws.String(m.idp.Issuer()), ClientIDList: []string{mnAudience},
	})
	if err != nil {
		t.Fatalf("CreateOpenIDConnectProvider on node1: %v", err)
	}
	m.provider = aws.ToString(out.OpenIDConnectProviderArn)
	m.token = m.idp.Mint(m.idp.Claims("workload", mnAudience))
	return m
}

// launch starts one node; waitServing waits until it listens.
func (m *multiNode) launch(bin, name string, env []string, prefix string, extra []string) *stsdNode {
	t := m.t
	t.Helper()
	args := append([]string{
		"serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--account-id", acct,
		"--allow-http-issuers", "--log-format", "text",
		"--store", "etcd", "--etcd-endpoints", strings.Join(m.etcd.Endpoints(), ","), "--etcd-prefix", prefix,
		"--etcd-request-timeout", mnRequestTimeout.String(),
	}, extra...)
	n := &stsdNode{
		name: name, cmd: exec.Command(bin, args...), stderr: &syncio.Buffer{},
		exited: make(chan struct{}), serving: make(chan string, 1), http: newHTTPClient(),
	}
	n.cmd.Env = env
	pipe, err := n.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	t.Cleanup(func() { m.stop(n) })
	go func() {
		r := bufio.NewReader(pipe)
		sent := false
		for {
			line, err := r.ReadString('\n')
			_, _ = io.WriteString(n.stderr, line)
			if url, ok := strings.CutPrefix(strings.TrimSpace(line), "stsd: serving "); ok && !sent {
				n.serving <- url
				sent = true
			}
			if err != nil {
				break
			}
		}
		n.err = n.cmd.Wait() // after the last read, as StderrPipe requires
		close(n.exited)
	}()
	return n
}

// waitServing waits until n prints the URL it serves.
func (m *multiNode) waitServing(n *stsdNode) {
	m.t.Helper()
	select {
	case n.url = <-n.serving:
	case <-n.exited:
		m.t.Fatalf("%s exited at start (%v):\n%s", n.name, n.err, tail(n.stderr, 8<<10))
	case <-time.After(30 * time.Second):
		m.t.Fatalf("%s did not start serving within 30s:\n%s", n.name, tail(n.stderr, 8<<10))
	}
}

// stop ends a node at the test's end: SIGTERM, then SIGKILL after 10 s. A
// node that exited on its own, or not with status 0 on SIGTERM, fails the
// test; if the test failed, the node's stderr is printed.
func (m *multiNode) stop(n *stsdNode) {
	t := m.t
	select {
	case <-n.exited:
		t.Errorf("%s exited during the test: %v", n.name, n.err)
	default:
		// Connections the client opened but never used would hold up
		// the server's graceful shutdown for 5 s (net/http treats them as
		// active until then).
		n.http.CloseIdleConnections()
		_ = n.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-n.exited:
			if n.err != nil {
				t.Errorf("%s after SIGTERM: %v, want exit status 0", n.name, n.err)
			}
		case <-time.After(10 * time.Second):
			_ = n.cmd.Process.Kill()
			<-n.exited
			t.Errorf("%s did not stop within 10s of SIGTERM; killed", n.name)
		}
	}
	if t.Failed() {
		t.Logf("%s stderr:\n%s", n.name, tail(n.stderr, 64<<10))
	}
}

// newHTTPClient is a client with its own connections (closed when the
// node stops) and enough idle ones for the tests' concurrent callers.
func newHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: sdkhttp.Transport(tr)}
}

// iam is an IAM client signing as the account's root, retries off: every
// call is one request, so an answer is the answer to that request.
func (n *stsdNode) iam() *iamsdk.Client {
	return iamsdk.New(iamsdk.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(n.url), HTTPClient: n.http, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(mnRootKeyID, mnRootSecret, ""),
	})
}

// sts is an STS client, anonymous when c is nil, retries off.
func (n *stsdNode) sts(c *ststypes.Credentials) *sts.Client {
	var p aws.CredentialsProvider = aws.AnonymousCredentials{}
	if c != nil {
		p = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	}
	return sts.New(sts.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(n.url), HTTPClient: n.http, RetryMaxAttempts: 1, Credentials: p,
	})
}

// callTimeout bounds every request the tests send.
const callTimeout = 15 * time.Second

// trust is a trust policy admitting the fake identity provider's tokens
// for this audience.
func (m *multiNode) trust() string {
	host := strings.TrimPrefix(m.idp.Issuer(), "http://")
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},`+
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{%q:%q}}}]}`, m.provider, host+":aud", mnAudience)
}

// createRole creates a role trusting the identity provider through n's
// IAM API and returns its ARN.
func (m *multiNode) createRole(n *stsdNode, name string) (string, error) {
	ctx, cancel := context.WithTimeout(m.t.Context(), callTimeout)
	defer cancel()
	out, err := n.iam().CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(m.trust())})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Role.Arn), nil
}

// mustCreateRole is createRole failing t on error.
func (m *multiNode) mustCreateRole(t testing.TB, n *stsdNode, name string) string {
	t.Helper()
	arn, err := m.createRole(n, name)
	if err != nil {
		t.Fatalf("CreateRole %s on %s: %v", name, n.name, err)
	}
	return arn
}

// mustAssumableEverywhere waits (up to 10 s) until roleARN is assumable on
// every node.
func (m *multiNode) mustAssumableEverywhere(t testing.TB, roleARN string) {
	t.Helper()
	for _, n := range m.nodes {
		if _, err := m.waitAssumable(n, roleARN, time.Now(), 10*time.Second); err != nil {
			t.Fatalf("%s on %s: %v", roleARN, n.name, err)
		}
	}
}

// assume calls AssumeRoleWithWebIdentity on n.
func (m *multiNode) assume(n *stsdNode, roleARN, session string) (*ststypes.Credentials, error) {
	ctx, cancel := context.WithTimeout(m.t.Context(), callTimeout)
	defer cancel()
	out, err := n.sts(nil).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String(session), WebIdentityToken: aws.String(m.token),
	})
	if err != nil {
		return nil, err
	}
	return out.Credentials, nil
}

// callerARN calls GetCallerIdentity on n signed with c (its ARN).
func (m *multiNode) callerARN(n *stsdNode, c *ststypes.Credentials) (string, error) {
	ctx, cancel := context.WithTimeout(m.t.Context(), callTimeout)
	defer cancel()
	out, err := n.sts(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Arn), nil
}

// waitFor calls try every mnPoll until it succeeds or within has passed
// since from, and returns the time from from to the success (or to giving
// up) with the last error.
func waitFor(from time.Time, within time.Duration, try func() error) (time.Duration, error) {
	for {
		err := try()
		if err == nil || time.Since(from) > within {
			return time.Since(from), err
		}
		time.Sleep(mnPoll)
	}
}

// waitAssumable waits until roleARN is assumable on n.
func (m *multiNode) waitAssumable(n *stsdNode, roleARN string, from time.Time, within time.Duration) (time.Duration, error) {
	return waitFor(from, within, func() error { _, err := m.assume(n, roleARN, "probe"); return err })
}

// sessionKeyID is the id of the keyring key that sealed a session token:
// it travels in the clear after the version byte (internal/creds/token.go).
func sessionKeyID(c *ststypes.Credentials) string {
	raw, err := base64.RawURLEncoding.DecodeString(aws.ToString(c.SessionToken))
	if err != nil || len(raw) < 9 || raw[0] != creds.TokenVersion1 {
		return "unparsable token"
	}
	return hex.EncodeToString(raw[1:9])
}

// assumedRoleARN is GetCallerIdentity's ARN for a web-identity session.
func assumedRoleARN(role, session string) string {
	return "arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + session
}

// apiError is an error's AWS code, HTTP status and message ("" and 0 when
// it is no API error).
func apiError(err error) (code string, status int, message string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code, message = ae.ErrorCode(), ae.ErrorMessage()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status, message
}
