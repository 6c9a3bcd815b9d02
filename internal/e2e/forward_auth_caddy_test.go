package e2e

import "testing"

// TestForwardAuthCaddy: a real Caddy (forward_auth) in front of the echo
// upstream, asking stsd's /forward-auth; the configuration is the one
// docs/downstream.md shows.
func TestForwardAuthCaddy(t *testing.T) {
	checkDocumented(t, caddyfile, "http://{{LISTEN}} {")
	forwardAuthSuite(t, startCaddy)
}

// TestForwardAuthCaddyTwoNodes: a revocation written on one node denies on
// the other node, through Caddy, within a second.
func TestForwardAuthCaddyTwoNodes(t *testing.T) {
	revocationAcrossNodes(t, startCaddy)
}
