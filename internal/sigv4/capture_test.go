package sigv4

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// captureSecrets are the test-only secrets the captures were signed with
// (testdata/README of the shared captures); they are not real credentials.
var captureSecrets = map[string]string{
	"AKIAFAKEFAKEFAKE0000": "fakesecretfakesecretfakesecretfakesecret",
	"ASIAFAKEFAKEFAKE0001": "fakeSecretKeyfakeSecretKeyfakeSecretKey0",
}

// capture is one request recorded from a real client.
type capture struct {
	File    string      `json:"-"`
	Line    int         `json:"-"`
	Method  string      `json:"method"`
	Path    string      `json:"path"`
	Headers [][2]string `json:"headers"`
	Body    string      `json:"body"`
}

func (c capture) name() string { return filepath.Base(c.File) + ":" + strconv.Itoa(c.Line) }

func (c capture) clone() capture {
	c.Headers = append([][2]string(nil), c.Headers...)
	return c
}

// signed reports whether the capture carries SigV4 authentication.
func (c capture) signed() bool {
	for _, h := range c.Headers {
		if strings.EqualFold(h[0], "Authorization") {
			return true
		}
	}
	return strings.Contains(c.Path, "X-Amz-Signature=")
}

// amzDate returns the signing time of a signed capture.
func (c capture) amzDate(t testing.TB) time.Time {
	t.Helper()
	raw := ""
	for _, h := range c.Headers {
		if strings.EqualFold(h[0], "X-Amz-Date") {
			raw = h[1]
		}
	}
	if i := strings.Index(c.Path, "X-Amz-Date="); i >= 0 {
		raw = c.Path[i+len("X-Amz-Date=") : i+len("X-Amz-Date=")+16]
	}
	d, err := time.Parse(amzDateLayout, raw)
	if err != nil {
		t.Fatalf("%s: no X-Amz-Date: %v", c.name(), err)
	}
	return d
}

// httpRequest serializes the capture onto the wire and reads it back with
// net/http's server-side parser, so the request looks exactly as a handler
// would see it (Host moved to r.Host, header keys canonicalized).
func (c capture) httpRequest(t testing.TB) (*http.Request, []byte) {
	t.Helper()
	var raw bytes.Buffer
	raw.WriteString(c.Method + " " + c.Path + " HTTP/1.1\r\n")
	for _, h := range c.Headers {
		raw.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	raw.WriteString("\r\n")
	raw.WriteString(c.Body)
	r, err := http.ReadRequest(bufio.NewReader(&raw))
	if err != nil {
		t.Fatalf("%s: ReadRequest: %v", c.name(), err)
	}
	body, _ := io.ReadAll(r.Body)
	return r, body
}

func loadCaptures(t testing.TB) []capture {
	t.Helper()
	files, err := filepath.Glob("testdata/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures in testdata: %v", err)
	}
	var out []capture
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var c capture
			if err := json.Unmarshal([]byte(line), &c); err != nil {
				t.Fatalf("%s:%d: %v", f, i+1, err)
			}
			c.File, c.Line = f, i+1
			out = append(out, c)
		}
	}
	return out
}

// verifyCapture parses and verifies c with the clock at its signing time.
func verifyCapture(t testing.TB, c capture, clock time.Time) (*Request, error) {
	t.Helper()
	r, body := c.httpRequest(t)
	req, err := ParseRequest(r, body)
	if err != nil {
		return nil, err
	}
	v := &Verifier{Now: func() time.Time { return clock }}
	secret, ok := captureSecrets[req.AccessKeyID]
	if !ok {
		secret = "no-such-secret"
	}
	return req, v.Verify(req, secret)
}

func TestCapturesVerify(t *testing.T) {
	signed, unsigned := 0, 0
	for _, c := range loadCaptures(t) {
		if !c.signed() {
			unsigned++
			r, body := c.httpRequest(t)
			_, err := ParseRequest(r, body)
			assertError(t, c.name(), err, CodeMissingAuthenticationToken, 403, "Request is missing Authentication Token")
			continue
		}
		signed++
		req, err := verifyCapture(t, c, c.amzDate(t))
		if err != nil {
			t.Errorf("%s (%s %s): %v", c.name(), c.Method, c.Path, err)
			continue
		}
		if req.Scope.Service != "sts" && req.Scope.Service != "iam" {
			t.Errorf("%s: service %q", c.name(), req.Scope.Service)
		}
	}
	// verify_sigv4.py counts 26 signed captures; the rest are unsigned calls.
	if signed != 26 || unsigned == 0 {
		t.Errorf("signed=%d unsigned=%d, want 26 signed and some unsigned", signed, unsigned)
	}
}

func TestCaptureFields(t *testing.T) {
	byPresigned := map[bool]int{}
	for _, c := range loadCaptures(t) {
		if !c.signed() {
			continue
		}
		r, body := c.httpRequest(t)
		req, err := ParseRequest(r, body)
		if err != nil {
			t.Fatalf("%s: %v", c.name(), err)
		}
		byPresigned[req.Presigned]++
		if _, ok := captureSecrets[req.AccessKeyID]; !ok {
			t.Errorf("%s: access key %q", c.name(), req.AccessKeyID)
		}
		if req.Scope.Date != "20261122" || req.Scope.Terminator != Terminator {
			t.Errorf("%s: scope %+v", c.name(), req.Scope)
		}
		hasTokenHeader := false
		for _, h := range c.Headers {
			if strings.EqualFold(h[0], "X-Amz-Security-Token") {
				hasTokenHeader = true
				if req.SessionToken != h[1] {
					t.Errorf("%s: token %q want %q", c.name(), req.SessionToken, h[1])
				}
			}
		}
		if !hasTokenHeader && req.SessionToken != "" {
			t.Errorf("%s: unexpected token", c.name())
		}
		if strings.Contains(req.String(), "FAKE-SESSION-TOKEN") || strings.Contains(req.GoString(), "FAKE-SESSION") {
			t.Errorf("%s: String leaks the session token: %s", c.name(), req)
		}
	}
	if byPresigned[true] != 1 || byPresigned[false] != 25 {
		t.Errorf("presigned counts %v", byPresigned)
	}
}

func TestCaptureEmptyRegionAndRegionList(t *testing.T) {
	var empty capture
	for _, c := range loadCaptures(t) {
		if strings.Contains(c.File, "emptyregion") && c.Method == "POST" {
			empty = c
		}
	}
	r, body := empty.httpRequest(t)
	req, err := ParseRequest(r, body)
	if err != nil {
		t.Fatal(err)
	}
	if req.Scope.Region != "" {
		t.Fatalf("region %q", req.Scope.Region)
	}
	at := empty.amzDate(t)
	v := &Verifier{Now: func() time.Time { return at }, Services: []string{"sts"}}
	if err := v.Verify(req, captureSecrets[req.AccessKeyID]); err != nil {
		t.Fatalf("empty region with any-region verifier: %v", err)
	}
	v.Regions = []string{"us-east-1"}
	assertError(t, "empty region vs us-east-1", v.Verify(req, captureSecrets[req.AccessKeyID]),
		CodeSignatureDoesNotMatch, 403, "Credential should be scoped to a valid region, not ''. ")
	v.Regions = []string{"us-east-1", ""}
	if err := v.Verify(req, captureSecrets[req.AccessKeyID]); err != nil {
		t.Fatalf("empty region listed: %v", err)
	}
}

func assertError(t testing.TB, name string, err error, code string, status int, msg string) {
	t.Helper()
	e, ok := err.(*Error)
	if !ok || e == nil {
		t.Errorf("%s: err = %v (%T), want *Error %s", name, err, err, code)
		return
	}
	if e.Code != code || e.Status != status || e.Message != msg {
		t.Errorf("%s:\n got  %s %d %q\n want %s %d %q", name, e.Code, e.Status, e.Message, code, status, msg)
	}
}
