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

// Both short-circuits of Edge.Serve, and the goto of Edge.Jump, go through
// the after-chain after the fix.
func TestEdgeShortCircuitFixed(t *testing.T) {
	e := newEdge()
	e.Preflight.Before = []chain.BeforeFunc{func(req *chain.Request) *chain.Response {
		if req.Path == "/preflight" {
			return chain.NewResponse(204, "")
		}
		return nil
	}}
	for path, status := range map[string]int{"/preflight": 204, "/x": 401} {
		resp := e.Serve(&chain.Request{Path: path})
		if resp.Status != status {
			t.Fatalf("%s: status %d, want %d", path, resp.Status, status)
		}
		checkCommon(t, resp, path)
	}
	resp := e.Jump(&chain.Request{Path: "/j"})
	if resp.Status != 401 {
		t.Fatalf("jump: status %d, want 401", resp.Status)
	}
	checkCommon(t, resp, "/j")
}
