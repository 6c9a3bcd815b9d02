package e2e

import "testing"

// TestForwardAuthNginx: a real nginx (auth_request) in front of the echo
// upstream, asking stsd's /forward-auth; the configuration is the one
// docs/downstream.md shows.
func TestForwardAuthNginx(t *testing.T) {
	forwardAuthSuite(t, startNginx)
}

// TestForwardAuthNginxTwoNodes: a revocation written on one node denies on
// the other node, through nginx, within a second.
func TestForwardAuthNginxTwoNodes(t *testing.T) {
	revocationAcrossNodes(t, startNginx)
}
