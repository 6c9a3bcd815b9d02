package devidp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

func TestMintVerifiesWithServedJWKSAndStatePersists(t *testing.T) {
	dir := t.TempDir()
	iss, err := LoadOrCreate(dir, "127.0.0.1:19999")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, StateFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	srv := httptest.NewServer(iss.Handler())
	defer srv.Close()

	tok, err := iss.Mint("alice", time.Hour, map[string]any{"amr": []string{"pwd"}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.URL + "/keys")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 1 || !set.Keys[0].IsPublic() {
		t.Fatalf("JWKS must hold exactly one public key: %+v", set)
	}
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := jws.Verify(set.Keys[0])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	_ = json.Unmarshal(payload, &claims)
	if claims["iss"] != "http://127.0.0.1:19999" || claims["sub"] != "alice" || claims["aud"] != Audience {
		t.Errorf("claims = %v", claims)
	}

	again, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.URL() != iss.URL() || again.key.KeyID != iss.key.KeyID {
		t.Errorf("reloaded issuer differs")
	}
	if strings.Contains(string(mustRead(t, srv.URL+"/.well-known/openid-configuration")), `"d"`) {
		t.Error("discovery leaks private key material")
	}
}

func mustRead(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&v)
	return v
}
