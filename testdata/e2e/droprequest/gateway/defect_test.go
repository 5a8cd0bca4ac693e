//go:build !chainlint_fixed

package gateway

import "testing"

// Before the fix, the after-middlewares do not see the authenticated user:
// Gateway passes the request from before authentication, Legacy passes nil.

func TestDefectAfterMissesUser(t *testing.T) {
	var s seen
	c, h := newChain(&s)
	g := &Gateway{Chain: c, Handler: h}
	if got := g.Serve(authed()).Header["X-Audit-User"]; got != "-" {
		t.Fatalf("Gateway: after-chain saw %q; the defect is gone (run the chainlint_fixed tests)", got)
	}
	l := &Legacy{Before: c.Before, After: c.After, Handler: h}
	if got := l.Serve(authed()).Header["X-Audit-User"]; got != "-" {
		t.Fatalf("Legacy: after-chain saw %q; the defect is gone (run the chainlint_fixed tests)", got)
	}
}
