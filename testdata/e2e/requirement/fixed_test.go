//go:build chainlint_fixed

package gateway

import "testing"

// After chainlint -fix: one acquisition per request, and the short-circuit
// response goes through the after-chain.
func TestFixed(t *testing.T) {
	g := newGateway()
	g.Serve(&Request{Path: "/"})
	if g.Lock.Acquisitions != 1 {
		t.Errorf("%d acquisitions for 3 before-middlewares, want 1", g.Lock.Acquisitions)
	}
	if w := g.Serve(&Request{Path: "/deny"}); w.Code != 403 || w.Headers["X-Served-By"] != "gateway" {
		t.Errorf("short-circuit: %d %v, want 403 through the after-chain", w.Code, w.Headers)
	}
}
