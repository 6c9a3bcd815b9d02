package downstream

import "net/http"

// serveForwardAuth is /forward-auth (not built yet).
func (d *Door) serveForwardAuth(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "not implemented", http.StatusNotImplemented)
}
