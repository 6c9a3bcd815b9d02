package downstream_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/testutil/sdkhttp"
)

// authorizePolicy lets a service call both decision API endpoints.
const authorizePolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["stsd:AuthorizeRequest","stsd:DeriveSigningKey"],"Resource":"*"}]}`

// iamClient is an IAM client signed with the account's root key.
func (n *faNode) iamClient() *iamsdk.Client {
	root := n.app.Root
	return iamsdk.New(iamsdk.Options{
		Region: region, BaseEndpoint: aws.String(n.app.URL), RetryMaxAttempts: 1, HTTPClient: sdkhttp.Client(0),
		Credentials: credentials.NewStaticCredentialsProvider(root.AccessKeyID, root.Secret.Reveal(), ""),
	})
}

// serviceUser creates an IAM user through the IAM API with an inline
// policy (none when policy is "") and an access key, and waits until the
// snapshot has the key.
func (n *faNode) serviceUser(name, policy string) aws.Credentials {
	n.t.Helper()
	ctx := context.Background()
	c := n.iamClient()
	if _, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String(name)}); err != nil {
		n.t.Fatal(err)
	}
	if policy != "" {
		if _, err := c.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String(name),
			PolicyName: aws.String("decide"), PolicyDocument: aws.String(policy)}); err != nil {
			n.t.Fatal(err)
		}
	}
	out, err := c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		n.t.Fatal(err)
	}
	k := out.AccessKey
	n.waitFor(func(s *iam.Snapshot) bool {
		_, ok := s.AccessKey(*k.AccessKeyId)
		u, uok := s.UserByName(account, name)
		return ok && uok && (policy == "" || len(u.Inline) > 0)
	})
	return aws.Credentials{AccessKeyID: *k.AccessKeyId, SecretAccessKey: *k.SecretAccessKey}
}

// rootCreds are the account root's keys.
func (n *faNode) rootCreds() aws.Credentials {
	return aws.Credentials{AccessKeyID: n.app.Root.AccessKeyID, SecretAccessKey: n.app.Root.Secret.Reveal()}
}

// call POSTs body to a decision API path signed with creds for service
// (normally "stsd") at the node's clock; creds with no key send it
// unsigned.
func (n *faNode) call(path string, creds aws.Credentials, service string, body []byte) answer {
	n.t.Helper()
	req, err := http.NewRequest(http.MethodPost, n.app.AuthzURL+path, bytes.NewReader(body))
	if err != nil {
		n.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if creds.AccessKeyID != "" {
		sum := sha256.Sum256(body)
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, region, n.clock.Now()); err != nil {
			n.t.Fatal(err)
		}
	}
	return n.send(req)
}

// authorize calls /v1/authorize with body marshalled as JSON.
func (n *faNode) authorize(creds aws.Credentials, body any) answer {
	n.t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		n.t.Fatal(err)
	}
	return n.call("/v1/authorize", creds, "stsd", b)
}

// embed is the "request" member for a client request as the service
// received it: method, absolute URL and every header (Host excluded: the
// URL carries it).
func embed(r *http.Request) map[string]any {
	h := map[string]any{}
	for k, vs := range r.Header {
		h[k] = vs
	}
	if r.ContentLength > 0 {
		h["Content-Length"] = []string{strconv.FormatInt(r.ContentLength, 10)}
	}
	return map[string]any{"method": r.Method, "url": r.URL.String(), "headers": h}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// sign signs r (no body) for service with creds at the node's clock.
func (n *faNode) sign(creds aws.Credentials, r *http.Request, service string) *http.Request {
	n.t.Helper()
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, emptyHash, service, region, n.clock.Now()); err != nil {
		n.t.Fatal(err)
	}
	return r
}

// invoke is the execute-api check for method and path of API a1b2c3/prod.
func invoke(method, path string) map[string]any {
	return map[string]any{"action": "execute-api:Invoke",
		"resource": "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/" + method + "/" + path}
}

// decisionAnswer is /v1/authorize's answer as a test reads it.
type decisionAnswer struct {
	Authenticated bool `json:"authenticated"`
	Principal     *struct {
		ARN            string            `json:"arn"`
		Account        string            `json:"account"`
		UserID         string            `json:"userId"`
		Type           string            `json:"type"`
		SourceIdentity string            `json:"sourceIdentity"`
		Tags           map[string]string `json:"tags"`
	} `json:"principal"`
	Allowed   bool `json:"allowed"`
	Decisions []struct {
		Action            string           `json:"action"`
		Resource          string           `json:"resource"`
		Decision          string           `json:"decision"`
		MatchedStatements []map[string]any `json:"matchedStatements"`
		FailedConditions  []map[string]any `json:"failedConditions"`
	} `json:"decisions"`
	EncodedMessage string `json:"encodedMessage"`
	Error          *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	IgnoredContextKeys []string `json:"ignoredContextKeys"`
}

// decision decodes a 200 answer.
func (a answer) decision(t *testing.T) decisionAnswer {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if a.header.Get("Content-Type") != "application/json" || a.header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", a.header)
	}
	var d decisionAnswer
	dec := json.NewDecoder(strings.NewReader(a.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("answer %s: %v", a.body, err)
	}
	return d
}

// wantError asserts an error of the call itself: status and the exact
// {"error":{"code","message"}} body.
func (a answer) wantError(t *testing.T, status int, code, message string) {
	t.Helper()
	var got struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	dec := json.NewDecoder(strings.NewReader(a.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil || a.status != status || got.Error.Code != code || got.Error.Message != message {
		t.Errorf("got %d %s\nwant %d %s %q", a.status, a.body, status, code, message)
	}
	if a.header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q", a.header.Get("Content-Type"))
	}
}
