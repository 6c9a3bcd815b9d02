// Command verifyserver is the floor stsd's AssumeRoleWithWebIdentity is
// measured against (docs/benchmarks.md): the least a server can
// do and still answer the call honestly. It parses the form, verifies the
// web identity token's RS256 signature with a key fetched once from the
// issuer's JWKS, checks iss, aud, sub and exp, and writes a canned XML
// answer. No store, no trust policy, no credentials, no audit.
//
//	verifyserver -addr 127.0.0.1:18200 -issuer http://127.0.0.1:PORT
package main

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net/http"
	"strings"
	"time"
)

const answer = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>` +
	`<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>` +
	`<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`

func main() {
	addr := flag.String("addr", "127.0.0.1:18200", "listen address")
	issuer := flag.String("issuer", "", "the OIDC issuer whose tokens are accepted")
	audience := flag.String("audience", "sts.amazonaws.com", "the accepted aud")
	flag.Parse()
	keys, err := fetchKeys(*issuer)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		if err := verify(r.PostForm.Get("WebIdentityToken"), keys, *issuer, *audience); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(answer))
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}

// verify checks an RS256 JWT: signature, iss, aud, sub and exp.
func verify(token string, keys map[string]*rsa.PublicKey, issuer, audience string) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fmt.Errorf("not a JWT")
	}
	var header struct{ Alg, Kid string }
	if err := decodeJSON(parts[0], &header); err != nil || header.Alg != "RS256" {
		return fmt.Errorf("bad header")
	}
	key := keys[header.Kid]
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if key == nil || err != nil {
		return fmt.Errorf("unknown key")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig); err != nil {
		return fmt.Errorf("bad signature")
	}
	var c struct {
		Iss, Sub string
		Aud      any
		Exp      int64
	}
	if err := decodeJSON(parts[1], &c); err != nil {
		return fmt.Errorf("bad claims")
	}
	if c.Iss != issuer || c.Sub == "" || c.Exp < time.Now().Unix() || !hasAudience(c.Aud, audience) {
		return fmt.Errorf("claims refused")
	}
	return nil
}

func hasAudience(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, v := range a {
			if v == want {
				return true
			}
		}
	}
	return false
}

func decodeJSON(part string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// fetchKeys reads the issuer's RSA keys through discovery.
func fetchKeys(issuer string) (map[string]*rsa.PublicKey, error) {
	var disc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := getJSON(issuer+"/.well-known/openid-configuration", &disc); err != nil {
		return nil, err
	}
	var set struct {
		Keys []struct{ Kty, Kid, N, E string }
	}
	if err := getJSON(disc.JWKSURI, &set); err != nil {
		return nil, err
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("key %s does not decode", k.Kid)
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no RSA key at %s", disc.JWKSURI)
	}
	return keys, nil
}

func getJSON(url string, v any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
