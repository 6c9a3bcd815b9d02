package sts_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
	"github.com/stsd/stsd/internal/testutil/syncio"
	"github.com/stsd/stsd/internal/testutil/testclock"
)

// newTestClock is a node's clock, moved by the test.
func newTestClock() *testclock.Clock { return testclock.New(time.Now().UTC().Truncate(time.Second)) }

// masterKeyEnv is one master key for the nodes that share a store.
var masterKeyEnv = base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))

// fedNode is an stsd node on its own clock, driven with aws-sdk-go-v2
// clients that sign with that clock (the SDK signs with the wall clock,
// which the test moves past the 5-minute SigV4 window).
type fedNode struct {
	t      *testing.T
	app    *app.App
	clock  *testclock.Clock
	idp    *fakeidp.IdP
	http   *http.Client
	audit  *syncio.Buffer
	logs   *syncio.Buffer
	issuer string
}

type fedOptions struct {
	clock     *testclock.Clock
	store     store.Store
	issuerURL bool // serve as an issuer at its own URL
	idp       *fakeidp.IdP
	// sameIssuerAs makes the node a second node of an issuer: same store
	// and master key, same issuer URL.
	sameIssuerAs *fedNode
}

func startFedNode(t *testing.T, o fedOptions) *fedNode {
	t.Helper()
	if o.store == nil {
		o.store = memstore.New()
	}
	n := &fedNode{t: t, clock: o.clock}
	sn := stsdnode.Start(t, stsdnode.Options{Account: account, NoProvider: true, Store: o.store, Now: o.clock.Now,
		Env: map[string]string{"STSD_MASTER_KEY": masterKeyEnv}, Prepare: func(a *app.Options) {
			a.Notice = io.Discard
			a.Config.IssuerKeyRotationInterval = 24 * time.Hour
			switch {
			case o.sameIssuerAs != nil:
				a.Config.IssuerURL = o.sameIssuerAs.issuer
			case o.issuerURL:
				a.Config.IssuerURL = "http://" + a.Listener.Addr().String()
			}
			n.issuer = a.Config.IssuerURL
		}})
	n.app, n.http, n.audit, n.logs = sn.App, sn.HTTP, sn.Audit, sn.Logs
	if o.idp != nil {
		n.idp = o.idp
		if _, err := n.app.Repo.CreateProvider(context.Background(), iam.OIDCProvider{
			Account: account, URL: o.idp.Issuer(), ClientIDs: []string{audience},
		}); err != nil && iam.KindOf(err) != iam.KindAlreadyExists {
			t.Fatal(err)
		}
	}
	return n
}

// signAt re-signs every request after the SDK's own signing, with the
// node's clock as the signing time.
func (n *fedNode) signAt(p aws.CredentialsProvider, service string) func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		return s.Finalize.Insert(middleware.FinalizeMiddlewareFunc("SignAtTestClock",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				req, ok := in.Request.(*smithyhttp.Request)
				if !ok {
					return next.HandleFinalize(ctx, in)
				}
				c, err := p.Retrieve(ctx)
				if err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				if err := v4.NewSigner().SignHTTP(ctx, c, req.Request, v4.GetPayloadHash(ctx), service, "us-east-1", n.clock.Now()); err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				return next.HandleFinalize(ctx, in)
			}), "Signing", middleware.After)
	}
}

func (n *fedNode) sts(p aws.CredentialsProvider) *stssdk.Client {
	o := stssdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(n.app.URL), HTTPClient: n.http, RetryMaxAttempts: 1}
	if p == nil {
		o.Credentials = aws.AnonymousCredentials{}
	} else {
		o.Credentials = p
		o.APIOptions = append(o.APIOptions, n.signAt(p, "sts"))
	}
	return stssdk.New(o)
}

func (n *fedNode) iam() *iamsdk.Client {
	r := n.app.Root
	p := credentials.NewStaticCredentialsProvider(r.AccessKeyID, r.Secret.Reveal(), "")
	return iamsdk.New(iamsdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(n.app.URL), Credentials: p,
		HTTPClient: n.http, RetryMaxAttempts: 1, APIOptions: []func(*middleware.Stack) error{n.signAt(p, "iam")}})
}

// role creates a role with a trust policy, tags and inline policies, and
// waits until the node serves it.
func (n *fedNode) role(name, trust string, tags []iam.Tag, inline map[string]string) string {
	n.t.Helper()
	r, err := n.app.Repo.CreateRole(context.Background(), iam.Role{
		Account: account, Name: name, Path: "/ci/", AssumeRolePolicyDocument: trust, MaxSessionDuration: 43200,
		Tags: tags, InlinePolicies: inline,
	})
	if err != nil {
		n.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.app.Cache.WaitFor(ctx, func(s *iam.Snapshot) bool { _, ok := s.RoleByName(account, name); return ok }); err != nil {
		n.t.Fatal(err)
	}
	return r.ARN()
}

// session assumes roleARN with a token of the node's fake IdP minted at
// the node's clock, for duration seconds.
func (n *fedNode) session(roleARN string, duration int32) aws.CredentialsProvider {
	n.t.Helper()
	now := n.clock.Now().Unix()
	token := n.idp.Mint(map[string]any{"iss": n.idp.Issuer(), "sub": "ci-job", "aud": audience, "iat": now, "exp": now + 600})
	out, err := n.sts(nil).AssumeRoleWithWebIdentity(context.Background(), &stssdk.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String("build-7"), WebIdentityToken: aws.String(token),
		DurationSeconds: aws.Int32(duration),
	})
	if err != nil {
		n.t.Fatal(err)
	}
	c := out.Credentials
	return credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
}

// get fetches a path of the node without credentials.
func (n *fedNode) get(path string) (int, http.Header, []byte) {
	n.t.Helper()
	resp, err := n.http.Get(n.app.URL + path)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// jwtParts decodes a compact JWS's header and payload.
func jwtParts(t *testing.T, token string) (header, payload map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %d parts", len(parts))
	}
	for i, into := range []*map[string]any{&header, &payload} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, into); err != nil {
			t.Fatal(err)
		}
	}
	return header, payload
}
