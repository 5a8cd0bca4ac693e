package gateway

import (
	"errors"
	"testing"

	"example.com/skipafterfixture/chain"
)

func ok(req *chain.Request) *chain.Response { return chain.NewResponse(200, "hello "+req.Path) }

func newGateway() *Gateway {
	return &Gateway{
		Chain:   &chain.Chain{Before: []chain.BeforeFunc{chain.RequireAuth}, After: []chain.AfterFunc{chain.Stamp}},
		Handler: ok,
	}
}

func newRouter(fail bool) *Router {
	return &Router{
		Before: []chain.BeforeFunc{chain.RequireAuth},
		After:  []chain.AfterFunc{chain.Stamp},
		Handler: func(req *chain.Request) (*chain.Response, error) {
			if fail {
				return nil, errors.New("boom")
			}
			return ok(req), nil
		},
	}
}

func newEdge() *Edge {
	return &Edge{
		Preflight: &chain.Chain{},
		Chain:     &chain.Chain{Before: []chain.BeforeFunc{chain.RequireAuth}, After: []chain.AfterFunc{chain.Stamp}},
		Handler:   ok,
	}
}

func authed(path string) *chain.Request {
	return &chain.Request{Path: path, Header: map[string]string{"Authorization": "Bearer t"}}
}

// checkCommon asserts what every response that went through the common
// path carries.
func checkCommon(t *testing.T, resp *chain.Response, path string) {
	t.Helper()
	if resp.Header["Access-Control-Allow-Origin"] != "*" || resp.Header["X-Content-Type-Options"] != "nosniff" {
		t.Errorf("global headers missing: %v", resp.Header)
	}
	if resp.Header["X-After"] != path {
		t.Errorf("after-chain did not run: X-After = %q, want %q", resp.Header["X-After"], path)
	}
}

// Normal responses are the same before and after chainlint -fix.
func TestGatewayNormal(t *testing.T) {
	resp := newGateway().Serve(authed("/a"))
	if resp.Status != 200 || resp.Body != "hello /a" {
		t.Fatalf("got %d %q", resp.Status, resp.Body)
	}
	checkCommon(t, resp, "/a")
}

func TestRouterNormal(t *testing.T) {
	resp := newRouter(false).Serve(authed("/b"))
	if resp.Status != 200 || resp.Body != "hello /b" {
		t.Fatalf("got %d %q", resp.Status, resp.Body)
	}
	checkCommon(t, resp, "/b")
}

func TestRouterHandlerError(t *testing.T) {
	resp := newRouter(true).Serve(authed("/c"))
	if resp.Status != 500 || resp.Body != "boom" {
		t.Fatalf("got %d %q", resp.Status, resp.Body)
	}
	checkCommon(t, resp, "/c")
}

// The short-circuit response itself is the auth middleware's, with or
// without the fix.
func TestShortCircuitStatus(t *testing.T) {
	for _, resp := range []*chain.Response{
		newGateway().Serve(&chain.Request{Path: "/x"}),
		newRouter(false).Serve(&chain.Request{Path: "/x"}),
		newEdge().Serve(&chain.Request{Path: "/x"}),
		newEdge().Jump(&chain.Request{Path: "/x"}),
	} {
		if resp.Status != 401 || resp.Body != "unauthorized" {
			t.Errorf("got %d %q, want 401 unauthorized", resp.Status, resp.Body)
		}
	}
}

func TestEdgeNormal(t *testing.T) {
	for name, serve := range map[string]func(*chain.Request) *chain.Response{"serve": newEdge().Serve, "jump": newEdge().Jump} {
		resp := serve(authed("/e"))
		if resp.Status != 200 || resp.Body != "hello /e" {
			t.Fatalf("%s: got %d %q", name, resp.Status, resp.Body)
		}
		checkCommon(t, resp, "/e")
	}
}
