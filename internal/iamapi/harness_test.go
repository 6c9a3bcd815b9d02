package iamapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
	"github.com/stsd/stsd/internal/testutil/syncio"
)

// Test account and root credentials of every node.
const (
	account    = "111122223333"
	rootKeyID  = "AKIAROOTROOTROOT0000"
	rootSecret = "rootsecretrootsecretrootsecretrootsecret"
)

// node is a running stsd on a memory store with no identity provider,
// driven through its HTTP endpoint with real clients: the node of the IAM
// API's contract tests (TestContract…).
type node struct {
	t     testing.TB
	app   *app.App
	audit *syncio.Buffer // the audit log, one JSON event a line
	logs  *syncio.Buffer // the node's logs (debug level) and operator notices
	http  *http.Client   // the node's own client (stsdnode.Node.HTTP)
}

// newNode starts a node; it stops when the test ends.
func newNode(t testing.TB) *node {
	t.Helper()
	sn := stsdnode.Start(t, stsdnode.Options{Account: account, NoProvider: true, Store: memstore.New(),
		Env: map[string]string{app.EnvRootAccessKeyID: rootKeyID, app.EnvRootSecretAccessKey: rootSecret}})
	return &node{t: t, app: sn.App, audit: sn.Audit, logs: sn.Logs, http: sn.HTTP}
}

// rootCreds are the account's root credentials.
func rootCreds() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(rootKeyID, rootSecret, "")
}

// client is an aws-sdk-go-v2 IAM client for the node with the given
// credentials (root when nil). Retries are off so each call is one request.
func (n *node) client(p aws.CredentialsProvider) *iamsdk.Client {
	if p == nil {
		p = rootCreds()
	}
	return iamsdk.New(iamsdk.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(n.app.URL),
		Credentials:      p,
		HTTPClient:       n.http,
		RetryMaxAttempts: 1,
	})
}

// root is the root IAM client.
func (n *node) root() *iamsdk.Client { return n.client(nil) }

// wantAPIError asserts err is the AWS error code with the HTTP status and
// exact message.
func wantAPIError(t testing.TB, err error, code string, status int, message string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s (%d) %q", code, status, message)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want an API error %s", err, code)
	}
	var re *awshttp.ResponseError
	gotStatus := 0
	if errors.As(err, &re) {
		gotStatus = re.HTTPStatusCode()
	}
	if ae.ErrorCode() != code || gotStatus != status || ae.ErrorMessage() != message {
		t.Fatalf("got %s (%d) %q\nwant %s (%d) %q", ae.ErrorCode(), gotStatus, ae.ErrorMessage(), code, status, message)
	}
}

// rawResponse is a raw HTTP answer.
type rawResponse struct {
	Status int
	Body   string
}

// post sends form parameters (Version=2010-05-08 added) signed for service
// "iam" with the given credentials (root when nil), bypassing the SDK's
// client-side validation, so tests can send what the SDK would refuse.
func (n *node) post(params url.Values, p aws.CredentialsProvider) rawResponse {
	n.t.Helper()
	if p == nil {
		p = rootCreds()
	}
	if params.Get("Version") == "" {
		params.Set("Version", "2010-05-08")
	}
	body := params.Encode()
	req, err := http.NewRequest(http.MethodPost, n.app.URL+"/", strings.NewReader(body))
	if err != nil {
		n.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	c, err := p.Retrieve(context.Background())
	if err != nil {
		n.t.Fatal(err)
	}
	sum := sha256Hex(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), c, req, sum, "iam", "us-east-1", time.Now()); err != nil {
		n.t.Fatal(err)
	}
	resp, err := n.http.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawResponse{Status: resp.StatusCode, Body: string(b)}
}

// wantRawError asserts a raw answer is the error with code, status and
// exact message.
func wantRawError(t testing.TB, r rawResponse, code string, status int, message string) {
	t.Helper()
	want := "<Code>" + code + "</Code>\n    <Message>" + xmlEscape(message) + "</Message>"
	if r.Status != status || !strings.Contains(r.Body, want) {
		t.Fatalf("got %d\n%s\nwant %d with\n%s", r.Status, r.Body, status, want)
	}
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// auditEvent is the part of an audit line the tests read.
type auditEvent struct {
	EventSource  string         `json:"eventSource"`
	EventName    string         `json:"eventName"`
	ErrorCode    string         `json:"errorCode"`
	RequestParam map[string]any `json:"requestParameters"`
	UserIdentity struct {
		Type string `json:"type"`
		ARN  string `json:"arn"`
	} `json:"userIdentity"`
	Decision struct {
		Reason string `json:"reason"`
		Effect string `json:"effect"`
	} `json:"decision"`
}

// auditEvents waits until the audit log holds at least want events and
// returns them all.
func (n *node) auditEvents(want int) []auditEvent {
	n.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		events := n.readAudit()
		if len(events) >= want || time.Now().After(deadline) {
			return events
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (n *node) readAudit() []auditEvent {
	var out []auditEvent
	sc := bufio.NewScanner(strings.NewReader(n.audit.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e auditEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			n.t.Fatalf("audit line is not JSON: %v", err)
		}
		out = append(out, e)
	}
	return out
}
