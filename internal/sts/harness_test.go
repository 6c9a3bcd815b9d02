package sts_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
	"github.com/stsd/stsd/internal/testutil/syncio"
)

const (
	account  = "111122223333"
	audience = "sts.amazonaws.com"
)

// node is a running stsd (a stsdnode.Node) on a memory store with a fake
// IdP registered as an OIDC provider, driven with real clients; its audit
// log is the data directory's audit.log.
type node struct {
	t       *testing.T
	sn      *stsdnode.Node
	app     *app.App
	idp     *fakeidp.IdP
	dataDir string
	logs    *syncio.Buffer
	http    *http.Client
}

func newNode(t *testing.T) *node {
	t.Helper()
	return startNode(t, stsdnode.Options{Account: account, Store: memstore.New()})
}

// startNode starts a node with o, its audit log in the data directory and
// its operator notices discarded unless o.Prepare says otherwise.
func startNode(t *testing.T, o stsdnode.Options) *node {
	t.Helper()
	prepare := o.Prepare
	o.Prepare = func(a *app.Options) {
		a.AuditWriter, a.Notice = nil, io.Discard
		if prepare != nil {
			prepare(a)
		}
	}
	sn := stsdnode.Start(t, o)
	return &node{t: t, sn: sn, app: sn.App, idp: sn.IdP, dataDir: sn.DataDir, logs: sn.Logs, http: sn.HTTP}
}

// stop stops the node (the test's end does too); the audit log is flushed.
func (n *node) stop() { n.sn.Stop() }

// auditLog stops the node and returns its audit log.
func (n *node) auditLog() string {
	n.t.Helper()
	n.stop()
	raw, err := os.ReadFile(filepath.Join(n.dataDir, "audit.log"))
	if err != nil {
		n.t.Fatal(err)
	}
	return string(raw)
}

func (n *node) rootCreds() aws.CredentialsProvider {
	r := n.app.Root
	return credentials.NewStaticCredentialsProvider(r.AccessKeyID, r.Secret.Reveal(), "")
}

func (n *node) iam() *iamsdk.Client {
	return iamsdk.New(iamsdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(n.app.URL),
		Credentials: n.rootCreds(), HTTPClient: n.http, RetryMaxAttempts: 1})
}

func (n *node) sts(p aws.CredentialsProvider) *stssdk.Client {
	if p == nil {
		p = aws.AnonymousCredentials{}
	}
	return stssdk.New(stssdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(n.app.URL),
		Credentials: p, HTTPClient: n.http, RetryMaxAttempts: 1})
}

// role creates a role trusting the fake IdP with the given inline
// policies, through the IAM API, and returns its ARN.
func (n *node) role(name string, inline map[string]string) string {
	n.t.Helper()
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
		iam.ProviderARN(account, n.idp.Issuer()))
	ctx := context.Background()
	out, err := n.iam().CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		n.t.Fatal(err)
	}
	for pn, doc := range inline {
		if _, err := n.iam().PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(pn), PolicyDocument: aws.String(doc)}); err != nil {
			n.t.Fatal(err)
		}
	}
	return *out.Role.Arn
}

// token mints a valid web identity token for sub.
func (n *node) token(sub string) string {
	now := time.Now().Unix()
	return n.idp.Mint(map[string]any{"iss": n.idp.Issuer(), "sub": sub, "aud": audience, "iat": now, "exp": now + 3600})
}

// assume calls AssumeRoleWithWebIdentity with the SDK.
func (n *node) assume(roleARN, session, policy string, policyARNs ...string) (*stssdk.AssumeRoleWithWebIdentityOutput, error) {
	in := &stssdk.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String(session),
		WebIdentityToken: aws.String(n.token("user-1"))}
	if policy != "" {
		in.Policy = aws.String(policy)
	}
	for _, a := range policyARNs {
		in.PolicyArns = append(in.PolicyArns, ststypes.PolicyDescriptorType{Arn: aws.String(a)})
	}
	return n.sts(nil).AssumeRoleWithWebIdentity(context.Background(), in)
}

// session assumes the role and returns the session's credentials.
func (n *node) session(roleARN, session string) aws.CredentialsProvider {
	n.t.Helper()
	out, err := n.assume(roleARN, session, "")
	if err != nil {
		n.t.Fatal(err)
	}
	c := out.Credentials
	return credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
}

// user creates an IAM user with inline policies and an access key through
// the IAM API, and returns its credentials.
func (n *node) user(name string, inline map[string]string) aws.CredentialsProvider {
	n.t.Helper()
	ctx := context.Background()
	if _, err := n.iam().CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String(name)}); err != nil {
		n.t.Fatal(err)
	}
	for pn, doc := range inline {
		if _, err := n.iam().PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(pn), PolicyDocument: aws.String(doc)}); err != nil {
			n.t.Fatal(err)
		}
	}
	k, err := n.iam().CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		n.t.Fatal(err)
	}
	p := credentials.NewStaticCredentialsProvider(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "")
	userKeys.Store(n.app.URL+"/"+name, p)
	return p
}

// userKeys holds the credentials user() made, by node URL and user name.
var userKeys sync.Map

// postSigned sends raw form parameters signed for sts with p, bypassing
// the SDK's client-side checks.
func (n *node) postSigned(params url.Values, p aws.CredentialsProvider) (int, string) {
	n.t.Helper()
	return n.send(n.app.URL+"/", params.Encode(), p)
}

// postQuery sends the parameters in the URL of a signed POST with an
// empty body.
func (n *node) postQuery(params url.Values, p aws.CredentialsProvider) (int, string) {
	n.t.Helper()
	return n.send(n.app.URL+"/?"+params.Encode(), "", p)
}

func (n *node) send(target, body string, p aws.CredentialsProvider) (int, string) {
	n.t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		n.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	c, err := p.Retrieve(context.Background())
	if err != nil {
		n.t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), c, req, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now()); err != nil {
		n.t.Fatal(err)
	}
	resp, err := n.http.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// wantAPIError asserts err is the AWS error code with the HTTP status and
// exact message.
func wantAPIError(t *testing.T, err error, code string, status int, message string) {
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
