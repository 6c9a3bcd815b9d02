package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
	"github.com/stsd/stsd/internal/testutil/sdkhttp"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
	"github.com/stsd/stsd/internal/testutil/syncio"
)

const (
	testAccount = "111122223333"
	testAud     = "sts.amazonaws.com"
)

// openReal opens a real file in a temporary directory: read-only (every
// Write fails with EBADF) or for appending.
func openReal(t *testing.T, writable bool) (*os.File, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.log")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	flag := os.O_RDONLY
	if writable {
		flag = os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, path
}

// auditNode is a running node (stsdnode) with the fake IdP registered and
// a role trusting it.
type auditNode struct {
	t       *testing.T
	sn      *stsdnode.Node
	app     *app.App
	idp     *fakeidp.IdP
	logs    *syncio.Buffer // the operational log (JSON, info level); notices are discarded
	dataDir string
	role    string
}

// startAuditNode starts a node whose audit log goes to w (nil: the file
// the configuration names), with edit applied to the configuration.
func startAuditNode(t *testing.T, w io.Writer, edit func(*config.Config)) *auditNode {
	t.Helper()
	n := &auditNode{t: t, logs: &syncio.Buffer{}}
	n.sn = stsdnode.Start(t, stsdnode.Options{Account: testAccount, ClientIDs: []string{testAud}, Prepare: func(o *app.Options) {
		o.AuditWriter, o.Notice, o.Logger = w, io.Discard, slog.New(slog.NewJSONHandler(n.logs, nil))
		if edit != nil {
			edit(&o.Config)
		}
	}})
	n.app, n.idp, n.dataDir = n.sn.App, n.sn.IdP, n.sn.DataDir
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},`+
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{%q:%q}}}]}`,
		n.sn.ProviderARN, n.sn.HostPath()+":aud", testAud)
	r, err := n.app.Repo.CreateRole(context.Background(), iam.Role{Account: testAccount, Name: "deploy", Path: "/", AssumeRolePolicyDocument: trust, MaxSessionDuration: 3600})
	if err != nil {
		t.Fatal(err)
	}
	n.role = r.ARN()
	n.waitSnapshot(func(s *iam.Snapshot) bool { _, ok := s.RoleByName(testAccount, "deploy"); return ok })
	return n
}

// stop stops the node (once; the test's end stops it too): the audit log
// is flushed.
func (n *auditNode) stop() { n.sn.Stop() }

func (n *auditNode) waitSnapshot(cond func(*iam.Snapshot) bool) {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.app.Cache.WaitFor(ctx, cond); err != nil {
		n.t.Fatal(err)
	}
}

// assume sends AssumeRoleWithWebIdentity as a plain form POST with a
// GitHub-Actions-like subject; it returns the status and body.
func (n *auditNode) assume(header http.Header) (int, string) {
	n.t.Helper()
	tok := n.idp.Mint(n.idp.Claims("repo:example-org/app:ref:refs/heads/main", testAud))
	form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {n.role},
		"RoleSessionName": {"gha-deploy"}, "WebIdentityToken": {tok}}
	req, err := http.NewRequest(http.MethodPost, n.app.URL+"/", strings.NewReader(form.Encode()))
	if err != nil {
		n.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// rootCreds signs as the account's root user.
func (n *auditNode) rootCreds() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(n.app.Root.AccessKeyID, n.app.Root.Secret.Reveal(), "")
}

// stsClient and iamClient are real SDK clients that do not retry.
func (n *auditNode) stsClient() *stssdk.Client {
	return stssdk.New(stssdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(n.app.URL), Credentials: n.rootCreds(), RetryMaxAttempts: 1, HTTPClient: sdkhttp.Client(0)})
}

func (n *auditNode) iamClient() *iamsdk.Client {
	return iamsdk.New(iamsdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(n.app.URL), Credentials: n.rootCreds(), RetryMaxAttempts: 1, HTTPClient: sdkhttp.Client(0)})
}

// metric reads one unlabelled sample from /metrics.
func (n *auditNode) metric(name string) float64 {
	n.t.Helper()
	resp, err := http.Get(n.app.URL + "/metrics")
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				n.t.Fatal(err)
			}
			return f
		}
	}
	n.t.Fatalf("metric %s not exported", name)
	return 0
}

// waitMetric polls until the metric satisfies cond.
func (n *auditNode) waitMetric(name string, cond func(float64) bool) {
	n.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(n.metric(name)); {
		if time.Now().After(deadline) {
			n.t.Fatalf("%s stayed at %v", name, n.metric(name))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// auditLine is what the tests read of an audit event.
type auditLine struct {
	EventName string `json:"eventName"`
	ErrorCode string `json:"errorCode"`
	Decision  struct {
		Reason string `json:"reason"`
		Detail string `json:"detail"`
	} `json:"decision"`
	raw string
}

// readAudit parses every line of the files named.
func readAudit(t *testing.T, paths ...string) []auditLine {
	t.Helper()
	var out []auditLine
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(raw))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var l auditLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Fatalf("%s: line %.200q is not JSON: %v", p, sc.Text(), err)
			}
			l.raw = sc.Text()
			out = append(out, l)
		}
	}
	return out
}
