package e2e

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
)

// payloadSniffer is a byte-transparent TCP relay in front of the gateway:
// every byte a client sends reaches the gateway unchanged (the Host the
// client signed included), and a parser reading a copy of the stream
// records, per request, the operation line and the payload mode the client
// chose (x-amz-content-sha256, or the presigned form). It records nothing
// secret: no Authorization, no security token, no body.
type payloadSniffer struct {
	ln     net.Listener
	scheme string
	dial   func() (net.Conn, error)
	mu     sync.Mutex
	seen   []sniffed
}

// sniffed is one request as the client sent it.
type sniffed struct {
	Method, Path string // the path without the query
	Query        string // the query's parameter names, sorted, without values
	Payload      string // x-amz-content-sha256: "UNSIGNED-PAYLOAD", "STREAMING-…", "hex" for a digest, "" when absent
	Encoding     string // Content-Encoding
	Trailer      string // x-amz-trailer
	Presigned    bool
}

// mode is the payload mode as the report names it.
func (s sniffed) mode() string {
	switch {
	case s.Presigned:
		return "presigned"
	case s.Payload == "":
		return "none"
	}
	m := s.Payload
	if s.Trailer != "" {
		m += " (" + s.Trailer + ")"
	}
	return m
}

// sniff starts a relay to the gateway's plain-HTTP address and returns
// it; its URL is http://ADDR.
func sniff(t testing.TB, target string) *payloadSniffer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &payloadSniffer{ln: ln, scheme: "http", dial: func() (net.Conn, error) { return net.Dial("tcp", target) }}
	go s.serve()
	t.Cleanup(func() { ln.Close() })
	return s
}

// sniffTLS is sniff for a gateway serving HTTPS: the relay serves TLS with
// a certificate of its own (caFile, for the client to trust) and opens TLS
// to the gateway trusting roots, passing every decrypted byte unchanged.
func sniffTLS(t testing.TB, target string, roots *x509.CertPool) (s *payloadSniffer, caFile string) {
	t.Helper()
	certFile, keyFile, _ := selfSignedCert(t)
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	s = &payloadSniffer{ln: ln, scheme: "https", dial: func() (net.Conn, error) {
		return tls.Dial("tcp", target, &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12})
	}}
	go s.serve()
	t.Cleanup(func() { ln.Close() })
	return s, certFile
}

func (s *payloadSniffer) url() string { return s.scheme + "://" + s.ln.Addr().String() }

func (s *payloadSniffer) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.relay(c)
	}
}

// halfCloser is a connection that can end its sending side.
type halfCloser interface{ CloseWrite() error }

func (s *payloadSniffer) relay(client net.Conn) {
	defer client.Close()
	up, err := s.dial()
	if err != nil {
		return
	}
	defer up.Close()
	pr, pw := io.Pipe()
	go s.parse(pr)
	answered := make(chan struct{})
	go func() {
		_, _ = io.Copy(client, up)
		client.Close()
		close(answered)
	}()
	_, _ = io.Copy(up, io.TeeReader(client, pw))
	pw.Close()
	if hc, ok := up.(halfCloser); ok {
		_ = hc.CloseWrite()
	}
	<-answered
}

// parse reads the copy of a connection's requests and records each.
func (s *payloadSniffer) parse(r *io.PipeReader) {
	defer func() { _, _ = io.Copy(io.Discard, r) }()
	br := bufio.NewReader(r)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		var names []string
		q := req.URL.Query()
		for k := range q {
			if !strings.HasPrefix(k, "X-Amz-") {
				names = append(names, k)
			}
		}
		sort.Strings(names)
		rec := sniffed{Method: req.Method, Path: req.URL.Path, Query: strings.Join(names, "&"),
			Payload: req.Header.Get("X-Amz-Content-Sha256"), Encoding: req.Header.Get("Content-Encoding"),
			Trailer: req.Header.Get("X-Amz-Trailer"), Presigned: q.Has("X-Amz-Signature")}
		if len(rec.Payload) == 64 && !strings.HasPrefix(rec.Payload, "STREAMING") {
			rec.Payload = "hex"
		}
		s.mu.Lock()
		s.seen = append(s.seen, rec)
		s.mu.Unlock()
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
}

// take returns the requests recorded so far and forgets them.
func (s *payloadSniffer) take() []sniffed {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.seen
	s.seen = nil
	return out
}

// modes summarizes requests as "METHOD query → mode" lines, one per kind.
func modes(reqs []sniffed) []string {
	set := map[string]bool{}
	for _, r := range reqs {
		q := r.Query
		if q != "" {
			q = "?" + q
		}
		set[r.Method+q+" → "+r.mode()] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
