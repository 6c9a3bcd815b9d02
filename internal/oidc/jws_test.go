package oidc

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

func seg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestParseCompactRejections(t *testing.T) {
	okHeader := seg(`{"alg":"RS256","kid":"k"}`)
	okPayload := seg(`{"iss":"https://x"}`)
	sig := seg("signature")
	cases := []struct {
		name   string
		token  string
		reason Reason
		cause  string
	}{
		{"empty", "", ReasonMalformed, "length"},
		{"too short", "a.b", ReasonMalformed, "length"},
		{"too long", okHeader + "." + okPayload + "." + strings.Repeat("A", 20000), ReasonMalformed, "length"},
		{"two segments", okHeader + "." + okPayload, ReasonMalformed, "3 segments"},
		{"four segments", okHeader + "." + okPayload + "." + sig + ".x", ReasonMalformed, "3 segments"},
		{"empty header", "." + okPayload + "." + sig, ReasonMalformed, "empty header"},
		{"empty payload", okHeader + ".." + sig, ReasonMalformed, "empty header or payload"},
		{"padded base64", okHeader + "=." + okPayload + "." + sig, ReasonMalformed, "base64"},
		{"standard base64 alphabet", seg(`{"alg":"RS256"}`) + "." + okPayload + "." + "ab+/", ReasonMalformed, "base64"},
		{"header not JSON", seg("hello") + "." + okPayload + "." + sig, ReasonMalformed, "header"},
		{"header array", seg(`["alg"]`) + "." + okPayload + "." + sig, ReasonMalformed, "not an object"},
		{"header trailing data", seg(`{"alg":"RS256"} {}`) + "." + okPayload + "." + sig, ReasonMalformed, "trailing"},
		{"no alg", seg(`{"kid":"k"}`) + "." + okPayload + "." + sig, ReasonMalformed, "no alg"},
		{"alg number", seg(`{"alg":256}`) + "." + okPayload + "." + sig, ReasonMalformed, "alg is not a string"},
		{"alg none", seg(`{"alg":"none"}`) + "." + okPayload + "." + sig, ReasonUnsupportedAlg, "none"},
		{"crit", seg(`{"alg":"RS256","crit":["exp"],"exp":1}`) + "." + okPayload + "." + sig, ReasonMalformed, "crit"},
		{"empty crit", seg(`{"alg":"RS256","crit":[]}`) + "." + okPayload + "." + sig, ReasonMalformed, "crit"},
		{"b64", seg(`{"alg":"RS256","b64":false}`) + "." + okPayload + "." + sig, ReasonMalformed, "b64"},
		{"kid too long", seg(`{"alg":"RS256","kid":"`+strings.Repeat("k", 1025)+`"}`) + "." + okPayload + "." + sig, ReasonMalformed, "kid longer"},
		{"payload not JSON", okHeader + "." + seg("not json") + "." + sig, ReasonMalformed, "payload"},
		{"payload array", okHeader + "." + seg(`[1]`) + "." + sig, ReasonMalformed, "not an object"},
		{"payload invalid UTF-8", okHeader + "." + seg("{\"sub\":\"\xff\"}") + "." + sig, ReasonMalformed, "UTF-8"},
		{"payload too deep", okHeader + "." + seg(`{"a":`+strings.Repeat("[", 40)+strings.Repeat("]", 40)+`}`) + "." + sig, ReasonMalformed, "deeper"},
		{"signature not base64", okHeader + "." + okPayload + ".***", ReasonMalformed, "signature is not base64url"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, err := parseCompact(c.token)
			if tok != nil || err == nil {
				t.Fatalf("accepted")
			}
			if err.Reason != c.reason || !strings.Contains(err.Cause.Error(), c.cause) {
				t.Fatalf("got %s (%v), want %s mentioning %q", err.Reason, err.Cause, c.reason, c.cause)
			}
		})
	}
}

func TestParseCompactAccepts(t *testing.T) {
	token := seg(`{"alg":"ES384","kid":"k1","typ":"JWT","jku":"https://evil.example/"}`) + "." + seg(`{"iss":"https://x","n":12345678901234567890}`) + "." + seg("sig")
	tok, err := parseCompact(token)
	if err != nil {
		t.Fatal(err)
	}
	if tok.alg.name != "ES384" || tok.kid != "k1" || string(tok.signature) != "sig" || tok.signingInput != token[:strings.LastIndexByte(token, '.')] {
		t.Fatalf("parsed %+v", tok)
	}
	if tok.claims["n"] != any(jsonNumber("12345678901234567890")) {
		t.Fatalf("number claim = %#v", tok.claims["n"])
	}
}

// Any byte outside A–Z a–z 0–9 - _ in any segment is malformed. Go's
// decoder skips '\r' and '\n' even in Strict mode, so without the alphabet
// check a line break gave one token many spellings.
func TestParseCompactRejectsBytesOutsideBase64URL(t *testing.T) {
	parts := []string{seg(`{"alg":"RS256","kid":"k"}`), seg(`{"iss":"https://x"}`), seg("signature")}
	if _, err := parseCompact(strings.Join(parts, ".")); err != nil {
		t.Fatalf("control token: %v", err)
	}
	for i, name := range []string{"header", "payload", "signature"} {
		for _, bad := range []string{"\r", "\n", "\r\n", " ", "\t", "=", "+", "/", ".", "\x00", "é", "\xff"} {
			for _, at := range []string{"start", "middle", "end"} {
				t.Run(fmt.Sprintf("%s/%q/%s", name, bad, at), func(t *testing.T) {
					p := append([]string(nil), parts...)
					switch at {
					case "start":
						p[i] = bad + p[i]
					case "middle":
						p[i] = p[i][:len(p[i])/2] + bad + p[i][len(p[i])/2:]
					default:
						p[i] += bad
					}
					token := strings.Join(p, ".")
					tok, err := parseCompact(token)
					if tok != nil || err == nil {
						t.Fatal("accepted")
					}
					if err.Reason != ReasonMalformed {
						t.Fatalf("reason = %s (%v), want malformed", err.Reason, err.Cause)
					}
					want := "illegal base64 data at input byte"
					if bad == "." {
						want = "3 segments"
					}
					if !strings.Contains(err.Cause.Error(), want) {
						t.Fatalf("cause = %v, want it to mention %q", err.Cause, want)
					}
				})
			}
		}
	}
}
