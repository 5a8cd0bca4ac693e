//go:build chainlint_fixed

package gateway

import "testing"

// After chainlint -fix, the after-middlewares see the request the handler
// saw: the authenticated user.

func TestGatewayAfterSeesLatestRequest(t *testing.T) {
	var s seen
	c, h := newChain(&s)
	g := &Gateway{Chain: c, Handler: h}
	if got := g.Serve(authed()).Header["X-Audit-User"]; got != "alice" {
		t.Fatalf("after-chain saw user %q, want alice (the handler saw %q)", got, s.handlerUser)
	}
}

func TestLegacyAfterSeesLatestRequest(t *testing.T) {
	var s seen
	c, h := newChain(&s)
	l := &Legacy{Before: c.Before, After: c.After, Handler: h}
	if got := l.Serve(authed()).Header["X-Audit-User"]; got != "alice" {
		t.Fatalf("after-chain saw user %q, want alice (the handler saw %q)", got, s.handlerUser)
	}
}
