package downstream

import "net/http"

// MaxBodyBytes caps a decision API request body.
const MaxBodyBytes = 256 << 10

// NewHandler serves the HTTP front doors on the authz listener:
// /forward-auth (forward_auth.go), /v1/authorize and /v1/signing-key
// (decision_api.go), and /healthz.
func NewHandler(d *Door) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/forward-auth", http.HandlerFunc(d.serveForwardAuth))
	mux.Handle("/v1/authorize", http.HandlerFunc(d.serveAuthorize))
	mux.Handle("/v1/signing-key", http.HandlerFunc(d.serveSigningKey))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	return mux
}
