package downstream

import "net/http"

// serveAuthorize is POST /v1/authorize (not built yet).
func (d *Door) serveAuthorize(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "not implemented", http.StatusNotImplemented)
}

// serveSigningKey is POST /v1/signing-key (not built yet).
func (d *Door) serveSigningKey(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "not implemented", http.StatusNotImplemented)
}
