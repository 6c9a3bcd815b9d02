package console

import (
	"net/http"
	"strings"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/secret"
)

// signinCookie carries the sign-in form's own CSRF token (login CSRF: a
// page elsewhere must not sign a browser in as someone else).
const signinCookie = "stsd_console_signin"

// request is one signed-in request: the session and the caller its access
// key names now.
type request struct {
	w      http.ResponseWriter
	r      *http.Request
	sess   *session
	caller *authn.Caller
}

type handler func(q *request)

// signedIn resolves the session and its caller, and checks the CSRF token
// and the origin of every POST, before h runs.
func (c *Console) signedIn(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ck, _ := r.Cookie(cookieName)
		var sess *session
		ok := false
		if ck != nil {
			sess, ok = c.sessions.get(ck.Value)
		}
		if !ok {
			c.toSignin(w, r, "")
			return
		}
		caller, _, err := c.deps.Authn.LongTermCaller(r.Context(), sess.accessKeyID)
		if err != nil { // the key was deactivated or deleted, or its user
			c.sessions.end(ck.Value)
			c.toSignin(w, r, "Your access key is no longer valid. Sign in again.")
			return
		}
		q := &request{w: w, r: r, sess: sess, caller: caller}
		if r.Method == http.MethodPost {
			if !sameOrigin(r) || !sess.csrfOK(csrfValue(r)) {
				c.renderError(q, http.StatusForbidden, "The form was not sent by this console (CSRF token missing or wrong). Reload the page and try again.")
				return
			}
		}
		h(q)
	}
}

// csrfValue is the form's csrf field, or the X-CSRF-Token header (the
// console's script).
func csrfValue(r *http.Request) string {
	if v := r.Header.Get("X-CSRF-Token"); v != "" {
		return v
	}
	return r.PostFormValue("csrf")
}

// sameOrigin refuses a POST whose Origin header names another origin
// (browsers send it on every cross-origin POST); a request without one is
// left to the CSRF token.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	scheme := "http://"
	if r.TLS != nil {
		scheme = "https://"
	}
	return o == scheme+r.Host
}

// toSignin sends a page request to the sign-in form (the path it wanted
// kept in next) and answers anything else 401.
func (c *Console) toSignin(w http.ResponseWriter, r *http.Request, msg string) {
	if r.Method != http.MethodGet || strings.HasPrefix(r.URL.Path, "/console/api/") || r.URL.Path == "/console/activity/events" {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return
	}
	target := "/console/signin?next=" + urlQueryEscape(r.URL.RequestURI())
	if msg != "" {
		target += "&expired=1"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

type signinData struct {
	CSRF, AccessKeyID, Next, Error string
}

func (c *Console) signinForm(w http.ResponseWriter, r *http.Request) {
	d := signinData{Next: safeNext(r.URL.Query().Get("next"))}
	if r.URL.Query().Get("expired") != "" {
		d.Error = "Your session ended. Sign in again."
	}
	c.renderSignin(w, r, http.StatusOK, d)
}

func (c *Console) renderSignin(w http.ResponseWriter, r *http.Request, status int, d signinData) {
	d.CSRF = randomToken()
	http.SetCookie(w, &http.Cookie{Name: signinCookie, Value: d.CSRF, Path: "/console/signin", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	c.pages.render(w, status, "signin", &view{Title: "Sign in", Data: d})
}

// signin verifies the access key and secret and starts a session. The
// secret is compared and dropped: it is never logged, audited or shown.
func (c *Console) signin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	keyID := strings.TrimSpace(r.PostFormValue("access_key_id"))
	d := signinData{AccessKeyID: keyID, Next: safeNext(r.PostFormValue("next"))}
	ck, _ := r.Cookie(signinCookie)
	if ck == nil || !sameOrigin(r) || ck.Value == "" || ck.Value != r.PostFormValue("csrf") {
		d.Error = "The sign-in form expired. Try again."
		c.renderSignin(w, r, http.StatusForbidden, d)
		return
	}
	caller, err := c.deps.Authn.VerifySecret(r.Context(), keyID, secret.NewString(r.PostFormValue("secret_access_key")))
	c.recordSignin(r, keyID, caller, err)
	if err != nil {
		d.Error = "The access key id or the secret access key is not valid."
		c.renderSignin(w, r, http.StatusUnauthorized, d)
		return
	}
	token, _ := c.sessions.create(caller.AccessKeyID)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: Prefix, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	http.SetCookie(w, &http.Cookie{Name: signinCookie, Value: "", Path: "/console/signin", MaxAge: -1, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	next := d.Next
	if next == "" {
		next = Prefix
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (c *Console) signout(q *request) {
	if ck, _ := q.r.Cookie(cookieName); ck != nil {
		c.sessions.end(ck.Value)
	}
	http.SetCookie(q.w, &http.Cookie{Name: cookieName, Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true,
		Secure: q.r.TLS != nil, SameSite: http.SameSiteStrictMode})
	http.Redirect(q.w, q.r, "/console/signin", http.StatusSeeOther)
}

// safeNext keeps a redirect target only if it is a console path on this
// host (never //host or a scheme).
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	return next
}
