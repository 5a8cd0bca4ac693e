//go:build chainlint_fixed

package gateway

import (
	"testing"

	"example.com/skipafterfixture/chain"
)

// After chainlint -fix, a short-circuit response (401 from the auth
// middleware) goes through the after-chain and gets the global headers.
func TestGatewayShortCircuitFixed(t *testing.T) {
	resp := newGateway().Serve(&chain.Request{Path: "/x"})
	if resp.Status != 401 {
		t.Fatalf("status %d, want 401", resp.Status)
	}
	checkCommon(t, resp, "/x")
}

func TestRouterShortCircuitFixed(t *testing.T) {
	handled := false
	rt := newRouter(false)
	rt.Handler = func(req *chain.Request) (*chain.Response, error) {
		handled = true
		return ok(req), nil
	}
	resp := rt.Serve(&chain.Request{Path: "/y"})
	if resp.Status != 401 {
		t.Fatalf("status %d, want 401", resp.Status)
	}
	if handled {
		t.Error("the handler ran for a short-circuited request")
	}
	checkCommon(t, resp, "/y")
}
