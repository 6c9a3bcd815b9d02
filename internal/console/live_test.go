package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// trustSub is a trust policy allowing the fake IdP's tokens whose sub is
// "repo:main".
const trustSub = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${PROVIDER_ARN}"},` +
	`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"${ISSUER}:sub":"repo:main"}}}]}`

// assume calls AssumeRoleWithWebIdentity over HTTP and returns the status.
func (n *node) assume(roleARN, token string) int {
	n.t.Helper()
	resp, err := http.PostForm(n.URL, url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"},
		"RoleArn": {roleARN}, "RoleSessionName": {"session"}, "WebIdentityToken": {token}})
	if err != nil {
		n.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestActivityStreamsEventsLiveAndExplainsDenials(t *testing.T) {
	n := start(t)
	role := n.Role("ci", trustSub, nil)
	b := n.root()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, n.URL+"/console/activity/events?decision=denied&role=ci", nil)
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Scan() // ": stream open"

	good := n.IdP.Mint(n.IdP.Claims("repo:main", "sts.amazonaws.com"))
	bad := n.IdP.Mint(n.IdP.Claims("repo:fork", "sts.amazonaws.com"))
	if s := n.assume(role, good); s != http.StatusOK {
		t.Fatalf("good token: %d", s)
	}
	if s := n.assume(role, bad); s != http.StatusForbidden {
		t.Fatalf("bad token: %d", s)
	}
	var got struct {
		ID, Action, Role, Outcome, Reason string
		Denied                            bool
	}
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			if err := json.Unmarshal([]byte(data), &got); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	// Only the denial passes the filter.
	if got.Action != "AssumeRoleWithWebIdentity" || !got.Denied || got.Outcome != "AccessDenied" || got.Reason != "trust_policy_implicitDeny" {
		t.Fatalf("streamed %+v", got)
	}
	p := b.get("/console/activity/event?id=" + got.ID)
	mustContain(t, p, "condition StringEquals on "+n.HostPath()+":sub failed", `&#34;userName&#34;: &#34;repo:fork&#34;`, `id="open-playground"`)
	mustNotContain(t, p.body, bad)

	list := b.get("/console/activity?decision=denied")
	mustContain(t, list, got.ID)
	mustNotContain(t, b.get("/console/activity?decision=allowed").body, got.ID)

	over := b.get("/console/")
	mustContain(t, over, "<code>trust_policy_implicitDeny</code>: 1", "<td>AssumeRoleWithWebIdentity</td><td>2</td>", n.IdP.Issuer())
	mustNotContain(t, between(over.body, `id="jwks"`, `</table>`), "not loaded yet")
}

func TestPlaygroundExplainsWithoutIssuingOrKeeping(t *testing.T) {
	n := start(t)
	role := n.Role("ci", trustSub, nil)
	b := n.root()
	mustContain(t, b.get("/console/playground?role=ci"), `<option value="`+role+`" selected>`)
	bad := n.IdP.Mint(n.IdP.Claims("repo:fork", "sts.amazonaws.com"))
	p := b.post("/console/playground", url.Values{"role": {role}, "token": {bad}, "role_session_name": {"x"}, "duration_seconds": {"3600"}})
	if p.status != http.StatusOK {
		t.Fatalf("playground: %d\n%s", p.status, p.body)
	}
	mustContain(t, p, "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity", "trust_policy_implicitDeny",
		"✓ Issuer lookup", "✓ Key, signature and claims", "✗ Trust policy: sts:AssumeRoleWithWebIdentity",
		`StringEquals <code>`+n.HostPath()+`:sub</code> repo:main — request: <code>repo:fork</code> — fails: no value of the key matches a policy value`,
		"<code>"+n.HostPath()+":aud</code>")
	mustNotContain(t, p.body, bad)

	good := n.IdP.Mint(n.IdP.Claims("repo:main", "sts.amazonaws.com"))
	p = b.post("/console/playground", url.Values{"role": {role}, "token": {good}})
	mustContain(t, p, "Credentials would be issued.")
	mustNotContain(t, p.body, good)

	expired := n.IdP.Mint(map[string]any{"iss": n.IdP.Issuer(), "sub": "repo:main", "aud": "sts.amazonaws.com",
		"iat": time.Now().Add(-2 * time.Hour).Unix(), "exp": time.Now().Add(-time.Hour).Unix()})
	p = b.post("/console/playground", url.Values{"role": {role}, "token": {expired}})
	mustContain(t, p, "ExpiredTokenException", "✗ Key, signature and claims")

	n.WaitCount("ConsoleLogin", 1)
	if c := n.Count("AssumeRoleWithWebIdentity"); c != 0 {
		t.Fatalf("the playground issued or audited %d calls", c)
	}
	mustNotContain(t, n.Audit.String()+n.Logs.String(), bad, good, expired)
}

func TestSimulatorRunsTheIAMSimulation(t *testing.T) {
	n := start(t)
	b := n.root()
	p := b.post("/console/simulator", url.Values{"mode": {"custom"},
		"policies":  {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`},
		"actions":   {"s3:GetObject, s3:PutObject"},
		"resources": {"arn:aws:s3:::b/k"}})
	if p.status != http.StatusOK {
		t.Fatalf("simulate: %d\n%s", p.status, p.body)
	}
	mustContain(t, p, `<td>s3:GetObject</td><td><code>arn:aws:s3:::b/k</code></td>
<td class="ok">allowed</td>`, `<td class="bad">implicitDeny</td>`, "PolicyInputList.1 (line 1, column 39)")
	n.user("u1", nil, map[string]string{"list": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:List*","Resource":"*"}]}`})
	p = b.post("/console/simulator", url.Values{"mode": {"principal"}, "caller": {"arn:aws:iam::" + n.Account + ":user/u1"},
		"actions": {"iam:ListRoles,iam:CreateRole"}, "resources": {"*"}})
	mustContain(t, p, `<td class="ok">allowed</td>`, `<td class="bad">implicitDeny</td>`)
	n.WaitCount("SimulatePrincipalPolicy", 1)
	n.WaitCount("SimulateCustomPolicy", 1)
}

// A live stream left open (a page in a browser) does not hold the node's
// shutdown: the stream ends when the server starts shutting down, and
// Close returns well within its timeout.
func TestActivityStreamEndsOnShutdown(t *testing.T) {
	n := start(t)
	b := n.root()
	req, _ := http.NewRequest(http.MethodGet, n.URL+"/console/activity/events", nil)
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	if !sc.Scan() || sc.Text() != ": stream open" {
		t.Fatalf("stream did not open: %q %v", sc.Text(), sc.Err())
	}
	start := time.Now()
	if err := n.App.Close(5 * time.Second); err != nil {
		t.Fatalf("Close with a live stream open: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v with a live stream open", d)
	}
	for sc.Scan() {
	}
}
