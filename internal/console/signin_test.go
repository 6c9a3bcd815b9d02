package console_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
)

func TestSignInWithRootAndUserKeys(t *testing.T) {
	n := start(t)
	id, secret := n.user("alice", []string{iamReadOnly}, nil)
	for _, c := range []struct{ name, id, secret string }{
		{"root", n.App.Root.AccessKeyID, n.App.Root.Secret.Reveal()},
		{"user", id, secret},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := n.browser()
			p := b.trySignIn(c.id, c.secret)
			if p.status != http.StatusSeeOther || p.location != "/console/" {
				t.Fatalf("status %d location %q", p.status, p.location)
			}
			ck := p.header.Values("Set-Cookie")
			var session string
			for _, v := range ck {
				if strings.HasPrefix(v, "stsd_console=") {
					session = v
				}
			}
			for _, attr := range []string{"HttpOnly", "SameSite=Strict", "Path=/console/"} {
				if !strings.Contains(session, attr) {
					t.Errorf("session cookie %q lacks %s", session, attr)
				}
			}
			if strings.Contains(session, "Secure") {
				t.Errorf("session cookie %q is Secure over plain HTTP", session)
			}
			home := b.get("/console/")
			if home.status != http.StatusOK {
				t.Fatalf("overview: %d", home.status)
			}
			mustContain(t, home, "Overview")
		})
	}
	mustNotContain(t, n.Audit.String()+n.Logs.String(), secret, n.App.Root.Secret.Reveal())
}

func TestSignInRefusals(t *testing.T) {
	n := start(t)
	id, secret := n.user("bob", nil, nil)
	b := n.browser()
	for _, c := range []struct{ name, id, secret string }{
		{"wrong secret", id, secret[:len(secret)-1] + "x"},
		{"unknown key", "AKIAXXXXXXXXXXXXXXXX", secret},
		{"empty", "", ""},
	} {
		p := b.trySignIn(c.id, c.secret)
		if p.status != http.StatusUnauthorized {
			t.Fatalf("%s: status %d", c.name, p.status)
		}
		mustContain(t, p, "not valid")
		if strings.Contains(strings.Join(p.header.Values("Set-Cookie"), ";"), "stsd_console=") {
			t.Fatalf("%s: a session cookie was set", c.name)
		}
		mustNotContain(t, p.body, c.secret)
	}
	// The sign-in form's own token: a post without it (login CSRF) is refused.
	p := b.post("/console/signin", url.Values{"csrf": {"forged"}, "access_key_id": {id}, "secret_access_key": {secret}})
	if p.status != http.StatusForbidden {
		t.Fatalf("forged sign-in form: %d", p.status)
	}
	n.WaitCount("ConsoleLogin", 3)
	mustContain(t, page{body: n.Audit.String()}, `"ConsoleLogin":"Failure"`, `"reason":"secret_mismatch"`)
	mustNotContain(t, n.Audit.String()+n.Logs.String(), secret)
}

func TestPagesNeedASession(t *testing.T) {
	n := start(t)
	b := n.browser()
	for _, path := range []string{"/console/", "/console/providers", "/console/roles", "/console/policies", "/console/users",
		"/console/activity", "/console/playground", "/console/simulator", "/console/role?name=x"} {
		p := b.get(path)
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/console/signin?next=") {
			t.Errorf("%s: status %d location %q", path, p.status, p.location)
		}
	}
	if p := b.get("/console/activity/events"); p.status != http.StatusUnauthorized {
		t.Errorf("event stream without a session: %d", p.status)
	}
	if p := b.post("/console/roles", url.Values{"name": {"x"}}); p.status != http.StatusUnauthorized {
		t.Errorf("change without a session: %d", p.status)
	}
	// next is kept only when it is a console path.
	p := b.get("/console/signin?next=//evil.example/x")
	mustNotContain(t, p.body, "evil.example")
}

func TestSignOutAndRevokedKeyEndSessions(t *testing.T) {
	n := start(t)
	b := n.root()
	if p := b.post("/console/signout", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", p.status)
	}
	if p := b.get("/console/"); p.status != http.StatusSeeOther {
		t.Fatalf("after sign-out: %d", p.status)
	}

	id, secret := n.user("carol", []string{iamReadOnly}, nil)
	u := n.browser()
	u.signIn(id, secret)
	if p := u.get("/console/roles"); p.status != http.StatusOK {
		t.Fatalf("roles: %d", p.status)
	}
	if err := n.App.Repo.DeleteAccessKey(t.Context(), n.Account, id); err != nil {
		t.Fatal(err)
	}
	waitGone(t, n, id)
	if p := u.get("/console/roles"); p.status != http.StatusSeeOther {
		t.Fatalf("a deleted key's session still serves: %d", p.status)
	}
}

func TestConsoleCanBeTurnedOff(t *testing.T) {
	n := stsdnode.Start(t, stsdnode.Options{NoProvider: true, Prepare: func(o *app.Options) { o.Config.Console.Enabled = false }})
	if n.App.ConsoleURL != "" {
		t.Fatalf("ConsoleURL %q with the console off", n.App.ConsoleURL)
	}
	resp, err := n.HTTP.Get(n.URL + "/console/signin")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "Sign in") || resp.StatusCode == http.StatusOK {
		t.Fatalf("console served while off: %d %s", resp.StatusCode, body)
	}
}
