package introspect_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/introspect"
	"github.com/stsd/stsd/internal/oidc"
)

const (
	clientID     = "stsd client:1"  // a space and a colon: both must be form-encoded
	clientSecret = "s3cr=t&+/ é:%x" // every character RFC 6749 Appendix B encodes
	token        = "opaque-access-token-7f3a"
)

// fakeServer is an introspection endpoint on a real HTTP server: it checks
// every request as RFC 7662 and RFC 6749 §2.3.1 prescribe and answers with
// handler's choice.
type fakeServer struct {
	*httptest.Server
	hits     atomic.Int32
	mu       sync.Mutex
	problems []string
	answer   func(w http.ResponseWriter, r *http.Request)
}

func newFakeServer(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) *fakeServer {
	t.Helper()
	f := &fakeServer{answer: answer}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		f.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, p := range f.problems {
			t.Error("introspection request: " + p)
		}
	})
	return f
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	f.hits.Add(1)
	var problems []string
	if r.Method != http.MethodPost {
		problems = append(problems, "method "+r.Method)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		problems = append(problems, "Content-Type "+ct)
	}
	if a := r.Header.Get("Accept"); a != "application/json" {
		problems = append(problems, "Accept "+a)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(clientID)+":"+url.QueryEscape(clientSecret)))
	if got := r.Header.Get("Authorization"); got != want {
		problems = append(problems, "Authorization "+got+", want "+want)
	}
	// Decoding the header as net/http does (then form-decoding) gives the
	// credentials back.
	if u, p, ok := r.BasicAuth(); !ok || unescape(u) != clientID || unescape(p) != clientSecret {
		problems = append(problems, "Basic credentials do not decode to the client id and secret")
	}
	body, _ := io.ReadAll(r.Body)
	if string(body) != "token="+url.QueryEscape(token)+"&token_type_hint=access_token" && !strings.HasPrefix(string(body), "token=other&") {
		problems = append(problems, "body "+string(body))
	}
	if len(problems) > 0 {
		f.mu.Lock()
		f.problems = append(f.problems, problems...)
		f.mu.Unlock()
	}
	f.answer(w, r)
}

func unescape(s string) string {
	u, err := url.QueryUnescape(s)
	if err != nil {
		return "!" + err.Error()
	}
	return u
}

func jsonAnswer(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func endpoint(u string) introspect.Endpoint {
	return introspect.Endpoint{URL: u, ClientID: clientID, ClientSecret: introspect.SecretSource{Env: "IDP_SECRET"}}
}

func newClient(now func() time.Time) *introspect.Client {
	return &introspect.Client{
		HTTP:      &http.Client{},
		Timeout:   300 * time.Millisecond,
		LookupEnv: func(k string) (string, bool) { return clientSecret, k == "IDP_SECRET" },
		Now:       now,
	}
}

func TestActiveAnswer(t *testing.T) {
	srv := newFakeServer(t, jsonAnswer(200, `{"active":true,"scope":"read  write","client_id":"app-1","username":"alice",
		"token_type":"Bearer","exp":4102444800,"iat":1700000000,"nbf":1700000000,"sub":"user-42","aud":["api","sts"],
		"iss":"https://auth.example.com","jti":"j-1","ext":{"nested":[1,2,3]}}`))
	r, err := newClient(nil).Introspect(context.Background(), endpoint(srv.URL), token)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Active || r.ClientID != "app-1" || r.Subject != "user-42" || r.Username != "alice" || r.TokenType != "Bearer" ||
		r.Issuer != "https://auth.example.com" || r.JTI != "j-1" || strings.Join(r.Scope, ",") != "read,write" ||
		strings.Join(r.Audience, ",") != "api,sts" || !r.HasExp || r.ExpiresAt.Unix() != 4102444800 ||
		r.IssuedAt.Unix() != 1700000000 || r.NotBefore.Unix() != 1700000000 {
		t.Fatalf("parsed %+v", r)
	}
}

func TestInactiveAnswer(t *testing.T) {
	srv := newFakeServer(t, jsonAnswer(200, `{"active":false}`))
	r, err := newClient(nil).Introspect(context.Background(), endpoint(srv.URL), token)
	if err != nil || r.Active {
		t.Fatalf("got %+v, %v", r, err)
	}
}

// Every way an answer can fail, with its kind; no error text holds the
// token or the client secret.
func TestFailures(t *testing.T) {
	big := `{"active":true,"pad":"` + strings.Repeat("x", introspect.MaxBodyBytes) + `"}`
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	cases := []struct {
		name   string
		answer func(http.ResponseWriter, *http.Request)
		url    string
		kind   introspect.Kind
		text   string
	}{
		{name: "5xx", answer: jsonAnswer(503, `{"error":"down"}`), kind: introspect.KindStatus,
			text: "introspection: idp_http_status: HTTP/1.1 503 Service Unavailable"},
		{name: "500 with a made-up reason phrase", answer: func(w http.ResponseWriter, _ *http.Request) {
			hj, _ := w.(http.Hijacker)
			conn, buf, _ := hj.Hijack()
			defer conn.Close()
			_, _ = buf.WriteString("HTTP/1.1 500 token " + token + " is bad\r\nContent-Length: 0\r\n\r\n")
			_ = buf.Flush()
		}, kind: introspect.KindStatus, text: "introspection: idp_http_status: HTTP/1.1 500 Internal Server Error"},
		{name: "401 (stsd's credentials refused)", answer: jsonAnswer(401, `{"error":"invalid_client"}`), kind: introspect.KindStatus,
			text: "introspection: idp_http_status: HTTP/1.1 401 Unauthorized"},
		{name: "wrong content type", answer: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, `{"active":true}`)
		}, kind: introspect.KindContentType, text: `introspection: idp_content_type: Content-Type "text/html" is not application/json`},
		{name: "no content type", answer: func(w http.ResponseWriter, _ *http.Request) {
			w.Header()["Content-Type"] = nil
			_, _ = io.WriteString(w, `{"active":true}`)
		}, kind: introspect.KindContentType, text: `introspection: idp_content_type: Content-Type "" is not application/json`},
		{name: "oversized", answer: jsonAnswer(200, big), kind: introspect.KindTooLarge,
			text: "introspection: idp_response_too_large: body larger than 65536 bytes"},
		{name: "active is a string", answer: jsonAnswer(200, `{"active":"true"}`), kind: introspect.KindMalformed,
			text: `introspection: idp_response_malformed: "active" is not a boolean`},
		{name: "duplicate members", answer: jsonAnswer(200, `{"active":false,"active":true}`), kind: introspect.KindMalformed},
		{name: "not JSON", answer: jsonAnswer(200, `<html>`), kind: introspect.KindMalformed},
		{name: "slow", answer: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
			jsonAnswer(200, `{"active":true}`)(w, r)
		}, kind: introspect.KindTimeout},
		{name: "slow body", answer: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"active":`)
			w.(http.Flusher).Flush()
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		}, kind: introspect.KindTimeout},
		{name: "down", url: downURL, kind: introspect.KindUnreachable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.url
			if tc.answer != nil {
				u = newFakeServer(t, tc.answer).URL
			}
			start := time.Now()
			_, err := newClient(nil).Introspect(context.Background(), endpoint(u), token)
			var ie *introspect.Error
			if !errors.As(err, &ie) || ie.Kind != tc.kind {
				t.Fatalf("got %v, want kind %s", err, tc.kind)
			}
			if tc.text != "" && err.Error() != tc.text {
				t.Fatalf("got %q\nwant %q", err.Error(), tc.text)
			}
			if s := fmt.Sprintf("%v %+v", err, err); strings.Contains(s, token) || strings.Contains(s, clientSecret) {
				t.Fatalf("error reveals a secret: %s", s)
			}
			if took := time.Since(start); took > 1500*time.Millisecond {
				t.Fatalf("took %v, the timeout is 300ms", took)
			}
		})
	}
}

// Active answers are reused until the token's exp and never longer than a
// minute; inactive answers are never reused.
func TestCache(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	var body atomic.Value
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(200, body.Load().(string))(w, r) })
	c := newClient(clock)
	ep := endpoint(srv.URL)
	call := func() *introspect.Response {
		t.Helper()
		r, err := c.Introspect(context.Background(), ep, token)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	// exp far away: one minute.
	body.Store(`{"active":true,"sub":"a","exp":4102444800}`)
	call()
	now.Add(59)
	call()
	if got := srv.hits.Load(); got != 1 {
		t.Fatalf("%d requests within the minute, want 1", got)
	}
	now.Add(1)
	call()
	if got := srv.hits.Load(); got != 2 {
		t.Fatalf("%d requests after the minute, want 2", got)
	}

	// exp 10 s away: ten seconds.
	now.Add(3600)
	body.Store(fmt.Sprintf(`{"active":true,"sub":"a","exp":%d}`, now.Load()+10))
	call()
	now.Add(9)
	call()
	if got := srv.hits.Load(); got != 3 {
		t.Fatalf("%d requests before exp, want 3", got)
	}
	now.Add(1)
	body.Store(`{"active":false}`)
	if call().Active {
		t.Fatal("the answer outlived the token's exp")
	}

	// Inactive answers are not reused: the next call asks again.
	call()
	if got := srv.hits.Load(); got != 5 {
		t.Fatalf("%d requests, want 5 (inactive answers are not cached)", got)
	}

	// exp already passed (the server's clock is behind): not cached.
	body.Store(fmt.Sprintf(`{"active":true,"sub":"a","exp":%d}`, now.Load()-5))
	call()
	call()
	if got := srv.hits.Load(); got != 7 {
		t.Fatalf("%d requests, want 7 (an expired token's answer is not cached)", got)
	}

	// Another token, another client id, another endpoint: other entries.
	body.Store(`{"active":true,"sub":"a"}`)
	call()
	hits := srv.hits.Load()
	if _, err := c.Introspect(context.Background(), ep, "other"); err != nil {
		t.Fatal(err)
	}
	other := ep
	other.URL += "/"
	if _, err := c.Introspect(context.Background(), other, token); err != nil {
		t.Fatal(err)
	}
	if got := srv.hits.Load(); got != hits+2 {
		t.Fatalf("%d requests, want %d: answers are per token and endpoint", got, hits+2)
	}
}

// Failures are not cached either.
func TestFailureNotCached(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			jsonAnswer(502, "")(w, r)
			return
		}
		jsonAnswer(200, `{"active":true}`)(w, r)
	})
	c := newClient(nil)
	if _, err := c.Introspect(context.Background(), endpoint(srv.URL), token); err == nil {
		t.Fatal("want an error")
	}
	fail.Store(false)
	if r, err := c.Introspect(context.Background(), endpoint(srv.URL), token); err != nil || !r.Active {
		t.Fatalf("got %+v, %v", r, err)
	}
}

func TestClientSecretSources(t *testing.T) {
	srv := newFakeServer(t, jsonAnswer(200, `{"active":true}`))
	dir := t.TempDir()
	withNewline := filepath.Join(dir, "secret")
	if err := os.WriteFile(withNewline, []byte(clientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newClient(nil)
	c.LookupEnv = func(string) (string, bool) { return "", false }
	ep := endpoint(srv.URL)
	ep.ClientSecret = introspect.SecretSource{File: withNewline}
	if _, err := c.Introspect(context.Background(), ep, token); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		src  introspect.SecretSource
		text string
	}{
		{introspect.SecretSource{Env: "IDP_SECRET"}, "introspection: idp_config: the client secret variable IDP_SECRET is not set"},
		{introspect.SecretSource{File: filepath.Join(dir, "missing")}, "introspection: idp_config: the client secret file " + filepath.Join(dir, "missing") + " cannot be read: no such file or directory"},
		{introspect.SecretSource{}, "introspection: idp_config: no client secret source is configured"},
	} {
		ep.ClientSecret = tc.src
		_, err := c.Introspect(context.Background(), ep, token+"x")
		var ie *introspect.Error
		if !errors.As(err, &ie) || ie.Kind != introspect.KindConfig || err.Error() != tc.text {
			t.Fatalf("got %v\nwant %s", err, tc.text)
		}
	}
	if hits := srv.hits.Load(); hits != 1 {
		t.Fatalf("%d requests; none may be sent without a secret", hits)
	}
}

// The network rules of the OIDC key fetches apply: a refused URL is never
// requested, and a redirect may not leave the endpoint's host.
func TestFetchRules(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/introspect", http.StatusTemporaryRedirect)
			return
		}
		jsonAnswer(200, `{"active":true}`)(w, r)
	})
	c := newClient(nil)
	c.HTTP = oidc.NewFetchClient(oidc.Config{AllowHTTPIssuers: true}, time.Second)
	c.CheckURL = func(u string) error { return oidc.CheckFetchURL(u, true) }
	// A same-host 307 redirect keeps the method, the body and the client
	// authentication (the fake server checks all three).
	if r, err := c.Introspect(context.Background(), endpoint(srv.URL+"/moved"), token); err != nil || !r.Active {
		t.Fatalf("got %+v, %v", r, err)
	}
	if hits := srv.hits.Load(); hits != 2 {
		t.Fatalf("%d requests, want 2", hits)
	}

	// Another host (127.0.0.2 is another host than 127.0.0.1).
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	away := newFakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.2:"+port+"/introspect", http.StatusTemporaryRedirect)
	})
	_, err := c.Introspect(context.Background(), endpoint(away.URL), token)
	var ie *introspect.Error
	if !errors.As(err, &ie) || ie.Kind != introspect.KindUnreachable || !strings.Contains(err.Error(), "redirect to another host") {
		t.Fatalf("got %v", err)
	}

	// http to a host that is not loopback, and user info, are refused
	// before any request.
	for _, u := range []string{"http://auth.example.com/introspect", "https://user:pw@auth.example.com/introspect"} {
		_, err := c.Introspect(context.Background(), endpoint(u), token)
		if !errors.As(err, &ie) || ie.Kind != introspect.KindConfig {
			t.Fatalf("%s: got %v", u, err)
		}
	}
}
