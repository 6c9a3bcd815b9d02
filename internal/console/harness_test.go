package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/testutil/sdkhttp"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
)

// The managed policies the tests give their users.
const (
	iamReadOnly = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
	iamFull     = "arn:aws:iam::aws:policy/IAMFullAccess"
	// lookupEventsPolicy lets a user read the audit log (Activity).
	lookupEventsPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:LookupEvents","Resource":"*"}]}`
)

// node is a real stsd node (the console on its main listener) with a fake
// identity provider registered.
type node struct {
	*stsdnode.Node
	t testing.TB
}

func start(t testing.TB) *node {
	t.Helper()
	return &node{Node: stsdnode.Start(t, stsdnode.Options{}), t: t}
}

func (n *node) iamClient() *iamsdk.Client {
	return iamsdk.New(iamsdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(n.URL),
		Credentials:      credentials.NewStaticCredentialsProvider(n.App.Root.AccessKeyID, n.App.Root.Secret.Reveal(), ""),
		RetryMaxAttempts: 1, HTTPClient: sdkhttp.Client(0)})
}

// user creates an IAM user with the managed policies attached and the
// inline policies put (name → document), and an access key; it returns the
// key id and secret once the node authenticates them.
func (n *node) user(name string, managed []string, inline map[string]string) (string, string) {
	n.t.Helper()
	ctx := context.Background()
	c := n.iamClient()
	if _, err := c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String(name)}); err != nil {
		n.t.Fatal(err)
	}
	for _, arn := range managed {
		if _, err := c.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: aws.String(arn)}); err != nil {
			n.t.Fatal(err)
		}
	}
	for pn, doc := range inline {
		if _, err := c.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(pn), PolicyDocument: aws.String(doc)}); err != nil {
			n.t.Fatal(err)
		}
	}
	out, err := c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		n.t.Fatal(err)
	}
	id := aws.ToString(out.AccessKey.AccessKeyId)
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := n.App.Cache.WaitFor(wctx, func(s *iam.Snapshot) bool { _, ok := s.AccessKey(id); return ok }); err != nil {
		n.t.Fatal(err)
	}
	return id, aws.ToString(out.AccessKey.SecretAccessKey)
}

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct {
	t    testing.TB
	n    *node
	c    *http.Client
	csrf string // the CSRF token of the last page seen
}

func (n *node) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: n.t, n: n, c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var (
	csrfMeta   = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)
	csrfHidden = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

type page struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := page{status: resp.StatusCode, body: string(body), location: resp.Header.Get("Location"), header: resp.Header}
	if m := csrfMeta.FindStringSubmatch(p.body); m != nil {
		b.csrf = m[1]
	}
	return p
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.n.URL+path, nil)
	return b.do(req)
}

// post sends a form with the CSRF token of the last page seen (unless the
// form sets csrf itself).
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	if _, set := form["csrf"]; !set {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.n.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signIn signs in with the key and secret and fails the test unless the
// console accepts them.
func (b *browser) signIn(id, secret string) {
	b.t.Helper()
	if p := b.trySignIn(id, secret); p.status != http.StatusSeeOther {
		b.t.Fatalf("sign-in: status %d: %s", p.status, p.body)
	}
	b.get("/console/") // picks up the session's CSRF token
}

func (b *browser) trySignIn(id, secret string) page {
	b.t.Helper()
	form := b.get("/console/signin")
	m := csrfHidden.FindStringSubmatch(form.body)
	if m == nil {
		b.t.Fatalf("no CSRF token on the sign-in form: %s", form.body)
	}
	return b.post("/console/signin", url.Values{"csrf": {m[1]}, "access_key_id": {id}, "secret_access_key": {secret}})
}

// root is a browser signed in as the account's root.
func (n *node) root() *browser {
	b := n.browser()
	b.signIn(n.App.Root.AccessKeyID, n.App.Root.Secret.Reveal())
	return b
}

func mustContain(t testing.TB, p page, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Fatalf("page (status %d) lacks %q:\n%s", p.status, w, p.body)
		}
	}
}

func mustNotContain(t testing.TB, text string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if u != "" && strings.Contains(text, u) {
			t.Fatalf("found %q where it must not be", u)
		}
	}
}

// waitGone waits until the node's snapshot no longer has the access key.
func waitGone(t testing.TB, n *node, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.App.Cache.WaitFor(ctx, func(s *iam.Snapshot) bool { _, ok := s.AccessKey(id); return !ok }); err != nil {
		t.Fatal(err)
	}
}
