//go:build !chainlint_fixed

package gateway

import "testing"

// Before the fix: one acquisition per before-middleware, and the
// short-circuit response skips the after-chain.
func TestDefects(t *testing.T) {
	g := newGateway()
	g.Serve(&Request{Path: "/"})
	if g.Lock.Acquisitions != 3 {
		t.Errorf("%d acquisitions for 3 before-middlewares, want 3 (one each)", g.Lock.Acquisitions)
	}
	if w := g.Serve(&Request{Path: "/deny"}); w.Code != 403 || w.Headers["X-Served-By"] != "" {
		t.Errorf("short-circuit: %d %v, want 403 without the after-chain's header", w.Code, w.Headers)
	}
}
