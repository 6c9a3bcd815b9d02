// Package console is stsd's web console, served under /console/ on the main
// listener: server-rendered pages (html/template, assets embedded in the
// binary) for identity providers, roles, policies, users, the live audit
// log, a token playground and the policy simulator.
//
// A person signs in with an access key id and its secret (the root's or an
// IAM user's), verified server-side by authn and exchanged for a session
// cookie (HttpOnly, SameSite=Strict, Secure over TLS) with idle and
// absolute timeouts; the secret is never kept. Every page is authorized by
// the one engine (authz.Engine.Decide) with the IAM action the API would
// need for the same read, and every change is made by running the IAM
// action itself through iamapi's dispatcher (Invoker), so it is validated,
// authorized and audited exactly as the API call it stands for. Every form
// that changes something carries the session's CSRF token.
package console

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/oidc"
	"github.com/stsd/stsd/internal/sts"
)

// Prefix is where the console is mounted.
const Prefix = "/console/"

// Invoker runs an IAM action for an authenticated caller (iamapi.Service).
type Invoker interface {
	Invoke(ctx context.Context, caller *authn.Caller, call *awsquery.Call) (*awsquery.Response, error)
}

// Explainer explains an AssumeRoleWithWebIdentity call (sts.Service).
type Explainer interface {
	ExplainWebIdentity(ctx context.Context, in sts.ExplainInput) *sts.Explanation
}

// Deps are what the console uses, passed explicitly.
type Deps struct {
	// Authn verifies sign-in secrets and re-resolves the signed-in caller
	// on every request.
	Authn    *authn.Authenticator
	Engine   *authz.Engine
	IAM      Invoker
	STS      Explainer
	Snapshot func() *iam.Snapshot
	Repo     *iam.Repo
	// KeySets reports the verifier's key sets for an issuer URL.
	KeySets func(issuer string) []oidc.KeySetStatus
	// Activity is the audit log's live feed; Audit records sign-ins
	// (changes are audited by the IAM dispatcher).
	Activity *Activity
	Audit    *audit.Logger
	// Metrics is the node's registry (issuance latency).
	Metrics prometheus.Gatherer
	Account string
	Now     func() time.Time
	Logger  *slog.Logger
	// MintToken, set by `stsd dev`, mints a token of the development
	// issuer for a subject, so the playground can offer one; nil elsewhere.
	MintToken func(subject string) (string, error)
	// IdleTimeout and SessionTimeout end a session after that long without
	// a request, and that long after sign-in (defaults 30 min and 8 h).
	IdleTimeout, SessionTimeout time.Duration
}

// Console is the console's HTTP handler.
type Console struct {
	deps     Deps
	sessions *sessions
	pages    *pages
	mux      *http.ServeMux
}

// New builds the console.
func New(d Deps) (*Console, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.IdleTimeout <= 0 {
		d.IdleTimeout = 30 * time.Minute
	}
	if d.SessionTimeout <= 0 {
		d.SessionTimeout = 8 * time.Hour
	}
	if d.Activity == nil {
		d.Activity = NewActivity(d.Now)
	}
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	c := &Console{deps: d, sessions: newSessions(d.Now, d.IdleTimeout, d.SessionTimeout), pages: p, mux: http.NewServeMux()}
	c.routes()
	return c, nil
}

// routes registers every page. Handlers taking a *request are signed in;
// changes (POST) are also CSRF-checked by c.signedIn.
func (c *Console) routes() {
	m := c.mux
	m.Handle("GET /console/static/", http.StripPrefix("/console/static/", staticHandler()))
	m.HandleFunc("GET /console/signin", c.signinForm)
	m.HandleFunc("POST /console/signin", c.signin)
	m.HandleFunc("POST /console/signout", c.signedIn(c.signout))
	m.HandleFunc("GET /console/{$}", c.signedIn(c.overview))
	m.HandleFunc("GET /console/providers", c.signedIn(c.providers))
	m.HandleFunc("GET /console/provider", c.signedIn(c.provider))
	m.HandleFunc("GET /console/providers/new", c.signedIn(c.providerNew))
	m.HandleFunc("POST /console/providers", c.signedIn(c.providerCreate))
	m.HandleFunc("POST /console/provider", c.signedIn(c.providerUpdate))
	m.HandleFunc("GET /console/roles", c.signedIn(c.roles))
	m.HandleFunc("GET /console/role", c.signedIn(c.role))
	m.HandleFunc("GET /console/roles/new", c.signedIn(c.roleNew))
	m.HandleFunc("POST /console/roles", c.signedIn(c.roleCreate))
	m.HandleFunc("POST /console/role/trust", c.signedIn(c.roleTrustUpdate))
	m.HandleFunc("POST /console/role/inline", c.signedIn(c.roleInlinePut))
	m.HandleFunc("GET /console/policies", c.signedIn(c.policies))
	m.HandleFunc("GET /console/policy", c.signedIn(c.policyPage))
	m.HandleFunc("POST /console/policy/version", c.signedIn(c.policyVersionCreate))
	m.HandleFunc("GET /console/users", c.signedIn(c.users))
	m.HandleFunc("GET /console/user", c.signedIn(c.user))
	m.HandleFunc("POST /console/user/keys", c.signedIn(c.accessKeyCreate))
	m.HandleFunc("POST /console/api/validate", c.signedIn(c.validate))
	m.HandleFunc("GET /console/activity", c.signedIn(c.activity))
	m.HandleFunc("GET /console/activity/events", c.signedIn(c.activityStream))
	m.HandleFunc("GET /console/activity/event", c.signedIn(c.activityEvent))
	m.HandleFunc("GET /console/playground", c.signedIn(c.playgroundForm))
	m.HandleFunc("POST /console/playground", c.signedIn(c.playground))
	m.HandleFunc("GET /console/simulator", c.signedIn(c.simulatorForm))
	m.HandleFunc("POST /console/simulator", c.signedIn(c.simulate))
}

// ServeHTTP serves everything under Prefix with the console's security
// headers; nothing a page shows may be cached or framed.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin") // no-referrer would make browsers send "Origin: null" on our own POSTs
	if r.URL.Path == "/console" {
		http.Redirect(w, r, Prefix, http.StatusFound)
		return
	}
	c.mux.ServeHTTP(w, r)
}

// Mount serves the console under Prefix and everything else with next.
func Mount(next http.Handler, c *Console) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/console" || len(r.URL.Path) >= len(Prefix) && r.URL.Path[:len(Prefix)] == Prefix {
			c.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
